//! `cruscotto check`: the data-quality report ([`crate::query::quality`]) as text — per source
//! the mapping chosen (with reasons), what was skipped or excluded, then every kind of problem
//! found and the first ones one by one, with file, sheet, row, column and raw text. The same
//! report as the window's Qualità dati tab, in the language asked for.

use std::io::Write;

use super::CheckArgs;
use crate::data::{Field, load_paths};
use crate::export::write_atomic;
use crate::i18n::{Lang, Noun};
use crate::query::quality::{QualityReport, report};

pub fn run(args: &CheckArgs, out: &mut dyn Write) -> Result<(), String> {
    let options = args.load.options()?;
    let lang = Lang::from(args.lang.lang);
    let dataset = load_paths(&args.files, &options).map_err(|e| lang.load_error(&e))?;
    if let Some(path) = &args.save_mapping
        && let Some(first) = dataset.sources.first()
    {
        write_atomic(path, first.mapping.mapping().to_json().as_bytes())
            .map_err(|e| e.to_string())?;
    }
    let quality = report(&dataset).map_err(|e| e.to_string())?;
    let text = render(&quality, args.examples, Lang::from(args.lang.lang));
    out.write_all(text.as_bytes()).map_err(|e| e.to_string())
}

/// The report for people to read.
pub fn render(q: &QualityReport, examples: usize, lang: Lang) -> String {
    let pick = |it: &str, en: &str| lang.pick_owned(it, en);
    let mut t = String::new();
    for s in &q.sources {
        let problems = q.findings.iter().filter(|f| f.source == s.label).count();
        t.push_str(&format!(
            "{} ({}): {}, {}\n",
            s.label,
            s.format.label(),
            lang.count(s.rows, Noun::Project),
            lang.count(problems, Noun::Problem),
        ));
        if s.sheets.len() > 1 {
            t.push_str(&format!(
                "  {}: {}\n",
                pick("fogli", "sheets"),
                s.sheets.join(", ")
            ));
        }
        for note in &s.notes {
            t.push_str(&format!(
                "  {}: {}\n",
                pick("nota", "note"),
                lang.note(note)
            ));
        }
        t.push_str(&format!("  {}:\n", pick("colonne usate", "mapping")));
        for c in &s.choices {
            t.push_str(&format!(
                "    {} ← '{}' ({})\n",
                match lang {
                    Lang::It => lang.field(c.field).to_string(),
                    Lang::En => c.field.name().to_string(),
                },
                c.header,
                lang.reason(&c.reason)
            ));
        }
        if !s.unmapped.is_empty() {
            let names: Vec<String> = s
                .unmapped
                .iter()
                .map(|f: &Field| match lang {
                    Lang::It => lang.field(*f).to_string(),
                    Lang::En => f.name().to_string(),
                })
                .collect();
            t.push_str(&format!(
                "  {}: {}\n",
                pick("non trovati", "not found"),
                names.join(", ")
            ));
        }
        if !s.extra.is_empty() {
            t.push_str(&format!(
                "  {}: {}\n",
                pick("altre colonne, tenute", "kept as extra columns"),
                s.extra.join(", ")
            ));
        }
    }
    if q.findings.is_empty() {
        t.push_str(&pick(
            "\nNessun problema: ogni valore è stato letto.\n",
            "\nNo problems: every value was read.\n",
        ));
        return t;
    }
    t.push_str(&format!(
        "\n{}:\n",
        lang.count(q.findings.len(), Noun::Problem)
    ));
    for g in &q.groups {
        t.push_str(&format!(
            "  {:>6} × {}{}\n",
            g.count,
            lang.problem(g.kind),
            if g.column.is_empty() {
                String::new()
            } else {
                format!(" ({} '{}')", pick("colonna", "column"), g.column)
            }
        ));
    }
    t.push_str(&format!("{}:\n", pick("primi problemi", "first problems")));
    for f in q.findings.iter().take(examples) {
        let place = match &f.sheet {
            Some(sheet) => format!("{} › {sheet}", f.file),
            None => f.file.clone(),
        };
        t.push_str(&format!(
            "  {place}, {} {}{}: \"{}\" — {}{}\n",
            pick("riga", "row"),
            f.row,
            if f.column.is_empty() {
                String::new()
            } else {
                format!(", {} '{}'", pick("colonna", "column"), f.column)
            },
            f.raw,
            lang.problem(f.kind),
            f.hint
                .as_ref()
                .map(|h| format!(" ({} {h})", pick("forse", "perhaps")))
                .unwrap_or_default()
        ));
    }
    if q.findings.len() > examples {
        t.push_str(&format!(
            "  … {} {}\n",
            pick("e altri", "and"),
            lang.count(q.findings.len() - examples, Noun::Problem)
        ));
    }
    t
}
