//! Entities side by side — lead bodies, provinces, regions, municipalities, programmes, funding
//! sources or a categorical column of the files: projects, money, grants, partners, period,
//! target groups and, for territories, euros per resident and projects per 100,000 residents
//! from the shipped ISTAT populations. One grouped pass over the selected entities' rows, after
//! the global filters; a reference column (the selection's average, or all the filtered data).

use chrono::NaiveDate;
use polars::prelude::*;
use serde::{Deserialize, Serialize};

use super::chart::{
    ChartData, ChartSeries, ChartSpec, Dimension, Measure, Orientation, SortBy, Style, amount_expr,
};
use super::filters::Filters;
use super::key::Key;
use super::yearly::{YearlySpend, planned_by_year};
use crate::data::reference::{self, territory_key};
use crate::data::schema::Field;

/// What the reference column is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reference {
    /// The average of the selected entities (sums per entity; ratios pooled).
    #[default]
    Selection,
    /// All the filtered projects.
    All,
}

/// The most entities compared at once.
pub const MAX_ENTITIES: usize = 8;

/// The numbers of one entity (or of the reference).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Stats {
    pub key: String,
    pub projects: u64,
    /// Amount (granted, else spent); `None` when no project has one.
    pub granted: Option<f64>,
    pub spent: Option<f64>,
    /// Spent ÷ granted over the projects where both are known.
    pub spent_share: Option<f64>,
    pub median_grant: Option<f64>,
    pub max_grant: Option<f64>,
    pub share_of_total: Option<f64>,
    /// Distinct partners, where the data names them.
    pub partners: Option<u64>,
    pub first_start: Option<NaiveDate>,
    pub last_end: Option<NaiveDate>,
    /// How many target groups the projects reach.
    pub target_group_count: u64,
    /// The target groups (projects reaching each), largest first.
    pub target_groups: Vec<(String, u64)>,
    pub population: Option<u64>,
    pub per_resident: Option<f64>,
    pub projects_per_100k: Option<f64>,
}

/// A comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    pub by: Dimension,
    pub reference_kind: Reference,
    pub entities: Vec<Stats>,
    pub reference: Stats,
    /// Chosen entities that the filter on the compared field itself hides.
    pub hidden: Vec<String>,
    /// Whether populations (and per-resident ratios) apply to this dimension.
    pub has_population: bool,
    /// The target-group field profiled.
    pub target: Field,
}

/// A row of the side-by-side table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    Projects,
    Granted,
    Spent,
    SpentShare,
    MedianGrant,
    MaxGrant,
    ShareOfTotal,
    Partners,
    Period,
    TargetGroups,
    Population,
    PerResident,
    ProjectsPer100k,
}

/// How a metric's value is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Count,
    Euro,
    /// Euros with cents (per resident).
    EuroCents,
    Share,
    /// Projects per 100,000 residents, one decimal.
    Rate,
    Text,
}

impl Metric {
    /// The rows, in order; the population rows only where the entities are territories.
    pub fn rows(with_population: bool) -> Vec<Metric> {
        let mut rows = vec![
            Metric::Projects,
            Metric::Granted,
            Metric::Spent,
            Metric::SpentShare,
            Metric::MedianGrant,
            Metric::MaxGrant,
            Metric::ShareOfTotal,
            Metric::Partners,
            Metric::Period,
            Metric::TargetGroups,
        ];
        if with_population {
            rows.extend([
                Metric::Population,
                Metric::PerResident,
                Metric::ProjectsPer100k,
            ]);
        }
        rows
    }

    pub fn unit(self) -> Unit {
        match self {
            Metric::Projects | Metric::Partners | Metric::Population => Unit::Count,
            Metric::Granted | Metric::Spent | Metric::MedianGrant | Metric::MaxGrant => Unit::Euro,
            Metric::SpentShare | Metric::ShareOfTotal => Unit::Share,
            Metric::PerResident => Unit::EuroCents,
            Metric::ProjectsPer100k => Unit::Rate,
            Metric::Period | Metric::TargetGroups => Unit::Text,
        }
    }

    /// The number, for numeric metrics (`None`: not known, "n.d.").
    pub fn value(self, s: &Stats) -> Option<f64> {
        match self {
            Metric::Projects => Some(s.projects as f64),
            Metric::Granted => s.granted,
            Metric::Spent => s.spent,
            Metric::SpentShare => s.spent_share,
            Metric::MedianGrant => s.median_grant,
            Metric::MaxGrant => s.max_grant,
            Metric::ShareOfTotal => s.share_of_total,
            Metric::Partners => s.partners.map(|p| p as f64),
            Metric::Population => s.population.map(|p| p as f64),
            Metric::PerResident => s.per_resident,
            Metric::ProjectsPer100k => s.projects_per_100k,
            Metric::Period | Metric::TargetGroups => None,
        }
    }

    /// Whether the largest value is the one to highlight (population is context, not merit).
    pub fn has_best(self) -> bool {
        !matches!(self.unit(), Unit::Text) && self != Metric::Population
    }
}

/// The index of the entity with the largest known value of `metric`, if any value is known and
/// the metric has a best.
pub fn best(metric: Metric, entities: &[Stats]) -> Option<usize> {
    if !metric.has_best() {
        return None;
    }
    entities
        .iter()
        .enumerate()
        .filter_map(|(i, s)| metric.value(s).map(|v| (i, v)))
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(i, _)| i)
}

/// The signed difference from the reference, as a fraction (`0.25` = 25 % more).
pub fn difference(metric: Metric, entity: &Stats, reference: &Stats) -> Option<f64> {
    let (v, r) = (metric.value(entity)?, metric.value(reference)?);
    (r != 0.0
        && matches!(
            metric.unit(),
            Unit::Count | Unit::Euro | Unit::EuroCents | Unit::Rate
        ))
    .then(|| v / r - 1.0)
}

/// What the Confronta tab compares (persisted with the settings and in saved views).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CompareSettings {
    pub by: Dimension,
    /// The chosen entities, in the order chosen (at most [`MAX_ENTITIES`]).
    pub entities: Vec<String>,
    pub reference: Reference,
    /// The measures chart per resident instead of in euros.
    pub per_resident: bool,
}

impl Default for CompareSettings {
    fn default() -> Self {
        CompareSettings {
            by: Dimension::Field(Field::LeadBody),
            entities: Vec::new(),
            reference: Reference::Selection,
            per_resident: false,
        }
    }
}

impl CompareSettings {
    /// Adds or removes an entity (no more than [`MAX_ENTITIES`]).
    pub fn toggle(&mut self, entity: &str) {
        if let Some(i) = self.entities.iter().position(|e| e == entity) {
            self.entities.remove(i);
        } else if self.entities.len() < MAX_ENTITIES {
            self.entities.push(entity.to_string());
        }
    }

    /// Adds an entity of `by` (from a chart's menu): switches what is compared if needed.
    pub fn add(&mut self, by: &Dimension, entity: &str) {
        if &self.by != by {
            self.by = by.clone();
            self.entities.clear();
        }
        if !self.entities.iter().any(|e| e == entity) && self.entities.len() < MAX_ENTITIES {
            self.entities.push(entity.to_string());
        }
    }
}

/// The fields entities can be compared by (besides categorical columns of the files).
pub const COMPARABLE: [Field; 6] = [
    Field::LeadBody,
    Field::Province,
    Field::Region,
    Field::Municipality,
    Field::Programme,
    Field::FundingSource,
];

/// Whether entities of `dim` can be compared (one text value per project).
pub fn is_comparable(dim: &Dimension, schema: &Schema) -> bool {
    match dim {
        Dimension::Field(f) => COMPARABLE.contains(f),
        Dimension::Year => false,
        Dimension::Column(c) => schema
            .get(c.as_str())
            .is_some_and(crate::data::categories::is_name),
    }
}

/// The names of the comparison charts' series.
pub struct ChartLabels {
    pub granted: String,
    pub spent: String,
}

/// The comparison's charts, as chart data the window and the exports draw: the main measures
/// (granted and spent, in euros or per resident) as grouped bars; the target-group profile (the
/// share of each entity's projects reaching each group, one shared scale); the planned spend per
/// year, one series per entity.
pub struct CompareCharts {
    pub measures: ChartData,
    pub profile: ChartData,
    pub years: ChartData,
}

fn chart(
    spec: ChartSpec,
    categories: Vec<Key>,
    counts: Vec<u64>,
    series: Vec<ChartSeries>,
    projects: u64,
) -> ChartData {
    ChartData {
        spec,
        categories,
        counts,
        series,
        total: 0.0,
        projects,
        multi_valued: false,
    }
}

/// The charts of a comparison over the rows `filters` keep.
pub fn charts(
    table: &DataFrame,
    filters: &Filters,
    c: &Comparison,
    per_resident: bool,
    labels: &ChartLabels,
) -> PolarsResult<CompareCharts> {
    let entities: Vec<Key> = c
        .entities
        .iter()
        .map(|s| Key::value(s.key.as_str()))
        .collect();
    let projects: u64 = c.entities.iter().map(|s| s.projects).sum();
    let counts: Vec<u64> = c.entities.iter().map(|s| s.projects).collect();
    let per = |v: Option<f64>, s: &Stats| -> f64 {
        match (per_resident, v, s.population) {
            (false, Some(v), _) => v,
            (true, Some(v), Some(p)) if p > 0 => v / p as f64,
            _ => 0.0,
        }
    };
    let mut spec = ChartSpec::new(c.by.clone(), Measure::Granted);
    spec.stacked = false;
    spec.top_n = None;
    spec.split = Some(c.by.clone());
    let measures = chart(
        spec,
        entities.clone(),
        counts.clone(),
        vec![
            ChartSeries {
                key: Some(Key::value(labels.granted.as_str())),
                values: c.entities.iter().map(|s| per(s.granted, s)).collect(),
            },
            ChartSeries {
                key: Some(Key::value(labels.spent.as_str())),
                values: c.entities.iter().map(|s| per(s.spent, s)).collect(),
            },
        ],
        projects,
    );

    // Target groups in order of how many of the compared projects reach them.
    let mut groups: Vec<(String, u64)> = Vec::new();
    for s in &c.entities {
        for (g, n) in &s.target_groups {
            match groups.iter_mut().find(|(k, _)| k == g) {
                Some(entry) => entry.1 += n,
                None => groups.push((g.clone(), *n)),
            }
        }
    }
    groups.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let mut spec = ChartSpec::new(Dimension::Field(c.target), Measure::Share);
    spec.split = Some(c.by.clone());
    spec.stacked = false;
    spec.top_n = None;
    spec.style = Style::SmallMultiples;
    let profile = chart(
        spec,
        groups.iter().map(|(g, _)| Key::value(g.as_str())).collect(),
        groups.iter().map(|(_, n)| *n).collect(),
        c.entities
            .iter()
            .map(|s| ChartSeries {
                key: Some(Key::value(s.key.as_str())),
                values: groups
                    .iter()
                    .map(|(g, _)| {
                        let n = s
                            .target_groups
                            .iter()
                            .find(|(k, _)| k == g)
                            .map(|(_, n)| *n)
                            .unwrap_or(0);
                        if s.projects > 0 {
                            n as f64 / s.projects as f64
                        } else {
                            0.0
                        }
                    })
                    .collect(),
            })
            .collect(),
        projects,
    );

    // Planned spend per year, entity by entity (at most eight passes over their rows).
    let column = c.by.column();
    let mut per_entity: Vec<YearlySpend> = Vec::new();
    for s in &c.entities {
        let rows = filters
            .apply(table.clone().lazy(), table.schema(), None)
            .filter(match table.schema().get(column.as_str()) {
                Some(dtype) => super::filters::equals(column.as_str(), dtype, &s.key),
                None => lit(false),
            });
        per_entity.push(planned_by_year(rows)?);
    }
    let mut years: Vec<i32> = per_entity.iter().flat_map(|y| y.years.clone()).collect();
    years.sort_unstable();
    years.dedup();
    let mut spec = ChartSpec::new(Dimension::Year, Measure::Amount);
    spec.split = Some(c.by.clone());
    spec.stacked = false;
    spec.top_n = None;
    spec.sort = SortBy::Name;
    spec.orientation = Orientation::Vertical;
    spec.style = Style::Lines;
    let years_chart = chart(
        spec,
        years.iter().map(|y| Key::value(y.to_string())).collect(),
        years
            .iter()
            .map(|y| {
                per_entity
                    .iter()
                    .filter_map(|p| p.years.iter().position(|v| v == y).map(|i| p.projects[i]))
                    .sum()
            })
            .collect(),
        c.entities
            .iter()
            .zip(&per_entity)
            .map(|(s, p)| ChartSeries {
                key: Some(Key::value(s.key.as_str())),
                values: years
                    .iter()
                    .map(|y| {
                        p.years
                            .iter()
                            .position(|v| v == y)
                            .map(|i| p.amounts[i])
                            .unwrap_or(0.0)
                    })
                    .collect(),
            })
            .collect(),
        projects,
    );
    Ok(CompareCharts {
        measures,
        profile,
        years: years_chart,
    })
}

/// The note under per-resident figures.
pub const POPULATION_SOURCE: &str = "ISTAT, popolazione residente al 1° gennaio 2023";

/// The dimensions whose entities have a population.
fn population_level(by: &Dimension) -> Option<Field> {
    match by {
        Dimension::Field(f @ (Field::Province | Field::Region | Field::Municipality)) => Some(*f),
        _ => None,
    }
}

/// Population by entity name for a territorial level (`__e`, `__pop`); a municipality name shared
/// by several municipalities has none (n.d., never a guess).
fn populations(level: Field) -> PolarsResult<LazyFrame> {
    Ok(match level {
        Field::Province => reference::provinces().clone().lazy().select([
            col("province").alias("__e"),
            col("population").cast(DataType::Float64).alias("__pop"),
        ]),
        Field::Region => reference::provinces()
            .clone()
            .lazy()
            .group_by([col("region").alias("__e")])
            .agg([col("population")
                .cast(DataType::Float64)
                .sum()
                .alias("__pop")]),
        _ => {
            let base = reference::municipalities().clone().lazy();
            let named = |e: Expr| base.clone().select([e.alias("__name"), col("population")]);
            let half = |i: i64| {
                col("municipality")
                    .str()
                    .split(lit("/"))
                    .list()
                    .get(lit(i), true)
            };
            concat(
                [named(col("municipality")), named(half(0)), named(half(1))],
                UnionArgs::default(),
            )?
            .filter(col("__name").is_not_null())
            .select([territory_key(col("__name")).alias("__k"), col("population")])
            .unique_stable(None, UniqueKeepStrategy::First)
            .group_by([col("__k")])
            .agg([
                col("population")
                    .first()
                    .cast(DataType::Float64)
                    .alias("__pop"),
                len().alias("__n"),
            ])
            .filter(col("__n").eq(lit(1u32)))
            .select([col("__k"), col("__pop")])
        }
    })
}

/// Entity names (`__e`) with the population of `level` (`__pop`, null when unknown):
/// municipalities matched by their name key, provinces and regions by name.
fn with_population(names: LazyFrame, level: Field) -> PolarsResult<LazyFrame> {
    let left = JoinArgs::new(JoinType::Left);
    Ok(if level == Field::Municipality {
        names
            .with_column(territory_key(col("__e")).alias("__k"))
            .join(populations(level)?, [col("__k")], [col("__k")], left)
    } else {
        names.join(populations(level)?, [col("__e")], [col("__e")], left)
    })
}

fn aggregations() -> Vec<Expr> {
    let granted = col(Field::AmountGranted.name());
    let spent = col(Field::AmountSpent.name());
    let both = granted
        .clone()
        .is_not_null()
        .and(spent.clone().is_not_null());
    vec![
        len().cast(DataType::UInt64).alias("projects"),
        amount_expr().sum().alias("granted"),
        amount_expr()
            .count()
            .cast(DataType::UInt64)
            .alias("granted_n"),
        spent.clone().sum().alias("spent"),
        spent
            .clone()
            .count()
            .cast(DataType::UInt64)
            .alias("spent_n"),
        spent.filter(both.clone()).sum().alias("spent_both"),
        granted.filter(both).sum().alias("granted_both"),
        amount_expr().median().alias("median"),
        amount_expr().max().alias("max"),
        col(Field::StartDate.name()).min().alias("first_start"),
        coalesce(&[col(Field::EndDate.name()), col(Field::StartDate.name())])
            .max()
            .alias("last_end"),
        col(Field::Partners.name())
            .explode(ExplodeOptions {
                empty_as_null: false,
                keep_nulls: false,
            })
            .n_unique()
            .cast(DataType::UInt64)
            .alias("partners"),
        col(Field::Partners.name())
            .list()
            .len()
            .sum()
            .cast(DataType::UInt64)
            .alias("partners_named"),
    ]
}

fn date_at(frame: &DataFrame, column: &str, i: usize) -> PolarsResult<Option<NaiveDate>> {
    Ok(frame
        .column(column)?
        .as_materialized_series()
        .date()?
        .as_date_iter()
        .nth(i)
        .flatten())
}

/// Reads row `i` of an aggregated frame into stats (target groups and population come later).
fn stats_at(frame: &DataFrame, i: usize, key: String, total: f64) -> PolarsResult<Stats> {
    let f = |name: &str| -> PolarsResult<Option<f64>> {
        Ok(frame.column(name)?.cast(&DataType::Float64)?.f64()?.get(i))
    };
    let u = |name: &str| -> PolarsResult<u64> {
        Ok(frame
            .column(name)?
            .cast(&DataType::UInt64)?
            .u64()?
            .get(i)
            .unwrap_or(0))
    };
    let granted = (u("granted_n")? > 0)
        .then(|| f("granted"))
        .transpose()?
        .flatten();
    let granted_both = f("granted_both")?.unwrap_or(0.0);
    Ok(Stats {
        key,
        projects: u("projects")?,
        granted,
        spent: (u("spent_n")? > 0)
            .then(|| f("spent"))
            .transpose()?
            .flatten(),
        spent_share: (granted_both > 0.0)
            .then(|| f("spent_both").map(|s| s.unwrap_or(0.0) / granted_both))
            .transpose()?,
        median_grant: f("median")?,
        max_grant: f("max")?,
        share_of_total: granted.filter(|_| total > 0.0).map(|g| g / total),
        partners: (u("partners_named")? > 0)
            .then(|| u("partners"))
            .transpose()?,
        first_start: date_at(frame, "first_start", i)?,
        last_end: date_at(frame, "last_end", i)?,
        ..Stats::default()
    })
}

/// Projects reaching each target group, per entity (`__e`, group, n), largest first.
fn target_groups(rows: LazyFrame, target: Field, by_entity: bool) -> PolarsResult<DataFrame> {
    let name = target.name();
    let mut keys = vec![col(name)];
    if by_entity {
        keys.insert(0, col("__e"));
    }
    rows.select(if by_entity {
        vec![col("__e"), col(name)]
    } else {
        vec![col(name)]
    })
    .explode(
        cols([name]),
        ExplodeOptions {
            empty_as_null: false,
            keep_nulls: false,
        },
    )
    .filter(col(name).is_not_null())
    .group_by(keys)
    .agg([len().cast(DataType::UInt64).alias("__n")])
    .with_columns(if by_entity {
        vec![
            col("__e").cast(DataType::String),
            col(name).cast(DataType::String),
        ]
    } else {
        vec![col(name).cast(DataType::String)]
    })
    .sort_by_exprs(
        [col("__n"), col(name)],
        SortMultipleOptions::default().with_order_descending_multi([true, false]),
    )
    .collect()
}

fn groups_of(
    frame: &DataFrame,
    target: Field,
    entity: Option<&str>,
) -> PolarsResult<(u64, Vec<(String, u64)>)> {
    let names = frame.column(target.name())?.str()?;
    let counts = frame.column("__n")?.u64()?;
    let entities = match entity {
        Some(_) => Some(frame.column("__e")?.str()?),
        None => None,
    };
    let mut groups = Vec::new();
    for i in 0..frame.height() {
        if let (Some(e), Some(entities)) = (entity, entities)
            && entities.get(i) != Some(e)
        {
            continue;
        }
        if let (Some(n), Some(c)) = (names.get(i), counts.get(i)) {
            groups.push((n.to_string(), c));
        }
    }
    Ok((groups.len() as u64, groups))
}

fn per_population(mut s: Stats, population: Option<f64>) -> Stats {
    let population = population.filter(|p| *p > 0.0);
    s.population = population.map(|p| p.round() as u64);
    s.per_resident = match (s.granted, population) {
        (Some(g), Some(p)) => Some(g / p),
        _ => None,
    };
    s.projects_per_100k = population.map(|p| s.projects as f64 / p * 100_000.0);
    s
}

/// Compares `entities` (values of `by`) over the rows `filters` keep.
pub fn compare(
    table: &DataFrame,
    filters: &Filters,
    by: &Dimension,
    entities: &[String],
    reference_kind: Reference,
    target: Field,
) -> PolarsResult<Comparison> {
    let schema = table.schema();
    let column = by.column();
    let filtered = filters.apply(table.clone().lazy(), schema, None);
    // Names as they are stored (text, categories); dates and numbers as their text, as the
    // entities are named.
    let key = crate::data::categories::as_name(column.as_str(), schema.get(column.as_str()));
    let keyed = filtered.clone().with_column(key.alias("__e"));
    let chosen = Series::new("__chosen".into(), entities);
    let rows = keyed.clone().filter(
        col("__e")
            .is_in(lit(chosen).implode(false), false)
            .fill_null(lit(false)),
    );

    let total = filtered
        .clone()
        .select([amount_expr().sum().alias("t")])
        .collect()?
        .column("t")?
        .f64()?
        .get(0)
        .unwrap_or(0.0);
    let grouped = rows
        .clone()
        .group_by([col("__e")])
        .agg(aggregations())
        .with_column(col("__e").cast(DataType::String))
        .collect()?;
    let names = grouped.column("__e")?.str()?.clone();
    let level = population_level(by);
    let pops: Option<DataFrame> = match level {
        Some(l) => {
            let keys = df!("__e" => entities)?.lazy();
            Some(
                with_population(keys, l)?
                    .select([col("__e"), col("__pop")])
                    .collect()?,
            )
        }
        None => None,
    };
    let population_of = |e: &str| -> Option<f64> {
        let pops = pops.as_ref()?;
        let names = pops.column("__e").ok()?.str().ok()?;
        let values = pops.column("__pop").ok()?.f64().ok()?;
        (0..pops.height())
            .find(|i| names.get(*i) == Some(e))
            .and_then(|i| values.get(i))
    };
    let groups = target_groups(rows.clone(), target, true)?;

    let hidden: Vec<String> = match filters.values.get(&column) {
        Some(selected) => entities
            .iter()
            .filter(|e| !selected.contains(&Key::value(e.as_str())))
            .cloned()
            .collect(),
        None => Vec::new(),
    };
    let mut stats = Vec::new();
    for e in entities {
        let row = (0..grouped.height()).find(|i| names.get(*i) == Some(e.as_str()));
        let s = match row {
            Some(i) => stats_at(&grouped, i, e.clone(), total)?,
            None => Stats {
                key: e.clone(),
                ..Stats::default()
            },
        };
        let (count, top) = groups_of(&groups, target, Some(e))?;
        let s = Stats {
            target_group_count: count,
            target_groups: top,
            ..s
        };
        stats.push(per_population(s, population_of(e)));
    }

    let reference = reference_stats(
        &stats,
        reference_kind,
        if reference_kind == Reference::All {
            filtered
        } else {
            rows.drop(cols(["__e"]))
        },
        level,
        target,
        total,
    )?;
    Ok(Comparison {
        by: by.clone(),
        reference_kind,
        entities: stats,
        reference,
        hidden,
        has_population: level.is_some(),
        target,
    })
}

/// The reference column: all filtered rows as one entity, or the selection's average per
/// entity (sums and counts averaged, ratios and medians over the selection's projects).
fn reference_stats(
    entities: &[Stats],
    kind: Reference,
    rows: LazyFrame,
    level: Option<Field>,
    target: Field,
    total: f64,
) -> PolarsResult<Stats> {
    let pooled = rows.clone().select(aggregations()).collect()?;
    let mut s = stats_at(&pooled, 0, String::new(), total)?;
    let groups = target_groups(rows.clone(), target, false)?;
    let (count, top) = groups_of(&groups, target, None)?;
    s.target_group_count = count;
    s.target_groups = top;
    // Population of the reference: the selection's entities, or every entity of the level in
    // the filtered data (never mixing levels).
    let population: Option<f64> = match (kind, level) {
        (_, None) => None,
        (Reference::Selection, Some(_)) => {
            let known: Vec<u64> = entities.iter().filter_map(|e| e.population).collect();
            (known.len() == entities.len() && !known.is_empty())
                .then(|| known.iter().sum::<u64>() as f64)
        }
        (Reference::All, Some(l)) => {
            let present = rows
                .select([col(l.name()).cast(DataType::String).alias("__e")])
                .filter(col("__e").is_not_null())
                .unique(None, UniqueKeepStrategy::First);
            let present = with_population(present, l)?;
            let sums = present
                .select([
                    col("__pop").sum().alias("p"),
                    col("__pop")
                        .null_count()
                        .cast(DataType::UInt64)
                        .alias("missing"),
                ])
                .collect()?;
            let missing = sums.column("missing")?.u64()?.get(0).unwrap_or(0);
            (missing == 0)
                .then(|| sums.column("p").ok()?.f64().ok()?.get(0))
                .flatten()
        }
    };
    let mut s = per_population(s, population);
    if kind == Reference::Selection && !entities.is_empty() {
        let n = entities.len() as f64;
        let mean_u =
            |f: fn(&Stats) -> u64| (entities.iter().map(f).sum::<u64>() as f64 / n).round() as u64;
        let mean_opt = |f: fn(&Stats) -> Option<f64>| {
            let known: Vec<f64> = entities.iter().filter_map(f).collect();
            (!known.is_empty()).then(|| known.iter().sum::<f64>() / known.len() as f64)
        };
        s.projects = mean_u(|e| e.projects);
        s.granted = mean_opt(|e| e.granted);
        s.spent = mean_opt(|e| e.spent);
        s.max_grant = mean_opt(|e| e.max_grant);
        s.share_of_total = mean_opt(|e| e.share_of_total);
        s.partners = s.partners.map(|_| mean_u(|e| e.partners.unwrap_or(0)));
        s.population = s.population.map(|p| (p as f64 / n).round() as u64);
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> DataFrame {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day);
        let rows = df!(
            "lead_body" => ["A", "A", "B", "C"],
            "province" => ["Cuneo", "Cuneo", "Torino", "Asti"],
            "amount_granted" => [Some(100.0), Some(300.0), Some(50.0), None],
            "amount_spent" => [Some(80.0), None, Some(50.0), Some(10.0)],
            "start_date" => [d(2018, 1, 1), d(2019, 5, 1), d(2020, 1, 1), None],
            "end_date" => [d(2020, 12, 31), None, d(2021, 6, 30), None],
        )
        .unwrap();
        polars::functions::concat_df_diagonal(&[crate::data::schema::empty_table(), rows]).unwrap()
    }

    #[test]
    fn entities_side_by_side_with_an_average_reference() {
        let c = compare(
            &table(),
            &Filters::default(),
            &Dimension::Field(Field::LeadBody),
            &["A".into(), "B".into()],
            Reference::Selection,
            Field::VulnerableGroups,
        )
        .unwrap();
        let a = &c.entities[0];
        assert_eq!(a.projects, 2);
        assert_eq!(a.granted, Some(400.0));
        assert_eq!(a.spent, Some(80.0));
        assert_eq!(a.spent_share, Some(0.8), "only where both are known");
        assert_eq!(a.median_grant, Some(200.0));
        assert_eq!(a.max_grant, Some(300.0));
        assert_eq!(a.share_of_total, Some(400.0 / 460.0));
        assert_eq!(a.first_start, NaiveDate::from_ymd_opt(2018, 1, 1));
        assert_eq!(a.last_end, NaiveDate::from_ymd_opt(2020, 12, 31));
        assert_eq!(a.population, None, "lead bodies have no population");
        assert!(!c.has_population);
        // Reference: the average of A and B.
        assert_eq!(c.reference.projects, 2);
        assert_eq!(c.reference.granted, Some(225.0));
        assert_eq!(c.reference.spent_share, Some(130.0 / 150.0));
    }

    /// The command line compares by any column: dates and amounts are named as their text.
    #[test]
    fn entities_of_a_date_column_are_compared_by_their_text() {
        let t = table();
        let by = Dimension::Field(Field::StartDate);
        let names = crate::query::values::distinct(&t, &by).unwrap();
        let c = compare(
            &t,
            &Filters::default(),
            &by,
            &names[..2],
            Reference::Selection,
            Field::VulnerableGroups,
        )
        .unwrap();
        assert_eq!(c.entities.len(), 2);
        assert!(c.entities.iter().all(|e| e.projects > 0), "{names:?}");
        let charts = charts(
            &t,
            &Filters::default(),
            &c,
            false,
            &ChartLabels {
                granted: "g".into(),
                spent: "s".into(),
            },
        )
        .unwrap();
        assert_eq!(charts.years.series.len(), 2);
    }

    #[test]
    fn provinces_get_euros_per_resident_from_the_reference_populations() {
        let c = compare(
            &table(),
            &Filters::default(),
            &Dimension::Field(Field::Province),
            &["Cuneo".into(), "Torino".into()],
            Reference::All,
            Field::VulnerableGroups,
        )
        .unwrap();
        let pop = |name: &str| -> f64 {
            let p = reference::provinces();
            let names = p.column("province").unwrap().str().unwrap();
            let pops = p
                .column("population")
                .unwrap()
                .cast(&DataType::Float64)
                .unwrap();
            let pops = pops.f64().unwrap();
            (0..p.height())
                .find(|i| names.get(*i) == Some(name))
                .and_then(|i| pops.get(i))
                .unwrap()
        };
        let cuneo = &c.entities[0];
        assert_eq!(cuneo.population, Some(pop("Cuneo") as u64));
        assert_eq!(cuneo.per_resident, Some(400.0 / pop("Cuneo")));
        assert_eq!(
            cuneo.projects_per_100k,
            Some(2.0 / pop("Cuneo") * 100_000.0)
        );
        // All the filtered data: Cuneo, Torino and Asti together.
        assert_eq!(c.reference.projects, 4);
        assert_eq!(
            c.reference.population,
            Some((pop("Cuneo") + pop("Torino") + pop("Asti")) as u64)
        );
    }

    #[test]
    fn entities_the_compared_filter_hides_are_named() {
        let mut filters = Filters::default();
        filters.toggle("lead_body", Key::value("A"));
        let c = compare(
            &table(),
            &filters,
            &Dimension::Field(Field::LeadBody),
            &["A".into(), "B".into()],
            Reference::Selection,
            Field::VulnerableGroups,
        )
        .unwrap();
        assert_eq!(c.hidden, vec!["B".to_string()]);
        assert_eq!(c.entities[1].projects, 0);
        assert_eq!(c.entities[1].granted, None);
    }
}
