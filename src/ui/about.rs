//! The *Informazioni* window: what Cruscotto is, which version and build, how it draws, where
//! its reference data and fonts come from, and the cache of files already read.

use eframe::egui;

use crate::app::{AppState, Intent};

use super::Output;

/// The build: commit and date, target, profile (set by `build.rs`).
pub const BUILD: &str = env!("CRUSCOTTO_BUILD");

pub fn show(ctx: &egui::Context, state: &AppState, out: &mut Output) {
    let lang = state.settings.lang;
    let t = lang.texts();
    let mut open = true;
    egui::Window::new(t.about)
        .open(&mut open)
        .collapsible(false)
        .resizable(false)
        .default_width(520.0)
        .show(ctx, |ui| {
            ui.heading(format!("Cruscotto {}", env!("CARGO_PKG_VERSION")));
            ui.label(t.about_text);
            ui.add_space(6.0);
            egui::Grid::new("about_build").num_columns(2).show(ui, |ui| {
                ui.label(lang.pick("Versione", "Version"));
                ui.label(env!("CARGO_PKG_VERSION"));
                ui.end_row();
                ui.label(lang.pick("Build", "Build"));
                ui.label(BUILD);
                ui.end_row();
                ui.label(lang.pick("Grafica", "Graphics"));
                ui.label(state.renderer.as_deref().unwrap_or("n.d."))
                    .on_hover_text(lang.pick(
                        "Per cambiarla: cruscotto --renderer glow (OpenGL) o wgpu; --renderer auto torna alla scelta automatica.",
                        "To change it: cruscotto --renderer glow (OpenGL) or wgpu; --renderer auto goes back to the automatic choice.",
                    ));
                ui.end_row();
            });
            ui.separator();
            ui.label(egui::RichText::new(lang.pick("Dati di riferimento e caratteri", "Reference data and fonts")).strong());
            ui.label(lang.pick(
                "Codici, nomi e popolazione di regioni, province e comuni: ISTAT (elenco dei codici delle unità territoriali; popolazione residente al 1° gennaio 2023), CC BY 3.0 IT, © ISTAT.",
                "Codes, names and population of regions, provinces and municipalities: ISTAT (list of territorial codes; resident population at 1 January 2023), CC BY 3.0 IT, © ISTAT.",
            ));
            ui.label(lang.pick(
                "Confini e centroidi per le mappe: Openpolis, geojson-italy, CC BY 4.0, © Openpolis, su confini amministrativi ISTAT. Fonte: elaborazione su dati ISTAT e Openpolis.",
                "Boundaries and centroids for the maps: Openpolis, geojson-italy, CC BY 4.0, © Openpolis, on ISTAT's administrative boundaries. Source: elaboration on ISTAT and Openpolis data.",
            ));
            ui.label(lang.pick(
                "Caratteri: Noto Sans, © Google, SIL Open Font License 1.1 (grafici, mappe e PDF esportati); caratteri dell'interfaccia di egui: Ubuntu Light (Ubuntu Font Licence 1.0), Hack (MIT), Noto Emoji (OFL 1.1), Emoji Icon Font (MIT).",
                "Fonts: Noto Sans, © Google, SIL Open Font License 1.1 (exported charts, maps and PDFs); egui's interface fonts: Ubuntu Light (Ubuntu Font Licence 1.0), Hack (MIT), Noto Emoji (OFL 1.1), Emoji Icon Font (MIT).",
            ));
            ui.label(lang.pick("Cruscotto è distribuito con licenza MIT.", "Cruscotto is distributed under the MIT licence."));
            if let Some(cache) = &state.cache {
                ui.separator();
                ui.horizontal(|ui| {
                    let size = crate::format::bytes(state.cache_size.unwrap_or(0));
                    ui.label(lang.pick_owned(
                        &format!("File già interpretati, per riaprirli più in fretta: {size}"),
                        &format!("Files already interpreted, to reopen them faster: {size}"),
                    ))
                    .on_hover_text(cache.dir().display().to_string());
                    if ui.button(lang.pick("Svuota la cache", "Clear the cache")).clicked() {
                        out.intents.push(Intent::ClearCache);
                    }
                });
            }
        });
    if !open {
        out.intents.push(Intent::ToggleAbout);
    }
}
