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

use polars::io::utils::compression::SupportedCompression;
use polars::prelude::*;

use super::csv::{HALF_WORTH_A_THREAD, Layout, SAMPLE_LINES, TextEncoding};
use super::whole_file::read_up_to;
use super::{Arrival, RawTable, ReadOptions};
use crate::data::error::LoadError;

/// How many bytes are parsed at a time (more when one record is longer).
pub(super) const PIECE: usize = 32 << 20;

/// A first piece whose rows are previewed ([`Arrival::first_rows`]) is this many times smaller
/// than the others (8 MB: some 24,000 projects).
const PREVIEW_SHARE: usize = 4;

/// How many pieces are parsed at once.
const PARSERS: usize = 2;

/// How much of the file's end is looked at for a totals row.
const TAIL: usize = 256 << 10;

/// Reads the delimited text `file` (at `path`).
pub(super) fn read(
    path: &Path,
    file: &File,
    options: &ReadOptions,
    arrival: &Arrival,
) -> Result<RawTable, LoadError> {
    read_in_pieces(path, file, options, arrival, options.piece_bytes())
}

/// Whether the delimited text at `path`, read in pieces of `piece` bytes, gives what it gives
/// read whole (table, notes, or the same error) — also when its first rows are watched, and
/// then those are the whole table's first rows; what differs otherwise. For the fuzzer.
pub(super) fn pieces_agree_with_whole(
    path: &Path,
    options: &ReadOptions,
    piece: usize,
) -> Result<(), String> {
    compare_with_whole(path, options, piece).map(|_| ())
}

/// [`pieces_agree_with_whole`], and how many times the file was read again (read in pieces,
/// its first rows not watched).
fn compare_with_whole(path: &Path, options: &ReadOptions, piece: usize) -> Result<usize, String> {
    use std::sync::atomic::Ordering::SeqCst;
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    let size = bytes.len() as u64;
    let whole = super::csv::read(path, bytes, options);
    let mut reads_unwatched = 0;
    for watched in [false, true] {
        let file = File::open(path).map_err(|e| e.to_string())?;
        let given: std::sync::Mutex<Option<(RawTable, u64)>> = Default::default();
        let give = |raw: RawTable, from: u64| {
            if let Ok(mut given) = given.lock() {
                given.get_or_insert((raw, from));
            }
        };
        let reads_again = std::sync::atomic::AtomicUsize::new(0);
        let whole_after_all = std::sync::atomic::AtomicBool::new(false);
        let last = std::sync::atomic::AtomicU64::new(0);
        let arrival = Arrival {
            read: &|n| {
                if n < last.swap(n, SeqCst) {
                    reads_again.fetch_add(1, SeqCst);
                }
            },
            // Told only when the file is read whole after all.
            parsing: &|| whole_after_all.store(true, SeqCst),
            check: &|| Ok(()),
            first_rows: watched.then_some(&give as &(dyn Fn(RawTable, u64) + Sync)),
        };
        let pieces = read_in_pieces(path, &file, options, &arrival, piece.max(1));
        match (&whole, pieces) {
            (Ok(w), Ok(p))
                if w.frame.equals_missing(&p.frame)
                    && w.notes == p.notes
                    && w.origin == p.origin =>
            {
                if last.load(SeqCst) != size {
                    return Err(format!(
                        "{} of {size} bytes reported read",
                        last.load(SeqCst)
                    ));
                }
                let given = given.lock().map_err(|e| e.to_string())?;
                // Read again, a file may be decoded otherwise than its first piece was.
                if let Some((first, from)) = given.as_ref()
                    && reads_again.load(SeqCst) == 0
                    && !whole_after_all.load(SeqCst)
                    && (*from > size
                        || !w
                            .frame
                            .slice(0, first.frame.height())
                            .equals_missing(&first.frame))
                {
                    return Err(format!(
                        "whole {:?}\nfirst rows (of {from} bytes) {:?}",
                        w.frame, first.frame
                    ));
                }
            }
            (Ok(w), Ok(p)) => {
                return Err(format!(
                    "watched {watched}\nwhole {:?} {:?}\npieces {:?} {:?}",
                    w.frame, w.notes, p.frame, p.notes
                ));
            }
            (Err(w), Err(p)) if w.to_string() == p.to_string() => {}
            (w, p) => {
                return Err(format!(
                    "watched {watched}\nwhole {:?}\npieces {:?}",
                    w.as_ref().err(),
                    p.err()
                ));
            }
        }
        if !watched {
            reads_unwatched = reads_again.load(SeqCst);
        }
    }
    Ok(reads_unwatched)
}

/// Reads `file` in pieces of `piece` bytes, again as a new plan asks, or whole when a piece
/// cannot be cut or parsed as the whole text would be.
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
        changes_left: 2,
    };
    // Each new plan reads as Windows-1252, in full, or after a change of the file, where the
    // last did not: a handful of reads at most.
    loop {
        match attempt(path, file, options, arrival, plan, piece)? {
            Attempt::Read(table) => return Ok(table),
            Attempt::Again(next) => plan = next,
            Attempt::Whole => {
                let bytes =
                    super::whole_file::read_whole(path).map_err(|source| LoadError::Io {
                        file: path.to_path_buf(),
                        source,
                    })?;
                (arrival.read)(bytes.len() as u64);
                (arrival.parsing)();
                return super::csv::read(path, bytes, options);
            }
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
    /// How many more times the file is read again when it changed while it was read.
    changes_left: u8,
}

/// What one read of the file came to.
enum Attempt {
    Read(RawTable),
    /// The file must be read again with this plan.
    Again(Plan),
    /// The file must be read whole: its pieces could not be cut or parsed as the whole text.
    Whole,
}

/// The version of `file` (size, modification time): a read during which it changed is read
/// again, so that its rows come from one version of the file.
fn version(file: &File) -> Option<(u64, std::time::SystemTime)> {
    let meta = file.metadata().ok()?;
    Some((meta.len(), meta.modified().ok()?))
}

/// One read of the file with `plan`: the first piece gives the layout, the others are parsed
/// as they arrive.
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
    let before = version(file);
    // A first piece previewed is smaller: its rows are shown sooner, and the rest waits less.
    let first_piece = match arrival.first_rows {
        Some(_) => (piece / PREVIEW_SHARE).max(1),
        None => piece,
    };
    let mut pieces = Pieces::new(file, first_piece);
    // The first piece holds the lines the layout is found from, as in the whole text.
    let first = pieces.fill_next(Vec::new(), Sample::LAYOUT).map_err(io);
    pieces.piece = piece;
    let mut first = match first? {
        Fill::Records(records) => records,
        Fill::End => {
            return Err(LoadError::Empty {
                file: path.to_path_buf(),
            });
        }
        Fill::TooLong => return Ok(Attempt::Whole),
    };
    // The bytes of the file the first piece's records come from (it starts the file).
    let first_bytes = first.to as u64;
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
    let layout = match Layout::detect(path, first.text(), encoding) {
        Ok(layout) => layout,
        // Refused as not text, or empty, as UTF-8: the whole file decides its encoding first.
        Err(_) if encoding == TextEncoding::Utf8 => return Ok(Attempt::Whole),
        Err(e) => return Err(e),
    };
    // polars skips the lines before the data without pairing quotes; pieces are cut pairing
    // them from the file's start: an odd quote up there (`Diametro 3/4"`) is read whole.
    let above: usize = first
        .text()
        .split_inclusive('\n')
        .take(layout.header_line + 1)
        .map(|line| line.matches('"').count())
        .sum();
    if !above.is_multiple_of(2) {
        return Ok(Attempt::Whole);
    }
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
            ..plan
        }));
    }
    (arrival.read)(pieces.read);
    let plan = Plan { latin, ..plan };
    let parser = PieceParser {
        path,
        arrival,
        layout: &layout,
        projection: &projection,
        plan,
        bom,
        first_bytes,
    };
    let frames = match parser.parse_all(&mut pieces, first)? {
        Parsed::Frames(frames) => frames,
        Parsed::Redo(redo) => return Ok(redo),
    };
    if plan.changes_left > 0 && version(file) != before {
        return Ok(Attempt::Again(Plan {
            changes_left: plan.changes_left - 1,
            ..plan
        }));
    }
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
            in_part: false,
            ..plan
        }));
    }
    layout.table(path, frame).map(Attempt::Read)
}

/// Parses the pieces of one read of a file.
struct PieceParser<'a> {
    path: &'a Path,
    arrival: &'a Arrival<'a>,
    layout: &'a Layout,
    projection: &'a Option<Arc<Vec<usize>>>,
    /// The encoding as the first piece decided it.
    plan: Plan,
    bom: bool,
    /// The bytes of the file the first piece holds.
    first_bytes: u64,
}

/// The pieces parsed, or how to read the file again.
enum Parsed {
    Frames(Vec<DataFrame>),
    Redo(Attempt),
}

/// The pieces waiting for a parser; `None` once a parser stopped on an error or a panic, so
/// that the reader's next hand-over fails instead of waiting for nobody.
type Queue = std::sync::Mutex<Option<std::sync::mpsc::Receiver<(Job, usize, usize)>>>;

/// Closes the [`Queue`] when a parser stops, however it stops.
struct CloseOnStop<'a>(&'a Queue);

impl Drop for CloseOnStop<'_> {
    fn drop(&mut self) {
        if let Ok(mut queue) = self.0.lock() {
            queue.take();
        }
    }
}

impl PieceParser<'_> {
    /// Parses `first` and every piece after it: [`PARSERS`] threads parse pieces into columns
    /// (polars finds a piece's lines on one core, so two pieces keep both busy) while this one
    /// reads and checks the next; the frames are put back in the file's order.
    fn parse_all(&self, pieces: &mut Pieces, first: Job) -> Result<Parsed, LoadError> {
        let (jobs, to_parse) = std::sync::mpsc::sync_channel::<(Job, usize, usize)>(1);
        let to_parse: Queue = std::sync::Mutex::new(Some(to_parse));
        // The first piece's rows, when every column is read, are given as soon as parsed; the
        // pieces after it wait until they are taken (the gate opens when the parser of the
        // first piece lets go of `opener`), so that both cores serve the preview.
        let first_rows = self
            .arrival
            .first_rows
            .filter(|_| self.projection.is_none());
        let (opener, gate) = std::sync::mpsc::channel::<()>();
        let opener = std::sync::Mutex::new(first_rows.is_some().then_some(opener));
        // Set when the reader stops before the file's end: pieces still queued are dropped.
        let stopped = std::sync::atomic::AtomicBool::new(false);
        let (fed, parsed) = std::thread::scope(|scope| {
            let (give_back, given_back) = std::sync::mpsc::channel::<Vec<u8>>();
            let (path, layout, projection) = (self.path, self.layout, self.projection);
            let (opener, gate, stopped) = (&opener, &gate, &stopped);
            let first_bytes = self.first_bytes;
            let parsers: Vec<_> = (0..PARSERS)
                .map(|_| {
                    let (to_parse, give_back) = (&to_parse, give_back.clone());
                    scope.spawn(move || -> Result<Vec<(usize, DataFrame)>, LoadError> {
                        let _close = CloseOnStop(to_parse);
                        let mut frames = Vec::new();
                        loop {
                            let next = match to_parse.lock() {
                                Ok(queue) => queue.as_ref().map(|r| r.recv()),
                                Err(_) => None,
                            };
                            let Some(Ok((job, skip, index))) = next else {
                                return Ok(frames);
                            };
                            // The read stopped (read again, cancelled): no piece is wanted.
                            if stopped.load(std::sync::atomic::Ordering::SeqCst) {
                                return Ok(frames);
                            }
                            // Dropped at the end of this piece, however it ends.
                            let _opener = match index {
                                0 => opener.lock().ok().and_then(|mut o| o.take()),
                                _ => None,
                            };
                            let text = job.text().as_bytes();
                            let frame = layout.parse(path, text, skip, projection.clone())?;
                            if index == 0
                                && let Some(give) = first_rows
                                && let Ok(raw) = layout.table(path, frame.clone())
                            {
                                give(raw, first_bytes);
                            }
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
                self.feed(pieces, &jobs, &given_back, gate)
            } else {
                Ok(None)
            };
            if !matches!(fed, Ok(None)) {
                stopped.store(true, std::sync::atomic::Ordering::SeqCst);
            }
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
            Some(redo) => Ok(Parsed::Redo(redo)),
            None => parsed.map(Parsed::Frames),
        }
    }

    /// Reads, checks and hands the pieces after the first to `jobs` until the file ends (or
    /// the parsers stop); how to read the file again when a piece shows it must be.
    fn feed(
        &self,
        pieces: &mut Pieces,
        jobs: &std::sync::mpsc::SyncSender<(Job, usize, usize)>,
        given_back: &std::sync::mpsc::Receiver<Vec<u8>>,
        gate: &std::sync::mpsc::Receiver<()>,
    ) -> Result<Option<Attempt>, LoadError> {
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
            let records = match pieces.fill_next(buf, Sample::NONE).map_err(io)? {
                Fill::Records(records) => records,
                Fill::End => return Ok(None),
                Fill::TooLong => return Ok(Some(Attempt::Whole)),
            };
            (self.arrival.read)(pieces.read);
            (self.arrival.check)()?;
            if self.projection.is_some() && !self.layout.may_parse_in_part(records.bytes()) {
                return Ok(Some(Attempt::Again(Plan {
                    in_part: false,
                    ..self.plan
                })));
            }
            let Some((job, raw)) = Job::of(records, self.plan.latin, self.bom) else {
                return Ok(Some(Attempt::Again(Plan {
                    latin: true,
                    ..self.plan
                })));
            };
            // polars takes a text starting like a compressed stream (`x^…`, a zlib header) for
            // one; only the file's start is so checked when it is read whole.
            if SupportedCompression::check(job.text().as_bytes()).is_some() {
                return Ok(Some(Attempt::Whole));
            }
            spare = raw;
            index += 1;
            if index == 1 {
                // Closed (never sent to) once the first piece's rows are taken, at once when
                // they are not wanted.
                let _ = gate.recv();
            }
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
    if from == 0 {
        bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    } else {
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

/// How much of the file a piece must hold besides a piece's worth of bytes.
#[derive(Debug, Clone, Copy)]
struct Sample {
    lines: usize,
    bytes: usize,
}

impl Sample {
    const NONE: Sample = Sample { lines: 0, bytes: 0 };
    /// What the whole text's layout and its check for binary content look at: the first lines
    /// sampled, and 8192 characters (of four bytes at most).
    const LAYOUT: Sample = Sample {
        lines: SAMPLE_LINES,
        bytes: 4 * 8192,
    };
}

/// What [`Pieces::fill_next`] found.
enum Fill {
    Records(Records),
    /// The file was all handed out.
    End,
    TooLong,
}

/// How many pieces' worth a buffer may grow to hold one record.
const GROWTH: usize = 8;

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

    /// Fills `buf` with the next records: at least a piece's worth of bytes, and `sample` (the
    /// lines and bytes the layout is found from), unless the file ends first, up to the end of
    /// the last whole record; the rest of the file at its end. [`Fill::TooLong`] when no record
    /// ends within [`GROWTH`] pieces (a stray quote, line ends of another kind).
    fn fill_next(&mut self, mut buf: Vec<u8>, sample: Sample) -> std::io::Result<Fill> {
        let mut want = self.piece.max(2 * self.carry.len());
        // A buffer grown for one long record goes back to a piece's size.
        if buf.len() > 2 * want {
            buf = Vec::new();
        }
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
                return Ok(Fill::End);
            }
            let end = if self.ended {
                Some(filled)
            } else {
                records_end(&buf[..filled])
            };
            let enough = |end: usize| {
                end >= sample.bytes
                    && memchr::memchr_iter(b'\n', &buf[..end])
                        .take(sample.lines)
                        .count()
                        == sample.lines
            };
            match end {
                Some(end) if self.ended || enough(end) => {
                    self.carry.extend_from_slice(&buf[end..filled]);
                    return Ok(Fill::Records(Records {
                        buf,
                        from: 0,
                        to: end,
                    }));
                }
                // One record longer than the buffer, or too few lines: a bigger one.
                _ if want < GROWTH * self.piece.max(1 << 17) => {
                    want *= 2;
                    buf.resize(want, 0);
                }
                _ => return Ok(Fill::TooLong),
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
            only: Some((needed, Default::default())),
            ..ReadOptions::default()
        }
    }

    /// `bytes` read whole (the oracle) and piece by piece, `piece` bytes at a time, with and
    /// without the first rows watched: the same table (or both refused), and the number of
    /// reads of the file.
    fn both(bytes: &[u8], options: &ReadOptions, piece: usize) -> usize {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("progetti.csv");
        std::fs::write(&path, bytes).unwrap();
        let reads = compare_with_whole(&path, options, piece)
            .unwrap_or_else(|difference| panic!("piece {piece}: {difference}"));
        std::fs::remove_file(&path).unwrap();
        reads + 1
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
        let mut bytes = header_and(&rows(2000)).into_bytes();
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
        let mut lines = rows(2000);
        lines[1900] = "x;Piemonte;Cuneo;1;2;n;in più;e ancora".into();
        let text = header_and(&lines);
        // Whole, such a file is refused as ragged; in pieces too, after reading it in full.
        assert_eq!(both(text.as_bytes(), &by_province(), 2048), 2);
    }

    #[test]
    fn a_quote_late_in_the_file_reads_it_again_in_full() {
        let mut lines = rows(2000);
        lines[1900] = "\"citato\";Piemonte;Cuneo;1;2;n".into();
        let text = header_and(&lines);
        assert_eq!(both(text.as_bytes(), &by_province(), 2048), 2);
    }

    #[test]
    fn rows_empty_in_the_columns_read_read_the_file_again_in_full() {
        let mut lines = rows(2000);
        lines[1500] = "solo un titolo;;;;;".into();
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
            first_rows: None,
        };
        let read = read_in_pieces(&path, &file, &ReadOptions::default(), &arrival, 1000);
        assert!(
            matches!(read, Err(LoadError::Cancelled)),
            "{:?}",
            read.err()
        );
    }

    #[test]
    fn ragged_lines_in_pieces_of_both_parsers_are_refused_not_waited_on() {
        // Found in review: both parsers failing left the reader waiting for them for ever.
        let mut text = String::from("a;b;c\n");
        for i in 0..3000 {
            text.push_str(if i > 250 && i % 40 == 0 {
                "1;2;3;4\n"
            } else {
                "1;2;3\n"
            });
        }
        let (done, finished) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            both(text.as_bytes(), &ReadOptions::default(), 500);
            let _ = done.send(());
        });
        finished
            .recv_timeout(std::time::Duration::from_secs(60))
            .expect("the read ends");
    }

    #[test]
    fn an_odd_quote_above_the_data_reads_the_file_whole() {
        let mut text = String::from("Elenco \"provvisorio\nTitolo;Provincia;Note\n");
        for _ in 0..300 {
            text.push_str("a;Cuneo;\"riga\nsu due\"\n");
        }
        for piece in [64, 1000] {
            assert_eq!(both(text.as_bytes(), &ReadOptions::default(), piece), 1);
        }
    }

    #[test]
    fn a_text_refused_as_utf8_is_judged_on_the_whole_file() {
        let mut bytes = b"Titolo;Provincia\n".to_vec();
        for _ in 0..300 {
            bytes.extend_from_slice("Citt\u{FFFD};Cuneo\n".as_bytes());
        }
        bytes.extend_from_slice(b"x;\xE0\n");
        both(&bytes, &ReadOptions::default(), 4096);
    }

    #[test]
    fn a_piece_starting_like_a_compressed_stream_reads_the_file_whole() {
        let mut text = header_and(&rows(300));
        for _ in 0..300 {
            text.push_str("x^2;Piemonte;Cuneo;1;2;n\n");
        }
        for piece in [100, 5000] {
            both(text.as_bytes(), &by_province(), piece);
            both(text.as_bytes(), &ReadOptions::default(), piece);
        }
    }

    #[test]
    fn records_that_never_end_read_the_file_whole() {
        // A stray quote: no line end after it is outside quotes.
        let mut lines = rows(20_000);
        lines[300] = "\"senza fine;Piemonte;Cuneo;1;2;n".into();
        let text = header_and(&lines);
        assert!(text.len() > 1 << 20);
        both(text.as_bytes(), &ReadOptions::default(), 4096);
    }

    #[test]
    fn a_totals_row_after_a_byte_order_mark_is_found_in_a_small_file() {
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend_from_slice(b"Totale;Provincia;Contributo concesso\n");
        bytes.extend_from_slice(header_and(&rows(10)).as_bytes());
        both(&bytes, &by_province(), 64);
    }

    #[test]
    fn binary_content_within_the_first_characters_is_refused_as_whole() {
        // Found by fuzzing: NUL bytes after the first 200 lines but within the 8192 characters
        // the whole reader looks at.
        let bytes = include_bytes!("../../../tests/fixtures/pieces_vs_whole_binary.csv");
        for piece in [100, 484, 4096] {
            both(bytes, &by_province(), piece);
            both(bytes, &ReadOptions::default(), piece);
        }
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
