//! Status bar: projects shown of the total, load and computation times, work in progress.

use eframe::egui;

use crate::app::AppState;
use crate::format;

pub fn show(ui: &mut egui::Ui, state: &AppState) {
    let t = state.settings.lang.texts();
    ui.horizontal(|ui| {
        if let Some(d) = &state.dashboard {
            ui.label(format!(
                "{} {} {} {}",
                format::count(d.kpis.projects as usize),
                t.shown_of,
                format::count(d.kpis.all_projects as usize),
                t.projects_word
            ));
            ui.separator();
            if let Some(load) = state.load_time {
                ui.label(format!("{} {:.2} s", t.loaded_in, load.as_secs_f64()));
                ui.separator();
            }
            ui.label(format!("{} {} ms", t.computed_in, d.elapsed.as_millis()));
        }
        if let Some(since) = state.loading_since {
            ui.separator();
            ui.spinner();
            ui.label(format!(
                "{} {:.1} s",
                t.loading,
                since.elapsed().as_secs_f32()
            ));
        } else if state.computing_since.is_some() {
            ui.separator();
            ui.spinner();
            ui.label(t.computing);
        }
    });
}
