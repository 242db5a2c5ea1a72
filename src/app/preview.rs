//! A preview on screen: the first rows of a large file, shown while the rest is read (see
//! [`crate::data::preview`]), and what it replaced — shown again if the load fails or is
//! cancelled, so that a part of a file never stays as if it were whole.

use std::sync::Arc;
use std::time::Duration;

use polars::prelude::DataFrame;

use super::CruscottoApp;
use super::worker::Loaded;
use crate::data::Dataset;
use crate::query::dashboard::{Dashboard, Request};
use crate::render::palette::ColorMap;

/// No load's quality report is wanted (generations start at 1).
const NO_QUALITY_REPORT: u64 = 0;

/// A preview on screen: the first rows of the file being read.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PreviewShown {
    pub rows: usize,
    /// The share of the file they come from, between 0 and 1.
    pub share: f64,
    /// The whole file is in, and its dashboard is being computed: the preview's stays on
    /// screen, marked, until it comes.
    pub whole_read: bool,
}

/// What the window showed before a preview took its place: shown again when the load that
/// gave the preview fails or is cancelled, so that a part of a file never stays as if whole.
pub(super) struct Shown {
    pub(super) dataset: Option<Arc<Dataset>>,
    pub(super) dashboard: Option<Arc<Dashboard>>,
    pub(super) table: Option<Arc<DataFrame>>,
    pub(super) unreadable_amounts: Arc<std::collections::BTreeSet<(String, u32)>>,
    pub(super) year_bounds: Option<(i32, i32)>,
    /// The programmes' colours: the preview's programmes take none of their own.
    pub(super) colors: ColorMap,
    pub(super) quality: Option<Arc<crate::query::quality::QualityReport>>,
    pub(super) quality_pending: bool,
    pub(super) quality_group: Option<(crate::data::quality::ProblemKind, String)>,
    pub(super) load_time: Option<Duration>,
}

impl CruscottoApp {
    /// Shows the first rows of the file being read, marked partial; what was shown before is
    /// kept until the load ends.
    pub(super) fn on_preview(
        &mut self,
        loaded: Loaded,
        shown: PreviewShown,
        dashboard: Option<Box<(Request, Dashboard)>>,
    ) {
        if self.before_preview.is_none() {
            // A dashboard still the preview's of an earlier load (its whole one being
            // computed) is never kept: computed again if this load fails.
            let partial = self.state.preview.is_some();
            self.before_preview = Some(Shown {
                dataset: self.state.dataset.clone(),
                dashboard: self.state.dashboard.clone().filter(|_| !partial),
                table: self.table.clone(),
                unreadable_amounts: self.unreadable_amounts.clone(),
                year_bounds: self.state.year_bounds,
                colors: self.state.colors.clone(),
                quality: self.state.quality.clone(),
                quality_pending: self.state.quality_pending || self.quality_due.is_some(),
                quality_group: self.state.quality_group.clone(),
                load_time: self.state.load_time,
            });
        }
        // A quality report of what was shown before, asked or under way, is not the preview's.
        self.quality_due = None;
        self.quality_generation = NO_QUALITY_REPORT;
        self.state.preview = Some(shown);
        self.state.year_bounds = loaded.year_bounds;
        self.state
            .colors
            .assign(loaded.programmes.iter().map(String::as_str));
        self.table = Some(Arc::new(loaded.dataset.table.clone()));
        self.state.dataset = Some(Arc::new(loaded.dataset));
        // No quality report of a part: it comes with the whole.
        self.unreadable_amounts = Arc::default();
        self.state.quality = None;
        self.state.quality_pending = true;
        self.state.quality_group = None;
        self.state.selected = None;
        match dashboard.map(|d| *d) {
            // Computed with the preview, for what the window still asks: shown at once.
            Some((request, dashboard)) if request == self.request() => {
                self.compute_generation += 1;
                self.state.computing_since = None;
                self.state.dashboard = Some(Arc::new(dashboard));
            }
            _ => self.request_compute(),
        }
    }

    /// The load that gave the preview on screen failed or was cancelled: what was shown before
    /// it is shown again (its dashboard computed again for the filters now set, its quality
    /// report asked again if it was not there yet). A preview whose whole file is in keeps its
    /// mark until that file's dashboard comes.
    pub(super) fn drop_preview(&mut self) {
        let Some(before) = self.before_preview.take() else {
            return;
        };
        self.state.preview = None;
        self.state.dashboard = before.dashboard;
        self.table = before.table;
        self.unreadable_amounts = before.unreadable_amounts;
        self.state.year_bounds = before.year_bounds;
        self.state.colors = before.colors;
        self.state.quality = before.quality;
        self.state.quality_pending = before.quality_pending;
        self.state.quality_group = before.quality_group;
        self.state.load_time = before.load_time;
        self.state.selected = None;
        if before.quality_pending
            && let Some(dataset) = &before.dataset
        {
            self.quality_due = Some((self.load_generation, (**dataset).clone()));
        }
        self.state.dataset = before.dataset;
        // A dashboard of the preview still being computed is not shown.
        self.compute_generation += 1;
        self.state.computing_since = None;
        self.request_compute();
    }
}
