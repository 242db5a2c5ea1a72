//! Tables to files people open in Excel or LibreOffice: a typed [`Table`] (money, numbers,
//! counts, shares, dates, text) written as XLSX (euro and date formats, frozen header,
//! autofilter, fitted widths, an "Informazioni" sheet), CSV (UTF-8 with BOM, or "Excel italiano":
//! `;`, decimal comma, Windows-1252) or ODS; data frames also as Parquet. Text that a
//! spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, carriage return first) is
//! written as text.

use std::path::Path;

use chrono::{Datelike, NaiveDate};
use polars::prelude::*;

use super::{ExportError, write_atomic};
use crate::data::schema::{Field, Kind};

/// The cells of one column, typed.
#[derive(Debug, Clone, PartialEq)]
pub enum Cells {
    /// Euros.
    Money(Vec<Option<f64>>),
    /// Plain numbers.
    Number(Vec<Option<f64>>),
    /// Whole numbers (projects, rows).
    Count(Vec<Option<f64>>),
    /// Shares as fractions (0.25 is 25 %).
    Share(Vec<Option<f64>>),
    Date(Vec<Option<NaiveDate>>),
    Text(Vec<Option<String>>),
}

impl Cells {
    pub fn len(&self) -> usize {
        match self {
            Cells::Money(v) | Cells::Number(v) | Cells::Count(v) | Cells::Share(v) => v.len(),
            Cells::Date(v) => v.len(),
            Cells::Text(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// One column: its header as people read it, and its cells.
#[derive(Debug, Clone, PartialEq)]
pub struct TableColumn {
    pub header: String,
    pub cells: Cells,
}

/// A table to export, with what the reader should know about it ("Informazioni").
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    /// The data sheet's name.
    pub sheet: String,
    pub columns: Vec<TableColumn>,
    /// Item → value lines: title, filters, sources, mapping, export date, notes. Written as a
    /// second sheet in workbooks; not in CSV.
    pub info: Vec<(String, String)>,
    /// The name of the information sheet.
    pub info_sheet: String,
}

impl Table {
    pub fn height(&self) -> usize {
        self.columns.first().map(|c| c.cells.len()).unwrap_or(0)
    }

    /// A data frame's columns, typed by their dtype (the canonical amounts as euros, lists as
    /// `a, b` text), with headers from `header`.
    pub fn from_frame(
        df: &DataFrame,
        sheet: &str,
        header: &dyn Fn(&str) -> String,
    ) -> PolarsResult<Table> {
        let columns = df
            .columns()
            .iter()
            .map(|c| {
                Ok(TableColumn {
                    header: header(c.name().as_str()),
                    cells: cells_of(c)?,
                })
            })
            .collect::<PolarsResult<_>>()?;
        Ok(Table {
            sheet: sheet.to_string(),
            columns,
            info: Vec::new(),
            info_sheet: "Informazioni".to_string(),
        })
    }
}

fn cells_of(column: &Column) -> PolarsResult<Cells> {
    let s = column.as_materialized_series();
    let is_money = Field::parse(column.name())
        .is_some_and(|f| f.kind() == Kind::Money && f.name() == column.name().as_str());
    Ok(match s.dtype() {
        DataType::Date => Cells::Date(s.date()?.as_date_iter().collect()),
        DataType::Float32 | DataType::Float64 if is_money => {
            Cells::Money(s.cast(&DataType::Float64)?.f64()?.iter().collect())
        }
        DataType::Float32 | DataType::Float64 => {
            Cells::Number(s.cast(&DataType::Float64)?.f64()?.iter().collect())
        }
        d if d.is_integer() => Cells::Count(s.cast(&DataType::Float64)?.f64()?.iter().collect()),
        DataType::List(_) => {
            let joined = s
                .clone()
                .into_frame()
                .lazy()
                .select([col(s.name().as_str())
                    .cast(crate::data::categories::as_text(s.dtype()))
                    .list()
                    .join(lit(", "), true)])
                .collect()?;
            Cells::Text(
                joined
                    .column(s.name().as_str())?
                    .str()?
                    .iter()
                    .map(|v| v.filter(|t| !t.is_empty()).map(str::to_string))
                    .collect(),
            )
        }
        _ => Cells::Text(
            s.cast(&DataType::String)?
                .str()?
                .iter()
                .map(|v| v.map(str::to_string))
                .collect(),
        ),
    })
}

/// Whether a spreadsheet would take this text for a formula.
pub fn looks_like_formula(text: &str) -> bool {
    text.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// Text encodings for CSV output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CsvEncoding {
    #[default]
    Utf8,
    /// What Excel on Italian Windows writes and reads by default.
    Windows1252,
}

/// A CSV flavour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CsvStyle {
    pub separator: u8,
    pub decimal_comma: bool,
    /// chrono format of dates.
    pub date_format: &'static str,
    pub encoding: CsvEncoding,
    /// A UTF-8 byte-order mark first, so Excel reads the accents right.
    pub bom: bool,
}

impl Default for CsvStyle {
    /// The Italian data convention the generator writes: `;`, decimal comma, `dd/mm/yyyy`,
    /// UTF-8.
    fn default() -> Self {
        CsvStyle {
            separator: b';',
            decimal_comma: true,
            date_format: "%d/%m/%Y",
            encoding: CsvEncoding::Utf8,
            bom: false,
        }
    }
}

impl CsvStyle {
    /// Exports by default: UTF-8 with BOM, `,`, decimal point, ISO dates — what every
    /// program reads.
    pub fn utf8() -> Self {
        CsvStyle {
            separator: b',',
            decimal_comma: false,
            date_format: "%Y-%m-%d",
            encoding: CsvEncoding::Utf8,
            bom: true,
        }
    }

    /// "Excel italiano": `;`, decimal comma, `dd/mm/yyyy`, Windows-1252 — what Excel on an
    /// Italian Windows opens with a double click.
    pub fn excel_italian() -> Self {
        CsvStyle {
            separator: b';',
            decimal_comma: true,
            date_format: "%d/%m/%Y",
            encoding: CsvEncoding::Windows1252,
            bom: false,
        }
    }
}

fn number_text(value: f64, decimals: Option<usize>, comma: bool) -> String {
    let text = match decimals {
        Some(d) => format!("{value:.d$}"),
        None => format!("{value}"),
    };
    if comma { text.replace('.', ",") } else { text }
}

fn csv_cell(cells: &Cells, row: usize, style: CsvStyle) -> String {
    let comma = style.decimal_comma;
    match cells {
        Cells::Money(v) => v[row]
            .map(|x| number_text(x, Some(2), comma))
            .unwrap_or_default(),
        Cells::Number(v) => v[row]
            .map(|x| number_text(x, None, comma))
            .unwrap_or_default(),
        Cells::Count(v) => v[row]
            .map(|x| number_text(x, Some(0), comma))
            .unwrap_or_default(),
        Cells::Share(v) => v[row]
            .map(|x| number_text(x * 100.0, Some(2), comma))
            .unwrap_or_default(),
        Cells::Date(v) => v[row]
            .map(|d| d.format(style.date_format).to_string())
            .unwrap_or_default(),
        Cells::Text(v) => match v[row].as_deref() {
            Some(t) if looks_like_formula(t) => format!("'{t}"),
            Some(t) => t.to_string(),
            None => String::new(),
        },
    }
}

/// Why a table cannot be written in the chosen form.
#[derive(Debug, thiserror::Error)]
pub enum TableError {
    #[error(
        "Windows-1252 cannot hold {chars} (first in column '{column}', row {row}): export as UTF-8 instead"
    )]
    NotInWindows1252 {
        chars: String,
        column: String,
        row: usize,
    },
    #[error("{0} rows do not fit in an xlsx sheet (at most 1.048.575 data rows)")]
    TooManyRows(usize),
    #[error("{0}")]
    Writer(String),
}

fn writer_error(e: impl ToString) -> TableError {
    TableError::Writer(e.to_string())
}

/// The characters of `text` that Windows-1252 cannot hold.
fn outside_windows_1252(text: &str) -> Vec<char> {
    let mut out: Vec<char> = Vec::new();
    let mut buf = [0u8; 4];
    for c in text.chars() {
        if !c.is_ascii()
            && encoding_rs::WINDOWS_1252.encode(c.encode_utf8(&mut buf)).2
            && !out.contains(&c)
        {
            out.push(c);
        }
    }
    out
}

/// CSV bytes of a table in `style`.
pub fn csv_bytes(table: &Table, style: CsvStyle) -> Result<Vec<u8>, TableError> {
    let mut w = csv::WriterBuilder::new()
        .delimiter(style.separator)
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    w.write_record(table.columns.iter().map(|c| c.header.as_str()))
        .map_err(writer_error)?;
    for row in 0..table.height() {
        w.write_record(table.columns.iter().map(|c| csv_cell(&c.cells, row, style)))
            .map_err(writer_error)?;
    }
    let bytes = w.into_inner().map_err(writer_error)?;
    match style.encoding {
        CsvEncoding::Utf8 => {
            let mut out = Vec::with_capacity(bytes.len() + 3);
            if style.bom {
                out.extend_from_slice(b"\xEF\xBB\xBF");
            }
            out.extend_from_slice(&bytes);
            Ok(out)
        }
        CsvEncoding::Windows1252 => {
            let text = String::from_utf8(bytes).map_err(writer_error)?;
            let (encoded, _, had_errors) = encoding_rs::WINDOWS_1252.encode(&text);
            if had_errors {
                return Err(first_unencodable(table, style));
            }
            Ok(encoded.into_owned())
        }
    }
}

/// Names the characters Windows-1252 lacks and where the first of them is.
fn first_unencodable(table: &Table, style: CsvStyle) -> TableError {
    let mut chars: Vec<char> = Vec::new();
    let mut first: Option<(String, usize)> = None;
    for c in &table.columns {
        let bad = outside_windows_1252(&c.header);
        if !bad.is_empty() && first.is_none() {
            first = Some((c.header.clone(), 0));
        }
        chars.extend(bad);
        for row in 0..table.height() {
            let bad = outside_windows_1252(&csv_cell(&c.cells, row, style));
            if !bad.is_empty() && first.is_none() {
                first = Some((c.header.clone(), row + 1));
            }
            chars.extend(bad);
        }
    }
    chars.sort();
    chars.dedup();
    let (column, row) = first.unwrap_or_default();
    TableError::NotInWindows1252 {
        chars: chars
            .iter()
            .take(10)
            .map(|c| format!("'{c}'"))
            .collect::<Vec<_>>()
            .join(", "),
        column,
        row,
    }
}

/// Display widths, in characters, of a column's header and first cells (for fitted widths).
fn width_of(column: &TableColumn) -> f64 {
    let sample = column.cells.len().min(2000);
    let cells = match &column.cells {
        Cells::Money(_) => 15,
        Cells::Date(_) => 11,
        Cells::Share(_) => 8,
        Cells::Number(_) | Cells::Count(_) => 12,
        Cells::Text(v) => v[..sample]
            .iter()
            .map(|t| t.as_deref().map(|t| t.chars().count()).unwrap_or(0))
            .max()
            .unwrap_or(0),
    };
    (cells.max(column.header.chars().count()) as f64 + 2.0).clamp(8.0, 60.0)
}

/// The longest text a spreadsheet cell holds.
const MAX_CELL_CHARS: usize = 32_767;

fn clip(text: &str) -> std::borrow::Cow<'_, str> {
    if text.chars().count() <= MAX_CELL_CHARS {
        std::borrow::Cow::Borrowed(text)
    } else {
        let cut: String = text.chars().take(MAX_CELL_CHARS - 1).collect();
        std::borrow::Cow::Owned(format!("{cut}…"))
    }
}

/// XLSX bytes: the data sheet (bold frozen header with autofilter, euro, share and date formats,
/// fitted widths) and, when the table has any, the information sheet.
pub fn xlsx_bytes(table: &Table) -> Result<Vec<u8>, TableError> {
    use rust_xlsxwriter::{Color, ExcelDateTime, Format, FormatBorder, Workbook};
    let rows = table.height();
    if rows >= 1_048_576 {
        return Err(TableError::TooManyRows(rows));
    }
    let mut book = Workbook::new();
    let header = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xE8EEF4))
        .set_border_bottom(FormatBorder::Thin);
    let money = Format::new().set_num_format("#,##0.00 \"€\"");
    let count = Format::new().set_num_format("#,##0");
    let share = Format::new().set_num_format("0.0%");
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let as_text = Format::new().set_quote_prefix();
    let ws = book
        .add_worksheet_with_constant_memory()
        .map_err(writer_error)?;
    ws.set_name(&table.sheet).map_err(writer_error)?;
    for (j, c) in table.columns.iter().enumerate() {
        let j = j as u16;
        ws.set_column_width(j, width_of(c)).map_err(writer_error)?;
        ws.write_string_with_format(0, j, &c.header, &header)
            .map_err(writer_error)?;
    }
    for i in 0..rows {
        let row = (i + 1) as u32;
        for (j, c) in table.columns.iter().enumerate() {
            let j = j as u16;
            let result = match &c.cells {
                Cells::Money(v) => v[i].map(|x| ws.write_number_with_format(row, j, x, &money)),
                Cells::Number(v) => v[i].map(|x| ws.write_number(row, j, x)),
                Cells::Count(v) => v[i].map(|x| ws.write_number_with_format(row, j, x, &count)),
                Cells::Share(v) => v[i].map(|x| ws.write_number_with_format(row, j, x, &share)),
                Cells::Date(v) => v[i].map(|d| {
                    let xl =
                        ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)?;
                    ws.write_datetime_with_format(row, j, &xl, &date)
                }),
                Cells::Text(v) => v[i].as_deref().map(|s| {
                    let s = clip(s);
                    if looks_like_formula(&s) {
                        ws.write_string_with_format(row, j, s.as_ref(), &as_text)
                    } else {
                        ws.write_string(row, j, s.as_ref())
                    }
                }),
            };
            if let Some(r) = result {
                r.map_err(writer_error)?;
            }
        }
    }
    ws.set_freeze_panes(1, 0).map_err(writer_error)?;
    if !table.columns.is_empty() {
        ws.autofilter(0, 0, rows as u32, (table.columns.len() - 1) as u16)
            .map_err(writer_error)?;
    }
    if !table.info.is_empty() {
        let info = book.add_worksheet();
        info.set_name(&table.info_sheet).map_err(writer_error)?;
        info.set_column_width(0, 26).map_err(writer_error)?;
        info.set_column_width(1, 100).map_err(writer_error)?;
        let bold = Format::new().set_bold();
        let wrap = Format::new().set_text_wrap();
        for (i, (item, value)) in table.info.iter().enumerate() {
            info.write_string_with_format(i as u32, 0, item, &bold)
                .map_err(writer_error)?;
            info.write_string_with_format(i as u32, 1, clip(value).as_ref(), &wrap)
                .map_err(writer_error)?;
        }
    }
    book.save_to_buffer().map_err(writer_error)
}

/// ODS bytes: the data sheet with a bold header and euro, share and date formats, and the
/// information sheet.
pub fn ods_bytes(table: &Table) -> Result<Vec<u8>, TableError> {
    use spreadsheet_ods::{
        CellStyle, Length, Sheet, ValueFormatDateTime, ValueFormatNumber, ValueFormatPercentage,
        WorkBook, color::Rgb,
    };
    let mut book = WorkBook::new_empty();
    let mut euro = ValueFormatNumber::new_named("euro");
    euro.part_number()
        .min_integer_digits(1)
        .fixed_decimal_places(2)
        .grouping()
        .build();
    euro.part_text(" €").build();
    let euro = book.add_number_format(euro);
    let mut whole = ValueFormatNumber::new_named("whole");
    whole.part_number().min_integer_digits(1).grouping().build();
    let whole = book.add_number_format(whole);
    let mut pct = ValueFormatPercentage::new_named("share");
    pct.part_number()
        .min_integer_digits(1)
        .fixed_decimal_places(1)
        .build();
    pct.part_text("%").build();
    let pct = book.add_percentage_format(pct);
    let mut dmy = ValueFormatDateTime::new_named("dmy");
    dmy.part_day().long_style().build();
    dmy.part_text("/").build();
    dmy.part_month().long_style().build();
    dmy.part_text("/").build();
    dmy.part_year().long_style().build();
    let dmy = book.add_datetime_format(dmy);
    let money_style = book.add_cellstyle(CellStyle::new("money", &euro));
    let count_style = book.add_cellstyle(CellStyle::new("count", &whole));
    let share_style = book.add_cellstyle(CellStyle::new("share", &pct));
    let date_style = book.add_cellstyle(CellStyle::new("date", &dmy));
    let mut bold = CellStyle::new_empty();
    bold.set_font_bold();
    bold.set_background_color(Rgb::new(0xE8, 0xEE, 0xF4));
    let header_style = book.add_cellstyle(bold);

    let mut ws = Sheet::new(&table.sheet);
    for (j, c) in table.columns.iter().enumerate() {
        let j = j as u32;
        ws.set_styled_value(0, j, c.header.as_str(), &header_style);
        ws.set_col_width(j, Length::Cm(width_of(c) * 0.22));
        for i in 0..c.cells.len() {
            let row = (i + 1) as u32;
            match &c.cells {
                Cells::Money(v) => {
                    if let Some(x) = v[i] {
                        ws.set_styled_value(row, j, x, &money_style)
                    }
                }
                Cells::Number(v) => {
                    if let Some(x) = v[i] {
                        ws.set_value(row, j, x)
                    }
                }
                Cells::Count(v) => {
                    if let Some(x) = v[i] {
                        ws.set_styled_value(row, j, x, &count_style)
                    }
                }
                Cells::Share(v) => {
                    if let Some(x) = v[i] {
                        ws.set_styled_value(
                            row,
                            j,
                            spreadsheet_ods::Value::Percentage(x),
                            &share_style,
                        )
                    }
                }
                Cells::Date(v) => {
                    if let Some(d) = v[i] {
                        ws.set_styled_value(row, j, d, &date_style)
                    }
                }
                Cells::Text(v) => {
                    if let Some(s) = v[i].as_deref() {
                        ws.set_value(row, j, clip(s).as_ref())
                    }
                }
            }
        }
    }
    ws.set_header_rows(0, 0);
    book.push_sheet(ws);
    if !table.info.is_empty() {
        let mut info = Sheet::new(&table.info_sheet);
        info.set_col_width(0, Length::Cm(6.0));
        info.set_col_width(1, Length::Cm(22.0));
        for (i, (item, value)) in table.info.iter().enumerate() {
            info.set_styled_value(i as u32, 0, item.as_str(), &header_style);
            info.set_value(i as u32, 1, clip(value).as_ref());
        }
        book.push_sheet(info);
    }
    spreadsheet_ods::write_ods_buf(&mut book, Vec::new()).map_err(writer_error)
}

/// Parquet bytes (zstd) of a data frame.
pub fn parquet_bytes(df: &DataFrame) -> PolarsResult<Vec<u8>> {
    let mut out = Vec::new();
    let mut df = df.clone();
    ParquetWriter::new(&mut out)
        .with_compression(ParquetCompression::Zstd(None))
        .finish(&mut df)?;
    Ok(out)
}

/// The table formats, chosen by extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableFormat {
    Csv,
    Tsv,
    Xlsx,
    Ods,
}

impl TableFormat {
    pub fn of(path: &Path) -> Option<TableFormat> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "csv" | "txt" => Some(TableFormat::Csv),
            "tsv" => Some(TableFormat::Tsv),
            "xlsx" => Some(TableFormat::Xlsx),
            "ods" => Some(TableFormat::Ods),
            _ => None,
        }
    }
}

fn table_bytes(table: &Table, format: TableFormat, style: CsvStyle) -> Result<Vec<u8>, TableError> {
    match format {
        TableFormat::Csv => csv_bytes(table, style),
        TableFormat::Tsv => csv_bytes(
            table,
            CsvStyle {
                separator: b'\t',
                ..style
            },
        ),
        TableFormat::Xlsx => xlsx_bytes(table),
        TableFormat::Ods => ods_bytes(table),
    }
}

fn extension_error(path: &Path, choices: &str) -> ExportError {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default();
    ExportError::new(path, format!("cannot write '.{ext}': choose {choices}"))
}

/// Writes a table to `path` in the format its extension names (csv/txt, tsv, xlsx, ods).
pub fn write_export(table: &Table, path: &Path, style: CsvStyle) -> Result<(), ExportError> {
    let format =
        TableFormat::of(path).ok_or_else(|| extension_error(path, ".csv, .tsv, .xlsx or .ods"))?;
    let bytes = table_bytes(table, format, style).map_err(|e| ExportError::new(path, e))?;
    write_atomic(path, &bytes)
}

/// Writes a data frame as it is (column names as headers, no information sheet) in the format
/// its extension names — csv/txt, tsv, parquet, xlsx or ods.
pub fn write_table(df: &DataFrame, path: &Path, style: CsvStyle) -> Result<(), ExportError> {
    let is_parquet = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "parquet" | "pq"));
    let bytes = if is_parquet {
        parquet_bytes(df).map_err(|e| ExportError::new(path, e))?
    } else {
        let format = TableFormat::of(path)
            .ok_or_else(|| extension_error(path, ".csv, .tsv, .parquet, .xlsx or .ods"))?;
        let table = Table::from_frame(df, "Progetti", &|name| name.to_string())
            .map_err(|e| ExportError::new(path, e))?;
        table_bytes(&table, format, style).map_err(|e| ExportError::new(path, e))?
    };
    write_atomic(path, &bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> Table {
        Table {
            sheet: "Dati".into(),
            columns: vec![
                TableColumn {
                    header: "Importo (€)".into(),
                    cells: Cells::Money(vec![Some(1234.5), None]),
                },
                TableColumn {
                    header: "Ente".into(),
                    cells: Cells::Text(vec![Some(text.into()), Some("=1+1".into())]),
                },
            ],
            info: vec![("Filtri".into(), "Nessun filtro".into())],
            info_sheet: "Informazioni".into(),
        }
    }

    #[test]
    fn failed_export_names_the_file_and_keeps_the_old_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tabella.pdf");
        std::fs::write(&path, b"vecchio").unwrap();
        let df = df!("a" => [1]).unwrap();
        let err = write_table(&df, &path, CsvStyle::default())
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("tabella.pdf") && err.contains("cannot write '.pdf'"),
            "{err}"
        );
        assert_eq!(std::fs::read(&path).unwrap(), b"vecchio");
    }

    #[test]
    fn italian_csv_in_windows_1252_with_formulas_as_text() {
        let bytes = csv_bytes(&table("Città"), CsvStyle::excel_italian()).unwrap();
        assert_eq!(
            bytes,
            b"Importo (\x80);Ente\r\n1234,50;Citt\xe0\r\n;'=1+1\r\n".to_vec()
        );
    }

    #[test]
    fn utf8_csv_starts_with_a_bom_and_uses_points() {
        let bytes = csv_bytes(&table("Città"), CsvStyle::utf8()).unwrap();
        assert!(bytes.starts_with(b"\xEF\xBB\xBFImporto (\xE2\x82\xAC),Ente\r\n1234.50,Citt"));
    }

    #[test]
    fn characters_windows_1252_lacks_are_reported_not_replaced() {
        let err = csv_bytes(&table("Łódź – Győr"), CsvStyle::excel_italian())
            .unwrap_err()
            .to_string();
        // The en dash exists in Windows-1252; Ł, ó? (ó exists), ź and ő do not.
        assert!(
            err.contains("'Ł'") && err.contains("'ő'") && err.contains("'ź'"),
            "{err}"
        );
        assert!(!err.contains("'–'") && !err.contains("'ó'"), "{err}");
        assert!(err.contains("column 'Ente', row 1"), "{err}");
    }
}
