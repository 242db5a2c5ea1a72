//! The data-quality report of a dataset: per source, the mapping and why, its notes, its rows;
//! then every finding — the values the loader could not read (amounts, dates, territories), the
//! rows it excluded, and what only shows across rows and files: likely duplicate projects,
//! amounts outside the programme's plausible range, unknown municipalities — each with its
//! source, row, column, raw text and, where one exists, the nearest known name.
//!
//! The Qualità dati tab and `cruscotto check` both show this report; clicking a finding selects
//! its rows ([`Finding::row_key`]) in Progetti.

use std::collections::HashMap;

use polars::prelude::*;

use crate::data::Dataset;
use crate::data::load::SourceReport;
use crate::data::mapping::Choice;
use crate::data::quality::{ProblemKind, columns as pc};
use crate::data::reference;
use crate::data::schema::{Field, SOURCE, SOURCE_ROW};
use crate::data::source::Format;

/// A project row of the canonical table: its source label and its row in that source.
pub type RowKey = (String, u32);

/// One source as the report shows it.
#[derive(Debug, Clone)]
pub struct SourceQuality {
    pub label: String,
    pub format: Format,
    pub rows: usize,
    pub sheets: Vec<String>,
    pub notes: Vec<crate::data::note::Note>,
    pub choices: Vec<Choice>,
    /// Fields no column feeds.
    pub unmapped: Vec<Field>,
    /// Columns kept as extra dimensions.
    pub extra: Vec<String>,
    /// Every column of the source, in order.
    pub headers: Vec<String>,
    /// The first values of each column.
    pub preview: std::collections::BTreeMap<String, Vec<String>>,
}

impl SourceQuality {
    /// The column feeding `field` and why, when one does.
    pub fn choice(&self, field: Field) -> Option<&Choice> {
        self.choices
            .iter()
            .find(|c| c.field == field && !c.header.is_empty())
    }
}

/// One thing wrong with one row.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub kind: ProblemKind,
    /// The source's label, as in the `source` column.
    pub source: String,
    /// The file and sheet, as written in the problems table.
    pub file: String,
    pub sheet: Option<String>,
    /// 1-based row in the file or sheet.
    pub row: u32,
    pub column: String,
    pub raw: String,
    /// The nearest known name, or the row this one duplicates.
    pub hint: Option<String>,
}

impl Finding {
    /// The project row this finding is about, when that row is in the table.
    pub fn row_key(&self) -> Option<RowKey> {
        (!self.kind.excludes_row()).then(|| (self.source.clone(), self.row))
    }
}

/// How many findings of one kind in one column, and on how many rows of the table.
#[derive(Debug, Clone, PartialEq)]
pub struct FindingGroup {
    pub kind: ProblemKind,
    pub column: String,
    pub count: usize,
    /// Distinct project rows concerned (excluded rows are not in the table).
    pub rows: usize,
}

/// The whole report.
#[derive(Debug, Clone, Default)]
pub struct QualityReport {
    pub sources: Vec<SourceQuality>,
    /// Every finding, sources in order, then by row.
    pub findings: Vec<Finding>,
    /// Why the report could not be made, if it could not.
    pub error: Option<String>,
    /// The findings by kind and column, most frequent first (made once, with the report).
    pub groups: Vec<FindingGroup>,
    /// Distinct project rows with any finding.
    pub rows: usize,
}

/// The findings grouped by kind and column, most frequent first, with their rows.
fn group(findings: &[Finding]) -> Vec<FindingGroup> {
    let mut groups: HashMap<(ProblemKind, &str), (usize, std::collections::HashSet<RowKey>)> =
        HashMap::new();
    for f in findings {
        let entry = groups.entry((f.kind, f.column.as_str())).or_default();
        entry.0 += 1;
        entry.1.extend(f.row_key());
    }
    let mut out: Vec<FindingGroup> = groups
        .into_iter()
        .map(|((kind, column), (count, rows))| FindingGroup {
            kind,
            column: column.to_string(),
            count,
            rows: rows.len(),
        })
        .collect();
    out.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then(a.column.cmp(&b.column))
            .then(a.kind.code().cmp(b.kind.code()))
    });
    out
}

impl QualityReport {
    /// The rows (in the table) with a finding of `kind` (any kind when `None`).
    pub fn rows_of(&self, kind: Option<ProblemKind>, column: Option<&str>) -> Vec<RowKey> {
        let mut rows: Vec<RowKey> = self
            .findings
            .iter()
            .filter(|f| kind.is_none_or(|k| f.kind == k))
            .filter(|f| column.is_none_or(|c| f.column == c))
            .filter_map(Finding::row_key)
            .collect();
        rows.sort();
        rows.dedup();
        rows
    }

    /// Rows whose amount could not be read, and so is left out of every total.
    pub fn unreadable_amounts(&self) -> Vec<RowKey> {
        let mut rows: Vec<RowKey> = self
            .findings
            .iter()
            .filter(|f| f.kind.leaves_out_amount())
            .filter_map(Finding::row_key)
            .collect();
        rows.sort();
        rows.dedup();
        rows
    }
}

/// Builds the report of a dataset.
pub fn report(dataset: &Dataset) -> PolarsResult<QualityReport> {
    let sources = dataset.sources.iter().map(source_quality).collect();
    let index = SourceIndex::of(dataset);
    let mut findings = loader_findings(dataset, &index)?;
    findings.extend(duplicates(dataset, &index)?);
    findings.extend(implausible_amounts(dataset, &index)?);
    findings.extend(unknown_municipalities(dataset, &index)?);
    let order: HashMap<&str, usize> = dataset
        .sources
        .iter()
        .enumerate()
        .map(|(i, s)| (s.label.as_str(), i))
        .collect();
    findings.sort_by_key(|f| (order.get(f.source.as_str()).copied(), f.row));
    let groups = group(&findings);
    let rows = findings
        .iter()
        .filter_map(Finding::row_key)
        .collect::<std::collections::HashSet<_>>()
        .len();
    Ok(QualityReport {
        sources,
        findings,
        error: None,
        groups,
        rows,
    })
}

fn source_quality(s: &SourceReport) -> SourceQuality {
    let unmapped = Field::ALL
        .iter()
        .copied()
        .filter(|f| s.mapping.header_for(*f).is_none())
        .collect();
    let used: Vec<&str> = s
        .mapping
        .choices
        .iter()
        .map(|c| c.header.as_str())
        .collect();
    let choices = s
        .mapping
        .choices
        .iter()
        .filter(|c| !c.header.is_empty())
        .cloned()
        .collect();
    SourceQuality {
        label: s.label.clone(),
        format: s.origin.format,
        rows: s.rows,
        sheets: s.sheets.clone(),
        notes: s.notes.clone(),
        choices,
        unmapped,
        extra: s
            .headers
            .iter()
            .filter(|h| !used.contains(&h.as_str()))
            .cloned()
            .collect(),
        headers: s.headers.clone(),
        preview: s.preview.clone(),
    }
}

fn strings(frame: &DataFrame, name: &str) -> PolarsResult<Vec<Option<String>>> {
    Ok(frame
        .column(name)?
        .cast(&DataType::String)?
        .str()?
        .iter()
        .map(|v| v.map(str::to_string))
        .collect())
}

fn numbers(frame: &DataFrame, name: &str) -> PolarsResult<Vec<Option<u32>>> {
    Ok(frame
        .column(name)?
        .cast(&DataType::UInt32)?
        .u32()?
        .iter()
        .collect())
}

/// What the loader reported, with each problem's source label and hints for unknown names.
fn loader_findings(dataset: &Dataset, index: &SourceIndex) -> PolarsResult<Vec<Finding>> {
    let p = &dataset.problems;
    let files = strings(p, pc::FILE)?;
    let sheets = strings(p, pc::SHEET)?;
    let rows = numbers(p, pc::ROW)?;
    let columns = strings(p, pc::COLUMN)?;
    let raws = strings(p, pc::RAW)?;
    let kinds = strings(p, pc::PROBLEM)?;
    let provinces = names(reference::provinces(), "province")?;
    let regions = names(reference::regions(), "region")?;
    let mut out = Vec::with_capacity(p.height());
    for i in 0..p.height() {
        let Some(kind) = kinds[i].as_deref().and_then(ProblemKind::from_code) else {
            continue;
        };
        let file = files[i].clone().unwrap_or_default();
        let raw = raws[i].clone().unwrap_or_default();
        let hint = match kind {
            ProblemKind::UnknownProvince => nearest(&raw, &provinces),
            ProblemKind::UnknownRegion => nearest(&raw, &regions),
            _ => None,
        };
        out.push(Finding {
            kind,
            source: index.label_of(&file, &sheets[i]),
            file,
            sheet: sheets[i].clone(),
            row: rows[i].unwrap_or(0),
            column: columns[i].clone().unwrap_or_default(),
            raw,
            hint,
        });
    }
    Ok(out)
}

fn names(frame: &DataFrame, column: &str) -> PolarsResult<Vec<String>> {
    Ok(strings(frame, column)?.into_iter().flatten().collect())
}

/// The known name closest to `raw` (Jaro-Winkler on lower case), when it is close enough to be
/// a misspelling.
pub fn nearest(raw: &str, known: &[String]) -> Option<String> {
    let needle = raw.trim().to_lowercase();
    if needle.is_empty() {
        return None;
    }
    known
        .iter()
        .map(|k| (strsim::jaro_winkler(&needle, &k.to_lowercase()), k))
        .filter(|(score, _)| *score >= 0.85)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k.clone())
}

/// The sources of a dataset, found by label or by file and sheet without a search each time.
struct SourceIndex<'a> {
    by_label: HashMap<&'a str, &'a SourceReport>,
    by_place: HashMap<(String, Option<String>), &'a str>,
}

impl<'a> SourceIndex<'a> {
    fn of(dataset: &'a Dataset) -> Self {
        SourceIndex {
            by_label: dataset
                .sources
                .iter()
                .map(|s| (s.label.as_str(), s))
                .collect(),
            by_place: dataset
                .sources
                .iter()
                .map(|s| {
                    (
                        (s.origin.file.display().to_string(), s.origin.sheet.clone()),
                        s.label.as_str(),
                    )
                })
                .collect(),
        }
    }

    /// The label of the source read from `file` (and `sheet`).
    fn label_of(&self, file: &str, sheet: &Option<String>) -> String {
        self.by_place
            .get(&(file.to_string(), sheet.clone()))
            .map(|l| l.to_string())
            .unwrap_or_else(|| file.to_string())
    }

    /// The header of the column that feeds `field` in the source labelled `label` (the field's
    /// name when no column does).
    fn header_of(&self, label: &str, field: Field) -> String {
        self.by_label
            .get(label)
            .and_then(|s| s.mapping.header_for(field))
            .unwrap_or(field.name())
            .to_string()
    }

    /// The file and sheet of a source label.
    fn place(&self, label: &str) -> (String, Option<String>) {
        self.by_label
            .get(label)
            .map(|s| (s.origin.file.display().to_string(), s.origin.sheet.clone()))
            .unwrap_or_else(|| (label.to_string(), None))
    }
}

/// Columns of text, one vector per column.
type TextColumns = Vec<Vec<Option<String>>>;

/// Rows of the table as (source, row) with the given text columns.
fn table_rows(table: &DataFrame, columns: &[&str]) -> PolarsResult<(Vec<RowKey>, TextColumns)> {
    let sources = strings(table, SOURCE)?;
    let rows = numbers(table, SOURCE_ROW)?;
    let keys = sources
        .into_iter()
        .zip(rows)
        .map(|(s, r)| (s.unwrap_or_default(), r.unwrap_or(0)))
        .collect();
    let values = columns
        .iter()
        .map(|c| strings(table, c))
        .collect::<PolarsResult<Vec<_>>>()?;
    Ok((keys, values))
}

/// Projects written twice: the same code, or (without a code) the same title, lead body and
/// granted amount, compared without regard to case. Every row of a group after the first is a
/// finding that names the first. One polars pass: only the duplicates come out of it.
fn duplicates(dataset: &Dataset, index: &SourceIndex) -> PolarsResult<Vec<Finding>> {
    let id = Field::Id.name();
    let title = Field::Title.name();
    let lower = |name: &str| col(name).cast(DataType::String).str().to_lowercase();
    let by_code = col(id).is_not_null();
    let identity = when(by_code.clone())
        .then(concat_str([lit("id"), lower(id)], "\u{1f}", false))
        .when(col(title).is_not_null())
        .then(concat_str(
            [
                lit("t"),
                lower(title),
                lower(Field::LeadBody.name()).fill_null(lit("")),
                col(Field::AmountGranted.name())
                    .cast(DataType::String)
                    .fill_null(lit("")),
            ],
            "\u{1f}",
            false,
        ))
        .otherwise(lit(NULL).cast(DataType::String));
    let found = dataset
        .table
        .clone()
        .lazy()
        .select([
            col(SOURCE),
            col(SOURCE_ROW),
            by_code.alias("__by_code"),
            when(col(id).is_not_null())
                .then(col(id).cast(DataType::String))
                .otherwise(col(title).cast(DataType::String))
                .alias("__raw"),
            identity.alias("__identity"),
        ])
        .with_row_index("__i", None)
        .filter(col("__identity").is_not_null())
        .with_columns([
            col("__i")
                .first()
                .over([col("__identity")])?
                .alias("__first"),
            col(SOURCE)
                .first()
                .over([col("__identity")])?
                .alias("__first_source"),
            col(SOURCE_ROW)
                .first()
                .over([col("__identity")])?
                .alias("__first_row"),
        ])
        .filter(col("__i").neq(col("__first")))
        .sort(["__i"], SortMultipleOptions::default())
        .collect()?;
    let sources = strings(&found, SOURCE)?;
    let rows = numbers(&found, SOURCE_ROW)?;
    let raws = strings(&found, "__raw")?;
    let first_sources = strings(&found, "__first_source")?;
    let first_rows = numbers(&found, "__first_row")?;
    let by_code: Vec<bool> = found
        .column("__by_code")?
        .bool()?
        .iter()
        .map(|b| b.unwrap_or(false))
        .collect();
    Ok((0..found.height())
        .map(|i| {
            let source = sources[i].clone().unwrap_or_default();
            let (file, sheet) = index.place(&source);
            let field = if by_code[i] { Field::Id } else { Field::Title };
            Finding {
                kind: ProblemKind::LikelyDuplicate,
                column: index.header_of(&source, field),
                source,
                file,
                sheet,
                row: rows[i].unwrap_or(0),
                raw: raws[i].clone().unwrap_or_default(),
                hint: Some(format!(
                    "{} #{}",
                    first_sources[i].as_deref().unwrap_or(""),
                    first_rows[i].unwrap_or(0)
                )),
            }
        })
        .collect())
}

/// How many times a programme's median grant an amount may be before it is implausible.
pub const IMPLAUSIBLE_TIMES_MEDIAN: f64 = 50.0;

/// Negative grants, and grants above [`IMPLAUSIBLE_TIMES_MEDIAN`] times their programme's
/// median (programmes with five or more amounts).
fn implausible_amounts(dataset: &Dataset, index: &SourceIndex) -> PolarsResult<Vec<Finding>> {
    let amount = Field::AmountGranted.name();
    let programme = Field::Programme.name();
    let flagged = dataset
        .table
        .clone()
        .lazy()
        .with_columns([
            col(amount)
                .median()
                .over([col(programme)])?
                .alias("__median"),
            col(amount).count().over([col(programme)])?.alias("__n"),
        ])
        .filter(
            col(amount)
                .lt(lit(0.0))
                .or(col("__n")
                    .gt_eq(lit(5))
                    .and(col(amount).gt(col("__median") * lit(IMPLAUSIBLE_TIMES_MEDIAN)))),
        )
        .select([col(SOURCE), col(SOURCE_ROW), col(amount)])
        .collect()?;
    let (keys, values) = table_rows(&flagged, &[amount])?;
    Ok(keys
        .into_iter()
        .zip(&values[0])
        .map(|(key, value)| {
            let (file, sheet) = index.place(&key.0);
            Finding {
                kind: ProblemKind::ImplausibleAmount,
                column: index.header_of(&key.0, Field::AmountGranted),
                source: key.0,
                file,
                sheet,
                row: key.1,
                raw: value.clone().unwrap_or_default(),
                hint: None,
            }
        })
        .collect())
}

/// Municipalities that are not in the ISTAT list, with the nearest name of the list.
fn unknown_municipalities(dataset: &Dataset, index: &SourceIndex) -> PolarsResult<Vec<Finding>> {
    let name = Field::Municipality.name();
    let lookup = reference::municipality_lookup().clone().lazy();
    let unknown = dataset
        .table
        .clone()
        .lazy()
        .filter(col(name).is_not_null())
        .select([col(SOURCE), col(SOURCE_ROW), col(name)])
        .with_column(reference::territory_key(col(name)).alias("__key"))
        .join(
            lookup
                .select([col("__key")])
                .unique(None, UniqueKeepStrategy::First),
            [col("__key")],
            [col("__key")],
            JoinArgs::new(JoinType::Anti),
        )
        .collect()?;
    if unknown.height() == 0 {
        return Ok(Vec::new());
    }
    let known = names(reference::municipalities(), "municipality")?;
    let (keys, values) = table_rows(&unknown, &[name])?;
    let mut hints: HashMap<String, Option<String>> = HashMap::new();
    Ok(keys
        .into_iter()
        .zip(&values[0])
        .map(|(key, value)| {
            let raw = value.clone().unwrap_or_default();
            let hint = hints
                .entry(raw.clone())
                .or_insert_with(|| nearest(&raw, &known))
                .clone();
            let (file, sheet) = index.place(&key.0);
            Finding {
                kind: ProblemKind::UnknownMunicipality,
                column: index.header_of(&key.0, Field::Municipality),
                source: key.0,
                file,
                sheet,
                row: key.1,
                raw,
                hint,
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dataset(table: DataFrame) -> Dataset {
        Dataset {
            table,
            problems: crate::data::quality::empty_problems(),
            sources: Vec::new(),
        }
    }

    #[test]
    fn duplicates_by_code_or_by_title_body_and_amount() {
        let table = df!(
            SOURCE => ["a.csv", "a.csv", "b.xlsx", "b.xlsx", "b.xlsx", "b.xlsx"],
            SOURCE_ROW => [2u32, 3, 2, 3, 4, 5],
            "id" => [Some("P-1"), None, Some("p-1"), None, None, None],
            "title" => [Some("Orti"), Some("Casa comune"), Some("Orti bis"), Some("CASA COMUNE"), Some("Casa comune"), None],
            "lead_body" => [Some("Bra"), Some("Alba"), Some("Bra"), Some("alba"), Some("Alba"), None],
            "amount_granted" => [Some(1.0), Some(5.0), Some(1.0), Some(5.0), Some(6.0), None],
        )
        .unwrap();
        let d = dataset(table);
        let found = duplicates(&d, &SourceIndex::of(&d)).unwrap();
        let got: Vec<(String, u32, String, Option<String>)> = found
            .into_iter()
            .map(|f| (f.source, f.row, f.raw, f.hint))
            .collect();
        assert_eq!(
            got,
            vec![
                // The same code in another file, written in another case.
                ("b.xlsx".into(), 2, "p-1".into(), Some("a.csv #2".into())),
                // Same title, lead body and amount; the row with another amount is not one.
                (
                    "b.xlsx".into(),
                    3,
                    "CASA COMUNE".into(),
                    Some("a.csv #3".into())
                ),
            ]
        );
    }

    #[test]
    fn nearest_names_catch_misspellings_only() {
        let known = vec![
            "Cuneo".to_string(),
            "Torino".to_string(),
            "Asti".to_string(),
        ];
        assert_eq!(nearest("Cunneo", &known), Some("Cuneo".into()));
        assert_eq!(nearest("torino ", &known), Some("Torino".into()));
        assert_eq!(nearest("Atlantide", &known), None);
        assert_eq!(nearest("", &known), None);
    }
}
