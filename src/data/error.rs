//! Load errors: always name the file and say what is wrong in one line. `Display` is the English
//! wording; the window and the command line word them in the user's language
//! ([`crate::i18n::Lang::load_error`]). What a library said is kept as a detail, as it said it.

use std::path::PathBuf;

/// Why a file could not become a table. `Display` is one line that names the file.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{file}: cannot read the file: {source}")]
    Io {
        file: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{file}: the file is empty")]
    Empty { file: PathBuf },
    #[error("{file}: no spreadsheet, CSV or Parquet file in this folder")]
    EmptyFolder { file: PathBuf },
    #[error(
        "{file}: not a spreadsheet, CSV or Parquet file (rename it .csv to read it as a text table)"
    )]
    NotATable { file: PathBuf },
    #[error("{file}: binary content: not a spreadsheet, a Parquet file or a text table")]
    Binary { file: PathBuf },
    #[error("{file}: cannot open as {format}: the file is damaged or truncated ({detail})")]
    Damaged {
        file: PathBuf,
        format: &'static str,
        detail: String,
    },
    #[error(
        "{file}: the workbook is protected by a password: open it in Excel or LibreOffice and \
         save a copy without a password"
    )]
    Password { file: PathBuf },
    #[error(
        "{file}: the workbook would inflate to {inflated_mb} MB, more than the limit of \
         {limit_mb} MB (a damaged file or a zip bomb): not opened"
    )]
    TooLarge {
        file: PathBuf,
        inflated_mb: u64,
        limit_mb: u64,
    },
    #[error(
        "{file}: sheet '{sheet}': more than {limit} filled cells, the limit for a workbook: save \
         it as CSV or Parquet"
    )]
    TooManyCells {
        file: PathBuf,
        sheet: String,
        limit: usize,
    },
    #[error(
        "{file}: sheet '{sheet}': the filled cells span {rows} rows × {columns} columns (up to \
         {far_cell}), more than the limit of {limit} cells: delete the stray cells far from the \
         table"
    )]
    TooWide {
        file: PathBuf,
        sheet: String,
        rows: usize,
        columns: usize,
        far_cell: String,
        limit: usize,
    },
    #[error(
        "{file}: ragged rows: a row has more fields than the {width} columns of the header; \
         check the delimiter and quotes"
    )]
    Ragged { file: PathBuf, width: usize },
    #[error("{file}: not a readable Parquet file ({detail})")]
    NotParquet { file: PathBuf, detail: String },
    #[error("{file}: {reason}")]
    Unreadable { file: PathBuf, reason: String },
    #[error("{file}: sheet '{sheet}' not found (sheets: {available})")]
    NoSuchSheet {
        file: PathBuf,
        sheet: String,
        available: String,
    },
    #[error("{file}: sheet '{sheet}' holds no table (a header row and data rows)")]
    SheetWithoutTable { file: PathBuf, sheet: String },
    #[error("{file}: no sheet holds a table (sheets: {available})")]
    NoTable { file: PathBuf, available: String },
    #[error("{}: already open{}", file.display(), sheet.as_ref().map(|s| format!(" (sheet '{s}')")).unwrap_or_default())]
    AlreadyOpen {
        file: PathBuf,
        sheet: Option<String>,
    },
    #[error("the load was superseded by a newer one")]
    Cancelled,
    #[error("{file}: column '{header}' given for {field} does not exist (columns: {available})")]
    NoSuchColumn {
        file: PathBuf,
        field: String,
        header: String,
        available: String,
    },
}

impl LoadError {
    pub fn unreadable(file: impl Into<PathBuf>, reason: impl Into<String>) -> Self {
        LoadError::Unreadable {
            file: file.into(),
            reason: reason.into(),
        }
    }
}
