//! ISTAT reference data shipped in `assets/reference/`: the 20 regions, the 107 provinces (codes,
//! names, sigle, capoluogo coordinates, population) and the 7,899 municipalities (codes, names,
//! centroid coordinates, population). Used to normalise territory values and to place the
//! bubbles of the territory map.

use std::io::Cursor;
use std::sync::OnceLock;

use polars::prelude::*;

const PROVINCES_CSV: &str = include_str!("../../assets/reference/provinces.csv");
const REGIONS_CSV: &str = include_str!("../../assets/reference/regions.csv");
const MUNICIPALITIES_CSV: &str = include_str!("../../assets/reference/municipalities.csv");
const BORDERS_CSV: &str = include_str!("../../assets/reference/borders.csv");

/// One closed outline of a region or a province (an island is a ring of its own).
#[derive(Debug, Clone, PartialEq)]
pub struct Ring {
    /// A region's outline (else a province's).
    pub region: bool,
    /// The ISTAT code of the region or province.
    pub code: String,
    /// `[lat, lon]` points, the last equal to the first.
    pub points: Vec<[f64; 2]>,
}

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

/// Other ways people write a municipality: (alias, sigla, official name).
const MUNICIPALITY_ALIASES: &[(&str, &str, &str)] = &[
    ("Reggio Emilia", "RE", "Reggio nell'Emilia"),
    ("Reggio Calabria", "RC", "Reggio di Calabria"),
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

/// The municipalities: `code_municipality, municipality, sigla, code_province, lat, lon,
/// population` (bilingual names as ISTAT writes them, `Bolzano/Bozen`).
pub fn municipalities() -> &'static DataFrame {
    static CELL: OnceLock<DataFrame> = OnceLock::new();
    CELL.get_or_init(|| {
        read_csv(
            MUNICIPALITIES_CSV,
            &["code_municipality", "municipality", "code_province"],
        )
    })
}

/// Municipality coordinates by name key and province sigla (`__key, sigla, lat, lon`). A
/// bilingual name is found by either form (`Bolzano/Bozen`, `Bolzano`, `Bozen`).
pub fn municipality_lookup() -> &'static DataFrame {
    static CELL: OnceLock<DataFrame> = OnceLock::new();
    CELL.get_or_init(|| {
        let base = municipalities().clone().lazy();
        let name = |e: Expr| {
            base.clone()
                .select([e.alias("alias"), col("sigla"), col("lat"), col("lon")])
        };
        let parts = |i: i64| {
            col("municipality")
                .str()
                .split(lit("/"))
                .list()
                .get(lit(i), true)
        };
        let aliases = df!(
            "alias" => MUNICIPALITY_ALIASES.iter().map(|a| a.0).collect::<Vec<_>>(),
            "sigla" => MUNICIPALITY_ALIASES.iter().map(|a| a.1).collect::<Vec<_>>(),
            "municipality" => MUNICIPALITY_ALIASES.iter().map(|a| a.2).collect::<Vec<_>>(),
        )
        .expect("alias columns have equal length")
        .lazy()
        .join(
            base.clone()
                .select([col("municipality"), col("sigla"), col("lat"), col("lon")]),
            [col("municipality"), col("sigla")],
            [col("municipality"), col("sigla")],
            JoinArgs::new(JoinType::Inner),
        )
        .select([col("alias"), col("sigla"), col("lat"), col("lon")]);
        concat(
            [
                name(col("municipality")),
                name(parts(0)),
                name(parts(1)),
                aliases,
            ],
            UnionArgs::default(),
        )
        .and_then(|lf| {
            lf.filter(col("alias").is_not_null())
                .select([
                    territory_key(col("alias")).alias("__key"),
                    col("sigla"),
                    col("lat"),
                    col("lon"),
                ])
                .unique_stable(Some(cols(["__key", "sigla"])), UniqueKeepStrategy::First)
                .collect()
        })
        .expect("the municipality lookup is built from shipped data")
    })
}

/// Municipality coordinates by name key alone, for names that exist in one province only
/// (`__key, lat, lon`): used when the data names a municipality but not its province.
pub fn unique_municipality_lookup() -> &'static DataFrame {
    static CELL: OnceLock<DataFrame> = OnceLock::new();
    CELL.get_or_init(|| {
        let build = || -> PolarsResult<DataFrame> {
            municipality_lookup()
                .clone()
                .lazy()
                .filter(len().over([col("__key")])?.eq(lit(1u32)))
                .select([col("__key"), col("lat"), col("lon")])
                .collect()
        };
        build().expect("the municipality lookup is built from shipped data")
    })
}

/// The simplified outlines of the regions and provinces, for drawing maps.
pub fn borders() -> &'static [Ring] {
    static CELL: OnceLock<Vec<Ring>> = OnceLock::new();
    CELL.get_or_init(|| {
        let frame = read_csv(BORDERS_CSV, &["level", "code"]);
        let read = || -> PolarsResult<Vec<Ring>> {
            let level = frame.column("level")?.str()?;
            let code = frame.column("code")?.str()?;
            let ring = frame.column("ring")?.cast(&DataType::Int64)?;
            let ring = ring.i64()?;
            let lat = frame.column("lat")?.f64()?;
            let lon = frame.column("lon")?.f64()?;
            let mut rings: Vec<Ring> = Vec::new();
            let mut last: Option<(Option<&str>, Option<&str>, Option<i64>)> = None;
            for i in 0..frame.height() {
                let key = (level.get(i), code.get(i), ring.get(i));
                if last != Some(key) {
                    rings.push(Ring {
                        region: key.0 == Some("region"),
                        code: key.1.unwrap_or_default().to_string(),
                        points: Vec::new(),
                    });
                    last = Some(key);
                }
                if let (Some(a), Some(b), Some(r)) = (lat.get(i), lon.get(i), rings.last_mut()) {
                    r.points.push([a, b]);
                }
            }
            Ok(rings)
        };
        read().expect("the shipped borders are valid")
    })
}

/// The comparison key of a territory name: lower case, no accents, no "Provincia di" or
/// "Città metropolitana di", letters and digits only (`"Verbano Cusio Ossola"` → `verbanocusioossola`).
pub fn territory_key(e: Expr) -> Expr {
    // Names kept as categories are read as text first (a no-op on text).
    e.cast(DataType::String)
        .str()
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

    fn coordinates(name: &str, sigla: &str) -> Option<(f64, f64)> {
        let found = municipality_lookup()
            .clone()
            .lazy()
            .filter(
                col("__key")
                    .eq(territory_key(lit(name)))
                    .and(col("sigla").eq(lit(sigla))),
            )
            .collect()
            .unwrap();
        if found.height() == 0 {
            return None;
        }
        let lat = found.column("lat").unwrap().f64().unwrap().get(0)?;
        let lon = found.column("lon").unwrap().f64().unwrap().get(0)?;
        Some((lat, lon))
    }

    #[test]
    fn municipalities_have_coordinates_inside_italy() {
        let m = municipalities();
        assert!((7_800..8_000).contains(&m.height()));
        let lat = m.column("lat").unwrap().f64().unwrap();
        let lon = m.column("lon").unwrap().f64().unwrap();
        assert_eq!(lat.null_count() + lon.null_count(), 0);
        assert!(lat.min().unwrap() > 35.0 && lat.max().unwrap() < 47.2);
        assert!(lon.min().unwrap() > 6.5 && lon.max().unwrap() < 18.6);
        // Every municipality belongs to a shipped province.
        let orphans = m
            .clone()
            .lazy()
            .join(
                provinces().clone().lazy().select([col("sigla")]),
                [col("sigla")],
                [col("sigla")],
                JoinArgs::new(JoinType::Anti),
            )
            .collect()
            .unwrap();
        assert_eq!(orphans.height(), 0);
    }

    #[test]
    fn every_provincial_capital_is_a_known_municipality() {
        let p = provinces();
        let capitals = p.column("capoluogo").unwrap().str().unwrap();
        let siglas = p.column("sigla").unwrap().str().unwrap();
        for (capital, sigla) in capitals.iter().zip(siglas.iter()) {
            let (capital, sigla) = (capital.unwrap(), sigla.unwrap());
            assert!(
                coordinates(capital, sigla).is_some(),
                "{capital} ({sigla}) not found"
            );
        }
    }

    #[test]
    fn municipalities_are_found_by_name_and_province() {
        // Bra (CN) lies at about 44.70 N, 7.85 E; Cuorgnè (TO) at about 45.39 N, 7.65 E.
        let (lat, lon) = coordinates("Bra", "CN").unwrap();
        assert!((lat - 44.70).abs() < 0.05 && (lon - 7.85).abs() < 0.05);
        let (lat, lon) = coordinates("CUORGNE'", "TO").unwrap();
        assert!((lat - 45.39).abs() < 0.05 && (lon - 7.65).abs() < 0.05);
        // Common short forms of official names.
        let (lat, _) = coordinates("Reggio Emilia", "RE").unwrap();
        assert!((lat - 44.7).abs() < 0.2);
        assert!(coordinates("Reggio Calabria", "RC").is_some());
        // Either half of a bilingual name.
        assert!(coordinates("Bozen", "BZ").is_some());
        assert!(coordinates("Bolzano", "BZ").is_some());
        // A name in another province is not found there.
        assert!(coordinates("Bra", "TO").is_none());
        // Names shared by several municipalities are not in the province-less lookup.
        let unique = unique_municipality_lookup();
        let has = |name: &str| {
            unique
                .clone()
                .lazy()
                .filter(col("__key").eq(territory_key(lit(name))))
                .collect()
                .unwrap()
                .height()
                == 1
        };
        assert!(has("Cuorgnè"));
        assert!(!has("Livo"), "Livo is in both Como and Trento");
    }

    #[test]
    fn borders_outline_every_region_and_province() {
        let rings = borders();
        let codes = |region: bool| {
            rings
                .iter()
                .filter(|r| r.region == region)
                .map(|r| r.code.clone())
                .collect::<std::collections::BTreeSet<_>>()
        };
        assert_eq!(codes(true).len(), 20);
        assert_eq!(codes(false).len(), 107);
        for r in rings {
            assert!(r.points.len() >= 4, "ring of {} too short", r.code);
            assert_eq!(
                r.points.first(),
                r.points.last(),
                "ring of {} not closed",
                r.code
            );
        }
        // Piemonte (01) reaches from about 44.1 to 46.5 N.
        let piemonte: Vec<f64> = rings
            .iter()
            .filter(|r| r.region && r.code == "01")
            .flat_map(|r| r.points.iter().map(|p| p[0]))
            .collect();
        let lo = piemonte.iter().cloned().fold(f64::INFINITY, f64::min);
        let hi = piemonte.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        assert!(
            (lo - 44.06).abs() < 0.1 && (hi - 46.46).abs() < 0.1,
            "{lo} {hi}"
        );
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
