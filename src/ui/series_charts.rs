//! Charts of several series that are not bars, from [`ChartData`] with egui_plot: lines across
//! the categories (one per series, markers, legend, exact values on hover) and small multiples
//! (one bar panel per series, one shared scale). Both carry the chart menu.

use eframe::egui;
use egui_plot::{AxisHints, Bar, BarChart, GridMark, HoverPosition, Legend, Line, Plot, Points};

use super::charts::{category_axis, category_labels};
use super::{Output, chart_menu};
use crate::app::AppState;
use crate::app::charts::ChartId;
use crate::format;
use crate::query::chart::ChartData;
use crate::render::palette::series_color;

fn rgb(c: [u8; 3]) -> egui::Color32 {
    egui::Color32::from_rgb(c[0], c[1], c[2])
}

fn series_name(data: &ChartData, si: usize, state: &AppState) -> String {
    data.series[si]
        .key
        .as_ref()
        .map(|k| state.settings.lang.key(k).into_owned())
        .unwrap_or_default()
}

/// One line per series across the categories.
pub fn lines(
    ui: &mut egui::Ui,
    chart: ChartId,
    name: &str,
    data: &ChartData,
    state: &AppState,
    height: f32,
    out: &mut Output,
) {
    let lang = state.settings.lang;
    let unit = data.spec.measure.unit();
    let labels = category_labels(data, lang);
    let n = labels.len();
    let category_axis = category_axis(labels.clone(), false, 14);
    let hover_labels = labels.clone();
    let mut plot = Plot::new(chart.id())
        .height(height)
        .allow_zoom(false)
        .allow_drag(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .show_background(false)
        .custom_x_axes(vec![AxisHints::new_x().formatter(category_axis)])
        .x_grid_spacer(move |input| {
            let (lo, hi) = input.bounds;
            (0..n)
                .filter(|i| (*i as f64) >= lo.floor() && (*i as f64) <= hi.ceil())
                .map(|i| GridMark {
                    value: i as f64,
                    step_size: 1.0,
                })
                .collect()
        })
        .y_axis_formatter(move |mark, _| format::value_compact(unit, mark.value))
        .include_y(0.0)
        .legend(Legend::default().position(egui_plot::Corner::LeftTop))
        .label_formatter(move |hover| match hover {
            HoverPosition::NearDataPoint {
                plot_name,
                position,
                ..
            } => {
                let i = position.x.round().max(0.0) as usize;
                let category = hover_labels.get(i).cloned().unwrap_or_default();
                Some(format!(
                    "{plot_name}\n{category}: {}",
                    format::value(unit, position.y)
                ))
            }
            HoverPosition::Elsewhere { .. } => None,
        });
    if state.capture.is_some() {
        plot = plot.show_x(false).show_y(false);
    }
    let scoped = ui.scope(|ui| {
        plot.show(ui, |plot_ui| {
            for si in 0..data.series.len() {
                let colour = rgb(series_color(&state.colors, data, si));
                let name = series_name(data, si, state);
                let points: Vec<[f64; 2]> = data.series[si]
                    .values
                    .iter()
                    .enumerate()
                    .map(|(i, v)| [i as f64, *v])
                    .collect();
                plot_ui.line(
                    Line::new(name.clone(), points.clone())
                        .color(colour)
                        .width(2.5),
                );
                plot_ui.points(Points::new(name, points).color(colour).radius(3.5));
            }
        })
    });
    let rect = scoped.response.rect;
    chart_menu::attach(
        ui,
        state,
        chart,
        name,
        &scoped.inner.response,
        rect,
        None,
        out,
    );
}

/// One panel of horizontal bars per series, all on one scale.
pub fn small_multiples(
    ui: &mut egui::Ui,
    chart: ChartId,
    name: &str,
    data: &ChartData,
    state: &AppState,
    height: f32,
    out: &mut Output,
) {
    let lang = state.settings.lang;
    let unit = data.spec.measure.unit();
    let labels = category_labels(data, lang);
    let n = labels.len();
    let max = data.max_value().max(f64::MIN_POSITIVE);
    let k = data.series.len();
    let columns = k.clamp(1, 4);
    let scoped = ui.scope(|ui| {
        let mut first: Option<egui::Response> = None;
        ui.columns(columns, |cols| {
            for si in 0..k {
                let ui = &mut cols[si % columns];
                let colour = rgb(series_color(&state.colors, data, si));
                ui.label(
                    egui::RichText::new(series_name(data, si, state))
                        .strong()
                        .color(colour),
                );
                let category_axis = category_axis(labels.clone(), true, 18);
                // Category names once per row, beside the first panel; the panels line up.
                let first_of_row = si % columns == 0;
                let mut plot = Plot::new((chart.id(), si))
                    .height(height)
                    .allow_zoom(false)
                    .allow_drag(false)
                    .allow_scroll(false)
                    .allow_boxed_zoom(false)
                    .show_background(false)
                    .include_x(0.0)
                    .include_x(max * 1.05)
                    .custom_y_axes(vec![
                        AxisHints::new_y()
                            .formatter(category_axis)
                            .label_spacing(9.0..=11.0)
                            .min_thickness(if first_of_row { 130.0 } else { 4.0 }),
                    ])
                    .show_axes([true, first_of_row])
                    .y_grid_spacer(move |_| {
                        (0..n)
                            .map(|i| GridMark {
                                value: i as f64,
                                step_size: 1.0,
                            })
                            .collect()
                    })
                    .x_axis_formatter(move |mark, _| format::value_compact(unit, mark.value));
                if state.capture.is_some() {
                    plot = plot.show_x(false).show_y(false);
                }
                let values = &data.series[si].values;
                let response = plot.show(ui, |plot_ui| {
                    let bars: Vec<Bar> = values
                        .iter()
                        .enumerate()
                        .map(|(i, v)| {
                            Bar::new((n - 1 - i) as f64, *v)
                                .name(&labels[i])
                                .width(0.7)
                                .fill(colour)
                                .horizontal()
                        })
                        .collect();
                    plot_ui.bar_chart(
                        BarChart::new(series_name(data, si, state), bars).element_formatter(
                            Box::new(move |bar, _| {
                                format!("{}\n{}", bar.name, format::value(unit, bar.value))
                            }),
                        ),
                    );
                });
                if first.is_none() {
                    first = Some(response.response);
                }
            }
        });
        first
    });
    let rect = scoped.response.rect;
    if let Some(response) = scoped.inner {
        chart_menu::attach(ui, state, chart, name, &response, rect, None, out);
    }
}
