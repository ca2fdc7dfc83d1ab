//! The report of a run over many accounts: one section per account (each a
//! whole [`Report`], so every change, finding and write sits under the
//! account it belongs to) and a roll-up. Shards of one organization merge
//! into the same shape (`driftwatch merge`), so a run split across a CI
//! matrix reads as one run.

use std::io::Write;

use serde::{Deserialize, Serialize};

use super::{Format, Report, Summary};
use crate::model::{Coverage, CoverageStatus};

pub const ACCOUNTS_SCHEMA: &str = "driftwatch.accounts/v1";

pub use crate::model::ACCOUNT_ACCESS as ACCESS;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountsReport {
    pub schema: String,
    /// One section per account, by account id.
    pub accounts: Vec<Report>,
    pub summary: RollUp,
}

/// The whole run in figures; each account's own summary is in its section.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RollUp {
    pub accounts: usize,
    /// Accounts with unauthorized changes or failing findings (exit 1).
    pub failing: Vec<String>,
    /// Accounts not wholly read, compared or evaluated, failing or not.
    pub incomplete: Vec<String>,
    /// Accounts that could not be reached (their role not assumed).
    pub unreachable: Vec<String>,
    pub changes: usize,
    pub unauthorized: usize,
    pub transient_unauthorized: usize,
    pub writes_unauthorized: usize,
    pub findings: usize,
    pub failing_findings: usize,
    /// Every account was read, compared and evaluated.
    pub complete: bool,
}

/// Why sections could not be put together.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum MergeError {
    #[error("account {0} is in more than one report: shards must not overlap")]
    Overlap(String),
}

impl AccountsReport {
    /// Sections in account order, the roll-up computed from them.
    pub fn new(mut accounts: Vec<Report>) -> Result<AccountsReport, MergeError> {
        accounts.sort_by(|a, b| a.account.cmp(&b.account));
        if let Some(w) = accounts.windows(2).find(|w| w[0].account == w[1].account) {
            return Err(MergeError::Overlap(w[0].account.clone()));
        }
        let summary = RollUp::of(&accounts);
        Ok(AccountsReport {
            schema: ACCOUNTS_SCHEMA.into(),
            accounts,
            summary,
        })
    }

    /// The worst of the accounts' exit statuses ([`crate::ExitStatus::worst`]).
    pub fn exit_code(&self) -> crate::ExitStatus {
        crate::ExitStatus::worst_of(self.accounts.iter().map(Report::exit_code))
    }
}

impl RollUp {
    fn of(accounts: &[Report]) -> RollUp {
        let ids = |f: &dyn Fn(&Report) -> bool| -> Vec<String> {
            accounts
                .iter()
                .filter(|r| f(r))
                .map(|r| r.account.clone())
                .collect()
        };
        let sum = |f: &dyn Fn(&Summary) -> usize| accounts.iter().map(|r| f(&r.summary)).sum();
        RollUp {
            accounts: accounts.len(),
            failing: ids(&|r| r.exit_code() == crate::ExitStatus::Findings),
            incomplete: ids(&|r| !r.summary.complete),
            unreachable: ids(&|r| unreachable(r).is_some()),
            changes: sum(&|s| s.changes),
            unauthorized: sum(&|s| s.unauthorized),
            transient_unauthorized: sum(&|s| s.transient_unauthorized),
            writes_unauthorized: sum(&|s| s.writes_unauthorized),
            findings: sum(&|s| s.findings),
            failing_findings: sum(&|s| s.failing_findings),
            complete: accounts.iter().all(|r| r.summary.complete),
        }
    }
}

/// Why an account could not be reached, when it could not.
pub fn unreachable(r: &Report) -> Option<&Coverage> {
    r.coverage
        .iter()
        .find(|c| c.service == ACCESS && c.status != CoverageStatus::Complete)
}

impl Report {
    /// The section of an account that could not be read (its role not
    /// assumed, its baseline missing): its one coverage entry says why, and
    /// its exit code is 3.
    pub fn not_read(
        account: &str,
        name: Option<String>,
        why: Coverage,
        fail_on: crate::checks::FailOn,
        taken_at: String,
    ) -> Report {
        let mut r = Report::new(account, &taken_at, fail_on);
        r.account_name = name;
        r.coverage = vec![why];
        r.finish();
        r
    }
}

/// Renders the roll-up, then every account's section as a report of its own.
pub fn render(
    r: &AccountsReport,
    format: Format,
    width: usize,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    match format {
        Format::Json => {
            // Each account's report as a single one is laid out, two
            // levels down (the roll-up, then `accounts[]`).
            super::layout::write(&mut *out, r, super::REPORT_LEVELS + 2)?;
            out.write_all(b"\n")
        }
        Format::Junit => super::junit::render_all(&r.accounts, out),
        Format::Sarif => super::sarif::render_all(&r.accounts, out),
        Format::Table => {
            roll_up_table(r, width, out)?;
            sections(r, width, out)
        }
        Format::Markdown => {
            // One comment for the whole run: cut as a whole, the roll-up
            // first, so the accounts that matter are never the part cut.
            let mut full = Vec::new();
            roll_up_markdown(r, &mut full)?;
            for section in &r.accounts {
                full.extend_from_slice(b"\n---\n\n");
                super::markdown::render_full(section, &mut full)?;
            }
            super::markdown::cut(&full, out)
        }
    }
}

fn sections(r: &AccountsReport, width: usize, out: &mut dyn Write) -> std::io::Result<()> {
    for section in &r.accounts {
        out.write_all(b"\n")?;
        super::render(section, Format::Table, width, out)?;
    }
    Ok(())
}

/// One row per account: what a reader scans first.
fn rows(r: &AccountsReport) -> Vec<[String; 6]> {
    r.accounts
        .iter()
        .map(|a| {
            let status = match (a.exit_code(), unreachable(a)) {
                (_, Some(c)) => format!("unreachable: {}", c.error_code.as_deref().unwrap_or("?")),
                (crate::ExitStatus::Findings, _) => "failing".into(),
                (crate::ExitStatus::Incomplete, _) => "incomplete".into(),
                _ => "clean".into(),
            };
            [
                a.account.clone(),
                a.account_name.clone().unwrap_or_default(),
                status,
                a.summary.changes.to_string(),
                (a.summary.unauthorized + a.summary.transient_unauthorized).to_string(),
                a.summary.failing_findings.to_string(),
            ]
        })
        .collect()
}

const HEADER: [&str; 6] = [
    "account",
    "name",
    "status",
    "changes",
    "unauthorized",
    "failing findings",
];

/// `N accounts: N failing, N incomplete, N unreachable`.
fn headline(s: &RollUp) -> String {
    format!(
        "{} accounts: {} failing, {} incomplete, {} unreachable",
        s.accounts,
        s.failing.len(),
        s.incomplete.len(),
        s.unreachable.len()
    )
}

fn roll_up_table(r: &AccountsReport, width: usize, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "driftwatch: {}", headline(&r.summary))?;
    let mut t = comfy_table::Table::new();
    t.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(comfy_table::ContentArrangement::Dynamic)
        .set_width(width as u16)
        .set_header(HEADER);
    for row in rows(r) {
        t.add_row(row);
    }
    writeln!(out, "{t}")
}

fn roll_up_markdown(r: &AccountsReport, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "# driftwatch: {}\n", headline(&r.summary))?;
    writeln!(out, "| {} |", HEADER.join(" | "))?;
    writeln!(out, "|{}", "---|".repeat(HEADER.len()))?;
    for row in rows(r) {
        let cells: Vec<String> = row.iter().map(|c| c.replace('|', "\\|")).collect();
        writeln!(out, "| {} |", cells.join(" | "))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::FailOn;

    fn section(account: &str, status: CoverageStatus) -> Report {
        let mut c = Coverage::complete(ACCESS, crate::model::GLOBAL);
        c.status = status;
        Report::not_read(account, None, c, FailOn::High, "t".into())
    }

    #[test]
    fn the_worst_account_decides_and_overlaps_are_refused() {
        let clean = section("1", CoverageStatus::Complete);
        assert_eq!(clean.exit_code(), crate::ExitStatus::Clean);
        let denied = section("2", CoverageStatus::Denied);
        let mut failing = section("3", CoverageStatus::Complete);
        failing.summary.failing_findings = 1;
        let r = AccountsReport::new(vec![denied.clone(), clean.clone()]).unwrap();
        assert_eq!(r.exit_code(), crate::ExitStatus::Incomplete);
        assert_eq!(r.summary.unreachable, ["2"]);
        assert_eq!(r.accounts[0].account, "1", "sections sorted by account");
        let r = AccountsReport::new(vec![denied, failing, clean.clone()]).unwrap();
        assert_eq!(r.exit_code(), crate::ExitStatus::Findings);
        assert_eq!(
            AccountsReport::new(vec![clean.clone(), clean]).unwrap_err(),
            MergeError::Overlap("1".into())
        );
    }
}
