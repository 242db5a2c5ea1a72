//! Progetti: the filtered projects as a sortable, virtualised table (only visible rows are
//! read, so a million rows scroll smoothly); the selected project's card beside it.

use eframe::egui;
use egui_extras::{Column, TableBuilder};

use crate::format::cell_text;

use super::{Output, card};
use crate::app::settings::ProjectColumn;
use crate::app::{AppState, Intent};
use crate::data::schema::Field;
use crate::query::card::Card;
use crate::query::dashboard::Dashboard;
use crate::query::projects::ProjectRows;

pub fn show(ui: &mut egui::Ui, state: &AppState, d: &Dashboard, out: &mut Output) {
    let table = &d.projects;
    let selected = state.selected.filter(|row| *row < table.height());
    let Some(card) = selected.and_then(|row| Card::listed(table, row)) else {
        // No card without a selection: the table takes the whole width.
        table_view(ui, state, d, out);
        return;
    };
    let card_width = (ui.available_width() * 0.34).clamp(300.0, 420.0);
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
                        card::show(ui, state, &card, out);
                    });
            });
        });
}

/// A column's header as people read it.
fn header(column: &ProjectColumn, lang: crate::i18n::Lang) -> String {
    match column {
        ProjectColumn::Period => lang.field(Field::Period).to_string(),
        ProjectColumn::Column(c) => crate::export::content::header(c, lang),
    }
}

/// The column a header click sorts by.
fn sort_key(column: &ProjectColumn) -> String {
    match column {
        ProjectColumn::Period => Field::StartDate.name().to_string(),
        ProjectColumn::Column(c) => c.clone(),
    }
}

fn is_money(column: &ProjectColumn) -> bool {
    matches!(column, ProjectColumn::Column(c)
        if c == Field::AmountGranted.name() || c == Field::AmountSpent.name())
}

fn initial_width(column: &ProjectColumn) -> f32 {
    match column {
        ProjectColumn::Period => 165.0,
        _ if is_money(column) => 110.0,
        ProjectColumn::Column(c) if c == Field::Title.name() => 210.0,
        ProjectColumn::Column(c) if c == Field::LeadBody.name() => 170.0,
        ProjectColumn::Column(c) if c == Field::Id.name() => 85.0,
        ProjectColumn::Column(c) if c == Field::Province.name() => 95.0,
        _ => 130.0,
    }
}

/// The columns the chooser offers: the period, then every column of the table.
fn choices(table: &ProjectRows) -> Vec<ProjectColumn> {
    std::iter::once(ProjectColumn::Period)
        .chain(
            crate::export::content::all_columns(table.table())
                .into_iter()
                .filter(|c| c != Field::StartDate.name() && c != Field::EndDate.name())
                .map(ProjectColumn::Column),
        )
        .collect()
}

/// The toolbar above the table: the column chooser and the exports.
fn toolbar(ui: &mut egui::Ui, state: &AppState, d: &Dashboard, out: &mut Output) {
    let lang = state.settings.lang;
    let t = lang.texts();
    let current = &state.settings.project_columns;
    ui.horizontal(|ui| {
        ui.menu_button(format!("{} ▾", t.columns), |ui| {
            egui::ScrollArea::vertical()
                .max_height(420.0)
                .show(ui, |ui| {
                    for column in choices(&d.projects) {
                        let mut shown = current.contains(&column);
                        if ui.checkbox(&mut shown, header(&column, lang)).changed() {
                            let mut next = current.clone();
                            if shown {
                                next.push(column.clone());
                            } else {
                                next.retain(|c| *c != column);
                            }
                            out.intents.push(Intent::SetProjectColumns(next));
                        }
                    }
                });
            ui.separator();
            if ui.button(t.reset_columns).clicked() {
                out.intents
                    .push(Intent::SetProjectColumns(ProjectColumn::defaults()));
                ui.close();
            }
        });
        if ui.button(t.export_projects).clicked() {
            out.intents.push(Intent::ExportProjects { excel_it: false });
        }
        if ui.button(t.export_projects_excel_it).clicked() {
            out.intents.push(Intent::ExportProjects { excel_it: true });
        }
        if state.selected.is_none() {
            ui.label(egui::RichText::new(t.select_project).weak());
        }
    });
}

fn table_view(ui: &mut egui::Ui, state: &AppState, d: &Dashboard, out: &mut Output) {
    let lang = state.settings.lang;
    let t = lang.texts();
    toolbar(ui, state, d, out);
    let table = &d.projects;
    let shown: Vec<&ProjectColumn> = state
        .settings
        .project_columns
        .iter()
        .filter(|c| c.columns().iter().all(|name| table.has_column(name)))
        .collect();
    let n = table.height();
    if n == 0 {
        ui.label(t.no_data);
        return;
    }
    let cell = |column: &ProjectColumn, row: usize| -> String {
        let value = |name: &str| table.value(name, row).map(cell_text).unwrap_or_default();
        match column {
            ProjectColumn::Period => {
                let side = |s: String| if s.is_empty() { "…".to_string() } else { s };
                format!(
                    "{} – {}",
                    side(value(Field::StartDate.name())),
                    side(value(Field::EndDate.name()))
                )
            }
            ProjectColumn::Column(c) => value(c),
        }
    };
    egui::ScrollArea::horizontal()
        .id_salt("projects_scroll")
        .show(ui, |ui| {
            let mut builder = TableBuilder::new(ui)
                .id_salt(("projects_table", shown.len()))
                .striped(true)
                .resizable(true)
                .sense(egui::Sense::click())
                .cell_layout(egui::Layout::left_to_right(egui::Align::Center));
            for column in &shown {
                builder = builder.column(
                    Column::initial(initial_width(column))
                        .at_least(50.0)
                        .clip(true),
                );
            }
            builder
                .header(24.0, |mut header_row| {
                    for column in &shown {
                        header_row.col(|ui| {
                            let key = sort_key(column);
                            let arrow = match (&state.sort.column, state.sort.descending) {
                                (Some(c), false) if *c == key => " ▲",
                                (Some(c), true) if *c == key => " ▼",
                                _ => "",
                            };
                            let label = header(column, lang);
                            if ui
                                .button(egui::RichText::new(format!("{label}{arrow}")).strong())
                                .clicked()
                            {
                                out.intents.push(Intent::SortProjects(key));
                            }
                        });
                    }
                })
                .body(|body| {
                    body.rows(22.0, n, |mut row| {
                        let i = row.index();
                        row.set_selected(state.selected == Some(i));
                        for column in &shown {
                            let text = cell(column, i);
                            row.col(|ui| {
                                if is_money(column) {
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
