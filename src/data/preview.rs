//! A first look at a large file: the rows of its first piece, interpreted while the rest of the
//! file is still being read, so that a window can draw a dashboard — marked as partial — long
//! before the whole file is in. Knows nothing of how it is shown.
//!
//! A preview is only ever a part of one file opened alone: never a mix of files, never kept in
//! the cache, never the answer of a command. The whole dataset always follows it (or the load's
//! error, or its cancel, after which the preview must be dropped).

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use super::load::{Dataset, LoadOptions};
use super::progress::ProgressSink;
use super::source::RawTable;

/// A file is previewed when it holds at least this many pieces: below, the whole of it comes
/// soon after its first piece would.
pub const PIECES_WORTH_A_PREVIEW: u64 = 3;

/// The first rows of a file, interpreted.
#[derive(Debug, Clone)]
pub struct Preview {
    /// The rows read so far, interpreted as the whole file will be.
    pub dataset: Dataset,
    /// The bytes of the file these rows come from (from its start).
    pub bytes: u64,
    /// The size of the whole file.
    pub file_bytes: u64,
}

impl Preview {
    /// The share of the file the preview holds, between 0 and 1.
    pub fn share(&self) -> f64 {
        if self.file_bytes == 0 {
            return 1.0;
        }
        (self.bytes as f64 / self.file_bytes as f64).clamp(0.0, 1.0)
    }

    /// The rows the preview holds.
    pub fn rows(&self) -> usize {
        self.dataset.table.height()
    }
}

/// Where a preview is given; none by default (the command line never previews). The rest of
/// the file is parsed once it returns: it must return promptly.
#[derive(Clone, Default)]
pub struct PreviewSink(Option<Arc<dyn Fn(Preview) + Send + Sync>>);

impl PreviewSink {
    pub fn new(give: impl Fn(Preview) + Send + Sync + 'static) -> Self {
        PreviewSink(Some(Arc::new(give)))
    }

    pub fn is_wanted(&self) -> bool {
        self.0.is_some()
    }

    fn give(&self, preview: Preview) {
        if let Some(give) = &self.0 {
            give(preview);
        }
    }
}

impl std::fmt::Debug for PreviewSink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() {
            "PreviewSink(wanted)"
        } else {
            "PreviewSink(none)"
        })
    }
}

/// Interprets the first rows of the file at `path` (`file_bytes` long) once, however often it
/// is asked (a file read again gives its first piece again), and gives them to
/// `options.preview` unless the load was cancelled meanwhile.
pub struct FirstRows {
    options: LoadOptions,
    file_bytes: u64,
    given: AtomicBool,
}

impl FirstRows {
    /// `None` when the load wants no preview or `path` is too small to be worth one.
    pub fn for_file(path: &Path, piece: u64, options: &LoadOptions) -> Option<FirstRows> {
        if !options.preview.is_wanted() {
            return None;
        }
        let meta = std::fs::metadata(path).ok()?;
        if !meta.is_file() || meta.len() < PIECES_WORTH_A_PREVIEW.saturating_mul(piece) {
            return None;
        }
        Some(FirstRows {
            // Silent, and never kept: only the whole file is reported and cached.
            options: LoadOptions {
                progress: ProgressSink::default(),
                cache: None,
                ..options.clone()
            },
            file_bytes: meta.len(),
            given: AtomicBool::new(false),
        })
    }

    /// Takes the first `bytes` of the file read into `raw`, interprets them and gives them,
    /// before the reader goes on (the rest of the file waits: both cores serve the preview).
    /// A preview that fails to be made is no preview: the whole load goes on and reports its
    /// own errors.
    pub fn arrived(&self, raw: RawTable, bytes: u64) {
        if self.given.swap(true, Ordering::SeqCst) {
            return;
        }
        let options = &self.options;
        let made = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            super::load::load_raw(vec![raw], options)
        }));
        if let Ok(Ok(dataset)) = made
            && options.cancel.check().is_ok()
        {
            let preview = Preview {
                dataset,
                bytes,
                file_bytes: self.file_bytes,
            };
            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                options.preview.give(preview)
            }));
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;
    use std::sync::{Arc, Mutex};

    use polars::prelude::*;

    use super::*;
    use crate::data::load::load_paths;
    use crate::data::schema::Field;

    /// `rows` synthetic projects written as a `;`-separated CSV in `dir`.
    fn projects_csv(dir: &Path, name: &str, rows: usize) -> PathBuf {
        let path = dir.join(name);
        let table = crate::data::synth::generate(rows, 7).unwrap();
        crate::export::write_table(&table, &path, crate::export::CsvStyle::default()).unwrap();
        path
    }

    /// Loads `paths` in pieces of `piece` bytes, collecting the previews given.
    fn load_watching(
        paths: &[PathBuf],
        piece: usize,
    ) -> (Result<Dataset, crate::data::LoadError>, Vec<Preview>) {
        let previews: Arc<Mutex<Vec<Preview>>> = Arc::default();
        let seen = previews.clone();
        let options = LoadOptions {
            preview: PreviewSink::new(move |p| seen.lock().unwrap().push(p)),
            piece_bytes: Some(piece),
            ..LoadOptions::default()
        };
        let loaded = load_paths(paths, &options);
        let previews = previews.lock().unwrap().clone();
        (loaded, previews)
    }

    fn texts(table: &DataFrame, field: Field) -> Vec<Option<String>> {
        let column = table.column(field.name()).unwrap();
        let column = column.cast(&DataType::String).unwrap();
        column
            .str()
            .unwrap()
            .iter()
            .map(|v| v.map(str::to_string))
            .collect()
    }

    fn amounts(table: &DataFrame) -> Vec<Option<f64>> {
        let column = table.column(Field::AmountGranted.name()).unwrap();
        column.f64().unwrap().iter().collect()
    }

    #[test]
    fn a_large_file_opened_alone_is_previewed_once_with_its_first_rows() {
        let dir = tempfile::tempdir().unwrap();
        let path = projects_csv(dir.path(), "nazionale.csv", 3000);
        let size = std::fs::metadata(&path).unwrap().len();
        let piece = (size / 10) as usize;
        let (whole, previews) = load_watching(std::slice::from_ref(&path), piece);
        let whole = whole.unwrap();
        assert_eq!(previews.len(), 1, "one preview");
        let preview = &previews[0];
        let n = preview.rows();
        assert!(n > 0 && n < 3000, "a part of the rows: {n}");
        assert!(preview.share() > 0.0 && preview.share() < 0.2);
        assert_eq!(preview.file_bytes, size);
        // The preview holds the whole table's first rows, interpreted alike.
        let head = whole.table.head(Some(n));
        for field in [Field::Id, Field::Province, Field::Programme] {
            assert_eq!(texts(&preview.dataset.table, field), texts(&head, field));
        }
        assert_eq!(amounts(&preview.dataset.table), amounts(&head));
        assert_eq!(preview.dataset.sources.len(), 1);
        assert_eq!(preview.dataset.sources[0].rows, n);
        assert_eq!(whole.table.height(), 3000);
    }

    #[test]
    fn no_preview_of_a_small_file_of_several_files_or_when_none_is_wanted() {
        let dir = tempfile::tempdir().unwrap();
        let a = projects_csv(dir.path(), "a.csv", 1500);
        let b = projects_csv(dir.path(), "b.csv", 1500);
        let size = std::fs::metadata(&a).unwrap().len() as usize;
        // Fewer than three pieces: the whole comes soon enough.
        let (_, previews) = load_watching(std::slice::from_ref(&a), size / 2);
        assert!(previews.is_empty());
        // Two files together: a part of one would show neither.
        let (both, previews) = load_watching(&[a.clone(), b], size / 10);
        assert_eq!(both.unwrap().table.height(), 3000);
        assert!(previews.is_empty());
        // Nobody asked.
        let options = LoadOptions {
            piece_bytes: Some(size / 10),
            ..LoadOptions::default()
        };
        assert_eq!(load_paths(&[a], &options).unwrap().table.height(), 1500);
    }

    #[test]
    fn a_failing_preview_does_not_stop_the_load() {
        let dir = tempfile::tempdir().unwrap();
        let path = projects_csv(dir.path(), "nazionale.csv", 2000);
        let size = std::fs::metadata(&path).unwrap().len() as usize;
        let options = LoadOptions {
            preview: PreviewSink::new(|_| panic!("the window went away")),
            piece_bytes: Some(size / 8),
            ..LoadOptions::default()
        };
        let loaded = load_paths(&[path], &options).unwrap();
        assert_eq!(loaded.table.height(), 2000);
    }

    #[test]
    fn a_load_cancelled_while_its_first_rows_are_read_gives_no_preview() {
        let dir = tempfile::tempdir().unwrap();
        let path = projects_csv(dir.path(), "nazionale.csv", 2000);
        let size = std::fs::metadata(&path).unwrap().len() as usize;
        let given = Arc::new(Mutex::new(0));
        let seen = given.clone();
        // Wanted when the load starts, cancelled at the next question: once the first piece
        // is read, before its rows are interpreted.
        let asked = std::sync::atomic::AtomicUsize::new(0);
        let cancel = crate::data::load::CancelFlag::new(move || {
            asked.fetch_add(1, std::sync::atomic::Ordering::SeqCst) >= 1
        });
        let options = LoadOptions {
            preview: PreviewSink::new(move |_| *seen.lock().unwrap() += 1),
            piece_bytes: Some(size / 8),
            cancel,
            ..LoadOptions::default()
        };
        assert!(matches!(
            load_paths(&[path], &options),
            Err(crate::data::LoadError::Cancelled)
        ));
        assert_eq!(*given.lock().unwrap(), 0);
    }
}
