//! `cruscotto export-data`: the filtered projects (every canonical column and the extras), or the
//! numbers by a field, as CSV, XLSX or ODS with an information sheet.

use std::io::Write;

use super::{ExportDataArgs, Loaded};
use crate::export::content::{all_columns, chart_table, projects_table};
use crate::export::table::{CsvStyle, write_export};
use polars::prelude::IntoLazy;

use crate::query::chart::{ChartSpec, Dimension, query};
use crate::render::decor::chart_title;

pub fn run(args: &ExportDataArgs, out: &mut dyn Write) -> Result<(), String> {
    let loaded = Loaded::open(&args.files, &args.load, &args.filters, args.lang.lang)?;
    loaded.refuse_overwrite(&args.out)?;
    let table = &loaded.dataset.table;
    let lang = loaded.lang;
    let export = match &args.by {
        Some(by) => {
            let mut spec = ChartSpec::new(
                Dimension::resolve(table.schema(), by).map_err(|e| e.to_string())?,
                args.measure.into(),
            );
            spec.split = args
                .split
                .as_deref()
                .map(|s| Dimension::resolve(table.schema(), s))
                .transpose()
                .map_err(|e| e.to_string())?;
            spec.top_n = None;
            let data = query(table, &loaded.filters, &spec).map_err(|e| e.to_string())?;
            chart_table(&data, &data, &chart_title(&spec, lang), &loaded.provenance)
        }
        None => {
            let projects = loaded
                .filters
                .apply(table.clone().lazy(), table.schema(), None)
                .collect()
                .map_err(|e| e.to_string())?;
            let title = lang.pick_owned("Progetti", "Projects");
            projects_table(
                &projects,
                Some(&all_columns(&projects)),
                &title,
                &loaded.provenance,
            )
            .map_err(|e| e.to_string())?
        }
    };
    let style = if args.excel_it {
        CsvStyle::excel_italian()
    } else {
        CsvStyle::utf8()
    };
    write_export(&export, &args.out, style).map_err(|e| e.to_string())?;
    writeln!(out, "{}", args.out.display()).map_err(|e| e.to_string())
}
