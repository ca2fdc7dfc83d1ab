//! The one `Report` type every command produces, and its renderers. Renderers
//! are pure: `render(&Report, Format, &mut dyn Write)`.

pub mod accounts;
mod group;
mod junit;
mod layout;
mod markdown;
mod sarif;
mod table;
pub mod wrap;

use std::io::Write;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::attribution::{ApprovalRef, Attribution, Verdict};
use crate::checks::Finding;
use crate::diff::{Change, NotCompared};
use crate::model::Risk;
use crate::model::{Coverage, CoverageStatus};
use crate::trail::source::SkippedFile;
use crate::trail::{Actor, Event};
use crate::warning::WarningCode;

pub const REPORT_SCHEMA: &str = "driftwatch.report/v3";

/// Older schemas a report may be read back in (`approve --from-report`):
/// v3 only added fields and narrowed `transient[]`, so a v2 report's
/// changes approve the same way.
pub const READABLE_SCHEMAS: &[&str] = &["driftwatch.report/v2", REPORT_SCHEMA];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
    Markdown,
    Junit,
    Sarif,
}

impl Format {
    pub const NAMES: &'static [&'static str] = &["table", "json", "markdown", "junit", "sarif"];
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub schema: String,
    pub account: String,
    /// The account's name in the organization, in a run over many accounts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_name: Option<String>,
    /// When the current state was taken.
    pub taken_at: String,
    pub baseline: Option<BaselineInfo>,
    pub coverage: Vec<Coverage>,
    /// The calls the live read made, by service and region (`ec2/us-east-1`:
    /// pages and per-resource reads, retries not counted): where the
    /// account's quota went. Absent when the state came from a file.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub api_calls: BTreeMap<String, u64>,
    pub not_compared: Vec<NotCompared>,
    pub changes: Vec<ReportChange>,
    /// Changes made and undone between the two states (CloudTrail only).
    /// Alike transients beyond a handful are counted in
    /// `transient_groups` instead (all listed with `--all-transients`).
    #[serde(default)]
    pub transient: Vec<ReportTransient>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub transient_groups: Vec<crate::attribution::TransientGroup>,
    /// Successful writes CloudTrail recorded that explain no change, grouped
    /// and judged (CloudTrail only).
    #[serde(default)]
    pub writes: Vec<crate::attribution::writes::Write>,
    /// How CloudTrail was read; absent when it was not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloudtrail: Option<TrailSummary>,
    /// Posture findings (suppressed ones included, marked), each new,
    /// updated or known against the baseline's reviewed findings.
    #[serde(default)]
    pub findings: Vec<Finding>,
    /// Findings the baseline accepted that this run no longer finds.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resolved: Vec<crate::checks::known::KnownFinding>,
    /// Findings at or above this severity fail the run.
    pub fail_on: crate::checks::FailOn,
    /// Known findings fail the run too (`--fail-on-known`); by default only
    /// new and updated ones do.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub fail_on_known: bool,
    /// Approved changes left out of `changes` (`--show-approved` lists
    /// them); counted in the summary.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub approved_not_listed: usize,
    /// Things the user should know that are not findings: stale or expired
    /// suppressions, checks that could not be evaluated.
    #[serde(default)]
    pub warnings: Vec<crate::warning::Warning>,
    pub summary: Summary,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BaselineInfo {
    pub path: String,
    pub taken_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportChange {
    #[serde(flatten)]
    pub change: Change,
    /// The risk area of the resource kind.
    pub risk: Risk,
    /// Hash of the resource's content after the change (`absent` when it is
    /// gone): what `baseline approve --from-report` pins an approval to.
    pub content: String,
    pub verdict: Verdict,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approval: Option<ApprovalRef>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// Absent when CloudTrail was not read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribution: Option<Attribution>,
    /// Who made the (last) change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<Actor>,
    /// The CloudTrail events behind it, oldest first; failed calls included as context.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<Event>,
}

impl ReportChange {
    /// What happened, line by line: the change, who and when, what decided,
    /// then notes (each marked `! `). Nothing the lines above said again.
    pub(crate) fn lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        let summary = self.change.summary();
        if !summary.is_empty() {
            lines.push(summary);
        }
        lines.extend(who_when(
            self.attribution,
            self.actor.as_ref(),
            &self.events,
        ));
        lines.extend(self.decided_by.as_ref().map(|d| format!("({d})")));
        lines.extend(self.notes.iter().map(|n| format!("! {n}")));
        lines
    }

    /// [`Self::lines`] as one string, `sep` between them.
    pub(crate) fn what(&self, sep: &str) -> String {
        self.lines().join(sep)
    }
}

/// A change made and undone between the two states, seen only in CloudTrail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportTransient {
    pub resource: crate::diff::ResourceRef,
    pub risk: Risk,
    pub verdict: Verdict,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_by: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<Actor>,
    pub events: Vec<Event>,
}

/// What CloudTrail reading found.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TrailSummary {
    pub sources: Vec<String>,
    pub window_start: Option<String>,
    pub window_end: Option<String>,
    pub files_read: usize,
    pub records_read: u64,
    /// Events that touch watched resources, in the window.
    pub events_used: usize,
    pub files_skipped: Vec<SkippedFile>,
    /// Where every record read went.
    #[serde(default)]
    pub ledger: crate::trail::ledger::Ledger,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub changes: usize,
    pub added: usize,
    pub removed: usize,
    pub modified: usize,
    pub unauthorized: usize,
    pub authorized: usize,
    pub approved: usize,
    /// Changes nothing judged (`driftwatch diff`).
    #[serde(default)]
    pub unjudged: usize,
    pub not_compared: usize,
    pub transient: usize,
    pub transient_unauthorized: usize,
    /// Groups of writes outside the snapshot, and those no rule allowed.
    #[serde(default)]
    pub writes: usize,
    #[serde(default)]
    pub writes_unauthorized: usize,
    pub unattributed: usize,
    pub findings: usize,
    /// Findings not in the reviewed state, or in it with other evidence.
    #[serde(default)]
    pub new_findings: usize,
    /// Findings exactly as the baseline accepted them.
    #[serde(default)]
    pub known_findings: usize,
    /// Accepted findings no longer found.
    #[serde(default)]
    pub resolved_findings: usize,
    /// Findings that fail the run: unsuppressed, at or above `fail_on`,
    /// and not known (unless `fail_on_known`).
    pub failing_findings: usize,
    pub suppressed_findings: usize,
    /// Event findings whose every record an `[[allow]]` rule authorized.
    #[serde(default)]
    pub authorized_findings: usize,
    /// Every service and region was listed (values aside).
    pub coverage_complete: bool,
    /// Values that could not be read (`coverage[].unknown_values`).
    #[serde(default)]
    pub unknown_values: usize,
    /// Check and resource pairs a check could not evaluate (W001).
    #[serde(default)]
    pub not_evaluated: usize,
    /// CloudTrail files that could not be read (W004).
    #[serde(default)]
    pub trail_files_skipped: usize,
    /// Everything was read, compared and evaluated: what exit 0 promises.
    #[serde(default)]
    pub complete: bool,
}

impl Summary {
    /// What kept the run from being complete, in one sentence; `None`
    /// when it was.
    pub fn gaps(&self, coverage: &[Coverage]) -> Option<String> {
        if self.complete {
            return None;
        }
        let unread = coverage
            .iter()
            .filter(|c| c.status != CoverageStatus::Complete)
            .count();
        let parts: Vec<String> = [
            (
                unread,
                "service/region not read",
                "service/regions not read",
            ),
            (self.unknown_values, "value unknown", "values unknown"),
            (
                self.not_compared,
                "scope not compared",
                "scopes not compared",
            ),
            (
                self.not_evaluated,
                "check not evaluated",
                "checks not evaluated",
            ),
            (
                self.trail_files_skipped,
                "CloudTrail file skipped",
                "CloudTrail files skipped",
            ),
        ]
        .into_iter()
        .filter(|(n, _, _)| *n > 0)
        .map(|(n, one, many)| format!("{n} {}", if n == 1 { one } else { many }))
        .collect();
        Some(format!("Incomplete: {}.", parts.join(", ")))
    }
}

/// `1 finding`, `3 findings`.
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The closing lines of the table and Markdown: changes, then findings,
/// then what kept the run from being complete.
pub(crate) fn totals(r: &Report) -> String {
    let s = &r.summary;
    let mut changes = format!(
        "{}: {} unauthorized, {} authorized, {} approved",
        plural(s.changes, "change", "changes"),
        s.unauthorized,
        s.authorized,
        s.approved
    );
    if s.unjudged > 0 {
        changes = format!(
            "{} (not judged: no policy, approvals or CloudTrail were consulted)",
            plural(s.changes, "change", "changes")
        );
    }
    if s.transient > 0 {
        changes.push_str(&format!(
            "; {} ({} unauthorized)",
            plural(s.transient, "transient", "transient"),
            s.transient_unauthorized
        ));
    }
    let mut findings = plural(s.findings, "finding", "findings");
    let known = r.findings.iter().any(|f| f.status.is_some());
    let mut parts = Vec::new();
    if known {
        parts.push(format!("{} new", s.new_findings));
        parts.push(format!("{} known", s.known_findings));
    }
    parts.push(format!(
        "{} failing (at or above {}{})",
        s.failing_findings,
        r.fail_on.as_str(),
        if known && !r.fail_on_known {
            ", new only"
        } else {
            ""
        }
    ));
    parts.push(format!("{} suppressed", s.suppressed_findings));
    if s.authorized_findings > 0 {
        parts.push(format!("{} authorized", s.authorized_findings));
    }
    if s.resolved_findings > 0 {
        parts.push(format!("{} resolved", s.resolved_findings));
    }
    findings.push_str(&format!(": {}.", parts.join(", ")));
    let gaps = s
        .gaps(&r.coverage)
        .map(|g| format!(" {g}"))
        .unwrap_or_default();
    if s.unjudged > 0 && s.findings == 0 {
        // `diff`: no checks ran, so there is nothing to say of findings.
        return format!("{changes}.{gaps}");
    }
    format!("{changes}.\n{findings}{gaps}")
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// The risk area a resource kind belongs to, as its kind file declares
/// (asset for a kind this build does not know, e.g. from a newer baseline).
/// Groups of transient changes a table or Markdown shows; the JSON report
/// has them all. Unauthorized groups come first.
pub const GROUPS_SHOWN: usize = 10;

/// "… and 995 more groups (40,100 resources, 21,000 unauthorized)" when
/// there are more groups than are shown.
pub(crate) fn more_transient_groups(r: &Report) -> Option<String> {
    let rest = r.transient_groups.get(GROUPS_SHOWN..)?;
    if rest.is_empty() {
        return None;
    }
    let count: u64 = rest.iter().map(|g| g.count).sum();
    let unauthorized: u64 = rest
        .iter()
        .filter(|g| g.verdict == Verdict::Unauthorized)
        .map(|g| g.count)
        .sum();
    Some(format!(
        "… and {} more groups ({count} resources, {unauthorized} unauthorized): the JSON report lists every group",
        rest.len()
    ))
}

pub fn risk_of_kind(kind: &str) -> Risk {
    crate::kinds::by_name(kind).map_or(Risk::Asset, |k| k.risk)
}

/// The most characters a table or Markdown cell shows. Wrapping a cell costs
/// more than linear time in the table library (an 80,000-character policy
/// took 4 s in a release build, 30 s in a debug one), and nobody reads such
/// a cell: the JSON report keeps every value whole. Enough for a group's
/// five resources with their evidence and policy places.
pub const CELL_MAX_CHARS: usize = 3000;

/// `text`, cut to [`CELL_MAX_CHARS`] with a pointer to the JSON report.
pub(crate) fn clip(text: &str) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(CELL_MAX_CHARS) {
        None => std::borrow::Cow::Borrowed(text),
        Some((cut, _)) => {
            let rest = text[cut..].chars().count();
            std::borrow::Cow::Owned(format!(
                "{}… ({rest} more characters: the JSON report has them all)",
                &text[..cut]
            ))
        }
    }
}

/// "by WHO at WHEN from IP" for the latest successful event; `None` when
/// CloudTrail was not read or found nothing (a note then says why).
pub(crate) fn who_when(
    attribution: Option<Attribution>,
    actor: Option<&Actor>,
    events: &[Event],
) -> Option<String> {
    match attribution {
        None | Some(Attribution::Unattributed) => None,
        Some(_) => {
            let last = events.iter().rev().find(|e| e.succeeded())?;
            let who = actor
                .map(Actor::display)
                .unwrap_or_else(|| last.actor.display());
            Some(format!(
                "by {who} at {} via {}{}",
                last.time,
                last.name,
                last.source_ip
                    .as_deref()
                    .map(|ip| format!(" from {ip}"))
                    .unwrap_or_default()
            ))
        }
    }
}

impl Report {
    /// An empty report of an account's state taken at `taken_at`: what each
    /// command fills in, then [`Report::finish`]es.
    pub fn new(account: &str, taken_at: &str, fail_on: crate::checks::FailOn) -> Report {
        Report {
            schema: REPORT_SCHEMA.into(),
            account: account.into(),
            account_name: None,
            taken_at: taken_at.into(),
            baseline: None,
            coverage: vec![],
            api_calls: BTreeMap::new(),
            not_compared: vec![],
            changes: vec![],
            transient: vec![],
            transient_groups: vec![],
            writes: vec![],
            cloudtrail: None,
            findings: vec![],
            resolved: vec![],
            fail_on,
            fail_on_known: false,
            approved_not_listed: 0,
            warnings: vec![],
            summary: Summary::default(),
        }
    }

    /// Fills in `summary` from the contents; call after building.
    pub fn finish(&mut self) {
        use crate::checks::known::FindingStatus;
        use crate::diff::ChangeKind::*;
        let count =
            |f: &dyn Fn(&ReportChange) -> bool| self.changes.iter().filter(|c| f(c)).count();
        let known = |f: &&Finding| f.status == Some(FindingStatus::Known);
        self.summary = Summary {
            changes: self.changes.len() + self.approved_not_listed,
            added: count(&|c| c.change.change == Added),
            removed: count(&|c| c.change.change == Removed),
            modified: count(&|c| c.change.change == Modified),
            unauthorized: count(&|c| c.verdict == Verdict::Unauthorized),
            authorized: count(&|c| c.verdict == Verdict::Authorized),
            approved: count(&|c| c.verdict == Verdict::Approved) + self.approved_not_listed,
            unjudged: count(&|c| c.verdict == Verdict::Unjudged),
            not_compared: self.not_compared.len(),
            transient: self.transient.len()
                + self
                    .transient_groups
                    .iter()
                    .map(|g| g.count as usize)
                    .sum::<usize>(),
            transient_unauthorized: self
                .transient
                .iter()
                .filter(|t| t.verdict == Verdict::Unauthorized)
                .count()
                + self
                    .transient_groups
                    .iter()
                    .filter(|g| g.verdict == Verdict::Unauthorized)
                    .map(|g| g.count as usize)
                    .sum::<usize>(),
            writes: self.writes.len(),
            writes_unauthorized: self
                .writes
                .iter()
                .filter(|w| w.verdict == Verdict::Unauthorized)
                .count(),
            unattributed: count(&|c| c.attribution == Some(Attribution::Unattributed)),
            findings: self.findings.len(),
            new_findings: self.findings.iter().filter(|f| !known(f)).count(),
            known_findings: self.findings.iter().filter(known).count(),
            resolved_findings: self.resolved.len(),
            failing_findings: self.findings.iter().filter(|f| self.fails(f)).count(),
            suppressed_findings: self
                .findings
                .iter()
                .filter(|f| f.suppressed.is_some())
                .count(),
            authorized_findings: self
                .findings
                .iter()
                .filter(|f| f.set_aside_word() == Some("authorized"))
                .count(),
            coverage_complete: self
                .coverage
                .iter()
                .all(|c| c.status == CoverageStatus::Complete),
            unknown_values: self.coverage.iter().map(|c| c.unknown_values.len()).sum(),
            not_evaluated: self.warned(WarningCode::CheckNotEvaluated),
            trail_files_skipped: self.warned(WarningCode::TrailFileSkipped),
            complete: false,
        };
        let s = &mut self.summary;
        s.complete = s.coverage_complete
            && s.unknown_values == 0
            && s.not_compared == 0
            && s.not_evaluated == 0
            && s.trail_files_skipped == 0;
    }

    /// Whether a finding fails the run: neither suppressed nor authorized,
    /// at or above `fail_on`, and new or updated (known ones too with
    /// `fail_on_known`).
    pub fn fails(&self, f: &Finding) -> bool {
        f.set_aside().is_none()
            && self.fail_on.fails(f.severity)
            && (self.fail_on_known || f.status != Some(crate::checks::known::FindingStatus::Known))
    }

    /// Leaves approved changes out of `changes`, counting them: a reader
    /// sees what is not yet reviewed (`--show-approved` keeps them).
    pub fn hide_approved(&mut self) {
        let before = self.changes.len();
        self.changes.retain(|c| c.verdict != Verdict::Approved);
        self.approved_not_listed += before - self.changes.len();
        self.finish();
    }

    /// Every change unjudged: what `diff` gives, having consulted nothing.
    pub fn unjudged(&mut self) {
        for c in &mut self.changes {
            c.verdict = Verdict::Unjudged;
            c.decided_by = None;
            c.approval = None;
            c.notes.clear();
        }
        self.finish();
    }

    fn warned(&self, code: WarningCode) -> usize {
        self.warnings_of(code).count()
    }

    /// The messages of the warnings with this code.
    pub fn warnings_of(&self, code: WarningCode) -> impl Iterator<Item = &str> {
        self.warnings
            .iter()
            .filter(move |w| w.code == code)
            .map(|w| w.message.as_str())
    }

    /// 1 for unauthorized changes or failing findings (or, from `diff`,
    /// any change: the states differ); else 3 when anything was not read,
    /// compared or evaluated; else 0.
    pub fn exit_code(&self) -> crate::ExitStatus {
        if self.summary.unauthorized > 0
            || self.summary.unjudged > 0
            || self.summary.transient_unauthorized > 0
            || self.summary.failing_findings > 0
        {
            crate::ExitStatus::Findings
        } else if !self.summary.complete {
            crate::ExitStatus::Incomplete
        } else {
            crate::ExitStatus::Clean
        }
    }

    /// Values that could not be read, as `service/region: bucket.field: code`.
    pub fn unknown_values(&self) -> impl Iterator<Item = String> + '_ {
        self.coverage.iter().flat_map(|c| {
            c.unknown_values
                .iter()
                .map(move |v| format!("{}/{}: {v}", c.service, c.region))
        })
    }

    /// Values carried from the baseline rather than read again, in one
    /// sentence with a part per attribute and rule: `Carried from the
    /// baseline, not read again: 1000 ec2.instance.user_data (running
    /// since ...).` Known values, not gaps: said so the reader knows which
    /// calls were not made and why. `None` when nothing was carried.
    pub fn carried(&self) -> Option<String> {
        let mut sums: BTreeMap<(&str, crate::model::CarryRule), u64> = BTreeMap::new();
        for c in self.coverage.iter().flat_map(|c| &c.carried) {
            *sums.entry((c.value.as_str(), c.rule)).or_default() += c.count;
        }
        let parts: Vec<String> = sums
            .into_iter()
            .map(|((value, rule), n)| format!("{n} {value} ({})", rule.describe()))
            .collect();
        (!parts.is_empty()).then(|| {
            format!(
                "Carried from the baseline, not read again: {}.",
                parts.join("; ")
            )
        })
    }

    /// The writes outside the snapshot no rule allowed: what the table and
    /// Markdown list (the JSON report has them all).
    pub(crate) fn unauthorized_writes(&self) -> Vec<&crate::attribution::writes::Write> {
        self.writes
            .iter()
            .filter(|w| w.verdict == Verdict::Unauthorized)
            .collect()
    }

    pub fn incomplete_coverage(&self) -> impl Iterator<Item = &Coverage> {
        self.coverage
            .iter()
            .filter(|c| c.status != CoverageStatus::Complete)
    }
}

/// The width a table is drawn at when none is given and stdout is not a
/// terminal.
pub const DEFAULT_WIDTH: usize = 100;

/// The report's levels laid out on lines of their own (its fields, and
/// the items of its lists): see `layout`.
const REPORT_LEVELS: usize = 2;

/// Writes the report in `format`; a table is `width` columns wide.
pub fn render(
    r: &Report,
    format: Format,
    width: usize,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    match format {
        // Streamed: a report of 100k findings is tens of MB of JSON.
        Format::Json => {
            layout::write(&mut *out, r, REPORT_LEVELS)?;
            out.write_all(b"\n")
        }
        Format::Table => table::render(r, width, out),
        Format::Markdown => markdown::render(r, out),
        Format::Junit => junit::render(r, out),
        Format::Sarif => sarif::render(r, out),
    }
}

/// Changes and findings grouped by risk area in a fixed order.
pub(crate) type RiskGroup<'a> = (Risk, Vec<&'a ReportChange>, Vec<&'a Finding>);

pub(crate) fn by_risk(r: &Report) -> Vec<RiskGroup<'_>> {
    Risk::REPORT_ORDER
        .iter()
        .map(|risk| {
            let mut findings: Vec<&Finding> =
                r.findings.iter().filter(|f| f.risk == *risk).collect();
            // Most severe first.
            findings.sort_by(|a, b| b.severity.cmp(&a.severity).then(a.check.cmp(&b.check)));
            let changes = r
                .changes
                .iter()
                .filter(|c| c.risk == *risk)
                .collect::<Vec<_>>();
            (*risk, changes, findings)
        })
        .filter(|(_, c, f)| !c.is_empty() || !f.is_empty())
        .collect()
}

#[cfg(test)]
mod tests;
