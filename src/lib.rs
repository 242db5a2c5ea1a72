//! Cruscotto: a desktop dashboard for publicly funded social programmes.
//!
//! Data flows one way: files → [`data`] (read, detect, map, normalise) → one canonical polars
//! table → [`query`] (aggregations) → the GUI ([`app`]) or the command line ([`cli`]).
//! Everything below `data` and `query` is free of egui and is tested without a window.

pub mod app;
pub mod cli;
pub mod data;
pub mod export;
pub mod format;
pub mod i18n;
pub mod query;
pub mod render;
pub mod ui;
