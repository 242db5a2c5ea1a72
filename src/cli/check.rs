//! `cruscotto check`: for each file, the mapping chosen (with reasons), what was skipped or
//! excluded, and the data-quality problems found, for people to read.

use std::io::Write;

use polars::prelude::*;

use super::CheckArgs;
use crate::data::quality::{ProblemKind, columns as pc, summary as problem_summary};
use crate::data::{Dataset, Field, load_paths};
use crate::export::write_atomic;

pub fn run(args: &CheckArgs, out: &mut dyn Write) -> Result<(), String> {
    let options = args.load.options()?;
    let dataset = load_paths(&args.files, &options).map_err(|e| e.to_string())?;
    if let Some(path) = &args.save_mapping
        && let Some(first) = dataset.sources.first()
    {
        write_atomic(path, first.mapping.mapping().to_json().as_bytes())
            .map_err(|e| e.to_string())?;
    }
    let text = report(&dataset, args.examples).map_err(|e| e.to_string())?;
    out.write_all(text.as_bytes()).map_err(|e| e.to_string())
}

/// The human-readable report.
pub fn report(dataset: &Dataset, examples: usize) -> PolarsResult<String> {
    let mut t = String::new();
    for s in &dataset.sources {
        t.push_str(&format!(
            "{} ({}): {} project(s), {} problem(s)\n",
            s.origin.label(),
            s.origin.format.label(),
            s.rows,
            s.problems
        ));
        if s.sheets.len() > 1 {
            t.push_str(&format!("  sheets: {}\n", s.sheets.join(", ")));
        }
        for note in &s.notes {
            t.push_str(&format!("  note: {note}\n"));
        }
        t.push_str("  mapping:\n");
        for c in &s.mapping.choices {
            t.push_str(&format!("    {c}\n"));
        }
        let unmapped: Vec<&str> = Field::ALL
            .iter()
            .filter(|f| s.mapping.header_for(**f).is_none())
            .map(|f| f.name())
            .collect();
        if !unmapped.is_empty() {
            t.push_str(&format!("  not found: {}\n", unmapped.join(", ")));
        }
        let used: Vec<&str> = s
            .mapping
            .choices
            .iter()
            .map(|c| c.header.as_str())
            .collect();
        let extra: Vec<&str> = s
            .headers
            .iter()
            .map(String::as_str)
            .filter(|h| !used.contains(h))
            .collect();
        if !extra.is_empty() {
            t.push_str(&format!("  kept as extra columns: {}\n", extra.join(", ")));
        }
    }
    let problems = &dataset.problems;
    if problems.height() == 0 {
        t.push_str("\nNo problems: every value was read.\n");
        return Ok(t);
    }
    t.push_str(&format!("\n{} problem(s):\n", problems.height()));
    let summary = problem_summary(problems)?;
    let cols = summary.column(pc::COLUMN)?.str()?;
    let kinds = summary.column(pc::PROBLEM)?.str()?;
    let counts = summary.column("count")?.cast(&DataType::UInt64)?;
    let counts = counts.u64()?;
    for i in 0..summary.height() {
        let kind = kinds.get(i).and_then(ProblemKind::from_code);
        t.push_str(&format!(
            "  {:>6} × {}{}\n",
            counts.get(i).unwrap_or(0),
            kind.map(ProblemKind::describe).unwrap_or("?"),
            match cols.get(i) {
                Some(c) if !c.is_empty() => format!(" (column '{c}')"),
                _ => String::new(),
            }
        ));
    }
    let shown = problems.head(Some(examples));
    let files = shown.column(pc::FILE)?.str()?;
    let sheets = shown.column(pc::SHEET)?.str()?;
    let rows = shown.column(pc::ROW)?.u32()?;
    let columns = shown.column(pc::COLUMN)?.str()?;
    let raws = shown.column(pc::RAW)?.str()?;
    let kinds = shown.column(pc::PROBLEM)?.str()?;
    t.push_str("first problems:\n");
    for i in 0..shown.height() {
        let place = match sheets.get(i) {
            Some(sheet) => format!("{} › {sheet}", files.get(i).unwrap_or("")),
            None => files.get(i).unwrap_or("").to_string(),
        };
        t.push_str(&format!(
            "  {place}, row {}{}: \"{}\" — {}\n",
            rows.get(i).map(|r| r.to_string()).unwrap_or_default(),
            match columns.get(i) {
                Some(c) if !c.is_empty() => format!(", column '{c}'"),
                _ => String::new(),
            },
            raws.get(i).unwrap_or(""),
            kinds
                .get(i)
                .and_then(ProblemKind::from_code)
                .map(ProblemKind::describe)
                .unwrap_or("?")
        ));
    }
    if problems.height() > examples {
        t.push_str(&format!("  … and {} more\n", problems.height() - examples));
    }
    Ok(t)
}
