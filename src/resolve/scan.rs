//! Resolving a scan: the inputs every scan shares, one account's plan (its
//! state from a file or the account, its baseline loaded as soon as the
//! account is known) and a run over many accounts (which accounts, how each
//! is reached, every listed account's baseline read before any account is).

use std::path::PathBuf;

use anyhow::{bail, Result};

use super::inputs::{
    alerts, aws_options, checking, load_baseline_file, load_state, report_out, trail_source,
};
use super::{Alerts, Checking, Current, ReportOut};
use crate::aws::cloudtrail::TrailSource;
use crate::aws::AwsOptions;
use crate::baseline::{self, Baseline};
use crate::cli;
use crate::config::Config;

/// What a scan needs besides the accounts it reads: the same for a scan of
/// one account and of many, so a new scan flag is added once.
pub struct ScanInputs {
    pub cloudtrail: TrailSource,
    pub config: Config,
    pub checking: Checking,
    pub out: ReportOut,
    pub alerts: Alerts,
    /// List approved changes rather than count them.
    pub show_approved: bool,
    /// List every transient change rather than group alike ones.
    pub all_transients: bool,
}

pub struct ScanPlan {
    pub current: Current,
    /// How to reach AWS for CloudTrail, also when the state is a file.
    pub aws: AwsOptions,
    /// The baseline, when its path was given or the account is known; a live
    /// scan without `--baseline` loads `baselines/<account>.json` as soon as
    /// the identity call names the account, before the account is read.
    pub baseline: Option<(PathBuf, Baseline)>,
    pub inputs: ScanInputs,
}

/// Which accounts a run over many reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountSet {
    /// These ids, sorted, each once.
    Listed(Vec<String>),
    /// Every active account of the organization, or under these units.
    Org { ous: Vec<String> },
}

/// `--accounts` and how each account is reached.
#[derive(Debug, Clone)]
pub struct AccountsSpec {
    pub set: AccountSet,
    pub role_name: String,
    pub external_id: Option<String>,
    /// Accounts read at once.
    pub parallel: usize,
}

/// A scan of many accounts, one baseline each.
pub struct AccountsScanPlan {
    pub accounts: AccountsSpec,
    /// The first hop; each account gets these limits of its own.
    pub aws: AwsOptions,
    /// Baselines of listed accounts, loaded now; an organization's are
    /// loaded once its accounts are known.
    pub baselines: std::collections::BTreeMap<String, (PathBuf, Baseline)>,
    pub inputs: ScanInputs,
}

/// The inputs every scan has; CloudTrail from `api` unless told (or, from
/// a snapshot file, not at all).
pub(super) fn scan_inputs(a: &cli::ScanArgs) -> Result<ScanInputs> {
    let config = Config::load(a.report.config.as_deref())?;
    Ok(ScanInputs {
        alerts: alerts(&a.notify, &config)?,
        checking: checking(&config, &a.checks)?,
        out: report_out(&a.report)?,
        cloudtrail: match (&a.cloudtrail, &a.snapshot) {
            (Some(s), _) => trail_source(s)?,
            (None, Some(_)) => TrailSource::None,
            (None, None) => TrailSource::Api,
        },
        config,
        show_approved: a.show_approved,
        all_transients: a.all_transients,
    })
}

pub(super) fn scan(a: cli::ScanArgs, quiet: bool) -> Result<ScanPlan> {
    let inputs = scan_inputs(&a)?;
    let aws = aws_options(&a.aws, quiet)?;
    // Two large files load at once, one per core; the baseline's error, if
    // any, is said first, as before.
    let (explicit, snap) = crate::parallel::join(
        || a.baseline.as_deref().map(load_baseline_file).transpose(),
        || a.snapshot.as_deref().map(load_state).transpose(),
    );
    let explicit = explicit?;
    let snap = snap?;
    let (current, baseline) = match (&a.snapshot, snap) {
        (Some(_), Some(snap)) => {
            let b = match explicit {
                Some(b) => b,
                None => load_baseline_file(&baseline::default_path(&snap.account))?,
            };
            check_account(&b, &snap.account)?;
            (Current::File(Box::new(snap)), Some(b))
        }
        _ => {
            let mut live = aws.clone();
            if let Some((_, b)) = &explicit {
                default_regions(&mut live, b);
            }
            (Current::Live(live), explicit)
        }
    };
    Ok(ScanPlan {
        current,
        aws,
        baseline,
        inputs,
    })
}

/// `scan --accounts`: the accounts, the role, and every listed account's
/// baseline, checked before any account is read.
pub(super) fn accounts_scan(a: cli::ScanArgs, quiet: bool) -> Result<AccountsScanPlan> {
    let inputs = scan_inputs(&a)?;
    let accounts = accounts_spec(&a.accounts)?;
    let mut baselines = std::collections::BTreeMap::new();
    if let AccountSet::Listed(ids) = &accounts.set {
        for id in ids {
            let path = baseline::default_path(id);
            if !path.exists() {
                bail!(
                    "{}: no baseline (create one with `driftwatch baseline save --accounts {id}`)",
                    path.display()
                );
            }
            baselines.insert(id.clone(), load_baseline_file(&path)?);
            check_account(&baselines[id], id)?;
        }
    }
    Ok(AccountsScanPlan {
        aws: aws_options(&a.aws, quiet)?,
        accounts,
        baselines,
        inputs,
    })
}

/// `--accounts`, `--ou`, `--role-name`, `--external-id`, checked by form.
pub fn accounts_spec(a: &cli::AccountsArgs) -> Result<AccountsSpec> {
    let given = a.ids.as_deref().unwrap_or_default().trim();
    let set = if given == "org" {
        if let Some(bad) = a.ous.iter().find(|o| !is_unit_id(o)) {
            bail!("--ou {bad:?}: not an organizational unit id (ou-xxxx-xxxxxxxx, or the root r-xxxx)");
        }
        AccountSet::Org { ous: a.ous.clone() }
    } else {
        if !a.ous.is_empty() {
            bail!("--ou selects accounts of the organization: use it with --accounts org");
        }
        let mut ids: Vec<String> = given.split(',').map(|s| s.trim().to_string()).collect();
        if let Some(bad) = ids
            .iter()
            .find(|i| i.len() != 12 || !i.bytes().all(|b| b.is_ascii_digit()))
        {
            bail!("--accounts {bad:?}: not an account id (12 digits), and not `org`");
        }
        ids.sort();
        ids.dedup();
        AccountSet::Listed(ids)
    };
    let role_ok = !a.role_name.is_empty()
        && a.role_name.len() <= 512
        && a.role_name.split('/').all(|p| {
            (1..=64).contains(&p.len())
                && p.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"+=,.@_-".contains(&b))
        });
    if !role_ok {
        bail!("--role-name {:?}: not a role name (letters, digits and +=,.@_-, up to 64; a path may go before it with /)", a.role_name);
    }
    if let Some(e) = &a.external_id {
        let ok = (2..=1224).contains(&e.len())
            && e.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"+=,.@:/_-".contains(&b));
        if !ok {
            bail!("--external-id: 2 to 1224 letters, digits or +=,.@:/_- expected");
        }
    }
    Ok(AccountsSpec {
        set,
        role_name: a.role_name.clone(),
        external_id: a.external_id.clone(),
        parallel: a.parallel_accounts as usize,
    })
}

/// `ou-` and two lowercase alphanumeric parts, or a root `r-`.
pub(super) fn is_unit_id(s: &str) -> bool {
    let alnum = |p: &str, min: usize| {
        (min..=32).contains(&p.len())
            && p.bytes()
                .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase())
    };
    match s.split('-').collect::<Vec<_>>()[..] {
        ["ou", a, b] => alnum(a, 4) && alnum(b, 8),
        ["r", a] => alnum(a, 4),
        _ => false,
    }
}

/// Where `baseline save --accounts` writes: a directory (default
/// `baselines`), never a file.
pub(super) fn accounts_dir(out: Option<PathBuf>) -> Result<PathBuf> {
    let dir = out.unwrap_or_else(|| PathBuf::from("baselines"));
    if dir.exists() && !dir.is_dir() {
        bail!(
            "--out {}: with --accounts, a directory for every account's baseline",
            dir.display()
        );
    }
    Ok(dir)
}

/// Without `--region`, a scan reads the regions its baseline holds: reading
/// every enabled region would report the others as "not compared".
pub fn default_regions(aws: &mut AwsOptions, b: &Baseline) {
    if aws.regions.is_empty() {
        aws.regions = b.snapshot.regions.clone();
    }
}

/// Refuses a baseline of another account.
pub fn check_account((path, b): &(PathBuf, Baseline), account: &str) -> Result<()> {
    if b.snapshot.account != account {
        bail!(
            "{}: baseline is for account {}, but the current state is account {}",
            path.display(),
            b.snapshot.account,
            account
        );
    }
    Ok(())
}
