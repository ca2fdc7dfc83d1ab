//! A scan carries from its baseline what AWS's semantics say cannot have
//! changed (src/aws/carry.rs), over moto: the user data of an instance
//! running since the baseline is not read again, and the report says how
//! many values were carried and why; a restarted, stopped or new instance
//! is read, so a change made while it was stopped is found.

use crate::common::*;
use serde_json::Value;

const EAST: [&str; 2] = ["--region", "us-east-1"];

fn user_data<'a>(snap: &'a Value, id: &str) -> &'a Value {
    &snap["resources"][format!("ec2.instance/us-east-1/{id}")]["attrs"]["user_data"]
}

/// The changes of `id` in a report, as `field` paths.
fn changed(report: &Value, id: &str) -> Vec<String> {
    let key = format!("ec2.instance/us-east-1/{id}");
    report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["resource"]["id"] == key.as_str())
        .flat_map(|c| c["fields"].as_array().cloned().unwrap_or_default())
        .filter_map(|f| f["path"].as_str().map(str::to_string))
        .collect()
}

#[test]
fn user_data_of_an_instance_running_since_the_baseline_is_carried_and_the_rest_is_read() {
    let acct = Account::new();
    let made = acct.seed("carry.py", &[]);
    let dir = tempdir();
    let base = dir.path().join("baseline.json");
    acct.save_baseline(&base, &EAST);
    let saved = read_json(&base);
    // `baseline save` reads everything: nothing carried into the reviewed state.
    assert!(saved["snapshot"]["coverage"]["ec2/us-east-1"]["carried"].is_null());
    wait_past_baseline(&base);
    let fresh = acct.seed("carry.py", &[&made.to_string()]);
    // No CloudTrail to read (moto has no LookupEvents): an empty folder.
    let ct = dir.path().join("ct");
    std::fs::create_dir(&ct).unwrap();

    let out = run(acct
        .driftwatch()
        .args([
            "-vv",
            "scan",
            "--no-checks",
            "--format",
            "json",
            "--baseline",
        ])
        .arg(&base)
        .arg("--cloudtrail")
        .arg(&ct)
        .args(EAST));
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let ec2 = report["coverage"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["service"] == "ec2" && c["region"] == "us-east-1")
        .unwrap();
    assert_eq!(
        ec2["carried"],
        serde_json::json!([{"value": "ec2.instance.user_data", "count": 1, "rule": "running_since_baseline"}])
    );
    // Three instances read (restarted, parked, fresh), one carried.
    let err = stderr(&out);
    assert!(
        err.contains("\"EC2.DescribeInstanceAttribute\": 3"),
        "DescribeInstanceAttribute calls not 3: {err}"
    );
    assert!(
        err.contains("(1 values carried from the baseline)"),
        "{err}"
    );
    // The report says where the calls went, unit by unit.
    let calls = &report["api_calls"];
    assert!(calls["ec2/us-east-1"].as_u64().unwrap() >= 4, "{calls}");
    assert!(calls["iam/global"].as_u64().unwrap() >= 1, "{calls}");
    // What changed while stopped is found; what could not change is not.
    let restarted = made["restarted"].as_str().unwrap();
    assert!(
        changed(&report, restarted)
            .iter()
            .any(|p| p.starts_with("user_data")),
        "{report:#}"
    );
    let parked = made["parked"].as_str().unwrap();
    assert!(
        changed(&report, parked)
            .iter()
            .any(|p| p.starts_with("user_data")),
        "{report:#}"
    );
    assert!(
        changed(&report, made["steady"].as_str().unwrap()).is_empty(),
        "{report:#}"
    );
    assert!(report["changes"]
        .to_string()
        .contains(fresh["fresh"].as_str().unwrap()));
    // Carried values are known values, not gaps.
    assert_eq!(
        report["summary"]["complete"], true,
        "{:#}",
        report["summary"]
    );

    // The people's formats say it too.
    let out = run(acct
        .driftwatch()
        .args(["scan", "--no-checks", "--quiet", "--format", "table"])
        .args(["--width", "200", "--baseline"])
        .arg(&base)
        .arg("--cloudtrail")
        .arg(&ct)
        .args(EAST));
    assert!(
        stdout(&out).contains("Carried from the baseline, not read again: 1 ec2.instance.user_data (running since the baseline (same launch time)"),
        "{}",
        stdout(&out)
    );

    // A snapshot has no baseline: it reads every instance's user data, and
    // the restarted one's holds the key it was given while stopped.
    let out = run(acct.driftwatch().args(["snapshot", "--quiet"]).args(EAST));
    let snap: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(snap["coverage"]["ec2/us-east-1"]["carried"].is_null());
    assert_eq!(
        user_data(&snap, restarted)["secrets"][0]["kind"],
        "aws_access_key_id"
    );
}
