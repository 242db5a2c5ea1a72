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

pub(super) fn read(path: &Path, bytes: Vec<u8>) -> Result<RawTable, LoadError> {
    let not_parquet = |detail: String| LoadError::NotParquet {
        file: path.to_path_buf(),
        detail,
    };
    // A panic inside the reader (a damaged file) is reported as such.
    let frame = crate::data::contain::contained(|| ParquetReader::new(Cursor::new(bytes)).finish())
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
