//! The project card, laid out like the "Scheda intervento" ([`Card`]): code, title, body,
//! period, then labelled lines, the abstract and the source; with its PDF export and a way to
//! close it.

use eframe::egui;

use super::Output;
use crate::app::{AppState, Intent};
use crate::query::card::Card;

pub fn show(ui: &mut egui::Ui, state: &AppState, card: &Card, out: &mut Output) {
    let lang = state.settings.lang;
    let t = lang.texts();
    ui.horizontal(|ui| {
        if ui.button(t.export_card).clicked() {
            out.intents.push(Intent::ExportCard);
        }
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            let close = ui.small_button("×").on_hover_text(t.close_card);
            close.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, t.close_card));
            if close.clicked() {
                out.intents.push(Intent::SelectProject(None));
            }
        });
    });
    egui::ScrollArea::vertical()
        .id_salt("card_scroll")
        .show(ui, |ui| {
            ui.add_space(6.0);
            ui.label(egui::RichText::new(format!("{}: {}", t.card_title, card.code)).weak());
            ui.label(egui::RichText::new(&card.title).size(18.0).strong());
            ui.label(egui::RichText::new(&card.lead_body).strong());
            if !card.period.is_empty() {
                ui.label(&card.period);
            }
            ui.separator();
            // "Label: value" lines, as in the Scheda intervento.
            for (line, value) in &card.lines {
                ui.horizontal_wrapped(|ui| {
                    ui.spacing_mut().item_spacing.x = 4.0;
                    ui.label(egui::RichText::new(format!("{}:", lang.card_line(*line))).weak());
                    ui.label(if value.is_empty() { "—" } else { value });
                });
                ui.add_space(2.0);
            }
            if !card.abstract_text.is_empty() {
                ui.add_space(6.0);
                ui.label(egui::RichText::new(t.card_abstract).weak());
                ui.add(egui::Label::new(&card.abstract_text).wrap());
            }
            ui.add_space(6.0);
            ui.label(
                egui::RichText::new(format!("{}: {}", t.card_source, card.source))
                    .small()
                    .weak(),
            );
        });
}
