//! The command line is a contract: these tests run the real binary.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::*;
use serde_json::Value;

/// The binary in an Italian locale (the language every test expects unless it says `--lang`).
fn cruscotto(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cruscotto"))
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "it_IT.UTF-8")
        .args(args)
        .output()
        .expect("the binary runs")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn summary_json(args: &[&str]) -> Value {
    let out = cruscotto(args);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert_eq!(text.trim().lines().count(), 1, "exactly one JSON object");
    serde_json::from_str(text.trim()).unwrap()
}

#[test]
fn summary_json_by_province() {
    let xlsx = sample("wecare_misura1.xlsx");
    let json = summary_json(&[
        "summary",
        path(&xlsx),
        "--by",
        "province",
        "--format",
        "json",
    ]);
    let spec = spec("wecare_misura1");
    let total: f64 = spec.iter().map(|r| r["granted"].as_f64().unwrap()).sum();
    assert_eq!(json["rows"], 22);
    assert!(close(json["total_amount"].as_f64().unwrap(), total));
    let groups = json["groups"].as_array().unwrap();
    let torino = groups.iter().find(|g| g["key"] == "Torino").unwrap();
    let expected: f64 = spec
        .iter()
        .filter(|r| r["province"] == "TO")
        .map(|r| r["granted"].as_f64().unwrap())
        .sum();
    assert!(close(torino["amount"].as_f64().unwrap(), expected));
    assert_eq!(torino["rows"], 10);
    let sum: f64 = groups.iter().map(|g| g["amount"].as_f64().unwrap()).sum();
    assert!(
        close(sum, total),
        "single-valued groups add up to the total"
    );
    for g in groups {
        let keys: Vec<&String> = g.as_object().unwrap().keys().collect();
        assert_eq!(keys, vec!["amount", "key", "kind", "rows"]);
        assert_eq!(g["kind"], "value");
    }
}

#[test]
fn summary_by_year_and_multi_valued_note() {
    let ods = sample("progetti_welfare_comunita.ods");
    let json = summary_json(&["summary", path(&ods), "--by", "year", "--format", "json"]);
    let keys: Vec<&str> = json["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["key"].as_str().unwrap())
        .collect();
    // Cittadella del Welfare has no period: the undated bucket, in words, marked as a bucket.
    assert!(keys.contains(&"senza date"), "{keys:?}");
    let undated = json["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["kind"] == "undated")
        .unwrap();
    assert_eq!(undated["key"], "senza date");
    let english = summary_json(&[
        "summary",
        path(&ods),
        "--by",
        "year",
        "--format",
        "json",
        "--lang",
        "en",
    ]);
    assert!(
        english["groups"]
            .as_array()
            .unwrap()
            .iter()
            .any(|g| g["key"] == "no dates" && g["kind"] == "undated")
    );
    assert!(keys.contains(&"2016"), "{keys:?}");

    let out = cruscotto(&["summary", path(&ods), "--by", "age_groups"]);
    assert!(out.status.success());
    let text = stdout(&out);
    assert!(
        text.contains("la somma dei gruppi può superare il totale"),
        "{text}"
    );
    assert!(text.contains("Età senile"), "{text}");
}

#[test]
fn map_override_changes_the_amount_column() {
    let xlsx = sample("wecare_misura1.xlsx");
    let json = summary_json(&[
        "summary",
        path(&xlsx),
        "--map",
        "amount=Spesa rendicontata (€)",
        "--format",
        "json",
    ]);
    let spent: f64 = spec_total("wecare_misura1", "spent");
    assert!(close(json["total_amount"].as_f64().unwrap(), spent));
}

#[test]
fn mapping_is_saved_and_loaded_as_json() {
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("mapping.json");
    let xlsx = sample("wecare_misura1.xlsx");
    let out = cruscotto(&["check", path(&xlsx), "--save-mapping", path(&saved)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let mapping: Value = serde_json::from_str(&std::fs::read_to_string(&saved).unwrap()).unwrap();
    assert_eq!(mapping["amount_granted"], "Contributo concesso (€)");
    // Edit it: the spent column becomes the granted amount.
    let edited = dir.path().join("edited.json");
    std::fs::write(&edited, r#"{"amount_granted": "Spesa rendicontata (€)"}"#).unwrap();
    let json = summary_json(&[
        "summary",
        path(&xlsx),
        "--mapping",
        path(&edited),
        "--format",
        "json",
    ]);
    let spent: f64 = spec_total("wecare_misura1", "spent");
    assert!(close(json["total_amount"].as_f64().unwrap(), spent));
}

#[test]
fn check_explains_the_mapping_and_lists_problems() {
    let csv = sample("progetti_welfare_comunita.csv");
    let out = cruscotto(&["check", "--lang", "en", path(&csv)]);
    assert!(out.status.success());
    let text = stdout(&out);
    assert!(
        text.contains("amount_spent ← 'Ammontare della spesa' (header match)"),
        "{text}"
    );
    assert!(text.contains("period ← 'Periodo' (header match)"), "{text}");
    assert!(text.contains("\"n.d.\" — not an amount in euros"), "{text}");
    assert!(text.contains("Windows-1252"), "{text}");
    assert!(text.contains("12 projects, 2 problems"), "{text}");
}

#[test]
fn check_speaks_the_system_language_unless_told() {
    let csv = sample("progetti_welfare_comunita.csv");
    // An Italian (or unknown) locale: Italian.
    let text = stdout(&cruscotto(&["check", path(&csv)]));
    assert!(
        text.contains("Spesa ← 'Ammontare della spesa' (intestazione riconosciuta)"),
        "{text}"
    );
    assert!(text.contains("\"n.d.\" — importo non leggibile"), "{text}");
    assert!(text.contains("separatore ';'"), "{text}");
    assert!(text.contains("12 progetti, 2 problemi"), "{text}");
    // An English locale: English; `--lang` wins over the locale.
    let english = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_cruscotto"))
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env("LANG", "en_GB.UTF-8")
            .args(args)
            .output()
            .unwrap();
        stdout(&out)
    };
    assert!(english(&["check", path(&csv)]).contains("not an amount in euros"));
    assert!(english(&["check", "--lang", "it", path(&csv)]).contains("importo non leggibile"));
    let table = english(&["summary", path(&csv)]);
    assert!(
        table.lines().next().unwrap().contains("projects"),
        "{table}"
    );
    let tabella = stdout(&cruscotto(&["summary", path(&csv)]));
    assert!(
        tabella.lines().next().unwrap().contains("progetti"),
        "{tabella}"
    );
}

#[test]
fn errors_are_one_line_naming_the_file_with_non_zero_exit() {
    let out = cruscotto(&["summary", "/nonexistent/progetti.xlsx"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("/nonexistent/progetti.xlsx"), "{err}");
    assert!(!err.contains("panicked"), "{err}");

    let xlsx = sample("wecare_misura1.xlsx");
    let out = cruscotto(&["summary", path(&xlsx), "--by", "colore"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("unknown field 'colore'"));

    let out = cruscotto(&["summary", path(&xlsx), "--map", "amount=Colonna X"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("'Colonna X'") && err.contains("wecare_misura1.xlsx"),
        "{err}"
    );
}

#[test]
fn generate_writes_every_format_and_reads_back() {
    let dir = tempfile::tempdir().unwrap();
    for ext in ["csv", "parquet", "xlsx", "ods", "tsv"] {
        let out_path = dir.path().join(format!("synt.{ext}"));
        let out = cruscotto(&[
            "generate",
            "--rows",
            "300",
            "--out",
            path(&out_path),
            "--seed",
            "5",
        ]);
        assert!(out.status.success(), "{ext}: {}", stderr(&out));
        let json = summary_json(&[
            "summary",
            path(&out_path),
            "--by",
            "region",
            "--format",
            "json",
        ]);
        assert_eq!(json["rows"], 300, "{ext}");
        assert!(
            json["total_amount"].as_f64().unwrap() > 300.0 * 10_000.0,
            "{ext}"
        );
    }
    // Same seed, same numbers, whatever the format.
    let a = summary_json(&[
        "summary",
        path(&dir.path().join("synt.csv")),
        "--format",
        "json",
    ]);
    let b = summary_json(&[
        "summary",
        path(&dir.path().join("synt.xlsx")),
        "--format",
        "json",
    ]);
    assert!(close(
        a["total_amount"].as_f64().unwrap(),
        b["total_amount"].as_f64().unwrap()
    ));
}

#[test]
fn opencoesione_export_is_mapped_by_its_preset() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("progetti_esteso.csv");
    let text = "COD_LOCALE_PROGETTO;CUP;OC_TITOLO_PROGETTO;OC_DESCR_FONTE;DEN_REGIONE;DEN_PROVINCIA;DEN_COMUNE;FINANZ_UE;FINANZ_TOTALE_PUBBLICO;TOT_PAGAMENTI;OC_DATA_INIZIO_PROGETTO\n\
        1PIFSE-1;J11;Servizi di prossimità;FSE;PIEMONTE;TORINO;RIVOLI;100000,50;200000,50;150000,00;20180101\n\
        1PIFSE-2;J12;Rete anziani;FSE;PIEMONTE;CUNEO;ALBA;50000,00;100000,00;;20190315\n\
        3LOFSE-3;J13;Lavoro e inclusione;FSE;LOMBARDIA;CREMONA;CREMA;10000,00;25000,00;25000,00;20200701\n";
    std::fs::write(&file, text).unwrap();
    let json = summary_json(&[
        "summary",
        path(&file),
        "--by",
        "province",
        "--format",
        "json",
    ]);
    assert_eq!(json["rows"], 3);
    assert!(close(
        json["total_amount"].as_f64().unwrap(),
        200_000.50 + 100_000.0 + 25_000.0
    ));
    let keys: Vec<&str> = json["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, vec!["Torino", "Cuneo", "Cremona"]);
    let out = cruscotto(&["check", "--lang", "en", path(&file)]);
    assert!(
        stdout(&out).contains("amount_granted ← 'FINANZ_TOTALE_PUBBLICO' (OpenCoesione preset)")
    );
}

#[test]
fn bench_reports_every_step_for_the_projects_it_generated() {
    let out = cruscotto(&[
        "bench",
        "--rows",
        "3000",
        "--generate",
        "csv",
        "--runs",
        "1",
        "--format",
        "json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let report: Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(report["projects"], 3000);
    assert_eq!(report["runs"], 1);
    let steps: Vec<&str> = report["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["step"].as_str().unwrap())
        .collect();
    assert_eq!(
        steps,
        [
            "read",
            "interpret",
            "combine",
            "prepare",
            "quality report (background)",
            "dashboard: no filter",
            "dashboard: 1 filter",
            "dashboard: 2 filters",
            "dashboard: text search",
            "dashboard: filters cleared",
            "dashboard: Esplora chart changed",
            "dashboard: projects sorted",
            "dashboard: 1 filter, during the quality report",
            "open, no cache",
            "reopen, from the cache"
        ]
    );
    // A file of 3,000 projects is read at once: no preview to time.
    assert!(report["preview"].is_null());
    for s in report["steps"].as_array().unwrap() {
        let secs = s["seconds"].as_f64().unwrap();
        assert!(secs >= 0.0 && secs <= s["max_seconds"].as_f64().unwrap());
    }
    // Where the dashboard's time goes, part by part.
    let parts: Vec<&str> = report["parts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["part"].as_str().unwrap())
        .collect();
    for part in [
        "filtered projects",
        "years",
        "kpis",
        "facets",
        "chart: explore",
    ] {
        assert!(parts.contains(&part), "{part} in {parts:?}");
    }
    // The window's frames, screen by screen, drawn for real.
    let frames = report["frames"].as_array().unwrap();
    let screens: Vec<&str> = frames
        .iter()
        .map(|f| f["screen"].as_str().unwrap())
        .collect();
    assert_eq!(
        screens,
        [
            "Panoramica",
            "Esplora",
            "Territorio, province",
            "Territorio, comuni",
            "Progetti"
        ]
    );
    for f in frames {
        let (median, max) = (
            f["median_ms"].as_f64().unwrap(),
            f["max_ms"].as_f64().unwrap(),
        );
        assert!(median > 0.0 && median <= max, "{f}");
        assert!(f["vertices"].as_u64().unwrap() > 1_000, "{f}");
    }
}

#[test]
fn bench_of_a_missing_file_is_a_one_line_error() {
    let out = cruscotto(&["bench", "/nonexistent/progetti.xlsx", "--runs", "1"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("progetti.xlsx"), "{err}");
}

/// The resident population of a province, read from the shipped reference file itself.
fn province_population(name: &str) -> f64 {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/assets/reference/provinces.csv"
    ))
    .unwrap();
    text.lines()
        .skip(1)
        .map(|l| l.split(',').collect::<Vec<_>>())
        .find(|cells| cells[1] == name)
        .map(|cells| cells[8].parse().unwrap())
        .unwrap_or_else(|| panic!("{name} in provinces.csv"))
}

#[test]
fn compare_three_provinces_as_json_with_euros_per_resident() {
    let xlsx = sample("wecare_misura1.xlsx");
    let json = summary_json(&[
        "compare",
        path(&xlsx),
        "--by",
        "province",
        "--values",
        "cuneo; TORINO ;Novara",
        "--format",
        "json",
    ]);
    assert_eq!(json["by"], "province");
    let spec = spec("wecare_misura1");
    let entities = json["entities"].as_array().unwrap();
    let keys: Vec<&str> = entities
        .iter()
        .map(|e| e["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["Cuneo", "Torino", "Novara"]);
    let total: f64 = spec.iter().map(|r| r["granted"].as_f64().unwrap()).sum();
    for (e, sigla) in entities.iter().zip(["CN", "TO", "NO"]) {
        let rows: Vec<_> = spec.iter().filter(|r| r["province"] == sigla).collect();
        let granted: f64 = rows.iter().map(|r| r["granted"].as_f64().unwrap()).sum();
        let spent: f64 = rows.iter().map(|r| r["spent"].as_f64().unwrap()).sum();
        let max = rows
            .iter()
            .map(|r| r["granted"].as_f64().unwrap())
            .fold(0.0, f64::max);
        let population = province_population(e["key"].as_str().unwrap());
        assert_eq!(e["projects"], rows.len());
        assert!(close(e["granted"].as_f64().unwrap(), granted));
        assert!(close(e["spent"].as_f64().unwrap(), spent));
        assert!((e["spent_share"].as_f64().unwrap() - spent / granted).abs() < 1e-12);
        assert!(close(e["max_grant"].as_f64().unwrap(), max));
        assert!((e["share_of_total"].as_f64().unwrap() - granted / total).abs() < 1e-12);
        assert_eq!(e["population"].as_f64().unwrap(), population);
        assert!((e["per_resident"].as_f64().unwrap() - granted / population).abs() < 1e-9);
        let per_100k = rows.len() as f64 / population * 100_000.0;
        assert!((e["projects_per_100k"].as_f64().unwrap() - per_100k).abs() < 1e-9);
        assert!(e["partners"].is_null(), "WeCaRe names no partners");
    }
    // The reference: the selection's average.
    let granted: Vec<f64> = entities
        .iter()
        .map(|e| e["granted"].as_f64().unwrap())
        .collect();
    assert!(close(
        json["reference"]["granted"].as_f64().unwrap(),
        granted.iter().sum::<f64>() / 3.0
    ));
}

#[test]
fn compare_lead_bodies_as_table_and_csv_and_unknown_values() {
    let xlsx = sample("wecare_misura1.xlsx");
    let bodies = "Consorzio Monviso Solidale;Città di Torino – Divisione Servizi Sociali";
    let out = cruscotto(&[
        "compare",
        path(&xlsx),
        "--by",
        "lead_body",
        "--values",
        bodies,
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("Importo concesso"), "{text}");
    assert!(
        text.contains("867.000 €") && text.contains("279.000 €"),
        "{text}"
    );
    assert!(text.contains("Media della selezione"), "{text}");
    assert!(
        !text.contains("€ per residente"),
        "no population for lead bodies: {text}"
    );

    let out = cruscotto(&[
        "compare",
        path(&xlsx),
        "--by",
        "lead_body",
        "--values",
        bodies,
        "--format",
        "csv",
        "--reference",
        "all",
        "--lang",
        "en",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let csv = stdout(&out);
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        ",Consorzio Monviso Solidale,Città di Torino – Divisione Servizi Sociali,All filtered data"
    );
    let granted = csv
        .lines()
        .find(|l| l.starts_with("Amount granted"))
        .unwrap();
    let total: f64 = spec_total("wecare_misura1", "granted");
    assert_eq!(granted, format!("Amount granted,279000,867000,{total}"));

    let out = cruscotto(&[
        "compare",
        path(&xlsx),
        "--by",
        "lead_body",
        "--values",
        "Consorzio Monviso",
    ]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("no project has lead_body = 'Consorzio Monviso'")
            && err.contains("Consorzio Monviso Solidale"),
        "{err}"
    );
    assert_eq!(err.trim().lines().count(), 1);
}

#[test]
fn a_real_category_called_altri_is_a_value_not_a_bucket() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("altri.csv");
    std::fs::write(
        &file,
        "Titolo;Ente capofila;Importo\nA;Altri;1.000\nB;Altri;2.000\nC;;4.000\nD;Comune di Bra;8.000\n",
    )
    .unwrap();
    let json = summary_json(&[
        "summary",
        "--by",
        "lead_body",
        "--format",
        "json",
        path(&file),
    ]);
    let groups = json["groups"].as_array().unwrap();
    let find = |kind: &str, key: &str| {
        groups
            .iter()
            .find(|g| g["kind"] == kind && g["key"] == key)
            .unwrap_or_else(|| panic!("no {kind} group '{key}' in {json}"))
    };
    assert_eq!(find("value", "Altri")["amount"].as_f64(), Some(3000.0));
    assert_eq!(
        find("missing", "(non indicato)")["amount"].as_f64(),
        Some(4000.0)
    );
    // Filtering on the real value keeps its projects only; an empty value selects the missing.
    let only = summary_json(&[
        "summary",
        "--filter",
        "lead_body=Altri",
        "--format",
        "json",
        path(&file),
    ]);
    assert_eq!(only["total_amount"].as_f64(), Some(3000.0));
    let missing = summary_json(&[
        "summary",
        "--filter",
        "lead_body=",
        "--format",
        "json",
        path(&file),
    ]);
    assert_eq!(missing["total_amount"].as_f64(), Some(4000.0));
}

#[test]
fn every_entry_of_the_sample_folder_can_be_given_at_once() {
    // As a shell expands `sample_data/*`: the files, README.md and the `source/` folder of
    // specifications (both skipped).
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_data");
    let mut entries: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path().to_string_lossy().into_owned())
        .collect();
    entries.sort();
    let mut args = vec!["summary", "--format", "json"];
    args.extend(entries.iter().map(String::as_str));
    let json = summary_json(&args);
    // The xlsx and the Parquet of WeCaRe, the csv and the ods of the seeds.
    assert_eq!(json["rows"], 2 * 22 + 2 * 12);
}

#[test]
fn a_file_opened_again_from_the_cache_answers_as_the_first_time() {
    // The answer from the cache is the answer from the file (in CI, a process restoring an
    // entry once lost the names of its categories midway: polars keeps the global names only
    // while something holds them).
    let cache = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_cruscotto"))
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env("LANG", "it_IT.UTF-8")
            .env("XDG_CACHE_HOME", cache.path())
            .args(args)
            .output()
            .expect("the binary runs")
    };
    for file in [
        "progetti_welfare_comunita.ods",
        "progetti_welfare_comunita.csv",
    ] {
        let file = format!("{}/sample_data/{file}", env!("CARGO_MANIFEST_DIR"));
        for by in ["age_groups", "province"] {
            let args = ["summary", file.as_str(), "--by", by];
            let first = run(&args);
            assert!(first.status.success(), "{}", stderr(&first));
            let again = run(&args);
            assert!(again.status.success(), "{}", stderr(&again));
            assert_eq!(stdout(&again), stdout(&first), "{file} by {by}");
        }
    }
}
