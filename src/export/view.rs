//! Saved views: a versioned JSON file (`"version": 1`) with the sources (paths relative to the
//! view file where possible, sheet, the user's mapping choices), the filters, the open tab, the
//! Esplora specification, the map level and the target dimension — enough to see the same
//! numbers again, or the same view of next month's file.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{ExportError, write_atomic};
use crate::app::settings::{ProjectColumn, Settings, Tab};
use crate::data::mapping::Reason;
use crate::data::{Dataset, Field, LoadError, LoadOptions, Mapping, ProgressSink, sample};
use crate::query::chart::ChartSpec;
use crate::query::compare::CompareSettings;
use crate::query::filters::Filters;
use crate::query::territory::Level;

/// The version this program writes and reads.
pub const VERSION: u32 = 1;

/// One source of a view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ViewSource {
    /// The file, relative to the view file when it can be.
    pub path: PathBuf,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    /// The user's column choices (field → header).
    #[serde(default, skip_serializing_if = "Mapping::is_empty")]
    pub mapping: Mapping,
    /// One of the sample files embedded in the program.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub embedded: bool,
}

/// A saved view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedView {
    pub version: u32,
    pub sources: Vec<ViewSource>,
    pub filters: Filters,
    pub tab: Tab,
    pub explore: ChartSpec,
    pub map_level: Level,
    pub target_dimension: Field,
    #[serde(default = "ProjectColumn::defaults")]
    pub project_columns: Vec<ProjectColumn>,
    /// What the Confronta tab compares.
    #[serde(default)]
    pub compare: CompareSettings,
}

/// Why a view cannot be opened.
#[derive(Debug, thiserror::Error)]
pub enum ViewError {
    #[error("{file}: cannot read the view: {reason}")]
    Unreadable { file: String, reason: String },
    #[error("{file}: not a Cruscotto view: {reason}")]
    Invalid { file: String, reason: String },
    #[error(
        "{file}: the view was saved by a newer Cruscotto (version {version}; this one reads {VERSION})"
    )]
    Newer { file: String, version: u32 },
    #[error("the view names files that do not exist: {0}")]
    MissingFiles(String),
    #[error(transparent)]
    Load(#[from] LoadError),
}

/// `path` relative to `base` when it can be written so, otherwise as it is.
fn relative(path: &Path, base: &Path) -> PathBuf {
    match (std::path::absolute(path), std::path::absolute(base)) {
        (Ok(p), Ok(b)) => pathdiff::diff_paths(&p, &b).unwrap_or(p),
        _ => path.to_path_buf(),
    }
}

/// Whether a source is one of the embedded sample files (loaded by name, not from disk).
fn is_embedded(file: &Path) -> bool {
    file.is_relative() && !file.exists() && sample::bytes_of(file).is_some()
}

impl SavedView {
    /// The view of what the window shows, to be written to `view_file`.
    pub fn of(dataset: &Dataset, settings: &Settings, view_file: &Path) -> SavedView {
        let base = view_file.parent().unwrap_or(Path::new("."));
        let sources = dataset
            .sources
            .iter()
            .map(|s| {
                let embedded = is_embedded(&s.origin.file);
                let mut mapping = Mapping::default();
                for c in s
                    .mapping
                    .choices
                    .iter()
                    .filter(|c| c.reason == Reason::User)
                {
                    mapping.set(c.field, c.header.clone());
                }
                ViewSource {
                    path: if embedded {
                        s.origin.file.clone()
                    } else {
                        relative(&s.origin.file, base)
                    },
                    sheet: s.origin.sheet.clone(),
                    mapping,
                    embedded,
                }
            })
            .collect();
        SavedView {
            version: VERSION,
            sources,
            filters: settings.filters.clone(),
            tab: settings.tab,
            explore: settings.explore.clone(),
            map_level: if settings.map_municipalities {
                Level::Municipalities
            } else {
                Level::Provinces
            },
            target_dimension: settings.target_dimension,
            project_columns: settings.project_columns.clone(),
            compare: settings.compare.clone(),
        }
    }

    /// Pretty JSON.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_else(|_| "{}".into());
        text.push('\n');
        text
    }

    /// Writes the view atomically.
    pub fn save(&self, path: &Path) -> Result<(), ExportError> {
        write_atomic(path, self.to_json().as_bytes())
    }

    /// Reads a view file, checking its version.
    pub fn read(path: &Path) -> Result<SavedView, ViewError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| ViewError::Unreadable {
            file: file.clone(),
            reason: e.to_string(),
        })?;
        let value: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| ViewError::Invalid {
                file: file.clone(),
                reason: e.to_string(),
            })?;
        let version = value.get("version").and_then(|v| v.as_u64()).unwrap_or(0) as u32;
        if version > VERSION {
            return Err(ViewError::Newer { file, version });
        }
        serde_json::from_value(value).map_err(|e| ViewError::Invalid {
            file,
            reason: e.to_string(),
        })
    }

    /// The sources as files to load: paths resolved against the view file's folder. Files that
    /// do not exist are an error naming them all.
    pub fn resolve(&self, view_file: &Path) -> Result<Vec<ViewSource>, ViewError> {
        let base = view_file.parent().unwrap_or(Path::new("."));
        let resolved: Vec<ViewSource> = self
            .sources
            .iter()
            .map(|s| ViewSource {
                path: if s.embedded || s.path.is_absolute() {
                    s.path.clone()
                } else {
                    base.join(&s.path)
                },
                ..s.clone()
            })
            .collect();
        let missing: Vec<String> = resolved
            .iter()
            .filter(|s| !s.embedded && !s.path.exists())
            .map(|s| s.path.display().to_string())
            .collect();
        if !missing.is_empty() {
            return Err(ViewError::MissingFiles(missing.join(", ")));
        }
        Ok(resolved)
    }

    /// The settings the view asks for, on top of `settings` (language, theme, recent files
    /// stay).
    pub fn apply(&self, settings: &mut Settings) {
        settings.filters = self.filters.clone();
        settings.tab = self.tab;
        settings.explore = self.explore.clone();
        settings.map_municipalities = self.map_level == Level::Municipalities;
        settings.target_dimension = self.target_dimension;
        settings.project_columns = self.project_columns.clone();
        settings.compare = self.compare.clone();
    }
}

/// Loads resolved view sources, each with its sheet and mapping choices.
pub fn load_sources(sources: &[ViewSource], progress: &ProgressSink) -> Result<Dataset, ViewError> {
    let mut dataset: Option<Dataset> = None;
    for s in sources {
        let options = LoadOptions {
            sheet: s.sheet.clone(),
            overrides: s.mapping.clone(),
            progress: progress.clone(),
            ..LoadOptions::default()
        };
        let loaded = if s.embedded {
            let bytes = sample::bytes_of(&s.path).ok_or_else(|| {
                ViewError::MissingFiles(format!("{} (embedded sample)", s.path.display()))
            })?;
            crate::data::load_sources(vec![(s.path.clone(), bytes)], &options)?
        } else {
            crate::data::load_paths(std::slice::from_ref(&s.path), &options)?
        };
        dataset = Some(match dataset {
            None => loaded,
            Some(d) => d
                .append(loaded)
                .map_err(|e| LoadError::unreadable(&s.path, e.to_string()))?,
        });
    }
    Ok(dataset.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::Key;

    #[test]
    fn a_view_round_trips_and_keeps_paths_relative() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("dati");
        std::fs::create_dir(&data).unwrap();
        let file = data.join("progetti.xlsx");
        std::fs::copy(
            concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/sample_data/wecare_misura1.xlsx"
            ),
            &file,
        )
        .unwrap();
        let dataset =
            crate::data::load_paths(std::slice::from_ref(&file), &LoadOptions::default()).unwrap();
        let mut settings = Settings::default();
        settings.filters.toggle("province", Key::value("Cuneo"));
        let view_file = dir.path().join("viste").join("mensile.json");
        std::fs::create_dir(dir.path().join("viste")).unwrap();
        let view = SavedView::of(&dataset, &settings, &view_file);
        assert_eq!(view.sources[0].path, PathBuf::from("../dati/progetti.xlsx"));
        view.save(&view_file).unwrap();
        let text = std::fs::read_to_string(&view_file).unwrap();
        assert!(text.contains("\"version\": 1"), "{text}");
        let back = SavedView::read(&view_file).unwrap();
        assert_eq!(back, view);
        let resolved = back.resolve(&view_file).unwrap();
        assert!(resolved[0].path.exists());
        let reloaded = load_sources(&resolved, &ProgressSink::default()).unwrap();
        assert_eq!(reloaded.table.height(), 22);
    }

    #[test]
    fn missing_files_and_newer_versions_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let view_file = dir.path().join("v.json");
        let mut view = SavedView::of(&Dataset::default(), &Settings::default(), &view_file);
        view.sources.push(ViewSource {
            path: "assente.xlsx".into(),
            sheet: None,
            mapping: Mapping::default(),
            embedded: false,
        });
        let err = view.resolve(&view_file).unwrap_err().to_string();
        assert!(err.contains("assente.xlsx"), "{err}");
        std::fs::write(&view_file, r#"{"version": 7}"#).unwrap();
        let err = SavedView::read(&view_file).unwrap_err().to_string();
        assert!(err.contains("newer Cruscotto (version 7"), "{err}");
        std::fs::write(&view_file, "non è json").unwrap();
        assert!(matches!(
            SavedView::read(&view_file),
            Err(ViewError::Invalid { .. })
        ));
    }
}
