//! Territorio: a bubble map of the amount on the provincial capitals or on the municipalities
//! (from the shipped ISTAT reference), over the outlines of the regions and provinces, framed on
//! the bubbles, with the largest named; and a ranking beside it.

use std::sync::OnceLock;

use eframe::egui;
use egui_plot::{Line, Plot, PlotPoint};

use super::Output;
use super::{chart_menu, charts};
use crate::app::charts::ChartId;
use crate::app::{AppState, Intent};
use crate::data::reference;
use crate::data::schema::Field;
use crate::format;
use crate::query::chart::Dimension;
use crate::query::dashboard::Dashboard;
use crate::query::territory::TerritoryPoint;
use crate::render::geo::{
    Box2, Drawn, MapLevel, bubble_radius, density, largest_radius, max_amount, nearest,
    place_labels, project, reach, view_bounds,
};

/// The outlines of the regions and provinces in plot coordinates, computed once.
fn outlines() -> &'static [(bool, Vec<PlotPoint>)] {
    static CELL: OnceLock<Vec<(bool, Vec<PlotPoint>)>> = OnceLock::new();
    CELL.get_or_init(|| {
        reference::borders()
            .iter()
            .map(|ring| {
                let points = ring
                    .points
                    .iter()
                    .map(|[lat, lon]| {
                        let (x, y) = project(*lat, *lon);
                        PlotPoint::new(x, y)
                    })
                    .collect();
                (ring.region, points)
            })
            .collect()
    })
}

/// Names beside the largest bubbles (placed by [`crate::render::geo::place_labels`]), each with a halo so it
/// reads over the bubbles and borders.
fn labels(
    painter: &egui::Painter,
    transform: &egui_plot::PlotTransform,
    bubbles: &[(f32, &TerritoryPoint)],
    colour: egui::Color32,
    halo: egui::Color32,
) {
    let frame = *transform.frame();
    let drawn: Vec<Drawn> = bubbles
        .iter()
        .map(|(radius, p)| {
            let (x, y) = project(p.lat, p.lon);
            let centre = transform.position_from_point(&PlotPoint::new(x, y));
            Drawn {
                x: centre.x,
                y: centre.y,
                radius: *radius,
                label_w: 6.5 * p.name.chars().count() as f32,
                label_h: 16.0,
            }
        })
        .collect();
    let frame = Box2 {
        x0: frame.min.x,
        y0: frame.min.y,
        x1: frame.max.x,
        y1: frame.max.y,
    };
    let font = egui::FontId::proportional(11.5);
    for (i, spot) in place_labels(&drawn, frame, 12) {
        let at = egui::pos2(spot.x0, (spot.y0 + spot.y1) / 2.0);
        let name = &bubbles[i].1.name;
        let offsets = [(-1.0, 0.0), (1.0, 0.0), (0.0, -1.0), (0.0, 1.0), (0.0, 0.0)];
        for (k, (dx, dy)) in offsets.into_iter().enumerate() {
            let text_colour = if k == offsets.len() - 1 { colour } else { halo };
            painter.text(
                at + egui::vec2(dx, dy),
                egui::Align2::LEFT_CENTER,
                name,
                font.clone(),
                text_colour,
            );
        }
    }
}

/// The two map levels as a pair of toggles; municipalities only when the data names them.
fn level_toggle(ui: &mut egui::Ui, state: &AppState, d: &Dashboard, out: &mut Output) {
    let t = state.settings.lang.texts();
    let on = state.settings.map_municipalities;
    let has_municipalities = !d.municipalities.is_empty() || d.unplaced_municipalities > 0;
    ui.horizontal(|ui| {
        ui.label(egui::RichText::new(t.map_level).small());
        if ui.selectable_label(!on, t.map_provinces).clicked() && on {
            out.intents.push(Intent::SetMapMunicipalities(false));
        }
        let comuni = ui
            .add_enabled(
                has_municipalities,
                egui::Button::selectable(on, t.map_municipalities),
            )
            .on_disabled_hover_text(t.map_no_municipalities);
        if comuni.clicked() && !on {
            out.intents.push(Intent::SetMapMunicipalities(true));
        }
    });
}

pub fn show(ui: &mut egui::Ui, state: &AppState, d: &Dashboard, out: &mut Output) {
    let t = state.settings.lang.texts();
    let by_municipality = state.settings.map_municipalities
        && (!d.municipalities.is_empty() || d.unplaced_municipalities > 0);
    let (title, note, bubbles, level) = if by_municipality {
        (
            t.map_title_municipalities,
            t.map_note_municipalities,
            &d.municipalities,
            MapLevel::Municipalities,
        )
    } else {
        (t.map_title, t.map_note, &d.territory, MapLevel::Provinces)
    };
    let reach = reach(level);
    ui.columns(2, |cols| {
        let ui = &mut cols[0];
        charts::title(ui, title, None, state);
        level_toggle(ui, state, d, out);
        ui.label(egui::RichText::new(note).small().weak());
        if by_municipality && d.unplaced_municipalities > 0 {
            ui.label(
                egui::RichText::new(format!(
                    "{} {}",
                    format::count(d.unplaced_municipalities as usize),
                    t.map_unplaced
                ))
                .small()
                .color(ui.visuals().warn_fg_color),
            );
        }
        let max_amount = max_amount(bubbles);
        let height = ui.available_height() - 8.0;
        let accent = egui::Color32::from_rgba_unmultiplied(0, 114, 178, 170);
        let dark = ui.visuals().dark_mode;
        let outline = if dark {
            egui::Color32::from_rgba_unmultiplied(120, 190, 235, 200)
        } else {
            egui::Color32::from_rgba_unmultiplied(0, 80, 130, 200)
        };
        let (province_line, region_line) = if dark {
            (egui::Color32::from_gray(70), egui::Color32::from_gray(110))
        } else {
            (egui::Color32::from_gray(215), egui::Color32::from_gray(150))
        };
        let label_colour = ui.visuals().strong_text_color();
        let halo = ui.visuals().extreme_bg_color;
        // A shared handle: the hover text needs the bubbles after this frame's borrow ends.
        let points = std::sync::Arc::clone(bubbles);
        let lang = state.settings.lang;
        let share_word = t.share_of_total;
        // Shares of the filtered total (including projects the map cannot place).
        let total = d.kpis.granted;
        // Frame the bubbles again whenever they change (filters, level); the user's own zoom
        // and pan hold until then, and a double click returns to the framed view.
        let bounds = view_bounds(bubbles);
        let memory = egui::Id::unique("territory_map_bounds");
        let changed = ui.data(|m| m.get_temp::<[f64; 4]>(memory)) != Some(bounds);
        ui.data_mut(|m| m.insert_temp(memory, bounds));
        let mut plot = Plot::new("territory_map")
            .height(height)
            .data_aspect(1.0)
            .show_axes(false)
            .show_grid(false)
            .allow_scroll(false)
            .default_x_bounds(bounds[0], bounds[1])
            .default_y_bounds(bounds[2], bounds[3]);
        if changed {
            plot = plot.reset();
        }
        if state.capture.is_some() {
            plot = plot.show_x(false).show_y(false);
        }
        let response = plot
            .label_formatter(move |hover| {
                let p = match hover {
                    egui_plot::HoverPosition::NearDataPoint { position, .. } => *position,
                    egui_plot::HoverPosition::Elsewhere { position } => *position,
                };
                nearest(&points, p.x, p.y, reach).map(|near| {
                    let share = if total > 0.0 {
                        format!(" ({} {share_word})", format::percent(near.amount / total))
                    } else {
                        String::new()
                    };
                    format!(
                        "{} ({})\n{}{share}\n{}",
                        near.name,
                        near.context,
                        format::euro(near.amount),
                        lang.count(near.projects as usize, crate::i18n::Noun::Project)
                    )
                })
            })
            .show(ui, |plot_ui| {
                for (region, ring) in outlines() {
                    let (colour, width) = if *region {
                        (region_line, 1.2)
                    } else {
                        (province_line, 0.7)
                    };
                    plot_ui.line(
                        Line::new("confini", ring.as_slice())
                            .color(colour)
                            .width(width)
                            .allow_hover(false),
                    );
                }
                let click = if plot_ui.response().clicked() {
                    plot_ui.pointer_coordinate()
                } else {
                    None
                };
                let right_click = if plot_ui.response().secondary_clicked() {
                    plot_ui.pointer_coordinate()
                } else {
                    None
                };
                (click, right_click)
            });
        let (click, right_click) = response.inner;
        // The bubbles and their labels, painted over the borders in one pass (no plot item per
        // bubble: thousands of municipalities stay cheap to draw).
        let transform = &response.transform;
        let painter = ui.painter_at(*transform.frame());
        let sized: Vec<(f32, &TerritoryPoint)> = bubbles
            .iter()
            .map(|p| {
                let radius = bubble_radius(p.amount, max_amount, largest_radius(level))
                    * density(bubbles.len());
                (radius, p)
            })
            .collect();
        let mut centres: Vec<(String, egui::Pos2)> = Vec::with_capacity(sized.len());
        for (radius, p) in &sized {
            let (x, y) = project(p.lat, p.lon);
            let centre = transform.position_from_point(&PlotPoint::new(x, y));
            painter.circle(centre, *radius, accent, egui::Stroke::new(1.5, outline));
            centres.push((p.name.clone(), centre));
        }
        labels(&painter, transform, &sized, label_colour, halo);
        // The bubble a right click opened the menu on: it can join the comparison.
        let memory = egui::Id::unique("territory_map").with("menu_bubble");
        if let Some(p) = right_click
            && let Some(near) = nearest(bubbles, p.x, p.y, reach)
        {
            ui.data_mut(|m| m.insert_temp(memory, near.name.clone()));
        }
        let field = match level {
            MapLevel::Provinces => Field::Province,
            MapLevel::Municipalities => Field::Municipality,
        };
        let compare_target = ui
            .data(|m| m.get_temp::<String>(memory))
            .map(|name| (Dimension::Field(field), name));
        chart_menu::attach(
            ui,
            state,
            ChartId::Map,
            title,
            &response.response,
            response.response.rect,
            compare_target,
            out,
        );
        out.bar_centres.insert("territory_map".to_string(), centres);
        if let Some(click) = click
            && let Some(p) = nearest(bubbles, click.x, click.y, reach)
        {
            out.intents.push(Intent::ToggleFilter {
                column: level.column().into(),
                value: crate::query::Key::value(p.name.clone()),
            });
        }
        let ui = &mut cols[1];
        let ranking = if by_municipality {
            &d.by_municipality
        } else {
            &d.by_province
        };
        charts::title(ui, t.ranking, Some(ranking), state);
        let h = ui.available_height() - 8.0;
        charts::bar_chart(ui, ChartId::Ranking, t.ranking, d, state, h, out);
    });
}
