//! Esplora: a chart builder (dimension, measure, split, stacking, orientation, sort, top N) with
//! the table of the same numbers below the chart.

use eframe::egui;

use super::Output;
use super::charts;
use crate::app::charts::ChartId;
use crate::app::{AppState, Intent};
use crate::data::schema::{Field, Kind};
use crate::format;
use crate::i18n::Lang;
use crate::query::chart::{ChartSpec, Dimension, Measure, Orientation, SortBy};
use crate::query::dashboard::Dashboard;

/// The dimensions offered: categories and lists of the canonical table, the start year, extras.
fn dimensions(state: &AppState) -> Vec<Dimension> {
    let mut dims: Vec<Dimension> = Field::columns()
        .filter(|f| matches!(f.kind(), Kind::Category | Kind::List) || *f == Field::Outcome)
        .map(Dimension::Field)
        .collect();
    dims.push(Dimension::Year);
    if let Some(d) = &state.dataset {
        dims.extend(d.extra_columns().into_iter().map(Dimension::Column));
    }
    dims
}

fn label(lang: Lang, dim: &Dimension) -> String {
    match dim {
        Dimension::Field(f) => lang.field(*f).to_string(),
        Dimension::Year => lang.texts().year.to_string(),
        Dimension::Column(c) => format!("{c} ({})", lang.texts().file_column),
    }
}

pub fn show(ui: &mut egui::Ui, state: &AppState, d: &Dashboard, out: &mut Output) {
    let lang = state.settings.lang;
    let t = lang.texts();
    let spec = &state.settings.explore;
    let mut next: ChartSpec = spec.clone();
    let dims = dimensions(state);
    ui.horizontal_wrapped(|ui| {
        egui::ComboBox::from_label(t.dimension)
            .selected_text(label(lang, &spec.dimension))
            .show_ui(ui, |ui| {
                for dim in &dims {
                    ui.selectable_value(&mut next.dimension, dim.clone(), label(lang, dim));
                }
            });
        egui::ComboBox::from_label(t.measure)
            .selected_text(lang.measure(spec.measure))
            .show_ui(ui, |ui| {
                for m in Measure::ALL {
                    ui.selectable_value(&mut next.measure, m, lang.measure(m));
                }
            });
        egui::ComboBox::from_label(t.split_by)
            .selected_text(
                spec.split
                    .as_ref()
                    .map(|s| label(lang, s))
                    .unwrap_or_else(|| t.none.into()),
            )
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut next.split, None, t.none);
                for dim in dims.iter().filter(|d| **d != spec.dimension) {
                    ui.selectable_value(&mut next.split, Some(dim.clone()), label(lang, dim));
                }
            });
    });
    ui.horizontal_wrapped(|ui| {
        if spec.split.is_some() {
            ui.selectable_value(&mut next.stacked, true, t.stacked);
            ui.selectable_value(&mut next.stacked, false, t.grouped);
            ui.separator();
        }
        ui.selectable_value(&mut next.orientation, Orientation::Horizontal, t.horizontal);
        ui.selectable_value(&mut next.orientation, Orientation::Vertical, t.vertical);
        ui.separator();
        ui.selectable_value(&mut next.sort, SortBy::Value, t.sort_value);
        ui.selectable_value(&mut next.sort, SortBy::Name, t.sort_name);
        ui.separator();
        egui::ComboBox::from_label(t.top_n)
            .selected_text(
                spec.top_n
                    .map(|n| n.to_string())
                    .unwrap_or_else(|| t.all.into()),
            )
            .show_ui(ui, |ui| {
                for n in [5, 10, 12, 20, 30] {
                    ui.selectable_value(&mut next.top_n, Some(n), n.to_string());
                }
                ui.selectable_value(&mut next.top_n, None, t.all);
            });
    });
    if next != *spec {
        out.intents.push(Intent::SetExplore(next));
    }
    ui.separator();
    let data = &d.explore;
    charts::title(
        ui,
        &format!(
            "{} · {}",
            lang.measure(spec.measure),
            label(lang, &spec.dimension)
        ),
        Some(data),
        state,
    );
    let height = (ui.available_height() * 0.58).max(220.0);
    charts::bar_chart(ui, ChartId::Explore, t.tab_explore, d, state, height, out);
    ui.separator();
    // Virtualised: with "Tutti" a dimension may have thousands of values; only the visible
    // rows are laid out.
    let mut table = egui_extras::TableBuilder::new(ui)
        .id_salt("explore_table")
        .striped(true)
        .resizable(true)
        .column(
            egui_extras::Column::initial(260.0)
                .at_least(120.0)
                .clip(true),
        )
        .column(egui_extras::Column::initial(90.0).at_least(60.0));
    for _ in &data.series {
        table = table.column(egui_extras::Column::initial(130.0).at_least(80.0));
    }
    table
        .header(22.0, |mut h| {
            h.col(|ui| {
                ui.strong(label(lang, &spec.dimension));
            });
            h.col(|ui| {
                ui.strong(t.kpi_projects);
            });
            for s in &data.series {
                h.col(|ui| {
                    ui.strong(match &s.key {
                        None => lang.measure(spec.measure).to_string(),
                        Some(k) => lang.key(k).into_owned(),
                    });
                });
            }
        })
        .body(|body| {
            body.rows(20.0, data.categories.len(), |mut row| {
                let i = row.index();
                row.col(|ui| {
                    ui.label(lang.key(&data.categories[i]));
                });
                row.col(|ui| {
                    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                        ui.label(format::count(data.counts[i] as usize));
                    });
                });
                for s in &data.series {
                    row.col(|ui| {
                        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                            ui.label(charts::value_text(spec.measure, s.values[i], lang));
                        });
                    });
                }
            });
        });
}
