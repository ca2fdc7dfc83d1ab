//! Baselines, drift and approvals end to end over moto: save a baseline,
//! change the account, scan, approve by id, approve the rest.

use crate::common::*;
use serde_json::Value;

const REGIONS: [&str; 4] = ["--region", "us-east-1", "--region", "eu-west-1"];

fn scan(acct: &Account, baseline: &std::path::Path) -> (i32, Value) {
    let out = run(acct
        .driftwatch()
        .args([
            "scan",
            "--quiet",
            "--no-checks",
            // moto has no LookupEvents; attribution has its own tests.
            "--cloudtrail",
            "none",
            "--format",
            "json",
            "--baseline",
        ])
        .arg(baseline)
        .args(REGIONS));
    let v: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("scan printed no JSON ({e}); stderr: {}", stderr(&out)));
    (code(&out), v)
}

/// `(resource id, change, [field paths])` of each unauthorized change.
fn unauthorized(report: &Value) -> Vec<(String, String, Vec<String>)> {
    report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["verdict"] == "unauthorized")
        .map(|c| {
            (
                c["resource"]["id"].as_str().unwrap().to_string(),
                c["change"].as_str().unwrap().to_string(),
                c["fields"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|f| f["path"].as_str().unwrap().to_string())
                    .collect(),
            )
        })
        .collect()
}

fn change_id(report: &Value, resource: &str) -> String {
    change_for(report, resource)["id"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn scan_reports_exactly_the_drift_and_approvals_clear_it() {
    let acct = Account::new();
    let made = acct.seed("account.py", &[]);
    let dir = tempdir();
    let base = dir.path().join("baseline.json");

    acct.save_baseline(&base, &REGIONS);
    let saved = read_json(&base);
    assert_eq!(saved["schema"], "driftwatch.baseline/v1");
    assert_eq!(saved["snapshot"]["account"], acct.id.as_str());

    // No drift yet.
    let (rc, report) = scan(&acct, &base);
    assert_eq!(rc, 0, "{report:#}");
    assert_eq!(report["summary"]["changes"], 0);

    let did = acct.seed("drift.py", &[&made.to_string()]);
    let (rc, report) = scan(&acct, &base);
    assert_eq!(rc, 1);
    assert_eq!(report["schema"], "driftwatch.report/v3");
    let web = made["security_groups"]["us-east-1"]["web"]
        .as_str()
        .unwrap();
    let zone = made["zones"]["public"].as_str().unwrap();
    let a = &acct.id;
    let mut want = vec![
        (
            format!("ec2.security_group/us-east-1/{web}"),
            "modified".to_string(),
            vec!["ingress[+]".to_string()],
        ),
        (
            "iam.user/global/alice".into(),
            "modified".into(),
            vec!["attached_policies[+]".into()],
        ),
        (
            format!("s3.bucket/global/dw-{a}-logs"),
            "modified".into(),
            vec!["policy".into(), "policy_is_public".into()],
        ),
        (
            format!("route53.record/global/{zone}/new.example.com./CNAME"),
            "added".into(),
            vec![],
        ),
        (
            format!(
                "ec2.instance/us-east-1/{}",
                did["launched"].as_str().unwrap()
            ),
            "added".into(),
            vec![],
        ),
        (
            format!(
                "ec2.instance/eu-west-1/{}",
                did["terminated"].as_str().unwrap()
            ),
            "removed".into(),
            vec![],
        ),
    ];
    want.sort();
    let mut got = unauthorized(&report);
    got.sort();
    assert_eq!(got, want, "{report:#}");
    // The SSH rule reads as such.
    let sg = report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["resource"]["kind"] == "ec2.security_group")
        .unwrap();
    assert_eq!(sg["fields"][0]["after"]["source"]["cidr_v4"], "0.0.0.0/0");
    assert_eq!(sg["fields"][0]["after"]["from_port"], 22);
    assert_eq!(report["summary"]["unauthorized"], 6);

    // Approve two by id.
    let sg_id = change_id(&report, &format!("ec2.security_group/us-east-1/{web}"));
    let user_id = change_id(&report, "iam.user/global/alice");
    let out = run(acct
        .driftwatch()
        .args([
            "baseline",
            "approve",
            &sg_id,
            &user_id,
            "--reason",
            "CHG-42 bastion",
            "--by",
            "alice@example.com",
            "--quiet",
            "--baseline",
        ])
        .arg(&base)
        .args(REGIONS));
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let (rc, report2) = scan(&acct, &base);
    assert_eq!(rc, 1);
    assert_eq!(unauthorized(&report2).len(), 4);
    assert_eq!(report2["summary"]["approved"], 2);
    let approved: Vec<&Value> = report2["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["verdict"] == "approved")
        .collect();
    assert!(approved
        .iter()
        .all(|c| c["approval"]["reason"] == "CHG-42 bastion"
            && c["approval"]["by"] == "alice@example.com"));

    // An unknown id is refused, and the baseline is untouched.
    let before = std::fs::read(&base).unwrap();
    let out = run(acct
        .driftwatch()
        .args([
            "baseline",
            "approve",
            "c-000000000000",
            "--reason",
            "x",
            "--baseline",
        ])
        .arg(&base)
        .args(REGIONS));
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("no current change or finding has id c-000000000000"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read(&base).unwrap(), before);

    // Approve the rest: clean.
    let out = run(acct
        .driftwatch()
        .args([
            "baseline",
            "approve",
            "--all",
            "--reason",
            "reviewed in CHG-43",
            "--quiet",
            "--baseline",
        ])
        .arg(&base)
        .args(REGIONS));
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let (rc, report3) = scan(&acct, &base);
    assert_eq!(rc, 0, "{report3:#}");
    assert_eq!(report3["summary"]["changes"], 0);
    let b = read_json(&base);
    assert_eq!(
        b["approvals"].as_array().unwrap().len(),
        1,
        "per-change approvals fold into --all"
    );
    assert_eq!(b["approvals"][0]["change_id"], "*");
}

#[test]
fn approval_is_pinned_to_content_and_expires() {
    let acct = Account::new();
    let made = acct.seed("account.py", &[]);
    let dir = tempdir();
    let base = dir.path().join("b.json");
    let snap1 = dir.path().join("s1.json");
    acct.save_baseline(&base, &REGIONS);
    acct.seed("drift.py", &[&made.to_string()]);
    acct.snapshot_to(&snap1, &REGIONS);

    let report_with = |snap: &std::path::Path, extra: &[&str]| -> Value {
        let out = run(driftwatch()
            .args(["scan", "--no-checks", "--format", "json", "--snapshot"])
            .arg(snap)
            .arg("--baseline")
            .arg(&base)
            .args(extra));
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let report_for = |snap: &std::path::Path| report_with(snap, &["--show-approved"]);
    let r = report_for(&snap1);
    let web = made["security_groups"]["us-east-1"]["web"]
        .as_str()
        .unwrap();
    let sg_res = format!("ec2.security_group/us-east-1/{web}");
    let id = change_id(&r, &sg_res);
    // Offline approval against a snapshot file, with an expiry in the future.
    let out = run(driftwatch()
        .args([
            "baseline",
            "approve",
            &id,
            "--reason",
            "temp access",
            "--expires",
            "2099-01-01",
            "--snapshot",
        ])
        .arg(&snap1)
        .arg("--baseline")
        .arg(&base));
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    // Approved changes are counted, not listed, unless asked for.
    let r = report_with(&snap1, &[]);
    assert!(
        r["changes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["resource"]["id"] != sg_res.as_str()),
        "{r:#}"
    );
    assert_eq!(r["summary"]["approved"], 1);
    assert_eq!(r["approved_not_listed"], 1);
    let r = report_for(&snap1);
    let c = change_for(&r, &sg_res);
    assert_eq!(c["verdict"], "approved");
    assert!(
        c["approval"]["by"].as_str().unwrap().starts_with("user:")
            || c["approval"]["by"] == "unknown"
    );

    // The group changes again: the approval no longer covers it.
    let ec2 = "import boto3,os,sys\nc=boto3.client('ec2',region_name='us-east-1',endpoint_url=os.environ['AWS_ENDPOINT_URL'])\n\
               c.authorize_security_group_ingress(GroupId=sys.argv[1],IpPermissions=[{'IpProtocol':'tcp','FromPort':3389,'ToPort':3389,'IpRanges':[{'CidrIp':'0.0.0.0/0'}]}])";
    let mut py = std::process::Command::new(python());
    acct.apply_env(&mut py);
    assert!(py.args(["-c", ec2, web]).status().unwrap().success());
    let snap2 = dir.path().join("s2.json");
    acct.snapshot_to(&snap2, &REGIONS);
    let r = report_for(&snap2);
    let c = change_for(&r, &sg_res);
    assert_eq!(c["verdict"], "unauthorized");
    assert!(
        c["notes"][0].as_str().unwrap().contains("changed again"),
        "{c:#}"
    );

    // An expired approval re-opens the change: edit the expiry into the past.
    let mut b = read_json(&base);
    for a in b["approvals"].as_array_mut().unwrap() {
        a["expires"] = Value::String("2020-01-01".into());
    }
    std::fs::write(&base, serde_json::to_vec_pretty(&b).unwrap()).unwrap();
    let r = report_for(&snap1);
    let c = change_for(&r, &sg_res);
    assert_eq!(c["verdict"], "unauthorized");
    assert!(
        c["notes"][0]
            .as_str()
            .unwrap()
            .contains("expired on 2020-01-01"),
        "{c:#}"
    );
}
