//! Transient changes: resources that successful events changed while
//! their net state did not move between the two states (a port opened at
//! 02:00 and closed at 02:20; an instance launched and terminated). Judged
//! like changes, and reported so that their number does not drown the
//! report: alike transients (same kind, same calls, same principal, same
//! verdict) beyond a handful become one group with a count, the time span
//! and samples. A day of an autoscaling fleet is a hundred thousand
//! instances launched and terminated; one line says so.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::{by_rules, Attributed, Attribution, Evidence, Judgement, Verdict};
use crate::diff::ResourceRef;
use crate::model::{split_id, Risk};
use crate::trail::ledger::{capped_insert, sample_list};
use crate::trail::{Actor, Event};

/// Groups of at most this many transients are listed one by one.
pub const HANDFUL: usize = 5;

/// A resource changed and changed back between the two states: visible only
/// in CloudTrail.
#[derive(Debug, Clone, PartialEq)]
pub struct Transient {
    pub resource: ResourceRef,
    pub attributed: Attributed,
}

/// Alike transients, counted: what a fleet's churn looks like in a report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TransientGroup {
    pub kind: String,
    pub risk: Risk,
    /// The calls that succeeded on each member, by name.
    pub events: Vec<String>,
    /// The identity behind the last call on each member: a role's ARN for
    /// its sessions (see [`Actor::principal`]).
    pub principal: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_identity: Option<String>,
    /// Up to five session names, the smallest.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sessions: Vec<String>,
    pub verdict: Verdict,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_by: Option<String>,
    pub count: u64,
    /// The first and last event of any member.
    pub first: String,
    pub last: String,
    pub regions: Vec<String>,
    /// Up to five member resource ids, the smallest.
    pub samples: Vec<String>,
}

/// One transient resource as judged, its events borrowed from the index.
struct Found<'a> {
    id: &'a str,
    /// The rules that authorized every event; `None`: unauthorized. The
    /// rest of a judgement is made only for the transients listed.
    decided_by: Option<String>,
    actor: Option<&'a Actor>,
    events: Vec<&'a Event>,
}

/// Every resource whose events changed it and whose net state did not
/// move, in id order. Judged on every core: a day of a fleet is hundreds
/// of thousands of resources, each judged event by event.
fn found<'a>(changed: &BTreeSet<String>, ev: &Evidence<'a>) -> Vec<Found<'a>> {
    use rayon::prelude::*;
    let Some(index) = ev.events else {
        return vec![];
    };
    let ids: Vec<&'a String> = index
        .resource_ids()
        .filter(|id| !changed.contains(*id))
        .collect();
    crate::parallel::install(|| {
        ids.par_iter()
            .with_min_len(1000)
            .filter_map(|id| one(id, index.for_resource(id), ev))
            .collect()
    })
}

/// One resource's events, when they make it transient.
fn one<'a>(id: &'a str, events: Vec<&'a Event>, ev: &Evidence<'_>) -> Option<Found<'a>> {
    if !events.iter().any(|e| e.succeeded()) {
        return None;
    }
    // Where the service could not be read, "no net change" is not known.
    let (kind, region, _) = split_id(id);
    if !ev.current.read_in_full(kind, region) || !ev.baseline.read_in_full(kind, region) {
        return None;
    }
    Some(judged(id, events, ev))
}

fn judged<'a>(id: &'a str, events: Vec<&'a Event>, ev: &Evidence<'_>) -> Found<'a> {
    let actor = events
        .iter()
        .rev()
        .find(|e| e.succeeded())
        .map(|e| e.actor.as_ref());
    // A resource neither state holds was created and deleted in between:
    // when AWS did both as itself (a service-linked role scaling a fleet),
    // the built-in rules for AWS's own writes decide, as outside the
    // snapshot.
    let unheld = !ev.current.resources.contains_key(id) && !ev.baseline.resources.contains_key(id);
    Found {
        id,
        decided_by: by_rules(id, &events, ev, unheld),
        actor,
        events,
    }
}

fn resource_ref(id: &str, ev: &Evidence<'_>) -> ResourceRef {
    if let Some(r) = ev
        .current
        .resources
        .get(id)
        .or_else(|| ev.baseline.resources.get(id))
    {
        return ResourceRef::of(r);
    }
    let (kind, region, native_id) = split_id(id);
    ResourceRef {
        id: id.to_string(),
        kind: kind.into(),
        region: region.into(),
        native_id: native_id.into(),
        arn: None,
    }
}

impl Found<'_> {
    fn verdict(&self) -> Verdict {
        Verdict::by_rule(self.decided_by.as_ref())
    }

    fn whole(self, ev: &Evidence<'_>) -> Transient {
        Transient {
            resource: resource_ref(self.id, ev),
            attributed: Attributed {
                judgement: Judgement {
                    verdict: self.verdict(),
                    decided_by: self.decided_by,
                    approval: None,
                    notes: vec![
                        "changed and changed back between the baseline and now: only CloudTrail saw it"
                            .into(),
                    ],
                },
                attribution: Some(Attribution::Attributed),
                actor: self.actor.cloned(),
                events: self.events.into_iter().cloned().collect(),
            },
        }
    }

    /// What makes transients alike.
    fn key(&self) -> GroupKey {
        let mut names: Vec<String> = self
            .events
            .iter()
            .filter(|e| e.succeeded())
            .map(|e| e.name.clone())
            .collect();
        names.sort_unstable();
        names.dedup();
        GroupKey {
            verdict: self.verdict(),
            kind: split_id(self.id).0.to_string(),
            names,
            principal: self.actor.map(Actor::principal).unwrap_or_default(),
            source_identity: self.actor.and_then(|a| a.source_identity.clone()),
            decided_by: self.decided_by.clone(),
        }
    }
}

/// Resources that successful events changed but whose net state did not
/// move, each judged like a change and given in full.
pub fn transient(changed: &BTreeSet<String>, ev: &Evidence<'_>) -> Vec<Transient> {
    found(changed, ev)
        .into_iter()
        .map(|f| f.whole(ev))
        .collect()
}

/// The transients as a report gives them.
#[derive(Debug, Default)]
pub struct Reported {
    /// Members of groups of at most [`HANDFUL`] (every one with `all`), in full.
    pub listed: Vec<Transient>,
    /// The larger groups, unauthorized first, then the largest.
    pub groups: Vec<TransientGroup>,
    /// Every transient resource, listed or grouped.
    pub ids: BTreeSet<String>,
}

#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct GroupKey {
    verdict: Verdict,
    kind: String,
    names: Vec<String>,
    principal: String,
    source_identity: Option<String>,
    decided_by: Option<String>,
}

/// [`transient`], with alike transients beyond a handful counted in
/// groups instead of given in full (unless `all`): only what is listed is
/// copied out of the index.
pub fn reported(changed: &BTreeSet<String>, ev: &Evidence<'_>, all: bool) -> Reported {
    let mut by_key: BTreeMap<GroupKey, Vec<Found<'_>>> = BTreeMap::new();
    for f in found(changed, ev) {
        by_key.entry(f.key()).or_default().push(f);
    }
    let mut out = Reported::default();
    for (key, members) in by_key {
        out.ids.extend(members.iter().map(|f| f.id.to_string()));
        if all || members.len() <= HANDFUL {
            out.listed.extend(members.into_iter().map(|f| f.whole(ev)));
        } else {
            out.groups.push(group(key, &members));
        }
    }
    out.listed.sort_by(|a, b| a.resource.id.cmp(&b.resource.id));
    out.groups.sort_by(|a, b| {
        (a.verdict, std::cmp::Reverse(a.count)).cmp(&(b.verdict, std::cmp::Reverse(b.count)))
    });
    out
}

fn group(key: GroupKey, members: &[Found<'_>]) -> TransientGroup {
    let mut sessions = BTreeSet::new();
    let mut samples = BTreeSet::new();
    let mut regions = BTreeSet::new();
    let (mut first, mut last) = (None::<jiff::Timestamp>, None::<jiff::Timestamp>);
    for f in members {
        capped_insert(&mut samples, Some(f.id));
        capped_insert(
            &mut sessions,
            f.actor.and_then(|a| a.session_name.as_deref()),
        );
        regions.insert(split_id(f.id).1.to_string());
        for t in f.events.iter().filter_map(|e| e.timestamp()) {
            first = Some(first.map_or(t, |f| f.min(t)));
            last = Some(last.map_or(t, |l| l.max(t)));
        }
    }
    let text = |t: Option<jiff::Timestamp>| t.map(|t| t.to_string()).unwrap_or_default();
    TransientGroup {
        risk: crate::report::risk_of_kind(&key.kind),
        kind: key.kind,
        events: key.names,
        principal: key.principal,
        source_identity: key.source_identity,
        sessions: sessions.into_iter().collect(),
        verdict: key.verdict,
        decided_by: key.decided_by,
        count: members.len() as u64,
        first: text(first),
        last: text(last),
        regions: regions.into_iter().collect(),
        samples: samples.into_iter().collect(),
    }
}

impl TransientGroup {
    /// `12 ec2.instance changed and changed back: RunInstances, ...`
    pub fn what(&self) -> String {
        format!(
            "{} {} changed and changed back: {}",
            self.count,
            self.kind,
            self.events.join(", ")
        )
    }

    /// `by PRINCIPAL (source identity S), sessions a, b, ...`
    pub fn who(&self) -> String {
        let mut who = format!("by {}", self.principal);
        if let Some(s) = &self.source_identity {
            who.push_str(&format!(" (source identity {s})"));
        }
        if !self.sessions.is_empty() {
            who.push_str(&format!(", sessions {}", sample_list(&self.sessions)));
        }
        who
    }

    /// `FIRST to LAST`
    pub fn when(&self) -> String {
        format!("{} to {}", self.first, self.last)
    }

    /// The samples' native ids (kind and region are in [`Self::what`]),
    /// `and N more`.
    pub fn which(&self) -> String {
        let rest = self.count.saturating_sub(self.samples.len() as u64);
        let mut which = self
            .samples
            .iter()
            .map(|id| split_id(id).2)
            .collect::<Vec<_>>()
            .join(", ");
        if rest > 0 {
            which.push_str(&format!(" and {rest} more"));
        }
        which
    }

    /// The group in a few lines, for tables: what, who, when, which, and
    /// the rule that authorized it.
    pub fn lines(&self) -> Vec<String> {
        let mut out = vec![self.what(), self.who(), self.when(), self.which()];
        out.extend(self.decided_by.as_ref().map(|d| format!("({d})")));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Coverage, Resource, Snapshot, GLOBAL};
    use serde_json::json;

    fn launched(n: usize, label: &str, role: &str, session: &str) -> Vec<Event> {
        let actor = Actor {
            identity_type: "AssumedRole".into(),
            arn: Some(format!("arn:aws:sts::1:assumed-role/{role}/{session}")),
            role_arn: Some(format!("arn:aws:iam::1:role/{role}")),
            session_name: Some(session.into()),
            ..Default::default()
        };
        let ev = |name: &str, i: usize, t: &str| Event {
            id: format!("{label}-{name}-{i}"),
            name: name.into(),
            source: "ec2.amazonaws.com".into(),
            time: t.into(),
            region: "us-east-1".into(),
            source_ip: None,
            user_agent: None,
            error_code: None,
            actor: actor.clone().into(),
            resources: vec![format!("ec2.instance/us-east-1/i-{label}{i:03}")],
            effect_not_held: None,
        };
        (0..n)
            .flat_map(|i| {
                [
                    ev("RunInstances", i, "2026-01-01T01:00:00Z"),
                    ev("TerminateInstances", i, "2026-01-01T02:00:00Z"),
                ]
            })
            .collect()
    }

    fn state(t: &str) -> Snapshot {
        let mut s = Snapshot::new("1", t);
        for svc in ["ec2", "iam"] {
            for region in [GLOBAL, "us-east-1"] {
                s.coverage.insert(
                    crate::model::coverage_key(svc, region),
                    Coverage::complete(svc, region),
                );
            }
        }
        s.insert(Resource::new("iam.role", GLOBAL, "kept", None, &json!({})));
        s
    }

    /// A fleet's launches by AWS's service-linked role are one authorized
    /// group; a person's six launches are one unauthorized group; three
    /// more by another person are listed one by one.
    #[test]
    fn alike_transients_beyond_a_handful_are_one_group() {
        let mut events = launched(
            40,
            "asg",
            "aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling",
            "AutoScaling",
        );
        events.extend(launched(6, "ci", "ci", "job-1"));
        events.extend(launched(3, "eve", "eve", "laptop"));
        let (base, cur) = (state("2026-01-01T00:00:00Z"), state("2026-01-02T00:00:00Z"));
        let idx = super::super::EventIndex::new(events);
        let policy = super::super::policy::Policy::new(&[], true).unwrap();
        let ev = Evidence {
            baseline: &base,
            current: &cur,
            approvals: &[],
            policy: &policy,
            events: Some(&idx),
            now: "2026-01-02T00:00:00Z".parse().unwrap(),
        };
        let r = reported(&BTreeSet::new(), &ev, false);
        assert_eq!(r.ids.len(), 49);
        let listed: Vec<&str> = r
            .listed
            .iter()
            .map(|t| t.resource.native_id.as_str())
            .collect();
        assert_eq!(listed, ["i-eve000", "i-eve001", "i-eve002"]);
        assert!(r
            .listed
            .iter()
            .all(|t| t.attributed.judgement.verdict == Verdict::Unauthorized));
        let groups: Vec<(Verdict, u64, &str, Option<&str>)> = r
            .groups
            .iter()
            .map(|g| {
                (
                    g.verdict,
                    g.count,
                    g.principal.as_str(),
                    g.decided_by.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            groups,
            [
                (Verdict::Unauthorized, 6, "arn:aws:iam::1:role/ci", None),
                (
                    Verdict::Authorized,
                    40,
                    "arn:aws:iam::1:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling",
                    Some("rule builtin:aws-service-linked-roles")
                ),
            ]
        );
        let fleet = &r.groups[1];
        assert_eq!(fleet.events, ["RunInstances", "TerminateInstances"]);
        assert_eq!(fleet.samples.len(), crate::trail::ledger::SAMPLES);
        assert_eq!(fleet.samples[0], "ec2.instance/us-east-1/i-asg000");
        assert_eq!(
            (fleet.first.as_str(), fleet.last.as_str()),
            ("2026-01-01T01:00:00Z", "2026-01-01T02:00:00Z")
        );
        assert_eq!(
            fleet.lines()[3],
            "i-asg000, i-asg001, i-asg002, i-asg003, i-asg004 and 35 more"
        );
        // Asked for all, every one is listed and nothing is grouped.
        let all = reported(&BTreeSet::new(), &ev, true);
        assert_eq!((all.listed.len(), all.groups.len()), (49, 0));
    }
}
