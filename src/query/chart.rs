//! One chart specification feeds the screen and, later, files: [`ChartSpec`] says what to show,
//! [`aggregate`] turns a (filtered) table into the few aggregated rows of [`ChartData`].

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use super::summary::{NO_DATES, NO_VALUE, amount_expr};
use crate::data::schema::Field;

/// The bucket that collects the categories beyond the top N.
pub const OTHERS: &str = "Altri";

/// What the categories are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Dimension {
    /// A canonical column.
    Field(Field),
    /// The start year of projects.
    Year,
    /// A column of the source files kept as is.
    Column(String),
}

impl Dimension {
    /// The table column behind the dimension.
    pub fn column(&self) -> String {
        match self {
            Dimension::Field(f) => f.name().to_string(),
            Dimension::Year => Field::StartDate.name().to_string(),
            Dimension::Column(c) => c.clone(),
        }
    }

    fn key(&self) -> Expr {
        match self {
            Dimension::Year => col(Field::StartDate.name())
                .dt()
                .year()
                .cast(DataType::String)
                .fill_null(lit(NO_DATES)),
            other => col(other.column()),
        }
    }
}

/// What is measured per category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Measure {
    /// Sum of the amounts (granted, else spent).
    Amount,
    Granted,
    Spent,
    /// Number of projects.
    Count,
    MeanGrant,
    MedianGrant,
}

impl Measure {
    pub const ALL: [Measure; 6] = [
        Measure::Amount,
        Measure::Granted,
        Measure::Spent,
        Measure::Count,
        Measure::MeanGrant,
        Measure::MedianGrant,
    ];

    /// Whether values are euros (else counts).
    pub fn is_money(self) -> bool {
        self != Measure::Count
    }

    /// Whether category values add up to a total.
    pub fn is_additive(self) -> bool {
        matches!(
            self,
            Measure::Amount | Measure::Granted | Measure::Spent | Measure::Count
        )
    }

    fn agg(self) -> Expr {
        match self {
            Measure::Amount => col("__amount").sum(),
            Measure::Granted => col(Field::AmountGranted.name()).sum(),
            Measure::Spent => col(Field::AmountSpent.name()).sum(),
            Measure::Count => len().cast(DataType::Float64),
            Measure::MeanGrant => col("__amount").mean(),
            Measure::MedianGrant => col("__amount").median(),
        }
        .cast(DataType::Float64)
        .fill_null(lit(0.0))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Orientation {
    Horizontal,
    Vertical,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SortBy {
    Value,
    Name,
}

/// A chart, independent of where it is drawn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChartSpec {
    pub dimension: Dimension,
    pub measure: Measure,
    /// A second dimension: one series per value (stacked or grouped bars).
    pub split: Option<Dimension>,
    pub stacked: bool,
    pub orientation: Orientation,
    pub sort: SortBy,
    /// Keep the N largest categories and put the rest in [`OTHERS`].
    pub top_n: Option<usize>,
}

impl ChartSpec {
    pub fn new(dimension: Dimension, measure: Measure) -> Self {
        ChartSpec {
            dimension,
            measure,
            split: None,
            stacked: true,
            orientation: Orientation::Horizontal,
            sort: SortBy::Value,
            top_n: Some(12),
        }
    }
}

/// One series of values, aligned with [`ChartData::categories`].
#[derive(Debug, Clone, PartialEq)]
pub struct ChartSeries {
    pub name: String,
    pub values: Vec<f64>,
}

/// The aggregated rows a chart draws: categories × series, plus what the reader must know.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartData {
    pub spec: ChartSpec,
    pub categories: Vec<String>,
    /// Projects per category (all series together).
    pub counts: Vec<u64>,
    pub series: Vec<ChartSeries>,
    /// The measure over all filtered projects, each counted once (for shares).
    pub total: f64,
    /// Whether a project may fall in several categories (totals are not additive).
    pub multi_valued: bool,
}

impl ChartData {
    /// Sum of all series for category `i`.
    pub fn category_value(&self, i: usize) -> f64 {
        self.series.iter().map(|s| s.values[i]).sum()
    }
}

fn is_list(schema: &Schema, column: &str) -> bool {
    matches!(schema.get(column), Some(DataType::List(_)))
}

/// Keys as text with a visible bucket for missing values; list columns exploded.
fn keyed(lf: LazyFrame, schema: &Schema, dim: &Dimension, alias: &str) -> LazyFrame {
    let lf = lf.with_column(dim.key().alias(alias));
    let lf = if dim != &Dimension::Year && is_list(schema, &dim.column()) {
        lf.explode(
            cols([alias]),
            ExplodeOptions {
                empty_as_null: true,
                keep_nulls: true,
            },
        )
    } else {
        lf
    };
    lf.with_column(col(alias).cast(DataType::String).fill_null(lit(NO_VALUE)))
}

/// The top `n` keys of an aggregated frame (`alias`, `__v`) by value (all keys — `None` — when
/// `n` is `None` or would leave a single key in "Altri").
fn top_keys(
    grouped: &DataFrame,
    alias: &str,
    n: Option<usize>,
) -> PolarsResult<Option<Vec<String>>> {
    let Some(n) = n else { return Ok(None) };
    if grouped.height() <= n + 1 {
        return Ok(None);
    }
    let ranked = grouped
        .clone()
        .lazy()
        .sort_by_exprs(
            [col("__v"), col(alias)],
            SortMultipleOptions::default().with_order_descending_multi([true, false]),
        )
        .limit(n as IdxSize)
        .collect()?;
    Ok(Some(
        ranked
            .column(alias)?
            .str()?
            .iter()
            .map(|s| s.unwrap_or_default().to_string())
            .collect(),
    ))
}

fn is_kept(alias: &str, keys: &[String]) -> Expr {
    col(alias).is_in(lit(Series::new("__keep".into(), keys)), false)
}

/// Rows whose key is not among `keep` get the key [`OTHERS`].
fn bucket_others(lf: LazyFrame, alias: &str, keep: &Option<Vec<String>>) -> LazyFrame {
    match keep {
        None => lf,
        Some(keys) => lf.with_column(
            when(is_kept(alias, keys))
                .then(col(alias))
                .otherwise(lit(OTHERS))
                .alias(alias),
        ),
    }
}

/// An additive measure's "Altri" from the aggregated groups (`__k`, `__v`, `__n`): the kept rows
/// and one row summing the others, with no second pass over the table.
fn fold_others(grouped: DataFrame, keys: &[String]) -> PolarsResult<DataFrame> {
    let kept = grouped.clone().lazy().filter(is_kept("__k", keys));
    let others = grouped.lazy().filter(is_kept("__k", keys).not()).select([
        lit(OTHERS).alias("__k"),
        col("__v").sum(),
        col("__n").sum(),
    ]);
    concat([kept, others], UnionArgs::default())?.collect()
}

/// Aggregates a table (already filtered) for a chart.
pub fn aggregate(table: LazyFrame, schema: &Schema, spec: &ChartSpec) -> PolarsResult<ChartData> {
    let base = table.with_column(amount_expr().alias("__amount"));
    let total = base
        .clone()
        .select([spec.measure.agg().alias("__t")])
        .collect()?
        .column("__t")?
        .f64()?
        .get(0)
        .unwrap_or(0.0);
    let multi_valued = (spec.dimension != Dimension::Year
        && is_list(schema, &spec.dimension.column()))
        || spec
            .split
            .as_ref()
            .is_some_and(|s| s != &Dimension::Year && is_list(schema, &s.column()));

    let lf = keyed(base, schema, &spec.dimension, "__k");
    let group = |lf: LazyFrame| {
        lf.group_by([col("__k")])
            .agg([
                spec.measure.agg().alias("__v"),
                len().cast(DataType::UInt64).alias("__n"),
            ])
            .collect()
    };
    // One pass over the rows; "Altri" is folded from the groups when the measure adds up, and
    // re-aggregated from the rows only for means and medians.
    let grouped = group(lf.clone())?;
    let keep = top_keys(&grouped, "__k", spec.top_n)?;
    let lf = bucket_others(lf, "__k", &keep);
    let grouped = match &keep {
        None => grouped,
        Some(keys) if spec.measure.is_additive() => fold_others(grouped, keys)?,
        Some(_) => group(lf.clone())?,
    };

    // Categories in display order, with their measure and project counts.
    let order = grouped.lazy();
    let order = match spec.sort {
        SortBy::Value => order.sort_by_exprs(
            [col("__k").eq(lit(OTHERS)), col("__v"), col("__k")],
            SortMultipleOptions::default().with_order_descending_multi([false, true, false]),
        ),
        SortBy::Name => order.sort_by_exprs(
            [col("__k").eq(lit(OTHERS)), col("__k")],
            SortMultipleOptions::default(),
        ),
    };
    let order = order.collect()?;
    let categories: Vec<String> = order
        .column("__k")?
        .str()?
        .iter()
        .map(|s| s.unwrap_or_default().to_string())
        .collect();
    let counts: Vec<u64> = order
        .column("__n")?
        .u64()?
        .iter()
        .map(|v| v.unwrap_or(0))
        .collect();

    let series = match &spec.split {
        None => vec![ChartSeries {
            name: String::new(),
            values: order
                .column("__v")?
                .f64()?
                .iter()
                .map(|v| v.unwrap_or(0.0))
                .collect(),
        }],
        Some(split) => {
            let lf = keyed(lf, schema, split, "__s");
            let split_groups = lf
                .clone()
                .group_by([col("__s")])
                .agg([spec.measure.agg().alias("__v")])
                .collect()?;
            let keep_split = top_keys(&split_groups, "__s", Some(8))?;
            let cells = bucket_others(lf, "__s", &keep_split)
                .group_by([col("__k"), col("__s")])
                .agg([spec.measure.agg().alias("__v")])
                .collect()?;
            let names = split_order(&cells)?;
            let keys = cells.column("__k")?.str()?.clone();
            let splits = cells.column("__s")?.str()?.clone();
            let values = cells.column("__v")?.f64()?.clone();
            // A handful of aggregated cells: place them in the category × series grid.
            let mut series: Vec<ChartSeries> = names
                .iter()
                .map(|n| ChartSeries {
                    name: n.clone(),
                    values: vec![0.0; categories.len()],
                })
                .collect();
            for i in 0..cells.height() {
                let (Some(k), Some(s)) = (keys.get(i), splits.get(i)) else {
                    continue;
                };
                if let (Some(ci), Some(si)) = (
                    categories.iter().position(|c| c == k),
                    names.iter().position(|n| n == s),
                ) {
                    series[si].values[ci] = values.get(i).unwrap_or(0.0);
                }
            }
            series
        }
    };
    Ok(ChartData {
        spec: spec.clone(),
        categories,
        counts,
        series,
        total,
        multi_valued,
    })
}

/// Series names, largest first, "Altri" last.
fn split_order(cells: &DataFrame) -> PolarsResult<Vec<String>> {
    let ordered = cells
        .clone()
        .lazy()
        .group_by([col("__s")])
        .agg([col("__v").sum()])
        .sort_by_exprs(
            [col("__s").eq(lit(OTHERS)), col("__v"), col("__s")],
            SortMultipleOptions::default().with_order_descending_multi([false, true, false]),
        )
        .collect()?;
    Ok(ordered
        .column("__s")?
        .str()?
        .iter()
        .map(|s| s.unwrap_or_default().to_string())
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::schema::empty_table;

    fn table() -> DataFrame {
        let rows = df!(
            "programme" => ["A", "A", "B", "C", "D"],
            "province" => [Some("Cuneo"), Some("Torino"), Some("Cuneo"), None, Some("Asti")],
            "amount_granted" => [100.0, 50.0, 30.0, 20.0, 10.0],
        )
        .unwrap();
        polars::functions::concat_df_diagonal(&[empty_table(), rows]).unwrap()
    }

    fn run(spec: &ChartSpec) -> ChartData {
        let t = table();
        aggregate(t.clone().lazy(), t.schema(), spec).unwrap()
    }

    #[test]
    fn sums_by_category_sorted_by_value() {
        let d = run(&ChartSpec::new(
            Dimension::Field(Field::Programme),
            Measure::Amount,
        ));
        assert_eq!(d.categories, vec!["A", "B", "C", "D"]);
        assert_eq!(d.series[0].values, vec![150.0, 30.0, 20.0, 10.0]);
        assert_eq!(d.counts, vec![2, 1, 1, 1]);
        assert_eq!(d.total, 210.0);
        assert!(!d.multi_valued);
    }

    #[test]
    fn top_n_puts_the_rest_in_others_last() {
        let mut spec = ChartSpec::new(Dimension::Field(Field::Programme), Measure::Count);
        spec.top_n = Some(1);
        let d = run(&spec);
        assert_eq!(d.categories, vec!["A", OTHERS]);
        assert_eq!(d.series[0].values, vec![2.0, 3.0]);
    }

    #[test]
    fn others_of_a_mean_is_the_mean_of_their_rows() {
        let mut spec = ChartSpec::new(Dimension::Field(Field::Programme), Measure::MeanGrant);
        spec.top_n = Some(1);
        let d = run(&spec);
        assert_eq!(d.categories, vec!["A", OTHERS]);
        // A: (100 + 50) / 2; the others: B, C, D = (30 + 20 + 10) / 3.
        assert_eq!(d.series[0].values, vec![75.0, 20.0]);
        assert_eq!(d.counts, vec![2, 3]);
    }

    #[test]
    fn others_of_a_sum_adds_the_groups_it_replaces() {
        let mut spec = ChartSpec::new(Dimension::Field(Field::Programme), Measure::Amount);
        spec.top_n = Some(2);
        let d = run(&spec);
        assert_eq!(d.categories, vec!["A", "B", OTHERS]);
        assert_eq!(d.series[0].values, vec![150.0, 30.0, 30.0]);
        assert_eq!(d.counts, vec![2, 1, 2]);
        assert_eq!(d.total, 210.0);
    }

    #[test]
    fn split_builds_one_series_per_value() {
        let mut spec = ChartSpec::new(Dimension::Field(Field::Programme), Measure::Amount);
        spec.split = Some(Dimension::Field(Field::Province));
        let d = run(&spec);
        assert_eq!(d.series[0].name, "Cuneo");
        let cuneo = &d.series[0].values;
        assert_eq!(cuneo, &vec![100.0, 30.0, 0.0, 0.0]);
        assert_eq!(d.category_value(0), 150.0);
        assert!(d.series.iter().any(|s| s.name == NO_VALUE));
    }

    #[test]
    fn median_and_sort_by_name() {
        let mut spec = ChartSpec::new(Dimension::Field(Field::Programme), Measure::MedianGrant);
        spec.sort = SortBy::Name;
        let d = run(&spec);
        assert_eq!(d.categories, vec!["A", "B", "C", "D"]);
        assert_eq!(d.series[0].values[0], 75.0);
    }
}
