//! Multi-valued cells (`Età adulta, Età senile`) → `List(String)`: split on `,` `;` `|` and line
//! breaks, trimmed, empty items dropped. Case and space variants are folded across the whole
//! table by [`crate::data::normalise::fold_variants`].

use polars::prelude::*;

/// The separators of a multi-valued cell.
pub const SEPARATORS: &str = r"\s*[,;|\n\r]+\s*";

/// A `List(String)` from a column of any type.
pub fn list(e: Expr, dtype: &DataType) -> Expr {
    match dtype {
        DataType::List(_) => e.list().eval(
            element()
                .cast(DataType::String)
                .str()
                .strip_chars(lit(NULL)),
        ),
        _ => list_from_text(e.cast(DataType::String)),
    }
    .list()
    .eval(element().filter(element().str().len_chars().gt(lit(0))))
}

/// Splits text into trimmed items.
pub fn list_from_text(e: Expr) -> Expr {
    e.str().split_regex(lit(SEPARATORS), false).list().eval(
        element()
            .str()
            .replace_all(lit(r"\s+"), lit(" "), false)
            .str()
            .strip_chars(lit(NULL)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::parse::run_on_strings;
    use proptest::prelude::*;

    fn parse(values: &[&str]) -> Vec<Option<Vec<String>>> {
        let c = run_on_strings(values, |e| list(e, &DataType::String)).unwrap();
        (0..c.len())
            .map(|i| match c.get(i).unwrap() {
                AnyValue::List(s) => Some(
                    s.str()
                        .unwrap()
                        .iter()
                        .map(|v| v.unwrap_or("").to_string())
                        .collect(),
                ),
                _ => None,
            })
            .collect()
    }

    fn v(items: &[&str]) -> Option<Vec<String>> {
        Some(items.iter().map(|s| s.to_string()).collect())
    }

    #[test]
    fn splits_on_all_separators_and_trims() {
        assert_eq!(
            parse(&[
                "Età adulta, Età senile",
                "Italiana; Straniera UE|Apolide",
                "Persone con disabilità\nGenitori  singoli con figli minori",
                " , ;",
                "Anziani",
            ]),
            vec![
                v(&["Età adulta", "Età senile"]),
                v(&["Italiana", "Straniera UE", "Apolide"]),
                v(&[
                    "Persone con disabilità",
                    "Genitori singoli con figli minori"
                ]),
                v(&[]),
                v(&["Anziani"]),
            ]
        );
    }

    proptest! {
        #[test]
        fn never_panics_and_items_are_trimmed(s in ".{0,40}") {
            let out = parse(&[&s]);
            for item in out[0].clone().unwrap_or_default() {
                prop_assert!(!item.is_empty());
                prop_assert_eq!(item.trim(), item.as_str());
                prop_assert!(!item.contains([',', ';', '|', '\n']));
            }
        }
    }
}
