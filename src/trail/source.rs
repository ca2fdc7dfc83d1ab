//! Reading CloudTrail log files: local files and directories (`.json`,
//! `.json.gz`; `{"Records": [...]}`, a bare array, or one record per line),
//! the S3 key layout trails deliver to, and the window filter.
//!
//! Each file is decompressed into memory (the reading thread's buffer, see
//! `inflate.rs`) and its records are deserialized one by one straight from
//! the bytes (no whole-file JSON tree). A file that
//! is not valid is reported with its reason and skipped whole: none of its
//! events are used.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::ledger::{named_resource, Ledger, Writes};
use super::{from_raw, Class, Event, EventVisitor, EventVisitors, RawRef};

/// Which events to keep.
#[derive(Debug, Clone, Copy, Default)]
pub struct Window {
    pub start: Option<jiff::Timestamp>,
    pub end: Option<jiff::Timestamp>,
    /// The account whose records count: an organization trail (and a
    /// folder of several accounts' logs) holds every member's records, and
    /// another account's call never explains a change here. Records that
    /// do not say which account recorded them are kept.
    pub account: Option<u64>,
}

/// `eventTime` as CloudTrail writes it (`2026-11-27T01:02:03Z`): such
/// times compare as text, which spares a parse per record.
fn canonical(t: &str) -> bool {
    let b = t.as_bytes();
    b.len() == 20 && b[4] == b'-' && b[10] == b'T' && b[19] == b'Z'
}

/// The window's bounds as canonical text (start rounded down, end up, to
/// the second: records carry whole seconds).
#[derive(Debug, Clone, Default)]
struct Bounds {
    start: Option<String>,
    end: Option<String>,
}

impl Bounds {
    fn of(w: &Window) -> Bounds {
        let fmt = |t: jiff::Timestamp| t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string();
        Bounds {
            start: w.start.map(fmt),
            end: w
                .end
                .map(|t| fmt(t + jiff::SignedDuration::from_nanos(999_999_999))),
        }
    }
}

impl Window {
    /// Whether a record's time is inside; `None` when it does not parse.
    fn contains(&self, bounds: &Bounds, t: &str) -> Option<bool> {
        if canonical(t) {
            return Some(
                bounds.start.as_deref().is_none_or(|s| t >= s)
                    && bounds.end.as_deref().is_none_or(|e| t <= e),
            );
        }
        let t = super::parse_event_time(t)?;
        Some(self.start.is_none_or(|s| t >= s) && self.end.is_none_or(|x| t <= x))
    }
}

/// A file that could not be used, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkippedFile {
    pub path: String,
    pub reason: String,
}

/// What one file (or one LookupEvents record) gave.
#[derive(Debug, Default, Clone)]
pub struct FileRead {
    /// Writes and failed calls on watched kinds, for attribution.
    pub events: Vec<Event>,
    /// Successful writes on kinds driftwatch does not snapshot.
    pub writes: Writes,
    pub ledger: Ledger,
}

/// What reading produced.
#[derive(Debug, Default, Clone)]
pub struct ReadOutcome {
    pub events: Vec<Event>,
    pub writes: Writes,
    pub ledger: Ledger,
    pub files_read: usize,
    pub records: u64,
    pub skipped: Vec<SkippedFile>,
}

impl ReadOutcome {
    /// Counts one file's result: its events, or why it was skipped.
    pub fn add(&mut self, path: String, result: FileResult) {
        match result {
            Ok(f) => {
                self.files_read += 1;
                self.records += f.ledger.read;
                self.absorb(f);
            }
            Err(reason) => self.skipped.push(SkippedFile { path, reason }),
        }
    }

    /// Folds in what one file or record gave, without counting a file.
    pub fn absorb(&mut self, f: FileRead) {
        self.events.extend(f.events);
        self.writes.merge(f.writes);
        self.ledger.add(&f.ledger);
    }

    /// Drops writes read twice; call once everything is in.
    pub fn dedup_writes(&mut self) {
        let dropped = self.writes.dedup();
        self.ledger.outside -= dropped;
        self.ledger.skipped.duplicates += dropped;
    }
}

/// Per-file state while streaming.
struct Sink<'w> {
    window: &'w Window,
    bounds: Bounds,
    read: FileRead,
    /// Event checks, when the run has any.
    visitor: Option<Box<dyn EventVisitor + 'w>>,
    /// The file's callers by their `userIdentity` text: kept events of one
    /// caller share one [`super::Actor`].
    actors: std::collections::HashMap<
        String,
        std::sync::Arc<super::Actor>,
        foldhash::fast::RandomState,
    >,
}

impl Sink<'_> {
    /// Files one record. Only failed calls and writes have their nested
    /// objects parsed; most records in a trail are reads and cost a scan of
    /// their bytes and nothing more.
    fn take_ref(&mut self, raw: RawRef<'_>) {
        let l = &mut self.read.ledger;
        l.read += 1;
        let (Some(name), Some(time)) = (raw.name(), raw.time()) else {
            l.skipped.unusable += 1;
            return;
        };
        if let (Some(want), Some(got)) = (self.window.account, raw.recipient_account()) {
            if want != got {
                l.skipped.other_accounts += 1;
                return;
            }
        }
        match self.window.contains(&self.bounds, time) {
            None => {
                l.skipped.unusable += 1;
                return;
            }
            Some(false) => {
                l.skipped.outside_window += 1;
                return;
            }
            Some(true) => {}
        }
        if let Some(v) = &mut self.visitor {
            v.visit(&raw.head(name), &|| raw.to_json());
        }
        let l = &mut self.read.ledger;
        let watched = crate::kinds::watched(name);
        match raw.class() {
            Class::NotACall => l.skipped.not_a_call += 1,
            Class::SignIn => l.skipped.sign_ins += 1,
            Class::ReadOnly => l.read_only += 1,
            Class::Data => l.skipped.data_events += 1,
            Class::Failed => {
                l.failed += 1;
                if watched {
                    self.keep(raw, true);
                }
            }
            Class::Write => self.keep(raw, watched),
        }
    }

    /// A failed call or write: parsed whole. On a watched kind it is kept
    /// for attribution; any other write joins its group.
    fn keep(&mut self, raw: RawRef<'_>, watched: bool) {
        let identity = raw.user_identity.map(|r| r.get()).unwrap_or_default();
        // The same text is the same caller: parsed once per file.
        let known = self.actors.get(identity).cloned();
        let first_seen = known.is_none();
        let raw = raw.into_raw(!first_seen);
        let resource = (!watched).then(|| named_resource(&raw.request_parameters, &raw.resources));
        let Ok(Some(e)) = from_raw(raw, known) else {
            // Name, time and type were checked: this cannot happen, but a
            // record must land somewhere.
            self.read.ledger.skipped.unusable += 1;
            return;
        };
        if first_seen {
            self.actors.insert(identity.to_string(), e.actor.clone());
        }
        match resource {
            Some(r) => {
                self.read.ledger.outside += 1;
                self.read.writes.add(&e, r, None);
            }
            None => {
                if e.succeeded() {
                    self.read.ledger.unsorted += 1;
                }
                self.read.events.push(e);
            }
        }
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
            // One record (JSON lines): read again as borrowed fields, so it
            // is filed exactly as a record inside `Records` would be.
            let text = Value::Object(other).to_string();
            let raw: RawRef<'_> = serde_json::from_str(&text).map_err(serde::de::Error::custom)?;
            self.0.take_ref(raw);
        }
        Ok(())
    }
}

/// Files every top-level value of a file; `false` when it holds none.
fn values<'de, R: serde_json::de::Read<'de>>(
    de: &mut serde_json::Deserializer<R>,
    sink: &mut Sink<'_>,
) -> serde_json::Result<bool> {
    let mut any = false;
    // Skip whitespace between JSON-lines values; stop at the end.
    while de.end().is_err() {
        Top(sink).deserialize(&mut *de)?;
        any = true;
    }
    Ok(any)
}

/// Parses one log file's (decompressed) bytes. On error nothing is kept.
pub fn parse_log(bytes: &[u8], window: &Window) -> FileResult {
    parse_log_with(bytes, window, None)
}

/// [`parse_log`], with event checks seeing the file's records. A file that
/// turns out invalid gives them nothing, as it gives attribution nothing.
pub fn parse_log_with(
    bytes: &[u8],
    window: &Window,
    visitors: Option<&dyn EventVisitors>,
) -> FileResult {
    let mut sink = Sink {
        window,
        bounds: Bounds::of(window),
        read: FileRead::default(),
        visitor: visitors.map(|v| v.visitor()),
        actors: Default::default(),
    };
    // Valid UTF-8 checked once for the whole file, not string by string
    // as the parser would (a tenth of the read). A file that is not keeps
    // the parser's own message, with where it is wrong.
    let any = match std::str::from_utf8(bytes) {
        Ok(text) => values(&mut serde_json::Deserializer::from_str(text), &mut sink),
        Err(_) => values(&mut serde_json::Deserializer::from_slice(bytes), &mut sink),
    }
    .map_err(|e| format!("not a CloudTrail log: {e}"))?;
    if !any {
        return Err("empty file".into());
    }
    let l = &sink.read.ledger;
    if l.read > 0 && l.skipped.unusable == l.read {
        return Err(format!(
            "none of its {} records has an eventName and eventTime",
            l.read
        ));
    }
    if let Some(v) = sink.visitor {
        v.finish();
    }
    Ok(sink.read)
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

/// Log files grouped by the account their path names, for a run over many
/// accounts: an organization trail's layout puts every file under
/// `AWSLogs/[o-xxxx/]ACCOUNT/CloudTrail/`, so each account reads only its
/// own files (every file is read once in the whole run). Files whose path
/// names no account are under `None`: every account reads those, keeping
/// its own records.
#[derive(Debug, Default)]
pub struct FilesByAccount {
    pub files: std::collections::BTreeMap<Option<u64>, Vec<PathBuf>>,
    pub skipped: Vec<SkippedFile>,
}

impl FilesByAccount {
    pub fn of(path: &Path) -> Result<FilesByAccount, String> {
        let (files, skipped) = if path.is_dir() {
            walk(path)
        } else if path.exists() {
            (vec![path.to_path_buf()], vec![])
        } else {
            return Err(format!("{}: no such file or directory", path.display()));
        };
        let mut by = FilesByAccount {
            skipped,
            ..Default::default()
        };
        for f in files {
            by.files.entry(account_of_path(&f)).or_default().push(f);
        }
        Ok(by)
    }

    /// The files `account` reads: its own and those of no account.
    pub fn of_account(&self, account: Option<u64>) -> Vec<PathBuf> {
        let mut out: Vec<PathBuf> = self.files.get(&None).cloned().unwrap_or_default();
        if account.is_some() {
            out.extend(self.files.get(&account).into_iter().flatten().cloned());
        }
        out.sort();
        out
    }
}

/// The account in a trail's key layout: the 12 digits just before
/// `CloudTrail`, under `AWSLogs`.
pub fn account_of_path(p: &Path) -> Option<u64> {
    let parts: Vec<&str> = p.iter().filter_map(|c| c.to_str()).collect();
    let logs = parts.iter().rposition(|c| *c == "AWSLogs")?;
    let trail = logs + parts[logs..].iter().position(|c| *c == "CloudTrail")?;
    let account = parts.get(trail.checked_sub(1)?)?;
    (trail > logs + 1 && account.len() == 12)
        .then(|| account.parse().ok())
        .flatten()
}

/// Reads a file or every log file below a directory, on all cores. Errors
/// only when the path itself cannot be read; bad files are skipped.
pub fn read_path(
    path: &Path,
    window: &Window,
    visitors: Option<&dyn EventVisitors>,
) -> Result<ReadOutcome, String> {
    if path.is_dir() {
        let (files, skipped) = walk(path);
        let mut out = read_files(&files, window, visitors);
        out.skipped.extend(skipped);
        Ok(out)
    } else if path.exists() {
        Ok(read_files(&[path.to_path_buf()], window, visitors))
    } else {
        Err(format!("{}: no such file or directory", path.display()))
    }
}

/// What a file gave, or why it was skipped.
pub type FileResult = Result<FileRead, String>;

/// One log file as stored (gzip or not), parsed.
pub fn parse_file_bytes(
    raw: Vec<u8>,
    window: &Window,
    visitors: Option<&dyn EventVisitors>,
) -> FileResult {
    if super::inflate::is_gzip(&raw) {
        super::inflate::with_inflated(&raw, |bytes| parse_log_with(bytes, window, visitors))?
    } else {
        parse_log_with(&raw, window, visitors)
    }
}

fn read_one(p: &Path, window: &Window, visitors: Option<&dyn EventVisitors>) -> FileResult {
    let raw = crate::fsutil::read_regular(p).map_err(|e| format!("cannot read: {e}"))?;
    parse_file_bytes(raw, window, visitors)
}

/// Stack for the async runtime's threads, which parse the trail logs they
/// download and evaluate event checks on them: CEL recurses per nesting
/// level (see [`crate::parallel::STACK`]).
pub const READER_STACK: usize = 16 << 20;

/// Reads files on every core (event checks evaluate CEL as they read, so
/// on the big stacks of [`crate::parallel`]); results merge in file order.
pub fn read_files(
    files: &[PathBuf],
    window: &Window,
    visitors: Option<&dyn EventVisitors>,
) -> ReadOutcome {
    use rayon::prelude::*;
    let parts: Vec<Part> = crate::parallel::install(|| {
        files
            .par_iter()
            .fold(Part::default, |mut part, f| {
                part.add(f, read_one(f, window, visitors));
                part
            })
            .collect()
    });
    Part::merge(parts)
}

/// One reading thread's results. Each file's events stay in their own
/// chunk until the end, where they are moved once into a vector of the
/// exact size: memory holds the events once, never a growing copy.
#[derive(Default)]
struct Part {
    chunks: Vec<Vec<Event>>,
    rest: ReadOutcome,
}

impl Part {
    fn add(&mut self, path: &Path, r: FileResult) {
        let r = r.map(|mut f| {
            let mut events = std::mem::take(&mut f.events);
            // A file's vector grew by doubling: up to half of it is spare
            // room, held until the merge. Give it back now.
            events.shrink_to_fit();
            self.chunks.push(events);
            f
        });
        self.rest.add(path.display().to_string(), r);
    }

    fn merge(parts: Vec<Part>) -> ReadOutcome {
        let total = parts.iter().flat_map(|p| &p.chunks).map(Vec::len).sum();
        let mut out = ReadOutcome {
            events: Vec::with_capacity(total),
            ..Default::default()
        };
        for p in parts {
            for c in p.chunks {
                out.events.extend(c);
            }
            out.files_read += p.rest.files_read;
            out.records += p.rest.records;
            out.skipped.extend(p.rest.skipped);
            out.writes.merge(p.rest.writes);
            out.ledger.add(&p.rest.ledger);
        }
        // Threads finish in any order: the report must not.
        out.skipped.sort_by(|a, b| a.path.cmp(&b.path));
        out.dedup_writes();
        out
    }
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
