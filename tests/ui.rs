//! The real window, driven with egui_kittest: start on the sample, read KPIs, filter by clicking,
//! cross-filter from a chart, switch tabs and language, open a project card, and compare every
//! tab with a snapshot image.

mod common;

use std::time::Duration;

use common::{euro, spec, spec_total};
use cruscotto::app::CruscottoApp;
use cruscotto::app::settings::Settings;
use eframe::egui;
use egui_kittest::kittest::Queryable;
use egui_kittest::{Harness, SnapshotOptions};

fn wait_idle(h: &mut Harness<'_, CruscottoApp>) {
    for _ in 0..3000 {
        h.step();
        if h.state().is_idle() {
            h.run_steps(4);
            return;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    panic!("the dashboard did not become ready");
}

/// The tab button (the first node with that label: tabs come before the KPI cards).
fn tab_button<'h>(h: &'h Harness<'_, CruscottoApp>, label: &'h str) -> egui_kittest::Node<'h> {
    h.query_all_by_label(label)
        .next()
        .expect("a tab with that label")
}

fn wait_for_error(h: &mut Harness<'_, CruscottoApp>) {
    for _ in 0..500 {
        h.step();
        if !h.state().state.errors.is_empty() {
            h.run_steps(3);
            return;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    panic!("no error was shown");
}

fn app() -> Harness<'static, CruscottoApp> {
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .build_eframe(|cc| {
            CruscottoApp::with_settings(&cc.egui_ctx, Settings::default(), Vec::new())
        });
    wait_idle(&mut h);
    h
}

/// The amount of the sample projects in the province of Cuneo, from the specifications.
fn cuneo_total() -> f64 {
    let wecare: f64 = spec("wecare_misura1")
        .iter()
        .filter(|r| r["province"] == "CN")
        .map(|r| r["granted"].as_f64().unwrap())
        .sum();
    let seeds: f64 = spec("progetti_welfare_comunita")
        .iter()
        .filter(|r| r["territory"].as_str().unwrap().ends_with("Cuneo"))
        .filter_map(|r| r["amount"].as_f64())
        .sum();
    wecare + seeds
}

fn total_of_samples() -> f64 {
    let wecare: f64 = spec_total("wecare_misura1", "granted");
    wecare + spec_total("progetti_welfare_comunita", "amount")
}

#[test]
fn starts_on_the_sample_with_its_total() {
    let h = app();
    h.get_by_label(&euro(total_of_samples()));
    h.get_by_label("Panoramica");
    h.get_by_label("Nessun filtro attivo");
    // Charts and icon buttons have accessible names.
    h.get_by_label("Importo per provincia (Clic su una barra per filtrare)");
    h.get_by_label("Rimuovi fonte wecare_misura1.xlsx › WeCaRe Misura 1");
}

#[test]
fn clicking_a_programme_filter_changes_the_kpis() {
    let mut h = app();
    h.get_by_label("WeCaRe Misura 1 (22)").click();
    wait_idle(&mut h);
    let wecare: f64 = spec_total("wecare_misura1", "granted");
    h.get_by_label(&euro(wecare));
    h.get_by_label("1 filtro attivo");
    // Both the side panel and the chip row offer it.
    assert_eq!(h.query_all_by_label("Azzera filtri").count(), 2);
    h.query_all_by_label("Azzera filtri")
        .next()
        .unwrap()
        .click();
    wait_idle(&mut h);
    h.get_by_label(&euro(total_of_samples()));
}

#[test]
fn clicking_a_bar_cross_filters_by_province() {
    let mut h = app();
    let centre = h.state().state.bar_centres["chart_province"]
        .iter()
        .find(|(name, _)| name == "Cuneo")
        .map(|(_, pos)| *pos)
        .expect("a bar for Cuneo");
    h.hover_at(centre);
    h.step();
    h.drag_at(centre);
    h.step();
    h.drop_at(centre);
    wait_idle(&mut h);
    h.get_by_label(&euro(cuneo_total()));
    assert!(
        h.state()
            .state
            .settings
            .filters
            .is_selected("province", &cruscotto::query::Key::value("Cuneo"))
    );
}

#[test]
fn tabs_language_and_project_card() {
    let mut h = app();
    tab_button(&h, "Progetti").click();
    wait_idle(&mut h);
    h.get_by_label("Talenti Latenti - Rete per un Welfare di Comunità")
        .click();
    h.run_steps(4);
    h.get_by_label("Scheda intervento: INT-36-2021");
    // In the table row and in the card.
    assert_eq!(h.query_all_by_label("ASLCN2 Alba-Bra").count(), 2);
    assert_eq!(h.query_all_by_label("01/01/2016 – 22/04/2021").count(), 2);
    h.get_by_label("Italia, Piemonte, Cuneo");
    h.get_by_label("Età adulta, Età senile");
    h.get_by_label("EN").click();
    h.run_steps(4);
    h.get_by_label("Projects");
    h.get_by_label("Project card: INT-36-2021");
    tab_button(&h, "Overview").click();
    wait_idle(&mut h);
    h.get_by_label("Amount by programme");
}

fn snapshot_tab(tab: &str, name: &str) {
    snapshot_after(tab, name, &[]);
}

/// A snapshot of `tab` after clicking the controls labelled `clicks`, in order.
fn snapshot_after(tab: &str, name: &str, clicks: &[&str]) {
    let mut h = app();
    if tab != "Panoramica" {
        tab_button(&h, tab).click();
        wait_idle(&mut h);
    }
    for label in clicks {
        h.get_by_label(label).click();
        wait_idle(&mut h);
    }
    snapshot_now(&mut h, name);
}

/// Compares the window as it is with snapshot `name` (timings, which differ run to run, hidden).
fn snapshot_now(h: &mut Harness<'_, CruscottoApp>, name: &str) {
    h.remove_cursor();
    h.run_steps(4);
    let mut rects: Vec<egui::Rect> = h
        .query_all_by_label_contains("caricati in")
        .chain(h.query_all_by_label_contains("calcolo"))
        .map(|node| node.rect())
        .collect();
    // A load under way: its elapsed time, and the spinner or bar before it.
    rects.extend(h.query_all_by_label_contains("Caricamento…").map(|node| {
        let rect = node.rect();
        egui::Rect::from_min_max(rect.min - egui::vec2(160.0, 0.0), rect.max)
    }));
    for rect in rects {
        h.mask(rect.expand(2.0));
    }
    let options = SnapshotOptions::new()
        .threshold(1.5)
        .max_failed_pixels(2500);
    h.snapshot_options(name, &options);
}

#[test]
fn snapshot_overview() {
    snapshot_tab("Panoramica", "overview");
}

#[test]
fn snapshot_explore() {
    snapshot_tab("Esplora", "explore");
}

#[test]
fn snapshot_territory() {
    snapshot_tab("Territorio", "territory");
}

#[test]
fn snapshot_territory_municipalities() {
    snapshot_after("Territorio", "territory_municipalities", &["Comuni"]);
}

#[test]
fn snapshot_projects() {
    snapshot_tab("Progetti", "projects");
}

#[test]
fn a_bad_file_shows_a_readable_error_and_keeps_the_data() {
    let mut h = app();
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("rotto.xlsx");
    std::fs::write(&bad, b"PK\x03\x04 not really a workbook").unwrap();
    h.state_mut()
        .apply(cruscotto::app::Intent::AddFiles(vec![bad.clone()]));
    wait_for_error(&mut h);
    h.get_by_label("Non riesco ad aprire il file");
    assert!(h.query_all_by_label_contains("rotto.xlsx").count() >= 1);
    // The data already loaded stays.
    h.get_by_label(&euro(total_of_samples()));
    h.get_by_label("Chiudi messaggio").click();
    h.run_steps(4);
    assert!(h.query_by_label("Non riesco ad aprire il file").is_none());
}

#[test]
fn cross_filter_shows_a_chip_that_undoes_it() {
    let mut h = app();
    h.get_by_label("Cuneo (6)").click();
    wait_idle(&mut h);
    h.get_by_label("Provincia: Cuneo  ×").click();
    wait_idle(&mut h);
    h.get_by_label(&euro(total_of_samples()));
    h.get_by_label("Nessun filtro attivo");
}

#[test]
fn settings_survive_a_round_trip() {
    let mut settings = Settings::default();
    settings
        .filters
        .toggle("province", cruscotto::query::Key::value("Cuneo"));
    settings.lang = cruscotto::i18n::Lang::En;
    settings.remember(&["/dati/a.xlsx".into(), "/dati/b.csv".into()]);
    let json = serde_json::to_string(&settings).unwrap();
    let back: Settings = serde_json::from_str(&json).unwrap();
    assert_eq!(back, settings);
    assert_eq!(back.recent[0], std::path::PathBuf::from("/dati/a.xlsx"));
    // Started with these settings, the window is in English and filtered.
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .build_eframe(move |cc| {
            CruscottoApp::with_settings(&cc.egui_ctx, back.clone(), Vec::new())
        });
    wait_idle(&mut h);
    h.get_by_label("Overview");
    h.get_by_label("Province: Cuneo  ×");
}

#[test]
fn removing_a_source_drops_its_projects() {
    let mut h = app();
    h.get_by_label("Rimuovi fonte progetti_welfare_comunita.ods › Schede intervento")
        .click();
    wait_idle(&mut h);
    h.get_by_label(&euro(spec_total("wecare_misura1", "granted")));
    assert_eq!(h.state().state.dataset.as_ref().unwrap().sources.len(), 1);
}

#[test]
fn choosing_a_sheet_without_a_table_says_so() {
    let mut h = app();
    h.get_by_label("Foglio wecare_misura1.xlsx › WeCaRe Misura 1")
        .click();
    h.run_steps(3);
    h.get_by_label("Note").click();
    wait_for_error(&mut h);
    let error = &h.state().state.errors[0];
    assert!(
        error.contains("il foglio 'Note' non contiene una tabella"),
        "{error}"
    );
    assert!(error.contains("wecare_misura1.xlsx"), "{error}");
    h.get_by_label("Non riesco ad aprire il file");
}

#[test]
fn opening_only_bad_files_leaves_a_clear_empty_state() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("vuoto.csv");
    std::fs::write(&bad, b"").unwrap();
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .build_eframe(move |cc| {
            CruscottoApp::with_settings(&cc.egui_ctx, Settings::default(), vec![bad.clone()])
        });
    wait_for_error(&mut h);
    assert!(
        h.query_all_by_label_contains("vuoto.csv: il file è vuoto")
            .count()
            >= 1
    );
    h.get_by_label("Nessun dato caricato: apri un file (Ctrl+O) o trascinalo nella finestra.");
}

#[test]
fn clicking_a_bubble_filters_by_its_province() {
    let mut h = app();
    tab_button(&h, "Territorio").click();
    wait_idle(&mut h);
    let centre = h.state().state.bar_centres["territory_map"]
        .iter()
        .find(|(name, _)| name == "Torino")
        .map(|(_, pos)| *pos)
        .expect("a bubble for Torino");
    h.hover_at(centre);
    h.step();
    h.drag_at(centre);
    h.step();
    h.drop_at(centre);
    wait_idle(&mut h);
    assert!(
        h.state()
            .state
            .settings
            .filters
            .is_selected("province", &cruscotto::query::Key::value("Torino"))
    );
    let wecare: f64 = spec("wecare_misura1")
        .iter()
        .filter(|r| r["province"] == "TO")
        .map(|r| r["granted"].as_f64().unwrap())
        .sum();
    let seeds: f64 = spec("progetti_welfare_comunita")
        .iter()
        .filter(|r| {
            r["territory"]
                .as_str()
                .unwrap()
                .starts_with("Italia, Piemonte, Torino")
        })
        .filter_map(|r| r["amount"].as_f64())
        .sum();
    tab_button(&h, "Panoramica").click();
    wait_idle(&mut h);
    h.get_by_label(&euro(wecare + seeds));
}

#[test]
fn the_map_switches_to_municipalities_and_a_bubble_filters_by_its_municipality() {
    let mut h = app();
    tab_button(&h, "Territorio").click();
    wait_idle(&mut h);
    h.get_by_label("Importo per provincia");
    h.get_by_label("Comuni").click();
    h.run_steps(3);
    assert!(h.state().state.settings.map_municipalities);
    h.get_by_label("Importo per comune");
    // One bubble per seat municipality of the sample: 22 WeCaRe seats plus Collegno and
    // Grugliasco from the welfare projects (Rivoli is in both).
    let seats: std::collections::BTreeSet<String> = spec("wecare_misura1")
        .iter()
        .map(|r| r["seat"].as_str().unwrap().to_string())
        .chain(["Collegno".to_string(), "Grugliasco".to_string()])
        .collect();
    let bubbles: std::collections::BTreeSet<String> = h.state().state.bar_centres["territory_map"]
        .iter()
        .map(|(name, _)| name.clone())
        .collect();
    assert_eq!(bubbles, seats);
    let centre = h.state().state.bar_centres["territory_map"]
        .iter()
        .find(|(name, _)| name == "Bra")
        .map(|(_, pos)| *pos)
        .expect("a bubble for Bra");
    h.hover_at(centre);
    h.step();
    h.drag_at(centre);
    h.step();
    h.drop_at(centre);
    wait_idle(&mut h);
    assert!(
        h.state()
            .state
            .settings
            .filters
            .is_selected("municipality", &cruscotto::query::Key::value("Bra"))
    );
    let bra: f64 = spec("wecare_misura1")
        .iter()
        .filter(|r| r["seat"] == "Bra")
        .map(|r| r["granted"].as_f64().unwrap())
        .sum();
    tab_button(&h, "Panoramica").click();
    wait_idle(&mut h);
    // Granted total and median grant of the one project.
    assert_eq!(h.query_all_by_label(&euro(bra)).count(), 2);
    // And back to provinces.
    tab_button(&h, "Territorio").click();
    wait_idle(&mut h);
    h.get_by_label("Province").click();
    h.run_steps(3);
    assert!(!h.state().state.settings.map_municipalities);
}

/// The window on the sample, with file dialogs that save into `dir` under the suggested name.
fn app_saving_to(dir: &std::path::Path, pixels_per_point: f32) -> Harness<'static, CruscottoApp> {
    let dialogs = std::sync::Arc::new(cruscotto::app::dialogs::FixedDialogs {
        dir: dir.to_path_buf(),
        open: Vec::new(),
    });
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .with_pixels_per_point(pixels_per_point)
        .build_eframe(move |cc| {
            CruscottoApp::with_settings(&cc.egui_ctx, Settings::default(), Vec::new())
                .with_dialogs(dialogs.clone())
        });
    wait_idle(&mut h);
    h
}

/// Steps until a notice appears; returns its text.
fn wait_for_notice(h: &mut Harness<'_, CruscottoApp>) -> String {
    for _ in 0..3000 {
        h.step();
        if let Some(n) = h.state().state.notices.first() {
            let text = n.text.clone();
            h.run_steps(2);
            return text;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    panic!("no notice was shown");
}

#[test]
fn save_image_writes_the_chart_as_it_is_on_screen() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = app_saving_to(dir.path(), 2.0);
    let rect = h.state().state.chart_rects[&cruscotto::app::charts::ChartId::Province];
    h.get_by_label("Menu del grafico: Importo per provincia")
        .click();
    h.run_steps(2);
    h.get_by_label("Salva immagine (PNG)…").click();
    let notice = wait_for_notice(&mut h);
    let path = dir.path().join("importo_per_provincia.png");
    assert!(notice.contains("importo_per_provincia.png"), "{notice}");
    let img = image::open(&path).unwrap().to_rgb8();
    // The chart's size in points times the pixel density.
    let expected = (
        (rect.width() * 2.0).round() as i64,
        (rect.height() * 2.0).round() as i64,
    );
    let got = (img.width() as i64, img.height() as i64);
    assert!(
        (got.0 - expected.0).abs() <= 1 && (got.1 - expected.1).abs() <= 1,
        "{got:?} vs {expected:?}"
    );
    // Not blank, and the bars in the palette's blue.
    let blue = img.pixels().filter(|p| p.0 == [0, 114, 178]).count();
    assert!(blue > 2_000, "bar colour present: {blue}");
    let distinct: std::collections::HashSet<[u8; 3]> = img.pixels().map(|p| p.0).collect();
    assert!(distinct.len() > 20, "a drawing, not a flat image");
}

#[test]
fn right_click_copies_the_chart_image() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = app_saving_to(dir.path(), 1.0);
    let rect = h.state().state.chart_rects[&cruscotto::app::charts::ChartId::Programme];
    h.get_by_label("Importo per programma (Clic su una barra per filtrare)")
        .click_secondary();
    h.run_steps(2);
    h.get_by_label("Copia immagine").click();
    let mut copied = None;
    for _ in 0..50 {
        h.step();
        copied = h
            .output()
            .platform_output
            .commands
            .iter()
            .find_map(|c| match c {
                egui::OutputCommand::CopyImage(image) => Some(image.size),
                _ => None,
            });
        if copied.is_some() {
            break;
        }
    }
    let size = copied.expect("the image went to the clipboard");
    assert_eq!(size[0], rect.width().round() as usize);
    h.run_steps(2);
    h.get_by_label_contains("Immagine copiata negli appunti");
}

#[test]
fn chart_data_and_picture_exports_from_the_window() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = app_saving_to(dir.path(), 1.0);
    // The numbers behind the province chart, every province, as a workbook.
    h.get_by_label("Menu del grafico: Importo per provincia")
        .click();
    h.run_steps(2);
    h.get_by_label("Esporta dati…").click();
    wait_for_notice(&mut h);
    let xlsx = dir.path().join("importo_per_provincia.xlsx");
    use calamine::Reader;
    let mut book = calamine::open_workbook_auto(&xlsx).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let cuneo = sheet
        .rows()
        .find(|r| r[0] == "Cuneo")
        .expect("a row for Cuneo");
    assert_eq!(cuneo[1], calamine::Data::Float(cuneo_total()));
    h.get_by_label("Chiudi messaggio").click();
    h.run_steps(2);

    // A report-quality picture: the dialog, then the file at 1600 × 900 × 2.
    h.get_by_label("Menu del grafico: Importo per provincia")
        .click();
    h.run_steps(2);
    h.get_by_label("Esporta grafico…").click();
    h.run_steps(4);
    h.get_by_label("Esporta…").click();
    wait_for_notice(&mut h);
    let png = image::open(dir.path().join("importo_per_provincia.png")).unwrap();
    assert_eq!((png.width(), png.height()), (3200, 1800));
}

#[test]
fn projects_table_exports_its_columns() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = app_saving_to(dir.path(), 1.0);
    tab_button(&h, "Progetti").click();
    wait_idle(&mut h);
    // Amounts are right-aligned euro cells.
    h.get_by_label("€ 867.000,00");
    h.get_by_label("Esporta progetti…").click();
    wait_for_notice(&mut h);
    use calamine::Reader;
    let mut book = calamine::open_workbook_auto(dir.path().join("progetti.xlsx")).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let header: Vec<String> = sheet
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(
        header,
        [
            "Codice",
            "Titolo",
            "Importo concesso",
            "Spesa",
            "Ente capofila",
            "Provincia",
            "Data avvio",
            "Data conclusione",
            "Programma",
            "Comune"
        ]
    );
    assert_eq!(sheet.rows().count(), 35, "34 projects and the header");
}

#[test]
fn card_and_report_export_as_pdf() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = app_saving_to(dir.path(), 1.0);
    tab_button(&h, "Progetti").click();
    wait_idle(&mut h);
    h.get_by_label("Talenti Latenti - Rete per un Welfare di Comunità")
        .click();
    h.run_steps(4);
    h.get_by_label("Esporta scheda (PDF)…").click();
    wait_for_notice(&mut h);
    let bytes = std::fs::read(dir.path().join("scheda_int_36_2021.pdf")).unwrap();
    let text = common::pdf_text(&bytes, 1);
    for expected in [
        "Scheda intervento: INT-36-2021",
        "Talenti Latenti - Rete per un Welfare di Comunità",
        "01/01/2016 – 22/04/2021",
        "Territorio di attuazione:",
        "Italia, Piemonte, Cuneo",
        "€ 488.100,00",
    ] {
        assert!(text.contains(expected), "{expected} in {text}");
    }
    h.get_by_label("Chiudi messaggio").click();
    h.run_steps(2);

    h.get_by_label("Esporta").click();
    h.run_steps(2);
    h.get_by_label("Esporta report (PDF)…").click();
    wait_for_notice(&mut h);
    let bytes = std::fs::read(dir.path().join("report_del_cruscotto.pdf")).unwrap();
    let doc = lopdf::Document::load_mem(&bytes).unwrap();
    assert_eq!(doc.get_pages().len(), 3);
    let first = common::pdf_text(&bytes, 1);
    assert!(first.contains("Report del cruscotto"), "{first}");
    assert!(first.contains(&euro(total_of_samples())), "{first}");
    assert!(first.contains("Nessun filtro"), "{first}");
}

/// The window on the sample whose "open" dialogs answer `open`.
fn app_opening(
    dir: &std::path::Path,
    open: Vec<std::path::PathBuf>,
) -> Harness<'static, CruscottoApp> {
    let dialogs = std::sync::Arc::new(cruscotto::app::dialogs::FixedDialogs {
        dir: dir.to_path_buf(),
        open,
    });
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .build_eframe(move |cc| {
            CruscottoApp::with_settings(&cc.egui_ctx, Settings::default(), Vec::new())
                .with_dialogs(dialogs.clone())
        });
    wait_idle(&mut h);
    h
}

fn open_view(h: &mut Harness<'_, CruscottoApp>, item: &str) {
    h.get_by_label("Viste").click();
    h.run_steps(2);
    h.get_by_label(item).click();
    for _ in 0..200 {
        h.step();
        std::thread::sleep(Duration::from_millis(5));
    }
    wait_idle(h);
}

#[test]
fn a_saved_view_reopens_with_the_same_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let view = dir.path().join("vista.json");
    let mut h = app_opening(dir.path(), vec![view.clone()]);
    h.get_by_label("WeCaRe Misura 1 (22)").click();
    wait_idle(&mut h);
    tab_button(&h, "Territorio").click();
    wait_idle(&mut h);
    h.get_by_label("Viste").click();
    h.run_steps(2);
    h.get_by_label("Salva vista…").click();
    wait_for_notice(&mut h);
    let text = std::fs::read_to_string(&view).unwrap();
    assert!(
        text.contains("\"version\": 1") && text.contains("WeCaRe Misura 1"),
        "{text}"
    );

    // A fresh window opens the view: same sources, filter, tab and total.
    let mut fresh = app_opening(dir.path(), vec![view.clone()]);
    open_view(&mut fresh, "Apri vista…");
    let wecare: f64 = spec_total("wecare_misura1", "granted");
    assert_eq!(
        fresh.state().state.settings.tab,
        cruscotto::app::settings::Tab::Territory
    );
    fresh.get_by_label("Programma: WeCaRe Misura 1  ×");
    assert_eq!(
        fresh.state().state.dashboard.as_ref().unwrap().kpis.granted,
        wecare
    );
}

#[test]
fn a_view_value_the_data_lacks_stays_visible_and_marked() {
    let dir = tempfile::tempdir().unwrap();
    let view = dir.path().join("vista.json");
    let mut h = app_opening(dir.path(), vec![view.clone()]);
    h.get_by_label("Viste").click();
    h.run_steps(2);
    h.get_by_label("Salva vista…").click();
    wait_for_notice(&mut h);
    let mut json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&view).unwrap()).unwrap();
    json["filters"]["values"]["province"] = serde_json::json!(["Atlantide"]);
    std::fs::write(&view, json.to_string()).unwrap();
    open_view(&mut h, "Applica vista ai dati aperti…");
    h.get_by_label("Provincia: Atlantide (assente nei dati)  ×");
    assert_eq!(h.state().state.dashboard.as_ref().unwrap().kpis.projects, 0);

    // A view naming a file that is gone says which.
    json["sources"] = serde_json::json!([{"path": "marzo/progetti.xlsx"}]);
    std::fs::write(&view, json.to_string()).unwrap();
    h.state_mut().state.notices.clear();
    open_view(&mut h, "Apri vista…");
    let notice = h.state().state.notices.last().unwrap().text.clone();
    assert!(
        notice.contains("do not exist") && notice.contains("marzo/progetti.xlsx"),
        "{notice}"
    );
}

/// A right click at `pos` (press and release of the secondary button).
fn right_click_at(h: &mut Harness<'_, CruscottoApp>, pos: egui::Pos2) {
    h.hover_at(pos);
    h.step();
    for pressed in [true, false] {
        h.event(egui::Event::PointerButton {
            pos,
            button: egui::PointerButton::Secondary,
            pressed,
            modifiers: egui::Modifiers::NONE,
        });
        h.step();
    }
    h.run_steps(2);
}

fn bar_centre(h: &Harness<'_, CruscottoApp>, chart: &str, name: &str) -> egui::Pos2 {
    h.state().state.bar_centres[chart]
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, pos)| *pos)
        .unwrap_or_else(|| panic!("a bar for {name} in {chart}"))
}

#[test]
fn compare_lead_bodies_picked_from_the_list() {
    let mut h = app();
    tab_button(&h, "Confronta").click();
    wait_idle(&mut h);
    h.get_by_label("Consorzio Ovest Solidale (7)").click();
    wait_idle(&mut h);
    h.get_by_label("Città di Torino – Divisione Servizi Sociali (1)")
        .click();
    wait_idle(&mut h);
    assert_eq!(
        h.state().state.settings.compare.entities,
        [
            "Consorzio Ovest Solidale",
            "Città di Torino – Divisione Servizi Sociali"
        ]
    );
    // Amounts computed from the specifications: WeCaRe's grant plus the seed cards' amounts.
    let body = "Consorzio Ovest Solidale";
    let wecare: f64 = spec("wecare_misura1")
        .iter()
        .filter(|r| r["lead_body"] == body)
        .map(|r| r["granted"].as_f64().unwrap())
        .sum();
    let seeds: f64 = spec("progetti_welfare_comunita")
        .iter()
        .filter(|r| r["lead_body"] == body)
        .filter_map(|r| r["amount"].as_f64())
        .sum();
    h.get_by_label(&euro(wecare + seeds));
    let torino: f64 = spec("wecare_misura1")
        .iter()
        .filter(|r| r["lead_body"] == "Città di Torino – Divisione Servizi Sociali")
        .map(|r| r["granted"].as_f64().unwrap())
        .sum();
    assert!(h.query_all_by_label(&euro(torino)).count() >= 1);
    // Average of the selection, in the reference column.
    assert!(
        h.query_all_by_label(&euro((wecare + seeds + torino) / 2.0))
            .count()
            >= 1
    );
    h.get_by_label("Confronta (2)");
}

#[test]
fn a_right_click_on_a_bar_adds_it_to_the_comparison() {
    let mut h = app();
    for province in ["Cuneo", "Torino"] {
        let centre = bar_centre(&h, "chart_province", province);
        right_click_at(&mut h, centre);
        h.get_by_label(&format!("Aggiungi al confronto: {province}"))
            .click();
        wait_idle(&mut h);
    }
    let compare = &h.state().state.settings.compare;
    assert_eq!(
        compare.by,
        cruscotto::query::chart::Dimension::Field(cruscotto::data::Field::Province)
    );
    assert_eq!(compare.entities, ["Cuneo", "Torino"]);
    tab_button(&h, "Confronta (2)").click();
    wait_idle(&mut h);
    // € per resident with the population read from the reference file itself.
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/assets/reference/provinces.csv"
    ))
    .unwrap();
    let population: f64 = text
        .lines()
        .map(|l| l.split(',').collect::<Vec<_>>())
        .find(|c| c[1] == "Cuneo")
        .map(|c| c[8].parse().unwrap())
        .unwrap();
    let per_resident = cuneo_total() / population;
    let cents = (per_resident * 100.0).round() as u64;
    h.get_by_label(&format!("€ {},{:02}", cents / 100, cents % 100));
    h.get_by_label("€ per residente");
}

#[test]
fn snapshot_compare() {
    let mut settings = Settings::default();
    settings.tab = cruscotto::app::settings::Tab::Compare;
    settings.compare.by =
        cruscotto::query::chart::Dimension::Field(cruscotto::data::Field::Province);
    settings.compare.entities = vec!["Cuneo".into(), "Torino".into(), "Novara".into()];
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 1500.0))
        .build_eframe(move |cc| {
            CruscottoApp::with_settings(&cc.egui_ctx, settings.clone(), Vec::new())
        });
    wait_idle(&mut h);
    snapshot_now(&mut h, "compare");
}

#[test]
fn every_filter_value_is_reachable_through_the_facet_search() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("enti.csv");
    let mut text = String::from("Codice;Titolo;Ente capofila;Importo\n");
    for i in 1..=100 {
        text.push_str(&format!("P{i};Progetto {i};Ente {i:03};{}\n", 1000 * i));
    }
    std::fs::write(&file, text).unwrap();
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .build_eframe(move |cc| {
            CruscottoApp::with_settings(&cc.egui_ctx, Settings::default(), vec![file.clone()])
        });
    wait_idle(&mut h);
    h.get_by_label("Ente capofila").click();
    h.run_steps(3);
    // Sixty values are listed; the ninety-ninth only through the search.
    assert!(h.query_by_label("Ente 099 (1)").is_none());
    h.get_by_label("Cerca tra i valori… Ente capofila").click();
    h.run_steps(2);
    h.get_by_label("Cerca tra i valori… Ente capofila")
        .type_text("099");
    h.run_steps(3);
    h.get_by_label("Ente 099 (1)").click();
    wait_idle(&mut h);
    assert_eq!(h.state().state.dashboard.as_ref().unwrap().kpis.projects, 1);
    // The granted amount and the median grant: one project of 99.000 €.
    assert_eq!(h.query_all_by_label(&euro(99_000.0)).count(), 2);
}

/// A file with problems: an amount that is not one, a province misspelt, a project twice.
fn file_with_problems(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("con_problemi.csv");
    std::fs::write(
        &path,
        "Codice;Titolo;Provincia;Importo\n\
         P-1;Orti condivisi;Cuneo;10.000\n\
         P-2;Spesa sospesa;Cunneo;20.000\n\
         P-3;Doposcuola diffuso;Torino;mille euro\n\
         P-1;Orti condivisi;Cuneo;10.000\n\
         P-4;Casa comune;Asti;5.000\n",
    )
    .unwrap();
    path
}

fn app_with_files(files: Vec<std::path::PathBuf>) -> Harness<'static, CruscottoApp> {
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .build_eframe(move |cc| {
            CruscottoApp::with_settings(&cc.egui_ctx, Settings::default(), files.clone())
        });
    wait_idle(&mut h);
    h
}

fn shown_projects(h: &Harness<'_, CruscottoApp>) -> usize {
    h.state()
        .state
        .dashboard
        .as_ref()
        .unwrap()
        .projects
        .height()
}

#[test]
fn quality_tab_lists_problems_and_shows_their_rows_in_projects() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = app_with_files(vec![file_with_problems(dir.path())]);
    // Only the readable amounts count, and the KPIs say so.
    h.get_by_label(&euro(45_000.0));
    h.get_by_label("1 importo non leggibile escluso");
    // No lead-body or spend column: n.d., not 0; no target groups: said in words.
    assert!(h.query_all_by_label("n.d.").count() >= 2);
    // The target groups and the years.
    assert_eq!(
        h.query_all_by_label(
            "Nessun valore da mostrare: i progetti non indicano questo campo (5 progetti)"
        )
        .count(),
        2
    );
    h.query_by_label_contains("Qualità dati (3)")
        .expect("the tab counts the problems")
        .click();
    wait_idle(&mut h);
    h.get_by_label("importo non leggibile");
    h.get_by_label("provincia non riconosciuta");
    h.get_by_label("probabile doppione di un altro progetto");
    // The nearest known name, and the row a duplicate repeats.
    h.get_by_label("Cuneo");
    h.get_by_label("con_problemi.csv #2");
    h.get_by_label("mille euro").click();
    wait_idle(&mut h);
    assert_eq!(
        h.state().state.settings.tab,
        cruscotto::app::settings::Tab::Projects
    );
    h.get_by_label("Righe da Qualità dati: 1 riga  ×");
    h.get_by_label("Doposcuola diffuso");
    assert!(h.query_by_label("Orti condivisi").is_none());
    assert_eq!(shown_projects(&h), 1);
    // Removing the chip brings every project back.
    h.get_by_label("Righe da Qualità dati: 1 riga  ×").click();
    wait_idle(&mut h);
    assert_eq!(shown_projects(&h), 5);
}

#[test]
fn snapshot_quality() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = app_with_files(vec![file_with_problems(dir.path())]);
    h.query_by_label_contains("Qualità dati (3)")
        .unwrap()
        .click();
    wait_idle(&mut h);
    snapshot_now(&mut h, "quality");
}

#[test]
fn editing_a_mapping_in_the_window_reloads_with_new_totals() {
    let mut h = app();
    h.query_by_label_contains("Qualità dati").unwrap().click();
    wait_idle(&mut h);
    h.get_by_label("wecare_misura1.xlsx › WeCaRe Misura 1 (xlsx) — 22 progetti, 1 problema")
        .click();
    h.run_steps(3);
    h.get_by_label("Importo concesso ← colonna").scroll_to_me();
    h.run_steps(3);
    h.get_by_label("Importo concesso ← colonna").click();
    h.run_steps(3);
    // The popup lists every column of the file; the last node with the label is its entry.
    h.query_all_by_label("Spesa rendicontata (€)")
        .last()
        .expect("the column is offered")
        .click();
    h.run_steps(2);
    wait_idle(&mut h);
    // The granted amount of WeCaRe now comes from its spend column.
    let expected =
        spec_total("wecare_misura1", "spent") + spec_total("progetti_welfare_comunita", "amount");
    tab_button(&h, "Panoramica").click();
    wait_idle(&mut h);
    h.get_by_label(&euro(expected));
    // The choice is remembered (settings, saved views) and explained as the user's.
    let settings = &h.state().state.settings;
    let mapping = settings
        .source_mappings
        .values()
        .next()
        .expect("a mapping is saved");
    assert_eq!(
        mapping.get(cruscotto::data::Field::AmountGranted),
        Some("Spesa rendicontata (€)")
    );
    let report = h.state().state.quality.clone().unwrap();
    let wecare = report
        .sources
        .iter()
        .find(|s| s.label.starts_with("wecare"))
        .unwrap();
    assert_eq!(
        wecare
            .choice(cruscotto::data::Field::AmountGranted)
            .unwrap()
            .reason,
        cruscotto::data::mapping::Reason::User
    );
}

#[test]
fn a_hostile_file_in_the_window_gives_its_reason_not_a_crash() {
    let protected = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/corpus/protetto_da_password.xlsx");
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .build_eframe(move |cc| {
            CruscottoApp::with_settings(&cc.egui_ctx, Settings::default(), vec![protected.clone()])
        });
    wait_for_error(&mut h);
    let error = h.state().state.errors.join("\n");
    assert!(error.contains("protetto_da_password.xlsx"), "{error}");
    assert!(error.contains("protetta da password"), "{error}");
    // The window still answers: the sample can be opened from the empty state.
    assert!(h.state().state.loading_since.is_none());
}

/// A load can be stopped from the window: the data open before stays, a notice says so, and what
/// the stopped load delivers later is ignored. The file is a pipe that sends nothing until the
/// test writes to it, so the load is certainly under way when the button is clicked.
#[test]
#[cfg(unix)]
fn a_load_under_way_can_be_cancelled() {
    let mut h = app();
    let dir = tempfile::tempdir().unwrap();
    let pipe = dir.path().join("lento.csv");
    let made = std::process::Command::new("mkfifo")
        .arg(&pipe)
        .status()
        .unwrap();
    assert!(made.success());
    h.state_mut()
        .apply(cruscotto::app::Intent::AddFiles(vec![pipe.clone()]));
    h.run_steps(4);
    assert!(h.state().state.loading_since.is_some());
    h.get_by_label("Annulla").click();
    h.run_steps(4);
    assert!(h.state().state.loading_since.is_none());
    assert!(
        h.query_all_by_label_contains("Caricamento annullato")
            .count()
            >= 1
    );
    // The stopped load finally gets its bytes (when it got as far as opening the pipe: the
    // writer never waits for it); nothing changes in the window.
    {
        use std::io::Write;
        use std::os::unix::fs::OpenOptionsExt;
        const O_NONBLOCK: i32 = 0o4000;
        for _ in 0..200 {
            let opened = std::fs::OpenOptions::new()
                .write(true)
                .custom_flags(O_NONBLOCK)
                .open(&pipe);
            if let Ok(mut writer) = opened {
                let _ = writer.write_all(b"Titolo;Importo\nUno;1.000\n");
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
    for _ in 0..40 {
        h.step();
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(h.state().state.errors.is_empty());
    let sources = h.state().state.dataset.as_ref().map(|d| d.sources.len());
    assert_eq!(sources, Some(2));
    h.get_by_label(&euro(total_of_samples()));
}

/// The window on the sample with its own file browser (`reason`: why), last used in `dir`.
fn app_browsing(
    dir: &std::path::Path,
    reason: cruscotto::app::dialog_probe::Missing,
) -> Harness<'static, CruscottoApp> {
    let settings = Settings {
        recent: vec![dir.join("earlier.xlsx")],
        ..Settings::default()
    };
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .build_eframe(move |cc| {
            CruscottoApp::with_settings(&cc.egui_ctx, settings.clone(), Vec::new())
                .with_file_browser(reason.clone())
        });
    wait_idle(&mut h);
    h
}

/// Where the desktop has no file dialog (no portal, no zenity), *Apri…* opens Cruscotto's own
/// browser, says why, and the file chosen in it is loaded.
#[test]
fn without_a_desktop_dialog_the_window_browses_files_itself() {
    use cruscotto::app::dialog_probe::Missing;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("progetti_browser.csv");
    std::fs::write(
        &file,
        "Codice;Titolo;Provincia;Importo\nB-1;Orti condivisi;Torino;12.500,00\n\
         B-2;Casa comune;Asti;7.500,00\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("note.pdf"), "not a table").unwrap();
    let mut h = app_browsing(dir.path(), Missing::PortalAndZenity { session_bus: true });
    h.get_by_label("Apri…").click();
    let notice = wait_for_notice(&mut h);
    assert!(notice.contains("xdg-desktop-portal e zenity"), "{notice}");
    // The browser starts in the folder of the last file, lists the table and hides the PDF.
    h.get_by_label("📂  Apri file");
    assert!(h.query_by_label("🗋 note.pdf").is_none());
    h.get_by_label("🗋 progetti_browser.csv").click();
    h.run_steps(2);
    h.get_by_label("Apri").click();
    h.run_steps(2);
    assert!(
        h.query_by_label("📂  Apri file").is_none(),
        "the browser closed"
    );
    wait_idle(&mut h);
    let dataset = h.state().state.dataset.as_ref().unwrap();
    assert_eq!(dataset.table.height(), 2);
    h.get_by_label(&euro(20_000.0));
}

/// *Informazioni* says which version and build this is, and credits the reference data and fonts.
#[test]
fn about_shows_the_build_and_the_attributions() {
    let mut h = app();
    h.get_by_label("Informazioni").click();
    h.run_steps(3);
    h.get_by_label(env!("CARGO_PKG_VERSION"));
    // The build line (commit, target, profile) as build.rs recorded it.
    h.get_by_label(env!("CRUSCOTTO_BUILD"));
    for credit in ["© ISTAT", "© Openpolis", "Noto Sans", "licenza MIT"] {
        h.get_by_label_contains(credit);
    }
}

/// Exports work without a desktop dialog too: the browser asks where, with the suggested name.
#[test]
fn without_a_desktop_dialog_exports_are_saved_through_the_browser() {
    use cruscotto::app::dialog_probe::Missing;
    let dir = tempfile::tempdir().unwrap();
    let mut h = app_browsing(dir.path(), Missing::Chosen);
    h.get_by_label("Menu del grafico: Importo per provincia")
        .click();
    h.run_steps(2);
    h.get_by_label("Salva immagine (PNG)…").click();
    for _ in 0..500 {
        h.step();
        if h.query_by_label("💾  Salva con nome").is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    h.get_by_label("Salva").click();
    let path = dir.path().join("importo_per_provincia.png");
    for _ in 0..3000 {
        h.step();
        if h.state()
            .state
            .notices
            .iter()
            .any(|n| n.text.contains("importo_per_provincia.png"))
        {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let image = image::open(&path).expect("the chart was saved where the browser said");
    assert!(image.width() > 100 && image.height() > 100);
}

/// A file a load waits on forever (a named pipe nobody writes to), until [`release`].
fn never_ending(dir: &std::path::Path) -> std::path::PathBuf {
    let pipe = dir.join("nazionale.csv");
    let made = std::process::Command::new("mkfifo")
        .arg(&pipe)
        .status()
        .unwrap();
    assert!(made.success());
    pipe
}

/// Lets the load waiting on `pipe` end (with an empty file).
fn release(pipe: &std::path::Path) {
    use std::os::unix::fs::OpenOptionsExt;
    const O_NONBLOCK: i32 = 0o4000;
    for _ in 0..200 {
        let opened = std::fs::OpenOptions::new()
            .write(true)
            .custom_flags(O_NONBLOCK)
            .open(pipe);
        if opened.is_ok() {
            return;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// A sample file loaded and prepared as the worker would send it.
fn loaded(name: &str) -> Box<cruscotto::app::worker::Loaded> {
    let dataset = cruscotto::data::load::load_file(&common::sample(name)).unwrap();
    Box::new(cruscotto::app::worker::prepare(dataset))
}

/// Ends the window's current load with `result`, as the worker would.
fn end_load(
    h: &mut Harness<'_, CruscottoApp>,
    result: Result<Box<cruscotto::app::worker::Loaded>, &str>,
) {
    let generation = h.state().load_generation();
    let result = result.map_err(|e| cruscotto::app::worker::TaskError::Failed(e.to_string()));
    h.state_mut()
        .deliver(cruscotto::app::worker::Outcome::Loaded {
            generation,
            result,
            elapsed: Duration::from_millis(900),
        });
}

/// The app on the sample, then loading a file that never ends, then shown `rows` of WeCaRe
/// as the preview of that load.
fn app_previewing() -> (Harness<'static, CruscottoApp>, tempfile::TempDir) {
    let mut h = app();
    let dir = tempfile::tempdir().unwrap();
    let pipe = never_ending(dir.path());
    h.state_mut()
        .apply(cruscotto::app::Intent::OpenFiles(vec![pipe]));
    h.run_steps(2);
    let generation = h.state().load_generation();
    h.state_mut()
        .deliver(cruscotto::app::worker::Outcome::Preview {
            generation,
            loaded: loaded("wecare_misura1.xlsx"),
            rows: 22,
            share: 0.05,
            dashboard: None,
        });
    for _ in 0..2000 {
        h.step();
        let shown = h
            .state()
            .state
            .dashboard
            .as_ref()
            .map(|d| d.kpis.all_projects);
        if shown == Some(22) && h.state().state.computing_since.is_none() {
            h.run_steps(3);
            return (h, dir);
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    panic!("the preview's dashboard was not shown");
}

#[test]
fn a_preview_is_marked_partial_exports_nothing_and_gives_way_to_the_whole_file() {
    let (mut h, dir) = app_previewing();
    let wecare = spec_total("wecare_misura1", "granted");
    h.get_by_label(&euro(wecare));
    h.get_by_label("Anteprima parziale");
    assert!(
        h.query_all_by_label_contains("22 righe lette finora (5,0% del file)")
            .count()
            >= 1
    );
    // Nothing leaves the window while only a part of the file is in.
    h.state_mut().apply(cruscotto::app::Intent::ExportReport);
    let notice = wait_for_notice(&mut h);
    assert!(notice.contains("ancora in lettura"), "{notice}");
    assert_eq!(h.state().state.exporting, 0);
    h.state_mut()
        .apply(cruscotto::app::Intent::DismissNotice(0));
    snapshot_now(&mut h, "overview_preview");
    // The whole file arrives: its numbers, and no mark any more.
    end_load(&mut h, Ok(loaded("progetti_welfare_comunita.csv")));
    wait_idle(&mut h);
    assert!(h.state().state.preview.is_none());
    assert!(h.query_by_label("Anteprima parziale").is_none());
    let whole = euro(spec_total("progetti_welfare_comunita", "amount"));
    assert!(h.query_all_by_label(&whole).count() >= 1);
    release(&dir.path().join("nazionale.csv"));
}

#[test]
fn a_preview_of_a_load_that_fails_gives_back_what_was_shown() {
    let (mut h, dir) = app_previewing();
    end_load(&mut h, Err("nazionale.csv: riga 40.000 illeggibile"));
    wait_idle(&mut h);
    assert!(h.state().state.preview.is_none());
    assert!(h.query_by_label("Anteprima parziale").is_none());
    assert!(h.query_all_by_label_contains("riga 40.000").count() >= 1);
    // The sample, whole, as before the load.
    h.get_by_label(&euro(total_of_samples()));
    assert_eq!(h.state().state.dataset.as_ref().unwrap().sources.len(), 2);
    release(&dir.path().join("nazionale.csv"));
}

#[test]
fn a_preview_of_a_cancelled_load_gives_back_what_was_shown() {
    let (mut h, dir) = app_previewing();
    h.get_by_label("Annulla").click();
    wait_idle(&mut h);
    assert!(h.state().state.preview.is_none());
    assert!(h.query_by_label("Anteprima parziale").is_none());
    assert!(
        h.query_all_by_label_contains("Caricamento annullato")
            .count()
            >= 1
    );
    h.get_by_label(&euro(total_of_samples()));
    release(&dir.path().join("nazionale.csv"));
}

#[test]
fn a_large_file_read_with_a_preview_ends_on_its_whole_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nazionale.csv");
    let table = cruscotto::data::synth::generate(3000, 5).unwrap();
    cruscotto::export::write_table(&table, &path, cruscotto::export::CsvStyle::default()).unwrap();
    // The total computed from the generated table, not by the loader.
    let total: f64 = table
        .column("Contributo concesso (€)")
        .unwrap()
        .f64()
        .unwrap()
        .iter()
        .flatten()
        .sum();
    // Pieces of a tenth of the file: a preview of its first rows, then the whole.
    let size = std::fs::metadata(&path).unwrap().len() as usize;
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .build_eframe(move |cc| {
            CruscottoApp::with_settings(&cc.egui_ctx, Settings::default(), Vec::new())
                .reading_in_pieces_of(size / 10)
        });
    wait_idle(&mut h);
    h.state_mut()
        .apply(cruscotto::app::Intent::OpenFiles(vec![path]));
    let mut previewed = 0;
    for _ in 0..3000 {
        h.step();
        if let Some(preview) = h.state().state.preview {
            previewed = preview.rows;
        }
        if h.state().is_idle() {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    wait_idle(&mut h);
    assert!(previewed > 0 && previewed < 3000, "previewed {previewed}");
    assert!(h.state().state.preview.is_none());
    assert!(h.query_by_label("Anteprima parziale").is_none());
    assert_eq!(shown_projects(&h), 3000);
    let kpis = &h.state().state.dashboard.as_ref().unwrap().kpis;
    assert!(
        common::close(kpis.granted, total),
        "{} vs {total}",
        kpis.granted
    );
}

#[test]
fn a_preview_read_whole_stays_marked_when_a_next_load_fails_before_its_dashboard() {
    let (mut h, dir) = app_previewing();
    // The whole file is in; its dashboard is still being computed…
    end_load(&mut h, Ok(loaded("progetti_welfare_comunita.csv")));
    // …when another file is opened, and fails at once.
    let other = dir.path().join("altro.csv");
    h.state_mut()
        .apply(cruscotto::app::Intent::OpenFiles(vec![other]));
    end_load(&mut h, Err("altro.csv: non trovato"));
    // The preview's figures are still on screen: still marked, exports still refused.
    assert!(h.state().state.preview.is_some_and(|p| p.whole_read));
    h.state_mut().apply(cruscotto::app::Intent::ExportReport);
    assert_eq!(h.state().state.exporting, 0);
    // Then the whole file's dashboard, unmarked.
    wait_idle(&mut h);
    assert!(h.state().state.preview.is_none());
    let whole = euro(spec_total("progetti_welfare_comunita", "amount"));
    assert!(h.query_all_by_label(&whole).count() >= 1);
    release(&dir.path().join("nazionale.csv"));
}
