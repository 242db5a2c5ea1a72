//! Parquet through polars: columns keep their types; a row number is added.

use std::io::Cursor;
use std::path::Path;

use polars::prelude::*;

use super::{Format, Origin, ROW, RawTable};
use crate::data::error::LoadError;

pub(super) fn read(path: &Path, bytes: Vec<u8>) -> Result<RawTable, LoadError> {
    let frame = ParquetReader::new(Cursor::new(bytes))
        .finish()
        .map_err(|e| LoadError::NotParquet {
            file: path.to_path_buf(),
            detail: e.to_string(),
        })?;
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
