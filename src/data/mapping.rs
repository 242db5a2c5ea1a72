//! Which source column feeds which canonical field, and why.
//!
//! A [`Mapping`] is a serde value (JSON: `{"amount_granted": "Importo finanziato", ...}`) that can
//! be chosen automatically from the headers ([`auto_map`], with a reason for every choice),
//! overridden field by field (`--map amount="Colonna X"`), saved and loaded.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

use super::schema::Field;

/// Field → source header. Fields not present are left empty in the canonical table.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Mapping {
    pub fields: BTreeMap<Field, String>,
}

impl Mapping {
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    pub fn get(&self, field: Field) -> Option<&str> {
        self.fields.get(&field).map(String::as_str)
    }

    pub fn set(&mut self, field: Field, header: impl Into<String>) {
        self.fields.insert(field, header.into());
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|_| "{}".to_string())
    }

    pub fn from_json(text: &str) -> Result<Mapping, serde_json::Error> {
        serde_json::from_str(text)
    }
}

/// Why a field got its column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Reason {
    /// The header equals a known name of the field.
    HeaderMatch(String),
    /// The header contains a known name of the field.
    HeaderContains(String),
    /// The OpenCoesione "progetti" export preset.
    OpenCoesione,
    /// Given by the user (`--map` or the GUI).
    User,
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Reason::HeaderMatch(_) => write!(f, "header match"),
            Reason::HeaderContains(word) => write!(f, "header contains '{word}'"),
            Reason::OpenCoesione => write!(f, "OpenCoesione preset"),
            Reason::User => write!(f, "chosen by the user"),
        }
    }
}

/// One explained choice: `amount_granted ← 'Importo finanziato' (header match)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    pub field: Field,
    pub header: String,
    pub reason: Reason,
}

impl std::fmt::Display for Choice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ← '{}' ({})", self.field, self.header, self.reason)
    }
}

/// A mapping with the reason for each field.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Explained {
    pub choices: Vec<Choice>,
}

impl Explained {
    pub fn mapping(&self) -> Mapping {
        Mapping {
            fields: self
                .choices
                .iter()
                .map(|c| (c.field, c.header.clone()))
                .collect(),
        }
    }

    /// Replaces (or adds) the user's choices.
    pub fn apply_overrides(&mut self, overrides: &Mapping) {
        for (field, header) in &overrides.fields {
            self.choices.retain(|c| c.field != *field);
            self.choices.push(Choice {
                field: *field,
                header: header.clone(),
                reason: Reason::User,
            });
        }
        self.choices.sort_by_key(|c| c.field);
    }

    /// The column that feeds `field`; `None` also when the user chose "no column".
    pub fn header_for(&self, field: Field) -> Option<&str> {
        self.choices
            .iter()
            .find(|c| c.field == field)
            .map(|c| c.header.as_str())
            .filter(|h| !h.is_empty())
    }
}

/// Lower case, accents removed, punctuation and symbols turned into single spaces:
/// `"Fascia d’età del target"` → `"fascia d eta del target"`.
pub fn normalise_header(header: &str) -> String {
    let stripped: String = header
        .nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    stripped.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Known header names per field, normalised (see [`normalise_header`]). Longer, more specific
/// names score higher than short generic ones.
fn synonyms(field: Field) -> &'static [&'static str] {
    match field {
        Field::Id => &[
            "id",
            "codice",
            "codice progetto",
            "cod progetto",
            "codice intervento",
            "scheda intervento",
            "codice scheda",
            "cod locale progetto",
            "cup",
            "project id",
            "code",
            "n progetto",
        ],
        Field::Title => &[
            "titolo",
            "titolo progetto",
            "titolo del progetto",
            "progetto",
            "nome progetto",
            "denominazione progetto",
            "titolo intervento",
            "intervento",
            "title",
            "project",
            "project title",
            "oc titolo progetto",
        ],
        Field::Programme => &[
            "programma",
            "misura",
            "bando",
            "programma operativo",
            "linea di finanziamento",
            "iniziativa",
            "programme",
            "program",
            "call",
            "oc denominazione programma",
            "programma bando",
        ],
        Field::LeadBody => &[
            "ente capofila",
            "capofila",
            "ente",
            "ente gestore",
            "soggetto capofila",
            "ente gestore capofila",
            "soggetto attuatore",
            "beneficiario",
            "lead body",
            "lead partner",
            "applicant",
            "organizzazione capofila",
            "oc denom beneficiario",
        ],
        Field::Partners => &[
            "partner",
            "partners",
            "partenariato",
            "enti partner",
            "soggetti partner",
            "partner di progetto",
            "rete di partner",
        ],
        Field::Region => &["regione", "region", "den regione"],
        Field::Province => &[
            "provincia",
            "prov",
            "sigla provincia",
            "province",
            "den provincia",
            "provincia sigla",
        ],
        Field::Municipality => &[
            "comune",
            "comuni",
            "municipality",
            "den comune",
            "sede",
            "comune sede",
            "citta",
            "comune di attuazione",
        ],
        Field::Territory => &[
            "territorio di attuazione",
            "territorio",
            "localizzazione",
            "ambito territoriale",
            "territory",
            "location",
        ],
        Field::FundingSource => &[
            "tipo di finanziamento",
            "fonte",
            "fonte di finanziamento",
            "fondo",
            "funding",
            "funding source",
            "oc descr fonte",
            "finanziatore",
            "tipo finanziamento",
        ],
        Field::AmountGranted => &[
            "contributo concesso",
            "importo finanziato",
            "importo",
            "contributo",
            "finanziamento",
            "importo concesso",
            "contributo assegnato",
            "importo ammesso",
            "amount",
            "grant",
            "amount granted",
            "finanz totale pubblico",
            "costo totale",
            "budget",
            "contributo regionale",
            "importo contributo",
        ],
        Field::AmountSpent => &[
            "ammontare della spesa",
            "spesa",
            "spesa sostenuta",
            "spesa rendicontata",
            "pagamenti",
            "tot pagamenti",
            "importo liquidato",
            "importo erogato",
            "erogato",
            "amount spent",
            "spent",
            "spesa ammessa rendicontata",
        ],
        Field::StartDate => &[
            "data avvio",
            "data inizio",
            "inizio",
            "avvio",
            "data di avvio",
            "data di inizio",
            "start",
            "start date",
            "oc data inizio progetto",
            "data inizio progetto",
        ],
        Field::EndDate => &[
            "data conclusione",
            "data fine",
            "fine",
            "conclusione",
            "data di conclusione",
            "data di fine",
            "end",
            "end date",
            "oc data fine progetto effettiva",
            "oc data fine progetto prevista",
            "data fine progetto",
        ],
        Field::Period => &[
            "periodo",
            "durata",
            "periodo di attuazione",
            "period",
            "periodo di svolgimento",
        ],
        Field::Nature => &[
            "natura prevalente dell intervento",
            "natura",
            "natura prevalente",
            "nature",
            "cup descr natura",
            "tipologia intervento",
            "tipologia",
        ],
        Field::Scope => &[
            "ambito di intervento primario",
            "ambito di intervento",
            "ambito",
            "tema",
            "scope",
            "oc tema sintetico",
            "settore",
            "area di intervento",
        ],
        Field::AgeGroups => &[
            "fascia d eta del target",
            "fascia di eta",
            "fascia d eta",
            "eta",
            "eta target",
            "age group",
            "age groups",
            "fasce d eta",
        ],
        Field::Citizenship => &[
            "cittadinanza del target",
            "cittadinanza",
            "citizenship",
            "nazionalita",
        ],
        Field::VulnerableGroups => &[
            "categoria vulnerabile del target",
            "categoria vulnerabile",
            "destinatari",
            "categorie vulnerabili",
            "target",
            "target group",
            "target groups",
            "destinatari target",
            "vulnerable groups",
        ],
        Field::Outcome => &[
            "esito della valutazione",
            "esito",
            "valutazione",
            "outcome",
            "risultato",
        ],
        Field::Abstract => &[
            "abstract",
            "descrizione",
            "sintesi",
            "descrizione progetto",
            "summary",
            "oc sintesi progetto",
            "descrizione intervento",
            "obiettivi",
        ],
    }
}

/// Scores how well `header` names `field`: 1000 + length for an exact name, 100 + length for a
/// header that contains a name as whole words (50 more when the header starts with it); `None`
/// when it does not name the field.
fn score(field: Field, normalised: &str) -> Option<(u32, Reason)> {
    let padded = format!(" {normalised} ");
    let mut best: Option<(u32, Reason)> = None;
    for syn in synonyms(field) {
        let candidate = if *syn == normalised {
            Some((
                1000 + syn.len() as u32,
                Reason::HeaderMatch(syn.to_string()),
            ))
        } else if syn.len() >= 4 && padded.contains(&format!(" {syn} ")) {
            // In Italian the head noun comes first: "Importo totale del progetto" is an amount.
            let leading = if padded.starts_with(&format!(" {syn} ")) {
                50
            } else {
                0
            };
            Some((
                100 + leading + syn.len() as u32,
                Reason::HeaderContains(syn.to_string()),
            ))
        } else {
            None
        };
        if let Some(c) = candidate
            && best.as_ref().is_none_or(|b| c.0 > b.0)
        {
            best = Some(c);
        }
    }
    best
}

/// The field a header most likely names, if any (used by header-row detection).
pub fn best_field_for_header(header: &str) -> Option<Field> {
    let n = normalise_header(header);
    Field::ALL
        .into_iter()
        .filter_map(|f| score(f, &n).map(|(s, _)| (s, f)))
        .max_by_key(|(s, _)| *s)
        .map(|(_, f)| f)
}

/// The OpenCoesione "progetti" export: field → candidate headers, first present wins.
const OPENCOESIONE: &[(Field, &[&str])] = &[
    (Field::Id, &["COD_LOCALE_PROGETTO", "CUP"]),
    (Field::Title, &["OC_TITOLO_PROGETTO"]),
    (
        Field::Programme,
        &[
            "OC_DESCRIZIONE_PROGRAMMA",
            "OC_DENOMINAZIONE_PROGRAMMA",
            "OC_CODICE_PROGRAMMA",
        ],
    ),
    (
        Field::LeadBody,
        &[
            "OC_DENOM_BENEFICIARIO",
            "OC_DENOMINAZIONE_BENEFICIARIO",
            "DEN_BENEFICIARIO",
        ],
    ),
    (Field::FundingSource, &["OC_DESCR_FONTE", "OC_COD_FONTE"]),
    (Field::Region, &["DEN_REGIONE"]),
    (Field::Province, &["DEN_PROVINCIA"]),
    (Field::Municipality, &["DEN_COMUNE"]),
    (
        Field::AmountGranted,
        &["FINANZ_TOTALE_PUBBLICO", "OC_FINANZ_TOT_PUB_NETTO"],
    ),
    (Field::AmountSpent, &["TOT_PAGAMENTI"]),
    (
        Field::StartDate,
        &["OC_DATA_INIZIO_PROGETTO", "OC_DATA_INIZIO_PREVISTA"],
    ),
    (
        Field::EndDate,
        &[
            "OC_DATA_FINE_PROGETTO_EFFETTIVA",
            "OC_DATA_FINE_PROGETTO_PREVISTA",
        ],
    ),
    (Field::Nature, &["CUP_DESCR_NATURA"]),
    (Field::Scope, &["OC_TEMA_SINTETICO"]),
    (Field::Abstract, &["OC_SINTESI_PROGETTO"]),
];

/// Whether the headers look like the OpenCoesione "progetti" export.
pub fn is_opencoesione(headers: &[String]) -> bool {
    ["OC_TITOLO_PROGETTO", "FINANZ_TOTALE_PUBBLICO"]
        .iter()
        .all(|h| headers.iter().any(|x| x == h))
}

/// Chooses a column for every field it can, explaining each choice. A column feeds one field
/// only; when two fields want the same column, the better score wins and the other field looks
/// further. A period column ("Periodo") feeds both dates.
pub fn auto_map(headers: &[String]) -> Explained {
    if is_opencoesione(headers) {
        let choices = OPENCOESIONE
            .iter()
            .filter_map(|(field, candidates)| {
                candidates
                    .iter()
                    .find(|c| headers.iter().any(|h| h == *c))
                    .map(|h| Choice {
                        field: *field,
                        header: h.to_string(),
                        reason: Reason::OpenCoesione,
                    })
            })
            .collect();
        return Explained { choices };
    }
    let normalised: Vec<String> = headers.iter().map(|h| normalise_header(h)).collect();
    let mut scored: Vec<(u32, Field, usize, Reason)> = Vec::new();
    for field in Field::ALL {
        for (i, n) in normalised.iter().enumerate() {
            if let Some((s, reason)) = score(field, n) {
                scored.push((s, field, i, reason));
            }
        }
    }
    // Best score first; on ties the leftmost column, then the field order.
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.2.cmp(&b.2)).then(a.1.cmp(&b.1)));
    let mut used_columns = std::collections::HashSet::new();
    let mut choices: Vec<Choice> = Vec::new();
    for (_, field, column, reason) in scored {
        if choices.iter().any(|c| c.field == field) || used_columns.contains(&column) {
            continue;
        }
        used_columns.insert(column);
        choices.push(Choice {
            field,
            header: headers[column].clone(),
            reason,
        });
    }
    // Both a period and start/end columns may be chosen: normalisation prefers the explicit
    // columns and uses the period to fill gaps (likewise province/region over a territory path).
    choices.sort_by_key(|c| c.field);
    Explained { choices }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn italian_variants_map_to_fields_with_reasons() {
        let h = headers(&[
            "Codice",
            "Titolo progetto",
            "Ente capofila",
            "Prov.",
            "Contributo concesso (€)",
            "Ammontare della spesa",
            "Data avvio",
            "Data conclusione",
            "Fascia d’età del target",
            "Categoria vulnerabile del target",
        ]);
        let m = auto_map(&h).mapping();
        assert_eq!(m.get(Field::Id), Some("Codice"));
        assert_eq!(m.get(Field::LeadBody), Some("Ente capofila"));
        assert_eq!(m.get(Field::Province), Some("Prov."));
        assert_eq!(m.get(Field::AmountGranted), Some("Contributo concesso (€)"));
        assert_eq!(m.get(Field::AmountSpent), Some("Ammontare della spesa"));
        assert_eq!(m.get(Field::StartDate), Some("Data avvio"));
        assert_eq!(m.get(Field::EndDate), Some("Data conclusione"));
        assert_eq!(m.get(Field::AgeGroups), Some("Fascia d’età del target"));
        assert_eq!(
            m.get(Field::VulnerableGroups),
            Some("Categoria vulnerabile del target")
        );
    }

    #[test]
    fn choices_explain_themselves() {
        let e = auto_map(&headers(&[
            "Importo finanziato",
            "Territorio di attuazione",
        ]));
        let texts: Vec<String> = e.choices.iter().map(ToString::to_string).collect();
        assert!(
            texts.contains(&"amount_granted ← 'Importo finanziato' (header match)".to_string())
        );
        assert!(
            texts.contains(&"territory ← 'Territorio di attuazione' (header match)".to_string())
        );
    }

    #[test]
    fn generic_words_inside_longer_headers() {
        let m = auto_map(&headers(&["Importo totale del progetto", "Ente"])).mapping();
        assert_eq!(
            m.get(Field::AmountGranted),
            Some("Importo totale del progetto")
        );
        assert_eq!(m.get(Field::LeadBody), Some("Ente"));
    }

    #[test]
    fn opencoesione_preset() {
        let h = headers(&[
            "COD_LOCALE_PROGETTO",
            "OC_TITOLO_PROGETTO",
            "DEN_REGIONE",
            "DEN_PROVINCIA",
            "FINANZ_TOTALE_PUBBLICO",
            "TOT_PAGAMENTI",
            "OC_DATA_INIZIO_PROGETTO",
        ]);
        let e = auto_map(&h);
        assert!(e.choices.iter().all(|c| c.reason == Reason::OpenCoesione));
        let m = e.mapping();
        assert_eq!(m.get(Field::AmountGranted), Some("FINANZ_TOTALE_PUBBLICO"));
        assert_eq!(m.get(Field::Province), Some("DEN_PROVINCIA"));
    }

    #[test]
    fn mapping_json_round_trip_and_overrides() {
        let mut e = auto_map(&headers(&["Importo", "Ente"]));
        let mut user = Mapping::default();
        user.set(Field::AmountGranted, "Colonna X");
        e.apply_overrides(&user);
        let m = e.mapping();
        assert_eq!(m.get(Field::AmountGranted), Some("Colonna X"));
        let json = m.to_json();
        assert!(json.contains("\"amount_granted\": \"Colonna X\""));
        assert_eq!(Mapping::from_json(&json).unwrap(), m);
    }
}
