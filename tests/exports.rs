//! Exported charts, maps, tables and reports, read back as their users' programs would and
//! checked against numbers computed here from the sample specifications.

mod common;

use std::path::Path;
use std::process::{Command, Output};

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
