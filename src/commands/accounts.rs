//! `scan`, `baseline save` and `baseline approve --all` with `--accounts`:
//! the one-account pipeline run for every account, a bounded number at once,
//! each account with its own credentials (an assumed role), its own
//! request limits and its own baseline. An account that cannot be read is
//! a section saying why (exit 3), never the end of the run.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{anyhow, bail, Result};
use futures::StreamExt;

use super::{snapshot, CheckPlan, Outcome, TrailInput};
use crate::aws::accounts::{Access, FirstHop, Member, RoleSpec};
use crate::aws::cloudtrail::{read_account_events, SharedRead, TrailSource};
use crate::aws::AwsOptions;
use crate::baseline::{self, Baseline};
use crate::model::{Coverage, CoverageStatus, Snapshot, GLOBAL};
use crate::report::accounts::AccountsReport;
use crate::report::Report;
use crate::resolve::{AccountSet, AccountsScanPlan, AccountsSpec};
use crate::trail::source::Window;

/// What every account's scan shares.
struct Shared {
    plan: AccountsScanPlan,
    bar: indicatif::ProgressBar,
    first_hop: Access,
    shared_read: Option<SharedRead>,
    quiet: bool,
    now: jiff::Timestamp,
}

pub fn scan(mut plan: AccountsScanPlan, quiet: bool, now: jiff::Timestamp) -> Result<Outcome> {
    let rt = crate::aws::runtime()?;
    let hop = rt.block_on(FirstHop::connect(&plan.aws))?;
    let members = rt.block_on(members(&hop, &plan.accounts.set))?;
    // Every baseline is read before any account is: a broken file is exit 2
    // now, not after an hour of reading.
    let mut baselines = BTreeMap::new();
    for m in &members {
        let b = match plan.baselines.remove(&m.id) {
            Some(b) => Some(b),
            None => load_if_present(&baseline::default_path(&m.id))?,
        };
        baselines.insert(m.id.clone(), b);
    }
    // Read once for every account: a folder's files sorted by account, or
    // one Athena query.
    let ids: Vec<String> = members.iter().map(|m| m.id.clone()).collect();
    let shared_read = rt
        .block_on(SharedRead::read(
            &plan.aws,
            &hop.first_hop(),
            &plan.inputs.cloudtrail,
            &ids,
            &regions_of(&plan.aws, &baselines),
            widest_window(&baselines, now),
        ))
        .map_err(|e| anyhow!("--cloudtrail {e}"))?;
    let parallel = plan.accounts.parallel;
    let shared = Arc::new(Shared {
        bar: bar(plan.aws.progress, ids.len()),
        first_hop: hop.first_hop(),
        plan,
        shared_read,
        quiet,
        now,
    });
    let hop = Arc::new(hop);
    let sections: Vec<Report> = rt.block_on(
        futures::stream::iter(members)
            .map(|m| {
                let b = baselines.remove(&m.id).flatten();
                scan_account(hop.clone(), shared.clone(), m, b)
            })
            .buffer_unordered(parallel)
            .collect(),
    );
    let report = AccountsReport::new(sections).map_err(|e| anyhow!(e))?;
    let shared = Arc::into_inner(shared).expect("every account is done");
    shared.bar.finish_and_clear();
    Ok(Outcome::accounts(
        report,
        shared.plan.inputs.out,
        Some(shared.plan.inputs.alerts),
    ))
}

/// The regions read in any account: those asked for, else those of
/// every baseline.
fn regions_of(aws: &AwsOptions, baselines: &Baselines) -> Vec<String> {
    if !aws.regions.is_empty() {
        return aws.regions.clone();
    }
    let mut all: Vec<String> = baselines
        .values()
        .flatten()
        .flat_map(|(_, b)| b.snapshot.regions.iter().cloned())
        .collect();
    all.sort();
    all.dedup();
    all
}

/// From the oldest baseline to a minute past now: every account's window
/// is inside it.
fn widest_window(baselines: &Baselines, now: jiff::Timestamp) -> Window {
    Window {
        start: baselines
            .values()
            .flatten()
            .filter_map(|(_, b)| b.reviewed_until().parse::<jiff::Timestamp>().ok())
            .min(),
        end: Some(now + jiff::SignedDuration::from_secs(60)),
        account: None,
    }
}

type Baselines = BTreeMap<String, Option<(PathBuf, Baseline)>>;

async fn members(hop: &FirstHop, set: &AccountSet) -> Result<Vec<Member>> {
    Ok(match set {
        AccountSet::Listed(ids) => ids
            .iter()
            .map(|id| Member {
                id: id.clone(),
                name: None,
            })
            .collect(),
        AccountSet::Org { ous } => {
            let m = hop.members(ous).await?;
            // An empty run would read as "every account clean".
            if m.is_empty() {
                bail!(
                    "--accounts org: no active account{}",
                    if ous.is_empty() {
                        String::new()
                    } else {
                        format!(" under {}", ous.join(", "))
                    }
                );
            }
            m
        }
    })
}

fn load_if_present(path: &std::path::Path) -> Result<Option<(PathBuf, Baseline)>> {
    if !path.exists() {
        return Ok(None);
    }
    Ok(Some((
        path.to_path_buf(),
        baseline::load(path)?.into_baseline(),
    )))
}

/// One account's section, counted on the run's progress bar.
async fn scan_account(
    hop: Arc<FirstHop>,
    sh: Arc<Shared>,
    m: Member,
    base: Option<(PathBuf, Baseline)>,
) -> Report {
    let id = m.id.clone();
    let r = scan_one(hop, sh.clone(), m, base).await;
    sh.bar.inc(1);
    sh.bar.set_message(id);
    r
}

/// A bar of accounts done, on a terminal only (the caller decides).
fn bar(show: bool, accounts: usize) -> indicatif::ProgressBar {
    if !show {
        return indicatif::ProgressBar::hidden();
    }
    let b = indicatif::ProgressBar::new(accounts as u64);
    b.set_style(
        indicatif::ProgressStyle::with_template("{spinner} [{bar:30}] {pos}/{len} accounts {msg}")
            .expect("static template")
            .progress_chars("=> "),
    );
    b
}

/// One account: reach it, read it, read its events, build its section.
async fn scan_one(
    hop: Arc<FirstHop>,
    sh: Arc<Shared>,
    m: Member,
    base: Option<(PathBuf, Baseline)>,
) -> Report {
    let plan = &sh.plan;
    let taken = sh
        .now
        .round(jiff::Unit::Second)
        .unwrap_or(sh.now)
        .to_string();
    let gap = |c: Coverage| {
        Report::not_read(
            &m.id,
            m.name.clone(),
            c,
            plan.inputs.checking.fail_on,
            taken.clone(),
        )
    };
    let role = RoleSpec {
        name: &plan.accounts.role_name,
        external_id: plan.accounts.external_id.as_deref(),
    };
    // Reached first: an account that cannot be reached says so, baseline
    // or not.
    let mut session = match hop.session(&m.id, &role).await {
        Ok(s) => s,
        Err(c) => return gap(c),
    };
    let Some((path, base)) = base else {
        return gap(no_baseline(&m.id));
    };
    let mut opts = plan.aws.clone();
    crate::resolve::default_regions(&mut opts, &base);
    let regions = match session.regions(&opts.regions).await {
        Ok(r) => r,
        Err(e) => return gap(failed("account", "Regions", e.to_string())),
    };
    let access = session.access();
    session.carry_from(&base.snapshot);
    let (current, stats) = Box::pin(session.collect(regions)).await;
    snapshot::summarize(&current, &stats, sh.quiet);
    let trail = read_trail(&sh, &access, &base, &current).await;
    let name = m.name.clone();
    let sh2 = sh.clone();
    tokio::task::spawn_blocking(move || {
        super::scan::account_report(
            &sh2.plan.inputs,
            &base,
            &path,
            &current,
            trail.as_ref(),
            None,
            sh2.now,
        )
    })
    .await
    .map_err(|e| anyhow!("account {}: {e}", m.id))
    .and_then(|r| r)
    .map(|mut r| {
        r.account_name = name;
        r.api_calls = stats.calls_by_unit;
        r
    })
    .unwrap_or_else(|e| gap(failed("driftwatch", "Internal", format!("{e:#}"))))
}

async fn read_trail(
    sh: &Shared,
    access: &Access,
    base: &Baseline,
    current: &Snapshot,
) -> Option<TrailInput> {
    let p = &sh.plan;
    if p.inputs.cloudtrail == TrailSource::None {
        return None;
    }
    let runner = super::event_runner(
        CheckPlan::of(&p.inputs.checking),
        &base.snapshot,
        current,
        &p.inputs.config,
    );
    let window = super::window(base, current);
    let read = read_account_events(
        &p.aws,
        access,
        &sh.first_hop,
        &p.inputs.cloudtrail,
        sh.shared_read.as_ref(),
        &current.account,
        &current.regions,
        window,
        runner
            .clone()
            .map(|r| r as Arc<dyn crate::trail::EventVisitors>),
    )
    .await;
    Some(
        TrailInput::from_read(read, &window)
            .with_event_checks(runner.as_deref(), &base.snapshot, current)
            .listing_all_transients(p.inputs.all_transients),
    )
}

fn no_baseline(account: &str) -> Coverage {
    failed(
        "baseline",
        "NoBaseline",
        format!(
            "{}: no baseline (create one with `driftwatch baseline save --accounts {account}`)",
            baseline::default_path(account).display()
        ),
    )
}

fn failed(service: &str, code: &str, message: String) -> Coverage {
    Coverage {
        service: service.into(),
        region: GLOBAL.into(),
        status: CoverageStatus::Error,
        error_code: Some(code.into()),
        message: Some(message),
        unknown_values: vec![],
        carried: Vec::new(),
    }
}

/// `baseline save --accounts`: every reachable account's state written to
/// `DIR/<account>.json` as `baseline save` would; the others named.
pub fn save(
    spec: AccountsSpec,
    aws: AwsOptions,
    dir: PathBuf,
    force: bool,
    accept: &crate::resolve::Acceptance,
    quiet: bool,
    now: jiff::Timestamp,
) -> Result<Outcome> {
    let rt = crate::aws::runtime()?;
    let hop = rt.block_on(FirstHop::connect(&aws))?;
    let members = rt.block_on(members(&hop, &spec.set))?;
    for m in &members {
        super::baseline_cmds::refuse_losing_approvals(&dir.join(format!("{}.json", m.id)), force)?;
    }
    let read = rt.block_on(read_states(
        &hop,
        &members,
        &spec,
        |_| aws.regions.clone(),
        quiet,
    ));
    let mut done = Done::default();
    for (id, r) in read {
        match r {
            Ok(snap) => done.add(super::baseline_cmds::save_state(
                snap,
                Some(dir.join(format!("{id}.json"))),
                force,
                accept,
                now,
            )?),
            Err(c) => done.not_read("not saved", &c),
        }
    }
    Ok(done.outcome())
}

/// `baseline approve --all --accounts`: every account's current state
/// accepted into its own baseline, which must exist (checked before any
/// account is read).
pub fn approve_all(
    p: crate::resolve::AccountsApprove,
    quiet: bool,
    now: jiff::Timestamp,
) -> Result<Outcome> {
    let crate::resolve::AccountsApprove {
        accounts: spec,
        aws,
        reason,
        by,
        accept,
    } = p;
    let rt = crate::aws::runtime()?;
    let hop = rt.block_on(FirstHop::connect(&aws))?;
    let members = rt.block_on(members(&hop, &spec.set))?;
    let mut baselines = BTreeMap::new();
    for m in &members {
        let path = baseline::default_path(&m.id);
        baselines.insert(
            m.id.clone(),
            crate::resolve::load_baseline_file(&path)?
                .1
                .snapshot
                .regions,
        );
    }
    let regions = |id: &str| {
        if aws.regions.is_empty() {
            baselines.get(id).cloned().unwrap_or_default()
        } else {
            aws.regions.clone()
        }
    };
    let read = rt.block_on(read_states(&hop, &members, &spec, regions, quiet));
    let by = by.unwrap_or_else(|| hop.caller_arn.clone());
    let mut done = Done::default();
    for (id, r) in read {
        match r {
            Ok(snap) => {
                let path = baseline::default_path(&id);
                done.add(super::approve::all_into(
                    &path, &snap, &accept, &reason, &by, now,
                )?);
            }
            Err(c) => done.not_read("not approved", &c),
        }
    }
    Ok(done.outcome())
}

/// What a command over many accounts did, account by account.
#[derive(Default)]
struct Done {
    code: crate::ExitStatus,
    messages: Vec<String>,
}

impl Done {
    fn add(&mut self, one: Outcome) {
        self.code = self.code.worst(one.code);
        self.messages.extend(one.messages);
    }
    fn not_read(&mut self, what: &str, c: &Coverage) {
        self.code = self.code.worst(crate::ExitStatus::Incomplete);
        self.messages.push(format!("{what}: {}", c.describe()));
    }
    fn outcome(self) -> Outcome {
        Outcome {
            output: super::Output::None,
            code: self.code,
            messages: self.messages,
            alerts: None,
        }
    }
}

/// Every account's current state, `parallel` at a time, by account id; an
/// account that cannot be read is the coverage entry saying why.
async fn read_states(
    hop: &FirstHop,
    members: &[Member],
    spec: &AccountsSpec,
    regions: impl Fn(&str) -> Vec<String>,
    quiet: bool,
) -> Vec<(String, Result<Snapshot, Coverage>)> {
    let role = RoleSpec {
        name: &spec.role_name,
        external_id: spec.external_id.as_deref(),
    };
    let role = &role;
    let regions = &regions;
    let mut read: Vec<(String, Result<Snapshot, Coverage>)> = futures::stream::iter(members)
        .map(|m| async move {
            let r = async {
                let mut s = hop.session(&m.id, role).await?;
                let regions = s
                    .regions(&regions(&m.id))
                    .await
                    .map_err(|e| failed("account", "Regions", e.to_string()))?;
                let (snap, stats) = Box::pin(s.collect(regions)).await;
                snapshot::summarize(&snap, &stats, quiet);
                Ok(snap)
            };
            (m.id.clone(), r.await)
        })
        .buffer_unordered(spec.parallel)
        .collect()
        .await;
    read.sort_by(|a, b| a.0.cmp(&b.0));
    read
}
