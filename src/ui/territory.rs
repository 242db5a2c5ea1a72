//! Territorio: a bubble map of the amount on the provincial capitals (from the shipped ISTAT
//! reference), with every capital drawn faintly so Italy's shape shows, and a ranking beside it.

use eframe::egui;
use egui_plot::{Plot, Points};

use super::Output;
use super::charts::{self, Colouring};
use crate::app::{AppState, Intent};
use crate::data::reference;
use crate::format;
use crate::query::dashboard::{Dashboard, TerritoryPoint};

/// Cosine of Italy's mean latitude: one degree of longitude is this much of one of latitude.
const LON_SCALE: f64 = 0.74;

/// The bubble under the plot point (x, y), within 0.4° of its centre.
fn nearest(points: &[TerritoryPoint], x: f64, y: f64) -> Option<&TerritoryPoint> {
    let distance =
        |p: &TerritoryPoint| ((p.lon * LON_SCALE - x).powi(2) + (p.lat - y).powi(2)).sqrt();
    points
        .iter()
        .min_by(|a, b| distance(a).total_cmp(&distance(b)))
        .filter(|p| distance(p) < 0.4)
}

pub fn show(ui: &mut egui::Ui, state: &AppState, d: &Dashboard, out: &mut Output) {
    let t = state.settings.lang.texts();
    ui.columns(2, |cols| {
        let ui = &mut cols[0];
        charts::title(ui, t.map_title, None, state);
        ui.label(egui::RichText::new(t.map_note).small().weak());
        let capitals: Vec<[f64; 2]> = {
            let p = reference::provinces();
            let lat = p.column("lat").ok().and_then(|c| c.f64().ok().cloned());
            let lon = p.column("lon").ok().and_then(|c| c.f64().ok().cloned());
            match (lat, lon) {
                (Some(lat), Some(lon)) => lat
                    .iter()
                    .zip(lon.iter())
                    .filter_map(|(a, b)| Some([b? * LON_SCALE, a?]))
                    .collect(),
                _ => Vec::new(),
            }
        };
        let max_amount = d
            .territory
            .iter()
            .map(|p| p.amount)
            .fold(0.0, f64::max)
            .max(1.0);
        let height = ui.available_height() - 8.0;
        let accent = egui::Color32::from_rgba_unmultiplied(0, 114, 178, 170);
        let points = d.territory.clone();
        let projects_word = t.projects_word;
        let response = Plot::new("territory_map")
            .height(height)
            .data_aspect(1.0)
            .show_axes(false)
            .show_grid(false)
            .allow_scroll(false)
            .include_x(6.5 * LON_SCALE)
            .include_x(18.6 * LON_SCALE)
            .include_y(36.5)
            .include_y(47.1)
            .label_formatter(move |hover| {
                let p = match hover {
                    egui_plot::HoverPosition::NearDataPoint { position, .. } => *position,
                    egui_plot::HoverPosition::Elsewhere { position } => *position,
                };
                nearest(&points, p.x, p.y).map(|near| {
                    format!(
                        "{} ({})\n{}\n{} {}",
                        near.province,
                        near.region,
                        format::euro(near.amount),
                        format::count(near.projects as usize),
                        projects_word
                    )
                })
            })
            .show(ui, |plot_ui| {
                plot_ui.points(
                    Points::new("capoluoghi", capitals)
                        .radius(1.5)
                        .color(egui::Color32::from_gray(160)),
                );
                for p in &d.territory {
                    let radius = 4.0 + 26.0 * (p.amount / max_amount).sqrt() as f32;
                    plot_ui.points(
                        Points::new(p.province.clone(), vec![[p.lon * LON_SCALE, p.lat]])
                            .radius(radius)
                            .filled(true)
                            .color(accent),
                    );
                }
                let centres: Vec<(String, egui::Pos2)> = d
                    .territory
                    .iter()
                    .map(|p| {
                        let point = egui_plot::PlotPoint::new(p.lon * LON_SCALE, p.lat);
                        (p.province.clone(), plot_ui.screen_from_plot(point))
                    })
                    .collect();
                let click = if plot_ui.response().clicked() {
                    plot_ui.pointer_coordinate()
                } else {
                    None
                };
                (centres, click)
            });
        let (centres, click) = response.inner;
        out.bar_centres.insert("territory_map".to_string(), centres);
        if let Some(click) = click
            && let Some(p) = nearest(&d.territory, click.x, click.y)
        {
            out.intents.push(Intent::ToggleFilter {
                column: "province".into(),
                value: p.province.clone(),
            });
        }
        let ui = &mut cols[1];
        charts::title(ui, t.ranking, Some(&d.by_province), state);
        let h = ui.available_height() - 8.0;
        charts::bar_chart(
            ui,
            "chart_ranking",
            t.ranking,
            &d.by_province,
            state,
            Colouring::Single(0),
            h,
            out,
        );
    });
}
