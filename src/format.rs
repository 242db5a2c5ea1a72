//! Number, money and date formatting for people, in one place (Italian by default).

use chrono::NaiveDate;
use polars::prelude::AnyValue;

/// Groups the integer part of `value` with `sep` every three digits.
fn group_thousands(int_part: u64, sep: char) -> String {
    let digits = int_part.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(ch);
    }
    out
}

/// `1234567.891` with 2 decimals → `1.234.567,89` (Italian grouping and decimal comma).
pub fn number_it(value: f64, decimals: usize) -> String {
    if !value.is_finite() {
        return "—".to_string();
    }
    // Half away from zero, as people round money (format! alone would round half to even).
    let scale = 10f64.powi(decimals as i32);
    let rounded = format!("{:.*}", decimals, (value.abs() * scale).round() / scale);
    let (int_txt, frac_txt) = rounded.split_once('.').unwrap_or((&rounded, ""));
    let int_part: u64 = int_txt.parse().unwrap_or(0);
    let mut out = String::new();
    if value < 0.0 && rounded.chars().any(|c| c.is_ascii_digit() && c != '0') {
        out.push('-');
    }
    out.push_str(&group_thousands(int_part, '.'));
    if !frac_txt.is_empty() {
        out.push(',');
        out.push_str(frac_txt);
    }
    out
}

/// Whole euros: `1.234.568 €`.
pub fn euro(value: f64) -> String {
    format!("{} €", number_it(value, 0))
}

/// Euros with cents: `€ 1.234.567,89` as in Italian administrative documents.
pub fn euro_cents(value: f64) -> String {
    format!("€ {}", number_it(value, 2))
}

/// Compact euros for axes and cards: `950 €`, `12,5 k€`, `6,40 M€`, `206 M€`, `1,2 mld €`.
pub fn euro_compact(value: f64) -> String {
    let abs = value.abs();
    let decimals = |scaled: f64| match scaled.abs() {
        x if x >= 100.0 => 0,
        x if x >= 10.0 => 1,
        _ => 2,
    };
    if abs >= 1e9 {
        let v = value / 1e9;
        format!("{} mld €", number_it(v, decimals(v).min(1)))
    } else if abs >= 1e6 {
        let v = value / 1e6;
        format!("{} M€", number_it(v, decimals(v)))
    } else if abs >= 1e3 {
        let v = value / 1e3;
        format!("{} k€", number_it(v, decimals(v).min(1)))
    } else {
        format!("{} €", number_it(value, 0))
    }
}

/// A size in bytes for people: `512 B`, `3,2 MB`, `1,5 GB`.
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["B", "kB", "MB", "GB"];
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit < UNITS.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else {
        format!("{} {}", number_it(value, 1), UNITS[unit])
    }
}

/// A count with Italian grouping: `1.000.000`.
pub fn count(n: usize) -> String {
    number_it(n as f64, 0)
}

/// `01/01/2016`.
pub fn date_it(date: NaiveDate) -> String {
    date.format("%d/%m/%Y").to_string()
}

/// `01/01/2016 – 22/04/2021`, with open ends shown as `…`.
pub fn period_it(start: Option<NaiveDate>, end: Option<NaiveDate>) -> String {
    let side = |d: Option<NaiveDate>| d.map(date_it).unwrap_or_else(|| "…".to_string());
    format!("{} – {}", side(start), side(end))
}

/// A share as a percentage with one decimal: `12,3%`.
pub fn percent(share: f64) -> String {
    format!("{}%", number_it(share * 100.0, 1))
}

/// A measure's value as people read it: euros, projects or a percentage.
pub fn value(unit: crate::query::chart::Unit, value: f64) -> String {
    use crate::query::chart::Unit;
    match unit {
        Unit::Euro => euro(value),
        Unit::Count => count(value.round().max(0.0) as usize),
        Unit::Share => percent(value),
    }
}

/// A measure's value in little room (axes, narrow bars): `1,25 M€`, `12`, `40,0%`.
pub fn value_compact(unit: crate::query::chart::Unit, value: f64) -> String {
    use crate::query::chart::Unit;
    match unit {
        Unit::Euro => euro_compact(value),
        Unit::Count if value < 0.0 => format!("-{}", count((-value).round() as usize)),
        Unit::Count => count(value.round() as usize),
        Unit::Share => format!("{}%", number_it(value * 100.0, 0)),
    }
}

/// A cell as text, in Italian formats.
pub fn cell_text(value: AnyValue<'_>) -> String {
    match value {
        AnyValue::Null => String::new(),
        AnyValue::String(s) => s.to_string(),
        AnyValue::StringOwned(s) => s.to_string(),
        AnyValue::Float64(v) => euro_cents(v),
        AnyValue::Date(days) => chrono::NaiveDate::default()
            .checked_add_signed(chrono::TimeDelta::days(days as i64))
            .map(date_it)
            .unwrap_or_default(),
        AnyValue::List(s) => s
            .cast(&crate::data::categories::as_text(s.dtype()))
            .ok()
            .and_then(|s| {
                s.str()
                    .ok()
                    .map(|c| c.iter().flatten().collect::<Vec<_>>().join(", "))
            })
            .unwrap_or_default(),
        other => match other.get_str() {
            // A name kept as a category.
            Some(name) => name.to_string(),
            None => other.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn italian_grouping_and_decimal_comma() {
        assert_eq!(number_it(1_234_567.891, 2), "1.234.567,89");
        assert_eq!(number_it(488_100.0, 0), "488.100");
        assert_eq!(number_it(999.0, 0), "999");
        assert_eq!(number_it(-1234.5, 1), "-1.234,5");
        assert_eq!(number_it(-0.001, 2), "0,00");
        assert_eq!(number_it(9_851_000.5, 0), "9.851.001");
        assert_eq!(number_it(0.125, 2), "0,13");
    }

    #[test]
    fn euro_forms() {
        assert_eq!(euro(6_400_000.0), "6.400.000 €");
        assert_eq!(euro_cents(1_234_567.891), "€ 1.234.567,89");
        assert_eq!(euro_compact(6_400_000.0), "6,40 M€");
        assert_eq!(euro_compact(12_500.0), "12,5 k€");
        assert_eq!(euro_compact(250_000.0), "250 k€");
        assert_eq!(euro_compact(20_000_000.0), "20,0 M€");
        assert_eq!(euro_compact(206_385_636_700.0), "206 mld €");
        assert_eq!(euro_compact(1_250_000_000.0), "1,3 mld €");
    }

    #[test]
    fn period_with_en_dash() {
        let s = NaiveDate::from_ymd_opt(2016, 1, 1);
        let e = NaiveDate::from_ymd_opt(2021, 4, 22);
        assert_eq!(period_it(s, e), "01/01/2016 – 22/04/2021");
        assert_eq!(period_it(s, None), "01/01/2016 – …");
    }
}
