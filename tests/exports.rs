//! Exported charts, maps, tables and reports, read back as their users' programs would and
//! checked against numbers computed here from the sample specifications.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use calamine::DataType;
use common::*;
use cruscotto::render::output::{parse, texts};

fn cruscotto(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cruscotto"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn ok(out: Output) -> Output {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn wecare() -> String {
    path(&sample("wecare_misura1.xlsx")).to_string()
}

#[test]
fn chart_svg_has_title_caption_every_category_and_its_amount() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("province.svg");
    ok(cruscotto(&[
        "export-chart",
        &wecare(),
        "--by",
        "province",
        "--top",
        "0",
        "--title",
        "Spesa WeCaRe per provincia",
        "--out",
        path(&out),
    ]));
    let svg = std::fs::read_to_string(&out).unwrap();
    let lines = texts(&parse(&svg).unwrap());
    assert!(lines.contains(&"Spesa WeCaRe per provincia".to_string()));
    assert!(lines.contains(&"Nessun filtro".to_string()), "{lines:?}");
    let by_province = sums_by(
        &spec("wecare_misura1"),
        |r| province_name(r["province"].as_str().unwrap()),
        "granted",
    );
    assert_eq!(by_province.len(), 7);
    for (province, amount) in &by_province {
        assert!(lines.contains(province), "{province} in {lines:?}");
        assert!(
            lines.contains(&euro(*amount)),
            "{} in {lines:?}",
            euro(*amount)
        );
    }
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("Fonte: wecare_misura1.xlsx"))
    );
}

#[test]
fn chart_caption_names_the_filters_in_the_chosen_language() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cuneo.svg");
    ok(cruscotto(&[
        "export-chart",
        &wecare(),
        "--by",
        "lead_body",
        "--filter",
        "province=cuneo",
        "--filter",
        "province=Torino",
        "--lang",
        "en",
        "--out",
        path(&out),
    ]));
    let lines = texts(&parse(&std::fs::read_to_string(&out).unwrap()).unwrap());
    assert!(
        lines.contains(&"Filters: Province = Cuneo or Torino".to_string()),
        "{lines:?}"
    );
    assert!(
        lines.contains(&"Amount by lead body".to_string()),
        "{lines:?}"
    );
    assert!(
        lines.contains(&"Others".to_string()),
        "more than 12 bodies: {lines:?}"
    );
}

#[test]
fn chart_png_has_the_requested_size_and_the_bar_colour() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("province.png");
    ok(cruscotto(&[
        "export-chart",
        &wecare(),
        "--by",
        "province",
        "--width",
        "800",
        "--height",
        "500",
        "--scale",
        "1.5",
        "--out",
        path(&out),
    ]));
    let img = image::open(&out).unwrap().to_rgb8();
    assert_eq!(img.dimensions(), (1200, 750));
    let blue = img.pixels().filter(|p| p.0 == [0, 114, 178]).count();
    assert!(
        blue > 10_000,
        "the bars are drawn in the palette's blue: {blue}"
    );
}

#[test]
fn chart_pdf_is_valid_and_holds_the_title() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("anni.pdf");
    ok(cruscotto(&[
        "export-chart",
        &wecare(),
        "--by",
        "year",
        "--out",
        path(&out),
    ]));
    let bytes = std::fs::read(&out).unwrap();
    let text = pdf_text(&bytes, 1);
    assert!(text.contains("Importo per anno di avvio"), "{text}");
    assert!(text.contains("2018"), "{text}");
}

#[test]
fn exports_refuse_bad_names_and_loaded_sources() {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("progetti.xlsx");
    std::fs::copy(sample("wecare_misura1.xlsx"), &copy).unwrap();
    let before = std::fs::read(&copy).unwrap();
    let out = cruscotto(&[
        "export-chart",
        path(&copy),
        "--by",
        "province",
        "--out",
        path(&copy),
    ]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("loaded as a source"), "{err}");
    assert_eq!(
        std::fs::read(&copy).unwrap(),
        before,
        "the source is untouched"
    );

    let out = cruscotto(&[
        "export-chart",
        path(&copy),
        "--by",
        "province",
        "--out",
        path(&dir.path().join("grafico.docx")),
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && err.contains("choose .svg, .png or .pdf"),
        "{err}"
    );

    let out = cruscotto(&[
        "export-chart",
        path(&copy),
        "--by",
        "province",
        "--out",
        "/nonexistent/folder/grafico.svg",
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && err.contains("/nonexistent/folder/grafico.svg"),
        "{err}"
    );
    assert_eq!(err.trim().lines().count(), 1);
}

#[test]
fn map_has_borders_one_bubble_per_place_and_the_attribution() {
    let dir = tempfile::tempdir().unwrap();
    for (level, expected) in [("province", 7), ("municipality", 22)] {
        let out = dir.path().join(format!("{level}.svg"));
        ok(cruscotto(&[
            "export-map",
            &wecare(),
            "--level",
            level,
            "--out",
            path(&out),
        ]));
        let svg = std::fs::read_to_string(&out).unwrap();
        let doc = resvg::usvg::roxmltree::Document::parse(&svg).unwrap();
        let bubbles: Vec<_> = doc
            .descendants()
            .filter(|n| n.has_tag_name("circle") && n.attribute("class") == Some("bubble"))
            .collect();
        // WeCaRe's 22 lead bodies sit in 7 provinces and 22 municipalities.
        assert_eq!(bubbles.len(), expected, "{level}");
        let borders = doc.descendants().filter(|n| n.has_tag_name("path")).count();
        assert!(borders >= 127, "region and province borders: {borders}");
        let lines = texts(&parse(&svg).unwrap());
        assert!(
            lines
                .iter()
                .any(|l| l.contains("ISTAT, Openpolis (CC BY 4.0)"))
        );
        assert!(
            lines.contains(&"Torino".to_string()),
            "the largest is named"
        );
    }
}

/// The sheets of a workbook as calamine reads them.
fn sheets(path: &Path) -> Vec<(String, calamine::Range<calamine::Data>)> {
    use calamine::Reader;
    let mut book = calamine::open_workbook_auto(path).unwrap();
    book.sheet_names()
        .into_iter()
        .map(|name| {
            let range = book.worksheet_range(&name).unwrap();
            (name, range)
        })
        .collect()
}

fn column_of(range: &calamine::Range<calamine::Data>, header: &str) -> usize {
    range
        .rows()
        .next()
        .unwrap()
        .iter()
        .position(|c| *c == header)
        .unwrap_or_else(|| panic!("no column {header}"))
}

#[test]
fn numbers_by_province_in_xlsx_and_ods_are_numbers_that_match_the_spec() {
    let dir = tempfile::tempdir().unwrap();
    let by_province = sums_by(
        &spec("wecare_misura1"),
        |r| province_name(r["province"].as_str().unwrap()),
        "granted",
    );
    let total: f64 = by_province.values().sum();
    for ext in ["xlsx", "ods"] {
        let out = dir.path().join(format!("province.{ext}"));
        ok(cruscotto(&[
            "export-data",
            &wecare(),
            "--by",
            "province",
            "--out",
            path(&out),
        ]));
        let sheets = sheets(&out);
        assert_eq!(sheets.len(), 2, "{ext}: data and information");
        let (name, data) = &sheets[0];
        assert_eq!(name, "Importo per provincia");
        let amount = column_of(data, "Importo (concesso, o spesa)");
        let share = column_of(data, "Quota del totale (%)");
        let mut seen = 0;
        for row in data.rows().skip(1) {
            let province = row[0].to_string();
            let calamine::Data::Float(value) = row[amount] else {
                panic!(
                    "{ext}: {province}'s amount is not a number: {:?}",
                    row[amount]
                );
            };
            assert!(close(value, by_province[&province]), "{ext} {province}");
            let calamine::Data::Float(s) = row[share] else {
                panic!("{ext}: share is not a number");
            };
            assert!((s - by_province[&province] / total).abs() < 1e-9);
            seen += 1;
        }
        assert_eq!(seen, by_province.len());
        let (info_name, info) = &sheets[1];
        assert_eq!(info_name, "Informazioni");
        let items: Vec<String> = info.rows().map(|r| r[0].to_string()).collect();
        for item in [
            "Titolo",
            "Filtri",
            "Fonti",
            "Mappatura delle colonne",
            "Esportato",
        ] {
            assert!(
                items.contains(&item.to_string()),
                "{ext}: {item} in {items:?}"
            );
        }
    }
}

#[test]
fn projects_export_keeps_types_accents_and_text_that_looks_like_a_formula() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("progetti.csv");
    std::fs::write(
        &input,
        "Codice;Titolo;Provincia;Importo;Data avvio\n\
         P1;=HYPERLINK(\"http://x\");Cuneo;1.000,50;01/02/2019\n\
         P2;-5 anni di attività;Torino;2.000;15/03/2020\n\
         P3;@Città più giusta;Asti;3.000;\n\
         P4;+39 servizi;Biella;4.000;01/01/2021\n",
    )
    .unwrap();
    let xlsx = dir.path().join("progetti.xlsx");
    ok(cruscotto(&[
        "export-data",
        path(&input),
        "--out",
        path(&xlsx),
    ]));
    let book = sheets(&xlsx);
    let (_, data) = &book[0];
    let title = column_of(data, "Titolo");
    let amount = column_of(data, "Importo concesso");
    let start = column_of(data, "Data avvio");
    let rows: Vec<_> = data.rows().skip(1).collect();
    assert_eq!(rows.len(), 4);
    let titles: Vec<String> = rows.iter().map(|r| r[title].to_string()).collect();
    assert_eq!(
        titles,
        [
            "=HYPERLINK(\"http://x\")",
            "-5 anni di attività",
            "@Città più giusta",
            "+39 servizi"
        ]
    );
    for r in &rows {
        assert!(
            matches!(r[title], calamine::Data::String(_)),
            "text stays text"
        );
        assert!(
            matches!(r[amount], calamine::Data::Float(_)),
            "{:?}",
            r[amount]
        );
    }
    assert_eq!(rows[0][amount], calamine::Data::Float(1000.5));
    let calamine::Data::DateTime(d) = &rows[0][start] else {
        panic!("a date cell: {:?}", rows[0][start]);
    };
    assert_eq!(d.as_datetime().unwrap().date().to_string(), "2019-02-01");
    assert_eq!(rows[2][start], calamine::Data::Empty);

    // ODS: the same types and text.
    let ods = dir.path().join("progetti.ods");
    ok(cruscotto(&[
        "export-data",
        path(&input),
        "--out",
        path(&ods),
    ]));
    let sheets_ods = sheets(&ods);
    let data = &sheets_ods[0].1;
    let rows: Vec<_> = data.rows().skip(1).collect();
    assert_eq!(
        rows[2][title],
        calamine::Data::String("@Città più giusta".into())
    );
    assert_eq!(rows[0][title].to_string(), "=HYPERLINK(\"http://x\")");
    assert_eq!(rows[1][amount], calamine::Data::Float(2000.0));
    assert_eq!(
        rows[0][start].as_date(),
        chrono::NaiveDate::from_ymd_opt(2019, 2, 1)
    );

    // CSV, UTF-8 with BOM: the same text, formulas neutralised with a leading apostrophe.
    let csv = dir.path().join("progetti_export.csv");
    ok(cruscotto(&[
        "export-data",
        path(&input),
        "--out",
        path(&csv),
    ]));
    let bytes = std::fs::read(&csv).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    assert!(
        text.contains(",\"'=HYPERLINK(\"\"http://x\"\")\","),
        "{text}"
    );
    assert!(text.contains("'-5 anni di attività"));
    assert!(text.contains("'@Città più giusta"));
    assert!(text.contains("1000.50"), "{text}");
    assert!(text.contains("2019-02-01"), "{text}");

    // "Excel italiano": Windows-1252, `;`, decimal comma, dd/mm/yyyy.
    let it = dir.path().join("progetti_it.csv");
    ok(cruscotto(&[
        "export-data",
        path(&input),
        "--excel-it",
        "--out",
        path(&it),
    ]));
    let bytes = std::fs::read(&it).unwrap();
    let (text, _, had_errors) = encoding_rs::WINDOWS_1252.decode(&bytes);
    assert!(!had_errors);
    assert!(text.contains(";'@Città più giusta;"), "{text}");
    assert!(text.contains(";1000,50;"), "{text}");
    assert!(text.contains(";01/02/2019;"), "{text}");
}

#[test]
fn excel_italian_csv_refuses_characters_windows_1252_lacks() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("progetti.csv");
    std::fs::write(&input, "Codice;Titolo;Importo\nP1;Współpraca Łódź;1000\n").unwrap();
    let out = dir.path().join("uscita.csv");
    let result = cruscotto(&[
        "export-data",
        path(&input),
        "--excel-it",
        "--out",
        path(&out),
    ]);
    assert!(!result.status.success());
    let err = String::from_utf8_lossy(&result.stderr);
    assert!(
        err.contains("Windows-1252 cannot hold") && err.contains("'Ł'"),
        "{err}"
    );
    assert!(!out.exists(), "nothing half-written remains");
    // UTF-8 holds them.
    ok(cruscotto(&[
        "export-data",
        path(&input),
        "--out",
        path(&out),
    ]));
    assert!(
        std::fs::read_to_string(&out)
            .unwrap()
            .contains("Współpraca Łódź")
    );
}

#[test]
fn report_is_a_three_page_pdf_with_the_filtered_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.pdf");
    let ods = sample("progetti_welfare_comunita.ods");
    ok(cruscotto(&[
        "report",
        &wecare(),
        path(&ods),
        "--filter",
        "programme=WeCaRe Misura 1",
        "--lang",
        "en",
        "--out",
        path(&out),
    ]));
    let bytes = std::fs::read(&out).unwrap();
    let doc = lopdf::Document::load_mem(&bytes).unwrap();
    assert_eq!(doc.get_pages().len(), 3);
    let first = pdf_text(&bytes, 1);
    let wecare_total: f64 = spec_total("wecare_misura1", "granted");
    assert!(first.contains("Dashboard report"), "{first}");
    assert!(
        first.contains("Filters: Programme = WeCaRe Misura 1"),
        "{first}"
    );
    assert!(first.contains(&euro(wecare_total)), "{first}");
    let third = pdf_text(&bytes, 3);
    assert!(third.contains("Amount by lead body"), "{third}");
}

/// A view of the two sample files copied into `dir/dati`, filtered on Cuneo and Torino.
fn sample_view(dir: &Path) -> std::path::PathBuf {
    let data = dir.join("dati");
    std::fs::create_dir_all(&data).unwrap();
    for name in ["wecare_misura1.xlsx", "progetti_welfare_comunita.ods"] {
        std::fs::copy(sample(name), data.join(name)).unwrap();
    }
    let view = dir.join("vista.json");
    std::fs::write(
        &view,
        r#"{
          "version": 1,
          "sources": [{"path": "dati/wecare_misura1.xlsx"}, {"path": "dati/progetti_welfare_comunita.ods"}],
          "filters": {"values": {"province": ["Cuneo", "Torino"]}, "years": null, "text": ""},
          "tab": "Explore",
          "explore": {"dimension": {"Field": "lead_body"}, "measure": "Count", "split": null,
                      "stacked": true, "orientation": "Horizontal", "sort": "Value", "top_n": 10},
          "map_level": "provinces",
          "target_dimension": "age_groups"
        }"#,
    )
    .unwrap();
    view
}

#[test]
fn render_view_writes_every_chart_and_table_with_the_view_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let view = sample_view(dir.path());
    let out_dir = dir.path().join("uscita");
    let out = ok(cruscotto(&[
        "render-view",
        path(&view),
        "--out-dir",
        path(&out_dir),
        "--format",
        "svg",
    ]));
    let listed = String::from_utf8(out.stdout).unwrap();
    assert_eq!(listed.lines().count(), 14, "{listed}");
    for name in [
        "importo_per_provincia.svg",
        "importo_per_provincia.xlsx",
        "numero_di_progetti_per_ente_capofila.svg",
        "importo_per_provincia_mappa.svg",
        "progetti.xlsx",
        "report_del_cruscotto.pdf",
    ] {
        assert!(out_dir.join(name).exists(), "{name} in {listed}");
    }
    // The province table holds exactly the view's provinces, with the spec's amounts.
    let wecare = sums_by(
        &spec("wecare_misura1"),
        |r| province_name(r["province"].as_str().unwrap()),
        "granted",
    );
    let seeds = sums_by(
        &spec("progetti_welfare_comunita"),
        // "Italia, Piemonte, Torino, Rivoli": the province is the third step of the path.
        |r| {
            r["territory"]
                .as_str()
                .unwrap()
                .split(", ")
                .nth(2)
                .unwrap()
                .to_string()
        },
        "amount",
    );
    let by_view = sheets(&out_dir.join("importo_per_provincia.xlsx"));
    let rows: Vec<(String, f64)> = by_view[0]
        .1
        .rows()
        .skip(1)
        .map(|r| (r[0].to_string(), r[1].as_f64().unwrap()))
        .collect();
    assert_eq!(rows.len(), 2);
    for (province, amount) in rows {
        let expected = wecare.get(&province).copied().unwrap_or(0.0)
            + seeds.get(&province).copied().unwrap_or(0.0);
        assert!(
            close(amount, expected),
            "{province}: {amount} vs {expected}"
        );
    }
    // The same view applied to another file (the Parquet copy of WeCaRe): its numbers.
    let other = dir.path().join("altro");
    ok(cruscotto(&[
        "render-view",
        path(&view),
        path(&sample("wecare_misura1.parquet")),
        "--out-dir",
        path(&other),
        "--format",
        "svg",
    ]));
    let on_parquet = sheets(&other.join("importo_per_provincia.xlsx"));
    let torino = on_parquet[0].1.rows().find(|r| r[0] == "Torino").unwrap()[1]
        .as_f64()
        .unwrap();
    assert!(close(torino, wecare["Torino"]));
}

#[test]
fn a_view_naming_a_missing_file_or_value_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let view = sample_view(dir.path());
    std::fs::remove_file(dir.path().join("dati/wecare_misura1.xlsx")).unwrap();
    let out = cruscotto(&[
        "render-view",
        path(&view),
        "--out-dir",
        path(&dir.path().join("o")),
    ]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("do not exist") && err.contains("wecare_misura1.xlsx"),
        "{err}"
    );
    // On a file without Cuneo: the run goes on and warns about the value.
    let out = ok(cruscotto(&[
        "render-view",
        path(&view),
        path(&sample("progetti_welfare_comunita.ods")),
        "--out-dir",
        path(&dir.path().join("o")),
        "--format",
        "svg",
    ]));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !err.contains("'Cuneo'") && !err.contains("'Torino'"),
        "{err}"
    );
    let mut text = std::fs::read_to_string(&view).unwrap();
    text = text.replace("\"Cuneo\"", "\"Atlantide\"");
    std::fs::write(&view, text).unwrap();
    let out = ok(cruscotto(&[
        "report",
        path(&sample("progetti_welfare_comunita.ods")),
        "--view",
        path(&view),
        "--out",
        path(&dir.path().join("r.pdf")),
    ]));
    let _ = out;
    let out = ok(cruscotto(&[
        "render-view",
        path(&view),
        path(&sample("progetti_welfare_comunita.ods")),
        "--out-dir",
        path(&dir.path().join("o2")),
        "--format",
        "svg",
    ]));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("province = 'Atlantide'"), "{err}");
}
