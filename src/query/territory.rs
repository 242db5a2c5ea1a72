//! The territory map's bubbles: the filtered amount per province (on its capital) and per
//! municipality (on its centroid), placed with the shipped ISTAT reference. Only aggregated rows
//! leave this module.

use polars::prelude::*;

use super::chart::amount_expr;
use crate::data::reference;
use crate::data::schema::Field;
use crate::data::tally::{Bucket, Rows, Values, tally, tally_within};

/// What the map's bubbles stand on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    #[default]
    Provinces,
    Municipalities,
}

impl Level {
    /// The table column a bubble's name filters.
    pub fn column(self) -> &'static str {
        match self {
            Level::Provinces => Field::Province.name(),
            Level::Municipalities => Field::Municipality.name(),
        }
    }
}

/// The bubbles of `level` over the rows of `table` that `filters` keep, and how many
/// municipality names the reference could not place.
pub fn bubbles(
    table: &DataFrame,
    filters: &super::filters::Filters,
    level: Level,
) -> PolarsResult<(Vec<TerritoryPoint>, u64)> {
    let schema = table.schema();
    let filtered = filters.apply(table.clone().lazy(), schema, None);
    match level {
        Level::Provinces => Ok((provinces(&filtered)?, 0)),
        Level::Municipalities => municipalities(&filtered, schema),
    }
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

/// Bubbles per province, on the capital's coordinates, largest amount first.
pub fn provinces(filtered: &LazyFrame) -> PolarsResult<Vec<TerritoryPoint>> {
    let grouped = filtered
        .clone()
        .filter(col(Field::Province.name()).is_not_null())
        .group_by([col(Field::Province.name()).alias("__name")])
        .agg(amount_and_projects())
        .with_column(col("__name").cast(DataType::String));
    place_provinces(grouped)
}

/// [`provinces`] over the `rows` of `table`, counted by the provinces' codes ([`tally`]);
/// `None` when the provinces are not stored as categories.
pub fn provinces_of_rows(
    table: &DataFrame,
    amounts: &Values,
    rows: Rows,
) -> PolarsResult<Option<Vec<TerritoryPoint>>> {
    let Ok(column) = table.column(Field::Province.name()) else {
        return Ok(None);
    };
    let Some(counted) = tally(column, Some(amounts), rows)? else {
        return Ok(None);
    };
    let (names, buckets): (Vec<String>, Vec<Bucket>) = counted.named.into_iter().unzip();
    let grouped = df!(
        "__name" => names,
        "amount" => buckets.iter().map(Bucket::sum).collect::<Vec<f64>>(),
        "projects" => buckets.iter().map(|b| b.rows).collect::<Vec<u64>>(),
    )?;
    place_provinces(grouped.lazy()).map(Some)
}

/// The province bubbles from the amount and projects per province name (`__name`).
fn place_provinces(grouped: LazyFrame) -> PolarsResult<Vec<TerritoryPoint>> {
    let coords = reference::provinces().clone().lazy().select([
        col("province").alias("__name"),
        col("region").alias("__region"),
        col("lat"),
        col("lon"),
    ]);
    let frame = grouped
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
pub fn municipalities(
    filtered: &LazyFrame,
    schema: &Schema,
) -> PolarsResult<(Vec<TerritoryPoint>, u64)> {
    // Grouped by the stored names; only the groups' names are read as text.
    let stored = |f: Field| {
        if schema.get(f.name()).is_some() {
            col(f.name())
        } else {
            lit(NULL).cast(DataType::String)
        }
    };
    if schema.get(Field::Municipality.name()).is_none() {
        return Ok((Vec::new(), 0));
    }
    let grouped = filtered
        .clone()
        .filter(col(Field::Municipality.name()).is_not_null())
        .group_by([
            stored(Field::Municipality).alias("__name"),
            stored(Field::Province).alias("__province"),
            stored(Field::Region).alias("__region"),
        ])
        .agg(amount_and_projects())
        .with_columns(["__name", "__province", "__region"].map(|c| col(c).cast(DataType::String)));
    place_municipalities(grouped)
}

/// [`municipalities`] over the `rows` of `table`, counted by the codes of each municipality
/// within its province and region ([`tally_within`]); `None` when those columns are not all
/// stored as categories.
pub fn municipalities_of_rows(
    table: &DataFrame,
    amounts: &Values,
    rows: Rows,
) -> PolarsResult<Option<(Vec<TerritoryPoint>, u64)>> {
    let column = |f: Field| table.column(f.name()).ok();
    let (Some(town), Some(province), Some(region)) = (
        column(Field::Municipality),
        column(Field::Province),
        column(Field::Region),
    ) else {
        return Ok(None);
    };
    let Some(counted) = tally_within(town, &[province, region], Some(amounts), rows)? else {
        return Ok(None);
    };
    let mut names = Vec::with_capacity(counted.len());
    let (mut provinces, mut regions) = (Vec::new(), Vec::new());
    let (mut amount, mut projects) = (Vec::new(), Vec::new());
    for (name, parents, bucket) in counted {
        names.push(name);
        provinces.push(parents.first().cloned().flatten());
        regions.push(parents.get(1).cloned().flatten());
        amount.push(bucket.sum());
        projects.push(bucket.rows);
    }
    let grouped = df!(
        "__name" => names,
        "__province" => provinces,
        "__region" => regions,
        "amount" => amount,
        "projects" => projects,
    )?;
    place_municipalities(grouped.lazy()).map(Some)
}

/// The municipality bubbles from the amount and projects per municipality, province and region
/// names (`__name`, `__province`, `__region`), and how many names could not be placed.
fn place_municipalities(grouped: LazyFrame) -> PolarsResult<(Vec<TerritoryPoint>, u64)> {
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
    let frame = grouped
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::sample;
    use crate::query::dashboard::{Request, compute};

    /// The bubbles counted by codes over kept rows are the bubbles polars groups.
    #[test]
    fn tallied_bubbles_are_the_grouped_bubbles() {
        let table = sample::load().unwrap().table;
        let sums = crate::query::chart::Sums::of(&table).unwrap();
        let amounts = sums.amount().unwrap();
        let every_third: Vec<u32> = (0..table.height() as u32).step_by(3).collect();
        let kept = IdxCa::from_vec("".into(), every_third);
        for (rows, frame) in [
            (Rows::All, table.clone()),
            (Rows::Only(&kept), table.take(&kept).unwrap()),
        ] {
            let lf = frame.clone().lazy();
            let grouped = provinces(&lf).unwrap();
            let tallied = provinces_of_rows(&table, &amounts, rows).unwrap().unwrap();
            assert!(!grouped.is_empty());
            assert_eq!(tallied, grouped);
            let grouped = municipalities(&lf, frame.schema()).unwrap();
            let tallied = municipalities_of_rows(&table, &amounts, rows)
                .unwrap()
                .unwrap();
            assert!(!grouped.0.is_empty());
            assert_eq!(tallied, grouped);
        }
    }

    #[test]
    fn municipalities_are_placed_on_their_coordinates() {
        let d = sample::load().unwrap();
        let mut request = Request::default();
        request
            .filters
            .toggle("programme", crate::query::Key::value("WeCaRe Misura 1"));
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
