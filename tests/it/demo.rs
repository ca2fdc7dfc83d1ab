//! `driftwatch demo`: the bundled account loads, shows every scene of the bad
//! morning, matches a hand-run scan of the written-out bundle, and alerts.

use crate::common::*;
use serde_json::Value;

fn demo_json(extra: &[&str]) -> (i32, Value, String) {
    let dir = tempdir();
    // From any directory: the bundle is embedded in the binary.
    let out = run(driftwatch()
        .current_dir(dir.path())
        .args(["demo", "--format", "json"])
        .args(extra));
    let v = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (code(&out), v, stderr(&out))
}

/// `scan` of a demo bundle written under `d`, as its README line runs it.
fn bundle_scan(d: &std::path::Path) -> std::process::Command {
    let mut cmd = driftwatch();
    cmd.args(["scan", "--format", "json", "--snapshot"])
        .arg(d.join("current.json"))
        .arg("--baseline")
        .arg(d.join("baseline.json"))
        .arg("--cloudtrail")
        .arg(d.join("cloudtrail"))
        .arg("--config")
        .arg(d.join("driftwatch.toml"));
    cmd
}

fn by_kind<'a>(r: &'a Value, kind: &str) -> Vec<&'a Value> {
    r["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["resource"]["kind"] == kind)
        .collect()
}

#[test]
fn demo_shows_the_bad_morning() {
    let (rc, r, err) = demo_json(&[]);
    assert_eq!(rc, 1, "{err}");
    // SSH to the world, by a person through the shared admin role.
    let ssh = by_kind(&r, "ec2.security_group")
        .into_iter()
        .find(|c| c["fields"][0]["after"]["from_port"] == 22)
        .expect("the SSH change");
    assert_eq!(ssh["verdict"], "unauthorized");
    assert_eq!(ssh["actor"]["source_identity"], "alice@acme-demo.com");
    assert!(ssh["actor"]["role_arn"]
        .as_str()
        .unwrap()
        .ends_with(":role/admin"));
    // A bucket made public: the change and the finding.
    let public = by_kind(&r, "s3.bucket")
        .into_iter()
        .find(|c| c["change"] == "modified")
        .unwrap();
    assert_eq!(public["resource"]["native_id"], "acme-customer-exports");
    let findings: Vec<(&str, &str)> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["check"].as_str().unwrap(),
                f["resource"]["native_id"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(
        findings.contains(&("S3001", "acme-customer-exports")),
        "{findings:?}"
    );
    // An access key for a new admin user.
    let key = &by_kind(&r, "iam.access_key")[0];
    assert_eq!(key["change"], "added");
    assert!(key["actor"]["arn"]
        .as_str()
        .unwrap()
        .ends_with(":user/jenkins-legacy"));
    assert_eq!(
        by_kind(&r, "iam.user")[0]["resource"]["native_id"],
        "svc-backup"
    );
    // A CNAME left pointing at a deleted bucket.
    let gone = by_kind(&r, "s3.bucket")
        .into_iter()
        .find(|c| c["change"] == "removed")
        .unwrap();
    assert_eq!(gone["resource"]["native_id"], "assets.acme-demo.com");
    assert!(
        findings
            .iter()
            .any(|(c, id)| *c == "DNS001" && id.contains("assets.acme-demo.com")),
        "{findings:?}"
    );
    // An instance in a region nobody uses.
    let far = by_kind(&r, "ec2.instance")
        .into_iter()
        .find(|c| c["resource"]["region"] == "ap-southeast-2")
        .unwrap();
    assert_eq!(far["change"], "added");
    assert_eq!(far["verdict"], "unauthorized");
    // A port opened and closed overnight.
    assert_eq!(r["transient"].as_array().unwrap().len(), 1);
    assert_eq!(
        r["transient"][0]["events"][0]["name"],
        "AuthorizeSecurityGroupIngress"
    );
    // The deploy role's changes are authorized by the policy.
    let authorized: Vec<&Value> = r["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["verdict"] == "authorized")
        .collect();
    assert_eq!(authorized.len(), 2);
    assert!(authorized
        .iter()
        .all(|c| c["decided_by"] == "rule deploy-pipeline"));
    // A change no record explains, and a suppressed finding.
    assert_eq!(r["summary"]["unattributed"], 1);
    assert_eq!(r["summary"]["suppressed_findings"], 1);
    assert!(r["summary"]["failing_findings"].as_u64().unwrap() >= 4);
}

#[test]
fn demo_bundle_written_out_scans_the_same_by_hand() {
    let dir = tempdir();
    let out = run(driftwatch().args(["demo", "--dir"]).arg(dir.path()));
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("driftwatch scan --snapshot"),
        "{}",
        stderr(&out)
    );
    let out = run(&mut bundle_scan(dir.path()));
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let by_hand: Value = serde_json::from_slice(&out.stdout).unwrap();
    let (_, demo, _) = demo_json(&[]);
    for k in ["changes", "transient", "findings", "summary"] {
        assert_eq!(by_hand[k], demo[k], "{k} differs");
    }
}

#[test]
fn demo_alerts_and_a_failed_delivery_keeps_the_report() {
    let (url, bodies) = recording_server(200);
    let (rc, r, err) = demo_json(&["--notify", &format!("slack:{url}")]);
    assert_eq!(rc, 1, "{err}");
    assert_eq!(r["summary"]["unauthorized"], 7);
    let got = bodies.lock().unwrap().clone();
    assert_eq!(got.len(), 1);
    let slack: Value = serde_json::from_str(&got[0]).unwrap();
    assert!(slack["blocks"][0]["text"]["text"]
        .as_str()
        .unwrap()
        .contains("210987654321"));
    assert!(!err.contains("secret"), "{err}");

    let (url, _) = recording_server(500);
    let (rc, r, err) = demo_json(&["--notify", &url, "--notify-timeout", "1"]);
    assert_eq!(rc, 2, "a failed delivery is a tool failure");
    assert_eq!(
        r["summary"]["unauthorized"], 7,
        "the report still reaches stdout"
    );
    assert!(err.contains("notification to http://127.0.0.1"), "{err}");
    assert!(!err.contains("secret"), "the URL path is a secret: {err}");
}

#[test]
fn alerts_are_sent_once_then_again_when_due() {
    let dir = tempdir();
    let out = run(driftwatch().args(["demo", "--dir"]).arg(dir.path()));
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let d = dir.path().to_path_buf();
    let (url, bodies) = recording_server(200);
    let scan = |extra: &[&str]| {
        let out = run(bundle_scan(&d)
            .arg("--quiet")
            .args(["--notify", &format!("slack:{url}")])
            .args(extra));
        assert_eq!(code(&out), 1, "{}", stderr(&out));
        let r: Value = serde_json::from_slice(&out.stdout).unwrap();
        r
    };
    let sent = || bodies.lock().unwrap().len();
    let first = scan(&[]);
    assert_eq!(sent(), 1);
    let state = d.join("baseline.alerts.json");
    let remembered: Value = serde_json::from_slice(&std::fs::read(&state).unwrap()).unwrap();
    assert_eq!(remembered["schema"], "driftwatch.alerts/v1");
    let n = remembered["sent"].as_object().unwrap().len();
    assert!(
        n >= 10,
        "every unauthorized change and failing finding: {n}"
    );
    // The second run has nothing new: no post, and the report is whole.
    let second = scan(&[]);
    assert_eq!(sent(), 1, "the same items are not posted twice");
    assert_eq!(second["summary"], first["summary"]);
    // Due again once realert has passed (0 hours: at once), or every run.
    scan(&["--realert", "0"]);
    assert_eq!(sent(), 2);
    scan(&["--notify-all"]);
    assert_eq!(sent(), 3);
    // An item that says something new is sent again, alone.
    let mut v = remembered.clone();
    let (id, _) = v["sent"]
        .as_object()
        .unwrap()
        .iter()
        .next()
        .map(|(k, v)| (k.clone(), v.clone()))
        .unwrap();
    v["sent"][&id]["fingerprint"] = "0000".into();
    std::fs::write(&state, serde_json::to_vec(&v).unwrap()).unwrap();
    scan(&[]);
    assert_eq!(sent(), 4);
    let body: Value = serde_json::from_str(&bodies.lock().unwrap()[3]).unwrap();
    let headline = body["text"].as_str().unwrap();
    // "driftwatch: account A: U unauthorized changes, T transient, F failing findings"
    let counts: u64 = headline
        .rsplit(": ")
        .next()
        .unwrap()
        .split(", ")
        .map(|p| p.split(' ').next().unwrap().parse::<u64>().unwrap())
        .sum();
    assert_eq!(counts, 1, "only the changed item: {headline}");
    // A state file that is not one: exit 2 naming it, before any work.
    std::fs::write(&state, b"not json").unwrap();
    let out = run(driftwatch()
        .args(["scan", "--snapshot"])
        .arg(d.join("current.json"))
        .arg("--baseline")
        .arg(d.join("baseline.json"))
        .args(["--notify", &url, "--notify-state"])
        .arg(&state));
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("baseline.alerts.json"),
        "{}",
        stderr(&out)
    );
    assert_eq!(sent(), 4);
}

/// A webhook that records bodies; the path plays the secret part of the URL.
fn recording_server(status: u16) -> (String, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    let (base, bodies) = recording_http_server(status, "text/plain", "");
    (format!("{base}/services/T000/B000/secret"), bodies)
}
