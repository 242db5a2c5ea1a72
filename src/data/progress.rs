//! Progress of a load, reported step by step so a window (or a command line) can say what is
//! happening while a large file is read. Knows nothing of how it is shown.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

/// A step of loading, reported when it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stage {
    /// Reading file `index + 1` of `count` (decoding, finding the header row).
    Reading {
        file: PathBuf,
        index: usize,
        count: usize,
        /// Bytes read so far and in all, over every file of the load (when they are files on
        /// disk; reported again as each part of a large file arrives).
        bytes: Option<(u64, u64)>,
    },
    /// Splitting file `index + 1` of `count`, read, into rows and columns (a CSV's parse, a
    /// workbook's cells).
    Parsing {
        file: PathBuf,
        index: usize,
        count: usize,
    },
    /// Mapping and parsing file `index + 1` of `count` into canonical columns.
    Normalising {
        file: PathBuf,
        index: usize,
        count: usize,
        /// The rows being interpreted.
        rows: usize,
    },
    /// Putting the sources together and folding spelling variants.
    Combining,
    /// Deriving what the dashboard needs once (colour order, year range).
    Preparing,
}

impl Stage {
    /// How far the load has come, when it can be told (the bytes read of all the files).
    pub fn fraction(&self) -> Option<f32> {
        match self {
            Stage::Reading {
                bytes: Some((done, total)),
                ..
            } if *total > 0 => Some((*done as f64 / *total as f64).clamp(0.0, 1.0) as f32),
            _ => None,
        }
    }
}

/// Where stages are reported; does nothing by default.
#[derive(Clone, Default)]
pub struct ProgressSink(Option<Arc<dyn Fn(Stage) + Send + Sync>>);

impl ProgressSink {
    pub fn new(report: impl Fn(Stage) + Send + Sync + 'static) -> Self {
        ProgressSink(Some(Arc::new(report)))
    }

    pub fn report(&self, stage: Stage) {
        if let Some(report) = &self.0 {
            report(stage);
        }
    }
}

impl fmt::Debug for ProgressSink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_some() {
            "ProgressSink(reporting)"
        } else {
            "ProgressSink(silent)"
        })
    }
}
