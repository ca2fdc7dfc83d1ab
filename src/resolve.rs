//! Resolve: the command line and the config turned into a checked [`Plan`]
//! before any AWS call, network or slow work. Every file is read and parsed
//! here (config, checks, baselines, snapshots), every path, URL and region
//! checked, so bad input costs one line and exit 2 in well under a second,
//! and a scan never reads a whole account to then fail on a typo.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{anyhow, bail, Context, Result};

use crate::aws::cloudtrail::TrailSource;
use crate::aws::AwsOptions;
use crate::baseline::{self, Baseline};
use crate::checks::{Check, FailOn};
use crate::cli::{self, BaselineCommand, Cli, Command};
use crate::config::Config;
use crate::model::Snapshot;
pub use crate::notify::Alerts;
use crate::notify::NotifyOn;
use crate::report::accounts::AccountsReport;
use crate::report::Format;

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
}

/// The current state: a file already read, or the account to read.
pub enum Current {
    File(Box<Snapshot>),
    Live(AwsOptions),
}

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
            Work::AccountsScan(Box::new(accounts_scan(a, cli.quiet)?))
        }
        Command::Scan(a) => Work::Scan(Box::new(scan(a, cli.quiet)?)),
        Command::Check(a) => check(a, cli.quiet)?,
        Command::Checks(c) => checks_command(c)?,
        Command::Diff(a) => diff(a)?,
        Command::Baseline(b) => baseline_command(b, cli.quiet)?,
        Command::Merge(a) => merge(a)?,
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

/// The inputs every scan has; CloudTrail from `api` unless told (or, from
/// a snapshot file, not at all).
fn scan_inputs(a: &cli::ScanArgs) -> Result<ScanInputs> {
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
    })
}

fn scan(a: cli::ScanArgs, quiet: bool) -> Result<ScanPlan> {
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
fn accounts_scan(a: cli::ScanArgs, quiet: bool) -> Result<AccountsScanPlan> {
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
fn is_unit_id(s: &str) -> bool {
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
fn accounts_dir(out: Option<PathBuf>) -> Result<PathBuf> {
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
            let config = Config::load(from.config.as_deref())?;
            Ok(Work::ChecksList {
                checks: crate::checks::load(&config.checks, &from.dirs)?,
                config: Box::new(config),
                json: format == cli::ListFormatArg::Json,
            })
        }
        cli::ChecksCommand::Explain { id, from } => {
            let config = Config::load(from.config.as_deref())?;
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
    let (old, new) = crate::parallel::join(|| baseline::load(&a.old), || load_state(&a.new));
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

fn baseline_command(b: BaselineCommand, quiet: bool) -> Result<Work> {
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
            baseline: Box::new(baseline::load(&path)?.into_baseline()),
            path,
            json,
        },
    })
}

/// The config and the checks whose findings a baseline accepts.
fn acceptance(a: &cli::AcceptArgs) -> Result<Acceptance> {
    let config = Config::load(a.config.as_deref())?;
    let checks = if a.no_checks {
        vec![]
    } else {
        crate::checks::load(&config.checks, &a.dirs)?
    };
    Ok(Acceptance { config, checks })
}

/// Reason, expiry and ids of an approval, before anything is read.
fn check_approval(ids: &[String], reason: &str, expires: Option<&str>) -> Result<()> {
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

fn is_change_or_finding_id(id: &str) -> bool {
    id.strip_prefix("c-")
        .or_else(|| id.strip_prefix("f-"))
        .is_some_and(|h| h.len() == 12 && h.bytes().all(|b| b.is_ascii_hexdigit()))
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

fn current(snapshot: Option<&Path>, a: &cli::AwsArgs, quiet: bool) -> Result<Current> {
    Ok(match snapshot {
        Some(p) => Current::File(Box::new(load_state(p)?)),
        None => Current::Live(aws_options(a, quiet)?),
    })
}

/// A snapshot or baseline file given as a state.
pub fn load_state(p: &Path) -> Result<Snapshot> {
    Ok(baseline::load(p)?.into_snapshot())
}

/// A baseline file, with a hint when it does not exist.
pub fn load_baseline_file(path: &Path) -> Result<(PathBuf, Baseline)> {
    if !path.exists() {
        bail!(
            "{}: no baseline (create one with `driftwatch baseline save`)",
            path.display()
        );
    }
    Ok((path.to_path_buf(), baseline::load(path)?.into_baseline()))
}

/// The section of a report that approvals come from: the only one, or,
/// in a report of many accounts, the one of the baseline given, else the
/// one holding the ids (one account's baseline is written per run).
fn report_section(
    p: &Path,
    ids: &[String],
    account: Option<&str>,
) -> Result<crate::report::Report> {
    let mut sections = load_sections(p)?;
    if sections.len() == 1 {
        return Ok(sections.remove(0));
    }
    if let Some(a) = account {
        return sections
            .into_iter()
            .find(|s| s.account == a)
            .ok_or_else(|| anyhow!("{}: no section for account {a}", p.display()));
    }
    let holding: Vec<usize> = (0..sections.len())
        .filter(|&i| {
            let s = &sections[i];
            s.changes.iter().any(|c| ids.contains(&c.change.id))
                || s.findings.iter().any(|f| ids.contains(&f.id))
        })
        .collect();
    match holding[..] {
        [i] => Ok(sections.swap_remove(i)),
        [] => bail!(
            "{}: no account's changes have id {} (run a scan for the current ids)",
            p.display(),
            ids.join(", ")
        ),
        _ => bail!(
            "{}: the ids are changes of accounts {}: approve each account's with --baseline baselines/ACCOUNT.json",
            p.display(),
            holding
                .iter()
                .map(|&i| sections[i].account.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// The account sections of a JSON report: one for a report of one
/// account, each section of a report of many.
fn load_sections(p: &Path) -> Result<Vec<crate::report::Report>> {
    #[derive(serde::Deserialize)]
    struct Schema {
        schema: String,
    }
    let bytes = baseline::read_maybe_gz(p)?;
    let not_report = |e: serde_json::Error| {
        anyhow!(
            "{}: not a driftwatch JSON report (write one with --format json): {e}",
            p.display()
        )
    };
    let schema = serde_json::from_slice::<Schema>(&bytes)
        .map_err(not_report)?
        .schema;
    if schema == crate::report::accounts::ACCOUNTS_SCHEMA {
        let r: AccountsReport = serde_json::from_slice(&bytes).map_err(not_report)?;
        return Ok(r.accounts);
    }
    if !crate::report::READABLE_SCHEMAS.contains(&schema.as_str()) {
        bail!(
            "{}: report schema {:?}, expected {:?} or {:?}",
            p.display(),
            schema,
            crate::report::REPORT_SCHEMA,
            crate::report::accounts::ACCOUNTS_SCHEMA
        );
    }
    Ok(vec![serde_json::from_slice(&bytes).map_err(not_report)?])
}

/// `merge`: every report read and the sections checked for overlap now.
fn merge(a: cli::MergeArgs) -> Result<Work> {
    let out = report_out(&cli::ReportArgs {
        format: a.format,
        output: a.output,
        width: a.width,
        config: None,
    })?;
    let mut sections = Vec::new();
    let mut from = std::collections::BTreeMap::new();
    for p in &a.reports {
        for s in load_sections(p)? {
            if let Some(first) = from.insert(s.account.clone(), p.clone()) {
                bail!(
                    "{}: account {} is also in {}: shards must not overlap",
                    p.display(),
                    s.account,
                    first.display()
                );
            }
            sections.push(s);
        }
    }
    let report = AccountsReport::new(sections).map_err(|e| anyhow!(e))?;
    Ok(Work::Merge {
        report: Box::new(report),
        out,
    })
}

fn checking(config: &Config, a: &cli::CheckArgs) -> Result<Checking> {
    Ok(Checking {
        checks: if a.no_checks {
            vec![]
        } else {
            crate::checks::load(&config.checks, &a.dirs)?
        },
        fail_on: match a.fail_on {
            cli::FailOnArg::None => FailOn::None,
            cli::FailOnArg::Info => FailOn::Info,
            cli::FailOnArg::Low => FailOn::Low,
            cli::FailOnArg::Medium => FailOn::Medium,
            cli::FailOnArg::High => FailOn::High,
            cli::FailOnArg::Critical => FailOn::Critical,
        },
        fail_on_known: a.fail_on_known,
    })
}

fn report_out(a: &cli::ReportArgs) -> Result<ReportOut> {
    use std::io::IsTerminal;
    let format = match a.format {
        Some(cli::FormatArg::Table) => Format::Table,
        Some(cli::FormatArg::Json) => Format::Json,
        Some(cli::FormatArg::Markdown) => Format::Markdown,
        Some(cli::FormatArg::Junit) => Format::Junit,
        Some(cli::FormatArg::Sarif) => Format::Sarif,
        None if a.output.is_none() && std::io::stdout().is_terminal() => Format::Table,
        None => Format::Json,
    };
    let terminal = (a.output.is_none() && std::io::stdout().is_terminal())
        .then(|| terminal_size::terminal_size_of(std::io::stdout()))
        .flatten()
        .map(|(w, _)| w.0 as usize);
    Ok(ReportOut {
        format,
        path: a.output.as_deref().map(output_path).transpose()?,
        width: a
            .width
            .map(usize::from)
            .or(terminal)
            .unwrap_or(crate::report::DEFAULT_WIDTH),
    })
}

/// An output path is a file we may replace: not a directory, not a device,
/// and not a bare format name (`--output table` is an AWS CLI habit).
pub fn output_path(p: &Path) -> Result<PathBuf> {
    let name = p.to_string_lossy();
    if Format::NAMES.contains(&name.as_ref()) {
        bail!(
            "--output {name}: that is a format name; use --format {name} (or --output ./{name} for a file of that name)"
        );
    }
    if let Ok(m) = std::fs::metadata(p) {
        if !m.is_file() {
            bail!("{}: exists and is not a regular file", p.display());
        }
    }
    if let Some(parent) = p.parent().filter(|d| !d.as_os_str().is_empty()) {
        if parent.exists() && !parent.is_dir() {
            bail!("{}: {} is not a directory", p.display(), parent.display());
        }
    }
    Ok(p.to_path_buf())
}

fn alerts(a: &cli::NotifyArgs, config: &Config) -> Result<Alerts> {
    let targets = a
        .urls
        .iter()
        .chain(config.notify.urls.iter())
        .map(|u| crate::notify::parse_target(u))
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| anyhow!(e))?;
    let on = match a.notify_on {
        Some(cli::NotifyOnArg::Changes) => NotifyOn::Changes,
        Some(cli::NotifyOnArg::Findings) => NotifyOn::Findings,
        Some(cli::NotifyOnArg::Both) => NotifyOn::Both,
        None => config.notify.on.unwrap_or_default(),
    };
    let realert = a.realert.or(config.notify.realert_hours).unwrap_or(24);
    let state = a.notify_state.clone().or(config.notify.state.clone());
    // A state file that is not one is bad input: said now, not after the scan.
    if let (Some(p), false) = (&state, targets.is_empty() || a.notify_all) {
        crate::notify::state::load(p)?;
    }
    Ok(Alerts {
        targets,
        on,
        timeout: a
            .notify_timeout
            .or(config.notify.timeout_secs)
            .map(|t| Duration::from_secs(t.max(1))),
        state,
        realert: jiff::SignedDuration::from_hours(realert.min(24 * 365 * 10) as i64),
        every_run: a.notify_all,
    })
}

fn trail_source(s: &str) -> Result<TrailSource> {
    let source: TrailSource = s.parse().map_err(|e: String| anyhow!("--cloudtrail {e}"))?;
    if let TrailSource::Files(p) = &source {
        if s.contains("://") {
            bail!("--cloudtrail {s}: unknown scheme (use s3://bucket/prefix, athena://WORKGROUP/DATABASE.TABLE, api, trail, none or a path)");
        }
        let meta = std::fs::metadata(p).with_context(|| format!("--cloudtrail {}", p.display()))?;
        if !meta.is_file() && !meta.is_dir() {
            bail!("--cloudtrail {}: not a file or directory", p.display());
        }
    }
    Ok(source)
}

fn aws_options(a: &cli::AwsArgs, quiet: bool) -> Result<AwsOptions> {
    use std::io::IsTerminal;
    for r in &a.regions {
        if !is_region_name(r) {
            bail!("--region {r:?}: not a region name (like us-east-1 or eu-west-2)");
        }
    }
    if let Some(p) = &a.profile {
        crate::aws::runtime()?.block_on(crate::aws::check_profile(p))?;
    }
    let rate_limits = rate_limits(&a.rate_limits)?;
    Ok(AwsOptions {
        profile: a.profile.clone(),
        regions: a.regions.clone(),
        endpoint_url: a.endpoint_url.clone(),
        concurrency: a.concurrency as usize,
        progress: !quiet && std::io::stderr().is_terminal(),
        operation_timeout: Duration::from_secs(a.timeout),
        attempt_timeout: Duration::from_secs(a.attempt_timeout),
        max_attempts: a.max_attempts,
        rate_limits,
    })
}

/// `--rate-limit` values, each naming a service driftwatch reads.
fn rate_limits(values: &[String]) -> Result<crate::aws::limits::RateLimits> {
    let limits = crate::aws::limits::RateLimits::parse(values)?;
    let known = crate::aws::service_names();
    for v in values.iter().filter(|v| *v != "off") {
        let service = v.split('=').next().unwrap_or_default().trim();
        if !known.contains(&service) {
            bail!(
                "--rate-limit {v}: no service {service:?} (services: {})",
                known.join(", ")
            );
        }
    }
    Ok(limits)
}

pub use crate::model::is_region_name;

#[cfg(test)]
mod tests {
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
