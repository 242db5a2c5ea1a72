//! Workbooks (xlsx, xlsm, xlsb, xls, ods) through calamine: list sheets, pick the first sheet
//! that holds a table (or the one asked for), find its header row, build typed columns.

use std::borrow::Cow;
use std::io::Cursor;
use std::path::Path;

use calamine::{Cell, Data, Ods, Range, Reader, Xls, Xlsb, Xlsx, open_workbook_from_rs};
use chrono::NaiveDate;
use polars::prelude::*;

use super::{Format, Origin, ROW, RawTable};
use crate::data::detect;
use crate::data::error::LoadError;
use crate::data::note::Note;

type Bytes = Cursor<Vec<u8>>;

/// The cells of `sheet` from a calamine reader that streams them (xlsx, xlsb), under the caps.
macro_rules! stream_cells {
    ($book:expr, $sheet:expr) => {{
        let mut cells = $book
            .worksheet_cells_reader($sheet)
            .map_err(|e| SheetError::Read(e.to_string()))?;
        capped_range(|| {
            cells
                .next_cell()
                .map(|c| c.map(|c| Cell::new(c.get_position(), Data::from(c.get_value().clone()))))
                .map_err(|e| e.to_string())
        })
    }};
}

/// An open workbook of any supported kind.
enum Book {
    Xlsx(Xlsx<Bytes>),
    Xlsb(Xlsb<Bytes>),
    Xls(Xls<Bytes>),
    Ods(Ods<Bytes>),
}

impl Book {
    fn open(path: &Path, bytes: Vec<u8>, format: Format) -> Result<Book, LoadError> {
        if format == Format::Xls {
            refuse_encrypted(path, &bytes)?;
            super::xls_guard::refuse_damaged_grid(path, &bytes)?;
        } else {
            refuse_zip_bomb(path, &bytes)?;
        }
        let data = Cursor::new(bytes);
        let opened = match format {
            Format::Xlsx => open_workbook_from_rs(data)
                .map(Book::Xlsx)
                .map_err(|e| e.to_string()),
            Format::Xlsb => open_workbook_from_rs(data)
                .map(Book::Xlsb)
                .map_err(|e| e.to_string()),
            Format::Xls => open_workbook_from_rs(data)
                .map(Book::Xls)
                .map_err(|e| e.to_string()),
            Format::Ods => open_workbook_from_rs(data)
                .map(Book::Ods)
                .map_err(|e| e.to_string()),
            Format::Csv | Format::Parquet => unreachable!("not a workbook format"),
        };
        opened.map_err(|detail| LoadError::Damaged {
            file: path.to_path_buf(),
            format: format.label(),
            detail,
        })
    }

    fn sheet_names(&self) -> Vec<String> {
        match self {
            Book::Xlsx(b) => b.sheet_names(),
            Book::Xlsb(b) => b.sheet_names(),
            Book::Xls(b) => b.sheet_names(),
            Book::Ods(b) => b.sheet_names(),
        }
    }

    /// The cells of a sheet. xlsx and xlsb are streamed cell by cell under the caps (calamine's
    /// own reader would allocate the whole grid up to the farthest cell first); xls is bounded by
    /// its format (65.536 × 256) and calamine caps ods itself.
    fn range(&mut self, sheet: &str) -> Result<Range<Data>, SheetError> {
        match self {
            Book::Xlsx(b) => stream_cells!(b, sheet),
            Book::Xlsb(b) => stream_cells!(b, sheet),
            Book::Xls(b) => b
                .worksheet_range(sheet)
                .map_err(|e| SheetError::Read(e.to_string())),
            Book::Ods(b) => b
                .worksheet_range(sheet)
                .map_err(|e| SheetError::Read(e.to_string())),
        }
    }
}

/// At most this many filled cells in one sheet.
pub const MAX_CELLS: usize = 50_000_000;
/// At most this many cells in the rectangle from the first to the last filled cell.
pub const MAX_GRID: usize = 60_000_000;
/// At most this many bytes once a zipped workbook (xlsx, xlsb, ods) is inflated.
pub const MAX_UNZIPPED: u64 = 1 << 30;

/// Why a sheet's cells could not be read.
enum SheetError {
    Read(String),
    TooManyCells,
    TooWide {
        rows: usize,
        columns: usize,
        far_cell: String,
    },
}

impl SheetError {
    fn into_load_error(self, path: &Path, sheet: &str) -> LoadError {
        let (file, sheet) = (path.to_path_buf(), sheet.to_string());
        match self {
            SheetError::Read(e) => LoadError::unreadable(path, format!("sheet '{sheet}': {e}")),
            SheetError::TooManyCells => LoadError::TooManyCells {
                file,
                sheet,
                limit: MAX_CELLS,
            },
            SheetError::TooWide {
                rows,
                columns,
                far_cell,
            } => LoadError::TooWide {
                file,
                sheet,
                rows,
                columns,
                far_cell,
                limit: MAX_GRID,
            },
        }
    }
}

/// A sheet's cells read one by one, refused past [`MAX_CELLS`] or [`MAX_GRID`].
fn capped_range(
    mut next: impl FnMut() -> Result<Option<Cell<Data>>, String>,
) -> Result<Range<Data>, SheetError> {
    let mut cells = Vec::new();
    let (mut rows, mut cols) = ((u32::MAX, 0u32), (u32::MAX, 0u32));
    while let Some(cell) = next().map_err(SheetError::Read)? {
        if matches!(cell.get_value(), Data::Empty) {
            continue;
        }
        let (r, c) = cell.get_position();
        rows = (rows.0.min(r), rows.1.max(r));
        cols = (cols.0.min(c), cols.1.max(c));
        cells.push(cell);
        if cells.len() > MAX_CELLS {
            return Err(SheetError::TooManyCells);
        }
    }
    if !cells.is_empty() {
        let height = (rows.1 - rows.0) as usize + 1;
        let width = (cols.1 - cols.0) as usize + 1;
        if height.saturating_mul(width) > MAX_GRID {
            return Err(SheetError::TooWide {
                rows: height,
                columns: width,
                far_cell: format!(
                    "{}{}",
                    crate::data::detect::column_letter(cols.1 as usize),
                    rows.1 + 1
                ),
            });
        }
    }
    Ok(Range::from_sparse(cells))
}

/// Refuses a zip container (xlsx, xlsb, ods) that would inflate past [`MAX_UNZIPPED`], before
/// inflating anything.
fn refuse_zip_bomb(path: &Path, bytes: &[u8]) -> Result<(), LoadError> {
    let Ok(mut zip) = ::zip::ZipArchive::new(Cursor::new(bytes)) else {
        // Not a readable zip: calamine says why.
        return Ok(());
    };
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        if let Ok(entry) = zip.by_index_raw(i) {
            total = total.saturating_add(entry.size());
        }
    }
    if total > MAX_UNZIPPED {
        return Err(LoadError::TooLarge {
            file: path.to_path_buf(),
            inflated_mb: total >> 20,
            limit_mb: MAX_UNZIPPED >> 20,
        });
    }
    Ok(())
}

/// A workbook protected by a password is an OLE container holding `EncryptedPackage`: say so,
/// instead of "damaged".
fn refuse_encrypted(path: &Path, bytes: &[u8]) -> Result<(), LoadError> {
    let name: Vec<u8> = "EncryptedPackage"
        .encode_utf16()
        .flat_map(|u| u.to_le_bytes())
        .collect();
    let head = &bytes[..bytes.len().min(1 << 20)];
    if head.windows(name.len()).any(|w| w == name.as_slice()) {
        return Err(LoadError::Password {
            file: path.to_path_buf(),
        });
    }
    Ok(())
}

/// The sheet names of a workbook file, in order.
pub fn list_sheets(path: &Path) -> Result<Vec<String>, LoadError> {
    let bytes = std::fs::read(path).map_err(|source| LoadError::Io {
        file: path.to_path_buf(),
        source,
    })?;
    match super::sniff_format(&bytes) {
        Some(format @ (Format::Xlsx | Format::Xlsb | Format::Xls | Format::Ods)) => {
            crate::data::contain::contained(|| Ok(Book::open(path, bytes, format)?.sheet_names()))
                .unwrap_or_else(|detail| {
                    Err(LoadError::Damaged {
                        file: path.to_path_buf(),
                        format: format.label(),
                        detail,
                    })
                })
        }
        _ => Ok(Vec::new()),
    }
}

/// How many rows are looked at to find the header.
const HEADER_SEARCH_ROWS: usize = 30;

/// Reads a workbook; a panic inside calamine (a damaged file) is reported as damage.
pub(super) fn read(
    path: &Path,
    bytes: Vec<u8>,
    format: Format,
    sheet: Option<&str>,
) -> Result<RawTable, LoadError> {
    crate::data::contain::contained(|| read_book(path, bytes, format, sheet)).unwrap_or_else(
        |detail| {
            Err(LoadError::Damaged {
                file: path.to_path_buf(),
                format: format.label(),
                detail,
            })
        },
    )
}

fn read_book(
    path: &Path,
    bytes: Vec<u8>,
    format: Format,
    sheet: Option<&str>,
) -> Result<RawTable, LoadError> {
    let mut book = Book::open(path, bytes, format)?;
    let sheets = book.sheet_names();
    let candidates: Vec<String> = match sheet {
        Some(wanted) => {
            let found = sheets
                .iter()
                .find(|s| s.as_str() == wanted)
                .or_else(|| sheets.iter().find(|s| s.eq_ignore_ascii_case(wanted)));
            match found {
                Some(s) => vec![s.clone()],
                None => {
                    return Err(LoadError::NoSuchSheet {
                        file: path.to_path_buf(),
                        sheet: wanted.to_string(),
                        available: sheets.join(", "),
                    });
                }
            }
        }
        None => sheets.clone(),
    };
    let mut skipped = Vec::new();
    for name in &candidates {
        let range = book
            .range(name)
            .map_err(|e| e.into_load_error(path, name))?;
        if let Some(mut table) = table_from_range(path, format, name, &range)? {
            table.sheets = sheets.clone();
            if !skipped.is_empty() {
                table.notes.push(Note::SheetsWithoutTable(skipped.clone()));
            }
            return Ok(table);
        }
        skipped.push(name.clone());
    }
    match sheet {
        Some(wanted) => Err(LoadError::SheetWithoutTable {
            file: path.to_path_buf(),
            sheet: wanted.to_string(),
        }),
        None => Err(LoadError::NoTable {
            file: path.to_path_buf(),
            available: sheets.join(", "),
        }),
    }
}

/// Text of a cell as a person would read it; numbers never look like Italian thousands.
pub(crate) fn cell_text(cell: &Data) -> Option<Cow<'_, str>> {
    Some(match cell {
        Data::Empty => return None,
        // Text cells are borrowed: a sheet of 100,000 rows is not copied cell by cell.
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => Cow::Borrowed(s),
        Data::Int(i) => Cow::Owned(i.to_string()),
        Data::Float(f) => Cow::Owned(crate::data::parse::money::number_text(*f)),
        Data::Bool(b) => Cow::Borrowed(if *b { "VERO" } else { "FALSO" }),
        Data::DateTime(d) => Cow::Owned(match d.as_datetime() {
            Some(dt) if dt.time() == chrono::NaiveTime::MIN => dt.date().to_string(),
            Some(dt) => dt.to_string(),
            None => d.as_f64().to_string(),
        }),
        Data::Error(e) => Cow::Owned(format!("{e}")),
    })
}

fn cell_date(cell: &Data) -> Option<NaiveDate> {
    match cell {
        Data::DateTime(d) => d.as_datetime().map(|dt| dt.date()),
        Data::DateTimeIso(s) => NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d").ok(),
        _ => None,
    }
}

fn is_blank(cell: &Data) -> bool {
    match cell {
        Data::Empty => true,
        Data::String(s) => s.trim().is_empty(),
        _ => false,
    }
}

/// One column of a sheet as a polars column: `Float64` when every filled cell is a number,
/// `Date` when every filled cell is a date, otherwise `String`.
fn build_column(name: &str, cells: &[&Data]) -> Column {
    let filled: Vec<&&Data> = cells.iter().filter(|c| !is_blank(c)).collect();
    let all_numbers = !filled.is_empty()
        && filled
            .iter()
            .all(|c| matches!(c, Data::Int(_) | Data::Float(_)));
    let all_dates = !filled.is_empty()
        && filled.iter().all(|c| {
            matches!(c, Data::DateTime(_) | Data::DateTimeIso(_)) && cell_date(c).is_some()
        });
    if all_numbers {
        let values: Vec<Option<f64>> = cells
            .iter()
            .map(|c| match c {
                Data::Int(i) => Some(*i as f64),
                Data::Float(f) => Some(*f),
                _ => None,
            })
            .collect();
        Column::new(name.into(), values)
    } else if all_dates {
        let values: Vec<Option<NaiveDate>> = cells.iter().map(|c| cell_date(c)).collect();
        Column::new(name.into(), values)
    } else {
        let values: StringChunked = cells
            .iter()
            .map(|c| if is_blank(c) { None } else { cell_text(c) })
            .collect();
        values.with_name(name.into()).into_column()
    }
}

/// Builds the raw table of one sheet, or `None` when the sheet holds no table.
fn table_from_range(
    path: &Path,
    format: Format,
    sheet: &str,
    range: &Range<Data>,
) -> Result<Option<RawTable>, LoadError> {
    let (height, width) = range.get_size();
    if height == 0 || width == 0 {
        return Ok(None);
    }
    let (first_row, _) = range.start().unwrap_or((0, 0));
    let sample: Vec<Vec<String>> = range
        .rows()
        .take(HEADER_SEARCH_ROWS)
        .map(|row| {
            row.iter()
                .map(|c| cell_text(c).unwrap_or_default().into_owned())
                .collect()
        })
        .collect();
    let header = detect::find_header_row(&sample);
    let header_filled = sample[header]
        .iter()
        .filter(|c| !c.trim().is_empty())
        .count();
    let data_rows = height.saturating_sub(header + 1);
    if header_filled < 2 || data_rows == 0 {
        return Ok(None);
    }
    let names = detect::name_headers(&sample[header], width);
    let rows: Vec<&[Data]> = range.rows().skip(header + 1).collect();
    let mut columns: Vec<Column> = Vec::with_capacity(width + 1);
    let first_data_row = first_row + header as u32 + 2;
    columns.push(Column::new(
        ROW.into(),
        (first_data_row..first_data_row + rows.len() as u32).collect::<Vec<u32>>(),
    ));
    for (j, name) in names.iter().enumerate() {
        let cells: Vec<&Data> = rows
            .iter()
            .map(|r| r.get(j).unwrap_or(&Data::Empty))
            .collect();
        columns.push(build_column(name, &cells));
    }
    let frame = DataFrame::new(rows.len(), columns)
        .map_err(|e| LoadError::unreadable(path, format!("sheet '{sheet}': {e}")))?;
    let mut notes = vec![Note::Sheet {
        sheet: sheet.to_string(),
        header_row: first_row as usize + header + 1,
    }];
    let skipped = first_row as usize + header;
    if skipped > 0 {
        notes.push(Note::RowsSkipped(skipped));
    }
    Ok(Some(RawTable {
        origin: Origin {
            file: path.to_path_buf(),
            sheet: Some(sheet.to_string()),
            format,
        },
        frame,
        notes,
        sheets: Vec::new(),
    }))
}
