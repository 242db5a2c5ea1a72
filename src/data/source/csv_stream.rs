//! A delimited text on disk, parsed piece by piece as it is read.
//!
//! A national export is hundreds of megabytes. Read whole, it first had to be copied into fresh
//! memory — page by page, the longest step of its read — and was then held beside the columns
//! parsed from it. Here a buffer of [`PIECE`] bytes is filled from the file, the whole records it
//! holds (cut at a line end outside quotes) are parsed into columns, what follows them moves to
//! the front, and the buffer is filled again: the same memory, warm, for every piece.
//!
//! What the whole text decided is decided the same way. The layout (delimiter, header) comes from
//! the first lines; the encoding is UTF-8 unless some piece is not, and then the file is read
//! again as Windows-1252; a question's columns are parsed alone only if every line is plain and
//! even and the file's last lines hold no totals row, otherwise the file is read again in full.

use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use polars::prelude::*;

use super::csv::{Layout, SAMPLE_LINES, TextEncoding};
use super::whole_file::read_up_to;
use super::{Arrival, RawTable, ReadOptions};
use crate::data::error::LoadError;

/// How many bytes are parsed at a time (more when one record is longer).
const PIECE: usize = 32 << 20;

/// How many pieces are parsed at once.
const PARSERS: usize = 2;

/// Below twice this, a piece's text is checked on one thread.
const HALF_WORTH_A_THREAD: usize = 4 << 20;

/// How much of the file's end is looked at for a totals row.
const TAIL: usize = 256 << 10;

/// Reads the delimited text `file` (at `path`).
pub(super) fn read(
    path: &Path,
    file: &File,
    options: &ReadOptions,
    arrival: &Arrival,
) -> Result<RawTable, LoadError> {
    read_in_pieces(path, file, options, arrival, PIECE)
}

fn read_in_pieces(
    path: &Path,
    file: &File,
    options: &ReadOptions,
    arrival: &Arrival,
    piece: usize,
) -> Result<RawTable, LoadError> {
    let mut plan = Plan {
        latin: false,
        in_part: true,
    };
    // Each new plan reads as Windows-1252 or in full where the last did not: three at most.
    loop {
        match attempt(path, file, options, arrival, plan, piece)? {
            Attempt::Read(table) => return Ok(table),
            Attempt::Again(next) => plan = next,
        }
    }
}

/// How a file is read this time.
#[derive(Debug, Clone, Copy)]
struct Plan {
    /// Known not to be UTF-8: every piece is Windows-1252.
    latin: bool,
    /// A question's columns may be parsed alone.
    in_part: bool,
}

enum Attempt {
    Read(RawTable),
    /// Read again, so.
    Again(Plan),
}

fn attempt(
    path: &Path,
    file: &File,
    options: &ReadOptions,
    arrival: &Arrival,
    plan: Plan,
    piece: usize,
) -> Result<Attempt, LoadError> {
    let io = |source| LoadError::Io {
        file: path.to_path_buf(),
        source,
    };
    let mut pieces = Pieces::new(file, piece);
    // The first piece holds the lines the layout is found from, as in the whole text.
    let Some(mut first) = pieces.next(Vec::new(), SAMPLE_LINES).map_err(io)? else {
        return Err(LoadError::Empty {
            file: path.to_path_buf(),
        });
    };
    let bom = first.bytes().starts_with(b"\xEF\xBB\xBF");
    if bom {
        first.from += 3;
    }
    // The first piece decides the encoding, unless a later one already did.
    let latin = plan.latin || (!bom && !super::csv::is_utf8(first.bytes(), HALF_WORTH_A_THREAD));
    let encoding = match (bom, latin) {
        (true, _) => TextEncoding::Utf8Bom,
        (false, true) => TextEncoding::Windows1252,
        (false, false) => TextEncoding::Utf8,
    };
    let Some((first, _)) = Job::of(first, latin, bom) else {
        unreachable!("the first piece is UTF-8 when not read as Windows-1252")
    };
    let layout = Layout::detect(path, first.text(), encoding)?;
    let projection = match layout.projection(options) {
        Some(p) if plan.in_part => {
            let tail = tail(file, latin).map_err(io)?;
            (!tail.is_none_or(|t| layout.tail_may_hold_totals(&t))).then_some(p)
        }
        _ => None,
    };
    if projection.is_some() && !layout.may_parse_in_part(first.text().as_bytes()) {
        return Ok(Attempt::Again(Plan {
            latin,
            in_part: false,
        }));
    }
    (arrival.read)(pieces.read);
    let plan = Plan { latin, ..plan };
    let stream = Stream {
        path,
        arrival,
        layout: &layout,
        projection: &projection,
        plan,
        bom,
    };
    let frames = match stream.parse_all(&mut pieces, first)? {
        Parsed::Frames(frames) => frames,
        Parsed::Again(next) => return Ok(Attempt::Again(next)),
    };
    let fail = |e: PolarsError| LoadError::unreadable(path, e.to_string());
    let mut frames = frames.into_iter();
    let mut frame = frames.next().unwrap_or_default();
    for more in frames {
        frame.vstack_mut_owned(more).map_err(fail)?;
    }
    // One chunk per column, as the interpretation reads fastest.
    frame.rechunk_mut_par();
    // A row empty in the columns read may not be empty in the file: then read them all.
    if projection.is_some() && crate::data::normalise::has_empty_rows(&frame).map_err(fail)? {
        return Ok(Attempt::Again(Plan {
            latin,
            in_part: false,
        }));
    }
    layout.table(path, frame).map(Attempt::Read)
}

/// What the pieces after the first are read with.
struct Stream<'a> {
    path: &'a Path,
    arrival: &'a Arrival<'a>,
    layout: &'a Layout,
    projection: &'a Option<Arc<Vec<usize>>>,
    /// The encoding as the first piece decided it.
    plan: Plan,
    bom: bool,
}

/// The pieces parsed, or how to read the file again.
enum Parsed {
    Frames(Vec<DataFrame>),
    Again(Plan),
}

impl Stream<'_> {
    /// Parses `first` and every piece after it: [`PARSERS`] threads parse pieces into columns
    /// (polars finds a piece's lines on one core, so two pieces keep both busy) while this one
    /// reads and checks the next; the frames are put back in the file's order.
    fn parse_all(&self, pieces: &mut Pieces, first: Job) -> Result<Parsed, LoadError> {
        let (jobs, to_parse) = std::sync::mpsc::sync_channel::<(Job, usize, usize)>(1);
        let to_parse = std::sync::Mutex::new(to_parse);
        let (fed, parsed) = std::thread::scope(|scope| {
            let (give_back, given_back) = std::sync::mpsc::channel::<Vec<u8>>();
            let (path, layout, projection) = (self.path, self.layout, self.projection);
            let parsers: Vec<_> = (0..PARSERS)
                .map(|_| {
                    let (to_parse, give_back) = (&to_parse, give_back.clone());
                    scope.spawn(move || -> Result<Vec<(usize, DataFrame)>, LoadError> {
                        let mut frames = Vec::new();
                        loop {
                            let next = to_parse.lock().map(|r| r.recv());
                            let Ok(Ok((job, skip, index))) = next else {
                                return Ok(frames);
                            };
                            let text = job.text().as_bytes();
                            let frame = layout.parse(path, text, skip, projection.clone())?;
                            frames.push((index, frame));
                            if let Some(buf) = job.into_buffer() {
                                let _ = give_back.send(buf);
                            }
                        }
                    })
                })
                .collect();
            drop(give_back);
            let fed = if jobs.send((first, self.layout.header_line + 1, 0)).is_ok() {
                self.feed(pieces, &jobs, &given_back)
            } else {
                Ok(None)
            };
            drop(jobs);
            let mut parsed: Result<Vec<(usize, DataFrame)>, LoadError> = Ok(Vec::new());
            for parser in parsers {
                let frames = parser
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                parsed = match (parsed, frames) {
                    (Ok(mut all), Ok(frames)) => {
                        all.extend(frames);
                        Ok(all)
                    }
                    (Err(e), _) | (_, Err(e)) => Err(e),
                };
            }
            let parsed = parsed.map(|mut frames| {
                frames.sort_by_key(|(index, _)| *index);
                frames.into_iter().map(|(_, frame)| frame).collect()
            });
            (fed, parsed)
        });
        // A reading error or a cancel first, then a new plan, then a parsing error.
        match fed? {
            Some(next) => Ok(Parsed::Again(next)),
            None => parsed.map(Parsed::Frames),
        }
    }

    /// Reads, checks and hands the pieces after the first to `jobs` until the file ends (or
    /// the parser stops); a new plan when a piece shows the file must be read otherwise.
    fn feed(
        &self,
        pieces: &mut Pieces,
        jobs: &std::sync::mpsc::SyncSender<(Job, usize, usize)>,
        given_back: &std::sync::mpsc::Receiver<Vec<u8>>,
    ) -> Result<Option<Plan>, LoadError> {
        let io = |source| LoadError::Io {
            file: self.path.to_path_buf(),
            source,
        };
        // Buffers: one being parsed by each parser, one waiting, one being filled.
        let mut made = 1;
        let mut index = 0;
        let mut spare: Option<Vec<u8>> = None;
        loop {
            let buf = match spare.take() {
                Some(buf) => buf,
                None if made < PARSERS + 2 => {
                    made += 1;
                    Vec::new()
                }
                None => match given_back.recv() {
                    Ok(buf) => buf,
                    Err(_) => return Ok(None),
                },
            };
            let Some(records) = pieces.next(buf, 0).map_err(io)? else {
                return Ok(None);
            };
            (self.arrival.read)(pieces.read);
            (self.arrival.check)()?;
            if self.projection.is_some() && !self.layout.may_parse_in_part(records.bytes()) {
                return Ok(Some(Plan {
                    in_part: false,
                    ..self.plan
                }));
            }
            let Some((job, raw)) = Job::of(records, self.plan.latin, self.bom) else {
                return Ok(Some(Plan {
                    latin: true,
                    ..self.plan
                }));
            };
            spare = raw;
            index += 1;
            if jobs.send((job, 0, index)).is_err() {
                return Ok(None);
            }
        }
    }
}

/// Whole records as UTF-8 text, to be parsed.
enum Job {
    /// The file's own bytes, already UTF-8; the buffer goes back to be filled again.
    Utf8(Records),
    /// Decoded from Windows-1252 (or UTF-8 with replacements after a byte-order mark).
    Decoded(String),
}

impl Job {
    /// The records as text — and the buffer they were read into, when the job does not need it
    /// — or `None` when they are not UTF-8 and the file was taken to be.
    fn of(records: Records, latin: bool, bom: bool) -> Option<(Job, Option<Vec<u8>>)> {
        let bytes = records.bytes();
        let decoded = if latin {
            encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(bytes)
                .0
                .into_owned()
        } else if super::csv::is_utf8(bytes, HALF_WORTH_A_THREAD) {
            return Some((Job::Utf8(records), None));
        } else if bom {
            // After a byte-order mark, as the whole text is: UTF-8 with replacements.
            String::from_utf8_lossy(bytes).into_owned()
        } else {
            return None;
        };
        Some((Job::Decoded(decoded), Some(records.buf)))
    }

    fn text(&self) -> &str {
        match self {
            // SAFETY: checked to be UTF-8 when the job was made.
            Job::Utf8(records) => unsafe { std::str::from_utf8_unchecked(records.bytes()) },
            Job::Decoded(text) => text,
        }
    }

    /// The buffer to fill again, when the job still holds it.
    fn into_buffer(self) -> Option<Vec<u8>> {
        match self {
            Job::Utf8(records) => Some(records.buf),
            Job::Decoded(_) => None,
        }
    }
}

/// The last lines of `file` as text, or `None` when its end holds too few whole lines to tell.
fn tail(file: &File, latin: bool) -> std::io::Result<Option<String>> {
    let size = file.metadata()?.len();
    let from = size.saturating_sub(TAIL as u64);
    let mut buf = vec![0; (size - from) as usize];
    let n = read_up_to(file, &mut buf, from)?;
    buf.truncate(n);
    let mut bytes = buf.as_slice();
    if from > 0 {
        // From the first line that starts within the tail; enough of them to find the last five.
        match memchr::memchr(b'\n', bytes) {
            Some(at) if memchr::memchr_iter(b'\n', bytes).count() > 6 => bytes = &bytes[at + 1..],
            _ => return Ok(None),
        }
    }
    Ok(Some(if latin {
        encoding_rs::WINDOWS_1252
            .decode_without_bom_handling(bytes)
            .0
            .into_owned()
    } else {
        String::from_utf8_lossy(bytes).into_owned()
    }))
}

/// Whole records read from the file: `buf[from..to]`.
struct Records {
    buf: Vec<u8>,
    from: usize,
    to: usize,
}

impl Records {
    fn bytes(&self) -> &[u8] {
        &self.buf[self.from..self.to]
    }
}

/// A file handed out as runs of whole records, each in a buffer given to be filled.
struct Pieces<'f> {
    file: &'f File,
    /// What followed the last whole record handed out.
    carry: Vec<u8>,
    /// Bytes read from the file so far.
    read: u64,
    ended: bool,
    piece: usize,
}

impl<'f> Pieces<'f> {
    fn new(file: &'f File, piece: usize) -> Self {
        Pieces {
            file,
            carry: Vec::new(),
            read: 0,
            ended: false,
            piece: piece.max(1),
        }
    }

    /// The next records, in `buf`: at least a piece's worth of bytes and `lines` line ends
    /// unless the file ends first, up to the end of the last whole record; the rest of the file
    /// at its end. `None` when all was handed out.
    fn next(&mut self, mut buf: Vec<u8>, lines: usize) -> std::io::Result<Option<Records>> {
        let mut want = self.piece.max(2 * self.carry.len());
        if buf.len() < want {
            buf.resize(want, 0);
        }
        let mut filled = self.carry.len();
        buf[..filled].copy_from_slice(&self.carry);
        self.carry.clear();
        loop {
            while !self.ended && filled < want {
                let n = read_up_to(self.file, &mut buf[filled..want], self.read)?;
                filled += n;
                self.read += n as u64;
                self.ended = filled < want;
            }
            if filled == 0 {
                return Ok(None);
            }
            let end = if self.ended {
                Some(filled)
            } else {
                records_end(&buf[..filled])
            };
            let enough_lines =
                |end: usize| memchr::memchr_iter(b'\n', &buf[..end]).take(lines).count() == lines;
            match end {
                Some(end) if self.ended || enough_lines(end) => {
                    self.carry.extend_from_slice(&buf[end..filled]);
                    return Ok(Some(Records {
                        buf,
                        from: 0,
                        to: end,
                    }));
                }
                // One record longer than the buffer, or too few lines: a bigger one.
                _ => {
                    want *= 2;
                    buf.resize(want, 0);
                }
            }
        }
    }
}

/// Where the last whole record of `bytes` ends (just after its line end): the last line end
/// with an even number of double quotes before it, as a CSV reader pairs them.
fn records_end(bytes: &[u8]) -> Option<usize> {
    let quotes = memchr::memchr_iter(b'"', bytes).count();
    if quotes == 0 {
        return memchr::memrchr(b'\n', bytes).map(|at| at + 1);
    }
    let mut after = 0;
    let mut end = bytes.len();
    while let Some(at) = memchr::memrchr2(b'"', b'\n', &bytes[..end]) {
        if bytes[at] == b'"' {
            after += 1;
        } else if (quotes - after).is_multiple_of(2) {
            return Some(at + 1);
        }
        end = at;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::needed::Needed;
    use proptest::prelude::*;
    use std::cell::Cell;

    #[test]
    fn records_end_after_the_last_line_end_outside_quotes() {
        assert_eq!(records_end(b"a;b\n1;2\n3;"), Some(8));
        assert_eq!(records_end(b"a;b\n1;\"x\ny\"\n3;\"z\n"), Some(12));
        assert_eq!(records_end(b"a;\"b\nc"), None);
        assert_eq!(records_end(b"a;\"\"\"b\"\nc\n"), Some(10));
        assert_eq!(records_end(b"no line end"), None);
    }

    /// Options that read only what `summary --by province` reads.
    fn by_province() -> ReadOptions {
        let mut needed = Needed::totals();
        needed.add_name("province");
        ReadOptions {
            sheet: None,
            only: Some((needed, Default::default())),
        }
    }

    /// `bytes` read whole (the oracle) and piece by piece, `piece` bytes at a time: the same
    /// table (or both refused), and the number of reads of the file.
    fn both(bytes: &[u8], options: &ReadOptions, piece: usize) -> usize {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("progetti.csv");
        std::fs::write(&path, bytes).unwrap();
        let whole = super::super::csv::read(&path, bytes.to_vec(), options);
        let file = File::open(&path).unwrap();
        let last = Cell::new(0u64);
        let reads = Cell::new(0usize);
        let arrival = Arrival {
            read: &|n| {
                if n < last.get() {
                    reads.set(reads.get() + 1);
                }
                last.set(n);
            },
            parsing: &|| {},
            check: &|| Ok(()),
        };
        let pieces = read_in_pieces(&path, &file, options, &arrival, piece);
        match (whole, pieces) {
            (Ok(w), Ok(p)) => {
                assert!(
                    w.frame.equals_missing(&p.frame),
                    "piece {piece}\nwhole {:?}\npieces {:?}",
                    w.frame,
                    p.frame
                );
                assert_eq!(w.notes, p.notes);
                assert_eq!(w.origin, p.origin);
                assert_eq!(
                    last.get(),
                    bytes.len() as u64,
                    "all of the file is reported read"
                );
            }
            (Err(w), Err(p)) => assert_eq!(w.to_string(), p.to_string()),
            (w, p) => panic!("piece {piece}: whole {:?}, pieces {:?}", w.err(), p.err()),
        }
        std::fs::remove_file(&path).unwrap();
        reads.get() + 1
    }

    fn header_and<S: AsRef<str>>(lines: &[S]) -> String {
        let mut text = String::from("Titolo;Regione;Provincia;Contributo concesso;Spesa;Note\n");
        for l in lines {
            text.push_str(l.as_ref());
            text.push('\n');
        }
        text
    }

    fn rows(n: usize) -> Vec<String> {
        (0..n)
            .map(|i| {
                format!(
                    "Progetto {i} – Età adulta;Piemonte;Cuneo;{}.500,00;12,5;n{i}",
                    i + 1
                )
            })
            .collect()
    }

    #[test]
    fn a_plain_file_reads_in_pieces_as_whole_in_part_and_in_full() {
        let text = header_and(&rows(300));
        for piece in [1, 50, 333, 4096, 1 << 20] {
            assert_eq!(both(text.as_bytes(), &by_province(), piece), 1);
            assert_eq!(both(text.as_bytes(), &ReadOptions::default(), piece), 1);
        }
    }

    #[test]
    fn quoted_records_over_several_lines_are_never_cut() {
        let mut lines = rows(250);
        lines[230] =
            "\"Titolo; con \"\"virgolette\"\"\nsu due righe\";Piemonte;Asti;1;2;\"a\r\nb\"".into();
        lines.push("\"ultima\";Piemonte;Biella;3;4;\"fine\nsenza a capo\"".into());
        let text = header_and(&lines);
        let text = text.trim_end_matches('\n');
        for piece in [1, 7, 64, 1000, 13_000] {
            both(text.as_bytes(), &by_province(), piece);
            both(text.as_bytes(), &ReadOptions::default(), piece);
        }
    }

    #[test]
    fn windows_1252_found_late_reads_the_file_again() {
        let mut bytes = header_and(&rows(400)).into_bytes();
        // "Città" in Windows-1252, in the last line: the file is not UTF-8.
        bytes.extend_from_slice(b"Citt\xE0;Piemonte;Torino;1;2;\x80 3\n");
        assert_eq!(both(&bytes, &by_province(), 4096), 2, "read again");
        // From the first piece: no second read.
        let mut early = b"Citt\xE0;Regione;Provincia\n".to_vec();
        early.extend_from_slice(&bytes);
        assert_eq!(both(&early, &ReadOptions::default(), 4096), 1);
    }

    #[test]
    fn a_byte_order_mark_is_dropped_and_bad_bytes_after_it_replaced() {
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend_from_slice(header_and(&["a;Piemonte;Cuneo;1;2;x"; 300]).as_bytes());
        bytes.extend_from_slice(b"b\xE0;Piemonte;Cuneo;1;2;y\n");
        for piece in [64, 1 << 20] {
            assert_eq!(both(&bytes, &by_province(), piece), 1);
        }
    }

    #[test]
    fn a_wide_line_late_in_the_file_reads_it_again_in_full() {
        let mut lines = rows(500);
        lines[480] = "x;Piemonte;Cuneo;1;2;n;in più;e ancora".into();
        let text = header_and(&lines);
        // Whole, such a file is refused as ragged; in pieces too, after reading it in full.
        assert_eq!(both(text.as_bytes(), &by_province(), 2048), 2);
    }

    #[test]
    fn a_quote_late_in_the_file_reads_it_again_in_full() {
        let mut lines = rows(500);
        lines[490] = "\"citato\";Piemonte;Cuneo;1;2;n".into();
        let text = header_and(&lines);
        assert_eq!(both(text.as_bytes(), &by_province(), 2048), 2);
    }

    #[test]
    fn rows_empty_in_the_columns_read_read_the_file_again_in_full() {
        let mut lines = rows(300);
        lines[150] = "solo un titolo;;;;;".into();
        let text = header_and(&lines);
        assert_eq!(both(text.as_bytes(), &by_province(), 1000), 2);
    }

    #[test]
    fn a_totals_row_at_the_end_is_read_in_full_from_the_start() {
        let mut lines = rows(300);
        lines.push("Totale;;;300.000,00;;".into());
        let text = header_and(&lines);
        assert_eq!(both(text.as_bytes(), &by_province(), 1000), 1);
    }

    #[test]
    fn title_lines_before_the_header_and_blank_lines_are_as_whole() {
        let mut text = String::from("Regione Piemonte – WeCaRe\n\nElenco progetti finanziati\n");
        text.push_str(&header_and(&rows(260)));
        text.push_str("\n\n");
        for piece in [10, 5000] {
            both(text.as_bytes(), &by_province(), piece);
            both(
                text.replace('\n', "\r\n").as_bytes(),
                &ReadOptions::default(),
                piece,
            );
        }
    }

    #[test]
    fn a_cancelled_read_stops_with_the_cancel() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.csv");
        let text = header_and(&rows(2000));
        std::fs::write(&path, &text).unwrap();
        let file = File::open(&path).unwrap();
        let arrival = Arrival {
            read: &|_| {},
            parsing: &|| {},
            check: &|| Err(LoadError::Cancelled),
        };
        let read = read_in_pieces(&path, &file, &ReadOptions::default(), &arrival, 1000);
        assert!(
            matches!(read, Err(LoadError::Cancelled)),
            "{:?}",
            read.err()
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn any_text_reads_in_pieces_as_whole(
            cells in proptest::collection::vec(
                prop_oneof![
                    Just("a"), Just("Età"), Just("1.234,5"), Just(""), Just("\"x;y\""),
                    Just("\"due\nrighe\""), Just("\"\"\"\""), Just("Totale"), Just(" "),
                ],
                0..120,
            ),
            ends in proptest::collection::vec(0u8..6, 0..120),
            piece in 1usize..300,
            in_part in any::<bool>(),
            latin in any::<bool>(),
        ) {
            let mut text = String::from("Titolo;Provincia;Contributo concesso\n");
            for (i, cell) in cells.iter().enumerate() {
                text.push_str(cell);
                text.push_str(match ends.get(i).copied().unwrap_or(0) {
                    0 => "\n",
                    1 => "\r\n",
                    _ => ";",
                });
            }
            let mut bytes = text.into_bytes();
            if latin {
                bytes.push(0xE0);
            }
            let options = if in_part { by_province() } else { ReadOptions::default() };
            both(&bytes, &options, piece);
        }
    }
}
