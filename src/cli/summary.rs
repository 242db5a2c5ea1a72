//! `cruscotto summary`: projects and euros, in all and by a field, as a table, CSV or JSON.

use std::io::Write;

use super::{OutputFormat, SummaryArgs};
use crate::data::load_paths;
use crate::format;
use crate::i18n::Lang;
use crate::query::summary::{Summary, summarise_filtered};

pub fn run(args: &SummaryArgs, out: &mut dyn Write) -> Result<(), String> {
    let mut options = args.load.options()?;
    let lang = Lang::from(args.lang.lang);
    let by = args.by.as_deref().unwrap_or("programme");
    // Only what this question reads is interpreted: the amounts, the grouping, the filters.
    let mut needed = crate::data::needed::Needed::totals();
    needed.add_name(by);
    for pair in &args.filters.filter {
        needed.add_name(pair.split_once('=').map_or(pair.as_str(), |(f, _)| f));
    }
    options.needed = Some(needed);
    let dataset = load_paths(&args.files, &options).map_err(|e| lang.load_error(&e))?;
    let filters = args.filters.filters(&dataset.table)?;
    let summary =
        summarise_filtered(&dataset.table, &filters, Some(by)).map_err(|e| e.to_string())?;
    let lang = Lang::from(args.lang.lang);
    let text = match args.format {
        OutputFormat::Json => to_json(&summary, lang),
        OutputFormat::Csv => to_csv(&summary, lang)?,
        OutputFormat::Table => to_table(&summary, lang),
    };
    out.write_all(text.as_bytes()).map_err(|e| e.to_string())
}

/// The column grouped by, as the user reads it (`province`, `year`, an original header).
fn by_name(summary: &Summary) -> String {
    use crate::query::chart::Dimension;
    match &summary.by {
        Some(Dimension::Field(f)) => f.name().to_string(),
        Some(Dimension::Year) => "year".to_string(),
        Some(Dimension::Column(c)) => c.clone(),
        None => String::new(),
    }
}

/// Exactly one JSON object: `{"rows", "total_amount", "groups": [{"key", "kind", "rows",
/// "amount"}]}`; `kind` tells a value of the data from a bucket (`missing`, `undated`).
pub fn to_json(summary: &Summary, lang: Lang) -> String {
    let groups: Vec<serde_json::Value> = summary
        .groups
        .iter()
        .map(|g| {
            serde_json::json!({
                "key": lang.key(&g.key),
                "kind": g.key.kind(),
                "rows": g.rows,
                "amount": g.amount,
            })
        })
        .collect();
    let value = serde_json::json!({
        "rows": summary.rows,
        "total_amount": summary.total_amount,
        "groups": groups,
    });
    let mut text = value.to_string();
    text.push('\n');
    text
}

fn to_csv(summary: &Summary, lang: Lang) -> Result<String, String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let by = by_name(summary);
    w.write_record([by.as_str(), "rows", "amount"])
        .map_err(|e| e.to_string())?;
    for g in &summary.groups {
        w.write_record([
            lang.key(&g.key).into_owned(),
            g.rows.to_string(),
            format!("{:.2}", g.amount),
        ])
        .map_err(|e| e.to_string())?;
    }
    let bytes = w.into_inner().map_err(|e| e.to_string())?;
    String::from_utf8(bytes).map_err(|e| e.to_string())
}

fn to_table(summary: &Summary, lang: Lang) -> String {
    // For people: the column's name in their language.
    let by = summary
        .by
        .as_ref()
        .map(|d| lang.dimension(d))
        .unwrap_or_default();
    let by = by.as_str();
    let (projects, amount, share, total) = match lang {
        Lang::It => ("progetti", "importo", "quota", "Totale"),
        Lang::En => ("projects", "amount", "share", "Total"),
    };
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
                lang.key(&g.key).into_owned(),
                format::count(g.rows as usize),
                format::euro(g.amount),
                share,
            ]
        })
        .collect();
    let header = [by.to_string(), projects.into(), amount.into(), share.into()];
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
        "\n{total}: {} {projects}, {}\n",
        format::count(summary.rows as usize),
        format::euro(summary.total_amount)
    ));
    if summary.multi_valued {
        let note = match lang {
            Lang::It => {
                "Nota: '{by}' ha più valori per progetto: un progetto conta in ognuno dei suoi \
                 gruppi, quindi la somma dei gruppi può superare il totale.\n"
            }
            Lang::En => {
                "Note: '{by}' has several values per project: a project counts in each of its \
                 groups, so the groups may add up to more than the total.\n"
            }
        };
        text.push_str(&note.replace("{by}", by));
    }
    text
}
