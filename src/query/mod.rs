//! Questions asked of the canonical table, as polars pipelines. No egui in here.
//!
//! [`chart`] is the one query engine (specification → chart data); the dashboard, the command
//! line, the exports and the compare tab all ask it.

pub mod card;
pub mod chart;
pub mod compare;
pub mod dashboard;
pub mod filters;
pub mod key;
pub mod kpis;
pub mod memo;
pub mod projects;
pub mod quality;
pub mod summary;
pub mod territory;
pub mod values;
pub mod yearly;

pub use chart::QueryError;
pub use key::Key;
pub use summary::{Group, Summary, summarise};
