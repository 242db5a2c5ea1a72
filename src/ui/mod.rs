//! Drawing: each panel or tab in its own file. Widgets read the [`AppState`] and push
//! [`Intent`]s; they never parse, aggregate or change state themselves.

mod about;
mod card;
mod chart_menu;
mod charts;
mod compare;
mod explore;
mod export_dialog;
mod kpi;
mod overview;
mod projects;
mod quality;
mod series_charts;
mod side_panel;
mod status_bar;
mod territory;
mod top_bar;

use std::collections::HashMap;

use eframe::egui;

use crate::app::settings::Tab;
use crate::app::{AppState, Intent};

/// What one frame of drawing produced.
#[derive(Default)]
pub struct Output {
    pub intents: Vec<Intent>,
    /// Screen centres of the bars drawn, per chart id.
    pub bar_centres: HashMap<String, Vec<(String, egui::Pos2)>>,
    /// Where each chart was drawn.
    pub chart_rects: HashMap<crate::app::charts::ChartId, egui::Rect>,
}

/// The window's fonts: egui's own, with its monospace font (Hack) as a fallback of the
/// proportional text, for the arrows and symbols the controls use (▲ ▼ ▾ ≡).
pub fn install_fonts(ctx: &egui::Context) {
    let mut fonts = egui::FontDefinitions::default();
    // Hack (monospace) fills in the symbols Ubuntu lacks, before the emoji fonts do.
    if let Some(family) = fonts.families.get_mut(&egui::FontFamily::Proportional) {
        family.retain(|f| f != "Hack");
        family.insert(1.min(family.len()), "Hack".to_owned());
    }
    ctx.set_fonts(fonts);
}

/// Draws the whole window.
pub fn draw(ui: &mut egui::Ui, state: &AppState, out: &mut Output) {
    let t = state.settings.lang.texts();
    egui::Panel::top("top_bar").show(ui, |ui| top_bar::show(ui, state, out));
    egui::Panel::bottom("status_bar").show(ui, |ui| status_bar::show(ui, state, out));
    egui::Panel::left("side_panel")
        .resizable(true)
        .default_size(290.0)
        .size_range(220.0..=520.0)
        .show(ui, |ui| side_panel::show(ui, state, out));
    egui::CentralPanel::default().show(ui, |ui| {
        errors(ui, state, out);
        preview_banner(ui, state);
        ui.horizontal(|ui| {
            for (tab, label) in [
                (Tab::Overview, t.tab_overview),
                (Tab::Explore, t.tab_explore),
                (Tab::Territory, t.tab_territory),
                (Tab::Compare, t.tab_compare),
                (Tab::Projects, t.tab_projects),
                (Tab::Quality, t.tab_quality),
            ] {
                let problems = state.quality.as_ref().map_or(0, |q| q.findings.len());
                let label = if tab == Tab::Compare && !state.settings.compare.entities.is_empty() {
                    format!("{label} ({})", state.settings.compare.entities.len())
                } else if tab == Tab::Quality && problems > 0 {
                    format!("{label} ({})", crate::format::count(problems))
                } else {
                    label.to_string()
                };
                let selected = state.settings.tab == tab;
                let text = egui::RichText::new(label).size(15.0);
                if ui
                    .selectable_label(selected, if selected { text.strong() } else { text })
                    .clicked()
                {
                    out.intents.push(Intent::SetTab(tab));
                }
            }
        });
        active_filters(ui, state, out);
        ui.separator();
        let Some(dashboard) = &state.dashboard else {
            ui.add_space(40.0);
            ui.vertical_centered(|ui| {
                if state.loading_since.is_some() {
                    ui.label(egui::RichText::new(t.loading).size(16.0));
                    ui.add_space(6.0);
                    load_progress(ui, state, out, 420.0);
                } else if state.computing_since.is_some() {
                    ui.spinner();
                    ui.label(t.computing);
                } else {
                    ui.label(egui::RichText::new(t.empty_state).size(16.0));
                    if ui.button(t.open).clicked() {
                        out.intents.push(Intent::OpenDialog { add: false });
                    }
                }
            });
            return;
        };
        match state.settings.tab {
            Tab::Overview => overview::show(ui, state, dashboard, out),
            Tab::Explore => explore::show(ui, state, dashboard, out),
            Tab::Territory => territory::show(ui, state, dashboard, out),
            Tab::Compare => compare::show(ui, state, dashboard, out),
            Tab::Projects => projects::show(ui, state, dashboard, out),
            Tab::Quality => quality::show(ui, state, out),
        }
    });
    export_dialog::show(ui.ctx(), state, out);
    notices(ui.ctx(), state, out);
    if state.about_open {
        about::show(ui.ctx(), state, out);
    }
    if ui.ctx().input(|i| !i.raw.hovered_files.is_empty()) {
        let rect = ui.ctx().content_rect();
        let painter = ui.ctx().layer_painter(egui::LayerId::new(
            egui::Order::Foreground,
            egui::Id::unique("drop_hint"),
        ));
        painter.rect_filled(rect, 0.0, egui::Color32::from_black_alpha(160));
        painter.text(
            rect.center(),
            egui::Align2::CENTER_CENTER,
            t.drop_hint,
            egui::FontId::proportional(24.0),
            egui::Color32::WHITE,
        );
    }
}

/// While only the first rows of a file are shown: how many, what share of the file, and that
/// every figure is provisional — above every tab, in the warning colour.
fn preview_banner(ui: &mut egui::Ui, state: &AppState) {
    let Some(preview) = state.preview else {
        return;
    };
    let t = state.settings.lang.texts();
    let warn = ui.visuals().warn_fg_color;
    egui::Frame::new()
        .fill(warn.gamma_multiply(0.15))
        .stroke(egui::Stroke::new(1.5, warn))
        .corner_radius(4.0)
        .inner_margin(8.0)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.horizontal_wrapped(|ui| {
                ui.label(egui::RichText::new(t.preview_title).strong().color(warn));
                // Once a file is read whole, the figures shown are still the preview's.
                if !preview.whole_read {
                    ui.label(format!(
                        "— {} {} ({} {})",
                        crate::format::count(preview.rows),
                        t.preview_rows,
                        crate::format::percent(preview.share),
                        t.preview_of_file
                    ));
                }
            });
            ui.label(egui::RichText::new(if preview.whole_read {
                t.preview_whole_read
            } else {
                t.preview_hint
            }));
        });
    ui.add_space(4.0);
}

fn errors(ui: &mut egui::Ui, state: &AppState, out: &mut Output) {
    let t = state.settings.lang.texts();
    for (i, message) in state.errors.iter().enumerate() {
        egui::Frame::new()
            .fill(ui.visuals().error_fg_color.gamma_multiply(0.15))
            .stroke(egui::Stroke::new(1.0, ui.visuals().error_fg_color))
            .corner_radius(4.0)
            .inner_margin(8.0)
            .show(ui, |ui| {
                ui.horizontal(|ui| {
                    ui.vertical(|ui| {
                        ui.strong(t.error_title);
                        ui.label(message);
                        ui.small(t.error_hint);
                    });
                    let dismiss = ui.button("×").on_hover_text(t.dismiss);
                    dismiss.widget_info(|| {
                        egui::WidgetInfo::labeled(egui::Role::Button, true, t.dismiss)
                    });
                    if dismiss.clicked() {
                        out.intents.push(Intent::DismissError(i));
                    }
                });
            });
        ui.add_space(4.0);
    }
}

/// What exports did — saved files (green), failures naming the file and the reason (red) — in
/// the bottom-right corner, over the dashboard (so nothing moves when one appears).
fn notices(ctx: &egui::Context, state: &AppState, out: &mut Output) {
    if state.notices.is_empty() {
        return;
    }
    egui::Area::new(egui::Id::unique("notices"))
        .order(egui::Order::Foreground)
        .anchor(egui::Align2::RIGHT_BOTTOM, egui::vec2(-12.0, -36.0))
        .show(ctx, |ui| {
            ui.set_max_width(520.0);
            notice_list(ui, state, out);
        });
}

fn notice_list(ui: &mut egui::Ui, state: &AppState, out: &mut Output) {
    let t = state.settings.lang.texts();
    for (i, notice) in state.notices.iter().enumerate() {
        let colour = if notice.error {
            ui.visuals().error_fg_color
        } else {
            egui::Color32::from_rgb(0, 140, 90)
        };
        egui::Frame::new()
            .fill(ui.visuals().panel_fill)
            .stroke(egui::Stroke::new(1.5, colour))
            .shadow(ui.visuals().popup_shadow)
            .corner_radius(4.0)
            .inner_margin(6.0)
            .show(ui, |ui| {
                ui.horizontal(|ui| {
                    let dismiss = ui.small_button("×").on_hover_text(t.dismiss);
                    dismiss.widget_info(|| {
                        egui::WidgetInfo::labeled(egui::Role::Button, true, t.dismiss)
                    });
                    if dismiss.clicked() {
                        out.intents.push(Intent::DismissNotice(i));
                    }
                    ui.add(egui::Label::new(&notice.text).wrap());
                });
            });
        ui.add_space(4.0);
    }
}

/// The active filters as chips; clicking one removes it (the way back from a cross-filter).
fn active_filters(ui: &mut egui::Ui, state: &AppState, out: &mut Output) {
    let filters = &state.settings.filters;
    if filters.active_count() == 0 {
        return;
    }
    let lang = state.settings.lang;
    let t = lang.texts();
    ui.horizontal_wrapped(|ui| {
        let absent = state
            .dashboard
            .as_ref()
            .map(|d| d.absent_filters.as_slice())
            .unwrap_or_default();
        for (column, values) in &filters.values {
            for value in values {
                let missing = absent.iter().any(|(c, v)| c == column && v == value);
                let chip = if missing {
                    // A value no project has (a saved view's, say): visible, marked, removable.
                    egui::RichText::new(format!(
                        "{}: {} ({})  ×",
                        lang.column(column),
                        lang.key(value),
                        t.absent_value
                    ))
                    .color(ui.visuals().warn_fg_color)
                } else {
                    egui::RichText::new(format!("{}: {}  ×", lang.column(column), lang.key(value)))
                };
                if ui.button(chip).clicked() {
                    out.intents.push(Intent::ToggleFilter {
                        column: column.clone(),
                        value: value.clone(),
                    });
                }
            }
        }
        if let Some((from, to)) = filters.years {
            let text = if from == to {
                from.to_string()
            } else {
                format!("{from}–{to}")
            };
            if ui.button(format!("{}: {text}  ×", t.period)).clicked() {
                out.intents.push(Intent::ClearFilter("year".into()));
            }
        }
        if !filters.rows.is_empty()
            && ui
                .button(format!(
                    "{}: {}  ×",
                    t.chosen_rows,
                    lang.count(filters.rows.len(), crate::i18n::Noun::Row)
                ))
                .clicked()
        {
            out.intents
                .push(Intent::ClearFilter(crate::query::filters::ROWS_KEY.into()));
        }
        if !filters.text.trim().is_empty()
            && ui
                .button(format!("{}: «{}»  ×", t.search, filters.text.trim()))
                .clicked()
        {
            out.intents.push(Intent::ClearFilter("text".into()));
        }
        if ui
            .button(egui::RichText::new(t.clear_all).strong())
            .clicked()
        {
            out.intents.push(Intent::ClearAll);
        }
    });
}

/// The load under way: a bar (the bytes read, or moving while the rows are interpreted), the
/// step in words, and a button that stops it.
pub fn load_progress(ui: &mut egui::Ui, state: &AppState, out: &mut Output, width: f32) {
    let lang = state.settings.lang;
    let stage = state.load_stage.as_ref();
    let text = stage.map(|s| lang.stage(s)).unwrap_or_default();
    let bar = match stage.and_then(|s| s.fraction()) {
        Some(fraction) => egui::ProgressBar::new(fraction).show_percentage(),
        None => egui::ProgressBar::new(0.0).animate(true),
    };
    ui.add(bar.desired_width(width));
    if !text.is_empty() {
        ui.label(egui::RichText::new(text).weak());
    }
    if ui.button(lang.texts().cancel_load).clicked() {
        out.intents.push(Intent::CancelLoad);
    }
}
