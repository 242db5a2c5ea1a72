//! One or many files → one [`Dataset`]: the canonical table (diagonal concat of every source),
//! all row-level problems, and a report per source (mapping with reasons, notes, counts).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use polars::prelude::*;

use super::error::LoadError;
pub use super::identity::{identity, source_key, unique_labels};
use super::identity::{refuse_duplicates, relabel};
use super::mapping::{self, Explained, Mapping, Reason};
use super::normalise::{fold_variants, normalise};
use super::parse::dates::DateWindow;
use super::progress::{ProgressSink, Stage};
use super::quality::{columns as pc, empty_problems};
use super::schema::{Field, Kind, SOURCE, SOURCE_ROW, empty_table};
use super::source::{self, Origin, ROW, RawTable, ReadOptions};

/// What the user chose for loading.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// For workbooks: the sheet to read (default: the first that holds a table).
    pub sheet: Option<String>,
    /// Field → header choices that override the automatic mapping.
    pub overrides: Mapping,
    /// A programme name for every row, replacing the column, sheet or file name.
    pub programme: Option<String>,
    /// Where the steps of the load are reported.
    pub progress: ProgressSink,
    /// The years a date may fall in; others are reported as problems.
    pub date_window: DateWindow,
    /// The user's mapping of particular sources ([`source_key`] → choices), after `overrides`.
    /// A choice with an empty header means "no column for this field".
    pub source_mappings: BTreeMap<String, Mapping>,
    /// Asked between steps: a load nobody waits for any more stops there.
    pub cancel: CancelFlag,
    /// Where interpreted files are kept, to open them again quickly (none: always read).
    pub cache: Option<super::cache::Cache>,
    /// Only what a question needs is interpreted (none: everything, as the window needs).
    pub needed: Option<super::needed::Needed>,
    /// Where the first rows of a large file opened alone are given, interpreted, while the rest
    /// is read ([`super::preview`]); none by default.
    pub preview: super::preview::PreviewSink,
    /// The size of the pieces a delimited text is read in (default: the reader's own); tests
    /// make them small to see a small file in many pieces.
    #[doc(hidden)]
    pub piece_bytes: Option<usize>,
}

/// Whether a load has been superseded (a newer load was started).
#[derive(Clone, Default)]
pub struct CancelFlag(Option<Arc<dyn Fn() -> bool + Send + Sync>>);

impl CancelFlag {
    pub fn new(cancelled: impl Fn() -> bool + Send + Sync + 'static) -> Self {
        CancelFlag(Some(Arc::new(cancelled)))
    }

    pub fn check(&self) -> Result<(), LoadError> {
        match &self.0 {
            Some(cancelled) if cancelled() => Err(LoadError::Cancelled),
            _ => Ok(()),
        }
    }
}

impl std::fmt::Debug for CancelFlag {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CancelFlag")
    }
}

/// What happened to one source.
#[derive(Debug, Clone)]
pub struct SourceReport {
    pub origin: Origin,
    /// The name shown for this source, unique in its dataset ("progetti.xlsx (2024/)"); the
    /// value of its rows in the `source` column.
    pub label: String,
    pub sheets: Vec<String>,
    pub headers: Vec<String>,
    pub mapping: Explained,
    pub rows: usize,
    pub problems: usize,
    pub notes: Vec<super::note::Note>,
    /// The first few values of each column, for people choosing a mapping.
    pub preview: BTreeMap<String, Vec<String>>,
    /// Taken from the cache of interpreted files, not read again.
    pub cached: bool,
}

/// The canonical table of funded projects, with its problems and sources.
#[derive(Debug, Clone)]
pub struct Dataset {
    pub table: DataFrame,
    pub problems: DataFrame,
    pub sources: Vec<SourceReport>,
}

impl Default for Dataset {
    fn default() -> Self {
        Dataset {
            table: empty_table(),
            problems: empty_problems(),
            sources: Vec::new(),
        }
    }
}

impl Dataset {
    /// The columns that are not canonical: extra dimensions from the sources.
    pub fn extra_columns(&self) -> Vec<String> {
        let canonical: Vec<&str> = Field::columns()
            .map(|f| f.name())
            .chain([SOURCE, SOURCE_ROW])
            .collect();
        self.table
            .get_column_names()
            .into_iter()
            .filter(|n| !canonical.contains(&n.as_str()))
            .map(|n| n.to_string())
            .collect()
    }
}

impl Dataset {
    /// This dataset with `other`'s sources added (diagonal concat, variants folded again). A
    /// source already open (same file, same sheet) is refused; sources whose names collide are
    /// told apart by their folders.
    pub fn append(&self, other: Dataset) -> Result<Dataset, LoadError> {
        let mut sources = self.sources.clone();
        sources.extend(other.sources.iter().cloned());
        refuse_duplicates(sources.iter().map(|s| &s.origin))?;
        let olds: Vec<String> = sources.iter().map(|s| s.label.clone()).collect();
        let labels = unique_labels(&sources.iter().map(|s| &s.origin).collect::<Vec<_>>());
        let (mine, theirs) = labels.split_at(self.sources.len());
        let (my_olds, their_olds) = olds.split_at(self.sources.len());
        let fail = |e: PolarsError| {
            LoadError::unreadable(
                other
                    .sources
                    .first()
                    .map(|s| s.origin.file.clone())
                    .unwrap_or_default(),
                format!("cannot combine the files: {e}"),
            )
        };
        let table = combine(vec![
            relabel(self.table.clone(), my_olds, mine).map_err(fail)?,
            relabel(other.table, their_olds, theirs).map_err(fail)?,
        ])
        .map_err(fail)?;
        let problems =
            polars::functions::concat_df_diagonal(&[self.problems.clone(), other.problems])
                .map_err(fail)?;
        for (source, label) in sources.iter_mut().zip(labels) {
            source.label = label;
        }
        Ok(Dataset {
            table,
            problems,
            sources,
        })
    }

    /// This dataset without its source number `index` (its rows and problems).
    pub fn without_source(&self, index: usize) -> PolarsResult<Dataset> {
        let Some(gone) = self.sources.get(index) else {
            return Ok(self.clone());
        };
        let table = self
            .table
            .clone()
            .lazy()
            .filter(col(SOURCE).neq(lit(gone.label.clone())))
            .collect()?;
        let file = gone.origin.file.display().to_string();
        let same_sheet = match &gone.origin.sheet {
            Some(sheet) => col(pc::SHEET).eq(lit(sheet.clone())).fill_null(lit(false)),
            None => col(pc::SHEET).is_null(),
        };
        let problems = self
            .problems
            .clone()
            .lazy()
            .filter(col(pc::FILE).eq(lit(file)).and(same_sheet).not())
            .collect()?;
        let mut sources = self.sources.clone();
        sources.remove(index);
        Ok(Dataset {
            table,
            problems,
            sources,
        })
    }
}

/// Loads files from disk. A folder stands for the readable files in it, or is one Parquet
/// dataset (see [`source::folder`]); a folder with nothing readable is skipped and noted.
pub fn load_paths(paths: &[PathBuf], options: &LoadOptions) -> Result<Dataset, LoadError> {
    let inputs = source::folder::expand(paths)?;
    let mut dataset = load_files(&inputs.paths, options)?;
    if let Some(first) = dataset.sources.first_mut() {
        first.notes.extend(
            inputs
                .skipped
                .into_iter()
                .map(super::note::Note::FolderSkipped),
        );
    }
    Ok(dataset)
}

/// Files from disk: each one from the cache when it holds it, otherwise read, interpreted and
/// kept in the cache for next time.
fn load_files(paths: &[PathBuf], options: &LoadOptions) -> Result<Dataset, LoadError> {
    let read = read_options(options);
    let count = paths.len();
    // Per path: its cache key, and what the cache holds for it.
    let mut keys: Vec<Option<String>> = Vec::with_capacity(count);
    let mut hits: Vec<Option<Piece>> = Vec::with_capacity(count);
    let mut raws = Vec::new();
    // Progress in bytes over all the files (a folder dataset counts as nothing).
    let total: u64 = paths
        .iter()
        .filter_map(|p| std::fs::metadata(p).ok())
        .filter(|m| m.is_file())
        .map(|m| m.len())
        .sum();
    let mut done = 0u64;
    for (index, p) in paths.iter().enumerate() {
        options.cancel.check()?;
        let report = |done: u64| {
            options.progress.report(Stage::Reading {
                file: p.clone(),
                index,
                count,
                bytes: Some((done, total)),
            })
        };
        report(done);
        let key = options
            .cache
            .as_ref()
            .and_then(|_| super::cache::Cache::key(p, options));
        let hit = options
            .cache
            .as_ref()
            .zip(key.as_deref())
            .and_then(|(cache, key)| cache.get(key))
            .map(|c| Piece {
                table: c.table,
                problems: c.problems,
                report: c.report,
            });
        if hit.is_none() {
            raws.push(if p.is_dir() {
                source::read_path(p, &read)?
            } else {
                let before = done;
                // One file opened alone, and large: its first rows are shown while it is read.
                let first_rows = (count == 1)
                    .then(|| {
                        let piece = read.piece_bytes() as u64;
                        super::preview::FirstRows::for_file(p, piece, options)
                    })
                    .flatten();
                let first_rows = first_rows
                    .as_ref()
                    .map(|f| move |raw: RawTable, bytes: u64| f.arrived(raw, bytes));
                let table = source::read_file(
                    p,
                    &read,
                    &source::Arrival {
                        read: &|bytes| report(before + bytes),
                        parsing: &|| {
                            options.progress.report(Stage::Parsing {
                                file: p.clone(),
                                index,
                                count,
                            })
                        },
                        check: &|| options.cancel.check(),
                        first_rows: first_rows
                            .as_ref()
                            .map(|f| f as &(dyn Fn(RawTable, u64) + Sync)),
                    },
                )?;
                done = before + std::fs::metadata(p).map_or(0, |m| m.len());
                table
            });
        } else if let Ok(m) = std::fs::metadata(p) {
            done += m.len();
            report(done);
        }
        keys.push(key);
        hits.push(hit);
    }
    let mut fresh = normalise_all(raws, options)?.into_iter();
    let mut pieces = Vec::with_capacity(count);
    let mut to_keep = Vec::new();
    for (key, hit) in keys.into_iter().zip(hits) {
        let piece = match hit {
            Some(piece) => piece,
            None => {
                let piece = fresh.next().expect("one fresh piece per file not cached");
                if let Some(key) = key {
                    to_keep.push((key, piece.clone()));
                }
                piece
            }
        };
        pieces.push(piece);
    }
    let dataset = assemble(pieces, options)?;
    // Kept in the cache in the background once the dataset is ready: the window draws its
    // dashboard meanwhile.
    if let Some(cache) = &options.cache {
        cache.put_in_background(
            to_keep
                .into_iter()
                .map(|(key, p)| (key, p.table, p.problems, p.report))
                .collect(),
        );
    }
    Ok(dataset)
}

/// Loads files given as bytes (the embedded sample, files dropped on the window).
pub fn load_sources(
    sources: Vec<(PathBuf, Vec<u8>)>,
    options: &LoadOptions,
) -> Result<Dataset, LoadError> {
    let read = read_options(options);
    let count = sources.len();
    let raws = sources
        .into_iter()
        .enumerate()
        .map(|(index, (p, b))| {
            options.cancel.check()?;
            options.progress.report(Stage::Reading {
                file: p.clone(),
                index,
                count,
                bytes: None,
            });
            source::read_bytes(&p, b, &read)
        })
        .collect::<Result<Vec<_>, _>>()?;
    load_raw(raws, options)
}

/// What the readers are told: the sheet, and the columns a question needs (the user's mapping
/// of particular sources comes from the window, which reads everything).
fn read_options(options: &LoadOptions) -> ReadOptions {
    ReadOptions {
        sheet: options.sheet.clone(),
        piece: options.piece_bytes,
        only: options
            .needed
            .clone()
            .filter(|_| options.source_mappings.is_empty())
            .map(|n| (n, options.overrides.clone())),
    }
}

fn headers_of(raw: &RawTable) -> Vec<String> {
    raw.frame
        .get_column_names()
        .into_iter()
        .filter(|n| n.as_str() != ROW)
        .map(|n| n.to_string())
        .collect()
}

/// Chooses the mapping of each source: automatic, then the user's overrides where the source has
/// that header. An override that names a header no source has is an error.
fn explain_all(
    raws: &[RawTable],
    overrides: &Mapping,
    per_source: &BTreeMap<String, Mapping>,
) -> Result<Vec<Explained>, LoadError> {
    let mut explained: Vec<Explained> = raws
        .iter()
        .map(|r| mapping::auto_map(&headers_of(r)))
        .collect();
    for (field, header) in &overrides.fields {
        if header.is_empty() {
            // "No column for this field", chosen by the user.
            for e in explained.iter_mut() {
                e.choices.retain(|c| c.field != *field);
                e.choices.push(mapping::Choice {
                    field: *field,
                    header: String::new(),
                    reason: Reason::User,
                });
                e.choices.sort_by_key(|c| c.field);
            }
            continue;
        }
        let mut found = false;
        for (raw, e) in raws.iter().zip(explained.iter_mut()) {
            let headers = headers_of(raw);
            let actual = headers
                .iter()
                .find(|h| *h == header)
                .or_else(|| headers.iter().find(|h| h.eq_ignore_ascii_case(header)));
            if let Some(actual) = actual {
                let mut one = Mapping::default();
                one.set(*field, actual.clone());
                // The column now feeds this field only.
                e.choices
                    .retain(|c| &c.header != actual || c.reason == Reason::User);
                e.apply_overrides(&one);
                found = true;
            }
        }
        if !found {
            let first = raws
                .first()
                .map(|r| r.origin.file.clone())
                .unwrap_or_default();
            return Err(LoadError::NoSuchColumn {
                file: first,
                field: field.to_string(),
                header: header.clone(),
                available: raws
                    .first()
                    .map(|r| headers_of(r).join(", "))
                    .unwrap_or_default(),
            });
        }
    }
    for (raw, e) in raws.iter().zip(explained.iter_mut()) {
        let Some(mapping) = per_source.get(&source_key(&raw.origin)) else {
            continue;
        };
        let headers = headers_of(raw);
        for (field, header) in &mapping.fields {
            // A column gone from the file since the choice was made: the automatic choice stays.
            if !header.is_empty() && !headers.contains(header) {
                continue;
            }
            e.choices
                .retain(|c| c.field != *field && (header.is_empty() || &c.header != header));
            e.choices.push(mapping::Choice {
                field: *field,
                header: header.clone(),
                reason: Reason::User,
            });
        }
        e.choices.sort_by_key(|c| c.field);
    }
    Ok(explained)
}

/// The first `n` filled values of each column, as text.
fn preview(raw: &RawTable, n: usize) -> BTreeMap<String, Vec<String>> {
    let head = raw.frame.head(Some(200));
    headers_of(raw)
        .into_iter()
        .filter_map(|h| {
            let column = head.column(&h).ok()?.cast(&DataType::String).ok()?;
            let values = column
                .str()
                .ok()?
                .iter()
                .flatten()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .take(n)
                .map(str::to_string)
                .collect();
            Some((h, values))
        })
        .collect()
}

/// One source interpreted: its canonical rows (named by its base label), its problems, its report.
#[derive(Clone)]
struct Piece {
    table: DataFrame,
    problems: DataFrame,
    report: SourceReport,
}

pub(super) fn load_raw(raws: Vec<RawTable>, options: &LoadOptions) -> Result<Dataset, LoadError> {
    let pieces = normalise_all(raws, options)?;
    assemble(pieces, options)
}

/// Maps and normalises each raw table.
fn normalise_all(raws: Vec<RawTable>, options: &LoadOptions) -> Result<Vec<Piece>, LoadError> {
    if raws.is_empty() {
        return Ok(Vec::new());
    }
    let explained = explain_all(&raws, &options.overrides, &options.source_mappings)?;
    let count = raws.len();
    let mut pieces = Vec::with_capacity(count);
    for (index, (raw, mapping)) in raws.iter().zip(explained).enumerate() {
        options.cancel.check()?;
        options.progress.report(Stage::Normalising {
            file: raw.origin.file.clone(),
            index,
            count,
            rows: raw.frame.height(),
        });
        let n = normalise(
            raw,
            &mapping,
            options.programme.as_deref(),
            options.date_window,
            options.needed.as_ref(),
        )?;
        let mut notes = raw.notes.clone();
        notes.extend(n.notes);
        // Names kept as categories (and cached so), then their variants folded: counted by
        // category, not by text.
        let table = super::categories::categorise(n.table)
            .and_then(fold_all)
            .map_err(|e| LoadError::unreadable(&raw.origin.file, e.to_string()))?;
        let report = SourceReport {
            origin: raw.origin.clone(),
            label: raw.origin.label(),
            sheets: raw.sheets.clone(),
            headers: headers_of(raw),
            mapping,
            rows: table.height(),
            problems: n.problems.height(),
            notes,
            preview: preview(raw, 3),
            cached: false,
        };
        pieces.push(Piece {
            table,
            problems: n.problems,
            report,
        });
    }
    Ok(pieces)
}

/// The pieces as one dataset: a source given twice refused, each named uniquely, then combined.
fn assemble(pieces: Vec<Piece>, options: &LoadOptions) -> Result<Dataset, LoadError> {
    refuse_duplicates(pieces.iter().map(|p| &p.report.origin))?;
    let labels = unique_labels(&pieces.iter().map(|p| &p.report.origin).collect::<Vec<_>>());
    let first_file = pieces
        .first()
        .map(|p| p.report.origin.file.clone())
        .unwrap_or_default();
    let fail = |e: PolarsError| {
        LoadError::unreadable(first_file.clone(), format!("cannot combine the files: {e}"))
    };
    let mut tables = Vec::with_capacity(pieces.len());
    let mut problems = vec![empty_problems()];
    let mut reports = Vec::with_capacity(pieces.len());
    for (piece, label) in pieces.into_iter().zip(labels) {
        let table = relabel(
            piece.table,
            std::slice::from_ref(&piece.report.label),
            std::slice::from_ref(&label),
        )
        .map_err(fail)?;
        tables.push(table);
        problems.push(piece.problems);
        reports.push(SourceReport {
            label,
            ..piece.report
        });
    }
    options.progress.report(Stage::Combining);
    // One source was folded when it was interpreted (and is cached so): nothing to fold again.
    let table = if tables.len() == 1 {
        concat(tables).map_err(fail)?
    } else {
        combine(tables).map_err(fail)?
    };
    let problems = polars::functions::concat_df_diagonal(&problems).map_err(fail)?;
    Ok(Dataset {
        table,
        problems,
        sources: reports,
    })
}

/// Diagonal concat of the sources, then case/space variants folded over the whole table.
fn combine(tables: Vec<DataFrame>) -> PolarsResult<DataFrame> {
    fold_all(concat(tables)?)
}

/// Diagonal concat after the empty canonical table (so every canonical column is there, typed),
/// names stored as categories ([`super::categories`]).
fn concat(tables: Vec<DataFrame>) -> PolarsResult<DataFrame> {
    let all = std::iter::once(empty_table())
        .chain(tables)
        .map(super::categories::categorise)
        .collect::<PolarsResult<Vec<_>>>()?;
    polars::functions::concat_df_diagonal(&all)
}

/// Case and space variants of every category and list column folded.
fn fold_all(mut table: DataFrame) -> PolarsResult<DataFrame> {
    for f in Field::columns() {
        if matches!(f.kind(), Kind::Category | Kind::List) {
            table = fold_variants(table, f.name())?;
        }
    }
    Ok(table)
}

/// Loads one file with default options (convenience for tests and tools).
pub fn load_file(path: &Path) -> Result<Dataset, LoadError> {
    load_paths(&[path.to_path_buf()], &LoadOptions::default())
}

#[cfg(test)]
mod progress_tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    #[test]
    fn every_step_is_reported_in_order() {
        let seen: Arc<Mutex<Vec<Stage>>> = Arc::default();
        let sink = {
            let seen = seen.clone();
            ProgressSink::new(move |stage| seen.lock().unwrap().push(stage))
        };
        let options = LoadOptions {
            progress: sink,
            ..LoadOptions::default()
        };
        let dataset = crate::data::sample::load_with(&options).unwrap();
        assert_eq!(dataset.sources.len(), 2);
        let file = |i: usize| PathBuf::from(crate::data::sample::FILES[i].0);
        let reading = |i: usize| Stage::Reading {
            file: file(i),
            index: i,
            count: 2,
            bytes: None,
        };
        let seen = seen.lock().unwrap().clone();
        // Interpreting says how many rows: the sample's two files have 22 and 12+ rows.
        let rows: Vec<usize> = seen
            .iter()
            .filter_map(|s| match s {
                Stage::Normalising { rows, .. } => Some(*rows),
                _ => None,
            })
            .collect();
        assert_eq!(rows.len(), 2);
        assert!(rows[0] >= 22 && rows[1] >= 12, "{rows:?}");
        let normalising = |i: usize| Stage::Normalising {
            file: file(i),
            index: i,
            count: 2,
            rows: rows[i],
        };
        let expected = vec![
            reading(0),
            reading(1),
            normalising(0),
            normalising(1),
            Stage::Combining,
        ];
        assert_eq!(seen, expected);
    }
}
