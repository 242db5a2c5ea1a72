//! The window's charts by name: which dashboard data each draws, in which colours and under
//! which title. The screen and every export of a chart ask here, so the two agree.

use serde::{Deserialize, Serialize};

use super::settings::Settings;
use crate::i18n::Lang;
use crate::query::chart::ChartData;
use crate::query::dashboard::Dashboard;
use crate::query::territory::{Level, TerritoryPoint};
use crate::render::chart_svg::chart_svg;
use crate::render::decor::{Provenance, chart_title};
use crate::render::map_svg::map_svg;
use crate::render::output::{PageSize, RenderError, pdf};
use crate::render::pages::{ReportInput, report_pages};
use crate::render::palette::{ColorMap, Colouring};

/// A chart of the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ChartId {
    Programme,
    Province,
    Target,
    Year,
    Explore,
    Map,
    Ranking,
    /// Confronta: granted and spent of each entity (in euros or per resident).
    CompareMeasures,
    /// Confronta: the share of each entity's projects reaching each target group.
    CompareProfile,
    /// Confronta: planned spend per year, one series per entity.
    CompareYears,
}

impl ChartId {
    pub const ALL: [ChartId; 10] = [
        ChartId::Programme,
        ChartId::Province,
        ChartId::Target,
        ChartId::Year,
        ChartId::Explore,
        ChartId::Map,
        ChartId::Ranking,
        ChartId::CompareMeasures,
        ChartId::CompareProfile,
        ChartId::CompareYears,
    ];

    /// The four charts of the Panoramica tab.
    pub const OVERVIEW: [ChartId; 4] = [
        ChartId::Programme,
        ChartId::Province,
        ChartId::Target,
        ChartId::Year,
    ];

    /// The widget id of the chart (also the key of its bar centres).
    pub fn id(self) -> &'static str {
        match self {
            ChartId::Programme => "chart_programme",
            ChartId::Province => "chart_province",
            ChartId::Target => "chart_target",
            ChartId::Year => "chart_year",
            ChartId::Explore => "chart_explore",
            ChartId::Map => "territory_map",
            ChartId::Ranking => "chart_ranking",
            ChartId::CompareMeasures => "chart_compare_measures",
            ChartId::CompareProfile => "chart_compare_profile",
            ChartId::CompareYears => "chart_compare_years",
        }
    }
}

/// What a chart shows.
pub enum ChartView<'a> {
    Bars {
        data: &'a ChartData,
        colouring: Colouring,
        title: String,
    },
    Map {
        points: &'a [TerritoryPoint],
        level: Level,
        unplaced: u64,
        title: String,
    },
}

impl ChartView<'_> {
    pub fn title(&self) -> &str {
        match self {
            ChartView::Bars { title, .. } | ChartView::Map { title, .. } => title,
        }
    }
}

/// A chart as the exports draw it (owned: it travels to a background thread).
#[derive(Debug, Clone)]
pub enum Picture {
    Bars {
        data: ChartData,
        colouring: Colouring,
        title: String,
    },
    Map {
        points: Vec<TerritoryPoint>,
        level: Level,
        unplaced: u64,
        title: String,
    },
}

impl Picture {
    pub fn title(&self) -> &str {
        match self {
            Picture::Bars { title, .. } | Picture::Map { title, .. } => title,
        }
    }

    /// The picture as SVG, `width` × `height` units.
    pub fn svg(
        &self,
        provenance: &Provenance,
        colors: &ColorMap,
        width: f32,
        height: f32,
    ) -> String {
        let lang = provenance.lang;
        match self {
            Picture::Bars {
                data,
                colouring,
                title,
            } => {
                let decor = provenance.decor(data, Some(title));
                chart_svg(data, &decor, colors, *colouring, lang, width, height)
            }
            Picture::Map {
                points,
                level,
                unplaced,
                title,
            } => {
                let decor = provenance.map_decor(*level, Some(title));
                map_svg(points, *level, *unplaced, &decor, lang, width, height)
            }
        }
    }
}

/// The map level the settings ask for, when the data can give it.
pub fn map_level(d: &Dashboard, settings: &Settings) -> Level {
    let has_municipalities = !d.municipalities.is_empty() || d.unplaced_municipalities > 0;
    if settings.map_municipalities && has_municipalities {
        Level::Municipalities
    } else {
        Level::Provinces
    }
}

/// Chart `id` of dashboard `d` as the exports draw it.
pub fn picture(d: &Dashboard, id: ChartId, settings: &Settings) -> Option<Picture> {
    Some(match view(d, id, settings)? {
        ChartView::Bars {
            data,
            colouring,
            title,
        } => Picture::Bars {
            data: data.clone(),
            colouring,
            title,
        },
        ChartView::Map {
            points,
            level,
            unplaced,
            title,
        } => Picture::Map {
            points: points.to_vec(),
            level,
            unplaced,
            title,
        },
    })
}

/// The data, colours and title of chart `id` on dashboard `d` (`None`: a comparison chart
/// with nothing compared).
pub fn view<'a>(d: &'a Dashboard, id: ChartId, settings: &Settings) -> Option<ChartView<'a>> {
    let lang: Lang = settings.lang;
    let t = lang.texts();
    let bars = |data: &'a ChartData, colouring: Colouring, title: &str| ChartView::Bars {
        data,
        colouring,
        title: title.to_string(),
    };
    let level = map_level(d, settings);
    let compared = |title: &str| format!("{title} · {}", lang.dimension(&settings.compare.by));
    Some(match id {
        ChartId::CompareMeasures => {
            let c = d.compare.as_ref()?;
            let title = if settings.compare.per_resident && c.comparison.has_population {
                t.compare_per_resident
            } else {
                t.compare_measures
            };
            bars(&c.measures, Colouring::Single(0), &compared(title))
        }
        ChartId::CompareProfile => {
            let c = d.compare.as_ref()?;
            bars(
                &c.profile,
                Colouring::Single(0),
                &compared(t.compare_profile),
            )
        }
        ChartId::CompareYears => {
            let c = d.compare.as_ref()?;
            bars(&c.years, Colouring::Single(0), &compared(t.chart_year))
        }
        ChartId::Programme => bars(&d.by_programme, Colouring::ByCategory, t.chart_programme),
        ChartId::Province => bars(&d.by_province, Colouring::Single(0), t.chart_province),
        ChartId::Target => bars(
            &d.by_target,
            Colouring::Single(2),
            &chart_title(&d.by_target.spec, lang),
        ),
        ChartId::Year => bars(&d.by_year, Colouring::Single(4), t.chart_year),
        ChartId::Explore => bars(
            &d.explore,
            Colouring::Single(0),
            &chart_title(&d.explore.spec, lang),
        ),
        ChartId::Ranking => match level {
            Level::Provinces => bars(&d.by_province, Colouring::Single(0), t.map_title),
            Level::Municipalities => bars(
                &d.by_municipality,
                Colouring::Single(0),
                t.map_title_municipalities,
            ),
        },
        ChartId::Map => match level {
            Level::Provinces => ChartView::Map {
                points: &d.territory,
                level,
                unplaced: 0,
                title: t.map_title.to_string(),
            },
            Level::Municipalities => ChartView::Map {
                points: &d.municipalities,
                level,
                unplaced: d.unplaced_municipalities,
                title: t.map_title_municipalities.to_string(),
            },
        },
    })
}

/// The dashboard as a PDF report (A4): KPIs, the four overview charts, the Esplora top ten,
/// filters, sources and the problems count, in the settings' language.
pub fn report_pdf(
    d: &Dashboard,
    settings: &Settings,
    provenance: &Provenance,
    colors: &ColorMap,
    problems: usize,
) -> Result<Vec<u8>, RenderError> {
    let charts = ChartId::OVERVIEW
        .into_iter()
        .filter_map(|id| match view(d, id, settings)? {
            ChartView::Bars {
                data,
                colouring,
                title,
            } => Some((title, data, colouring)),
            ChartView::Map { .. } => None,
        })
        .collect();
    let input = ReportInput {
        kpis: &d.kpis,
        charts,
        explore: &d.explore,
        explore_title: chart_title(&d.explore.spec, settings.lang),
        provenance,
        problems,
        colors,
    };
    let pages = report_pages(&input);
    pdf(
        &pages,
        PageSize::A4,
        settings.lang.texts().report_title,
        settings.lang.code(),
    )
}

/// A file name for an export of `title`: lower case, words joined by `_`, accents kept out.
pub fn file_stem(title: &str) -> String {
    let folded = crate::query::values::fold(title);
    let mut out = String::new();
    for c in folded.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('_') && !out.is_empty() {
            out.push('_');
        }
    }
    let out = out.trim_end_matches('_');
    if out.is_empty() {
        "cruscotto".to_string()
    } else {
        out.chars().take(60).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_stems_are_plain() {
        assert_eq!(file_stem("Importo per provincia"), "importo_per_provincia");
        assert_eq!(
            file_stem("Spesa programmata per anno — Città"),
            "spesa_programmata_per_anno_citta"
        );
        assert_eq!(file_stem("***"), "cruscotto");
    }
}
