//! The command line: `cruscotto [FILE...]` opens the GUI; `summary`, `check`, `generate`,
//! `bench`, `export-chart`, `export-map`, `export-data`, `report` and `render-view` are
//! subcommands whose output other tools rely on. One file per subcommand; their options in
//! [`args`].

mod args;
pub mod bench;
mod bench_frames;
pub mod check;
pub mod compare;
pub mod export_chart;
pub mod export_data;
pub mod export_map;
pub mod generate;
mod loaded;
pub mod render_view;
pub mod report;
pub mod summary;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

pub use args::*;
pub use loaded::Loaded;

/// Cruscotto: explore how publicly funded social programmes spend their money.
#[derive(Debug, Parser)]
#[command(
    name = "cruscotto",
    version,
    long_version = concat!(env!("CARGO_PKG_VERSION"), " (", env!("CRUSCOTTO_BUILD"), ")"),
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Files to open in the window (xlsx, xlsm, xlsb, xls, ods, csv, tsv, txt, parquet); the
    /// embedded sample when none.
    pub files: Vec<PathBuf>,
    /// How the window is drawn: wgpu (Vulkan/DirectX 12), glow (OpenGL) or auto (wgpu, else
    /// OpenGL). A forced choice is remembered until `--renderer auto`.
    #[arg(long, value_enum, value_name = "RENDERER")]
    pub renderer: Option<crate::app::renderer::RendererChoice>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Projects and euros, in all and by a field.
    Summary(SummaryArgs),
    /// The mapping chosen for each file and the data-quality problems found.
    Check(CheckArgs),
    /// Writes realistic synthetic programme data (csv, tsv, parquet, xlsx, ods).
    Generate(GenerateArgs),
    /// Times every step from file to dashboard, as the window runs them, and the peak memory.
    Bench(BenchArgs),
    /// A chart of the files as SVG, PNG or PDF (the window's chart, without a window).
    ExportChart(ExportChartArgs),
    /// The territory map of the files as SVG, PNG or PDF.
    ExportMap(ExportMapArgs),
    /// The filtered projects, or the numbers by a field, as CSV, XLSX or ODS.
    ExportData(ExportDataArgs),
    /// The dashboard as a short PDF report (KPIs, charts, top ten, filters, sources).
    Report(ReportArgs),
    /// Every chart and table of a saved view, into a folder (optionally on other files).
    RenderView(RenderViewArgs),
    /// Entities side by side: projects, money, grants, period, target groups, per resident.
    Compare(CompareArgs),
}

/// Runs a subcommand, writing its output to `out`. Errors are one line naming the file.
pub fn run(command: Command, out: &mut dyn std::io::Write) -> Result<(), String> {
    match command {
        Command::Summary(args) => summary::run(&args, out),
        Command::Check(args) => check::run(&args, out),
        Command::Generate(args) => generate::run(&args, out),
        Command::Bench(args) => bench::run(&args, out),
        Command::ExportChart(args) => export_chart::run(&args, out),
        Command::ExportMap(args) => export_map::run(&args, out),
        Command::ExportData(args) => export_data::run(&args, out),
        Command::Report(args) => report::run(&args, out),
        Command::RenderView(args) => render_view::run(&args, out),
        Command::Compare(args) => compare::run(&args, out),
    }
}
