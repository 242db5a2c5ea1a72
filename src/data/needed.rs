//! What a question needs from the files: the canonical fields it reads and the original columns
//! it names. Loading with [`Needed`] reads and interprets only the columns that feed them — a
//! `summary --by province` of a 40-column CSV parses the amounts and the territory, not the other
//! 35 columns. The window needs every field and loads without it.

use std::collections::BTreeSet;

#[cfg(test)]
use super::mapping;
use super::mapping::{Explained, Mapping};
use super::schema::Field;

/// The fields and original columns a question reads.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Needed {
    pub fields: BTreeSet<Field>,
    /// Original headers, compared without regard to case.
    pub headers: BTreeSet<String>,
}

impl Needed {
    /// The fields every count and total reads: the amounts (granted, else spent).
    pub fn totals() -> Needed {
        let mut n = Needed::default();
        n.add_field(Field::AmountGranted);
        n.add_field(Field::AmountSpent);
        n
    }

    /// Adds a field and the fields it may be derived from (a province from a territory path, a
    /// date from a period).
    pub fn add_field(&mut self, field: Field) {
        let with: &[Field] = match field {
            Field::Region | Field::Province => &[Field::Region, Field::Province, Field::Territory],
            Field::Municipality => &[Field::Municipality, Field::Territory],
            Field::StartDate | Field::EndDate => &[Field::StartDate, Field::EndDate, Field::Period],
            _ => &[],
        };
        self.fields.insert(field);
        self.fields.extend(with.iter().copied());
    }

    /// Adds what a user's word names: a field, `year` (the dates) or an original header.
    pub fn add_name(&mut self, name: &str) {
        let lower = name.trim().to_lowercase();
        if matches!(lower.as_str(), "year" | "anno" | "start_year") {
            self.add_field(Field::StartDate);
        } else if matches!(lower.as_str(), "text") {
            self.add_field(Field::Title);
            self.add_field(Field::Abstract);
        } else if let Some(f) = Field::parse(name) {
            self.add_field(f);
        } else if lower == crate::data::schema::SOURCE {
            // The source is known without reading any column.
        } else {
            self.headers.insert(lower);
        }
    }

    /// The mapping restricted to the needed fields: the others are not interpreted.
    pub fn restrict(&self, explained: &Explained) -> Explained {
        Explained {
            choices: explained
                .choices
                .iter()
                .filter(|c| self.fields.contains(&c.field))
                .cloned()
                .collect(),
        }
    }

    /// Whether an original column is kept beside the canonical ones.
    pub fn keeps_extra(&self, header: &str) -> bool {
        self.headers.contains(&header.to_lowercase())
    }

    /// The columns of a file with `headers` that a load needs to read: those the automatic
    /// mapping gives a needed field, those the user's `overrides` name, and the kept extras. A
    /// reader may skip the others (a CSV's other columns are never parsed).
    ///
    /// All columns are read when fewer would change the automatic mapping (a preset recognised by
    /// a column the question does not need, a closer match among the columns left out), or when
    /// the question needs none of them.
    pub fn columns_to_read(&self, headers: &[String], overrides: &Mapping) -> Vec<String> {
        let mapped = self.restrict(&super::mapping::auto_map(headers));
        let kept: Vec<String> = headers
            .iter()
            .filter(|h| {
                mapped.choices.iter().any(|c| &c.header == *h)
                    || overrides
                        .fields
                        .values()
                        .any(|o| !o.is_empty() && o.eq_ignore_ascii_case(h))
                    || self.keeps_extra(h)
            })
            .cloned()
            .collect();
        let pairs = |e: &Explained| -> Vec<(Field, String)> {
            e.choices
                .iter()
                .map(|c| (c.field, c.header.clone()))
                .collect()
        };
        let again = self.restrict(&super::mapping::auto_map(&kept));
        if kept.is_empty() || pairs(&again) != pairs(&mapped) {
            return headers.to_vec();
        }
        kept
    }

    /// A stable text of what is needed (part of the cache key).
    pub fn key(&self) -> String {
        let fields: Vec<&str> = self.fields.iter().map(|f| f.name()).collect();
        let headers: Vec<&str> = self.headers.iter().map(String::as_str).collect();
        format!("{}|{}", fields.join(","), headers.join(","))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_province_question_interprets_the_amounts_and_the_territory_only() {
        let headers: Vec<String> = [
            "Codice",
            "Importo concesso",
            "Spesa",
            "Provincia",
            "Territorio",
            "Destinatari",
            "Sede",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let mut needed = Needed::totals();
        needed.add_name("province");
        needed.add_name("Sede");
        let all = mapping::auto_map(&headers);
        let mut kept: Vec<String> = needed
            .restrict(&all)
            .choices
            .into_iter()
            .map(|c| c.header)
            .collect();
        kept.sort();
        assert_eq!(
            kept,
            ["Importo concesso", "Provincia", "Spesa", "Territorio"]
        );
        assert!(needed.keeps_extra("sede"));
        assert!(!needed.keeps_extra("Destinatari"));
        // What is read: the same columns and the extra, in the file's order; an override adds
        // the column it names.
        assert_eq!(
            needed.columns_to_read(&headers, &Mapping::default()),
            [
                "Importo concesso",
                "Spesa",
                "Provincia",
                "Territorio",
                "Sede"
            ]
        );
        let mut overrides = Mapping::default();
        overrides.set(Field::Province, "destinatari");
        assert!(
            needed
                .columns_to_read(&headers, &overrides)
                .contains(&"Destinatari".to_string())
        );
    }
}
