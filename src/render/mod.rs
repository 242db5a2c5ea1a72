//! From chart data to pictures. The screen draws [`ChartData`](crate::query::chart::ChartData)
//! with egui_plot (in `ui`); files are drawn here, without a window: one SVG writer fed by the
//! chart data ([`chart_svg`], [`map_svg`], [`report`]), rasterised to PNG or laid into PDF pages
//! by [`output`], all in the shipped font ([`fonts`]) and the shared [`palette`].

pub mod chart_svg;
pub mod decor;
pub mod fonts;
pub mod geo;
pub mod map_svg;
pub mod output;
pub mod pages;
pub mod palette;
pub mod series_svg;
pub mod svg;
