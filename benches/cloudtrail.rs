//! CloudTrail ingestion: at least 1,000,000 records in .json.gz log files
//! (about one in eight a write, one in twenty a denied call), read with
//! driftwatch's streaming reader and its ledger, then again with every
//! built-in event check, next to `gzip -dc` of the same files, with the
//! peak resident memory of each read. Run: `cargo bench --bench cloudtrail`
//! (`DW_BENCH_CHECKS=CT021,CT063` to time only those checks).

use std::io::Write;
use std::time::Instant;

use driftwatch::trail::source::{read_path, ReadOutcome, Window};

/// The binary's allocator (src/main.rs), so the figures are the binary's.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;
use driftwatch::trail::EventVisitors;

const FILES: usize = 200;
const PER_FILE: usize = 5_000;

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

/// The best of three reads, its outcome, and the peak memory of the reads
/// (above what the process held before them).
fn timed_read(
    dir: &std::path::Path,
    visitors: Option<&dyn EventVisitors>,
) -> (f64, ReadOutcome, f64) {
    reset_peak();
    eprintln!(
        "  (resident before the reads: {:.0} MB)",
        status_mb("VmRSS:")
    );
    let mut best = f64::MAX;
    let mut out = ReadOutcome::default();
    for _ in 0..3 {
        // The last read's outcome goes first: one read's peak, not two.
        drop(std::mem::take(&mut out));
        let t = Instant::now();
        out = read_path(dir, &Window::default(), visitors).unwrap();
        best = best.min(t.elapsed().as_secs_f64());
    }
    (best, out, peak_rss_mb())
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` runs with no arguments: skip the work there.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let gen = Instant::now();
    let mut bytes_json = 0usize;
    let mut bytes_gz = 0usize;
    for f in 0..FILES {
        let records: Vec<serde_json::Value> =
            (0..PER_FILE).map(|i| record(f * PER_FILE + i)).collect();
        let json = serde_json::to_vec(&serde_json::json!({"Records": records})).unwrap();
        bytes_json += json.len();
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(&json).unwrap();
        let gz = gz.finish().unwrap();
        bytes_gz += gz.len();
        std::fs::write(
            dir.path()
                .join(format!("111122223333_CloudTrail_us-east-1_{f:04}.json.gz")),
            gz,
        )
        .unwrap();
    }
    let total = FILES * PER_FILE;
    eprintln!(
        "generated {total} records in {FILES} files: {:.0} MB JSON, {:.0} MB gzip ({:.1}s)",
        bytes_json as f64 / 1e6,
        bytes_gz as f64 / 1e6,
        gen.elapsed().as_secs_f64()
    );

    let (best, out, rss) = timed_read(dir.path(), None);
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
    let (with_checks, out2, rss2) = timed_read(dir.path(), Some(&runner));
    assert_eq!(out2.records as usize, total);
    let state = driftwatch::model::Snapshot::new("111122223333", "2026-01-01T00:00:00Z");
    let driftwatch::checks::events::Outcome {
        findings, errors, ..
    } = runner.finish(&state, &state);
    assert!(errors.is_empty(), "{errors:?}");
    let mut gz_best = f64::MAX;
    for _ in 0..3 {
        let t = Instant::now();
        let st = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!(
                "gzip -dc {}/*.json.gz > /dev/null",
                dir.path().display()
            ))
            .status()
            .unwrap();
        assert!(st.success());
        gz_best = gz_best.min(t.elapsed().as_secs_f64());
    }
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    println!("cloudtrail ingestion: {total} records, {kept} watched events kept");
    println!("  ledger: {ledger}");
    println!(
        "  driftwatch read_path ({cores} threads): {best:.2}s = {:.0} records/s ({:.0} MB/s of JSON), peak RSS {rss:.0} MB",
        total as f64 / best,
        bytes_json as f64 / 1e6 / best
    );
    println!(
        "  with {} built-in event checks: {with_checks:.2}s ({} findings), peak RSS {rss2:.0} MB",
        checks
            .iter()
            .filter(|c| c.target == driftwatch::checks::Target::Event)
            .count(),
        findings.len()
    );
    println!(
        "  gzip -dc (1 thread, decompression only): {gz_best:.2}s = {:.0} records/s; driftwatch with checks / gzip = {:.2}",
        total as f64 / gz_best,
        with_checks / gz_best
    );
}
