//! Readers: bytes of a file → a [`RawTable`] of named source columns, one row per data row.
//!
//! The format is decided by content (magic bytes), not by the file name; a name that claims
//! another format is reported as a note. Workbooks go through calamine, text through the polars
//! CSV reader, Parquet through polars.

mod csv;
mod csv_stream;
mod dates;
pub mod folder;
mod parquet;
mod parquet_guard;
mod plain_lines;
mod whole_file;
mod workbook;
mod xls_guard;

use std::path::{Path, PathBuf};

use polars::prelude::*;

use super::error::LoadError;
use super::note::Note;

pub use self::csv::{Delimiter, TextEncoding, decode_text, sniff_delimiter};
pub use self::workbook::list_sheets;

/// The formats Cruscotto reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Format {
    Xlsx,
    Xlsb,
    Xls,
    Ods,
    Csv,
    Parquet,
}

impl Format {
    pub fn label(self) -> &'static str {
        match self {
            Format::Xlsx => "xlsx",
            Format::Xlsb => "xlsb",
            Format::Xls => "xls",
            Format::Ods => "ods",
            Format::Csv => "csv",
            Format::Parquet => "parquet",
        }
    }

    /// The format a file name claims, if its extension is one we know.
    pub fn from_extension(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "xlsx" | "xlsm" | "xltx" | "xltm" => Format::Xlsx,
            "xlsb" => Format::Xlsb,
            "xls" | "xlt" => Format::Xls,
            "ods" | "ots" => Format::Ods,
            "csv" | "tsv" | "txt" | "tab" => Format::Csv,
            "parquet" | "pq" => Format::Parquet,
            _ => return None,
        })
    }
}

/// Decides the format from the first bytes (and, for zip containers, their entry names).
pub fn sniff_format(bytes: &[u8]) -> Option<Format> {
    if bytes.starts_with(b"PAR1") {
        return Some(Format::Parquet);
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return Some(Format::Xls);
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        let head = &bytes[..bytes.len().min(4096)];
        if contains(head, b"application/vnd.oasis.opendocument.spreadsheet") {
            return Some(Format::Ods);
        }
        if contains(bytes, b"xl/workbook.bin") {
            return Some(Format::Xlsb);
        }
        return Some(Format::Xlsx);
    }
    None
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Where a raw table came from.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Origin {
    pub file: PathBuf,
    /// The sheet, for workbooks.
    pub sheet: Option<String>,
    pub format: Format,
}

impl Origin {
    /// `file.xlsx › Sheet` (or just the file name).
    pub fn label(&self) -> String {
        let name = self
            .file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| self.file.display().to_string());
        match &self.sheet {
            Some(sheet) => format!("{name} › {sheet}"),
            None => name,
        }
    }
}

/// A table as read from a file: source column names (unique, as in the header), values as
/// strings, numbers or dates, plus [`ROW`] with the 1-based row number in the file or sheet.
#[derive(Debug, Clone)]
pub struct RawTable {
    pub origin: Origin,
    pub frame: DataFrame,
    /// What the reader noticed and the user should know (skipped title rows, excluded totals,
    /// a misleading file extension, the encoding and delimiter chosen).
    pub notes: Vec<Note>,
    /// All sheets of a workbook (empty for other formats).
    pub sheets: Vec<String>,
}

/// The name of the row-number column in a [`RawTable`].
pub const ROW: &str = "__row";

/// Reading options that concern the file itself.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// For workbooks: the sheet to read; by default the first sheet that holds a table.
    pub sheet: Option<String>,
    /// When a question needs only some columns: what it needs and the user's overrides. CSV and
    /// Parquet then parse only those columns ([`crate::data::needed::Needed::columns_to_read`]).
    pub only: Option<(crate::data::needed::Needed, crate::data::Mapping)>,
    /// The size of the pieces a delimited text on disk is read in (default [`csv_stream::PIECE`]).
    pub piece: Option<usize>,
}

impl ReadOptions {
    /// The size of the pieces a delimited text on disk is read in.
    pub fn piece_bytes(&self) -> usize {
        self.piece.unwrap_or(csv_stream::PIECE).max(1)
    }

    /// Of a file's `headers`, those to read (all when no question narrows them).
    pub(super) fn columns(&self, headers: &[String]) -> Option<Vec<String>> {
        let (needed, overrides) = self.only.as_ref()?;
        Some(needed.columns_to_read(headers, overrides))
    }
}

/// Reads a file from disk. The file is only read, never written.
pub fn read_path(path: &Path, options: &ReadOptions) -> Result<RawTable, LoadError> {
    if path.is_dir() {
        // A folder of Parquet files (see [`folder`]): one dataset with its partition columns.
        let mut table = parquet::read_dataset(path)?;
        let fail = |e: polars::prelude::PolarsError| LoadError::unreadable(path, e.to_string());
        let notes = dates::tame(&mut table.frame).map_err(fail)?;
        table.notes.extend(notes);
        rename_reserved(&mut table.frame).map_err(fail)?;
        return Ok(table);
    }
    let bytes = whole_file::read_whole(path).map_err(|source| LoadError::Io {
        file: path.to_path_buf(),
        source,
    })?;
    read_bytes(path, bytes, options)
}

/// What a reader of a file on disk tells and asks as the file comes in.
pub struct Arrival<'a> {
    /// The bytes of the file read so far.
    pub read: &'a dyn Fn(u64),
    /// The file is read whole and is now being split into rows and columns (not told of a
    /// delimited text on disk, parsed as it is read).
    pub parsing: &'a dyn Fn(),
    /// Whether to go on (an error stops the read: the load was cancelled).
    pub check: &'a dyn Fn() -> Result<(), LoadError>,
    /// Given the rows of a delimited text's first piece (and the bytes they come from) as soon
    /// as they are parsed, while the rest is read — when every column is read. May be given
    /// again when the file must be read again.
    pub first_rows: Option<&'a (dyn Fn(RawTable, u64) + Sync)>,
}

/// How much of a file read whole is read between two reports to [`Arrival`].
const READ_PART: usize = 16 << 20;

/// How much of a file's start tells its format.
const HEAD: usize = 64 << 10;

/// Reads a file on disk, telling `arrival` as it comes in. A delimited text is parsed piece by
/// piece as it is read ([`csv_stream`]); a workbook or Parquet file is read whole first. The file
/// is only read, never written.
pub fn read_file(
    path: &Path,
    options: &ReadOptions,
    arrival: &Arrival,
) -> Result<RawTable, LoadError> {
    let io = |source| LoadError::Io {
        file: path.to_path_buf(),
        source,
    };
    let mut file = std::fs::File::open(path).map_err(io)?;
    if !file.metadata().is_ok_and(|m| m.is_file()) {
        // A pipe (`<(zcat …)`) is read as it comes, whole: it has no offsets to read at.
        use std::io::Read;
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).map_err(io)?;
        (arrival.read)(bytes.len() as u64);
        (arrival.parsing)();
        return read_bytes(path, bytes, options);
    }
    let mut head = vec![0; HEAD];
    let n = whole_file::read_up_to(&file, &mut head, 0).map_err(io)?;
    head.truncate(n);
    if read_in_pieces(&head) {
        // The first rows finished as the whole table will be.
        let first_rows = arrival.first_rows.map(|give| {
            move |raw: RawTable, bytes: u64| {
                if let Ok(raw) = finish(path, Format::Csv, raw) {
                    give(raw, bytes)
                }
            }
        });
        let arrival = Arrival {
            first_rows: first_rows
                .as_ref()
                .map(|f| f as &(dyn Fn(RawTable, u64) + Sync)),
            ..*arrival
        };
        let table = csv_stream::read(path, &file, options, &arrival)?;
        return finish(path, Format::Csv, table);
    }
    // Read whole into memory of the file's size (what a workbook's reader holds while it
    // reads), from its start, in parts between reports.
    use std::io::{Read, Seek};
    drop(head);
    file.rewind().map_err(io)?;
    let size = file.metadata().map_or(0, |m| m.len());
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    loop {
        let n = (&mut file)
            .take(READ_PART as u64)
            .read_to_end(&mut bytes)
            .map_err(io)?;
        if n == 0 {
            break;
        }
        (arrival.read)(bytes.len() as u64);
        (arrival.check)()?;
    }
    drop(file);
    (arrival.parsing)();
    read_bytes(path, bytes, options)
}

/// Whether the delimited text at `path`, read in pieces of `piece` bytes, gives what it gives
/// read whole; what differs otherwise. For the fuzzer (`fuzz/fuzz_targets/csv_pieces.rs`).
#[doc(hidden)]
pub fn csv_pieces_agree_with_whole(
    path: &Path,
    options: &ReadOptions,
    piece: usize,
) -> Result<(), String> {
    // Only what `read_file` reads in pieces.
    let head = std::fs::read(path).map_err(|e| e.to_string())?;
    if !read_in_pieces(&head[..head.len().min(HEAD)]) {
        return Ok(());
    }
    csv_stream::pieces_agree_with_whole(path, options, piece)
}

/// Whether a file starting with `head` is a delimited text read piece by piece: not empty, not
/// UTF-16 (decoded whole), not a workbook or Parquet file.
fn read_in_pieces(head: &[u8]) -> bool {
    let utf16 = head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF");
    !head.is_empty() && !utf16 && sniff_format(head).is_none()
}

/// Reads a file's bytes; `path` names it in errors and notes.
pub fn read_bytes(
    path: &Path,
    bytes: Vec<u8>,
    options: &ReadOptions,
) -> Result<RawTable, LoadError> {
    if bytes.is_empty() {
        return Err(LoadError::Empty {
            file: path.to_path_buf(),
        });
    }
    let format = sniff_format(&bytes).unwrap_or(Format::Csv);
    let table = match format {
        Format::Csv => csv::read(path, bytes, options)?,
        Format::Parquet => parquet::read(path, bytes, options)?,
        Format::Xlsx | Format::Xlsb | Format::Xls | Format::Ods => {
            let table = workbook::read(path, bytes, format, options.sheet.as_deref())?;
            // The workbook's cells are columns now: what held them goes back to the system
            // before interpretation allocates anew (the peak of a large workbook's load).
            crate::data::memory::give_back_freed();
            table
        }
    };
    finish(path, format, table)
}

/// A table as read, with a note when the file's extension names another format.
fn finish(path: &Path, format: Format, table: RawTable) -> Result<RawTable, LoadError> {
    let mut notes = Vec::new();
    if let Some(claimed) = Format::from_extension(path)
        && !same_family(claimed, format)
    {
        notes.push(Note::ExtensionMismatch {
            claimed: path
                .extension()
                .and_then(|e| e.to_str())
                .unwrap_or("")
                .to_string(),
            actual: format.label().to_string(),
        });
    }
    finish_with(path, notes, table)
}

/// A table as read, after `notes`: its dates tamed and no column passing for a working one.
fn finish_with(
    path: &Path,
    mut notes: Vec<Note>,
    mut table: RawTable,
) -> Result<RawTable, LoadError> {
    notes.append(&mut table.notes);
    notes.extend(
        dates::tame(&mut table.frame).map_err(|e| LoadError::unreadable(path, e.to_string()))?,
    );
    table.notes = notes;
    rename_reserved(&mut table.frame).map_err(|e| LoadError::unreadable(path, e.to_string()))?;
    Ok(table)
}

/// Columns of the file named like the working columns of the loader and of polars (`__row`,
/// `__PL_STRUCTFIELDS`, …): renamed `col__…`, so that no file can pass for them (a Parquet
/// column named `__PL_STRUCTFIELDS` made polars panic — found by fuzzing).
fn rename_reserved(frame: &mut polars::prelude::DataFrame) -> polars::prelude::PolarsResult<()> {
    let reserved: Vec<String> = frame
        .get_column_names()
        .into_iter()
        .filter(|n| n.starts_with("__") && n.as_str() != ROW)
        .map(|n| n.to_string())
        .collect();
    for name in reserved {
        let mut new = format!("col{name}");
        while frame.column(&new).is_ok() {
            new.insert(0, '_');
            new.insert_str(0, "col");
        }
        frame.rename(&name, new.into())?;
    }
    Ok(())
}

fn same_family(claimed: Format, actual: Format) -> bool {
    claimed == actual
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bytes found by fuzzing `csv_pieces`: a UTF-16 byte-order mark, then bytes that are no
    /// UTF-16 text. `read_file` decodes such a file whole, never in pieces, so it gives what the
    /// whole reader gives.
    #[test]
    fn a_utf16_file_is_read_whole_as_its_pieces_would_not_be() {
        let bytes = b"\xFE\xFF\xFF\xFF\xFF\xFF\xFF\xFF\x61\x84\x30\x62\x0D";
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("progetti.csv");
        std::fs::write(&path, bytes).unwrap();
        let arrival = Arrival {
            read: &|_| {},
            parsing: &|| {},
            check: &|| Ok(()),
            first_rows: None,
        };
        let options = ReadOptions::default();
        let from_disk = read_file(&path, &options, &arrival).map(|t| t.frame);
        let whole = read_bytes(&path, bytes.to_vec(), &options).map(|t| t.frame);
        match (from_disk, whole) {
            (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string()),
            (a, b) => panic!("from disk {a:?}, whole {b:?}"),
        }
        assert_eq!(csv_pieces_agree_with_whole(&path, &options, 1), Ok(()));
    }
}
