//! driftwatch: watches an AWS account for unauthorized change.
//!
//! The library holds every command as a function; `main.rs` only wires I/O.
//! See the shared design notes for the module boundaries: the core (model,
//! diff, attribution, checks, report) is pure and synchronous; I/O lives at
//! the edges (aws, trail sources, baseline files).

pub mod attribution;
pub mod aws;
pub mod baseline;
pub mod checks;
pub mod cli;
pub mod commands;
pub mod config;
pub mod demo;
pub mod diff;
pub mod fsutil;
pub mod model;
pub mod notify;
pub mod report;
pub mod trail;

use std::io::{IsTerminal, Write};

use anyhow::{Context, Result};
use clap::CommandFactory;

use cli::{AwsArgs, BaselineCommand, Cli, Command, ReportArgs};
use config::Config;
use report::{Format, Report};

/// Exit code: clean and complete.
pub const EXIT_CLEAN: u8 = 0;
/// Exit code: unauthorized changes or failing checks.
pub const EXIT_FINDINGS: u8 = 1;
/// Exit code: the tool failed.
pub const EXIT_TOOL_FAILED: u8 = 2;
/// Exit code: nothing found, but coverage was incomplete.
pub const EXIT_INCOMPLETE: u8 = 3;

/// Logs go to stderr only; stdout carries the report and nothing else.
pub fn init_logging(verbose: u8, quiet: bool) {
    let level = match (quiet, verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "info",
        _ => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("DRIFTWATCH_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(format!("driftwatch={level},warn")));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .without_time()
        .try_init();
}

/// An error chain as one line: `outer: inner: root cause`.
pub fn one_line(e: &anyhow::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    for c in e.chain() {
        let s = c.to_string();
        // SDK errors often repeat their source in their own text.
        if !parts.iter().any(|p| p.contains(&s)) {
            parts.push(s);
        }
    }
    parts.join(": ").replace('\n', " ")
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

fn aws_options(a: &AwsArgs, quiet: bool) -> aws::AwsOptions {
    aws::AwsOptions {
        profile: a.profile.clone(),
        regions: a.regions.clone(),
        endpoint_url: a.endpoint_url.clone(),
        concurrency: a.concurrency as usize,
        progress: !quiet && std::io::stderr().is_terminal(),
    }
}

/// Writes `bytes` to `path` atomically, or to stdout when there is no path.
pub fn emit(path: Option<&std::path::Path>, bytes: &[u8]) -> Result<()> {
    match path {
        Some(p) => fsutil::write_atomic(p, bytes),
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(bytes).context("writing to stdout")?;
            out.flush().context("writing to stdout")
        }
    }
}

/// Serializes a snapshot (or any model value) as pretty, sorted JSON with a
/// trailing newline: the form that lives in git.
pub fn to_pretty_json<T: serde::Serialize>(v: &T) -> Result<Vec<u8>> {
    let mut bytes = serde_json::to_vec_pretty(v).context("serializing JSON")?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// Collects a snapshot, printing a one-line summary on stderr unless quiet.
pub fn take_snapshot(a: &AwsArgs, quiet: bool) -> Result<model::Snapshot> {
    Ok(take_snapshot_with_stats(a, quiet)?.0)
}

/// Like [`take_snapshot`], also returning the collection figures.
pub fn take_snapshot_with_stats(
    a: &AwsArgs,
    quiet: bool,
) -> Result<(model::Snapshot, aws::CollectStats)> {
    let opts = aws_options(a, quiet);
    let (snap, stats) = runtime()?.block_on(aws::collect(&opts))?;
    if !quiet {
        let incomplete: Vec<String> = snap
            .coverage
            .values()
            .filter(|c| !c.is_full())
            .map(|c| c.describe())
            .collect();
        eprintln!(
            "driftwatch: account {}: {} resources, {} regions, {} API calls in {:.1}s{}",
            snap.account,
            snap.resources.len(),
            snap.regions.len(),
            stats.api_calls,
            stats.elapsed.as_secs_f64(),
            if incomplete.is_empty() {
                String::new()
            } else {
                format!("; incomplete: {}", incomplete.join(", "))
            }
        );
    }
    tracing::debug!(?stats.by_operation, "API calls by operation");
    tracing::debug!(?stats.by_unit, "wall time by unit");
    Ok((snap, stats))
}

/// The current state: from `--snapshot FILE`, or read live.
fn current_state(
    file: Option<&std::path::Path>,
    a: &AwsArgs,
    quiet: bool,
) -> Result<(model::Snapshot, Option<String>)> {
    match file {
        Some(p) => Ok((commands::load_current(p)?, None)),
        None => {
            let (s, stats) = take_snapshot_with_stats(a, quiet)?;
            Ok((s, Some(stats.caller_arn)))
        }
    }
}

fn checks_for(config: &Config, args: &cli::CheckArgs) -> Result<Vec<checks::Check>> {
    if args.no_checks {
        return Ok(vec![]);
    }
    commands::load_checks(config, &args.dirs)
}

/// Warnings go to stderr too, where cron mail and CI logs will show them.
fn warn_all(report: &Report, quiet: bool) {
    if !quiet {
        for w in &report.warnings {
            eprintln!("driftwatch: warning: {w}");
        }
    }
}

/// Alert targets from flags and config, validated before any work is done.
fn notify_targets(args: &cli::NotifyArgs, config: &Config) -> Result<Vec<notify::Target>> {
    args.urls
        .iter()
        .chain(config.notify.urls.iter())
        .map(|u| notify::parse_target(u))
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| anyhow::anyhow!(e))
}

/// Sends alerts after the report is out; a failed delivery is reported on
/// stderr and turns the exit code into 2, but never loses the report.
fn alert(report: &Report, args: &cli::NotifyArgs, config: &Config, code: u8) -> Result<u8> {
    let targets = notify_targets(args, config)?;
    if targets.is_empty() {
        return Ok(code);
    }
    let on = args.notify_on.or(config.notify.on).unwrap_or_default();
    if !notify::should_notify(report, on) {
        return Ok(code);
    }
    let mut d = notify::Delivery::default();
    if let Some(t) = args.notify_timeout.or(config.notify.timeout_secs) {
        d.timeout = std::time::Duration::from_secs(t.max(1));
    }
    let errors = notify::send(&targets, report, d);
    for e in &errors {
        eprintln!("driftwatch: error: {e}");
    }
    Ok(if errors.is_empty() {
        code
    } else {
        EXIT_TOOL_FAILED
    })
}

/// Renders a report where the user asked; returns its exit code.
fn deliver(report: &Report, args: &ReportArgs) -> Result<u8> {
    let format = args.format.unwrap_or(
        if args.output.is_none() && std::io::stdout().is_terminal() {
            Format::Table
        } else {
            Format::Json
        },
    );
    let mut buf = Vec::new();
    report::render(report, format, &mut buf).context("rendering the report")?;
    emit(args.output.as_deref(), &buf)?;
    Ok(report.exit_code())
}

/// Runs a parsed command line; returns the exit code.
pub fn run(cli: Cli) -> Result<u8> {
    match cli.command {
        Command::Snapshot(args) => {
            let snap = take_snapshot(&args.aws, cli.quiet)?;
            emit(args.output.as_deref(), &to_pretty_json(&snap)?)?;
            Ok(if snap.complete() {
                EXIT_CLEAN
            } else {
                EXIT_INCOMPLETE
            })
        }
        Command::Scan(args) => {
            let config = Config::load(args.report.config.as_deref())?;
            notify_targets(&args.notify, &config)?;
            // Every input is checked before the (slow) read of the account.
            let checks = checks_for(&config, &args.checks)?;
            let plan = commands::CheckPlan {
                checks: &checks,
                fail_on: args.checks.fail_on,
            };
            let source: aws::cloudtrail::TrailSource = match (&args.cloudtrail, &args.snapshot) {
                (Some(s), _) => s
                    .parse()
                    .map_err(|e: String| anyhow::anyhow!("--cloudtrail {e}"))?,
                (None, Some(_)) => aws::cloudtrail::TrailSource::None,
                (None, None) => aws::cloudtrail::TrailSource::Api,
            };
            let (current, _) = current_state(args.snapshot.as_deref(), &args.aws, cli.quiet)?;
            let (path, base) = commands::load_baseline(args.baseline.as_deref(), &current.account)?;
            let trail = if source == aws::cloudtrail::TrailSource::None {
                None
            } else {
                let window = commands::window(&base.snapshot, &current);
                let opts = aws_options(&args.aws, cli.quiet);
                let read = runtime()?.block_on(aws::cloudtrail::read_events(
                    &opts,
                    &source,
                    &current.account,
                    &current.regions,
                    window,
                ));
                if !cli.quiet {
                    eprintln!(
                        "driftwatch: CloudTrail: {} events used from {} records in {} files{}",
                        read.outcome.events.len(),
                        read.outcome.records,
                        read.outcome.files_read,
                        if read.outcome.skipped.is_empty() {
                            String::new()
                        } else {
                            format!(", {} files skipped", read.outcome.skipped.len())
                        }
                    );
                }
                Some(commands::TrailInput::from_read(read, &window))
            };
            let report = commands::build_report(
                &base,
                Some(&path),
                &current,
                &config,
                plan,
                trail.as_ref(),
                jiff::Timestamp::now(),
            )?;
            warn_all(&report, cli.quiet);
            let code = deliver(&report, &args.report)?;
            alert(&report, &args.notify, &config, code)
        }
        Command::Check(args) => {
            let config = Config::load(args.report.config.as_deref())?;
            notify_targets(&args.notify, &config)?;
            let checks = checks_for(&config, &args.checks)?;
            let (current, _) = current_state(args.snapshot.as_deref(), &args.aws, cli.quiet)?;
            let plan = commands::CheckPlan {
                checks: &checks,
                fail_on: args.checks.fail_on,
            };
            let report = commands::check_report(&current, &config, plan, jiff::Timestamp::now());
            warn_all(&report, cli.quiet);
            let code = deliver(&report, &args.report)?;
            alert(&report, &args.notify, &config, code)
        }
        Command::Checks(cli::ChecksCommand::List { from }) => {
            let config = Config::load(from.config.as_deref())?;
            let checks = commands::load_checks(&config, &from.dirs)?;
            let mut t = comfy_table::Table::new();
            t.load_preset(comfy_table::presets::NOTHING)
                .set_header(["id", "severity", "risk", "title"]);
            for c in &checks {
                let disabled = if config.checks.disable.contains(&c.id) {
                    " (disabled)"
                } else {
                    ""
                };
                t.add_row([
                    c.id.clone(),
                    c.severity.as_str().to_string(),
                    c.risk.clone(),
                    format!("{}{disabled}", c.title),
                ]);
            }
            emit(None, format!("{t}\n").as_bytes())?;
            Ok(EXIT_CLEAN)
        }
        Command::Checks(cli::ChecksCommand::Explain { id, from }) => {
            let config = Config::load(from.config.as_deref())?;
            let checks = commands::load_checks(&config, &from.dirs)?;
            let c = checks
                .iter()
                .find(|c| c.id.eq_ignore_ascii_case(&id))
                .ok_or_else(|| {
                    anyhow::anyhow!("no check has id {id} (see `driftwatch checks list`)")
                })?;
            emit(None, checks::explain(c).as_bytes())?;
            Ok(EXIT_CLEAN)
        }
        Command::Diff(args) => {
            let config = Config::load(args.report.config.as_deref())?;
            let report = commands::diff_files(&args.old, &args.new, &config)?;
            deliver(&report, &args.report)
        }
        Command::Baseline(BaselineCommand::Save { aws, from, out }) => {
            let snap = match &from {
                Some(p) => commands::load_current(p)?,
                None => take_snapshot(&aws, cli.quiet)?,
            };
            let path = out.unwrap_or_else(|| baseline::default_path(&snap.account));
            let complete = snap.complete();
            baseline::save(&path, &baseline::Baseline::new(snap))?;
            if !cli.quiet {
                eprintln!("driftwatch: baseline written to {}", path.display());
            }
            Ok(if complete {
                EXIT_CLEAN
            } else {
                EXIT_INCOMPLETE
            })
        }
        Command::Baseline(BaselineCommand::Approve {
            ids,
            all,
            reason,
            expires,
            by,
            aws,
            snapshot,
            baseline: baseline_path,
            config,
        }) => {
            let config = Config::load(config.as_deref())?;
            let (current, caller) = current_state(snapshot.as_deref(), &aws, cli.quiet)?;
            let by = by.or(caller).unwrap_or_else(commands::local_user);
            let outcome = commands::approve(
                baseline_path.as_deref(),
                &current,
                &config,
                commands::ApproveRequest {
                    ids: &ids,
                    all,
                    reason: &reason,
                    expires: expires.as_deref(),
                    by,
                },
                jiff::Timestamp::now(),
            )?;
            if !cli.quiet {
                if outcome.whole_state {
                    eprintln!(
                        "driftwatch: {} now holds the current state",
                        outcome.path.display()
                    );
                } else {
                    eprintln!(
                        "driftwatch: approved {} in {}",
                        outcome.approved.join(", "),
                        outcome.path.display()
                    );
                }
            }
            Ok(EXIT_CLEAN)
        }
        Command::Baseline(BaselineCommand::Show { path, json }) => {
            let b = baseline::load(&path)?.into_baseline();
            if json {
                let summary = serde_json::json!({
                    "path": path.display().to_string(),
                    "account": b.snapshot.account,
                    "taken_at": b.snapshot.taken_at,
                    "resources": b.snapshot.resources.len(),
                    "coverage": b.snapshot.coverage.values().collect::<Vec<_>>(),
                    "approvals": b.approvals,
                });
                emit(None, &to_pretty_json(&summary)?)?;
            } else {
                emit(
                    None,
                    commands::show_baseline(&b, &path, jiff::Timestamp::now()).as_bytes(),
                )?;
            }
            Ok(EXIT_CLEAN)
        }
        Command::Demo(args) => {
            if let Some(dir) = &args.dir {
                let written = demo::write_bundle(dir)?;
                if !cli.quiet {
                    eprintln!(
                        "driftwatch: wrote {} files under {}; run the same scan by hand with:",
                        written.len(),
                        dir.display()
                    );
                    eprintln!("  {}", demo::scan_command(dir));
                }
                return Ok(EXIT_CLEAN);
            }
            let config = match &args.report.config {
                Some(p) => Config::load(Some(p))?,
                None => Config::default(),
            };
            notify_targets(&args.notify, &config)?;
            let report = demo::report(
                args.report.config.as_deref(),
                &args.checks.dirs,
                args.checks.fail_on,
                jiff::Timestamp::now(),
            )?;
            let code = deliver(&report, &args.report)?;
            alert(&report, &args.notify, &config, code)
        }
        Command::Completions { shell } => {
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "driftwatch", &mut out);
            emit(None, &out)?;
            Ok(EXIT_CLEAN)
        }
    }
}
