//! Many accounts in one run over moto: an organization of 100 small member
//! accounts (a bucket, a security group and the defaults moto gives every
//! account), read in two regions by one `scan --accounts org`, against one
//! account scanned 100 times in a row, each run a process of its own as a
//! scheduler would start it. Prints wall time, API calls per account, the
//! peak memory of the organization's run and the size of its report.
//!
//! Run: `tests/with-moto.sh cargo bench --bench accounts` (N accounts with
//! DRIFTWATCH_BENCH_ACCOUNTS, default 100). moto answers one request at a
//! time in Python, so both figures are moto's as much as ours; what the
//! comparison shows is what one process saves over a hundred.

#[path = "../tests/common/mod.rs"]
mod common;

use std::process::Command;
use std::time::Instant;

const REGIONS: &str = "us-east-1,eu-west-1";

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    if std::env::var_os("DRIFTWATCH_MOTO_ENDPOINT").is_none() {
        eprintln!(
            "accounts bench: needs moto; run as `tests/with-moto.sh cargo bench --bench accounts`"
        );
        std::process::exit(2);
    }
    let n: usize = std::env::var("DRIFTWATCH_BENCH_ACCOUNTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100);
    let mgmt = common::Account::new();
    let t = Instant::now();
    let org = mgmt.seed("org_accounts.py", &[&n.to_string()]);
    eprintln!("seeded {n} accounts in {:.0}s", t.elapsed().as_secs_f64());
    let dir = tempfile::tempdir().unwrap();
    let out = timed(mgmt.driftwatch().current_dir(dir.path()).args([
        "baseline",
        "save",
        "--accounts",
        "org",
        "--region",
        REGIONS,
    ]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    println!("baseline save --accounts org: {:.1} s", out.secs);

    let one = org["members"][0].as_str().unwrap().to_string();
    let creds: Vec<String> = serde_json::from_value(mgmt.seed("member_creds.py", &[&one])).unwrap();
    let member = common::Account {
        id: one.clone(),
        endpoint: mgmt.endpoint.clone(),
        access_key: creds[0].clone(),
        secret_key: creds[1].clone(),
        session_token: creds[2].clone(),
    };
    let runs = Runs {
        n,
        dir: dir.path(),
        mgmt: &mgmt,
        member: &member,
    };
    runs.measure("straight to moto", &mgmt.endpoint);
    // A distant endpoint: what one process gains over a hundred is
    // overlapping the waits, which moto alone (3 ms a call, one at a time)
    // barely has.
    let far = common::latency_proxy(&mgmt.endpoint, LATENCY);
    runs.measure(
        &format!("every response {} ms late", LATENCY.as_millis()),
        &far,
    );
}

/// What the proxy adds to every response in the second measurement.
const LATENCY: std::time::Duration = std::time::Duration::from_millis(50);

struct Runs<'a> {
    n: usize,
    dir: &'a std::path::Path,
    mgmt: &'a common::Account,
    member: &'a common::Account,
}

impl Runs<'_> {
    /// The organization in one process, then one account `n` times in a row.
    fn measure(&self, label: &str, endpoint: &str) {
        let report = self.dir.join("org.json");
        let out = timed(
            self.mgmt
                .driftwatch()
                .current_dir(self.dir)
                .args(["scan", "--accounts", "org", "--region", REGIONS])
                .args(["--endpoint-url", endpoint, "--cloudtrail", "none"])
                .args(["--fail-on", "none", "--format", "json", "--output"])
                .arg(&report),
        );
        assert_eq!(out.code, 0, "{}", out.stderr);
        let calls = calls_per_account(&out.stderr);
        let size = std::fs::metadata(&report).unwrap().len();
        println!(
            "{label}: scan --accounts org ({} accounts x 2 regions): {:.1} s, peak RSS {} MB, report {} KB, API calls per account {}",
            calls.len(),
            out.secs,
            out.max_rss_kb / 1024,
            size / 1024,
            spread(&calls)
        );
        let baseline = self.dir.join(format!("baselines/{}.json", self.member.id));
        let t = Instant::now();
        let mut one_calls = Vec::new();
        let mut rss = 0;
        for _ in 0..self.n {
            let out = timed(
                self.member
                    .driftwatch()
                    .args(["scan", "--region", REGIONS, "--endpoint-url", endpoint])
                    .args(["--cloudtrail", "none", "--fail-on", "none"])
                    .args(["--format", "json", "--output"])
                    .arg(self.dir.join("one.json"))
                    .arg("--baseline")
                    .arg(&baseline),
            );
            assert_eq!(out.code, 0, "{}", out.stderr);
            one_calls.extend(calls_per_account(&out.stderr));
            rss = rss.max(out.max_rss_kb);
        }
        println!(
            "{label}: scan of one account, {} times in a row: {:.1} s, peak RSS {} MB, API calls per run {}",
            self.n,
            t.elapsed().as_secs_f64(),
            rss / 1024,
            spread(&one_calls)
        );
    }
}

struct Run {
    code: i32,
    secs: f64,
    max_rss_kb: u64,
    stderr: String,
}

/// Runs under /usr/bin/time for the peak memory.
fn timed(cmd: &mut Command) -> Run {
    let program = cmd.get_program().to_owned();
    let mut timed = Command::new("/usr/bin/time");
    timed
        .arg("-f")
        .arg("maxrss=%M")
        .arg(program)
        .args(cmd.get_args());
    for (k, v) in cmd.get_envs() {
        match v {
            Some(v) => timed.env(k, v),
            None => timed.env_remove(k),
        };
    }
    if let Some(d) = cmd.get_current_dir() {
        timed.current_dir(d);
    }
    let t = Instant::now();
    let out = timed.output().expect("run /usr/bin/time");
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let max_rss_kb = stderr
        .lines()
        .rev()
        .find_map(|l| l.strip_prefix("maxrss="))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    Run {
        code: out.status.code().unwrap_or(-1),
        secs: t.elapsed().as_secs_f64(),
        max_rss_kb,
        stderr,
    }
}

/// "N API calls" from each account's summary line on stderr.
fn calls_per_account(stderr: &str) -> Vec<u64> {
    stderr
        .lines()
        .filter(|l| l.starts_with("driftwatch: account "))
        .filter_map(|l| {
            let before = l.split(" API calls").next()?;
            before.rsplit(' ').next()?.parse().ok()
        })
        .collect()
}

fn spread(v: &[u64]) -> String {
    let (min, max) = (v.iter().min(), v.iter().max());
    match (min, max) {
        (Some(a), Some(b)) if a == b => format!("{a}"),
        (Some(a), Some(b)) => format!("{a}-{b}"),
        _ => "?".into(),
    }
}
