//! The one `Report` type every command produces, and its renderers. Renderers
//! are pure: `render(&Report, Format, &mut dyn Write)`.

mod junit;
mod markdown;
mod table;

use std::io::Write;

use serde::{Deserialize, Serialize};

use crate::attribution::{ApprovalRef, Verdict};
use crate::diff::{Change, NotCompared};
use crate::model::{Coverage, CoverageStatus};

pub const REPORT_SCHEMA: &str = "driftwatch.report/v1";

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
    Markdown,
    Junit,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub schema: String,
    pub account: String,
    /// When the current state was taken.
    pub taken_at: String,
    pub baseline: Option<BaselineInfo>,
    pub coverage: Vec<Coverage>,
    pub not_compared: Vec<NotCompared>,
    pub changes: Vec<ReportChange>,
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
    /// `asset`, `network`, `data`, `iam` or `dns`: the risk area of the resource kind.
    pub risk: String,
    pub verdict: Verdict,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approval: Option<ApprovalRef>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
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
    pub coverage_complete: bool,
}

/// The risk area a resource kind belongs to.
pub fn risk_of_kind(kind: &str) -> &'static str {
    match kind {
        "ec2.security_group" => "network",
        k if k.starts_with("ec2.") => "asset",
        k if k.starts_with("s3.") => "data",
        k if k.starts_with("iam.") => "iam",
        k if k.starts_with("route53.") => "dns",
        _ => "asset",
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
            coverage_complete: self
                .coverage
                .iter()
                .all(|c| c.status == CoverageStatus::Complete),
        };
    }

    /// 1 for unauthorized changes; else 3 when coverage is incomplete; else 0.
    pub fn exit_code(&self) -> u8 {
        if self.summary.unauthorized > 0 {
            crate::EXIT_FINDINGS
        } else if !self.summary.coverage_complete {
            crate::EXIT_INCOMPLETE
        } else {
            crate::EXIT_CLEAN
        }
    }

    pub fn incomplete_coverage(&self) -> impl Iterator<Item = &Coverage> {
        self.coverage
            .iter()
            .filter(|c| c.status != CoverageStatus::Complete)
    }
}

pub fn render(r: &Report, format: Format, out: &mut dyn Write) -> std::io::Result<()> {
    match format {
        Format::Json => {
            let mut v = serde_json::to_vec_pretty(r).map_err(std::io::Error::other)?;
            v.push(b'\n');
            out.write_all(&v)
        }
        Format::Table => table::render(r, out),
        Format::Markdown => markdown::render(r, out),
        Format::Junit => junit::render(r, out),
    }
}

/// Changes grouped by risk area in a fixed order, each group sorted by resource.
pub(crate) fn by_risk(r: &Report) -> Vec<(&'static str, Vec<&ReportChange>)> {
    const ORDER: &[&str] = &["network", "data", "iam", "dns", "asset"];
    ORDER
        .iter()
        .map(|risk| {
            (
                *risk,
                r.changes
                    .iter()
                    .filter(|c| c.risk == *risk)
                    .collect::<Vec<_>>(),
            )
        })
        .filter(|(_, v)| !v.is_empty())
        .collect()
}

#[cfg(test)]
mod tests;
