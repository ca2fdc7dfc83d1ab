//! Every write accounted for, end to end over moto: an intruder stops the
//! trail, shares a snapshot, opens a function, resets a password and
//! replaces user data; CloudTrail records are written where AWS would. The
//! scan names each with its actor and verdict (as a change, a write outside
//! the snapshot, and an event check's finding), calls none of them "changed
//! back", authorizes AWS's own routine write, and its ledger adds up. A
//! Sigma rule given with `--checks` fires on the stopped trail too.

use crate::common::*;
use serde_json::Value;

const REGIONS: [&str; 2] = ["--region", "us-east-1"];

fn finding<'a>(r: &'a Value, check: &str) -> &'a Value {
    r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["check"] == check)
        .unwrap_or_else(|| panic!("no {check} finding"))
}

#[test]
fn writes_are_attributed_judged_and_counted() {
    let acct = Account::new();
    let made = acct.seed("ledger.py", &[]);
    let dir = tempdir();
    let (base, logs, did) =
        acct.change_after_baseline(dir.path(), &REGIONS, "ledger_change.py", &made);
    let snap = dir.path().join("now.json");
    acct.snapshot_to(&snap, &REGIONS);
    let out = run(driftwatch()
        .args(["scan", "--quiet", "--format", "json", "--cloudtrail"])
        .arg(&logs)
        .arg("--checks")
        .arg(repo_root().join("tests/fixtures/sigma"))
        .arg("--baseline")
        .arg(&base)
        .arg("--snapshot")
        .arg(&snap));
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mallory = format!("arn:aws:iam::{}:user/mallory", acct.id);

    // What the snapshot holds: changes, each by mallory, unauthorized.
    acct.assert_mallory_did(&r, &did);
    // What it does not: bob's password, a write with what it changed.
    let pass = r["writes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["event_name"] == "UpdateLoginProfile")
        .expect("the password reset is a write outside the snapshot");
    assert_eq!(pass["resource"], "iam.user/global/bob");
    assert_eq!(pass["actor"]["arn"], mallory.as_str());
    assert_eq!(pass["verdict"], "unauthorized");
    assert!(
        pass["note"].as_str().unwrap().contains("console password"),
        "{pass:#}"
    );
    // Nothing of it "changed and changed back".
    assert_eq!(
        r["transient"],
        serde_json::json!([]),
        "{:#}",
        r["transient"]
    );
    // AWS rotating a key: authorized by the built-in rule.
    let rotate = r["writes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["event_name"] == "RotateKey")
        .unwrap();
    assert_eq!(rotate["verdict"], "authorized");
    assert_eq!(rotate["decided_by"], "rule builtin:aws-service");

    // Event checks name the pattern, the actor and the time.
    for check in ["CT001", "CT010", "CT016", "CT022", "CT025"] {
        let f = finding(&r, check);
        assert_eq!(f["events"]["actors"][0], mallory.as_str(), "{f:#}");
        assert!(
            f["events"]["last"].as_str().unwrap() >= r["baseline"]["taken_at"].as_str().unwrap()
        );
    }
    assert!(finding(&r, "CT010")["evidence"][0] == "999988887777");
    // A Sigma rule from --checks fires on the same record, as an event check.
    let sigma = finding(&r, "6c1f4a9e-2b7d-4c1e-9a3f-0d5e8b7c6a41");
    assert_eq!(sigma["events"]["actors"][0], mallory.as_str(), "{sigma:#}");
    let names = sigma["events"]["event_names"].as_array().unwrap();
    assert!(names.iter().any(|n| n == "StopLogging"), "{sigma:#}");

    // The ledger: every record in exactly one count.
    let l = &r["cloudtrail"]["ledger"];
    let n = |k: &str| l[k].as_u64().unwrap();
    let skipped: u64 = l["skipped"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(n("read"), 8, "{l:#}");
    assert_eq!(
        n("read"),
        n("read_only") + n("failed") + n("explained") + n("transient") + n("outside") + skipped,
        "{l:#}"
    );
    assert_eq!(
        (n("explained"), n("outside"), n("read_only"), n("failed")),
        (4, 2, 1, 1),
        "{l:#}"
    );
}
