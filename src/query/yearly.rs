//! Planned spend per year: each project's amount spread over its active days (start → end), so a
//! 100.000 € project running from July 2019 to June 2021 puts about a quarter in 2019, half in
//! 2020 and a quarter in 2021. Projects without usable dates are summed in a visible bucket.

use polars::prelude::*;
use polars_arrow::array::Array;

use super::chart::amount_expr;
use crate::data::schema::Field;
use crate::data::tally::{Bucket, Rows, Values};

/// The longest period, in years, spread over the calendar.
pub const MAX_SPAN_YEARS: i32 = 100;
/// The same, in days.
const MAX_SPAN_DAYS: i64 = MAX_SPAN_YEARS as i64 * 366;

/// Spend per calendar year, and what could not be placed.
#[derive(Debug, Clone, PartialEq)]
pub struct YearlySpend {
    pub years: Vec<i32>,
    pub amounts: Vec<f64>,
    /// Projects active in each year.
    pub projects: Vec<u64>,
    /// Amount of projects without dates (or with the end before the start).
    pub undated_amount: f64,
    pub undated_projects: u64,
    /// All projects, dated or not, each counted once.
    pub all_projects: u64,
}

fn days(e: Expr) -> Expr {
    e.cast(DataType::Int32).cast(DataType::Int64)
}

/// Days since 1970-01-01 of 1 January of `year`.
fn first_day(year: i32) -> i64 {
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).expect("a valid date");
    chrono::NaiveDate::from_ymd_opt(year, 1, 1)
        .map(|d| (d - epoch).num_days())
        .unwrap_or(0)
}

/// Per day number: the sum of the daily amounts and the count of projects starting (or ending)
/// that day.
fn per_day(rows: &LazyFrame, day: &str) -> PolarsResult<Vec<(i64, f64, u64)>> {
    let grouped = rows
        .clone()
        .group_by([col(day)])
        .agg([
            col("__per_day").sum().alias("__sum"),
            len().cast(DataType::UInt64).alias("__n"),
        ])
        .sort([day], SortMultipleOptions::default())
        .collect()?;
    let days = grouped.column(day)?.i64()?;
    let sums = grouped.column("__sum")?.f64()?;
    let counts = grouped.column("__n")?.u64()?;
    Ok(days
        .iter()
        .zip(sums.iter())
        .zip(counts.iter())
        .filter_map(|((d, s), n)| Some((d?, s.unwrap_or(0.0), n.unwrap_or(0))))
        .collect())
}

/// Spreads the amounts of a (filtered) table over calendar years: each project adds its amount ÷
/// its days to every day it runs. polars sums those daily amounts by start day and by end day;
/// walking the calendar once, adding what starts and removing what ended, gives each year's
/// amount and its active projects — no row copied per year.
pub fn planned_by_year(table: LazyFrame) -> PolarsResult<YearlySpend> {
    let start = col(Field::StartDate.name());
    let end = coalesce(&[col(Field::EndDate.name()), col(Field::StartDate.name())]);
    let base = table.select([
        days(start).alias("__from"),
        days(end).alias("__to"),
        amount_expr().alias("__a"),
    ]);
    // A span longer than a century is not a project's period (a date typed wrong, a window the
    // user widened): it goes with the undated, and never spreads over thousands of years.
    let dated = col("__from")
        .is_not_null()
        .and(col("__to").gt_eq(col("__from")))
        .and((col("__to") - col("__from")).lt_eq(lit(MAX_SPAN_DAYS)));
    let summary = base
        .clone()
        .select([
            col("__a")
                .filter(dated.clone().not())
                .sum()
                .fill_null(lit(0.0))
                .alias("a"),
            dated.clone().not().sum().cast(DataType::UInt64).alias("n"),
            len().cast(DataType::UInt64).alias("all"),
        ])
        .collect()?;
    let rows = base
        .filter(dated)
        .select([
            col("__from"),
            col("__to"),
            (col("__a").fill_null(lit(0.0))
                / (col("__to") - col("__from") + lit(1i64)).cast(DataType::Float64))
            .alias("__per_day"),
        ])
        .collect()?
        .lazy();
    let starts = per_day(&rows, "__from")?;
    let ends = per_day(&rows, "__to")?;
    let u64_of =
        |name: &str| -> PolarsResult<u64> { Ok(summary.column(name)?.u64()?.get(0).unwrap_or(0)) };
    Ok(walk(
        &starts,
        &ends,
        Undated {
            amount: summary.column("a")?.f64()?.get(0).unwrap_or(0.0),
            projects: u64_of("n")?,
            all_projects: u64_of("all")?,
        },
    ))
}

/// What the calendar walk does not place: the undated projects, and how many there are in all.
struct Undated {
    amount: f64,
    projects: u64,
    all_projects: u64,
}

/// The years from the daily amounts and projects starting and ending on each day (day numbers
/// ascending): walking the calendar once, adding what starts and removing what ended.
fn walk(starts: &[(i64, f64, u64)], ends: &[(i64, f64, u64)], undated: Undated) -> YearlySpend {
    let (mut years, mut amounts, mut projects) = (Vec::new(), Vec::new(), Vec::new());
    if let (Some(first), Some(last)) = (starts.first(), ends.last()) {
        let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).expect("a valid date");
        let year_of = |day: i64| {
            use chrono::Datelike;
            epoch
                .checked_add_signed(chrono::TimeDelta::days(day))
                .map(|d| d.year())
                .unwrap_or(1970)
        };
        let (mut s, mut e) = (starts.iter().peekable(), ends.iter().peekable());
        // The daily amount of the projects running, and how many run.
        let (mut rate, mut running) = (0.0f64, 0u64);
        let mut year = year_of(first.0);
        let mut next_year = first_day(year + 1);
        let (mut amount, mut active) = (0.0f64, 0u64);
        let mut day = first.0;
        while day <= last.0 {
            if day == next_year {
                if active > 0 {
                    years.push(year);
                    amounts.push(amount);
                    projects.push(active);
                }
                year += 1;
                next_year = first_day(year + 1);
                (amount, active) = (0.0, running);
            }
            while let Some((_, add, n)) = s.next_if(|(d, _, _)| *d == day) {
                rate += add;
                running += n;
                active += n;
            }
            // Nothing changes until the next start, end or new year: add those days at once.
            let until = [
                s.peek().map(|x| x.0),
                e.peek().map(|x| x.0 + 1),
                Some(next_year),
                Some(last.0 + 1),
            ]
            .into_iter()
            .flatten()
            .min()
            .unwrap_or(day + 1)
            .max(day + 1);
            let through = until - 1;
            amount += rate * (until - day) as f64;
            while let Some((_, remove, n)) = e.next_if(|(d, _, _)| *d == through) {
                rate -= remove;
                running -= n;
            }
            day = until;
        }
        if active > 0 {
            years.push(year);
            amounts.push(amount);
            projects.push(active);
        }
    }
    YearlySpend {
        years,
        amounts,
        projects,
        undated_amount: undated.amount,
        undated_projects: undated.projects,
        all_projects: undated.all_projects,
    }
}

/// The longest calendar, in days, [`planned_by_year_of_rows`] lays out as arrays.
const MAX_CALENDAR_DAYS: i64 = 400 * 366;

/// [`planned_by_year`] over the `rows` of `table`, reading its date columns and `amounts` (one
/// per row) directly: the daily amounts and the projects starting and ending each day are added
/// into arrays indexed by day, with no group-by and no copy of the rows. `None` when the table
/// has no date columns or its dates span more than four centuries (left to polars).
pub fn planned_by_year_of_rows(
    table: &DataFrame,
    amounts: &Values,
    rows: Rows,
) -> PolarsResult<Option<YearlySpend>> {
    let day_numbers = |f: Field| -> PolarsResult<Option<Int32Chunked>> {
        let Ok(column) = table.column(f.name()) else {
            return Ok(None);
        };
        if column.dtype() != &DataType::Date {
            return Ok(None);
        }
        let days = column.cast(&DataType::Int32)?;
        Ok(Some(days.i32()?.rechunk().into_owned()))
    };
    let (Some(start), Some(end)) = (day_numbers(Field::StartDate)?, day_numbers(Field::EndDate)?)
    else {
        return Ok(None);
    };
    let (Some(start), Some(end)) = (start.downcast_iter().next(), end.downcast_iter().next())
    else {
        return Ok(Some(walk(&[], &[], Undated::none())));
    };
    let day = |arr: &polars_arrow::array::PrimitiveArray<i32>, row: usize| {
        arr.is_valid(row).then(|| arr.value(row) as i64)
    };
    // The span of each row: from its start to its end (its start when it has no end).
    let span = |row: usize| -> Option<(i64, i64)> {
        let from = day(start, row)?;
        let to = day(end, row).unwrap_or(from);
        (to >= from && to - from <= MAX_SPAN_DAYS).then_some((from, to))
    };
    let height = table.height();
    let mut undated = Undated::none();
    let mut undated_amount = Bucket::default();
    let (mut first, mut last) = (i64::MAX, i64::MIN);
    rows.for_each(height, |row| {
        undated.all_projects += 1;
        match span(row) {
            Some((from, to)) => {
                first = first.min(from);
                last = last.max(to);
            }
            None => undated_amount.add(amounts.get(row)),
        }
    });
    undated.projects = undated_amount.rows;
    undated.amount = undated_amount.sum();
    if first > last {
        return Ok(Some(walk(&[], &[], undated)));
    }
    if last - first > MAX_CALENDAR_DAYS {
        return Ok(None);
    }
    let length = (last - first + 1) as usize;
    let (mut starts, mut ends) = (
        vec![Bucket::default(); length],
        vec![Bucket::default(); length],
    );
    rows.for_each(height, |row| {
        if let Some((from, to)) = span(row) {
            let per_day = amounts.get(row).unwrap_or(0.0) / (to - from + 1) as f64;
            starts[(from - first) as usize].add(Some(per_day));
            ends[(to - first) as usize].add(Some(per_day));
        }
    });
    let listed = |days: Vec<Bucket>| -> Vec<(i64, f64, u64)> {
        days.into_iter()
            .enumerate()
            .filter(|(_, b)| b.rows > 0)
            .map(|(i, b)| (first + i as i64, b.sum(), b.rows))
            .collect()
    };
    Ok(Some(walk(&listed(starts), &listed(ends), undated)))
}

impl Undated {
    fn none() -> Undated {
        Undated {
            amount: 0.0,
            projects: 0,
            all_projects: 0,
        }
    }
}

impl YearlySpend {
    /// The same numbers as chart data: one bar per year, then the undated bucket.
    pub fn to_chart(&self) -> super::chart::ChartData {
        use super::chart::{
            ChartData, ChartSeries, ChartSpec, Dimension, Measure, Orientation, SortBy,
        };
        let mut categories: Vec<super::key::Key> = self
            .years
            .iter()
            .map(|y| super::key::Key::value(y.to_string()))
            .collect();
        let mut values = self.amounts.clone();
        let mut counts = self.projects.clone();
        if self.undated_projects > 0 {
            categories.push(super::key::Key::Undated);
            values.push(self.undated_amount);
            counts.push(self.undated_projects);
        }
        let mut spec = ChartSpec::new(Dimension::Year, Measure::Amount);
        spec.orientation = Orientation::Vertical;
        spec.sort = SortBy::Name;
        spec.top_n = None;
        ChartData {
            spec,
            total: values.iter().sum(),
            projects: self.all_projects,
            categories,
            counts,
            series: vec![ChartSeries { key: None, values }],
            multi_valued: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::data::schema::empty_table;
    use chrono::NaiveDate;
    use proptest::prelude::*;

    /// The years by the polars group-bys; the arrays over the rows must give the same, over all
    /// the rows and over every other row.
    fn both_ways(t: DataFrame) -> YearlySpend {
        let grouped = planned_by_year(t.clone().lazy()).unwrap();
        let amounts = t
            .clone()
            .lazy()
            .select([amount_expr().cast(DataType::Float64)])
            .collect()
            .unwrap();
        let amounts = crate::data::tally::single_chunk(&amounts.columns()[0]).unwrap();
        let values = Values::of(&amounts).unwrap();
        let arrays = planned_by_year_of_rows(&t, &values, Rows::All)
            .unwrap()
            .expect("dates within four centuries");
        assert_close(&arrays, &grouped);
        let every_other: Vec<u32> = (0..t.height() as u32).step_by(2).collect();
        let kept = IdxCa::from_vec("".into(), every_other);
        let arrays = planned_by_year_of_rows(&t, &values, Rows::Only(&kept))
            .unwrap()
            .expect("dates within four centuries");
        let grouped_kept = planned_by_year(t.take(&kept).unwrap().lazy()).unwrap();
        assert_close(&arrays, &grouped_kept);
        grouped
    }

    fn assert_close(a: &YearlySpend, b: &YearlySpend) {
        let near = |x: f64, y: f64| (x - y).abs() <= 1e-6 * (1.0 + x.abs().max(y.abs()));
        assert_eq!(a.years, b.years);
        assert_eq!(a.projects, b.projects);
        assert_eq!(a.undated_projects, b.undated_projects);
        assert_eq!(a.all_projects, b.all_projects);
        assert!(near(a.undated_amount, b.undated_amount), "{a:?} {b:?}");
        assert!(
            a.amounts.iter().zip(&b.amounts).all(|(x, y)| near(*x, *y)),
            "{a:?} {b:?}"
        );
    }

    proptest! {
        #[test]
        fn the_arrays_over_the_rows_give_the_years_polars_gives(
            rows in prop::collection::vec(
                (
                    prop::option::of(0.0f64..1e6),
                    prop::option::of(7000i32..12000),
                    prop::option::of(-400i32..3000),
                ),
                0..40,
            )
        ) {
            let date = |d: i32| chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap()
                + chrono::TimeDelta::days(d as i64);
            let starts: Vec<Option<NaiveDate>> = rows.iter().map(|r| r.1.map(date)).collect();
            let ends: Vec<Option<NaiveDate>> = rows
                .iter()
                .map(|r| r.1.zip(r.2).map(|(s, len)| date(s + len)))
                .collect();
            let amounts: Vec<Option<f64>> = rows.iter().map(|r| r.0).collect();
            let frame = df!(
                "amount_granted" => amounts,
                "start_date" => starts,
                "end_date" => ends,
            )
            .unwrap();
            let t = polars::functions::concat_df_diagonal(&[empty_table(), frame]).unwrap();
            both_ways(t);
        }
    }

    #[test]
    fn amounts_are_spread_over_active_days() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day);
        let rows = df!(
            "amount_granted" => [Some(73_100.0), Some(1_000.0), Some(500.0)],
            // 2019-07-01 → 2021-06-30: 184 days in 2019, 366 in 2020, 181 in 2021 (731 days).
            "start_date" => [d(2019, 7, 1), d(2020, 3, 1), None],
            "end_date" => [d(2021, 6, 30), d(2020, 3, 1), None],
        )
        .unwrap();
        let t = polars::functions::concat_df_diagonal(&[empty_table(), rows]).unwrap();
        let y = both_ways(t);
        assert_eq!(y.years, vec![2019, 2020, 2021]);
        let expected = [
            73_100.0 * 184.0 / 731.0,
            73_100.0 * 366.0 / 731.0 + 1_000.0,
            73_100.0 * 181.0 / 731.0,
        ];
        for (got, want) in y.amounts.iter().zip(expected) {
            assert!((got - want).abs() < 1e-6, "{got} vs {want}");
        }
        assert_eq!(y.projects, vec![1, 2, 1]);
        assert_eq!(y.undated_amount, 500.0);
        assert_eq!(y.undated_projects, 1);
        assert_eq!(y.all_projects, 3);
    }

    /// The spread checked against a plain day-by-day count over many overlapping projects
    /// (one-day projects, projects over New Year, a leap day, shared start and end days).
    #[test]
    fn the_spread_matches_a_day_by_day_count() {
        let mut seed = 12345u64;
        let mut next = |n: u64| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) % n
        };
        let base = NaiveDate::from_ymd_opt(2015, 6, 1).unwrap();
        let (mut starts, mut ends, mut amounts) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..400 {
            let s = base + chrono::Days::new(next(2000));
            let e = s + chrono::Days::new(match next(4) {
                0 => 0,
                1 => next(40),
                _ => next(1500),
            });
            starts.push(Some(s));
            ends.push(Some(e));
            amounts.push(Some((next(1_000_000) + 1) as f64));
        }
        let mut expected: std::collections::BTreeMap<i32, (f64, u64)> = Default::default();
        for ((s, e), a) in starts.iter().zip(&ends).zip(&amounts) {
            let (s, e, a) = (s.unwrap(), e.unwrap(), a.unwrap());
            let days = (e - s).num_days() + 1;
            let mut seen = std::collections::BTreeSet::new();
            let mut d = s;
            while d <= e {
                use chrono::Datelike;
                let entry = expected.entry(d.year()).or_default();
                entry.0 += a / days as f64;
                if seen.insert(d.year()) {
                    entry.1 += 1;
                }
                d = d.succ_opt().unwrap();
            }
        }
        let rows = df!(
            "amount_granted" => amounts,
            "start_date" => starts,
            "end_date" => ends,
        )
        .unwrap();
        let t = polars::functions::concat_df_diagonal(&[empty_table(), rows]).unwrap();
        let y = both_ways(t);
        assert_eq!(y.years, expected.keys().copied().collect::<Vec<_>>());
        for (i, (year, (amount, n))) in expected.iter().enumerate() {
            assert!(
                (y.amounts[i] - amount).abs() < 1e-6 * amount.max(1.0),
                "{year}: {} vs {amount}",
                y.amounts[i]
            );
            assert_eq!(y.projects[i], *n, "{year}");
        }
        assert_eq!(y.undated_projects, 0);
    }

    #[test]
    fn an_absurd_span_is_undated_not_spread_over_centuries() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day);
        let rows = df!(
            "amount_granted" => [Some(1_000.0), Some(9_000.0)],
            "start_date" => [d(2020, 1, 1), d(1, 1, 1)],
            "end_date" => [d(2020, 12, 31), d(9999, 12, 31)],
        )
        .unwrap();
        let t = polars::functions::concat_df_diagonal(&[empty_table(), rows]).unwrap();
        let y = both_ways(t);
        assert_eq!(y.years, vec![2020]);
        assert_eq!(y.undated_amount, 9_000.0);
        assert_eq!(y.undated_projects, 1);
    }
}
