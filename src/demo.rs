//! The demo bundle: a demo account's baseline, current state, CloudTrail
//! logs and `driftwatch.toml` (`baselines/demo/`, built from a moto account
//! by `tests/build-demo.sh`), embedded at build time, and its clock. The
//! `demo` command (`commands/demo.rs`) runs the pipeline on it.

use std::path::Path;

use anyhow::{anyhow, Context, Result};

use crate::baseline;
use crate::config::Config;

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

/// The bundle's baseline.
pub fn baseline() -> Result<crate::baseline::Baseline> {
    Ok(baseline::parse(file("baseline.json")?)
        .map_err(|e| anyhow!("demo bundle: baseline.json: {e}"))?
        .into_baseline())
}

/// The bundle's current state.
pub fn current() -> Result<crate::model::Snapshot> {
    Ok(baseline::parse(file("current.json")?)
        .map_err(|e| anyhow!("demo bundle: current.json: {e}"))?
        .into_snapshot())
}

/// The bundle's CloudTrail log files, by name.
pub fn trail_files() -> impl Iterator<Item = (&'static str, &'static [u8])> {
    DEMO_FILES
        .iter()
        .copied()
        .filter(|(n, _)| n.starts_with("cloudtrail/"))
}
