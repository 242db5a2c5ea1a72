//! What survives a restart (eframe storage, never next to the user's data): language, theme,
//! recent files, the last filters and chart choices, the open tab.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::data::schema::Field;
use crate::i18n::Lang;
use crate::query::chart::{ChartSpec, Dimension, Measure};
use crate::query::compare::CompareSettings;
use crate::query::filters::Filters;

/// The tabs of the central area.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Tab {
    #[default]
    Overview,
    Explore,
    Territory,
    Compare,
    Projects,
    Quality,
}

/// A column of the projects table: a column of the data, or the period (start – end).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProjectColumn {
    Period,
    Column(String),
}

impl ProjectColumn {
    /// What an officer needs first: code, title, how much, who, where, when (the amounts early,
    /// so they stay in sight beside an open card).
    pub fn defaults() -> Vec<ProjectColumn> {
        let col = |f: Field| ProjectColumn::Column(f.name().to_string());
        vec![
            col(Field::Id),
            col(Field::Title),
            col(Field::AmountGranted),
            col(Field::AmountSpent),
            col(Field::LeadBody),
            col(Field::Province),
            ProjectColumn::Period,
            col(Field::Programme),
            col(Field::Municipality),
        ]
    }

    /// The table columns it shows (the period is two dates).
    pub fn columns(&self) -> Vec<String> {
        match self {
            ProjectColumn::Period => vec![
                Field::StartDate.name().to_string(),
                Field::EndDate.name().to_string(),
            ],
            ProjectColumn::Column(c) => vec![c.clone()],
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    pub lang: Lang,
    pub dark: bool,
    pub recent: Vec<PathBuf>,
    pub filters: Filters,
    pub explore: ChartSpec,
    pub target_dimension: Field,
    pub tab: Tab,
    /// The territory map shows municipalities instead of provinces.
    pub map_municipalities: bool,
    /// The columns of the projects table, in order.
    pub project_columns: Vec<ProjectColumn>,
    /// What the Confronta tab compares.
    pub compare: CompareSettings,
    /// The user's mapping of each source they edited ([`crate::data::load::source_key`]).
    pub source_mappings: std::collections::BTreeMap<String, crate::data::Mapping>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            lang: Lang::It,
            dark: false,
            recent: Vec::new(),
            filters: Filters::default(),
            explore: ChartSpec::new(Dimension::Field(Field::LeadBody), Measure::Amount),
            target_dimension: Field::VulnerableGroups,
            tab: Tab::Overview,
            map_municipalities: false,
            project_columns: ProjectColumn::defaults(),
            compare: CompareSettings::default(),
            source_mappings: Default::default(),
        }
    }
}

/// How many recent files are remembered.
pub const MAX_RECENT: usize = 8;

impl Settings {
    /// Puts `paths` first in the recent list.
    /// The folder of the file opened last (where a file browser starts).
    pub fn last_folder(&self) -> Option<&std::path::Path> {
        self.recent.first().and_then(|p| p.parent())
    }

    pub fn remember(&mut self, paths: &[PathBuf]) {
        for p in paths.iter().rev() {
            self.recent.retain(|r| r != p);
            self.recent.insert(0, p.clone());
        }
        self.recent.truncate(MAX_RECENT);
    }
}
