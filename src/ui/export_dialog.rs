//! The "Esporta grafico" window: format, size, PNG scale and title of a report-quality picture
//! of one chart, before the file dialog asks where to save it.

use eframe::egui;

use super::Output;
use crate::app::{AppState, Intent};
use crate::export::picture::PictureFormat;

pub fn show(ctx: &egui::Context, state: &AppState, out: &mut Output) {
    let Some((chart, options)) = &state.picture_dialog else {
        return;
    };
    let t = state.settings.lang.texts();
    let mut next = options.clone();
    let mut open = true;
    let mut action = None;
    egui::Window::new(t.export_picture_title)
        .open(&mut open)
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
        .show(ctx, |ui| {
            egui::Grid::new("picture_export_grid")
                .num_columns(2)
                .spacing([12.0, 8.0])
                .show(ui, |ui| {
                    ui.label(t.title);
                    ui.add(egui::TextEdit::singleline(&mut next.title).desired_width(320.0));
                    ui.end_row();
                    ui.label(t.format);
                    ui.horizontal(|ui| {
                        for (format, label) in [
                            (PictureFormat::Png, "PNG"),
                            (PictureFormat::Svg, "SVG"),
                            (PictureFormat::Pdf, "PDF"),
                        ] {
                            ui.selectable_value(&mut next.format, format, label);
                        }
                    });
                    ui.end_row();
                    ui.label(t.width);
                    ui.add(
                        egui::DragValue::new(&mut next.width)
                            .range(300.0..=6000.0)
                            .speed(10.0),
                    );
                    ui.end_row();
                    ui.label(t.height);
                    ui.add(
                        egui::DragValue::new(&mut next.height)
                            .range(200.0..=6000.0)
                            .speed(10.0),
                    );
                    ui.end_row();
                    if next.format == PictureFormat::Png {
                        ui.label(t.scale);
                        ui.horizontal(|ui| {
                            for scale in [1.0, 2.0, 3.0] {
                                ui.selectable_value(&mut next.scale, scale, format!("{scale}×"));
                            }
                            ui.label(
                                egui::RichText::new(format!(
                                    "= {} × {} px",
                                    (next.width * next.scale).round(),
                                    (next.height * next.scale).round()
                                ))
                                .weak(),
                            );
                        });
                        ui.end_row();
                    }
                });
            ui.add_space(8.0);
            ui.horizontal(|ui| {
                if ui.button(t.export_button).clicked() {
                    action = Some(Intent::ExportPicture);
                }
                if ui.button(t.cancel).clicked() {
                    action = Some(Intent::EditPictureExport(None));
                }
            });
        });
    if !open {
        action = Some(Intent::EditPictureExport(None));
    }
    // The edit first, so that "Esporta…" exports what the fields say.
    if next != *options {
        out.intents
            .push(Intent::EditPictureExport(Some((*chart, next))));
    }
    out.intents.extend(action);
}
