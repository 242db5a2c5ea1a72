//! The command line's arguments (clap): how files are read, filters, languages, measures,
//! pictures, and each subcommand's options.

use crate::data::parse::dates::DateWindow;
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use polars::prelude::DataFrame;

use crate::data::{Field, LoadOptions, Mapping, ProgressSink};
use crate::i18n::Lang;
use crate::query::chart::Measure;
use crate::query::filters::Filters;
use crate::query::territory::Level;

/// How the files are read and mapped.
#[derive(Debug, Args, Clone, Default)]
pub struct LoadArgs {
    /// Map a canonical field to a column: `--map amount="Colonna X"` (repeatable).
    #[arg(long = "map", value_name = "FIELD=HEADER", value_parser = parse_map_pair)]
    pub map: Vec<(Field, String)>,
    /// A mapping saved as JSON (`{"amount_granted": "Importo", ...}`); `--map` wins over it.
    #[arg(long, value_name = "FILE")]
    pub mapping: Option<PathBuf>,
    /// The sheet to read in workbooks (default: the first that holds a table).
    #[arg(long)]
    pub sheet: Option<String>,
    /// The programme name for every row (default: the column, else the sheet or file name).
    #[arg(long)]
    pub programme: Option<String>,
    /// The years a project's dates may fall in (default 1990-2100); other dates are reported as
    /// problems and left out.
    #[arg(long, value_name = "FIRST-LAST", value_parser = parse_years)]
    pub years: Option<DateWindow>,
    /// Read and interpret every file again, without the cache of files already seen.
    #[arg(long)]
    pub no_cache: bool,
}

impl LoadArgs {
    /// The load options these arguments ask for.
    pub fn options(&self) -> Result<LoadOptions, String> {
        let mut overrides = match &self.mapping {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| format!("{}: cannot read the mapping: {e}", path.display()))?;
                Mapping::from_json(&text)
                    .map_err(|e| format!("{}: not a mapping: {e}", path.display()))?
            }
            None => Mapping::default(),
        };
        for (field, header) in &self.map {
            overrides.set(*field, header.clone());
        }
        // On a terminal, say what a long load is doing (never into piped output).
        let progress = if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
            ProgressSink::new(|stage| {
                eprintln!(
                    "cruscotto: {}…",
                    Lang::from(LangArg::system()).stage(&stage)
                )
            })
        } else {
            ProgressSink::default()
        };
        Ok(LoadOptions {
            sheet: self.sheet.clone(),
            overrides,
            programme: self.programme.clone(),
            progress,
            date_window: self.years.unwrap_or_default(),
            cache: if self.no_cache {
                None
            } else {
                crate::data::cache::Cache::user()
            },
            ..LoadOptions::default()
        })
    }
}

fn parse_years(text: &str) -> Result<DateWindow, String> {
    let parsed = text
        .split_once('-')
        .and_then(|(a, b)| Some((a.trim().parse().ok()?, b.trim().parse().ok()?)));
    match parsed {
        Some((first_year, last_year)) if first_year <= last_year => Ok(DateWindow {
            first_year,
            last_year,
        }),
        _ => Err(format!(
            "'{text}' is not a range of years such as 1990-2100"
        )),
    }
}

fn parse_map_pair(text: &str) -> Result<(Field, String), String> {
    let (field, header) = text
        .split_once('=')
        .ok_or_else(|| format!("'{text}' is not FIELD=HEADER"))?;
    let field = Field::parse(field).ok_or_else(|| {
        let names: Vec<&str> = Field::ALL.iter().map(|f| f.name()).collect();
        format!("unknown field '{field}': use one of {}", names.join(", "))
    })?;
    let header = header.trim().trim_matches('"').to_string();
    if header.is_empty() {
        return Err(format!("no column given for {field}"));
    }
    Ok((field, header))
}

/// The language of the output: labels, buckets ("senza date" / "no dates"), notes.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum LangArg {
    It,
    En,
}

impl LangArg {
    /// The system's language (`LC_ALL`, `LC_MESSAGES`, `LANG`): English when it says English,
    /// Italian otherwise.
    pub fn system() -> LangArg {
        let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|v| std::env::var(v).ok())
            .find(|v| !v.is_empty())
            .unwrap_or_default();
        if locale.to_ascii_lowercase().starts_with("en") {
            LangArg::En
        } else {
            LangArg::It
        }
    }
}

impl std::fmt::Display for LangArg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            LangArg::It => "it",
            LangArg::En => "en",
        })
    }
}

impl From<LangArg> for Lang {
    fn from(l: LangArg) -> Lang {
        match l {
            LangArg::It => Lang::It,
            LangArg::En => Lang::En,
        }
    }
}

/// Which projects a command looks at, as in the window's filters.
#[derive(Debug, Args, Clone, Default)]
pub struct FilterArgs {
    /// Keep projects with FIELD = VALUE (repeatable: several values of one field are
    /// alternatives, different fields all apply; `year=2016-2019` is a period, `text=…` searches
    /// title and abstract, an empty VALUE selects projects without one). Values match without
    /// regard to case or accents.
    #[arg(long = "filter", value_name = "FIELD=VALUE")]
    pub filter: Vec<String>,
}

impl FilterArgs {
    /// The filters over a loaded table; an unknown field or value is an error naming the
    /// closest ones.
    pub fn filters(&self, table: &DataFrame) -> Result<Filters, String> {
        crate::query::values::filters_from_pairs(table, &self.filter).map_err(|e| e.to_string())
    }
}

#[derive(Debug, Clone, Copy, ValueEnum, Default, PartialEq, Eq)]
pub enum OutputFormat {
    #[default]
    Table,
    Csv,
    Json,
}

#[derive(Debug, Args)]
pub struct SummaryArgs {
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Group by a canonical field (programme, lead_body, region, province, funding_source,
    /// age_groups, year, …) or an original column header.
    #[arg(long, value_name = "FIELD")]
    pub by: Option<String>,
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
    #[command(flatten)]
    pub lang: LangArgs,
    #[command(flatten)]
    pub filters: FilterArgs,
    #[command(flatten)]
    pub load: LoadArgs,
}

/// The language of every verb's labels, notes and messages.
#[derive(Debug, Clone, Copy, Args)]
pub struct LangArgs {
    /// The language of labels, notes and messages (default: the system's, Italian when unknown).
    #[arg(long, value_enum, default_value_t = LangArg::system())]
    pub lang: LangArg,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// How many problems to list one by one.
    #[arg(long, default_value_t = 20)]
    pub examples: usize,
    /// Save the mapping of the first file as JSON, to edit and pass back with `--mapping`.
    #[arg(long, value_name = "FILE")]
    pub save_mapping: Option<PathBuf>,
    #[command(flatten)]
    pub lang: LangArgs,
    #[command(flatten)]
    pub load: LoadArgs,
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// How many projects.
    #[arg(long)]
    pub rows: usize,
    /// Where to write; the extension picks the format (.csv, .tsv, .parquet, .xlsx, .ods).
    #[arg(long)]
    pub out: PathBuf,
    /// The random seed: the same seed gives the same data.
    #[arg(long, default_value_t = 2017)]
    pub seed: u64,
}

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Files to load; without them, `--rows` synthetic projects written as `--generate`.
    pub files: Vec<PathBuf>,
    /// How many synthetic projects to generate when no file is given.
    #[arg(long, default_value_t = 1_000_000)]
    pub rows: usize,
    /// The format of the generated file (its extension: parquet, csv, xlsx, ods, tsv).
    #[arg(long, default_value = "parquet")]
    pub generate: String,
    /// How many times to run everything; the median is reported.
    #[arg(long, default_value_t = 3)]
    pub runs: usize,
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
    #[command(flatten)]
    pub load: LoadArgs,
}

/// What is measured, on the command line.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq, Default)]
pub enum MeasureArg {
    /// Sum of the amounts (granted, else spent).
    #[default]
    Amount,
    Granted,
    Spent,
    /// Number of projects.
    Count,
    /// Mean grant.
    Mean,
    /// Median grant.
    Median,
    /// Share of the projects.
    Share,
}

impl From<MeasureArg> for Measure {
    fn from(m: MeasureArg) -> Measure {
        match m {
            MeasureArg::Amount => Measure::Amount,
            MeasureArg::Granted => Measure::Granted,
            MeasureArg::Spent => Measure::Spent,
            MeasureArg::Count => Measure::Count,
            MeasureArg::Mean => Measure::MeanGrant,
            MeasureArg::Median => Measure::MedianGrant,
            MeasureArg::Share => Measure::Share,
        }
    }
}

/// Where and how large a picture is written.
#[derive(Debug, Args, Clone)]
pub struct PictureArgs {
    /// The file to write: .svg, .png or .pdf.
    #[arg(long)]
    pub out: PathBuf,
    /// Width of the drawing (SVG units; PDF at 0.75 pt each).
    #[arg(long, default_value_t = 1600.0)]
    pub width: f32,
    /// Height of the drawing.
    #[arg(long, default_value_t = 900.0)]
    pub height: f32,
    /// PNG pixels per unit: 2 gives a 3200 × 1800 PNG for the default size.
    #[arg(long, default_value_t = 2.0)]
    pub scale: f32,
}

#[derive(Debug, Args)]
pub struct ExportChartArgs {
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// The categories: a canonical field, `year` or a column of the file.
    #[arg(long, value_name = "FIELD")]
    pub by: String,
    /// One series per value of this field (stacked bars, or grouped with --grouped).
    #[arg(long, value_name = "FIELD")]
    pub split: Option<String>,
    #[arg(long, value_enum, default_value_t)]
    pub measure: MeasureArg,
    /// Keep the N largest categories and put the rest together (0: all).
    #[arg(long, default_value_t = 12)]
    pub top: usize,
    /// Split series side by side instead of stacked.
    #[arg(long)]
    pub grouped: bool,
    /// Vertical bars (years always are).
    #[arg(long)]
    pub vertical: bool,
    /// Categories by name instead of by value.
    #[arg(long = "sort-by-name")]
    pub sort_by_name: bool,
    /// The chart's title (default: made from the measure and the field).
    #[arg(long)]
    pub title: Option<String>,
    #[command(flatten)]
    pub lang: LangArgs,
    #[command(flatten)]
    pub picture: PictureArgs,
    #[command(flatten)]
    pub filters: FilterArgs,
    #[command(flatten)]
    pub load: LoadArgs,
}

/// What the map's bubbles stand on, on the command line.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq, Default)]
pub enum LevelArg {
    /// One bubble per province, on its capital.
    #[default]
    Province,
    /// One bubble per municipality, on its centre.
    Municipality,
}

impl From<LevelArg> for Level {
    fn from(l: LevelArg) -> Level {
        match l {
            LevelArg::Province => Level::Provinces,
            LevelArg::Municipality => Level::Municipalities,
        }
    }
}

#[derive(Debug, Args)]
pub struct ExportMapArgs {
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t)]
    pub level: LevelArg,
    /// The map's title (default: "Importo per provincia" / "per comune").
    #[arg(long)]
    pub title: Option<String>,
    #[command(flatten)]
    pub lang: LangArgs,
    #[command(flatten)]
    pub picture: PictureArgs,
    #[command(flatten)]
    pub filters: FilterArgs,
    #[command(flatten)]
    pub load: LoadArgs,
}

#[derive(Debug, Args)]
pub struct ExportDataArgs {
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// The numbers by this field (every value, with projects and share) instead of the
    /// projects themselves.
    #[arg(long, value_name = "FIELD")]
    pub by: Option<String>,
    /// With --by: one column per value of this field.
    #[arg(long, value_name = "FIELD")]
    pub split: Option<String>,
    /// With --by: what is measured.
    #[arg(long, value_enum, default_value_t)]
    pub measure: MeasureArg,
    /// The file to write: .csv, .xlsx or .ods (.tsv too).
    #[arg(long)]
    pub out: PathBuf,
    /// CSV for Excel on Italian Windows: `;`, decimal comma, dd/mm/yyyy, Windows-1252
    /// (default: UTF-8 with BOM, `,`, decimal point, ISO dates).
    #[arg(long = "excel-it")]
    pub excel_it: bool,
    #[command(flatten)]
    pub lang: LangArgs,
    #[command(flatten)]
    pub filters: FilterArgs,
    #[command(flatten)]
    pub load: LoadArgs,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq, Default)]
pub enum PictureFormatArg {
    #[default]
    Png,
    Svg,
    Pdf,
}

impl PictureFormatArg {
    pub fn extension(self) -> &'static str {
        match self {
            PictureFormatArg::Png => "png",
            PictureFormatArg::Svg => "svg",
            PictureFormatArg::Pdf => "pdf",
        }
    }
}

#[derive(Debug, Args)]
pub struct RenderViewArgs {
    /// The saved view (JSON, from the window's "Salva vista…").
    pub view: PathBuf,
    /// Files to draw the view from instead of its own (e.g. next month's file).
    pub files: Vec<PathBuf>,
    /// The folder to write into (created if missing).
    #[arg(long = "out-dir")]
    pub out_dir: PathBuf,
    /// The format of the pictures.
    #[arg(long, value_enum, default_value_t)]
    pub format: PictureFormatArg,
    #[arg(long, default_value_t = 1600.0)]
    pub width: f32,
    #[arg(long, default_value_t = 900.0)]
    pub height: f32,
    #[arg(long, default_value_t = 2.0)]
    pub scale: f32,
    #[command(flatten)]
    pub lang: LangArgs,
    #[command(flatten)]
    pub load: LoadArgs,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// A saved view whose filters and charts the report shows (on these files).
    #[arg(long)]
    pub view: Option<PathBuf>,
    /// The PDF to write.
    #[arg(long)]
    pub out: PathBuf,
    #[command(flatten)]
    pub lang: LangArgs,
    #[command(flatten)]
    pub filters: FilterArgs,
    #[command(flatten)]
    pub load: LoadArgs,
}

/// The reference column of a comparison.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq, Default)]
pub enum ReferenceArg {
    /// The average of the compared entities.
    #[default]
    Selection,
    /// All the filtered projects.
    All,
}

impl From<ReferenceArg> for crate::query::compare::Reference {
    fn from(r: ReferenceArg) -> Self {
        match r {
            ReferenceArg::Selection => crate::query::compare::Reference::Selection,
            ReferenceArg::All => crate::query::compare::Reference::All,
        }
    }
}

#[derive(Debug, Args)]
pub struct CompareArgs {
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// What to compare: lead_body, province, region, municipality, programme, funding_source or
    /// a column of the files.
    #[arg(long, value_name = "FIELD")]
    pub by: String,
    /// The entities, separated by `;` (names may hold commas): "Cuneo;Torino;Asti".
    #[arg(long)]
    pub values: String,
    #[arg(long, value_enum, default_value_t)]
    pub reference: ReferenceArg,
    #[arg(long, value_enum, default_value_t)]
    pub format: OutputFormat,
    #[command(flatten)]
    pub lang: LangArgs,
    #[command(flatten)]
    pub filters: FilterArgs,
    #[command(flatten)]
    pub load: LoadArgs,
}
