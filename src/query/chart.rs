//! The one query path: a [`ChartSpec`] (dimension, measure, split, sort, top N) over a table
//! that [`Filters`] select gives [`ChartData`] (categories, series, counts, totals). The screen,
//! the command line (`summary`, `export-*`), every export and the compare tab draw or write that
//! data, so a file and the window never disagree on a number.
//!
//! Categories are typed [`Key`]s: the top-N remainder, projects without a value and projects
//! without dates are buckets, never strings that could collide with a real category.

use std::cmp::Ordering;
use std::collections::HashMap;

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use super::filters::Filters;
use super::key::Key;
use crate::data::schema::{Field, Kind, SOURCE, SOURCE_ROW};
use crate::data::tally;

/// How many series a split keeps before putting the rest in [`Key::Other`].
pub const MAX_SERIES: usize = 8;

/// The amount of each project: granted, or spent when granted is unknown.
pub fn amount_expr() -> Expr {
    coalesce(&[
        col(Field::AmountGranted.name()),
        col(Field::AmountSpent.name()),
    ])
}

/// Why a question cannot be answered.
#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    #[error(
        "unknown field '{name}': use a canonical field ({canonical}), 'year' or a column of the file ({extra})"
    )]
    UnknownField {
        name: String,
        canonical: String,
        extra: String,
    },
    #[error("{0}")]
    Polars(#[from] PolarsError),
}

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

    /// The bucket of rows without a key.
    pub fn missing_key(&self) -> Key {
        match self {
            Dimension::Year => Key::Undated,
            _ => Key::Missing,
        }
    }

    /// Whether a project may have several values (a list column).
    pub fn is_multi_valued(&self, schema: &Schema) -> bool {
        self != &Dimension::Year && matches!(schema.get(&self.column()), Some(DataType::List(_)))
    }

    /// The key of each row as text (null when missing); list columns stay lists.
    fn key(&self) -> Expr {
        match self {
            Dimension::Year => col(Field::StartDate.name())
                .dt()
                .year()
                .cast(DataType::String),
            other => col(other.column()),
        }
    }

    /// Resolves a user's word (`--by province`, `year`, an original header) against a table.
    pub fn resolve(schema: &Schema, name: &str) -> Result<Dimension, QueryError> {
        let trimmed = name.trim();
        let lower = trimmed.to_lowercase();
        if matches!(lower.as_str(), "year" | "anno" | "start_year") {
            return Ok(Dimension::Year);
        }
        if let Some(f) = Field::parse(trimmed)
            && f.kind() != Kind::Composite
        {
            return Ok(Dimension::Field(f));
        }
        let names: Vec<&str> = schema.iter_names().map(|n| n.as_str()).collect();
        if let Some(n) = names
            .iter()
            .find(|n| **n == trimmed)
            .or_else(|| names.iter().find(|n| n.to_lowercase() == lower))
        {
            return Ok(Dimension::Column(n.to_string()));
        }
        let canonical: Vec<&str> = Field::columns().map(|f| f.name()).chain([SOURCE]).collect();
        let extra: Vec<&str> = names
            .iter()
            .filter(|n| !canonical.contains(n) && **n != SOURCE_ROW)
            .copied()
            .collect();
        Err(QueryError::UnknownField {
            name: trimmed.to_string(),
            canonical: canonical.join(", "),
            extra: if extra.is_empty() {
                "none".to_string()
            } else {
                extra.join(", ")
            },
        })
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
    /// Share of the projects (of the filtered projects; of an entity's, in comparisons).
    Share,
}

/// What a measure's values are, for writing them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Euro,
    Count,
    /// A fraction written as a percentage.
    Share,
}

impl Measure {
    pub const ALL: [Measure; 7] = [
        Measure::Amount,
        Measure::Granted,
        Measure::Spent,
        Measure::Count,
        Measure::MeanGrant,
        Measure::MedianGrant,
        Measure::Share,
    ];

    pub fn unit(self) -> Unit {
        match self {
            Measure::Count => Unit::Count,
            Measure::Share => Unit::Share,
            _ => Unit::Euro,
        }
    }

    /// Whether values are euros.
    pub fn is_money(self) -> bool {
        self.unit() == Unit::Euro
    }

    /// Whether category values add up to a total.
    pub fn is_additive(self) -> bool {
        matches!(
            self,
            Measure::Amount | Measure::Granted | Measure::Spent | Measure::Count
        )
    }

    /// The stable command-line name (`--measure amount`).
    pub fn name(self) -> &'static str {
        match self {
            Measure::Amount => "amount",
            Measure::Granted => "granted",
            Measure::Spent => "spent",
            Measure::Count => "count",
            Measure::MeanGrant => "mean",
            Measure::MedianGrant => "median",
            Measure::Share => "share",
        }
    }

    fn agg(self) -> Expr {
        match self {
            Measure::Amount => col(AMOUNT).sum(),
            Measure::Granted => col(Field::AmountGranted.name()).sum(),
            Measure::Spent => col(Field::AmountSpent.name()).sum(),
            // Counted here; divided by the projects once the groups are known.
            Measure::Count | Measure::Share => len().cast(DataType::Float64),
            Measure::MeanGrant => col(AMOUNT).mean(),
            Measure::MedianGrant => col(AMOUNT).median(),
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

/// How a chart's series are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Style {
    /// Bars (stacked or side by side when split).
    #[default]
    Bars,
    /// One line per series across the categories (years).
    Lines,
    /// One small bar chart per series, all on one scale.
    SmallMultiples,
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
    /// Keep the N largest categories and put the rest in [`Key::Other`].
    pub top_n: Option<usize>,
    #[serde(default)]
    pub style: Style,
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
            style: Style::Bars,
        }
    }
}

/// One series of values, aligned with [`ChartData::categories`].
#[derive(Debug, Clone, PartialEq)]
pub struct ChartSeries {
    /// The split value; `None` for the single series of an unsplit chart.
    pub key: Option<Key>,
    pub values: Vec<f64>,
}

/// The aggregated rows a chart draws: categories × series, plus what the reader must know.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartData {
    pub spec: ChartSpec,
    pub categories: Vec<Key>,
    /// Projects per category (all series together).
    pub counts: Vec<u64>,
    pub series: Vec<ChartSeries>,
    /// The measure over all filtered projects, each counted once (for shares).
    pub total: f64,
    /// The filtered projects, each counted once.
    pub projects: u64,
    /// Whether a project may fall in several categories (totals are not additive).
    pub multi_valued: bool,
}

impl ChartData {
    /// Sum of all series for category `i`.
    pub fn category_value(&self, i: usize) -> f64 {
        self.series.iter().map(|s| s.values[i]).sum()
    }

    /// The chart of series `i` alone (a panel of small multiples).
    pub fn series_chart(&self, i: usize) -> ChartData {
        let series = self.series[i].clone();
        ChartData {
            spec: ChartSpec {
                split: None,
                style: Style::Bars,
                ..self.spec.clone()
            },
            categories: self.categories.clone(),
            counts: self.counts.clone(),
            series: vec![ChartSeries {
                key: None,
                values: series.values,
            }],
            total: self.total,
            projects: self.projects,
            multi_valued: self.multi_valued,
        }
    }

    /// The largest value of any series (the shared scale of small multiples and lines).
    pub fn max_value(&self) -> f64 {
        self.series
            .iter()
            .flat_map(|s| s.values.iter().copied())
            .fold(0.0, f64::max)
    }

    /// Whether shares of the total mean something (an additive measure, each project once).
    pub fn has_shares(&self) -> bool {
        self.spec.measure.is_additive() && !self.multi_valued && self.total > 0.0
    }
}

/// The per-project amount, computed once per query.
const AMOUNT: &str = "__amount";
/// Category key, and whether the row is in the top-N remainder.
const K: &str = "__k";
const K_OTHER: &str = "__ko";
/// Series key, and whether the row is in the series remainder.
const S: &str = "__s";
const S_OTHER: &str = "__so";

/// The key column `alias` of `dim` (null when missing), list columns exploded (one row per
/// value): text and categories as they are (grouped without a copy of every name), other types
/// as text.
fn keyed(lf: LazyFrame, schema: &Schema, dim: &Dimension, alias: &str) -> LazyFrame {
    let lf = lf.with_column(dim.key().alias(alias));
    let lf = if dim.is_multi_valued(schema) {
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
    let named = match schema.get(&dim.column()) {
        _ if *dim == Dimension::Year => true,
        Some(DataType::List(inner)) => crate::data::categories::is_name(inner),
        Some(dtype) => crate::data::categories::is_name(dtype),
        None => false,
    };
    if named {
        lf
    } else {
        lf.with_column(col(alias).cast(DataType::String))
    }
}

/// The keys a top-N keeps: values, and whether the missing bucket is among them.
#[derive(Debug, Clone)]
struct Kept {
    values: Vec<String>,
    missing: bool,
}

impl Kept {
    fn expr(&self, alias: &str) -> Expr {
        let values = Series::new("__keep".into(), &self.values);
        let kept = col(alias)
            .is_in(lit(values).implode(false), false)
            .fill_null(lit(false));
        if self.missing {
            kept.or(col(alias).is_null())
        } else {
            kept
        }
    }

    fn contains(&self, key: &Key) -> bool {
        match key {
            Key::Value(v) => self.values.iter().any(|k| k == v),
            Key::Missing | Key::Undated => self.missing,
            Key::Other => false,
        }
    }
}

/// Marks the rows outside `kept` with `flag` (true) and a null key; all rows kept when `None`.
fn bucket(lf: LazyFrame, alias: &str, flag: &str, kept: &Option<Kept>) -> LazyFrame {
    match kept {
        None => lf.with_column(lit(false).alias(flag)),
        Some(kept) => lf.with_columns([
            kept.expr(alias).not().alias(flag),
            when(kept.expr(alias))
                .then(col(alias))
                .otherwise(lit(NULL))
                .alias(alias),
        ]),
    }
}

/// One aggregated cell: a category (and a series, when split), its measure and projects.
#[derive(Debug, Clone)]
struct Cell {
    key: Key,
    split: Option<Key>,
    value: f64,
    count: u64,
}

/// The key and remainder-flag columns of one dimension, and its bucket for rows without a key.
struct KeyColumns<'a> {
    key: &'a str,
    other: &'a str,
    missing: Key,
}

impl KeyColumns<'_> {
    fn read(&self, frame: &DataFrame) -> PolarsResult<Vec<Key>> {
        let key = frame.column(self.key)?.str()?;
        let other = frame.column(self.other)?.bool()?;
        Ok(key
            .iter()
            .zip(other.iter())
            .map(|(k, o)| match (o.unwrap_or(false), k) {
                (true, _) => Key::Other,
                (false, Some(v)) => Key::Value(v.to_string()),
                (false, None) => self.missing.clone(),
            })
            .collect())
    }
}

fn category_columns(dim: &Dimension) -> KeyColumns<'static> {
    KeyColumns {
        key: K,
        other: K_OTHER,
        missing: dim.missing_key(),
    }
}

fn series_columns(dim: &Dimension) -> KeyColumns<'static> {
    KeyColumns {
        key: S,
        other: S_OTHER,
        missing: dim.missing_key(),
    }
}

/// Groups by the category (and series) columns and reads the few aggregated cells.
fn cells(
    lf: LazyFrame,
    measure: Measure,
    category: &KeyColumns,
    split: Option<&KeyColumns>,
) -> PolarsResult<Vec<Cell>> {
    let mut by = vec![col(category.other), col(category.key)];
    let mut keys = vec![col(category.key).cast(DataType::String)];
    if let Some(s) = split {
        by.extend([col(s.other), col(s.key)]);
        keys.push(col(s.key).cast(DataType::String));
    }
    // Grouped by the stored keys; only the few groups' keys are read as text.
    let grouped = lf
        .group_by(by)
        .agg([
            measure.agg().alias("__v"),
            len().cast(DataType::UInt64).alias("__n"),
        ])
        .with_columns(keys)
        .collect()?;
    let keys = category.read(&grouped)?;
    let splits = match split {
        Some(s) => s.read(&grouped)?.into_iter().map(Some).collect(),
        None => vec![None; grouped.height()],
    };
    let v = grouped.column("__v")?.f64()?;
    let n = grouped.column("__n")?.u64()?;
    Ok(keys
        .into_iter()
        .zip(splits)
        .zip(v.iter().zip(n.iter()))
        .map(|((key, split), (v, n))| Cell {
            key,
            split,
            value: v.unwrap_or(0.0),
            count: n.unwrap_or(0),
        })
        .collect())
}

/// Largest first; ties by key.
fn by_value_desc(a: (&Key, f64), b: (&Key, f64)) -> Ordering {
    b.1.total_cmp(&a.1).then_with(|| a.0.cmp(b.0))
}

/// The `n` largest keys, or `None` when every key is kept (no `n`, or only one key would be
/// left for the remainder).
fn top_keys(totals: &[(Key, f64)], n: Option<usize>) -> Option<Kept> {
    let n = n?;
    if totals.len() <= n + 1 {
        return None;
    }
    let mut ranked: Vec<&(Key, f64)> = totals.iter().collect();
    ranked.sort_by(|a, b| by_value_desc((&a.0, a.1), (&b.0, b.1)));
    let top = &ranked[..n];
    Some(Kept {
        values: top
            .iter()
            .filter_map(|(k, _)| k.as_value().map(str::to_string))
            .collect(),
        missing: top.iter().any(|(k, _)| k.is_bucket()),
    })
}

/// An additive measure's remainder from the groups: the kept cells and one summing the others,
/// with no second pass over the rows.
fn fold_others(cells: Vec<Cell>, kept: &Kept) -> Vec<Cell> {
    let (mut out, others): (Vec<Cell>, Vec<Cell>) =
        cells.into_iter().partition(|c| kept.contains(&c.key));
    out.push(Cell {
        key: Key::Other,
        split: None,
        value: others.iter().map(|c| c.value).sum(),
        count: others.iter().map(|c| c.count).sum(),
    });
    out
}

/// Orders categories: by value (largest first) or by name (buckets after the values); the
/// remainder always last.
fn order(cells: &mut [Cell], sort: SortBy) {
    cells.sort_by(|a, b| {
        let other = (a.key == Key::Other).cmp(&(b.key == Key::Other));
        other.then_with(|| match sort {
            SortBy::Value => by_value_desc((&a.key, a.value), (&b.key, b.value)),
            SortBy::Name => a.key.cmp(&b.key),
        })
    });
}

/// Applies `filters` to `table` and aggregates for a chart: the whole query, in one call.
pub fn query(table: &DataFrame, filters: &Filters, spec: &ChartSpec) -> PolarsResult<ChartData> {
    let schema = table.schema();
    // Counted by category code over the kept rows where the chart allows it, as the dashboard
    // does; grouped by polars otherwise.
    let counted_by_code = spec.split.is_none()
        && spec.dimension != Dimension::Year
        && !matches!(spec.measure, Measure::MeanGrant | Measure::MedianGrant)
        && table
            .column(&spec.dimension.column())
            .is_ok_and(|c| crate::data::categories::is_categorical(c.dtype()));
    if counted_by_code {
        let sums = Sums::of(table)?;
        let kept = match filters.predicate(schema, None) {
            None => None,
            Some(p) => Some(
                table
                    .clone()
                    .lazy()
                    .with_row_index("__kept", None)
                    .filter(p)
                    .select([col("__kept")])
                    .collect()?
                    .column("__kept")?
                    .idx()?
                    .clone(),
            ),
        };
        let rows = kept
            .as_ref()
            .map(tally::Rows::Only)
            .unwrap_or(tally::Rows::All);
        if let Some(chart) = aggregate_tallied(table, &sums, rows, spec)? {
            return Ok(chart);
        }
    }
    let filtered = filters.apply(table.clone().lazy(), schema, None);
    aggregate(filtered, schema, spec)
}

/// Aggregates a table (already filtered) for a chart.
pub fn aggregate(table: LazyFrame, schema: &Schema, spec: &ChartSpec) -> PolarsResult<ChartData> {
    let base = table.with_column(amount_expr().alias(AMOUNT));
    let totals = base
        .clone()
        .select([
            spec.measure.agg().alias("__t"),
            len().cast(DataType::UInt64).alias("__n"),
        ])
        .collect()?;
    let total = totals.column("__t")?.f64()?.get(0).unwrap_or(0.0);
    let projects = totals.column("__n")?.u64()?.get(0).unwrap_or(0);
    let multi_valued = spec.dimension.is_multi_valued(schema)
        || spec
            .split
            .as_ref()
            .is_some_and(|s| s.is_multi_valued(schema));

    // One pass over the rows by category; the remainder is folded from the groups when the
    // measure adds up, and re-aggregated from the rows only for means and medians.
    let lf = keyed(base, schema, &spec.dimension, K);
    let by_category = category_columns(&spec.dimension);
    let first = cells(
        bucket(lf.clone(), K, K_OTHER, &None),
        spec.measure,
        &by_category,
        None,
    )?;
    let totals: Vec<(Key, f64)> = first.iter().map(|c| (c.key.clone(), c.value)).collect();
    let kept = top_keys(&totals, spec.top_n);
    let mut categories = match &kept {
        None => first,
        Some(k) if spec.measure.is_additive() => fold_others(first, k),
        Some(_) => cells(
            bucket(lf.clone(), K, K_OTHER, &kept),
            spec.measure,
            &by_category,
            None,
        )?,
    };
    order(&mut categories, spec.sort);

    let series = match &spec.split {
        None => vec![single_series(&categories)],
        Some(split) => split_series(
            bucket(lf, K, K_OTHER, &kept),
            schema,
            split,
            spec,
            &categories,
        )?,
    };
    Ok(finish(
        spec,
        categories,
        series,
        total,
        projects,
        multi_valued,
    ))
}

/// The one series of an unsplit chart.
fn single_series(categories: &[Cell]) -> ChartSeries {
    ChartSeries {
        key: None,
        values: categories.iter().map(|c| c.value).collect(),
    }
}

/// The chart from its ordered categories and series (shares divided by the projects).
fn finish(
    spec: &ChartSpec,
    categories: Vec<Cell>,
    series: Vec<ChartSeries>,
    total: f64,
    projects: u64,
    multi_valued: bool,
) -> ChartData {
    let (series, total) = if spec.measure == Measure::Share {
        let of = projects.max(1) as f64;
        let shares = series
            .into_iter()
            .map(|s| ChartSeries {
                values: s.values.iter().map(|v| v / of).collect(),
                ..s
            })
            .collect();
        (shares, 1.0)
    } else {
        (series, total)
    };
    ChartData {
        spec: spec.clone(),
        counts: categories.iter().map(|c| c.count).collect(),
        categories: categories.into_iter().map(|c| c.key).collect(),
        series,
        total,
        projects,
        multi_valued,
    }
}

/// The amounts a chart may sum, each as one `Float64` chunk, read once for many charts.
pub struct Sums {
    amount: Float64Chunked,
    granted: Option<Float64Chunked>,
    spent: Option<Float64Chunked>,
}

impl Sums {
    /// The amounts of `table` (granted, or spent when granted is unknown; each alone).
    pub fn of(table: &DataFrame) -> PolarsResult<Sums> {
        let amount = table
            .clone()
            .lazy()
            .select([amount_expr().cast(DataType::Float64).alias(AMOUNT)])
            .collect()?;
        let read = |f: Field| {
            table
                .column(f.name())
                .ok()
                .map(tally::single_chunk)
                .transpose()
        };
        Ok(Sums {
            amount: tally::single_chunk(amount.column(AMOUNT)?)?,
            granted: read(Field::AmountGranted)?,
            spent: read(Field::AmountSpent)?,
        })
    }

    /// Each project's amount (granted, or spent when granted is unknown).
    pub fn amount(&self) -> Option<tally::Values<'_>> {
        tally::Values::of(&self.amount)
    }

    /// The granted amounts, when the table has them.
    pub fn granted(&self) -> Option<tally::Values<'_>> {
        self.granted.as_ref().and_then(tally::Values::of)
    }

    /// The spent amounts, when the table has them.
    pub fn spent(&self) -> Option<tally::Values<'_>> {
        self.spent.as_ref().and_then(tally::Values::of)
    }

    /// What `measure` adds up per row (`None`: it counts rows); `Err(())` when it is not a sum.
    fn values(&self, measure: Measure) -> Result<Option<tally::Values<'_>>, ()> {
        let column = match measure {
            Measure::Amount => Some(&self.amount),
            Measure::Granted => Some(self.granted.as_ref().ok_or(())?),
            Measure::Spent => Some(self.spent.as_ref().ok_or(())?),
            Measure::Count | Measure::Share => None,
            Measure::MeanGrant | Measure::MedianGrant => return Err(()),
        };
        match column {
            Some(c) => tally::Values::of(c).map(Some).ok_or(()),
            None => Ok(None),
        }
    }
}

/// [`aggregate`] over the `rows` of `table` by counting category codes ([`tally`]), with no
/// group-by and no copy of the rows; `None` when the chart needs a group-by (a split, a mean or
/// a median, a dimension not stored as categories).
pub fn aggregate_tallied(
    table: &DataFrame,
    sums: &Sums,
    rows: tally::Rows,
    spec: &ChartSpec,
) -> PolarsResult<Option<ChartData>> {
    if spec.split.is_some() || spec.dimension == Dimension::Year {
        return Ok(None);
    }
    let Ok(values) = sums.values(spec.measure) else {
        return Ok(None);
    };
    let Ok(column) = table.column(&spec.dimension.column()) else {
        return Ok(None);
    };
    let Some(counted) = tally::tally(column, values.as_ref(), rows)? else {
        return Ok(None);
    };
    let counts_rows = values.is_none();
    let measured = |b: tally::Bucket| if counts_rows { b.rows as f64 } else { b.sum() };
    let all = tally::total(values.as_ref(), rows, table.height());
    let missing = (counted.missing.rows > 0).then(|| Cell {
        key: spec.dimension.missing_key(),
        split: None,
        value: measured(counted.missing),
        count: counted.missing.rows,
    });
    let first: Vec<Cell> = counted
        .named
        .into_iter()
        .map(|(name, b)| Cell {
            key: Key::Value(name),
            split: None,
            value: measured(b),
            count: b.rows,
        })
        .chain(missing)
        .collect();
    let totals: Vec<(Key, f64)> = first.iter().map(|c| (c.key.clone(), c.value)).collect();
    let mut categories = match top_keys(&totals, spec.top_n) {
        None => first,
        Some(kept) => fold_others(first, &kept),
    };
    order(&mut categories, spec.sort);
    let series = vec![single_series(&categories)];
    let multi_valued = spec.dimension.is_multi_valued(table.schema());
    Ok(Some(finish(
        spec,
        categories,
        series,
        measured(all),
        all.rows,
        multi_valued,
    )))
}

/// One series per split value (the largest [`MAX_SERIES`], the rest together), aligned with
/// the categories.
fn split_series(
    lf: LazyFrame,
    schema: &Schema,
    split: &Dimension,
    spec: &ChartSpec,
    categories: &[Cell],
) -> PolarsResult<Vec<ChartSeries>> {
    let lf = keyed(lf, schema, split, S);
    let by_series = series_columns(split);
    // The split's own totals choose the series kept.
    let split_totals: Vec<(Key, f64)> = cells(
        bucket(lf.clone(), S, S_OTHER, &None),
        spec.measure,
        &by_series,
        None,
    )?
    .into_iter()
    .map(|c| (c.key, c.value))
    .collect();
    let kept = top_keys(&split_totals, Some(MAX_SERIES));
    let grid = cells(
        bucket(lf, S, S_OTHER, &kept),
        spec.measure,
        &category_columns(&spec.dimension),
        Some(&by_series),
    )?;

    // Series order: largest total first, the remainder last.
    let mut names: HashMap<Key, f64> = HashMap::new();
    for c in &grid {
        if let Some(s) = &c.split {
            *names.entry(s.clone()).or_default() += c.value;
        }
    }
    let mut names: Vec<(Key, f64)> = names.into_iter().collect();
    names.sort_by(|a, b| {
        let other = (a.0 == Key::Other).cmp(&(b.0 == Key::Other));
        other.then_with(|| by_value_desc((&a.0, a.1), (&b.0, b.1)))
    });
    let category_index: HashMap<&Key, usize> = categories
        .iter()
        .enumerate()
        .map(|(i, c)| (&c.key, i))
        .collect();
    let series_index: HashMap<&Key, usize> =
        names.iter().enumerate().map(|(i, (k, _))| (k, i)).collect();
    let mut series: Vec<ChartSeries> = names
        .iter()
        .map(|(k, _)| ChartSeries {
            key: Some(k.clone()),
            values: vec![0.0; categories.len()],
        })
        .collect();
    for cell in &grid {
        let (Some(ci), Some(si)) = (
            category_index.get(&cell.key),
            cell.split.as_ref().and_then(|s| series_index.get(s)),
        ) else {
            continue;
        };
        series[*si].values[*ci] = cell.value;
    }
    Ok(series)
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

    /// The chart by the polars group-by; where the tally answers too, both must agree.
    fn run(spec: &ChartSpec) -> ChartData {
        let t = crate::data::categories::categorise(table()).unwrap();
        let grouped = aggregate(t.clone().lazy(), t.schema(), spec).unwrap();
        let sums = Sums::of(&t).unwrap();
        if let Some(tallied) = aggregate_tallied(&t, &sums, tally::Rows::All, spec).unwrap() {
            assert_eq!(tallied, grouped, "tallied and grouped differ");
        }
        grouped
    }

    #[test]
    fn the_tally_answers_like_the_group_by_over_kept_rows_and_lists() {
        let rows = df!(
            "programme" => [Some("A"), Some("A"), Some("B"), None, Some("D"), Some("B")],
            "amount_granted" => [Some(100.0), None, Some(30.0), Some(20.0), Some(10.0), None],
            "amount_spent" => [Some(90.0), Some(40.0), None, Some(5.0), None, None],
        )
        .unwrap();
        let mut t = polars::functions::concat_df_diagonal(&[empty_table(), rows]).unwrap();
        let ages = Series::new(
            "age_groups".into(),
            [
                Some(Series::new("".into(), ["Minori", "Età adulta"])),
                Some(Series::new("".into(), Vec::<String>::new())),
                None,
                Some(Series::new("".into(), ["Età adulta"])),
                Some(Series::new("".into(), ["Età senile", "Minori"])),
                Some(Series::new("".into(), ["Minori"])),
            ],
        );
        t.with_column(ages.into_column()).unwrap();
        let t = crate::data::categories::categorise(t).unwrap();
        let sums = Sums::of(&t).unwrap();
        let kept = IdxCa::from_vec("i".into(), vec![0, 2, 3, 4]);
        let keep = Series::new("k".into(), [true, false, true, true, true, false]);
        let filtered = t.filter(keep.bool().unwrap()).unwrap();
        let measures = [
            Measure::Amount,
            Measure::Granted,
            Measure::Spent,
            Measure::Count,
            Measure::Share,
        ];
        let mut compared = 0;
        for field in [Field::Programme, Field::AgeGroups] {
            for measure in measures {
                for top_n in [None, Some(1)] {
                    for sort in [SortBy::Value, SortBy::Name] {
                        let mut spec = ChartSpec::new(Dimension::Field(field), measure);
                        spec.top_n = top_n;
                        spec.sort = sort;
                        for (rows, frame) in [
                            (tally::Rows::All, &t),
                            (tally::Rows::Only(&kept), &filtered),
                        ] {
                            let grouped =
                                aggregate(frame.clone().lazy(), frame.schema(), &spec).unwrap();
                            let tallied = aggregate_tallied(&t, &sums, rows, &spec)
                                .unwrap()
                                .expect("a category column is tallied");
                            assert_eq!(tallied, grouped, "{spec:?}");
                            compared += 1;
                        }
                    }
                }
            }
        }
        assert_eq!(compared, 80);
        let mut mean = ChartSpec::new(Dimension::Field(Field::Programme), Measure::MeanGrant);
        assert!(
            aggregate_tallied(&t, &sums, tally::Rows::All, &mean)
                .unwrap()
                .is_none()
        );
        mean.measure = Measure::Amount;
        mean.split = Some(Dimension::Field(Field::AgeGroups));
        assert!(
            aggregate_tallied(&t, &sums, tally::Rows::All, &mean)
                .unwrap()
                .is_none()
        );
    }

    fn values(keys: &[&str]) -> Vec<Key> {
        keys.iter().map(|k| Key::value(*k)).collect()
    }

    #[test]
    fn sums_by_category_sorted_by_value() {
        let d = run(&ChartSpec::new(
            Dimension::Field(Field::Programme),
            Measure::Amount,
        ));
        assert_eq!(d.categories, values(&["A", "B", "C", "D"]));
        assert_eq!(d.series[0].values, vec![150.0, 30.0, 20.0, 10.0]);
        assert_eq!(d.counts, vec![2, 1, 1, 1]);
        assert_eq!(d.total, 210.0);
        assert_eq!(d.projects, 5);
        assert!(!d.multi_valued);
    }

    #[test]
    fn top_n_puts_the_rest_in_the_other_bucket_last() {
        let mut spec = ChartSpec::new(Dimension::Field(Field::Programme), Measure::Count);
        spec.top_n = Some(1);
        let d = run(&spec);
        assert_eq!(d.categories, vec![Key::value("A"), Key::Other]);
        assert_eq!(d.series[0].values, vec![2.0, 3.0]);
    }

    #[test]
    fn a_real_category_called_altri_is_not_the_remainder() {
        let rows = df!(
            "programme" => ["Altri", "Altri", "B", "C"],
            "amount_granted" => [100.0, 50.0, 30.0, 20.0],
        )
        .unwrap();
        let t = polars::functions::concat_df_diagonal(&[empty_table(), rows]).unwrap();
        let mut spec = ChartSpec::new(Dimension::Field(Field::Programme), Measure::Amount);
        spec.top_n = Some(1);
        let d = aggregate(t.clone().lazy(), t.schema(), &spec).unwrap();
        assert_eq!(d.categories, vec![Key::value("Altri"), Key::Other]);
        assert_eq!(d.series[0].values, vec![150.0, 50.0]);
    }

    #[test]
    fn others_of_a_mean_is_the_mean_of_their_rows() {
        let mut spec = ChartSpec::new(Dimension::Field(Field::Programme), Measure::MeanGrant);
        spec.top_n = Some(1);
        let d = run(&spec);
        assert_eq!(d.categories, vec![Key::value("A"), Key::Other]);
        // A: (100 + 50) / 2; the others: B, C, D = (30 + 20 + 10) / 3.
        assert_eq!(d.series[0].values, vec![75.0, 20.0]);
        assert_eq!(d.counts, vec![2, 3]);
    }

    #[test]
    fn others_of_a_sum_adds_the_groups_it_replaces() {
        let mut spec = ChartSpec::new(Dimension::Field(Field::Programme), Measure::Amount);
        spec.top_n = Some(2);
        let d = run(&spec);
        assert_eq!(
            d.categories,
            vec![Key::value("A"), Key::value("B"), Key::Other]
        );
        assert_eq!(d.series[0].values, vec![150.0, 30.0, 30.0]);
        assert_eq!(d.counts, vec![2, 1, 2]);
        assert_eq!(d.total, 210.0);
    }

    #[test]
    fn missing_values_are_their_own_bucket_and_can_be_kept_in_the_top() {
        let mut spec = ChartSpec::new(Dimension::Field(Field::Province), Measure::Amount);
        spec.top_n = None;
        let d = run(&spec);
        assert_eq!(
            d.categories,
            vec![
                Key::value("Cuneo"),
                Key::value("Torino"),
                Key::Missing,
                Key::value("Asti")
            ]
        );
        spec.top_n = Some(2);
        spec.measure = Measure::MedianGrant;
        let d = run(&spec);
        // Medians: Cuneo 65, Torino 50, missing 20, Asti 10.
        assert_eq!(
            d.categories,
            vec![Key::value("Cuneo"), Key::value("Torino"), Key::Other]
        );
        assert_eq!(d.series[0].values, vec![65.0, 50.0, 15.0]);
    }

    #[test]
    fn split_builds_one_series_per_value() {
        let mut spec = ChartSpec::new(Dimension::Field(Field::Programme), Measure::Amount);
        spec.split = Some(Dimension::Field(Field::Province));
        let d = run(&spec);
        assert_eq!(d.series[0].key, Some(Key::value("Cuneo")));
        let cuneo = &d.series[0].values;
        assert_eq!(cuneo, &vec![100.0, 30.0, 0.0, 0.0]);
        assert_eq!(d.category_value(0), 150.0);
        assert!(d.series.iter().any(|s| s.key == Some(Key::Missing)));
    }

    #[test]
    fn shares_of_the_projects() {
        let mut spec = ChartSpec::new(Dimension::Field(Field::Programme), Measure::Share);
        spec.top_n = Some(1);
        let d = run(&spec);
        assert_eq!(d.categories, vec![Key::value("A"), Key::Other]);
        assert_eq!(d.series[0].values, vec![0.4, 0.6]);
        assert_eq!(d.total, 1.0);
    }

    #[test]
    fn median_and_sort_by_name() {
        let mut spec = ChartSpec::new(Dimension::Field(Field::Programme), Measure::MedianGrant);
        spec.sort = SortBy::Name;
        let d = run(&spec);
        assert_eq!(d.categories, values(&["A", "B", "C", "D"]));
        assert_eq!(d.series[0].values[0], 75.0);
    }

    #[test]
    fn projects_without_a_start_are_undated_by_year() {
        let rows = df!(
            "start_date" => [chrono::NaiveDate::from_ymd_opt(2019, 3, 1), None],
            "amount_granted" => [10.0, 5.0],
        )
        .unwrap();
        let t = polars::functions::concat_df_diagonal(&[empty_table(), rows]).unwrap();
        let mut spec = ChartSpec::new(Dimension::Year, Measure::Amount);
        spec.sort = SortBy::Name;
        let d = aggregate(t.clone().lazy(), t.schema(), &spec).unwrap();
        assert_eq!(d.categories, vec![Key::value("2019"), Key::Undated]);
    }

    #[test]
    fn unknown_field_names_the_choices() {
        let t = df!("Sede" => ["Alba"]).unwrap();
        let err = Dimension::resolve(t.schema(), "colore")
            .unwrap_err()
            .to_string();
        assert!(err.contains("unknown field 'colore'"), "{err}");
        assert!(err.contains("Sede"), "{err}");
        assert_eq!(
            Dimension::resolve(t.schema(), "sede").unwrap(),
            Dimension::Column("Sede".into())
        );
    }
}
