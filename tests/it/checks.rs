//! Posture checks over moto: every planted problem reported exactly once, no
//! benign look-alike reported; explain and list; suppressions.

use crate::common::*;
use serde_json::Value;

fn findings(report: &Value) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["check"].as_str().unwrap().to_string(),
                f["resource"]["id"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn planted_problems_are_each_reported_once_and_benign_ones_never() {
    let acct = Account::new();
    let planted = acct.seed("posture.py", &[]);
    let dir = tempdir();
    let config = dir.path().join("driftwatch.toml");
    std::fs::write(
        &config,
        format!(
            "[checks]\nknown_accounts = [{:?}]\nallowed_images = [{:?}]\n",
            planted["known"].as_str().unwrap(),
            planted["good_ami"].as_str().unwrap()
        ),
    )
    .unwrap();
    let out = run(acct
        .driftwatch()
        .args([
            "check",
            "--quiet",
            "--region",
            "us-east-1",
            "--format",
            "json",
            "--config",
        ])
        .arg(&config));
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        report["warnings"],
        serde_json::json!([]),
        "no check may fail to evaluate"
    );
    // A live read says where its calls went, as a scan's report does.
    let calls = &report["api_calls"];
    assert!(calls["ec2/us-east-1"].as_u64().unwrap() >= 1, "{calls}");
    assert!(calls["iam/global"].as_u64().unwrap() >= 1, "{calls}");
    let want: Vec<(String, String)> = planted["expect"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p[0].as_str().unwrap().to_string(),
                p[1].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let got = findings(&report);
    let missing: Vec<_> = want.iter().filter(|w| !got.contains(w)).collect();
    let extra: Vec<_> = got.iter().filter(|g| !want.contains(g)).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing: {missing:#?}\nunexpected: {extra:#?}"
    );
    // Every finding names its evidence and carries severity and risk.
    for f in report["findings"].as_array().unwrap() {
        assert!(!f["message"].as_str().unwrap().is_empty());
        assert!(f["severity"].is_string() && f["risk"].is_string());
        assert!(f["id"].as_str().unwrap().starts_with("f-"));
    }
    let ssh: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["check"] == "SG002")
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    // The direct rule reads as itself; the prefix list's halves name the list.
    assert!(
        ssh.iter().any(|m| m.contains("tcp 22 0.0.0.0/0")),
        "{ssh:#?}"
    );
    assert!(
        ssh.iter()
            .any(|m| m.contains("tcp 22 0.0.0.0/1 (in pl-")
                && m.contains("tcp 22 128.0.0.0/1 (in pl-")),
        "{ssh:#?}"
    );
}

#[test]
fn suppressions_mark_findings_expire_and_report_stale_entries() {
    let dir = tempdir();
    let snap = dir.path().join("s.json");
    let sg = serde_json::json!({
        "schema": "driftwatch.snapshot/v1", "account": "111122223333", "taken_at": "2026-01-01T00:00:00Z",
        "driftwatch_version": "0.1.0", "regions": ["us-east-1"],
        "coverage": {"ec2/us-east-1": {"service": "ec2", "region": "us-east-1", "status": "complete"}},
        "resources": {
            "ec2.security_group/us-east-1/sg-1": {"kind": "ec2.security_group", "region": "us-east-1", "native_id": "sg-1",
                "attrs": {"name": "bastion", "egress": [], "tags": {},
                          "ingress": [{"protocol": "tcp", "from_port": 22, "to_port": 22, "source": {"cidr_v4": "0.0.0.0/0"}}]}}
        }
    });
    std::fs::write(&snap, serde_json::to_vec(&sg).unwrap()).unwrap();
    let cfg = dir.path().join("c.toml");
    let write_cfg = |expires: &str| {
        std::fs::write(
            &cfg,
            format!(
                "[[suppress]]\ncheck = \"SG002\"\nresource = \"ec2.security_group/*/sg-1\"\nreason = \"bastion host\"\nowner = \"alice@example.com\"\nexpires = \"{expires}\"\n\n\
                 [[suppress]]\ncheck = \"SG003\"\nresource = \"*\"\nreason = \"old\"\nowner = \"bob\"\nexpires = \"2099-01-01\"\n"
            ),
        )
        .unwrap();
    };
    write_cfg("2099-12-31");
    let out = run(driftwatch()
        .args(["check", "--format", "json", "--snapshot"])
        .arg(&snap)
        .arg("--config")
        .arg(&cfg));
    assert_eq!(
        code(&out),
        0,
        "suppressed high finding leaves the exit code alone: {}",
        stderr(&out)
    );
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    let f = &r["findings"][0];
    assert_eq!(f["check"], "SG002");
    assert_eq!(f["suppressed"]["owner"], "alice@example.com");
    assert!(
        stderr(&out).contains("suppression of SG003 for * (owner bob) matched no finding"),
        "{}",
        stderr(&out)
    );
    assert_eq!(r["warnings"][0]["code"], "W002");
    assert!(r["warnings"][0]["message"]
        .as_str()
        .unwrap()
        .contains("matched no finding"));

    write_cfg("2020-01-01");
    let out = run(driftwatch()
        .args(["check", "--format", "json", "--snapshot"])
        .arg(&snap)
        .arg("--config")
        .arg(&cfg));
    assert_eq!(code(&out), 1);
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(r["findings"][0]["suppressed"].is_null());
    assert!(r["findings"][0]["notes"][0]
        .as_str()
        .unwrap()
        .contains("expired on 2020-01-01"));
    // --fail-on critical: the high finding no longer fails the run.
    let out = run(driftwatch()
        .args([
            "check",
            "--format",
            "json",
            "--fail-on",
            "critical",
            "--snapshot",
        ])
        .arg(&snap)
        .arg("--config")
        .arg(&cfg));
    assert_eq!(code(&out), 0);
}

#[test]
fn checks_list_and_explain_cover_every_check_and_user_checks_load() {
    let out = run(driftwatch().args(["checks", "list"]));
    assert_eq!(code(&out), 0);
    let list = stdout(&out);
    let ids: Vec<&str> = list
        .lines()
        .skip(1)
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert!(ids.len() >= 25, "{list}");
    for id in &ids {
        let out = run(driftwatch().args(["checks", "explain", id]));
        assert_eq!(code(&out), 0, "{id}");
        let text = stdout(&out);
        assert!(
            text.contains("Why it matters:") && text.contains("How to fix:"),
            "{id}: {text}"
        );
    }
    let out = run(driftwatch().args(["checks", "explain", "NOPE1"]));
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("no check has id NOPE1"));

    // A user's own check, no recompiling.
    let dir = tempdir();
    std::fs::write(
        dir.path().join("tag.toml"),
        "id = \"TAG001\"\ntitle = \"Instance without an owner tag\"\nseverity = \"low\"\nrisk = \"asset\"\n\
         kinds = [\"ec2.instance\"]\nmessage = \"{name} has no owner tag\"\nexpression = '!(\"owner\" in resource.attrs.tags)'\n\
         rationale = \"Unowned instances are never patched and never cleaned up; someone must answer for each one.\"\n\
         remediation = \"Tag the instance with owner=<team>.\"\n",
    )
    .unwrap();
    let out = run(driftwatch()
        .args(["checks", "list", "--checks"])
        .arg(dir.path()));
    assert!(stdout(&out).contains("TAG001"), "{}", stdout(&out));
    // A malformed one is one error line naming the file and line.
    std::fs::write(dir.path().join("bad.toml"), "id = \"X1\"\ntitle = 3\n").unwrap();
    let out = run(driftwatch()
        .args(["checks", "list", "--checks"])
        .arg(dir.path()));
    assert_eq!(code(&out), 2);
    let err = stderr(&out);
    assert!(err.contains("bad.toml: line 2:"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}
