//! CloudTrail ingestion: at least 1,000,000 records in .json.gz log files
//! (about one in eight a write, one in twenty a denied call), read with
//! driftwatch's streaming reader and its ledger, then again with every
//! built-in event check, next to `gzip -dc` of the same files, with the
//! peak resident memory of each read. Run: `cargo bench --bench cloudtrail`
//! (`DW_BENCH_CHECKS=CT021,CT063` to time only those checks, `DW_BENCH_DIR=path`
//! to keep the generated logs for the next run).

use std::io::Write;
use std::time::Instant;

use driftwatch::trail::source::{read_path, ReadOutcome, Window};

/// The binary's allocator (src/main.rs), so the figures are the binary's.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;
use driftwatch::trail::EventVisitors;

const PER_FILE: usize = 5_000;

/// 200 files (1,000,000 records); `DW_BENCH_FILES=20` for a run under
/// callgrind, whose instruction counts do not move with the machine's load.
fn files() -> usize {
    std::env::var("DW_BENCH_FILES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(200)
}

/// Reads of each kind, the best kept (`DW_BENCH_READS`, 3 unless set).
fn reads() -> usize {
    std::env::var("DW_BENCH_READS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(3)
}

/// A realistic mix: mostly read-only noise, some watched write events.
fn record(i: usize) -> serde_json::Value {
    let t = format!(
        "2026-11-27T{:02}:{:02}:{:02}Z",
        (i / 3600) % 24,
        (i / 60) % 60,
        i % 60
    );
    let who = serde_json::json!({
        "type": "AssumedRole", "principalId": "AROAEXAMPLE:session", "accountId": "111122223333",
        "arn": format!("arn:aws:sts::111122223333:assumed-role/app-{}/i-0abc{}", i % 17, i % 1000),
        "accessKeyId": "ASIAEXAMPLE",
        "sessionContext": {"sessionIssuer": {"type": "Role", "principalId": "AROAEXAMPLE",
            "arn": format!("arn:aws:iam::111122223333:role/app-{}", i % 17), "accountId": "111122223333",
            "userName": format!("app-{}", i % 17)},
            "attributes": {"creationDate": "2026-11-27T00:00:00Z", "mfaAuthenticated": "false"}}
    });
    let (name, source, req, resp) = match i % 40 {
        0 | 1 => (
            "AuthorizeSecurityGroupIngress",
            "ec2.amazonaws.com",
            serde_json::json!({"groupId": format!("sg-{:017x}", i % 5000), "ipPermissions": {"items": [{"ipProtocol": "tcp", "fromPort": 443, "toPort": 443, "ipRanges": {"items": [{"cidrIp": "10.0.0.0/8"}]}}]}}),
            serde_json::json!({"_return": true}),
        ),
        2 => (
            "PutBucketPolicy",
            "s3.amazonaws.com",
            serde_json::json!({"bucketName": format!("bucket-{}", i % 300), "policy": [""]}),
            serde_json::Value::Null,
        ),
        3 => (
            "ChangeResourceRecordSets",
            "route53.amazonaws.com",
            serde_json::json!({"hostedZoneId": "Z1PA6795UKMFR9", "changeBatch": {"changes": [{"action": "UPSERT", "resourceRecordSet": {"name": format!("h{}.example.com.", i % 2000), "type": "A", "tTL": 300, "resourceRecords": [{"value": "192.0.2.1"}]}}]}}),
            serde_json::json!({"changeInfo": {"id": "/change/C1", "status": "PENDING"}}),
        ),
        // Writes on services driftwatch does not snapshot: the ledger's groups.
        4 => (
            "CreateLogStream",
            "logs.amazonaws.com",
            serde_json::json!({"logGroupName": format!("/aws/lambda/fn-{}", i % 50), "logStreamName": format!("2026/11/27/[$LATEST]{i:032x}")}),
            serde_json::Value::Null,
        ),
        5 => (
            "UpdateItem",
            "dynamodb.amazonaws.com",
            serde_json::json!({"tableName": format!("table-{}", i % 20), "key": {"pk": {"S": format!("{i}")}}}),
            serde_json::Value::Null,
        ),
        6 | 7 => (
            "ListSecrets",
            "secretsmanager.amazonaws.com",
            serde_json::json!({"maxResults": 100}),
            serde_json::Value::Null,
        ),
        8..=21 => (
            "DescribeInstances",
            "ec2.amazonaws.com",
            serde_json::json!({"instancesSet": {}, "filterSet": {}}),
            serde_json::Value::Null,
        ),
        22..=31 => (
            "GetObject",
            "s3.amazonaws.com",
            serde_json::json!({"bucketName": "data", "key": format!("k/{i}")}),
            serde_json::Value::Null,
        ),
        _ => (
            "AssumeRole",
            "sts.amazonaws.com",
            serde_json::json!({"roleArn": "arn:aws:iam::111122223333:role/app", "roleSessionName": "s"}),
            serde_json::json!({"credentials": {"accessKeyId": "ASIAEXAMPLE", "expiration": "Nov 27, 2026, 1:00:00 AM", "sessionToken": "x".repeat(200)}}),
        ),
    };
    let read_only = !(0..=5).contains(&(i % 40));
    let denied = matches!(i % 40, 6 | 7);
    serde_json::json!({
        "eventVersion": "1.09", "userIdentity": who, "eventTime": t, "eventSource": source, "eventName": name,
        "awsRegion": "us-east-1", "sourceIPAddress": "203.0.113.10",
        "userAgent": "aws-sdk-go-v2/1.30.3 os/linux lang/go#1.22.5 md/GOOS#linux api/ec2#1.173.0",
        "requestParameters": req, "responseElements": resp, "requestID": format!("req-{i}"),
        "eventID": format!("00000000-0000-0000-0000-{i:012}"), "readOnly": read_only,
        "eventType": "AwsApiCall", "managementEvent": true, "recipientAccountId": "111122223333",
        "eventCategory": "Management", "tlsDetails": {"tlsVersion": "TLSv1.3", "cipherSuite": "TLS_AES_128_GCM_SHA256"},
        "errorCode": if denied { serde_json::json!("AccessDenied") } else { serde_json::Value::Null }
    })
}

/// Peak resident memory since the last reset, in MB (Linux).
fn peak_rss_mb() -> f64 {
    status_mb("VmHWM:")
}

fn status_mb(field: &str) -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// Resets the peak to the current resident size (Linux's clear_refs 5).
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// The process's CPU time so far (user and system), in seconds: steadier
/// than the wall clock on a shared machine.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command's closing parenthesis; utime and stime are
    // the 14th and 15th of the line, in clock ticks (100 per second).
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<f64> = rest
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|x| x.parse().ok())
        .collect();
    f.iter().sum::<f64>() / 100.0
}

/// A read's figures: the best wall time and the best CPU time of the reads.
struct Timed {
    wall: f64,
    cpu: f64,
}

/// The best of [`reads`] reads, its outcome, and the peak memory of the reads
/// (above what the process held before them).
fn timed_read(
    dir: &std::path::Path,
    visitors: Option<&dyn EventVisitors>,
) -> (Timed, ReadOutcome, f64) {
    reset_peak();
    eprintln!(
        "  (resident before the reads: {:.0} MB)",
        status_mb("VmRSS:")
    );
    let mut best = Timed {
        wall: f64::MAX,
        cpu: f64::MAX,
    };
    let mut out = ReadOutcome::default();
    for _ in 0..reads() {
        // The last read's outcome goes first: one read's peak, not two.
        drop(std::mem::take(&mut out));
        let (t, c) = (Instant::now(), cpu_seconds());
        out = read_path(dir, &Window::default(), visitors).unwrap();
        best.wall = best.wall.min(t.elapsed().as_secs_f64());
        best.cpu = best.cpu.min(cpu_seconds() - c);
    }
    (best, out, peak_rss_mb())
}

/// The bench's log files in `dir`, generated unless an earlier run left
/// them complete (its sizes in `sizes`): the bytes of JSON and of gzip.
fn logs(dir: &std::path::Path) -> (usize, usize) {
    let sizes = dir.join("sizes");
    if let Some((j, g)) = std::fs::read_to_string(&sizes)
        .ok()
        .and_then(|s| {
            s.trim()
                .split_once(' ')
                .map(|(j, g)| (j.parse(), g.parse()))
        })
        .and_then(|(j, g)| Some((j.ok()?, g.ok()?)))
    {
        eprintln!("reusing the logs in {}", dir.display());
        return (j, g);
    }
    std::fs::create_dir_all(dir).unwrap();
    let gen = Instant::now();
    let mut bytes_json = 0usize;
    let mut bytes_gz = 0usize;
    for f in 0..files() {
        let records: Vec<serde_json::Value> =
            (0..PER_FILE).map(|i| record(f * PER_FILE + i)).collect();
        let json = serde_json::to_vec(&serde_json::json!({"Records": records})).unwrap();
        bytes_json += json.len();
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(&json).unwrap();
        let gz = gz.finish().unwrap();
        bytes_gz += gz.len();
        std::fs::write(
            dir.join(format!("111122223333_CloudTrail_us-east-1_{f:04}.json.gz")),
            gz,
        )
        .unwrap();
    }
    eprintln!(
        "generated {} records in {} files: {:.0} MB JSON, {:.0} MB gzip ({:.1}s)",
        files() * PER_FILE,
        files(),
        bytes_json as f64 / 1e6,
        bytes_gz as f64 / 1e6,
        gen.elapsed().as_secs_f64()
    );
    std::fs::write(&sizes, format!("{bytes_json} {bytes_gz}")).unwrap();
    (bytes_json, bytes_gz)
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` runs with no arguments: skip the work there.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    // DW_BENCH_DIR=path keeps the generated logs there for the next run
    // (generating them takes longer than every read together).
    let temp = tempfile::tempdir().unwrap();
    let kept_dir = std::env::var_os("DW_BENCH_DIR").map(std::path::PathBuf::from);
    let dir = kept_dir.as_deref().unwrap_or(temp.path());
    let (bytes_json, bytes_gz) = logs(dir);
    let total = files() * PER_FILE;
    let (best, out, rss) = timed_read(dir, None);
    assert_eq!(out.records as usize, total);
    assert!(out.ledger.balanced());
    let kept = out.events.len();
    let ledger = out.ledger.describe();
    // Not held during the next reads: each read's peak is its own.
    drop(out);
    // DW_BENCH_CHECKS=CT001,CT021 keeps only those checks: to find which
    // one costs what.
    let only = std::env::var("DW_BENCH_CHECKS").ok();
    let checks: Vec<_> = driftwatch::checks::registry(&[])
        .unwrap()
        .into_iter()
        .filter(|c| {
            only.as_ref()
                .is_none_or(|o| o.split(',').any(|i| i == c.id))
        })
        .collect();
    let runner = driftwatch::checks::events::Runner::new(
        &checks,
        "111122223333",
        &driftwatch::checks::ChecksConfig::default(),
        vec![],
        // The built-in rules, as every run has them.
        driftwatch::attribution::policy::Policy::new(&[], true).unwrap(),
    )
    .unwrap();
    let (with_checks, out2, rss2) = timed_read(dir, Some(&runner));
    assert_eq!(out2.records as usize, total);
    let state = driftwatch::model::Snapshot::new("111122223333", "2026-01-01T00:00:00Z");
    let driftwatch::checks::events::Outcome {
        findings, errors, ..
    } = runner.finish(&state, &state);
    assert!(errors.is_empty(), "{errors:?}");
    let mut gz_best = f64::MAX;
    for _ in 0..reads() {
        let t = Instant::now();
        let st = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("gzip -dc {}/*.json.gz > /dev/null", dir.display()))
            .status()
            .unwrap();
        assert!(st.success());
        gz_best = gz_best.min(t.elapsed().as_secs_f64());
    }
    // The reading pool's size: the cores, or RAYON_NUM_THREADS.
    let cores = driftwatch::parallel::pool().current_num_threads();
    println!("cloudtrail ingestion: {total} records, {kept} watched events kept");
    println!("  ledger: {ledger}");
    println!(
        "  driftwatch read_path ({cores} threads): {:.2}s ({:.2}s CPU) = {:.0} records/s ({:.0} MB/s of JSON), peak RSS {rss:.0} MB",
        best.wall,
        best.cpu,
        total as f64 / best.wall,
        bytes_json as f64 / 1e6 / best.wall
    );
    println!(
        "  with {} built-in event checks: {:.2}s ({:.2}s CPU, {} findings), peak RSS {rss2:.0} MB",
        checks
            .iter()
            .filter(|c| c.target == driftwatch::checks::Target::Event)
            .count(),
        with_checks.wall,
        with_checks.cpu,
        findings.len()
    );
    println!(
        "  gzip -dc (1 thread, decompression only, {:.0} MB): {gz_best:.2}s = {:.0} records/s; driftwatch with checks / gzip = {:.2}",
        bytes_gz as f64 / 1e6,
        total as f64 / gz_best,
        with_checks.wall / gz_best
    );
}
