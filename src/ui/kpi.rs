//! KPI cards: a label, a big number, an optional note.

use eframe::egui;

/// Draws one card; `why` explains on hover a value the data cannot give ("n.d.").
pub fn card(ui: &mut egui::Ui, label: &str, value: &str, note: Option<&str>, why: Option<&str>) {
    let frame = egui::Frame::group(ui.style())
        .inner_margin(egui::Margin::symmetric(12, 8))
        .corner_radius(6.0)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.vertical(|ui| {
                ui.label(egui::RichText::new(label).small().weak());
                ui.label(egui::RichText::new(value).size(22.0).strong());
                if let Some(note) = note {
                    ui.label(egui::RichText::new(note).small().weak());
                }
            });
        });
    if let Some(why) = why {
        frame.response.on_hover_text(why);
    }
}
