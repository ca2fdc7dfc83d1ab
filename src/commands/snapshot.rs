//! `driftwatch snapshot`: read the account, write its state as JSON.

use std::path::PathBuf;

use anyhow::Result;

use super::{Outcome, Output};
use crate::aws::{AwsOptions, CollectStats};
use crate::model::Snapshot;

pub fn run(aws: &AwsOptions, output: Option<PathBuf>, quiet: bool) -> Result<Outcome> {
    let (snap, stats) = crate::aws::runtime()?.block_on(crate::aws::collect(aws))?;
    summarize(&snap, &stats, quiet);
    Ok(Outcome {
        output: Output::Bytes {
            bytes: crate::to_pretty_state(&snap)?,
            path: output,
        },
        code: if snap.fully_read() {
            crate::ExitStatus::Clean
        } else {
            crate::ExitStatus::Incomplete
        },
        messages: vec![],
        alerts: None,
    })
}

/// One line on stderr about what was read (unless quiet), and the call
/// figures at debug level.
pub fn summarize(snap: &Snapshot, stats: &CollectStats, quiet: bool) {
    tracing::debug!(?stats.by_operation, "API calls by operation");
    tracing::debug!(?stats.by_unit, "wall time by unit");
    if quiet {
        return;
    }
    let incomplete: Vec<String> = snap
        .coverage
        .values()
        .filter(|c| !c.is_full())
        .map(|c| c.describe())
        .collect();
    let carried = snap.carried();
    eprintln!(
        "driftwatch: account {}: {} resources, {} regions, {} API calls in {:.1}s{}{}",
        snap.account,
        snap.resources.len(),
        snap.regions.len(),
        stats.api_calls,
        stats.elapsed.as_secs_f64(),
        match carried {
            0 => String::new(),
            n => format!(" ({n} values carried from the baseline)"),
        },
        if incomplete.is_empty() {
            String::new()
        } else {
            format!("; incomplete: {}", incomplete.join(", "))
        }
    );
}
