//! Row-level problems: every value that could not be read is kept with its file, sheet, row,
//! column, raw text and the kind of problem. Nothing is dropped silently; the data-quality report
//! builds on this table.

use polars::prelude::*;

/// What is wrong with a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProblemKind {
    NotAnAmount,
    NotADate,
    /// A date outside the plausible window (e.g. 1905, 2999).
    ImplausibleDate,
    EndBeforeStart,
    UnknownProvince,
    UnknownRegion,
    TotalsRowExcluded,
    /// Not in the ISTAT list of municipalities.
    UnknownMunicipality,
    /// The same project code, or the same title, lead body and amount, on another row.
    LikelyDuplicate,
    /// Negative, or far above what the programme's other projects received.
    ImplausibleAmount,
}

impl ProblemKind {
    pub const ALL: [ProblemKind; 10] = [
        ProblemKind::NotAnAmount,
        ProblemKind::NotADate,
        ProblemKind::ImplausibleDate,
        ProblemKind::EndBeforeStart,
        ProblemKind::UnknownProvince,
        ProblemKind::UnknownRegion,
        ProblemKind::TotalsRowExcluded,
        ProblemKind::UnknownMunicipality,
        ProblemKind::LikelyDuplicate,
        ProblemKind::ImplausibleAmount,
    ];

    /// The stable code stored in the problems table.
    pub fn code(self) -> &'static str {
        match self {
            ProblemKind::NotAnAmount => "not_an_amount",
            ProblemKind::NotADate => "not_a_date",
            ProblemKind::ImplausibleDate => "implausible_date",
            ProblemKind::EndBeforeStart => "end_before_start",
            ProblemKind::UnknownProvince => "unknown_province",
            ProblemKind::UnknownRegion => "unknown_region",
            ProblemKind::TotalsRowExcluded => "totals_row_excluded",
            ProblemKind::UnknownMunicipality => "unknown_municipality",
            ProblemKind::LikelyDuplicate => "likely_duplicate",
            ProblemKind::ImplausibleAmount => "implausible_amount",
        }
    }

    pub fn from_code(code: &str) -> Option<ProblemKind> {
        ProblemKind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// A sentence for people (English).
    pub fn describe(self) -> &'static str {
        match self {
            ProblemKind::NotAnAmount => "not an amount in euros",
            ProblemKind::NotADate => "not a date",
            ProblemKind::ImplausibleDate => "a date outside the plausible years",
            ProblemKind::EndBeforeStart => "end date before start date",
            ProblemKind::UnknownProvince => "not an Italian province",
            ProblemKind::UnknownRegion => "not an Italian region",
            ProblemKind::TotalsRowExcluded => "totals row, not a project: excluded",
            ProblemKind::UnknownMunicipality => "not an Italian municipality",
            ProblemKind::LikelyDuplicate => "likely a duplicate of another project",
            ProblemKind::ImplausibleAmount => "an amount outside the programme's plausible range",
        }
    }
}

impl ProblemKind {
    /// Whether the value was left out of the totals (the row itself stays).
    pub fn leaves_out_amount(self) -> bool {
        self == ProblemKind::NotAnAmount
    }

    /// Whether the row is not in the canonical table at all.
    pub fn excludes_row(self) -> bool {
        self == ProblemKind::TotalsRowExcluded
    }
}

/// Column names of the problems table.
pub mod columns {
    pub const FILE: &str = "file";
    pub const SHEET: &str = "sheet";
    pub const ROW: &str = "row";
    pub const COLUMN: &str = "column";
    pub const RAW: &str = "raw";
    pub const PROBLEM: &str = "problem";
}

/// An empty problems table: `file, sheet, row, column, raw, problem`.
pub fn empty_problems() -> DataFrame {
    use columns::*;
    DataFrame::new(
        0,
        vec![
            Column::new_empty(FILE.into(), &DataType::String),
            Column::new_empty(SHEET.into(), &DataType::String),
            Column::new_empty(ROW.into(), &DataType::UInt32),
            Column::new_empty(COLUMN.into(), &DataType::String),
            Column::new_empty(RAW.into(), &DataType::String),
            Column::new_empty(PROBLEM.into(), &DataType::String),
        ],
    )
    .expect("problem columns are unique")
}

/// Problem counts per column and kind, most frequent first: `column, problem, count`.
pub fn summary(problems: &DataFrame) -> PolarsResult<DataFrame> {
    problems
        .clone()
        .lazy()
        .group_by([col(columns::COLUMN), col(columns::PROBLEM)])
        .agg([len().alias("count")])
        .sort_by_exprs(
            [col("count"), col(columns::COLUMN)],
            SortMultipleOptions::default().with_order_descending_multi([true, false]),
        )
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for k in ProblemKind::ALL {
            assert_eq!(ProblemKind::from_code(k.code()), Some(k));
        }
    }
}
