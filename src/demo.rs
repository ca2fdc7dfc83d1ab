//! `driftwatch demo`: the whole pipeline (baseline, current state,
//! CloudTrail, policy, checks) on a bundled demo account, so a fresh machine
//! with no AWS account shows what a bad morning looks like. The bundle
//! (`baselines/demo/`) is embedded at build time and built by
//! `tests/build-demo.sh` from a moto account.

use std::path::Path;

use anyhow::{anyhow, Context, Result};

use crate::baseline;
use crate::commands::{self, CheckPlan, TrailInput};
use crate::config::Config;
use crate::report::Report;
use crate::trail::source::{self, ReadOutcome};

include!(concat!(env!("OUT_DIR"), "/demo_files.rs"));

fn file(name: &str) -> Result<&'static [u8]> {
    DEMO_FILES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, b)| *b)
        .ok_or_else(|| anyhow!("demo bundle: {name} is missing (rebuild with tests/build-demo.sh)"))
}

/// Writes the bundle under `dir`, for running `scan` on it by hand.
pub fn write_bundle(dir: &Path) -> Result<Vec<String>> {
    let mut written = Vec::new();
    for (name, bytes) in DEMO_FILES {
        let p = dir.join(name);
        crate::fsutil::write_atomic(&p, bytes)?;
        written.push(p.display().to_string());
    }
    Ok(written)
}

/// The command that runs the same scan on a written-out bundle.
pub fn scan_command(dir: &Path) -> String {
    let d = dir.display();
    format!(
        "driftwatch scan --snapshot {d}/current.json --baseline {d}/baseline.json --cloudtrail {d}/cloudtrail --config {d}/driftwatch.toml"
    )
}

/// The bundle's own `driftwatch.toml`.
pub fn bundle_config() -> Result<Config> {
    let text =
        std::str::from_utf8(file("driftwatch.toml")?).context("demo bundle: driftwatch.toml")?;
    Config::parse(text).map_err(|e| anyhow!("demo bundle: driftwatch.toml: {e}"))
}

/// The demo's clock: the bundle's current state was taken at this time, and
/// the demo runs at it. With the real clock, keys would age into new
/// findings and the bundle's suppression expire, and the demo (and the
/// README's copy of it) would change on its own within months.
pub fn clock() -> Result<jiff::Timestamp> {
    let current = baseline::parse(file("current.json")?)
        .map_err(|e| anyhow!("demo bundle: current.json: {e}"))?;
    current
        .snapshot()
        .taken_at
        .parse()
        .map_err(|e| anyhow!("demo bundle: current.json: taken_at: {e}"))
}

/// Runs the pipeline on the bundle at the bundle's own time.
pub fn report(config: &Config, plan: CheckPlan<'_>) -> Result<Report> {
    let base = baseline::parse(file("baseline.json")?)
        .map_err(|e| anyhow!("demo bundle: baseline.json: {e}"))?
        .into_baseline();
    let current = baseline::parse(file("current.json")?)
        .map_err(|e| anyhow!("demo bundle: current.json: {e}"))?
        .into_snapshot();
    let window = commands::window(&base, &current);
    let runner = commands::event_runner(plan, &base.snapshot, &current, config);
    let mut outcome = ReadOutcome::default();
    for (name, bytes) in DEMO_FILES
        .iter()
        .filter(|(n, _)| n.starts_with("cloudtrail/"))
    {
        outcome.add(
            name.to_string(),
            source::parse_file_bytes(
                bytes.to_vec(),
                &window,
                runner
                    .as_deref()
                    .map(|r| r as &dyn crate::trail::EventVisitors),
            ),
        );
    }
    outcome.dedup_writes();
    let read = crate::aws::cloudtrail::TrailRead {
        outcome,
        sources: vec!["the demo bundle's trail logs".into()],
        ..Default::default()
    };
    let trail = TrailInput::from_read(read, &window).with_event_checks(runner.as_deref());
    commands::build_report(
        &base,
        Some(Path::new("baselines/demo/baseline.json")),
        &current,
        config,
        plan,
        Some(&trail),
        clock()?,
    )
}
