//! The one `Report` type every command produces, and its renderers. Renderers
//! are pure: `render(&Report, Format, &mut dyn Write)`.

pub mod accounts;
mod junit;
mod markdown;
mod sarif;
mod table;

use std::io::Write;

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
    pub not_compared: Vec<NotCompared>,
    pub changes: Vec<ReportChange>,
    /// Changes made and undone between the two states (CloudTrail only).
    #[serde(default)]
    pub transient: Vec<ReportTransient>,
    /// Successful writes CloudTrail recorded that explain no change, grouped
    /// and judged (CloudTrail only).
    #[serde(default)]
    pub writes: Vec<crate::attribution::writes::Write>,
    /// How CloudTrail was read; absent when it was not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloudtrail: Option<TrailSummary>,
    /// Posture findings (suppressed ones included, marked).
    #[serde(default)]
    pub findings: Vec<Finding>,
    /// Findings at or above this severity fail the run.
    pub fail_on: crate::checks::FailOn,
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
    /// The "what" cell: summary, who and when, what decided, notes. `decided`
    /// and `note` are the separators each format wants before those parts.
    pub(crate) fn what(&self, decided: &str, note: &str) -> String {
        let mut what = self.change.summary();
        if let Some(w) = who_when(self.attribution, self.actor.as_ref(), &self.events) {
            what.push_str(&format!("\n{w}"));
        }
        if let Some(d) = &self.decided_by {
            what.push_str(&format!("{decided}({d})"));
        }
        for n in &self.notes {
            what.push_str(&format!("{note}{n}"));
        }
        what
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
    /// Unsuppressed findings at or above `fail_on`.
    pub failing_findings: usize,
    pub suppressed_findings: usize,
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

/// The risk area a resource kind belongs to, as its kind file declares
/// (asset for a kind this build does not know, e.g. from a newer baseline).
pub fn risk_of_kind(kind: &str) -> Risk {
    crate::kinds::by_name(kind).map_or(Risk::Asset, |k| k.risk)
}

/// The most characters a table or Markdown cell shows. Wrapping a cell costs
/// more than linear time in the table library (an 80,000-character policy
/// took 4 s in a release build, 30 s in a debug one), and nobody reads such
/// a cell: the JSON report keeps every value whole.
pub const CELL_MAX_CHARS: usize = 1500;

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

/// "by WHO at WHEN from IP" for the latest successful event, or why not.
pub(crate) fn who_when(
    attribution: Option<Attribution>,
    actor: Option<&Actor>,
    events: &[Event],
) -> Option<String> {
    match attribution {
        None => None,
        Some(Attribution::Unattributed) => Some("no CloudTrail event found".into()),
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
    /// Fills in `summary` from the contents; call after building.
    pub fn finish(&mut self) {
        use crate::diff::ChangeKind::*;
        let count =
            |f: &dyn Fn(&ReportChange) -> bool| self.changes.iter().filter(|c| f(c)).count();
        self.summary = Summary {
            changes: self.changes.len(),
            added: count(&|c| c.change.change == Added),
            removed: count(&|c| c.change.change == Removed),
            modified: count(&|c| c.change.change == Modified),
            unauthorized: count(&|c| c.verdict == Verdict::Unauthorized),
            authorized: count(&|c| c.verdict == Verdict::Authorized),
            approved: count(&|c| c.verdict == Verdict::Approved),
            not_compared: self.not_compared.len(),
            transient: self.transient.len(),
            transient_unauthorized: self
                .transient
                .iter()
                .filter(|t| t.verdict == Verdict::Unauthorized)
                .count(),
            writes: self.writes.len(),
            writes_unauthorized: self
                .writes
                .iter()
                .filter(|w| w.verdict == Verdict::Unauthorized)
                .count(),
            unattributed: count(&|c| c.attribution == Some(Attribution::Unattributed)),
            findings: self.findings.len(),
            failing_findings: self
                .findings
                .iter()
                .filter(|f| f.suppressed.is_none() && self.fail_on.fails(f.severity))
                .count(),
            suppressed_findings: self
                .findings
                .iter()
                .filter(|f| f.suppressed.is_some())
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

    fn warned(&self, code: WarningCode) -> usize {
        self.warnings.iter().filter(|w| w.code == code).count()
    }

    /// 1 for unauthorized changes or failing findings; else 3 when anything
    /// was not read, compared or evaluated; else 0.
    pub fn exit_code(&self) -> u8 {
        if self.summary.unauthorized > 0
            || self.summary.transient_unauthorized > 0
            || self.summary.failing_findings > 0
        {
            crate::EXIT_FINDINGS
        } else if !self.summary.complete {
            crate::EXIT_INCOMPLETE
        } else {
            crate::EXIT_CLEAN
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

pub fn render(r: &Report, format: Format, out: &mut dyn Write) -> std::io::Result<()> {
    match format {
        // Streamed: a report of 100k findings is over 100 MB of JSON.
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, r).map_err(std::io::Error::other)?;
            out.write_all(b"\n")
        }
        Format::Table => table::render(r, out),
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
