//! One project as a "Scheda intervento": code, title, lead body, period, then labelled lines
//! (territory path, funding, amounts, nature, scope, target groups, outcome, partners,
//! programme), the abstract and where the row came from. The window's card and the exported
//! PDF card are both drawn from this.

use polars::prelude::*;

use crate::data::schema::{Field, SOURCE, SOURCE_ROW};
use crate::format::cell_text;

/// The labelled lines of a card, in the order of the Scheda intervento.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardLine {
    Territory,
    Funding,
    Granted,
    Spent,
    Nature,
    Scope,
    Ages,
    Citizenship,
    Vulnerable,
    Outcome,
    Partners,
    Programme,
}

impl CardLine {
    pub const ALL: [CardLine; 12] = [
        CardLine::Territory,
        CardLine::Funding,
        CardLine::Granted,
        CardLine::Spent,
        CardLine::Nature,
        CardLine::Scope,
        CardLine::Ages,
        CardLine::Citizenship,
        CardLine::Vulnerable,
        CardLine::Outcome,
        CardLine::Partners,
        CardLine::Programme,
    ];
}

/// A project card; empty strings where the data says nothing.
#[derive(Debug, Clone, PartialEq)]
pub struct Card {
    pub code: String,
    pub title: String,
    pub lead_body: String,
    /// `01/01/2016 – 22/04/2021`, open ends as `…`; empty without dates.
    pub period: String,
    pub lines: Vec<(CardLine, String)>,
    pub abstract_text: String,
    /// `file › sheet · row`.
    pub source: String,
}

fn text(table: &DataFrame, column: &str, row: usize) -> String {
    table
        .column(column)
        .ok()
        .and_then(|c| c.get(row).ok())
        .map(cell_text)
        .unwrap_or_default()
}

impl Card {
    /// The card of the `shown`-th project of the list; `None` past its end.
    pub fn listed(projects: &crate::query::projects::ProjectRows, shown: usize) -> Option<Card> {
        Some(Card::of(projects.table(), projects.index(shown)?))
    }

    /// The card of row `row` of a canonical table.
    pub fn of(table: &DataFrame, row: usize) -> Card {
        let get = |f: Field| text(table, f.name(), row);
        let (start, end) = (get(Field::StartDate), get(Field::EndDate));
        let period = if start.is_empty() && end.is_empty() {
            String::new()
        } else {
            let side = |s: String| if s.is_empty() { "…".to_string() } else { s };
            format!("{} – {}", side(start), side(end))
        };
        let territory: Vec<String> = [Field::Region, Field::Province, Field::Municipality]
            .iter()
            .map(|f| get(*f))
            .filter(|s| !s.is_empty())
            .collect();
        let territory = if territory.is_empty() {
            String::new()
        } else {
            format!("Italia, {}", territory.join(", "))
        };
        let lines = CardLine::ALL
            .iter()
            .map(|line| {
                let value = match line {
                    CardLine::Territory => territory.clone(),
                    CardLine::Funding => get(Field::FundingSource),
                    CardLine::Granted => get(Field::AmountGranted),
                    CardLine::Spent => get(Field::AmountSpent),
                    CardLine::Nature => get(Field::Nature),
                    CardLine::Scope => get(Field::Scope),
                    CardLine::Ages => get(Field::AgeGroups),
                    CardLine::Citizenship => get(Field::Citizenship),
                    CardLine::Vulnerable => get(Field::VulnerableGroups),
                    CardLine::Outcome => get(Field::Outcome),
                    CardLine::Partners => get(Field::Partners),
                    CardLine::Programme => get(Field::Programme),
                };
                (*line, value)
            })
            .collect();
        Card {
            code: get(Field::Id),
            title: get(Field::Title),
            lead_body: get(Field::LeadBody),
            period,
            lines,
            abstract_text: get(Field::Abstract),
            source: format!(
                "{} · {}",
                text(table, SOURCE, row),
                text(table, SOURCE_ROW, row)
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::sample;

    #[test]
    fn the_seed_card_reads_like_the_scheda_intervento() {
        let d = sample::load().unwrap();
        let ids = d.table.column("id").unwrap().str().unwrap().clone();
        let row = ids.iter().position(|v| v == Some("INT-36-2021")).unwrap();
        let card = Card::of(&d.table, row);
        assert_eq!(
            card.title,
            "Talenti Latenti - Rete per un Welfare di Comunità"
        );
        assert_eq!(card.lead_body, "ASLCN2 Alba-Bra");
        assert_eq!(card.period, "01/01/2016 – 22/04/2021");
        let line = |l: CardLine| {
            card.lines
                .iter()
                .find(|(k, _)| *k == l)
                .map(|(_, v)| v.as_str())
                .unwrap()
        };
        assert_eq!(line(CardLine::Territory), "Italia, Piemonte, Cuneo");
        assert_eq!(line(CardLine::Spent), "€ 488.100,00");
        assert_eq!(line(CardLine::Ages), "Età adulta, Età senile");
    }
}
