//! The embedded default dataset, so the app runs from any directory: the 22 WeCaRe Misura 1
//! projects (xlsx) and the community-welfare projects of the seed documents (ods).

use std::path::PathBuf;

use super::error::LoadError;
use super::load::{Dataset, LoadOptions, load_sources};

/// The embedded sample files: (name, bytes).
pub const FILES: [(&str, &[u8]); 2] = [
    (
        "wecare_misura1.xlsx",
        include_bytes!("../../sample_data/wecare_misura1.xlsx"),
    ),
    (
        "progetti_welfare_comunita.ods",
        include_bytes!("../../sample_data/progetti_welfare_comunita.ods"),
    ),
];

/// Loads the embedded sample.
pub fn load() -> Result<Dataset, LoadError> {
    load_with(&LoadOptions::default())
}

/// Loads the embedded sample with `options` (progress reporting, overrides).
pub fn load_with(options: &LoadOptions) -> Result<Dataset, LoadError> {
    let sources = FILES
        .iter()
        .map(|(name, bytes)| (PathBuf::from(name), bytes.to_vec()))
        .collect();
    load_sources(sources, options)
}

/// The bytes of an embedded sample file, by the name it is loaded under.
pub fn bytes_of(name: &std::path::Path) -> Option<Vec<u8>> {
    FILES
        .iter()
        .find(|(n, _)| std::path::Path::new(n) == name)
        .map(|(_, b)| b.to_vec())
}
