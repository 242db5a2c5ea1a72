//! Finding the values a user names (`--filter province=cuneo`, saved views): the distinct values
//! of a dimension, matched without regard to case, accents or extra spaces, with the closest
//! known values suggested when nothing matches.

use polars::prelude::*;
use unicode_normalization::UnicodeNormalization;

use super::chart::{Dimension, QueryError};
use super::filters::{Filters, TEXT_KEY, YEAR_KEY};
use super::key::Key;

/// Why a named value cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ValueError {
    #[error("'{0}' is not FIELD=VALUE")]
    NotAPair(String),
    #[error(transparent)]
    Field(#[from] QueryError),
    #[error("no project has {field} = '{value}'; closest values: {closest}")]
    Unknown {
        field: String,
        value: String,
        closest: String,
    },
    #[error("'{0}' is not a year or a range of years (2018, 2016-2019)")]
    NotAYear(String),
}

/// Text folded for matching: lower case, accents removed, spaces collapsed.
pub fn fold(text: &str) -> String {
    let stripped: String = text
        .nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .collect();
    stripped
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The distinct values of a dimension in a table (list columns by item), sorted.
pub fn distinct(table: &DataFrame, dim: &Dimension) -> PolarsResult<Vec<String>> {
    let column = dim.column();
    let key = match dim {
        Dimension::Year => col(column.as_str())
            .dt()
            .year()
            .cast(DataType::String)
            .alias("__v"),
        _ => col(column.as_str()).alias("__v"),
    };
    let mut lf = table.clone().lazy().select([key]);
    if dim.is_multi_valued(table.schema()) {
        lf = lf.explode(
            cols(["__v"]),
            ExplodeOptions {
                empty_as_null: false,
                keep_nulls: false,
            },
        );
    }
    let values = lf
        .select([col("__v").drop_nulls().unique().cast(DataType::String)])
        .sort(["__v"], SortMultipleOptions::default())
        .collect()?;
    Ok(values
        .column("__v")?
        .str()?
        .iter()
        .flatten()
        .map(str::to_string)
        .collect())
}

/// The value of `known` that `wanted` names: exactly, else folded; else the closest known
/// values, for the error message.
pub fn find<'a>(known: &'a [String], wanted: &str) -> Result<&'a String, Vec<&'a String>> {
    if let Some(exact) = known.iter().find(|k| k.as_str() == wanted) {
        return Ok(exact);
    }
    let folded = fold(wanted);
    if let Some(k) = known.iter().find(|k| fold(k) == folded) {
        return Ok(k);
    }
    let mut ranked: Vec<(f64, &String)> = known
        .iter()
        .map(|k| (strsim::normalized_levenshtein(&fold(k), &folded), k))
        .collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
    Err(ranked.into_iter().take(5).map(|(_, k)| k).collect())
}

fn parse_years(text: &str) -> Option<(i32, i32)> {
    let text = text.trim();
    let (a, b) = text
        .split_once(['-', '–'])
        .map(|(a, b)| (a.trim(), b.trim()))
        .unwrap_or((text, text));
    let (a, b): (i32, i32) = (a.parse().ok()?, b.parse().ok()?);
    Some((a.min(b), a.max(b)))
}

/// Filters from `FIELD=VALUE` pairs: several values of one field are alternatives, different
/// fields all apply. `year=2018` or `year=2016-2019` is the period; `text=…` the free-text
/// search; an empty value selects projects without one.
pub fn filters_from_pairs(table: &DataFrame, pairs: &[String]) -> Result<Filters, ValueError> {
    let mut filters = Filters::default();
    for pair in pairs {
        let (field, value) = pair
            .split_once('=')
            .ok_or_else(|| ValueError::NotAPair(pair.clone()))?;
        let (field, value) = (field.trim(), value.trim());
        if field.eq_ignore_ascii_case(TEXT_KEY) {
            filters.text = value.to_string();
            continue;
        }
        let dim = Dimension::resolve(table.schema(), field)?;
        if dim == Dimension::Year || field.eq_ignore_ascii_case(YEAR_KEY) {
            filters.years =
                Some(parse_years(value).ok_or_else(|| ValueError::NotAYear(value.into()))?);
            continue;
        }
        let key = if value.is_empty() {
            Key::Missing
        } else {
            let known = distinct(table, &dim).map_err(QueryError::from)?;
            match find(&known, value) {
                Ok(k) => Key::Value(k.clone()),
                Err(closest) => {
                    return Err(ValueError::Unknown {
                        field: field.to_string(),
                        value: value.to_string(),
                        closest: if closest.is_empty() {
                            "none".into()
                        } else {
                            closest
                                .iter()
                                .map(|s| s.as_str())
                                .collect::<Vec<_>>()
                                .join("; ")
                        },
                    });
                }
            }
        };
        filters.toggle(&dim.column(), key);
    }
    Ok(filters)
}

/// The selected filter values that no row of `table` has — a value a saved view names that this
/// data lacks, or a filter on a column this data does not have — so the window can say so
/// instead of silently showing other numbers. One pass over the filtered columns.
pub fn absent(table: &DataFrame, filters: &Filters) -> PolarsResult<Vec<(String, Key)>> {
    let schema = table.schema();
    let mut absent = Vec::new();
    let mut checks: Vec<(String, Key)> = Vec::new();
    let mut exprs: Vec<Expr> = Vec::new();
    for (column, values) in &filters.values {
        let Some(dtype) = schema.get(column.as_str()) else {
            absent.extend(values.iter().map(|v| (column.clone(), v.clone())));
            continue;
        };
        let is_list = matches!(dtype, DataType::List(_));
        for value in values {
            let found = match (value, is_list) {
                (Key::Value(v), true) => col(column.as_str())
                    .list()
                    .contains(lit(v.clone()), false)
                    .any(true),
                (Key::Value(v), false) => crate::query::filters::equals(column, dtype, v).any(true),
                (_, true) => col(column.as_str())
                    .is_null()
                    .or(col(column.as_str()).list().len().eq(lit(0)))
                    .any(true),
                (_, false) => col(column.as_str()).is_null().any(true),
            };
            exprs.push(found.alias(format!("__a{}", checks.len())));
            checks.push((column.clone(), value.clone()));
        }
    }
    if !exprs.is_empty() {
        let found = table.clone().lazy().select(exprs).collect()?;
        for (i, check) in checks.into_iter().enumerate() {
            let present = found
                .column(&format!("__a{i}"))?
                .bool()?
                .get(0)
                .unwrap_or(false);
            if !present {
                absent.push(check);
            }
        }
    }
    Ok(absent)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> DataFrame {
        df!(
            "province" => [Some("Cuneo"), Some("Torino"), None],
            "lead_body" => ["Consorzio Monviso Solidale", "Città di Torino", "C.I.S.S. 38"],
        )
        .unwrap()
    }

    #[test]
    fn values_match_without_case_accents_or_spaces() {
        let f = filters_from_pairs(
            &table(),
            &[
                "province=cuneo".into(),
                "lead_body=  citta  di TORINO".into(),
                "province=".into(),
            ],
        )
        .unwrap();
        assert!(f.is_selected("province", &Key::value("Cuneo")));
        assert!(f.is_selected("province", &Key::Missing));
        assert!(f.is_selected("lead_body", &Key::value("Città di Torino")));
    }

    #[test]
    fn an_unknown_value_lists_the_closest() {
        let err = filters_from_pairs(&table(), &["province=Cunneo".into()])
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("no project has province = 'Cunneo'; closest values: Cuneo"));
    }

    #[test]
    fn values_no_row_has_are_reported() {
        let mut f = Filters::default();
        f.toggle("province", Key::value("Cuneo"));
        f.toggle("province", Key::value("Cunneo"));
        f.toggle("region", Key::value("Piemonte"));
        let mut absent = absent(&table(), &f).unwrap();
        absent.sort();
        assert_eq!(
            absent,
            vec![
                ("province".to_string(), Key::value("Cunneo")),
                ("region".to_string(), Key::value("Piemonte")),
            ]
        );
    }

    #[test]
    fn years_and_text() {
        let t = table();
        let f = filters_from_pairs(&t, &["year=2019-2016".into(), "text=reti".into()]).unwrap();
        assert_eq!(f.years, Some((2016, 2019)));
        assert_eq!(f.text, "reti");
        assert!(filters_from_pairs(&t, &["year=dopo".into()]).is_err());
        assert!(filters_from_pairs(&t, &["province".into()]).is_err());
    }
}
