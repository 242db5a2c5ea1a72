//! Questions asked of the canonical table, as polars pipelines. No egui in here.

pub mod summary;

pub use summary::{Group, QueryError, Summary, summarise};
