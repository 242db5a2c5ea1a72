//! `cruscotto compare`: entities side by side (projects, money, grants, partners, period, target
//! groups, and per resident for territories) as a table, CSV or JSON — the Confronta tab's
//! numbers for batch reports.

use std::io::Write;

use serde_json::{Value, json};

use super::{CompareArgs, Loaded, OutputFormat};
use crate::i18n::Lang;
use crate::query::chart::Dimension;
use crate::query::compare::{Comparison, Metric, POPULATION_SOURCE, Reference, Stats, compare};
use crate::query::values::{distinct, find};

/// The entities the user named, as the data spells them (`;`-separated: names hold commas).
fn entities(
    table: &polars::prelude::DataFrame,
    by: &Dimension,
    values: &str,
) -> Result<Vec<String>, String> {
    let known = distinct(table, by).map_err(|e| e.to_string())?;
    let mut out: Vec<String> = Vec::new();
    for wanted in values.split(';').map(str::trim).filter(|v| !v.is_empty()) {
        match find(&known, wanted) {
            Ok(k) => {
                if !out.contains(k) {
                    out.push(k.clone());
                }
            }
            Err(closest) => {
                let closest: Vec<&str> = closest.iter().map(|s| s.as_str()).collect();
                return Err(format!(
                    "no project has {} = '{wanted}'; closest values: {}",
                    by.column(),
                    if closest.is_empty() {
                        "none".into()
                    } else {
                        closest.join("; ")
                    }
                ));
            }
        }
    }
    if out.is_empty() {
        return Err("--values names no entity: give 1 to 8 values separated by ';'".into());
    }
    if out.len() > crate::query::compare::MAX_ENTITIES {
        return Err(format!(
            "{} values: compare at most {} at once",
            out.len(),
            crate::query::compare::MAX_ENTITIES
        ));
    }
    Ok(out)
}

pub fn run(args: &CompareArgs, out: &mut dyn Write) -> Result<(), String> {
    let loaded = Loaded::open(&args.files, &args.load, &args.filters, args.lang.lang)?;
    let table = &loaded.dataset.table;
    let by = Dimension::resolve(table.schema(), &args.by).map_err(|e| e.to_string())?;
    let chosen = entities(table, &by, &args.values)?;
    let c = compare(
        table,
        &loaded.filters,
        &by,
        &chosen,
        args.reference.into(),
        crate::data::schema::Field::VulnerableGroups,
    )
    .map_err(|e| e.to_string())?;
    let lang = loaded.lang;
    for hidden in &c.hidden {
        eprintln!(
            "cruscotto: warning: the filter on {} hides '{hidden}'",
            by.column()
        );
    }
    let text = match args.format {
        OutputFormat::Json => to_json(&c),
        OutputFormat::Csv => to_csv(&c, lang)?,
        OutputFormat::Table => to_table(&c, lang),
    };
    out.write_all(text.as_bytes()).map_err(|e| e.to_string())
}

fn stats_json(s: &Stats) -> Value {
    json!({
        "key": s.key,
        "projects": s.projects,
        "granted": s.granted,
        "spent": s.spent,
        "spent_share": s.spent_share,
        "median_grant": s.median_grant,
        "max_grant": s.max_grant,
        "share_of_total": s.share_of_total,
        "partners": s.partners,
        "population": s.population,
        "per_resident": s.per_resident,
        "projects_per_100k": s.projects_per_100k,
        "first_start": s.first_start.map(|d| d.to_string()),
        "last_end": s.last_end.map(|d| d.to_string()),
        "target_group_count": s.target_group_count,
        "target_groups": s.target_groups.iter().map(|(g, n)| json!({"group": g, "projects": n})).collect::<Vec<_>>(),
    })
}

/// Exactly one JSON object: `{"by", "reference": {...}, "entities": [...]}`, `null` where a value
/// is unknown.
pub fn to_json(c: &Comparison) -> String {
    let mut reference = stats_json(&c.reference);
    reference["key"] = json!(match c.reference_kind {
        Reference::Selection => "selection",
        Reference::All => "all",
    });
    let value = json!({
        "by": c.by.column(),
        "reference": reference,
        "entities": c.entities.iter().map(stats_json).collect::<Vec<_>>(),
        "hidden_by_filter": c.hidden,
        "population_source": c.has_population.then_some(POPULATION_SOURCE),
    });
    let mut text = value.to_string();
    text.push('\n');
    text
}

fn reference_label(c: &Comparison, lang: Lang) -> String {
    match c.reference_kind {
        Reference::Selection => lang.pick_owned("Media della selezione", "Selection average"),
        Reference::All => lang.pick_owned("Tutti i dati filtrati", "All filtered data"),
    }
}

fn to_csv(c: &Comparison, lang: Lang) -> Result<String, String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec![String::new()];
    header.extend(c.entities.iter().map(|e| e.key.clone()));
    header.push(reference_label(c, lang));
    w.write_record(&header).map_err(|e| e.to_string())?;
    for metric in Metric::rows(c.has_population) {
        let cell = |s: &Stats| match metric.value(s) {
            Some(v) => format!("{v}"),
            None => match metric {
                Metric::Period | Metric::TargetGroups => lang.metric_cell(metric, s),
                _ => String::new(),
            },
        };
        let mut row = vec![lang.metric(metric).to_string()];
        row.extend(c.entities.iter().map(cell));
        row.push(cell(&c.reference));
        w.write_record(&row).map_err(|e| e.to_string())?;
    }
    String::from_utf8(w.into_inner().map_err(|e| e.to_string())?).map_err(|e| e.to_string())
}

fn to_table(c: &Comparison, lang: Lang) -> String {
    let mut columns: Vec<Vec<String>> = Vec::new();
    let rows = Metric::rows(c.has_population);
    let mut labels = vec![lang.dimension(&c.by)];
    labels.extend(rows.iter().map(|m| lang.metric(*m).to_string()));
    columns.push(labels);
    for s in c.entities.iter().chain([&c.reference]) {
        let mut column = vec![if s.key.is_empty() {
            reference_label(c, lang)
        } else {
            s.key.clone()
        }];
        column.extend(rows.iter().map(|m| lang.metric_cell(*m, s)));
        columns.push(column);
    }
    let widths: Vec<usize> = columns
        .iter()
        .map(|col| {
            col.iter()
                .map(|c| c.chars().count())
                .max()
                .unwrap_or(0)
                .min(40)
        })
        .collect();
    let mut text = String::new();
    for r in 0..columns[0].len() {
        let line: Vec<String> = columns
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(i, (col, w))| {
                let cell: String = col[r].chars().take(*w).collect();
                if i == 0 {
                    format!("{cell:<w$}")
                } else {
                    format!("{cell:>w$}")
                }
            })
            .collect();
        text.push_str(line.join("  ").trim_end());
        text.push('\n');
    }
    if c.has_population {
        text.push_str(&format!(
            "\n{}: {POPULATION_SOURCE}.\n",
            lang.pick_owned("Popolazione", "Population")
        ));
    }
    if !c.hidden.is_empty() {
        text.push_str(&format!(
            "{}: {}\n",
            lang.pick_owned("Nascosti dal filtro", "Hidden by the filter"),
            c.hidden.join(", ")
        ));
    }
    text
}
