//! Territory values: a path (`Italia, Piemonte, Cuneo`), province names in any spelling, sigle
//! (`CN`, `VCO`), region names. Names are matched against the ISTAT reference by joining on a
//! normalised key ([`crate::data::reference::territory_key`]), one join per column.

use polars::prelude::*;

use crate::data::reference::{province_lookup, region_lookup, territory_key};

/// Splits a territory path into its parts, without a leading `Italia`.
pub fn path_parts(e: Expr) -> Expr {
    e.str()
        .split_regex(lit(r"\s*[,>/|]\s*"), false)
        .list()
        .eval(
            element().filter(
                element()
                    .str()
                    .to_lowercase()
                    .neq(lit("italia"))
                    .and(element().str().len_chars().gt(lit(0))),
            ),
        )
}

/// Adds, for the raw columns `raw_province` and `raw_region` (either may be all null):
/// `__ref_province` and `__ref_province_region` (the province's official name and region),
/// `__ref_province_as_region` (when the "province" is in fact a region's name) and
/// `__ref_region` (official region name). Unknown values give nulls.
///
/// Keys are computed on the distinct raw values only (a few hundred, even in a million rows)
/// and gathered back by each row's place, so the text normalisation never runs once per row and
/// the table is never carried through a join.
pub fn join_reference(
    frame: DataFrame,
    raw_province: &str,
    raw_region: &str,
) -> PolarsResult<DataFrame> {
    let provinces = province_lookup().clone().lazy().select([
        col("__key").alias("__pkey"),
        col("province").alias("__ref_province"),
        col("region").alias("__ref_province_region"),
    ]);
    let province_as_region = region_lookup().clone().lazy().select([
        col("__key").alias("__pkey"),
        col("region").alias("__ref_province_as_region"),
    ]);
    let regions = region_lookup().clone().lazy().select([
        col("__key").alias("__rkey"),
        col("region").alias("__ref_region"),
    ]);
    let distinct = |name: &str| {
        frame
            .clone()
            .lazy()
            .select([col(name)])
            .filter(col(name).is_not_null())
            .unique(None, UniqueKeepStrategy::Any)
    };
    let province_map = distinct(raw_province)
        .with_column(territory_key(col(raw_province)).alias("__pkey"))
        .join(
            provinces,
            [col("__pkey")],
            [col("__pkey")],
            super::ordered_left_join(),
        )
        .join(
            province_as_region,
            [col("__pkey")],
            [col("__pkey")],
            super::ordered_left_join(),
        )
        .drop(cols(["__pkey"]));
    let region_map = distinct(raw_region)
        .with_column(territory_key(col(raw_region)).alias("__rkey"))
        .join(
            regions,
            [col("__rkey")],
            [col("__rkey")],
            super::ordered_left_join(),
        )
        .drop(cols(["__rkey"]));
    // The official names gathered as categories: codes per row, not copies of the text.
    let as_categories = |map: LazyFrame, key: &str| -> PolarsResult<DataFrame> {
        let names = map.collect()?;
        let casts: Vec<Expr> = names
            .get_column_names()
            .into_iter()
            .map(|n| {
                let category = crate::data::categories::categorical();
                match frame.column(key).map(|c| c.dtype()) {
                    // The key as the rows have it.
                    Ok(dtype) if n.as_str() == key => col(n.as_str()).cast(dtype.clone()),
                    _ if n.as_str() == key => col(n.as_str()),
                    _ => col(n.as_str()).cast(category),
                }
            })
            .collect();
        names.lazy().with_columns(casts).collect()
    };
    let province_map = as_categories(province_map, raw_province)?;
    let region_map = as_categories(region_map, raw_region)?;
    let frame = super::gather_by(frame, raw_province, province_map)?;
    super::gather_by(frame, raw_region, region_map)
}
