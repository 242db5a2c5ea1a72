//! Dates from real date cells, Excel serial numbers, `dd/mm/yyyy` (also `-` or `.`), `dd/mm/yy`,
//! ISO `yyyy-mm-dd` (with or without a time), `yyyymmdd`, and ranges in one cell
//! (`01/01/2016 – 22/04/2021`, `dal 01/01/2016 al 22/04/2021`).

use polars::prelude::*;

/// Days from 1899-12-30 (Excel's day zero) to 1970-01-01.
const EXCEL_EPOCH_OFFSET: i32 = 25_569;
/// The largest Excel serial (31/12/9999).
const EXCEL_MAX_SERIAL: i32 = 2_958_465;

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

/// A `Date` from a column of any type.
pub fn date(e: Expr, dtype: &DataType) -> Expr {
    match dtype {
        DataType::Date => e,
        DataType::Datetime(_, _) => e.cast(DataType::Date),
        d if d.is_primitive_numeric() => date_from_number(e),
        _ => date_from_text(e.cast(DataType::String)),
    }
}

/// Excel serials (1 … 2958465) and `yyyymmdd` numbers.
fn date_from_number(e: Expr) -> Expr {
    let n = e.cast(DataType::Float64).floor().cast(DataType::Int32);
    let yyyymmdd = n
        .clone()
        .gt_eq(lit(10_000_101))
        .and(n.clone().lt_eq(lit(29_991_231)));
    let serial = n
        .clone()
        .gt_eq(lit(1))
        .and(n.clone().lt_eq(lit(EXCEL_MAX_SERIAL)));
    when(yyyymmdd)
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

/// A `Date` from text; null when the text is not a date.
pub fn date_from_text(e: Expr) -> Expr {
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
    let serial = date_from_number(serial_text.cast(DataType::Float64));
    coalesce(&[iso, dmy, dmy_short, compact, serial])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::parse::run_on_strings;
    use chrono::NaiveDate;
    use proptest::prelude::*;

    fn parse(values: &[&str]) -> Vec<Option<NaiveDate>> {
        let c = run_on_strings(values, date_from_text).unwrap();
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
            |e| date_from_text(period_side(e, Side::Start)),
        )
        .unwrap();
        let end = run_on_strings(
            &[
                "01/01/2016 – 22/04/2021",
                "dal 01/03/2019 al 28/02/2021",
                "2018-01-01 - 2018-12-31",
                "05/05/2020",
            ],
            |e| date_from_text(period_side(e, Side::End)),
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
            .select([date(col("v"), &DataType::Float64).alias("d")])
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

    proptest! {
        #[test]
        fn never_panics_on_arbitrary_text(s in ".{0,30}") {
            prop_assert!(run_on_strings(&[&s], date_from_text).is_ok());
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
