//! Everything Cruscotto writes for people: tables ([`table`]: CSV, XLSX, ODS, Parquet) and
//! pictures ([`picture`]: SVG, PNG, PDF) and saved views ([`view`]). Every file is written atomically — to a temporary file
//! next to the target, then renamed — so a failed export never leaves a half-written file, and
//! a file loaded as a source is never overwritten.

pub mod content;
pub mod picture;
pub mod table;
pub mod view;

use std::io::Write;
use std::path::{Path, PathBuf};

pub use table::{CsvEncoding, CsvStyle, parquet_bytes, write_table};

/// Why an export failed; names the file.
#[derive(Debug, thiserror::Error)]
#[error("{file}: {reason}")]
pub struct ExportError {
    pub file: String,
    pub reason: String,
}

impl ExportError {
    pub fn new(path: &Path, reason: impl ToString) -> Self {
        ExportError {
            file: path.display().to_string(),
            reason: reason.to_string(),
        }
    }
}

/// Refuses to write over a file that is loaded as a source (compared as canonical paths, so
/// `./a.xlsx` and `/data/a.xlsx` are the same file).
pub fn refuse_sources(path: &Path, sources: &[PathBuf]) -> Result<(), ExportError> {
    let target = std::fs::canonicalize(path).ok();
    let same = |s: &PathBuf| match (&target, std::fs::canonicalize(s).ok()) {
        (Some(t), Some(s)) => *t == s,
        _ => s == path,
    };
    if sources.iter().any(same) {
        return Err(ExportError::new(
            path,
            "this file is loaded as a source: choose another name, the original is never overwritten",
        ));
    }
    Ok(())
}

/// Writes `bytes` to `path` atomically.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), ExportError> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| ExportError::new(path, e))?;
    tmp.write_all(bytes)
        .map_err(|e| ExportError::new(path, e))?;
    tmp.as_file()
        .sync_all()
        .map_err(|e| ExportError::new(path, e))?;
    // A temporary file is private (0600); the export gets the permissions of the file it
    // replaces, or ordinary ones (0644).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let permissions = std::fs::metadata(path)
            .map(|m| m.permissions())
            .unwrap_or_else(|_| std::fs::Permissions::from_mode(0o644));
        tmp.as_file()
            .set_permissions(permissions)
            .map_err(|e| ExportError::new(path, e))?;
    }
    tmp.persist(path)
        .map_err(|e| ExportError::new(path, e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_the_file_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        write_atomic(&path, b"primo").unwrap();
        write_atomic(&path, b"secondo").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"secondo");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(
                mode, 0o644,
                "ordinary permissions, not the temporary file's 0600"
            );
        }
    }

    #[test]
    fn a_loaded_source_is_never_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let source = dir.path().join("progetti.xlsx");
        std::fs::write(&source, b"originale").unwrap();
        let again = dir.path().join(".").join("progetti.xlsx");
        let err = refuse_sources(&again, std::slice::from_ref(&source))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("progetti.xlsx") && err.contains("loaded as a source"),
            "{err}"
        );
        assert!(refuse_sources(&dir.path().join("altro.xlsx"), &[source]).is_ok());
    }
}
