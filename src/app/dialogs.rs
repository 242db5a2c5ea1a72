//! File dialogs, behind a trait so that tests (and machines without a desktop portal) can
//! answer them without a native window. Called from background threads only.

use std::path::PathBuf;

/// A group of file extensions offered in a dialog ("Immagine PNG", ["png"]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileKind {
    pub name: String,
    pub extensions: Vec<&'static str>,
}

impl FileKind {
    pub fn new(name: impl Into<String>, extensions: &[&'static str]) -> Self {
        FileKind {
            name: name.into(),
            extensions: extensions.to_vec(),
        }
    }
}

/// Asks the user for files.
pub trait FileDialogs: Send + Sync {
    /// Files to open; empty when cancelled.
    fn pick_files(&self, kinds: &[FileKind]) -> Vec<PathBuf>;
    /// Where to save, suggesting `name`; `None` when cancelled.
    fn save_file(&self, name: &str, kinds: &[FileKind]) -> Option<PathBuf>;
}

/// The desktop's own dialogs (portal or zenity on Linux), through rfd.
pub struct NativeDialogs;

impl FileDialogs for NativeDialogs {
    fn pick_files(&self, kinds: &[FileKind]) -> Vec<PathBuf> {
        let mut dialog = rfd::FileDialog::new();
        for k in kinds {
            dialog = dialog.add_filter(&k.name, &k.extensions);
        }
        dialog.pick_files().unwrap_or_default()
    }

    fn save_file(&self, name: &str, kinds: &[FileKind]) -> Option<PathBuf> {
        let mut dialog = rfd::FileDialog::new().set_file_name(name);
        for k in kinds {
            dialog = dialog.add_filter(&k.name, &k.extensions);
        }
        dialog.save_file()
    }
}

/// Dialogs answered without asking: every save goes to `dir` under the suggested name (tests,
/// scripted runs).
pub struct FixedDialogs {
    pub dir: PathBuf,
    pub open: Vec<PathBuf>,
}

impl FileDialogs for FixedDialogs {
    fn pick_files(&self, _kinds: &[FileKind]) -> Vec<PathBuf> {
        self.open.clone()
    }

    fn save_file(&self, name: &str, _kinds: &[FileKind]) -> Option<PathBuf> {
        Some(self.dir.join(name))
    }
}

/// `path` with the first extension of `kinds` added when it has none of them (desktop dialogs
/// do not add it themselves).
pub fn with_extension(path: PathBuf, kinds: &[FileKind]) -> PathBuf {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let known = kinds
        .iter()
        .flat_map(|k| k.extensions.iter())
        .any(|e| Some(*e) == ext.as_deref());
    match kinds.first().and_then(|k| k.extensions.first()) {
        Some(first) if !known => {
            let mut name = path.into_os_string();
            name.push(".");
            name.push(first);
            PathBuf::from(name)
        }
        _ => path,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_extension_is_added() {
        let png = [FileKind::new("PNG", &["png"])];
        assert_eq!(
            with_extension("/tmp/grafico".into(), &png),
            PathBuf::from("/tmp/grafico.png")
        );
        assert_eq!(
            with_extension("/tmp/grafico.PNG".into(), &png),
            PathBuf::from("/tmp/grafico.PNG")
        );
        assert_eq!(
            with_extension("/tmp/v1.2".into(), &png),
            PathBuf::from("/tmp/v1.2.png")
        );
    }
}
