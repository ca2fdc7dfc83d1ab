//! `driftwatch demo`: the whole pipeline (baseline, current state,
//! CloudTrail, policy, checks) on the bundled demo account ([`crate::demo`]),
//! so a fresh machine with no AWS account shows what a bad morning looks
//! like; `--dir` writes the bundle out instead.

use std::path::Path;

use anyhow::Result;

use super::{CheckPlan, Outcome, Output, TrailInput};
use crate::config::Config;
use crate::report::Report;
use crate::trail::source::{self, ReadOutcome};

/// Runs the pipeline on the bundle at the bundle's own time.
pub fn report(config: &Config, plan: CheckPlan<'_>) -> Result<Report> {
    let base = crate::demo::baseline()?;
    let current = crate::demo::current()?;
    let window = super::window(&base, &current);
    let runner = super::event_runner(plan, &base.snapshot, &current, config);
    let mut outcome = ReadOutcome::default();
    for (name, bytes) in crate::demo::trail_files() {
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
    let trail = TrailInput::from_read(read, &window).with_event_checks(
        runner.as_deref(),
        &base.snapshot,
        &current,
    );
    super::build_report(
        &base,
        Some(Path::new("baselines/demo/baseline.json")),
        &current,
        config,
        plan,
        Some(&trail),
        None,
        crate::demo::clock()?,
    )
}

/// `demo --dir DIR`: the bundle written out, and the scan to run on it.
pub fn write(dir: &Path) -> Result<Outcome> {
    let written = crate::demo::write_bundle(dir)?;
    Ok(Outcome {
        output: Output::None,
        code: crate::ExitStatus::Clean,
        messages: vec![
            format!(
                "wrote {} files under {}; run the same scan by hand with:",
                written.len(),
                dir.display()
            ),
            format!("  {}", crate::demo::scan_command(dir)),
        ],
        alerts: None,
    })
}
