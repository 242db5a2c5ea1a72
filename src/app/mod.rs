//! The eframe application: holds the state, runs loading off the UI thread, and draws a first
//! overview of the loaded projects. (The full dashboard is built on this in later work.)

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use eframe::egui;

use crate::data::{self, Dataset};
use crate::format;
use crate::query::{Summary, summarise};

/// What the window shows.
enum State {
    Loading {
        since: Instant,
        rx: Receiver<Result<Loaded, String>>,
    },
    Ready(Box<Loaded>),
    Failed(String),
}

/// A loaded dataset with the numbers the overview shows.
pub struct Loaded {
    pub dataset: Dataset,
    pub total: Summary,
    pub by_programme: Summary,
    pub load_time: Duration,
}

fn load(files: Vec<PathBuf>) -> Result<Loaded, String> {
    let started = Instant::now();
    let dataset = if files.is_empty() {
        data::sample::load()
    } else {
        data::load_paths(&files, &data::LoadOptions::default())
    }
    .map_err(|e| e.to_string())?;
    let total = summarise(&dataset.table, None).map_err(|e| e.to_string())?;
    let by_programme = summarise(&dataset.table, Some("programme")).map_err(|e| e.to_string())?;
    Ok(Loaded {
        dataset,
        total,
        by_programme,
        load_time: started.elapsed(),
    })
}

/// The Cruscotto window.
pub struct CruscottoApp {
    state: State,
}

impl CruscottoApp {
    /// Starts loading `files` (the embedded sample when empty) in the background.
    pub fn new(ctx: &egui::Context, files: Vec<PathBuf>) -> Self {
        let (tx, rx) = channel();
        let ctx = ctx.clone();
        std::thread::spawn(move || {
            let _ = tx.send(load(files));
            ctx.request_repaint();
        });
        CruscottoApp {
            state: State::Loading {
                since: Instant::now(),
                rx,
            },
        }
    }
}

impl eframe::App for CruscottoApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        if let State::Loading { rx, .. } = &self.state
            && let Ok(result) = rx.try_recv()
        {
            self.state = match result {
                Ok(loaded) => State::Ready(Box::new(loaded)),
                Err(e) => State::Failed(e),
            };
        }
        egui::Panel::top("top_bar").show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.heading("Cruscotto");
                ui.label("programmi sociali finanziati");
            });
        });
        egui::CentralPanel::default().show(ui, |ui| match &self.state {
            State::Loading { since, .. } => {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label(format!(
                        "Caricamento dei dati… {:.1} s",
                        since.elapsed().as_secs_f32()
                    ));
                });
                ui.ctx().request_repaint_after(Duration::from_millis(100));
            }
            State::Failed(message) => {
                ui.colored_label(ui.visuals().error_fg_color, message);
            }
            State::Ready(loaded) => overview(ui, loaded),
        });
    }
}

fn overview(ui: &mut egui::Ui, loaded: &Loaded) {
    ui.horizontal(|ui| {
        kpi(
            ui,
            "Importo totale",
            &format::euro(loaded.total.total_amount),
        );
        kpi(ui, "Progetti", &format::count(loaded.total.rows as usize));
        kpi(ui, "Fonti", &loaded.dataset.sources.len().to_string());
        kpi(
            ui,
            "Problemi",
            &format::count(loaded.dataset.problems.height()),
        );
    });
    ui.separator();
    ui.heading("Importo per programma");
    egui::Grid::new("by_programme")
        .striped(true)
        .show(ui, |ui| {
            ui.strong("Programma");
            ui.strong("Progetti");
            ui.strong("Importo");
            ui.end_row();
            for g in &loaded.by_programme.groups {
                ui.label(&g.key);
                ui.label(format::count(g.rows as usize));
                ui.label(format::euro(g.amount));
                ui.end_row();
            }
        });
    ui.separator();
    for s in &loaded.dataset.sources {
        ui.label(format!(
            "{} — {} progetti, {} problemi",
            s.origin.label(),
            s.rows,
            s.problems
        ));
    }
    ui.small(format!(
        "Caricato in {:.2} s",
        loaded.load_time.as_secs_f64()
    ));
}

fn kpi(ui: &mut egui::Ui, label: &str, value: &str) {
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.vertical(|ui| {
            ui.small(label);
            ui.heading(value);
        });
    });
}

/// Opens the window.
pub fn run(files: Vec<PathBuf>) -> Result<(), String> {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_inner_size([1280.0, 800.0])
            .with_min_inner_size([800.0, 500.0])
            .with_title("Cruscotto"),
        ..Default::default()
    };
    eframe::run_native(
        "Cruscotto",
        options,
        Box::new(|cc| Ok(Box::new(CruscottoApp::new(&cc.egui_ctx, files)))),
    )
    .map_err(|e| format!("cannot open the window: {e}"))
}
