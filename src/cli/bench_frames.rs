//! Frame time of the real window at scale, without a screen: the app opens the files as it does
//! for a user, then each tab is drawn many times in a headless egui context — layout, every
//! widget, the charts and the map, and the tessellation into triangles. The GPU's part is not
//! counted (it is small next to this on these machines, and there is no GPU here).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use eframe::egui;
use serde::Serialize;

use crate::app::settings::{Settings, Tab};
use crate::app::{CruscottoApp, Intent};

/// One screen's frames: median and slowest, in milliseconds.
#[derive(Debug, Serialize)]
pub struct FrameTime {
    pub screen: &'static str,
    pub median_ms: f64,
    pub max_ms: f64,
    /// Vertices drawn per frame (what the GPU receives): the screen was really drawn.
    pub vertices: usize,
}

/// How long the window may take to open the files before the measure gives up.
const OPEN_LIMIT: Duration = Duration::from_secs(900);

fn input() -> egui::RawInput {
    egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(
            egui::Pos2::ZERO,
            egui::vec2(1440.0, 900.0),
        )),
        ..Default::default()
    }
}

/// One frame, drawn and tessellated: its time and its vertices.
fn frame(ctx: &egui::Context, app: &mut CruscottoApp) -> (Duration, usize) {
    let started = Instant::now();
    let mut output = ctx.run_ui(input(), |ui| app.draw(ui));
    let meshes = ctx.tessellate(output.shapes, output.pixels_per_point);
    let took = started.elapsed();
    // No screen takes the font atlas: it is dropped on purpose.
    output.textures_delta.clear();
    let vertices = meshes
        .iter()
        .map(|m| match &m.primitive {
            egui::epaint::Primitive::Mesh(mesh) => mesh.vertices.len(),
            egui::epaint::Primitive::Callback(_) => 0,
        })
        .sum();
    (took, vertices)
}

/// Draws frames until the app has no work in progress.
fn settle(ctx: &egui::Context, app: &mut CruscottoApp) -> Result<(), String> {
    let started = Instant::now();
    loop {
        frame(ctx, app);
        if app.is_idle() {
            return Ok(());
        }
        if started.elapsed() > OPEN_LIMIT {
            return Err("the window did not finish opening the files".into());
        }
        if let Some(error) = app.state.errors.first() {
            return Err(error.clone());
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(0.0)
}

/// Opens `files` in the window and times `frames` frames of each main screen.
pub fn measure(files: &[PathBuf], frames: usize) -> Result<Vec<FrameTime>, String> {
    let ctx = egui::Context::default();
    let mut app = CruscottoApp::with_settings(&ctx, Settings::default(), files.to_vec());
    settle(&ctx, &mut app)?;
    let screens: [(&'static str, Vec<Intent>); 5] = [
        ("Panoramica", vec![Intent::SetTab(Tab::Overview)]),
        ("Esplora", vec![Intent::SetTab(Tab::Explore)]),
        (
            "Territorio, province",
            vec![
                Intent::SetTab(Tab::Territory),
                Intent::SetMapMunicipalities(false),
            ],
        ),
        (
            "Territorio, comuni",
            vec![Intent::SetMapMunicipalities(true)],
        ),
        ("Progetti", vec![Intent::SetTab(Tab::Projects)]),
    ];
    let mut times = Vec::new();
    for (screen, intents) in screens {
        for intent in intents {
            app.apply(intent);
        }
        settle(&ctx, &mut app)?;
        for _ in 0..3 {
            frame(&ctx, &mut app);
        }
        let mut vertices = 0;
        let ms: Vec<f64> = (0..frames.max(1))
            .map(|_| {
                let (took, v) = frame(&ctx, &mut app);
                vertices = v;
                took.as_secs_f64() * 1000.0
            })
            .collect();
        times.push(FrameTime {
            screen,
            vertices,
            max_ms: ms.iter().cloned().fold(0.0, f64::max),
            median_ms: median(ms),
        });
    }
    Ok(times)
}
