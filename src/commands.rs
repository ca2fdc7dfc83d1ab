//! Every command as a library function: inputs in, a `Report` or value out.
//! Only `lib::run` touches stdout.

use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Result};

use std::collections::BTreeSet;

use crate::attribution::{self, judge, EventIndex, Evidence};
use crate::baseline::{self, Approval, Baseline};
use crate::checks::{suppress, Check, Finding, Severity};
use crate::config::Config;
use crate::diff::{self, DiffResult};
use crate::model::Coverage;
use crate::model::Snapshot;
use crate::report::{risk_of_kind, BaselineInfo, Report, ReportChange, Summary, REPORT_SCHEMA};
use crate::report::{ReportTransient, TrailSummary};
use crate::trail::source::Window;

/// What to evaluate besides drift.
#[derive(Clone, Copy)]
pub struct CheckPlan<'a> {
    pub checks: &'a [Check],
    pub fail_on: Severity,
}

impl CheckPlan<'_> {
    pub const NONE: CheckPlan<'static> = CheckPlan {
        checks: &[],
        fail_on: Severity::High,
    };
}

/// The check registry for a run: built-ins, `[checks] dirs`, then `--checks` dirs.
pub fn load_checks(config: &Config, extra: &[PathBuf]) -> Result<Vec<Check>> {
    let mut dirs = config.checks.dirs.clone();
    dirs.extend(extra.iter().cloned());
    let checks = crate::checks::registry(&dirs)?;
    if let Some(id) = config
        .checks
        .disable
        .iter()
        .find(|id| !checks.iter().any(|c| &c.id == *id))
    {
        bail!("[checks] disable names {id}, which is not a check");
    }
    Ok(checks)
}

/// Runs the checks and applies suppressions; check evaluation errors and
/// suppression notices come back as warnings.
pub fn evaluate_checks(
    snap: &Snapshot,
    config: &Config,
    plan: CheckPlan<'_>,
    now: jiff::Timestamp,
) -> (Vec<Finding>, Vec<String>) {
    if plan.checks.is_empty() {
        return (vec![], vec![]);
    }
    let (mut findings, errors) = crate::checks::evaluate(plan.checks, snap, &config.checks, now);
    let mut warnings: Vec<String> = errors
        .iter()
        .map(|e| {
            format!(
                "check {} could not be evaluated on {}: {}",
                e.check, e.resource, e.message
            )
        })
        .collect();
    warnings.extend(suppress::apply(&mut findings, &config.suppress, now));
    (findings, warnings)
}

/// Builds a report of posture findings alone (`driftwatch check`).
pub fn check_report(
    current: &Snapshot,
    config: &Config,
    plan: CheckPlan<'_>,
    now: jiff::Timestamp,
) -> Report {
    let (findings, warnings) = evaluate_checks(current, config, plan, now);
    let mut r = Report {
        schema: REPORT_SCHEMA.into(),
        account: current.account.clone(),
        taken_at: current.taken_at.clone(),
        baseline: None,
        coverage: current.coverage.values().cloned().collect(),
        not_compared: vec![],
        changes: vec![],
        transient: vec![],
        cloudtrail: None,
        findings,
        fail_on: plan.fail_on,
        warnings,
        summary: Summary::default(),
    };
    r.finish();
    r
}

/// CloudTrail events read for a scan, with how reading went.
pub struct TrailInput {
    pub index: EventIndex,
    pub summary: TrailSummary,
    pub coverage: Vec<Coverage>,
}

impl TrailInput {
    /// From what a reader produced; skipped files become warnings too.
    pub fn from_read(read: crate::aws::cloudtrail::TrailRead, window: &Window) -> TrailInput {
        let summary = TrailSummary {
            sources: read.sources,
            window_start: window.start.map(|t| t.to_string()),
            window_end: window.end.map(|t| t.to_string()),
            files_read: read.outcome.files_read,
            records_read: read.outcome.records,
            events_used: read.outcome.events.len(),
            files_skipped: read.outcome.skipped,
        };
        TrailInput {
            index: EventIndex::new(read.outcome.events),
            summary,
            coverage: read.coverage,
        }
    }
}

/// The window attribution reads: from the baseline to the current state,
/// plus a minute, because a snapshot is read over time after its `taken_at`.
pub fn window(baseline: &Snapshot, current: &Snapshot) -> Window {
    Window {
        start: baseline.taken_at.parse().ok(),
        end: current
            .taken_at
            .parse::<jiff::Timestamp>()
            .ok()
            .map(|t| t + jiff::SignedDuration::from_secs(60)),
    }
}

/// Builds a report from a baseline and a current state.
pub fn build_report(
    baseline: &Baseline,
    baseline_path: Option<&Path>,
    current: &Snapshot,
    config: &Config,
    plan: CheckPlan<'_>,
    trail: Option<&TrailInput>,
    now: jiff::Timestamp,
) -> Result<Report> {
    let policy = config.policy()?;
    let DiffResult {
        changes,
        not_compared,
    } = diff::diff(&baseline.snapshot, current, &config.diff_options()?);
    let (findings, warnings) = evaluate_checks(current, config, plan, now);
    let evidence = Evidence {
        baseline: &baseline.snapshot,
        current,
        approvals: &baseline.approvals,
        policy: &policy,
        events: trail.map(|t| &t.index),
        now,
    };
    let changed: BTreeSet<String> = changes.iter().map(|c| c.resource.id.clone()).collect();
    let changes = changes
        .into_iter()
        .map(|c| {
            let a = judge(&c, &evidence);
            ReportChange {
                risk: risk_of_kind(&c.resource.kind).into(),
                change: c,
                verdict: a.judgement.verdict,
                decided_by: a.judgement.decided_by,
                approval: a.judgement.approval,
                notes: a.judgement.notes,
                attribution: a.attribution.map(str::to_string),
                actor: a.actor,
                events: a.events,
            }
        })
        .collect();
    let transient = attribution::transient(&changed, &evidence)
        .into_iter()
        .map(|t| ReportTransient {
            risk: risk_of_kind(&t.resource.kind).into(),
            resource: t.resource,
            verdict: t.attributed.judgement.verdict,
            decided_by: t.attributed.judgement.decided_by,
            notes: t.attributed.judgement.notes,
            actor: t.attributed.actor,
            events: t.attributed.events,
        })
        .collect();
    let mut coverage: Vec<Coverage> = current.coverage.values().cloned().collect();
    let mut warnings_extra = Vec::new();
    if let Some(t) = trail {
        coverage.extend(t.coverage.iter().cloned());
        for s in &t.summary.files_skipped {
            warnings_extra.push(format!("CloudTrail log {} skipped: {}", s.path, s.reason));
        }
    }
    let mut r = Report {
        schema: REPORT_SCHEMA.into(),
        account: current.account.clone(),
        taken_at: current.taken_at.clone(),
        baseline: Some(BaselineInfo {
            path: baseline_path
                .map(|p| p.display().to_string())
                .unwrap_or_else(|| "-".into()),
            taken_at: baseline.snapshot.taken_at.clone(),
        }),
        coverage,
        not_compared,
        changes,
        transient,
        cloudtrail: trail.map(|t| t.summary.clone()),
        findings,
        fail_on: plan.fail_on,
        warnings: warnings_extra.into_iter().chain(warnings).collect(),
        summary: Summary::default(),
    };
    r.finish();
    Ok(r)
}

/// `driftwatch diff OLD NEW`.
pub fn diff_files(old: &Path, new: &Path, config: &Config) -> Result<Report> {
    let o = baseline::load(old)?;
    let n = baseline::load(new)?;
    build_report(
        &o.into_baseline(),
        Some(old),
        n.snapshot(),
        config,
        CheckPlan::NONE,
        None,
        jiff::Timestamp::now(),
    )
}

/// Loads the baseline for an account, with errors that say what to do.
pub fn load_baseline(path: Option<&Path>, account: &str) -> Result<(PathBuf, Baseline)> {
    let path = path
        .map(Path::to_path_buf)
        .unwrap_or_else(|| baseline::default_path(account));
    if !path.exists() {
        bail!(
            "{}: no baseline (create one with `driftwatch baseline save`)",
            path.display()
        );
    }
    let b = baseline::load(&path)?.into_baseline();
    if b.snapshot.account != account {
        bail!(
            "{}: baseline is for account {}, but the current state is account {}",
            path.display(),
            b.snapshot.account,
            account
        );
    }
    Ok((path, b))
}

/// Loads a snapshot file given as the current state (a baseline's snapshot
/// is accepted too).
pub fn load_current(path: &Path) -> Result<Snapshot> {
    Ok(baseline::load(path)?.into_snapshot())
}

/// What `approve` did.
#[derive(Debug)]
pub struct ApproveOutcome {
    pub path: PathBuf,
    pub approved: Vec<String>,
    pub whole_state: bool,
}

pub struct ApproveRequest<'a> {
    pub ids: &'a [String],
    pub all: bool,
    pub reason: &'a str,
    pub expires: Option<&'a str>,
    pub by: String,
}

/// Records approvals in the baseline (atomically), or accepts everything.
pub fn approve(
    baseline_path: Option<&Path>,
    current: &Snapshot,
    config: &Config,
    req: ApproveRequest<'_>,
    now: jiff::Timestamp,
) -> Result<ApproveOutcome> {
    if req.reason.trim().is_empty() {
        bail!("--reason must say why");
    }
    if let Some(e) = req.expires {
        let t = baseline::parse_time(e)
            .ok_or_else(|| anyhow!("--expires {e:?}: not a date (YYYY-MM-DD) or RFC 3339 time"))?;
        if t <= now {
            bail!("--expires {e}: already in the past");
        }
    }
    let (path, mut b) = load_baseline(baseline_path, &current.account)?;
    let at = now.round(jiff::Unit::Second).unwrap_or(now).to_string();
    if req.all {
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
            reason: req.reason.into(),
            by: req.by,
            at,
            expires: None,
        });
        baseline::save(&path, &b)?;
        return Ok(ApproveOutcome {
            path,
            approved: vec![],
            whole_state: true,
        });
    }
    let d = diff::diff(&b.snapshot, current, &config.diff_options()?);
    let mut approved = Vec::new();
    let mut missing = Vec::new();
    for id in req.ids {
        match d.changes.iter().find(|c| &c.id == id) {
            None => missing.push(id.as_str()),
            Some(c) => {
                let content = baseline::content_hash(current.resources.get(&c.resource.id));
                // A newer approval of the same resource supersedes older ones.
                b.approvals
                    .retain(|a| a.is_whole_state() || a.resource != c.resource.id);
                b.approvals.push(Approval {
                    change_id: c.id.clone(),
                    resource: c.resource.id.clone(),
                    content,
                    reason: req.reason.into(),
                    by: req.by.clone(),
                    at: at.clone(),
                    expires: req.expires.map(str::to_string),
                });
                approved.push(c.id.clone());
            }
        }
    }
    if !missing.is_empty() {
        bail!(
            "no current change has id {} (run a scan for the current ids); {} left unchanged",
            missing.join(", "),
            path.display()
        );
    }
    b.approvals
        .sort_by(|x, y| (&x.resource, &x.at).cmp(&(&y.resource, &y.at)));
    baseline::save(&path, &b)?;
    Ok(ApproveOutcome {
        path,
        approved,
        whole_state: false,
    })
}

/// The new baseline state after `approve --all`: the current state, except
/// where the current state could not be read. There the baseline keeps what
/// it had, so a denied service never empties the baseline.
pub fn fold(old: &Snapshot, current: &Snapshot) -> Snapshot {
    let mut next = current.clone();
    let unread = |kind: &str, region: &str| {
        current
            .coverage_for(kind, region)
            .is_none_or(|c| c.status != crate::model::CoverageStatus::Complete)
    };
    for (id, r) in &old.resources {
        if unread(&r.kind, &r.region) {
            next.resources.insert(id.clone(), r.clone());
        }
    }
    for (key, c) in &old.coverage {
        let keep_old = current
            .coverage
            .get(key)
            .is_none_or(|n| n.status != crate::model::CoverageStatus::Complete);
        if keep_old {
            next.coverage.insert(key.clone(), c.clone());
        }
    }
    for r in &old.regions {
        if !next.regions.contains(r) {
            next.regions.push(r.clone());
        }
    }
    next.regions.sort();
    next
}

/// `baseline show` as text.
pub fn show_baseline(b: &Baseline, path: &Path, now: jiff::Timestamp) -> String {
    use std::collections::BTreeMap;
    use std::fmt::Write;
    let mut s = String::new();
    let snap = &b.snapshot;
    let _ = writeln!(s, "baseline {} (account {})", path.display(), snap.account);
    let _ = writeln!(
        s,
        "taken at {} by driftwatch {}",
        snap.taken_at, snap.driftwatch_version
    );
    let _ = writeln!(s, "regions: {}", snap.regions.join(", "));
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    for r in snap.resources.values() {
        *kinds.entry(&r.kind).or_default() += 1;
    }
    let _ = writeln!(s, "resources: {}", snap.resources.len());
    for (k, n) in kinds {
        let _ = writeln!(s, "  {k:<34} {n}");
    }
    for c in snap.coverage.values().filter(|c| !c.is_full()) {
        let _ = writeln!(s, "  not read: {}", c.describe());
    }
    let _ = writeln!(s, "approvals: {}", b.approvals.len());
    for a in &b.approvals {
        let state = if a.is_whole_state() {
            "whole state"
        } else if a.expired(now) {
            "EXPIRED"
        } else {
            "active"
        };
        let _ = writeln!(
            s,
            "  {} {} [{}] by {} at {}{}: {}",
            a.change_id,
            a.resource,
            state,
            a.by,
            a.at,
            a.expires
                .as_deref()
                .map(|e| format!(", expires {e}"))
                .unwrap_or_default(),
            a.reason
        );
    }
    s
}

/// Who is approving when no `--by` is given and no AWS identity is at hand.
pub fn local_user() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .map(|u| format!("user:{u}"))
        .unwrap_or_else(|_| "unknown".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{CoverageStatus, Resource, GLOBAL};

    #[test]
    fn approve_all_keeps_what_the_current_state_could_not_read() {
        let mut old = Snapshot::new("1", "2026-01-01T00:00:00Z");
        old.coverage
            .insert("s3/global".into(), Coverage::complete("s3", GLOBAL));
        old.coverage
            .insert("iam/global".into(), Coverage::complete("iam", GLOBAL));
        old.insert(Resource::new(
            "s3.bucket",
            GLOBAL,
            "b1",
            None,
            &serde_json::json!({}),
        ));
        old.insert(Resource::new(
            "iam.user",
            GLOBAL,
            "u1",
            None,
            &serde_json::json!({}),
        ));
        let mut cur = Snapshot::new("1", "2026-01-02T00:00:00Z");
        let mut denied = Coverage::complete("s3", GLOBAL);
        denied.status = CoverageStatus::Denied;
        cur.coverage.insert("s3/global".into(), denied);
        cur.coverage
            .insert("iam/global".into(), Coverage::complete("iam", GLOBAL));
        cur.insert(Resource::new(
            "iam.user",
            GLOBAL,
            "u2",
            None,
            &serde_json::json!({}),
        ));
        let next = fold(&old, &cur);
        let ids: Vec<&str> = next.resources.keys().map(String::as_str).collect();
        assert_eq!(ids, ["iam.user/global/u2", "s3.bucket/global/b1"]);
        assert_eq!(next.coverage["s3/global"].status, CoverageStatus::Complete);
    }
}
