//! Confronta: what to compare and which entities (a searchable list with project counts), the
//! reference column, then the side-by-side table — the best value of each row in bold, the
//! difference from the reference in brackets, "n.d." where the data cannot say — and the
//! comparison's charts, each with the usual export menu.

use eframe::egui;

use super::{Output, charts};
use crate::app::charts::ChartId;
use crate::app::{AppState, Intent};
use crate::data::schema::SOURCE;
use crate::format;
use crate::i18n::Lang;
use crate::query::chart::Dimension;
use crate::query::compare::{
    COMPARABLE, CompareSettings, Metric, Reference, best, difference, is_comparable,
};
use crate::query::dashboard::Dashboard;
use crate::query::values::fold;

/// The fields offered: the comparable canonical ones, then the files' text columns.
fn dimensions(state: &AppState) -> Vec<Dimension> {
    let mut dims: Vec<Dimension> = COMPARABLE.iter().map(|f| Dimension::Field(*f)).collect();
    if let Some(d) = &state.dataset {
        let schema = d.table.schema();
        dims.extend(
            d.extra_columns()
                .into_iter()
                .map(Dimension::Column)
                .filter(|c| is_comparable(c, schema)),
        );
        dims.push(Dimension::Column(SOURCE.to_string()));
    }
    dims
}

fn controls(ui: &mut egui::Ui, state: &AppState, d: &Dashboard, out: &mut Output) {
    let lang = state.settings.lang;
    let t = lang.texts();
    let current = &state.settings.compare;
    let mut next = current.clone();
    ui.horizontal_wrapped(|ui| {
        ui.label(t.compare_by);
        let combo = egui::ComboBox::from_id_salt("compare_by")
            .selected_text(lang.dimension(&current.by))
            .show_ui(ui, |ui| {
                for dim in dimensions(state) {
                    let label = lang.dimension(&dim);
                    if ui.selectable_label(dim == current.by, label).clicked() && dim != current.by
                    {
                        next = CompareSettings {
                            by: dim,
                            entities: Vec::new(),
                            ..current.clone()
                        };
                    }
                }
            });
        combo
            .response
            .widget_info(|| egui::WidgetInfo::labeled(egui::Role::ComboBox, true, t.compare_by));
        ui.separator();
        ui.label(t.compare_reference);
        ui.selectable_value(
            &mut next.reference,
            Reference::Selection,
            t.reference_selection,
        );
        ui.selectable_value(&mut next.reference, Reference::All, t.reference_all);
        let has_population = d
            .compare
            .as_ref()
            .is_some_and(|c| c.comparison.has_population);
        if has_population {
            ui.separator();
            ui.checkbox(&mut next.per_resident, t.per_resident);
        }
    });
    if next != *current {
        out.intents.push(Intent::SetCompare(next));
    }
}

/// The searchable list of values, the chosen ones first.
fn picker(ui: &mut egui::Ui, state: &AppState, d: &Dashboard, out: &mut Output) {
    let t = state.settings.lang.texts();
    let chosen = &state.settings.compare.entities;
    ui.label(egui::RichText::new(format!("{} {}", chosen.len(), t.compare_selected)).strong());
    for entity in chosen {
        ui.horizontal(|ui| {
            let remove = ui.small_button("×");
            let label = format!("{} {entity}", t.remove_source);
            remove.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &label));
            if remove.clicked() {
                out.intents
                    .push(Intent::ToggleCompareEntity(entity.clone()));
            }
            ui.add(egui::Label::new(entity).truncate());
        });
    }
    ui.separator();
    let id = egui::Id::unique("compare_search");
    let mut query: String = ui.data(|m| m.get_temp(id)).unwrap_or_default();
    let edit = ui.add(
        egui::TextEdit::singleline(&mut query)
            .hint_text(t.compare_pick)
            .desired_width(f32::INFINITY),
    );
    if edit.changed() {
        ui.data_mut(|m| m.insert_temp(id, query.clone()));
    }
    let wanted = fold(&query);
    egui::ScrollArea::vertical()
        .id_salt("compare_choices")
        .show(ui, |ui| {
            let full = chosen.len() >= crate::query::compare::MAX_ENTITIES;
            for choice in d
                .compare_choices
                .iter()
                .filter(|c| !chosen.contains(&c.name) && c.folded.contains(&wanted))
                .take(80)
            {
                let label = format!(
                    "{} ({})",
                    choice.name,
                    format::count(choice.projects as usize)
                );
                let mut on = false;
                if ui
                    .add_enabled(!full, egui::Checkbox::new(&mut on, label))
                    .changed()
                {
                    out.intents
                        .push(Intent::ToggleCompareEntity(choice.name.clone()));
                }
            }
        });
}

fn reference_name(reference: Reference, lang: Lang) -> &'static str {
    let t = lang.texts();
    match reference {
        Reference::Selection => t.reference_selection,
        Reference::All => t.reference_all,
    }
}

/// The side-by-side table.
fn table(ui: &mut egui::Ui, state: &AppState, d: &Dashboard) {
    let lang = state.settings.lang;
    let t = lang.texts();
    let Some(view) = &d.compare else {
        return;
    };
    let c = &view.comparison;
    if !c.hidden.is_empty() {
        ui.label(
            egui::RichText::new(format!("{}: {}", t.compare_hidden, c.hidden.join(", ")))
                .color(ui.visuals().warn_fg_color),
        );
    }
    let best_colour = egui::Color32::from_rgb(0, 140, 90);
    egui::ScrollArea::horizontal()
        .id_salt("compare_table")
        .show(ui, |ui| {
            egui::Grid::new("compare_grid")
                .striped(true)
                .spacing([18.0, 6.0])
                .min_col_width(170.0)
                .max_col_width(230.0)
                .show(ui, |ui| {
                    ui.strong(lang.dimension(&c.by));
                    for s in &c.entities {
                        ui.add(egui::Label::new(egui::RichText::new(&s.key).strong()).wrap());
                    }
                    ui.label(egui::RichText::new(reference_name(c.reference_kind, lang)).italics());
                    ui.end_row();
                    for metric in Metric::rows(c.has_population) {
                        ui.label(lang.metric(metric));
                        let top = best(metric, &c.entities);
                        for (i, s) in c.entities.iter().enumerate() {
                            ui.vertical(|ui| {
                                let text = if s.projects == 0 && metric != Metric::Projects {
                                    "n.d.".to_string()
                                } else {
                                    lang.metric_cell(metric, s)
                                };
                                let mut rich = egui::RichText::new(text);
                                if top == Some(i) && c.entities.len() > 1 {
                                    rich = rich.strong().color(best_colour);
                                }
                                ui.label(rich);
                                if let Some(diff) = difference(metric, s, &c.reference) {
                                    let sign = if diff > 0.0 { "+" } else { "" };
                                    ui.label(
                                        egui::RichText::new(format!(
                                            "({sign}{})",
                                            format::percent(diff)
                                        ))
                                        .small()
                                        .weak(),
                                    );
                                }
                            });
                        }
                        ui.label(
                            egui::RichText::new(lang.metric_cell(metric, &c.reference)).italics(),
                        );
                        ui.end_row();
                    }
                });
        });
    ui.label(egui::RichText::new(t.compare_difference).small().weak());
    if c.has_population {
        ui.label(
            egui::RichText::new(t.compare_population_note)
                .small()
                .weak(),
        );
    }
    if c.entities.iter().any(|s| s.projects == 0) {
        let none: Vec<&str> = c
            .entities
            .iter()
            .filter(|s| s.projects == 0)
            .map(|s| s.key.as_str())
            .collect();
        ui.label(
            egui::RichText::new(format!("{}: {}", none.join(", "), t.compare_no_projects))
                .small()
                .color(ui.visuals().warn_fg_color),
        );
    }
}

pub fn show(ui: &mut egui::Ui, state: &AppState, d: &Dashboard, out: &mut Output) {
    let t = state.settings.lang.texts();
    controls(ui, state, d, out);
    ui.separator();
    egui_extras::StripBuilder::new(ui)
        .size(egui_extras::Size::exact(250.0))
        .size(egui_extras::Size::remainder().at_least(400.0))
        .horizontal(|mut strip| {
            strip.cell(|ui| picker(ui, state, d, out));
            strip.cell(|ui| {
                if d.compare.is_none() {
                    ui.add_space(20.0);
                    ui.label(egui::RichText::new(t.compare_empty).weak());
                    return;
                }
                egui::ScrollArea::vertical()
                    .id_salt("compare_scroll")
                    .show(ui, |ui| {
                        table(ui, state, d);
                        ui.add_space(10.0);
                        for (chart, title) in [
                            (ChartId::CompareMeasures, None),
                            (ChartId::CompareProfile, None),
                            (ChartId::CompareYears, None::<&str>),
                        ] {
                            let name = crate::app::charts::view(d, chart, &state.settings)
                                .map(|v| v.title().to_string())
                                .unwrap_or_default();
                            charts::title(ui, title.unwrap_or(&name), None, state);
                            charts::bar_chart(ui, chart, &name, d, state, 260.0, out);
                            ui.add_space(12.0);
                        }
                    });
            });
        });
}
