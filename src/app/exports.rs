//! Exports from the window, run in the background: ask where to save (a file dialog), then draw
//! or tabulate and write atomically. Everything a job needs is taken from the state on the UI
//! thread (cheap clones of shared data); the job reports the file written, or why it failed.

use std::path::PathBuf;
use std::sync::Arc;

use polars::prelude::DataFrame;

use super::charts::Picture;
use super::dialogs::{FileDialogs, FileKind, with_extension};
use super::settings::Settings;
use crate::data::Dataset;
use crate::export::content::{chart_table_of, map_table, projects_table};
use crate::export::picture::{PictureFormat, picture_bytes};
use crate::export::table::{CsvStyle, TableFormat, write_export};
use crate::export::{ExportError, refuse_sources, write_atomic};
use crate::i18n::Lang;
use crate::query::card::Card;
use crate::query::chart::ChartData;
use crate::query::dashboard::Dashboard;
use crate::query::filters::Filters;
use crate::query::territory::{Level, TerritoryPoint};
use crate::render::decor::Provenance;
use crate::render::output::{PageSize, pdf};
use crate::render::pages::card_page;
use crate::render::palette::ColorMap;

/// What a chart's menu can do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartAction {
    /// The chart as on screen, to the clipboard.
    CopyImage,
    /// The chart as on screen, to a PNG file.
    SavePng,
    /// A report-quality picture (SVG, PNG or PDF), drawn without the window.
    ExportPicture,
    /// The numbers behind the chart, as a table.
    ExportData { excel_it: bool },
}

/// The size and format of an exported picture, as the user chose them.
#[derive(Debug, Clone, PartialEq)]
pub struct PictureOptions {
    pub format: PictureFormat,
    pub width: f32,
    pub height: f32,
    /// PNG pixels per unit.
    pub scale: f32,
    pub title: String,
}

impl PictureOptions {
    /// 1600 × 900 at 2× (a 3200 × 1800 PNG), titled `title`.
    pub fn new(title: &str) -> Self {
        PictureOptions {
            format: PictureFormat::Png,
            width: 1600.0,
            height: 900.0,
            scale: 2.0,
            title: title.to_string(),
        }
    }
}

/// What the background needs to know of the window: the data, the filters, where the numbers
/// come from, the colours and the language.
#[derive(Clone)]
pub struct ExportContext {
    pub table: Arc<DataFrame>,
    pub filters: Filters,
    pub provenance: Provenance,
    pub colors: ColorMap,
    pub lang: Lang,
    /// The loaded files, never overwritten.
    pub sources: Vec<PathBuf>,
}

impl ExportContext {
    pub fn new(
        dataset: &Dataset,
        table: Arc<DataFrame>,
        filters: &Filters,
        colors: &ColorMap,
        lang: Lang,
    ) -> Self {
        ExportContext {
            table,
            filters: filters.clone(),
            provenance: Provenance::of(dataset, filters, lang),
            colors: colors.clone(),
            lang,
            sources: dataset
                .sources
                .iter()
                .map(|s| s.origin.file.clone())
                .collect(),
        }
    }
}

/// An export to run.
pub enum Job {
    /// A screenshot of a chart, already cropped, as PNG.
    Screenshot {
        image: Arc<eframe::egui::ColorImage>,
        title: String,
    },
    Picture {
        picture: Picture,
        options: PictureOptions,
    },
    /// A bar chart's numbers (every category, recomputed without the top N).
    ChartTable {
        data: ChartData,
        title: String,
        excel_it: bool,
    },
    /// A map's bubbles as a table.
    MapTable {
        points: Vec<TerritoryPoint>,
        level: Level,
        title: String,
        excel_it: bool,
    },
    /// The dashboard as a PDF report.
    Report {
        dashboard: Arc<Dashboard>,
        settings: Box<Settings>,
        problems: usize,
    },
    /// One project's card as a one-page PDF.
    Card { card: Card },
    /// The window's view (sources, filters, tab, charts) as a JSON file.
    View {
        dataset: Arc<Dataset>,
        settings: Box<Settings>,
    },
    /// The filtered projects, in the table's columns and order.
    Projects {
        /// Gathered in the list's order when written (in the background).
        projects: crate::query::projects::ProjectRows,
        columns: Vec<String>,
        excel_it: bool,
    },
}

fn picture_kinds(format: PictureFormat, lang: Lang) -> Vec<FileKind> {
    let name = match format {
        PictureFormat::Png => lang.pick_owned("Immagine PNG", "PNG image"),
        PictureFormat::Svg => lang.pick_owned("Disegno SVG", "SVG drawing"),
        PictureFormat::Pdf => lang.pick_owned("Documento PDF", "PDF document"),
    };
    vec![FileKind::new(name, &[format.extension()])]
}

fn table_kinds(excel_it: bool, lang: Lang) -> Vec<FileKind> {
    if excel_it {
        return vec![FileKind::new(
            lang.pick_owned("CSV per Excel italiano", "CSV for Italian Excel"),
            &["csv"],
        )];
    }
    vec![
        FileKind::new(
            lang.pick_owned("Cartella di lavoro Excel", "Excel workbook"),
            &["xlsx"],
        ),
        FileKind::new(
            lang.pick_owned("Foglio OpenDocument", "OpenDocument sheet"),
            &["ods"],
        ),
        FileKind::new("CSV (UTF-8)", &["csv"]),
    ]
}

fn csv_style(excel_it: bool) -> CsvStyle {
    if excel_it {
        CsvStyle::excel_italian()
    } else {
        CsvStyle::utf8()
    }
}

/// PNG bytes of a screenshot.
fn png_of(image: &eframe::egui::ColorImage) -> Result<Vec<u8>, String> {
    let [w, h] = image.size;
    let rgba: Vec<u8> = image
        .pixels
        .iter()
        .flat_map(|p| p.to_srgba_unmultiplied())
        .collect();
    let buffer = image::RgbaImage::from_raw(w as u32, h as u32, rgba)
        .ok_or_else(|| "the screenshot has no pixels".to_string())?;
    let mut out = std::io::Cursor::new(Vec::new());
    buffer
        .write_to(&mut out, image::ImageFormat::Png)
        .map_err(|e| e.to_string())?;
    Ok(out.into_inner())
}

impl Job {
    /// The file name suggested and the kinds of file offered.
    fn target(&self, lang: Lang) -> (String, Vec<FileKind>) {
        let stem = |title: &str| super::charts::file_stem(title);
        match self {
            Job::Screenshot { title, .. } => (
                format!("{}.png", stem(title)),
                picture_kinds(PictureFormat::Png, lang),
            ),
            Job::Picture { options, .. } => (
                format!("{}.{}", stem(&options.title), options.format.extension()),
                picture_kinds(options.format, lang),
            ),
            Job::ChartTable {
                title, excel_it, ..
            }
            | Job::MapTable {
                title, excel_it, ..
            } => {
                let ext = if *excel_it { "csv" } else { "xlsx" };
                (
                    format!("{}.{ext}", stem(title)),
                    table_kinds(*excel_it, lang),
                )
            }
            Job::Report { .. } => (
                format!("{}.pdf", stem(lang.texts().report_title)),
                picture_kinds(PictureFormat::Pdf, lang),
            ),
            Job::Card { card } => (
                format!("scheda_{}.pdf", stem(&card.code)),
                picture_kinds(PictureFormat::Pdf, lang),
            ),
            Job::View { .. } => (
                lang.pick_owned("vista.json", "view.json"),
                vec![FileKind::new(
                    lang.pick_owned("Vista di Cruscotto", "Cruscotto view"),
                    &["json"],
                )],
            ),
            Job::Projects { excel_it, .. } => {
                let ext = if *excel_it { "csv" } else { "xlsx" };
                let name = lang.pick_owned("progetti", "projects");
                (format!("{name}.{ext}"), table_kinds(*excel_it, lang))
            }
        }
    }

    /// Asks where to save, then writes. `Ok(None)` when the user cancelled.
    pub fn run(
        self,
        context: &ExportContext,
        dialogs: &dyn FileDialogs,
    ) -> Result<Option<PathBuf>, String> {
        let (name, kinds) = self.target(context.lang);
        let Some(path) = dialogs.save_file(&name, &kinds) else {
            return Ok(None);
        };
        let path = with_extension(path, &kinds);
        self.write(context, &path).map_err(|e| e.to_string())?;
        Ok(Some(path))
    }

    /// Writes the export to `path` (its extension names the format).
    pub fn write(self, context: &ExportContext, path: &std::path::Path) -> Result<(), ExportError> {
        refuse_sources(path, &context.sources)?;
        let provenance = &context.provenance;
        let lang = context.lang.code();
        let fail = |e: &dyn std::fmt::Display| ExportError::new(path, e);
        match self {
            Job::Screenshot { image, .. } => {
                let bytes = png_of(&image).map_err(|e| fail(&e))?;
                write_atomic(path, &bytes)
            }
            Job::Picture { picture, options } => {
                let format = PictureFormat::of(path)?;
                let svg = picture.svg(provenance, &context.colors, options.width, options.height);
                let bytes = picture_bytes(&svg, format, options.scale, &options.title, lang)
                    .map_err(|e| fail(&e))?;
                write_atomic(path, &bytes)
            }
            Job::Report {
                dashboard,
                settings,
                problems,
            } => {
                let bytes = super::charts::report_pdf(
                    &dashboard,
                    &settings,
                    provenance,
                    &context.colors,
                    problems,
                )
                .map_err(|e| fail(&e))?;
                write_atomic(path, &bytes)
            }
            Job::View { dataset, settings } => {
                crate::export::view::SavedView::of(&dataset, &settings, path).save(path)
            }
            Job::Card { card } => {
                let page = card_page(&card, provenance);
                let title = format!("{}: {}", context.lang.texts().card_title, card.code);
                let bytes = pdf(&[page], PageSize::A4, &title, lang).map_err(|e| fail(&e))?;
                write_atomic(path, &bytes)
            }
            Job::ChartTable {
                data,
                title,
                excel_it,
            } => {
                check_table_format(path)?;
                let table =
                    chart_table_of(&data, &context.table, &context.filters, &title, provenance)
                        .map_err(|e| fail(&e))?;
                write_export(&table, path, csv_style(excel_it))
            }
            Job::MapTable {
                points,
                level,
                title,
                excel_it,
            } => {
                check_table_format(path)?;
                let table = map_table(&points, level, &title, provenance);
                write_export(&table, path, csv_style(excel_it))
            }
            Job::Projects {
                projects,
                columns,
                excel_it,
            } => {
                check_table_format(path)?;
                let title = context.lang.pick_owned("Progetti", "Projects");
                let listed = projects.in_order().map_err(|e| fail(&e))?;
                let table = projects_table(&listed, Some(&columns), &title, provenance)
                    .map_err(|e| fail(&e))?;
                write_export(&table, path, csv_style(excel_it))
            }
        }
    }
}

fn check_table_format(path: &std::path::Path) -> Result<(), ExportError> {
    TableFormat::of(path)
        .map(|_| ())
        .ok_or_else(|| ExportError::new(path, "choose .xlsx, .ods or .csv"))
}
