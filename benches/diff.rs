//! Diff of two large snapshots (100,000 resources each), next to the time to
//! merely parse both files. Run: `cargo bench --bench diff`;
//! `DRIFTWATCH_BENCH_KEEP=DIR` also writes the two files there.

use criterion::{criterion_group, criterion_main, Criterion};
use driftwatch::baseline;
use driftwatch::diff::{diff, DiffOptions};

#[path = "support/mod.rs"]
mod support;
use support::account;

fn bench(c: &mut Criterion) {
    let a = account(0);
    let b = account(1);
    let a_bytes = driftwatch::to_pretty_json(&a).unwrap();
    let b_bytes = driftwatch::to_pretty_json(&b).unwrap();
    eprintln!(
        "files: {:.1} MB and {:.1} MB; {} and {} resources",
        a_bytes.len() as f64 / 1e6,
        b_bytes.len() as f64 / 1e6,
        a.resources.len(),
        b.resources.len()
    );
    // To time the command itself (`/usr/bin/time driftwatch diff A B`),
    // keep the two files.
    if let Ok(dir) = std::env::var("DRIFTWATCH_BENCH_KEEP") {
        std::fs::write(format!("{dir}/a.json"), &a_bytes).unwrap();
        std::fs::write(format!("{dir}/b.json"), &b_bytes).unwrap();
    }
    let opts = DiffOptions::default();
    let d = diff(&a, &b, &opts);
    eprintln!("changes found: {}", d.changes.len());
    let mut g = c.benchmark_group("100k");
    g.sample_size(10);
    g.bench_function("parse both files", |bn| {
        bn.iter(|| {
            let x = baseline::parse(&a_bytes).unwrap();
            let y = baseline::parse(&b_bytes).unwrap();
            (x.snapshot().resources.len(), y.snapshot().resources.len())
        })
    });
    g.bench_function("diff (parsed)", |bn| {
        bn.iter(|| diff(&a, &b, &opts).changes.len())
    });
    g.bench_function(
        "parse both at once + diff (as `driftwatch diff` does)",
        |bn| {
            bn.iter(|| {
                let (x, y) = std::thread::scope(|s| {
                    let y = s.spawn(|| baseline::parse(&b_bytes).unwrap());
                    (baseline::parse(&a_bytes).unwrap(), y.join().unwrap())
                });
                diff(x.snapshot(), y.snapshot(), &opts).changes.len()
            })
        },
    );
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
