//! A snapshot of a large account in moto server: at least 500 instances, 300
//! security groups, 200 buckets, 300 IAM roles and 2,000 DNS records, plus
//! the logging layer (trails, detectors, recorders, flow logs, load
//! balancers, distributions) and the data-sharing surface (snapshots, AMIs,
//! RDS, Lambda, KMS keys, queues, topics, secrets, Roles Anywhere, the
//! organization). Prints wall time, API calls by operation and
//! wall time by collection unit at a few concurrency limits, straight to
//! moto; then through a proxy that holds every response 60 ms, against the
//! scheduling model: the critical path times 60 ms plus every call's 60 ms
//! shared among `--concurrency` slots. Those runs lift the client-side
//! rate limits (`--rate-limit off`) to measure the scheduling alone; a last
//! replay keeps the default limits, to show what they cost, against the
//! floor they set (each service's calls at its sustained rate); then two
//! second scans after the recorded state as their baseline: nothing
//! changed, and one instance in a hundred relaunched since.
//!
//! Run: `tests/with-moto.sh cargo bench --bench snapshot`. The figures are
//! moto's as much as ours (moto answers one request at a time in Python), so
//! they are upper bounds for what AWS itself would take.

#[path = "../tests/common/mod.rs"]
mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use driftwatch::aws::limits::RateLimits;
use driftwatch::aws::{AwsOptions, CollectStats, Session};
use driftwatch::model::Snapshot;

/// What the proxy adds to every response in the scheduling run.
const LATENCY: Duration = Duration::from_millis(60);

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    if std::env::var_os("DRIFTWATCH_MOTO_ENDPOINT").is_none() {
        eprintln!(
            "snapshot bench: needs moto; run as `tests/with-moto.sh cargo bench --bench snapshot`"
        );
        std::process::exit(2);
    }
    let acct = common::Account::new();
    let t = std::time::Instant::now();
    let large = acct.seed("large.py", &[]);
    acct.seed("visibility.py", &[]);
    // The data-sharing surface: snapshots, AMIs, region settings, RDS,
    // Lambda, keys, queues, topics, secrets, trust anchors (a handful each;
    // the per-instance user-data call is the one that scales with the large
    // seed).
    for seed in ["sharing.py", "rds.py", "lambda.py", "policies.py"] {
        acct.seed(seed, &[]);
    }
    eprintln!("seeded in {:.0}s: {large}", t.elapsed().as_secs_f64());
    let mut env = std::process::Command::new("true");
    acct.apply_env(&mut env);
    for (k, v) in env.get_envs() {
        // SAFETY: single-threaded here; the SDK reads these later.
        unsafe {
            match v {
                Some(v) => std::env::set_var(k, v),
                None => std::env::remove_var(k),
            }
        }
    }
    let rt = tokio::runtime::Runtime::new().unwrap();
    let run_with = |endpoint: &str, concurrency: usize, rate_limits: RateLimits| {
        let opts = AwsOptions {
            regions: vec!["us-east-1".into(), "eu-west-1".into()],
            endpoint_url: Some(endpoint.to_string()),
            concurrency,
            rate_limits,
            ..Default::default()
        };
        rt.block_on(driftwatch::aws::collect(&opts)).unwrap()
    };
    let run =
        |endpoint: &str, concurrency: usize| run_with(endpoint, concurrency, RateLimits::off());
    // moto's own speed: it answers one request at a time, so this is the floor.
    for concurrency in [1, 8, 32] {
        let (snap, stats) = run(&acct.endpoint, concurrency);
        println!(
            "moto direct, concurrency {concurrency}: {} resources in {:.2}s, {} API calls",
            snap.resources.len(),
            stats.elapsed.as_secs_f64(),
            stats.api_calls
        );
        if concurrency == 32 {
            report(&snap, &stats);
        }
    }
    // Scheduling through moto: every response 60 ms late, as from a distant
    // region. moto's own serial time (the direct runs above) is the floor.
    let proxy = common::latency_proxy(&acct.endpoint, LATENCY);
    for concurrency in [32, 64] {
        let (snap, stats) = run(&proxy, concurrency);
        model("moto + 60 ms", concurrency, &snap, &stats);
    }
    // Scheduling alone: record moto's answers once, then replay them from
    // memory 60 ms late, any number at once, so only the order and overlap
    // of driftwatch's calls decide the time.
    let tape = common::Tape::default();
    let (recorded, _) = run(&common::taping_proxy(&acct.endpoint, tape.clone()), 32);
    let replay = common::replay_server(tape, LATENCY);
    for concurrency in [32, 64] {
        let (snap, stats) = run(&replay, concurrency);
        assert_eq!(
            snap.resources.len(),
            recorded.resources.len(),
            "replay missed"
        );
        assert!(snap.complete(), "replay missed: {:?}", snap.coverage);
        model("replay + 60 ms", concurrency, &snap, &stats);
    }
    // The same replay under the default client-side rate limits.
    let (snap, stats) = run_with(&replay, 32, RateLimits::default());
    assert_eq!(snap.resources.len(), recorded.resources.len());
    println!(
        "replay + 60 ms, concurrency 32, default rate limits: {:.2}s for {} calls",
        stats.elapsed.as_secs_f64(),
        stats.api_calls
    );
    report(&snap, &stats);
    floors(&stats);
    // A scan's read of the same account after its baseline (the recorded
    // state): what cannot have changed is carried (aws/carry.rs). Then
    // with 1% of the instances relaunched since: the baseline's launch
    // time differs, so they are read.
    let scan = |base: &Snapshot| {
        let opts = AwsOptions {
            regions: vec!["us-east-1".into(), "eu-west-1".into()],
            endpoint_url: Some(replay.clone()),
            concurrency: 32,
            rate_limits: RateLimits::default(),
            ..Default::default()
        };
        rt.block_on(async {
            let mut session = Session::connect(&opts).await.unwrap();
            let regions = session.regions(&opts.regions).await.unwrap();
            session.carry_from(base);
            Box::pin(session.collect(regions)).await
        })
    };
    let relaunched = relaunch_one_in_a_hundred(&recorded);
    for (label, base) in [
        ("nothing changed", &recorded),
        ("1% relaunched", &relaunched),
    ] {
        let (snap, stats) = scan(base);
        assert!(snap.fully_read(), "{:?}", snap.coverage);
        let carried = snap.carried();
        println!(
            "second scan, {label}, replay + 60 ms, default rate limits: {:.2}s for {} calls, {carried} values carried",
            stats.elapsed.as_secs_f64(),
            stats.api_calls
        );
        floors(&stats);
    }
}

/// The baseline as it would be had one instance in a hundred been stopped
/// and started since: its launch time is not the one recorded.
fn relaunch_one_in_a_hundred(recorded: &Snapshot) -> Snapshot {
    let mut base = recorded.clone();
    let ids: Vec<String> = base
        .of_kind(driftwatch::kinds::EC2_INSTANCE)
        .map(|r| r.id())
        .collect();
    for id in ids.iter().step_by(100) {
        let r = base.resources.get_mut(id).unwrap();
        r.attrs["launch_time"] = "2020-01-01T00:00:00Z".into();
    }
    base
}

/// The floor each service's default rate limit sets for this read: its
/// busiest unit's calls, less the burst, at its sustained rate. The
/// largest is the floor of the whole read.
fn floors(stats: &CollectStats) {
    let limits = RateLimits::default();
    let mut worst = (0.0, String::new());
    for (unit, &calls) in &stats.calls_by_unit {
        let service = unit.split('/').next().unwrap_or(unit);
        let Some(rate) = limits.rate(service) else {
            continue;
        };
        let sustained = f64::from(rate.per_second.get());
        let floor = calls.saturating_sub(u64::from(rate.burst.get())) as f64 / sustained;
        if floor > worst.0 {
            worst = (floor, format!("{unit} ({calls} calls)"));
        }
    }
    println!(
        "  floor set by the rate limits: {:.2}s, by {}",
        worst.0, worst.1
    );
}

/// Prints a run against the scheduling model.
fn model(
    label: &str,
    concurrency: usize,
    snap: &driftwatch::model::Snapshot,
    stats: &CollectStats,
) {
    let zones = snap.of_kind(driftwatch::kinds::ROUTE53_ZONE).count() as u64;
    let chain = critical_chain(&stats.by_operation, zones);
    let d = LATENCY.as_secs_f64();
    let path = chain as f64 * d;
    let spread = stats.api_calls as f64 * d / concurrency as f64;
    let took = stats.elapsed.as_secs_f64();
    println!(
        "{label}, concurrency {concurrency}: {took:.2}s for {} calls; model: critical path \
         {chain} calls = {path:.2}s + calls x 60 ms / concurrency = {spread:.2}s = {:.2}s; ratio {:.2}",
        stats.api_calls,
        path + spread,
        took / (path + spread)
    );
}

/// The longest chain of calls that must follow one another: identity, then
/// the region list, then the deepest unit. S3: the listing's pages, a
/// bucket's location when the listing lacks it, its policy, then the
/// policy's status. Route53: the zone pages, then one zone's record pages
/// (zones are about the same size here). IAM: the authorization details
/// pages, then a user's own calls.
fn critical_chain(ops: &BTreeMap<String, u64>, zones: u64) -> u64 {
    let n = |op: &str| ops.get(op).copied().unwrap_or(0);
    let s3 = n("S3.ListBuckets") + u64::from(n("S3.GetBucketLocation") > 0) + 2;
    let route53 =
        n("Route 53.ListHostedZones") + n("Route 53.ListResourceRecordSets").div_ceil(zones.max(1));
    let iam = n("IAM.GetAccountAuthorizationDetails") + 1;
    2 + s3.max(route53).max(iam)
}

fn report(snap: &driftwatch::model::Snapshot, stats: &CollectStats) {
    let mut kinds = BTreeMap::new();
    for r in snap.resources.values() {
        *kinds.entry(r.kind.clone()).or_insert(0) += 1;
    }
    println!("  resources by kind: {kinds:?}");
    println!("  calls by operation:");
    for (op, n) in &stats.by_operation {
        println!("    {op:<50} {n}");
    }
    println!("  wall time by unit:");
    for (unit, d) in &stats.by_unit {
        println!("    {unit:<28} {:.2}s", d.as_secs_f64());
    }
}
