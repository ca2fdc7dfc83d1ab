//! Attribution end to end over moto: changes by two principals, CloudTrail
//! records delivered to a trail bucket as AWS would, and a scan that says who,
//! when and whether they were allowed; the same offline from a directory.

use crate::common::*;
use serde_json::Value;

const REGIONS: [&str; 4] = ["--region", "us-east-1", "--region", "eu-west-1"];

fn check_report(r: &Value, acct: &Account, did: &Value) {
    let a = &acct.id;
    let app = change_for(
        r,
        &format!(
            "ec2.security_group/us-east-1/{}",
            did["app"].as_str().unwrap()
        ),
    );
    assert_eq!(app["verdict"], "authorized", "{app:#}");
    assert_eq!(app["decided_by"], "rule ci-deploy");
    assert_eq!(
        app["actor"]["arn"],
        format!("arn:aws:sts::{a}:assumed-role/ci-deploy/pipeline-42")
    );
    assert_eq!(app["events"][0]["name"], "AuthorizeSecurityGroupIngress");
    assert_eq!(app["events"][0]["source_ip"], "203.0.113.10");
    let inst = change_for(
        r,
        &format!(
            "ec2.instance/us-east-1/{}",
            did["ci_instance"].as_str().unwrap()
        ),
    );
    assert_eq!(inst["verdict"], "authorized");
    assert_eq!(inst["actor"]["session_name"], "pipeline-42");

    let web = change_for(
        r,
        &format!(
            "ec2.security_group/us-east-1/{}",
            did["web"].as_str().unwrap()
        ),
    );
    assert_eq!(web["verdict"], "unauthorized");
    assert_eq!(web["attribution"], "attributed");
    assert_eq!(
        web["actor"]["role_arn"],
        format!("arn:aws:iam::{a}:role/admin")
    );
    assert_eq!(web["actor"]["source_identity"], "alice@example.com");
    assert!(web["events"][0]["user_agent"]
        .as_str()
        .unwrap()
        .starts_with("aws-cli/"));
    assert!(
        web["events"][0]["time"].as_str().unwrap() >= r["baseline"]["taken_at"].as_str().unwrap()
    );
    let bob = change_for(r, "iam.user/global/bob");
    assert_eq!(bob["verdict"], "unauthorized");
    assert_eq!(bob["actor"]["session_name"], "alice-laptop");
    assert_eq!(bob["events"][0]["name"], "AttachUserPolicy");

    // Transient: RDP opened and closed in eu-west-1; a user created and deleted.
    let transient: Vec<&str> = r["transient"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["resource"]["id"].as_str().unwrap())
        .collect();
    let eu = format!(
        "ec2.security_group/eu-west-1/{}",
        did["euweb"].as_str().unwrap()
    );
    assert_eq!(
        transient,
        [eu.as_str(), "iam.user/global/tmp-admin"],
        "{:#}",
        r["transient"]
    );
    for t in r["transient"].as_array().unwrap() {
        assert_eq!(t["verdict"], "unauthorized");
        assert_eq!(t["actor"]["source_identity"], "alice@example.com");
        assert_eq!(t["events"].as_array().unwrap().len(), 2);
    }
    // The failed AttachRolePolicy explains nothing and is not transient.
    assert!(r["changes"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["resource"]["id"] != "iam.role/global/deploy"));
    // The damaged log file is reported, not fatal.
    assert_eq!(
        r["cloudtrail"]["files_skipped"].as_array().unwrap().len(),
        1,
        "{:#}",
        r["cloudtrail"]
    );
    assert!(r["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|w| w["code"] == "W004" && w["message"].as_str().unwrap().contains("broken.json.gz")));
    assert_eq!(r["summary"]["transient_unauthorized"], 2);
}

#[test]
fn trail_logs_attribute_every_change_and_policy_decides() {
    let acct = Account::new();
    let made = acct.seed("account.py", &[]);
    let dir = tempdir();
    let (base, logs, did) =
        acct.change_after_baseline(dir.path(), &REGIONS, "cloudtrail.py", &made);
    let cfg = dir.path().join("driftwatch.toml");
    std::fs::write(
        &cfg,
        "[[allow]]\nname = \"ci-deploy\"\nprincipals = [\"arn:aws:iam::*:role/ci-deploy\"]\n",
    )
    .unwrap();

    // Live: discover the trail, read its S3 logs.
    let snap = dir.path().join("now.json");
    acct.snapshot_to(&snap, &REGIONS);
    let out = run(acct
        .driftwatch()
        .args([
            "scan",
            "--no-checks",
            "--format",
            "json",
            "--cloudtrail",
            "trail",
            "--baseline",
        ])
        .arg(&base)
        .arg("--snapshot")
        .arg(&snap)
        .arg("--config")
        .arg(&cfg)
        .args(REGIONS));
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    check_report(&r, &acct, &did);
    assert!(r["cloudtrail"]["sources"][0]
        .as_str()
        .unwrap()
        .starts_with(&format!("s3://{}", did["bucket"].as_str().unwrap())));

    // Offline: the same records from a local directory, no AWS at all.
    let out = run(driftwatch()
        .args(["scan", "--no-checks", "--format", "json", "--cloudtrail"])
        .arg(&logs)
        .arg("--baseline")
        .arg(&base)
        .arg("--snapshot")
        .arg(&snap)
        .arg("--config")
        .arg(&cfg));
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    check_report(&r, &acct, &did);

    // The table says who and when.
    let out = run(driftwatch()
        .args(["scan", "--no-checks", "--format", "table", "--cloudtrail"])
        .arg(&logs)
        .arg("--baseline")
        .arg(&base)
        .arg("--snapshot")
        .arg(&snap)
        .arg("--config")
        .arg(&cfg));
    let table = stdout(&out);
    assert!(
        table.contains("alice@example.com") && table.contains("TRANSIENT: 2 resources"),
        "{table}"
    );
}
