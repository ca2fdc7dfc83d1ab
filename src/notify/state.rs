//! Alerts that do not repeat. A cron job every 15 minutes must not post the
//! same unauthorized change 96 times a day: a small state file remembers
//! each item sent (an unauthorized change, transient change or group of
//! alike transients, a failing finding), what it said and when. An item is sent again when it
//! says something new (another verdict, content, message) or `realert`
//! has passed; an item that left the report is forgotten, so it alerts
//! again if it comes back. The file is written atomically under a lock on
//! its directory, so two runs at once neither lose nor double an alert.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::attribution::Verdict;
use crate::report::Report;

pub const STATE_SCHEMA: &str = "driftwatch.alerts/v1";

/// What was sent, by item id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct State {
    pub schema: String,
    pub sent: BTreeMap<String, Sent>,
}

impl Default for State {
    fn default() -> Self {
        State {
            schema: STATE_SCHEMA.into(),
            sent: BTreeMap::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sent {
    /// A hash of what the item said.
    pub fingerprint: String,
    /// RFC 3339.
    pub at: String,
}

/// Where the state lives and how long an item stays quiet.
#[derive(Debug, Clone)]
pub struct Memory {
    pub path: PathBuf,
    pub realert: jiff::SignedDuration,
}

/// The state file beside a baseline: `baselines/1234.json` →
/// `baselines/1234.alerts.json`.
pub fn beside(baseline: &Path) -> PathBuf {
    let stem = baseline
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let stem = stem
        .strip_suffix(".json.gz")
        .or_else(|| stem.strip_suffix(".json"))
        .unwrap_or(&stem);
    baseline.with_file_name(format!("{stem}.alerts.json"))
}

/// Reads a state file; a missing one is empty. A file that is not one is
/// an error naming it.
pub fn load(path: &Path) -> Result<State> {
    let bytes = match crate::fsutil::read_regular(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(State::default()),
        Err(e) => return Err(e).with_context(|| format!("{}: cannot read", path.display())),
    };
    let s: State = serde_json::from_slice(&bytes)
        .with_context(|| format!("{}: not a driftwatch alert state file", path.display()))?;
    if s.schema != STATE_SCHEMA {
        bail!(
            "{}: alert state schema {:?}, expected {STATE_SCHEMA:?}",
            path.display(),
            s.schema
        );
    }
    Ok(s)
}

fn fingerprint(parts: &[&str]) -> String {
    let d = Sha256::digest(parts.join("\0").as_bytes());
    crate::diff::hex(&d)[..16].to_string()
}

/// Every item of a report that an alert would carry, with its fingerprint.
pub fn items(r: &Report) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for c in r
        .changes
        .iter()
        .filter(|c| c.verdict == Verdict::Unauthorized)
    {
        out.insert(
            c.change.id.clone(),
            fingerprint(&[&c.content, &c.change.summary()]),
        );
    }
    for t in r
        .transient
        .iter()
        .filter(|t| t.verdict == Verdict::Unauthorized)
    {
        let last = t.events.last().map(|e| e.id.as_str()).unwrap_or_default();
        out.insert(format!("transient/{}", t.resource.id), fingerprint(&[last]));
    }
    for g in r
        .transient_groups
        .iter()
        .filter(|g| g.verdict == Verdict::Unauthorized)
    {
        out.insert(group_item(g), fingerprint(&[&g.last]));
    }
    for f in r.findings.iter().filter(|f| r.fails(f)) {
        out.insert(
            f.id.clone(),
            fingerprint(&[f.severity.as_str(), &f.message]),
        );
    }
    out
}

/// A group of alike transients is one item: said again when it has
/// activity newer than what was sent.
fn group_item(g: &crate::attribution::TransientGroup) -> String {
    format!(
        "transient-group/{}/{}/{}",
        g.kind,
        g.principal,
        g.events.join(",")
    )
}

/// Whether an item is due: never sent, sent saying something else, or
/// sent longer than `realert` ago.
fn due(
    state: &State,
    id: &str,
    print: &str,
    now: jiff::Timestamp,
    realert: jiff::SignedDuration,
) -> bool {
    let Some(s) = state.sent.get(id) else {
        return true;
    };
    let at: Option<jiff::Timestamp> = s.at.parse().ok();
    s.fingerprint != print || at.is_none_or(|t| now.duration_since(t) >= realert)
}

/// The report narrowed to the items that are due (the rest of it, counts
/// aside, is context and stays).
pub fn fresh(
    r: &Report,
    state: &State,
    now: jiff::Timestamp,
    realert: jiff::SignedDuration,
) -> Report {
    let items = items(r);
    let is_due = |id: &str| {
        items
            .get(id)
            .is_some_and(|p| due(state, id, p, now, realert))
    };
    let mut out = r.clone();
    out.changes
        .retain(|c| c.verdict != Verdict::Unauthorized || is_due(&c.change.id));
    out.transient.retain(|t| {
        t.verdict != Verdict::Unauthorized || is_due(&format!("transient/{}", t.resource.id))
    });
    out.transient_groups
        .retain(|g| g.verdict != Verdict::Unauthorized || is_due(&group_item(g)));
    out.findings.retain(|f| !r.fails(f) || is_due(&f.id));
    out.finish();
    out
}

/// After a delivery: what was sent is remembered with the time, what left
/// the report is forgotten.
pub fn remember(state: &mut State, full: &Report, sent: &Report, now: jiff::Timestamp) {
    forget_gone(state, full);
    for (id, print) in items(sent) {
        state.sent.insert(
            id,
            Sent {
                fingerprint: print,
                at: now.to_string(),
            },
        );
    }
}

/// Forgets what left the report, without anything sent.
pub fn forget_gone(state: &mut State, full: &Report) {
    let present = items(full);
    state.sent.retain(|id, _| present.contains_key(id));
}

pub fn save(path: &Path, state: &State) -> Result<()> {
    let mut bytes = serde_json::to_vec_pretty(state).expect("state serializes");
    bytes.push(b'\n');
    crate::fsutil::write_atomic(path, &bytes)
}
