//! Every sample file and format loads, and its numbers match the specification in
//! `sample_data/source/*.json`, summed here independently of the loader.

mod common;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use common::*;
use cruscotto::data::load::load_file;
use cruscotto::data::quality::ProblemKind;
use cruscotto::data::{LoadOptions, load_paths, sample as embedded};
use cruscotto::query::summarise;
use polars::prelude::*;

fn loaded_sums(table: &DataFrame, by: &str) -> BTreeMap<String, f64> {
    summarise(table, Some(by))
        .unwrap()
        .groups
        .into_iter()
        .map(|g| {
            (
                g.key.as_value().unwrap_or("(missing)").to_string(),
                g.amount,
            )
        })
        .collect()
}

fn assert_sums_match(loaded: &BTreeMap<String, f64>, expected: &BTreeMap<String, f64>) {
    assert_eq!(
        loaded.keys().collect::<Vec<_>>(),
        expected.keys().collect::<Vec<_>>()
    );
    for (k, v) in expected {
        assert!(
            close(loaded[k], *v),
            "{k}: loaded {} expected {v}",
            loaded[k]
        );
    }
}

fn check_wecare(table: &DataFrame) {
    let spec = spec("wecare_misura1");
    assert_eq!(table.height(), 22);
    let granted: f64 = floats(table, "amount_granted").iter().flatten().sum();
    let spec_granted: f64 = spec.iter().map(|r| r["granted"].as_f64().unwrap()).sum();
    assert!(close(granted, spec_granted));
    // Public facts: 6.4 M€, grants from 179,000 to 867,000 €.
    assert!(close(granted, 6_400_000.0));
    let amounts: Vec<f64> = floats(table, "amount_granted")
        .into_iter()
        .flatten()
        .collect();
    assert_eq!(amounts.iter().cloned().fold(f64::MAX, f64::min), 179_000.0);
    assert_eq!(amounts.iter().cloned().fold(f64::MIN, f64::max), 867_000.0);
    let spent: f64 = floats(table, "amount_spent").iter().flatten().sum();
    let spec_spent: f64 = spec.iter().map(|r| r["spent"].as_f64().unwrap()).sum();
    assert!(close(spent, spec_spent));

    let expected = sums_by(
        &spec,
        |r| province_name(r["province"].as_str().unwrap()),
        "granted",
    );
    assert_sums_match(&loaded_sums(table, "province"), &expected);
    // Every province is in Piemonte.
    assert!(
        strings(table, "region")
            .iter()
            .all(|r| r.as_deref() == Some("Piemonte"))
    );
    let alba = row_where(table, "municipality", "Alba");
    assert_eq!(
        table.column("start_date").unwrap().get(alba).unwrap(),
        AnyValue::Date(
            (NaiveDate::from_ymd_opt(2018, 10, 1).unwrap() - NaiveDate::default()).num_days()
                as i32
        )
    );
}

#[test]
fn wecare_xlsx_totals_and_provinces_match_the_specification() {
    let d = load_file(&sample("wecare_misura1.xlsx")).unwrap();
    check_wecare(&d.table);
    let report = &d.sources[0];
    assert_eq!(report.origin.sheet.as_deref(), Some("WeCaRe Misura 1"));
    assert_eq!(report.sheets, vec!["WeCaRe Misura 1", "Note"]);
    // The programme comes from the sheet name.
    assert!(
        strings(&d.table, "programme")
            .iter()
            .all(|p| p.as_deref() == Some("WeCaRe Misura 1"))
    );
}

#[test]
fn extra_columns_are_kept_and_can_be_grouped_by_their_header() {
    let d = load_file(&sample("wecare_misura1.xlsx")).unwrap();
    // The four quadrants of Misura 1 (public facts): 10, 5, 1 and 6 projects.
    let counts: BTreeMap<String, u64> = summarise(&d.table, Some("quadrante"))
        .unwrap()
        .groups
        .into_iter()
        .map(|g| (g.key.as_value().unwrap_or("(missing)").to_string(), g.rows))
        .collect();
    assert_eq!(counts["Città metropolitana di Torino"], 10);
    assert_eq!(counts["Cuneo (Granda)"], 5);
    assert_eq!(counts["Asti e Alessandria"], 1);
    assert_eq!(counts["VCO, Vercelli, Biella e Novara"], 6);
}

#[test]
fn totals_row_is_excluded_and_reported() {
    let d = load_file(&sample("wecare_misura1.xlsx")).unwrap();
    let notes = notes_of(&d.sources[0]);
    assert!(notes.contains("totals row excluded (row 27)"), "{notes}");
    let kinds = strings(&d.problems, "problem");
    assert_eq!(
        kinds,
        vec![Some(ProblemKind::TotalsRowExcluded.code().to_string())]
    );
}

#[test]
fn wecare_parquet_loads_with_the_same_numbers() {
    let d = load_file(&sample("wecare_misura1.parquet")).unwrap();
    check_wecare(&d.table);
}

fn region_of_path(path: &str) -> String {
    path.split(", ").nth(1).unwrap().to_string()
}

fn check_seeds(table: &DataFrame, problems: &DataFrame) {
    let spec = spec("progetti_welfare_comunita");
    assert_eq!(table.height(), spec.len());
    let expected = sums_by(
        &spec,
        |r| region_of_path(r["territory"].as_str().unwrap()),
        "amount",
    );
    assert_sums_match(&loaded_sums(table, "region"), &expected);

    // The "Scheda intervento" of the seed card.
    let t = row_where(table, "id", "INT-36-2021");
    assert_eq!(floats(table, "amount_spent")[t], Some(488_100.0));
    assert_eq!(strings(table, "province")[t].as_deref(), Some("Cuneo"));
    assert_eq!(strings(table, "region")[t].as_deref(), Some("Piemonte"));
    assert_eq!(
        strings(table, "funding_source")[t].as_deref(),
        Some("Nazionale")
    );
    assert_eq!(
        list_at(table, "age_groups", t),
        vec!["Età adulta", "Età senile"]
    );
    assert_eq!(
        list_at(table, "citizenship", t),
        vec!["Italiana", "Straniera UE", "Straniera extra-UE", "Apolide"]
    );
    assert_eq!(
        strings(table, "start_date")[t].as_deref(),
        Some("2016-01-01")
    );
    assert_eq!(strings(table, "end_date")[t].as_deref(), Some("2021-04-22"));
    // A territory path with a municipality.
    let r = row_where(table, "id", "COS-04");
    assert_eq!(
        strings(table, "municipality")[r].as_deref(),
        Some("Collegno")
    );
    assert_eq!(strings(table, "province")[r].as_deref(), Some("Torino"));
    // "n.d." is not an amount: kept as a problem with its raw text.
    let nd: Vec<usize> = strings(problems, "raw")
        .iter()
        .enumerate()
        .filter(|(_, v)| v.as_deref() == Some("n.d."))
        .map(|(i, _)| i)
        .collect();
    assert_eq!(nd.len(), 1);
    assert_eq!(
        strings(problems, "problem")[nd[0]].as_deref(),
        Some("not_an_amount")
    );
    assert_eq!(
        strings(problems, "column")[nd[0]].as_deref(),
        Some("Ammontare della spesa")
    );
}

#[test]
fn seed_projects_ods_match_the_specification() {
    let d = load_file(&sample("progetti_welfare_comunita.ods")).unwrap();
    check_seeds(&d.table, &d.problems);
    // Header on row 3 of the sheet: the 7th project (Cittadella del Welfare) is on row 10.
    let row = row_where(&d.problems, "raw", "n.d.");
    assert_eq!(
        d.problems.column("row").unwrap().get(row).unwrap(),
        AnyValue::UInt32(10)
    );
}

#[test]
fn seed_projects_windows_1252_csv_match_the_specification() {
    let d = load_file(&sample("progetti_welfare_comunita.csv")).unwrap();
    check_seeds(&d.table, &d.problems);
    let notes = notes_of(&d.sources[0]);
    assert!(notes.contains("Windows-1252"), "{notes}");
    assert!(notes.contains("delimiter ';'"), "{notes}");
    assert!(notes.contains("totals row excluded"), "{notes}");
}

#[test]
fn several_files_combine_into_one_table() {
    let d = load_paths(
        &[
            sample("wecare_misura1.xlsx"),
            sample("progetti_welfare_comunita.ods"),
        ],
        &LoadOptions::default(),
    )
    .unwrap();
    assert_eq!(d.table.height(), 22 + 12);
    assert_eq!(d.sources.len(), 2);
    // Extra columns of one source are null in the other.
    assert_eq!(d.extra_columns(), vec!["Quadrante".to_string()]);
    let quadrant = strings(&d.table, "Quadrante");
    assert_eq!(quadrant.iter().filter(|q| q.is_none()).count(), 12);
    let programmes = loaded_sums(&d.table, "programme");
    assert!(programmes.contains_key("WeCaRe Misura 1"));
    assert!(
        programmes.contains_key("Fondazione Cariplo – Welfare di comunità e innovazione sociale")
    );
}

#[test]
fn case_and_space_variants_are_folded() {
    let d = load_file(&sample("wecare_misura1.xlsx")).unwrap();
    let spec = spec("wecare_misura1");
    let expected = spec
        .iter()
        .filter(|r| {
            r["target"]
                .as_str()
                .unwrap()
                .split(',')
                .any(|t| t.trim().eq_ignore_ascii_case("anziani"))
        })
        .count();
    let groups = summarise(&d.table, Some("vulnerable_groups")).unwrap();
    let anziani: Vec<_> = groups
        .groups
        .iter()
        .filter(|g| {
            g.key
                .as_value()
                .is_some_and(|k| k.eq_ignore_ascii_case("anziani"))
        })
        .collect();
    assert_eq!(anziani.len(), 1, "one folded category");
    assert_eq!(
        anziani[0].key,
        cruscotto::query::Key::value("Anziani"),
        "the most frequent spelling"
    );
    assert_eq!(anziani[0].rows as usize, expected);
    assert!(groups.multi_valued);
}

#[test]
fn embedded_sample_loads_both_programmes() {
    let d = embedded::load().unwrap();
    assert_eq!(d.table.height(), 34);
    assert_eq!(d.sources.len(), 2);
}

#[test]
fn programme_can_be_set_for_every_row() {
    let options = LoadOptions {
        programme: Some("Misura 1".into()),
        ..Default::default()
    };
    let d = load_paths(&[sample("wecare_misura1.xlsx")], &options).unwrap();
    assert!(
        strings(&d.table, "programme")
            .iter()
            .all(|p| p.as_deref() == Some("Misura 1"))
    );
}

fn fixture(name: &str) -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

#[test]
fn legacy_xls_matches_the_specification() {
    let d = load_file(&fixture("wecare_misura1.xls")).unwrap();
    check_wecare(&d.table);
}

#[test]
fn xlsm_is_read_as_a_workbook() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("wecare.xlsm");
    std::fs::copy(sample("wecare_misura1.xlsx"), &path).unwrap();
    let d = load_file(&path).unwrap();
    check_wecare(&d.table);
    assert!(
        d.sources[0]
            .notes
            .iter()
            .all(|n| !n.to_string().contains("the name says"))
    );
}

#[test]
fn xlsb_sheets_are_listed_and_the_first_table_is_read() {
    let d = load_file(&fixture("calamine_issues.xlsb")).unwrap();
    let s = &d.sources[0];
    assert_eq!(s.sheets.len(), 6);
    assert_eq!(s.origin.sheet.as_deref(), Some("issue2"));
    assert!(
        s.notes
            .iter()
            .any(|n| n.to_string().contains("without a table skipped: datatypes"))
    );
    assert_eq!(d.table.height(), 2);
}

#[test]
fn province_spellings_and_sigle_are_normalised() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("province.csv");
    let text = "Titolo,Provincia,Importo\n\
        A,CN,1\nB,VCO,1\nC,Verbano Cusio Ossola,1\nD,Provincia di Torino,1\n\
        E,Città metropolitana di Torino,1\nF,Reggio nell'Emilia,1\nG,Forli-Cesena,1\n\
        H,to,1\nI,Atlantide,1\nJ,Piemonte,1\n";
    std::fs::write(&path, text).unwrap();
    let d = load_file(&path).unwrap();
    assert_eq!(
        strings(&d.table, "province"),
        [
            Some("Cuneo"),
            Some("Verbano-Cusio-Ossola"),
            Some("Verbano-Cusio-Ossola"),
            Some("Torino"),
            Some("Torino"),
            Some("Reggio Emilia"),
            Some("Forlì-Cesena"),
            Some("Torino"),
            Some("Atlantide"),
            None,
        ]
        .map(|v| v.map(str::to_string))
    );
    let regions = strings(&d.table, "region");
    assert_eq!(regions[0].as_deref(), Some("Piemonte"));
    assert_eq!(regions[5].as_deref(), Some("Emilia-Romagna"));
    assert_eq!(regions[8], None);
    assert_eq!(
        regions[9].as_deref(),
        Some("Piemonte"),
        "a region written as province"
    );
    // The unknown province is kept as written and reported.
    let problems = strings(&d.problems, "problem");
    let raws = strings(&d.problems, "raw");
    assert_eq!(problems, vec![Some("unknown_province".to_string())]);
    assert_eq!(raws, vec![Some("Atlantide".to_string())]);
}

#[test]
fn sources_can_be_added_and_removed() {
    let wecare = load_file(&sample("wecare_misura1.xlsx")).unwrap();
    let seeds = load_file(&sample("progetti_welfare_comunita.csv")).unwrap();
    let both = wecare.append(seeds).unwrap();
    assert_eq!(both.table.height(), 34);
    assert_eq!(both.problems.height(), 3);
    let only_seeds = both.without_source(0).unwrap();
    assert_eq!(only_seeds.table.height(), 12);
    assert_eq!(only_seeds.sources.len(), 1);
    assert_eq!(
        only_seeds.problems.height(),
        2,
        "the csv's totals row and 'n.d.'"
    );
}

#[test]
fn files_of_the_same_name_in_different_folders_are_different_sources() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = std::fs::read(sample("progetti_welfare_comunita.csv")).unwrap();
    let a = dir.path().join("2023").join("progetti.csv");
    let b = dir.path().join("2024").join("progetti.csv");
    for p in [&a, &b] {
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, &bytes).unwrap();
    }
    let first = load_file(&a).unwrap();
    let both = first.append(load_file(&b).unwrap()).unwrap();
    let labels: Vec<&str> = both.sources.iter().map(|s| s.label.as_str()).collect();
    assert_eq!(labels, ["progetti.csv (2023/)", "progetti.csv (2024/)"]);
    assert_eq!(both.table.height(), 24);
    let per_source = loaded_sums(&both.table, "source");
    assert_eq!(per_source.len(), 2, "{per_source:?}");
    // Removing one keeps every row of the other.
    let rest = both.without_source(0).unwrap();
    assert_eq!(rest.table.height(), 12);
    assert_eq!(rest.sources[0].label, "progetti.csv (2024/)");
    assert!(close(
        loaded_sums(&rest.table, "source")["progetti.csv (2024/)"],
        per_source["progetti.csv (2024/)"]
    ));
    // Loaded together, they are told apart too.
    let together = load_paths(&[a.clone(), b], &LoadOptions::default()).unwrap();
    assert_eq!(loaded_sums(&together.table, "source").len(), 2);
    // The same file twice (even spelt differently) is refused with a message.
    let again = dir.path().join("2023").join(".").join("progetti.csv");
    let err = both.append(load_file(&again).unwrap()).unwrap_err();
    assert!(err.to_string().contains("already open"), "{err}");
    let err = load_paths(&[a.clone(), a], &LoadOptions::default()).unwrap_err();
    assert!(err.to_string().contains("already open"), "{err}");
}

#[test]
fn empty_rows_and_columns_are_dropped_and_cell_duplicates_merged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("buchi.csv");
    let text = "Titolo;;Importo;Destinatari;\n\
        A;;1.000;Anziani, anziani , Famiglie;\n\
        ;;;;\n\
        \n\
        B;;2.000;Famiglie;\n";
    std::fs::write(&path, text).unwrap();
    let d = load_file(&path).unwrap();
    assert_eq!(d.table.height(), 2, "blank rows dropped");
    assert!(
        d.extra_columns().is_empty(),
        "empty columns dropped: {:?}",
        d.extra_columns()
    );
    assert_eq!(
        list_at(&d.table, "vulnerable_groups", 0),
        vec!["Anziani", "Famiglie"]
    );
    assert_eq!(
        floats(&d.table, "amount_granted"),
        vec![Some(1000.0), Some(2000.0)]
    );
    assert_eq!(d.problems.height(), 0);
}

/// Text with its white-space runs collapsed and trimmed, as the loader cleans it.
fn cleaned(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn texts(table: &DataFrame, name: &str) -> Vec<Option<String>> {
    table
        .column(name)
        .unwrap()
        .cast(&DataType::String)
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .map(|v| v.map(str::to_string))
        .collect()
}

#[test]
fn a_large_table_is_parsed_the_same_as_its_cells_say() {
    // Large enough for the loader to parse repeated values once per distinct value.
    let rows = 60_000;
    let mut raw = cruscotto::data::synth::generate(rows, 11).unwrap();
    // Untidy spellings on some rows: extra spaces inside and around.
    let leads: Vec<String> = texts(&raw, "Ente capofila")
        .into_iter()
        .enumerate()
        .map(|(i, v)| {
            let v = v.unwrap();
            if i % 7 == 0 {
                format!("  {}  ", v.replace(' ', "   "))
            } else {
                v
            }
        })
        .collect();
    raw.with_column(Column::new("Ente capofila".into(), leads.clone()))
        .unwrap();
    // Provinces as officers write them: "Provincia di …" is read as the province; a name ISTAT
    // does not know is kept as written and reported.
    let provinces: Vec<String> = texts(&raw, "Provincia")
        .into_iter()
        .map(Option::unwrap)
        .collect();
    let written: Vec<String> = provinces
        .iter()
        .enumerate()
        .map(|(i, p)| match i {
            5 => "Atlantide".to_string(),
            i if i % 1000 == 1 => format!("Provincia di {p}"),
            _ => p.clone(),
        })
        .collect();
    raw.with_column(Column::new("Provincia".into(), written))
        .unwrap();
    let mut expected_provinces: Vec<Option<String>> = provinces.into_iter().map(Some).collect();
    expected_provinces[5] = Some("Atlantide".to_string());
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("grande.parquet");
    cruscotto::export::write_table(&raw, &path, Default::default()).unwrap();
    let dataset = load_file(&path).unwrap();
    let table = &dataset.table;
    assert_eq!(table.height(), rows);
    let expected = |values: Vec<Option<String>>| -> Vec<Option<String>> {
        values.into_iter().map(|v| v.map(|v| cleaned(&v))).collect()
    };
    assert_eq!(
        texts(table, "programme"),
        expected(texts(&raw, "Programma"))
    );
    assert_eq!(
        texts(table, "lead_body"),
        expected(leads.into_iter().map(Some).collect())
    );
    assert_eq!(texts(table, "province"), expected_provinces);
    let unknown: Vec<Option<String>> = dataset
        .problems
        .clone()
        .lazy()
        .filter(col("problem").eq(lit("unknown_province")))
        .collect()
        .map(|p| texts(&p, "raw"))
        .unwrap();
    assert_eq!(unknown, [Some("Atlantide".to_string())]);
    assert_eq!(
        texts(table, "municipality"),
        expected(texts(&raw, "Comune"))
    );
    // Multi-valued cells become lists of the same items, in order.
    let joined = table
        .clone()
        .lazy()
        .select([col("vulnerable_groups")
            .cast(DataType::List(Box::new(DataType::String)))
            .list()
            .join(lit(", "), true)])
        .collect()
        .unwrap();
    assert_eq!(
        texts(&joined, "vulnerable_groups"),
        texts(&raw, "Categoria vulnerabile del target")
    );
    // The same rows as an Italian CSV: dates and amounts written as text are read back.
    let csv = folder.path().join("grande.csv");
    cruscotto::export::write_table(&raw, &csv, Default::default()).unwrap();
    let from_csv = load_file(&csv).unwrap().table;
    assert_eq!(from_csv.height(), rows);
    for (canonical, original) in [
        ("start_date", "Data avvio"),
        ("end_date", "Data conclusione"),
    ] {
        let loaded: Vec<Option<i32>> = from_csv
            .column(canonical)
            .unwrap()
            .date()
            .unwrap()
            .physical()
            .iter()
            .collect();
        let written: Vec<Option<i32>> = raw
            .column(original)
            .unwrap()
            .date()
            .unwrap()
            .physical()
            .iter()
            .collect();
        assert_eq!(loaded, written, "{canonical}");
    }
    let granted = |t: &DataFrame, name: &str| -> Vec<Option<f64>> {
        t.column(name).unwrap().f64().unwrap().iter().collect()
    };
    assert_eq!(
        granted(&from_csv, "amount_granted"),
        granted(&raw, "Contributo concesso (€)")
    );
}

fn dates_of(table: &DataFrame, name: &str) -> Vec<Option<NaiveDate>> {
    table
        .column(name)
        .unwrap()
        .as_materialized_series()
        .date()
        .unwrap()
        .as_date_iter()
        .collect()
}

fn problem_kinds(problems: &DataFrame) -> Vec<(u32, String)> {
    let rows = problems.column("row").unwrap().u32().unwrap();
    let kinds = problems.column("problem").unwrap().str().unwrap();
    rows.iter()
        .zip(kinds.iter())
        .map(|(r, k)| (r.unwrap(), k.unwrap().to_string()))
        .collect()
}

#[test]
fn years_in_a_workbook_are_years_not_excel_serials() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("anni.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in ["Titolo", "Importo", "Anno di avvio", "Anno di fine"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    let rows = [("A", 1000.0, 2018.0, 2020.0), ("B", 2000.0, 2019.0, 2019.0)];
    for (i, (t, a, s, e)) in rows.iter().enumerate() {
        let r = i as u32 + 1;
        sheet.write_string(r, 0, *t).unwrap();
        sheet.write_number(r, 1, *a).unwrap();
        sheet.write_number(r, 2, *s).unwrap();
        sheet.write_number(r, 3, *e).unwrap();
    }
    book.save(&path).unwrap();
    let d = load_file(&path).unwrap();
    assert_eq!(
        dates_of(&d.table, "start_date"),
        vec![
            NaiveDate::from_ymd_opt(2018, 1, 1),
            NaiveDate::from_ymd_opt(2019, 1, 1)
        ]
    );
    assert_eq!(
        dates_of(&d.table, "end_date"),
        vec![
            NaiveDate::from_ymd_opt(2020, 12, 31),
            NaiveDate::from_ymd_opt(2019, 12, 31)
        ]
    );
    assert_eq!(d.problems.height(), 0, "{}", d.problems);
}

#[test]
fn dates_outside_the_plausible_years_are_problems_not_values() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("date.csv");
    std::fs::write(
        &path,
        "Titolo;Importo;Data avvio;Data conclusione\n\
         A;1000;01/01/2018;31/12/2019\n\
         B;2000;10/07/1905;31/12/2019\n\
         C;3000;01/01/2018;01/01/9999\n\
         D;4000;2016;2017\n",
    )
    .unwrap();
    let d = load_file(&path).unwrap();
    let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
    assert_eq!(
        dates_of(&d.table, "start_date"),
        vec![date(2018, 1, 1), None, date(2018, 1, 1), date(2016, 1, 1)]
    );
    assert_eq!(
        dates_of(&d.table, "end_date"),
        vec![
            date(2019, 12, 31),
            date(2019, 12, 31),
            None,
            date(2017, 12, 31)
        ]
    );
    let implausible = ProblemKind::ImplausibleDate.code().to_string();
    assert_eq!(
        problem_kinds(&d.problems),
        vec![(3, implausible.clone()), (4, implausible)]
    );
    // A narrower window, as on the command line (`--years 2017-2030`), flags 2016 too.
    let narrow = LoadOptions {
        date_window: cruscotto::data::parse::dates::DateWindow {
            first_year: 2017,
            last_year: 2030,
        },
        ..LoadOptions::default()
    };
    let d = load_paths(&[path], &narrow).unwrap();
    assert_eq!(d.problems.height(), 3, "{}", d.problems);
}

#[test]
fn a_source_mapping_applies_to_that_source_only_and_can_unmap_a_field() {
    let xlsx = sample("wecare_misura1.xlsx");
    let csv = sample("progetti_welfare_comunita.csv");
    let plain = load_paths(&[xlsx.clone(), csv.clone()], &LoadOptions::default()).unwrap();
    let key = cruscotto::data::load::source_key(&plain.sources[0].origin);
    let mut mapping = cruscotto::data::Mapping::default();
    mapping.set(
        cruscotto::data::Field::AmountGranted,
        "Spesa rendicontata (€)",
    );
    mapping.set(cruscotto::data::Field::LeadBody, "");
    let options = LoadOptions {
        source_mappings: [(key, mapping)].into_iter().collect(),
        ..LoadOptions::default()
    };
    let d = load_paths(&[xlsx, csv], &options).unwrap();
    let wecare = d
        .table
        .clone()
        .lazy()
        .filter(col("source").eq(lit(d.sources[0].label.clone())))
        .collect()
        .unwrap();
    let granted = granted_sum(&wecare);
    assert!(close(granted, spec_total("wecare_misura1", "spent")));
    assert_eq!(wecare.column("lead_body").unwrap().null_count(), 22);
    // The other source keeps its own mapping.
    let seeds = d.table.height() - wecare.height();
    assert_eq!(seeds, 12);
    assert!(
        d.sources[1]
            .mapping
            .header_for(cruscotto::data::Field::LeadBody)
            .is_some()
    );
}

#[test]
fn a_folder_of_partitioned_parquet_is_one_dataset_with_its_partition_columns() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("progetti");
    for (year, titles, amounts) in [
        ("2020", ["A", "B"], [1000.0, 2000.0]),
        ("2021", ["C", "D"], [4000.0, 8000.0]),
    ] {
        let part = root.join(format!("anno={year}"));
        std::fs::create_dir_all(&part).unwrap();
        let mut frame = df!("Titolo" => titles, "Importo" => amounts).unwrap();
        let file = std::fs::File::create(part.join("part-0.parquet")).unwrap();
        ParquetWriter::new(file).finish(&mut frame).unwrap();
    }
    std::fs::write(root.join("_SUCCESS"), b"").unwrap();
    let d = load_paths(&[root], &LoadOptions::default()).unwrap();
    assert_eq!(d.sources.len(), 1);
    assert_eq!(d.table.height(), 4);
    let total = granted_sum(&d.table);
    assert!(close(total, 15_000.0));
    // The partition column is kept as an extra dimension.
    let in_2021 = d
        .table
        .clone()
        .lazy()
        .filter(col("anno").cast(DataType::String).eq(lit("2021")))
        .select([col("amount_granted").sum()])
        .collect()
        .unwrap();
    let in_2021 = in_2021
        .column("amount_granted")
        .unwrap()
        .f64()
        .unwrap()
        .get(0);
    assert_eq!(in_2021, Some(12_000.0));
}

#[test]
fn a_folder_of_files_opens_every_readable_file_in_it() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["wecare_misura1.xlsx", "progetti_welfare_comunita.csv"] {
        std::fs::copy(sample(name), dir.path().join(name)).unwrap();
    }
    std::fs::create_dir(dir.path().join("schemi")).unwrap();
    std::fs::write(dir.path().join("schemi/spec.json"), b"{}").unwrap();
    std::fs::write(dir.path().join("LEGGIMI.md"), b"# note").unwrap();
    let d = load_paths(
        &[dir.path().to_path_buf(), dir.path().join("schemi")],
        &LoadOptions::default(),
    )
    .unwrap();
    assert_eq!(d.sources.len(), 2);
    assert_eq!(d.table.height(), 34);
    let notes = notes_of(&d.sources[0]);
    assert!(notes.contains("schemi skipped"), "{notes}");
    assert!(
        !notes.contains("LEGGIMI"),
        "inside a folder, only table files are read"
    );
}

#[test]
fn a_file_opened_again_comes_from_the_cache_until_it_or_its_mapping_changes() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("progetti.csv");
    std::fs::copy(sample("progetti_welfare_comunita.csv"), &file).unwrap();
    let options = LoadOptions {
        cache: Some(cruscotto::data::cache::Cache::at(dir.path().join("cache"))),
        ..LoadOptions::default()
    };
    let first = load_paths(std::slice::from_ref(&file), &options).unwrap();
    assert!(!first.sources[0].cached);
    // Kept in the background: waited for here, as at the end of the program.
    cruscotto::data::cache::wait_for_writes();
    let again = load_paths(std::slice::from_ref(&file), &options).unwrap();
    assert!(again.sources[0].cached, "the second open reads the cache");
    assert!(again.table.equals_missing(&first.table));
    // Names come back from the cache as they were kept: categories, not text to encode again.
    assert_eq!(again.table.schema(), first.table.schema());
    for name in ["province", "age_groups"] {
        let dtype = again.table.column(name).unwrap().dtype();
        assert!(
            cruscotto::data::categories::is_categorical(dtype),
            "{name}: {dtype:?}"
        );
    }
    assert!(again.problems.equals_missing(&first.problems));
    assert_eq!(again.sources[0].mapping, first.sources[0].mapping);
    assert_eq!(again.sources[0].notes, first.sources[0].notes);
    // Another mapping is another entry.
    let remapped = LoadOptions {
        overrides: {
            let mut m = cruscotto::data::Mapping::default();
            m.set(cruscotto::data::Field::LeadBody, "Partner");
            m
        },
        ..options.clone()
    };
    assert!(
        !load_paths(std::slice::from_ref(&file), &remapped)
            .unwrap()
            .sources[0]
            .cached
    );
    // A changed file is read again: never a stale table.
    let mut text = std::fs::read(&file).unwrap();
    text.extend_from_slice(b"\n");
    std::fs::write(&file, &text).unwrap();
    let changed = load_paths(std::slice::from_ref(&file), &options).unwrap();
    assert!(!changed.sources[0].cached);
    // Cleared, it is empty.
    let cache = options.cache.as_ref().unwrap();
    assert!(cache.size() > 0);
    assert!(cache.clear().unwrap() > 0);
    assert_eq!(cache.size(), 0);
}

#[test]
fn interpreting_only_what_a_question_needs_gives_the_same_answer() {
    use cruscotto::data::needed::Needed;
    let files = [
        sample("wecare_misura1.xlsx"),
        sample("progetti_welfare_comunita.csv"),
        sample("progetti_welfare_comunita.ods"),
        sample("wecare_misura1.parquet"),
    ];
    let full = load_paths(&files, &LoadOptions::default()).unwrap();
    for by in [
        "province",
        "region",
        "programme",
        "lead_body",
        "year",
        "age_groups",
        "municipality",
        "Quadrante",
        "source",
    ] {
        let mut needed = Needed::totals();
        needed.add_name(by);
        let options = LoadOptions {
            needed: Some(needed),
            ..LoadOptions::default()
        };
        let part = load_paths(&files, &options).unwrap();
        let a = summarise(&full.table, Some(by)).unwrap();
        let b = summarise(&part.table, Some(by)).unwrap();
        assert_eq!(a.rows, b.rows, "{by}");
        assert!(close(a.total_amount, b.total_amount), "{by}");
        assert_eq!(a.groups.len(), b.groups.len(), "{by}");
        for (x, y) in a.groups.iter().zip(&b.groups) {
            assert_eq!(x.key, y.key, "{by}");
            assert!(close(x.amount, y.amount), "{by}: {:?}", x.key);
        }
        // The Parquet file's other columns are not even decoded; the CSV ends with a totals
        // row (named in a column the question does not read), so all its columns are read.
        for (f, p) in full.sources.iter().zip(&part.sources) {
            match p.origin.format {
                cruscotto::data::source::Format::Parquet if by != "source" => {
                    assert!(p.headers.len() < f.headers.len(), "{by}: {}", p.label)
                }
                cruscotto::data::source::Format::Csv => {
                    assert_eq!(p.headers.len(), f.headers.len(), "{by}: {}", p.label)
                }
                _ => {}
            }
        }
        // Fields the question does not read are left empty.
        if by != "lead_body" {
            assert_eq!(
                part.table.column("lead_body").unwrap().null_count(),
                part.table.height(),
                "{by}"
            );
        }
    }
}

/// A CSV read for one question parses only the columns it needs, and counts the same projects as
/// a full read: a row empty in those columns (but not in the file) is still a project.
#[test]
fn a_csv_read_for_a_question_parses_only_its_columns() {
    use cruscotto::data::needed::Needed;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("progetti.csv");
    std::fs::write(
        &path,
        "Codice;Titolo;Provincia;Importo concesso;Note\n\
         A1;Uno;Torino;1.000,50;x\n\
         A2;Due;Cuneo;2.000,00;y\n\
         A3;Tre;Torino;500;z\n",
    )
    .unwrap();
    let mut needed = Needed::totals();
    needed.add_name("province");
    let options = LoadOptions {
        needed: Some(needed.clone()),
        ..LoadOptions::default()
    };
    let full = load_paths(std::slice::from_ref(&path), &LoadOptions::default()).unwrap();
    let part = load_paths(std::slice::from_ref(&path), &options).unwrap();
    assert_eq!(part.sources[0].headers, ["Provincia", "Importo concesso"]);
    let a = summarise(&part.table, Some("province")).unwrap();
    assert_eq!(a.rows, 3);
    assert!(close(a.total_amount, 3_500.5));
    assert!(close(
        a.total_amount,
        summarise(&full.table, Some("province"))
            .unwrap()
            .total_amount
    ));

    // A project with neither province nor amount is still a project.
    std::fs::write(
        &path,
        "Codice;Titolo;Provincia;Importo concesso\nA1;Uno;Torino;1.000\nA2;Due;;\n",
    )
    .unwrap();
    let part = load_paths(std::slice::from_ref(&path), &options).unwrap();
    assert_eq!(summarise(&part.table, Some("province")).unwrap().rows, 2);
}

#[test]
fn a_superseded_load_stops_at_its_next_step() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    // Superseded once the first file has been read: the second is never read.
    let steps = Arc::new(AtomicUsize::new(0));
    let counter = steps.clone();
    let options = LoadOptions {
        cancel: cruscotto::data::load::CancelFlag::new(move || {
            counter.fetch_add(1, Ordering::SeqCst) >= 1
        }),
        ..LoadOptions::default()
    };
    let err = load_paths(
        &[
            sample("wecare_misura1.xlsx"),
            sample("progetti_welfare_comunita.csv"),
        ],
        &options,
    )
    .unwrap_err();
    assert!(
        matches!(err, cruscotto::data::LoadError::Cancelled),
        "{err}"
    );
    assert_eq!(steps.load(Ordering::SeqCst), 2);
}

/// The sum of the granted amounts of a table.
fn granted_sum(table: &DataFrame) -> f64 {
    table
        .column("amount_granted")
        .unwrap()
        .f64()
        .unwrap()
        .sum()
        .unwrap_or(0.0)
}

/// Reading files reports the bytes read over all of them, up to their total size.
#[test]
fn reading_reports_the_bytes_read_of_all_files() {
    use cruscotto::data::{ProgressSink, Stage};
    use std::sync::{Arc, Mutex};
    let files = [
        sample("wecare_misura1.xlsx"),
        sample("progetti_welfare_comunita.csv"),
    ];
    let total: u64 = files
        .iter()
        .map(|f| std::fs::metadata(f).unwrap().len())
        .sum();
    let seen: Arc<Mutex<Vec<(u64, u64)>>> = Arc::default();
    let sink = {
        let seen = seen.clone();
        ProgressSink::new(move |stage| {
            if let Stage::Reading { bytes: Some(b), .. } = stage {
                seen.lock().unwrap().push(b);
            }
        })
    };
    let options = LoadOptions {
        progress: sink,
        ..LoadOptions::default()
    };
    load_paths(&files, &options).unwrap();
    let seen = seen.lock().unwrap().clone();
    assert!(seen.len() >= 3, "{seen:?}");
    assert!(seen.iter().all(|(_, t)| *t == total));
    assert!(seen.windows(2).all(|w| w[0].0 <= w[1].0), "{seen:?}");
    assert_eq!(seen.last().unwrap().0, total);
}

/// Reading only some columns never changes the answer: not when a line has more fields than the
/// header (refused, as a full read refuses it), not when the mapping depends on a column the
/// question does not need (the OpenCoesione preset is recognised by its title column), not when
/// the question needs no column at all.
#[test]
fn reading_some_columns_gives_the_full_answer_or_reads_them_all() {
    use cruscotto::data::needed::Needed;
    let dir = tempfile::tempdir().unwrap();
    let options = |by: &str| {
        let mut needed = Needed::totals();
        needed.add_name(by);
        LoadOptions {
            needed: Some(needed),
            ..LoadOptions::default()
        }
    };
    // A line with one field too many, below the lines sampled for the header.
    let ragged = dir.path().join("storto.csv");
    let mut text = String::from("Titolo;Provincia;Importo concesso\n");
    for i in 0..300 {
        text.push_str(&format!("Progetto {i};Torino;1.000\n"));
        if i == 250 {
            text.push_str("Storto;Cuneo;x;2.000\n");
        }
    }
    std::fs::write(&ragged, text).unwrap();
    let full = load_paths(std::slice::from_ref(&ragged), &LoadOptions::default());
    let part = load_paths(std::slice::from_ref(&ragged), &options("province"));
    assert!(full.is_err());
    assert_eq!(
        part.map(|_| ()).map_err(|e| e.to_string()),
        full.map(|_| ()).map_err(|e| e.to_string())
    );
    // OpenCoesione: the programme column stays the programme.
    let oc = dir.path().join("opencoesione.csv");
    std::fs::write(
        &oc,
        "OC_TITOLO_PROGETTO;OC_DESCRIZIONE_PROGRAMMA;FINANZ_TOTALE_PUBBLICO;DEN_PROVINCIA\n\
         Asilo;POR FESR Piemonte;1000;Torino\n\
         Scuola;PON Inclusione;2000;Cuneo\n",
    )
    .unwrap();
    let full = load_paths(std::slice::from_ref(&oc), &LoadOptions::default()).unwrap();
    let part = load_paths(std::slice::from_ref(&oc), &options("programme")).unwrap();
    let a = summarise(&full.table, Some("programme")).unwrap();
    let b = summarise(&part.table, Some("programme")).unwrap();
    let keys = |s: &cruscotto::query::Summary| -> Vec<String> {
        s.groups.iter().map(|g| format!("{:?}", g.key)).collect()
    };
    assert_eq!(keys(&a), keys(&b));
    assert!(
        keys(&b).iter().any(|k| k.contains("PON Inclusione")),
        "{:?}",
        keys(&b)
    );
    // No column the question knows: read as a whole, no panic.
    let other = dir.path().join("altro.csv");
    std::fs::write(&other, "Colore;Forma\nrosso;tondo\nblu;quadrato\n").unwrap();
    let part = load_paths(std::slice::from_ref(&other), &options("province")).unwrap();
    assert_eq!(part.table.height(), 2);
}
