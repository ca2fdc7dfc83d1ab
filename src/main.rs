//! Thin binary: parse arguments, resolve them into a plan, run it, then
//! deliver the outcome (stdout or a file, stderr messages, alerts) and map
//! it to an exit code. A closed stdout stops the writing quietly but never
//! changes the exit code the result earned; any failure of the tool is one
//! line on stderr and exit 2.

use std::process::ExitCode;

use clap::Parser;
use driftwatch::commands::{Outcome, Output};

/// glibc's allocator spent a quarter of a large scan's CPU (many small
/// JSON values made and freed on two threads); with mimalloc the same scan
/// takes a quarter less CPU (18.5 s against 13.8 s of user time).
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = driftwatch::cli::Cli::parse();
    let (verbose, quiet) = (cli.verbose, cli.quiet);
    let color = driftwatch::resolve::stderr_color(cli.color);
    driftwatch::init_logging(verbose, quiet, color);
    let result = driftwatch::resolve::resolve(cli)
        .and_then(driftwatch::commands::execute)
        .and_then(|o| deliver(o, quiet));
    match result {
        Ok(status) => ExitCode::from(status),
        Err(e) => {
            let label = if color {
                "\x1b[1;31merror\x1b[0m"
            } else {
                "error"
            };
            eprintln!("driftwatch: {label}: {}", driftwatch::one_line(&e));
            ExitCode::from(driftwatch::ExitStatus::ToolFailed)
        }
    }
}

/// Writes what the command produced; returns the exit code.
fn deliver(o: Outcome, quiet: bool) -> anyhow::Result<driftwatch::ExitStatus> {
    let written = match &o.output {
        Output::None => Ok(()),
        Output::Bytes { bytes, path } => driftwatch::emit(path.as_deref(), bytes),
        Output::Report { report, out } => driftwatch::emit_with(out.path.as_deref(), |w| {
            driftwatch::report::render(report, out.format, out.width, w)
        }),
        Output::Accounts { report, out } => driftwatch::emit_with(out.path.as_deref(), |w| {
            driftwatch::report::accounts::render(report, out.format, out.width, w)
        }),
    };
    match written {
        Err(e) if driftwatch::is_broken_pipe(&e) => {}
        other => other?,
    }
    if !quiet {
        for m in &o.messages {
            eprintln!("driftwatch: {m}");
        }
    }
    let Some(alerts) = &o.alerts else {
        return Ok(o.code);
    };
    let errors = match &o.output {
        Output::Report { report, .. } => driftwatch::notify::deliver(report, alerts),
        Output::Accounts { report, .. } => report
            .accounts
            .iter()
            .flat_map(|r| driftwatch::notify::deliver(r, &alerts.for_section(r)))
            .collect(),
        _ => vec![],
    };
    for e in &errors {
        eprintln!("driftwatch: error: {e}");
    }
    Ok(if errors.is_empty() {
        o.code
    } else {
        o.code.worst(driftwatch::ExitStatus::ToolFailed)
    })
}
