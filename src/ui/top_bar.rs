//! Top bar: open, add files, exports (report), saved views, recent files, language, theme,
//! about.

use eframe::egui;

use super::Output;
use crate::app::{AppState, Intent};
use crate::i18n::Lang;

pub fn show(ui: &mut egui::Ui, state: &AppState, out: &mut Output) {
    let t = state.settings.lang.texts();
    ui.horizontal(|ui| {
        ui.label(egui::RichText::new("Cruscotto").size(20.0).strong());
        ui.label(egui::RichText::new(t.app_subtitle).weak());
        ui.separator();
        if ui.button(t.open).on_hover_text("Ctrl+O").clicked() {
            out.intents.push(Intent::OpenDialog { add: false });
        }
        if ui
            .add_enabled(state.preview.is_none(), egui::Button::new(t.add_files))
            .on_disabled_hover_text(t.wait_for_whole_file)
            .clicked()
        {
            out.intents.push(Intent::OpenDialog { add: true });
        }
        ui.menu_button(t.export_menu, |ui| {
            // Nothing leaves the window while only a preview of a file is shown.
            let ready = state.dashboard.is_some() && state.preview.is_none();
            if ui
                .add_enabled(ready, egui::Button::new(t.export_report))
                .on_disabled_hover_text(t.wait_for_whole_file)
                .clicked()
            {
                out.intents.push(Intent::ExportReport);
                ui.close();
            }
        });
        ui.menu_button(t.views, |ui| {
            let ready = state.dataset.is_some();
            if ui
                .add_enabled(
                    ready && state.preview.is_none(),
                    egui::Button::new(t.save_view),
                )
                .on_disabled_hover_text(t.wait_for_whole_file)
                .clicked()
            {
                out.intents.push(Intent::SaveView);
                ui.close();
            }
            if ui.button(t.open_view).clicked() {
                out.intents.push(Intent::OpenView);
                ui.close();
            }
            if ui
                .add_enabled(ready, egui::Button::new(t.apply_view))
                .on_hover_text(t.apply_view_hint)
                .clicked()
            {
                out.intents.push(Intent::ApplyView);
                ui.close();
            }
        });
        ui.menu_button(t.recent, |ui| {
            if state.settings.recent.is_empty() {
                ui.label(t.no_recent);
            }
            for path in &state.settings.recent {
                let name = path.display().to_string();
                if ui.button(&name).clicked() {
                    out.intents.push(Intent::OpenFiles(vec![path.clone()]));
                    ui.close();
                }
            }
        });
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui.button(t.about).clicked() {
                out.intents.push(Intent::ToggleAbout);
            }
            let dark = state.settings.dark;
            let theme = if dark { t.theme_light } else { t.theme_dark };
            if ui.button(theme).clicked() {
                out.intents.push(Intent::SetDark(!dark));
            }
            for (lang, label) in [(Lang::En, "EN"), (Lang::It, "IT")] {
                if ui
                    .selectable_label(state.settings.lang == lang, label)
                    .clicked()
                {
                    out.intents.push(Intent::SetLang(lang));
                }
            }
        });
    });
}
