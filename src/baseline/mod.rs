//! Baselines: the reviewed state of an account, kept in git, plus the log of
//! approvals. Loading checks the schema; saving is atomic (see `fsutil`).
//!
//! Files may be plain JSON or gzip (`.gz`, detected by magic bytes); either a
//! baseline (`driftwatch.baseline/v1`) or a bare snapshot
//! (`driftwatch.snapshot/v1`) is accepted wherever a state is read.

use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::model::{Resource, Snapshot, SNAPSHOT_SCHEMA};

pub const BASELINE_SCHEMA: &str = "driftwatch.baseline/v1";

/// Fields in key order, here and in [`Approval`]: files are written
/// straight from them (see [`crate::to_pretty_state`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Baseline {
    /// Changes accepted on top of `snapshot`, each pinned to the content it
    /// accepted; plus a record of every `approve --all`.
    #[serde(default)]
    pub approvals: Vec<Approval>,
    /// Posture findings accepted with the reviewed state, each pinned to
    /// its evidence: a scan reports them as known, not as new.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub known_findings: Vec<crate::checks::known::KnownFinding>,
    /// When the state a reviewer last accepted in full was taken, when
    /// later than `snapshot.taken_at` (changes approved one by one until
    /// none was left): CloudTrail is read from here on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reviewed_at: Option<String>,
    pub schema: String,
    /// The reviewed state.
    pub snapshot: Snapshot,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Approval {
    pub at: String,
    pub by: String,
    /// The change id approved, or `*` for a whole-state approval.
    pub change_id: String,
    /// Hash of the resource content approved (`absent` for a removal). A later
    /// change to the resource no longer matches.
    pub content: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    pub reason: String,
    /// The resource id, or `*`.
    pub resource: String,
    /// What was approved, for a reviewer reading the pull request: the
    /// change's summary and each field as `path: before → after`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub summary: Vec<String>,
}

impl Approval {
    pub fn is_whole_state(&self) -> bool {
        self.change_id == "*"
    }
    /// Expired at `now` (RFC 3339 or a date, compared as timestamps).
    pub fn expired(&self, now: jiff::Timestamp) -> bool {
        self.expires
            .as_deref()
            .and_then(parse_time)
            .is_some_and(|t| t <= now)
    }
}

/// Parses a full RFC 3339 timestamp, or a bare date such as `2026-12-31`,
/// which means the end of that day (UTC): an expiry "on the 31st" should
/// still hold during the 31st.
pub fn parse_time(s: &str) -> Option<jiff::Timestamp> {
    if let Ok(t) = s.parse::<jiff::Timestamp>() {
        return Some(t);
    }
    let d: jiff::civil::Date = s.parse().ok()?;
    let end = d.tomorrow().ok()?.to_zoned(jiff::tz::TimeZone::UTC).ok()?;
    Some(end.timestamp())
}

impl Baseline {
    pub fn new(snapshot: Snapshot) -> Self {
        Baseline {
            schema: BASELINE_SCHEMA.into(),
            snapshot,
            approvals: Vec::new(),
            known_findings: Vec::new(),
            reviewed_at: None,
        }
    }

    /// Where review ended: CloudTrail before it was seen by a reviewer.
    pub fn reviewed_until(&self) -> &str {
        self.reviewed_at
            .as_deref()
            .unwrap_or(&self.snapshot.taken_at)
    }
}

/// Hash identifying a resource's exact content, or `absent`.
pub fn content_hash(r: Option<&Resource>) -> String {
    match r {
        None => "absent".into(),
        Some(r) => {
            let text = serde_json::to_string(&(&r.arn, &r.attrs)).expect("serializable");
            let d = Sha256::digest(text.as_bytes());
            format!("sha256:{}", crate::diff::hex(&d)[..32].to_owned())
        }
    }
}

/// What a state file turned out to hold.
#[derive(Debug, Clone)]
pub enum State {
    Snapshot(Snapshot),
    Baseline(Baseline),
}

impl State {
    pub fn snapshot(&self) -> &Snapshot {
        match self {
            State::Snapshot(s) => s,
            State::Baseline(b) => &b.snapshot,
        }
    }
    pub fn into_snapshot(self) -> Snapshot {
        match self {
            State::Snapshot(s) => s,
            State::Baseline(b) => b.snapshot,
        }
    }
    pub fn into_baseline(self) -> Baseline {
        match self {
            State::Snapshot(s) => Baseline::new(s),
            State::Baseline(b) => b,
        }
    }
}

/// Reads the bytes of a file, decompressing gzip. Errors name the file.
pub fn read_maybe_gz(path: &Path) -> Result<Vec<u8>> {
    let raw = crate::fsutil::read_regular(path)
        .with_context(|| format!("{}: cannot read", path.display()))?;
    if raw.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        flate2::read::MultiGzDecoder::new(&raw[..])
            .read_to_end(&mut out)
            .map_err(|e| anyhow!("{}: corrupt or truncated gzip: {e}", path.display()))?;
        Ok(out)
    } else {
        Ok(raw)
    }
}

/// Loads a snapshot or baseline file, checking its schema.
pub fn load(path: &Path) -> Result<State> {
    let bytes = read_maybe_gz(path)?;
    parse(&bytes).map_err(|e| anyhow!("{}: {e}", path.display()))
}

/// Parses the bytes of a state file (already decompressed).
pub fn parse(bytes: &[u8]) -> Result<State> {
    #[derive(Deserialize)]
    struct Head {
        schema: Option<serde_json::Value>,
    }
    let head: Head = serde_json::from_slice(bytes).map_err(|e| anyhow!("not valid JSON: {e}"))?;
    let schema = match head.schema {
        Some(serde_json::Value::String(s)) => s,
        Some(other) => bail!("schema field is {other}, not a string"),
        None => bail!("no \"schema\" field: not a driftwatch snapshot or baseline"),
    };
    let mut state = match schema.as_str() {
        SNAPSHOT_SCHEMA => State::Snapshot(
            serde_json::from_slice(bytes).map_err(|e| anyhow!("malformed snapshot: {e}"))?,
        ),
        BASELINE_SCHEMA => State::Baseline(
            serde_json::from_slice(bytes).map_err(|e| anyhow!("malformed baseline: {e}"))?,
        ),
        other => bail!(
            "unknown schema version {other:?} (this driftwatch reads {SNAPSHOT_SCHEMA} and {BASELINE_SCHEMA})"
        ),
    };
    let snap = match &mut state {
        State::Snapshot(s) => s,
        State::Baseline(b) => {
            if b.snapshot.schema != SNAPSHOT_SCHEMA {
                bail!(
                    "baseline holds a snapshot of unknown schema {:?}",
                    b.snapshot.schema
                );
            }
            &mut b.snapshot
        }
    };
    validate(&mut snap.resources)?;
    Ok(state)
}

/// Every resource of a loaded state: a known kind, attrs of that kind's
/// shape, a key that is its id; then its maps sorted in place (hand-edited
/// files may have keys in any order, and serde_json keeps the file's order
/// here). Shared out over the cores: a 100k-resource file has 100k typed
/// reads to make.
fn validate(resources: &mut std::collections::BTreeMap<String, Resource>) -> Result<()> {
    use rayon::prelude::*;
    let mut all: Vec<(&String, &mut Resource)> = resources.iter_mut().collect();
    // The first bad resource in key order, whichever thread found it.
    crate::parallel::install(|| {
        all.par_iter_mut()
            .with_min_len(5000)
            .map(|(id, r)| valid(id, r))
            .find_first(Result::is_err)
    })
    .unwrap_or(Ok(()))
}

fn valid(id: &str, r: &Resource) -> Result<()> {
    // A kind this driftwatch does not know would be diffed and checked
    // as nothing at all: refuse it rather than read it as clean.
    let Some(kind) = crate::kinds::by_name(&r.kind) else {
        bail!(
            "resource {id:?}: unknown kind {:?} (this driftwatch knows {})",
            r.kind,
            crate::kinds::names().join(", ")
        );
    };
    // Wrong-shaped attrs would be diffed as data and checked as
    // missing values: refuse them, naming the field.
    // Read from the text: no tree is built for a resource nothing reads.
    let text = match r.attrs.text() {
        Some(t) => std::borrow::Cow::Borrowed(t),
        None => std::borrow::Cow::Owned(serde_json::to_string(&*r.attrs)?),
    };
    if !text.starts_with('{') {
        bail!("resource {id:?}: attrs must be an object");
    }
    if let Err(e) = (kind.shape)(&text) {
        bail!("resource {id:?}: attrs are not a {}: {e}", r.kind);
    }
    if id != r.id() {
        bail!(
            "resource key {id:?} does not match its kind/region/native_id {:?}",
            r.id()
        );
    }
    Ok(())
}

/// Serializes for disk: pretty JSON, or gzip when the path ends in `.gz`.
pub fn encode<T: Serialize>(path: &Path, v: &T) -> Result<Vec<u8>> {
    let json = crate::to_pretty_state(v)?;
    if path.extension().is_some_and(|e| e == "gz") {
        use std::io::Write;
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(&json)?;
        Ok(enc.finish()?)
    } else {
        Ok(json)
    }
}

/// Writes a baseline atomically.
pub fn save(path: &Path, b: &Baseline) -> Result<()> {
    crate::fsutil::write_atomic(path, &encode(path, b)?)
}

/// Where a baseline lives by default: `baselines/<account>.json`.
pub fn default_path(account: &str) -> PathBuf {
    PathBuf::from("baselines").join(format!("{account}.json"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_schema_and_garbage_are_refused_with_reasons() {
        let e = parse(br#"{"schema":"driftwatch.snapshot/v9"}"#)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("unknown schema version \"driftwatch.snapshot/v9\""),
            "{e}"
        );
        let e = parse(b"{not json").unwrap_err().to_string();
        assert!(e.starts_with("not valid JSON"), "{e}");
        let e = parse(br#"{"a":1}"#).unwrap_err().to_string();
        assert!(e.contains("no \"schema\" field"), "{e}");
    }

    #[test]
    fn an_unknown_resource_kind_is_refused_naming_the_resource() {
        let text = br#"{"schema":"driftwatch.snapshot/v1","account":"1","taken_at":"2026-01-01T00:00:00Z",
            "driftwatch_version":"0","regions":[],"coverage":{},
            "resources":{"ec2.instanse/us-east-1/i-1":{"kind":"ec2.instanse","region":"us-east-1","native_id":"i-1","attrs":{}}}}"#;
        let e = parse(text).unwrap_err().to_string();
        assert!(
            e.contains("resource \"ec2.instanse/us-east-1/i-1\": unknown kind \"ec2.instanse\""),
            "{e}"
        );
    }

    #[test]
    fn attrs_of_the_wrong_shape_are_refused_and_missing_fields_are_not() {
        let with = |attrs: &str| {
            format!(
                r#"{{"schema":"driftwatch.snapshot/v1","account":"1","taken_at":"2026-01-01T00:00:00Z",
                "driftwatch_version":"0","regions":[],"coverage":{{}},
                "resources":{{"ec2.security_group/us-east-1/sg-1":{{"kind":"ec2.security_group",
                "region":"us-east-1","native_id":"sg-1","attrs":{attrs}}}}}}}"#
            )
        };
        let e = parse(with(r#"{"ingress": "tcp 22 0.0.0.0/0"}"#).as_bytes())
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("resource \"ec2.security_group/us-east-1/sg-1\": attrs are not a ec2.security_group: invalid type: string"),
            "{e}"
        );
        let e = parse(
            with(r#"{"ingress": [{"protocol": "tcp", "source": {"cidr_v9": "x"}}]}"#).as_bytes(),
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("unknown variant `cidr_v9`"), "{e}");
        // A field an older driftwatch did not write is simply absent.
        assert!(parse(with(r#"{"name": "g"}"#).as_bytes()).is_ok());
        assert!(parse(with("[]").as_bytes()).is_err());
    }

    fn approval(summary: &str) -> Approval {
        Approval {
            change_id: "c-1".into(),
            resource: "r".into(),
            content: "absent".into(),
            reason: "ok".into(),
            by: "me".into(),
            at: "2026-01-01T00:00:00Z".into(),
            expires: Some("2026-02-01".into()),
            summary: vec![summary.into()],
        }
    }

    #[test]
    fn baseline_round_trips_and_gzip_is_transparent() {
        let mut b = Baseline::new(Snapshot::new("111122223333", "2026-01-01T00:00:00Z"));
        b.approvals.push(approval(
            "ec2.security_group modified: ingress[+] tcp 22 0.0.0.0/0",
        ));
        let dir = tempfile::tempdir().unwrap();
        for name in ["b.json", "b.json.gz"] {
            let p = dir.path().join(name);
            save(&p, &b).unwrap();
            match load(&p).unwrap() {
                State::Baseline(back) => assert_eq!(back, b),
                State::Snapshot(_) => panic!("read as snapshot"),
            }
        }
        // A truncated gzip names the file and the problem.
        let p = dir.path().join("b.json.gz");
        let bytes = std::fs::read(&p).unwrap();
        std::fs::write(&p, &bytes[..bytes.len() / 2]).unwrap();
        let e = load(&p).unwrap_err().to_string();
        assert!(e.contains("b.json.gz: corrupt or truncated gzip"), "{e}");
    }

    /// States are written straight from their structs, without a tree of
    /// the whole: the bytes must be those of the sorted tree, whether the
    /// state was built in memory, read from a file (attrs held as text,
    /// keys in another writer's order) or changed in memory since.
    #[test]
    fn a_state_is_written_as_its_sorted_tree_would_be() {
        let mut b = crate::demo::baseline().unwrap();
        b.approvals.push(approval("s"));
        b.reviewed_at = Some("2026-01-02T00:00:00Z".into());
        let mut s = b.snapshot.clone();
        s.kinds_read = Some(vec!["ec2.instance".into()]);
        s.coverage.values_mut().next().unwrap().unknown_values = vec!["x".into()];
        let tree_bytes = crate::to_pretty_json(&b).unwrap();
        assert_eq!(
            String::from_utf8(crate::to_pretty_state(&b).unwrap()).unwrap(),
            String::from_utf8(tree_bytes.clone()).unwrap()
        );
        assert_eq!(
            crate::to_pretty_state(&s).unwrap(),
            crate::to_pretty_json(&s).unwrap()
        );
        // Read back from another writer's key order: the same bytes.
        let mut v: serde_json::Value = serde_json::from_slice(&tree_bytes).unwrap();
        fn reverse(v: &mut serde_json::Value) {
            match v {
                serde_json::Value::Object(m) => {
                    let mut all: Vec<_> = std::mem::take(m).into_iter().collect();
                    all.reverse();
                    for (k, mut x) in all {
                        reverse(&mut x);
                        m.insert(k, x);
                    }
                }
                serde_json::Value::Array(a) => a.iter_mut().for_each(reverse),
                _ => {}
            }
        }
        reverse(&mut v);
        let theirs = parse(&serde_json::to_vec(&v).unwrap())
            .unwrap()
            .into_baseline();
        assert_eq!(crate::to_pretty_state(&theirs).unwrap(), tree_bytes);
        // A key inserted in memory lands where the tree puts it.
        let mut changed = theirs;
        let r = changed.snapshot.resources.values_mut().next().unwrap();
        r.attrs
            .as_object_mut()
            .unwrap()
            .insert("aaa".into(), serde_json::json!({"z": 1, "a": 2}));
        assert_eq!(
            crate::to_pretty_state(&changed).unwrap(),
            crate::to_pretty_json(&changed).unwrap()
        );
    }

    #[test]
    fn expiry_dates_mean_the_end_of_that_day() {
        let a = Approval {
            change_id: "c".into(),
            resource: "r".into(),
            content: "absent".into(),
            reason: "x".into(),
            by: "me".into(),
            at: "2026-01-01T00:00:00Z".into(),
            expires: Some("2026-03-01".into()),
            summary: vec![],
        };
        assert!(!a.expired("2026-03-01T23:00:00Z".parse().unwrap()));
        assert!(a.expired("2026-03-02T00:00:00Z".parse().unwrap()));
    }
}
