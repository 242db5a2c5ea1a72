//! Bar charts from [`ChartData`] with egui_plot: readable category labels (horizontal bars for
//! long names, truncated with the full name in the tooltip), euro axes in k€/M€, tooltips with the
//! exact value, share and projects, and a click on a bar that asks to filter by its category.

use eframe::egui;
use egui_plot::{AxisHints, Bar, BarChart, GridMark, Plot, PlotPoint};

use super::{Output, chart_menu};
use crate::app::charts::{self, ChartId, ChartView};
use crate::app::{AppState, Intent};
use crate::format;
use crate::i18n::{Lang, Noun};
use crate::query::Key;
use crate::query::chart::{ChartData, Dimension, Measure, Orientation, Style, Unit};
use crate::query::compare::is_comparable;
use crate::query::dashboard::Dashboard;
use crate::render::palette::{ColorMap, bar_color, series_color};

const LABEL_CHARS: usize = 26;
/// The height of one category's label on a horizontal bar chart.
const CATEGORY_ROW: f32 = 17.0;

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let cut: String = text.chars().take(max - 1).collect();
        format!("{cut}…")
    }
}

fn rgb(c: [u8; 3]) -> egui::Color32 {
    egui::Color32::from_rgb(c[0], c[1], c[2])
}

/// A value as people read it: euros, projects or a share.
pub fn value_text(measure: Measure, value: f64, lang: Lang) -> String {
    match measure.unit() {
        Unit::Count => lang.count(value.round().max(0.0) as usize, Noun::Project),
        unit => format::value(unit, value),
    }
}

/// The categories' names as people read them.
pub fn category_labels(data: &ChartData, lang: Lang) -> Vec<String> {
    data.categories
        .iter()
        .map(|c| lang.key(c).into_owned())
        .collect()
}

/// An axis naming the category at each whole position (`top_down`: the first category at the
/// top, as horizontal bars are drawn), cut to `max_chars`.
pub fn category_axis(
    labels: Vec<String>,
    top_down: bool,
    max_chars: usize,
) -> impl Fn(GridMark, &std::ops::RangeInclusive<f64>) -> String {
    let n = labels.len();
    move |mark: GridMark, _: &std::ops::RangeInclusive<f64>| -> String {
        let v = mark.value.round();
        if (mark.value - v).abs() > 1e-6 || v < 0.0 || v as usize >= n {
            return String::new();
        }
        let i = if top_down {
            n - 1 - v as usize
        } else {
            v as usize
        };
        truncate(&labels[i], max_chars)
    }
}

/// Points between two labelled values on a value axis.
const VALUE_LABEL_GAP: f64 = 64.0;
/// Half the width of the widest value label ("3,50 M€"), in points.
const VALUE_LABEL_HALF_WIDTH: f64 = 26.0;

/// Marks on a value axis 1, 2 or 5 × 10ⁿ apart and at least [`VALUE_LABEL_GAP`] points apart,
/// so that a narrow chart (a small window, a 125 % display) still names a few values instead of
/// only "0 €".
pub fn value_marks(input: egui_plot::GridInput) -> Vec<GridMark> {
    // egui_plot gives the value of its smallest grid spacing, 8 points (Plot::grid_spacing).
    let wanted = input.base_step_size / 8.0 * VALUE_LABEL_GAP;
    if !wanted.is_finite() || wanted <= 0.0 {
        return Vec::new();
    }
    let magnitude = 10f64.powf(wanted.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= wanted)
        .unwrap_or(10.0 * magnitude);
    let (lo, hi) = input.bounds;
    // A label is centred on its mark: none so close to the right edge that it would be cut.
    let hi = hi - input.base_step_size / 8.0 * VALUE_LABEL_HALF_WIDTH;
    let (first, last) = ((lo / step).ceil() as i64, (hi / step).floor() as i64);
    (first..=last.min(first + 200))
        .map(|i| GridMark {
            value: i as f64 * step,
            step_size: step,
        })
        .collect()
}

/// The index of the category a bar at `argument` belongs to.
fn category_at(argument: f64, n: usize, horizontal: bool) -> Option<usize> {
    let slot = argument.round();
    if slot < 0.0 || slot as usize >= n {
        return None;
    }
    Some(if horizontal {
        n - 1 - slot as usize
    } else {
        slot as usize
    })
}

/// Draws chart `chart` of the dashboard, with its menu, and returns the category clicked, if
/// any. `name` is the chart's name for people (its accessible label).
pub fn bar_chart(
    ui: &mut egui::Ui,
    chart: ChartId,
    name: &str,
    d: &Dashboard,
    state: &AppState,
    height: f32,
    out: &mut Output,
) -> Option<Key> {
    let Some(ChartView::Bars {
        data, colouring, ..
    }) = charts::view(d, chart, &state.settings)
    else {
        return None;
    };
    match data.spec.style {
        Style::Lines => {
            super::series_charts::lines(ui, chart, name, data, state, height, out);
            return None;
        }
        Style::SmallMultiples => {
            super::series_charts::small_multiples(ui, chart, name, data, state, height, out);
            return None;
        }
        Style::Bars => {}
    }
    let id = chart.id();
    let lang = state.settings.lang;
    let t = lang.texts();
    let n = data.categories.len();
    if n == 0 {
        ui.add_sized([ui.available_width(), height], egui::Label::new(t.no_data));
        return None;
    }
    if data
        .categories
        .iter()
        .all(|k| matches!(k, Key::Missing | Key::Undated))
    {
        // One grey "(non indicato)" bar says nothing: say it in words.
        ui.add_sized(
            [ui.available_width(), height],
            egui::Label::new(format!(
                "{} ({})",
                t.no_values,
                lang.count(data.projects as usize, crate::i18n::Noun::Project)
            ))
            .wrap(),
        );
        return None;
    }
    let horizontal = data.spec.orientation == Orientation::Horizontal;
    // Every category keeps its name on a short window (a 1366×768 laptop): horizontal bars get
    // the height their labels need (up to the 30 labels the axis shows), and the page scrolls.
    let height = if horizontal {
        height.max(n.min(30) as f32 * CATEGORY_ROW + 44.0)
    } else {
        height
    };
    let colors: &ColorMap = &state.colors;
    let measure = data.spec.measure;
    let series_count = data.series.len();
    let stacked = data.spec.stacked || series_count == 1;
    let slot = 0.75;
    let width = if stacked {
        slot
    } else {
        slot / series_count as f64
    };
    // Category i sits at `pos(i)`: top to bottom for horizontal charts, left to right otherwise.
    let pos = move |i: usize| {
        if horizontal {
            (n - 1 - i) as f64
        } else {
            i as f64
        }
    };

    let labels = category_labels(data, lang);
    let per_category: Vec<(u64, f64)> = (0..n)
        .map(|i| (data.counts[i], data.category_value(i)))
        .collect();
    let total = data.total;
    let shares = data.has_shares();
    let share_word = t.share_of_total;

    let mut charts = Vec::with_capacity(series_count);
    let mut base = vec![0.0; n];
    for (si, series) in data.series.iter().enumerate() {
        let series_name = series
            .key
            .as_ref()
            .map(|k| lang.key(k).into_owned())
            .unwrap_or_default();
        let series_color = rgb(series_color(colors, data, si));
        let bars: Vec<Bar> = (0..n)
            .map(|i| {
                let value = series.values[i];
                let mut argument = pos(i);
                if !stacked {
                    argument += (si as f64 - (series_count as f64 - 1.0) / 2.0) * width;
                }
                let fill = rgb(bar_color(colors, colouring, data, si, i));
                let mut bar = Bar::new(argument, value)
                    .name(&labels[i])
                    .width(width)
                    .fill(fill);
                if stacked {
                    bar = bar.base_offset(base[i]);
                }
                if horizontal {
                    bar.horizontal()
                } else {
                    bar.vertical()
                }
            })
            .collect();
        if stacked {
            for (b, v) in base.iter_mut().zip(&series.values) {
                *b += v;
            }
        }
        let per_category = per_category.clone();
        let chart = BarChart::new(series_name.clone(), bars)
            .color(series_color)
            .element_formatter(Box::new(move |bar, _| {
                let (projects, category_value) = category_at(bar.argument, n, horizontal)
                    .map(|i| per_category[i])
                    .unwrap_or((0, 0.0));
                let mut text = bar.name.clone();
                if !series_name.is_empty() {
                    text.push_str(&format!(" · {series_name}"));
                }
                text.push('\n');
                text.push_str(&value_text(measure, bar.value, lang));
                if shares {
                    text.push_str(&format!(
                        " ({} {share_word})",
                        format::percent(bar.value / total)
                    ));
                }
                if measure != Measure::Count {
                    text.push('\n');
                    text.push_str(&lang.count(projects as usize, Noun::Project));
                }
                if series_name.is_empty() || (category_value - bar.value).abs() < f64::EPSILON {
                    return text;
                }
                text.push_str(&format!(
                    "\n{}: {}",
                    "Σ",
                    value_text(measure, category_value, lang)
                ));
                text
            }));
        charts.push(chart);
    }

    let category_axis = category_axis(
        labels.clone(),
        horizontal,
        if horizontal { LABEL_CHARS } else { 14 },
    );
    let value_axis = move |mark: GridMark, _range: &std::ops::RangeInclusive<f64>| -> String {
        format::value_compact(measure.unit(), mark.value)
    };
    let integer_marks = move |input: egui_plot::GridInput| -> Vec<GridMark> {
        let (lo, hi) = input.bounds;
        let step = ((n as f64) / 30.0).ceil().max(1.0);
        (0..n)
            .filter(|i| (*i as f64) >= lo.floor() && (*i as f64) <= hi.ceil())
            .filter(|i| (*i as f64 % step) == 0.0)
            .map(|i| GridMark {
                value: i as f64,
                step_size: step,
            })
            .collect()
    };
    let mut plot = Plot::new(id.to_string())
        .height(height)
        .allow_zoom(false)
        .allow_drag(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .allow_double_click_reset(false)
        .show_background(false)
        .set_margin_fraction(egui::vec2(0.02, 0.04));
    if horizontal {
        plot = plot
            .custom_y_axes(vec![
                AxisHints::new_y()
                    .formatter(category_axis)
                    .label_spacing(11.0..=13.0)
                    .min_thickness(150.0),
            ])
            .y_grid_spacer(integer_marks)
            .custom_x_axes(vec![
                // Compact values ("1,5 M€") fit closer than egui_plot's default spacing.
                AxisHints::new_x()
                    .formatter(value_axis)
                    .label_spacing(46.0..=60.0),
            ])
            .x_grid_spacer(value_marks)
            .include_x(0.0)
            .show_grid([true, false]);
    } else {
        plot = plot
            .custom_x_axes(vec![
                AxisHints::new_x()
                    .formatter(category_axis)
                    .label_spacing(24.0..=30.0),
            ])
            .x_grid_spacer(integer_marks)
            .y_axis_formatter(value_axis)
            .include_y(0.0)
            .show_grid([false, true]);
    }
    if series_count > 1 {
        plot = plot.legend(egui_plot::Legend::default().position(egui_plot::Corner::RightBottom));
    }
    if state.capture.is_some() {
        // The image being taken shows the chart, not the pointer's marks.
        plot = plot.show_x(false).show_y(false);
    }
    let values: Vec<f64> = (0..n).map(|i| data.category_value(i)).collect();
    let scoped = ui.scope(|ui| {
        plot.show(ui, |plot_ui| {
            for chart in charts {
                plot_ui.bar_chart(chart);
            }
            let centres: Vec<(String, egui::Pos2)> = (0..n)
                .map(|i| {
                    let point = if horizontal {
                        PlotPoint::new(values[i] / 2.0, pos(i))
                    } else {
                        PlotPoint::new(pos(i), values[i] / 2.0)
                    };
                    (labels[i].clone(), plot_ui.screen_from_plot(point))
                })
                .collect();
            // The bar under the pointer, for a click (filter) or a right click (its menu).
            let hit = plot_ui.pointer_coordinate().and_then(|p| {
                let (arg, val) = if horizontal { (p.y, p.x) } else { (p.x, p.y) };
                let slot_index = arg.round();
                if (arg - slot_index).abs() > slot / 2.0
                    || slot_index < 0.0
                    || slot_index as usize >= n
                {
                    return None;
                }
                let i = if horizontal {
                    n - 1 - slot_index as usize
                } else {
                    slot_index as usize
                };
                (val >= 0.0 && val <= values[i].max(0.0) * 1.02).then_some(i)
            });
            let clicked = hit.filter(|_| plot_ui.response().clicked());
            let right_clicked = hit.filter(|_| plot_ui.response().secondary_clicked());
            (centres, clicked, right_clicked)
        })
    });
    let full_rect = scoped.response.rect;
    let response = scoped.inner;
    let (centres, clicked, right_clicked) = response.inner;
    // The bar a right click opened the menu on: it can join the comparison.
    let memory = egui::Id::unique(id).with("menu_category");
    if let Some(i) = right_clicked {
        ui.data_mut(|m| m.insert_temp(memory, i));
    }
    let compare_target = ui
        .data(|m| m.get_temp::<usize>(memory))
        .and_then(|i| data.categories.get(i))
        .and_then(|k| k.as_value())
        .filter(|_| {
            state
                .dataset
                .as_ref()
                .is_some_and(|d| is_comparable(&data.spec.dimension, d.table.schema()))
        })
        .map(|v| (data.spec.dimension.clone(), v.to_string()));
    chart_menu::attach(
        ui,
        state,
        chart,
        name,
        &response.response,
        full_rect,
        compare_target,
        out,
    );
    let chart_label = format!("{name} ({})", t.click_to_filter);
    response
        .response
        .widget_info(|| egui::WidgetInfo::labeled(egui::Role::Image, true, &chart_label));
    out.bar_centres.insert(id.to_string(), centres);
    let clicked = clicked.map(|i| data.categories[i].clone());
    if let Some(category) = &clicked {
        out.intents
            .extend(filter_intent(&data.spec.dimension, category));
    }
    clicked
}

/// What clicking a category asks for: a filter on it; nothing for the top-N remainder (it names
/// no single value) or for undated projects.
fn filter_intent(dimension: &Dimension, category: &Key) -> Option<Intent> {
    match (dimension, category) {
        (_, Key::Other) => None,
        (Dimension::Year, Key::Value(y)) => y
            .parse::<i32>()
            .ok()
            .map(|y| Intent::SetYears(Some((y, y)))),
        (Dimension::Year, _) => None,
        (dim, key) => Some(Intent::ToggleFilter {
            column: dim.column(),
            value: key.clone(),
        }),
    }
}

/// A chart's title with its notes (overlapping categories).
pub fn title(
    ui: &mut egui::Ui,
    text: &str,
    data: Option<&crate::query::chart::ChartData>,
    state: &AppState,
) {
    let t = state.settings.lang.texts();
    ui.label(egui::RichText::new(text).strong().size(15.0));
    if data.is_some_and(|d| d.multi_valued) {
        ui.label(egui::RichText::new(t.overlapping).small().italics());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_marks_are_round_and_far_enough_apart() {
        // 6.4 M€ over 300 points: 8 points are 6.4e6 / 300 * 8 in value.
        let input = egui_plot::GridInput {
            bounds: (0.0, 6.4e6),
            base_step_size: 6.4e6 / 300.0 * 8.0,
        };
        let marks = value_marks(input);
        let values: Vec<f64> = marks.iter().map(|m| m.value).collect();
        // 64 points are 1.37 M€: the next round step is 2 M€; 6 M€ is 0.4 M€ (19 points) from
        // the right edge, too close for its label.
        assert_eq!(values, [0.0, 2e6, 4e6]);
        assert!(marks.iter().all(|m| m.step_size == 2e6));
        // Wide: 64 points are 0.27 M€, so every 0.5 M€.
        let wide = value_marks(egui_plot::GridInput {
            bounds: (0.0, 6.4e6),
            base_step_size: 6.4e6 / 1500.0 * 8.0,
        });
        assert_eq!(wide[1].value, 5e5);
        assert!(
            value_marks(egui_plot::GridInput {
                bounds: (0.0, 1.0),
                base_step_size: 0.0,
            })
            .is_empty()
        );
    }
}
