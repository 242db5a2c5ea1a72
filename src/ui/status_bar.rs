//! Status bar: projects shown of the total, load and computation times, work in progress (with
//! the step a load is at).

use eframe::egui;

use crate::app::AppState;
use crate::format;
use crate::i18n::{Lang, Noun};

/// Seconds with a decimal comma in Italian, a decimal point in English.
fn seconds(lang: Lang, value: f64, decimals: usize) -> String {
    match lang {
        Lang::It => format!("{} s", format::number_it(value, decimals)),
        Lang::En => format!("{value:.decimals$} s"),
    }
}

pub fn show(ui: &mut egui::Ui, state: &AppState) {
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
            ui.spinner();
            let step = state
                .load_stage
                .as_ref()
                .map(|stage| format!("{} · ", state.settings.lang.stage(stage)))
                .unwrap_or_default();
            ui.label(format!(
                "{} {step}{}",
                t.loading,
                seconds(lang, since.elapsed().as_secs_f64(), 1)
            ));
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
