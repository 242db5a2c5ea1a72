//! Background work: loading files and computing the dashboard never run on the UI thread.
//! Computations go through one worker thread that always takes the newest request, so a newer
//! filter change supersedes older pending ones.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::{Duration, Instant};

use polars::prelude::DataFrame;

use crate::data::{self, Dataset, LoadOptions, ProgressSink, Stage};
use crate::query::dashboard::{Dashboard, Known, Request, compute_with};

/// What to load.
#[derive(Debug, Clone)]
pub enum LoadInput {
    /// The embedded sample.
    Sample,
    /// Files replacing what is loaded.
    Open(Vec<PathBuf>),
    /// Files added to what is loaded.
    Add(Arc<Dataset>, Vec<PathBuf>),
    /// Removes one source.
    Remove(Arc<Dataset>, usize),
    /// Reads another sheet of one source's workbook instead.
    Sheet(Arc<Dataset>, usize, String),
    /// Reads one source again (its mapping changed).
    Reload(Arc<Dataset>, usize),
    /// The sources of a saved view, each with its sheet and mapping choices.
    View(Vec<crate::export::view::ViewSource>),
}

/// A loaded dataset with what the window derives from it once (also off the UI thread).
pub struct Loaded {
    pub dataset: Dataset,
    /// Programmes, largest first: the order their colours are assigned in.
    pub programmes: Vec<String>,
    /// First and last year with projects.
    pub year_bounds: Option<(i32, i32)>,
}

/// The data-quality report of a loaded dataset: made after the load is sent, so the first
/// dashboard does not wait for it. A report that fails says why in Qualità dati.
pub fn quality_report(dataset: &Dataset) -> crate::query::quality::QualityReport {
    crate::query::quality::report(dataset).unwrap_or_else(|e| {
        crate::query::quality::QualityReport {
            error: Some(e.to_string()),
            ..Default::default()
        }
    })
}

/// Why a background task gave no result: it failed (a message for people), or it panicked
/// (an internal error: reported, and the worker goes on).
#[derive(Debug, Clone, PartialEq)]
pub enum TaskError {
    Failed(String),
    Panicked(String),
}

/// Runs `task`, turning a panic into [`TaskError::Panicked`].
pub fn guarded<T>(task: impl FnOnce() -> Result<T, String>) -> Result<T, TaskError> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(task)) {
        Ok(result) => result.map_err(TaskError::Failed),
        Err(panic) => Err(TaskError::Panicked(panic_text(&panic))),
    }
}

/// How the dashboard is computed (tests put a failing one in).
pub type ComputeFn =
    Arc<dyn Fn(&DataFrame, &Request, Known<'_>) -> Result<Dashboard, String> + Send + Sync>;

/// What the background sends back.
pub enum Outcome {
    /// A load moved on to another step.
    Progress { generation: u64, stage: Stage },
    /// The first rows of the file the load `generation` is reading, interpreted: shown, marked
    /// partial, until the load ends (its whole dataset, its error or its cancel).
    Preview {
        generation: u64,
        loaded: Box<Loaded>,
        /// The rows of the preview.
        rows: usize,
        /// The share of the file they come from.
        share: f64,
        /// Its dashboard for the request the load was started with, computed before the rest
        /// of the file is parsed (the compute thread would wait behind the parsing).
        dashboard: Option<Box<(Request, Dashboard)>>,
    },
    Loaded {
        generation: u64,
        result: Result<Box<Loaded>, TaskError>,
        elapsed: Duration,
    },
    Computed {
        generation: u64,
        result: Result<Box<Dashboard>, TaskError>,
    },
    /// The data-quality report of the load `generation`.
    Quality {
        generation: u64,
        result: Result<Box<crate::query::quality::QualityReport>, TaskError>,
    },
    /// An export finished: the file written, `None` when the user cancelled, or why it failed.
    Exported(Result<Option<PathBuf>, String>),
}

struct ComputeJob {
    generation: u64,
    table: Arc<DataFrame>,
    request: Request,
}

/// The background workers and their mailbox.
pub struct Worker {
    jobs: Sender<ComputeJob>,
    outcomes: Receiver<Outcome>,
    outcome_tx: Sender<Outcome>,
    wake: Arc<dyn Fn() + Send + Sync>,
    /// The generation of the newest load: older ones stop.
    latest_load: Arc<std::sync::atomic::AtomicU64>,
    /// The size of the pieces a delimited text is read in (tests: small, to preview small files).
    piece_bytes: Option<usize>,
    /// How dashboards are computed (also a preview's, on its load's thread).
    compute: ComputeFn,
}

/// What every load of the window shares: the user's per-source mappings, and whether it is
/// still wanted.
#[derive(Clone, Default)]
pub struct LoadContext {
    pub source_mappings: std::collections::BTreeMap<String, crate::data::Mapping>,
    pub cancel: crate::data::load::CancelFlag,
    /// The language errors are told in.
    pub lang: crate::i18n::Lang,
    /// Where interpreted files are kept.
    pub cache: Option<crate::data::cache::Cache>,
    /// Where the first rows of a large file opened alone go while the rest is read.
    pub preview: crate::data::preview::PreviewSink,
    /// The size of the pieces a delimited text is read in (default: the reader's own).
    pub piece_bytes: Option<usize>,
}

fn load(input: LoadInput, progress: ProgressSink, context: LoadContext) -> Result<Loaded, String> {
    let dataset = read(input, &progress, context)?;
    progress.report(Stage::Preparing);
    Ok(prepare(dataset))
}

/// What the window derives once from a freshly loaded dataset (also timed by `cruscotto bench`):
/// the table in one chunk per column (the dashboard's tallies read each column's arrays in
/// place; files read in parallel, cached row groups and concatenated sources arrive in pieces),
/// the programmes' colour order and the years spanned.
pub fn prepare(mut dataset: Dataset) -> Loaded {
    dataset.table.rechunk_mut_par();
    let programmes = crate::query::dashboard::programmes_by_amount(&dataset.table);
    let year_bounds = crate::query::dashboard::year_bounds(&dataset.table);
    Loaded {
        dataset,
        programmes,
        year_bounds,
    }
}

fn read(
    input: LoadInput,
    progress: &ProgressSink,
    context: LoadContext,
) -> Result<Dataset, String> {
    let lang = context.lang;
    let say = |e: crate::data::LoadError| lang.load_error(&e);
    let options = LoadOptions {
        progress: progress.clone(),
        source_mappings: context.source_mappings,
        cancel: context.cancel,
        cache: context.cache,
        preview: context.preview,
        piece_bytes: context.piece_bytes,
        ..LoadOptions::default()
    };
    match input {
        LoadInput::Sample => data::sample::load_with(&options).map_err(say),
        LoadInput::Open(paths) => data::load_paths(&paths, &options).map_err(say),
        LoadInput::Add(current, paths) => {
            let added = data::load_paths(&paths, &options).map_err(say)?;
            current.append(added).map_err(say)
        }
        LoadInput::View(sources) => {
            crate::export::view::load_sources(&sources, progress).map_err(|e| e.to_string())
        }
        LoadInput::Remove(current, index) => {
            current.without_source(index).map_err(|e| e.to_string())
        }
        LoadInput::Reload(current, index) => {
            let sheet = current
                .sources
                .get(index)
                .and_then(|s| s.origin.sheet.clone());
            reread(&current, index, sheet, options, lang)
        }
        LoadInput::Sheet(current, index, sheet) => {
            reread(&current, index, Some(sheet), options, lang)
        }
    }
}

/// One source read again (another sheet, another mapping), the others kept as they are.
fn reread(
    current: &Arc<Dataset>,
    index: usize,
    sheet: Option<String>,
    options: LoadOptions,
    lang: crate::i18n::Lang,
) -> Result<Dataset, String> {
    let say = |e: crate::data::LoadError| lang.load_error(&e);
    let Some(source) = current.sources.get(index) else {
        return Ok((**current).clone());
    };
    let file = source.origin.file.clone();
    let options = LoadOptions { sheet, ..options };
    let reread = if file.is_dir() {
        // A Parquet dataset folder.
        data::load_paths(&[file], &options).map_err(say)?
    } else {
        let bytes = match std::fs::read(&file) {
            Ok(bytes) => bytes,
            Err(source) => data::sample::bytes_of(&file).ok_or_else(|| {
                say(crate::data::LoadError::Io {
                    file: file.clone(),
                    source,
                })
            })?,
        };
        data::load_sources(vec![(file, bytes)], &options).map_err(say)?
    };
    let rest = current.without_source(index).map_err(|e| e.to_string())?;
    rest.append(reread).map_err(say)
}

/// The message of a caught panic.
pub fn panic_text(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "unknown cause".to_string())
}

impl Worker {
    /// Starts the compute thread. `wake` asks the UI to repaint when something arrives.
    pub fn new(wake: Arc<dyn Fn() + Send + Sync>) -> Self {
        Self::with_compute(
            wake,
            Arc::new(|table: &DataFrame, request: &Request, known: Known<'_>| {
                compute_with(table, request, known).map_err(|e| e.to_string())
            }),
        )
    }

    /// Starts the compute thread with `compute`. A panicking computation is reported as
    /// [`TaskError::Panicked`] and the thread goes on with the next request.
    pub fn with_compute(wake: Arc<dyn Fn() + Send + Sync>, compute: ComputeFn) -> Self {
        let (jobs, job_rx) = channel::<ComputeJob>();
        let (outcome_tx, outcomes) = channel();
        let tx = outcome_tx.clone();
        let wake_compute = wake.clone();
        let compute_here = compute.clone();
        std::thread::Builder::new()
            .name("cruscotto-compute".into())
            .spawn(move || {
                // Going back to filters seen before (clearing them above all) is instant.
                let mut memo = crate::query::memo::DashboardMemo::default();
                loop {
                    // While idle, let go of dashboards whose table the window dropped.
                    let mut job = match job_rx.recv_timeout(std::time::Duration::from_secs(1)) {
                        Ok(job) => job,
                        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                            memo.release_if_orphaned();
                            continue;
                        }
                        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => break,
                    };
                    while let Ok(newer) = job_rx.try_recv() {
                        job = newer;
                    }
                    let result = guarded(|| {
                        memo.get_or_compute(&job.table, &job.request, |t, r, known| {
                            compute(t, r, known)
                        })
                    })
                    .map(Box::new);
                    if tx
                        .send(Outcome::Computed {
                            generation: job.generation,
                            result,
                        })
                        .is_err()
                    {
                        break;
                    }
                    wake_compute();
                }
            })
            .expect("the compute thread starts");
        Worker {
            jobs,
            outcomes,
            outcome_tx,
            wake,
            latest_load: Default::default(),
            piece_bytes: None,
            compute: compute_here,
        }
    }

    /// Reads delimited texts in pieces of `bytes` (tests: a small file then has a preview).
    pub fn read_in_pieces_of(&mut self, bytes: usize) {
        self.piece_bytes = Some(bytes);
    }

    /// Stops the load under way at its next step (between parts of a file, before interpreting):
    /// its result, if any, is never delivered.
    pub fn cancel_load(&self) {
        self.latest_load
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }

    /// Loads in a background thread. A load superseded by a newer one stops at its next step
    /// (between files, before normalising), so two loads do not hold memory at once. A file
    /// opened alone and large gives a preview first, with its dashboard for `request`.
    #[allow(clippy::too_many_arguments)]
    pub fn load(
        &self,
        generation: u64,
        input: LoadInput,
        request: Request,
        source_mappings: std::collections::BTreeMap<String, crate::data::Mapping>,
        lang: crate::i18n::Lang,
        cache: Option<crate::data::cache::Cache>,
    ) {
        self.latest_load
            .store(generation, std::sync::atomic::Ordering::SeqCst);
        let latest = self.latest_load.clone();
        // Only a file opened in place of what is shown is previewed: added to other data, a part
        // of it alone would show neither.
        let preview = match &input {
            LoadInput::Open(paths) if paths.len() == 1 => {
                let tx = self.outcome_tx.clone();
                let wake = self.wake.clone();
                let compute = self.compute.clone();
                let latest = self.latest_load.clone();
                crate::data::preview::PreviewSink::new(move |preview| {
                    // The rest of the file waits for this: nothing for a load superseded.
                    if latest.load(std::sync::atomic::Ordering::SeqCst) != generation {
                        return;
                    }
                    let (rows, share) = (preview.rows(), preview.share());
                    let loaded = Box::new(prepare(preview.dataset));
                    // A dashboard that fails here is asked again by the window.
                    let dashboard =
                        guarded(|| compute(&loaded.dataset.table, &request, Known::NOTHING))
                            .ok()
                            .map(|d| Box::new((request.clone(), d)));
                    let _ = tx.send(Outcome::Preview {
                        generation,
                        loaded,
                        rows,
                        share,
                        dashboard,
                    });
                    wake();
                })
            }
            _ => Default::default(),
        };
        let context = LoadContext {
            cache,
            lang,
            source_mappings,
            preview,
            piece_bytes: self.piece_bytes,
            cancel: crate::data::load::CancelFlag::new(move || {
                latest.load(std::sync::atomic::Ordering::SeqCst) != generation
            }),
        };
        let tx = self.outcome_tx.clone();
        let wake = self.wake.clone();
        let progress = {
            let tx = tx.clone();
            let wake = wake.clone();
            ProgressSink::new(move |stage| {
                let _ = tx.send(Outcome::Progress { generation, stage });
                wake();
            })
        };
        std::thread::spawn(move || {
            let started = Instant::now();
            let result = guarded(|| load(input, progress, context)).map(Box::new);
            let _ = tx.send(Outcome::Loaded {
                generation,
                result,
                elapsed: started.elapsed(),
            });
            wake();
        });
    }

    /// Computes the data-quality report of a loaded dataset in its own thread. The window asks
    /// for it once the first dashboard of the load is drawn, so the two do not share the
    /// processors while the officer waits for the first numbers.
    pub fn quality(&self, generation: u64, dataset: Dataset) {
        let tx = self.outcome_tx.clone();
        let wake = self.wake.clone();
        std::thread::spawn(move || {
            let result = guarded(|| Ok(quality_report(&dataset))).map(Box::new);
            let _ = tx.send(Outcome::Quality { generation, result });
            wake();
        });
    }

    /// Runs an export in its own thread; a panic is reported as a failed export, never lost.
    pub fn export(&self, job: impl FnOnce() -> Result<Option<PathBuf>, String> + Send + 'static) {
        let tx = self.outcome_tx.clone();
        let wake = self.wake.clone();
        std::thread::spawn(move || {
            let result = guarded(job).map_err(|e| match e {
                TaskError::Failed(message) => message,
                TaskError::Panicked(message) => format!("internal error: {message}"),
            });
            let _ = tx.send(Outcome::Exported(result));
            wake();
        });
    }

    /// Asks for a dashboard; older pending requests are dropped.
    pub fn compute(&self, generation: u64, table: Arc<DataFrame>, request: Request) {
        let _ = self.jobs.send(ComputeJob {
            generation,
            table,
            request,
        });
    }

    /// What arrived since the last call.
    pub fn poll(&self) -> Vec<Outcome> {
        self.outcomes.try_iter().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::dashboard::compute;

    fn wait_for(worker: &Worker) -> Outcome {
        for _ in 0..2000 {
            if let Some(outcome) = worker.poll().into_iter().next() {
                return outcome;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        panic!("no outcome");
    }

    #[test]
    fn a_panicking_computation_is_reported_and_the_worker_goes_on() {
        let failing: ComputeFn = Arc::new(|table: &DataFrame, request: &Request, _| {
            if request.filters.text == "boom" {
                panic!("the aggregation broke");
            }
            compute(table, request).map_err(|e| e.to_string())
        });
        let worker = Worker::with_compute(Arc::new(|| {}), failing);
        let table = Arc::new(crate::data::sample::load().unwrap().table);
        let mut request = Request::default();
        request.filters.text = "boom".into();
        worker.compute(1, table.clone(), request);
        match wait_for(&worker) {
            Outcome::Computed {
                generation: 1,
                result: Err(TaskError::Panicked(message)),
            } => assert!(message.contains("the aggregation broke"), "{message}"),
            _ => panic!("the panic is reported as such"),
        }
        worker.compute(2, table, Request::default());
        match wait_for(&worker) {
            Outcome::Computed {
                generation: 2,
                result: Ok(d),
            } => assert_eq!(d.kpis.projects, 34),
            _ => panic!("the next request is computed"),
        }
    }

    /// Every outcome until the load's end, in the order sent.
    fn until_loaded(worker: &Worker) -> Vec<Outcome> {
        let mut seen = Vec::new();
        for _ in 0..4000 {
            for outcome in worker.poll() {
                let done = matches!(outcome, Outcome::Loaded { .. });
                seen.push(outcome);
                if done {
                    return seen;
                }
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        panic!("the load did not end");
    }

    #[test]
    fn a_large_file_opened_alone_is_previewed_with_its_dashboard_before_the_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nazionale.csv");
        let table = crate::data::synth::generate(3000, 11).unwrap();
        crate::export::write_table(&table, &path, crate::export::CsvStyle::default()).unwrap();
        let size = std::fs::metadata(&path).unwrap().len() as usize;
        let mut worker = Worker::new(Arc::new(|| {}));
        worker.read_in_pieces_of(size / 10);
        let request = Request::default();
        let open = |generation, paths: Vec<PathBuf>| {
            worker.load(
                generation,
                LoadInput::Open(paths),
                request.clone(),
                Default::default(),
                crate::i18n::Lang::It,
                None,
            )
        };
        open(1, vec![path.clone()]);
        let seen = until_loaded(&worker);
        let previews: Vec<_> = seen
            .iter()
            .filter_map(|o| match o {
                Outcome::Preview {
                    generation: 1,
                    loaded,
                    rows,
                    share,
                    dashboard,
                } => Some((loaded, *rows, *share, dashboard)),
                _ => None,
            })
            .collect();
        assert_eq!(previews.len(), 1, "one preview");
        let (loaded, rows, share, dashboard) = &previews[0];
        assert!(*rows > 0 && *rows < 3000);
        assert!(*share > 0.0 && *share < 0.2);
        assert_eq!(loaded.dataset.table.height(), *rows);
        // Its dashboard came with it, for the request the load was started with.
        let (asked, dashboard) = &**dashboard.as_ref().expect("a dashboard with the preview");
        assert_eq!(asked, &request);
        assert_eq!(dashboard.kpis.projects as usize, *rows);
        // Then the whole file.
        let Some(Outcome::Loaded {
            result: Ok(whole), ..
        }) = seen.last()
        else {
            panic!("the whole file follows");
        };
        assert_eq!(whole.dataset.table.height(), 3000);
        // Added to other data, or with another file, a file gives no preview.
        open(2, vec![path.clone(), dir.path().join("manca.csv")]);
        let seen = until_loaded(&worker);
        assert!(!seen.iter().any(|o| matches!(o, Outcome::Preview { .. })));
    }
}
