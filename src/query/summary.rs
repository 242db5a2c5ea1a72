//! Totals and groups for the command line's `summary`: how many projects and how many euros,
//! overall and by a field — the chart engine's [`ChartData`] for "amount by FIELD", every
//! category kept, seen as rows.
//!
//! The amount of a project is the granted amount, or the spent amount when no granted amount is
//! known. For a multi-valued field (target groups, partners) a project counts in each of its
//! groups, so group sums may exceed the total.

use polars::prelude::*;

use super::chart::{ChartData, ChartSpec, Dimension, Measure, QueryError, SortBy, query};
use super::filters::Filters;
use super::key::Key;

/// One group of a summary.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub key: Key,
    pub rows: u64,
    pub amount: f64,
}

/// Projects and euros in all, and by group.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub rows: u64,
    pub total_amount: f64,
    pub groups: Vec<Group>,
    /// The dimension grouped by.
    pub by: Option<Dimension>,
    /// Whether a project may count in several groups.
    pub multi_valued: bool,
}

/// The specification `summary --by FIELD` answers: amounts by the field, every group, largest
/// first (years in calendar order).
pub fn summary_spec(by: Dimension) -> ChartSpec {
    let mut spec = ChartSpec::new(by, Measure::Amount);
    spec.top_n = None;
    if spec.dimension == Dimension::Year {
        spec.sort = SortBy::Name;
    }
    spec
}

impl Summary {
    /// The summary view of a chart's data.
    pub fn from_chart(data: &ChartData) -> Summary {
        Summary {
            rows: data.projects,
            total_amount: data.total,
            groups: data
                .categories
                .iter()
                .enumerate()
                .map(|(i, key)| Group {
                    key: key.clone(),
                    rows: data.counts[i],
                    amount: data.category_value(i),
                })
                .collect(),
            by: Some(data.spec.dimension.clone()),
            multi_valued: data.multi_valued,
        }
    }
}

/// Counts and sums the filtered table, overall and (optionally) by a field.
pub fn summarise_filtered(
    table: &DataFrame,
    filters: &Filters,
    by: Option<&str>,
) -> Result<Summary, QueryError> {
    let dimension = match by {
        Some(name) => Dimension::resolve(table.schema(), name)?,
        None => Dimension::Field(crate::data::schema::Field::Programme),
    };
    let data = query(table, filters, &summary_spec(dimension))?;
    let mut summary = Summary::from_chart(&data);
    if by.is_none() {
        summary.groups.clear();
        summary.by = None;
        summary.multi_valued = false;
    }
    Ok(summary)
}

/// Counts and sums the table, overall and (optionally) by a field.
pub fn summarise(table: &DataFrame, by: Option<&str>) -> Result<Summary, QueryError> {
    summarise_filtered(table, &Filters::default(), by)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::schema::empty_table;

    fn table() -> DataFrame {
        let base = empty_table();
        let extra = df!(
            "title" => ["A", "B", "C"],
            "province" => [Some("Cuneo"), Some("Torino"), None],
            "amount_granted" => [Some(100.0), None, Some(50.0)],
            "amount_spent" => [Some(10.0), Some(30.0), None],
            "Sede" => ["Alba", "Torino", "Bra"],
        )
        .unwrap();
        polars::functions::concat_df_diagonal(&[base, extra]).unwrap()
    }

    #[test]
    fn granted_falls_back_to_spent() {
        let s = summarise(&table(), None).unwrap();
        assert_eq!(s.rows, 3);
        assert_eq!(s.total_amount, 180.0);
        assert!(s.groups.is_empty());
    }

    #[test]
    fn groups_by_canonical_field_with_missing_values() {
        let s = summarise(&table(), Some("province")).unwrap();
        assert_eq!(
            s.groups,
            vec![
                Group {
                    key: Key::value("Cuneo"),
                    rows: 1,
                    amount: 100.0
                },
                Group {
                    key: Key::Missing,
                    rows: 1,
                    amount: 50.0
                },
                Group {
                    key: Key::value("Torino"),
                    rows: 1,
                    amount: 30.0
                },
            ]
        );
    }

    #[test]
    fn groups_by_original_header_case_insensitively() {
        let s = summarise(&table(), Some("sede")).unwrap();
        assert_eq!(s.groups.len(), 3);
        assert_eq!(s.by, Some(Dimension::Column("Sede".into())));
    }

    #[test]
    fn filters_apply_before_grouping() {
        let mut filters = Filters::default();
        filters.toggle("province", Key::Missing);
        let s = summarise_filtered(&table(), &filters, Some("province")).unwrap();
        assert_eq!(s.rows, 1);
        assert_eq!(s.total_amount, 50.0);
        assert_eq!(s.groups.len(), 1);
    }
}
