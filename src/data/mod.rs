//! Everything that turns files into the canonical table of funded projects. No egui in here.
//!
//! * [`source`] reads bytes (workbooks, CSV, Parquet) into a [`source::RawTable`];
//! * [`detect`] finds the header row, names columns and spots totals rows;
//! * [`mapping`] maps source columns to canonical [`schema::Field`]s, with reasons;
//! * [`parse`] holds the value parsers as polars expressions (money, dates, lists, territory);
//! * [`normalise`] applies a mapping to a raw table, producing canonical columns and problems;
//! * [`load`] ties it together for one or many files, reporting [`progress`] as it goes, and
//!   giving a [`preview`] of a large file's first rows while the rest is read.

pub mod cache;
mod cache_codes;
pub mod categories;
pub mod contain;
pub mod detect;
pub mod error;
pub mod identity;
pub mod load;
pub mod mapping;
pub mod memory;
pub mod needed;
pub mod normalise;
pub mod note;
pub mod parse;
pub mod preview;
pub mod progress;
pub mod quality;
pub mod reference;
pub mod sample;
pub mod schema;
mod side_by_side;
pub mod source;
pub mod synth;
pub mod tally;

pub use error::LoadError;
pub use load::{Dataset, LoadOptions, SourceReport, load_paths, load_sources};
pub use mapping::Mapping;
pub use progress::{ProgressSink, Stage};
pub use schema::Field;
