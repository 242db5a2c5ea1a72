//! The eframe application: owns the state, turns the UI's intents into state changes and
//! background jobs, and persists settings. Drawing lives in [`crate::ui`]; data work in the
//! worker ([`worker`]).

pub mod settings;
pub mod worker;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::{Duration, Instant};

use eframe::egui;
use polars::prelude::DataFrame;

use self::settings::{Settings, Tab};
use self::worker::{LoadInput, Loaded, Outcome, Worker};
use crate::data::schema::Field;
use crate::data::{Dataset, Stage};
use crate::i18n::Lang;
use crate::query::Key;
use crate::query::chart::ChartSpec;
use crate::query::dashboard::{Dashboard, ProjectSort, Request};
use crate::render::palette::ColorMap;

/// What the user asked for; the UI only produces these.
#[derive(Debug, Clone, PartialEq)]
pub enum Intent {
    OpenDialog { add: bool },
    OpenFiles(Vec<PathBuf>),
    AddFiles(Vec<PathBuf>),
    RemoveSource(usize),
    ChooseSheet { source: usize, sheet: String },
    ToggleFilter { column: String, value: Key },
    ClearFilter(String),
    ClearAll,
    SetYears(Option<(i32, i32)>),
    SetText(String),
    SetTab(Tab),
    SetLang(Lang),
    SetDark(bool),
    SelectProject(Option<usize>),
    SortProjects(String),
    SetExplore(ChartSpec),
    SetTargetDimension(Field),
    SetMapMunicipalities(bool),
    DismissError(usize),
    ToggleAbout,
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
    /// First and last year with projects, for the period filter.
    pub year_bounds: Option<(i32, i32)>,
    /// Screen centres of the bars drawn last frame, per chart (for tests and hit-testing).
    pub bar_centres: HashMap<String, Vec<(String, egui::Pos2)>>,
}

/// The Cruscotto window.
pub struct CruscottoApp {
    pub state: AppState,
    worker: Worker,
    table: Option<Arc<DataFrame>>,
    load_generation: u64,
    compute_generation: u64,
    dialog_tx: Sender<(bool, Vec<PathBuf>)>,
    dialog_rx: Receiver<(bool, Vec<PathBuf>)>,
}

impl CruscottoApp {
    /// Opens on `files`, or on the embedded sample when there are none.
    pub fn new(cc: &eframe::CreationContext<'_>, files: Vec<PathBuf>) -> Self {
        let settings: Settings = cc
            .storage
            .and_then(|s| eframe::get_value(s, eframe::APP_KEY))
            .unwrap_or_default();
        Self::with_settings(&cc.egui_ctx, settings, files)
    }

    /// Opens with given settings (tests use this to start from a known state).
    pub fn with_settings(ctx: &egui::Context, settings: Settings, files: Vec<PathBuf>) -> Self {
        ctx.set_visuals(if settings.dark {
            egui::Visuals::dark()
        } else {
            egui::Visuals::light()
        });
        let wake_ctx = ctx.clone();
        let worker = Worker::new(Arc::new(move || wake_ctx.request_repaint()));
        let (dialog_tx, dialog_rx) = channel();
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
                year_bounds: None,
                bar_centres: HashMap::new(),
            },
            worker,
            table: None,
            load_generation: 0,
            compute_generation: 0,
            dialog_tx,
            dialog_rx,
        };
        if files.is_empty() {
            app.start_load(LoadInput::Sample);
        } else {
            app.state.settings.remember(&files);
            app.start_load(LoadInput::Open(files));
        }
        app
    }

    /// Whether loading and computing are done and a dashboard is shown.
    pub fn is_idle(&self) -> bool {
        self.state.loading_since.is_none()
            && self.state.computing_since.is_none()
            && self.state.dashboard.is_some()
    }

    fn start_load(&mut self, input: LoadInput) {
        self.load_generation += 1;
        self.state.loading_since = Some(Instant::now());
        self.state.load_stage = None;
        self.worker.load(self.load_generation, input);
    }

    fn request_compute(&mut self) {
        let Some(table) = self.table.clone() else {
            return;
        };
        self.compute_generation += 1;
        self.state.computing_since = Some(Instant::now());
        let request = Request {
            filters: self.state.settings.filters.clone(),
            explore: self.state.settings.explore.clone(),
            target_dimension: self.state.settings.target_dimension,
            sort: self.state.sort.clone(),
        };
        self.worker.compute(self.compute_generation, table, request);
    }

    fn on_loaded(&mut self, loaded: Loaded, elapsed: Duration) {
        let table = Arc::new(loaded.dataset.table.clone());
        self.state.year_bounds = loaded.year_bounds;
        self.state
            .colors
            .assign(loaded.programmes.iter().map(String::as_str));
        self.state.dataset = Some(Arc::new(loaded.dataset));
        self.state.load_time = Some(elapsed);
        self.state.selected = None;
        self.table = Some(table);
        self.request_compute();
    }

    fn receive(&mut self) {
        for outcome in self.worker.poll() {
            match outcome {
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
                        Ok(loaded) => self.on_loaded(*loaded, elapsed),
                        Err(e) => self.state.errors.push(e),
                    }
                }
                Outcome::Computed { generation, result }
                    if generation == self.compute_generation =>
                {
                    self.state.computing_since = None;
                    match result {
                        Ok(d) => self.state.dashboard = Some(Arc::new(*d)),
                        Err(e) => self.state.errors.push(e),
                    }
                }
                _ => {}
            }
        }
        while let Ok((add, files)) = self.dialog_rx.try_recv() {
            if !files.is_empty() {
                self.apply(if add {
                    Intent::AddFiles(files)
                } else {
                    Intent::OpenFiles(files)
                });
            }
        }
    }

    fn open_dialog(&self, add: bool) {
        let tx = self.dialog_tx.clone();
        std::thread::spawn(move || {
            let files = rfd::FileDialog::new()
                .add_filter(
                    "Fogli e tabelle",
                    &[
                        "xlsx", "xlsm", "xlsb", "xls", "ods", "csv", "tsv", "txt", "parquet",
                    ],
                )
                .pick_files()
                .unwrap_or_default();
            let _ = tx.send((add, files));
        });
    }

    /// Applies one intent.
    pub fn apply(&mut self, intent: Intent) {
        let s = &mut self.state;
        let mut recompute = false;
        match intent {
            Intent::OpenDialog { add } => self.open_dialog(add),
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
            Intent::SetTab(tab) => s.settings.tab = tab,
            Intent::SetLang(lang) => s.settings.lang = lang,
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
            Intent::ToggleAbout => s.about_open = !s.about_open,
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
        self.state.bar_centres = out.bar_centres;
        for intent in intents {
            self.apply(intent);
        }
        if self.state.loading_since.is_some() || self.state.computing_since.is_some() {
            ctx.request_repaint_after(Duration::from_millis(100));
        }
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, eframe::APP_KEY, &self.state.settings);
    }
}

/// Opens the window.
pub fn run(files: Vec<PathBuf>) -> Result<(), String> {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_inner_size([1280.0, 800.0])
            .with_min_inner_size([900.0, 560.0])
            .with_title("Cruscotto")
            .with_drag_and_drop(true),
        ..Default::default()
    };
    eframe::run_native(
        "Cruscotto",
        options,
        Box::new(|cc| Ok(Box::new(CruscottoApp::new(cc, files)))),
    )
    .map_err(|e| format!("cannot open the window: {e}"))
}
