//! Every command as a library function: a resolved plan in, an [`Outcome`]
//! out (a report or bytes, the exit status, messages for stderr). Nothing
//! here writes to stdout: `main` delivers the outcome. This file holds the
//! outcome and the dispatch; `report.rs` builds the report every reporting
//! command gives, `state.rs` gets the current state.

mod accounts;
mod approve;
mod baseline_cmds;
mod checks_cmd;
pub mod demo;
mod report;
mod scan;
mod snapshot;
mod state;

pub use approve::{summary as approval_summary, ApproveOutcome};
pub use report::{
    accepted_findings, build_report, check_report, evaluate_checks, event_runner, resource_checks,
    window, CheckPlan, Checked, Evaluated, TrailInput,
};
pub use state::{current_state, fold, local_user};

use std::path::PathBuf;

use anyhow::Result;

use crate::report::Report;

/// What a command produced, for `main` to deliver.
pub struct Outcome {
    pub output: Output,
    /// The exit status the result itself calls for (delivery may make it
    /// worse).
    pub code: crate::ExitStatus,
    /// Summaries for stderr (not printed under --quiet).
    pub messages: Vec<String>,
    /// Alerts to send once the report is out.
    pub alerts: Option<crate::resolve::Alerts>,
}

pub enum Output {
    None,
    /// Bytes for stdout or a file (snapshots, lists, completions).
    Bytes {
        bytes: Vec<u8>,
        path: Option<PathBuf>,
    },
    Report {
        report: Box<Report>,
        out: crate::resolve::ReportOut,
    },
    /// A run over many accounts; alerts go out per account.
    Accounts {
        report: Box<crate::report::accounts::AccountsReport>,
        out: crate::resolve::ReportOut,
    },
}

impl Outcome {
    pub fn message(code: crate::ExitStatus, message: String) -> Outcome {
        Outcome {
            output: Output::None,
            code,
            messages: vec![message],
            alerts: None,
        }
    }
    pub fn stdout(bytes: Vec<u8>) -> Outcome {
        Outcome {
            output: Output::Bytes { bytes, path: None },
            code: crate::ExitStatus::Clean,
            messages: vec![],
            alerts: None,
        }
    }
    /// A report, with its exit code and the warnings for stderr.
    pub fn report(
        report: Report,
        out: crate::resolve::ReportOut,
        alerts: Option<crate::resolve::Alerts>,
    ) -> Outcome {
        Outcome {
            code: report.exit_code(),
            messages: report
                .warnings
                .iter()
                .map(|w| format!("warning: {w}"))
                .collect(),
            output: Output::Report {
                report: Box::new(report),
                out,
            },
            alerts,
        }
    }
}

impl Outcome {
    /// A report over many accounts: the worst exit code, each section's
    /// warnings named by its account.
    pub fn accounts(
        report: crate::report::accounts::AccountsReport,
        out: crate::resolve::ReportOut,
        alerts: Option<crate::resolve::Alerts>,
    ) -> Outcome {
        Outcome {
            code: report.exit_code(),
            messages: report
                .accounts
                .iter()
                .flat_map(|r| {
                    r.warnings
                        .iter()
                        .map(move |w| format!("warning: account {}: {w}", r.account))
                })
                .collect(),
            output: Output::Accounts {
                report: Box::new(report),
                out,
            },
            alerts,
        }
    }
}

/// Runs a resolved plan.
pub fn execute(plan: crate::resolve::Plan) -> Result<Outcome> {
    use crate::resolve::Work;
    let quiet = plan.quiet;
    let now = jiff::Timestamp::now();
    match plan.work {
        Work::Snapshot { aws, output } => snapshot::run(&aws, output, quiet),
        Work::Scan(p) => scan::run(*p, quiet, now),
        Work::AccountsScan(p) => accounts::scan(*p, quiet, now),
        Work::AccountsSave {
            accounts: spec,
            aws,
            dir,
            force,
            accept,
        } => accounts::save(spec, aws, dir, force, &accept, quiet, now),
        Work::AccountsApprove(p) => accounts::approve_all(*p, quiet, now),
        Work::Check {
            current,
            config,
            checking,
            out,
            alerts,
        } => {
            let (current, read) = current_state(current, quiet)?;
            let mut r = check_report(&current, &config, CheckPlan::of(&checking), now);
            // Where a live read's quota went, as a scan's report says.
            r.api_calls = read.map(|s| s.calls_by_unit).unwrap_or_default();
            Ok(Outcome::report(r, out, Some(alerts)))
        }
        Work::ChecksList {
            checks,
            config,
            json,
        } => checks_cmd::list(&checks, &config, json),
        Work::ChecksExplain(c) => Ok(Outcome::stdout(crate::checks::explain(&c).into_bytes())),
        Work::Diff {
            old_path,
            old,
            new,
            config,
            out,
        } => {
            let mut r = build_report(
                &old,
                Some(&old_path),
                &new,
                &config,
                CheckPlan::NONE,
                None,
                None,
                now,
            )?;
            r.unjudged();
            Ok(Outcome::report(r, out, None))
        }
        Work::Save {
            current,
            out,
            force,
            accept,
        } => baseline_cmds::save(current, out, force, &accept, quiet, now),
        Work::Approve(p) => approve::run(*p, quiet, now),
        Work::Show {
            path,
            baseline,
            json,
        } => baseline_cmds::show(&path, &baseline, json, now),
        Work::Merge { report, out } => Ok(Outcome::accounts(*report, out, None)),
        Work::Demo {
            config,
            checking,
            out,
            alerts,
            show_approved,
        } => {
            let mut r = demo::report(&config, CheckPlan::of(&checking))?;
            if !show_approved {
                r.hide_approved();
            }
            Ok(Outcome::report(r, out, Some(alerts)))
        }
        Work::DemoWrite { dir } => demo::write(&dir),
        Work::Completions(shell) => {
            use clap::CommandFactory;
            let mut out = Vec::new();
            let mut cmd = crate::cli::Cli::command();
            clap_complete::generate(shell, &mut cmd, "driftwatch", &mut out);
            Ok(Outcome::stdout(out))
        }
    }
}

#[cfg(test)]
mod event_policy_tests;
#[cfg(test)]
mod ledger_tests;
