//! One or many files → one [`Dataset`]: the canonical table (diagonal concat of every source),
//! all row-level problems, and a report per source (mapping with reasons, notes, counts).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use polars::prelude::*;

use super::error::LoadError;
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

/// The key of a source in [`LoadOptions::source_mappings`] and in the settings: its resolved
/// path and its sheet.
pub fn source_key(origin: &Origin) -> String {
    let (file, sheet) = identity(origin);
    format!("{}\u{1f}{}", file.display(), sheet.unwrap_or_default())
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

fn load_files(paths: &[PathBuf], options: &LoadOptions) -> Result<Dataset, LoadError> {
    let read = ReadOptions {
        sheet: options.sheet.clone(),
    };
    let count = paths.len();
    let raws = paths
        .iter()
        .enumerate()
        .map(|(index, p)| {
            options.cancel.check()?;
            options.progress.report(Stage::Reading {
                file: p.clone(),
                index,
                count,
            });
            source::read_path(p, &read)
        })
        .collect::<Result<Vec<_>, _>>()?;
    load_raw(raws, options)
}

/// Loads files given as bytes (the embedded sample, files dropped on the window).
pub fn load_sources(
    sources: Vec<(PathBuf, Vec<u8>)>,
    options: &LoadOptions,
) -> Result<Dataset, LoadError> {
    let read = ReadOptions {
        sheet: options.sheet.clone(),
    };
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
            });
            source::read_bytes(&p, b, &read)
        })
        .collect::<Result<Vec<_>, _>>()?;
    load_raw(raws, options)
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

/// The identity of a source: its file (resolved, so two spellings of one path are one file) and
/// its sheet.
pub fn identity(origin: &Origin) -> (PathBuf, Option<String>) {
    let file = std::fs::canonicalize(&origin.file).unwrap_or_else(|_| origin.file.clone());
    (file, origin.sheet.clone())
}

/// Refuses a source given twice (same file, same sheet).
fn refuse_duplicates<'a>(origins: impl Iterator<Item = &'a Origin>) -> Result<(), LoadError> {
    let mut seen = std::collections::HashSet::new();
    for origin in origins {
        if !seen.insert(identity(origin)) {
            return Err(LoadError::AlreadyOpen {
                file: origin.file.clone(),
                sheet: origin.sheet.clone(),
            });
        }
    }
    Ok(())
}

/// A name for each source, unique among them: the file name (and sheet), followed by as many
/// parent folders as it takes to tell apart files of the same name ("progetti.xlsx (2024/)").
pub fn unique_labels(origins: &[&Origin]) -> Vec<String> {
    let base: Vec<String> = origins.iter().map(|o| o.label()).collect();
    let folders = |o: &Origin, depth: usize| -> String {
        let parents: Vec<String> = o
            .file
            .parent()
            .map(|p| {
                p.components()
                    .filter_map(|c| match c {
                        std::path::Component::Normal(n) => Some(n.to_string_lossy().into_owned()),
                        _ => None,
                    })
                    .collect()
            })
            .unwrap_or_default();
        let from = parents.len().saturating_sub(depth);
        parents[from..]
            .iter()
            .map(|p| format!("{p}/"))
            .collect::<String>()
    };
    let with_folders = |o: &Origin, depth: usize| -> String {
        let name = o
            .file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let dir = folders(o, depth);
        let dir = if dir.is_empty() {
            "./".to_string()
        } else {
            dir
        };
        match &o.sheet {
            Some(sheet) => format!("{name} ({dir}) › {sheet}"),
            None => format!("{name} ({dir})"),
        }
    };
    let mut labels = base.clone();
    for (i, origin) in origins.iter().enumerate() {
        let clashing: Vec<usize> = (0..origins.len()).filter(|&j| base[j] == base[i]).collect();
        if clashing.len() < 2 {
            continue;
        }
        let deepest = clashing
            .iter()
            .map(|&j| origins[j].file.components().count())
            .max()
            .unwrap_or(1);
        let depth = (1..=deepest)
            .find(|&depth| {
                let mine = with_folders(origin, depth);
                clashing
                    .iter()
                    .filter(|&&j| j != i)
                    .all(|&j| with_folders(origins[j], depth) != mine)
            })
            .unwrap_or(deepest);
        labels[i] = with_folders(origin, depth);
    }
    labels
}

/// The table with its `source` values renamed from `old` to `new` labels.
fn relabel(table: DataFrame, old: &[String], new: &[String]) -> PolarsResult<DataFrame> {
    let changed: Vec<(&String, &String)> = old.iter().zip(new).filter(|(o, n)| o != n).collect();
    if changed.is_empty() {
        return Ok(table);
    }
    let from = Series::new(
        "".into(),
        changed.iter().map(|(o, _)| o.as_str()).collect::<Vec<_>>(),
    );
    let to = Series::new(
        "".into(),
        changed.iter().map(|(_, n)| n.as_str()).collect::<Vec<_>>(),
    );
    table
        .lazy()
        .with_column(col(SOURCE).replace(lit(from), lit(to)))
        .collect()
}

fn load_raw(raws: Vec<RawTable>, options: &LoadOptions) -> Result<Dataset, LoadError> {
    refuse_duplicates(raws.iter().map(|r| &r.origin))?;
    let labels = unique_labels(&raws.iter().map(|r| &r.origin).collect::<Vec<_>>());
    let explained = explain_all(&raws, &options.overrides, &options.source_mappings)?;
    let mut tables = Vec::with_capacity(raws.len());
    let mut problems = vec![empty_problems()];
    let mut reports = Vec::with_capacity(raws.len());
    let count = raws.len();
    for (index, (raw, mapping)) in raws.iter().zip(explained).enumerate() {
        options.cancel.check()?;
        options.progress.report(Stage::Normalising {
            file: raw.origin.file.clone(),
            index,
            count,
        });
        let n = normalise(
            raw,
            &mapping,
            options.programme.as_deref(),
            options.date_window,
        )?;
        let mut notes = raw.notes.clone();
        notes.extend(n.notes);
        let label = labels[index].clone();
        let table = relabel(n.table, &[raw.origin.label()], std::slice::from_ref(&label))
            .map_err(|e| LoadError::unreadable(&raw.origin.file, e.to_string()))?;
        reports.push(SourceReport {
            origin: raw.origin.clone(),
            label,
            sheets: raw.sheets.clone(),
            headers: headers_of(raw),
            mapping,
            rows: table.height(),
            problems: n.problems.height(),
            notes,
            preview: preview(raw, 3),
        });
        tables.push(table);
        problems.push(n.problems);
    }
    let fail = |e: PolarsError| {
        let file = raws
            .first()
            .map(|r| r.origin.file.clone())
            .unwrap_or_default();
        LoadError::unreadable(file, format!("cannot combine the files: {e}"))
    };
    options.progress.report(Stage::Combining);
    let table = combine(tables).map_err(fail)?;
    let problems = polars::functions::concat_df_diagonal(&problems).map_err(fail)?;
    Ok(Dataset {
        table,
        problems,
        sources: reports,
    })
}

/// Diagonal concat of the sources, then case/space variants folded over the whole table.
fn combine(tables: Vec<DataFrame>) -> PolarsResult<DataFrame> {
    let mut all = vec![empty_table()];
    all.extend(tables);
    let mut table = polars::functions::concat_df_diagonal(&all)?;
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
        let expected = vec![
            Stage::Reading {
                file: file(0),
                index: 0,
                count: 2,
            },
            Stage::Reading {
                file: file(1),
                index: 1,
                count: 2,
            },
            Stage::Normalising {
                file: file(0),
                index: 0,
                count: 2,
            },
            Stage::Normalising {
                file: file(1),
                index: 1,
                count: 2,
            },
            Stage::Combining,
        ];
        assert_eq!(*seen.lock().unwrap(), expected);
    }
}
