//! Folders given as inputs. A folder of Parquet files (one file, or a hive-partitioned tree such
//! as `anno=2020/part-0.parquet` written by Spark, DuckDB or polars) is one dataset, read through
//! polars' Parquet scan with its partition columns; any other folder stands for the spreadsheets,
//! CSV and Parquet files directly inside it. A folder with none of them is skipped and said, and
//! so is a file whose name says it is something else (`README.md`, `spec.json`) unless its content
//! is a workbook or Parquet — as a shell's `sample_data/*` hands them over.

use std::path::{Path, PathBuf};

use super::Format;
use crate::data::error::LoadError;

/// The inputs a list of paths stands for, and what was skipped: folders holding nothing readable,
/// files whose name and content are not a table format.
#[derive(Debug, Default, PartialEq)]
pub struct Inputs {
    pub paths: Vec<PathBuf>,
    pub skipped: Vec<PathBuf>,
}

/// Expands folders; files are kept as given. An empty result is an error.
pub fn expand(paths: &[PathBuf]) -> Result<Inputs, LoadError> {
    let mut inputs = Inputs::default();
    for path in paths {
        if !path.is_dir() {
            if is_other_document(path) {
                inputs.skipped.push(path.clone());
            } else {
                inputs.paths.push(path.clone());
            }
            continue;
        }
        if is_parquet_dataset(path)? {
            inputs.paths.push(path.clone());
            continue;
        }
        let files = readable_files(path)?;
        if files.is_empty() {
            inputs.skipped.push(path.clone());
        }
        inputs.paths.extend(files);
    }
    if inputs.paths.is_empty()
        && let Some(first) = inputs.skipped.first()
    {
        let file = first.clone();
        return Err(if file.is_dir() {
            LoadError::EmptyFolder { file }
        } else {
            LoadError::NotATable { file }
        });
    }
    Ok(inputs)
}

/// A file named as something else than a table (`.md`, `.json`, `.pdf`) whose content is not a
/// workbook or Parquet either. Files without an extension are read as text tables.
fn is_other_document(path: &Path) -> bool {
    if path.extension().is_none() || Format::from_extension(path).is_some() {
        return false;
    }
    let mut head = [0u8; 4096];
    let n = std::fs::File::open(path)
        .and_then(|mut f| std::io::Read::read(&mut f, &mut head))
        .unwrap_or(0);
    // Unreadable files are kept: reading them gives the precise error.
    n > 0 && super::sniff_format(&head[..n]).is_none()
}

fn entries(dir: &Path) -> Result<Vec<PathBuf>, LoadError> {
    let read = std::fs::read_dir(dir).map_err(|source| LoadError::Io {
        file: dir.to_path_buf(),
        source,
    })?;
    let mut all: Vec<PathBuf> = read.filter_map(|e| e.ok().map(|e| e.path())).collect();
    all.sort();
    Ok(all)
}

/// The files of a known format directly in `dir`, by name (hidden files left out).
fn readable_files(dir: &Path) -> Result<Vec<PathBuf>, LoadError> {
    Ok(entries(dir)?
        .into_iter()
        .filter(|p| p.is_file())
        .filter(|p| {
            !p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .filter(|p| Format::from_extension(p).is_some())
        .collect())
}

/// Whether `dir` holds Parquet files only (at any depth), and at least one: a partitioned dataset.
pub fn is_parquet_dataset(dir: &Path) -> Result<bool, LoadError> {
    let mut found = false;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for p in entries(&d)? {
            let name = p.file_name().map(|n| n.to_string_lossy().into_owned());
            if name
                .as_deref()
                .is_some_and(|n| n.starts_with('.') || n.starts_with('_'))
            {
                // `_SUCCESS`, `.crc` files and the like, written beside the data.
                continue;
            }
            if p.is_dir() {
                stack.push(p);
            } else if Format::from_extension(&p) == Some(Format::Parquet) {
                found = true;
            } else {
                return Ok(false);
            }
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_expand_to_their_readable_files_or_one_parquet_dataset() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let mixed = root.join("misti");
        let parts = root.join("partizioni");
        let nothing = root.join("schemi");
        for d in [
            &mixed,
            &parts.join("anno=2020"),
            &parts.join("anno=2021"),
            &nothing,
        ] {
            std::fs::create_dir_all(d).unwrap();
        }
        for f in [
            "b.xlsx",
            "a.csv",
            "note.txt.bak",
            ".nascosto.csv",
            "LEGGIMI.md",
        ] {
            std::fs::write(mixed.join(f), b"x").unwrap();
        }
        std::fs::write(parts.join("anno=2020/p.parquet"), b"x").unwrap();
        std::fs::write(parts.join("anno=2021/p.parquet"), b"x").unwrap();
        std::fs::write(parts.join("_SUCCESS"), b"").unwrap();
        std::fs::write(nothing.join("spec.json"), b"{}").unwrap();
        let readme = mixed.join("LEGGIMI.md");
        let inputs = expand(&[
            mixed.clone(),
            parts.clone(),
            nothing.clone(),
            readme.clone(),
        ])
        .unwrap();
        assert_eq!(
            inputs.paths,
            vec![mixed.join("a.csv"), mixed.join("b.xlsx"), parts]
        );
        assert_eq!(inputs.skipped, vec![nothing.clone(), readme]);
        assert!(matches!(
            expand(&[nothing]),
            Err(LoadError::EmptyFolder { .. })
        ));
    }
}
