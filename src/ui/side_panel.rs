//! Left panel: the loaded sources, then the filters with counts, a summary of the active filters
//! and a way to clear them.

use eframe::egui;

use super::Output;
use crate::app::{AppState, Intent};
use crate::data::schema::Field;
use crate::format;
use crate::i18n::Noun;
use crate::query::Key;
use crate::query::dashboard::FACETS;
use crate::query::values::fold;

/// Values listed per filter before asking to search.
const MAX_VALUES: usize = 60;

pub fn show(ui: &mut egui::Ui, state: &AppState, out: &mut Output) {
    let t = state.settings.lang.texts();
    let lang = state.settings.lang;
    egui::ScrollArea::vertical().show(ui, |ui| {
        ui.add_space(4.0);
        ui.label(egui::RichText::new(t.sources).strong().size(15.0));
        if let Some(dataset) = &state.dataset {
            for (i, s) in dataset.sources.iter().enumerate() {
                ui.horizontal(|ui| {
                    let remove_label = format!("{} {}", t.remove_source, s.label.clone());
                    let remove = ui.small_button("×").on_hover_text(&remove_label);
                    remove.widget_info(|| {
                        egui::WidgetInfo::labeled(egui::Role::Button, true, &remove_label)
                    });
                    if remove.clicked() {
                        out.intents.push(Intent::RemoveSource(i));
                    }
                    ui.vertical(|ui| {
                        let mut details: String =
                            s.notes.iter().map(|n| lang.note(n) + "\n").collect();
                        details.push('\n');
                        for c in &s.mapping.choices {
                            details.push_str(&format!(
                                "{} ← '{}' ({})\n",
                                lang.field(c.field),
                                c.header,
                                lang.reason(&c.reason)
                            ));
                        }
                        ui.label(egui::RichText::new(s.label.clone()).strong())
                            .on_hover_text(details);
                        if s.sheets.len() > 1 {
                            let current = s.origin.sheet.clone().unwrap_or_default();
                            let combo = egui::ComboBox::from_id_salt(("sheet", i))
                                .selected_text(format!("{}: {current}", t.sheet))
                                .show_ui(ui, |ui| {
                                    for sheet in &s.sheets {
                                        if ui.selectable_label(*sheet == current, sheet).clicked()
                                            && *sheet != current
                                        {
                                            out.intents.push(Intent::ChooseSheet {
                                                source: i,
                                                sheet: sheet.clone(),
                                            });
                                        }
                                    }
                                });
                            combo.response.widget_info(|| {
                                egui::WidgetInfo::labeled(
                                    egui::Role::ComboBox,
                                    true,
                                    format!("{} {}", t.sheet, s.label.clone()),
                                )
                            });
                        }
                        ui.label(
                            egui::RichText::new(format!(
                                "{} · {} · {}",
                                s.origin.format.label(),
                                lang.count(s.rows, Noun::Row),
                                lang.count(
                                    state.quality.as_ref().map_or(s.problems, |q| {
                                        q.findings.iter().filter(|f| f.source == s.label).count()
                                    }),
                                    Noun::Problem
                                )
                            ))
                            .small()
                            .weak(),
                        );
                    });
                });
            }
        }
        ui.separator();
        let filters = &state.settings.filters;
        ui.horizontal(|ui| {
            ui.label(egui::RichText::new(t.filters).strong().size(15.0));
            let active = filters.active_count();
            if active > 0 {
                ui.label(
                    egui::RichText::new(lang.count(active, Noun::ActiveFilter))
                        .color(ui.visuals().warn_fg_color),
                );
            }
        });
        if filters.active_count() > 0 {
            if ui.button(t.clear_all).clicked() {
                out.intents.push(Intent::ClearAll);
            }
        } else {
            ui.label(egui::RichText::new(t.no_filters).small().weak());
        }
        ui.add_space(4.0);
        ui.label(t.search);
        let mut text = filters.text.clone();
        let edit = ui.add(
            egui::TextEdit::singleline(&mut text)
                .hint_text(t.search_hint)
                .desired_width(f32::INFINITY),
        );
        if edit.changed() {
            out.intents.push(Intent::SetText(text));
        }
        if let Some((lo, hi)) = state.year_bounds {
            ui.add_space(4.0);
            ui.horizontal(|ui| {
                ui.label(t.period);
                let mut on = filters.years.is_some();
                let toggle = ui.checkbox(&mut on, "").on_hover_text(t.period);
                toggle.widget_info(|| {
                    egui::WidgetInfo::selected(egui::Role::CheckBox, true, on, t.period)
                });
                if toggle.changed() {
                    out.intents.push(Intent::SetYears(on.then_some((lo, hi))));
                }
            });
            if let Some((mut from, mut to)) = filters.years {
                ui.horizontal(|ui| {
                    let a = ui.add(egui::DragValue::new(&mut from).range(lo..=hi));
                    ui.label("–");
                    let b = ui.add(egui::DragValue::new(&mut to).range(lo..=hi));
                    a.widget_info(|| {
                        egui::WidgetInfo::labeled(
                            egui::Role::SpinButton,
                            true,
                            format!("{} ▸", t.period),
                        )
                    });
                    b.widget_info(|| {
                        egui::WidgetInfo::labeled(
                            egui::Role::SpinButton,
                            true,
                            format!("{} ◂", t.period),
                        )
                    });
                    if a.changed() || b.changed() {
                        out.intents
                            .push(Intent::SetYears(Some((from.min(to), from.max(to)))));
                    }
                });
            } else {
                ui.label(egui::RichText::new(t.all_years).small().weak());
            }
        }
        let Some(dashboard) = &state.dashboard else {
            return;
        };
        for (field, facet) in FACETS.iter().zip(&dashboard.facets) {
            let selected = filters
                .values
                .get(&facet.column)
                .map(|v| v.len())
                .unwrap_or(0);
            let title = if selected > 0 {
                format!("{} ({selected})", lang.field(*field))
            } else {
                lang.field(*field).to_string()
            };
            let open_by_default = matches!(field, Field::Programme | Field::Province);
            egui::CollapsingHeader::new(title)
                .id_salt(&facet.column)
                .default_open(open_by_default)
                .show(ui, |ui| {
                    if selected > 0 && ui.small_button(t.clear).clicked() {
                        out.intents.push(Intent::ClearFilter(facet.column.clone()));
                    }
                    // Every value is reachable: a search box over the facet's own values.
                    let search_id = egui::Id::unique("facet_search").with(&facet.column);
                    let mut query: String = ui.data(|m| m.get_temp(search_id)).unwrap_or_default();
                    if facet.values.len() > 10 {
                        let edit = ui.add(
                            egui::TextEdit::singleline(&mut query)
                                .hint_text(t.facet_search)
                                .desired_width(f32::INFINITY),
                        );
                        edit.widget_info(|| {
                            egui::WidgetInfo::labeled(
                                egui::Role::TextInput,
                                true,
                                format!("{} {}", t.facet_search, lang.field(*field)),
                            )
                        });
                        if edit.changed() {
                            ui.data_mut(|m| m.insert_temp(search_id, query.clone()));
                        }
                    }
                    let wanted = fold(&query);
                    let matching: Vec<&(Key, u64)> = facet
                        .values
                        .iter()
                        .filter(|(value, _)| {
                            wanted.is_empty() || fold(&lang.key(value)).contains(&wanted)
                        })
                        .collect();
                    for (value, count) in matching.iter().take(MAX_VALUES) {
                        let mut checked = filters.is_selected(&facet.column, value);
                        let label =
                            format!("{} ({})", lang.key(value), format::count(*count as usize));
                        if ui.checkbox(&mut checked, label).changed() {
                            out.intents.push(Intent::ToggleFilter {
                                column: facet.column.clone(),
                                value: value.clone(),
                            });
                        }
                    }
                    if matching.len() > MAX_VALUES {
                        ui.label(
                            egui::RichText::new(format!(
                                "+{} {}",
                                matching.len() - MAX_VALUES,
                                t.more_values
                            ))
                            .small()
                            .weak(),
                        );
                    }
                });
        }
    });
}
