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

/// Amount in euros (`Float64`) from text; null when the text is not an amount. One pass over
/// each text ([`amount_of`]), not a pattern per form.
pub fn amount_from_text(e: Expr) -> Expr {
    e.map(
        |c| {
            let values = c.str()?;
            let amounts: Float64Chunked = values.iter().map(|v| v.and_then(amount_of)).collect();
            Ok(amounts.with_name(c.name().clone()).into_column())
        },
        |_, field| Ok(Field::new(field.name().clone(), DataType::Float64)),
    )
}

/// The amount a text says: `€`, `euro`, `eur` (any case) and white space are ignored; then one of
/// `1234`, `1.234.567` / `1,234,567` (thousands), `1.234,56` / `1,234.56` (thousands and decimals),
/// `1234,5` / `1234.5` (decimals), with an optional sign.
pub fn amount_of(text: &str) -> Option<f64> {
    // The usual cell, plain digits: read as it is.
    if is_digits(text) {
        return text.parse().ok();
    }
    let mut t = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        let skip = if starts_with_ignore_case(rest, "euro") {
            4
        } else if starts_with_ignore_case(rest, "eur") {
            3
        } else if c == '€' || c.is_whitespace() {
            c.len_utf8()
        } else {
            t.push(c);
            c.len_utf8()
        };
        rest = &rest[skip..];
    }
    let (sign, body) = match t.as_bytes().first() {
        Some(b'-') => ("-", &t[1..]),
        Some(b'+') => ("", &t[1..]),
        _ => ("", t.as_str()),
    };
    let number = if is_digits(body) {
        body.to_string()
    } else if grouped(body, '.').is_some_and(|groups| groups > 0) {
        body.replace('.', "")
    } else if grouped(body, ',').is_some_and(|groups| groups > 0) {
        body.replace(',', "")
    } else if let Some((whole, decimals)) = body.rsplit_once(',')
        && is_digits(decimals)
        && (grouped(whole, '.').is_some() || is_digits(whole))
    {
        format!("{}.{decimals}", whole.replace('.', ""))
    } else if let Some((whole, decimals)) = body.rsplit_once('.')
        && is_digits(decimals)
        && (grouped(whole, ',').is_some() || is_digits(whole))
    {
        format!("{}.{decimals}", whole.replace(',', ""))
    } else {
        return None;
    };
    format!("{sign}{number}").parse().ok()
}

fn starts_with_ignore_case(text: &str, word: &str) -> bool {
    text.len() >= word.len()
        && text.is_char_boundary(word.len())
        && text[..word.len()].eq_ignore_ascii_case(word)
}

/// One or more ASCII digits.
fn is_digits(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

/// How many `separator`-and-three-digits groups follow one to three leading digits
/// (`1.234.567` → 2, `12` → 0); `None` when the text is not so.
fn grouped(text: &str, separator: char) -> Option<usize> {
    let mut parts = text.split(separator);
    let head = parts.next()?;
    if !is_digits(head) || head.len() > 3 {
        return None;
    }
    let mut groups = 0;
    for part in parts {
        if part.len() != 3 || !is_digits(part) {
            return None;
        }
        groups += 1;
    }
    Some(groups)
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

    /// The forms as patterns, one per form (how amounts were read before [`amount_of`]): the
    /// oracle the one-pass reader is checked against.
    fn amount_by_patterns(e: Expr) -> Expr {
        let matches = |e: &Expr, pattern: &str| e.clone().str().contains(lit(pattern), false);
        let drop_chars =
            |e: &Expr, pattern: &str| e.clone().str().replace_all(lit(pattern), lit(""), true);
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

    fn same_as_patterns(texts: &[&str]) {
        let fast = run_on_strings(texts, amount_from_text).unwrap();
        let oracle = run_on_strings(texts, amount_by_patterns).unwrap();
        for (i, text) in texts.iter().enumerate() {
            let a = fast.f64().unwrap().get(i);
            let b = oracle.f64().unwrap().get(i);
            assert!(
                a == b || (a.is_some_and(f64::is_nan) && b.is_some_and(f64::is_nan)),
                "{text:?}: {a:?} against {b:?}"
            );
        }
    }

    #[test]
    fn every_form_reads_as_the_patterns_read_it() {
        same_as_patterns(&[
            "1.234",
            "1,234",
            "1.234,5",
            "1,234.5",
            "1234,5",
            "1234.5",
            "12.34.5",
            "+1.000",
            "-0,5",
            "--5",
            "+-5",
            ".5",
            ",5",
            "5.",
            "5,",
            "1.234.567,",
            "EuRo 5",
            "5 eur",
            "neuro 7",
            "1\u{a0}000",
            "1 000,00",
            "١٢٣",
            "€",
            "0001.000",
            "1234.567.890",
            "12,345,678.9",
            "1.2345",
            "1,2345",
            "euroeur€ 3",
        ]);
    }

    proptest! {
        #[test]
        fn the_one_pass_reader_agrees_with_the_patterns(
            s in "[-+ 0-9.,€eEuUrRoO\u{a0}x]{0,16}"
        ) {
            same_as_patterns(&[&s]);
        }

        #[test]
        fn number_like_texts_read_as_the_patterns_read_them(
            s in "(€ )?[-+]?[0-9]{1,4}([.,][0-9]{1,4}){0,3}( €| euro)?"
        ) {
            same_as_patterns(&[&s]);
        }

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
