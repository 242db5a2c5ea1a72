//! Delimited text: encoding detection (UTF-8, UTF-8 with BOM, UTF-16, Windows-1252), delimiter
//! sniffing (`;` `,` tab `|`), header-row detection, then the polars CSV reader for the data.

use crate::data::note::Note;
use std::borrow::Cow;
use std::io::Cursor;
use std::path::Path;
use std::sync::Arc;

use polars::prelude::*;

use super::{Format, Origin, ROW, RawTable};
use crate::data::detect;
use crate::data::error::LoadError;

/// Below twice this many bytes, a text is checked (UTF-8, plain lines) on one thread.
pub(super) const HALF_WORTH_A_THREAD: usize = 4 << 20;

/// The text encodings we recognise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextEncoding {
    Utf8,
    Utf8Bom,
    Utf16,
    Windows1252,
}

impl TextEncoding {
    pub fn label(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::Utf8Bom => "UTF-8 with BOM",
            TextEncoding::Utf16 => "UTF-16",
            TextEncoding::Windows1252 => "Windows-1252",
        }
    }
}

/// Decodes text bytes: a BOM decides when present; otherwise valid UTF-8 is UTF-8 and anything
/// else is Windows-1252 (where `€` is byte 0x80), the usual encoding of Italian PA exports.
pub fn decode_text(bytes: &[u8]) -> (Cow<'_, str>, TextEncoding) {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        let (text, _) = encoding_rs::UTF_8.decode_without_bom_handling(rest);
        return (text, TextEncoding::Utf8Bom);
    }
    if bytes.starts_with(b"\xFF\xFE") {
        let (text, _) = encoding_rs::UTF_16LE.decode_without_bom_handling(&bytes[2..]);
        return (text, TextEncoding::Utf16);
    }
    if bytes.starts_with(b"\xFE\xFF") {
        let (text, _) = encoding_rs::UTF_16BE.decode_without_bom_handling(&bytes[2..]);
        return (text, TextEncoding::Utf16);
    }
    // Checked with SIMD (a national export is hundreds of megabytes), its halves side by side.
    if is_utf8(bytes, 8 << 20) {
        // SAFETY: just checked to be UTF-8.
        let text = unsafe { std::str::from_utf8_unchecked(bytes) };
        (Cow::Borrowed(text), TextEncoding::Utf8)
    } else {
        let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
        (text, TextEncoding::Windows1252)
    }
}

/// Whether `bytes` are UTF-8: a text of at least twice `half_worth_a_thread` is checked in two
/// halves on two threads, split after a line end (a byte no multi-byte character contains).
pub(super) fn is_utf8(bytes: &[u8], half_worth_a_thread: usize) -> bool {
    let valid = |part: &[u8]| simdutf8::basic::from_utf8(part).is_ok();
    let middle = bytes.len() / 2;
    let split = match memchr::memchr(b'\n', &bytes[middle..]) {
        Some(at) if bytes.len() >= 2 * half_worth_a_thread => middle + at + 1,
        _ => return valid(bytes),
    };
    let (first, second) = bytes.split_at(split);
    std::thread::scope(|scope| {
        let other = scope.spawn(|| valid(second));
        let mine = valid(first);
        mine && other.join().unwrap_or(false)
    })
}

/// The field delimiters we recognise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delimiter {
    Semicolon,
    Comma,
    Tab,
    Pipe,
}

impl Delimiter {
    const ALL: [Delimiter; 4] = [
        Delimiter::Semicolon,
        Delimiter::Tab,
        Delimiter::Comma,
        Delimiter::Pipe,
    ];

    pub fn byte(self) -> u8 {
        match self {
            Delimiter::Semicolon => b';',
            Delimiter::Comma => b',',
            Delimiter::Tab => b'\t',
            Delimiter::Pipe => b'|',
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Delimiter::Semicolon => "';'",
            Delimiter::Comma => "','",
            Delimiter::Tab => "tab",
            Delimiter::Pipe => "'|'",
        }
    }
}

/// Splits one line into fields, honouring double quotes.
fn split_line(line: &str, delimiter: Delimiter) -> Vec<String> {
    // A line without quotes or carriage returns is split at its delimiters (a CSV reader for
    // each of the sampled lines and delimiters was a measurable part of a large file's read).
    if !line.bytes().any(|b| b == b'"' || b == b'\r') {
        if line.is_empty() {
            return Vec::new();
        }
        return line
            .split(delimiter.byte() as char)
            .map(str::to_string)
            .collect();
    }
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter.byte())
        .from_reader(line.as_bytes());
    reader
        .records()
        .next()
        .and_then(Result::ok)
        .map(|r| r.iter().map(str::to_string).collect())
        .unwrap_or_default()
}

/// Whether the last records of `text` might hold a totals row ("Totale", found by the
/// interpretation in any text column, and excluded): a reader that reads only some columns must
/// then read them all. A quote in those lines (a record over several lines) also says "might".
fn tail_may_hold_totals(text: &str, delimiter: Delimiter) -> bool {
    let totals = regex::Regex::new(crate::data::normalise::TOTALS).expect("a valid pattern");
    text.lines()
        .rev()
        .filter(|l| {
            l.chars()
                .any(|c| !c.is_whitespace() && c as u32 != delimiter.byte() as u32)
        })
        .take(5)
        .any(|line| {
            line.contains('"')
                || split_line(line, delimiter)
                    .iter()
                    .any(|cell| totals.is_match(cell))
        })
}

/// Picks the delimiter that splits the sample lines most consistently into several fields.
pub fn sniff_delimiter(lines: &[&str]) -> Delimiter {
    let mut best = (Delimiter::Semicolon, 0usize, 0usize);
    for delimiter in Delimiter::ALL {
        let counts: Vec<usize> = lines
            .iter()
            .map(|l| split_line(l, delimiter).len())
            .filter(|&n| n > 1)
            .collect();
        let mut freq = std::collections::BTreeMap::<usize, usize>::new();
        for n in &counts {
            *freq.entry(*n).or_default() += 1;
        }
        let Some((&fields, &times)) = freq.iter().max_by_key(|&(n, t)| (*t, *n)) else {
            continue;
        };
        if (times, fields) > (best.1, best.2) {
            best = (delimiter, times, fields);
        }
    }
    best.0
}

/// Rejects content that is not text (NUL bytes, many control characters).
fn ensure_text(path: &Path, text: &str) -> Result<(), LoadError> {
    let head: Vec<char> = text.chars().take(8192).collect();
    let bad = head
        .iter()
        .filter(|c| (c.is_control() && !matches!(c, '\t' | '\r' | '\n')) || **c == '\u{FFFD}')
        .count();
    if head.contains(&'\0') || bad * 100 > head.len().max(1) {
        return Err(LoadError::Binary {
            file: path.to_path_buf(),
        });
    }
    Ok(())
}

/// How many lines are sampled for delimiter and header detection.
pub(super) const SAMPLE_LINES: usize = 200;

/// What the first lines of a text say about all of it: its encoding, delimiter, header row and
/// column names. The same for a whole text and for a text read piece by piece.
#[derive(Debug, Clone)]
pub(super) struct Layout {
    pub encoding: TextEncoding,
    pub delimiter: Delimiter,
    /// The 0-based line of the header row.
    pub header_line: usize,
    /// The most fields a sampled line has.
    pub width: usize,
    pub names: Vec<String>,
}

impl Layout {
    /// Finds the layout from the first lines of `text` (its start is enough).
    pub(super) fn detect(
        path: &Path,
        text: &str,
        encoding: TextEncoding,
    ) -> Result<Layout, LoadError> {
        ensure_text(path, text)?;
        let sample: Vec<&str> = text.lines().take(SAMPLE_LINES).collect();
        if sample.iter().all(|l| l.trim().is_empty()) {
            return Err(LoadError::Empty {
                file: path.to_path_buf(),
            });
        }
        let delimiter = sniff_delimiter(&sample);
        let grid: Vec<Vec<String>> = sample.iter().map(|l| split_line(l, delimiter)).collect();
        let header_line = detect::find_header_row(&grid);
        let width = grid.iter().map(Vec::len).max().unwrap_or(1).max(1);
        let names = detect::name_headers(&grid[header_line], width);
        Ok(Layout {
            encoding,
            delimiter,
            header_line,
            width,
            names,
        })
    }

    /// The columns a question needs, by position — when it needs only some. The caller still
    /// decides whether the file lets them be parsed alone ([`Layout::may_parse_in_part`]).
    pub(super) fn projection(&self, options: &super::ReadOptions) -> Option<Arc<Vec<usize>>> {
        let keep = options.columns(&self.names)?;
        if self.names.iter().all(|n| keep.contains(n)) {
            return None;
        }
        Some(Arc::new(
            self.names
                .iter()
                .enumerate()
                .filter(|(_, n)| keep.contains(n))
                .map(|(i, _)| i)
                .collect(),
        ))
    }

    /// Whether the lines of `text` may be parsed in some columns only: plain and even (see
    /// [`super::plain_lines`]). The bytes of Windows-1252 text can be checked before decoding
    /// (its quotes, delimiters and line ends are the same bytes).
    pub(super) fn may_parse_in_part(&self, text: &[u8]) -> bool {
        super::plain_lines::plain_and_even(
            text,
            self.delimiter.byte(),
            self.width,
            HALF_WORTH_A_THREAD,
        )
    }

    /// Whether `tail`, the end of the file, may hold a totals row.
    pub(super) fn tail_may_hold_totals(&self, tail: &str) -> bool {
        tail_may_hold_totals(tail, self.delimiter)
    }

    /// Parses whole records of UTF-8 `text` (skipping its first `skip_lines` lines) into text
    /// columns: all of them, or those of `projection`.
    pub(super) fn parse(
        &self,
        path: &Path,
        text: &[u8],
        skip_lines: usize,
        projection: Option<Arc<Vec<usize>>>,
    ) -> Result<DataFrame, LoadError> {
        let schema: Schema = self
            .names
            .iter()
            .map(|n| Field::new(n.as_str().into(), DataType::String))
            .collect();
        let parse = CsvParseOptions::default()
            .with_separator(self.delimiter.byte())
            .with_quote_char(Some(b'"'))
            .with_missing_is_null(true)
            .with_truncate_ragged_lines(false);
        CsvReadOptions::default()
            .with_has_header(false)
            .with_projection(projection)
            .with_skip_lines(skip_lines)
            .with_schema(Some(Arc::new(schema)))
            .with_raise_if_empty(false)
            .with_parse_options(parse)
            .into_reader_with_file_handle(Cursor::new(text))
            .finish()
            .map_err(|e| csv_error(path, self.width, e))
    }

    /// The raw table of the rows parsed: numbered by their line in the file, with notes on the
    /// encoding, delimiter and header.
    pub(super) fn table(&self, path: &Path, frame: DataFrame) -> Result<RawTable, LoadError> {
        let first_data_line = (self.header_line + 2) as u32;
        let frame = frame
            .with_row_index(ROW.into(), Some(first_data_line))
            .map_err(|e| LoadError::unreadable(path, e.to_string()))?;
        let mut notes = vec![Note::Text {
            encoding: self.encoding.label().to_string(),
            delimiter: self.delimiter.label().to_string(),
            header_line: self.header_line + 1,
        }];
        if self.header_line > 0 {
            notes.push(Note::LinesSkipped(self.header_line));
        }
        Ok(RawTable {
            origin: Origin {
                file: path.to_path_buf(),
                sheet: None,
                format: Format::Csv,
            },
            frame,
            notes,
            sheets: Vec::new(),
        })
    }
}

/// Reads a delimited text held whole in memory (the embedded sample, a dropped file, UTF-16).
/// A file on disk is read piece by piece instead ([`super::csv_stream`]).
pub(super) fn read(
    path: &Path,
    bytes: Vec<u8>,
    options: &super::ReadOptions,
) -> Result<RawTable, LoadError> {
    let (text, encoding) = decode_text(&bytes);
    let layout = Layout::detect(path, &text, encoding)?;
    // A question that needs some columns has only those parsed — unless the file may end with a
    // totals row, which only its other columns may name.
    let projection = layout
        .projection(options)
        .filter(|_| !layout.tail_may_hold_totals(&text))
        .filter(|_| layout.may_parse_in_part(text.as_bytes()));
    // Text that was already UTF-8 is read from the file's own bytes, not from a copy.
    let utf8: Vec<u8> = match text {
        Cow::Borrowed(t) => {
            let skip = bytes.len() - t.len();
            let mut bytes = bytes;
            bytes.drain(..skip);
            bytes
        }
        Cow::Owned(t) => t.into_bytes(),
    };
    let skip = layout.header_line + 1;
    let mut frame = layout.parse(path, &utf8, skip, projection.clone())?;
    // A row empty in the columns read may not be empty in the file: then read them all.
    if projection.is_some()
        && crate::data::normalise::has_empty_rows(&frame)
            .map_err(|e| LoadError::unreadable(path, e.to_string()))?
    {
        frame = layout.parse(path, &utf8, skip, None)?;
    }
    layout.table(path, frame)
}

fn csv_error(path: &Path, width: usize, e: PolarsError) -> LoadError {
    let msg = e.to_string();
    if msg.contains("more fields") || msg.contains("ragged") {
        LoadError::Ragged {
            file: path.to_path_buf(),
            width,
        }
    } else {
        LoadError::unreadable(
            path,
            format!("cannot read as a delimited text table: {msg}"),
        )
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn utf8_is_checked_in_halves_as_whole() {
        let line = "Età adulta;Comune di Forlì;1.234,56 €\n".repeat(40);
        assert!(super::is_utf8(line.as_bytes(), 64));
        // A character cut by the end of the text, and a Windows-1252 "à" in the second half.
        let mut cut = line.as_bytes().to_vec();
        cut.pop();
        cut.pop();
        cut.push(0xC3);
        assert!(!super::is_utf8(&cut, 64));
        let mut latin = line.as_bytes().to_vec();
        let at = latin.len() - 10;
        latin[at] = 0xE0;
        assert!(!super::is_utf8(&latin, 64));
        assert!(!super::is_utf8(&latin, 1 << 20));
    }

    use super::*;

    #[test]
    fn windows_1252_euro_sign_is_decoded() {
        let (text, enc) = decode_text(b"Importo;\x80 488100\n");
        assert_eq!(enc, TextEncoding::Windows1252);
        assert_eq!(text, "Importo;€ 488100\n");
    }

    #[test]
    fn bom_is_removed() {
        let (text, enc) = decode_text(b"\xEF\xBB\xBFa;b");
        assert_eq!(enc, TextEncoding::Utf8Bom);
        assert_eq!(text, "a;b");
    }

    #[test]
    fn semicolon_wins_over_decimal_commas() {
        let lines = [
            "Titolo;Importo;Spesa",
            "A;488100,00;12,5",
            "B;1,5;2,25",
            "C;3;4",
        ];
        assert_eq!(sniff_delimiter(&lines), Delimiter::Semicolon);
    }

    /// How a line was split before: a CSV reader for it (the oracle).
    fn by_reader(line: &str, delimiter: Delimiter) -> Vec<String> {
        ::csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter.byte())
            .from_reader(line.as_bytes())
            .records()
            .next()
            .and_then(Result::ok)
            .map(|r| r.iter().map(str::to_string).collect())
            .unwrap_or_default()
    }

    proptest::proptest! {
        #[test]
        fn any_line_splits_as_a_csv_reader_splits_it(
            line in "[a;,|\t \"\rà]{0,24}",
            which in 0usize..4,
        ) {
            let delimiter = Delimiter::ALL[which];
            proptest::prop_assert_eq!(split_line(&line, delimiter), by_reader(&line, delimiter));
        }
    }

    #[test]
    fn lines_split_without_a_reader_as_with_one() {
        for line in [
            "",
            " ",
            "a",
            ";",
            "a;b;;c;",
            "Età adulta, Età senile;1.234,56 €;\t",
            "\"a;b\";c",
            "a;\"\"\"x\"\"\";b",
            "a;b\rc;d",
            "a,b|c\td",
        ] {
            for delimiter in Delimiter::ALL {
                assert_eq!(
                    split_line(line, delimiter),
                    by_reader(line, delimiter),
                    "{line:?}"
                );
            }
        }
    }

    #[test]
    fn tab_and_pipe_are_recognised() {
        assert_eq!(sniff_delimiter(&["a\tb\tc", "1\t2\t3"]), Delimiter::Tab);
        assert_eq!(sniff_delimiter(&["a|b|c", "1|2|3"]), Delimiter::Pipe);
        assert_eq!(sniff_delimiter(&["a,b,c", "1,2,3"]), Delimiter::Comma);
    }
}
