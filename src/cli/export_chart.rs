//! `cruscotto export-chart`: a chart of the files, as the window would draw it, written as SVG,
//! PNG or PDF — no display, GPU or window needed.

use std::io::Write;

use super::{ExportChartArgs, Loaded};
use crate::query::chart::{ChartSpec, Dimension, Orientation, SortBy, query};
use crate::render::chart_svg::chart_svg;
use crate::render::palette::colouring_for;

pub fn run(args: &ExportChartArgs, out: &mut dyn Write) -> Result<(), String> {
    let loaded = Loaded::open(&args.files, &args.load, &args.filters, args.lang.lang)?;
    loaded.refuse_overwrite(&args.picture.out)?;
    let schema = loaded.dataset.table.schema();
    let mut spec = ChartSpec::new(
        Dimension::resolve(schema, &args.by).map_err(|e| e.to_string())?,
        args.measure.into(),
    );
    spec.split = args
        .split
        .as_deref()
        .map(|s| Dimension::resolve(schema, s))
        .transpose()
        .map_err(|e| e.to_string())?;
    spec.top_n = (args.top > 0).then_some(args.top);
    spec.stacked = !args.grouped;
    if args.vertical || spec.dimension == Dimension::Year {
        spec.orientation = Orientation::Vertical;
    }
    if args.sort_by_name || spec.dimension == Dimension::Year {
        spec.sort = SortBy::Name;
    }
    let data = query(&loaded.dataset.table, &loaded.filters, &spec).map_err(|e| e.to_string())?;
    let decor = loaded.provenance.decor(&data, args.title.as_deref());
    let svg = chart_svg(
        &data,
        &decor,
        &loaded.colors,
        colouring_for(&spec.dimension),
        loaded.lang,
        args.picture.width,
        args.picture.height,
    );
    loaded.write_picture(&svg, &args.picture, &decor.title, out)
}
