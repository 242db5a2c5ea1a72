//! The canonical fields of a funded project and their polars types.

use polars::prelude::*;
use serde::{Deserialize, Serialize};

/// How a canonical field is stored and parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Free text, kept as written (trimmed).
    Text,
    /// A category: trimmed, spaces collapsed, case variants folded together.
    Category,
    /// Euros, `Float64`.
    Money,
    /// `Date`.
    Date,
    /// Several values in one cell, `List(String)`.
    List,
    /// Source-only: fills other fields (territory path → region/province/municipality,
    /// period → start/end dates).
    Composite,
}

/// A canonical field. The serde name is the stable name used on the command line and in JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Id,
    Title,
    Programme,
    LeadBody,
    Partners,
    Region,
    Province,
    Municipality,
    Territory,
    FundingSource,
    AmountGranted,
    AmountSpent,
    StartDate,
    EndDate,
    Period,
    Nature,
    Scope,
    AgeGroups,
    Citizenship,
    VulnerableGroups,
    Outcome,
    Abstract,
}

impl Field {
    /// Every field, in the canonical column order.
    pub const ALL: [Field; 22] = [
        Field::Id,
        Field::Title,
        Field::Programme,
        Field::LeadBody,
        Field::Partners,
        Field::Region,
        Field::Province,
        Field::Municipality,
        Field::Territory,
        Field::FundingSource,
        Field::AmountGranted,
        Field::AmountSpent,
        Field::StartDate,
        Field::EndDate,
        Field::Period,
        Field::Nature,
        Field::Scope,
        Field::AgeGroups,
        Field::Citizenship,
        Field::VulnerableGroups,
        Field::Outcome,
        Field::Abstract,
    ];

    /// The stable snake_case name (`amount_granted`), also the column name in the table.
    pub fn name(self) -> &'static str {
        match self {
            Field::Id => "id",
            Field::Title => "title",
            Field::Programme => "programme",
            Field::LeadBody => "lead_body",
            Field::Partners => "partners",
            Field::Region => "region",
            Field::Province => "province",
            Field::Municipality => "municipality",
            Field::Territory => "territory",
            Field::FundingSource => "funding_source",
            Field::AmountGranted => "amount_granted",
            Field::AmountSpent => "amount_spent",
            Field::StartDate => "start_date",
            Field::EndDate => "end_date",
            Field::Period => "period",
            Field::Nature => "nature",
            Field::Scope => "scope",
            Field::AgeGroups => "age_groups",
            Field::Citizenship => "citizenship",
            Field::VulnerableGroups => "vulnerable_groups",
            Field::Outcome => "outcome",
            Field::Abstract => "abstract",
        }
    }

    /// Parses a field name, accepting a few short aliases (`amount`, `lead`, `start`, …).
    pub fn parse(name: &str) -> Option<Field> {
        let n = name.trim().to_lowercase().replace(['-', ' '], "_");
        let alias = match n.as_str() {
            "amount" | "granted" | "importo" => Some(Field::AmountGranted),
            "spent" | "spesa" => Some(Field::AmountSpent),
            "lead" | "capofila" | "ente" => Some(Field::LeadBody),
            "start" => Some(Field::StartDate),
            "end" => Some(Field::EndDate),
            "funding" | "fund" => Some(Field::FundingSource),
            "age" => Some(Field::AgeGroups),
            "vulnerable" | "target" => Some(Field::VulnerableGroups),
            "program" => Some(Field::Programme),
            _ => None,
        };
        alias.or_else(|| Field::ALL.into_iter().find(|f| f.name() == n))
    }

    pub fn kind(self) -> Kind {
        match self {
            Field::Id | Field::Title | Field::Outcome | Field::Abstract => Kind::Text,
            Field::Programme
            | Field::LeadBody
            | Field::Region
            | Field::Province
            | Field::Municipality
            | Field::FundingSource
            | Field::Nature
            | Field::Scope => Kind::Category,
            Field::AmountGranted | Field::AmountSpent => Kind::Money,
            Field::StartDate | Field::EndDate => Kind::Date,
            Field::Partners | Field::AgeGroups | Field::Citizenship | Field::VulnerableGroups => {
                Kind::List
            }
            Field::Territory | Field::Period => Kind::Composite,
        }
    }

    /// Whether the field is a column of the canonical table (composite fields are not).
    pub fn is_column(self) -> bool {
        self.kind() != Kind::Composite
    }

    /// The polars type of the canonical column.
    pub fn dtype(self) -> DataType {
        match self.kind() {
            Kind::Money => DataType::Float64,
            Kind::Date => DataType::Date,
            Kind::List => DataType::List(Box::new(DataType::String)),
            Kind::Text | Kind::Category | Kind::Composite => DataType::String,
        }
    }

    /// The canonical columns, in order.
    pub fn columns() -> impl Iterator<Item = Field> {
        Field::ALL.into_iter().filter(|f| f.is_column())
    }
}

impl std::fmt::Display for Field {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Where each canonical row came from: `file › sheet`.
pub const SOURCE: &str = "source";
/// The 1-based row number in the source file or sheet.
pub const SOURCE_ROW: &str = "source_row";

/// An empty canonical table (no extra columns).
pub fn empty_table() -> DataFrame {
    let mut cols: Vec<Column> = Field::columns()
        .map(|f| Column::full_null(f.name().into(), 0, &f.dtype()))
        .collect();
    cols.push(Column::full_null(SOURCE.into(), 0, &DataType::String));
    cols.push(Column::full_null(SOURCE_ROW.into(), 0, &DataType::UInt32));
    DataFrame::new(0, cols).expect("canonical columns are unique")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_aliases() {
        for f in Field::ALL {
            assert_eq!(Field::parse(f.name()), Some(f));
        }
        assert_eq!(Field::parse("amount"), Some(Field::AmountGranted));
        assert_eq!(Field::parse("Lead-Body"), Some(Field::LeadBody));
        assert_eq!(Field::parse("nonsense"), None);
    }

    #[test]
    fn empty_table_has_typed_canonical_columns() {
        let t = empty_table();
        assert_eq!(
            t.column("amount_granted").unwrap().dtype(),
            &DataType::Float64
        );
        assert_eq!(t.column("start_date").unwrap().dtype(), &DataType::Date);
        assert!(t.column("territory").is_err());
    }
}
