//! Every built-in check over the 100,000-resource account, next to the
//! time to parse its snapshot file. Run: `cargo bench --bench checks`.

use criterion::{criterion_group, criterion_main, Criterion};
use driftwatch::baseline;
use driftwatch::checks::{evaluate, registry, ChecksConfig};

#[path = "support/mod.rs"]
mod support;
use support::account;

fn bench(c: &mut Criterion) {
    let snap = account(1);
    let bytes = driftwatch::to_pretty_json(&snap).unwrap();
    let checks = registry(&[]).unwrap();
    let cfg = ChecksConfig::default();
    let now = jiff::Timestamp::now();
    let started = std::time::Instant::now();
    let (findings, errors) = evaluate(&checks, &snap, &cfg, now);
    eprintln!(
        "{} checks over {} resources ({:.1} MB) in {:.2?} (first run): {} findings, {} not evaluated",
        checks.len(),
        snap.resources.len(),
        bytes.len() as f64 / 1e6,
        started.elapsed(),
        findings.len(),
        errors.len()
    );
    let mut g = c.benchmark_group("100k");
    g.sample_size(10);
    g.bench_function("checks (parsed)", |bn| {
        bn.iter(|| evaluate(&checks, &snap, &cfg, now).0.len())
    });
    g.bench_function("parse + checks", |bn| {
        bn.iter(|| {
            let s = baseline::parse(&bytes).unwrap();
            evaluate(&checks, s.snapshot(), &cfg, now).0.len()
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
