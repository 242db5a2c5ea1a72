//! Which source is which: a source's identity (resolved path + sheet), the refusal of a source
//! given twice, and the names shown for sources — unique in a dataset, with as many parent
//! folders as it takes ("progetti.xlsx (2024/)") — written into the `source` column.

use std::path::PathBuf;

use polars::prelude::*;

use super::error::LoadError;
use super::schema::SOURCE;
use super::source::Origin;

/// The key of a source in [`super::LoadOptions::source_mappings`] and in the settings: its resolved
/// path and its sheet.
pub fn source_key(origin: &Origin) -> String {
    let (file, sheet) = identity(origin);
    format!("{}\u{1f}{}", file.display(), sheet.unwrap_or_default())
}

/// The identity of a source: its file (resolved, so two spellings of one path are one file) and
/// its sheet.
pub fn identity(origin: &Origin) -> (PathBuf, Option<String>) {
    let file = std::fs::canonicalize(&origin.file).unwrap_or_else(|_| origin.file.clone());
    (file, origin.sheet.clone())
}

/// Refuses a source given twice (same file, same sheet).
pub fn refuse_duplicates<'a>(origins: impl Iterator<Item = &'a Origin>) -> Result<(), LoadError> {
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
pub fn relabel(table: DataFrame, old: &[String], new: &[String]) -> PolarsResult<DataFrame> {
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
