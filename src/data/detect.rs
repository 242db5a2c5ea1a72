//! Table-shape detection on a small sample: which row is the header (title rows such as
//! "REGIONE PIEMONTE" or "Monitoraggio … dati al …" sit above it), and how to name columns whose
//! header cell is blank or repeated. Totals rows and empty rows/columns are handled on the whole
//! frame with polars expressions in [`crate::data::normalise`].

use crate::data::mapping;

fn filled(cell: &str) -> bool {
    !cell.trim().is_empty()
}

fn is_texty(cell: &str) -> bool {
    cell.chars().any(char::is_alphabetic)
}

/// Index of the header row in `sample` (rows of cell texts, empty string for empty cells).
///
/// The header is the first row that names at least two known fields; failing that, the first row
/// whose cells are all text and fill at least half of the table's width; failing that, the first
/// row with two or more filled cells.
pub fn find_header_row(sample: &[Vec<String>]) -> usize {
    let counts: Vec<usize> = sample
        .iter()
        .map(|r| r.iter().filter(|c| filled(c)).count())
        .collect();
    let width = counts.iter().copied().max().unwrap_or(0);
    let known = |row: &Vec<String>| {
        row.iter()
            .filter(|c| filled(c) && mapping::best_field_for_header(c).is_some())
            .count()
    };
    if let Some(i) = sample
        .iter()
        .enumerate()
        .position(|(i, r)| counts[i] >= 2 && known(r) >= 2)
    {
        return i;
    }
    let half = width.div_ceil(2).max(2);
    if let Some(i) = sample
        .iter()
        .enumerate()
        .position(|(i, r)| counts[i] >= half && r.iter().filter(|c| filled(c)).all(|c| is_texty(c)))
    {
        return i;
    }
    counts.iter().position(|&n| n >= 2).unwrap_or(0)
}

/// Spreadsheet-style column letters: 0 → A, 25 → Z, 26 → AA.
pub fn column_letter(mut index: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// Names for `width` columns from the header cells: spaces and line breaks collapsed; a blank cell
/// right of a named one (a merged header) becomes `Name (2)`; other blanks `Colonna C`;
/// duplicates get ` (2)`, ` (3)`… so every name is unique.
pub fn name_headers(cells: &[String], width: usize) -> Vec<String> {
    let mut names: Vec<String> = Vec::with_capacity(width);
    let mut last_named: Option<(String, usize)> = None;
    for j in 0..width {
        let raw = cells.get(j).map(String::as_str).unwrap_or("");
        let clean = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        let name = if !clean.is_empty() {
            last_named = Some((clean.clone(), 1));
            clean
        } else if let Some((base, n)) = last_named.as_mut() {
            *n += 1;
            format!("{base} ({n})")
        } else {
            format!("Colonna {}", column_letter(j))
        };
        names.push(name);
    }
    make_unique(names)
}

/// Appends ` (2)`, ` (3)`… to repeated names (case-insensitive), keeping the first as is.
pub fn make_unique(names: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    names
        .into_iter()
        .map(|name| {
            let mut candidate = name.clone();
            let mut n = 1;
            while !seen.insert(candidate.to_lowercase()) || candidate == crate::data::source::ROW {
                n += 1;
                candidate = format!("{name} ({n})");
            }
            candidate
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(data: &[&[&str]]) -> Vec<Vec<String>> {
        data.iter()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect()
    }

    #[test]
    fn title_rows_above_the_header_are_skipped() {
        let sample = rows(&[
            &["REGIONE PIEMONTE", "", ""],
            &["Monitoraggio WeCaRe – dati al 30/06/2021", "", ""],
            &["", "", ""],
            &["Codice", "Ente capofila", "Contributo concesso (€)"],
            &["W1-01", "CISSACA", "488100"],
        ]);
        assert_eq!(find_header_row(&sample), 3);
    }

    #[test]
    fn header_without_known_names_is_the_first_full_text_row() {
        let sample = rows(&[
            &["Report", "", ""],
            &["Alfa", "Beta", "Gamma"],
            &["1", "2", "3"],
        ]);
        assert_eq!(find_header_row(&sample), 1);
    }

    #[test]
    fn blank_and_duplicate_headers_get_unique_names() {
        let cells: Vec<String> = ["", "Periodo", "", "Importo", " importo\n"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(
            name_headers(&cells, 5),
            vec![
                "Colonna A",
                "Periodo",
                "Periodo (2)",
                "Importo",
                "importo (2)"
            ]
        );
    }

    #[test]
    fn column_letters() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(27), "AB");
    }
}
