//! Chart data → a report-quality SVG bar chart: title, filter caption and notes, legend for split
//! series, bars horizontal or vertical (stacked or grouped), euro axes in Italian format, value
//! labels, and the source line. Laid out with the shipped font's real text widths; the type
//! grows with the picture so a chart reads the same pasted in a report or projected.

use super::decor::Decor;
use super::fonts::{fit, text_width};
use super::palette::{ColorMap, Colouring, bar_color, series_color};
use super::svg::{Anchor, BLACK, GREY, LIGHT, Rgb, Svg, TextStyle};
use crate::format;
use crate::i18n::Lang;
use crate::query::chart::{ChartData, Orientation, Style};

/// A rectangle of the picture.
#[derive(Debug, Clone, Copy)]
pub struct Area {
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
}

impl Area {
    fn right(&self) -> f32 {
        self.x + self.w
    }

    fn bottom(&self) -> f32 {
        self.y + self.h
    }
}

/// The base text size of a picture `width` × `height`.
pub fn base_size(width: f32, height: f32) -> f32 {
    (width.min(height * 16.0 / 9.0) / 62.0).clamp(9.0, 40.0)
}

/// Writes title, notes and caption from the top of `svg`; returns where the content may start.
pub fn header(svg: &mut Svg, decor: &Decor, s: f32, pad: f32) -> f32 {
    let width = svg.width() - 2.0 * pad;
    let mut y = pad + s * 1.3;
    let title = TextStyle::new(s * 1.35).bold();
    svg.text(pad, y, &fit(&decor.title, title.size, true, width), title);
    let small = TextStyle::new(s * 0.74).color(GREY);
    for line in decor.notes.iter().chain([&decor.caption]) {
        y += s * 1.15;
        svg.text(pad, y, &fit(line, small.size, false, width), small);
    }
    y + s * 0.6
}

/// Writes the source line at the bottom of `svg`; returns where the content must end.
pub fn footer(svg: &mut Svg, decor: &Decor, s: f32, pad: f32) -> f32 {
    let style = TextStyle::new(s * 0.62).color(GREY);
    let y = svg.height() - pad * 0.7;
    let width = svg.width() - 2.0 * pad;
    svg.text(pad, y, &fit(&decor.source, style.size, false, width), style);
    y - s * 1.2
}

/// Nice round axis ticks covering `lo..hi` (always including zero).
pub fn ticks(lo: f64, hi: f64) -> Vec<f64> {
    let (lo, hi) = (lo.min(0.0), hi.max(0.0));
    let span = if hi - lo > 0.0 { hi - lo } else { 1.0 };
    let raw = span / 5.0;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * magnitude);
    let first = (lo / step).floor() as i64;
    let last = (hi / step).ceil().max(1.0) as i64;
    (first..=last).map(|i| i as f64 * step).collect()
}

/// A legend of the series in rows across the picture; returns where the content may start.
fn legend(
    svg: &mut Svg,
    data: &ChartData,
    colors: &ColorMap,
    lang: Lang,
    s: f32,
    pad: f32,
    top: f32,
) -> f32 {
    let size = s * 0.72;
    let swatch = size * 0.9;
    let style = TextStyle::new(size);
    let mut x = pad;
    let mut y = top + size;
    for (si, series) in data.series.iter().enumerate() {
        let name = series
            .key
            .as_ref()
            .map(|k| lang.key(k).into_owned())
            .unwrap_or_default();
        let name = fit(&name, size, false, svg.width() * 0.3);
        let item = swatch + size * 0.4 + text_width(&name, size, false) + size * 1.4;
        if x + item > svg.width() - pad && x > pad {
            x = pad;
            y += size * 1.5;
        }
        svg.rect(
            x,
            y - swatch * 0.85,
            swatch,
            swatch,
            series_color(colors, data, si),
            r#"class="swatch""#,
        );
        svg.text(x + swatch + size * 0.4, y, &name, style);
        x += item;
    }
    y + size * 0.9
}

/// How a value is written at the end of its bar (`compact`: `1,25 M€` instead of `1.250.000 €`).
pub(super) fn value_label(data: &ChartData, value: f64, compact: bool) -> String {
    let unit = data.spec.measure.unit();
    if compact {
        format::value_compact(unit, value)
    } else {
        format::value(unit, value)
    }
}

pub(super) fn tick_label(data: &ChartData, value: f64) -> String {
    format::value_compact(data.spec.measure.unit(), value)
}

/// The value range the bars need: stacked bars add up per category, others stand alone.
fn extent(data: &ChartData) -> (f64, f64) {
    let stacked = data.spec.stacked || data.series.len() == 1;
    let mut lo = 0.0f64;
    let mut hi = 0.0f64;
    for i in 0..data.categories.len() {
        if stacked {
            let pos: f64 = data.series.iter().map(|s| s.values[i].max(0.0)).sum();
            let neg: f64 = data.series.iter().map(|s| s.values[i].min(0.0)).sum();
            hi = hi.max(pos);
            lo = lo.min(neg);
        } else {
            for s in &data.series {
                hi = hi.max(s.values[i]);
                lo = lo.min(s.values[i]);
            }
        }
    }
    (lo, hi)
}

/// One drawn bar: the category and series it shows, and where it starts and ends along the
/// value axis (data units).
struct Segment {
    ci: usize,
    si: usize,
    from: f64,
    to: f64,
    /// Position across the category band: offset and thickness as fractions of the band.
    offset: f32,
    thickness: f32,
}

/// The bars of every category: stacked segments or grouped bars.
fn segments(data: &ChartData) -> Vec<Segment> {
    let k = data.series.len();
    let stacked = data.spec.stacked || k == 1;
    let band = 0.72;
    let mut out = Vec::new();
    for ci in 0..data.categories.len() {
        let (mut pos, mut neg) = (0.0, 0.0);
        for (si, series) in data.series.iter().enumerate() {
            let v = series.values[ci];
            if stacked {
                let base = if v >= 0.0 { &mut pos } else { &mut neg };
                out.push(Segment {
                    ci,
                    si,
                    from: *base,
                    to: *base + v,
                    offset: (1.0 - band) / 2.0,
                    thickness: band,
                });
                *base += v;
            } else {
                let t = band / k as f32;
                out.push(Segment {
                    ci,
                    si,
                    from: 0.0,
                    to: v,
                    offset: (1.0 - band) / 2.0 + si as f32 * t,
                    thickness: t,
                });
            }
        }
    }
    out
}

/// A whole chart as SVG, `width` × `height` user units.
pub fn chart_svg(
    data: &ChartData,
    decor: &Decor,
    colors: &ColorMap,
    colouring: Colouring,
    lang: Lang,
    width: f32,
    height: f32,
) -> String {
    let mut svg = Svg::new(width, height);
    let s = base_size(width, height);
    let pad = s * 1.2;
    let mut top = header(&mut svg, decor, s, pad);
    // Small multiples name each panel; other split charts have a legend.
    if data.series.len() > 1 && data.spec.style != Style::SmallMultiples {
        top = legend(&mut svg, data, colors, lang, s, pad, top) + s * 0.3;
    }
    let bottom = footer(&mut svg, decor, s, pad);
    let area = Area {
        x: pad,
        y: top,
        w: width - 2.0 * pad,
        h: (bottom - top).max(s * 4.0),
    };
    draw_bars(&mut svg, data, colors, colouring, lang, area, s);
    svg.finish()
}

/// The bars, axes and labels of `data` inside `area` (also used by report pages).
pub fn draw_bars(
    svg: &mut Svg,
    data: &ChartData,
    colors: &ColorMap,
    colouring: Colouring,
    lang: Lang,
    area: Area,
    s: f32,
) {
    if data.categories.is_empty() {
        let style = TextStyle::new(s).color(GREY).anchor(Anchor::Middle);
        svg.text(
            area.x + area.w / 2.0,
            area.y + area.h / 2.0,
            lang.texts().no_data,
            style,
        );
        return;
    }
    match (data.spec.style, data.spec.orientation) {
        (Style::Lines, _) => super::series_svg::lines(svg, data, colors, lang, area, s),
        (Style::SmallMultiples, _) => {
            super::series_svg::multiples(svg, data, colors, lang, area, s)
        }
        (Style::Bars, Orientation::Horizontal) => {
            horizontal(svg, data, colors, colouring, lang, area, s, None)
        }
        (Style::Bars, Orientation::Vertical) => {
            vertical(svg, data, colors, colouring, lang, area, s)
        }
    }
}

pub(super) fn scale(lo: f64, hi: f64, from: f32, to: f32) -> impl Fn(f64) -> f32 {
    let span = if hi > lo { hi - lo } else { 1.0 };
    move |v: f64| from + ((v - lo) / span) as f32 * (to - from)
}

pub(super) fn labels(data: &ChartData, lang: Lang) -> Vec<String> {
    data.categories
        .iter()
        .map(|k| lang.key(k).into_owned())
        .collect()
}

/// Horizontal bars; `fixed` forces the value range (panels sharing one scale).
#[allow(clippy::too_many_arguments)]
pub(super) fn horizontal(
    svg: &mut Svg,
    data: &ChartData,
    colors: &ColorMap,
    colouring: Colouring,
    lang: Lang,
    area: Area,
    s: f32,
    fixed: Option<(f64, f64)>,
) {
    let n = data.categories.len();
    let (lo, hi) = fixed.unwrap_or_else(|| extent(data));
    let marks = ticks(lo, hi);
    let tick_size = s * 0.68;
    let plot_bottom = area.bottom() - tick_size * 1.8;
    let band = (plot_bottom - area.y) / n as f32;
    let label_size = (s * 0.8).min(band * 0.72).max(5.0);
    let names = labels(data, lang);
    let label_w = names
        .iter()
        .map(|l| text_width(l, label_size, false))
        .fold(0.0, f32::max)
        .min(area.w * 0.32);
    let totals: Vec<f64> = (0..n).map(|i| data.category_value(i)).collect();
    let grouped = !(data.spec.stacked || data.series.len() == 1);
    let value_size = label_size * 0.92;
    let show_values = value_size >= 6.0;
    let value_w = if show_values {
        let values = (0..n).flat_map(|i| {
            if grouped {
                data.series.iter().map(|s| s.values[i]).collect::<Vec<_>>()
            } else {
                vec![totals[i]]
            }
        });
        values
            .map(|v| text_width(&value_label(data, v, false), value_size, false))
            .fold(0.0, f32::max)
    } else {
        0.0
    };
    let x0 = area.x + label_w + s * 0.6;
    let x1 = (area.right() - value_w - s * 0.5).max(x0 + s * 4.0);
    let first = *marks.first().unwrap_or(&0.0);
    let last = *marks.last().unwrap_or(&1.0);
    let x = scale(first, last, x0, x1);
    // Grid and value axis.
    let tick_style = TextStyle::new(tick_size).color(GREY).anchor(Anchor::Middle);
    for m in &marks {
        let gx = x(*m);
        let colour = if *m == 0.0 { GREY } else { LIGHT };
        svg.line(gx, area.y, gx, plot_bottom, colour, 1.0);
        svg.text(
            gx,
            plot_bottom + tick_size * 1.3,
            &tick_label(data, *m),
            tick_style,
        );
    }
    // Bars, then labels.
    for seg in segments(data) {
        let top = area.y + band * (seg.ci as f32 + seg.offset);
        let (a, b) = (x(seg.from), x(seg.to));
        let fill = bar_color(colors, colouring, data, seg.si, seg.ci);
        svg.rect(
            a.min(b),
            top,
            (b - a).abs(),
            band * seg.thickness,
            fill,
            r#"class="bar""#,
        );
        if show_values && grouped && band * seg.thickness >= value_size * 0.8 {
            let v = data.series[seg.si].values[seg.ci];
            value_at_end(
                svg,
                data,
                v,
                x(v),
                top + band * seg.thickness / 2.0,
                value_size,
            );
        }
    }
    let label_style = TextStyle::new(label_size).anchor(Anchor::End);
    for (i, name) in names.iter().enumerate() {
        let cy = area.y + band * (i as f32 + 0.5) + label_size * 0.35;
        svg.text(
            x0 - s * 0.4,
            cy,
            &fit(name, label_size, false, label_w),
            label_style,
        );
        if show_values && !grouped {
            value_at_end(
                svg,
                data,
                totals[i],
                x(totals[i]),
                area.y + band * (i as f32 + 0.5),
                value_size,
            );
        }
    }
}

fn value_at_end(svg: &mut Svg, data: &ChartData, value: f64, at: f32, middle: f32, size: f32) {
    let (x, anchor) = if value >= 0.0 {
        (at + size * 0.35, Anchor::Start)
    } else {
        (at - size * 0.35, Anchor::End)
    };
    svg.text(
        x,
        middle + size * 0.35,
        &value_label(data, value, false),
        TextStyle::new(size).color(BLACK).anchor(anchor),
    );
}

#[allow(clippy::too_many_arguments)]
fn vertical(
    svg: &mut Svg,
    data: &ChartData,
    colors: &ColorMap,
    colouring: Colouring,
    lang: Lang,
    area: Area,
    s: f32,
) {
    let n = data.categories.len();
    let (lo, hi) = extent(data);
    let marks = ticks(lo, hi);
    let tick_size = s * 0.68;
    let tick_w = marks
        .iter()
        .map(|m| text_width(&tick_label(data, *m), tick_size, false))
        .fold(0.0, f32::max);
    let x0 = area.x + tick_w + s * 0.5;
    let band = (area.right() - x0) / n as f32;
    let names = labels(data, lang);
    let label_size = (s * 0.76).min(band * 0.8).max(5.0);
    let widest = names
        .iter()
        .map(|l| text_width(l, label_size, false))
        .fold(0.0, f32::max);
    let rotated = widest > band * 0.95;
    let max_label = (area.h * 0.3).min(s * 14.0);
    let label_h = if rotated {
        widest.min(max_label) * 0.58 + label_size * 1.4
    } else {
        label_size * 1.6
    };
    let value_size = (label_size * 0.9).min(s * 0.7);
    let totals: Vec<f64> = (0..n).map(|i| data.category_value(i)).collect();
    let grouped = !(data.spec.stacked || data.series.len() == 1);
    let show_values = !grouped
        && totals
            .iter()
            .all(|v| text_width(&value_label(data, *v, true), value_size, false) <= band * 0.98);
    let y0 = area.y + if show_values { value_size * 1.5 } else { 0.0 };
    let y1 = area.bottom() - label_h;
    let first = *marks.first().unwrap_or(&0.0);
    let last = *marks.last().unwrap_or(&1.0);
    let y = scale(first, last, y1, y0);
    let tick_style = TextStyle::new(tick_size).color(GREY).anchor(Anchor::End);
    for m in &marks {
        let gy = y(*m);
        let colour = if *m == 0.0 { GREY } else { LIGHT };
        svg.line(x0, gy, area.right(), gy, colour, 1.0);
        svg.text(
            x0 - s * 0.3,
            gy + tick_size * 0.35,
            &tick_label(data, *m),
            tick_style,
        );
    }
    for seg in segments(data) {
        let left = x0 + band * (seg.ci as f32 + seg.offset);
        let (a, b) = (y(seg.from), y(seg.to));
        let fill: Rgb = bar_color(colors, colouring, data, seg.si, seg.ci);
        svg.rect(
            left,
            a.min(b),
            band * seg.thickness,
            (b - a).abs(),
            fill,
            r#"class="bar""#,
        );
    }
    for (i, name) in names.iter().enumerate() {
        let cx = x0 + band * (i as f32 + 0.5);
        if rotated {
            let style = TextStyle::new(label_size).anchor(Anchor::End).rotate(-35.0);
            svg.text(
                cx + label_size * 0.3,
                y1 + label_size * 1.1,
                &fit(name, label_size, false, max_label),
                style,
            );
        } else {
            let style = TextStyle::new(label_size).anchor(Anchor::Middle);
            svg.text(cx, y1 + label_size * 1.25, name, style);
        }
        if show_values {
            let v = totals[i];
            let style = TextStyle::new(value_size).anchor(Anchor::Middle);
            let at = if v >= 0.0 {
                y(v) - value_size * 0.4
            } else {
                y(v) + value_size * 1.1
            };
            svg.text(cx, at, &value_label(data, v, true), style);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_and_cover_the_range() {
        assert_eq!(ticks(0.0, 6_400_000.0).last(), Some(&8_000_000.0));
        let t = ticks(0.0, 867_000.0);
        assert_eq!(t[0], 0.0);
        assert!(t.last().unwrap() >= &867_000.0);
        assert!(t.len() <= 7, "{t:?}");
        assert_eq!(ticks(0.0, 0.0), vec![0.0, 0.2]);
        let negative = ticks(-50.0, 100.0);
        assert!(negative[0] <= -50.0 && negative.contains(&0.0));
    }
}
