//! Hostile and broken input: every file of the corpus gives a specific error or a summary with
//! reported problems, within seconds and in bounded memory — never a panic, an abort or a hang —
//! and is left exactly as it was. The command line runs in a child process under a memory limit
//! (`ulimit -v`) and a time limit, so an unbounded allocation or a hang fails the test instead
//! of the machine. Small files are committed in `tests/corpus/`; large ones are made here.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::sample;

/// Address space for the child, in KiB (polars reserves generously; real use is far below).
const MEMORY_LIMIT_KIB: u64 = 6 * 1024 * 1024;
const SECONDS: &str = "60";

struct Outcome {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// `cruscotto check FILE` under the memory and time limits.
fn check(path: &Path) -> Outcome {
    let before = std::fs::read(path).unwrap();
    let out = Command::new("timeout")
        .args([SECONDS, "sh", "-c"])
        .arg(format!(
            "ulimit -v {MEMORY_LIMIT_KIB} && exec \"$0\" \"$@\""
        ))
        .arg(env!("CARGO_BIN_EXE_cruscotto"))
        .args(["check", "--lang", "en"])
        .arg(path)
        .output()
        .expect("the command runs");
    let outcome = Outcome {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    let name = path.file_name().unwrap().to_string_lossy();
    assert!(
        matches!(outcome.code, Some(0 | 1)),
        "{name}: exit {:?} (124 = hang, 101 = panic, none = killed)\n{}",
        outcome.code,
        outcome.stderr
    );
    assert!(
        !outcome.stderr.contains("panicked"),
        "{name}: {}",
        outcome.stderr
    );
    assert_eq!(std::fs::read(path).unwrap(), before, "{name} was modified");
    outcome
}

/// The file is refused with one line that names it and contains `why`.
fn refused(path: &Path, why: &str) -> String {
    let o = check(path);
    let name = path.file_name().unwrap().to_string_lossy();
    assert_eq!(o.code, Some(1), "{name} must be refused: {}", o.stdout);
    assert!(o.stderr.contains(&*name), "{name}: {}", o.stderr);
    assert!(
        o.stderr.to_lowercase().contains(why),
        "{name}: expected '{why}' in: {}",
        o.stderr
    );
    o.stderr
}

/// The file loads, and `check` reports on it.
fn loaded(path: &Path) -> String {
    let o = check(path);
    assert_eq!(o.code, Some(0), "{}: {}", path.display(), o.stderr);
    o.stdout
}

fn corpus(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/corpus")
        .join(name)
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn csv(dir: &Path, name: &str, text: &str) -> PathBuf {
    write(dir, name, text.as_bytes())
}

#[test]
fn empty_garbage_and_truncated_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    refused(&write(dir.path(), "vuoto.xlsx", b""), "empty");
    let mut noise = vec![0u8; 64 * 1024];
    let mut x: u32 = 7;
    for b in noise.iter_mut() {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        *b = (x >> 24) as u8;
    }
    refused(&write(dir.path(), "rumore.xlsx", &noise), "binary");
    let xlsx = std::fs::read(sample("wecare_misura1.xlsx")).unwrap();
    refused(
        &write(dir.path(), "troncato.xlsx", &xlsx[..xlsx.len() / 2]),
        "damaged or truncated",
    );
    let ods = std::fs::read(sample("progetti_welfare_comunita.ods")).unwrap();
    refused(
        &write(dir.path(), "troncato.ods", &ods[..ods.len() / 3]),
        "damaged or truncated",
    );
}

#[test]
fn a_wrong_extension_is_read_by_content_and_said() {
    let dir = tempfile::tempdir().unwrap();
    let xlsx = std::fs::read(sample("wecare_misura1.xlsx")).unwrap();
    let report = loaded(&write(dir.path(), "in_realta_excel.csv", &xlsx));
    assert!(report.contains("22 project"), "{report}");
    assert!(report.contains("the content is xlsx"), "{report}");
}

#[test]
fn a_password_protected_workbook_says_so() {
    refused(&corpus("protetto_da_password.xlsx"), "password");
}

#[test]
fn tiny_or_lying_parquet_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    refused(
        &write(dir.path(), "sette.parquet", b"PAR1\xff\xffP"),
        "parquet",
    );
    // A footer that claims a 2 GB metadata block.
    let mut lying = b"PAR1".to_vec();
    lying.extend_from_slice(&[0u8; 32]);
    lying.extend_from_slice(&0x7fff_fff0u32.to_le_bytes());
    lying.extend_from_slice(b"PAR1");
    refused(&write(dir.path(), "bugiardo.parquet", &lying), "parquet");
}

/// An xlsx whose one sheet is `rows` copies of a row of numbers: a few kilobytes that inflate
/// to `rows × row bytes`.
fn zip_bomb(path: &Path, rows: usize) {
    use zip::write::SimpleFileOptions;
    let file = std::fs::File::create(path).unwrap();
    let mut zip = zip::ZipWriter::new(file);
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    let small = [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#,
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
        ),
        (
            "xl/workbook.xml",
            r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Foglio1" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
        ),
        (
            "xl/_rels/workbook.xml.rels",
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#,
        ),
    ];
    for (name, text) in small {
        zip.start_file(name, options).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.start_file("xl/worksheets/sheet1.xml", options).unwrap();
    zip.write_all(br#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#).unwrap();
    let row = "<row><c><v>1</v></c><c><v>2</v></c><c><v>3</v></c><c><v>4</v></c></row>".repeat(64);
    for _ in 0..rows / 64 {
        zip.write_all(row.as_bytes()).unwrap();
    }
    zip.write_all(b"</sheetData></worksheet>").unwrap();
    zip.finish().unwrap();
}

#[test]
fn a_zip_bomb_is_refused_before_it_inflates() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bomba.xlsx");
    // ~75 bytes a row: 40 million rows inflate to about 3 GB.
    zip_bomb(&path, 40_000_000);
    assert!(std::fs::metadata(&path).unwrap().len() < 20_000_000);
    refused(&path, "inflate");
}

#[test]
fn a_cell_at_the_far_corner_of_a_sheet_does_not_allocate_the_whole_grid() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("angolo.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "Titolo").unwrap();
    sheet.write_string(0, 1, "Importo").unwrap();
    sheet.write_string(1, 0, "A").unwrap();
    sheet.write_number(1, 1, 1000.0).unwrap();
    sheet.write_string(1_048_575, 16_383, "lontano").unwrap();
    book.save(&path).unwrap();
    // calamine's own reader allocates 17 billion cells for this: refused, naming the far cell.
    let err = refused(&path, "stray cells");
    assert!(err.contains("XFD1048576"), "{err}");
}

#[test]
fn big_cells_many_columns_and_ragged_rows_load() {
    let dir = tempfile::tempdir().unwrap();
    let big = "x".repeat(5 * 1024 * 1024);
    let report = loaded(&csv(
        dir.path(),
        "cella_enorme.csv",
        &format!("Titolo;Importo\n{big};1.000\nB;2.000\n"),
    ));
    assert!(report.contains("2 project"), "{report}");

    let mut wide = (0..10_000)
        .map(|i| format!("Colonna {i}"))
        .collect::<Vec<_>>();
    wide[0] = "Titolo".into();
    wide[1] = "Importo".into();
    let mut text = wide.join(";");
    text.push('\n');
    for r in 0..20 {
        let row: Vec<String> = (0..10_000).map(|c| format!("{}", r * c)).collect();
        text.push_str(&row.join(";"));
        text.push('\n');
    }
    let report = loaded(&csv(dir.path(), "diecimila_colonne.csv", &text));
    assert!(report.contains("20 project"), "{report}");

    let report = loaded(&csv(
        dir.path(),
        "righe_irregolari.csv",
        "Titolo;Importo;Provincia\nA;1.000\nB;2.000;Cuneo;extra;altro\nC;3.000;Torino\n",
    ));
    assert!(report.contains("3 project"), "{report}");
}

#[test]
fn unterminated_quotes_and_mixed_encodings_are_handled() {
    let dir = tempfile::tempdir().unwrap();
    let o = check(&csv(
        dir.path(),
        "virgolette.csv",
        "Titolo;Importo\n\"Progetto aperto;1.000\nB;2.000\n",
    ));
    if o.code == Some(1) {
        assert!(o.stderr.contains("virgolette.csv"), "{}", o.stderr);
    }
    // UTF-8 on one line, Windows-1252 on the next.
    let mut mixed = "Titolo;Importo;Destinatari\nA;1.000;Età adulta\n"
        .as_bytes()
        .to_vec();
    mixed.extend_from_slice(b"B;2.000;Et\xe0 senile\n");
    let report = loaded(&write(dir.path(), "misto.csv", &mixed));
    assert!(report.contains("2 project"), "{report}");
}

#[test]
fn numbers_that_are_not_amounts_are_problems_not_values() {
    let dir = tempfile::tempdir().unwrap();
    let path = csv(
        dir.path(),
        "numeri.csv",
        "Titolo;Importo\nA;1.2.3,4\nB;NaN\nC;1e309\nD;-1e309\nE;inf\nF;1.000,50\n",
    );
    let report = loaded(&path);
    assert!(report.contains("6 project"), "{report}");
    assert!(report.contains("5 problem"), "{report}");
    // Only the one real amount counts.
    let out = Command::new(env!("CARGO_BIN_EXE_cruscotto"))
        .args(["summary", "--format", "json"])
        .arg(&path)
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["total_amount"].as_f64(), Some(1000.5), "{json}");
}

#[test]
fn inputs_that_crashed_a_reader_under_fuzzing_are_refused() {
    // calamine's xls reader: "attempt to subtract with overflow" in parse_mul_rk.
    refused(&corpus("fuzz_xls_mulrk_overflow.xls"), "damaged");
    // A cell record in column 65,535: calamine would allocate 137 GB for the grid and abort.
    refused(&corpus("fuzz_xls_column_65535.xls"), "damaged");
    // A DIMENSIONS record, in a sheet reached by its BOUNDSHEET offset, declaring 2 billion rows:
    // calamine reserved 86 GB for it and aborted.
    refused(&corpus("fuzz_xls_dimensions_85gb.xls"), "damaged");
    // calamine's xlsb reader panicked on this one.
    refused(&corpus("fuzz_xlsb_reader_panic.xlsb"), "damaged");
    // polars' Parquet metadata reader panicked ("thrift bool field").
    refused(&corpus("fuzz_parquet_thrift_panic.parquet"), "parquet");
    // …and this one panicked in one of polars' worker threads ("offset + length <= length").
    refused(&corpus("fuzz_parquet_bitmap_panic.parquet"), "parquet");
}

/// Found by fuzzing: a page header whose value count polars-parquet read as 2⁶⁴ − n made it ask for
/// 2⁶¹ bytes and the process aborted; page headers are now checked before polars decodes.
#[test]
fn a_parquet_page_claiming_a_huge_validity_bitmap_is_refused() {
    refused(&corpus("fuzz_parquet_page_count.parquet"), "parquet");
}

/// Found by fuzzing: a Parquet date stored millions of years away made polars panic while the
/// loader previewed the column (the main thread, outside any reader). Such dates are left empty
/// and a note says how many; the file loads.
#[test]
fn a_parquet_date_beyond_the_calendar_is_left_empty_and_said() {
    let out = loaded(&corpus("fuzz_parquet_date_out_of_range.parquet"));
    assert!(out.contains("22 projects"), "{out}");
    assert!(
        out.contains("18 stored date(s) beyond the years 1–9999 left empty"),
        "{out}"
    );
}

/// Found by fuzzing: a Parquet column named `__PL_STRUCTFIELDS` (a name polars keeps for itself)
/// made polars panic while the loader interpreted the file. Such columns are renamed; it loads.
#[test]
fn a_column_named_like_polars_own_columns_is_renamed() {
    let out = loaded(&corpus("fuzz_parquet_reserved_column_name.parquet"));
    assert!(out.contains("projects"), "{out}");
}
