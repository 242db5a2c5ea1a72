//! What the loader noticed about a source and the user should know, as typed values: the window
//! and the command line word them in the user's language ([`crate::i18n::Lang::note`]);
//! `Display` is the English wording.

use std::fmt;

/// One remark about how a source was read.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Note {
    /// A text file: its encoding, delimiter and header line (1-based).
    Text {
        encoding: String,
        delimiter: String,
        header_line: usize,
    },
    /// Lines above the header of a text file (titles, blank lines) were skipped.
    LinesSkipped(usize),
    /// The sheet read and its header row (1-based).
    Sheet { sheet: String, header_row: usize },
    /// Rows above the header of a sheet were skipped.
    RowsSkipped(usize),
    /// Sheets without a table, passed over.
    SheetsWithoutTable(Vec<String>),
    /// The file's extension claims another format than its content.
    ExtensionMismatch { claimed: String, actual: String },
    /// A totals row (and what followed it) was excluded: these rows.
    TotalsExcluded(Vec<u32>),
    /// The header has no data rows below it.
    NoDataRows,
    /// An input skipped: a folder holding nothing readable, or a file that is not a table.
    FolderSkipped(std::path::PathBuf),
    /// Stored dates no calendar holds (beyond the years 1–9999), left empty: column, how many.
    DatesOutOfRange { column: String, count: usize },
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Note::DatesOutOfRange { column, count } => write!(
                f,
                "column '{column}': {count} stored date(s) beyond the years 1–9999 left empty"
            ),
            Note::Text {
                encoding,
                delimiter,
                header_line,
            } => write!(
                f,
                "text file: {encoding}, delimiter {delimiter}, header on line {header_line}"
            ),
            Note::LinesSkipped(n) => write!(
                f,
                "{n} line(s) above the header skipped (titles, blank lines)"
            ),
            Note::Sheet { sheet, header_row } => {
                write!(f, "sheet '{sheet}', header on row {header_row}")
            }
            Note::RowsSkipped(n) => write!(
                f,
                "{n} row(s) above the header skipped (titles, blank rows)"
            ),
            Note::SheetsWithoutTable(sheets) => {
                write!(f, "sheet(s) without a table skipped: {}", sheets.join(", "))
            }
            Note::ExtensionMismatch { claimed, actual } => write!(
                f,
                "the name says .{claimed} but the content is {actual}: read as {actual}"
            ),
            Note::TotalsExcluded(rows) => write!(
                f,
                "totals row excluded (row {}), it is not a project",
                join(rows)
            ),
            Note::NoDataRows => write!(f, "no data rows below the header"),
            Note::FolderSkipped(path) => write!(
                f,
                "{} skipped: not a spreadsheet, CSV or Parquet file, nor a folder holding one",
                path.display()
            ),
        }
    }
}

/// Row numbers as `16, 17`.
pub fn join(rows: &[u32]) -> String {
    rows.iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}
