//! Helpers shared by the integration tests: the sample specifications, read independently of the
//! loader, and small accessors over polars frames.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::PathBuf;

use polars::prelude::*;
use serde_json::Value;

pub fn sample(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("sample_data")
        .join(name)
}

/// The projects of a sample specification (`sample_data/source/NAME.json`).
pub fn spec(name: &str) -> Vec<serde_json::Map<String, Value>> {
    let path = sample("source").join(format!("{name}.json"));
    let text = std::fs::read_to_string(path).unwrap();
    let value: Value = serde_json::from_str(&text).unwrap();
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_object().unwrap().clone())
        .collect()
}

/// The sum of `key` over a specification's projects (projects without it are skipped).
pub fn spec_total(name: &str, key: &str) -> f64 {
    spec(name)
        .iter()
        .filter_map(|r| r.get(key).and_then(Value::as_f64))
        .sum()
}

/// Sums `amount` per `key` over spec rows (rows without an amount are skipped).
pub fn sums_by(
    rows: &[serde_json::Map<String, Value>],
    key: impl Fn(&serde_json::Map<String, Value>) -> String,
    amount: &str,
) -> BTreeMap<String, f64> {
    let mut out = BTreeMap::new();
    for r in rows {
        if let Some(a) = r.get(amount).and_then(Value::as_f64) {
            *out.entry(key(r)).or_insert(0.0) += a;
        }
    }
    out
}

pub fn strings(df: &DataFrame, column: &str) -> Vec<Option<String>> {
    df.column(column)
        .unwrap()
        .cast(&DataType::String)
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .map(|v| v.map(str::to_string))
        .collect()
}

pub fn floats(df: &DataFrame, column: &str) -> Vec<Option<f64>> {
    df.column(column)
        .unwrap()
        .cast(&DataType::Float64)
        .unwrap()
        .f64()
        .unwrap()
        .iter()
        .collect()
}

/// The items of a list column at `row`.
pub fn list_at(df: &DataFrame, column: &str, row: usize) -> Vec<String> {
    match df.column(column).unwrap().get(row).unwrap() {
        AnyValue::List(s) => s
            .cast(&DataType::String)
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .map(|v| v.unwrap_or("").to_string())
            .collect(),
        _ => Vec::new(),
    }
}

/// Row index of the first row whose `column` equals `value`.
pub fn row_where(df: &DataFrame, column: &str, value: &str) -> usize {
    strings(df, column)
        .iter()
        .position(|v| v.as_deref() == Some(value))
        .unwrap_or_else(|| panic!("no row with {column} = {value}"))
}

pub fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 0.005
}

/// Whole euros as Cruscotto writes them (`3.149.000 €`), computed here without the program's
/// formatter.
pub fn euro(value: f64) -> String {
    let digits = format!("{}", value.round() as u64);
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push('.');
        }
        out.push(c);
    }
    format!("{out} €")
}

/// Province sigla → official name, for the provinces of the WeCaRe lead bodies.
pub fn province_name(sigla: &str) -> String {
    match sigla {
        "TO" => "Torino",
        "CN" => "Cuneo",
        "AL" => "Alessandria",
        "BI" => "Biella",
        "VB" => "Verbano-Cusio-Ossola",
        "NO" => "Novara",
        "VC" => "Vercelli",
        other => panic!("unexpected sigla {other}"),
    }
    .to_string()
}

/// The text of a PDF's page, glyphs joined (lopdf puts each positioned glyph on its own line).
pub fn pdf_text(bytes: &[u8], page: u32) -> String {
    let doc = lopdf::Document::load_mem(bytes).expect("a valid PDF");
    doc.extract_text(&[page]).expect("text").replace('\n', "")
}

/// A source's notes, one per line, in English.
#[allow(dead_code)]
pub fn notes_of(source: &cruscotto::data::SourceReport) -> String {
    source
        .notes
        .iter()
        .map(|n| n.to_string())
        .collect::<Vec<_>>()
        .join("\n")
}
