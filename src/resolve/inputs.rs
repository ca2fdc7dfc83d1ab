//! The inputs every command shares, each read and checked before anything
//! slow: the current state (a file, or the account to read), state and
//! baseline files, where and how a report goes, the checks and which
//! findings fail a run, alerts, the CloudTrail source and how to reach AWS.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{anyhow, bail, Context, Result};

use super::{Alerts, Checking, Current, ReportOut};
use crate::aws::cloudtrail::TrailSource;
use crate::aws::AwsOptions;
use crate::baseline::{self, Baseline};
use crate::checks::FailOn;
use crate::cli;
use crate::config::Config;
use crate::model::{is_region_name, Snapshot};
use crate::notify::NotifyOn;
use crate::report::Format;

pub(super) fn current(snapshot: Option<&Path>, a: &cli::AwsArgs, quiet: bool) -> Result<Current> {
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

pub(super) fn checking(config: &Config, a: &cli::CheckArgs) -> Result<Checking> {
    let mut cfg = config.checks.clone();
    cfg.sigma_skip_unsupported |= a.sigma_skip_unsupported;
    let (checks, warnings) = if a.no_checks {
        (vec![], vec![])
    } else {
        crate::checks::load_reporting(&cfg, &a.dirs)?
    };
    Ok(Checking {
        checks,
        warnings,
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

pub(super) fn report_out(a: &cli::ReportArgs) -> Result<ReportOut> {
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

pub(super) fn alerts(a: &cli::NotifyArgs, config: &Config) -> Result<Alerts> {
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

pub(super) fn trail_source(s: &str) -> Result<TrailSource> {
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

pub(super) fn aws_options(a: &cli::AwsArgs, quiet: bool) -> Result<AwsOptions> {
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
pub(super) fn rate_limits(values: &[String]) -> Result<crate::aws::limits::RateLimits> {
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
