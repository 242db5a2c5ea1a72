//! The user's filters as one polars predicate. A value filter on a multi-valued column keeps a
//! project when any of its values is selected; [`Key::Missing`] selects projects without a
//! value. The year range keeps projects active in any year of the range.

use std::collections::{BTreeMap, BTreeSet};

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use super::key::Key;
use crate::data::schema::Field;

/// Active filters. Serialised in the settings so they survive a restart.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filters {
    /// Column → selected values.
    pub values: BTreeMap<String, BTreeSet<Key>>,
    /// First and last year (inclusive) a project must be active in.
    pub years: Option<(i32, i32)>,
    /// Free text searched in title and abstract (case-insensitive).
    pub text: String,
    /// Particular rows (source label, row in the source), chosen from the data-quality report.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub rows: BTreeSet<(String, u32)>,
}

/// The key of the period condition in [`Filters::conditions`].
pub const YEAR_KEY: &str = "year";
/// The key of the free-text condition in [`Filters::conditions`].
pub const TEXT_KEY: &str = "text";
/// The key of the chosen-rows condition in [`Filters::conditions`].
pub const ROWS_KEY: &str = "rows";

impl Filters {
    /// How many filters are active (each column with a selection, the years, the text).
    pub fn active_count(&self) -> usize {
        self.values.values().filter(|v| !v.is_empty()).count()
            + usize::from(self.years.is_some())
            + usize::from(!self.text.trim().is_empty())
            + usize::from(!self.rows.is_empty())
    }

    pub fn is_selected(&self, column: &str, value: &Key) -> bool {
        self.values.get(column).is_some_and(|v| v.contains(value))
    }

    /// Adds or removes one value.
    pub fn toggle(&mut self, column: &str, value: Key) {
        let set = self.values.entry(column.to_string()).or_default();
        if !set.remove(&value) {
            set.insert(value);
        }
        if set.is_empty() {
            self.values.remove(column);
        }
    }

    /// The same filters without those on `column`.
    pub fn without(&self, column: &str) -> Filters {
        let mut other = self.clone();
        other.values.remove(column);
        other
    }

    pub fn clear_column(&mut self, column: &str) {
        self.values.remove(column);
    }

    pub fn clear(&mut self) {
        *self = Filters::default();
    }

    /// One boolean condition per active filter, keyed by what it filters: a column name,
    /// `"year"` or `"text"`. Evaluated once, they serve both the filtered table and the counts
    /// next to each filter (which ignore their own condition).
    pub fn conditions(&self, schema: &Schema) -> Vec<(String, Expr)> {
        let mut parts: Vec<(String, Expr)> = Vec::new();
        for (column, values) in &self.values {
            let Some(dtype) = schema.get(column) else {
                continue;
            };
            let any = values
                .iter()
                .map(|v| value_matches(column, dtype, v))
                .reduce(|a, b| a.or(b));
            if let Some(any) = any {
                parts.push((column.clone(), any));
            }
        }
        if let Some((first, last)) = self.years {
            let start = col(Field::StartDate.name()).dt().year();
            let end = coalesce(&[col(Field::EndDate.name()), col(Field::StartDate.name())])
                .dt()
                .year();
            let active = start
                .lt_eq(lit(last))
                .and(end.gt_eq(lit(first)))
                .fill_null(lit(false));
            parts.push((YEAR_KEY.to_string(), active));
        }
        let needle = self.text.trim();
        if !needle.is_empty() {
            // Case-insensitive literal search, without a lower-case copy of every cell.
            let pattern = format!("(?i){}", regex::escape(needle));
            let in_column = |name: &str| {
                col(name)
                    .str()
                    .contains(lit(pattern.clone()), false)
                    .fill_null(lit(false))
            };
            let found = in_column(Field::Title.name()).or(in_column(Field::Abstract.name()));
            parts.push((TEXT_KEY.to_string(), found));
        }
        if !self.rows.is_empty() {
            parts.push((ROWS_KEY.to_string(), rows_condition(&self.rows)));
        }
        parts
    }

    /// The predicate over a table with `schema`, ignoring the filter on `except` (used for the
    /// counts shown next to that filter's values). `None` when nothing filters.
    pub fn predicate(&self, schema: &Schema, except: Option<&str>) -> Option<Expr> {
        self.conditions(schema)
            .into_iter()
            .filter(|(key, _)| Some(key.as_str()) != except)
            .map(|(_, e)| e)
            .reduce(|a, b| a.and(b))
    }

    /// Applies the filters to a lazy table.
    pub fn apply(&self, table: LazyFrame, schema: &Schema, except: Option<&str>) -> LazyFrame {
        match self.predicate(schema, except) {
            Some(p) => table.filter(p),
            None => table,
        }
    }
}

/// Whether a row is one of `rows` (source label, row in the source).
pub fn rows_condition(rows: &BTreeSet<(String, u32)>) -> Expr {
    use crate::data::schema::{SOURCE, SOURCE_ROW};
    let keys: Vec<String> = rows.iter().map(|(s, r)| format!("{s}\u{1f}{r}")).collect();
    concat_str(
        [col(SOURCE), col(SOURCE_ROW).cast(DataType::String)],
        "\u{1f}",
        false,
    )
    .is_in(lit(Series::new("".into(), keys)).implode(false), false)
    .fill_null(lit(false))
}

/// Whether `column` (of type `dtype`, not a list) holds `value`: names (text, categories) are
/// compared as they are stored, other types as text.
pub fn equals(column: &str, dtype: &DataType, value: &str) -> Expr {
    crate::data::categories::as_name(column, Some(dtype))
        .eq(lit(value.to_string()))
        .fill_null(lit(false))
}

/// Whether a row has `value` in `column`. The remainder of a top N names no rows.
fn value_matches(column: &str, dtype: &DataType, value: &Key) -> Expr {
    let is_list = matches!(dtype, DataType::List(_));
    match (is_list, value) {
        (_, Key::Other) => lit(false),
        (false, Key::Missing | Key::Undated) => col(column).is_null(),
        (false, Key::Value(v)) => equals(column, dtype, v),
        (true, Key::Missing | Key::Undated) => col(column)
            .is_null()
            .or(col(column).list().len().eq(lit(0))),
        (true, Key::Value(v)) => col(column)
            .list()
            .contains(lit(v.clone()), false)
            .fill_null(lit(false)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn table() -> DataFrame {
        let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
        let mut t = df!(
            "title" => ["Reti di prossimità", "Abitare solidale", "Lavoro"],
            "abstract" => [None, Some("condomini e RETI"), None::<&str>],
            "province" => [Some("Cuneo"), Some("Torino"), None],
            "start_date" => [date(2016, 1, 1), date(2019, 1, 1), None],
            "end_date" => [date(2018, 6, 30), date(2021, 12, 31), None],
        )
        .unwrap();
        let ages = Series::new(
            "age_groups".into(),
            [
                Series::new("".into(), ["Età adulta", "Età senile"]),
                Series::new("".into(), ["Minori"]),
                Series::new_empty("".into(), &DataType::String),
            ],
        );
        t.with_column(ages.into_column()).unwrap();
        t
    }

    fn titles(f: &Filters) -> Vec<String> {
        let t = table();
        let out = f
            .apply(t.clone().lazy(), t.schema(), None)
            .collect()
            .unwrap();
        out.column("title")
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .map(|s| s.unwrap().to_string())
            .collect()
    }

    #[test]
    fn values_years_and_text_combine() {
        let mut f = Filters::default();
        assert_eq!(titles(&f).len(), 3);
        f.toggle("province", Key::value("Cuneo"));
        f.toggle("province", Key::value("Torino"));
        assert_eq!(titles(&f), vec!["Reti di prossimità", "Abitare solidale"]);
        f.years = Some((2020, 2022));
        assert_eq!(titles(&f), vec!["Abitare solidale"]);
        f.years = None;
        f.text = "reti".into();
        assert_eq!(titles(&f), vec!["Reti di prossimità", "Abitare solidale"]);
        assert_eq!(f.active_count(), 2);
        f.toggle("province", Key::value("Torino"));
        assert_eq!(titles(&f), vec!["Reti di prossimità"]);
    }

    #[test]
    fn text_search_ignores_case_also_of_accented_letters_and_takes_symbols_literally() {
        let mut f = Filters {
            text: "PROSSIMITÀ".into(),
            ..Filters::default()
        };
        assert_eq!(titles(&f), vec!["Reti di prossimità"]);
        // Characters that mean something in a regular expression are searched as typed.
        f.text = "(reti".into();
        assert!(titles(&f).is_empty());
        f.text = "e RETI".into();
        assert_eq!(titles(&f), vec!["Abitare solidale"]);
    }

    #[test]
    fn multi_valued_and_missing_values() {
        let mut f = Filters::default();
        f.toggle("age_groups", Key::value("Età senile"));
        assert_eq!(titles(&f), vec!["Reti di prossimità"]);
        f.toggle("age_groups", Key::Missing);
        assert_eq!(titles(&f), vec!["Reti di prossimità", "Lavoro"]);
        let mut g = Filters::default();
        g.toggle("province", Key::Missing);
        assert_eq!(titles(&g), vec!["Lavoro"]);
        // A value spelled like the missing bucket's display word is a value, not the bucket.
        let mut h = Filters::default();
        h.toggle("province", Key::value("(non indicato)"));
        assert!(titles(&h).is_empty());
    }

    #[test]
    fn except_ignores_one_filter() {
        let mut f = Filters::default();
        f.toggle("province", Key::value("Cuneo"));
        let t = table();
        assert!(f.predicate(t.schema(), Some("province")).is_none());
        assert!(f.predicate(t.schema(), None).is_some());
    }
}
