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
    /// Set when alike writes (same call, same principal, same verdict) on
    /// more than a handful of resources or by more than a handful of
    /// sessions were merged into this one: `resource` is then empty and
    /// the actor is the principal (see [`merge_alike`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merged: Option<Merged>,
}

/// What a merged write stands for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Merged {
    /// The (resource, session) groups merged.
    pub groups: u64,
    /// Up to five of their resources, the smallest.
    pub resources: Vec<String>,
    /// Up to five of their session names, the smallest.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sessions: Vec<String>,
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
        let on = match &self.merged {
            Some(m) => {
                let more = m.groups.saturating_sub(m.resources.len() as u64);
                let mut names = m.resources.join(", ");
                if more > 0 {
                    names.push_str(&format!(" and {more} more"));
                }
                format!(" in {} groups: {names}", m.groups)
            }
            None => on,
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
        let sessions = match &self.merged {
            Some(m) if !m.sessions.is_empty() => {
                format!(
                    " (sessions {})",
                    crate::trail::ledger::sample_list(&m.sessions)
                )
            }
            _ => String::new(),
        };
        format!("by {}{sessions} {times}{from}", self.actor.display())
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
        actor: g.actor.clone().into(),
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
                verdict: Verdict::by_rule(decided_by.as_ref()),
                decided_by,
                merged: None,
            }
        })
        .collect();
    in_report_order(&mut out);
    out
}

/// Unauthorized first, then the most recent.
fn in_report_order(ws: &mut [Write]) {
    ws.sort_by(|a, b| {
        (a.verdict, &b.last, &a.event_name, &a.resource).cmp(&(
            b.verdict,
            &a.last,
            &b.event_name,
            &b.resource,
        ))
    });
}

/// What makes writes alike enough to merge.
type Alike = (
    Verdict,
    String,
    String,
    Option<String>,
    String,
    Option<String>,
    Option<String>,
);

/// Merges alike writes (same call, principal, verdict and reason) beyond
/// a handful into one each: a fleet tagging a thousand resources from a
/// thousand sessions is one line with a count, not a thousand. Smaller
/// sets stay as they are; `all` keeps every one.
pub fn merge_alike(writes: Vec<Write>, all: bool) -> Vec<Write> {
    if all {
        return writes;
    }
    let key = |w: &Write| -> Alike {
        (
            w.verdict,
            w.event_source.clone(),
            w.event_name.clone(),
            w.note.clone(),
            w.actor.principal(),
            w.actor.source_identity.clone(),
            w.decided_by.clone(),
        )
    };
    let mut by: std::collections::BTreeMap<Alike, Vec<Write>> = Default::default();
    for w in writes {
        by.entry(key(&w)).or_default().push(w);
    }
    let mut out: Vec<Write> = Vec::new();
    for (_, ws) in by {
        if ws.len() <= super::transient::HANDFUL {
            out.extend(ws);
        } else {
            out.push(merged(ws));
        }
    }
    in_report_order(&mut out);
    out
}

fn merged(ws: Vec<Write>) -> Write {
    use crate::trail::ledger::capped_insert;
    let (mut resources, mut sessions, mut ips, mut agents, mut ids) = Default::default();
    let mut regions = BTreeSet::new();
    for w in &ws {
        capped_insert(&mut resources, Some(w.resource.as_str()));
        capped_insert(&mut sessions, w.actor.session_name.as_deref());
        for v in &w.source_ips {
            capped_insert(&mut ips, Some(v));
        }
        for v in &w.user_agents {
            capped_insert(&mut agents, Some(v));
        }
        for v in &w.event_ids {
            capped_insert(&mut ids, Some(v));
        }
        regions.extend(w.regions.iter().cloned());
    }
    let first = &ws[0];
    let actor = Actor {
        arn: Some(first.actor.principal()),
        session_name: None,
        ..first.actor.clone()
    };
    let set = |s: BTreeSet<String>| s.into_iter().collect::<Vec<_>>();
    Write {
        event_source: first.event_source.clone(),
        event_name: first.event_name.clone(),
        resource: String::new(),
        actor,
        first: ws.iter().map(|w| w.first.clone()).min().unwrap_or_default(),
        last: ws.iter().map(|w| w.last.clone()).max().unwrap_or_default(),
        count: ws.iter().map(|w| w.count).sum(),
        regions: regions.into_iter().collect(),
        source_ips: set(ips),
        user_agents: set(agents),
        event_ids: set(ids),
        note: first.note.clone(),
        verdict: first.verdict,
        decided_by: first.decided_by.clone(),
        merged: Some(Merged {
            groups: ws.len() as u64,
            resources: set(resources),
            sessions: set(sessions),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(role: &str, session: &str, resource: &str) -> Write {
        Write {
            event_source: "ec2.amazonaws.com".into(),
            event_name: "CreateTags".into(),
            resource: resource.into(),
            actor: Actor {
                identity_type: "AssumedRole".into(),
                arn: Some(format!("arn:aws:sts::1:assumed-role/{role}/{session}")),
                role_arn: Some(format!("arn:aws:iam::1:role/{role}")),
                session_name: Some(session.into()),
                ..Default::default()
            },
            first: format!("2026-01-01T0{}:00:00Z", resource.len() % 10),
            last: "2026-01-01T09:00:00Z".into(),
            count: 2,
            regions: vec!["us-east-1".into()],
            source_ips: vec![],
            user_agents: vec![],
            event_ids: vec![format!("{session}-{resource}")],
            note: None,
            verdict: Verdict::Unauthorized,
            decided_by: None,
            merged: None,
        }
    }

    /// Eight sessions of one role tagging eight resources are one line;
    /// three writes by another role stay three.
    #[test]
    fn alike_writes_beyond_a_handful_merge() {
        let mut ws: Vec<Write> = (0..8)
            .map(|i| write("fleet", &format!("s{i}"), &format!("r{i}")))
            .collect();
        ws.extend((0..3).map(|i| write("eve", "laptop", &format!("x{i}"))));
        let out = merge_alike(ws.clone(), false);
        assert_eq!(out.len(), 4);
        let m = out.iter().find(|w| w.merged.is_some()).unwrap();
        assert_eq!(m.count, 16);
        assert_eq!(m.actor.arn.as_deref(), Some("arn:aws:iam::1:role/fleet"));
        let merged = m.merged.as_ref().unwrap();
        assert_eq!(merged.groups, 8);
        assert_eq!(merged.resources, ["r0", "r1", "r2", "r3", "r4"]);
        assert_eq!(merged.sessions, ["s0", "s1", "s2", "s3", "s4"]);
        assert!(
            m.what()
                .ends_with("in 8 groups: r0, r1, r2, r3, r4 and 3 more"),
            "{}",
            m.what()
        );
        assert!(
            m.who_when().contains("(sessions s0, s1, s2, s3, s4, ...)"),
            "{}",
            m.who_when()
        );
        assert_eq!(merge_alike(ws, true).len(), 11);
    }
}
