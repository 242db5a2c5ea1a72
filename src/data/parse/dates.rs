//! Dates from real date cells, Excel serial numbers, `dd/mm/yyyy` (also `-` or `.`), `dd/mm/yy`,
//! ISO `yyyy-mm-dd` (with or without a time), `yyyymmdd`, plain years (`2018`, as a number or as
//! text: 1 January for a start, 31 December for an end) and ranges in one cell
//! (`01/01/2016 – 22/04/2021`, `dal 01/01/2016 al 22/04/2021`, `2016 – 2018`).
//!
//! A parsed date is not yet a plausible one: [`DateWindow`] says which years a programme's dates
//! may fall in; the normaliser reports the others as row-level problems.

use polars::prelude::*;

/// Days from 1899-12-30 (Excel's day zero) to 1970-01-01.
const EXCEL_EPOCH_OFFSET: i32 = 25_569;
/// The largest Excel serial (31/12/9999).
const EXCEL_MAX_SERIAL: i32 = 2_958_465;

/// Numbers in this range are years, not Excel serials (serial 2018 would be 10 July 1905).
const YEARS: std::ops::RangeInclusive<i32> = 1800..=2200;

/// The years a programme's dates may plausibly fall in; dates outside are problems, not values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DateWindow {
    pub first_year: i32,
    pub last_year: i32,
}

impl Default for DateWindow {
    fn default() -> Self {
        DateWindow {
            first_year: 1990,
            last_year: 2100,
        }
    }
}

impl DateWindow {
    /// Whether a `Date` expression falls inside the window (null stays null).
    pub fn contains(&self, e: Expr) -> Expr {
        let year = e.dt().year();
        year.clone()
            .gt_eq(lit(self.first_year))
            .and(year.lt_eq(lit(self.last_year)))
    }
}

/// Which side of a period cell to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Start,
    End,
}

const RANGE: &str =
    r"(?i)^\s*(?:dal\s+|da\s+)?(\S+)\s*(?:–|—|\s-\s|\sal\s|\sa\s|→|\s/\s)\s*(\S+)\s*$";

/// One side of a period cell; a cell holding a single date is returned as is for both sides.
pub fn period_side(e: Expr, side: Side) -> Expr {
    let group = match side {
        Side::Start => 1,
        Side::End => 2,
    };
    coalesce(&[e.clone().str().extract(lit(RANGE), group), e])
}

/// A `Date` from a column of any type; a plain year is read as the start or end of that year.
pub fn date(e: Expr, dtype: &DataType, side: Side) -> Expr {
    match dtype {
        DataType::Date => e,
        DataType::Datetime(_, _) => e.cast(DataType::Date),
        d if d.is_primitive_numeric() => date_from_number(e, side),
        _ => date_from_text(e.cast(DataType::String), side),
    }
}

/// 1 January (start) or 31 December (end) of an integer year.
fn year_date(year: Expr, side: Side) -> Expr {
    let day = match side {
        Side::Start => "-01-01",
        Side::End => "-12-31",
    };
    strptime(
        concat_str([year.cast(DataType::String), lit(day)], "", false),
        "%Y-%m-%d",
    )
}

/// Plain years, `yyyymmdd` numbers and Excel serials (1 … 2958465).
fn date_from_number(e: Expr, side: Side) -> Expr {
    let x = e.cast(DataType::Float64);
    // Out-of-range values (±1e309, NaN) must not wrap around when cast to an integer.
    let finite = x
        .clone()
        .is_finite()
        .and(x.clone().abs().lt(lit(1e9)))
        .fill_null(lit(false));
    let x = when(finite)
        .then(x)
        .otherwise(lit(NULL).cast(DataType::Float64));
    let whole = x.clone().eq(x.clone().floor());
    let n = x.floor().cast(DataType::Int32);
    let year = whole
        .and(n.clone().gt_eq(lit(*YEARS.start())))
        .and(n.clone().lt_eq(lit(*YEARS.end())));
    let yyyymmdd = n
        .clone()
        .gt_eq(lit(10_000_101))
        .and(n.clone().lt_eq(lit(29_991_231)));
    let serial = n
        .clone()
        .gt_eq(lit(1))
        .and(n.clone().lt_eq(lit(EXCEL_MAX_SERIAL)));
    when(year)
        .then(year_date(n.clone(), side))
        .when(yyyymmdd)
        .then(strptime(n.clone().cast(DataType::String), "%Y%m%d"))
        .when(serial)
        .then((n - lit(EXCEL_EPOCH_OFFSET)).cast(DataType::Date))
        .otherwise(lit(NULL).cast(DataType::Date))
}

fn strptime(e: Expr, format: &str) -> Expr {
    e.str().to_date(StrptimeOptions {
        format: Some(format.into()),
        strict: false,
        exact: true,
        cache: true,
    })
}

/// A `Date` from text; null when the text is not a date. A four-digit year is the start or end
/// of that year.
pub fn date_from_text(e: Expr, side: Side) -> Expr {
    let t = e.str().strip_chars(lit(NULL));
    let iso = strptime(
        t.clone()
            .str()
            .extract(lit(r"^(\d{4}-\d{1,2}-\d{1,2})(?:[T ][\d:.]+Z?)?$"), 1),
        "%Y-%m-%d",
    );
    let dmy_text = |pattern: &str| {
        t.clone()
            .str()
            .extract(lit(pattern), 1)
            .str()
            .replace_all(lit(r"[.\-]"), lit("/"), false)
            .str()
            .replace(lit(r"^(\d)/"), lit("0$1/"), false)
            .str()
            .replace(lit(r"^(\d\d)/(\d)/"), lit("$1/0$2/"), false)
    };
    let dmy = strptime(
        dmy_text(r"^(\d{1,2}[/.\-]\d{1,2}[/.\-]\d{4})(?:\s+[\d:.]+)?$"),
        "%d/%m/%Y",
    );
    let dmy_short = strptime(dmy_text(r"^(\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2})$"), "%d/%m/%y");
    let compact = strptime(t.clone().str().extract(lit(r"^(\d{8})$"), 1), "%Y%m%d");
    let serial_text = t.str().extract(lit(r"^(\d{3,7}(?:\.\d+)?)$"), 1);
    let serial = date_from_number(serial_text.cast(DataType::Float64), side);
    coalesce(&[iso, dmy, dmy_short, compact, serial])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::parse::run_on_strings;
    use chrono::NaiveDate;
    use proptest::prelude::*;

    fn parse(values: &[&str]) -> Vec<Option<NaiveDate>> {
        let c = run_on_strings(values, |e| date_from_text(e, Side::Start)).unwrap();
        let s = c.as_materialized_series().clone();
        s.date().unwrap().as_date_iter().collect()
    }

    fn d(y: i32, m: u32, day: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, day)
    }

    #[test]
    fn italian_iso_compact_and_serial_forms() {
        assert_eq!(
            parse(&[
                "22/04/2021",
                "1/1/2016",
                "01-01-2016",
                "01.01.2016",
                "2016-01-01",
                "2016-01-01 00:00:00",
                "20210422",
                "42370",
                "22/04/21",
            ]),
            vec![
                d(2021, 4, 22),
                d(2016, 1, 1),
                d(2016, 1, 1),
                d(2016, 1, 1),
                d(2016, 1, 1),
                d(2016, 1, 1),
                d(2021, 4, 22),
                d(2016, 1, 1),
                d(2021, 4, 22),
            ]
        );
    }

    #[test]
    fn impossible_dates_are_null() {
        assert_eq!(
            parse(&["31/02/2020", "domani", "", "13/13/2013"]),
            vec![None; 4]
        );
    }

    #[test]
    fn period_cells_split_into_start_and_end() {
        let start = run_on_strings(
            &[
                "01/01/2016 – 22/04/2021",
                "dal 01/03/2019 al 28/02/2021",
                "2018-01-01 - 2018-12-31",
                "05/05/2020",
            ],
            |e| date_from_text(period_side(e, Side::Start), Side::Start),
        )
        .unwrap();
        let end = run_on_strings(
            &[
                "01/01/2016 – 22/04/2021",
                "dal 01/03/2019 al 28/02/2021",
                "2018-01-01 - 2018-12-31",
                "05/05/2020",
            ],
            |e| date_from_text(period_side(e, Side::End), Side::End),
        )
        .unwrap();
        let dates = |c: Column| -> Vec<Option<NaiveDate>> {
            c.as_materialized_series()
                .date()
                .unwrap()
                .as_date_iter()
                .collect()
        };
        assert_eq!(
            dates(start),
            vec![d(2016, 1, 1), d(2019, 3, 1), d(2018, 1, 1), d(2020, 5, 5)]
        );
        assert_eq!(
            dates(end),
            vec![
                d(2021, 4, 22),
                d(2021, 2, 28),
                d(2018, 12, 31),
                d(2020, 5, 5)
            ]
        );
    }

    #[test]
    fn numeric_cells_are_excel_serials_or_yyyymmdd() {
        let frame = df!("v" => [Some(42370.0), Some(20210422.0), Some(-5.0), None]).unwrap();
        let out = frame
            .lazy()
            .select([date(col("v"), &DataType::Float64, Side::Start).alias("d")])
            .collect()
            .unwrap();
        let got: Vec<Option<NaiveDate>> = out
            .column("d")
            .unwrap()
            .as_materialized_series()
            .date()
            .unwrap()
            .as_date_iter()
            .collect();
        assert_eq!(got, vec![d(2016, 1, 1), d(2021, 4, 22), None, None]);
    }

    fn numbers(values: &[Option<f64>], side: Side) -> Vec<Option<NaiveDate>> {
        let frame = df!("v" => values).unwrap();
        let out = frame
            .lazy()
            .select([date(col("v"), &DataType::Float64, side).alias("d")])
            .collect()
            .unwrap();
        let s = out.column("d").unwrap().as_materialized_series().clone();
        s.date().unwrap().as_date_iter().collect()
    }

    #[test]
    fn a_plain_year_is_a_year_not_an_excel_serial() {
        // Serial 2018 would be 10 July 1905.
        assert_eq!(
            numbers(&[Some(2018.0), Some(1985.0)], Side::Start),
            vec![d(2018, 1, 1), d(1985, 1, 1)]
        );
        assert_eq!(numbers(&[Some(2018.0)], Side::End), vec![d(2018, 12, 31)]);
        assert_eq!(parse(&["2018", "2018.0"]), vec![d(2018, 1, 1); 2]);
        let end = run_on_strings(&["2021", "2016 – 2019"], |e| {
            date_from_text(period_side(e, Side::End), Side::End)
        })
        .unwrap();
        let ends: Vec<Option<NaiveDate>> = end
            .as_materialized_series()
            .date()
            .unwrap()
            .as_date_iter()
            .collect();
        assert_eq!(ends, vec![d(2021, 12, 31), d(2019, 12, 31)]);
    }

    #[test]
    fn huge_and_non_finite_numbers_are_not_dates() {
        assert_eq!(
            numbers(
                &[
                    Some(f64::INFINITY),
                    Some(f64::NAN),
                    Some(1e300),
                    Some(-1e300)
                ],
                Side::Start
            ),
            vec![None; 4]
        );
    }

    #[test]
    fn the_window_holds_plausible_years_only() {
        let w = DateWindow::default();
        let frame = df!("v" => [d(1905, 7, 10), d(2018, 1, 1), d(2101, 1, 1), None]).unwrap();
        let out = frame
            .lazy()
            .select([w.contains(col("v")).alias("in")])
            .collect()
            .unwrap();
        let got: Vec<Option<bool>> = out.column("in").unwrap().bool().unwrap().iter().collect();
        assert_eq!(got, vec![Some(false), Some(true), Some(false), None]);
    }

    proptest! {
        #[test]
        fn never_panics_on_arbitrary_text(s in ".{0,30}") {
            prop_assert!(run_on_strings(&[&s], |e| date_from_text(e, Side::End)).is_ok());
            prop_assert!(run_on_strings(&[&s], |e| period_side(e, Side::End)).is_ok());
        }

        #[test]
        fn italian_dates_round_trip(days in 0i64..60_000) {
            let date = NaiveDate::from_ymd_opt(1950, 1, 1).unwrap() + chrono::Days::new(days as u64);
            let text = crate::format::date_it(date);
            prop_assert_eq!(parse(&[&text]), vec![Some(date)]);
        }
    }
}
