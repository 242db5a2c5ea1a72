//! Writes `sample_data/` from the specifications in `sample_data/source/*.json`:
//! the WeCaRe Misura 1 projects as xlsx (with title rows, a totals row and a notes sheet) and
//! Parquet, the seed-document projects as ods and as a Windows-1252 `;` CSV.
//!
//! Run with `cargo run --example make_sample_data`; the output is reproducible.

use std::path::Path;

use chrono::{Datelike, NaiveDate};
use cruscotto::export::{parquet_bytes, write_atomic};
use cruscotto::format::number_it;
use polars::prelude::*;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook};
use serde_json::Value;
use spreadsheet_ods::{Sheet, WorkBook};

type Row = serde_json::Map<String, Value>;

fn read_spec(path: &str) -> Vec<Row> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let value: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    value
        .as_array()
        .expect("a JSON array of projects")
        .iter()
        .map(|v| v.as_object().expect("a project object").clone())
        .collect()
}

fn text<'a>(row: &'a Row, key: &str) -> &'a str {
    row.get(key).and_then(Value::as_str).unwrap_or("")
}

fn number(row: &Row, key: &str) -> Option<f64> {
    row.get(key).and_then(Value::as_f64)
}

fn date(row: &Row, key: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text(row, key), "%Y-%m-%d").expect("ISO date in the spec")
}

/// The four quadrants Misura 1 grouped its projects in (a public fact), by province sigla.
fn quadrant(sigla: &str) -> &'static str {
    match sigla {
        "TO" => "Città metropolitana di Torino",
        "CN" => "Cuneo (Granda)",
        "AT" | "AL" => "Asti e Alessandria",
        _ => "VCO, Vercelli, Biella e Novara",
    }
}

const WECARE_HEADERS: [&str; 12] = [
    "Codice",
    "Titolo progetto",
    "Ente capofila",
    "Sede",
    "Prov.",
    "Quadrante",
    "Contributo concesso (€)",
    "Spesa rendicontata (€)",
    "Data avvio",
    "Data conclusione",
    "Destinatari",
    "Fonte",
];

fn wecare_xlsx(rows: &[Row]) -> Vec<u8> {
    let mut book = Workbook::new();
    let created = ExcelDateTime::from_ymd(2021, 6, 30).unwrap();
    book.set_properties(&DocProperties::new().set_creation_datetime(&created));
    let title = Format::new().set_bold().set_font_size(14);
    let bold = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_background_color("#DDE6F0");
    let euro = Format::new().set_num_format("#,##0.00 \"€\"");
    let day = Format::new().set_num_format("dd/mm/yyyy");
    let ws = book.add_worksheet();
    ws.set_name("WeCaRe Misura 1").unwrap();
    ws.write_string_with_format(0, 0, "REGIONE PIEMONTE", &title)
        .unwrap();
    ws.write_string(
        1,
        0,
        "Monitoraggio WeCaRe – Misura 1 \"Sperimentazione di azioni innovative di welfare territoriale\" – dati al 30/06/2021",
    )
    .unwrap();
    let header_row = 3;
    for (j, h) in WECARE_HEADERS.iter().enumerate() {
        ws.write_string_with_format(header_row, j as u16, *h, &bold)
            .unwrap();
    }
    let widths = [12, 34, 52, 14, 6, 28, 16, 16, 12, 12, 34, 18];
    for (j, w) in widths.iter().enumerate() {
        ws.set_column_width(j as u16, *w).unwrap();
    }
    let xl = |d: NaiveDate| {
        ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8).unwrap()
    };
    for (i, r) in rows.iter().enumerate() {
        let row = header_row + 1 + i as u32;
        ws.write_string(row, 0, text(r, "code")).unwrap();
        ws.write_string(row, 1, text(r, "title")).unwrap();
        ws.write_string(row, 2, text(r, "lead_body")).unwrap();
        ws.write_string(row, 3, text(r, "seat")).unwrap();
        ws.write_string(row, 4, text(r, "province")).unwrap();
        ws.write_string(row, 5, quadrant(text(r, "province")))
            .unwrap();
        ws.write_number_with_format(row, 6, number(r, "granted").unwrap(), &euro)
            .unwrap();
        ws.write_number_with_format(row, 7, number(r, "spent").unwrap(), &euro)
            .unwrap();
        ws.write_datetime_with_format(row, 8, xl(date(r, "start")), &day)
            .unwrap();
        ws.write_datetime_with_format(row, 9, xl(date(r, "end")), &day)
            .unwrap();
        ws.write_string(row, 10, text(r, "target")).unwrap();
        ws.write_string(row, 11, text(r, "fund")).unwrap();
    }
    let total_row = header_row + 1 + rows.len() as u32;
    let granted: f64 = rows.iter().filter_map(|r| number(r, "granted")).sum();
    let spent: f64 = rows.iter().filter_map(|r| number(r, "spent")).sum();
    ws.write_string_with_format(total_row, 0, "Totale", &bold)
        .unwrap();
    ws.write_number_with_format(total_row, 5, granted, &euro)
        .unwrap();
    ws.write_number_with_format(total_row, 6, spent, &euro)
        .unwrap();
    ws.set_freeze_panes(header_row + 1, 0).unwrap();

    let notes = book.add_worksheet();
    notes.set_name("Note").unwrap();
    notes
        .write_string(
            0,
            0,
            "Fonte: Regione Piemonte, WeCaRe (DGR 22 maggio 2017, n. 22-5076), POR FSE 2014-2020.",
        )
        .unwrap();
    notes.write_string(1, 0, "Numero di progetti, sedi degli enti capofila, importo minimo, massimo e totale: dati pubblici.").unwrap();
    notes
        .write_string(
            2,
            0,
            "Titoli, importi dei singoli progetti, spesa, date e destinatari: valori illustrativi.",
        )
        .unwrap();
    book.save_to_buffer().unwrap()
}

fn wecare_frame(rows: &[Row]) -> DataFrame {
    let col_text = |k: &str| {
        rows.iter()
            .map(|r| text(r, k).to_string())
            .collect::<Vec<_>>()
    };
    let col_num = |k: &str| rows.iter().map(|r| number(r, k)).collect::<Vec<_>>();
    let col_date = |k: &str| rows.iter().map(|r| date(r, k)).collect::<Vec<_>>();
    df!(
        "Codice" => col_text("code"),
        "Titolo progetto" => col_text("title"),
        "Ente capofila" => col_text("lead_body"),
        "Sede" => col_text("seat"),
        "Prov." => col_text("province"),
        "Quadrante" => rows.iter().map(|r| quadrant(text(r, "province"))).collect::<Vec<_>>(),
        "Contributo concesso (€)" => col_num("granted"),
        "Spesa rendicontata (€)" => col_num("spent"),
        "Data avvio" => col_date("start"),
        "Data conclusione" => col_date("end"),
        "Destinatari" => col_text("target"),
        "Fonte" => col_text("fund"),
    )
    .unwrap()
}

const SEED_HEADERS: [(&str, &str); 16] = [
    ("Codice", "code"),
    ("Titolo", "title"),
    ("Programma / bando", "programme"),
    ("Ente capofila", "lead_body"),
    ("Partner", "partners"),
    ("Territorio di attuazione", "territory"),
    ("Tipo di finanziamento", "fund"),
    ("Ammontare della spesa", "amount_text"),
    ("Periodo", "period"),
    ("Natura prevalente dell’intervento", "nature"),
    ("Ambito di intervento primario", "scope"),
    ("Fascia d’età del target", "ages"),
    ("Cittadinanza del target", "citizenship"),
    ("Categoria vulnerabile del target", "vulnerable"),
    ("Esito della valutazione", "outcome"),
    ("Abstract", "abstract"),
];

fn seeds_ods(rows: &[Row]) -> Vec<u8> {
    let mut book = WorkBook::new_empty();
    let mut ws = Sheet::new("Schede intervento");
    ws.set_value(
        0,
        0,
        "Progetti di welfare di comunità – schede intervento raccolte",
    );
    for (j, (h, _)) in SEED_HEADERS.iter().enumerate() {
        ws.set_value(2, j as u32, *h);
    }
    for (i, r) in rows.iter().enumerate() {
        for (j, (_, key)) in SEED_HEADERS.iter().enumerate() {
            let value = text(r, key);
            if !value.is_empty() {
                ws.set_value(3 + i as u32, j as u32, value);
            }
        }
    }
    book.push_sheet(ws);
    spreadsheet_ods::write_ods_buf(&mut book, Vec::new()).unwrap()
}

fn seeds_csv(rows: &[Row]) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(Vec::new());
    let width = SEED_HEADERS.len();
    let mut title = vec![String::new(); width];
    title[0] = "Elenco progetti welfare di comunità – estrazione del 15/03/2023".to_string();
    w.write_record(&title).unwrap();
    w.write_record(vec![String::new(); width]).unwrap();
    w.write_record(SEED_HEADERS.iter().map(|(h, _)| *h))
        .unwrap();
    for r in rows {
        let cells: Vec<String> = SEED_HEADERS
            .iter()
            .map(|(_, key)| match *key {
                "amount_text" => number(r, "amount")
                    .map(|a| number_it(a, 2))
                    .unwrap_or_else(|| text(r, key).to_string()),
                _ => text(r, key).to_string(),
            })
            .collect();
        w.write_record(&cells).unwrap();
    }
    let total: f64 = rows.iter().filter_map(|r| number(r, "amount")).sum();
    let mut totals = vec![String::new(); width];
    totals[0] = "TOTALE".to_string();
    totals[7] = number_it(total, 2);
    w.write_record(&totals).unwrap();
    let utf8 = String::from_utf8(w.into_inner().unwrap()).unwrap();
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(&utf8);
    assert!(
        !unmappable,
        "the seed CSV must be representable in Windows-1252"
    );
    bytes.into_owned()
}

fn write(path: &str, bytes: &[u8]) {
    write_atomic(Path::new(path), bytes).unwrap_or_else(|e| panic!("{e}"));
    println!("{path}: {} bytes", bytes.len());
}

fn main() {
    let wecare = read_spec("sample_data/source/wecare_misura1.json");
    let seeds = read_spec("sample_data/source/progetti_welfare_comunita.json");
    write("sample_data/wecare_misura1.xlsx", &wecare_xlsx(&wecare));
    write(
        "sample_data/wecare_misura1.parquet",
        &parquet_bytes(&wecare_frame(&wecare)).unwrap(),
    );
    write(
        "sample_data/progetti_welfare_comunita.ods",
        &seeds_ods(&seeds),
    );
    write(
        "sample_data/progetti_welfare_comunita.csv",
        &seeds_csv(&seeds),
    );
}
