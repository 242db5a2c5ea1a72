//! The one font every exported file is drawn with (Noto Sans, shipped in `assets/fonts/`):
//! the font database usvg, resvg and krilla read, and text widths for laying labels out.

use std::sync::{Arc, OnceLock};

use resvg::usvg::fontdb;

/// The family name SVG text asks for; the shipped font answers to it.
pub const FAMILY: &str = "Noto Sans";

static REGULAR: &[u8] = include_bytes!("../../assets/fonts/NotoSans-Regular.ttf");
static BOLD: &[u8] = include_bytes!("../../assets/fonts/NotoSans-Bold.ttf");

/// A font database holding only the shipped font (never the system's), with every generic
/// family (sans-serif, serif, monospace) pointing at it.
pub fn database() -> Arc<fontdb::Database> {
    static DB: OnceLock<Arc<fontdb::Database>> = OnceLock::new();
    DB.get_or_init(|| {
        let mut db = fontdb::Database::new();
        db.load_font_source(fontdb::Source::Binary(Arc::new(REGULAR)));
        db.load_font_source(fontdb::Source::Binary(Arc::new(BOLD)));
        db.set_sans_serif_family(FAMILY);
        db.set_serif_family(FAMILY);
        db.set_monospace_family(FAMILY);
        Arc::new(db)
    })
    .clone()
}

fn face(bold: bool) -> &'static ttf_parser::Face<'static> {
    static FACES: OnceLock<[ttf_parser::Face<'static>; 2]> = OnceLock::new();
    let faces = FACES.get_or_init(|| {
        [
            ttf_parser::Face::parse(REGULAR, 0).expect("the shipped regular font parses"),
            ttf_parser::Face::parse(BOLD, 0).expect("the shipped bold font parses"),
        ]
    });
    &faces[usize::from(bold)]
}

/// The advance width of `text` at `size` pixels (no kerning: a close upper bound for layout).
pub fn text_width(text: &str, size: f32, bold: bool) -> f32 {
    let face = face(bold);
    let units = f32::from(face.units_per_em());
    let fallback = units * 0.55;
    let advance: f32 = text
        .chars()
        .map(|c| {
            face.glyph_index(c)
                .and_then(|g| face.glyph_hor_advance(g))
                .map(f32::from)
                .unwrap_or(fallback)
        })
        .sum();
    advance * size / units
}

/// `text` cut to fit `width` pixels, with an ellipsis when cut.
pub fn fit(text: &str, size: f32, bold: bool, width: f32) -> String {
    if text_width(text, size, bold) <= width {
        return text.to_string();
    }
    let mut out: String = text.chars().collect();
    while !out.is_empty() && text_width(&format!("{out}…"), size, bold) > width {
        out.pop();
    }
    format!("{}…", out.trim_end())
}

/// `text` broken into lines no wider than `width` pixels, at word boundaries (a word longer
/// than a line is cut). Line breaks in the text are kept.
pub fn wrap(text: &str, size: f32, bold: bool, width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.lines() {
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_string()
            } else {
                format!("{line} {word}")
            };
            if text_width(&candidate, size, bold) <= width || line.is_empty() {
                line = if text_width(&candidate, size, bold) > width {
                    fit(&candidate, size, bold, width)
                } else {
                    candidate
                };
            } else {
                lines.push(std::mem::take(&mut line));
                line = fit(word, size, bold, width);
            }
        }
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_font_answers_to_its_family_in_both_weights() {
        let db = database();
        let weights: Vec<u16> = db
            .faces()
            .filter(|f| f.families.iter().any(|(name, _)| name == FAMILY))
            .map(|f| f.weight.0)
            .collect();
        assert_eq!(weights, vec![400, 700]);
    }

    #[test]
    fn widths_grow_with_text_size_and_weight_and_long_text_is_cut() {
        let a = text_width("Cuneo", 20.0, false);
        assert!(a > 40.0 && a < 80.0, "{a}");
        assert!(text_width("Cuneo", 40.0, false) > 1.9 * a);
        assert!(text_width("Cuneo", 20.0, true) > a);
        let cut = fit("Consorzio Monviso Solidale di Fossano", 20.0, false, 150.0);
        assert!(
            cut.ends_with('…') && text_width(&cut, 20.0, false) <= 150.0,
            "{cut}"
        );
        assert_eq!(fit("Bra", 20.0, false, 150.0), "Bra");
    }

    #[test]
    fn wrapped_lines_fit_and_keep_every_word() {
        let text = "Sperimentazione di un nuovo modello di welfare che coinvolge più soggetti";
        let lines = wrap(text, 20.0, false, 300.0);
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|l| text_width(l, 20.0, false) <= 300.0));
        assert_eq!(lines.join(" "), text);
        assert_eq!(wrap("uno\ndue", 20.0, false, 300.0), vec!["uno", "due"]);
    }
}
