//! driftwatch: watches an AWS account for unauthorized change.
//!
//! The library holds every command as a function; `main.rs` only wires I/O:
//! `cli` (arguments) → `resolve` (a checked `Plan`) → `commands` (an
//! `Outcome`) → `main` (prints, writes, alerts, exit code).
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
pub mod exit;
pub mod fsutil;
pub mod kinds;
pub mod model;
pub mod notify;
pub mod parallel;
pub mod report;
pub mod resolve;
pub mod secrets;
pub mod tomlerr;
pub mod trail;
pub mod warning;

use std::io::Write;

use anyhow::{Context, Result};

pub use exit::ExitStatus;

/// Logs go to stderr only; stdout carries the report and nothing else. The
/// SDK's own log lines (credential-chain probes, retries) stay off stderr
/// unless asked for with -v, -vv (driftwatch debug) or -vvv (everything).
pub fn init_logging(verbose: u8, quiet: bool, color: bool) {
    let filter = match (quiet, verbose) {
        (true, _) => "driftwatch=error,off",
        (false, 0) => "driftwatch=warn,off",
        (false, 1) => "driftwatch=info,warn",
        (false, 2) => "driftwatch=debug,info",
        _ => "debug",
    };
    let mut filter = tracing_subscriber::EnvFilter::try_from_env("DRIFTWATCH_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(filter));
    // The alert client logs each request's URL (and, lower, its headers):
    // a webhook's URL is its credential. Capped whatever the level asked
    // for, DRIFTWATCH_LOG included; a directive for the same target
    // replaces the user's.
    for quiet in ["ureq=warn", "ureq_proto=warn"] {
        filter = filter.add_directive(quiet.parse().expect("static directive"));
    }
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(color)
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

/// True when an error is a closed pipe (`driftwatch ... | head`): the
/// reader's choice, which must not change the exit code the report earned.
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Writes `bytes` to `path` atomically, or to stdout when there is no path.
pub fn emit(path: Option<&std::path::Path>, bytes: &[u8]) -> Result<()> {
    match path {
        Some(p) => fsutil::write_atomic(p, bytes),
        None => emit_with(None, |w| w.write_all(bytes)),
    }
}

/// Writes what `render` produces to `path` atomically (whole or not at
/// all), or streams it to stdout through a buffer, so a large report is
/// never held whole in memory on its way to a pipe.
pub fn emit_with(
    path: Option<&std::path::Path>,
    render: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    match path {
        Some(p) => {
            let mut bytes = Vec::new();
            render(&mut bytes).context("rendering the report")?;
            fsutil::write_atomic(p, &bytes)
        }
        None => {
            let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
            render(&mut out).context("writing to stdout")?;
            out.flush().context("writing to stdout")
        }
    }
}

/// Serializes a snapshot, baseline or any model value as pretty JSON with
/// every object's keys sorted and a trailing newline: the form that lives in
/// git, so a change to one part leaves every other line as it was.
pub fn to_pretty_json<T: serde::Serialize>(v: &T) -> Result<Vec<u8>> {
    let value = model::canonical(serde_json::to_value(v).context("serializing JSON")?);
    let mut bytes = serde_json::to_vec_pretty(&value).context("serializing JSON")?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// A snapshot or baseline as [`to_pretty_json`] writes it, byte for byte,
/// written straight from the structs: they declare their fields in key
/// order, and each resource's attrs are parsed for their own write and
/// dropped. Memory holds the state and the bytes written, never a tree of
/// the whole state (three times the file's size for a 100k-resource one).
pub fn to_pretty_state<T: serde::Serialize>(v: &T) -> Result<Vec<u8>> {
    let mut bytes = serde_json::to_vec_pretty(v).context("serializing JSON")?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// The repository the tests run in, read when they run: cargo sets
/// `CARGO_MANIFEST_DIR` for test processes. The compile-time value would
/// name whichever clone last compiled this test binary: cargo keeps its
/// artifacts across clones that share one target directory.
#[cfg(test)]
pub(crate) fn test_root() -> std::path::PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(std::path::PathBuf::from)
        .expect("cargo test sets CARGO_MANIFEST_DIR")
}
