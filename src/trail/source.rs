//! Reading CloudTrail log files: local files and directories (`.json`,
//! `.json.gz`; `{"Records": [...]}`, a bare array, or one record per line),
//! the S3 key layout trails deliver to, and the window filter.
//!
//! Each file is decompressed into memory and its records are deserialized
//! one by one straight from the bytes (no whole-file JSON tree). A file that
//! is not valid is reported with its reason and skipped whole: none of its
//! events are used.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{from_raw, Event, Raw, RawRef};

/// Which events to keep.
#[derive(Debug, Clone, Copy, Default)]
pub struct Window {
    pub start: Option<jiff::Timestamp>,
    pub end: Option<jiff::Timestamp>,
}

impl Window {
    fn keeps(&self, e: &Event) -> bool {
        if !crate::kinds::watched(&e.name) {
            return false;
        }
        let Some(t) = e.timestamp() else { return false };
        self.start.is_none_or(|s| t >= s) && self.end.is_none_or(|x| t <= x)
    }
}

/// A file that could not be used, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkippedFile {
    pub path: String,
    pub reason: String,
}

/// What reading produced.
#[derive(Debug, Default, Clone)]
pub struct ReadOutcome {
    pub events: Vec<Event>,
    pub files_read: usize,
    pub records: u64,
    pub skipped: Vec<SkippedFile>,
}

impl ReadOutcome {
    /// Counts one file's result: its events, or why it was skipped.
    pub fn add(&mut self, path: String, result: FileResult) {
        match result {
            Ok((events, records)) => {
                self.files_read += 1;
                self.records += records;
                self.events.extend(events);
            }
            Err(reason) => self.skipped.push(SkippedFile { path, reason }),
        }
    }
}

/// Per-file state while streaming.
struct Sink<'w> {
    window: &'w Window,
    events: Vec<Event>,
    records: u64,
    /// Records that are well-formed JSON but unusable (no name, no time).
    unusable: u64,
}

impl Sink<'_> {
    fn take(&mut self, raw: Raw) {
        self.records += 1;
        match from_raw(raw) {
            Ok(Some(e)) if self.window.keeps(&e) => self.events.push(e),
            Ok(_) => {}
            Err(_) => self.unusable += 1,
        }
    }

    /// The fast path: skip records whose name is not watched before parsing
    /// anything nested.
    fn take_ref(&mut self, raw: RawRef<'_>) {
        let (Some(name), Some(_)) = (raw.name(), raw.time()) else {
            self.records += 1;
            self.unusable += 1;
            return;
        };
        if !crate::kinds::watched(name) {
            self.records += 1;
            return;
        }
        self.take(raw.into_raw());
    }
}

struct Records<'a, 'w>(&'a mut Sink<'w>);

impl<'de> DeserializeSeed<'de> for Records<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Records<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of CloudTrail records")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(raw) = seq.next_element::<RawRef<'de>>()? {
            self.0.take_ref(raw);
        }
        Ok(())
    }
}

/// One top-level JSON value: a `{"Records": [...]}` log, a bare array, or a
/// single record (JSON lines).
struct Top<'a, 'w>(&'a mut Sink<'w>);

impl<'de> DeserializeSeed<'de> for Top<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Top<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a CloudTrail log ({\"Records\": [...]}) or a record")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        Records(self.0).visit_seq(seq)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut other = serde_json::Map::new();
        let mut saw_records = false;
        while let Some(k) = map.next_key::<String>()? {
            if k == "Records" {
                map.next_value_seed(Records(self.0))?;
                saw_records = true;
            } else {
                other.insert(k, map.next_value::<Value>()?);
            }
        }
        if !saw_records {
            let raw = Raw::deserialize(Value::Object(other)).map_err(serde::de::Error::custom)?;
            self.0.take(raw);
        }
        Ok(())
    }
}

/// Parses one log file's (decompressed) bytes. On error nothing is kept.
pub fn parse_log(bytes: &[u8], window: &Window) -> Result<(Vec<Event>, u64), String> {
    let mut sink = Sink {
        window,
        events: Vec::new(),
        records: 0,
        unusable: 0,
    };
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let mut any = false;
    loop {
        // Skip whitespace between JSON-lines values; stop at the end.
        if de.end().is_ok() {
            break;
        }
        Top(&mut sink)
            .deserialize(&mut de)
            .map_err(|e| format!("not a CloudTrail log: {e}"))?;
        any = true;
    }
    if !any {
        return Err("empty file".into());
    }
    if sink.records > 0 && sink.unusable == sink.records {
        return Err(format!(
            "none of its {} records has an eventName and eventTime",
            sink.records
        ));
    }
    Ok((sink.events, sink.records))
}

/// Decompresses gzip (by magic bytes) or returns the bytes as they are.
pub fn decompress(raw: Vec<u8>) -> Result<Vec<u8>, String> {
    if raw.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::with_capacity(raw.len() * 8);
        std::io::Read::read_to_end(&mut flate2::read::MultiGzDecoder::new(&raw[..]), &mut out)
            .map_err(|e| format!("corrupt or truncated gzip: {e}"))?;
        Ok(out)
    } else {
        Ok(raw)
    }
}

fn is_log_file(p: &Path) -> bool {
    let n = p
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    n.ends_with(".json")
        || n.ends_with(".json.gz")
        || n.ends_with(".jsonl")
        || n.ends_with(".jsonl.gz")
}

/// Every log file below `dir`, following links, each counted once: walkdir
/// detects link loops (reported, not followed), and files reached through
/// several links are kept once by their canonical path.
fn walk(dir: &Path) -> (Vec<PathBuf>, Vec<SkippedFile>) {
    let mut seen = std::collections::BTreeMap::new();
    let mut skipped = Vec::new();
    for entry in walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
    {
        match entry {
            Ok(e) if e.file_type().is_file() && is_log_file(e.path()) => {
                let canonical = std::fs::canonicalize(e.path()).unwrap_or(e.path().into());
                seen.entry(canonical).or_insert_with(|| e.into_path());
            }
            Ok(_) => {}
            Err(e) => skipped.push(SkippedFile {
                path: e
                    .path()
                    .map(|p| p.display().to_string())
                    .unwrap_or_else(|| dir.display().to_string()),
                reason: if e.loop_ancestor().is_some() {
                    "symbolic link loop: not followed".into()
                } else {
                    format!("cannot read: {e}")
                },
            }),
        }
    }
    let mut files: Vec<PathBuf> = seen.into_values().collect();
    files.sort();
    (files, skipped)
}

/// Reads a file or every log file below a directory, on all cores. Errors
/// only when the path itself cannot be read; bad files are skipped.
pub fn read_path(path: &Path, window: &Window) -> Result<ReadOutcome, String> {
    if path.is_dir() {
        let (files, skipped) = walk(path);
        let mut out = read_files(&files, window);
        out.skipped.extend(skipped);
        Ok(out)
    } else if path.exists() {
        Ok(read_files(&[path.to_path_buf()], window))
    } else {
        Err(format!("{}: no such file or directory", path.display()))
    }
}

/// A file's events and record count, or why it was skipped.
pub type FileResult = Result<(Vec<Event>, u64), String>;

/// One log file as stored (gzip or not), parsed.
pub fn parse_file_bytes(raw: Vec<u8>, window: &Window) -> FileResult {
    parse_log(&decompress(raw)?, window)
}

fn read_one(p: &Path, window: &Window) -> FileResult {
    let raw = crate::fsutil::read_regular(p).map_err(|e| format!("cannot read: {e}"))?;
    parse_file_bytes(raw, window)
}

/// Reads files in parallel; results merge in file order.
pub fn read_files(files: &[PathBuf], window: &Window) -> ReadOutcome {
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
        .min(files.len().max(1));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut results: Vec<Option<FileResult>> = vec![None; files.len()];
    let slots: Vec<std::sync::Mutex<&mut Option<_>>> =
        results.iter_mut().map(std::sync::Mutex::new).collect();
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= files.len() {
                    break;
                }
                let r = read_one(&files[i], window);
                **slots[i].lock().expect("slot") = Some(r);
            });
        }
    });
    drop(slots);
    let mut out = ReadOutcome::default();
    for (f, r) in files.iter().zip(results) {
        out.add(f.display().to_string(), r.expect("every file visited"));
    }
    out
}

/// The key prefixes a trail delivers a day's logs of one region to:
/// `[prefix/]AWSLogs/[org-id/]ACCOUNT/CloudTrail/REGION/YYYY/MM/DD/`.
pub fn day_prefixes(
    prefix: &str,
    org_id: Option<&str>,
    account: &str,
    regions: &[String],
    start: jiff::Timestamp,
    end: jiff::Timestamp,
) -> Vec<String> {
    let base = if prefix.is_empty() {
        String::new()
    } else {
        format!("{}/", prefix.trim_end_matches('/'))
    };
    let org = org_id.map(|o| format!("{o}/")).unwrap_or_default();
    let tz = jiff::tz::TimeZone::UTC;
    let first = start.to_zoned(tz.clone()).date();
    let last = end.to_zoned(tz).date();
    let mut out = Vec::new();
    for region in regions {
        let mut d = first;
        while d <= last {
            out.push(format!(
                "{base}AWSLogs/{org}{account}/CloudTrail/{region}/{:04}/{:02}/{:02}/",
                d.year(),
                d.month(),
                d.day()
            ));
            match d.tomorrow() {
                Ok(n) => d = n,
                Err(_) => break,
            }
        }
    }
    out
}
