//! `driftwatch scan`: the main job. The current state (read live or from a
//! file), the baseline (loaded as soon as the account is known, before the
//! account is read, so the read can carry what cannot have changed),
//! CloudTrail for the window between them, the checks,
//! one report.

use anyhow::Result;

use super::{build_report, snapshot, CheckPlan, Checked, Outcome, TrailInput};
use crate::aws::cloudtrail::{read_events, TrailSource};
use crate::baseline::{self, Baseline};
use crate::model::Snapshot;
use crate::resolve::{self, Current, ScanInputs, ScanPlan};

pub fn run(plan: ScanPlan, quiet: bool, now: jiff::Timestamp) -> Result<Outcome> {
    let rt = crate::aws::runtime()?;
    let (current, (path, base), calls) = match plan.current {
        Current::File(s) => {
            let b = plan
                .baseline
                .expect("resolve loads the baseline of a file state");
            (*s, b, Default::default())
        }
        Current::Live(mut opts) => {
            let mut session = rt.block_on(crate::aws::Session::connect(&opts))?;
            let b = match plan.baseline {
                Some(b) => b,
                None => resolve::load_baseline_file(&baseline::default_path(&session.account))?,
            };
            resolve::check_account(&b, &session.account)?;
            resolve::default_regions(&mut opts, &b.1);
            let regions = rt.block_on(session.regions(&opts.regions))?;
            session.carry_from(&b.1.snapshot);
            let (snap, stats) = rt.block_on(Box::pin(session.collect(regions)));
            snapshot::summarize(&snap, &stats, quiet);
            (snap, b, stats.calls_by_unit)
        }
    };
    // The resource checks need only the current state: they run while
    // CloudTrail streams, each side on the cores the other leaves idle.
    let (trail, checked) = std::thread::scope(|s| {
        let checks = s.spawn(|| {
            let checking = CheckPlan::of(&plan.inputs.checking);
            super::resource_checks(&current, &plan.inputs.config, checking, now)
        });
        let trail = trail_of(&rt, &plan.aws, &plan.inputs, &base, &current, quiet);
        let checked = checks
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p));
        (trail, checked)
    });
    let mut report = account_report(
        &plan.inputs,
        &base,
        &path,
        &current,
        trail.as_ref(),
        Some(checked),
        now,
    )?;
    report.api_calls = calls;
    let mut alerts = plan.inputs.alerts;
    alerts.remember_beside(&path);
    Ok(Outcome::report(report, plan.inputs.out, Some(alerts)))
}

/// One account's report, as a scan of one account or of many gives it:
/// approved changes counted, not listed, unless asked for.
/// `checked`: the resource checks' answers when they ran ahead.
pub(super) fn account_report(
    inputs: &ScanInputs,
    base: &Baseline,
    path: &std::path::Path,
    current: &Snapshot,
    trail: Option<&TrailInput>,
    checked: Option<Checked>,
    now: jiff::Timestamp,
) -> Result<crate::report::Report> {
    let mut report = build_report(
        base,
        Some(path),
        current,
        &inputs.config,
        CheckPlan::of(&inputs.checking),
        trail,
        checked,
        now,
    )?;
    if !inputs.show_approved {
        report.hide_approved();
    }
    Ok(report)
}

/// The scan's CloudTrail, when it reads any, with its event checks run on
/// the way.
fn trail_of(
    rt: &tokio::runtime::Runtime,
    aws: &crate::aws::AwsOptions,
    inputs: &ScanInputs,
    base: &Baseline,
    current: &Snapshot,
    quiet: bool,
) -> Option<TrailInput> {
    let source = &inputs.cloudtrail;
    if matches!(source, TrailSource::None) {
        return None;
    }
    let runner = super::event_runner(
        CheckPlan::of(&inputs.checking),
        &base.snapshot,
        current,
        &inputs.config,
    );
    let read = read_trail(rt, aws, runner, source, base, current, quiet);
    Some(read.listing_all_transients(inputs.all_transients))
}

fn read_trail(
    rt: &tokio::runtime::Runtime,
    opts: &crate::aws::AwsOptions,
    runner: Option<std::sync::Arc<crate::checks::events::Runner>>,
    source: &TrailSource,
    base: &Baseline,
    current: &Snapshot,
    quiet: bool,
) -> TrailInput {
    let window = super::window(base, current);
    let read = rt.block_on(read_events(
        opts,
        source,
        &current.account,
        &current.regions,
        window,
        runner
            .clone()
            .map(|r| r as std::sync::Arc<dyn crate::trail::EventVisitors>),
    ));
    if !quiet {
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
    TrailInput::from_read(read, &window).with_event_checks(
        runner.as_deref(),
        &base.snapshot,
        current,
    )
}
