//! Status bar: projects shown of the total, load and computation times, work in progress (with
//! the step a load is at).

use eframe::egui;

use crate::app::{AppState, Intent};
use crate::format;
use crate::i18n::{Lang, Noun};

/// Seconds with a decimal comma in Italian, a decimal point in English.
fn seconds(lang: Lang, value: f64, decimals: usize) -> String {
    match lang {
        Lang::It => format!("{} s", format::number_it(value, decimals)),
        Lang::En => format!("{value:.decimals$} s"),
    }
}

pub fn show(ui: &mut egui::Ui, state: &AppState, out: &mut super::Output) {
    let lang = state.settings.lang;
    let t = lang.texts();
    ui.horizontal(|ui| {
        if let Some(d) = &state.dashboard {
            ui.label(format!(
                "{} {} {}",
                format::count(d.kpis.projects as usize),
                t.shown_of,
                lang.count(d.kpis.all_projects as usize, Noun::Project)
            ));
            if state.preview.is_some() {
                let warn = ui.visuals().warn_fg_color;
                ui.label(egui::RichText::new(format!("({})", t.preview_title)).color(warn));
            }
            ui.separator();
            if let Some(load) = state.load_time {
                ui.label(format!(
                    "{} {}",
                    t.loaded_in,
                    seconds(lang, load.as_secs_f64(), 2)
                ));
                ui.separator();
            }
            ui.label(format!("{} {} ms", t.computed_in, d.elapsed.as_millis()));
        }
        if let Some(since) = state.loading_since {
            ui.separator();
            let stage = state.load_stage.as_ref();
            match stage.and_then(|s| s.fraction()) {
                Some(fraction) => {
                    ui.add(egui::ProgressBar::new(fraction).desired_width(120.0));
                }
                None => {
                    ui.spinner();
                }
            }
            let step = stage
                .map(|stage| format!("{} · ", state.settings.lang.stage(stage)))
                .unwrap_or_default();
            ui.label(format!(
                "{} {step}{}",
                t.loading,
                seconds(lang, since.elapsed().as_secs_f64(), 1)
            ));
            // Without a dashboard the window's centre shows the load with its own button.
            if state.dashboard.is_some() && ui.small_button(t.cancel_load).clicked() {
                out.intents.push(Intent::CancelLoad);
            }
        } else if state.computing_since.is_some() {
            ui.separator();
            ui.spinner();
            ui.label(t.computing);
        }
        if state.exporting > 0 {
            ui.separator();
            ui.spinner();
            ui.label(t.exporting);
        }
    });
}
