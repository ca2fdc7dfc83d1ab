//! Known findings: the posture findings a reviewed baseline accepted
//! (`baseline save`, `baseline approve`), each pinned to the evidence it was
//! computed on, and the classification of a run's findings against them.
//!
//! A finding's id names its check and resource, not what it found; the
//! evidence digest is what was reviewed. So the same check on the same
//! resource with other evidence (a second port opened to the world, one
//! more public statement) is `updated`, which fails the run like a new
//! finding, while a finding exactly as reviewed is `known` and fails only
//! with `--fail-on-known`. Event findings are never known: each is a new
//! act in the account's history, not part of its state.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{Finding, Severity};

/// A finding the reviewed state holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
/// Fields in key order, as a state file holds them (see [`crate::to_pretty_state`]).
pub struct KnownFinding {
    pub check: String,
    /// Digest of the evidence accepted ([`evidence_digest`]).
    pub evidence: String,
    /// Until when, when it was accepted with a change approval that expires.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    /// The finding id (`f-...`).
    pub id: String,
    /// The finding's message when accepted, for a reviewer reading the
    /// baseline's diff in a pull request.
    pub message: String,
    /// The resource id.
    pub resource: String,
    pub severity: Severity,
    /// When it was accepted (RFC 3339).
    pub since: String,
}

/// How a run's finding stands against the reviewed state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingStatus {
    /// Not in the reviewed state.
    New,
    /// In the reviewed state with other evidence: it got worse, or different.
    Updated,
    /// Exactly as reviewed.
    Known,
}

impl FindingStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            FindingStatus::New => "new",
            FindingStatus::Updated => "updated",
            FindingStatus::Known => "known",
        }
    }
}

/// What the evidence of a finding was: its sorted items, hashed.
pub fn evidence_digest(f: &Finding) -> String {
    let d = Sha256::digest(f.evidence.join("\0").as_bytes());
    format!("sha256:{}", &crate::diff::hex(&d)[..32])
}

/// Whether a finding can be part of a reviewed state: a resource check's
/// finding that no suppression holds (a suppression is a time-boxed
/// acceptance of its own; recording it as known would outlive its expiry).
pub fn acceptable(f: &Finding) -> bool {
    f.events.is_none() && f.suppressed.is_none()
}

/// The known findings a reviewer accepts with these findings, sorted by id.
pub fn accept(findings: &[Finding], at: &str, expires: Option<&str>) -> Vec<KnownFinding> {
    let mut out: Vec<KnownFinding> = findings
        .iter()
        .filter(|f| acceptable(f))
        .map(|f| KnownFinding {
            id: f.id.clone(),
            check: f.check.clone(),
            resource: f.resource.id.clone(),
            severity: f.severity,
            evidence: evidence_digest(f),
            message: f.message.clone(),
            since: at.to_string(),
            expires: expires.map(str::to_string),
        })
        .collect();
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out
}

/// Puts `accepted` into `known`, replacing entries of the same id, sorted.
pub fn merge(known: &mut Vec<KnownFinding>, accepted: Vec<KnownFinding>) {
    known.retain(|k| !accepted.iter().any(|a| a.id == k.id));
    known.extend(accepted);
    known.sort_by(|a, b| a.id.cmp(&b.id));
}

/// Marks every finding new, updated or known against `known`, with a note
/// where an acceptance expired or the evidence moved on; returns the known
/// findings that are gone, among those `settled` says this run would have
/// found again (its check ran on the resource, every value of it read).
pub fn classify(
    findings: &mut [Finding],
    known: &[KnownFinding],
    now: jiff::Timestamp,
    settled: impl Fn(&KnownFinding) -> bool,
) -> Vec<KnownFinding> {
    let by_id: std::collections::BTreeMap<&str, &KnownFinding> =
        known.iter().map(|k| (k.id.as_str(), k)).collect();
    for f in findings.iter_mut() {
        f.status = Some(status_of(f, by_id.get(f.id.as_str()).copied(), now));
    }
    let found: std::collections::BTreeSet<&str> = findings.iter().map(|f| f.id.as_str()).collect();
    known
        .iter()
        .filter(|k| !found.contains(k.id.as_str()) && settled(k))
        .cloned()
        .collect()
}

fn status_of(f: &mut Finding, k: Option<&KnownFinding>, now: jiff::Timestamp) -> FindingStatus {
    let Some(k) = k.filter(|_| f.events.is_none()) else {
        return FindingStatus::New;
    };
    if let Some(e) = k
        .expires
        .as_deref()
        .filter(|e| crate::baseline::parse_time(e).is_some_and(|t| t <= now))
    {
        f.notes
            .push(format!("accepted as known until {e}: that has passed"));
        return FindingStatus::New;
    }
    if k.evidence != evidence_digest(f) {
        f.notes
            .push(format!("was, when accepted {}: {}", k.since, k.message));
        return FindingStatus::Updated;
    }
    FindingStatus::Known
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::ResourceRef;
    use crate::model::Risk;

    fn finding(id: &str, evidence: &[&str]) -> Finding {
        Finding {
            id: id.into(),
            check: "SG002".into(),
            title: "SSH open to the world".into(),
            severity: Severity::High,
            risk: Risk::Network,
            resource: ResourceRef {
                id: format!("ec2.security_group/us-east-1/{id}"),
                kind: "ec2.security_group".into(),
                region: "us-east-1".into(),
                native_id: id.into(),
                arn: None,
            },
            message: format!("{id} allows SSH: {}", evidence.join("; ")),
            evidence: evidence.iter().map(|s| s.to_string()).collect(),
            suppressed: None,
            authorized_by: vec![],
            notes: vec![],
            locations: vec![],
            events: None,
            status: None,
        }
    }

    fn now() -> jiff::Timestamp {
        "2026-12-01T00:00:00Z".parse().unwrap()
    }

    #[test]
    fn the_same_evidence_is_known_other_evidence_updated_and_the_rest_new() {
        let accepted = accept(
            &[
                finding("f-a", &["tcp 22 0.0.0.0/0"]),
                finding("f-b", &["tcp 22 0.0.0.0/0"]),
            ],
            "2026-11-30T00:00:00Z",
            None,
        );
        let mut now_found = vec![
            finding("f-a", &["tcp 22 0.0.0.0/0"]),
            finding("f-b", &["tcp 22 0.0.0.0/0", "tcp 22 ::/0"]),
            finding("f-c", &["tcp 22 0.0.0.0/0"]),
        ];
        let resolved = classify(&mut now_found, &accepted, now(), |_| true);
        let status: Vec<_> = now_found.iter().map(|f| f.status.unwrap()).collect();
        assert_eq!(
            status,
            [
                FindingStatus::Known,
                FindingStatus::Updated,
                FindingStatus::New
            ]
        );
        assert!(resolved.is_empty());
        assert!(
            now_found[1].notes[0]
                .contains("was, when accepted 2026-11-30T00:00:00Z: f-b allows SSH"),
            "{:?}",
            now_found[1].notes
        );
    }

    #[test]
    fn a_known_finding_no_longer_found_is_resolved_only_where_the_run_would_see_it() {
        let accepted = accept(
            &[finding("f-a", &["x"]), finding("f-b", &["x"])],
            "2026-11-30T00:00:00Z",
            None,
        );
        let resolved = classify(&mut [], &accepted, now(), |k| k.id == "f-a");
        assert_eq!(
            resolved.iter().map(|k| k.id.as_str()).collect::<Vec<_>>(),
            ["f-a"]
        );
    }

    #[test]
    fn an_expired_acceptance_makes_the_finding_new_again() {
        let accepted = accept(
            &[finding("f-a", &["x"])],
            "2026-11-01T00:00:00Z",
            Some("2026-11-15"),
        );
        let mut found = vec![finding("f-a", &["x"])];
        classify(&mut found, &accepted, now(), |_| true);
        assert_eq!(found[0].status, Some(FindingStatus::New));
        assert!(found[0].notes[0].contains("until 2026-11-15"));
    }

    #[test]
    fn suppressed_and_event_findings_are_never_accepted_as_known() {
        let mut suppressed = finding("f-s", &["x"]);
        suppressed.suppressed = Some(crate::checks::suppress::SuppressionRef {
            reason: "r".into(),
            owner: "o".into(),
            expires: "2027-01-01".into(),
        });
        let mut event = finding("f-e", &["x"]);
        event.events = Some(Default::default());
        assert!(accept(&[suppressed, event], "t", None).is_empty());
    }
}
