//! `cruscotto report`: the dashboard of the files as a short PDF report — KPIs, the four overview
//! charts, the Esplora top ten, filters, sources and problems — as the window's "Esporta report".

use std::io::Write;

use super::{Loaded, ReportArgs};
use crate::app::charts::report_pdf;
use crate::app::settings::Settings;
use crate::export::write_atomic;
use crate::query::dashboard::{Request, compute};

pub fn run(args: &ReportArgs, out: &mut dyn Write) -> Result<(), String> {
    let loaded = Loaded::open(&args.files, &args.load, &args.filters, args.lang.lang)?;
    loaded.refuse_overwrite(&args.out)?;
    let mut settings = match &args.view {
        Some(view) => super::render_view::settings_of(view, &loaded)?,
        None => Settings {
            lang: loaded.lang,
            ..Settings::default()
        },
    };
    // Filters given on the command line apply on top of the view's.
    for (column, values) in &loaded.filters.values {
        for value in values {
            if !settings.filters.is_selected(column, value) {
                settings.filters.toggle(column, value.clone());
            }
        }
    }
    if loaded.filters.years.is_some() {
        settings.filters.years = loaded.filters.years;
    }
    if !loaded.filters.text.is_empty() {
        settings.filters.text = loaded.filters.text.clone();
    }
    let provenance =
        crate::render::decor::Provenance::of(&loaded.dataset, &settings.filters, loaded.lang);
    let request = Request {
        filters: settings.filters.clone(),
        explore: settings.explore.clone(),
        target_dimension: settings.target_dimension,
        compare: settings.compare.clone(),
        lang: settings.lang,
        ..Request::default()
    };
    let dashboard = compute(&loaded.dataset.table, &request).map_err(|e| e.to_string())?;
    let bytes = report_pdf(
        &dashboard,
        &settings,
        &provenance,
        &loaded.colors,
        loaded.dataset.problems.height(),
    )
    .map_err(|e| format!("{}: {e}", args.out.display()))?;
    write_atomic(&args.out, &bytes).map_err(|e| e.to_string())?;
    writeln!(out, "{}", args.out.display()).map_err(|e| e.to_string())
}
