//! `cruscotto render-view`: every chart and table of a saved view, written into a folder — the
//! same monthly report re-run on next month's file. Pictures (four overview charts, Esplora,
//! map) as PNG, SVG or PDF; their numbers and the projects as XLSX; the PDF report.

use std::io::Write;
use std::path::PathBuf;

use super::{Loaded, RenderViewArgs};
use crate::app::charts::{ChartId, Picture, file_stem, picture, report_pdf};
use crate::app::settings::Settings;
use crate::data::Dataset;
use crate::export::content::{chart_table_of, map_table, projects_table};
use crate::export::picture::write_picture;
use crate::export::table::{CsvStyle, write_export};
use crate::export::view::{SavedView, load_sources};
use crate::export::{refuse_sources, write_atomic};
use crate::i18n::Lang;
use crate::query::dashboard::{Request, compute};
use crate::render::decor::Provenance;
use crate::render::palette::ColorMap;

/// The files a view is drawn from: those given, or the view's own.
fn dataset(args: &RenderViewArgs, view: &SavedView) -> Result<(Dataset, Vec<PathBuf>), String> {
    if args.files.is_empty() {
        let sources = view.resolve(&args.view).map_err(|e| e.to_string())?;
        let files = sources.iter().map(|s| s.path.clone()).collect();
        let dataset = load_sources(&sources, &Default::default()).map_err(|e| e.to_string())?;
        Ok((dataset, files))
    } else {
        let options = args.load.options()?;
        let dataset = crate::data::load_paths(&args.files, &options).map_err(|e| e.to_string())?;
        Ok((dataset, args.files.clone()))
    }
}

pub fn run(args: &RenderViewArgs, out: &mut dyn Write) -> Result<(), String> {
    let view = SavedView::read(&args.view).map_err(|e| e.to_string())?;
    let (dataset, files) = dataset(args, &view)?;
    let lang = Lang::from(args.lang.lang);
    let mut settings = Settings {
        lang,
        ..Settings::default()
    };
    view.apply(&mut settings);
    let request = Request {
        filters: settings.filters.clone(),
        explore: settings.explore.clone(),
        target_dimension: settings.target_dimension,
        compare: settings.compare.clone(),
        lang: settings.lang,
        ..Request::default()
    };
    let table = &dataset.table;
    let d = compute(table, &request).map_err(|e| e.to_string())?;
    for (column, value) in &d.absent_filters {
        eprintln!(
            "cruscotto: warning: the view filters {column} = '{}', which no project of these files has",
            lang.key(value)
        );
    }
    std::fs::create_dir_all(&args.out_dir)
        .map_err(|e| format!("{}: cannot create the folder: {e}", args.out_dir.display()))?;
    let provenance = Provenance::of(&dataset, &settings.filters, lang);
    let colors = ColorMap::with(
        crate::query::dashboard::programmes_by_amount(table)
            .iter()
            .map(String::as_str),
    );
    let mut written: Vec<PathBuf> = Vec::new();
    let target = |name: String| -> Result<PathBuf, String> {
        let path = args.out_dir.join(name);
        refuse_sources(&path, &files).map_err(|e| e.to_string())?;
        Ok(path)
    };
    let format = args.format;
    // The overview charts, Esplora, the map and (when the view compares) the comparison's
    // charts, in the window's order.
    let charts = ChartId::OVERVIEW.into_iter().chain([
        ChartId::Explore,
        ChartId::Map,
        ChartId::CompareMeasures,
        ChartId::CompareProfile,
        ChartId::CompareYears,
    ]);
    for chart in charts {
        let Some(picture) = picture(&d, chart, &settings) else {
            continue;
        };
        // The map is titled like the province chart: its files say "mappa".
        let stem = match chart {
            ChartId::Map => format!(
                "{}_{}",
                file_stem(picture.title()),
                lang.pick_owned("mappa", "map")
            ),
            _ => file_stem(picture.title()),
        };
        let path = target(format!("{stem}.{}", format.extension()))?;
        let svg = picture.svg(&provenance, &colors, args.width, args.height);
        write_picture(&svg, &path, args.scale, picture.title(), lang.code())
            .map_err(|e| e.to_string())?;
        written.push(path);
        let data_path = target(format!("{stem}.xlsx"))?;
        let data = match &picture {
            Picture::Bars { data, title, .. } => {
                chart_table_of(data, table, &settings.filters, title, &provenance)
                    .map_err(|e| e.to_string())?
            }
            Picture::Map {
                points,
                level,
                title,
                ..
            } => map_table(points, *level, title, &provenance),
        };
        write_export(&data, &data_path, CsvStyle::utf8()).map_err(|e| e.to_string())?;
        written.push(data_path);
    }
    let columns: Vec<String> = settings
        .project_columns
        .iter()
        .flat_map(|c| c.columns())
        .filter(|c| d.projects.has_column(c))
        .collect();
    let projects_title = lang.pick_owned("Progetti", "Projects");
    let projects = projects_table(
        &d.projects.in_order().map_err(|e| e.to_string())?,
        Some(&columns),
        &projects_title,
        &provenance,
    )
    .map_err(|e| e.to_string())?;
    let path = target(format!("{}.xlsx", file_stem(&projects_title)))?;
    write_export(&projects, &path, CsvStyle::utf8()).map_err(|e| e.to_string())?;
    written.push(path);
    let report = report_pdf(
        &d,
        &settings,
        &provenance,
        &colors,
        dataset.problems.height(),
    )
    .map_err(|e| e.to_string())?;
    let path = target(format!("{}.pdf", file_stem(lang.texts().report_title)))?;
    write_atomic(&path, &report).map_err(|e| e.to_string())?;
    written.push(path);
    for path in written {
        writeln!(out, "{}", path.display()).map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// Applies a view's filters and charts to loaded files (for `report --view`).
pub fn settings_of(view_file: &std::path::Path, loaded: &Loaded) -> Result<Settings, String> {
    let view = SavedView::read(view_file).map_err(|e| e.to_string())?;
    let mut settings = Settings {
        lang: loaded.lang,
        ..Settings::default()
    };
    view.apply(&mut settings);
    Ok(settings)
}
