//! The headline numbers of the filtered projects: how many, granted and spent, the share spent,
//! distinct lead bodies and provinces, the median grant. Computed by polars over the filtered
//! rows ([`kpis`]) or, for a table whose names are stored as categories, in one pass over the
//! kept row numbers ([`kpis_of_rows`]); the tests hold the two to the same answers.

use polars::prelude::*;

use super::chart::{Sums, amount_expr};
use crate::data::schema::Field;
use crate::data::tally::{Rows, tally};

/// The headline numbers.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Kpis {
    pub projects: u64,
    pub all_projects: u64,
    pub granted: f64,
    pub spent: Option<f64>,
    /// Spent ÷ granted over the projects where both are known.
    pub spent_share: Option<f64>,
    /// Distinct lead bodies; `None` when no source has a lead-body column.
    pub lead_bodies: Option<u64>,
    /// Distinct provinces; `None` when no source says where its projects are.
    pub territories: Option<u64>,
    pub median_grant: Option<f64>,
    /// Shown projects whose amount could not be read (left out of the totals).
    pub unreadable_amounts: u64,
}

/// Whether any row of the table has a value in `field`.
fn has_values(table: &DataFrame, field: Field) -> bool {
    table
        .column(field.name())
        .is_ok_and(|c| c.null_count() < c.len())
}

pub fn kpis(
    table: &DataFrame,
    filtered: &LazyFrame,
    unreadable: &std::collections::BTreeSet<(String, u32)>,
) -> PolarsResult<Kpis> {
    let all_projects = table.height() as u64;
    let unreadable_amounts = unreadable_among(filtered, unreadable)?;
    let granted = col(Field::AmountGranted.name());
    let spent = col(Field::AmountSpent.name());
    let both = granted
        .clone()
        .is_not_null()
        .and(spent.clone().is_not_null());
    let row = filtered
        .clone()
        .select([
            len().cast(DataType::UInt64).alias("projects"),
            amount_expr().sum().alias("granted"),
            spent.clone().sum().alias("spent"),
            spent
                .clone()
                .count()
                .cast(DataType::UInt64)
                .alias("spent_n"),
            spent.clone().filter(both.clone()).sum().alias("spent_both"),
            granted.clone().filter(both).sum().alias("granted_both"),
            col(Field::LeadBody.name())
                .drop_nulls()
                .n_unique()
                .cast(DataType::UInt64)
                .alias("bodies"),
            col(Field::Province.name())
                .drop_nulls()
                .n_unique()
                .cast(DataType::UInt64)
                .alias("territories"),
            amount_expr().median().alias("median"),
        ])
        .collect()?;
    let f = |name: &str| -> PolarsResult<Option<f64>> {
        Ok(row.column(name)?.cast(&DataType::Float64)?.f64()?.get(0))
    };
    let u = |name: &str| -> PolarsResult<u64> { Ok(row.column(name)?.u64()?.get(0).unwrap_or(0)) };
    let spent_n = u("spent_n")?;
    let granted_both = f("granted_both")?.unwrap_or(0.0);
    Ok(Kpis {
        projects: u("projects")?,
        all_projects,
        granted: f("granted")?.unwrap_or(0.0),
        spent: if spent_n > 0 { f("spent")? } else { None },
        spent_share: (granted_both > 0.0)
            .then(|| f("spent_both").ok().flatten().unwrap_or(0.0) / granted_both),
        lead_bodies: has_values(table, Field::LeadBody)
            .then(|| u("bodies"))
            .transpose()?,
        territories: has_values(table, Field::Province)
            .then(|| u("territories"))
            .transpose()?,
        median_grant: f("median")?,
        unreadable_amounts,
    })
}

/// How many of the `filtered` rows are among the `unreadable` ones (source, row).
pub fn unreadable_among(
    filtered: &LazyFrame,
    unreadable: &std::collections::BTreeSet<(String, u32)>,
) -> PolarsResult<u64> {
    if unreadable.is_empty() {
        return Ok(0);
    }
    let n = filtered
        .clone()
        .filter(crate::query::filters::rows_condition(unreadable))
        .select([len().cast(DataType::UInt64)])
        .collect()?;
    Ok(n.columns()[0].u64()?.get(0).unwrap_or(0))
}

/// [`kpis`] in one pass over the `rows` of `table` (distinct names counted by their codes, the
/// median by selection); `None` when the lead bodies or provinces are not stored as categories
/// or the amounts are not at hand. `unreadable_amounts` comes from [`unreadable_among`].
pub fn kpis_of_rows(
    table: &DataFrame,
    sums: &Sums,
    rows: Rows,
    unreadable_amounts: u64,
) -> PolarsResult<Option<Kpis>> {
    let (Some(amount), Some(granted), Some(spent)) = (sums.amount(), sums.granted(), sums.spent())
    else {
        return Ok(None);
    };
    let distinct = |field: Field| -> PolarsResult<Option<Option<u64>>> {
        if !has_values(table, field) {
            return Ok(Some(None));
        }
        let counted = tally(table.column(field.name())?, None, rows)?;
        Ok(counted.map(|t| Some(t.named.len() as u64)))
    };
    let (Some(lead_bodies), Some(territories)) =
        (distinct(Field::LeadBody)?, distinct(Field::Province)?)
    else {
        return Ok(None);
    };
    let mut all = crate::data::tally::Bucket::default();
    let (mut spent_all, mut spent_both, mut granted_both) = Default::default();
    let spent_all: &mut crate::data::tally::Bucket = &mut spent_all;
    let spent_both: &mut crate::data::tally::Bucket = &mut spent_both;
    let granted_both: &mut crate::data::tally::Bucket = &mut granted_both;
    let mut amounts = Vec::with_capacity(rows.len(table.height()));
    rows.for_each(table.height(), |row| {
        let a = amount.get(row);
        all.add(a);
        amounts.extend(a);
        let s = spent.get(row);
        if let Some(s) = s {
            spent_all.add(Some(s));
            if let Some(g) = granted.get(row) {
                spent_both.add_value(s);
                granted_both.add_value(g);
            }
        }
    });
    let granted_both = granted_both.sum();
    Ok(Some(Kpis {
        projects: all.rows,
        all_projects: table.height() as u64,
        granted: all.sum(),
        spent: (spent_all.rows > 0).then(|| spent_all.sum()),
        spent_share: (granted_both > 0.0).then(|| spent_both.sum() / granted_both),
        lead_bodies,
        territories,
        median_grant: median(&mut amounts),
        unreadable_amounts,
    }))
}

/// The middle value (the mean of the two middle ones for an even count); `None` for none.
fn median(values: &mut [f64]) -> Option<f64> {
    let n = values.len();
    if n == 0 {
        return None;
    }
    let (below, middle, _) = values.select_nth_unstable_by(n / 2, f64::total_cmp);
    let upper = *middle;
    if n % 2 == 1 {
        return Some(upper);
    }
    let lower = below.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    Some((lower + upper) / 2.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::categories::categorise;
    use crate::data::schema::empty_table;
    use proptest::prelude::*;

    fn both_ways(t: &DataFrame, kept: Option<&[u32]>) -> (Kpis, Kpis) {
        let t = categorise(t.clone()).unwrap();
        let none = Default::default();
        let (lf, idx) = match kept {
            None => (t.clone().lazy(), None),
            Some(k) => {
                let idx = IdxCa::from_vec("".into(), k.to_vec());
                (t.take(&idx).unwrap().lazy(), Some(idx))
            }
        };
        let grouped = kpis(&t, &lf, &none).unwrap();
        let sums = Sums::of(&t).unwrap();
        let rows = idx.as_ref().map(Rows::Only).unwrap_or(Rows::All);
        let passed = kpis_of_rows(&t, &sums, rows, 0)
            .unwrap()
            .expect("categories");
        (passed, grouped)
    }

    fn near(a: Option<f64>, b: Option<f64>) -> bool {
        match (a, b) {
            (Some(x), Some(y)) => (x - y).abs() <= 1e-9 * (1.0 + x.abs().max(y.abs())),
            (None, None) => true,
            _ => false,
        }
    }

    fn assert_same(a: &Kpis, b: &Kpis) {
        assert_eq!(
            (a.projects, a.all_projects, a.lead_bodies, a.territories),
            (b.projects, b.all_projects, b.lead_bodies, b.territories),
            "{a:?} {b:?}"
        );
        assert!(near(Some(a.granted), Some(b.granted)), "{a:?} {b:?}");
        assert!(near(a.spent, b.spent), "{a:?} {b:?}");
        assert!(near(a.spent_share, b.spent_share), "{a:?} {b:?}");
        assert!(near(a.median_grant, b.median_grant), "{a:?} {b:?}");
    }

    #[test]
    fn the_median_of_an_even_count_is_between_the_middle_two() {
        assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(median(&mut [5.0, 1.0, 3.0]), Some(3.0));
        assert_eq!(median(&mut []), None);
    }

    const BODIES: [&str; 3] = [
        "Consorzio Monviso Solidale",
        "CISA Asti Sud",
        "Città di Torino",
    ];

    proptest! {
        #[test]
        fn one_pass_gives_the_kpis_polars_gives(
            rows in prop::collection::vec(
                (
                    prop::option::of(0.0f64..1e6),
                    prop::option::of(0.0f64..1e6),
                    prop::option::of(prop::sample::select(&BODIES[..])),
                    prop::option::of(prop::sample::select(&["Torino", "Cuneo"][..])),
                ),
                0..30,
            ),
            pick in prop::collection::vec(any::<bool>(), 30),
        ) {
            let frame = df!(
                "amount_granted" => rows.iter().map(|r| r.0).collect::<Vec<_>>(),
                "amount_spent" => rows.iter().map(|r| r.1).collect::<Vec<_>>(),
                "lead_body" => rows.iter().map(|r| r.2).collect::<Vec<_>>(),
                "province" => rows.iter().map(|r| r.3).collect::<Vec<_>>(),
            )
            .unwrap();
            let t = polars::functions::concat_df_diagonal(&[empty_table(), frame]).unwrap();
            let (a, b) = both_ways(&t, None);
            assert_same(&a, &b);
            let kept: Vec<u32> = (0..rows.len() as u32).filter(|i| pick[*i as usize]).collect();
            let (a, b) = both_ways(&t, Some(&kept));
            assert_same(&a, &b);
        }
    }
}
