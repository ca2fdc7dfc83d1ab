//! The first real account, as a new user meets it: `baseline save`, then
//! `scan` with nothing changed (clean: the account's known problems are part
//! of the reviewed state), then one unauthorized change (exactly it, and
//! the finding it brings, fail the run), its approval (review moves on, the
//! finding becomes known), and its undoing (the finding is resolved).

use std::path::Path;

use crate::common::*;
use serde_json::Value;

/// Three regions: the two account.py seeds, and one with only AWS's
/// defaults (a default VPC and its default group).
const REGIONS: [&str; 2] = ["--region", "us-east-1,eu-west-1,ap-southeast-2"];

fn scan(acct: &Account, base: &Path, logs: &Path, extra: &[&str]) -> std::process::Output {
    run(acct
        .driftwatch()
        .args(["scan", "--quiet", "--baseline"])
        .arg(base)
        .arg("--cloudtrail")
        .arg(logs)
        .args(REGIONS)
        .args(extra))
}

fn json_scan(acct: &Account, base: &Path, logs: &Path, extra: &[&str]) -> (i32, Value) {
    let out = scan(acct, base, logs, &[&["--format", "json"], extra].concat());
    let r = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", stderr(&out)));
    (code(&out), r)
}

fn statuses(r: &Value) -> Vec<(String, String, String)> {
    let mut v: Vec<_> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["status"].as_str().unwrap_or("none").to_string(),
                f["check"].as_str().unwrap().to_string(),
                f["resource"]["id"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn known_findings_keep_an_unchanged_account_clean_and_new_ones_fail_it() {
    let acct = Account::new();
    let made = acct.seed("account.py", &[]);
    let dir = tempdir();
    let base = dir.path().join("baseline.json");
    let logs = dir.path().join("ct");
    std::fs::create_dir_all(&logs).unwrap();
    acct.save_baseline(&base, &REGIONS);
    let b = read_json(&base);
    let known = b["known_findings"].as_array().unwrap().len();
    assert!(known > 5, "the seeded account has posture problems: {b:#}");

    // Right after `baseline save`, nothing changed: exit 0, and the table
    // says so in a few lines, the known findings summarized per check.
    let out = scan(&acct, &base, &logs, &["--format", "table", "--width", "80"]);
    let table = stdout(&out);
    assert_eq!(code(&out), 0, "{table}{}", stderr(&out));
    assert!(
        table.contains(&format!("No changes, no new findings ({known} known)")),
        "{table}"
    );
    assert!(table.contains("KNOWN: "), "{table}");
    assert!(table.lines().all(|l| l.chars().count() <= 80), "{table}");
    let (code0, r) = json_scan(&acct, &base, &logs, &[]);
    assert_eq!(code0, 0);
    assert!(statuses(&r).iter().all(|(s, _, _)| s == "known"), "{r:#}");
    assert_eq!(r["summary"]["known_findings"], known);
    // Teams that gate on posture still can.
    let (gated, _) = json_scan(&acct, &base, &logs, &["--fail-on-known"]);
    assert_eq!(gated, 1);

    // One unauthorized change: it, and the findings it brings (SSH open on
    // the group; the instance in it, with its public address, reachable),
    // are all that is new.
    let did = acct.seed("ssh_world.py", &[&made.to_string(), logs.to_str().unwrap()]);
    let sg = did["resource"].as_str().unwrap();
    let (code1, r) = json_scan(&acct, &base, &logs, &[]);
    assert_eq!(code1, 1);
    let changes = r["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 1, "{r:#}");
    assert_eq!(changes[0]["resource"]["id"], sg);
    assert_eq!(changes[0]["verdict"], "unauthorized");
    assert_eq!(
        changes[0]["actor"]["arn"],
        format!("arn:aws:iam::{}:user/mallory", acct.id)
    );
    let new: Vec<_> = statuses(&r)
        .into_iter()
        .filter(|(s, _, _)| s != "known")
        .collect();
    let instance = format!(
        "ec2.instance/us-east-1/{}",
        made["instances"]["us-east-1"].as_str().unwrap()
    );
    let n = |check: &str, id: &str| ("new".to_string(), check.to_string(), id.to_string());
    assert_eq!(new, [n("SG002", sg), n("SG007", &instance)]);
    let sg007 = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["check"] == "SG007")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let out = scan(&acct, &base, &logs, &["--format", "table", "--width", "80"]);
    let table = stdout(&out);
    for says in [
        "NETWORK: 1 change (1 unauthorized), 2 new findings",
        changes[0]["id"].as_str().unwrap(),
        "SG002",
        "! no [[allow]] rule covers it",
    ] {
        assert!(table.contains(says), "{says:?} in\n{table}");
    }

    // Approved: the change leaves the list and its resource's finding
    // becomes known; with no change unapproved, review moves to this
    // state's time; the instance's finding is named as still new until
    // approved by its own id.
    let report = dir.path().join("scan.json");
    std::fs::write(&report, serde_json::to_vec(&r).unwrap()).unwrap();
    let approve = |ids: &[&str]| {
        run(driftwatch()
            .args(["baseline", "approve"])
            .args(ids)
            .args(["--reason", "CHG-1 bastion", "--from-report"])
            .arg(&report)
            .arg("--baseline")
            .arg(&base))
    };
    let out = approve(&[changes[0]["id"].as_str().unwrap()]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let said = stderr(&out);
    assert!(said.contains("review moves to"), "{said}");
    assert!(
        said.contains(&format!("still new: {sg007} SG007")),
        "{said}"
    );
    let out = approve(&[&sg007]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(!stderr(&out).contains("still new"), "{}", stderr(&out));
    let b = read_json(&base);
    assert_eq!(b["reviewed_at"], r["taken_at"]);
    assert!(b["known_findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|k| k["check"] == "SG002" && k["resource"] == sg));
    let (code2, r2) = json_scan(&acct, &base, &logs, &[]);
    assert_eq!(code2, 0, "{r2:#}");
    assert_eq!(r2["changes"], serde_json::json!([]));
    assert_eq!(r2["summary"]["approved"], 1);
    assert_eq!(r2["summary"]["known_findings"], known + 2);
    // The window starts where review ended: the approved call is not read
    // again.
    assert_eq!(r2["cloudtrail"]["window_start"], r["taken_at"]);

    // Undone by mallory: no change is left, but CloudTrail saw the group
    // change (a transient change, unauthorized), the finding it had is
    // resolved, and the approval that covered it is said to cover nothing.
    acct.seed(
        "ssh_world.py",
        &[&made.to_string(), logs.to_str().unwrap(), "close"],
    );
    let (code3, r3) = json_scan(&acct, &base, &logs, &[]);
    assert_eq!(code3, 1);
    assert_eq!(r3["changes"], serde_json::json!([]));
    assert_eq!(r3["transient"][0]["resource"]["id"], sg, "{r3:#}");
    assert!(r3["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|w| w["code"] == "W006"));
    let mut resolved: Vec<&str> = r3["resolved"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["check"].as_str().unwrap())
        .collect();
    resolved.sort();
    assert_eq!(resolved, ["SG002", "SG007"], "{r3:#}");
    assert_eq!(r3["summary"]["resolved_findings"], 2);
}
