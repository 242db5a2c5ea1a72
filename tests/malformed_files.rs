//! Bad input gives a clear, one-line error that names the file — never a panic.

mod common;

use std::path::{Path, PathBuf};

use common::{notes_of, sample};
use cruscotto::data::load::load_file;
use cruscotto::data::source::{ReadOptions, read_bytes};
use proptest::prelude::*;

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn error_of(path: &Path) -> String {
    let err = load_file(path)
        .expect_err("the file must be refused")
        .to_string();
    assert!(
        err.contains(path.file_name().unwrap().to_str().unwrap()),
        "the error names the file: {err}"
    );
    assert!(!err.contains('\n'), "one line: {err}");
    err
}

/// Deterministic pseudo-random bytes (a small LCG), so the test needs no fixture.
fn garbage(n: usize) -> Vec<u8> {
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    (0..n)
        .map(|_| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (x >> 56) as u8
        })
        .collect()
}

#[test]
fn empty_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let err = error_of(&write(dir.path(), "vuoto.xlsx", b""));
    assert!(err.contains("empty"), "{err}");
}

#[test]
fn missing_file_is_refused() {
    let err = error_of(Path::new("/nonexistent/progetti.xlsx"));
    assert!(err.contains("cannot read"), "{err}");
}

#[test]
fn garbage_bytes_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let err = error_of(&write(dir.path(), "rumore.csv", &garbage(4096)));
    assert!(err.contains("binary content"), "{err}");
    let err = error_of(&write(dir.path(), "rumore.xlsx", &garbage(4096)));
    assert!(err.contains("binary content"), "{err}");
}

#[test]
fn truncated_zip_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = std::fs::read(sample("wecare_misura1.xlsx")).unwrap();
    let err = error_of(&write(
        dir.path(),
        "troncato.xlsx",
        &bytes[..bytes.len() / 2],
    ));
    assert!(err.contains("damaged or truncated"), "{err}");
    let ods = std::fs::read(sample("progetti_welfare_comunita.ods")).unwrap();
    let err = error_of(&write(dir.path(), "troncato.ods", &ods[..ods.len() / 3]));
    assert!(err.contains("cannot open as ods"), "{err}");
}

#[test]
fn wrong_extension_is_read_by_content_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = std::fs::read(sample("wecare_misura1.xlsx")).unwrap();
    let path = write(dir.path(), "progetti.csv", &bytes);
    let d = load_file(&path).unwrap();
    assert_eq!(d.table.height(), 22);
    let notes = notes_of(&d.sources[0]);
    assert!(
        notes.contains("the name says .csv but the content is xlsx"),
        "{notes}"
    );
}

#[test]
fn ragged_rows_are_refused_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("Titolo;Ente capofila;Importo\n");
    for i in 0..300 {
        text.push_str(&format!("Progetto {i};Consorzio {i};1.000,00\n"));
    }
    text.push_str("Progetto X;Consorzio X;1.000,00;oltre;il;limite\n");
    let err = error_of(&write(dir.path(), "storto.csv", text.as_bytes()));
    assert!(err.contains("ragged rows"), "{err}");
}

#[test]
fn a_workbook_without_a_table_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut book = rust_xlsxwriter::Workbook::new();
    book.add_worksheet()
        .write_string(0, 0, "Solo un titolo")
        .unwrap();
    let path = write(dir.path(), "titolo.xlsx", &book.save_to_buffer().unwrap());
    let err = error_of(&path);
    assert!(err.contains("no sheet holds a table"), "{err}");
}

#[test]
fn unknown_sheet_lists_the_sheets() {
    let options = ReadOptions {
        sheet: Some("Foglio9".into()),
        ..ReadOptions::default()
    };
    let path = sample("wecare_misura1.xlsx");
    let err = read_bytes(&path, std::fs::read(&path).unwrap(), &options)
        .unwrap_err()
        .to_string();
    assert!(err.contains("sheet 'Foglio9' not found"), "{err}");
    assert!(err.contains("WeCaRe Misura 1, Note"), "{err}");
}

#[test]
fn header_only_csv_loads_with_no_rows() {
    let dir = tempfile::tempdir().unwrap();
    let d = load_file(&write(dir.path(), "intestazione.csv", b"Titolo;Importo\n")).unwrap();
    assert_eq!(d.table.height(), 0);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048), ext in "(csv|xlsx|ods|xls|parquet|txt)") {
        let path = PathBuf::from(format!("x.{ext}"));
        let _ = read_bytes(&path, bytes, &ReadOptions::default());
    }

    #[test]
    fn arbitrary_text_tables_never_panic(text in "[a-z0-9;,.€ \n\"]{0,400}") {
        let path = PathBuf::from("x.csv");
        let _ = cruscotto::data::load_sources(vec![(path, text.into_bytes())], &Default::default());
    }

    #[test]
    fn zip_prefixed_garbage_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..1024)) {
        let mut data = b"PK\x03\x04".to_vec();
        data.extend(bytes);
        let _ = read_bytes(Path::new("x.xlsx"), data, &ReadOptions::default());
    }
}
