//! The eframe application: owns the state, turns the UI's intents into state changes and
//! background jobs, and persists settings. Drawing lives in [`crate::ui`]; data work in the
//! worker ([`worker`]).

pub mod charts;
pub mod dialog_probe;
pub mod dialogs;
pub mod exports;
pub mod file_browser;
mod preview;
pub mod renderer;
pub mod settings;
pub mod worker;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use eframe::egui;
use polars::prelude::DataFrame;

use self::charts::{ChartId, Picture};
use self::dialogs::{FileDialogs, FileKind};
use self::exports::{ChartAction, ExportContext, Job, PictureOptions};
use self::file_browser::{AutoDialogs, BuiltinDialogs, FileBrowser};
pub use self::preview::PreviewShown;
use self::preview::Shown;
use self::settings::{ProjectColumn, Settings, Tab};
use self::worker::{LoadInput, Loaded, Outcome, TaskError, Worker};
use crate::data::schema::Field;
use crate::data::{Dataset, Stage};
use crate::export::view::{SavedView, ViewSource};
use crate::i18n::Lang;
use crate::query::Key;
use crate::query::chart::{ChartSpec, Dimension};
use crate::query::compare::CompareSettings;
use crate::query::dashboard::{Dashboard, ProjectSort, Request};
use crate::render::palette::ColorMap;

/// What the user asked for; the UI only produces these.
#[derive(Debug, Clone, PartialEq)]
pub enum Intent {
    OpenDialog {
        add: bool,
    },
    /// Stops the load under way; what was open before stays.
    CancelLoad,
    OpenFiles(Vec<PathBuf>),
    AddFiles(Vec<PathBuf>),
    RemoveSource(usize),
    ChooseSheet {
        source: usize,
        sheet: String,
    },
    ToggleFilter {
        column: String,
        value: Key,
    },
    ClearFilter(String),
    ClearAll,
    SetYears(Option<(i32, i32)>),
    SetText(String),
    /// Feeds `field` of source number `source` from column `header` (`None`: from no column);
    /// the source is read again in the background and the choice is remembered.
    SetMapping {
        source: usize,
        field: crate::data::Field,
        header: Option<String>,
    },
    /// Lists one kind of problem (in a column) in Qualità dati, or all.
    SetQualityGroup(Option<(crate::data::quality::ProblemKind, String)>),
    /// Shows these rows (from Qualità dati) in Progetti, as a filter.
    ShowRows(Vec<crate::query::quality::RowKey>),
    SetTab(Tab),
    SetLang(Lang),
    SetDark(bool),
    SelectProject(Option<usize>),
    SortProjects(String),
    /// Adds or removes an entity of the comparison.
    ToggleCompareEntity(String),
    /// Adds an entity to the comparison from a chart (switching what is compared if needed).
    AddToCompare {
        by: Dimension,
        value: String,
    },
    /// What is compared, the reference, per resident.
    SetCompare(CompareSettings),
    SetExplore(ChartSpec),
    SetTargetDimension(Field),
    SetMapMunicipalities(bool),
    DismissError(usize),
    ToggleAbout,
    /// Empties the cache of interpreted files.
    ClearCache,
    /// A chart's menu: copy, save, export.
    Chart {
        chart: ChartId,
        action: ChartAction,
    },
    /// The picture export dialog changed (`None` closes it).
    EditPictureExport(Option<(ChartId, PictureOptions)>),
    /// Export the picture the dialog describes.
    ExportPicture,
    /// Export the filtered projects in the table's columns.
    ExportProjects {
        excel_it: bool,
    },
    SetProjectColumns(Vec<ProjectColumn>),
    DismissNotice(usize),
    /// The selected project's card as a PDF.
    ExportCard,
    /// The dashboard as a PDF report.
    ExportReport,
    /// Saves the view (sources, filters, tab, charts) as a JSON file.
    SaveView,
    /// Opens a saved view: its files, then its filters and charts.
    OpenView,
    /// Applies a saved view's filters and charts to the data already open.
    ApplyView,
}

impl Intent {
    /// Whether the intent would export, copy or build upon what is shown: refused while only a
    /// preview of a file is shown, so that a part of it never leaves the window as if whole.
    pub fn needs_the_whole_file(&self) -> bool {
        matches!(
            self,
            Intent::Chart { .. }
                | Intent::EditPictureExport(Some(_))
                | Intent::ExportPicture
                | Intent::ExportProjects { .. }
                | Intent::ExportCard
                | Intent::ExportReport
                | Intent::SaveView
                | Intent::AddFiles(_)
                | Intent::RemoveSource(_)
                | Intent::ChooseSheet { .. }
                | Intent::SetMapping { .. }
        )
    }
}

/// What a file dialog answered, from its background thread.
enum DialogAnswer {
    Files {
        add: bool,
        files: Vec<PathBuf>,
    },
    View {
        view: Box<SavedView>,
        /// The view's sources, resolved; `None` to apply it to the data already open.
        sources: Option<Vec<ViewSource>>,
    },
    Failed(String),
}

/// A message about something done or failed, shown until dismissed.
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub text: String,
    pub error: bool,
}

/// A screenshot of a chart being taken: asked for on the frame after the click (so the menu is
/// gone and hover marks are hidden), then waited for.
pub enum Capture {
    Armed {
        chart: ChartId,
        copy: bool,
        frame: u64,
    },
    Waiting {
        chart: ChartId,
        copy: bool,
        slot: Arc<Mutex<Option<Arc<egui::ColorImage>>>>,
        since: Instant,
    },
}

/// Everything the UI draws from.
pub struct AppState {
    pub settings: Settings,
    pub dataset: Option<Arc<Dataset>>,
    pub dashboard: Option<Arc<Dashboard>>,
    pub colors: ColorMap,
    /// When the current load started, while loading.
    pub loading_since: Option<Instant>,
    /// The step the current load is at.
    pub load_stage: Option<Stage>,
    /// When the current computation was asked for, while computing.
    pub computing_since: Option<Instant>,
    pub load_time: Option<Duration>,
    pub errors: Vec<String>,
    /// The selected row of the filtered projects.
    pub selected: Option<usize>,
    pub sort: ProjectSort,
    pub about_open: bool,
    /// The renderer drawing the window (About window).
    pub renderer: Option<String>,
    /// First and last year with projects, for the period filter.
    pub year_bounds: Option<(i32, i32)>,
    /// Screen centres of the bars drawn last frame, per chart (for tests and hit-testing).
    pub bar_centres: HashMap<String, Vec<(String, egui::Pos2)>>,
    /// Where each chart was drawn last frame.
    pub chart_rects: HashMap<ChartId, egui::Rect>,
    /// A screenshot of a chart in progress: charts hide hover marks and menus meanwhile.
    pub capture: Option<Capture>,
    /// The picture export dialog, when open.
    pub picture_dialog: Option<(ChartId, PictureOptions)>,
    /// Exports running in the background.
    pub exporting: usize,
    pub notices: Vec<Notice>,
    /// Where interpreted files are kept to open them again quickly.
    pub cache: Option<crate::data::cache::Cache>,
    /// The cache's size when Informazioni was opened.
    pub cache_size: Option<u64>,
    /// The data-quality report of the loaded data.
    pub quality: Option<Arc<crate::query::quality::QualityReport>>,
    /// The data-quality report of the last load is still being made.
    pub quality_pending: bool,
    /// The finding group shown in Qualità dati (kind and column), if one is chosen.
    pub quality_group: Option<(crate::data::quality::ProblemKind, String)>,
    /// While a large file is read, its first rows are shown: how many, and what share of the
    /// file. Everything shown is then partial, and nothing is exported.
    pub preview: Option<PreviewShown>,
}

/// The Cruscotto window.
pub struct CruscottoApp {
    pub state: AppState,
    worker: Worker,
    table: Option<Arc<DataFrame>>,
    /// Rows whose amount could not be read, for the KPIs' note.
    unreadable_amounts: Arc<std::collections::BTreeSet<(String, u32)>>,
    load_generation: u64,
    compute_generation: u64,
    dialog_tx: Sender<DialogAnswer>,
    dialog_rx: Receiver<DialogAnswer>,
    dialogs: Arc<dyn FileDialogs>,
    /// Draws the file browser when the desktop has no file dialog.
    file_browser: FileBrowser,
    /// A view to apply once its sources are loaded.
    pending_view: Option<SavedView>,
    /// The loaded dataset (and its load) whose quality report starts after its first dashboard.
    quality_due: Option<(u64, Dataset)>,
    /// The load whose quality report was started last: only that report is shown.
    quality_generation: u64,
    ctx: egui::Context,
    frame: u64,
    /// Told once the first frames are shown ([`renderer::run_with_fallback`]).
    drawn: Option<Arc<std::sync::atomic::AtomicBool>>,
    /// What a preview on screen replaced.
    before_preview: Option<Shown>,
}

impl CruscottoApp {
    /// Opens on `files`, or on the embedded sample when there are none.
    pub fn new(cc: &eframe::CreationContext<'_>, files: Vec<PathBuf>) -> Self {
        let settings: Settings = cc
            .storage
            .and_then(|s| eframe::get_value(s, eframe::APP_KEY))
            .unwrap_or_default();
        let mut app = Self::with_settings(&cc.egui_ctx, settings, files);
        app.state.renderer = Some(renderer::describe(cc));
        app
    }

    /// Sets `drawn` once the window has drawn (and shown) its first frames: from then on a
    /// failure is not a renderer that cannot start.
    pub fn drawn_flag(mut self, drawn: Arc<std::sync::atomic::AtomicBool>) -> Self {
        self.drawn = Some(drawn);
        self
    }

    /// Opens with given settings (tests use this to start from a known state).
    pub fn with_settings(ctx: &egui::Context, settings: Settings, files: Vec<PathBuf>) -> Self {
        crate::ui::install_fonts(ctx);
        ctx.set_visuals(if settings.dark {
            egui::Visuals::dark()
        } else {
            egui::Visuals::light()
        });
        let wake_ctx = ctx.clone();
        let worker = Worker::new(Arc::new(move || wake_ctx.request_repaint()));
        let (dialog_tx, dialog_rx) = channel();
        let (builtin_dialogs, file_browser) = BuiltinDialogs::new(ctx);
        let mut app = CruscottoApp {
            state: AppState {
                settings,
                dataset: None,
                dashboard: None,
                colors: ColorMap::default(),
                loading_since: None,
                load_stage: None,
                computing_since: None,
                load_time: None,
                errors: Vec::new(),
                selected: None,
                sort: ProjectSort::default(),
                about_open: false,
                renderer: None,
                cache: crate::data::cache::Cache::user(),
                cache_size: None,
                year_bounds: None,
                bar_centres: HashMap::new(),
                chart_rects: HashMap::new(),
                capture: None,
                picture_dialog: None,
                exporting: 0,
                notices: Vec::new(),
                quality: None,
                quality_pending: false,
                quality_group: None,
                preview: None,
            },
            worker,
            table: None,
            unreadable_amounts: Default::default(),
            load_generation: 0,
            compute_generation: 0,
            dialog_tx,
            dialog_rx,
            dialogs: Arc::new(AutoDialogs::new(builtin_dialogs)),
            file_browser,
            pending_view: None,
            quality_due: None,
            quality_generation: 0,
            ctx: ctx.clone(),
            frame: 0,
            drawn: None,
            before_preview: None,
        };
        if files.is_empty() {
            app.start_load(LoadInput::Sample);
        } else {
            app.state.settings.remember(&files);
            app.start_load(LoadInput::Open(files));
        }
        // The file browser (where the desktop has no dialog) starts where the last file was.
        app.file_browser.start_in(app.state.settings.last_folder());
        app
    }

    /// Reads delimited texts in pieces of `bytes`: a small file then gets a preview (tests).
    #[doc(hidden)]
    pub fn reading_in_pieces_of(mut self, bytes: usize) -> Self {
        self.worker.read_in_pieces_of(bytes);
        self
    }

    /// The generation of the newest load (tests hand outcomes to [`Self::deliver`] with it).
    #[doc(hidden)]
    pub fn load_generation(&self) -> u64 {
        self.load_generation
    }

    /// Takes `outcome` as if the background had sent it (tests of the window's reactions to
    /// outcomes whose timing a real load does not let a test choose).
    #[doc(hidden)]
    pub fn deliver(&mut self, outcome: Outcome) {
        self.take(outcome);
    }

    /// Answers file dialogs with `dialogs` instead of the desktop's (tests, scripted runs).
    pub fn with_dialogs(mut self, dialogs: Arc<dyn FileDialogs>) -> Self {
        self.dialogs = dialogs;
        self
    }

    /// Answers file dialogs with the browser drawn in the window, as when the desktop has none
    /// (`reason` is what the window says about it).
    pub fn with_file_browser(mut self, reason: dialog_probe::Missing) -> Self {
        let (ask, browser) = BuiltinDialogs::new(&self.ctx);
        self.dialogs = Arc::new(ask.because(reason));
        self.file_browser = browser;
        self.file_browser
            .start_in(self.state.settings.last_folder());
        self
    }

    /// Whether loading and computing are done and a dashboard is shown.
    pub fn is_idle(&self) -> bool {
        self.state.loading_since.is_none()
            && self.state.computing_since.is_none()
            && self.state.dashboard.is_some()
            && !self.state.quality_pending
    }

    fn start_load(&mut self, input: LoadInput) {
        self.load_generation += 1;
        self.state.loading_since = Some(Instant::now());
        self.state.load_stage = None;
        // What a preview's dashboard is computed for (a fresh dataset has no quality report).
        let request = Request {
            unreadable_amounts: Arc::default(),
            ..self.request()
        };
        self.worker.load(
            self.load_generation,
            input,
            request,
            self.state.settings.source_mappings.clone(),
            self.state.settings.lang,
            self.state.cache.clone(),
        );
    }

    /// The dashboard the window's settings ask for.
    fn request(&self) -> Request {
        Request {
            filters: self.state.settings.filters.clone(),
            explore: self.state.settings.explore.clone(),
            target_dimension: self.state.settings.target_dimension,
            sort: self.state.sort.clone(),
            compare: self.state.settings.compare.clone(),
            lang: self.state.settings.lang,
            unreadable_amounts: self.unreadable_amounts.clone(),
        }
    }

    fn request_compute(&mut self) {
        let Some(table) = self.table.clone() else {
            return;
        };
        self.compute_generation += 1;
        self.state.computing_since = Some(Instant::now());
        let request = self.request();
        self.worker.compute(self.compute_generation, table, request);
    }

    fn on_loaded(&mut self, loaded: Loaded, elapsed: Duration) {
        if let Some(view) = self.pending_view.take() {
            view.apply(&mut self.state.settings);
        }
        let table = Arc::new(loaded.dataset.table.clone());
        self.state.year_bounds = loaded.year_bounds;
        self.state
            .colors
            .assign(loaded.programmes.iter().map(String::as_str));
        self.quality_due = Some((self.load_generation, loaded.dataset.clone()));
        self.state.dataset = Some(Arc::new(loaded.dataset));
        // The data-quality report follows from the background, after the first dashboard.
        self.unreadable_amounts = Arc::default();
        self.state.quality = None;
        self.state.quality_pending = true;
        self.state.quality_group = None;
        self.state.load_time = Some(elapsed);
        self.state.selected = None;
        self.table = Some(table);
        self.request_compute();
    }

    fn receive(&mut self) {
        for outcome in self.worker.poll() {
            self.take(outcome);
        }
        self.answer_dialogs();
    }

    /// Takes one outcome of the background: outcomes of superseded loads and computations are
    /// dropped.
    fn take(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Preview {
                generation,
                loaded,
                rows,
                share,
                dashboard,
            } if generation == self.load_generation && self.state.loading_since.is_some() => {
                let shown = PreviewShown {
                    rows,
                    share,
                    whole_read: false,
                };
                self.on_preview(*loaded, shown, dashboard);
            }
            Outcome::Progress { generation, stage } if generation == self.load_generation => {
                self.state.load_stage = Some(stage);
            }
            Outcome::Loaded {
                generation,
                result,
                elapsed,
            } if generation == self.load_generation => {
                self.state.loading_since = None;
                self.state.load_stage = None;
                match result {
                    Ok(loaded) => {
                        // The preview's dashboard stays, marked, until the whole one comes.
                        if let Some(preview) = &mut self.state.preview {
                            preview.whole_read = true;
                        }
                        // Colours as if there had been no preview.
                        if let Some(before) = self.before_preview.take() {
                            self.state.colors = before.colors;
                        }
                        self.on_loaded(*loaded, elapsed)
                    }
                    Err(e) => {
                        self.drop_preview();
                        self.pending_view = None;
                        let t = self.state.settings.lang.texts();
                        self.state.errors.push(match e {
                            TaskError::Failed(message) => message,
                            TaskError::Panicked(message) => {
                                format!("{}: {message}", t.internal_error_load)
                            }
                        });
                    }
                }
            }
            Outcome::Quality { generation, result } if generation == self.quality_generation => {
                self.state.quality_pending = false;
                let report = match result {
                    Ok(report) => *report,
                    Err(e) => crate::query::quality::QualityReport {
                        error: Some(match e {
                            TaskError::Failed(m) | TaskError::Panicked(m) => m,
                        }),
                        ..Default::default()
                    },
                };
                let unreadable: std::collections::BTreeSet<(String, u32)> =
                    report.unreadable_amounts().into_iter().collect();
                self.state.quality = Some(Arc::new(report));
                if !unreadable.is_empty() {
                    // The KPIs say how many amounts their totals leave out.
                    self.unreadable_amounts = Arc::new(unreadable);
                    self.request_compute();
                }
            }
            Outcome::Computed { generation, result } if generation == self.compute_generation => {
                self.state.computing_since = None;
                // Computed after the whole file was in (older computations are dropped above).
                if self.state.preview.is_some_and(|p| p.whole_read) {
                    self.state.preview = None;
                    if result.is_err() {
                        // Never the preview's numbers as if they were the whole file's.
                        self.state.dashboard = None;
                    }
                }
                if let Some((generation, dataset)) = self.quality_due.take() {
                    self.quality_generation = generation;
                    self.worker.quality(generation, dataset);
                }
                let t = self.state.settings.lang.texts();
                match result {
                    Ok(d) => self.state.dashboard = Some(Arc::new(*d)),
                    Err(TaskError::Failed(message)) => self.state.notices.push(Notice {
                        text: format!("{}: {message}", t.compute_failed),
                        error: true,
                    }),
                    Err(TaskError::Panicked(message)) => self.state.notices.push(Notice {
                        text: format!("{}: {message}", t.internal_error_compute),
                        error: true,
                    }),
                }
            }
            Outcome::Exported(result) => {
                self.state.exporting = self.state.exporting.saturating_sub(1);
                let t = self.state.settings.lang.texts();
                match result {
                    Ok(Some(path)) => self.state.notices.push(Notice {
                        text: format!("{}: {}", t.saved, path.display()),
                        error: false,
                    }),
                    Ok(None) => {}
                    Err(e) => self.state.notices.push(Notice {
                        text: format!("{}: {e}", t.export_failed),
                        error: true,
                    }),
                }
            }
            _ => {}
        }
    }

    /// Acts on what the file dialogs answered.
    fn answer_dialogs(&mut self) {
        while let Ok(answer) = self.dialog_rx.try_recv() {
            match answer {
                DialogAnswer::Files { add, files } if !files.is_empty() => {
                    self.apply(if add {
                        Intent::AddFiles(files)
                    } else {
                        Intent::OpenFiles(files)
                    });
                }
                DialogAnswer::Files { .. } => {}
                DialogAnswer::View { view, sources } => match sources {
                    Some(sources) => {
                        self.pending_view = Some(*view);
                        self.start_load(LoadInput::View(sources));
                    }
                    None => {
                        view.apply(&mut self.state.settings);
                        self.state.selected = None;
                        self.request_compute();
                    }
                },
                DialogAnswer::Failed(message) => self.state.notices.push(Notice {
                    text: message,
                    error: true,
                }),
            }
        }
    }

    fn open_dialog(&self, add: bool) {
        let tx = self.dialog_tx.clone();
        let dialogs = self.dialogs.clone();
        let kinds = [FileKind::new(
            self.state
                .settings
                .lang
                .pick_owned("Fogli e tabelle", "Sheets and tables"),
            &[
                "xlsx", "xlsm", "xlsb", "xls", "ods", "csv", "tsv", "txt", "parquet",
            ],
        )];
        std::thread::spawn(move || {
            let files = dialogs.pick_files(&kinds);
            let _ = tx.send(DialogAnswer::Files { add, files });
        });
    }

    /// Asks for a view file and reads it (with its sources resolved unless `apply_only`).
    fn view_dialog(&self, apply_only: bool) {
        let tx = self.dialog_tx.clone();
        let dialogs = self.dialogs.clone();
        let lang = self.state.settings.lang;
        let kinds = [FileKind::new(
            lang.pick_owned("Vista di Cruscotto", "Cruscotto view"),
            &["json"],
        )];
        std::thread::spawn(move || {
            let Some(file) = dialogs.pick_files(&kinds).into_iter().next() else {
                return;
            };
            let answer = SavedView::read(&file)
                .and_then(|view| {
                    let sources = if apply_only {
                        None
                    } else {
                        Some(view.resolve(&file)?)
                    };
                    Ok(DialogAnswer::View {
                        view: Box::new(view),
                        sources,
                    })
                })
                .unwrap_or_else(|e| {
                    DialogAnswer::Failed(format!(
                        "{}: {e}",
                        lang.pick_owned("Vista non aperta", "View not opened")
                    ))
                });
            let _ = tx.send(answer);
        });
    }

    /// What an export needs from the window, or `None` before anything is loaded.
    fn export_context(&self) -> Option<ExportContext> {
        let dataset = self.state.dataset.as_ref()?;
        let table = self.table.clone()?;
        Some(ExportContext::new(
            dataset,
            table,
            &self.state.settings.filters,
            &self.state.colors,
            self.state.settings.lang,
        ))
    }

    /// Runs `job` in the background: ask where, then write.
    fn start_export(&mut self, job: Job) {
        let Some(context) = self.export_context() else {
            return;
        };
        let dialogs = self.dialogs.clone();
        self.state.exporting += 1;
        self.worker
            .export(move || job.run(&context, dialogs.as_ref()));
    }

    /// A chart as the exports draw it.
    fn picture(&self, chart: ChartId) -> Option<Picture> {
        let d = self.state.dashboard.as_ref()?;
        charts::picture(d, chart, &self.state.settings)
    }

    fn chart_action(&mut self, chart: ChartId, action: ChartAction) {
        let Some(picture) = self.picture(chart) else {
            return;
        };
        match action {
            ChartAction::CopyImage | ChartAction::SavePng => {
                self.state.capture = Some(Capture::Armed {
                    chart,
                    copy: action == ChartAction::CopyImage,
                    frame: self.frame,
                });
                self.ctx.request_repaint();
            }
            ChartAction::ExportPicture => {
                self.state.picture_dialog = Some((chart, PictureOptions::new(picture.title())));
            }
            ChartAction::ExportData { excel_it } => {
                let job = match picture {
                    Picture::Bars { data, title, .. } => Job::ChartTable {
                        data,
                        title,
                        excel_it,
                    },
                    Picture::Map {
                        points,
                        level,
                        title,
                        ..
                    } => Job::MapTable {
                        points,
                        level,
                        title,
                        excel_it,
                    },
                };
                self.start_export(job);
            }
        }
    }

    /// Moves a screenshot on: ask for it on the frame after the click, crop it when it comes.
    fn advance_capture(&mut self) {
        let ctx = self.ctx.clone();
        match self.state.capture.take() {
            Some(Capture::Armed { chart, copy, frame }) if frame < self.frame => {
                let slot: Arc<Mutex<Option<Arc<egui::ColorImage>>>> = Arc::default();
                let (fill, wake) = (slot.clone(), ctx.clone());
                ctx.request_screenshot(move |image| {
                    if let Ok(mut s) = fill.lock() {
                        *s = Some(image);
                    }
                    wake.request_repaint();
                });
                self.state.capture = Some(Capture::Waiting {
                    chart,
                    copy,
                    slot,
                    since: Instant::now(),
                });
                ctx.request_repaint();
            }
            Some(Capture::Waiting {
                chart,
                copy,
                slot,
                since,
            }) => {
                let image = slot.lock().ok().and_then(|mut s| s.take());
                match image {
                    Some(image) => self.finish_capture(chart, copy, &image),
                    None if since.elapsed() > Duration::from_secs(5) => {
                        let t = self.state.settings.lang.texts();
                        self.state.notices.push(Notice {
                            text: t.screenshot_failed.to_string(),
                            error: true,
                        });
                    }
                    None => {
                        self.state.capture = Some(Capture::Waiting {
                            chart,
                            copy,
                            slot,
                            since,
                        });
                        ctx.request_repaint();
                    }
                }
            }
            other => {
                if other.is_some() {
                    ctx.request_repaint();
                }
                self.state.capture = other;
            }
        }
    }

    /// Crops a window screenshot to the chart and copies or saves it.
    fn finish_capture(&mut self, chart: ChartId, copy: bool, image: &egui::ColorImage) {
        let Some(rect) = self.state.chart_rects.get(&chart).copied() else {
            return;
        };
        let window = self.ctx.content_rect();
        let ppp = image.width() as f32 / window.width().max(1.0);
        let cropped = crop(image, rect.intersect(window), ppp);
        let t = self.state.settings.lang.texts();
        if copy {
            self.ctx.copy_image(cropped);
            self.state.notices.push(Notice {
                text: t.image_copied.to_string(),
                error: false,
            });
        } else {
            let title = self
                .picture(chart)
                .map(|p| p.title().to_string())
                .unwrap_or_default();
            self.start_export(Job::Screenshot {
                image: Arc::new(cropped),
                title,
            });
        }
    }

    /// Applies one intent.
    pub fn apply(&mut self, intent: Intent) {
        if self.state.preview.is_some() && intent.needs_the_whole_file() {
            let text = self
                .state
                .settings
                .lang
                .texts()
                .wait_for_whole_file
                .to_string();
            self.state.notices.push(Notice { text, error: false });
            return;
        }
        let s = &mut self.state;
        let mut recompute = false;
        match intent {
            Intent::OpenDialog { add } => self.open_dialog(add),
            Intent::CancelLoad => {
                if self.state.loading_since.is_some() {
                    self.worker.cancel_load();
                    // Whatever the stopped load still sends is ignored.
                    self.load_generation += 1;
                    self.state.loading_since = None;
                    self.state.load_stage = None;
                    self.pending_view = None;
                    self.drop_preview();
                    let text = self.state.settings.lang.texts().load_cancelled.to_string();
                    self.state.notices.push(Notice { text, error: false });
                }
            }
            Intent::OpenFiles(files) => {
                s.settings.remember(&files);
                s.settings.filters.clear();
                self.start_load(LoadInput::Open(files));
            }
            Intent::AddFiles(files) => {
                s.settings.remember(&files);
                let input = match &s.dataset {
                    Some(current) => LoadInput::Add(current.clone(), files),
                    None => LoadInput::Open(files),
                };
                self.start_load(input);
            }
            Intent::RemoveSource(index) => {
                if let Some(current) = s.dataset.clone() {
                    self.start_load(LoadInput::Remove(current, index));
                }
            }
            Intent::SetMapping {
                source,
                field,
                header,
            } => {
                if let Some(current) = s.dataset.clone()
                    && let Some(report) = current.sources.get(source)
                {
                    let key = crate::data::load::source_key(&report.origin);
                    let mut mapping = s.settings.source_mappings.remove(&key).unwrap_or_default();
                    mapping.set(field, header.unwrap_or_default());
                    s.settings.source_mappings.insert(key, mapping);
                    self.start_load(LoadInput::Reload(current, source));
                }
            }
            Intent::ChooseSheet { source, sheet } => {
                if let Some(current) = s.dataset.clone() {
                    self.start_load(LoadInput::Sheet(current, source, sheet));
                }
            }
            Intent::ToggleFilter { column, value } => {
                s.settings.filters.toggle(&column, value);
                recompute = true;
            }
            Intent::ClearFilter(column) => {
                if column == "year" {
                    s.settings.filters.years = None;
                } else if column == "text" {
                    s.settings.filters.text.clear();
                } else if column == crate::query::filters::ROWS_KEY {
                    s.settings.filters.rows.clear();
                } else {
                    s.settings.filters.clear_column(&column);
                }
                recompute = true;
            }
            Intent::ClearAll => {
                s.settings.filters.clear();
                recompute = true;
            }
            Intent::SetYears(years) => {
                s.settings.filters.years = years;
                recompute = true;
            }
            Intent::SetText(text) => {
                s.settings.filters.text = text;
                recompute = true;
            }
            Intent::SetQualityGroup(group) => s.quality_group = group,
            Intent::ShowRows(rows) => {
                s.settings.filters.rows = rows.into_iter().collect();
                s.settings.tab = Tab::Projects;
                s.selected = None;
                recompute = true;
            }
            Intent::SetTab(tab) => s.settings.tab = tab,
            Intent::SetLang(lang) => {
                s.settings.lang = lang;
                // The comparison charts name their series in the language.
                recompute = !s.settings.compare.entities.is_empty();
            }
            Intent::ToggleCompareEntity(entity) => {
                s.settings.compare.toggle(&entity);
                recompute = true;
            }
            Intent::AddToCompare { by, value } => {
                s.settings.compare.add(&by, &value);
                recompute = true;
            }
            Intent::SetCompare(compare) => {
                s.settings.compare = compare;
                recompute = true;
            }
            Intent::SetDark(dark) => s.settings.dark = dark,
            Intent::SelectProject(row) => s.selected = row,
            Intent::SortProjects(column) => {
                if s.sort.column.as_deref() == Some(column.as_str()) {
                    s.sort.descending = !s.sort.descending;
                } else {
                    s.sort = ProjectSort {
                        column: Some(column),
                        descending: false,
                    };
                }
                s.selected = None;
                recompute = true;
            }
            Intent::SetExplore(spec) => {
                s.settings.explore = spec;
                recompute = true;
            }
            Intent::SetTargetDimension(field) => {
                s.settings.target_dimension = field;
                recompute = true;
            }
            Intent::SetMapMunicipalities(on) => s.settings.map_municipalities = on,
            Intent::DismissError(i) => {
                if i < s.errors.len() {
                    s.errors.remove(i);
                }
            }
            Intent::ToggleAbout => {
                s.about_open = !s.about_open;
                s.cache_size = s.cache.as_ref().map(|c| c.size());
            }
            Intent::ClearCache => {
                if let Some(cache) = &s.cache {
                    let text = match cache.clear() {
                        Ok(freed) => s.settings.lang.pick_owned(
                            &format!("Cache svuotata: {} liberati", crate::format::bytes(freed)),
                            &format!("Cache cleared: {} freed", crate::format::bytes(freed)),
                        ),
                        Err(e) => format!("{}: {e}", cache.dir().display()),
                    };
                    s.notices.push(Notice { text, error: false });
                    s.cache_size = Some(cache.size());
                }
            }
            Intent::Chart { chart, action } => self.chart_action(chart, action),
            Intent::EditPictureExport(dialog) => s.picture_dialog = dialog,
            Intent::ExportPicture => {
                if let Some((chart, options)) = s.picture_dialog.take()
                    && let Some(picture) = self.picture(chart)
                {
                    self.start_export(Job::Picture { picture, options });
                }
            }
            Intent::ExportProjects { excel_it } => {
                if let Some(d) = &s.dashboard {
                    let columns = s
                        .settings
                        .project_columns
                        .iter()
                        .flat_map(|c| c.columns())
                        .filter(|c| d.projects.has_column(c))
                        .collect();
                    let job = Job::Projects {
                        projects: d.projects.clone(),
                        columns,
                        excel_it,
                    };
                    self.start_export(job);
                }
            }
            Intent::SetProjectColumns(columns) => s.settings.project_columns = columns,
            Intent::ExportCard => {
                if let (Some(d), Some(row)) = (&s.dashboard, s.selected)
                    && let Some(card) = crate::query::card::Card::listed(&d.projects, row)
                {
                    self.start_export(Job::Card { card });
                }
            }
            Intent::SaveView => {
                if let Some(dataset) = &s.dataset {
                    let job = Job::View {
                        dataset: dataset.clone(),
                        settings: Box::new(s.settings.clone()),
                    };
                    self.start_export(job);
                }
            }
            Intent::OpenView => self.view_dialog(false),
            Intent::ApplyView => self.view_dialog(true),
            Intent::ExportReport => {
                if let (Some(d), Some(dataset)) = (&s.dashboard, &s.dataset) {
                    let job = Job::Report {
                        dashboard: d.clone(),
                        settings: Box::new(s.settings.clone()),
                        problems: dataset.problems.height(),
                    };
                    self.start_export(job);
                }
            }
            Intent::DismissNotice(i) => {
                if i < s.notices.len() {
                    s.notices.remove(i);
                }
            }
        }
        if recompute {
            self.state.selected = None;
            self.request_compute();
        }
    }

    fn handle_input(&mut self, ctx: &egui::Context) -> Vec<Intent> {
        let mut intents = Vec::new();
        let open = egui::KeyboardShortcut::new(egui::Modifiers::COMMAND, egui::Key::O);
        if ctx.input_mut(|i| i.consume_shortcut(&open)) {
            intents.push(Intent::OpenDialog { add: false });
        }
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .filter(|p| !p.as_os_str().is_empty())
                .collect()
        });
        if !dropped.is_empty() {
            intents.push(Intent::AddFiles(dropped));
        }
        intents
    }
}

impl eframe::App for CruscottoApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.draw(ui);
        if self.frame > 2
            && let Some(drawn) = self.drawn.take()
        {
            drawn.store(true, std::sync::atomic::Ordering::SeqCst);
        }
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, eframe::APP_KEY, &self.state.settings);
    }
}

impl CruscottoApp {
    /// One frame: take what the workers sent, draw the window, apply what the user did.
    pub fn draw(&mut self, ui: &mut egui::Ui) {
        self.receive();
        let ctx = ui.ctx().clone();
        ctx.set_visuals(if self.state.settings.dark {
            egui::Visuals::dark()
        } else {
            egui::Visuals::light()
        });
        let mut intents = self.handle_input(&ctx);
        let mut out = crate::ui::Output::default();
        crate::ui::draw(ui, &self.state, &mut out);
        intents.append(&mut out.intents);
        if let Some(reason) = self.file_browser.show(&ctx, self.state.settings.lang) {
            self.state.notices.push(Notice {
                text: reason,
                error: false,
            });
        }
        self.state.bar_centres = out.bar_centres;
        self.state.chart_rects = out.chart_rects;
        for intent in intents {
            self.apply(intent);
        }
        self.advance_capture();
        self.frame += 1;
        if self.state.loading_since.is_some()
            || self.state.computing_since.is_some()
            || self.state.exporting > 0
        {
            ctx.request_repaint_after(Duration::from_millis(100));
        }
    }
}

/// The part of `image` under `rect` (in points, `ppp` pixels each), clamped to the image.
pub fn crop(image: &egui::ColorImage, rect: egui::Rect, ppp: f32) -> egui::ColorImage {
    let (w, h) = (image.width(), image.height());
    let x0 = ((rect.min.x * ppp).round().max(0.0) as usize).min(w);
    let y0 = ((rect.min.y * ppp).round().max(0.0) as usize).min(h);
    let x1 = ((rect.max.x * ppp).round().max(0.0) as usize).clamp(x0, w);
    let y1 = ((rect.max.y * ppp).round().max(0.0) as usize).clamp(y0, h);
    image.region_by_pixels([x0, y0], [x1 - x0, y1 - y0])
}

/// Opens the window with the renderer asked for (or remembered), falling back from wgpu to
/// OpenGL where wgpu cannot start ([`renderer`]).
pub fn run(files: Vec<PathBuf>, asked: Option<renderer::RendererChoice>) -> Result<(), String> {
    let choice = renderer::resolve(asked);
    let result = renderer::run_with_fallback(choice, |renderer, drawn| {
        let options = eframe::NativeOptions {
            renderer,
            viewport: egui::ViewportBuilder::default()
                .with_inner_size([1280.0, 800.0])
                .with_min_inner_size([900.0, 560.0])
                .with_title("Cruscotto")
                .with_app_id("cruscotto")
                .with_icon(window_icon())
                .with_drag_and_drop(true),
            ..Default::default()
        };
        let files = files.clone();
        eframe::run_native(
            "Cruscotto",
            options,
            Box::new(move |cc| Ok(Box::new(CruscottoApp::new(cc, files).drawn_flag(drawn)))),
        )
        .map_err(|e| e.to_string())
    });
    if let Err(message) = &result {
        renderer::tell(message);
    }
    result
}

/// The icon of the window (and of the taskbar).
fn window_icon() -> egui::IconData {
    eframe::icon_data::from_png_bytes(include_bytes!("../../assets/icons/cruscotto-256.png"))
        .unwrap_or_default()
}
