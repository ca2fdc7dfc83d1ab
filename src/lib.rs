//! driftwatch: watches an AWS account for unauthorized change.
//!
//! The library holds every command as a function; `main.rs` only wires I/O.
//! See the shared design notes for the module boundaries: the core (model,
//! diff, attribution, checks, report) is pure and synchronous; I/O lives at
//! the edges (aws, trail sources, baseline files).

pub mod aws;
pub mod cli;
pub mod fsutil;
pub mod model;

use std::io::{IsTerminal, Write};

use anyhow::{Context, Result};
use clap::CommandFactory;

use cli::{AwsArgs, Cli, Command};

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
    let opts = aws_options(a, quiet);
    let (snap, stats) = runtime()?.block_on(aws::collect(&opts))?;
    if !quiet {
        let incomplete: Vec<String> = snap
            .coverage
            .values()
            .filter(|c| c.status != model::CoverageStatus::Complete)
            .map(|c| {
                format!(
                    "{}/{} {} ({})",
                    c.service,
                    c.region,
                    c.status.as_str(),
                    c.error_code.as_deref().unwrap_or("?")
                )
            })
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
    Ok(snap)
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
        Command::Completions { shell } => {
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "driftwatch", &mut out);
            emit(None, &out)?;
            Ok(EXIT_CLEAN)
        }
    }
}
