//! `driftwatch baseline approve`: accept changes by id, each pinned to the
//! content it accepted and written with a summary a reviewer can read in the
//! pull request, with the findings its resource now has; accept findings by
//! id, each pinned to its evidence; or accept the whole current state and
//! its findings (`--all`). Once every change since the baseline is
//! approved, review moves to the state's time, and CloudTrail is read from
//! there. Only the approvals, known findings and review time change in the
//! file: everything is written with sorted keys, so `git diff` shows what
//! was accepted and nothing else.

use std::path::PathBuf;

use anyhow::{bail, Result};

use super::{fold, local_user, Outcome};
use crate::baseline::{self, Approval, Baseline};
use crate::checks::known::{self, KnownFinding};
use crate::checks::Finding;
use crate::diff::{self, Change};
use crate::model::Snapshot;
use crate::report::Report;
use crate::resolve::{self, Acceptance, ApprovePlan, ApproveSource};

/// What `approve` did.
#[derive(Debug)]
pub struct ApproveOutcome {
    pub path: PathBuf,
    pub approved: Vec<String>,
    pub whole_state: bool,
    /// Findings accepted as known with it.
    pub known: usize,
    /// Nothing unapproved was left: review moved to the state's time.
    pub reviewed_to: Option<String>,
}

/// A change as the approver sees it: what it is and the content it pins.
struct Candidate {
    change: Change,
    content: String,
}

/// The state approvals are taken from, as much of it as approving needs.
struct Source {
    account: String,
    caller: Option<String>,
    candidates: Vec<Candidate>,
    /// The findings of that state: a report's, or the checks' on a state.
    findings: Vec<Finding>,
    /// When the state was taken, and whether it was read, compared and
    /// evaluated whole (only then may review move to its time).
    taken_at: String,
    complete: bool,
    /// The state itself, when read (not from a report).
    current: Option<Snapshot>,
}

fn source(
    from: ApproveSource,
    accept: &Acceptance,
    quiet: bool,
    now: jiff::Timestamp,
) -> Result<Source> {
    Ok(match from {
        ApproveSource::Report(r) => Source {
            account: r.account.clone(),
            caller: None,
            candidates: from_report(&r),
            findings: r.findings.clone(),
            taken_at: r.taken_at.clone(),
            complete: r.summary.complete,
            current: None,
        },
        ApproveSource::State(c) => {
            let (snap, read) = super::current_state(c, quiet)?;
            let caller = read.map(|s| s.caller_arn);
            let plan = super::CheckPlan {
                checks: &accept.checks,
                fail_on: crate::checks::FailOn::None,
                fail_on_known: false,
                warnings: &[],
            };
            let e = super::evaluate_checks(&snap, &accept.config, plan, now, None);
            Source {
                account: snap.account.clone(),
                caller,
                candidates: vec![],
                findings: e.findings,
                taken_at: snap.taken_at.clone(),
                complete: snap.fully_read() && e.not_evaluated.is_empty(),
                current: Some(snap),
            }
        }
    })
}

pub fn run(plan: ApprovePlan, quiet: bool, now: jiff::Timestamp) -> Result<Outcome> {
    let ApprovePlan {
        ids,
        all,
        reason,
        expires,
        by,
        source: from,
        baseline: baseline_path,
        accept,
    } = plan;
    let mut src = source(from, &accept, quiet, now)?;
    let path = baseline_path.unwrap_or_else(|| baseline::default_path(&src.account));
    // Held from load to save: two approvals at once both land, the second
    // reading what the first wrote.
    let _lock = crate::fsutil::lock_dir_of(&path)?;
    let loaded = resolve::load_baseline_file(&path)?;
    resolve::check_account(&loaded, &src.account)?;
    let (path, mut b) = loaded;
    let stamp = Stamp {
        ids: &ids,
        reason: &reason,
        expires: expires.as_deref(),
        by: by.or(src.caller.take()).unwrap_or_else(local_user),
        at: now.round(jiff::Unit::Second).unwrap_or(now).to_string(),
    };
    let outcome = match (&src.current, all) {
        (Some(cur), true) => {
            let known = approve_all(&mut b, cur, &accept.config, stamp, &src.findings)?;
            ApproveOutcome {
                path,
                approved: vec![],
                whole_state: true,
                known,
                reviewed_to: None,
            }
        }
        (Some(cur), false) => {
            let d = diff::diff(&b.snapshot, cur, &accept.config.diff_options()?);
            src.candidates = d
                .changes
                .into_iter()
                .map(|c| Candidate {
                    content: baseline::content_hash(cur.resources.get(&c.resource.id)),
                    change: c,
                })
                .collect();
            by_id(&mut b, &path, &src, stamp, now)?
        }
        (None, _) => by_id(&mut b, &path, &src, stamp, now)?,
    };
    baseline::save(&outcome.path, &b)?;
    let mut out = approved_outcome(&outcome, src.current.as_ref());
    out.messages.extend(still_new(&b, &src.findings));
    Ok(out)
}

/// The findings of the state that the baseline does not hold as known
/// after this approval, by id: what a reviewer may mean to accept too
/// (the instance behind a group just opened), each approvable by its id.
fn still_new(b: &Baseline, findings: &[Finding]) -> Vec<String> {
    findings
        .iter()
        .filter(|f| known::acceptable(f))
        .filter(|f| {
            !b.known_findings
                .iter()
                .any(|k| k.id == f.id && k.evidence == known::evidence_digest(f))
        })
        .map(|f| format!("still new: {} {} {}", f.id, f.check, f.message))
        .collect()
}

/// What `approve` says: what it did, and (with `--all`) what the state
/// could not read, whose baseline value was kept: exit 3, as `baseline
/// save` gives.
fn approved_outcome(outcome: &ApproveOutcome, current: Option<&Snapshot>) -> Outcome {
    let gaps: Vec<String> = current
        .iter()
        .filter(|_| outcome.whole_state)
        .flat_map(|c| c.coverage.values().filter(|c| !c.is_full()))
        .map(|c| format!("not read, baseline value kept: {}", c.describe()))
        .collect();
    let mut message = if outcome.whole_state {
        format!("{} now holds the current state", outcome.path.display())
    } else {
        format!(
            "approved {} in {}",
            outcome.approved.join(", "),
            outcome.path.display()
        )
    };
    if outcome.known > 0 {
        message.push_str(&format!(
            ", with {} accepted as known",
            crate::report::plural(outcome.known, "finding", "findings")
        ));
    }
    if let Some(t) = &outcome.reviewed_to {
        message.push_str(&format!(
            "; nothing unapproved is left, so review moves to {t} (CloudTrail is read from there)"
        ));
    }
    let code = if gaps.is_empty() {
        crate::ExitStatus::Clean
    } else {
        crate::ExitStatus::Incomplete
    };
    let mut out = Outcome::message(code, message);
    out.messages.splice(0..0, gaps);
    out
}

/// `--all` into the baseline at `path` with a state already read: one
/// account of `approve --all --accounts`.
pub(super) fn all_into(
    path: &std::path::Path,
    current: &Snapshot,
    accept: &Acceptance,
    reason: &str,
    by: &str,
    now: jiff::Timestamp,
) -> Result<Outcome> {
    let _lock = crate::fsutil::lock_dir_of(path)?;
    let loaded = resolve::load_baseline_file(path)?;
    resolve::check_account(&loaded, &current.account)?;
    let (path, mut b) = loaded;
    let stamp = Stamp {
        ids: &[],
        reason,
        expires: None,
        by: by.to_string(),
        at: now.round(jiff::Unit::Second).unwrap_or(now).to_string(),
    };
    let plan = super::CheckPlan {
        checks: &accept.checks,
        fail_on: crate::checks::FailOn::None,
        fail_on_known: false,
        warnings: &[],
    };
    let findings = super::evaluate_checks(current, &accept.config, plan, now, None).findings;
    let known = approve_all(&mut b, current, &accept.config, stamp, &findings)?;
    baseline::save(&path, &b)?;
    let outcome = ApproveOutcome {
        path,
        approved: vec![],
        whole_state: true,
        known,
        reviewed_to: None,
    };
    Ok(approved_outcome(&outcome, Some(current)))
}

fn from_report(r: &Report) -> Vec<Candidate> {
    r.changes
        .iter()
        .map(|c| Candidate {
            change: c.change.clone(),
            content: c.content.clone(),
        })
        .collect()
}

/// Who, when, why and until when: the same for every approval of one run.
struct Stamp<'a> {
    ids: &'a [String],
    reason: &'a str,
    expires: Option<&'a str>,
    by: String,
    at: String,
}

/// The whole current state into the baseline, its findings accepted as
/// known (a service the state could not read keeps the baseline's
/// resources, and their known findings with them); returns how many.
fn approve_all(
    b: &mut Baseline,
    current: &Snapshot,
    config: &crate::config::Config,
    stamp: Stamp<'_>,
    findings: &[Finding],
) -> Result<usize> {
    let n = diff::diff(&b.snapshot, current, &config.diff_options()?)
        .changes
        .len();
    b.snapshot = fold(&b.snapshot, current);
    // Per-change approvals are folded into the new state; keep the log of
    // whole-state approvals.
    b.approvals.retain(Approval::is_whole_state);
    b.approvals.push(Approval {
        change_id: "*".into(),
        resource: "*".into(),
        content: format!("{n} changes accepted"),
        reason: stamp.reason.into(),
        by: stamp.by,
        at: stamp.at,
        expires: None,
        summary: vec![],
    });
    let unread = |id: &str| {
        let (kind, region, _) = crate::model::split_id(id);
        current
            .coverage_for(kind, region)
            .is_none_or(|c| !c.is_full())
    };
    let mut kept: Vec<KnownFinding> = std::mem::take(&mut b.known_findings)
        .into_iter()
        .filter(|k| unread(&k.resource))
        .collect();
    let accepted = known::accept(findings, &current.taken_at, None);
    let count = accepted.len();
    known::merge(&mut kept, accepted);
    b.known_findings = kept;
    b.reviewed_at = None;
    Ok(count)
}

fn by_id(
    b: &mut Baseline,
    path: &std::path::Path,
    src: &Source,
    stamp: Stamp<'_>,
    now: jiff::Timestamp,
) -> Result<ApproveOutcome> {
    let mut approved = Vec::new();
    let mut missing = Vec::new();
    let mut accepted: Vec<Finding> = Vec::new();
    for id in stamp.ids {
        if let Some(f) = src.findings.iter().find(|f| &f.id == id) {
            if !known::acceptable(f) {
                bail!(
                    "{id}: a finding of an event check or under a suppression cannot be accepted as known; {} left unchanged",
                    path.display()
                );
            }
            accepted.push(f.clone());
            approved.push(id.clone());
            continue;
        }
        let Some(c) = src.candidates.iter().find(|c| &c.change.id == id) else {
            missing.push(id.as_str());
            continue;
        };
        let resource = c.change.resource.id.clone();
        // A newer approval of the same resource supersedes older ones.
        b.approvals
            .retain(|a| a.is_whole_state() || a.resource != resource);
        b.approvals.push(Approval {
            change_id: c.change.id.clone(),
            resource: resource.clone(),
            content: c.content.clone(),
            reason: stamp.reason.into(),
            by: stamp.by.clone(),
            at: stamp.at.clone(),
            expires: stamp.expires.map(str::to_string),
            summary: summary(&c.change),
        });
        // The resource's findings as it now is come with it; what it no
        // longer has is no longer known.
        b.known_findings.retain(|k| k.resource != resource);
        accepted.extend(
            src.findings
                .iter()
                .filter(|f| f.resource.id == resource && known::acceptable(f))
                .cloned(),
        );
        approved.push(c.change.id.clone());
    }
    if !missing.is_empty() {
        bail!(
            "no current change or finding has id {} (run a scan for the current ids); {} left unchanged",
            missing.join(", "),
            path.display()
        );
    }
    b.approvals
        .sort_by(|x, y| (&x.resource, &x.at).cmp(&(&y.resource, &y.at)));
    let accepted = known::accept(&accepted, &stamp.at, stamp.expires);
    let known = accepted.len();
    known::merge(&mut b.known_findings, accepted);
    let reviewed_to = review_moves(b, src, now).then(|| src.taken_at.clone());
    if let Some(t) = &reviewed_to {
        b.reviewed_at = Some(t.clone());
    }
    Ok(ApproveOutcome {
        path: path.to_path_buf(),
        approved,
        whole_state: false,
        known,
        reviewed_to,
    })
}

/// Review moves to the state's time when that state was read whole and
/// every change in it is now approved: the CloudTrail before it has been
/// looked at, change by change.
fn review_moves(b: &Baseline, src: &Source, now: jiff::Timestamp) -> bool {
    let later = match (
        src.taken_at.parse::<jiff::Timestamp>(),
        b.reviewed_until().parse::<jiff::Timestamp>(),
    ) {
        (Ok(t), Ok(r)) => t > r,
        _ => false,
    };
    let approved = |c: &Candidate| {
        b.approvals.iter().any(|a| {
            !a.is_whole_state()
                && a.resource == c.change.resource.id
                && a.content == c.content
                && !a.expired(now)
        })
    };
    later && src.complete && src.candidates.iter().all(approved)
}

/// The change in words: its summary line, then every field.
pub fn summary(c: &Change) -> Vec<String> {
    let mut lines = vec![format!("{} {}", c.resource.id, c.change.as_str())];
    if let Some(d) = &c.detail {
        lines.push(d.clone());
    }
    lines.extend(c.fields.iter().map(|f| f.short()));
    lines
}
