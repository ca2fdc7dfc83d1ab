//! #30's table: the commands a cron job runs on a large account with an
//! ephemeral fleet, each timed with its peak memory, next to its goal.
//! Run: `cargo bench --bench scale` (release build of the bench profile).
//!
//! The input is `tools/bench-fleet.py`'s (two 100,000-resource states in
//! another writer's key order, 1,000,000 CloudTrail records of which
//! 400,000 launch and terminate instances neither state holds), from the
//! benches' shared account. Generating it takes about two minutes:
//! `DRIFTWATCH_BENCH_FLEET=DIR` keeps it in DIR and reuses it. Each command
//! runs as its own process (the installed binary's behaviour, allocator
//! and all); peak memory is the child's maximum resident set (`wait4`).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

#[path = "support/mod.rs"]
mod support;

const RUNS: usize = 3;

fn main() {
    // `cargo test --benches` runs each bench once as a test: too slow here.
    if std::env::args().any(|a| a == "--test") || std::env::args().any(|a| a == "--list") {
        return;
    }
    let keep = std::env::var_os("DRIFTWATCH_BENCH_FLEET").map(PathBuf::from);
    let tmp = tempfile::tempdir().unwrap();
    let dir = keep.clone().unwrap_or_else(|| tmp.path().to_path_buf());
    input(&dir);
    let out = tmp.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    let (a, b, trail) = (
        path(&dir, "a.json"),
        path(&dir, "b.json"),
        path(&dir, "trail"),
    );
    let (report, base) = (path(&out, "report.json"), path(&out, "base.json"));
    let (diffed, checked) = (path(&out, "diff.json"), path(&out, "check.json"));
    let scan = [
        "scan",
        "--snapshot",
        &b,
        "--baseline",
        &a,
        "--cloudtrail",
        &trail,
        "--format",
        "json",
        "--output",
        &report,
        "--quiet",
    ];
    let mut no_checks = scan.to_vec();
    no_checks.push("--no-checks");
    let rows: [(&str, Vec<&str>, &str); 5] = [
        (
            "scan, built-in checks",
            scan.to_vec(),
            "≤ 1 GiB, report ≤ 50 MB, ≤ 10 s",
        ),
        ("scan --no-checks", no_checks, "≤ 1 GiB"),
        (
            "baseline save --from",
            vec![
                "baseline", "save", "--from", &b, "--out", &base, "--force", "--quiet",
            ],
            "≤ 512 MiB",
        ),
        (
            "diff",
            vec!["diff", &a, &b, "--format", "json", "--output", &diffed],
            "≤ 1.5 s, ≤ 2× the files",
        ),
        (
            "check",
            vec![
                "check",
                "--snapshot",
                &b,
                "--format",
                "json",
                "--output",
                &checked,
                "--quiet",
            ],
            "held (3.2 s, 238 MB)",
        ),
    ];
    let files: u64 = ["a.json", "b.json"]
        .iter()
        .map(|f| size(&dir.join(f)))
        .sum();
    eprintln!("states: {:.1} MB together", files as f64 / 1e6);
    eprintln!("| run | time (best of {RUNS}) | peak RSS | goal |");
    eprintln!("|---|---|---|---|");
    for (name, args, goal) in rows {
        let (t, rss) = (0..RUNS)
            .map(|_| run(&args))
            .fold((Duration::MAX, 0), |(t, m), (t2, m2)| {
                (t.min(t2), m.max(m2))
            });
        let extra = if name.starts_with("scan") {
            format!(
                ", report {:.1} MB",
                size(&out.join("report.json")) as f64 / 1e6
            )
        } else {
            String::new()
        };
        eprintln!(
            "| `{name}` | {:.2} s | {:.0} MiB{extra} | {goal} |",
            t.as_secs_f64(),
            rss as f64 / (1u64 << 20) as f64
        );
    }
}

fn path(dir: &Path, f: &str) -> String {
    dir.join(f).display().to_string()
}

fn size(p: &Path) -> u64 {
    std::fs::metadata(p).map(|m| m.len()).unwrap_or(0)
}

/// Writes the input unless DIR already holds it.
fn input(dir: &Path) {
    if dir
        .join("trail")
        .join("111122223333_CloudTrail_us-east-1_0199.json.gz")
        .exists()
    {
        return;
    }
    std::fs::create_dir_all(dir).unwrap();
    let seed = dir.join("seed.json");
    std::fs::write(
        &seed,
        driftwatch::to_pretty_json(&support::account(0)).unwrap(),
    )
    .unwrap();
    let tool = Path::new(env!("CARGO_MANIFEST_DIR")).join("tools/bench-fleet.py");
    let ok = Command::new("python3")
        .arg(tool)
        .arg(&seed)
        .arg(dir)
        .status()
        .expect("python3 runs tools/bench-fleet.py");
    assert!(ok.success(), "tools/bench-fleet.py failed");
}

/// Runs driftwatch with `args`: wall time and the child's peak RSS in bytes.
/// Reaped by `wait4` itself, which also gives the child's resources.
#[allow(clippy::zombie_processes)]
fn run(args: &[&str]) -> (Duration, u64) {
    let started = Instant::now();
    let child = Command::new(env!("CARGO_BIN_EXE_driftwatch"))
        .args(args)
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("driftwatch starts");
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to fill in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child, filling the rusage we own.
    let pid = unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut usage) };
    let took = started.elapsed();
    assert_eq!(pid, child.id() as i32, "wait4 failed");
    let code = libc::WEXITSTATUS(status);
    // 0 clean, 1 trouble found: both are runs that finished.
    assert!(
        libc::WIFEXITED(status) && code <= 1,
        "driftwatch {} exited {status:#x}",
        args.join(" ")
    );
    // Linux reports ru_maxrss in kilobytes.
    (took, usage.ru_maxrss as u64 * 1024)
}
