//! Planned spend per year: each project's amount spread over its active days (start → end), so a
//! 100.000 € project running from July 2019 to June 2021 puts about a quarter in 2019, half in
//! 2020 and a quarter in 2021. Projects without usable dates are summed in a visible bucket.

use polars::lazy::dsl;
use polars::prelude::*;

use super::chart::amount_expr;
use crate::data::schema::Field;

/// The longest period, in years, spread over the calendar.
pub const MAX_SPAN_YEARS: i32 = 100;

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

/// Leap years from year 1 to `year` (inclusive), for positive years.
fn leap_years_through(year: Expr) -> Expr {
    year.clone().floor_div(lit(4i64)) - year.clone().floor_div(lit(100i64))
        + year.floor_div(lit(400i64))
}

/// Days since 1970-01-01 of 1 January of `year` (Gregorian), in integer arithmetic: no
/// per-row text or date parsing.
fn first_day_of(year: Expr) -> Expr {
    let year = year.cast(DataType::Int64);
    lit(365i64) * (year.clone() - lit(1970i64)) + leap_years_through(year - lit(1i64)) - lit(477i64) // leap years through 1969
}

/// Spreads the amounts of a (filtered) table over calendar years.
pub fn planned_by_year(table: LazyFrame) -> PolarsResult<YearlySpend> {
    let start = col(Field::StartDate.name());
    let end = coalesce(&[col(Field::EndDate.name()), col(Field::StartDate.name())]);
    let base = table.select([
        start.clone().alias("__s"),
        end.alias("__e"),
        amount_expr().alias("__a"),
    ]);
    // A span longer than a century is not a project's period (a date typed wrong, a window the
    // user widened): it goes with the undated, and never spreads over thousands of years.
    let span = col("__e").dt().year() - col("__s").dt().year();
    let dated = col("__s")
        .is_not_null()
        .and(col("__e").gt_eq(col("__s")))
        .and(span.lt_eq(lit(MAX_SPAN_YEARS)));
    let undated = base
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
    let spread = base
        .filter(dated)
        .with_columns([
            (days(col("__e")) - days(col("__s")) + lit(1i64)).alias("__days"),
            int_ranges(
                col("__s").dt().year(),
                col("__e").dt().year() + lit(1),
                lit(1),
                DataType::Int32,
            )
            .alias("__year"),
        ])
        .explode(
            cols(["__year"]),
            ExplodeOptions {
                empty_as_null: false,
                keep_nulls: false,
            },
        )
        .with_columns([
            dsl::max_horizontal([days(col("__s")), first_day_of(col("__year"))])?.alias("__from"),
            dsl::min_horizontal([
                days(col("__e")),
                first_day_of(col("__year") + lit(1)) - lit(1i64),
            ])?
            .alias("__to"),
        ])
        .with_column(
            (col("__a").fill_null(lit(0.0))
                * (col("__to") - col("__from") + lit(1i64)).cast(DataType::Float64)
                / col("__days").cast(DataType::Float64))
            .alias("__part"),
        )
        .group_by([col("__year")])
        .agg([
            col("__part").sum(),
            len().cast(DataType::UInt64).alias("__n"),
        ])
        .sort(["__year"], SortMultipleOptions::default())
        .collect()?;
    Ok(YearlySpend {
        years: spread
            .column("__year")?
            .i32()?
            .iter()
            .map(|y| y.unwrap_or(0))
            .collect(),
        amounts: spread
            .column("__part")?
            .f64()?
            .iter()
            .map(|v| v.unwrap_or(0.0))
            .collect(),
        projects: spread
            .column("__n")?
            .u64()?
            .iter()
            .map(|v| v.unwrap_or(0))
            .collect(),
        undated_amount: undated.column("a")?.f64()?.get(0).unwrap_or(0.0),
        undated_projects: undated.column("n")?.u64()?.get(0).unwrap_or(0),
        all_projects: undated.column("all")?.u64()?.get(0).unwrap_or(0),
    })
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

    #[test]
    fn first_days_of_years_match_the_calendar() {
        let years = df!("y" => [1970i32, 1971, 2000, 2001, 2016, 2020, 2021, 2100, 2401]).unwrap();
        let got = years
            .lazy()
            .select([first_day_of(col("y")).alias("d")])
            .collect()
            .unwrap();
        let got: Vec<i64> = got
            .column("d")
            .unwrap()
            .i64()
            .unwrap()
            .iter()
            .flatten()
            .collect();
        let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
        let expected: Vec<i64> = [1970, 1971, 2000, 2001, 2016, 2020, 2021, 2100, 2401]
            .iter()
            .map(|y| (chrono::NaiveDate::from_ymd_opt(*y, 1, 1).unwrap() - epoch).num_days())
            .collect();
        assert_eq!(got, expected);
    }
    use crate::data::schema::empty_table;
    use chrono::NaiveDate;

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
        let y = planned_by_year(t.lazy()).unwrap();
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
        let y = planned_by_year(t.lazy()).unwrap();
        assert_eq!(y.years, vec![2020]);
        assert_eq!(y.undated_amount, 9_000.0);
        assert_eq!(y.undated_projects, 1);
    }
}
