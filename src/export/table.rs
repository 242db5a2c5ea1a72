//! Table writers (CSV, Parquet, XLSX, ODS).

use std::path::Path;

use chrono::{Datelike, NaiveDate};
use polars::prelude::*;

use super::{ExportError, write_atomic};

/// Text encodings for CSV output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CsvEncoding {
    #[default]
    Utf8,
    /// What Excel on Italian Windows writes and reads by default.
    Windows1252,
}

/// CSV flavour: Italian by default (`;`, decimal comma, `dd/mm/yyyy`).
#[derive(Debug, Clone, Copy)]
pub struct CsvStyle {
    pub separator: u8,
    pub decimal_comma: bool,
    pub encoding: CsvEncoding,
}

impl Default for CsvStyle {
    fn default() -> Self {
        CsvStyle {
            separator: b';',
            decimal_comma: true,
            encoding: CsvEncoding::Utf8,
        }
    }
}

/// List columns become text (`a, b`), so that flat formats can hold them.
fn flatten_lists(df: &DataFrame) -> PolarsResult<DataFrame> {
    let exprs: Vec<Expr> = df
        .schema()
        .iter()
        .map(|(name, dtype)| match dtype {
            DataType::List(_) => col(name.as_str())
                .list()
                .join(lit(", "), true)
                .alias(name.as_str()),
            _ => col(name.as_str()),
        })
        .collect();
    df.clone().lazy().select(exprs).collect()
}

/// CSV bytes in the given style.
pub fn csv_bytes(df: &DataFrame, style: CsvStyle) -> PolarsResult<Vec<u8>> {
    let mut flat = flatten_lists(df)?;
    let mut out = Vec::new();
    CsvWriter::new(&mut out)
        .include_header(true)
        .with_separator(style.separator)
        .with_decimal_comma(style.decimal_comma)
        .with_date_format(Some("%d/%m/%Y".into()))
        .finish(&mut flat)?;
    Ok(match style.encoding {
        CsvEncoding::Utf8 => out,
        CsvEncoding::Windows1252 => {
            let text = String::from_utf8_lossy(&out);
            encoding_rs::WINDOWS_1252.encode(&text).0.into_owned()
        }
    })
}

/// Parquet bytes (zstd).
pub fn parquet_bytes(df: &DataFrame) -> PolarsResult<Vec<u8>> {
    let mut out = Vec::new();
    let mut df = df.clone();
    ParquetWriter::new(&mut out)
        .with_compression(ParquetCompression::Zstd(None))
        .finish(&mut df)?;
    Ok(out)
}

/// A column's cells, extracted once per column for the spreadsheet writers.
enum Cells {
    Number(Vec<Option<f64>>),
    Date(Vec<Option<NaiveDate>>),
    Text(Vec<Option<String>>),
}

fn cells(column: &Column) -> PolarsResult<Cells> {
    let s = column.as_materialized_series();
    Ok(match s.dtype() {
        DataType::Date => Cells::Date(s.date()?.as_date_iter().collect()),
        d if d.is_primitive_numeric() => {
            Cells::Number(s.cast(&DataType::Float64)?.f64()?.iter().collect())
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

/// XLSX bytes: one sheet, bold frozen header, euro and date formats.
pub fn xlsx_bytes(df: &DataFrame, sheet: &str) -> Result<Vec<u8>, String> {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let flat = flatten_lists(df).map_err(|e| e.to_string())?;
    if flat.height() >= 1_048_576 {
        return Err(format!(
            "{} rows do not fit in an xlsx sheet (at most 1.048.575 data rows)",
            flat.height()
        ));
    }
    let columns: Vec<Cells> = flat
        .columns()
        .iter()
        .map(cells)
        .collect::<PolarsResult<_>>()
        .map_err(|e| e.to_string())?;
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format("#,##0.00");
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let ws = book
        .add_worksheet_with_constant_memory()
        .map_err(|e| e.to_string())?;
    ws.set_name(sheet).map_err(|e| e.to_string())?;
    for (j, name) in flat.get_column_names().iter().enumerate() {
        ws.write_string_with_format(0, j as u16, name.as_str(), &bold)
            .map_err(|e| e.to_string())?;
        ws.set_column_width(j as u16, 18)
            .map_err(|e| e.to_string())?;
    }
    for i in 0..flat.height() {
        let row = (i + 1) as u32;
        for (j, c) in columns.iter().enumerate() {
            let j = j as u16;
            let result = match c {
                Cells::Number(v) => v[i].map(|x| ws.write_number_with_format(row, j, x, &money)),
                Cells::Date(v) => v[i].map(|d| {
                    let xl =
                        ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)?;
                    ws.write_datetime_with_format(row, j, &xl, &date)
                }),
                Cells::Text(v) => v[i].as_deref().map(|s| ws.write_string(row, j, s)),
            };
            if let Some(r) = result {
                r.map_err(|e| e.to_string())?;
            }
        }
    }
    ws.set_freeze_panes(1, 0).map_err(|e| e.to_string())?;
    book.save_to_buffer().map_err(|e| e.to_string())
}

/// ODS bytes: one sheet with a header row.
pub fn ods_bytes(df: &DataFrame, sheet: &str) -> Result<Vec<u8>, String> {
    use spreadsheet_ods::{Sheet, WorkBook};
    let flat = flatten_lists(df).map_err(|e| e.to_string())?;
    let columns: Vec<Cells> = flat
        .columns()
        .iter()
        .map(cells)
        .collect::<PolarsResult<_>>()
        .map_err(|e| e.to_string())?;
    let mut book = WorkBook::new_empty();
    let mut ws = Sheet::new(sheet);
    for (j, name) in flat.get_column_names().iter().enumerate() {
        ws.set_value(0, j as u32, name.as_str());
    }
    for (j, c) in columns.iter().enumerate() {
        let j = j as u32;
        for i in 0..flat.height() {
            let row = (i + 1) as u32;
            match c {
                Cells::Number(v) => {
                    if let Some(x) = v[i] {
                        ws.set_value(row, j, x)
                    }
                }
                Cells::Date(v) => {
                    if let Some(d) = v[i] {
                        ws.set_value(row, j, d)
                    }
                }
                Cells::Text(v) => {
                    if let Some(s) = v[i].as_deref() {
                        ws.set_value(row, j, s)
                    }
                }
            }
        }
    }
    book.push_sheet(ws);
    spreadsheet_ods::write_ods_buf(&mut book, Vec::new()).map_err(|e| e.to_string())
}

/// Writes a table to `path` in the format its extension names (csv/tsv/txt, parquet, xlsx, ods).
pub fn write_table(df: &DataFrame, path: &Path, style: CsvStyle) -> Result<(), ExportError> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let sheet = "Progetti";
    let bytes = match ext.as_str() {
        "csv" | "txt" => csv_bytes(df, style).map_err(|e| e.to_string()),
        "tsv" => csv_bytes(
            df,
            CsvStyle {
                separator: b'\t',
                ..style
            },
        )
        .map_err(|e| e.to_string()),
        "parquet" | "pq" => parquet_bytes(df).map_err(|e| e.to_string()),
        "xlsx" => xlsx_bytes(df, sheet),
        "ods" => ods_bytes(df, sheet),
        other => Err(format!(
            "cannot write '.{other}': choose .csv, .tsv, .parquet, .xlsx or .ods"
        )),
    }
    .map_err(|reason| ExportError::new(path, reason))?;
    write_atomic(path, &bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn italian_csv_in_windows_1252() {
        let df = df!("Importo (€)" => [1234.5], "Ente" => ["Città"]).unwrap();
        let bytes = csv_bytes(
            &df,
            CsvStyle {
                encoding: CsvEncoding::Windows1252,
                ..CsvStyle::default()
            },
        )
        .unwrap();
        assert_eq!(bytes, b"Importo (\x80);Ente\n1234,5;Citt\xe0\n".to_vec());
    }
}
