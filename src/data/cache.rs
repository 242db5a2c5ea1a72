//! A cache of normalised sources, so that a file opened again is not read and interpreted again:
//! per source, the canonical table and its problems as Parquet, and what the report needs
//! (mapping with reasons, notes, sheets, headers, preview) as JSON, in the user's cache folder.
//!
//! The key is everything the result depends on — the resolved path, the file's size and
//! modification time, the sheet asked for, the mappings, the programme name, the plausible years,
//! the program's version — so an entry is never stale: a changed file or choice is a new key.
//! Entries are written atomically; an unreadable entry is a miss, never an error.

use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use super::load::{LoadOptions, SourceReport};
use super::mapping::Explained;
use super::note::Note;
use super::source::Origin;

/// Bumped when what is cached changes shape.
const FORMAT: u32 = 4;

/// A folder of cached sources.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cache {
    dir: PathBuf,
}

/// One source as cached.
pub struct Cached {
    pub table: DataFrame,
    pub problems: DataFrame,
    pub report: SourceReport,
}

/// What is kept of a [`SourceReport`] besides the tables.
#[derive(Serialize, Deserialize)]
struct Meta {
    origin: Origin,
    sheets: Vec<String>,
    headers: Vec<String>,
    mapping: Explained,
    notes: Vec<Note>,
    preview: BTreeMap<String, Vec<String>>,
    /// How the table's category columns and lists are kept.
    codes: super::cache_codes::Codes,
    /// The write the tables belong to (part of their file names).
    write: String,
}

/// The cache writes started by [`Cache::put_in_background`] and not yet waited for.
fn pending() -> std::sync::MutexGuard<'static, Vec<std::thread::JoinHandle<()>>> {
    static PENDING: std::sync::Mutex<Vec<std::thread::JoinHandle<()>>> =
        std::sync::Mutex::new(Vec::new());
    // A write that panicked poisoned nothing the list needs.
    PENDING
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The calling thread yields to the process's others when cores are scarce (a cache write
/// while the first dashboard is computed).
#[cfg(target_os = "linux")]
fn lower_thread_priority() {
    // SAFETY: on Linux, `setpriority` of process 0 sets the nice value of the calling thread
    // alone; a failure leaves it as it was.
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, 0, 10);
    }
}

#[cfg(not(target_os = "linux"))]
fn lower_thread_priority() {}

/// Waits for the cache writes under way (a write that failed or panicked left no entry).
pub fn wait_for_writes() {
    let writes = std::mem::take(&mut *pending());
    for write in writes {
        let _ = write.join();
    }
}

impl Cache {
    /// The cache in the user's cache folder (`~/.cache/cruscotto/sources` on Linux,
    /// `%LOCALAPPDATA%\Cruscotto\cache\sources` on Windows).
    pub fn user() -> Option<Cache> {
        let dirs = directories::ProjectDirs::from("it", "Cruscotto", "cruscotto")?;
        Some(Cache::at(dirs.cache_dir().join("sources")))
    }

    pub fn at(dir: impl Into<PathBuf>) -> Cache {
        Cache { dir: dir.into() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The key of `path` loaded with `options`; `None` when the file cannot be looked at (then it
    /// is simply read).
    pub fn key(path: &Path, options: &LoadOptions) -> Option<String> {
        let meta = std::fs::metadata(path).ok()?;
        if !meta.is_file() {
            return None;
        }
        let resolved = std::fs::canonicalize(path).ok()?;
        let modified = meta
            .modified()
            .ok()?
            .duration_since(std::time::UNIX_EPOCH)
            .ok()?;
        let prefix = format!("{}\u{1f}", resolved.display());
        let mappings: Vec<(&String, String)> = options
            .source_mappings
            .iter()
            .filter(|(k, _)| k.starts_with(&prefix))
            .map(|(k, m)| (k, m.to_json()))
            .collect();
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (
            FORMAT,
            env!("CARGO_PKG_VERSION"),
            resolved.display().to_string(),
            meta.len(),
            modified.as_nanos(),
            &options.sheet,
            options.overrides.to_json(),
            mappings,
            &options.programme,
            options.date_window.first_year,
            options.date_window.last_year,
            options.needed.as_ref().map(|n| n.key()),
        )
            .hash(&mut h);
        Some(format!("{:016x}", h.finish()))
    }

    fn path(&self, key: &str, what: &str) -> PathBuf {
        self.dir.join(format!("{key}.{what}"))
    }

    /// The cached source under `key`, if there is a whole, readable one.
    pub fn get(&self, key: &str) -> Option<Cached> {
        let meta: Meta =
            serde_json::from_slice(&std::fs::read(self.path(key, "json")).ok()?).ok()?;
        let read = |what: &str| -> Option<DataFrame> {
            let file = std::fs::File::open(self.path(key, what)).ok()?;
            // Column by column on every core (by row groups, one of them waits for the other).
            ParquetReader::new(file)
                .read_parallel(ParallelStrategy::Columns)
                .finish()
                .ok()
        };
        // The tables of the write the JSON names: codes never meet another write's names.
        let of_write = |what: &str| format!("{}.{what}", meta.write);
        let values = read(&of_write("values.parquet"))?;
        let coded = read(&of_write("table.parquet"))?;
        let table = super::cache_codes::from_codes(coded, &values, &meta.codes).ok()?;
        let problems = read(&of_write("problems.parquet"))?;
        let report = SourceReport {
            label: meta.origin.label(),
            origin: meta.origin,
            sheets: meta.sheets,
            headers: meta.headers,
            mapping: meta.mapping,
            rows: table.height(),
            problems: problems.height(),
            notes: meta.notes,
            preview: meta.preview,
            cached: true,
        };
        Some(Cached {
            table,
            problems,
            report,
        })
    }

    /// Keeps the sources of one load (key, table, problems, report) on a thread of their own,
    /// one after the other: whoever loaded them goes on (the window draws its first dashboard)
    /// while a million rows are written as Parquet. [`wait_for_writes`] waits for every write
    /// started so (before the process ends, before the cache is emptied).
    pub fn put_in_background(&self, sources: Vec<(String, DataFrame, DataFrame, SourceReport)>) {
        if sources.is_empty() {
            return;
        }
        let cache = self.clone();
        let write = move || {
            lower_thread_priority();
            for (key, table, problems, report) in sources {
                cache.put(&key, &table, &problems, &report);
            }
        };
        let mut pending = pending();
        // Writes that ended need no waiting for.
        pending.retain(|write| !write.is_finished());
        // No thread to be had: the entries are simply not kept (the cache is best effort).
        if let Ok(handle) = std::thread::Builder::new()
            .name("cache-write".into())
            .spawn(write)
        {
            pending.push(handle);
        }
    }

    /// Keeps a source under `key`. The tables first, named by this write, the JSON last, naming
    /// it: an entry without its JSON is a miss, and two writes of one key (two windows on one
    /// file) never mix. The tables of earlier writes go afterwards.
    fn put(&self, key: &str, table: &DataFrame, problems: &DataFrame, report: &SourceReport) {
        let _ = self.try_put(key, table, problems, report);
    }

    fn try_put(
        &self,
        key: &str,
        table: &DataFrame,
        problems: &DataFrame,
        report: &SourceReport,
    ) -> Result<(), Box<dyn std::error::Error>> {
        std::fs::create_dir_all(&self.dir)?;
        let write = format!(
            "{:x}-{:x}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos())
        );
        let stored = super::cache_codes::to_codes(table)?;
        for (what, frame) in [
            ("table.parquet", &stored.table),
            ("values.parquet", &stored.values),
            ("problems.parquet", problems),
        ] {
            let mut bytes = Vec::new();
            // On this thread alone, not on polars' threads the dashboard is computed on; LZ4,
            // which reads back several times faster than the default zstd (the entry is a
            // third larger).
            ParquetWriter::new(&mut bytes)
                .with_compression(ParquetCompression::Lz4Raw)
                .set_parallel(false)
                .finish(&mut frame.clone())?;
            crate::export::write_atomic(&self.path(key, &format!("{write}.{what}")), &bytes)?;
        }
        let meta = Meta {
            origin: report.origin.clone(),
            sheets: report.sheets.clone(),
            headers: report.headers.clone(),
            mapping: report.mapping.clone(),
            notes: report.notes.clone(),
            preview: report.preview.clone(),
            codes: stored.codes,
            write: write.clone(),
        };
        crate::export::write_atomic(&self.path(key, "json"), &serde_json::to_vec(&meta)?)?;
        // Earlier writes' tables (a reader still on them finds them gone: a miss).
        let prefix = format!("{key}.");
        for entry in std::fs::read_dir(&self.dir)?.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if let Some(rest) = name.strip_prefix(&prefix)
                && rest.ends_with(".parquet")
                && !rest.starts_with(&format!("{write}."))
            {
                let _ = std::fs::remove_file(entry.path());
            }
        }
        Ok(())
    }

    /// Empties the cache (after the writes under way); returns the bytes freed.
    pub fn clear(&self) -> std::io::Result<u64> {
        wait_for_writes();
        let mut freed = 0;
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return Ok(0);
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_file() {
                freed += entry.metadata().map(|m| m.len()).unwrap_or(0);
                std::fs::remove_file(path)?;
            }
        }
        Ok(freed)
    }

    /// The bytes the cache holds.
    pub fn size(&self) -> u64 {
        std::fs::read_dir(&self.dir)
            .map(|entries| {
                entries
                    .flatten()
                    .filter_map(|e| e.metadata().ok())
                    .filter(|m| m.is_file())
                    .map(|m| m.len())
                    .sum()
            })
            .unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report() -> SourceReport {
        let origin = Origin {
            file: "progetti.csv".into(),
            sheet: None,
            format: super::super::source::Format::Csv,
        };
        SourceReport {
            label: origin.label(),
            origin,
            sheets: Vec::new(),
            headers: Vec::new(),
            mapping: Explained::default(),
            rows: 1,
            problems: 0,
            notes: Vec::new(),
            preview: BTreeMap::new(),
            cached: false,
        }
    }

    fn table(province: &str) -> DataFrame {
        df!("province" => [province], "title" => ["a"])
            .unwrap()
            .lazy()
            .with_column(col("province").cast(super::super::categories::categorical()))
            .collect()
            .unwrap()
    }

    fn files(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_key_written_again_keeps_only_the_last_write_and_reads_it() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::at(dir.path());
        let empty = DataFrame::empty();
        cache.put("k", &table("Cuneo"), &empty, &report());
        cache.put("k", &table("Torino"), &empty, &report());
        // One JSON and the three tables of the last write.
        assert_eq!(files(dir.path()).len(), 4, "{:?}", files(dir.path()));
        let got = cache.get("k").unwrap();
        assert!(got.table.equals_missing(&table("Torino")));
    }

    #[test]
    fn a_json_naming_tables_of_another_write_is_a_miss() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::at(dir.path());
        cache.put("k", &table("Cuneo"), &DataFrame::empty(), &report());
        let json = dir.path().join("k.json");
        let text = std::fs::read_to_string(&json).unwrap();
        let meta: serde_json::Value = serde_json::from_str(&text).unwrap();
        let write = meta["write"].as_str().unwrap().to_string();
        std::fs::write(&json, text.replace(&write, "altra-scrittura")).unwrap();
        assert!(cache.get("k").is_none());
    }

    #[test]
    fn writes_in_the_background_are_there_once_waited_for() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::at(dir.path());
        let sources = (0..3)
            .map(|i| (format!("k{i}"), table("Asti"), DataFrame::empty(), report()))
            .collect();
        cache.put_in_background(sources);
        wait_for_writes();
        for i in 0..3 {
            assert!(cache.get(&format!("k{i}")).is_some(), "k{i}");
        }
        assert!(cache.clear().unwrap() > 0);
        assert!(files(dir.path()).is_empty());
    }
}
