//! The words around a chart in a file or report: its title, the caption naming the active
//! filters, notes (overlapping categories) and the source line (files, sheets, export date).

use chrono::NaiveDate;

use crate::format;
use crate::i18n::Lang;
use crate::query::chart::{ChartData, ChartSpec, Dimension, Measure};
use crate::query::filters::Filters;

/// Title, notes, filter caption and source line of an exported chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Decor {
    pub title: String,
    /// Short notes under the title (e.g. overlapping categories).
    pub notes: Vec<String>,
    /// "Filtri: Programma = WeCaRe Misura 1; Provincia = Cuneo" or "Nessun filtro".
    pub caption: String,
    /// "Fonte: file › foglio · esportato il 25/11/2026 · elaborazione Cruscotto".
    pub source: String,
}

/// What every export says about where its numbers come from.
#[derive(Debug, Clone, PartialEq)]
pub struct Provenance {
    /// The sources, as labelled in the window (`file › sheet`).
    pub sources: Vec<String>,
    /// How each source's columns were read (`file › sheet: amount_granted ← 'Importo' (…)`).
    pub mapping: Vec<String>,
    pub filters: Filters,
    pub date: NaiveDate,
    pub lang: Lang,
}

impl Provenance {
    pub fn new(sources: Vec<String>, filters: Filters, lang: Lang) -> Self {
        Provenance {
            sources,
            mapping: Vec::new(),
            filters,
            date: chrono::Local::now().date_naive(),
            lang,
        }
    }

    /// The provenance of a loaded dataset's numbers under `filters`.
    pub fn of(dataset: &crate::data::Dataset, filters: &Filters, lang: Lang) -> Self {
        let mut p = Provenance::new(
            dataset.sources.iter().map(|s| s.label.clone()).collect(),
            filters.clone(),
            lang,
        );
        p.mapping = dataset
            .sources
            .iter()
            .flat_map(|s| {
                let label = s.label.clone();
                s.mapping
                    .choices
                    .iter()
                    .map(move |c| format!("{label}: {c}"))
            })
            .collect();
        p
    }

    /// The words around a territory map of `level`.
    pub fn map_decor(&self, level: crate::query::territory::Level, title: Option<&str>) -> Decor {
        use crate::query::territory::Level;
        let t = self.lang.texts();
        let default = match level {
            Level::Provinces => t.map_title,
            Level::Municipalities => t.map_title_municipalities,
        };
        Decor {
            title: title.unwrap_or(default).to_string(),
            notes: Vec::new(),
            caption: filters_caption(&self.filters, self.lang),
            source: source_line(&self.sources, self.date, self.lang),
        }
    }

    /// The words around `data`, titled `title` (or a title made from its specification).
    pub fn decor(&self, data: &ChartData, title: Option<&str>) -> Decor {
        let lang = self.lang;
        let mut notes = Vec::new();
        if data.multi_valued {
            notes.push(lang.texts().overlapping.to_string());
        }
        Decor {
            title: title
                .map(str::to_string)
                .unwrap_or_else(|| chart_title(&data.spec, lang)),
            notes,
            caption: filters_caption(&self.filters, lang),
            source: source_line(&self.sources, self.date, lang),
        }
    }
}

/// A measure in a title: "Importo", "Numero di progetti".
fn measure_word(measure: Measure, lang: Lang) -> &'static str {
    let (it, en) = match measure {
        Measure::Amount => ("Importo", "Amount"),
        Measure::Granted => ("Importo concesso", "Amount granted"),
        Measure::Spent => ("Spesa", "Amount spent"),
        Measure::Count => ("Numero di progetti", "Number of projects"),
        Measure::MeanGrant => ("Contributo medio", "Mean grant"),
        Measure::MedianGrant => ("Contributo mediano", "Median grant"),
        Measure::Share => ("Quota dei progetti", "Share of projects"),
    };
    match lang {
        Lang::It => it,
        Lang::En => en,
    }
}

fn lower_dimension(dim: &Dimension, lang: Lang) -> String {
    match dim {
        Dimension::Column(c) => c.clone(),
        other => lang.dimension(other).to_lowercase(),
    }
}

/// "Importo per provincia", "Numero di progetti per ente capofila, suddiviso per anno di avvio".
pub fn chart_title(spec: &ChartSpec, lang: Lang) -> String {
    let by = lower_dimension(&spec.dimension, lang);
    let measure = measure_word(spec.measure, lang);
    let mut title = match lang {
        Lang::It => format!("{measure} per {by}"),
        Lang::En => format!("{measure} by {by}"),
    };
    if let Some(split) = &spec.split {
        let split = lower_dimension(split, lang);
        title.push_str(&match lang {
            Lang::It => format!(", suddiviso per {split}"),
            Lang::En => format!(", split by {split}"),
        });
    }
    title
}

/// The active filters in one line: "Filtri: Programma = WeCaRe Misura 1; Provincia = Cuneo o
/// Torino; Periodo = 2016–2019", or "Nessun filtro".
pub fn filters_caption(filters: &Filters, lang: Lang) -> String {
    let (none, head, or, period, search) = match lang {
        Lang::It => ("Nessun filtro", "Filtri", " o ", "Periodo", "Ricerca"),
        Lang::En => ("No filter", "Filters", " or ", "Period", "Search"),
    };
    let mut parts: Vec<String> = filters
        .values
        .iter()
        .filter(|(_, values)| !values.is_empty())
        .map(|(column, values)| {
            let values: Vec<String> = values.iter().map(|v| lang.key(v).into_owned()).collect();
            format!("{} = {}", lang.column(column), values.join(or))
        })
        .collect();
    if let Some((from, to)) = filters.years {
        let years = if from == to {
            from.to_string()
        } else {
            format!("{from}–{to}")
        };
        parts.push(format!("{period} = {years}"));
    }
    let text = filters.text.trim();
    if !text.is_empty() {
        parts.push(format!("{search} = «{text}»"));
    }
    if parts.is_empty() {
        none.to_string()
    } else {
        format!("{head}: {}", parts.join("; "))
    }
}

/// "esportato il 25/11/2026 · elaborazione Cruscotto".
pub fn export_note(date: NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::It => format!(
            "esportato il {} · elaborazione Cruscotto",
            format::date_it(date)
        ),
        Lang::En => format!(
            "exported on {} · processed with Cruscotto",
            format::date_it(date)
        ),
    }
}

/// "Fonte: a.xlsx › Foglio1; b.csv · esportato il 25/11/2026 · elaborazione Cruscotto".
pub fn source_line(sources: &[String], date: NaiveDate, lang: Lang) -> String {
    let head = match (lang, sources.len()) {
        (Lang::It, 1) => "Fonte",
        (Lang::It, _) => "Fonti",
        (Lang::En, 1) => "Source",
        (Lang::En, _) => "Sources",
    };
    format!(
        "{head}: {} · {}",
        sources.join("; "),
        export_note(date, lang)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::schema::Field;
    use crate::query::Key;

    #[test]
    fn caption_names_every_filter_or_says_there_is_none() {
        let mut f = Filters::default();
        assert_eq!(filters_caption(&f, Lang::It), "Nessun filtro");
        f.toggle("programme", Key::value("WeCaRe Misura 1"));
        f.toggle("province", Key::value("Cuneo"));
        f.toggle("province", Key::Missing);
        assert_eq!(
            filters_caption(&f, Lang::It),
            "Filtri: Programma = WeCaRe Misura 1; Provincia = Cuneo o (non indicato)"
        );
        f.years = Some((2016, 2019));
        assert_eq!(
            filters_caption(&f, Lang::En),
            "Filters: Programme = WeCaRe Misura 1; Province = Cuneo or (not given); Period = 2016–2019"
        );
    }

    #[test]
    fn titles_and_source_lines() {
        let mut spec = ChartSpec::new(Dimension::Field(Field::Province), Measure::Amount);
        assert_eq!(chart_title(&spec, Lang::It), "Importo per provincia");
        spec.split = Some(Dimension::Year);
        spec.measure = Measure::Count;
        assert_eq!(
            chart_title(&spec, Lang::En),
            "Number of projects by province, split by start year"
        );
        let date = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        assert_eq!(
            source_line(&["a.xlsx › WeCaRe".into()], date, Lang::It),
            "Fonte: a.xlsx › WeCaRe · esportato il 25/11/2026 · elaborazione Cruscotto"
        );
    }
}
