//! Parquet through polars: columns keep their types; a row number is added.

use std::io::Cursor;
use std::path::Path;

use polars::prelude::*;

use super::{Format, Origin, ROW, RawTable};
use crate::data::error::LoadError;

/// A folder of Parquet files, hive-partitioned or not, as one table (partition columns included).
pub(super) fn read_dataset(dir: &Path) -> Result<RawTable, LoadError> {
    let not_parquet = |e: PolarsError| LoadError::NotParquet {
        file: dir.to_path_buf(),
        detail: e.to_string(),
    };
    let args = ScanArgsParquet {
        hive_options: polars::io::HiveOptions::new_enabled(),
        ..ScanArgsParquet::default()
    };
    for file in parquet_files(dir) {
        let mut bytes =
            std::fs::read(&file).map_err(|e| LoadError::unreadable(&file, e.to_string()))?;
        super::parquet_guard::check(&file, &mut bytes)?;
    }
    let path = polars::prelude::PlRefPath::try_from_path(dir).map_err(not_parquet)?;
    let frame = LazyFrame::scan_parquet(path, args)
        .and_then(|lf| lf.with_row_index(ROW, Some(1)).collect())
        .map_err(not_parquet)?;
    Ok(RawTable {
        origin: Origin {
            file: dir.to_path_buf(),
            sheet: None,
            format: Format::Parquet,
        },
        frame,
        notes: Vec::new(),
        sheets: Vec::new(),
    })
}

/// Every Parquet file under `dir`, in its partition folders.
fn parquet_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            // Linked folders are not walked: one pointing back up would never end.
            let link = entry.file_type().is_ok_and(|t| t.is_symlink());
            if path.is_dir() && !link {
                pending.push(path);
            } else if path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("parquet") || e.eq_ignore_ascii_case("pq"))
            {
                found.push(path);
            }
        }
    }
    found
}

/// The file's columns, or only those a question needs — unless the last rows may be a totals
/// row (named in a column not needed) or a row is empty in the needed columns: then all.
fn read_columns(bytes: &[u8], options: &super::ReadOptions) -> PolarsResult<DataFrame> {
    let all = || ParquetReader::new(Cursor::new(bytes)).finish();
    let mut reader = ParquetReader::new(Cursor::new(bytes));
    let names: Vec<String> = reader
        .schema()?
        .iter_names()
        .map(|n| n.to_string())
        .collect();
    let Some(keep) = options.columns(&names) else {
        return all();
    };
    let rows = reader.num_rows()?;
    let tail = ParquetReader::new(Cursor::new(bytes))
        .with_slice(Some((rows.saturating_sub(5), 5)))
        .finish()?;
    if crate::data::normalise::may_hold_totals(&tail)? {
        return all();
    }
    let frame = reader.with_columns(Some(keep)).finish()?;
    if crate::data::normalise::has_empty_rows(&frame)? {
        return all();
    }
    Ok(frame)
}

pub(super) fn read(
    path: &Path,
    mut bytes: Vec<u8>,
    options: &super::ReadOptions,
) -> Result<RawTable, LoadError> {
    super::parquet_guard::check(path, &mut bytes)?;
    let not_parquet = |detail: String| LoadError::NotParquet {
        file: path.to_path_buf(),
        detail,
    };
    // A panic inside the reader (a damaged file) is reported as such.
    let frame = crate::data::contain::contained(|| read_columns(&bytes, options))
        .map_err(not_parquet)?
        .map_err(|e| not_parquet(e.to_string()))?;
    let frame = frame
        .with_row_index(ROW.into(), Some(1))
        .map_err(|e| LoadError::unreadable(path, e.to_string()))?;
    Ok(RawTable {
        origin: Origin {
            file: path.to_path_buf(),
            sheet: None,
            format: Format::Parquet,
        },
        frame,
        notes: Vec::new(),
        sheets: Vec::new(),
    })
}
