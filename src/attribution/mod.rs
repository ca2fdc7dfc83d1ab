//! Pure judgement: changes + recorded approvals (and, with CloudTrail, the
//! events behind each change and the policy) → a verdict per change; the
//! same policy over writes outside the snapshot (`writes.rs`) and over the
//! records behind event findings (`standing.rs`).

use serde::{Deserialize, Serialize};

use crate::baseline::{content_hash, Approval};
use crate::diff::Change;
use crate::model::Snapshot;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Unauthorized,
    Authorized,
    Approved,
    /// Nothing was consulted (`driftwatch diff`): a difference, not a
    /// judgement.
    Unjudged,
}

impl Verdict {
    /// Authorized when a rule decided (its name in `decided_by`), else
    /// unauthorized: what CloudTrail and the policy alone can say.
    pub fn by_rule(decided_by: Option<&String>) -> Verdict {
        if decided_by.is_some() {
            Verdict::Authorized
        } else {
            Verdict::Unauthorized
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Unauthorized => "unauthorized",
            Verdict::Authorized => "authorized",
            Verdict::Approved => "approved",
            Verdict::Unjudged => "unjudged",
        }
    }
}

/// The approval that decided a change, as shown in reports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApprovalRef {
    pub change_id: String,
    pub reason: String,
    pub by: String,
    pub at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
}

impl From<&Approval> for ApprovalRef {
    fn from(a: &Approval) -> Self {
        ApprovalRef {
            change_id: a.change_id.clone(),
            reason: a.reason.clone(),
            by: a.by.clone(),
            at: a.at.clone(),
            expires: a.expires.clone(),
        }
    }
}

/// A verdict and what decided it.
#[derive(Debug, Clone, PartialEq)]
pub struct Judgement {
    pub verdict: Verdict,
    pub decided_by: Option<String>,
    pub approval: Option<ApprovalRef>,
    pub notes: Vec<String>,
}

/// Judges one change against the baseline's approvals. An approval covers a
/// change when it names the same resource and the resource's current content
/// is exactly what was approved, and it has not expired.
pub fn judge_by_approvals(
    change: &Change,
    current: &Snapshot,
    approvals: &[Approval],
    now: jiff::Timestamp,
) -> Judgement {
    let content = content_hash(current.resources.get(&change.resource.id));
    let mut notes = Vec::new();
    for a in approvals
        .iter()
        .filter(|a| !a.is_whole_state() && a.resource == change.resource.id)
    {
        if a.content != content {
            notes.push(format!(
                "approval {} ({}) no longer covers this resource: it changed again since",
                a.change_id, a.at
            ));
            continue;
        }
        if a.expired(now) {
            notes.push(format!(
                "approval {} expired on {}",
                a.change_id,
                a.expires.as_deref().unwrap_or("?")
            ));
            continue;
        }
        return Judgement {
            verdict: Verdict::Approved,
            decided_by: Some(format!(
                "approval {} by {}: {}",
                a.change_id, a.by, a.reason
            )),
            approval: Some(a.into()),
            notes: vec![],
        };
    }
    Judgement {
        verdict: Verdict::Unauthorized,
        decided_by: None,
        approval: None,
        notes,
    }
}

pub mod policy;
pub mod standing;
pub mod transient;
pub mod writes;

pub use transient::{transient, Transient, TransientGroup};

use std::collections::{BTreeMap, BTreeSet};

use crate::trail::{Actor, Event};
use policy::Policy;

/// Everything judgement needs besides the change itself.
pub struct Evidence<'a> {
    pub baseline: &'a Snapshot,
    pub current: &'a Snapshot,
    pub approvals: &'a [Approval],
    pub policy: &'a Policy,
    /// `None` when no CloudTrail source was read: then nothing is attributed
    /// and nothing is said about gaps.
    pub events: Option<&'a EventIndex>,
    pub now: jiff::Timestamp,
}

/// Events by the resource ids they touched, each list in time order.
#[derive(Debug, Default)]
pub struct EventIndex {
    events: Vec<Event>,
    by_resource: BTreeMap<String, Vec<usize>>,
    /// Events read twice and dropped: (successful, failed).
    pub duplicates: (u64, u64),
}

impl EventIndex {
    pub fn new(mut events: Vec<Event>) -> Self {
        events.sort_by(|a, b| (&a.time, &a.id).cmp(&(&b.time, &b.id)));
        // The same event can arrive twice (overlapping sources, multi-region trails).
        let before_ok = events.iter().filter(|e| e.succeeded()).count();
        let before = events.len();
        events.dedup_by(|a, b| !a.id.is_empty() && a.id == b.id);
        let ok = events.iter().filter(|e| e.succeeded()).count();
        let duplicates = (
            (before_ok - ok) as u64,
            ((before - before_ok) - (events.len() - ok)) as u64,
        );
        let mut by_resource: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, e) in events.iter().enumerate() {
            for r in &e.resources {
                by_resource.entry(r.clone()).or_default().push(i);
            }
        }
        EventIndex {
            events,
            by_resource,
            duplicates,
        }
    }
    /// Every event, in time order.
    pub fn events(&self) -> &[Event] {
        &self.events
    }
    pub fn len(&self) -> usize {
        self.events.len()
    }
    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }
    /// Events touching a resource, oldest first, whose effect the snapshot
    /// holds: only those can explain a change or undo one. The others are
    /// writes outside the snapshot.
    pub fn for_resource(&self, id: &str) -> Vec<&Event> {
        self.by_resource
            .get(id)
            .map(|ix| {
                ix.iter()
                    .map(|&i| &self.events[i])
                    .filter(|e| e.effect_not_held.is_none())
                    .collect()
            })
            .unwrap_or_default()
    }
    pub fn resource_ids(&self) -> impl Iterator<Item = &String> {
        self.by_resource.keys()
    }
}

/// Whether CloudTrail explains a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Attribution {
    /// A successful event on the resource explains it.
    Attributed,
    /// CloudTrail was read and no event explains it.
    Unattributed,
}

/// The full answer for one change (or transient change): who, when, verdict.
#[derive(Debug, Clone, PartialEq)]
pub struct Attributed {
    pub judgement: Judgement,
    /// `None` when CloudTrail was not read.
    pub attribution: Option<Attribution>,
    pub actor: Option<Actor>,
    pub events: Vec<Event>,
}

/// Judges a resource's events against the policy: authorized when every
/// successful event is allowed by some rule.
fn by_policy(resource_id: &str, events: &[&Event], ev: &Evidence<'_>) -> Option<String> {
    by_rules(resource_id, events, ev, false)
}

/// [`by_policy`]; `unheld` for a resource neither state holds, where the
/// built-in rules for AWS acting as itself also decide (see
/// [`policy::builtin_write_rules`]).
fn by_rules(
    resource_id: &str,
    events: &[&Event],
    ev: &Evidence<'_>,
    unheld: bool,
) -> Option<String> {
    let ok: Vec<&Event> = events.iter().copied().filter(|e| e.succeeded()).collect();
    if ok.is_empty() {
        return None;
    }
    let mut rules = BTreeSet::new();
    for e in &ok {
        let r = if unheld {
            ev.policy
                .allowing_write(e, resource_id, ev.baseline, ev.current)?
        } else {
            ev.policy
                .allowing(e, resource_id, ev.baseline, ev.current)?
        };
        rules.insert(r.spec.name.clone());
    }
    Some(format!(
        "rule {}",
        rules.into_iter().collect::<Vec<_>>().join(", ")
    ))
}

type Found = (Option<Attribution>, Option<Actor>, Vec<Event>);

fn attribute(resource_id: &str, ev: &Evidence<'_>) -> Found {
    let Some(index) = ev.events else {
        return (None, None, vec![]);
    };
    let events: Vec<Event> = index
        .for_resource(resource_id)
        .into_iter()
        .cloned()
        .collect();
    let actor = events
        .iter()
        .rev()
        .find(|e| e.succeeded())
        .map(|e| Actor::clone(&e.actor));
    let status = if actor.is_some() {
        Attribution::Attributed
    } else {
        Attribution::Unattributed
    };
    (Some(status), actor, events)
}

/// Judges a change: an approval decides first, then the policy (only for
/// attributed changes), otherwise it is unauthorized.
pub fn judge(change: &Change, ev: &Evidence<'_>) -> Attributed {
    let (attribution, actor, events) = attribute(&change.resource.id, ev);
    let mut j = judge_by_approvals(change, ev.current, ev.approvals, ev.now);
    if j.verdict == Verdict::Unauthorized {
        let refs: Vec<&Event> = events.iter().collect();
        if let Some(rule) = by_policy(&change.resource.id, &refs, ev) {
            j.verdict = Verdict::Authorized;
            j.decided_by = Some(rule);
        } else if attribution == Some(Attribution::Unattributed) {
            j.notes.push(
                "no CloudTrail event explains this change: a gap in logging, a change outside the window, \
                 or one not yet delivered (trails deliver within about 15 minutes)"
                    .into(),
            );
        } else if attribution == Some(Attribution::Attributed) {
            let who: BTreeSet<String> = events
                .iter()
                .filter(|e| e.succeeded())
                .map(|e| e.actor.display())
                .collect();
            // The last caller is named above the notes already.
            let others: Vec<String> = who
                .into_iter()
                .filter(|w| actor.as_ref().is_none_or(|a| &a.display() != w))
                .collect();
            j.notes.push(if others.is_empty() {
                "no [[allow]] rule covers it".to_string()
            } else {
                format!(
                    "no [[allow]] rule covers every event behind it (also by {})",
                    others.join(", ")
                )
            });
        }
    }
    Attributed {
        judgement: j,
        attribution,
        actor,
        events,
    }
}

#[cfg(test)]
mod tests;
