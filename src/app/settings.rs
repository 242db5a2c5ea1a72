//! What survives a restart (eframe storage, never next to the user's data): language, theme,
//! recent files, the last filters and chart choices, the open tab.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::data::schema::Field;
use crate::i18n::Lang;
use crate::query::chart::{ChartSpec, Dimension, Measure};
use crate::query::filters::Filters;

/// The tabs of the central area.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Tab {
    #[default]
    Overview,
    Explore,
    Territory,
    Projects,
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
        }
    }
}

/// How many recent files are remembered.
pub const MAX_RECENT: usize = 8;

impl Settings {
    /// Puts `paths` first in the recent list.
    pub fn remember(&mut self, paths: &[PathBuf]) {
        for p in paths.iter().rev() {
            self.recent.retain(|r| r != p);
            self.recent.insert(0, p.clone());
        }
        self.recent.truncate(MAX_RECENT);
    }
}
