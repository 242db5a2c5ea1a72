//! What goes into exported tables: a chart's numbers (every category, with the one each falls
//! in on the chart), the filtered projects with readable headers, and the "Informazioni" lines
//! (title, filters, sources, mapping, totals, export date) that travel with them.

use polars::prelude::*;

use super::table::{Cells, Table, TableColumn};
use crate::data::schema::{Field, SOURCE, SOURCE_ROW};
use crate::format;
use crate::i18n::Lang;
use crate::query::Key;
use crate::query::chart::{ChartData, Unit};
use crate::query::territory::{Level, TerritoryPoint};
use crate::render::decor::{Provenance, filters_caption, source_line};

/// A column header as people read it: a canonical field's label, the source columns in words,
/// an extra column as written.
pub fn header(column: &str, lang: Lang) -> String {
    match column {
        SOURCE => lang.pick_owned("Fonte", "Source"),
        SOURCE_ROW => lang.pick_owned("Riga nella fonte", "Row in source"),
        other => lang.column(other),
    }
}

/// The information lines every exported table carries.
pub fn info_lines(
    provenance: &Provenance,
    title: &str,
    rows: usize,
    notes: &[String],
) -> Vec<(String, String)> {
    let lang = provenance.lang;
    let word = |it: &str, en: &str| lang.pick_owned(it, en);
    let mut lines = vec![
        (word("Titolo", "Title"), title.to_string()),
        (
            word("Filtri", "Filters"),
            filters_caption(&provenance.filters, lang),
        ),
        (word("Fonti", "Sources"), provenance.sources.join("\n")),
        (word("Righe", "Rows"), format::count(rows)),
    ];
    if !provenance.mapping.is_empty() {
        lines.push((
            word("Mappatura delle colonne", "Column mapping"),
            provenance.mapping.join("\n"),
        ));
    }
    for note in notes {
        lines.push((word("Nota", "Note"), note.clone()));
    }
    lines.push((
        word("Esportato", "Exported"),
        source_line(&provenance.sources, provenance.date, lang),
    ));
    lines.push((
        word("Programma", "Program"),
        format!("Cruscotto {}", env!("CARGO_PKG_VERSION")),
    ));
    lines
}

/// A chart's numbers as a table. `full` is the same question with every category kept (no
/// top N): each category gets its own row, and when the chart groups some of them in its
/// remainder ("Altri"), a column says so.
pub fn chart_table(
    shown: &ChartData,
    full: &ChartData,
    title: &str,
    provenance: &Provenance,
) -> Table {
    let lang = provenance.lang;
    let unit = full.spec.measure.unit();
    let mut columns = vec![TableColumn {
        header: lang.dimension(&full.spec.dimension),
        cells: Cells::Text(
            full.categories
                .iter()
                .map(|k| Some(lang.key(k).into_owned()))
                .collect(),
        ),
    }];
    for series in &full.series {
        let header = match &series.key {
            None => lang.measure(full.spec.measure).to_string(),
            Some(k) => lang.key(k).into_owned(),
        };
        let values = series.values.iter().map(|v| Some(*v)).collect();
        columns.push(TableColumn {
            header,
            cells: match unit {
                Unit::Euro => Cells::Money(values),
                Unit::Count => Cells::Count(values),
                Unit::Share => Cells::Share(values),
            },
        });
    }
    let projects_header = lang.pick_owned("Progetti", "Projects");
    if full.spec.measure != crate::query::chart::Measure::Count || full.series.len() > 1 {
        columns.push(TableColumn {
            header: projects_header,
            cells: Cells::Count(full.counts.iter().map(|n| Some(*n as f64)).collect()),
        });
    }
    if full.has_shares() {
        columns.push(TableColumn {
            header: lang.pick_owned("Quota del totale (%)", "Share of total (%)"),
            cells: Cells::Share(
                (0..full.categories.len())
                    .map(|i| Some(full.category_value(i) / full.total))
                    .collect(),
            ),
        });
    }
    if shown.categories.contains(&Key::Other) {
        let on_chart = |k: &Key| {
            if shown.categories.contains(k) {
                lang.key(k).into_owned()
            } else {
                lang.key(&Key::Other).into_owned()
            }
        };
        columns.push(TableColumn {
            header: lang.pick_owned("Nel grafico", "On the chart"),
            cells: Cells::Text(full.categories.iter().map(|k| Some(on_chart(k))).collect()),
        });
    }
    let mut notes = Vec::new();
    if full.multi_valued {
        notes.push(lang.texts().overlapping.to_string());
    }
    let total = format::value(unit, full.total);
    notes.push(match lang {
        Lang::It => format!(
            "{}: {total} su {} progetti",
            lang.measure(full.spec.measure),
            format::count(full.projects as usize)
        ),
        Lang::En => format!(
            "{}: {total} over {} projects",
            lang.measure(full.spec.measure),
            format::count(full.projects as usize)
        ),
    });
    Table {
        sheet: sheet_name(title),
        info: info_lines(provenance, title, full.categories.len(), &notes),
        info_sheet: lang.pick_owned("Informazioni", "Information"),
        columns,
    }
}

/// A chart's numbers as a table, every category: asks the query engine again without the top N
/// when the chart has one.
pub fn chart_table_of(
    shown: &ChartData,
    table: &DataFrame,
    filters: &crate::query::filters::Filters,
    title: &str,
    provenance: &Provenance,
) -> PolarsResult<Table> {
    let full = if shown.spec.top_n.is_some() {
        let mut spec = shown.spec.clone();
        spec.top_n = None;
        crate::query::chart::query(table, filters, &spec)?
    } else {
        shown.clone()
    };
    Ok(chart_table(shown, &full, title, provenance))
}

/// The bubbles of a map as a table: place, where it is, amount, projects, share, coordinates.
pub fn map_table(
    points: &[TerritoryPoint],
    level: Level,
    title: &str,
    provenance: &Provenance,
) -> Table {
    let lang = provenance.lang;
    let total: f64 = points.iter().map(|p| p.amount).sum();
    let place = match level {
        Level::Provinces => lang.pick_owned("Provincia", "Province"),
        Level::Municipalities => lang.pick_owned("Comune", "Municipality"),
    };
    let context = match level {
        Level::Provinces => lang.pick_owned("Regione", "Region"),
        Level::Municipalities => lang.pick_owned("Provincia, regione", "Province, region"),
    };
    let columns = vec![
        TableColumn {
            header: place,
            cells: Cells::Text(points.iter().map(|p| Some(p.name.clone())).collect()),
        },
        TableColumn {
            header: context,
            cells: Cells::Text(points.iter().map(|p| Some(p.context.clone())).collect()),
        },
        TableColumn {
            header: lang
                .measure(crate::query::chart::Measure::Amount)
                .to_string(),
            cells: Cells::Money(points.iter().map(|p| Some(p.amount)).collect()),
        },
        TableColumn {
            header: lang.pick_owned("Progetti", "Projects"),
            cells: Cells::Count(points.iter().map(|p| Some(p.projects as f64)).collect()),
        },
        TableColumn {
            header: lang.pick_owned("Quota della mappa (%)", "Share of the map (%)"),
            cells: Cells::Share(
                points
                    .iter()
                    .map(|p| (total > 0.0).then(|| p.amount / total))
                    .collect(),
            ),
        },
        TableColumn {
            header: "Lat".into(),
            cells: Cells::Number(points.iter().map(|p| Some(p.lat)).collect()),
        },
        TableColumn {
            header: "Lon".into(),
            cells: Cells::Number(points.iter().map(|p| Some(p.lon)).collect()),
        },
    ];
    Table {
        sheet: sheet_name(title),
        info: info_lines(provenance, title, points.len(), &[]),
        info_sheet: lang.pick_owned("Informazioni", "Information"),
        columns,
    }
}

/// The filtered projects as a table: `columns` (every column when `None`), headers in words.
pub fn projects_table(
    projects: &DataFrame,
    columns: Option<&[String]>,
    title: &str,
    provenance: &Provenance,
) -> PolarsResult<Table> {
    let lang = provenance.lang;
    let frame = match columns {
        Some(cols) => projects.select(cols.iter().map(|c| c.as_str()))?,
        None => projects.clone(),
    };
    let mut table = Table::from_frame(&frame, &sheet_name(title), &|c| header(c, lang))?;
    table.info = info_lines(provenance, title, frame.height(), &[]);
    table.info_sheet = lang.pick_owned("Informazioni", "Information");
    Ok(table)
}

/// A valid sheet name from a title: at most 31 characters, none of `[]:*?/\`.
pub fn sheet_name(title: &str) -> String {
    let clean: String = title
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { ' ' } else { c })
        .collect();
    let clean = clean.trim();
    let cut: String = clean.chars().take(31).collect();
    if cut.trim().is_empty() {
        "Dati".to_string()
    } else {
        cut.trim().to_string()
    }
}

/// The canonical columns in table order, then the extras, then the source columns.
pub fn all_columns(projects: &DataFrame) -> Vec<String> {
    let names: Vec<String> = projects
        .get_column_names()
        .iter()
        .map(|n| n.to_string())
        .collect();
    let canonical: Vec<String> = Field::columns()
        .map(|f| f.name().to_string())
        .filter(|n| names.contains(n))
        .collect();
    let extras = names
        .iter()
        .filter(|n| !canonical.contains(n) && n.as_str() != SOURCE && n.as_str() != SOURCE_ROW)
        .cloned();
    let sources = [SOURCE, SOURCE_ROW]
        .into_iter()
        .map(str::to_string)
        .filter(|n| names.contains(n));
    canonical
        .iter()
        .cloned()
        .chain(extras)
        .chain(sources)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_valid() {
        assert_eq!(sheet_name("Importo per provincia"), "Importo per provincia");
        assert_eq!(
            sheet_name("Numero di progetti per ente capofila, suddiviso per anno"),
            "Numero di progetti per ente cap"
        );
        assert_eq!(sheet_name("a/b"), "a b");
        assert_eq!(sheet_name("??"), "Dati");
    }
}
