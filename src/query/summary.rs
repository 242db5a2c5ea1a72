//! Totals and groups: how many projects and how many euros, overall and by a field.
//!
//! The amount of a project is the granted amount, or the spent amount when no granted amount is
//! known. For a multi-valued field (target groups, partners) a project counts in each of its
//! groups, so group sums may exceed the total.

use polars::prelude::*;
use serde::Serialize;

use crate::data::schema::{Field, Kind, SOURCE};

/// Key of the group of projects without a value.
pub const NO_VALUE: &str = "(non indicato)";
/// Key of the group of projects without dates, when grouping by year.
pub const NO_DATES: &str = "senza date";

/// Why a question cannot be answered.
#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    #[error(
        "unknown field '{name}': use a canonical field ({canonical}), 'year' or a column of the file ({extra})"
    )]
    UnknownField {
        name: String,
        canonical: String,
        extra: String,
    },
    #[error("{0}")]
    Polars(#[from] PolarsError),
}

/// One group of a summary.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Group {
    pub key: String,
    pub rows: u64,
    pub amount: f64,
}

/// Projects and euros in all, and by group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    pub rows: u64,
    pub total_amount: f64,
    pub groups: Vec<Group>,
    /// The column grouped by, as resolved.
    #[serde(skip)]
    pub by: Option<String>,
    /// Whether a project may count in several groups.
    #[serde(skip)]
    pub multi_valued: bool,
}

/// The amount of each project: granted, or spent when granted is unknown.
pub fn amount_expr() -> Expr {
    coalesce(&[
        col(Field::AmountGranted.name()),
        col(Field::AmountSpent.name()),
    ])
}

/// What to group by: a canonical column, the start year, or an original column.
#[derive(Debug, Clone, PartialEq)]
pub enum GroupBy {
    Column(String),
    Year,
}

/// Resolves a user's `--by` word against the table.
pub fn resolve_by(table: &DataFrame, name: &str) -> Result<GroupBy, QueryError> {
    let trimmed = name.trim();
    let lower = trimmed.to_lowercase();
    if matches!(lower.as_str(), "year" | "anno" | "start_year") {
        return Ok(GroupBy::Year);
    }
    if let Some(f) = Field::parse(trimmed)
        && f.kind() != Kind::Composite
    {
        return Ok(GroupBy::Column(f.name().to_string()));
    }
    let names = table.get_column_names();
    if let Some(n) = names
        .iter()
        .find(|n| n.as_str() == trimmed)
        .or_else(|| names.iter().find(|n| n.to_lowercase() == lower))
    {
        return Ok(GroupBy::Column(n.to_string()));
    }
    let canonical: Vec<&str> = Field::columns().map(|f| f.name()).chain([SOURCE]).collect();
    let extra: Vec<String> = names
        .iter()
        .filter(|n| {
            !canonical.contains(&n.as_str()) && n.as_str() != crate::data::schema::SOURCE_ROW
        })
        .map(|n| n.to_string())
        .collect();
    Err(QueryError::UnknownField {
        name: trimmed.to_string(),
        canonical: canonical.join(", "),
        extra: if extra.is_empty() {
            "none".to_string()
        } else {
            extra.join(", ")
        },
    })
}

/// Counts and sums the table, overall and (optionally) by a field.
pub fn summarise(table: &DataFrame, by: Option<&str>) -> Result<Summary, QueryError> {
    let totals = table
        .clone()
        .lazy()
        .select([
            len().cast(DataType::UInt64).alias("rows"),
            amount_expr().sum().alias("amount"),
        ])
        .collect()?;
    let rows = totals.column("rows")?.u64()?.get(0).unwrap_or(0);
    let total_amount = totals.column("amount")?.f64()?.get(0).unwrap_or(0.0);
    let Some(by) = by else {
        return Ok(Summary {
            rows,
            total_amount,
            groups: Vec::new(),
            by: None,
            multi_valued: false,
        });
    };
    let group_by = resolve_by(table, by)?;
    let (key, multi_valued, label) = match &group_by {
        GroupBy::Year => (
            col(Field::StartDate.name())
                .dt()
                .year()
                .cast(DataType::String)
                .fill_null(lit(NO_DATES)),
            false,
            "year".to_string(),
        ),
        GroupBy::Column(name) => {
            let multi = matches!(table.column(name)?.dtype(), DataType::List(_));
            (col(name.as_str()), multi, name.clone())
        }
    };
    let mut lf = table
        .clone()
        .lazy()
        .select([key.alias("key"), amount_expr().alias("amount")]);
    if multi_valued {
        lf = lf.explode(
            cols(["key"]),
            ExplodeOptions {
                empty_as_null: true,
                keep_nulls: true,
            },
        );
    }
    let sort = if group_by == GroupBy::Year {
        SortMultipleOptions::default()
    } else {
        SortMultipleOptions::default().with_order_descending_multi([true, false])
    };
    let sort_by = if group_by == GroupBy::Year {
        vec![col("key")]
    } else {
        vec![col("amount"), col("key")]
    };
    let grouped = lf
        .with_column(col("key").cast(DataType::String).fill_null(lit(NO_VALUE)))
        .group_by([col("key")])
        .agg([
            len().cast(DataType::UInt64).alias("rows"),
            col("amount").sum().alias("amount"),
        ])
        .sort_by_exprs(sort_by, sort)
        .collect()?;
    let keys = grouped.column("key")?.str()?;
    let counts = grouped.column("rows")?.u64()?;
    let amounts = grouped.column("amount")?.f64()?;
    let groups = (0..grouped.height())
        .map(|i| Group {
            key: keys.get(i).unwrap_or(NO_VALUE).to_string(),
            rows: counts.get(i).unwrap_or(0),
            amount: amounts.get(i).unwrap_or(0.0),
        })
        .collect();
    Ok(Summary {
        rows,
        total_amount,
        groups,
        by: Some(label),
        multi_valued,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::schema::empty_table;

    fn table() -> DataFrame {
        let base = empty_table();
        let extra = df!(
            "title" => ["A", "B", "C"],
            "province" => [Some("Cuneo"), Some("Torino"), None],
            "amount_granted" => [Some(100.0), None, Some(50.0)],
            "amount_spent" => [Some(10.0), Some(30.0), None],
            "Sede" => ["Alba", "Torino", "Bra"],
        )
        .unwrap();
        polars::functions::concat_df_diagonal(&[base, extra]).unwrap()
    }

    #[test]
    fn granted_falls_back_to_spent() {
        let s = summarise(&table(), None).unwrap();
        assert_eq!(s.rows, 3);
        assert_eq!(s.total_amount, 180.0);
    }

    #[test]
    fn groups_by_canonical_field_with_missing_values() {
        let s = summarise(&table(), Some("province")).unwrap();
        assert_eq!(
            s.groups,
            vec![
                Group {
                    key: "Cuneo".into(),
                    rows: 1,
                    amount: 100.0
                },
                Group {
                    key: NO_VALUE.into(),
                    rows: 1,
                    amount: 50.0
                },
                Group {
                    key: "Torino".into(),
                    rows: 1,
                    amount: 30.0
                },
            ]
        );
    }

    #[test]
    fn groups_by_original_header_case_insensitively() {
        let s = summarise(&table(), Some("sede")).unwrap();
        assert_eq!(s.groups.len(), 3);
        assert_eq!(s.by.as_deref(), Some("Sede"));
    }

    #[test]
    fn unknown_field_names_the_choices() {
        let err = summarise(&table(), Some("colore")).unwrap_err().to_string();
        assert!(err.contains("unknown field 'colore'"));
        assert!(err.contains("Sede"));
    }
}
