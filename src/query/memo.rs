//! Dashboards already computed for the table on screen, so that going back to a previous set of
//! filters (above all: clearing them, back to the unfiltered dashboard computed when the file
//! opened) is instant. Keyed by the table's identity and the whole request; a new table empties it.

use std::collections::VecDeque;
use std::sync::{Arc, Weak};

use polars::prelude::DataFrame;

use super::dashboard::{Dashboard, Facet, Known, Request};
use super::filters::Filters;
use crate::data::schema::Field;

/// How many dashboards are kept (each holds its filtered projects, which share the table's data).
const CAPACITY: usize = 4;

/// The last dashboards computed for one table, most recent last.
#[derive(Default)]
pub struct DashboardMemo {
    /// The table they were computed from (weak: the memo never keeps an old table alive).
    table: Weak<DataFrame>,
    entries: VecDeque<(Request, Dashboard)>,
}

impl DashboardMemo {
    /// Forgets the dashboards once their table is gone (every source removed, or a new file
    /// opened and nothing computed yet): their filtered projects share its data and would keep
    /// it in memory. Returns whether anything was released.
    pub fn release_if_orphaned(&mut self) -> bool {
        if self.table.strong_count() == 0 && !self.entries.is_empty() {
            self.entries.clear();
            return true;
        }
        false
    }

    /// The dashboard for `request` over `table`: remembered, or computed by `compute` and kept.
    /// A computation is handed what is known: facets counted before, and the last dashboard
    /// for the same filters (a new chart in Esplora, a click on a column header or another
    /// comparison computes only what changed).
    pub fn get_or_compute<E>(
        &mut self,
        table: &Arc<DataFrame>,
        request: &Request,
        compute: impl FnOnce(&DataFrame, &Request, Known<'_>) -> Result<Dashboard, E>,
    ) -> Result<Dashboard, E> {
        if !std::ptr::eq(self.table.as_ptr(), Arc::as_ptr(table)) {
            self.table = Arc::downgrade(table);
            self.entries.clear();
        }
        if let Some(at) = self.entries.iter().position(|(r, _)| r == request) {
            let entry = self.entries.remove(at).expect("the position is in range");
            let dashboard = entry.1.clone();
            self.entries.push_back(entry);
            return Ok(Dashboard {
                elapsed: std::time::Duration::ZERO,
                ..dashboard
            });
        }
        let same_filters = self
            .entries
            .iter()
            .rev()
            .find(|(r, _)| {
                r.filters == request.filters && r.unreadable_amounts == request.unreadable_amounts
            })
            .map(|(r, d)| (r, d));
        let known = Known {
            facet: &|field, filters| self.known_facet(field, filters),
            same_filters,
        };
        let dashboard = compute(table, request, known)?;
        self.keep(request.clone(), dashboard.clone());
        Ok(dashboard)
    }

    /// Keeps a dashboard, forgetting the oldest when full, but never the last unfiltered one
    /// (the one clearing the filters goes back to).
    fn keep(&mut self, request: Request, dashboard: Dashboard) {
        if self.entries.len() == CAPACITY {
            let unfiltered = |r: &Request| r.filters == Filters::default();
            let last_unfiltered = self.entries.iter().rposition(|(r, _)| unfiltered(r));
            let oldest = (0..self.entries.len())
                .find(|i| Some(*i) != last_unfiltered || unfiltered(&request))
                .unwrap_or(0);
            self.entries.remove(oldest);
        }
        self.entries.push_back((request, dashboard));
    }

    /// A facet of `field` counted under filters that differ from `filters` only on `field`.
    fn known_facet(&self, field: Field, filters: &Filters) -> Option<Facet> {
        let name = field.name();
        let wanted = filters.without(name);
        self.entries
            .iter()
            .rev()
            .filter(|(r, _)| r.filters.without(name) == wanted)
            .find_map(|(_, d)| d.facets.iter().find(|f| f.column == name).cloned())
    }

    /// How many dashboards are remembered.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::sample;
    use crate::query::Key;
    use crate::query::dashboard::{Known, compute, compute_with};
    use std::cell::Cell;

    #[test]
    fn dashboards_are_released_with_their_table() {
        let table = Arc::new(sample::load().unwrap().table);
        let mut memo = DashboardMemo::default();
        memo.get_or_compute(&table, &Request::default(), |t, r, _| compute(t, r))
            .unwrap();
        assert!(!memo.release_if_orphaned(), "the table is still open");
        assert_eq!(memo.len(), 1);
        drop(table);
        assert!(memo.release_if_orphaned());
        assert!(memo.is_empty());
    }

    #[test]
    fn a_request_seen_before_is_not_computed_again() {
        let table = Arc::new(sample::load().unwrap().table);
        let mut memo = DashboardMemo::default();
        let runs = Cell::new(0);
        let counting = |t: &DataFrame, r: &Request, _: Known<'_>| {
            runs.set(runs.get() + 1);
            compute(t, r)
        };
        let all = memo
            .get_or_compute(&table, &Request::default(), counting)
            .unwrap();
        let mut filtered = Request::default();
        filtered
            .filters
            .toggle("programme", Key::value("WeCaRe Misura 1"));
        let wecare = memo.get_or_compute(&table, &filtered, counting).unwrap();
        assert_eq!(wecare.kpis.projects, 22);
        let again = memo
            .get_or_compute(&table, &Request::default(), counting)
            .unwrap();
        assert_eq!(runs.get(), 2);
        assert_eq!(again.kpis, all.kpis);
        assert_eq!(again.projects.height(), 34);
    }

    #[test]
    fn a_new_table_forgets_the_old_dashboards() {
        let table = Arc::new(sample::load().unwrap().table);
        let mut memo = DashboardMemo::default();
        memo.get_or_compute(&table, &Request::default(), compute_with)
            .unwrap();
        let fewer = Arc::new(table.head(Some(5)));
        let d = memo
            .get_or_compute(&fewer, &Request::default(), compute_with)
            .unwrap();
        assert_eq!(d.kpis.projects, 5);
        assert_eq!(memo.len(), 1);
    }

    #[test]
    fn only_the_last_few_are_kept() {
        let table = Arc::new(sample::load().unwrap().table);
        let mut memo = DashboardMemo::default();
        for province in ["Torino", "Cuneo", "Asti", "Novara", "Biella", "Alessandria"] {
            let mut r = Request::default();
            r.filters.toggle("province", Key::value(province));
            memo.get_or_compute(&table, &r, compute_with).unwrap();
        }
        assert_eq!(memo.len(), CAPACITY);
    }

    /// A click on a column header sorts the remembered projects instead of gathering them
    /// again, in exactly the order a computation from scratch gives; nothing else is computed.
    #[test]
    fn a_new_order_of_the_projects_sorts_the_remembered_ones() {
        use crate::query::dashboard::ProjectSort;
        let table = Arc::new(sample::load().unwrap().table);
        let mut memo = DashboardMemo::default();
        let mut request = Request::default();
        request.filters.toggle("province", Key::value("Torino"));
        let first = memo.get_or_compute(&table, &request, compute_with).unwrap();
        for (column, descending) in [
            ("amount_granted", true),
            ("programme", false),
            ("lead_body", true),
        ] {
            request.sort = ProjectSort {
                column: Some(column.into()),
                descending,
            };
            let offered = Cell::new(false);
            let d = memo
                .get_or_compute(&table, &request, |t, r, known: Known<'_>| {
                    offered.set(known.same_filters.is_some());
                    compute_with(t, r, known)
                })
                .unwrap();
            assert!(
                offered.get(),
                "the dashboard for the same filters is offered"
            );
            let fresh = compute(&table, &request).unwrap();
            assert!(
                d.projects
                    .in_order()
                    .unwrap()
                    .equals_missing(&fresh.projects.in_order().unwrap()),
                "{column}"
            );
            // The parts that do not depend on the order are the earlier ones, shared.
            assert!(Arc::ptr_eq(&d.territory, &first.territory));
            assert_eq!(d.kpis, fresh.kpis);
        }
    }

    /// Another chart in Esplora (or another target dimension, or another comparison) with the
    /// same filters computes only that part: every part equals a computation from scratch.
    #[test]
    fn another_chart_with_the_same_filters_computes_only_that_chart() {
        use crate::query::chart::{Dimension, Measure};
        let table = Arc::new(sample::load().unwrap().table);
        let mut memo = DashboardMemo::default();
        let mut request = Request::default();
        let first = memo.get_or_compute(&table, &request, compute_with).unwrap();
        request.explore.dimension = Dimension::Field(Field::Province);
        request.explore.measure = Measure::Count;
        request.target_dimension = Field::AgeGroups;
        let d = memo.get_or_compute(&table, &request, compute_with).unwrap();
        let fresh = compute(&table, &request).unwrap();
        assert_eq!(d.explore, fresh.explore);
        assert_ne!(d.explore, first.explore);
        assert_eq!(d.by_target, fresh.by_target);
        assert_ne!(d.by_target, first.by_target);
        for (reused, fresh) in [
            (&d.by_programme, &fresh.by_programme),
            (&d.by_province, &fresh.by_province),
            (&d.by_municipality, &fresh.by_municipality),
            (&d.by_year, &fresh.by_year),
        ] {
            assert_eq!(reused, fresh);
        }
        assert_eq!(d.facets, fresh.facets);
        assert_eq!(d.kpis, fresh.kpis);
        assert!(Arc::ptr_eq(&d.municipalities, &first.municipalities));
        assert!(
            d.projects
                .in_order()
                .unwrap()
                .equals_missing(&fresh.projects.in_order().unwrap())
        );
        // Other filters are computed anew.
        request.filters.toggle("province", Key::value("Cuneo"));
        let cuneo = memo.get_or_compute(&table, &request, compute_with).unwrap();
        assert_eq!(cuneo.kpis, compute(&table, &request).unwrap().kpis);
        assert!(cuneo.kpis.projects < first.kpis.projects);
    }

    /// The unfiltered dashboard is never the one forgotten: clearing the filters is instant
    /// however many selections came between.
    #[test]
    fn the_unfiltered_dashboard_is_kept_longest() {
        let table = Arc::new(sample::load().unwrap().table);
        let mut memo = DashboardMemo::default();
        memo.get_or_compute(&table, &Request::default(), compute_with)
            .unwrap();
        for province in ["Torino", "Cuneo", "Asti", "Novara", "Biella", "Alessandria"] {
            let mut r = Request::default();
            r.filters.toggle("province", Key::value(province));
            memo.get_or_compute(&table, &r, compute_with).unwrap();
        }
        assert_eq!(memo.len(), CAPACITY);
        let runs = Cell::new(0);
        memo.get_or_compute(&table, &Request::default(), |t, r, k: Known<'_>| {
            runs.set(runs.get() + 1);
            compute_with(t, r, k)
        })
        .unwrap();
        assert_eq!(runs.get(), 0, "remembered");
    }

    /// A facet ignores its own field's filter: ticking a second programme reuses the programme
    /// list counted before, and every count equals a computation from scratch.
    #[test]
    fn a_facet_counted_under_the_same_other_filters_is_reused() {
        let table = Arc::new(sample::load().unwrap().table);
        let mut memo = DashboardMemo::default();
        let mut one = Request::default();
        one.filters.toggle("province", Key::value("Torino"));
        one.filters
            .toggle("programme", Key::value("WeCaRe Misura 1"));
        memo.get_or_compute(&table, &one, compute_with).unwrap();
        let mut two = one.clone();
        two.filters
            .toggle("programme", Key::value("Welfare di comunità"));
        let reused = Cell::new(Vec::new());
        let d = memo
            .get_or_compute(&table, &two, |t, r, known: Known<'_>| {
                let mut hits = Vec::new();
                for f in crate::query::dashboard::FACETS {
                    if (known.facet)(f, &r.filters).is_some() {
                        hits.push(f);
                    }
                }
                reused.set(hits);
                compute_with(t, r, known)
            })
            .unwrap();
        assert_eq!(reused.take(), [Field::Programme]);
        let fresh = compute(&table, &two).unwrap();
        assert_eq!(d.facets, fresh.facets);
        assert_eq!(d.kpis, fresh.kpis);
    }
}
