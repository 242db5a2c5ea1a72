//! Questions asked of the canonical table, as polars pipelines. No egui in here.

pub mod chart;
pub mod dashboard;
pub mod filters;
pub mod summary;
pub mod territory;
pub mod yearly;

pub use summary::{Group, QueryError, Summary, summarise};
