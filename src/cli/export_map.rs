//! `cruscotto export-map`: the territory map of the files — borders, bubbles, names, ranking and
//! attribution — as SVG, PNG or PDF, without a window.

use std::io::Write;

use super::{ExportMapArgs, Loaded};
use crate::query::territory::bubbles;
use crate::render::map_svg::map_svg;

pub fn run(args: &ExportMapArgs, out: &mut dyn Write) -> Result<(), String> {
    let loaded = Loaded::open(&args.files, &args.load, &args.filters, args.lang.lang)?;
    loaded.refuse_overwrite(&args.picture.out)?;
    let level = args.level.into();
    let (points, unplaced) =
        bubbles(&loaded.dataset.table, &loaded.filters, level).map_err(|e| e.to_string())?;
    let decor = loaded.provenance.map_decor(level, args.title.as_deref());
    let svg = map_svg(
        &points,
        level,
        unplaced,
        &decor,
        loaded.lang,
        args.picture.width,
        args.picture.height,
    );
    loaded.write_picture(&svg, &args.picture, &decor.title, out)
}
