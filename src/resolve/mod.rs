//! Resolve: the command line and the config turned into a checked [`Plan`]
//! before any AWS call, network or slow work. Every file is read and parsed
//! here (config, checks, baselines, snapshots), every path, URL and region
//! checked, so bad input costs one line and exit 2 in well under a second,
//! and a scan never reads a whole account to then fail on a typo.

mod baseline;
mod inputs;
mod reports;
mod scan;

use std::path::PathBuf;

use anyhow::{anyhow, Result};

use crate::aws::AwsOptions;
use crate::baseline::Baseline;
use crate::checks::{Check, FailOn};
use crate::cli::{self, Cli, Command};
use crate::config::Config;
use crate::model::Snapshot;
pub use crate::notify::Alerts;
use crate::report::accounts::AccountsReport;
use crate::report::Format;

pub use baseline::{Acceptance, AccountsApprove, ApprovePlan, ApproveSource};
use inputs::{alerts, aws_options, checking, current, load_state, report_out};
pub use inputs::{load_baseline_file, output_path};
pub use scan::{
    accounts_spec, check_account, default_regions, AccountSet, AccountsScanPlan, AccountsSpec,
    ScanInputs, ScanPlan,
};

/// A validated command, ready to run.
pub struct Plan {
    pub quiet: bool,
    /// Colour on stderr.
    pub color: bool,
    pub work: Work,
}

/// Where a report goes and in what format.
#[derive(Debug, Clone)]
pub struct ReportOut {
    pub format: Format,
    pub path: Option<PathBuf>,
    /// Columns a table is drawn in: `--width`, else the terminal's, else
    /// [`crate::report::DEFAULT_WIDTH`].
    pub width: usize,
}

/// The checks of a run and which findings fail it.
pub struct Checking {
    pub checks: Vec<Check>,
    pub fail_on: FailOn,
    /// Known findings fail the run too (`--fail-on-known`).
    pub fail_on_known: bool,
    /// Sigma rules skipped (`--sigma-skip-unsupported`), for the report.
    pub warnings: Vec<crate::warning::Warning>,
}

/// The current state: a file already read, or the account to read.
pub enum Current {
    File(Box<Snapshot>),
    Live(AwsOptions),
}

pub enum Work {
    Snapshot {
        aws: AwsOptions,
        output: Option<PathBuf>,
    },
    Scan(Box<ScanPlan>),
    AccountsScan(Box<AccountsScanPlan>),
    /// `baseline approve --all --accounts`.
    AccountsApprove(Box<AccountsApprove>),
    /// `baseline save --accounts`: every account's baseline under `dir`.
    AccountsSave {
        accounts: AccountsSpec,
        aws: AwsOptions,
        dir: PathBuf,
        force: bool,
        accept: Box<Acceptance>,
    },
    Check {
        current: Current,
        config: Box<Config>,
        checking: Checking,
        out: ReportOut,
        alerts: Alerts,
    },
    ChecksList {
        checks: Vec<Check>,
        config: Box<Config>,
        json: bool,
    },
    ChecksExplain(Box<Check>),
    Diff {
        old_path: PathBuf,
        old: Box<Baseline>,
        new: Box<Snapshot>,
        config: Box<Config>,
        out: ReportOut,
    },
    Save {
        current: Current,
        out: Option<PathBuf>,
        force: bool,
        accept: Box<Acceptance>,
    },
    Approve(Box<ApprovePlan>),
    Show {
        path: PathBuf,
        baseline: Box<Baseline>,
        json: bool,
    },
    Merge {
        report: Box<AccountsReport>,
        out: ReportOut,
    },
    Demo {
        config: Box<Config>,
        checking: Checking,
        out: ReportOut,
        alerts: Alerts,
        show_approved: bool,
    },
    DemoWrite {
        dir: PathBuf,
    },
    Completions(clap_complete::Shell),
}

/// Turns a parsed command line into a plan, or the first problem found.
pub fn resolve(cli: Cli) -> Result<Plan> {
    let color = stderr_color(cli.color);
    let work = match cli.command {
        Command::Snapshot(a) => Work::Snapshot {
            aws: aws_options(&a.aws, cli.quiet)?,
            output: a.output.map(|p| output_path(&p)).transpose()?,
        },
        Command::Scan(a) if a.accounts.ids.is_some() => {
            Work::AccountsScan(Box::new(scan::accounts_scan(a, cli.quiet)?))
        }
        Command::Scan(a) => Work::Scan(Box::new(scan::scan(a, cli.quiet)?)),
        Command::Check(a) => check(a, cli.quiet)?,
        Command::Checks(c) => checks_command(c)?,
        Command::Diff(a) => diff(a)?,
        Command::Baseline(b) => baseline::baseline_command(b, cli.quiet)?,
        Command::Merge(a) => reports::merge(a)?,
        Command::Demo(a) => demo(a)?,
        Command::Completions { shell } => Work::Completions(shell),
    };
    Ok(Plan {
        quiet: cli.quiet,
        color,
        work,
    })
}

pub fn stderr_color(c: cli::ColorArg) -> bool {
    use std::io::IsTerminal;
    match c {
        cli::ColorArg::Always => true,
        cli::ColorArg::Never => false,
        cli::ColorArg::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stderr().is_terminal()
        }
    }
}

fn check(a: cli::CheckCommandArgs, quiet: bool) -> Result<Work> {
    let config = Config::load(a.report.config.as_deref())?;
    Ok(Work::Check {
        alerts: alerts(&a.notify, &config)?,
        checking: checking(&config, &a.checks)?,
        out: report_out(&a.report)?,
        current: current(a.snapshot.as_deref(), &a.aws, quiet)?,
        config: Box::new(config),
    })
}

fn checks_command(c: cli::ChecksCommand) -> Result<Work> {
    match c {
        cli::ChecksCommand::List { from, format } => {
            let mut config = Config::load(from.config.as_deref())?;
            config.checks.sigma_skip_unsupported |= from.sigma_skip_unsupported;
            Ok(Work::ChecksList {
                checks: crate::checks::load(&config.checks, &from.dirs)?,
                config: Box::new(config),
                json: format == cli::ListFormatArg::Json,
            })
        }
        cli::ChecksCommand::Explain { id, from } => {
            let mut config = Config::load(from.config.as_deref())?;
            config.checks.sigma_skip_unsupported |= from.sigma_skip_unsupported;
            let checks = crate::checks::load(&config.checks, &from.dirs)?;
            let c = checks
                .into_iter()
                .find(|c| c.id.eq_ignore_ascii_case(&id))
                .ok_or_else(|| anyhow!("no check has id {id} (see `driftwatch checks list`)"))?;
            Ok(Work::ChecksExplain(Box::new(c)))
        }
    }
}

fn diff(a: cli::DiffArgs) -> Result<Work> {
    let config = Config::load(a.report.config.as_deref())?;
    // One file per core; the old one's error, if any, is said first.
    let (old, new) = crate::parallel::join(|| crate::baseline::load(&a.old), || load_state(&a.new));
    let old = old?.into_baseline();
    let new = new?;
    Ok(Work::Diff {
        out: report_out(&a.report)?,
        old_path: a.old,
        old: Box::new(old),
        new: Box::new(new),
        config: Box::new(config),
    })
}

fn demo(a: cli::DemoArgs) -> Result<Work> {
    if let Some(dir) = a.dir {
        return Ok(Work::DemoWrite { dir });
    }
    // The bundle's own driftwatch.toml, unless --config names another.
    let config = match &a.report.config {
        Some(p) => Config::load(Some(p))?,
        None => crate::demo::bundle_config()?,
    };
    Ok(Work::Demo {
        alerts: alerts(&a.notify, &config)?,
        checking: checking(&config, &a.checks)?,
        out: report_out(&a.report)?,
        config: Box::new(config),
        show_approved: a.show_approved,
    })
}

pub use crate::model::is_region_name;

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::baseline::check_approval;
    use super::*;

    #[test]
    fn region_names_are_checked_by_form() {
        for ok in ["us-east-1", "eu-west-2", "us-gov-west-1", "ap-southeast-4"] {
            assert!(is_region_name(ok), "{ok}");
        }
        for bad in [
            "us-east-1,eu-west-1",
            "useast1",
            "US-EAST-1",
            "us-east-",
            "x-y-1",
            "us-east-0",
        ] {
            assert!(!is_region_name(bad), "{bad}");
        }
    }

    #[test]
    fn output_table_is_refused_with_a_hint() {
        let e = output_path(Path::new("table")).unwrap_err().to_string();
        assert!(e.contains("use --format table"), "{e}");
        assert!(output_path(Path::new("./table")).is_ok());
        assert!(output_path(Path::new("report.json")).is_ok());
        let e = output_path(Path::new("/")).unwrap_err().to_string();
        assert!(e.contains("not a regular file"), "{e}");
    }

    fn accounts(accounts: &str, ous: &[&str], role: &str) -> Result<AccountsSpec> {
        accounts_spec(&cli::AccountsArgs {
            ids: Some(accounts.into()),
            ous: ous.iter().map(|s| s.to_string()).collect(),
            role_name: role.into(),
            external_id: None,
            parallel_accounts: 8,
        })
    }

    #[test]
    fn accounts_are_checked_by_form() {
        let f = accounts("222222222222, 111111111111,222222222222", &[], "Audit").unwrap();
        assert_eq!(
            f.set,
            AccountSet::Listed(vec!["111111111111".into(), "222222222222".into()])
        );
        let f = accounts("org", &["ou-ab12-abcdefgh", "r-ab12"], "audit/ReadOnly").unwrap();
        assert_eq!(
            f.set,
            AccountSet::Org {
                ous: vec!["ou-ab12-abcdefgh".into(), "r-ab12".into()]
            }
        );
        for (ids, ous, role, says) in [
            ("12345", &[][..], "R", "not an account id"),
            ("", &[], "R", "not an account id"),
            ("111111111111", &["ou-ab12-abcdefgh"], "R", "--ou selects"),
            ("org", &["ou-x"], "R", "not an organizational unit"),
            ("org", &[], "bad role", "not a role name"),
            ("org", &[], "", "not a role name"),
        ] {
            let e = accounts(ids, ous, role).unwrap_err().to_string();
            assert!(e.contains(says), "{ids} {ous:?} {role}: {e}");
        }
    }

    #[test]
    fn change_ids_are_checked_before_anything_is_read() {
        let e = check_approval(&["c-1".into()], "ok", None)
            .unwrap_err()
            .to_string();
        assert!(e.contains("not a change or finding id"), "{e}");
        assert!(check_approval(&["f-0123456789ab".into()], "ok", None).is_ok());
        assert!(check_approval(&["c-0123456789ab".into()], "ok", None).is_ok());
        assert!(check_approval(&[], " ", None).is_err());
    }
}
