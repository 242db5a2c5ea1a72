//! Territory bubbles → a report-quality SVG map: region and province borders, one bubble per
//! province or municipality (area proportional to the amount), the largest named, a size key,
//! the ten largest listed beside the map, and the data attribution the borders need.

use super::chart_svg::{Area, base_size, footer, header};
use super::decor::Decor;
use super::fonts::{fit, text_width};
use super::geo::{
    Box2, Drawn, MapLevel, bubble_radius, density, largest_radius, max_amount, place_labels,
    project, view_bounds,
};
use super::svg::{Anchor, GREY, Rgb, Svg, TextStyle, WHITE};
use crate::data::reference;
use crate::format;
use crate::i18n::Lang;
use crate::query::territory::TerritoryPoint;

const BUBBLE: Rgb = [0, 114, 178];
const BUBBLE_EDGE: Rgb = [0, 80, 130];
const REGION_LINE: Rgb = [150, 150, 150];
const PROVINCE_LINE: Rgb = [215, 215, 215];

/// The attribution the shipped borders and coordinates require.
pub fn attribution(lang: Lang) -> &'static str {
    match lang {
        Lang::It => "Confini e coordinate: ISTAT, Openpolis (CC BY 4.0)",
        Lang::En => "Borders and coordinates: ISTAT, Openpolis (CC BY 4.0)",
    }
}

/// Map coordinates → picture coordinates, fitted into an area keeping the aspect ratio.
struct Projection {
    bounds: [f64; 4],
    scale: f64,
    left: f64,
    top: f64,
}

impl Projection {
    fn fit(bounds: [f64; 4], area: Area) -> Self {
        let [x0, x1, y0, y1] = bounds;
        let scale = (area.w as f64 / (x1 - x0)).min(area.h as f64 / (y1 - y0));
        let left = area.x as f64 + (area.w as f64 - (x1 - x0) * scale) / 2.0;
        let top = area.y as f64 + (area.h as f64 - (y1 - y0) * scale) / 2.0;
        Projection {
            bounds,
            scale,
            left,
            top,
        }
    }

    fn point(&self, lat: f64, lon: f64) -> (f32, f32) {
        let (x, y) = project(lat, lon);
        (
            (self.left + (x - self.bounds[0]) * self.scale) as f32,
            (self.top + (self.bounds[3] - y) * self.scale) as f32,
        )
    }
}

/// The whole map as SVG, `width` × `height` user units. `unplaced` counts names the reference
/// could not place (said in a note, never guessed).
#[allow(clippy::too_many_arguments)]
pub fn map_svg(
    points: &[TerritoryPoint],
    level: MapLevel,
    unplaced: u64,
    decor: &Decor,
    lang: Lang,
    width: f32,
    height: f32,
) -> String {
    let mut svg = Svg::new(width, height);
    let s = base_size(width, height);
    let pad = s * 1.2;
    let mut decor = decor.clone();
    if unplaced > 0 {
        decor.notes.push(format!(
            "{} {}",
            format::count(unplaced as usize),
            lang.texts().map_unplaced
        ));
    }
    decor.source = format!("{} · {}", decor.source, attribution(lang));
    let top = header(&mut svg, &decor, s, pad);
    let bottom = footer(&mut svg, &decor, s, pad);
    let list_w = if width > height * 1.2 {
        (width * 0.3).min(s * 22.0)
    } else {
        0.0
    };
    let map = Area {
        x: pad,
        y: top,
        w: width - 2.0 * pad - list_w,
        h: bottom - top,
    };
    let projection = Projection::fit(view_bounds(points), map);
    svg.clip_rect("map", map.x, map.y, map.w, map.h);
    borders(&mut svg, &projection);
    bubbles(&mut svg, points, level, &projection, map, s);
    size_key(&mut svg, points, level, map, s);
    if list_w > 0.0 {
        let list = Area {
            x: width - pad - list_w + s,
            y: top,
            w: list_w - s,
            h: bottom - top,
        };
        ranking(&mut svg, points, lang, list, s);
    }
    svg.finish()
}

/// Bubbles are sized for a map about 600 units tall; larger maps get larger bubbles.
fn map_scale(map: Area) -> f32 {
    (map.h / 600.0).max(0.5)
}

fn borders(svg: &mut Svg, projection: &Projection) {
    // Provinces first, regions over them.
    for region in [false, true] {
        let (colour, width) = if region {
            (REGION_LINE, 1.2)
        } else {
            (PROVINCE_LINE, 0.7)
        };
        for ring in reference::borders().iter().filter(|r| r.region == region) {
            let points = ring
                .points
                .iter()
                .map(|[lat, lon]| projection.point(*lat, *lon));
            svg.polyline(points, true, colour, width, Some("map"));
        }
    }
}

fn bubbles(
    svg: &mut Svg,
    points: &[TerritoryPoint],
    level: MapLevel,
    projection: &Projection,
    map: Area,
    s: f32,
) {
    let max = max_amount(points);
    let k = map_scale(map);
    let label_size = s * 0.72;
    let drawn: Vec<Drawn> = points
        .iter()
        .map(|p| {
            let (x, y) = projection.point(p.lat, p.lon);
            Drawn {
                x,
                y,
                radius: bubble_radius(p.amount, max, largest_radius(level))
                    * k
                    * density(points.len()),
                label_w: text_width(&p.name, label_size, true),
                label_h: label_size * 1.2,
            }
        })
        .collect();
    // Largest drawn first so small bubbles stay visible on top.
    for d in &drawn {
        svg.circle(
            d.x,
            d.y,
            d.radius,
            BUBBLE,
            0.62,
            BUBBLE_EDGE,
            r#"class="bubble""#,
        );
    }
    let frame = Box2 {
        x0: map.x,
        y0: map.y,
        x1: map.x + map.w,
        y1: map.y + map.h,
    };
    let style = TextStyle::new(label_size).bold().halo(WHITE);
    for (i, spot) in place_labels(&drawn, frame, 12) {
        svg.text(spot.x0, spot.y1 - label_size * 0.32, &points[i].name, style);
    }
}

/// Two reference bubbles in the lower corner of the map: what the largest and a quarter of it
/// mean in euros.
fn size_key(svg: &mut Svg, points: &[TerritoryPoint], level: MapLevel, map: Area, s: f32) {
    if points.is_empty() {
        return;
    }
    let max = max_amount(points);
    let k = map_scale(map);
    let k = k * density(points.len());
    let big = bubble_radius(max, max, largest_radius(level)) * k;
    let small = bubble_radius(max / 4.0, max, largest_radius(level)) * k;
    let x = map.x + big + s * 0.4;
    let base = map.y + map.h - s * 0.4;
    let style = TextStyle::new(s * 0.62).color(GREY);
    // Each label at the top of its bubble, and never on the line of the one above (small
    // bubbles on a dense map are closer together than a line of text).
    let mut previous = f32::NEG_INFINITY;
    for (r, value) in [(big, max), (small, max / 4.0)] {
        svg.circle(x, base - r, r, WHITE, 0.0, GREY, r#"class="key""#);
        let y = (base - 2.0 * r + s * 0.25).max(previous + s * 0.75);
        svg.text(x + big + s * 0.4, y, &format::euro_compact(value), style);
        previous = y;
    }
}

/// The ten largest bubbles as a list beside the map.
fn ranking(svg: &mut Svg, points: &[TerritoryPoint], lang: Lang, area: Area, s: f32) {
    let size = s * 0.72;
    let head = TextStyle::new(size).bold();
    svg.text(area.x, area.y + size, lang.texts().ranking, head);
    let mut y = area.y + size * 2.6;
    let amount_style = TextStyle::new(size).anchor(Anchor::End);
    for p in points.iter().take(10) {
        if y > area.y + area.h {
            break;
        }
        let amount = format::euro(p.amount);
        let room = area.w - text_width(&amount, size, false) - size;
        svg.text(
            area.x,
            y,
            &fit(&p.name, size, false, room),
            TextStyle::new(size),
        );
        svg.text(area.x + area.w, y, &amount, amount_style);
        y += size * 1.55;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bubble_is_one_circle_and_borders_are_drawn() {
        let points = vec![
            TerritoryPoint {
                name: "Torino".into(),
                context: "Piemonte".into(),
                lat: 45.07,
                lon: 7.69,
                amount: 3_000_000.0,
                projects: 10,
            },
            TerritoryPoint {
                name: "Cuneo".into(),
                context: "Piemonte".into(),
                lat: 44.39,
                lon: 7.55,
                amount: -10.0,
                projects: 1,
            },
        ];
        let decor = Decor {
            title: "Importo per provincia".into(),
            notes: vec![],
            caption: "Nessun filtro".into(),
            source: "Fonte: prova".into(),
        };
        let svg = map_svg(
            &points,
            MapLevel::Provinces,
            2,
            &decor,
            Lang::It,
            1600.0,
            900.0,
        );
        let doc = resvg::usvg::roxmltree::Document::parse(&svg).unwrap();
        let bubbles = doc
            .descendants()
            .filter(|n| n.has_tag_name("circle") && n.attribute("class") == Some("bubble"))
            .count();
        assert_eq!(bubbles, 2);
        assert!(!svg.contains("NaN"));
        let paths = doc.descendants().filter(|n| n.has_tag_name("path")).count();
        assert!(
            paths > 127,
            "20 regions and 107 provinces at least: {paths}"
        );
        assert!(svg.contains("ISTAT, Openpolis (CC BY 4.0)"));
        assert!(svg.contains("2 comuni non trovati"));
    }
}
