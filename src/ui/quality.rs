//! Qualità dati: the data-quality report of the loaded files — per source the columns used and
//! why, what was skipped; every kind of problem with its count; each problem with its source,
//! row, column, raw text and the nearest known name. Clicking a problem (or a kind) shows the
//! affected rows in Progetti. Draws [`crate::query::quality::QualityReport`]; sends intents.

use eframe::egui;
use egui_extras::{Column, TableBuilder};

use super::Output;
use crate::app::{AppState, Intent};
use crate::i18n::{Lang, Noun};
use crate::query::quality::{Finding, QualityReport};

pub fn show(ui: &mut egui::Ui, state: &AppState, out: &mut Output) {
    let lang = state.settings.lang;
    let pick = |it: &str, en: &str| lang.pick_owned(it, en);
    let Some(report) = &state.quality else {
        return;
    };
    if let Some(error) = &report.error {
        ui.colored_label(
            ui.visuals().error_fg_color,
            format!(
                "{}: {error}",
                pick(
                    "Impossibile preparare il rapporto di qualità",
                    "The quality report could not be made"
                )
            ),
        );
        return;
    }
    ui.horizontal(|ui| {
        ui.heading(pick("Qualità dei dati", "Data quality"));
        ui.label(
            egui::RichText::new(format!(
                "{} · {}",
                lang.count(report.findings.len(), Noun::Problem),
                lang.count(report.sources.len(), Noun::Source)
            ))
            .weak(),
        );
    });
    ui.add_space(4.0);
    egui::ScrollArea::vertical()
        .id_salt("quality-sources")
        .max_height(ui.available_height() * 0.42)
        .show(ui, |ui| sources(ui, report, lang, out));
    ui.separator();
    if report.findings.is_empty() {
        ui.label(pick(
            "Nessun problema: ogni valore è stato letto.",
            "No problems: every value was read.",
        ));
        return;
    }
    groups(ui, state, report, out);
    ui.add_space(6.0);
    findings(ui, state, report, out);
}

/// Per source: rows, notes, and the mapping editor — for every field, the column that feeds it
/// (changeable), why it was chosen, and the first values of that column.
fn sources(ui: &mut egui::Ui, report: &QualityReport, lang: Lang, out: &mut Output) {
    let pick = |it: &str, en: &str| lang.pick_owned(it, en);
    for (index, s) in report.sources.iter().enumerate() {
        let problems = report
            .findings
            .iter()
            .filter(|f| f.source == s.label)
            .count();
        let title = format!(
            "{} ({}) — {}, {}",
            s.label,
            s.format.label(),
            lang.count(s.rows, Noun::Project),
            lang.count(problems, Noun::Problem)
        );
        egui::CollapsingHeader::new(egui::RichText::new(title).strong())
            .id_salt(("quality-source", &s.label))
            .default_open(report.sources.len() == 1)
            .show(ui, |ui| {
                for note in &s.notes {
                    ui.label(format!("• {}", lang.note(note)));
                }
                mapping_editor(ui, index, s, lang, out);
                if !s.extra.is_empty() {
                    ui.label(format!(
                        "{}: {}",
                        pick("Altre colonne, tenute", "Other columns, kept"),
                        s.extra.join(", ")
                    ));
                }
            });
    }
}

/// Each kind of problem with its count: choosing one lists only those; "Mostra in Progetti"
/// filters the projects to the rows concerned.
fn groups(ui: &mut egui::Ui, state: &AppState, report: &QualityReport, out: &mut Output) {
    let lang = state.settings.lang;
    let pick = |it: &str, en: &str| lang.pick_owned(it, en);
    ui.horizontal_wrapped(|ui| {
        let all = state.quality_group.is_none();
        if ui
            .selectable_label(all, pick("Tutti i problemi", "All problems"))
            .clicked()
        {
            out.intents.push(Intent::SetQualityGroup(None));
        }
        for g in &report.groups {
            let mut text = format!("{} × {}", g.count, lang.problem(g.kind));
            if !g.column.is_empty() {
                text.push_str(&format!(" ({})", g.column));
            }
            let chosen = state.quality_group.as_ref() == Some(&(g.kind, g.column.clone()));
            if ui.selectable_label(chosen, text).clicked() {
                out.intents
                    .push(Intent::SetQualityGroup(Some((g.kind, g.column.clone()))));
            }
        }
    });
    // The rows are gathered when asked for, not each frame.
    let (kind, column, rows) = match &state.quality_group {
        Some((k, c)) => (
            Some(*k),
            Some(c.as_str()),
            report
                .groups
                .iter()
                .find(|g| g.kind == *k && &g.column == c)
                .map_or(0, |g| g.rows),
        ),
        None => (None, None, report.rows),
    };
    ui.horizontal(|ui| {
        let button = ui.add_enabled(
            rows > 0,
            egui::Button::new(format!(
                "{} ({})",
                pick("Mostra in Progetti", "Show in Projects"),
                lang.count(rows, Noun::Row)
            )),
        );
        if button.clicked() {
            out.intents
                .push(Intent::ShowRows(report.rows_of(kind, column)));
        }
        if rows == 0 {
            ui.label(
                egui::RichText::new(pick(
                    "Righe escluse: non sono tra i progetti.",
                    "Excluded rows: they are not among the projects.",
                ))
                .weak(),
            );
        }
    });
}

/// The problems one by one (virtualised: only the visible rows are laid out).
fn findings(ui: &mut egui::Ui, state: &AppState, report: &QualityReport, out: &mut Output) {
    let lang = state.settings.lang;
    let pick = |it: &str, en: &str| lang.pick_owned(it, en);
    let shown: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| {
            state
                .quality_group
                .as_ref()
                .is_none_or(|(k, c)| f.kind == *k && &f.column == c)
        })
        .collect();
    let show_rows = pick("Mostra in Progetti", "Show in Projects");
    TableBuilder::new(ui)
        .id_salt("quality-findings")
        .striped(true)
        .resizable(true)
        .column(Column::initial(190.0).at_least(80.0).clip(true))
        .column(Column::initial(55.0).at_least(40.0))
        .column(Column::initial(150.0).at_least(60.0).clip(true))
        .column(Column::initial(170.0).at_least(60.0).clip(true))
        .column(Column::initial(220.0).at_least(80.0).clip(true))
        .column(Column::remainder().at_least(80.0).clip(true))
        .header(22.0, |mut h| {
            for title in [
                pick("Fonte", "Source"),
                pick("Riga", "Row"),
                pick("Colonna", "Column"),
                pick("Valore", "Value"),
                pick("Problema", "Problem"),
                pick("Forse", "Perhaps"),
            ] {
                h.col(|ui| {
                    ui.strong(title);
                });
            }
        })
        .body(|body| {
            body.rows(22.0, shown.len(), |mut row| {
                let f = shown[row.index()];
                row.col(|ui| {
                    ui.label(&f.source).on_hover_text(match &f.sheet {
                        Some(sheet) => format!("{} › {sheet}", f.file),
                        None => f.file.clone(),
                    });
                });
                row.col(|ui| {
                    ui.label(f.row.to_string());
                });
                row.col(|ui| {
                    ui.label(&f.column);
                });
                row.col(|ui| {
                    let raw = if f.raw.is_empty() { "—" } else { &f.raw };
                    match f.row_key() {
                        Some(key) => {
                            if ui.link(raw).on_hover_text(&show_rows).clicked() {
                                out.intents.push(Intent::ShowRows(vec![key]));
                            }
                        }
                        None => {
                            ui.label(raw);
                        }
                    }
                });
                row.col(|ui| {
                    ui.label(lang.problem(f.kind));
                });
                row.col(|ui| {
                    if let Some(hint) = &f.hint {
                        ui.label(hint);
                    }
                });
            });
        });
}

/// Field ← column, with the reason and a preview; choosing another column re-reads the source.
fn mapping_editor(
    ui: &mut egui::Ui,
    index: usize,
    s: &crate::query::quality::SourceQuality,
    lang: Lang,
    out: &mut Output,
) {
    let pick = |it: &str, en: &str| lang.pick_owned(it, en);
    let none = pick("— nessuna —", "— none —");
    egui::Grid::new(("mapping", &s.label))
        .striped(true)
        .num_columns(4)
        .show(ui, |ui| {
            ui.strong(pick("Campo", "Field"));
            ui.strong(pick("Colonna del file", "Column of the file"));
            ui.strong(pick("Perché", "Why"));
            ui.strong(pick("Primi valori", "First values"));
            ui.end_row();
            for field in crate::data::Field::ALL {
                let choice = s.choice(field);
                let current = choice.map(|c| c.header.clone());
                ui.label(lang.field(field));
                let name = format!("{} ← {}", lang.field(field), pick("colonna", "column"));
                let combo = egui::ComboBox::from_id_salt(("map", index, field.name()))
                    .selected_text(current.clone().unwrap_or_else(|| none.clone()))
                    .width(220.0)
                    .show_ui(ui, |ui| {
                        if ui.selectable_label(current.is_none(), &none).clicked()
                            && current.is_some()
                        {
                            out.intents.push(Intent::SetMapping {
                                source: index,
                                field,
                                header: None,
                            });
                        }
                        for header in &s.headers {
                            let chosen = current.as_deref() == Some(header.as_str());
                            if ui.selectable_label(chosen, header).clicked() && !chosen {
                                out.intents.push(Intent::SetMapping {
                                    source: index,
                                    field,
                                    header: Some(header.clone()),
                                });
                            }
                        }
                    });
                combo
                    .response
                    .widget_info(|| egui::WidgetInfo::labeled(egui::Role::ComboBox, true, &name));
                ui.label(
                    egui::RichText::new(choice.map(|c| lang.reason(&c.reason)).unwrap_or_default())
                        .weak(),
                );
                let values = current
                    .as_ref()
                    .and_then(|h| s.preview.get(h))
                    .map(|v| v.join(" · "))
                    .unwrap_or_default();
                ui.add(egui::Label::new(egui::RichText::new(values).weak()).truncate());
                ui.end_row();
            }
        });
}
