//! The ledger: every CloudTrail record read is accounted for exactly once.
//!
//! While files stream, each record lands in one bucket: skipped (with its
//! reason), read-only, failed, or a successful write. A write that touches a
//! kind driftwatch snapshots is kept whole for attribution; any other write
//! is folded into a [`WriteGroup`] keyed by (event source, event name,
//! resource, actor). After attribution the kept writes are sorted into those
//! that explain a change, those behind a transient change, and the rest,
//! which join the groups of writes outside the snapshot. Memory grows with
//! the number of distinct groups and the writes in them (16 bytes each), not
//! with the records read.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::{Actor, Event};

/// Records not judged, by reason.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skipped {
    /// Records whose eventTime is outside the scan window.
    pub outside_window: u64,
    /// Service events, VPC endpoint events, Insights events: not calls
    /// anybody made.
    pub not_a_call: u64,
    /// Data events (object writes, function invocations): event checks see
    /// them, the ledger does not judge them one by one.
    pub data_events: u64,
    /// Console sign-ins: not writes; event checks judge them.
    pub sign_ins: u64,
    /// Records without an eventName or a parseable eventTime.
    pub unusable: u64,
    /// The same call read twice (overlapping sources, a file read twice).
    pub duplicates: u64,
    /// Records another account recorded (an organization trail holds
    /// every member's): they belong to that account's section.
    #[serde(default)]
    pub other_accounts: u64,
}

impl Skipped {
    pub fn total(&self) -> u64 {
        self.outside_window
            + self.not_a_call
            + self.sign_ins
            + self.data_events
            + self.unusable
            + self.duplicates
            + self.other_accounts
    }
    fn add(&mut self, o: &Skipped) {
        self.outside_window += o.outside_window;
        self.not_a_call += o.not_a_call;
        self.sign_ins += o.sign_ins;
        self.data_events += o.data_events;
        self.unusable += o.unusable;
        self.duplicates += o.duplicates;
        self.other_accounts += o.other_accounts;
    }
}

/// Where every record read went. `read` is the sum of the other counts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ledger {
    pub read: u64,
    /// Successful calls that change nothing (`readOnly`, or Get/List/Describe...).
    pub read_only: u64,
    /// Calls that failed (an `errorCode`): they change nothing but event
    /// checks read them (denied bursts, denied attempts).
    pub failed: u64,
    /// Writes behind a change the diff found.
    pub explained: u64,
    /// Writes behind a change undone before the current state was taken.
    pub transient: u64,
    /// Writes that explain no change: the report's `writes`.
    pub outside: u64,
    pub skipped: Skipped,
    /// Writes on watched kinds not yet sorted; zero once a report is built.
    #[serde(skip)]
    pub(crate) unsorted: u64,
}

impl Ledger {
    /// Whether every record read is in exactly one count.
    pub fn balanced(&self) -> bool {
        self.read
            == self.read_only
                + self.failed
                + self.explained
                + self.transient
                + self.outside
                + self.unsorted
                + self.skipped.total()
    }
    /// One line: `120 records: 80 read-only, 3 failed, ...`.
    pub fn describe(&self) -> String {
        use crate::report::plural;
        let n = |v: u64| v as usize;
        let k = &self.skipped;
        let mut parts = vec![
            format!("{} read-only", self.read_only),
            format!("{} failed", self.failed),
            format!(
                "{} behind changes",
                plural(n(self.explained), "write", "writes")
            ),
            format!("{} behind transient changes", self.transient),
            format!("{} outside the snapshot", self.outside),
        ];
        for (v, one, many) in [
            (k.outside_window, "outside the window", "outside the window"),
            (k.not_a_call, "not a call", "not calls"),
            (k.sign_ins, "sign-in", "sign-ins"),
            (k.data_events, "data event", "data events"),
            (k.unusable, "unusable", "unusable"),
            (k.duplicates, "duplicate", "duplicates"),
            (k.other_accounts, "of another account", "of other accounts"),
        ] {
            if v > 0 {
                parts.push(plural(n(v), one, many));
            }
        }
        format!(
            "{}: {}",
            plural(n(self.read), "record", "records"),
            parts.join(", ")
        )
    }

    pub fn add(&mut self, o: &Ledger) {
        self.read += o.read;
        self.read_only += o.read_only;
        self.failed += o.failed;
        self.explained += o.explained;
        self.transient += o.transient;
        self.outside += o.outside;
        self.unsorted += o.unsorted;
        self.skipped.add(&o.skipped);
    }
}

/// What groups writes outside the snapshot.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct WriteKey {
    pub source: String,
    pub name: String,
    /// An ARN from `resources[]`, a resource id, or a name from the request;
    /// empty when the record names none.
    pub resource: String,
    pub actor: String,
}

/// One write in a group: a hash of its eventID (0 when it has none) and
/// its time in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Hit {
    pub id: u64,
    pub time: i64,
}

/// At most this many source IPs, user agents and event ids are kept per
/// group: enough to act on, bounded whatever the volume.
pub const SAMPLES: usize = 5;

/// Writes sharing a key.
#[derive(Debug, Clone, Default)]
pub struct WriteGroup {
    pub actor: Actor,
    /// Set for a write on a watched resource whose effect the snapshot does
    /// not hold ("changed the console password, ...").
    pub note: Option<String>,
    pub regions: BTreeSet<String>,
    pub source_ips: BTreeSet<String>,
    pub user_agents: BTreeSet<String>,
    pub event_ids: BTreeSet<String>,
    pub hits: Vec<Hit>,
}

/// Samples joined for a reader, `, ...` after them when the cap may have
/// left some out.
pub fn sample_list(samples: &[String]) -> String {
    let more = if samples.len() >= SAMPLES {
        ", ..."
    } else {
        ""
    };
    format!("{}{more}", samples.join(", "))
}

/// Keeps the `SAMPLES` smallest values: the same ones whatever order the
/// files were read in on however many threads, so a report of the same
/// logs is the same report.
pub(crate) fn capped_insert(set: &mut BTreeSet<String>, v: Option<&str>) {
    let Some(v) = v.filter(|v| !v.is_empty()) else {
        return;
    };
    if set.len() < SAMPLES {
        set.insert(v.to_string());
    } else if set.last().is_some_and(|last| v < last.as_str()) && !set.contains(v) {
        set.insert(v.to_string());
        set.pop_last();
    }
}

fn capped_union(set: &mut BTreeSet<String>, other: BTreeSet<String>) {
    for v in other {
        capped_insert(set, Some(&v));
    }
}

/// Writes outside the snapshot, by key.
#[derive(Debug, Clone, Default)]
pub struct Writes {
    pub groups: BTreeMap<WriteKey, WriteGroup>,
}

/// A fast, stable 64-bit hash of an eventID (never 0).
fn id_hash(id: &str) -> u64 {
    use std::hash::BuildHasher;
    if id.is_empty() {
        return 0;
    }
    foldhash::fast::FixedState::with_seed(0x6472_6966_7477_6174)
        .hash_one(id)
        .max(1)
}

impl Writes {
    /// Adds one write.
    pub fn add(&mut self, e: &Event, resource: String, note: Option<String>) {
        let key = WriteKey {
            source: e.source.clone(),
            name: e.name.clone(),
            resource,
            actor: e.actor.display(),
        };
        let g = self.groups.entry(key).or_insert_with(|| WriteGroup {
            actor: Actor::clone(&e.actor),
            note,
            ..Default::default()
        });
        g.regions.insert(e.region.clone());
        capped_insert(&mut g.source_ips, e.source_ip.as_deref());
        capped_insert(&mut g.user_agents, e.user_agent.as_deref());
        capped_insert(&mut g.event_ids, Some(&e.id));
        g.hits.push(Hit {
            id: id_hash(&e.id),
            time: e.timestamp().map_or(0, |t| t.as_second()),
        });
    }

    pub fn merge(&mut self, other: Writes) {
        for (k, o) in other.groups {
            match self.groups.get_mut(&k) {
                None => {
                    self.groups.insert(k, o);
                }
                Some(g) => {
                    g.regions.extend(o.regions);
                    capped_union(&mut g.source_ips, o.source_ips);
                    capped_union(&mut g.user_agents, o.user_agents);
                    capped_union(&mut g.event_ids, o.event_ids);
                    g.hits.extend(o.hits);
                }
            }
        }
    }

    /// Drops writes read twice (same eventID in the same group: a duplicate
    /// always has the same key) and returns how many.
    pub fn dedup(&mut self) -> u64 {
        let mut dropped = 0;
        for g in self.groups.values_mut() {
            g.hits.sort_unstable();
            let before = g.hits.len();
            g.hits.dedup_by(|a, b| a.id != 0 && a.id == b.id);
            dropped += (before - g.hits.len()) as u64;
        }
        dropped
    }

    pub fn count(&self) -> u64 {
        self.groups.values().map(|g| g.hits.len() as u64).sum()
    }
}

/// A resource a write names, for grouping and for `[[allow]]` resource
/// globs: the first ARN of `resources[]`, else a name from the request.
pub fn named_resource(req: &serde_json::Value, listed: &serde_json::Value) -> String {
    if let Some(arn) = listed.as_array().and_then(|l| {
        l.iter()
            .find_map(|r| r.get("ARN").or_else(|| r.get("arn"))?.as_str())
    }) {
        return arn.to_string();
    }
    // The request keys AWS services name their target with, most specific
    // first.
    const KEYS: &[&str] = &[
        "bucketName",
        "functionName",
        "instanceId",
        "snapshotId",
        "imageId",
        "dBSnapshotIdentifier",
        "dBClusterSnapshotIdentifier",
        "dBInstanceIdentifier",
        "dBClusterIdentifier",
        "trailName",
        "detectorId",
        "configurationRecorderName",
        "deliveryChannelName",
        "resolverQueryLogConfigId",
        "roleName",
        "userName",
        "groupName",
        "policyArn",
        "keyId",
        "secretId",
        "topicArn",
        "queueUrl",
        "logGroupName",
        "stackName",
        "clusterName",
        "layerName",
        "name",
        "Name",
    ];
    KEYS.iter()
        .find_map(|k| {
            req.get(*k)
                .and_then(serde_json::Value::as_str)
                .map(str::to_string)
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(id: &str, name: &str, t: &str) -> Event {
        Event {
            id: id.into(),
            name: name.into(),
            source: "s3.amazonaws.com".into(),
            time: t.into(),
            region: "us-east-1".into(),
            source_ip: Some("198.51.100.1".into()),
            user_agent: None,
            error_code: None,
            actor: Actor {
                identity_type: "IAMUser".into(),
                arn: Some("arn:aws:iam::1:user/mallory".into()),
                ..Default::default()
            }
            .into(),
            resources: vec![],
            effect_not_held: None,
        }
    }

    #[test]
    fn groups_merge_and_duplicates_are_dropped_once() {
        let mut a = Writes::default();
        a.add(
            &event("e1", "PutBucketLifecycle", "2026-11-27T01:00:00Z"),
            "logs".into(),
            None,
        );
        a.add(
            &event("e2", "PutBucketLifecycle", "2026-11-27T02:00:00Z"),
            "logs".into(),
            None,
        );
        let mut b = Writes::default();
        b.add(
            &event("e2", "PutBucketLifecycle", "2026-11-27T02:00:00Z"),
            "logs".into(),
            None,
        );
        b.add(
            &event("", "PutBucketLifecycle", "2026-11-27T03:00:00Z"),
            "logs".into(),
            None,
        );
        b.add(
            &event("", "PutBucketLifecycle", "2026-11-27T03:00:00Z"),
            "logs".into(),
            None,
        );
        b.add(
            &event("e9", "DeleteBucketPolicy", "2026-11-27T02:00:00Z"),
            "logs".into(),
            None,
        );
        a.merge(b);
        assert_eq!(a.count(), 6);
        // e2 twice is one call; two records without an id cannot be told apart.
        assert_eq!(a.dedup(), 1);
        assert_eq!(a.count(), 5);
        assert_eq!(a.groups.len(), 2);
    }

    #[test]
    fn the_resource_is_an_arn_or_a_request_name() {
        let listed = serde_json::json!([{"ARN": "arn:aws:s3:::logs", "type": "AWS::S3::Bucket"}]);
        assert_eq!(
            named_resource(&serde_json::json!({}), &listed),
            "arn:aws:s3:::logs"
        );
        let req = serde_json::json!({"name": "x", "trailName": "main"});
        assert_eq!(named_resource(&req, &serde_json::Value::Null), "main");
        assert_eq!(
            named_resource(&serde_json::Value::Null, &serde_json::Value::Null),
            ""
        );
    }

    /// Samples read in any order, split over any number of threads, are
    /// the same sample: a report of the same logs does not change.
    #[test]
    fn samples_do_not_depend_on_read_order() {
        let ids: Vec<String> = (0..40).map(|i| format!("id-{:02}", (i * 7) % 40)).collect();
        let fill = |it: &mut dyn Iterator<Item = &String>| {
            let mut set = BTreeSet::new();
            it.for_each(|v| capped_insert(&mut set, Some(v)));
            set
        };
        let forward = fill(&mut ids.iter());
        let backward = fill(&mut ids.iter().rev());
        let mut split = fill(&mut ids.iter().skip(20));
        for v in fill(&mut ids.iter().take(20)) {
            capped_insert(&mut split, Some(&v));
        }
        let want: BTreeSet<String> = (0..SAMPLES).map(|i| format!("id-{i:02}")).collect();
        assert_eq!(
            (forward, backward, split),
            (want.clone(), want.clone(), want)
        );
    }
}
