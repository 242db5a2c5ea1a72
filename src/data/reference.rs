//! ISTAT reference data shipped in `assets/reference/`: the 20 regions and 107 provinces with
//! codes, names, sigle, capoluogo coordinates and population. Used to normalise territory values
//! and, later, by the map and per-capita views.

use std::io::Cursor;
use std::sync::OnceLock;

use polars::prelude::*;

const PROVINCES_CSV: &str = include_str!("../../assets/reference/provinces.csv");
const REGIONS_CSV: &str = include_str!("../../assets/reference/regions.csv");

/// Other ways people write a province: (alias, official short name).
const PROVINCE_ALIASES: &[(&str, &str)] = &[
    ("VCO", "Verbano-Cusio-Ossola"),
    ("Verbania", "Verbano-Cusio-Ossola"),
    ("Reggio nell'Emilia", "Reggio Emilia"),
    ("Reggio di Calabria", "Reggio Calabria"),
    ("Bolzano/Bozen", "Bolzano"),
    ("Bozen", "Bolzano"),
    ("Alto Adige", "Bolzano"),
    ("Südtirol", "Bolzano"),
    ("Monza Brianza", "Monza e della Brianza"),
    ("Monza e Brianza", "Monza e della Brianza"),
    ("Monza", "Monza e della Brianza"),
    ("Pesaro Urbino", "Pesaro e Urbino"),
    ("Pesaro-Urbino", "Pesaro e Urbino"),
    ("Forlì Cesena", "Forlì-Cesena"),
    ("Massa Carrara", "Massa-Carrara"),
    ("BAT", "Barletta-Andria-Trani"),
    ("Aosta/Aoste", "Aosta"),
    ("Granda", "Cuneo"),
];

/// Other ways people write a region: (alias, official name).
const REGION_ALIASES: &[(&str, &str)] = &[
    ("Valle d'Aosta/Vallée d'Aoste", "Valle d'Aosta"),
    ("Vallée d'Aoste", "Valle d'Aosta"),
    ("Trentino-Alto Adige/Südtirol", "Trentino-Alto Adige"),
    ("Trentino", "Trentino-Alto Adige"),
    ("Friuli", "Friuli-Venezia Giulia"),
    ("Emilia", "Emilia-Romagna"),
];

fn read_csv(text: &'static str, string_columns: &[&str]) -> DataFrame {
    let overwrite: Schema = string_columns
        .iter()
        .map(|c| Field::new((*c).into(), DataType::String))
        .collect();
    CsvReadOptions::default()
        .with_has_header(true)
        .with_schema_overwrite(Some(Arc::new(overwrite)))
        .into_reader_with_file_handle(Cursor::new(text.as_bytes()))
        .finish()
        .expect("the shipped reference CSV is valid")
}

/// The provinces: `code_province, province, sigla, code_region, region, capoluogo, lat, lon,
/// population`.
pub fn provinces() -> &'static DataFrame {
    static CELL: OnceLock<DataFrame> = OnceLock::new();
    CELL.get_or_init(|| read_csv(PROVINCES_CSV, &["code_province", "code_region"]))
}

/// The regions: `code_region, region, macro_area`.
pub fn regions() -> &'static DataFrame {
    static CELL: OnceLock<DataFrame> = OnceLock::new();
    CELL.get_or_init(|| read_csv(REGIONS_CSV, &["code_region"]))
}

/// The comparison key of a territory name: lower case, no accents, no "Provincia di" or
/// "Città metropolitana di", letters and digits only (`"Verbano Cusio Ossola"` → `verbanocusioossola`).
pub fn territory_key(e: Expr) -> Expr {
    e.str()
        .to_lowercase()
        .str()
        .normalize(UnicodeForm::NFD)
        .str()
        .replace_all(lit(r"\p{M}"), lit(""), false)
        .str()
        .strip_chars(lit(NULL))
        .str()
        .replace(
            lit(r"^(provincia|prov\.?|citta metropolitana|cm|libero consorzio comunale|consorzio comunale)\s+(di\s+|del\s+|della\s+|dell'\s*)?"),
            lit(""),
            false,
        )
        .str()
        .replace_all(lit(r"[^a-z0-9]"), lit(""), false)
}

fn alias_frame(aliases: &[(&str, &str)], name_col: &str) -> LazyFrame {
    let alias: Vec<&str> = aliases.iter().map(|a| a.0).collect();
    let name: Vec<&str> = aliases.iter().map(|a| a.1).collect();
    df!("alias" => alias, name_col => name)
        .expect("alias columns have equal length")
        .lazy()
}

/// Key → province name, its region and sigla (`__key, province, region, sigla`).
pub fn province_lookup() -> &'static DataFrame {
    static CELL: OnceLock<DataFrame> = OnceLock::new();
    CELL.get_or_init(|| {
        let base =
            provinces()
                .clone()
                .lazy()
                .select([col("province"), col("region"), col("sigla")]);
        let by_name = base.clone().with_column(col("province").alias("alias"));
        let by_sigla = base.clone().with_column(col("sigla").alias("alias"));
        let by_alias = alias_frame(PROVINCE_ALIASES, "province").join(
            base,
            [col("province")],
            [col("province")],
            JoinArgs::new(JoinType::Inner),
        );
        concat(
            [
                by_name,
                by_sigla,
                by_alias.select([col("province"), col("region"), col("sigla"), col("alias")]),
            ],
            UnionArgs::default(),
        )
        .and_then(|lf| {
            lf.select([
                territory_key(col("alias")).alias("__key"),
                col("province"),
                col("region"),
                col("sigla"),
            ])
            .unique_stable(Some(cols(["__key"])), UniqueKeepStrategy::First)
            .collect()
        })
        .expect("the province lookup is built from shipped data")
    })
}

/// Key → region name (`__key, region`).
pub fn region_lookup() -> &'static DataFrame {
    static CELL: OnceLock<DataFrame> = OnceLock::new();
    CELL.get_or_init(|| {
        let by_name = regions()
            .clone()
            .lazy()
            .select([col("region").alias("alias"), col("region")]);
        let by_alias = alias_frame(REGION_ALIASES, "region");
        concat(
            [by_name, by_alias.select([col("alias"), col("region")])],
            UnionArgs::default(),
        )
        .and_then(|lf| {
            lf.select([territory_key(col("alias")).alias("__key"), col("region")])
                .unique_stable(Some(cols(["__key"])), UniqueKeepStrategy::First)
                .collect()
        })
        .expect("the region lookup is built from shipped data")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_has_all_provinces_and_regions() {
        assert_eq!(provinces().height(), 107);
        assert_eq!(regions().height(), 20);
        let pop: i64 = provinces()
            .column("population")
            .unwrap()
            .cast(&DataType::Int64)
            .unwrap()
            .i64()
            .unwrap()
            .sum()
            .unwrap();
        assert!((58_000_000..60_000_000).contains(&pop));
    }

    #[test]
    fn piemonte_has_eight_provinces() {
        let n = provinces()
            .clone()
            .lazy()
            .filter(col("region").eq(lit("Piemonte")))
            .collect()
            .unwrap()
            .height();
        assert_eq!(n, 8);
    }
}
