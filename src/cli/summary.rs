//! `cruscotto summary`: projects and euros, in all and by a field, as a table, CSV or JSON.

use std::io::Write;

use super::{OutputFormat, SummaryArgs};
use crate::data::load_paths;
use crate::format;
use crate::query::{Summary, summarise};

pub fn run(args: &SummaryArgs, out: &mut dyn Write) -> Result<(), String> {
    let options = args.load.options()?;
    let dataset = load_paths(&args.files, &options).map_err(|e| e.to_string())?;
    let by = args.by.as_deref().unwrap_or("programme");
    let summary = summarise(&dataset.table, Some(by)).map_err(|e| e.to_string())?;
    let text = match args.format {
        OutputFormat::Json => to_json(&summary),
        OutputFormat::Csv => to_csv(&summary)?,
        OutputFormat::Table => to_table(&summary),
    };
    out.write_all(text.as_bytes()).map_err(|e| e.to_string())
}

/// Exactly one JSON object: `{"rows", "total_amount", "groups": [{"key", "rows", "amount"}]}`.
pub fn to_json(summary: &Summary) -> String {
    let mut text = serde_json::to_string(summary).unwrap_or_else(|_| "{}".to_string());
    text.push('\n');
    text
}

fn to_csv(summary: &Summary) -> Result<String, String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let by = summary.by.as_deref().unwrap_or("key");
    w.write_record([by, "rows", "amount"])
        .map_err(|e| e.to_string())?;
    for g in &summary.groups {
        w.write_record([
            g.key.clone(),
            g.rows.to_string(),
            format!("{:.2}", g.amount),
        ])
        .map_err(|e| e.to_string())?;
    }
    let bytes = w.into_inner().map_err(|e| e.to_string())?;
    String::from_utf8(bytes).map_err(|e| e.to_string())
}

fn to_table(summary: &Summary) -> String {
    let by = summary.by.as_deref().unwrap_or("");
    let rows: Vec<[String; 4]> = summary
        .groups
        .iter()
        .map(|g| {
            let share = if summary.total_amount > 0.0 {
                format::percent(g.amount / summary.total_amount)
            } else {
                "—".to_string()
            };
            [
                g.key.clone(),
                format::count(g.rows as usize),
                format::euro(g.amount),
                share,
            ]
        })
        .collect();
    let header = [
        by.to_string(),
        "progetti".into(),
        "importo".into(),
        "quota".into(),
    ];
    let widths: Vec<usize> = (0..4)
        .map(|i| {
            rows.iter()
                .map(|r| r[i].chars().count())
                .chain([header[i].chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: &[String; 4]| {
        format!(
            "{:<w0$}  {:>w1$}  {:>w2$}  {:>w3$}\n",
            cells[0],
            cells[1],
            cells[2],
            cells[3],
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2],
            w3 = widths[3]
        )
    };
    let mut text = line(&header);
    text.push_str(&format!(
        "{}\n",
        "─".repeat(widths.iter().sum::<usize>() + 6)
    ));
    for r in &rows {
        text.push_str(&line(r));
    }
    text.push_str(&format!(
        "\nTotale: {} progetti, {}\n",
        format::count(summary.rows as usize),
        format::euro(summary.total_amount)
    ));
    if summary.multi_valued {
        text.push_str(
            "Nota: '{by}' ha più valori per progetto: un progetto conta in ognuno dei suoi \
             gruppi, quindi la somma dei gruppi può superare il totale.\n"
                .replace("{by}", by)
                .as_str(),
        );
    }
    text
}
