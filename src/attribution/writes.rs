//! Writes outside the snapshot: every successful write CloudTrail recorded
//! that explains no change and no transient change, grouped by (event
//! source, event name, resource, actor) and judged by the same `[[allow]]`
//! policy as changes. This is where a stopped trail, a shared snapshot or a
//! changed console password shows up when no check names it.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::{EventIndex, Evidence, Verdict};
use crate::trail::ledger::{Ledger, WriteGroup, WriteKey, Writes};
use crate::trail::{Actor, Event};

/// One group of writes, as reported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Write {
    pub event_source: String,
    pub event_name: String,
    /// An ARN, a resource id or a name from the request; empty when the
    /// record names none.
    pub resource: String,
    pub actor: Actor,
    pub first: String,
    pub last: String,
    pub count: u64,
    pub regions: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub source_ips: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub user_agents: Vec<String>,
    /// Up to five of the records' eventIDs.
    pub event_ids: Vec<String>,
    /// What the call changed on a watched resource that the snapshot does
    /// not hold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub verdict: Verdict,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_by: Option<String>,
}

impl Write {
    /// `s3:PutBucketLifecycle on logs` (the service's short name).
    pub fn what(&self) -> String {
        let service = self.event_source.split('.').next().unwrap_or_default();
        let on = if self.resource.is_empty() {
            String::new()
        } else {
            format!(" on {}", self.resource)
        };
        let mut s = format!("{service}:{}{on}", self.event_name);
        if let Some(n) = &self.note {
            s.push_str(&format!(": {n}"));
        }
        s
    }

    /// `by WHO 3 times between FIRST and LAST from IP`.
    pub fn who_when(&self) -> String {
        let times = if self.count == 1 {
            format!("at {}", self.last)
        } else {
            format!("{} times, {} to {}", self.count, self.first, self.last)
        };
        let from = if self.source_ips.is_empty() {
            String::new()
        } else {
            format!(" from {}", self.source_ips.join(", "))
        };
        format!("by {} {times}{from}", self.actor.display())
    }
}

/// Files every kept event of the index: behind a change, behind a
/// transient change, or outside the snapshot (added to `writes`). Failed
/// events were counted when read.
pub fn sort_events(
    index: &EventIndex,
    changed: &BTreeSet<String>,
    transient: &BTreeSet<String>,
    writes: &mut Writes,
    ledger: &mut Ledger,
) {
    for e in index.events().iter().filter(|e| e.succeeded()) {
        let held = e.effect_not_held.is_none();
        let touches = |set: &BTreeSet<String>| e.resources.iter().any(|r| set.contains(r));
        if held && touches(changed) {
            ledger.explained += 1;
        } else if held && touches(transient) {
            ledger.transient += 1;
        } else {
            ledger.outside += 1;
            let resource = e.resources.first().cloned().unwrap_or_default();
            writes.add(e, resource, e.effect_not_held.clone());
        }
    }
    ledger.unsorted = 0;
}

fn time(secs: i64) -> String {
    jiff::Timestamp::from_second(secs)
        .map(|t| t.to_string())
        .unwrap_or_default()
}

/// Authorized when some rule allows every write of the group (each at its
/// own time, for rules with days or hours).
fn judge(key: &WriteKey, g: &WriteGroup, ev: &Evidence<'_>) -> Option<String> {
    let mut probe = Event {
        id: String::new(),
        name: key.name.clone(),
        source: key.source.clone(),
        time: String::new(),
        region: g.regions.iter().next().cloned().unwrap_or_default(),
        source_ip: None,
        user_agent: None,
        error_code: None,
        actor: g.actor.clone(),
        resources: vec![],
        effect_not_held: None,
    };
    let mut rules = BTreeSet::new();
    let mut times: Vec<i64> = g.hits.iter().map(|h| h.time).collect();
    times.dedup();
    for t in times {
        probe.time = time(t);
        let r = ev
            .policy
            .allowing_write(&probe, &key.resource, ev.baseline, ev.current)?;
        rules.insert(r.spec.name.clone());
    }
    Some(format!(
        "rule {}",
        rules.into_iter().collect::<Vec<_>>().join(", ")
    ))
}

/// The groups as reported, judged, most recent first within each verdict.
pub fn judged(writes: &Writes, ev: &Evidence<'_>) -> Vec<Write> {
    let mut out: Vec<Write> = writes
        .groups
        .iter()
        .filter(|(_, g)| !g.hits.is_empty())
        .map(|(k, g)| {
            let decided_by = judge(k, g, ev);
            let first = g.hits.iter().map(|h| h.time).min().unwrap_or(0);
            let last = g.hits.iter().map(|h| h.time).max().unwrap_or(0);
            Write {
                event_source: k.source.clone(),
                event_name: k.name.clone(),
                resource: k.resource.clone(),
                actor: g.actor.clone(),
                first: time(first),
                last: time(last),
                count: g.hits.len() as u64,
                regions: g.regions.iter().cloned().collect(),
                source_ips: g.source_ips.iter().cloned().collect(),
                user_agents: g.user_agents.iter().cloned().collect(),
                event_ids: g.event_ids.iter().cloned().collect(),
                note: g.note.clone(),
                verdict: if decided_by.is_some() {
                    Verdict::Authorized
                } else {
                    Verdict::Unauthorized
                },
                decided_by,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        (a.verdict, &b.last, &a.event_name, &a.resource).cmp(&(
            b.verdict,
            &a.last,
            &b.event_name,
            &b.resource,
        ))
    });
    out
}
