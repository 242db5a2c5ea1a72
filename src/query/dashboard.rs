//! Everything the dashboard shows for one set of filters, computed in one background pass:
//! KPIs, the overview charts, the explorer chart, filter counts, territory bubbles and the
//! filtered projects. Only aggregated rows (and the filtered table, read lazily by the
//! virtualised project list) reach the UI.

use std::time::{Duration, Instant};

use polars::prelude::*;

use super::chart::{ChartData, ChartSpec, Dimension, Measure, Sums, aggregate, aggregate_tallied};
use super::compare::{
    ChartLabels, CompareSettings, Comparison, Metric, charts as compare_charts, compare,
    is_comparable,
};
use super::filters::Filters;
use super::key::Key;
pub use super::kpis::Kpis;
use super::kpis::{kpis, kpis_of_rows, unreadable_among};
use super::projects::ProjectRows;
use super::territory::{self, TerritoryPoint};
use super::yearly::{YearlySpend, planned_by_year, planned_by_year_of_rows};
use crate::data::schema::Field;
use crate::data::tally::{Rows, tally};
use crate::i18n::Lang;

/// Counts of projects per value of one filterable column.
#[derive(Debug, Clone, PartialEq)]
pub struct Facet {
    pub column: String,
    pub values: Vec<(Key, u64)>,
}

/// The columns offered as filters, in the order the side panel shows them.
pub const FACETS: [Field; 8] = [
    Field::Programme,
    Field::Region,
    Field::Province,
    Field::LeadBody,
    Field::FundingSource,
    Field::AgeGroups,
    Field::Citizenship,
    Field::VulnerableGroups,
];

/// How the project list is sorted.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ProjectSort {
    pub column: Option<String>,
    pub descending: bool,
}

/// What the dashboard asks for.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub filters: Filters,
    pub explore: ChartSpec,
    pub target_dimension: Field,
    pub sort: ProjectSort,
    pub compare: CompareSettings,
    /// The language of the names the dashboard makes up (comparison series).
    pub lang: Lang,
    /// Rows whose amount could not be read (from the data-quality report).
    pub unreadable_amounts: std::sync::Arc<std::collections::BTreeSet<(String, u32)>>,
}

impl Default for Request {
    fn default() -> Self {
        Request {
            filters: Filters::default(),
            explore: ChartSpec::new(Dimension::Field(Field::LeadBody), Measure::Amount),
            target_dimension: Field::VulnerableGroups,
            sort: ProjectSort::default(),
            compare: CompareSettings::default(),
            lang: Lang::It,
            unreadable_amounts: Default::default(),
        }
    }
}

/// The Confronta tab: the entities side by side, their charts, and the values to choose from.
#[derive(Debug, Clone)]
pub struct CompareView {
    pub comparison: Comparison,
    pub measures: ChartData,
    pub profile: ChartData,
    pub years: ChartData,
}

/// A value the comparison can choose, with its projects and its name folded for searching.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    pub name: String,
    pub folded: String,
    pub projects: u64,
}

/// The values of the compared field with their projects (the global filters applied, except the
/// one on the field itself), largest first.
fn compare_choices(
    masked: &Masked,
    kept: Option<&IdxCa>,
    filtered: &LazyFrame,
    by: &Dimension,
) -> PolarsResult<Vec<Choice>> {
    let column = by.column();
    if masked.table.schema().get(column.as_str()).is_none() {
        return Ok(Vec::new());
    }
    let choice = |name: String, n: u64| Choice {
        folded: super::values::fold(&name),
        name,
        projects: n,
    };
    if !by.is_multi_valued(masked.table.schema())
        && let Some(counts) = tallied_counts(masked, kept, &column)?
    {
        return Ok(counts
            .into_iter()
            .filter_map(|(name, n)| Some(choice(name?, n)))
            .collect());
    }
    let counts = masked
        .rows_but(column.as_str(), filtered)
        .select([col(column.as_str()).alias("__v")])
        .filter(col("__v").is_not_null())
        .group_by([col("__v")])
        .agg([len().cast(DataType::UInt64).alias("n")])
        .with_column(col("__v").cast(DataType::String))
        .sort_by_exprs(
            [col("n"), col("__v")],
            SortMultipleOptions::default().with_order_descending_multi([true, false]),
        )
        .collect()?;
    let names = counts.column("__v")?.str()?;
    let ns = counts.column("n")?.u64()?;
    Ok(names
        .iter()
        .zip(ns.iter())
        .filter_map(|(k, n)| Some(choice(k?.to_string(), n.unwrap_or(0))))
        .collect())
}

fn compare_view(table: &DataFrame, request: &Request) -> PolarsResult<Option<CompareView>> {
    let settings = &request.compare;
    if settings.entities.is_empty() || !is_comparable(&settings.by, table.schema()) {
        return Ok(None);
    }
    let comparison = compare(
        table,
        &request.filters,
        &settings.by,
        &settings.entities,
        settings.reference,
        request.target_dimension,
    )?;
    let lang = request.lang;
    let labels = ChartLabels {
        granted: lang.metric(Metric::Granted).to_string(),
        spent: lang.metric(Metric::Spent).to_string(),
    };
    let charts = compare_charts(
        table,
        &request.filters,
        &comparison,
        settings.per_resident && comparison.has_population,
        &labels,
    )?;
    Ok(Some(CompareView {
        comparison,
        measures: charts.measures,
        profile: charts.profile,
        years: charts.years,
    }))
}

/// What the dashboard shows.
#[derive(Debug, Clone)]
pub struct Dashboard {
    pub kpis: Kpis,
    pub by_programme: ChartData,
    pub by_province: ChartData,
    pub by_target: ChartData,
    pub yearly: YearlySpend,
    /// The planned spend per year as chart data (the undated projects last).
    pub by_year: ChartData,
    pub explore: ChartData,
    pub facets: Vec<Facet>,
    /// Bubbles on the provinces (shared, so the map's hover text holds them without a copy).
    pub territory: std::sync::Arc<Vec<TerritoryPoint>>,
    /// Bubbles on the municipalities the shipped reference can place.
    pub municipalities: std::sync::Arc<Vec<TerritoryPoint>>,
    /// Municipality names in the filtered data that the reference cannot place.
    pub unplaced_municipalities: u64,
    pub by_municipality: ChartData,
    /// The filtered projects, listed in the order asked.
    pub projects: super::projects::ProjectRows,
    /// Selected filter values no project has (e.g. named by a saved view).
    pub absent_filters: Vec<(String, Key)>,
    /// The comparison, when entities are chosen.
    pub compare: Option<CompareView>,
    /// The values the comparison can choose from, with their projects.
    pub compare_choices: Vec<Choice>,
    pub elapsed: Duration,
    /// How long each part took.
    pub parts: PartTimes,
}

/// The table with one boolean column per active filter condition (`__m0`, `__m1`, …), each
/// evaluated once, and the key of each condition.
struct Masked {
    table: DataFrame,
    keys: Vec<String>,
}

impl Masked {
    fn new(table: &DataFrame, filters: &Filters) -> PolarsResult<Masked> {
        let conditions = filters.conditions(table.schema());
        let keys = conditions.iter().map(|(k, _)| k.clone()).collect();
        let table = if conditions.is_empty() {
            table.clone()
        } else {
            table
                .clone()
                .lazy()
                .with_columns(
                    conditions
                        .into_iter()
                        .enumerate()
                        .map(|(i, (_, e))| e.alias(format!("__m{i}")))
                        .collect::<Vec<_>>(),
                )
                .collect()?
        };
        Ok(Masked { table, keys })
    }

    /// The rows passing every condition but the one on `except`: when no condition is on
    /// `except`, simply the `filtered` rows (already gathered).
    fn rows_but(&self, except: &str, filtered: &LazyFrame) -> LazyFrame {
        if self.keys.iter().any(|k| k == except) {
            self.rows(Some(except))
        } else {
            filtered.clone()
        }
    }

    /// The rows passing every condition but the one on `except`.
    fn rows(&self, except: Option<&str>) -> LazyFrame {
        let lf = self.table.clone().lazy();
        match self.mask(except) {
            Some(m) => lf.filter(m),
            None => lf,
        }
    }

    /// Every condition but the one on `except`, together; `None` when none is left.
    fn mask(&self, except: Option<&str>) -> Option<Expr> {
        self.keys
            .iter()
            .enumerate()
            .filter(|(_, k)| Some(k.as_str()) != except)
            .map(|(i, _)| col(format!("__m{i}")))
            .reduce(|a, b| a.and(b))
    }

    /// The rows passing every condition but the one on `except` (every condition when `None`),
    /// in the table's order; `None` when nothing filters them.
    fn kept_rows(&self, except: Option<&str>) -> PolarsResult<Option<IdxCa>> {
        let Some(mask) = self.mask(except) else {
            return Ok(None);
        };
        let kept = self
            .table
            .clone()
            .lazy()
            .with_row_index("__i", None)
            .filter(mask)
            .select([col("__i")])
            .collect()?;
        Ok(Some(kept.column("__i")?.idx()?.clone()))
    }
}

/// The columns the dashboard's aggregates read: all but the free text of each project (code,
/// title, abstract, outcome), its partners (lists are the dearest to gather), where it came from
/// and the files' own other columns, unless a chart (Esplora's, the target groups') or the
/// comparison is by one of them or the KPIs must leave out particular rows.
fn aggregated_columns(table: &DataFrame, request: &Request) -> Vec<String> {
    let mut named = vec![
        request.explore.dimension.column(),
        request.compare.by.column(),
        request.target_dimension.name().to_string(),
    ];
    named.extend(request.explore.split.iter().map(Dimension::column));
    let by_row = !request.unreadable_amounts.is_empty();
    let origin = [crate::data::schema::SOURCE, crate::data::schema::SOURCE_ROW];
    table
        .get_column_names()
        .into_iter()
        .map(|n| n.to_string())
        .filter(|name| {
            let canonical = Field::parse(name).filter(|f| f.name() == name);
            let free_text = canonical.is_some_and(|f| {
                f.kind() == crate::data::schema::Kind::Text || f == Field::Partners
            });
            let origin_column = origin.contains(&name.as_str());
            let extra = canonical.is_none() && !origin_column;
            let from = origin_column && !by_row;
            !(free_text || from || extra) || named.contains(name)
        })
        .collect()
}

/// The query counting the values of `field` among the rows the other filters keep.
fn facet_query(masked: &Masked, filtered: &LazyFrame, field: Field) -> LazyFrame {
    let schema = masked.table.schema();
    let name = field.name();
    let lf = masked.rows_but(name, filtered).select([col(name)]);
    let lf = if matches!(schema.get(name), Some(DataType::List(_))) {
        lf.explode(
            cols([name]),
            ExplodeOptions {
                empty_as_null: true,
                keep_nulls: true,
            },
        )
    } else {
        lf
    };
    lf.group_by([col(name)])
        .agg([len().cast(DataType::UInt64).alias("n")])
        .with_column(col(name).cast(DataType::String))
        .sort_by_exprs(
            [col("n"), col(name)],
            SortMultipleOptions::default().with_order_descending_multi([true, false]),
        )
}

/// The facet of `field` from its counts ([`facet_query`]).
fn facet_of(counts: &DataFrame, field: Field) -> PolarsResult<Facet> {
    let name = field.name();
    let keys = counts.column(name)?.str()?;
    let ns = counts.column("n")?.u64()?;
    Ok(Facet {
        column: name.to_string(),
        values: keys
            .iter()
            .zip(ns.iter())
            .map(|(k, n)| {
                let key = k.map(Key::value).unwrap_or(Key::Missing);
                (key, n.unwrap_or(0))
            })
            .collect(),
    })
}

/// Every facet the filters changed: tallied when its column is stored as categories, the others
/// counted by polars in one run (side by side, sharing their common parts); the rest are taken
/// from `known`.
fn facets(
    masked: &Masked,
    kept: Option<&IdxCa>,
    filtered: &LazyFrame,
    filters: &Filters,
    known: &dyn Fn(Field, &Filters) -> Option<Facet>,
) -> PolarsResult<Vec<Facet>> {
    let mut facets: Vec<Option<Facet>> = FACETS.iter().map(|f| known(*f, filters)).collect();
    for (slot, field) in facets.iter_mut().zip(FACETS) {
        if slot.is_none() {
            *slot = tallied_facet(masked, kept, field)?;
        }
    }
    let todo: Vec<Field> = FACETS
        .iter()
        .zip(&facets)
        .filter(|(_, done)| done.is_none())
        .map(|(f, _)| *f)
        .collect();
    let plans = todo
        .iter()
        .map(|f| facet_query(masked, filtered, *f).logical_plan)
        .collect();
    let counts = LazyFrame::collect_all_with_engine(plans, Engine::Auto, OptFlags::default())?;
    let mut counted = todo.iter().zip(&counts);
    for slot in facets.iter_mut().filter(|f| f.is_none()) {
        let (field, counts) = counted.next().expect("one result per query");
        *slot = Some(facet_of(counts, *field)?);
    }
    Ok(facets.into_iter().flatten().collect())
}

/// The facet of `field` by counting its category codes over the rows the other filters keep
/// ([`tally`]), ordered as [`facet_query`] orders them; `None` when the column is not stored as
/// categories (or absent).
fn tallied_facet(
    masked: &Masked,
    kept: Option<&IdxCa>,
    field: Field,
) -> PolarsResult<Option<Facet>> {
    Ok(
        tallied_counts(masked, kept, field.name())?.map(|values| Facet {
            column: field.name().to_string(),
            values: values
                .into_iter()
                .map(|(k, n)| (k.map(Key::value).unwrap_or(Key::Missing), n))
                .collect(),
        }),
    )
}

/// A value (`None`: none) and its projects.
type Counted = (Option<String>, u64);

/// The projects per value of `column` (`None`: without one) among the rows every filter but
/// the one on `column` keeps, most first, ties by name with the missing before the names;
/// `None` when the column is not stored as categories (or absent).
fn tallied_counts(
    masked: &Masked,
    kept: Option<&IdxCa>,
    column: &str,
) -> PolarsResult<Option<Vec<Counted>>> {
    let Ok(values) = masked.table.column(column) else {
        return Ok(None);
    };
    let own = masked.keys.iter().any(|k| k == column);
    let others = if own {
        masked.kept_rows(Some(column))?
    } else {
        None
    };
    let rows = match (own, &others) {
        (true, Some(rows)) => Rows::Only(rows),
        (true, None) => Rows::All,
        (false, _) => kept.map(Rows::Only).unwrap_or(Rows::All),
    };
    let Some(counted) = tally(values, None, rows)? else {
        return Ok(None);
    };
    let mut counts: Vec<Counted> = counted
        .named
        .into_iter()
        .map(|(name, b)| (Some(name), b.rows))
        .collect();
    if counted.missing.rows > 0 {
        counts.push((None, counted.missing.rows));
    }
    counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Ok(Some(counts))
}

/// The programmes of a table, largest amount first: the order colours are assigned in, so a
/// programme has the same colour on screen and in every file.
pub fn programmes_by_amount(table: &DataFrame) -> Vec<String> {
    super::summary::summarise(table, Some(Field::Programme.name()))
        .map(|s| {
            s.groups
                .into_iter()
                .filter_map(|g| g.key.as_value().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// First and last year with projects (start years, end years), for the period filter.
pub fn year_bounds(table: &DataFrame) -> Option<(i32, i32)> {
    let years = table
        .clone()
        .lazy()
        .select([
            col(Field::StartDate.name()).dt().year().min().alias("lo"),
            coalesce(&[col(Field::EndDate.name()), col(Field::StartDate.name())])
                .dt()
                .year()
                .max()
                .alias("hi"),
        ])
        .collect()
        .ok()?;
    let lo = years.column("lo").ok()?.i32().ok()?.get(0)?;
    let hi = years.column("hi").ok()?.i32().ok()?.get(0)?;
    Some((lo, hi))
}

/// How long each part of one dashboard took (for `cruscotto bench`).
#[derive(Debug, Clone, Default)]
pub struct PartTimes(pub Vec<(&'static str, Duration)>);

impl PartTimes {
    fn time<T>(&mut self, part: &'static str, task: impl FnOnce() -> T) -> T {
        let started = Instant::now();
        let value = task();
        self.0.push((part, started.elapsed()));
        value
    }
}

/// What is already known for the same table (see [`super::memo`]).
#[derive(Clone, Copy)]
pub struct Known<'a> {
    /// Facets already counted: a facet ignores its own field's filter, so one counted under
    /// other filters that differ only on that field still holds.
    pub facet: &'a dyn Fn(Field, &Filters) -> Option<Facet>,
    /// A dashboard computed for the same filters (another chart, another order, another
    /// comparison): the parts that do not depend on what changed are taken from it.
    pub same_filters: Option<(&'a Request, &'a Dashboard)>,
}

impl Known<'_> {
    /// Nothing known: everything is computed.
    pub const NOTHING: Known<'static> = Known {
        facet: &|_, _| None,
        same_filters: None,
    };
}

/// Which parts of a dashboard for the same filters still hold for `request`.
struct Reusable<'a> {
    earlier: Option<&'a Dashboard>,
    /// The earlier projects, already in the order asked (else listed anew, from the same rows).
    projects_in_order: bool,
    target: bool,
    explore: bool,
    compare: bool,
    compare_choices: bool,
}

impl<'a> Reusable<'a> {
    fn new(request: &Request, known: Known<'a>) -> Reusable<'a> {
        let Some((asked, earlier)) = known.same_filters.filter(|(r, _)| {
            r.filters == request.filters && r.unreadable_amounts == request.unreadable_amounts
        }) else {
            return Reusable {
                earlier: None,
                projects_in_order: false,
                target: false,
                explore: false,
                compare: false,
                compare_choices: false,
            };
        };
        Reusable {
            earlier: Some(earlier),
            projects_in_order: asked.sort == request.sort,
            target: asked.target_dimension == request.target_dimension,
            explore: asked.explore == request.explore,
            compare: asked.compare == request.compare
                && asked.target_dimension == request.target_dimension
                && asked.lang == request.lang,
            compare_choices: asked.compare.by == request.compare.by,
        }
    }

    /// The earlier dashboard's part, when `still_holds`; otherwise `compute`d.
    fn or_compute<T: Clone>(
        &self,
        still_holds: bool,
        part: impl FnOnce(&Dashboard) -> &T,
        compute: impl FnOnce() -> PolarsResult<T>,
    ) -> PolarsResult<T> {
        match self.earlier {
            Some(d) if still_holds => Ok(part(d).clone()),
            _ => compute(),
        }
    }

    /// Whether the parts that depend on the filters alone hold.
    fn filtered(&self) -> bool {
        self.earlier.is_some()
    }

    /// Whether every part holds but (perhaps) the order of the projects.
    fn all_but_the_order(&self) -> bool {
        self.earlier.is_some()
            && self.target
            && self.explore
            && self.compare
            && self.compare_choices
    }
}

/// Computes the whole dashboard for `request` over `table`.
pub fn compute(table: &DataFrame, request: &Request) -> PolarsResult<Dashboard> {
    compute_with(table, request, Known::NOTHING)
}

/// [`compute`], taking what `known` holds instead of computing it again.
pub fn compute_with(
    table: &DataFrame,
    request: &Request,
    known: Known<'_>,
) -> PolarsResult<Dashboard> {
    let started = Instant::now();
    let mut t = PartTimes::default();
    let schema = table.schema();
    let reuse = Reusable::new(request, known);
    let same = reuse.filtered();
    // Only the order of the list changed (a click on a column header): nothing is read again.
    if let Some(d) = reuse.earlier.filter(|_| reuse.all_but_the_order()) {
        let projects = t.time("filtered projects", || {
            if reuse.projects_in_order {
                Ok(d.projects.clone())
            } else {
                d.projects.sorted(&request.sort)
            }
        })?;
        return Ok(Dashboard {
            projects,
            elapsed: started.elapsed(),
            parts: t,
            ..d.clone()
        });
    }
    let masked = t.time("filter masks", || Masked::new(table, &request.filters))?;
    let kept = t.time("kept rows", || match reuse.earlier {
        Some(d) if same => Ok(d.projects.kept().cloned()),
        _ => masked.kept_rows(None),
    })?;
    let rows = kept.as_ref().map(Rows::Only).unwrap_or(Rows::All);
    let projects = t.time("filtered projects", || match reuse.earlier {
        Some(d) if reuse.projects_in_order => Ok(d.projects.clone()),
        Some(d) => d.projects.sorted(&request.sort),
        None => ProjectRows::new(table.clone(), kept.clone(), &request.sort),
    })?;
    // The filtered rows, for the parts polars groups: each reads only its own columns.
    let filtered = masked.rows(None).select(
        aggregated_columns(table, request)
            .iter()
            .map(|c| col(c.as_str()))
            .collect::<Vec<_>>(),
    );
    // The amounts, read once when a part first needs them (`None`: left to polars).
    let amounts = std::cell::OnceCell::new();
    let sums = || amounts.get_or_init(|| Sums::of(table).ok()).as_ref();
    let aggregate_spec = |spec: &ChartSpec| -> PolarsResult<ChartData> {
        if let Some(sums) = sums()
            && let Some(chart) = aggregate_tallied(table, sums, rows, spec)?
        {
            return Ok(chart);
        }
        aggregate(filtered.clone(), schema, spec)
    };
    let chart = |dimension: Dimension, measure: Measure| {
        aggregate_spec(&ChartSpec::new(dimension, measure))
    };
    let target = Dimension::Field(request.target_dimension);
    let (municipality_points, unplaced_municipalities) =
        t.time("municipalities", || -> PolarsResult<_> {
            match reuse.earlier {
                Some(d) if same => Ok((d.municipalities.clone(), d.unplaced_municipalities)),
                _ => {
                    if let Some(amounts) = sums().and_then(Sums::amount)
                        && let Some((points, unplaced)) =
                            territory::municipalities_of_rows(table, &amounts, rows)?
                    {
                        return Ok((std::sync::Arc::new(points), unplaced));
                    }
                    let (points, unplaced) = territory::municipalities(&filtered, schema)?;
                    Ok((std::sync::Arc::new(points), unplaced))
                }
            }
        })?;
    let yearly = t.time("years", || {
        reuse.or_compute(
            same,
            |d| &d.yearly,
            || {
                if let Some(amounts) = sums().and_then(Sums::amount)
                    && let Some(years) = planned_by_year_of_rows(table, &amounts, rows)?
                {
                    return Ok(years);
                }
                planned_by_year(filtered.clone())
            },
        )
    })?;
    let kpis = t.time("kpis", || {
        reuse.or_compute(
            same,
            |d| &d.kpis,
            || {
                let unreadable = &request.unreadable_amounts;
                if let Some(sums) = sums()
                    && let Some(k) =
                        kpis_of_rows(table, sums, rows, unreadable_among(&filtered, unreadable)?)?
                {
                    return Ok(k);
                }
                kpis(table, &filtered, unreadable)
            },
        )
    })?;
    let by_programme = t.time("chart: programme", || {
        reuse.or_compute(
            same,
            |d| &d.by_programme,
            || chart(Dimension::Field(Field::Programme), Measure::Amount),
        )
    })?;
    let by_province = t.time("chart: province", || {
        reuse.or_compute(
            same,
            |d| &d.by_province,
            || chart(Dimension::Field(Field::Province), Measure::Amount),
        )
    })?;
    let by_target = t.time("chart: target", || {
        reuse.or_compute(
            reuse.target,
            |d| &d.by_target,
            || chart(target, Measure::Amount),
        )
    })?;
    let explore = t.time("chart: explore", || {
        reuse.or_compute(
            reuse.explore,
            |d| &d.explore,
            || aggregate_spec(&request.explore),
        )
    })?;
    let facets = t.time("facets", || {
        reuse.or_compute(
            same,
            |d| &d.facets,
            || {
                facets(
                    &masked,
                    kept.as_ref(),
                    &filtered,
                    &request.filters,
                    known.facet,
                )
            },
        )
    })?;
    let territory = t.time("provinces", || {
        reuse.or_compute(
            same,
            |d| &d.territory,
            || {
                if let Some(amounts) = sums().and_then(Sums::amount)
                    && let Some(points) = territory::provinces_of_rows(table, &amounts, rows)?
                {
                    return Ok(std::sync::Arc::new(points));
                }
                territory::provinces(&filtered).map(std::sync::Arc::new)
            },
        )
    })?;
    let by_municipality = t.time("chart: municipality", || {
        reuse.or_compute(
            same,
            |d| &d.by_municipality,
            || chart(Dimension::Field(Field::Municipality), Measure::Amount),
        )
    })?;
    let absent_filters = t.time("absent filters", || {
        reuse.or_compute(
            same,
            |d| &d.absent_filters,
            || super::values::absent(table, &request.filters),
        )
    })?;
    let compare = t.time("compare", || {
        reuse.or_compute(
            reuse.compare,
            |d| &d.compare,
            || compare_view(table, request),
        )
    })?;
    let compare_choices = t.time("compare choices", || {
        reuse.or_compute(
            reuse.compare_choices,
            |d| &d.compare_choices,
            || compare_choices(&masked, kept.as_ref(), &filtered, &request.compare.by),
        )
    })?;
    Ok(Dashboard {
        kpis,
        by_programme,
        by_province,
        by_target,
        by_year: yearly.to_chart(),
        yearly,
        explore,
        facets,
        territory,
        municipalities: municipality_points,
        unplaced_municipalities,
        by_municipality,
        projects,
        absent_filters,
        compare,
        compare_choices,
        elapsed: started.elapsed(),
        parts: t,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::sample;

    #[test]
    fn kpis_follow_the_filters() {
        let d = sample::load().unwrap();
        let all = compute(&d.table, &Request::default()).unwrap();
        assert_eq!(all.kpis.projects, 34);
        assert_eq!(all.kpis.all_projects, 34);
        let mut request = Request::default();
        request
            .filters
            .toggle("programme", Key::value("WeCaRe Misura 1"));
        let wecare = compute(&d.table, &request).unwrap();
        assert_eq!(wecare.kpis.projects, 22);
        assert_eq!(wecare.kpis.granted, 6_400_000.0);
        assert_eq!(wecare.kpis.lead_bodies, Some(22));
        assert_eq!(wecare.kpis.territories, Some(7));
        // The programme facet ignores its own filter: both programmes keep their counts.
        let programmes = &wecare.facets[0];
        assert_eq!(programmes.column, "programme");
        assert!(
            programmes
                .values
                .iter()
                .any(|(k, n)| k.as_value() == Some("WeCaRe Misura 1") && *n == 22)
        );
        assert!(programmes.values.len() > 1);
        // Other facets follow the programme filter: Torino has 10 WeCaRe projects.
        let provinces = wecare
            .facets
            .iter()
            .find(|f| f.column == "province")
            .unwrap();
        assert!(
            provinces
                .values
                .iter()
                .any(|(k, n)| k.as_value() == Some("Torino") && *n == 10)
        );
        assert_eq!(provinces.values.iter().map(|(_, n)| n).sum::<u64>(), 22);
        // Bubbles sit on the reference coordinates.
        let torino = wecare
            .territory
            .iter()
            .find(|p| p.name == "Torino")
            .unwrap();
        assert_eq!(torino.projects, 10);
        assert!((torino.lat - 45.07).abs() < 0.1);
        assert_eq!(year_bounds(&d.table), Some((2015, 2022)));
    }

    /// A dashboard for the same filters, another chart asked: the parts taken from it (the kept
    /// rows among them) give what a dashboard computed afresh gives.
    #[test]
    fn parts_reused_under_filters_are_the_parts_computed_afresh() {
        let d = sample::load().unwrap();
        let mut request = Request::default();
        request
            .filters
            .toggle("programme", Key::value("WeCaRe Misura 1"));
        let first = compute(&d.table, &request).unwrap();
        let mut other = request.clone();
        other.explore = ChartSpec::new(Dimension::Field(Field::Province), Measure::Count);
        let reused = compute_with(
            &d.table,
            &other,
            Known {
                facet: &|_, _| None,
                same_filters: Some((&request, &first)),
            },
        )
        .unwrap();
        let fresh = compute(&d.table, &other).unwrap();
        assert_eq!(reused.explore, fresh.explore);
        assert_eq!(reused.explore.projects, 22);
        assert_eq!(reused.kpis, fresh.kpis);
        assert_eq!(reused.projects.height(), 22);
        let rows = |d: &Dashboard| {
            d.projects
                .kept()
                .map(|k| k.into_no_null_iter().collect::<Vec<_>>())
        };
        assert_eq!(rows(&reused), rows(&fresh));
        assert_eq!(rows(&reused).map(|r| r.len()), Some(22));
    }

    /// Filter counts and comparison choices counted by category codes are the counts polars
    /// groups from the same names as text.
    #[test]
    fn counts_by_codes_are_the_counts_of_the_names_as_text() {
        let d = sample::load().unwrap();
        let mut request = Request::default();
        request
            .filters
            .toggle("programme", Key::value("WeCaRe Misura 1"));
        request.filters.toggle("province", Key::value("Torino"));
        request.compare.by = Dimension::Field(Field::LeadBody);
        let as_text = d
            .table
            .clone()
            .lazy()
            .with_columns(
                Field::columns()
                    .filter_map(|f| {
                        let dtype = d.table.schema().get(f.name())?.clone();
                        Some(col(f.name()).cast(crate::data::categories::as_text(&dtype)))
                    })
                    .collect::<Vec<_>>(),
            )
            .collect()
            .unwrap();
        assert_eq!(
            as_text.column("lead_body").unwrap().dtype(),
            &DataType::String
        );
        let coded = compute(&d.table, &request).unwrap();
        let grouped = compute(&as_text, &request).unwrap();
        assert_eq!(coded.facets, grouped.facets);
        assert!(coded.facets.iter().all(|f| !f.values.is_empty()));
        assert_eq!(coded.compare_choices, grouped.compare_choices);
        assert!(!coded.compare_choices.is_empty());
        // Every other part too: counted by codes over the kept rows, grouped by polars over
        // the names as text.
        let near = |a: f64, b: f64| (a - b).abs() <= 1e-9 * (1.0 + a.abs().max(b.abs()));
        let (k, g) = (&coded.kpis, &grouped.kpis);
        assert_eq!(
            (k.projects, k.lead_bodies, k.territories),
            (g.projects, g.lead_bodies, g.territories)
        );
        assert!(near(k.granted, g.granted) && k.projects > 0);
        assert!(near(k.median_grant.unwrap(), g.median_grant.unwrap()));
        assert!(near(k.spent_share.unwrap(), g.spent_share.unwrap()));
        let charts = |d: &Dashboard| {
            [
                d.by_programme.clone(),
                d.by_province.clone(),
                d.by_target.clone(),
                d.by_municipality.clone(),
                d.explore.clone(),
            ]
        };
        for (a, b) in charts(&coded).iter().zip(charts(&grouped).iter()) {
            assert_eq!((&a.categories, &a.counts), (&b.categories, &b.counts));
            assert!(!a.categories.is_empty());
            assert_eq!(a.projects, b.projects);
            assert!(near(a.total, b.total));
            let (va, vb) = (&a.series[0].values, &b.series[0].values);
            assert!(
                va.iter().zip(vb).all(|(x, y)| near(*x, *y)),
                "{va:?} {vb:?}"
            );
        }
        let bubbles = |p: &[territory::TerritoryPoint]| {
            p.iter()
                .map(|b| (b.name.clone(), b.context.clone(), b.projects, b.amount))
                .collect::<Vec<_>>()
        };
        for (a, b) in [
            (&coded.territory, &grouped.territory),
            (&coded.municipalities, &grouped.municipalities),
        ] {
            let (a, b) = (bubbles(a), bubbles(b));
            assert_eq!(a.len(), b.len());
            assert!(!a.is_empty());
            assert!(
                a.iter()
                    .zip(&b)
                    .all(|(x, y)| x.0 == y.0 && x.1 == y.1 && x.2 == y.2 && near(x.3, y.3))
            );
        }
        assert_eq!(coded.yearly, grouped.yearly);
    }

    /// The aggregates read only some columns of the filtered rows; a chart by one left out
    /// otherwise (partners, the title) still gets it, and the project list keeps every column.
    #[test]
    fn a_chart_by_a_column_the_aggregates_skip_reads_it() {
        let d = sample::load().unwrap();
        let mut request = Request::default();
        request
            .filters
            .toggle("programme", Key::value("WeCaRe Misura 1"));
        for dimension in [
            Dimension::Field(Field::Partners),
            Dimension::Field(Field::Title),
            // A column of the files themselves.
            Dimension::Column("Quadrante".into()),
        ] {
            request.explore = ChartSpec::new(dimension.clone(), Measure::Count);
            let dashboard = compute(&d.table, &request).unwrap();
            let direct =
                super::super::chart::query(&d.table, &request.filters, &request.explore).unwrap();
            assert_eq!(dashboard.explore, direct, "{dimension:?}");
            assert!(!direct.categories.is_empty(), "{dimension:?}");
            assert_eq!(dashboard.projects.height(), 22);
            assert!(dashboard.projects.has_column(Field::Title.name()));
            assert!(dashboard.projects.value(Field::Title.name(), 0).is_some());
        }
        // The target-groups chart by a field a saved view may name (partners).
        request.target_dimension = Field::Partners;
        let dashboard = compute(&d.table, &request).unwrap();
        let spec = ChartSpec::new(Dimension::Field(Field::Partners), Measure::Amount);
        let direct = super::super::chart::query(&d.table, &request.filters, &spec).unwrap();
        assert_eq!(dashboard.by_target, direct);
    }
}
