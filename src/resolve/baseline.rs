//! Resolving the baseline commands: `save` (one account or many), `approve`
//! (by id, from the account, a snapshot file or a saved report; or the
//! whole state), `show`; the checks whose findings a baseline accepts.

use std::path::PathBuf;

use anyhow::{anyhow, bail, Result};

use super::inputs::{current, load_baseline_file, output_path};
use super::reports::report_section;
use super::scan::{accounts_dir, accounts_spec};
use super::{inputs::aws_options, AccountsSpec, Current, Work};
use crate::aws::AwsOptions;
use crate::baseline;
use crate::checks::Check;
use crate::cli::{self, BaselineCommand};
use crate::config::Config;

/// `baseline approve --all --accounts`: each account's state into its own
/// baseline.
pub struct AccountsApprove {
    pub accounts: AccountsSpec,
    pub aws: AwsOptions,
    pub reason: String,
    pub by: Option<String>,
    pub accept: Acceptance,
}

/// What a baseline accepts with a state besides the state: the findings
/// of these checks, as known.
pub struct Acceptance {
    pub config: Config,
    /// Empty with `--no-checks`.
    pub checks: Vec<Check>,
}

pub struct ApprovePlan {
    pub ids: Vec<String>,
    pub all: bool,
    pub reason: String,
    pub expires: Option<String>,
    pub by: Option<String>,
    pub source: ApproveSource,
    pub baseline: Option<PathBuf>,
    pub accept: Acceptance,
}

/// Where `approve` learns the current content of what it approves.
pub enum ApproveSource {
    State(Current),
    Report(Box<crate::report::Report>),
}

pub(super) fn baseline_command(b: BaselineCommand, quiet: bool) -> Result<Work> {
    Ok(match b {
        BaselineCommand::Save {
            aws,
            accounts: f @ cli::AccountsArgs {
                ids: Some(_), ..
            },
            out,
            force,
            accept,
            ..
        } => Work::AccountsSave {
            accept: Box::new(acceptance(&accept)?),
            accounts: accounts_spec(&f)?,
            aws: aws_options(&aws, quiet)?,
            dir: accounts_dir(out)?,
            force,
        },
        BaselineCommand::Save {
            aws,
            from,
            out,
            force,
            accept,
            ..
        } => Work::Save {
            accept: Box::new(acceptance(&accept)?),
            current: current(from.as_deref(), &aws, quiet)?,
            out: out.map(|p| output_path(&p)).transpose()?,
            force,
        },
        BaselineCommand::Approve {
            all: true,
            reason,
            by,
            aws,
            accounts: f @ cli::AccountsArgs {
                ids: Some(_), ..
            },
            snapshot: None,
            baseline: None,
            accept,
            ..
        } => {
            check_approval(&[], &reason, None)?;
            Work::AccountsApprove(Box::new(AccountsApprove {
                accept: acceptance(&accept)?,
                accounts: accounts_spec(&f)?,
                aws: aws_options(&aws, quiet)?,
                reason,
                by,
            }))
        }
        BaselineCommand::Approve {
            accounts: cli::AccountsArgs {
                ids: Some(_), ..
            },
            ..
        } => bail!("--accounts approves with --all only (no --snapshot, no --baseline): approve changes by id with --from-report"),
        BaselineCommand::Approve {
            ids,
            all,
            reason,
            expires,
            by,
            aws,
            snapshot,
            from_report,
            baseline,
            accept,
            ..
        } => {
            check_approval(&ids, &reason, expires.as_deref())?;
            let target = baseline.as_deref().map(load_baseline_file).transpose()?;
            let target = target.as_ref().map(|(_, b)| b.snapshot.account.as_str());
            let source = match from_report {
                Some(p) => ApproveSource::Report(Box::new(report_section(&p, &ids, target)?)),
                None => ApproveSource::State(current(snapshot.as_deref(), &aws, quiet)?),
            };
            Work::Approve(Box::new(ApprovePlan {
                ids,
                all,
                reason,
                expires,
                by,
                source,
                baseline,
                accept: acceptance(&accept)?,
            }))
        }
        BaselineCommand::Show { path, json } => Work::Show {
            baseline: Box::new(crate::baseline::load(&path)?.into_baseline()),
            path,
            json,
        },
    })
}

/// The config and the checks whose findings a baseline accepts.
pub(super) fn acceptance(a: &cli::AcceptArgs) -> Result<Acceptance> {
    let config = Config::load(a.config.as_deref())?;
    let checks = if a.no_checks {
        vec![]
    } else {
        crate::checks::load(&config.checks, &a.dirs)?
    };
    Ok(Acceptance { config, checks })
}

/// Reason, expiry and ids of an approval, before anything is read.
pub(super) fn check_approval(ids: &[String], reason: &str, expires: Option<&str>) -> Result<()> {
    if reason.trim().is_empty() {
        bail!("--reason must say why");
    }
    if let Some(e) = expires {
        let t = baseline::parse_time(e)
            .ok_or_else(|| anyhow!("--expires {e:?}: not a date (YYYY-MM-DD) or RFC 3339 time"))?;
        if t <= jiff::Timestamp::now() {
            bail!("--expires {e}: already in the past");
        }
    }
    if let Some(bad) = ids.iter().find(|id| !is_change_or_finding_id(id)) {
        bail!("{bad}: not a change or finding id (c- or f- and 12 hex digits, as a scan report lists them)");
    }
    Ok(())
}

pub(super) fn is_change_or_finding_id(id: &str) -> bool {
    id.strip_prefix("c-")
        .or_else(|| id.strip_prefix("f-"))
        .is_some_and(|h| h.len() == 12 && h.bytes().all(|b| b.is_ascii_hexdigit()))
}
