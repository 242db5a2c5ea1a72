//! `cruscotto bench`: times every step from file to dashboard as the window runs them (read,
//! interpret, combine, prepare, then the dashboard with no filter, one filter, two filters and a
//! text search, then back to no filter, remembered as in the window), then opening the files
//! again from the cache of interpreted files, and reports the median over several runs, where the
//! dashboard's time goes, and the process's peak memory. Speed and memory targets are checked
//! against this report, never inside timed tests.

use std::io::Write;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::Serialize;

use super::{BenchArgs, OutputFormat};
use crate::app::worker::prepare;
use crate::data::preview::PreviewSink;
use crate::data::{self, Field, LoadOptions, ProgressSink, Stage, synth};
use crate::export::{CsvStyle, write_table};
use crate::query::Key;
use crate::query::chart::{Dimension, Measure};
use crate::query::dashboard::{Known, PartTimes, Request, compute_with};
use crate::query::memo::DashboardMemo;

/// The steps, in the order they run.
const STEPS: [&str; 15] = [
    "read",
    "interpret",
    "combine",
    "prepare",
    "quality report (background)",
    "dashboard: no filter",
    "dashboard: 1 filter",
    "dashboard: 2 filters",
    "dashboard: text search",
    "dashboard: filters cleared",
    "dashboard: Esplora chart changed",
    "dashboard: projects sorted",
    "dashboard: 1 filter, during the quality report",
    "open, no cache",
    "reopen, from the cache",
];

/// Opens the files twice with an empty cache in `dir`: the first open fills it, the second reads
/// it. Returns both times (file → canonical table).
fn reopen(
    files: &[PathBuf],
    options: &LoadOptions,
    dir: &std::path::Path,
) -> Result<[Duration; 2], String> {
    let cache = crate::data::cache::Cache::at(dir);
    cache.clear().map_err(|e| e.to_string())?;
    let options = LoadOptions {
        cache: Some(cache),
        ..options.clone()
    };
    let started = Instant::now();
    data::load_paths(files, &options).map_err(|e| e.to_string())?;
    let first = started.elapsed();
    // The entries are written in the background after the first open.
    crate::data::cache::wait_for_writes();
    let started = Instant::now();
    let again = data::load_paths(files, &options).map_err(|e| e.to_string())?;
    let second = started.elapsed();
    if !again.sources.iter().all(|s| s.cached) {
        return Err("the second open did not come from the cache".into());
    }
    Ok([first, second])
}

#[derive(Debug, Serialize)]
struct Step {
    step: &'static str,
    /// Median over the runs.
    seconds: f64,
    min_seconds: f64,
    max_seconds: f64,
}

/// One part of the dashboard: median seconds without and with one filter.
#[derive(Debug, Serialize)]
struct Part {
    part: &'static str,
    no_filter_seconds: f64,
    one_filter_seconds: f64,
}

#[derive(Debug, Serialize)]
struct Report {
    files: Vec<PathBuf>,
    projects: usize,
    runs: usize,
    steps: Vec<Step>,
    /// Where the dashboard's time goes.
    parts: Vec<Part>,
    /// The window's frames, per screen (CPU: layout, widgets, tessellation).
    frames: Vec<super::bench_frames::FrameTime>,
    /// The preview of a large file read alone: its rows and share of the file.
    preview: Option<PreviewReport>,
    /// Peak resident memory of the process (Linux), in MiB.
    peak_memory_mib: Option<f64>,
}

#[derive(Debug, Serialize)]
struct PreviewReport {
    rows: usize,
    share: f64,
}

/// The preview's steps, timed from the load's start (while the rest of the file is read).
const PREVIEW_INTERPRETED: &str = "preview: first rows interpreted";
const PREVIEW_DRAWN: &str = "preview: partial dashboard";

/// The time between each reported stage and the next (the last ends at `end`), summed per step.
fn stage_times(stages: &[(Stage, Instant)], end: Instant) -> [Duration; 3] {
    let mut times = [Duration::ZERO; 3];
    for (i, (stage, start)) in stages.iter().enumerate() {
        let stop = stages.get(i + 1).map(|s| s.1).unwrap_or(end);
        let slot = match stage {
            Stage::Reading { .. } | Stage::Parsing { .. } => 0,
            Stage::Normalising { .. } => 1,
            Stage::Combining | Stage::Preparing => 2,
        };
        times[slot] += stop.saturating_duration_since(*start);
    }
    times
}

/// When a large file's preview arrived, as the window gets it: its rows interpreted, then its
/// dashboard computed (while the rest of the file is still read), both from the load's start.
#[derive(Debug, Clone, Copy)]
struct PreviewRun {
    interpreted: Duration,
    drawn: Duration,
    rows: usize,
    share: f64,
}

/// One run of every step: the step times, the projects, the parts of the dashboard without
/// and with one filter, and the preview when there was one.
type Run = (Vec<Duration>, usize, [PartTimes; 2], Option<PreviewRun>);

/// A preview sink that computes the preview's dashboard as the window would, and notes when.
fn preview_timer(started: Instant, slot: Arc<Mutex<Option<PreviewRun>>>) -> PreviewSink {
    PreviewSink::new(move |preview| {
        let interpreted = started.elapsed();
        let (rows, share) = (preview.rows(), preview.share());
        let loaded = prepare(preview.dataset);
        if compute_with(&loaded.dataset.table, &Request::default(), Known::NOTHING).is_ok()
            && let Ok(mut slot) = slot.lock()
        {
            *slot = Some(PreviewRun {
                interpreted,
                drawn: started.elapsed(),
                rows,
                share,
            });
        }
    })
}

fn run_once(files: &[PathBuf], options: &LoadOptions) -> Result<Run, String> {
    let stages: Arc<Mutex<Vec<(Stage, Instant)>>> = Arc::default();
    let preview: Arc<Mutex<Option<PreviewRun>>> = Arc::default();
    let sink = {
        let stages = stages.clone();
        ProgressSink::new(move |stage| {
            if let Ok(mut s) = stages.lock() {
                s.push((stage, Instant::now()));
            }
        })
    };
    let started = Instant::now();
    let options = LoadOptions {
        progress: sink,
        preview: preview_timer(started, preview.clone()),
        ..options.clone()
    };
    let dataset = data::load_paths(files, &options).map_err(|e| e.to_string())?;
    let loaded_at = Instant::now();
    let mut times: Vec<Duration> = {
        let stages = stages
            .lock()
            .map_err(|_| "progress lock poisoned".to_string())?;
        stage_times(&stages, loaded_at).to_vec()
    };
    let started = Instant::now();
    let loaded = prepare(dataset);
    times.push(started.elapsed());
    let started = Instant::now();
    crate::app::worker::quality_report(&loaded.dataset);
    times.push(started.elapsed());
    let table = &loaded.dataset.table;
    let projects = table.height();

    let mut request = Request::default();
    let mut parts: [PartTimes; 2] = Default::default();
    // As the window's compute thread: dashboards seen before are remembered.
    let shared = Arc::new(table.clone());
    let mut memo = DashboardMemo::default();
    let mut time_compute = |request: &Request, slot: Option<usize>| -> Result<Duration, String> {
        let started = Instant::now();
        let dashboard = memo
            .get_or_compute(&shared, request, compute_with)
            .map_err(|e| format!("cannot compute the dashboard: {e}"))?;
        let elapsed = started.elapsed();
        if let Some(slot) = slot {
            parts[slot] = dashboard.parts;
        }
        Ok(elapsed)
    };
    times.push(time_compute(&request, Some(0))?);
    if let Some(programme) = loaded.programmes.first() {
        request
            .filters
            .toggle(Field::Programme.name(), Key::value(programme.clone()));
    }
    times.push(time_compute(&request, Some(1))?);
    let region = first_value(table, Field::Region);
    if let Some(region) = &region {
        request
            .filters
            .toggle(Field::Region.name(), Key::value(region.clone()));
    }
    times.push(time_compute(&request, None)?);
    let mut search = Request::default();
    search.filters.text = "comunità".into();
    times.push(time_compute(&search, None)?);
    times.push(time_compute(&Request::default(), None)?);
    // The same filters (none), another chart in Esplora: only that chart is computed.
    let mut explore = Request {
        explore: crate::query::chart::ChartSpec::new(
            Dimension::Field(Field::Province),
            Measure::Count,
        ),
        ..Request::default()
    };
    times.push(time_compute(&explore, None)?);
    // A click on the amount column's header: the projects sorted, nothing else computed.
    explore.sort = crate::query::dashboard::ProjectSort {
        column: Some(Field::AmountGranted.name().into()),
        descending: true,
    };
    times.push(time_compute(&explore, None)?);
    // Another programme clicked while the quality report is made (the window's first second
    // after a load): both share polars' threads.
    let mut clicked = Request::default();
    if let Some(programme) = loaded.programmes.last() {
        clicked
            .filters
            .toggle(Field::Programme.name(), Key::value(programme.clone()));
    }
    let during = std::thread::scope(|scope| {
        let report = scope.spawn(|| crate::app::worker::quality_report(&loaded.dataset));
        // The report under way.
        std::thread::sleep(Duration::from_millis(50));
        let took = time_compute(&clicked, None);
        let _ = report.join();
        took
    })?;
    times.push(during);
    let preview = *preview
        .lock()
        .map_err(|_| "preview lock poisoned".to_string())?;
    Ok((times, projects, parts, preview))
}

/// The first non-empty value of a text column, to filter on.
fn first_value(table: &polars::prelude::DataFrame, field: Field) -> Option<String> {
    let column = table.column(field.name()).ok()?.drop_nulls();
    let column = column.cast(&polars::prelude::DataType::String).ok()?;
    column.str().ok()?.get(0).map(str::to_string)
}

/// Peak resident memory from `/proc/self/status` (`VmHWM`), in MiB.
fn peak_memory_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

pub fn run(args: &BenchArgs, out: &mut dyn Write) -> Result<(), String> {
    if args.runs == 0 {
        return Err("--runs must be at least 1".into());
    }
    // Without files, generate them into a temporary folder (removed at the end).
    let folder =
        tempfile::tempdir().map_err(|e| format!("cannot create a temporary folder: {e}"))?;
    let files = if args.files.is_empty() {
        let path = folder.path().join(format!(
            "synthetic.{}",
            args.generate.trim_start_matches('.')
        ));
        let table = synth::generate(args.rows, 2017)
            .map_err(|e| format!("cannot generate {} projects: {e}", args.rows))?;
        write_table(&table, &path, CsvStyle::default()).map_err(|e| e.to_string())?;
        vec![path]
    } else {
        args.files.clone()
    };
    let mut options = args.load.options()?;
    options.progress = ProgressSink::default();
    // Every step is timed from the file itself; the cache is timed on its own ("reopen").
    options.cache = None;
    let cache_dir = folder.path().join("cache");

    let mut all: Vec<Vec<f64>> = vec![Vec::new(); STEPS.len()];
    let mut projects = 0;
    let mut part_times: Vec<(&'static str, [Vec<f64>; 2])> = Vec::new();
    let mut previews = Vec::new();
    for _ in 0..args.runs {
        let (mut times, n, parts, preview) = run_once(&files, &options)?;
        previews.extend(preview);
        for (slot, run) in parts.iter().enumerate() {
            for (name, took) in &run.0 {
                let at = match part_times.iter().position(|(n, _)| n == name) {
                    Some(at) => at,
                    None => {
                        part_times.push((name, Default::default()));
                        part_times.len() - 1
                    }
                };
                part_times[at].1[slot].push(took.as_secs_f64());
            }
        }
        times.extend(reopen(&files, &options, &cache_dir)?);
        projects = n;
        for (slot, t) in all.iter_mut().zip(times) {
            slot.push(t.as_secs_f64());
        }
    }
    let step = |step: &'static str, times: Vec<f64>| Step {
        step,
        min_seconds: times.iter().cloned().fold(f64::INFINITY, f64::min),
        max_seconds: times.iter().cloned().fold(0.0, f64::max),
        seconds: median(times),
    };
    let mut steps: Vec<Step> = STEPS
        .iter()
        .zip(all)
        .map(|(name, times)| step(name, times))
        .collect();
    // Reported only when every run had one (the file is large enough, read alone).
    let preview = (previews.len() == args.runs).then(|| PreviewReport {
        rows: previews[0].rows,
        share: previews[0].share,
    });
    if preview.is_some() {
        let (interpreted, drawn) = previews
            .iter()
            .map(|p| (p.interpreted.as_secs_f64(), p.drawn.as_secs_f64()))
            .unzip();
        steps.push(step(PREVIEW_INTERPRETED, interpreted));
        steps.push(step(PREVIEW_DRAWN, drawn));
    }
    let frames = super::bench_frames::measure(&files, 30)?;
    let report = Report {
        files: if args.files.is_empty() {
            vec![PathBuf::from(format!("(synthetic .{})", args.generate))]
        } else {
            files
        },
        projects,
        runs: args.runs,
        steps,
        parts: part_times
            .into_iter()
            .map(|(part, [none, one])| Part {
                part,
                no_filter_seconds: if none.is_empty() { 0.0 } else { median(none) },
                one_filter_seconds: if one.is_empty() { 0.0 } else { median(one) },
            })
            .collect(),
        frames,
        preview,
        peak_memory_mib: peak_memory_mib(),
    };
    write_report(&report, args.format, out).map_err(|e| e.to_string())
}

/// A text table: the first column left-aligned, the others right-aligned, under a rule.
fn table(out: &mut dyn Write, header: &[&str], rows: &[Vec<String>]) -> std::io::Result<()> {
    let first = rows
        .iter()
        .map(|r| r[0].chars().count())
        .chain([header[0].chars().count(), 28])
        .max()
        .unwrap_or(28);
    let line = |cells: &[&str]| {
        let mut text = format!("{:<first$}", cells[0]);
        for cell in &cells[1..] {
            text.push_str(&format!(" {cell:>12}"));
        }
        text
    };
    writeln!(out, "{}", line(header))?;
    writeln!(out, "{}", "─".repeat(first + 13 * (header.len() - 1)))?;
    for row in rows {
        let cells: Vec<&str> = row.iter().map(String::as_str).collect();
        writeln!(out, "{}", line(&cells))?;
    }
    Ok(())
}

fn write_report(report: &Report, format: OutputFormat, out: &mut dyn Write) -> std::io::Result<()> {
    match format {
        OutputFormat::Json => {
            let text = serde_json::to_string_pretty(report).map_err(std::io::Error::other)?;
            writeln!(out, "{text}")
        }
        OutputFormat::Csv => {
            writeln!(out, "step,seconds,min_seconds,max_seconds")?;
            for s in &report.steps {
                writeln!(
                    out,
                    "{},{:.4},{:.4},{:.4}",
                    s.step, s.seconds, s.min_seconds, s.max_seconds
                )?;
            }
            Ok(())
        }
        OutputFormat::Table => {
            let files: Vec<String> = report
                .files
                .iter()
                .map(|f| f.display().to_string())
                .collect();
            writeln!(
                out,
                "{} projects from {} — median of {} run(s)",
                crate::format::count(report.projects),
                files.join(", "),
                report.runs
            )?;
            let steps: Vec<Vec<String>> = report
                .steps
                .iter()
                .map(|s| {
                    vec![
                        s.step.to_string(),
                        format!("{:.3}", s.seconds),
                        format!("{:.3}", s.min_seconds),
                        format!("{:.3}", s.max_seconds),
                    ]
                })
                .collect();
            table(out, &["step", "median s", "min s", "max s"], &steps)?;
            // The quality report comes after the first dashboard, in the background.
            let total: f64 = report.steps.iter().take(4).map(|s| s.seconds).sum();
            let seconds = |name: &str| {
                report
                    .steps
                    .iter()
                    .find(|s| s.step == name)
                    .map(|s| s.seconds)
            };
            let whole = total + seconds("dashboard: no filter").unwrap_or(0.0);
            writeln!(out, "{:<28} {:>12.3}", "file → window (sum)", total)?;
            writeln!(out, "{:<28} {:>12.3}", "file → whole dashboard", whole)?;
            if let (Some(p), Some(drawn)) = (&report.preview, seconds(PREVIEW_DRAWN)) {
                writeln!(
                    out,
                    "{:<28} {:>12.3}   (preview: {} rows, {} of the file)",
                    "file → first dashboard",
                    drawn,
                    crate::format::count(p.rows),
                    crate::format::percent(p.share)
                )?;
            }
            if let (Some(cold), Some(warm)) =
                (seconds("open, no cache"), seconds("reopen, from the cache"))
                && warm > 0.0
            {
                writeln!(out, "{:<28} {:>11.1}×", "reopen speed-up", cold / warm)?;
            }
            writeln!(out)?;
            let parts: Vec<Vec<String>> = report
                .parts
                .iter()
                .map(|p| {
                    vec![
                        p.part.to_string(),
                        format!("{:.3}", p.no_filter_seconds),
                        format!("{:.3}", p.one_filter_seconds),
                    ]
                })
                .collect();
            table(
                out,
                &["dashboard part", "no filter s", "1 filter s"],
                &parts,
            )?;
            writeln!(out)?;
            let frames: Vec<Vec<String>> = report
                .frames
                .iter()
                .map(|f| {
                    vec![
                        f.screen.to_string(),
                        format!("{:.2}", f.median_ms),
                        format!("{:.2}", f.max_ms),
                        f.vertices.to_string(),
                    ]
                })
                .collect();
            table(
                out,
                &["window frame", "median ms", "slowest ms", "vertices"],
                &frames,
            )?;
            if let Some(mib) = report.peak_memory_mib {
                writeln!(out, "{:<28} {mib:>12.0} MiB", "peak memory")?;
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stage_times_run_from_one_stage_to_the_next() {
        let t0 = Instant::now();
        let at = |ms: u64| t0 + Duration::from_millis(ms);
        let file = PathBuf::from("a.csv");
        let stages = vec![
            (
                Stage::Reading {
                    file: file.clone(),
                    index: 0,
                    count: 2,
                    bytes: None,
                },
                at(0),
            ),
            (
                Stage::Reading {
                    file: file.clone(),
                    index: 1,
                    count: 2,
                    bytes: None,
                },
                at(100),
            ),
            (
                Stage::Normalising {
                    file,
                    index: 0,
                    count: 1,
                    rows: 10,
                },
                at(250),
            ),
            (Stage::Combining, at(600)),
        ];
        let times = stage_times(&stages, at(1000));
        assert_eq!(
            times,
            [
                Duration::from_millis(250),
                Duration::from_millis(350),
                Duration::from_millis(400)
            ]
        );
    }

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(vec![3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(vec![4.0, 1.0, 2.0, 3.0]), 2.5);
    }
}
