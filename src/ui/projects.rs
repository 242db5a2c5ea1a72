//! Progetti: the filtered projects as a sortable, virtualised table (only visible rows are
//! read, so a million rows scroll smoothly); the selected project's card beside it.

use eframe::egui;
use egui_extras::{Column, TableBuilder};
use polars::prelude::*;

use super::{Output, card};
use crate::app::{AppState, Intent};
use crate::data::schema::Field;
use crate::format;
use crate::query::dashboard::Dashboard;

const COLUMNS: [Field; 8] = [
    Field::Id,
    Field::Title,
    Field::Programme,
    Field::LeadBody,
    Field::Province,
    Field::AmountGranted,
    Field::AmountSpent,
    Field::StartDate,
];

/// A cell as text, in Italian formats.
pub fn cell_text(value: AnyValue<'_>) -> String {
    match value {
        AnyValue::Null => String::new(),
        AnyValue::String(s) => s.to_string(),
        AnyValue::StringOwned(s) => s.to_string(),
        AnyValue::Float64(v) => format::euro_cents(v),
        AnyValue::Date(days) => chrono::NaiveDate::default()
            .checked_add_signed(chrono::TimeDelta::days(days as i64))
            .map(format::date_it)
            .unwrap_or_default(),
        AnyValue::List(s) => s
            .str()
            .map(|c| c.iter().flatten().collect::<Vec<_>>().join(", "))
            .unwrap_or_default(),
        other => other.to_string(),
    }
}

pub fn show(ui: &mut egui::Ui, state: &AppState, d: &Dashboard, out: &mut Output) {
    let lang = state.settings.lang;
    let t = lang.texts();
    let table = &d.projects;
    let card_width = (ui.available_width() * 0.34).clamp(300.0, 460.0);
    egui_extras::StripBuilder::new(ui)
        .size(egui_extras::Size::remainder().at_least(300.0))
        .size(egui_extras::Size::exact(card_width))
        .horizontal(|mut strip| {
            strip.cell(|ui| table_view(ui, state, d, out));
            strip.cell(|ui| {
                egui::Frame::group(ui.style())
                    .inner_margin(10.0)
                    .show(ui, |ui| {
                        ui.set_min_size(ui.available_size());
                        match state.selected {
                            Some(row) if row < table.height() => card::show(ui, state, table, row),
                            _ => {
                                ui.add_space(20.0);
                                ui.label(egui::RichText::new(t.select_project).weak());
                            }
                        }
                    });
            });
        });
}

fn table_view(ui: &mut egui::Ui, state: &AppState, d: &Dashboard, out: &mut Output) {
    let lang = state.settings.lang;
    let t = lang.texts();
    let table = &d.projects;
    let columns: Vec<Option<&polars::prelude::Column>> = COLUMNS
        .iter()
        .map(|f| table.column(f.name()).ok())
        .collect();
    let n = table.height();
    if n == 0 {
        ui.label(t.no_data);
        return;
    }
    egui::ScrollArea::horizontal()
        .id_salt("projects_scroll")
        .show(ui, |ui| {
            TableBuilder::new(ui)
                .striped(true)
                .resizable(true)
                .sense(egui::Sense::click())
                .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
                .column(Column::initial(82.0).at_least(50.0).clip(true))
                .column(Column::initial(220.0).at_least(80.0).clip(true))
                .column(Column::initial(140.0).at_least(60.0).clip(true))
                .column(Column::initial(170.0).at_least(60.0).clip(true))
                .column(Column::initial(100.0).at_least(50.0).clip(true))
                .column(Column::initial(112.0).at_least(60.0).clip(true))
                .column(Column::initial(112.0).at_least(60.0).clip(true))
                .column(Column::initial(170.0).at_least(90.0).clip(true))
                .header(24.0, |mut header| {
                    for f in COLUMNS {
                        header.col(|ui| {
                            let arrow = match (&state.sort.column, state.sort.descending) {
                                (Some(c), false) if c == f.name() => " ▲",
                                (Some(c), true) if c == f.name() => " ▼",
                                _ => "",
                            };
                            let label = if f == Field::StartDate {
                                lang.field(Field::Period)
                            } else {
                                lang.field(f)
                            };
                            if ui
                                .button(egui::RichText::new(format!("{label}{arrow}")).strong())
                                .clicked()
                            {
                                out.intents.push(Intent::SortProjects(f.name().to_string()));
                            }
                        });
                    }
                })
                .body(|body| {
                    body.rows(22.0, n, |mut row| {
                        let i = row.index();
                        row.set_selected(state.selected == Some(i));
                        for (k, f) in COLUMNS.iter().enumerate() {
                            let text = match (f, columns[k]) {
                                (Field::StartDate, _) => {
                                    let start = table
                                        .column(Field::StartDate.name())
                                        .ok()
                                        .and_then(|c| c.get(i).ok());
                                    let end = table
                                        .column(Field::EndDate.name())
                                        .ok()
                                        .and_then(|c| c.get(i).ok());
                                    let side = |v: Option<AnyValue<'_>>| {
                                        let s = v.map(cell_text).unwrap_or_default();
                                        if s.is_empty() { "…".to_string() } else { s }
                                    };
                                    format!("{} – {}", side(start), side(end))
                                }
                                (_, Some(c)) => c.get(i).map(cell_text).unwrap_or_default(),
                                (_, None) => String::new(),
                            };
                            row.col(|ui| {
                                if matches!(f, Field::AmountGranted | Field::AmountSpent) {
                                    ui.with_layout(
                                        egui::Layout::right_to_left(egui::Align::Center),
                                        |ui| {
                                            ui.add(egui::Label::new(&text).selectable(false));
                                        },
                                    );
                                } else {
                                    ui.add(egui::Label::new(&text).truncate().selectable(false));
                                }
                            });
                        }
                        if row.response().clicked() {
                            out.intents.push(Intent::SelectProject(Some(i)));
                        }
                    });
                });
        });
}
