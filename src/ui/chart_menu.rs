//! The menu every chart carries — a small button above its top-right corner and the
//! right-click menu: copy the image, save it as PNG, export a report-quality picture or the data.

use eframe::egui;

use super::Output;
use crate::app::charts::ChartId;
use crate::app::exports::ChartAction;
use crate::app::{AppState, Intent};
use crate::query::chart::Dimension;

fn items(
    ui: &mut egui::Ui,
    state: &AppState,
    chart: ChartId,
    compare_target: Option<&(Dimension, String)>,
    out: &mut Output,
) {
    let t = state.settings.lang.texts();
    if let Some((by, value)) = compare_target {
        if ui
            .button(format!("{}: {value}", t.add_to_compare))
            .clicked()
        {
            out.intents.push(Intent::AddToCompare {
                by: by.clone(),
                value: value.clone(),
            });
            ui.close();
        }
        ui.separator();
    }
    let actions = [
        (t.copy_image, ChartAction::CopyImage),
        (t.save_png, ChartAction::SavePng),
        (t.export_chart, ChartAction::ExportPicture),
        (t.export_data, ChartAction::ExportData { excel_it: false }),
        (
            t.export_data_excel_it,
            ChartAction::ExportData { excel_it: true },
        ),
    ];
    for (label, action) in actions {
        if ui.button(label).clicked() {
            out.intents.push(Intent::Chart { chart, action });
            ui.close();
        }
    }
}

/// Records where `chart` is, and gives it its menu: on right click of `response` (with "add to
/// the comparison" for the bar or bubble right-clicked, `compare_target`) and behind a button
/// above the corner of `rect` (hidden while the chart's image is being taken).
#[allow(clippy::too_many_arguments)]
pub fn attach(
    ui: &mut egui::Ui,
    state: &AppState,
    chart: ChartId,
    name: &str,
    response: &egui::Response,
    rect: egui::Rect,
    compare_target: Option<(Dimension, String)>,
    out: &mut Output,
) {
    out.chart_rects.insert(chart, rect);
    if state.capture.is_some() {
        return;
    }
    response.context_menu(|ui| items(ui, state, chart, compare_target.as_ref(), out));
    let t = state.settings.lang.texts();
    let size = egui::vec2(26.0, 22.0);
    // In the title row, right above the chart's top-right corner: never over the bars.
    let corner = egui::Rect::from_min_size(
        egui::pos2(rect.right() - size.x - 2.0, rect.top() - size.y - 1.0),
        size,
    );
    let label = format!("{}: {name}", t.chart_menu);
    let button = ui
        .place(corner, egui::Button::new("≡").small())
        .on_hover_text(&label);
    button.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &label));
    egui::Popup::menu(&button).show(|ui| items(ui, state, chart, None, out));
}
