//! Everything the dashboard shows for one set of filters, computed in one background pass:
//! KPIs, the overview charts, the explorer chart, filter counts, territory bubbles and the
//! filtered projects. Only aggregated rows (and the filtered table, read lazily by the
//! virtualised project list) reach the UI.

use std::time::{Duration, Instant};

use polars::prelude::*;

use super::chart::{ChartData, ChartSpec, Dimension, Measure, aggregate};
use super::filters::Filters;
use super::summary::{NO_VALUE, amount_expr};
use super::yearly::{YearlySpend, planned_by_year};
use crate::data::reference;
use crate::data::schema::Field;

/// The headline numbers.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Kpis {
    pub projects: u64,
    pub all_projects: u64,
    pub granted: f64,
    pub spent: Option<f64>,
    /// Spent ÷ granted over the projects where both are known.
    pub spent_share: Option<f64>,
    pub lead_bodies: u64,
    pub territories: u64,
    pub median_grant: Option<f64>,
}

/// Counts of projects per value of one filterable column.
#[derive(Debug, Clone, PartialEq)]
pub struct Facet {
    pub column: String,
    pub values: Vec<(String, u64)>,
}

/// One bubble of the territory map: a province or a municipality.
#[derive(Debug, Clone, PartialEq)]
pub struct TerritoryPoint {
    /// The value as it appears in the data (what clicking the bubble filters on).
    pub name: String,
    /// Where it is: the region for a province, "province, region" for a municipality.
    pub context: String,
    pub lat: f64,
    pub lon: f64,
    pub amount: f64,
    pub projects: u64,
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
}

impl Default for Request {
    fn default() -> Self {
        Request {
            filters: Filters::default(),
            explore: ChartSpec::new(Dimension::Field(Field::LeadBody), Measure::Amount),
            target_dimension: Field::VulnerableGroups,
            sort: ProjectSort::default(),
        }
    }
}

/// What the dashboard shows.
#[derive(Debug, Clone)]
pub struct Dashboard {
    pub kpis: Kpis,
    pub by_programme: ChartData,
    pub by_province: ChartData,
    pub by_target: ChartData,
    pub yearly: YearlySpend,
    pub explore: ChartData,
    pub facets: Vec<Facet>,
    pub territory: Vec<TerritoryPoint>,
    /// Bubbles on the municipalities the shipped reference can place.
    pub municipalities: Vec<TerritoryPoint>,
    /// Municipality names in the filtered data that the reference cannot place.
    pub unplaced_municipalities: u64,
    pub by_municipality: ChartData,
    /// The filtered projects, sorted as asked.
    pub projects: DataFrame,
    pub elapsed: Duration,
}

fn kpis(filtered: &LazyFrame, all_projects: u64) -> PolarsResult<Kpis> {
    let granted = col(Field::AmountGranted.name());
    let spent = col(Field::AmountSpent.name());
    let both = granted
        .clone()
        .is_not_null()
        .and(spent.clone().is_not_null());
    let row = filtered
        .clone()
        .select([
            len().cast(DataType::UInt64).alias("projects"),
            amount_expr().sum().alias("granted"),
            spent.clone().sum().alias("spent"),
            spent
                .clone()
                .count()
                .cast(DataType::UInt64)
                .alias("spent_n"),
            spent.clone().filter(both.clone()).sum().alias("spent_both"),
            granted.clone().filter(both).sum().alias("granted_both"),
            col(Field::LeadBody.name())
                .drop_nulls()
                .n_unique()
                .cast(DataType::UInt64)
                .alias("bodies"),
            col(Field::Province.name())
                .drop_nulls()
                .n_unique()
                .cast(DataType::UInt64)
                .alias("territories"),
            amount_expr().median().alias("median"),
        ])
        .collect()?;
    let f = |name: &str| -> PolarsResult<Option<f64>> {
        Ok(row.column(name)?.cast(&DataType::Float64)?.f64()?.get(0))
    };
    let u = |name: &str| -> PolarsResult<u64> { Ok(row.column(name)?.u64()?.get(0).unwrap_or(0)) };
    let spent_n = u("spent_n")?;
    let granted_both = f("granted_both")?.unwrap_or(0.0);
    Ok(Kpis {
        projects: u("projects")?,
        all_projects,
        granted: f("granted")?.unwrap_or(0.0),
        spent: if spent_n > 0 { f("spent")? } else { None },
        spent_share: (granted_both > 0.0)
            .then(|| f("spent_both").ok().flatten().unwrap_or(0.0) / granted_both),
        lead_bodies: u("bodies")?,
        territories: u("territories")?,
        median_grant: f("median")?,
    })
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

    /// The rows passing every condition but the one on `except`.
    fn rows(&self, except: Option<&str>) -> LazyFrame {
        let mask = self
            .keys
            .iter()
            .enumerate()
            .filter(|(_, k)| Some(k.as_str()) != except)
            .map(|(i, _)| col(format!("__m{i}")))
            .reduce(|a, b| a.and(b));
        let lf = self.table.clone().lazy();
        match mask {
            Some(m) => lf.filter(m),
            None => lf,
        }
    }

    /// The original columns (without the masks).
    fn without_masks(&self, lf: LazyFrame) -> LazyFrame {
        if self.keys.is_empty() {
            lf
        } else {
            lf.drop(cols((0..self.keys.len()).map(|i| format!("__m{i}"))))
        }
    }
}

fn facet(masked: &Masked, field: Field) -> PolarsResult<Facet> {
    let schema = masked.table.schema();
    let name = field.name();
    let lf = masked.rows(Some(name)).select([col(name)]);
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
    let counts = lf
        .with_column(col(name).cast(DataType::String).fill_null(lit(NO_VALUE)))
        .group_by([col(name)])
        .agg([len().cast(DataType::UInt64).alias("n")])
        .sort_by_exprs(
            [col("n"), col(name)],
            SortMultipleOptions::default().with_order_descending_multi([true, false]),
        )
        .limit(500)
        .collect()?;
    let keys = counts.column(name)?.str()?;
    let ns = counts.column("n")?.u64()?;
    Ok(Facet {
        column: name.to_string(),
        values: keys
            .iter()
            .zip(ns.iter())
            .map(|(k, n)| (k.unwrap_or(NO_VALUE).to_string(), n.unwrap_or(0)))
            .collect(),
    })
}

fn points(frame: &DataFrame, context: &[&str]) -> PolarsResult<Vec<TerritoryPoint>> {
    let name = frame.column("__name")?.str()?;
    let parts: Vec<_> = context
        .iter()
        .map(|c| frame.column(c).and_then(|c| c.str().cloned()))
        .collect::<PolarsResult<_>>()?;
    let lat = frame.column("lat")?.f64()?;
    let lon = frame.column("lon")?.f64()?;
    let amount = frame.column("amount")?.f64()?;
    let projects = frame.column("projects")?.u64()?;
    Ok((0..frame.height())
        .map(|i| TerritoryPoint {
            name: name.get(i).unwrap_or_default().to_string(),
            context: parts
                .iter()
                .filter_map(|p| p.get(i))
                .collect::<Vec<_>>()
                .join(", "),
            lat: lat.get(i).unwrap_or(0.0),
            lon: lon.get(i).unwrap_or(0.0),
            amount: amount.get(i).unwrap_or(0.0),
            projects: projects.get(i).unwrap_or(0),
        })
        .collect())
}

fn amount_and_projects() -> [Expr; 2] {
    [
        amount_expr().sum().fill_null(lit(0.0)).alias("amount"),
        len().cast(DataType::UInt64).alias("projects"),
    ]
}

fn by_amount() -> SortMultipleOptions {
    SortMultipleOptions::default().with_order_descending(true)
}

fn territory(filtered: &LazyFrame) -> PolarsResult<Vec<TerritoryPoint>> {
    let coords = reference::provinces().clone().lazy().select([
        col("province").alias("__name"),
        col("region").alias("__region"),
        col("lat"),
        col("lon"),
    ]);
    let frame = filtered
        .clone()
        .filter(col(Field::Province.name()).is_not_null())
        .group_by([col(Field::Province.name()).alias("__name")])
        .agg(amount_and_projects())
        .join(
            coords,
            [col("__name")],
            [col("__name")],
            JoinArgs::new(JoinType::Inner),
        )
        .sort_by_exprs([col("amount")], by_amount())
        .collect()?;
    points(&frame, &["__region"])
}

/// Bubbles per municipality (placed by name within its province, or by a name unique in Italy
/// when the province is unknown) and how many municipality names could not be placed.
fn municipalities(
    filtered: &LazyFrame,
    schema: &Schema,
) -> PolarsResult<(Vec<TerritoryPoint>, u64)> {
    let text = |f: Field| {
        if schema.get(f.name()).is_some() {
            col(f.name()).cast(DataType::String)
        } else {
            lit(NULL).cast(DataType::String)
        }
    };
    if schema.get(Field::Municipality.name()).is_none() {
        return Ok((Vec::new(), 0));
    }
    let sigla = reference::provinces()
        .clone()
        .lazy()
        .select([col("province").alias("__province"), col("sigla")]);
    let by_province = reference::municipality_lookup().clone().lazy();
    let by_name = reference::unique_municipality_lookup()
        .clone()
        .lazy()
        .select([
            col("__key"),
            col("lat").alias("__lat_any"),
            col("lon").alias("__lon_any"),
        ]);
    let left = || JoinArgs::new(JoinType::Left);
    let frame = filtered
        .clone()
        .filter(col(Field::Municipality.name()).is_not_null())
        .group_by([
            text(Field::Municipality).alias("__name"),
            text(Field::Province).alias("__province"),
            text(Field::Region).alias("__region"),
        ])
        .agg(amount_and_projects())
        .with_column(reference::territory_key(col("__name")).alias("__key"))
        .join(sigla, [col("__province")], [col("__province")], left())
        .join(
            by_province,
            [col("__key"), col("sigla")],
            [col("__key"), col("sigla")],
            left(),
        )
        .join(by_name, [col("__key")], [col("__key")], left())
        .with_columns([
            coalesce(&[col("lat"), col("__lat_any")]).alias("lat"),
            coalesce(&[col("lon"), col("__lon_any")]).alias("lon"),
        ])
        .sort_by_exprs(
            [col("amount"), col("__name")],
            SortMultipleOptions::default().with_order_descending_multi([true, false]),
        )
        .collect()?;
    let placed = frame
        .clone()
        .lazy()
        .filter(col("lat").is_not_null())
        .collect()?;
    let unplaced = (frame.height() - placed.height()) as u64;
    Ok((points(&placed, &["__province", "__region"])?, unplaced))
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

/// Computes the whole dashboard for `request` over `table`.
pub fn compute(table: &DataFrame, request: &Request) -> PolarsResult<Dashboard> {
    let started = Instant::now();
    let schema = table.schema();
    let masked = Masked::new(table, &request.filters)?;
    let mut projects = masked.without_masks(masked.rows(None)).collect()?;
    if let Some(column) = &request.sort.column
        && projects.column(column).is_ok()
    {
        projects = projects.sort(
            [column.as_str()],
            SortMultipleOptions::default()
                .with_order_descending(request.sort.descending)
                .with_nulls_last(true)
                .with_maintain_order(true),
        )?;
    }
    let filtered = projects.clone().lazy();
    let chart = |dimension: Dimension, measure: Measure| {
        aggregate(
            filtered.clone(),
            schema,
            &ChartSpec::new(dimension, measure),
        )
    };
    let target = Dimension::Field(request.target_dimension);
    let (municipality_points, unplaced_municipalities) = municipalities(&filtered, schema)?;
    Ok(Dashboard {
        kpis: kpis(&filtered, table.height() as u64)?,
        by_programme: chart(Dimension::Field(Field::Programme), Measure::Amount)?,
        by_province: chart(Dimension::Field(Field::Province), Measure::Amount)?,
        by_target: chart(target, Measure::Amount)?,
        yearly: planned_by_year(filtered.clone())?,
        explore: aggregate(filtered.clone(), schema, &request.explore)?,
        facets: FACETS
            .iter()
            .map(|f| facet(&masked, *f))
            .collect::<PolarsResult<_>>()?,
        territory: territory(&filtered)?,
        municipalities: municipality_points,
        unplaced_municipalities,
        by_municipality: chart(Dimension::Field(Field::Municipality), Measure::Amount)?,
        projects,
        elapsed: started.elapsed(),
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
        request.filters.toggle("programme", "WeCaRe Misura 1");
        let wecare = compute(&d.table, &request).unwrap();
        assert_eq!(wecare.kpis.projects, 22);
        assert_eq!(wecare.kpis.granted, 6_400_000.0);
        assert_eq!(wecare.kpis.lead_bodies, 22);
        assert_eq!(wecare.kpis.territories, 7);
        // The programme facet ignores its own filter: both programmes keep their counts.
        let programmes = &wecare.facets[0];
        assert_eq!(programmes.column, "programme");
        assert!(
            programmes
                .values
                .iter()
                .any(|(k, n)| k == "WeCaRe Misura 1" && *n == 22)
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
                .any(|(k, n)| k == "Torino" && *n == 10)
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

    #[test]
    fn municipalities_are_placed_on_their_coordinates() {
        let d = sample::load().unwrap();
        let mut request = Request::default();
        request.filters.toggle("programme", "WeCaRe Misura 1");
        let wecare = compute(&d.table, &request).unwrap();
        // WeCaRe names one seat municipality per project: 22 of them, all known to ISTAT.
        assert_eq!(wecare.municipalities.len(), 22);
        assert_eq!(wecare.unplaced_municipalities, 0);
        let bra = wecare
            .municipalities
            .iter()
            .find(|p| p.name == "Bra")
            .unwrap();
        assert_eq!(bra.context, "Cuneo, Piemonte");
        assert!((bra.lat - 44.70).abs() < 0.05 && (bra.lon - 7.85).abs() < 0.05);
        assert_eq!(bra.projects, 1);
        let cuorgne = wecare
            .municipalities
            .iter()
            .find(|p| p.name == "Cuorgnè")
            .unwrap();
        assert!((cuorgne.lat - 45.39).abs() < 0.05);
        // Largest amount first.
        assert_eq!(wecare.municipalities[0].name, "Torino");
        assert!(
            wecare
                .municipalities
                .windows(2)
                .all(|w| w[0].amount >= w[1].amount)
        );
    }

    #[test]
    fn unknown_municipalities_are_counted_not_drawn() {
        let table = df!(
            "programme" => ["P", "P", "P", "P"],
            "municipality" => [Some("Bra"), Some("Atlantide"), Some("Livo"), None],
            "province" => [None::<&str>, Some("Cuneo"), None, Some("Torino")],
            "region" => [None::<&str>, Some("Piemonte"), None, Some("Piemonte")],
            "amount_granted" => [1.0, 2.0, 3.0, 4.0],
            "amount_spent" => [None::<f64>, None, None, None],
        )
        .unwrap();
        let (placed, unplaced) = municipalities(&table.clone().lazy(), table.schema()).unwrap();
        // Bra is unique in Italy, so it is placed without a province; Livo exists twice and
        // Atlantide nowhere.
        assert_eq!(placed.len(), 1);
        assert_eq!(placed[0].name, "Bra");
        assert_eq!(unplaced, 2);
    }
}
