//! The project card, laid out like the "Scheda intervento": code, title, body, period, then
//! territory, funding, amounts, nature, scope, target groups, outcome and abstract.

use eframe::egui;
use polars::prelude::*;

use super::projects::cell_text;
use crate::app::AppState;
use crate::data::schema::{Field, SOURCE, SOURCE_ROW};

fn text(table: &DataFrame, column: &str, row: usize) -> String {
    table
        .column(column)
        .ok()
        .and_then(|c| c.get(row).ok())
        .map(cell_text)
        .unwrap_or_default()
}

pub fn show(ui: &mut egui::Ui, state: &AppState, table: &DataFrame, row: usize) {
    let t = state.settings.lang.texts();
    let get = |f: Field| text(table, f.name(), row);
    egui::ScrollArea::vertical()
        .id_salt("card_scroll")
        .show(ui, |ui| {
            ui.add_space(6.0);
            ui.label(egui::RichText::new(format!("{}: {}", t.card_title, get(Field::Id))).weak());
            ui.label(egui::RichText::new(get(Field::Title)).size(18.0).strong());
            ui.label(egui::RichText::new(get(Field::LeadBody)).strong());
            let start = get(Field::StartDate);
            let end = get(Field::EndDate);
            if !start.is_empty() || !end.is_empty() {
                let side = |s: String| if s.is_empty() { "…".to_string() } else { s };
                ui.label(format!("{} – {}", side(start), side(end)));
            }
            ui.separator();
            let territory: Vec<String> = [Field::Region, Field::Province, Field::Municipality]
                .iter()
                .map(|f| get(*f))
                .filter(|s| !s.is_empty())
                .collect();
            let territory = if territory.is_empty() {
                String::new()
            } else {
                format!("Italia, {}", territory.join(", "))
            };
            let rows = [
                (t.card_territory, territory),
                (t.card_funding, get(Field::FundingSource)),
                (t.card_amount, get(Field::AmountGranted)),
                (t.card_spent, get(Field::AmountSpent)),
                (t.card_nature, get(Field::Nature)),
                (t.card_scope, get(Field::Scope)),
                (t.card_age, get(Field::AgeGroups)),
                (t.card_citizenship, get(Field::Citizenship)),
                (t.card_vulnerable, get(Field::VulnerableGroups)),
                (t.card_outcome, get(Field::Outcome)),
                (t.card_partners, get(Field::Partners)),
                (t.card_programme, get(Field::Programme)),
            ];
            // "Label: value" lines, as in the Scheda intervento.
            for (label, value) in rows {
                ui.horizontal_wrapped(|ui| {
                    ui.spacing_mut().item_spacing.x = 4.0;
                    ui.label(egui::RichText::new(format!("{label}:")).weak());
                    ui.label(if value.is_empty() {
                        "—".to_string()
                    } else {
                        value
                    });
                });
                ui.add_space(2.0);
            }
            let abstract_text = get(Field::Abstract);
            if !abstract_text.is_empty() {
                ui.add_space(6.0);
                ui.label(egui::RichText::new(t.card_abstract).weak());
                ui.add(egui::Label::new(abstract_text).wrap());
            }
            ui.add_space(6.0);
            ui.label(
                egui::RichText::new(format!(
                    "{}: {} · {}",
                    t.card_source,
                    text(table, SOURCE, row),
                    text(table, SOURCE_ROW, row)
                ))
                .small()
                .weak(),
            );
        });
}
