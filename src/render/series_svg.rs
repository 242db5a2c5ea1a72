//! Charts of several series that are not bars: lines across the categories (planned spend per
//! year, one line per entity) and small multiples (one panel per series, one shared scale).

use super::chart_svg::{Area, horizontal, scale, tick_label, ticks};
use super::fonts::{fit, text_width};
use super::palette::{ColorMap, Colouring, series_color};
use super::svg::{Anchor, GREY, LIGHT, Svg, TextStyle, WHITE};
use crate::i18n::Lang;
use crate::query::chart::ChartData;

/// One line per series across the categories, with a marker on each value.
pub fn lines(svg: &mut Svg, data: &ChartData, colors: &ColorMap, lang: Lang, area: Area, s: f32) {
    let n = data.categories.len();
    let marks = ticks(0.0, data.max_value());
    let tick_size = s * 0.68;
    let tick_w = marks
        .iter()
        .map(|m| text_width(&tick_label(data, *m), tick_size, false))
        .fold(0.0, f32::max);
    let x0 = area.x + tick_w + s * 0.5;
    let x1 = area.x + area.w - s * 0.5;
    let label_size = s * 0.76;
    let y1 = area.y + area.h - label_size * 1.8;
    let y = scale(
        *marks.first().unwrap_or(&0.0),
        *marks.last().unwrap_or(&1.0),
        y1,
        area.y + s * 0.5,
    );
    let step = if n > 1 {
        (x1 - x0) / (n - 1) as f32
    } else {
        0.0
    };
    let x = |i: usize| {
        if n > 1 {
            x0 + step * i as f32
        } else {
            (x0 + x1) / 2.0
        }
    };
    let tick_style = TextStyle::new(tick_size).color(GREY).anchor(Anchor::End);
    for m in &marks {
        let gy = y(*m);
        svg.line(x0, gy, x1, gy, if *m == 0.0 { GREY } else { LIGHT }, 1.0);
        svg.text(
            x0 - s * 0.3,
            gy + tick_size * 0.35,
            &tick_label(data, *m),
            tick_style,
        );
    }
    let label_style = TextStyle::new(label_size).anchor(Anchor::Middle);
    for (i, k) in data.categories.iter().enumerate() {
        svg.text(x(i), y1 + label_size * 1.3, &lang.key(k), label_style);
    }
    for (si, series) in data.series.iter().enumerate() {
        let colour = series_color(colors, data, si);
        let points: Vec<(f32, f32)> = series
            .values
            .iter()
            .enumerate()
            .map(|(i, v)| (x(i), y(*v)))
            .collect();
        svg.polyline(points.iter().copied(), false, colour, s * 0.14, None);
        for (px, py) in points {
            svg.circle(px, py, s * 0.22, colour, 1.0, WHITE, r#"class="point""#);
        }
    }
}

/// One panel per series, each its own horizontal bar chart on the same scale.
pub fn multiples(
    svg: &mut Svg,
    data: &ChartData,
    colors: &ColorMap,
    lang: Lang,
    area: Area,
    s: f32,
) {
    let k = data.series.len().max(1);
    let columns = if area.w > area.h * 1.2 {
        k.min(4)
    } else {
        k.min(2)
    };
    let rows = k.div_ceil(columns);
    let gap = s;
    let w = (area.w - gap * (columns - 1) as f32) / columns as f32;
    let h = (area.h - gap * (rows - 1) as f32) / rows as f32;
    let shared = (0.0, data.max_value().max(f64::MIN_POSITIVE));
    let small = s * 0.8;
    for (si, series) in data.series.iter().enumerate() {
        let (c, r) = (si % columns, si / columns);
        let x = area.x + c as f32 * (w + gap);
        let y = area.y + r as f32 * (h + gap);
        let name = series
            .key
            .as_ref()
            .map(|k| lang.key(k).into_owned())
            .unwrap_or_default();
        svg.text(
            x,
            y + small,
            &fit(&name, small, true, w),
            TextStyle::new(small)
                .bold()
                .color(series_color(colors, data, si)),
        );
        let panel = Area {
            x,
            y: y + small * 1.6,
            w,
            h: h - small * 1.6,
        };
        horizontal(
            svg,
            &data.series_chart(si),
            colors,
            Colouring::Fixed(series_color(colors, data, si)),
            lang,
            panel,
            small,
            Some(shared),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::Key;
    use crate::query::chart::{ChartSeries, ChartSpec, Dimension, Measure, Style};
    use crate::render::chart_svg::chart_svg;
    use crate::render::decor::Decor;

    fn data(style: Style) -> ChartData {
        let mut spec = ChartSpec::new(Dimension::Year, Measure::Amount);
        spec.style = style;
        ChartData {
            spec,
            categories: vec![Key::value("2019"), Key::value("2020"), Key::value("2021")],
            counts: vec![1, 2, 1],
            series: ["Cuneo", "Torino"]
                .iter()
                .enumerate()
                .map(|(i, name)| ChartSeries {
                    key: Some(Key::value(*name)),
                    values: if i == 0 {
                        vec![2.0, 4.0, 1.0]
                    } else {
                        vec![20.0, 10.0, 5.0]
                    },
                })
                .collect(),
            total: 0.0,
            projects: 4,
            multi_valued: false,
        }
    }

    fn decor() -> Decor {
        Decor {
            title: "Prova".into(),
            notes: vec![],
            caption: "Nessun filtro".into(),
            source: "Fonte: prova".into(),
        }
    }

    #[test]
    fn lines_draw_one_marker_per_value_and_a_legend() {
        let svg = chart_svg(
            &data(Style::Lines),
            &decor(),
            &ColorMap::default(),
            Colouring::Single(0),
            Lang::It,
            800.0,
            450.0,
        );
        let doc = resvg::usvg::roxmltree::Document::parse(&svg).unwrap();
        let points = doc
            .descendants()
            .filter(|n| n.attribute("class") == Some("point"))
            .count();
        assert_eq!(points, 6);
        assert_eq!(
            doc.descendants()
                .filter(|n| n.attribute("class") == Some("swatch"))
                .count(),
            2
        );
    }

    #[test]
    fn small_multiples_have_a_panel_per_series_on_one_scale() {
        let svg = chart_svg(
            &data(Style::SmallMultiples),
            &decor(),
            &ColorMap::default(),
            Colouring::Single(0),
            Lang::It,
            900.0,
            450.0,
        );
        let doc = resvg::usvg::roxmltree::Document::parse(&svg).unwrap();
        let texts: Vec<&str> = doc
            .descendants()
            .filter(|n| n.has_tag_name("text"))
            .filter_map(|n| n.text())
            .collect();
        assert!(texts.contains(&"Cuneo") && texts.contains(&"Torino"));
        assert_eq!(
            doc.descendants()
                .filter(|n| n.attribute("class") == Some("bar"))
                .count(),
            6
        );
        // One scale: Cuneo's panel (values up to 4 €) has Torino's ticks up to 20 €.
        assert_eq!(
            texts.iter().filter(|t| **t == "15 €").count(),
            2,
            "{texts:?}"
        );
    }
}
