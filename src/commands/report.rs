//! The report a run gives: the checks evaluated and their findings marked
//! against the baseline's known ones, the diff judged change by change
//! (approvals, the policy, CloudTrail), transient changes and writes
//! outside the snapshot, warnings for what matched nothing, and the
//! CloudTrail a run reads (its window, its event checks).

use std::collections::BTreeSet;
use std::path::Path;

use anyhow::Result;

use crate::attribution::{self, judge, EventIndex, Evidence};
use crate::baseline::{self, Baseline};
use crate::checks::known::KnownFinding;
use crate::checks::{suppress, Check, Finding};
use crate::config::Config;
use crate::diff::{self, DiffResult};
use crate::model::Coverage;
use crate::model::Snapshot;
use crate::report::{risk_of_kind, BaselineInfo, Report, ReportChange};
use crate::report::{ReportTransient, TrailSummary};
use crate::trail::source::Window;
use crate::warning::{Warning, WarningCode};

/// What to evaluate besides drift.
#[derive(Clone, Copy)]
pub struct CheckPlan<'a> {
    pub checks: &'a [Check],
    pub fail_on: crate::checks::FailOn,
    /// Known findings fail the run too.
    pub fail_on_known: bool,
    /// What loading the checks has to say (Sigma rules skipped), for the
    /// report.
    pub warnings: &'a [Warning],
}

impl<'a> CheckPlan<'a> {
    pub fn of(c: &'a crate::resolve::Checking) -> Self {
        CheckPlan {
            checks: &c.checks,
            fail_on: c.fail_on,
            fail_on_known: c.fail_on_known,
            warnings: &c.warnings,
        }
    }
}

impl CheckPlan<'_> {
    pub const NONE: CheckPlan<'static> = CheckPlan {
        checks: &[],
        fail_on: crate::checks::FailOn::High,
        fail_on_known: false,
        warnings: &[],
    };
}

/// What the checks of a run found, and where they could not say.
pub struct Evaluated {
    pub findings: Vec<Finding>,
    /// Check errors (W001) and suppression notices.
    pub warnings: Vec<Warning>,
    /// `(check, resource id)` pairs with no answer.
    pub not_evaluated: BTreeSet<(String, String)>,
}

/// What the resource checks found over one state, and where they could
/// not say: computed on its own so a scan can run them while CloudTrail
/// streams.
pub struct Checked {
    findings: Vec<Finding>,
    errors: Vec<crate::checks::CheckError>,
}

/// Runs the plan's resource checks over `snap`.
pub fn resource_checks(
    snap: &Snapshot,
    config: &Config,
    plan: CheckPlan<'_>,
    now: jiff::Timestamp,
) -> Checked {
    let (findings, errors) = if plan.checks.is_empty() {
        (vec![], vec![])
    } else {
        crate::checks::evaluate(plan.checks, snap, &config.checks, now)
    };
    Checked { findings, errors }
}

/// Runs the checks and applies suppressions; check evaluation errors and
/// suppression notices come back as warnings.
pub fn evaluate_checks(
    snap: &Snapshot,
    config: &Config,
    plan: CheckPlan<'_>,
    now: jiff::Timestamp,
    trail: Option<&TrailInput>,
) -> Evaluated {
    let checked = resource_checks(snap, config, plan, now);
    with_event_findings(checked, config, now, trail)
}

/// The resource checks' answers with the event checks', suppressions
/// applied; errors and suppression notices as warnings.
fn with_event_findings(
    checked: Checked,
    config: &Config,
    now: jiff::Timestamp,
    trail: Option<&TrailInput>,
) -> Evaluated {
    let Checked {
        mut findings,
        mut errors,
    } = checked;
    if let Some(t) = trail {
        findings.extend(t.findings.iter().cloned());
        errors.extend(t.check_errors.iter().cloned());
    }
    let mut warnings: Vec<Warning> = errors
        .iter()
        .map(|e| {
            Warning::new(
                WarningCode::CheckNotEvaluated,
                format!(
                    "check {} could not be evaluated on {}: {}",
                    e.check, e.resource, e.message
                ),
            )
        })
        .collect();
    warnings.extend(suppress::apply(&mut findings, &config.suppress, now));
    Evaluated {
        findings,
        warnings,
        not_evaluated: errors.into_iter().map(|e| (e.check, e.resource)).collect(),
    }
}

/// Whether this run would have found a known finding again had it still
/// been there: its check ran on the resource and read every value of it,
/// or the resource is gone from a service read in full.
fn would_find(
    k: &KnownFinding,
    current: &Snapshot,
    plan: CheckPlan<'_>,
    not_evaluated: &BTreeSet<(String, String)>,
) -> bool {
    let Some(check) = plan
        .checks
        .iter()
        .find(|c| c.id == k.check && c.target == crate::checks::Target::Resource)
    else {
        return false;
    };
    if not_evaluated.contains(&(k.check.clone(), k.resource.clone())) {
        return false;
    }
    match current.resources.get(&k.resource) {
        Some(r) => {
            check.kinds.contains(&r.kind) && crate::model::unknown_paths(&r.attrs.read()).is_empty()
        }
        None => {
            let (kind, region, _) = crate::model::split_id(&k.resource);
            current.read_in_full(kind, region)
        }
    }
}

/// The findings a baseline accepts with `state`, as known: what the
/// acceptance's checks find, suppressed ones left out (a suppression is an
/// acceptance of its own, with an expiry).
pub fn accepted_findings(
    state: &Snapshot,
    a: &crate::resolve::Acceptance,
    now: jiff::Timestamp,
) -> Vec<KnownFinding> {
    let plan = CheckPlan {
        checks: &a.checks,
        fail_on: crate::checks::FailOn::None,
        fail_on_known: false,
        warnings: &[],
    };
    let found = evaluate_checks(state, &a.config, plan, now, None).findings;
    crate::checks::known::accept(&found, &state.taken_at, None)
}

/// Builds a report of posture findings alone (`driftwatch check`).
pub fn check_report(
    current: &Snapshot,
    config: &Config,
    plan: CheckPlan<'_>,
    now: jiff::Timestamp,
) -> Report {
    let e = evaluate_checks(current, config, plan, now, None);
    let mut r = Report::new(&current.account, &current.taken_at, plan.fail_on);
    r.coverage = current.coverage.values().cloned().collect();
    r.findings = e.findings;
    r.warnings = plan.warnings.iter().cloned().chain(e.warnings).collect();
    r.fail_on_known = plan.fail_on_known;
    r.finish();
    r
}

/// CloudTrail events read for a scan, with how reading went.
pub struct TrailInput {
    pub index: EventIndex,
    /// What event checks found while the logs streamed, and where they
    /// could not be evaluated.
    pub findings: Vec<Finding>,
    pub check_errors: Vec<crate::checks::CheckError>,
    /// `[[allow]]` rules that authorized a record behind an event finding.
    pub rules_used: BTreeSet<String>,
    /// Writes on kinds driftwatch does not snapshot, grouped.
    pub writes: crate::trail::ledger::Writes,
    pub summary: TrailSummary,
    pub coverage: Vec<Coverage>,
    /// Give every transient change in full instead of grouping alike ones
    /// beyond a handful (`--all-transients`).
    pub list_all_transients: bool,
}

impl TrailInput {
    /// From what a reader produced; skipped files become warnings too.
    pub fn from_read(read: crate::aws::cloudtrail::TrailRead, window: &Window) -> TrailInput {
        let index = EventIndex::new(read.outcome.events);
        let mut ledger = read.outcome.ledger;
        let (ok, failed) = index.duplicates;
        ledger.unsorted -= ok;
        ledger.failed -= failed;
        ledger.skipped.duplicates += ok + failed;
        let summary = TrailSummary {
            sources: read.sources,
            window_start: window.start.map(|t| t.to_string()),
            window_end: window.end.map(|t| t.to_string()),
            files_read: read.outcome.files_read,
            records_read: read.outcome.records,
            events_used: index.len(),
            files_skipped: read.outcome.skipped,
            ledger,
        };
        TrailInput {
            index,
            findings: vec![],
            check_errors: vec![],
            rules_used: BTreeSet::new(),
            writes: read.outcome.writes,
            summary,
            coverage: read.coverage,
            list_all_transients: false,
        }
    }
}

impl TrailInput {
    /// Every transient change in full, or alike ones grouped.
    pub fn listing_all_transients(mut self, all: bool) -> Self {
        self.list_all_transients = all;
        self
    }

    /// Takes what the event checks found during the read, judged against
    /// the policy with both states.
    pub fn with_event_checks(
        mut self,
        runner: Option<&crate::checks::events::Runner>,
        baseline: &Snapshot,
        current: &Snapshot,
    ) -> Self {
        if let Some(r) = runner {
            let o = r.finish(baseline, current);
            (self.findings, self.check_errors, self.rules_used) =
                (o.findings, o.errors, o.rules_used);
        }
        self
    }
}

/// The event checks of a run, for the trail readers; `None` without any.
pub fn event_runner(
    plan: CheckPlan<'_>,
    baseline: &Snapshot,
    current: &Snapshot,
    config: &Config,
) -> Option<std::sync::Arc<crate::checks::events::Runner>> {
    let buckets = crate::checks::events::log_buckets(&[baseline, current]);
    let policy = config
        .policy()
        .expect("the [[allow]] rules compiled when the config was loaded");
    crate::checks::events::Runner::new(
        plan.checks,
        &current.account,
        &config.checks,
        buckets,
        policy,
    )
    .map(std::sync::Arc::new)
}

/// The window attribution reads: from where review of the baseline ended
/// (its state's time, or later once every change since was approved) to
/// the current state, plus a minute, because a snapshot is read over time
/// after its `taken_at`.
pub fn window(baseline: &Baseline, current: &Snapshot) -> Window {
    Window {
        start: baseline.reviewed_until().parse().ok(),
        end: current
            .taken_at
            .parse::<jiff::Timestamp>()
            .ok()
            .map(|t| t + jiff::SignedDuration::from_secs(60)),
        account: current.account.parse().ok(),
    }
}

/// Builds a report from a baseline and a current state; `checked`, the
/// resource checks' answers when they were run ahead (else they run here).
#[allow(clippy::too_many_arguments)]
pub fn build_report(
    baseline: &Baseline,
    baseline_path: Option<&Path>,
    current: &Snapshot,
    config: &Config,
    plan: CheckPlan<'_>,
    trail: Option<&TrailInput>,
    checked: Option<Checked>,
    now: jiff::Timestamp,
) -> Result<Report> {
    let policy = config.policy()?;
    let DiffResult {
        changes,
        not_compared,
    } = diff::diff(&baseline.snapshot, current, &config.diff_options()?);
    let Evaluated {
        mut findings,
        warnings,
        not_evaluated,
    } = with_event_findings(
        checked.unwrap_or_else(|| resource_checks(current, config, plan, now)),
        config,
        now,
        trail,
    );
    let resolved =
        crate::checks::known::classify(&mut findings, &baseline.known_findings, now, |k| {
            would_find(k, current, plan, &not_evaluated)
        });
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
        .map(|c| report_change(c, &evidence))
        .collect::<Vec<_>>();
    let all = trail.is_some_and(|t| t.list_all_transients);
    let attribution::transient::Reported {
        listed,
        groups: transient_groups,
        ids: transient_ids,
    } = attribution::transient::reported(&changed, &evidence, all);
    let transient = listed
        .into_iter()
        .map(|t| ReportTransient {
            risk: risk_of_kind(&t.resource.kind),
            resource: t.resource,
            verdict: t.attributed.judgement.verdict,
            decided_by: t.attributed.judgement.decided_by,
            notes: t.attributed.judgement.notes,
            actor: t.attributed.actor,
            events: t.attributed.events,
        })
        .collect::<Vec<ReportTransient>>();
    let (coverage, mut trail_warnings) = coverage_and_trail_warnings(current, trail);
    let (writes, ledger) = match trail {
        Some(t) => {
            let (w, l) = writes_outside(t, &changed, &transient_ids, &evidence);
            (w, Some(l))
        }
        None => (vec![], None),
    };
    trail_warnings.extend(unmatched_approvals(&baseline.approvals, &changed));
    if trail.is_some() {
        trail_warnings.extend(unmatched_rules(
            &config.allow,
            Decided {
                changes: &changes,
                transient: &transient,
                groups: &transient_groups,
                writes: &writes,
                by_event_checks: trail.map(|t| &t.rules_used),
            },
        ));
    }
    let mut r = Report::new(&current.account, &current.taken_at, plan.fail_on);
    r.baseline = Some(BaselineInfo {
        path: baseline_path
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| "-".into()),
        taken_at: baseline.snapshot.taken_at.clone(),
    });
    r.coverage = coverage;
    r.not_compared = not_compared;
    r.changes = changes;
    r.transient = transient;
    r.transient_groups = transient_groups;
    r.writes = writes;
    r.cloudtrail = trail.map(|t| TrailSummary {
        ledger: ledger.unwrap_or_default(),
        ..t.summary.clone()
    });
    r.findings = findings;
    r.resolved = resolved;
    r.fail_on_known = plan.fail_on_known;
    r.warnings = plan
        .warnings
        .iter()
        .cloned()
        .chain(trail_warnings)
        .chain(warnings)
        .collect();
    r.finish();
    Ok(r)
}

/// Sorts the kept events into the ledger and judges every write outside
/// the snapshot.
fn writes_outside(
    t: &TrailInput,
    changed: &BTreeSet<String>,
    transient: &BTreeSet<String>,
    evidence: &Evidence<'_>,
) -> (
    Vec<attribution::writes::Write>,
    crate::trail::ledger::Ledger,
) {
    let mut writes = t.writes.clone();
    let mut ledger = t.summary.ledger.clone();
    attribution::writes::sort_events(&t.index, changed, transient, &mut writes, &mut ledger);
    debug_assert!(ledger.balanced(), "{ledger:?}");
    let judged = attribution::writes::judged(&writes, evidence);
    (
        attribution::writes::merge_alike(judged, t.list_all_transients),
        ledger,
    )
}

/// What the policy decided this run, everywhere it decides.
struct Decided<'a> {
    changes: &'a [ReportChange],
    transient: &'a [ReportTransient],
    groups: &'a [attribution::TransientGroup],
    writes: &'a [attribution::writes::Write],
    /// Rules that authorized a record behind an event finding.
    by_event_checks: Option<&'a BTreeSet<String>>,
}

/// W005 for every `[[allow]]` rule that authorized nothing this run, like
/// an unmatched suppression: a rule that never matches is a typo or a
/// leftover, and a leftover rule is a door left open.
fn unmatched_rules(rules: &[attribution::policy::AllowRule], d: Decided<'_>) -> Vec<Warning> {
    let mut used: BTreeSet<String> = d.by_event_checks.cloned().unwrap_or_default();
    let decided = d
        .changes
        .iter()
        .filter_map(|c| c.decided_by.as_deref())
        .chain(d.transient.iter().filter_map(|t| t.decided_by.as_deref()))
        .chain(d.groups.iter().filter_map(|g| g.decided_by.as_deref()))
        .chain(d.writes.iter().filter_map(|w| w.decided_by.as_deref()));
    for d in decided {
        if let Some(names) = d.strip_prefix("rule ") {
            used.extend(names.split(", ").map(str::to_string));
        }
    }
    rules
        .iter()
        .filter(|r| !used.contains(&r.name))
        .map(|r| {
            Warning::new(
                WarningCode::AllowRuleUnmatched,
                format!(
                    "[[allow]] rule {:?} authorized nothing in this window",
                    r.name
                ),
            )
        })
        .collect()
}

/// W006 for every approval whose resource has no change left: the change
/// was undone, and the approval would quietly accept it again if it came
/// back. (An approval whose resource changed further is named on that
/// change instead.)
fn unmatched_approvals(
    approvals: &[crate::baseline::Approval],
    changed: &BTreeSet<String>,
) -> Vec<Warning> {
    approvals
        .iter()
        .filter(|a| !a.is_whole_state() && !changed.contains(&a.resource))
        .map(|a| {
            Warning::new(
                WarningCode::ApprovalUnmatched,
                format!(
                    "approval {} of {} covers no change: the resource is as the baseline holds it (`baseline approve --all` accepts the state and drops it)",
                    a.change_id, a.resource
                ),
            )
        })
        .collect()
}

/// A change with its verdict, attribution and the content it leads to
/// (what an approval taken from this report pins).
fn report_change(c: diff::Change, evidence: &Evidence<'_>) -> ReportChange {
    let a = judge(&c, evidence);
    ReportChange {
        risk: risk_of_kind(&c.resource.kind),
        content: baseline::content_hash(evidence.current.resources.get(&c.resource.id)),
        change: c,
        verdict: a.judgement.verdict,
        decided_by: a.judgement.decided_by,
        approval: a.judgement.approval,
        notes: a.judgement.notes,
        attribution: a.attribution,
        actor: a.actor,
        events: a.events,
    }
}

fn coverage_and_trail_warnings(
    current: &Snapshot,
    trail: Option<&TrailInput>,
) -> (Vec<Coverage>, Vec<Warning>) {
    let mut coverage: Vec<Coverage> = current.coverage.values().cloned().collect();
    let mut warnings = Vec::new();
    if let Some(t) = trail {
        coverage.extend(t.coverage.iter().cloned());
        for s in &t.summary.files_skipped {
            warnings.push(Warning::new(
                WarningCode::TrailFileSkipped,
                format!("CloudTrail log {} skipped: {}", s.path, s.reason),
            ));
        }
    }
    (coverage, warnings)
}
