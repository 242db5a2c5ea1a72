//! Header detection and column naming on arbitrary rows (`;`-separated cells, one row per line).
#![no_main]

use cruscotto::data::detect::{find_header_row, make_unique, name_headers};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let rows: Vec<Vec<String>> = text
        .lines()
        .take(40)
        .map(|l| l.split(';').map(str::to_string).collect())
        .collect();
    let header = find_header_row(&rows);
    assert!(rows.is_empty() || header < rows.len());
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    let cells = rows.get(header).cloned().unwrap_or_default();
    let names = make_unique(name_headers(&cells, width));
    let distinct: std::collections::HashSet<&String> = names.iter().collect();
    assert_eq!(distinct.len(), names.len(), "header names are unique");
});
