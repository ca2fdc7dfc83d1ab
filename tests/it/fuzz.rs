//! Mutation fuzzing on stable Rust, for the readers that take hostile
//! input: CloudTrail log files, snapshots and baselines, check files and
//! the config. proptest draws mutations of the committed corpus
//! (`tests/fuzz/corpus/<target>/`, cut from the demo account's real files,
//! the built-in checks and the README's config examples): byte flips,
//! inserts, deletions, duplicated and spliced spans, and for JSON, values
//! replaced at a random path by another type, a huge number or a deep
//! nest. A target fails on a panic or on an input that takes a second;
//! arbtest prints the seed, which `ARBTEST_SEED`-style reproduction
//! (`arbtest(..).seed(S).minimize()`) turns into the smallest failing input.
//!
//! Each target runs for `DRIFTWATCH_FUZZ_SECS` seconds (default 3; `.ci/run`
//! sets 20; `DRIFTWATCH_FUZZ_SECS=600 cargo test --release --test it fuzz::` is
//! the long run). arbtest, not proptest: proptest's `rand` turns on
//! `getrandom` features the main build does not use, and that would rebuild
//! the TLS stack and every AWS SDK crate between `demo` and the tests.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use arbtest::arbitrary::{Result, Unstructured};
use driftwatch::checks::{evaluate, parse_check, ChecksConfig};
use driftwatch::trail::source::{parse_log, Window};
use serde_json::Value;

/// An input taking this long is a hang.
const SLOW: Duration = Duration::from_secs(1);

fn corpus(target: &str) -> Vec<Vec<u8>> {
    let dir = crate::common::repo_root()
        .join("tests/fuzz/corpus")
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let seeds: Vec<Vec<u8>> = files.iter().map(|f| std::fs::read(f).unwrap()).collect();
    assert!(!seeds.is_empty(), "{}: empty corpus", dir.display());
    seeds
}

/// One edit of the input, positions taken modulo its length.
fn edit(u: &mut Unstructured<'_>, seeds: &[Vec<u8>], b: &mut Vec<u8>) -> Result<()> {
    let at = |u: &mut Unstructured<'_>, len: usize| -> Result<usize> {
        Ok(u.arbitrary::<usize>()? % (len + 1))
    };
    match u.choose_index(5)? {
        0 if !b.is_empty() => {
            let i = at(u, b.len() - 1)?;
            b[i] ^= u.arbitrary::<u8>()? | 1;
        }
        1 => {
            let i = at(u, b.len())?;
            let bytes: Vec<u8> = (0..u.int_in_range(1..=8)?)
                .map(|_| u.arbitrary::<u8>())
                .collect::<Result<_>>()?;
            b.splice(i..i, bytes);
        }
        2 if !b.is_empty() => {
            let i = at(u, b.len() - 1)?;
            let n = u.int_in_range(1..=64)?;
            b.drain(i..(i + n).min(b.len()));
        }
        3 if !b.is_empty() => {
            let i = at(u, b.len() - 1)?;
            let n = u.int_in_range(1..=256)?;
            let span = b[i..(i + n).min(b.len())].to_vec();
            b.splice(i..i, span);
        }
        _ => {
            let other = u.choose(seeds)?;
            if !other.is_empty() {
                let from = at(u, other.len() - 1)?;
                let n = u.int_in_range(1..=128)?;
                let span = &other[from..(from + n).min(other.len())];
                let i = at(u, b.len())?;
                b.splice(i..i, span.iter().copied());
            }
        }
    }
    Ok(())
}

/// A JSON value put in place of another: each type, extremes, a deep nest.
fn odd_value(u: &mut Unstructured<'_>) -> Result<Value> {
    Ok(match u.choose_index(9)? {
        0 => Value::Null,
        1 => Value::Bool(u.arbitrary()?),
        2 => Value::from(u.arbitrary::<i64>()?),
        3 => serde_json::json!(1e308),
        4 => Value::String(u.arbitrary()?),
        5 => serde_json::json!({"$unknown": "AccessDenied"}),
        6 => serde_json::json!([]),
        7 => serde_json::json!({}),
        _ => (0..u.int_in_range(1..=120)?).fold(Value::Null, |v, _| serde_json::json!([v])),
    })
}

/// Replaces a value at a random path (each step picks a child).
fn replace_at(u: &mut Unstructured<'_>, v: &mut Value, new: Value) -> Result<()> {
    let stop = u.ratio(1, 4)?;
    let child = match v {
        Value::Object(m) if !m.is_empty() && !stop => {
            let i = u.choose_index(m.len())?;
            m.values_mut().nth(i)
        }
        Value::Array(a) if !a.is_empty() && !stop => {
            let i = u.choose_index(a.len())?;
            a.get_mut(i)
        }
        _ => None,
    };
    match child {
        Some(c) => replace_at(u, c, new),
        None => {
            *v = new;
            Ok(())
        }
    }
}

/// An input: edits of a seed, or for JSON seeds a value swapped at a path.
fn input(u: &mut Unstructured<'_>, seeds: &[Vec<u8>], json: bool) -> Result<Vec<u8>> {
    let mut b = u.choose(seeds)?.clone();
    if json && u.ratio(1, 2)? {
        if let Ok(mut v) = serde_json::from_slice::<Value>(&b) {
            let new = odd_value(u)?;
            replace_at(u, &mut v, new)?;
            return Ok(serde_json::to_vec(&v).unwrap());
        }
    }
    for _ in 0..u.int_in_range(1..=6)? {
        edit(u, seeds, &mut b)?;
    }
    Ok(b)
}

fn budget() -> Duration {
    let secs = std::env::var("DRIFTWATCH_FUZZ_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3);
    Duration::from_secs(secs)
}

/// Runs `target` on inputs for the budget: a panic or a slow input fails
/// the test with arbtest's seed for it.
fn fuzz(name: &str, json: bool, target: impl Fn(&[u8])) {
    let seeds = corpus(name);
    let mut cases = 0u64;
    arbtest::arbtest(|u| {
        let bytes = input(u, &seeds, json)?;
        let started = Instant::now();
        target(&bytes);
        let took = started.elapsed();
        assert!(took < SLOW, "{name}: an input took {took:?}");
        cases += 1;
        Ok(())
    })
    .budget(budget())
    .run();
    eprintln!("fuzz {name}: {cases} inputs, no panic, none over {SLOW:?}");
}

#[test]
fn cloudtrail_reader() {
    let all = Window::default();
    fuzz("cloudtrail", true, move |b| {
        let _ = parse_log(b, &all);
    });
}

#[test]
fn snapshot_and_baseline_loader() {
    // What loads is diffed against the seed and checked, as `scan` would.
    let valid = driftwatch::baseline::parse(&corpus("snapshot")[0]).unwrap();
    let checks = driftwatch::checks::registry(&[]).unwrap();
    let now = jiff::Timestamp::now();
    fuzz("snapshot", true, move |b| {
        if let Ok(state) = driftwatch::baseline::parse(b) {
            let s = state.snapshot();
            let opts = driftwatch::diff::DiffOptions::default();
            let _ = driftwatch::diff::diff(valid.snapshot(), s, &opts);
            let _ = evaluate(&checks, s, &ChecksConfig::default(), now);
        }
    });
}

#[test]
fn check_files() {
    // What parses is evaluated on the demo account with a short budget.
    let demo = driftwatch::baseline::parse(&corpus("snapshot")[0]).unwrap();
    let cfg = ChecksConfig {
        time_budget_ms: 100,
        ..ChecksConfig::default()
    };
    let now = jiff::Timestamp::now();
    fuzz("check", false, move |b| {
        if let Ok(c) = parse_check("fuzz.toml", &String::from_utf8_lossy(b)) {
            let _ = evaluate(&[c], demo.snapshot(), &cfg, now);
        }
    });
}

#[test]
fn config_files() {
    fuzz("config", false, |b| {
        let _ = driftwatch::config::Config::parse(&String::from_utf8_lossy(b));
    });
}
