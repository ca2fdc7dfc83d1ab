//! The Snapshot: plain serde data describing an account's state at one moment.
//!
//! Everything here is deterministic by construction: resources live in a
//! `BTreeMap` keyed by their stable id (`kind/region/native-id`), every list
//! inside a resource is sorted and de-duplicated by the collector, and the
//! only volatile field is `taken_at`. The model imports nothing from the rest
//! of the crate.

pub mod attrs;
pub mod policy;

pub use attrs::Attrs;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Schema tag written into every snapshot; readers refuse any other value.
pub const SNAPSHOT_SCHEMA: &str = "driftwatch.snapshot/v1";

/// Region label used for global services (IAM, S3 listing, Route53).
pub const GLOBAL: &str = "global";

/// One account's state. Fields, here and in every type a state file holds,
/// are declared in key order: files are written straight from them, in the
/// order a tree of them would have (see [`crate::to_pretty_state`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub account: String,
    /// What could and could not be read, keyed by `service/region`.
    pub coverage: BTreeMap<String, Coverage>,
    pub driftwatch_version: String,
    /// The resource kinds the collector that took this snapshot reads.
    /// Absent from snapshots saved before it was recorded: a kind added
    /// since must not make every existing resource of it read as "added".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kinds_read: Option<Vec<String>>,
    /// Regions that were scanned for regional services.
    pub regions: Vec<String>,
    /// Every resource, keyed by its stable id.
    pub resources: BTreeMap<String, Resource>,
    pub schema: String,
    /// RFC 3339 UTC time the collection started.
    pub taken_at: String,
}

impl Snapshot {
    pub fn new(account: impl Into<String>, taken_at: impl Into<String>) -> Self {
        Snapshot {
            schema: SNAPSHOT_SCHEMA.to_string(),
            account: account.into(),
            taken_at: taken_at.into(),
            driftwatch_version: env!("CARGO_PKG_VERSION").to_string(),
            regions: Vec::new(),
            kinds_read: None,
            coverage: BTreeMap::new(),
            resources: BTreeMap::new(),
        }
    }

    pub fn insert(&mut self, r: Resource) {
        self.resources.insert(r.id(), r);
    }

    /// True when every (service, region) pair was read completely.
    /// Values that could not be read are listed in `unknown_values` but do
    /// not make a snapshot incomplete: every listing was read.
    pub fn complete(&self) -> bool {
        self.coverage
            .values()
            .all(|c| c.status == CoverageStatus::Complete)
    }

    /// True when every listing was read and every value in it: what exit 0
    /// of `snapshot` and `baseline save` promises.
    pub fn fully_read(&self) -> bool {
        self.coverage.values().all(Coverage::is_full)
    }

    /// Lists, in each service's coverage, the values that could not be read
    /// (a denied GetBucketPolicy on one bucket, say): the listing was
    /// complete, so the resource is compared, but that value is not.
    pub fn record_unknown_values(&mut self) {
        let mut found: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for r in self.resources.values() {
            for (path, code) in unknown_paths(&r.attrs) {
                found
                    .entry(coverage_key(r.service(), &r.region))
                    .or_default()
                    .push(format!("{}.{path}: {code}", r.native_id));
            }
        }
        for c in self.coverage.values_mut() {
            c.unknown_values = found
                .remove(&coverage_key(&c.service, &c.region))
                .unwrap_or_default();
        }
    }

    /// How many values were carried from a baseline rather than read
    /// (`aws/carry.rs`).
    pub fn carried(&self) -> u64 {
        self.coverage
            .values()
            .flat_map(|c| &c.carried)
            .map(|c| c.count)
            .sum()
    }

    /// The coverage entry that governs a resource: its service in its region.
    /// Whether this snapshot's collector reads `kind`. For a snapshot that
    /// does not say (saved by an older driftwatch), a kind it holds
    /// resources of was read; one it holds none of may not have been.
    pub fn reads_kind(&self, kind: &str) -> bool {
        match &self.kinds_read {
            Some(k) => k.iter().any(|x| x == kind),
            None => self.of_kind(kind).next().is_some(),
        }
    }

    /// Whether `kind`'s service was read in full in `region`: only there
    /// does a resource's absence mean it is not in the account.
    pub fn read_in_full(&self, kind: &str, region: &str) -> bool {
        self.coverage_for(kind, region)
            .is_some_and(|c| c.status == CoverageStatus::Complete)
    }

    pub fn coverage_for(&self, kind: &str, region: &str) -> Option<&Coverage> {
        let service = kind.split('.').next().unwrap_or(kind);
        self.coverage.get(&coverage_key(service, region))
    }

    /// Resources of one kind, in id order: a range of the map, since every
    /// id starts with its kind (`kind/region/native-id`, checked on load),
    /// not a walk over every resource. A diff asks this per added or removed
    /// resource of a state that does not list the kinds it read.
    pub fn of_kind<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Resource> + 'a {
        let prefix = format!("{kind}/");
        self.resources
            .range::<str, _>((
                std::ops::Bound::Included(prefix.as_str()),
                std::ops::Bound::Unbounded,
            ))
            .take_while(move |(id, _)| id.starts_with(&prefix))
            .map(|(_, r)| r)
            .filter(move |r| r.kind == kind)
    }
}

/// A resource id's parts, `kind/region/native-id`: `(kind, region,
/// native id)`, each empty where the id has none.
pub fn split_id(id: &str) -> (&str, &str, &str) {
    let mut parts = id.splitn(3, '/');
    let mut next = || parts.next().unwrap_or_default();
    (next(), next(), next())
}

/// The coverage service of reaching an account at all (assuming its role
/// in a run over many): an account that cannot be reached is a gap, never
/// a crash.
pub const ACCOUNT_ACCESS: &str = "account-access";

/// `xx-yyyy-N`, with optional middle parts (`us-gov-west-1`, `ap-southeast-2`).
pub fn is_region_name(r: &str) -> bool {
    let parts: Vec<&str> = r.split('-').collect();
    parts.len() >= 3
        && parts[0].len() == 2
        && parts[..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
        && parts[parts.len() - 1].parse::<u8>().is_ok_and(|n| n > 0)
}

pub fn coverage_key(service: &str, region: &str) -> String {
    format!("{service}/{region}")
}

/// Whether one service in one region was read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coverage {
    /// Values not read again but carried from the baseline, where AWS's
    /// semantics make that exact (`aws/carry.rs`): known, not gaps.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub carried: Vec<Carried>,
    /// The AWS error code (e.g. `AccessDenied`) when not complete.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    pub region: String,
    pub service: String,
    pub status: CoverageStatus,
    /// Values that could not be read although the listing was complete, e.g.
    /// `my-bucket.policy: AccessDenied`. Those resources are compared; those
    /// values are not.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unknown_values: Vec<String>,
}

/// How many values of one attribute a run carried from the baseline, and
/// by which rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Carried {
    pub count: u64,
    pub rule: CarryRule,
    /// `ec2.instance.user_data`: the kind and the attribute.
    pub value: String,
}

/// Why a value read before is still the value now. Each rule is one of
/// AWS's documented invariants, cited where it is applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CarryRule {
    /// An instance running with the launch time the baseline recorded has
    /// not been stopped since, and user data changes only while stopped.
    RunningSinceBaseline,
}

impl CarryRule {
    pub fn describe(self) -> &'static str {
        match self {
            CarryRule::RunningSinceBaseline => {
                "running since the baseline (same launch time); it changes only while stopped"
            }
        }
    }
}

impl Coverage {
    /// Everything read: the listing and every value.
    pub fn is_full(&self) -> bool {
        self.status == CoverageStatus::Complete && self.unknown_values.is_empty()
    }

    /// `s3/global denied (AccessDenied)`.
    pub fn describe(&self) -> String {
        if self.status == CoverageStatus::Complete {
            return format!(
                "{}/{} complete, but {} values unknown ({})",
                self.service,
                self.region,
                self.unknown_values.len(),
                self.unknown_values
                    .iter()
                    .take(3)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        format!(
            "{}/{} {} ({})",
            self.service,
            self.region,
            self.status.as_str(),
            self.error_code.as_deref().unwrap_or("?")
        )
    }

    pub fn complete(service: &str, region: &str) -> Self {
        Coverage {
            service: service.into(),
            region: region.into(),
            status: CoverageStatus::Complete,
            error_code: None,
            message: None,
            unknown_values: Vec::new(),
            carried: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CoverageStatus {
    Complete,
    /// The caller lacks permission (AccessDenied and friends).
    Denied,
    /// Any other failure: network, throttling beyond retries, service error.
    Error,
}

impl CoverageStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CoverageStatus::Complete => "complete",
            CoverageStatus::Denied => "denied",
            CoverageStatus::Error => "error",
        }
    }
}

/// One resource. `attrs` holds the kind-specific fields (see [`kinds`]),
/// serialized from the typed structs there so the on-disk shape is documented
/// in one place, and read back generically by diff and checks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Resource {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    pub attrs: Attrs,
    pub kind: String,
    /// The native id after `kind/region/`, e.g. `sg-0abc` or `Z123/www.example.com./CNAME`.
    pub native_id: String,
    pub region: String,
}

impl Resource {
    pub fn new<T: Serialize>(
        kind: &str,
        region: &str,
        native_id: impl Into<String>,
        arn: Option<String>,
        attrs: &T,
    ) -> Self {
        Resource {
            kind: kind.to_string(),
            region: region.to_string(),
            native_id: native_id.into(),
            arn,
            // Serializing plain data structs into a Value cannot fail.
            attrs: canonical(serde_json::to_value(attrs).expect("resource attrs serialize")).into(),
        }
    }

    /// Stable id: `kind/region/native-id`.
    pub fn id(&self) -> String {
        format!("{}/{}/{}", self.kind, self.region, self.native_id)
    }

    /// The service part of the kind (`ec2`, `s3`, `iam`, `route53`).
    pub fn service(&self) -> &str {
        self.kind.split('.').next().unwrap_or(&self.kind)
    }
}

/// A value fetched by its own API call, which may be absent (the resource has
/// none), present, or unknown (the call failed, e.g. AccessDenied). Unknown is
/// never confused with absent: a denied GetBucketPolicy must not read as "the
/// policy was removed".
///
/// On disk: absent is `null`, present is the value itself, unknown is
/// `{"$unknown": "<error code>"}`.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Fetched<T> {
    #[default]
    Absent,
    Present(T),
    Unknown(String),
}

impl<T> Fetched<T> {
    pub fn as_option(&self) -> Option<&T> {
        match self {
            Fetched::Present(v) => Some(v),
            _ => None,
        }
    }
    pub fn is_unknown(&self) -> bool {
        matches!(self, Fetched::Unknown(_))
    }
    /// The value changed by `f`; absent and unknown stay as they are.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Fetched<U> {
        match self {
            Fetched::Present(v) => Fetched::Present(f(v)),
            Fetched::Absent => Fetched::Absent,
            Fetched::Unknown(c) => Fetched::Unknown(c),
        }
    }
}

/// Every unknown marker in `attrs`, at any depth, as (dotted path, error
/// code): a queue's `settings.policy` as much as a bucket's `policy`.
pub fn unknown_paths(attrs: &Value) -> Vec<(String, String)> {
    fn walk(v: &Value, path: &str, out: &mut Vec<(String, String)>) {
        if is_unknown_marker(v) {
            let code = v[UNKNOWN_KEY].as_str().unwrap_or("?");
            out.push((path.to_string(), code.to_string()));
            return;
        }
        let join = |k: &str| {
            if path.is_empty() {
                k.to_string()
            } else {
                format!("{path}.{k}")
            }
        };
        match v {
            Value::Object(m) => m.iter().for_each(|(k, x)| walk(x, &join(k), out)),
            Value::Array(a) => a
                .iter()
                .enumerate()
                .for_each(|(i, x)| walk(x, &join(&i.to_string()), out)),
            _ => {}
        }
    }
    // Most resources hold no marker: find that out without building a
    // path string for every field.
    fn any_marker(v: &Value) -> bool {
        match v {
            Value::Object(m) => is_unknown_marker(v) || m.values().any(any_marker),
            Value::Array(a) => a.iter().any(any_marker),
            _ => false,
        }
    }
    let mut out = Vec::new();
    if let Value::Object(m) = attrs {
        m.iter()
            .filter(|(_, x)| any_marker(x))
            .for_each(|(k, x)| walk(x, k, &mut out));
    }
    out
}

/// Key used for the unknown marker object.
pub const UNKNOWN_KEY: &str = "$unknown";

/// True when a JSON value is the unknown marker of a [`Fetched`] field.
pub fn is_unknown_marker(v: &Value) -> bool {
    matches!(v, Value::Object(m) if m.len() == 1 && m.contains_key(UNKNOWN_KEY))
}

impl<T: Serialize> Serialize for Fetched<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Fetched::Absent => s.serialize_none(),
            Fetched::Present(v) => v.serialize(s),
            Fetched::Unknown(code) => {
                use serde::ser::SerializeMap;
                let mut m = s.serialize_map(Some(1))?;
                m.serialize_entry(UNKNOWN_KEY, code)?;
                m.end()
            }
        }
    }
}

impl<'de, T: serde::de::DeserializeOwned> Deserialize<'de> for Fetched<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = Value::deserialize(d)?;
        if v.is_null() {
            return Ok(Fetched::Absent);
        }
        if is_unknown_marker(&v) {
            let code = v[UNKNOWN_KEY].as_str().unwrap_or("unknown").to_string();
            return Ok(Fetched::Unknown(code));
        }
        serde_json::from_value(v)
            .map(Fetched::Present)
            .map_err(serde::de::Error::custom)
    }
}

/// The risk area of a resource kind or a check: how reports group them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Risk {
    Asset,
    Dns,
    Data,
    Iam,
    Network,
    Visibility,
}

impl Risk {
    /// The order of sections in a report: exposure first.
    pub const REPORT_ORDER: [Risk; 6] = [
        Risk::Network,
        Risk::Data,
        Risk::Iam,
        Risk::Dns,
        Risk::Asset,
        Risk::Visibility,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Risk::Asset => "asset",
            Risk::Dns => "dns",
            Risk::Data => "data",
            Risk::Iam => "iam",
            Risk::Network => "network",
            Risk::Visibility => "visibility",
        }
    }
}

impl std::fmt::Display for Risk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Rebuilds every object with its keys in sorted order. serde_json's map
/// keeps insertion order in this build (a dependency enables
/// `preserve_order`), so sorted output must be made, not assumed.
/// [`canonical`] in place: maps sorted where they are, no tree rebuilt.
pub fn sort_in_place(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.sort_keys();
            m.values_mut().for_each(sort_in_place);
        }
        Value::Array(a) => a.iter_mut().for_each(sort_in_place),
        _ => {}
    }
}

pub fn canonical(v: Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut entries: Vec<(String, Value)> = m.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| (k, canonical(v)))
                    .collect(),
            )
        }
        Value::Array(a) => Value::Array(a.into_iter().map(canonical).collect()),
        other => other,
    }
}

/// Route53 escapes some characters in names as `\NNN` octal (`\052` is `*`).
pub fn unescape_dns_name(name: &str) -> String {
    let b = name.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' && b.len() >= i + 4 {
            let d = &b[i + 1..i + 4];
            if d.iter().all(|c| (b'0'..=b'7').contains(c)) {
                let n = u32::from(d[0] - b'0') * 64
                    + u32::from(d[1] - b'0') * 8
                    + u32::from(d[2] - b'0');
                // Only ASCII is escaped this way in practice; leave anything else as written.
                if n < 128 {
                    out.push(n as u8);
                    i += 4;
                    continue;
                }
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Tags as a sorted map (AWS returns them as an unordered list).
pub type Tags = BTreeMap<String, String>;

#[cfg(test)]
mod tests {
    use super::*;

    /// A value unknown inside another (a queue's `settings.policy`) counts
    /// as much as a top-level one: the snapshot is not fully read.
    #[test]
    fn unknown_values_are_found_at_any_depth() {
        let mut s = Snapshot::new("111122223333", "2026-11-28T00:00:00Z");
        s.coverage.insert(
            "sqs/us-east-1".into(),
            Coverage::complete("sqs", "us-east-1"),
        );
        let attrs = serde_json::json!({"settings": {"policy": {"$unknown": "UnparseablePolicy"}, "fifo": false}});
        s.insert(Resource::new("sqs.queue", "us-east-1", "q1", None, &attrs));
        assert!(s.fully_read());
        s.record_unknown_values();
        assert!(s.complete() && !s.fully_read());
        assert_eq!(
            s.coverage["sqs/us-east-1"].unknown_values,
            ["q1.settings.policy: UnparseablePolicy"]
        );
    }

    #[test]
    fn fetched_round_trips_and_keeps_unknown_distinct_from_absent() {
        let cases: Vec<Fetched<Vec<u32>>> = vec![
            Fetched::Absent,
            Fetched::Present(vec![1, 2]),
            Fetched::Unknown("AccessDenied".into()),
        ];
        let json: Vec<String> = cases
            .iter()
            .map(|c| serde_json::to_string(c).unwrap())
            .collect();
        assert_eq!(json, ["null", "[1,2]", r#"{"$unknown":"AccessDenied"}"#]);
        for (c, j) in cases.iter().zip(&json) {
            let back: Fetched<Vec<u32>> = serde_json::from_str(j).unwrap();
            assert_eq!(&back, c);
        }
    }

    #[test]
    fn canonical_sorts_keys_at_every_depth() {
        let v: Value = serde_json::from_str(r#"{"b":{"z":1,"a":[{"y":1,"x":2}]},"a":0}"#).unwrap();
        assert_eq!(
            serde_json::to_string(&canonical(v)).unwrap(),
            r#"{"a":0,"b":{"a":[{"x":2,"y":1}],"z":1}}"#
        );
    }

    /// serde_json's `preserve_order` is on (a dependency asks for it), so
    /// a hand-edited file's key order survives parsing: loading sorts it.
    #[test]
    fn sorting_in_place_is_canonical() {
        let text = r#"{"b":{"z":1,"a":[{"y":1,"x":2}]},"a":0}"#;
        let mut v: Value = serde_json::from_str(text).unwrap();
        sort_in_place(&mut v);
        assert_eq!(
            serde_json::to_string(&v).unwrap(),
            r#"{"a":0,"b":{"a":[{"x":2,"y":1}],"z":1}}"#
        );
        assert_eq!(v, canonical(serde_json::from_str(text).unwrap()));
    }

    #[test]
    fn dns_names_unescape_octal() {
        assert_eq!(unescape_dns_name("\\052.example.com."), "*.example.com.");
        assert_eq!(
            unescape_dns_name("plain.example.com."),
            "plain.example.com."
        );
        assert_eq!(unescape_dns_name("trailing\\05"), "trailing\\05");
    }

    #[test]
    fn resource_id_is_kind_region_native() {
        let r = Resource::new("s3.bucket", GLOBAL, "b1", None, &serde_json::json!({}));
        assert_eq!(r.id(), "s3.bucket/global/b1");
        assert_eq!(r.service(), "s3");
    }

    /// A kind's resources are the ids that start with it and a slash: not
    /// a kind whose name it begins.
    #[test]
    fn of_kind_is_the_kinds_range_of_ids() {
        let mut s = Snapshot::new("1", "2026-01-01T00:00:00Z");
        for (kind, id) in [
            ("ec2.instance", "i-1"),
            ("ec2.instance", "i-2"),
            ("ec2.internet_gateway", "igw-1"),
            ("ec2.image", "ami-1"),
            ("s3.bucket", "b"),
        ] {
            s.insert(Resource::new(
                kind,
                "us-east-1",
                id,
                None,
                &serde_json::json!({}),
            ));
        }
        let ids = |k| {
            s.of_kind(k)
                .map(|r| r.native_id.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(ids("ec2.instance"), ["i-1", "i-2"]);
        assert_eq!(ids("ec2.image"), ["ami-1"]);
        assert_eq!(ids("s3.bucket"), ["b"]);
        assert!(ids("ec2").is_empty() && ids("ec2.inst").is_empty());
    }
}
