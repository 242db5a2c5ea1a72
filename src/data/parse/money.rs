//! Amounts in euros from numbers or text: `€ 488100`, `488.100,00 €`, `1,234.56`, `1.234.567`.
//!
//! A single separator followed by exactly three digits in groups (`1.234`, `1.234.567`,
//! `1,234,567`) is read as thousands; otherwise a single `,` or `.` is the decimal mark. When
//! both appear, the last one is the decimal mark.

use polars::prelude::*;

/// Whether `dtype` already holds numbers.
pub fn is_numeric(dtype: &DataType) -> bool {
    dtype.is_primitive_numeric()
}

/// Amount in euros (`Float64`) from a column of any type.
pub fn amount(e: Expr, dtype: &DataType) -> Expr {
    if is_numeric(dtype) {
        e.cast(DataType::Float64)
    } else {
        amount_from_text(e.cast(DataType::String))
    }
}

fn matches(e: &Expr, pattern: &str) -> Expr {
    e.clone().str().contains(lit(pattern), false)
}

fn drop_chars(e: &Expr, pattern: &str) -> Expr {
    e.clone().str().replace_all(lit(pattern), lit(""), true)
}

/// Amount in euros (`Float64`) from text; null when the text is not an amount.
pub fn amount_from_text(e: Expr) -> Expr {
    let t = e
        .str()
        .replace_all(lit(r"(?i)euro|eur|€|\s|\u{a0}"), lit(""), false);
    let comma_to_dot = |x: Expr| x.str().replace_all(lit(","), lit("."), true);
    let text = when(matches(&t, r"^[-+]?\d+$"))
        .then(t.clone())
        .when(matches(&t, r"^[-+]?\d{1,3}(\.\d{3})+$"))
        .then(drop_chars(&t, "."))
        .when(matches(&t, r"^[-+]?\d{1,3}(,\d{3})+$"))
        .then(drop_chars(&t, ","))
        .when(matches(&t, r"^[-+]?\d{1,3}(\.\d{3})*,\d+$"))
        .then(comma_to_dot(drop_chars(&t, ".")))
        .when(matches(&t, r"^[-+]?\d{1,3}(,\d{3})*\.\d+$"))
        .then(drop_chars(&t, ","))
        .when(matches(&t, r"^[-+]?\d+,\d+$"))
        .then(comma_to_dot(t.clone()))
        .when(matches(&t, r"^[-+]?\d+\.\d+$"))
        .then(t)
        .otherwise(lit(NULL).cast(DataType::String));
    text.cast(DataType::Float64)
}

/// Text for a spreadsheet number that the amount parser reads back exactly: a number with
/// exactly three decimals gets a trailing zero so that it never looks like `1.234` (thousands).
pub fn number_text(value: f64) -> String {
    let text = value.to_string();
    match text.split_once('.') {
        Some((_, frac)) if frac.len() == 3 => format!("{text}0"),
        _ => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::parse::run_on_strings;
    use proptest::prelude::*;

    fn parse(values: &[&str]) -> Vec<Option<f64>> {
        let c = run_on_strings(values, amount_from_text).unwrap();
        c.f64().unwrap().iter().collect()
    }

    #[test]
    fn italian_and_english_forms() {
        assert_eq!(
            parse(&[
                "€ 488100",
                "488.100,00 €",
                "1,234.56",
                "1.234.567",
                "EUR 12,5",
                "-1.000,25",
                "867000",
                "179.000",
                "1,234,567",
                "3.75",
                "€\u{a0}1.000",
            ]),
            vec![
                Some(488_100.0),
                Some(488_100.0),
                Some(1_234.56),
                Some(1_234_567.0),
                Some(12.5),
                Some(-1_000.25),
                Some(867_000.0),
                Some(179_000.0),
                Some(1_234_567.0),
                Some(3.75),
                Some(1_000.0),
            ]
        );
    }

    #[test]
    fn non_amounts_are_null() {
        assert_eq!(
            parse(&["n.d.", "", "1.2.3", "12,34,5", "circa 5000", "#N/A"]),
            vec![None; 6]
        );
    }

    #[test]
    fn number_text_is_not_mistaken_for_thousands() {
        let text = number_text(12.345);
        assert_eq!(parse(&[&text]), vec![Some(12.345)]);
        assert_eq!(number_text(488100.0), "488100");
    }

    proptest! {
        #[test]
        fn never_panics_on_arbitrary_text(s in ".{0,40}") {
            let out = run_on_strings(&[&s], amount_from_text);
            prop_assert!(out.is_ok());
        }

        #[test]
        fn italian_formatting_round_trips(cents in -10_000_000_000i64..10_000_000_000i64) {
            let value = cents as f64 / 100.0;
            let text = format!("€ {}", crate::format::number_it(value, 2));
            let parsed = parse(&[&text])[0];
            prop_assert_eq!(parsed, Some(value));
        }

        #[test]
        fn spreadsheet_numbers_round_trip(value in -1e9f64..1e9f64) {
            let parsed = parse(&[&number_text(value)])[0];
            prop_assert_eq!(parsed, Some(value));
        }
    }
}
