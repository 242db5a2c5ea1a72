//! A4 pages as SVG: the monthly dashboard report (KPIs, the four overview charts, the top ten
//! of the Esplora chart, filters, sources and problems) and the one-page project card laid out
//! like the "Scheda intervento". [`super::output::pdf`] turns the pages into a PDF.

use super::chart_svg::{Area, draw_bars};
use super::decor::{Provenance, export_note, filters_caption, source_line};
use super::fonts::{text_width, wrap};
use super::palette::{ColorMap, Colouring};
use super::svg::{Anchor, GREY, LIGHT, Svg, TextStyle};
use crate::format;
use crate::i18n::Lang;
use crate::query::Key;
use crate::query::card::Card;
use crate::query::chart::ChartData;
use crate::query::dashboard::Kpis;

/// An A4 page in SVG units (two per point).
pub const PAGE_W: f32 = 1190.0;
pub const PAGE_H: f32 = 1684.0;
const MARGIN: f32 = 80.0;
const TINT: [u8; 3] = [244, 246, 249];

/// Writes the footer — the source line and the page number — and returns where content ends.
fn footer(svg: &mut Svg, source: &str, page: usize, pages: usize, lang: Lang) -> f32 {
    let size = 15.0;
    let y = PAGE_H - MARGIN * 0.6;
    svg.line(MARGIN, y - 28.0, PAGE_W - MARGIN, y - 28.0, LIGHT, 1.0);
    let number = format!("{} {page} / {pages}", lang.texts().page);
    let room = PAGE_W - 2.0 * MARGIN - text_width(&number, size, false) - 20.0;
    let style = TextStyle::new(size).color(GREY);
    let line = wrap(source, size, false, room);
    svg.text(
        MARGIN,
        y,
        line.first().map(String::as_str).unwrap_or(""),
        style,
    );
    svg.text(PAGE_W - MARGIN, y, &number, style.anchor(Anchor::End));
    y - 50.0
}

/// Text wrapped to `width` from (x, y); returns the y after the last line.
fn paragraph(svg: &mut Svg, x: f32, y: f32, text: &str, style: TextStyle, width: f32) -> f32 {
    let mut y = y;
    for line in wrap(text, style.size, style.bold, width) {
        svg.text(x, y, &line, style);
        y += style.size * 1.35;
    }
    y
}

/// What the report shows.
pub struct ReportInput<'a> {
    pub kpis: &'a Kpis,
    /// The overview charts: title, data, colours.
    pub charts: Vec<(String, &'a ChartData, Colouring)>,
    pub explore: &'a ChartData,
    pub explore_title: String,
    pub provenance: &'a Provenance,
    /// Values the loader could not read, in all sources.
    pub problems: usize,
    pub colors: &'a ColorMap,
}

/// A chart with its title (and note) in `area`.
fn chart_block(
    svg: &mut Svg,
    title: &str,
    data: &ChartData,
    colouring: Colouring,
    input: &ReportInput,
    area: Area,
) {
    let lang = input.provenance.lang;
    let mut y = area.y + 26.0;
    svg.text(area.x, y, title, TextStyle::new(26.0).bold());
    if data.multi_valued {
        y += 24.0;
        y = paragraph(
            svg,
            area.x,
            y,
            lang.texts().overlapping,
            TextStyle::new(16.0).color(GREY),
            area.w,
        ) - 16.0;
    }
    let top = y + 20.0;
    let chart = Area {
        x: area.x,
        y: top,
        w: area.w,
        h: area.y + area.h - top,
    };
    draw_bars(svg, data, input.colors, colouring, lang, chart, 24.0);
}

fn kpi_cards(svg: &mut Svg, kpis: &Kpis, lang: Lang, top: f32) -> f32 {
    let t = lang.texts();
    let nd = t.not_available;
    let count_or_nd = |n: Option<u64>| {
        n.map(|n| format::count(n as usize))
            .unwrap_or_else(|| nd.into())
    };
    let spent = kpis.spent.map(format::euro).unwrap_or_else(|| nd.into());
    let share = kpis
        .spent_share
        .map(|s| format!("{} {}", format::percent(s), t.of_granted))
        .unwrap_or_default();
    let shown = format!(
        "{} {} {}",
        format::count(kpis.projects as usize),
        t.shown_of,
        format::count(kpis.all_projects as usize)
    );
    let cards = [
        (t.kpi_granted, format::euro(kpis.granted), String::new()),
        (t.kpi_spent, spent, share),
        (t.kpi_projects, format::count(kpis.projects as usize), shown),
        (
            t.kpi_lead_bodies,
            count_or_nd(kpis.lead_bodies),
            String::new(),
        ),
        (
            t.kpi_territories,
            count_or_nd(kpis.territories),
            String::new(),
        ),
        (
            t.kpi_median,
            kpis.median_grant
                .map(format::euro)
                .unwrap_or_else(|| nd.into()),
            String::new(),
        ),
    ];
    let gap = 20.0;
    let w = (PAGE_W - 2.0 * MARGIN - 2.0 * gap) / 3.0;
    let h = 120.0;
    for (i, (label, value, note)) in cards.iter().enumerate() {
        let x = MARGIN + (i % 3) as f32 * (w + gap);
        let y = top + (i / 3) as f32 * (h + gap);
        svg.rect(x, y, w, h, TINT, r#"class="kpi""#);
        svg.text(x + 18.0, y + 32.0, label, TextStyle::new(17.0).color(GREY));
        svg.text(x + 18.0, y + 76.0, value, TextStyle::new(36.0).bold());
        if !note.is_empty() {
            svg.text(x + 18.0, y + 104.0, note, TextStyle::new(15.0).color(GREY));
        }
    }
    top + 2.0 * h + gap
}

/// The top ten of the Esplora chart as a table.
fn top_table(svg: &mut Svg, data: &ChartData, title: &str, lang: Lang, area: Area) {
    let t = lang.texts();
    let mut y = area.y + 26.0;
    svg.text(area.x, y, title, TextStyle::new(26.0).bold());
    y += 24.0;
    let size = 18.0;
    let shares = data.has_shares();
    let right = area.x + area.w;
    let (value_x, projects_x) = if shares {
        (right - 330.0, right - 160.0)
    } else {
        (right - 170.0, right)
    };
    let head = TextStyle::new(size).bold();
    y += 20.0;
    svg.text(
        area.x + 10.0,
        y,
        &lang.dimension(&data.spec.dimension),
        head,
    );
    svg.text(
        value_x,
        y,
        lang.measure(data.spec.measure),
        head.anchor(Anchor::End),
    );
    svg.text(projects_x, y, t.kpi_projects, head.anchor(Anchor::End));
    if shares {
        svg.text(
            right - 10.0,
            y,
            &lang.pick_owned("Quota", "Share"),
            head.anchor(Anchor::End),
        );
    }
    y += 12.0;
    svg.line(area.x, y, right, y, GREY, 1.0);
    let rows: Vec<usize> = (0..data.categories.len())
        .filter(|i| data.categories[*i] != Key::Other)
        .take(10)
        .collect();
    let body = TextStyle::new(size);
    for (n, i) in rows.iter().enumerate() {
        let row_h = size * 1.9;
        if n % 2 == 0 {
            svg.rect(area.x, y, area.w, row_h, TINT, "");
        }
        let base = y + row_h * 0.68;
        let value = data.category_value(*i);
        let value_text = format::value(data.spec.measure.unit(), value);
        let name_room = value_x - area.x - text_width(&value_text, size, false) - 40.0;
        let name = format!("{}. {}", n + 1, lang.key(&data.categories[*i]));
        let name = super::fonts::fit(&name, size, false, name_room);
        svg.text(area.x + 10.0, base, &name, body);
        svg.text(value_x, base, &value_text, body.anchor(Anchor::End));
        svg.text(
            projects_x,
            base,
            &format::count(data.counts[*i] as usize),
            body.anchor(Anchor::End),
        );
        if shares {
            svg.text(
                right - 10.0,
                base,
                &format::percent(value / data.total),
                body.anchor(Anchor::End),
            );
        }
        y += row_h;
    }
}

/// The report's pages as SVG.
pub fn report_pages(input: &ReportInput) -> Vec<String> {
    let provenance = input.provenance;
    let lang = provenance.lang;
    let t = lang.texts();
    let source = source_line(&provenance.sources, provenance.date, lang);
    let pages = 3;
    let width = PAGE_W - 2.0 * MARGIN;
    let mut out = Vec::new();

    // Page 1: what, which data, the headline numbers, the first chart.
    let mut svg = Svg::new(PAGE_W, PAGE_H);
    let mut y = MARGIN + 40.0;
    svg.text(MARGIN, y, t.report_title, TextStyle::new(44.0).bold());
    svg.text(
        PAGE_W - MARGIN,
        y,
        &format::date_it(provenance.date),
        TextStyle::new(20.0).color(GREY).anchor(Anchor::End),
    );
    y += 44.0;
    let info = TextStyle::new(19.0).color(GREY);
    y = paragraph(
        &mut svg,
        MARGIN,
        y,
        &filters_caption(&provenance.filters, lang),
        info,
        width,
    );
    let sources = format!(
        "{}: {}",
        lang.pick_owned("Fonti", "Sources"),
        provenance.sources.join("; ")
    );
    y = paragraph(&mut svg, MARGIN, y, &sources, info, width);
    let problems = format!(
        "{} {}",
        format::count(input.problems),
        t.problems_in_sources
    );
    y = paragraph(&mut svg, MARGIN, y, &problems, info, width);
    y = kpi_cards(&mut svg, input.kpis, lang, y + 16.0) + 30.0;
    let bottom = footer(&mut svg, &source, 1, pages, lang);
    if let Some((title, data, colouring)) = input.charts.first() {
        let area = Area {
            x: MARGIN,
            y,
            w: width,
            h: bottom - y,
        };
        chart_block(&mut svg, title, data, *colouring, input, area);
    }
    out.push(svg.finish());

    // Page 2: two charts; page 3: the last chart and the Esplora top ten.
    let half = |svg: &mut Svg, top: f32, bottom: f32, k: usize| {
        if let Some((title, data, colouring)) = input.charts.get(k) {
            let area = Area {
                x: MARGIN,
                y: top,
                w: width,
                h: bottom - top,
            };
            chart_block(svg, title, data, *colouring, input, area);
        }
    };
    let mut svg = Svg::new(PAGE_W, PAGE_H);
    let bottom = footer(&mut svg, &source, 2, pages, lang);
    let middle = (MARGIN + bottom) / 2.0;
    half(&mut svg, MARGIN, middle - 30.0, 1);
    half(&mut svg, middle + 10.0, bottom, 2);
    out.push(svg.finish());

    let mut svg = Svg::new(PAGE_W, PAGE_H);
    let bottom = footer(&mut svg, &source, 3, pages, lang);
    let middle = (MARGIN + bottom) / 2.0;
    half(&mut svg, MARGIN, middle - 30.0, 3);
    let table = Area {
        x: MARGIN,
        y: middle + 10.0,
        w: width,
        h: bottom - middle,
    };
    top_table(&mut svg, input.explore, &input.explore_title, lang, table);
    out.push(svg.finish());
    out
}

/// Lays a card out at text size `s`; returns the page and whether everything fit.
fn card_at(card: &Card, lang: Lang, source: &str, s: f32) -> (String, bool) {
    let t = lang.texts();
    let width = PAGE_W - 2.0 * MARGIN;
    let mut svg = Svg::new(PAGE_W, PAGE_H);
    let bottom = footer(&mut svg, source, 1, 1, lang);
    let mut y = MARGIN + s * 1.2;
    svg.text(
        MARGIN,
        y,
        &format!("{}: {}", t.card_title, card.code),
        TextStyle::new(s * 0.95).color(GREY),
    );
    y += s * 2.2;
    y = paragraph(
        &mut svg,
        MARGIN,
        y,
        &card.title,
        TextStyle::new(s * 1.7).bold(),
        width,
    );
    y += s * 0.3;
    y = paragraph(
        &mut svg,
        MARGIN,
        y,
        &card.lead_body,
        TextStyle::new(s * 1.1).bold(),
        width,
    );
    if !card.period.is_empty() {
        svg.text(MARGIN, y, &card.period, TextStyle::new(s));
        y += s * 1.35;
    }
    y += s * 0.2;
    svg.line(
        MARGIN,
        y - s * 0.6,
        PAGE_W - MARGIN,
        y - s * 0.6,
        LIGHT,
        1.5,
    );
    y += s * 0.6;
    let label_style = TextStyle::new(s).color(GREY);
    let value_style = TextStyle::new(s);
    for (line, value) in &card.lines {
        let label = format!("{}:", lang.card_line(*line));
        let label_w = text_width(&label, s, false) + s * 0.4;
        svg.text(MARGIN, y, &label, label_style);
        let value = if value.is_empty() {
            "—"
        } else {
            value.as_str()
        };
        // The value starts beside its label and wraps under it, as in the Scheda intervento.
        let first = wrap(value, s, false, width - label_w);
        let head = first.first().cloned().unwrap_or_default();
        svg.text(MARGIN + label_w, y, &head, value_style);
        let rest: String = value.chars().skip(head.chars().count()).collect();
        y += s * 1.35;
        if !rest.trim().is_empty() {
            y = paragraph(&mut svg, MARGIN, y, rest.trim(), value_style, width);
        }
        y += s * 0.35;
    }
    if !card.abstract_text.is_empty() {
        y += s * 0.4;
        svg.text(MARGIN, y, t.card_abstract, label_style);
        y += s * 1.4;
        y = paragraph(&mut svg, MARGIN, y, &card.abstract_text, value_style, width);
    }
    (svg.finish(), y <= bottom)
}

/// The card on one A4 page: the text shrinks until everything fits.
pub fn card_page(card: &Card, provenance: &Provenance) -> String {
    let lang = provenance.lang;
    let source = format!(
        "{}: {} · {}",
        lang.texts().card_source,
        card.source,
        export_note(provenance.date, lang)
    );
    let mut s = 24.0;
    loop {
        let (page, fits) = card_at(card, lang, &source, s);
        if fits || s <= 11.0 {
            return page;
        }
        s *= 0.92;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::sample;
    use crate::query::filters::Filters;

    #[test]
    fn a_long_card_still_fits_one_page() {
        let d = sample::load().unwrap();
        let mut card = Card::of(&d.table, 0);
        card.abstract_text = "Un progetto di comunità. ".repeat(300);
        let provenance = Provenance::new(vec!["a.xlsx".into()], Filters::default(), Lang::It);
        let page = card_page(&card, &provenance);
        let lines = crate::render::output::texts(&crate::render::output::parse(&page).unwrap());
        assert!(lines.iter().any(|l| l.starts_with("Scheda intervento: ")));
        assert!(lines.iter().any(|l| l.contains("esportato il")));
        // The last line of the abstract is drawn above the footer.
        let doc = resvg::usvg::roxmltree::Document::parse(&page).unwrap();
        let lowest_text = doc
            .descendants()
            .filter(|n| n.has_tag_name("text") && n.text().is_some_and(|t| t.contains("comunità.")))
            .filter_map(|n| n.attribute("y")?.parse::<f32>().ok())
            .fold(0.0, f32::max);
        assert!(lowest_text < PAGE_H - MARGIN, "{lowest_text}");
    }
}
