//! Nothing secret is ever written: user data holding an access key pair, a
//! password in a URL and (gzip-compressed) a private key is reported by
//! kind and line, and not one of the secret strings, nor a Lambda
//! environment value, nor a Secrets Manager secret value, appears in the
//! snapshot, the baseline, or any report format.

use crate::common::*;
use serde_json::{json, Value};

const EAST: [&str; 2] = ["--region", "us-east-1"];

#[test]
fn user_data_secrets_are_reported_by_kind_and_line_and_never_written() {
    let acct = Account::new();
    let made = acct.seed("user_data.py", &[]);
    // A password in a function's environment and values in Secrets Manager.
    let others = [acct.seed("lambda.py", &[]), acct.seed("policies.py", &[])];
    let dir = tempdir();
    let snap_path = dir.path().join("snap.json");
    acct.snapshot_to(&snap_path, &EAST);
    let snap = read_json(&snap_path);
    let ud = |id: &Value| {
        let key = format!("ec2.instance/us-east-1/{}", id.as_str().unwrap());
        snap["resources"][&key]["attrs"]["user_data"].clone()
    };
    let leaky = ud(&made["leaky"]);
    assert_eq!(
        leaky["secrets"],
        json!([
            {"kind": "aws_access_key_id", "line": 2},
            {"kind": "aws_secret_access_key", "line": 3},
            {"kind": "password_in_url", "line": 4},
        ]),
        "{leaky:#}"
    );
    assert_eq!(leaky["sha256"].as_str().unwrap().len(), 64);
    let zipped = ud(&made["zipped"]);
    assert_eq!(zipped["gzip"], true);
    assert_eq!(
        zipped["secrets"],
        json!([{"kind": "private_key", "line": 4}])
    );
    assert_eq!(ud(&made["clean"])["secrets"], json!([]));

    let mut written = vec![std::fs::read_to_string(&snap_path).unwrap()];
    let base = dir.path().join("baseline.json");
    acct.save_baseline(&base, &EAST);
    written.push(std::fs::read_to_string(&base).unwrap());
    for format in ["table", "json", "markdown", "junit", "sarif"] {
        let out = run(acct
            .driftwatch()
            .args(["scan", "--quiet", "--fail-on-known", "--format", format])
            .arg("--baseline")
            .arg(&base)
            .arg("--snapshot")
            .arg(&snap_path));
        // The baseline accepted the secret as known: it fails the run only
        // with --fail-on-known, and is written nowhere either way.
        assert_eq!(code(&out), 1, "{format}: {}", stderr(&out));
        let text = format!("{}{}", stdout(&out), stderr(&out));
        if format == "json" {
            let r: Value = serde_json::from_str(&stdout(&out)).unwrap();
            let hit = r["findings"]
                .as_array()
                .unwrap()
                .iter()
                .find(|f| f["check"] == "EC2005" && f["resource"]["native_id"] == made["leaky"])
                .unwrap_or_else(|| panic!("no EC2005 on the leaky instance"));
            assert!(
                hit["evidence"]
                    .to_string()
                    .contains("password_in_url on line 4"),
                "{hit:#}"
            );
        }
        written.push(text);
    }
    let mut planted: Vec<&str> = made["secrets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    planted.extend(others.iter().map(|m| m["secret"].as_str().unwrap()));
    assert_eq!(planted.len(), 6);
    for secret in planted {
        for (i, w) in written.iter().enumerate() {
            assert!(!w.contains(secret), "output {i} contains a planted secret");
        }
    }
}

/// At every log level, the SDK's and the HTTP stack's trace lines included,
/// stderr holds neither the account's secret key or session token nor the
/// secret path of a webhook URL, whether the delivery works or fails.
#[test]
fn no_key_token_or_webhook_path_at_any_log_level() {
    let acct = Account::new();
    acct.seed("account.py", &[]);
    for status in [200, 500] {
        let (base, bodies) = recording_http_server(status, "text/plain", "");
        let hook = format!("{base}/services/T000/B000/hooksecret");
        for level in [&["-v"][..], &["-vv"], &["-vvv"]] {
            let dir = tempdir();
            let mut cmd = acct.driftwatch();
            cmd.env("DRIFTWATCH_LOG", "trace")
                .args(["check", "--format", "json"])
                .args(EAST)
                .args(level)
                .args(["--notify", &format!("slack:{hook}"), "--notify-on", "both"])
                .current_dir(dir.path());
            let out = run(&mut cmd);
            let err = stderr(&out);
            assert!(
                err.contains("TRACE") || err.contains("DEBUG"),
                "logs were off: {err:.300}"
            );
            for secret in [
                &acct.secret_key,
                &acct.session_token,
                &"hooksecret".to_string(),
            ] {
                if let Some(i) = err.find(secret.as_str()) {
                    let start = err[..i].rfind('\n').map_or(0, |n| n + 1);
                    let end = err[i..].find('\n').map_or(err.len(), |n| i + n);
                    let line = err[start..end].replace(secret.as_str(), "<SECRET>");
                    panic!("{level:?} {status}: stderr holds a secret: {line}");
                }
                assert!(
                    !stdout(&out).contains(secret.as_str()),
                    "{level:?}: stdout holds a secret"
                );
            }
        }
        assert!(!bodies.lock().unwrap().is_empty(), "the webhook was called");
    }
}
