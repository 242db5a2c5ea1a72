//! Load errors: always name the file and say what is wrong in one line.

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
    #[error("{file}: {reason}")]
    Unreadable { file: PathBuf, reason: String },
    #[error("{file}: sheet '{sheet}' not found (sheets: {available})")]
    NoSuchSheet {
        file: PathBuf,
        sheet: String,
        available: String,
    },
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
