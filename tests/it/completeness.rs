//! Exit 0 means complete: a run that could not read a value, compare a
//! scope or evaluate a check says so and exits 3, never 0, even when it
//! found nothing (cases 1 and 2 of the "never falsely clean" issue, over
//! moto behind a proxy that denies one operation).

use crate::common::*;
use serde_json::Value;

const EAST: [&str; 2] = ["--region", "us-east-1"];

fn scan(acct: &Account, base: &std::path::Path, s3_endpoint: Option<&str>) -> (i32, Value, String) {
    let mut cmd = acct.driftwatch();
    if let Some(e) = s3_endpoint {
        cmd.env("AWS_ENDPOINT_URL_S3", e);
    }
    let out = run(cmd
        .args([
            "scan",
            "--no-checks",
            "--cloudtrail",
            "none",
            "--format",
            "json",
            "--baseline",
        ])
        .arg(base)
        .args(EAST));
    let report = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (code(&out), report, stderr(&out))
}

/// Case 1: a bucket is made public while the scanner may not read bucket
/// policies. The diff cannot see it; the run must not call that clean.
#[test]
fn a_bucket_made_public_behind_a_denied_policy_read_is_exit_3_not_0() {
    let acct = Account::new();
    acct.seed("account.py", &[]);
    let dir = tempdir();
    let base = dir.path().join("base.json");
    acct.save_baseline(&base, &EAST);
    let bucket = format!("dw-{}-logs", acct.id);
    acct.seed("open_bucket.py", &[&bucket]);
    let proxy = denying_proxy(&acct.endpoint, |line| {
        line.starts_with("GET ") && line.contains("?policy ")
    });
    let (code, r, err) = scan(&acct, &base, Some(&proxy));
    assert_eq!(code, 3, "{err}");
    assert_eq!(r["summary"]["complete"], false);
    assert!(r["summary"]["unknown_values"].as_u64().unwrap() >= 1);
    let unknown: Vec<&str> = r["coverage"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["unknown_values"].as_array().into_iter().flatten())
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(
        unknown.contains(&format!("{bucket}.policy: AccessDenied").as_str()),
        "{unknown:?}"
    );
    // Without the proxy the same scan sees the change: exit 1, complete.
    let (code, r, err) = scan(&acct, &base, None);
    assert_eq!(code, 1, "{err}");
    assert_eq!(r["summary"]["complete"], true);
    let c = change_for(&r, &format!("s3.bucket/global/{bucket}"));
    assert_eq!(c["verdict"], "unauthorized");
}

/// Case 2: the baseline was saved while S3 was denied; with access back,
/// a new bucket is there. Nothing can be added or removed where the
/// baseline has no listing: the scan says "not compared" and exits 3.
#[test]
fn resources_behind_a_baseline_gap_are_not_compared_and_exit_3() {
    let acct = Account::new();
    acct.seed("account.py", &[]);
    let deny = fixed_http_server(
        403,
        "application/xml",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>AccessDenied</Code><Message>no</Message></Error>",
    );
    let dir = tempdir();
    let base = dir.path().join("base.json");
    let mut cmd = acct.driftwatch();
    cmd.env("AWS_ENDPOINT_URL_S3", &deny);
    let out = run(cmd
        .args(["baseline", "save", "--out"])
        .arg(&base)
        .args(EAST));
    assert_eq!(
        code(&out),
        3,
        "a baseline with a gap says so: {}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("not read: s3/global denied"),
        "{}",
        stderr(&out)
    );
    acct.seed("open_bucket.py", &[&format!("dw-{}-logs", acct.id)]);
    let (code, r, err) = scan(&acct, &base, None);
    assert_eq!(code, 3, "{err}");
    assert!(
        r["not_compared"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["scope"].as_str().unwrap().starts_with("s3")),
        "{:#}",
        r["not_compared"]
    );
    assert_eq!(r["summary"]["changes"], 0);
}

/// A check that cannot be evaluated on a resource is a W001 warning and
/// exit 3, never a pass; the table's last line says what was incomplete.
#[test]
fn a_check_that_cannot_be_evaluated_is_exit_3_and_named() {
    let dir = tempdir();
    let snap = dir.path().join("snap.json");
    write_json(
        &snap,
        &serde_json::json!({
            "schema": "driftwatch.snapshot/v1", "account": "111122223333", "driftwatch_version": "0.1.0",
            "taken_at": "2026-11-28T00:00:00Z", "regions": ["us-east-1"],
            "coverage": {"ec2/us-east-1": {"service": "ec2", "region": "us-east-1", "status": "complete"}},
            "resources": {"ec2.vpc/us-east-1/vpc-1": {"kind": "ec2.vpc", "region": "us-east-1",
                "native_id": "vpc-1", "attrs": {"cidr_block": "10.0.0.0/16"}}}
        }),
    );
    let checks = dir.path().join("checks");
    std::fs::create_dir(&checks).unwrap();
    std::fs::write(
        checks.join("X001.toml"),
        "id = \"X001\"\ntitle = \"t\"\nseverity = \"high\"\nrisk = \"asset\"\nkinds = [\"ec2.vpc\"]\n\
         message = \"m\"\nexpression = 'resource.attrs.nope.deeper == 1'\n\
         rationale = \"A check whose field is missing cannot say the resource is fine.\"\n\
         remediation = \"Fix the expression.\"\n",
    )
    .unwrap();
    let out = run(driftwatch()
        .args([
            "scan",
            "--cloudtrail",
            "none",
            "--fail-on",
            "none",
            "--format",
            "table",
            "--checks",
        ])
        .arg(&checks)
        .arg("--snapshot")
        .arg(&snap)
        .arg("--baseline")
        .arg(&snap));
    assert_eq!(code(&out), 3, "{}{}", stdout(&out), stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("Incomplete: ") && text.contains("not evaluated."),
        "{text}"
    );
    assert!(
        stderr(&out)
            .contains("[W001] check X001 could not be evaluated on ec2.vpc/us-east-1/vpc-1"),
        "{}",
        stderr(&out)
    );
}

/// Case 4: a busy account. Every fifth request (retries included) is
/// throttled in the service's own error shape, or answered 503, or cut off:
/// the SDK's retries absorb it, and the snapshot is the fault-free one,
/// complete, exit 0. The time each costs is printed (`--nocapture`).
#[test]
fn one_request_in_five_throttled_failed_or_cut_still_gives_the_same_snapshot() {
    let acct = Account::new();
    for seed in ["account.py", "visibility.py", "policies.py"] {
        acct.seed(seed, &[]);
    }
    let regions = ["--region", "us-east-1", "--region", "eu-west-1"];
    let dir = tempdir();
    let clean = dir.path().join("clean.json");
    let started = std::time::Instant::now();
    acct.snapshot_to(&clean, &regions);
    let base_time = started.elapsed();
    let strip = |v: &mut Value| {
        v.as_object_mut().unwrap().remove("taken_at");
    };
    let mut want = read_json(&clean);
    strip(&mut want);
    for fault in [Fault::Throttle, Fault::Unavailable, Fault::Reset] {
        let proxy = faulty_proxy(&acct.endpoint, 5, fault);
        let mut cmd = acct.driftwatch();
        cmd.env("AWS_ENDPOINT_URL", &proxy);
        let started = std::time::Instant::now();
        // Retries enough for a fifth of all requests failing, while the
        // rest of the test suite loads the machine.
        let out = run(cmd
            .args([
                "snapshot",
                "--quiet",
                "--max-attempts",
                "10",
                "--timeout",
                "600",
            ])
            .args(regions));
        eprintln!(
            "{fault:?} on 1 request in 5: {:.1}s (fault-free {:.1}s)",
            started.elapsed().as_secs_f64(),
            base_time.as_secs_f64()
        );
        assert_eq!(code(&out), 0, "{fault:?}: {}", stderr(&out));
        let mut got: Value = serde_json::from_slice(&out.stdout).unwrap();
        strip(&mut got);
        assert!(
            got == want,
            "{fault:?}: the snapshot differs from the fault-free one"
        );
    }
}

/// Case 4, the endpoint killed partway: the runs that read through it say
/// so (exit 3), `scan` never exits 0 on what it could not read, and
/// `baseline save` over the full baseline keeps every resource and value it
/// could not read again.
#[test]
fn an_endpoint_killed_partway_is_exit_3_and_the_baseline_loses_nothing() {
    let acct = Account::new();
    for seed in ["account.py", "visibility.py"] {
        acct.seed(seed, &[]);
    }
    let regions = ["--region", "us-east-1", "--region", "eu-west-1"];
    let dir = tempdir();
    let base = dir.path().join("baseline.json");
    acct.save_baseline(&base, &regions);
    let full = read_json(&base);
    let count = |v: &Value| v["snapshot"]["resources"].as_object().unwrap().len();
    let before = count(&full);
    assert!(before > 50, "{before} resources");
    // Each run gets enough requests to get partway (the account's
    // identity, the regions, some services), then nothing.
    let through = |args: &[&str]| {
        let mut cmd = acct.driftwatch();
        cmd.env("AWS_ENDPOINT_URL", dying_proxy(&acct.endpoint, 40));
        run(cmd.args(args).args(["--max-attempts", "2"]).args(regions))
    };
    let out = through(&[
        "scan",
        "--quiet",
        "--no-checks",
        "--cloudtrail",
        "none",
        "--format",
        "json",
        "--baseline",
        base.to_str().unwrap(),
    ]);
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["summary"]["complete"], false);
    assert!(
        r["coverage"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["status"] != "complete"),
        "the gaps are named"
    );
    let out = through(&[
        "baseline",
        "save",
        "--quiet",
        "--out",
        base.to_str().unwrap(),
    ]);
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    let kept = read_json(&base);
    assert_eq!(
        count(&kept),
        before,
        "no resource of the baseline is dropped"
    );
    for (id, r) in full["snapshot"]["resources"].as_object().unwrap() {
        assert_eq!(
            &kept["snapshot"]["resources"][id], r,
            "{id} changed while unread"
        );
    }
}

/// A DNS record at an AWS address in a region the run did not scan may
/// point at an Elastic IP the account holds there: DNS003 says it could
/// not judge it (W001, exit 3), never "dangling" and never "fine".
#[test]
fn an_address_in_a_region_not_scanned_is_not_judged_and_says_so() {
    let dir = tempdir();
    let snap = dir.path().join("snap.json");
    let record = |name: &str, ip: &str| {
        (
            format!("route53.record/global/Z1/{name}./A"),
            serde_json::json!({"kind": "route53.record", "region": "global",
                "native_id": format!("Z1/{name}./A"),
                "attrs": {"zone_id": "Z1", "zone_name": "example.com.", "private_zone": false,
                          "name": format!("{name}."), "type": "A", "ttl": 300, "values": [ip],
                          "alias": null, "set_identifier": null, "routing": null}}),
        )
    };
    let (k1, v1) = record("west.example.com", "54.214.1.1");
    let (k2, v2) = record("east.example.com", "100.24.0.10");
    let mut s = minimal_snapshot("111122223333", serde_json::json!({k1: v1, k2: v2}));
    s["regions"] = serde_json::json!(["us-east-1"]);
    write_json(&snap, &s);
    let out = run(driftwatch()
        .args([
            "scan",
            "--cloudtrail",
            "none",
            "--fail-on",
            "none",
            "--format",
            "json",
            "--snapshot",
        ])
        .arg(&snap)
        .arg("--baseline")
        .arg(&snap));
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    let dns003: Vec<&str> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["check"] == "DNS003")
        .map(|f| f["resource"]["native_id"].as_str().unwrap())
        .collect();
    assert_eq!(dns003, ["Z1/east.example.com./A"]);
    let w: Vec<&str> = r["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["message"].as_str().unwrap())
        .collect();
    assert!(
        w.iter().any(|m| m.contains("DNS003")
            && m.contains(
                "54.214.1.1 is in AWS's EC2 range for us-west-2, which this run did not scan"
            )),
        "{w:#?}"
    );
}
