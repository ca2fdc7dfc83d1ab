//! The resource-policy doors over moto (Roles Anywhere from
//! tests/moto_plus.py): KMS keys, SQS queues, SNS topics and their
//! subscriptions, Secrets Manager secrets, S3 access points, Roles Anywhere
//! trust anchors and profiles, and the account's organization, collected with their fields;
//! every check fires on its planted problem and not on the look-alike (a
//! known account, `*` limited by a condition, the default SNS policy); each
//! door opened after the baseline is diffed and attributed; no secret value
//! is ever written.

use crate::common::*;
use serde_json::{json, Value};

const EAST: [&str; 2] = ["--region", "us-east-1"];
const PREFIXES: [&str; 6] = ["KMS", "SQS", "SNS", "SM0", "RA0", "ORG"];

fn attrs<'a>(snap: &'a Value, kind: &str, native: &Value) -> &'a Value {
    let region = if kind.starts_with("organizations.") {
        "global"
    } else {
        "us-east-1"
    };
    let id = format!("{kind}/{region}/{}", native.as_str().unwrap_or_default());
    &snap["resources"]
        .get(&id)
        .unwrap_or_else(|| panic!("{id} not in the snapshot"))["attrs"]
}

#[test]
fn resource_policies_are_collected_checked_and_opened_doors_attributed() {
    let acct = Account::new();
    let made = acct.seed("policies.py", &[]);
    let secret = made["secret"].as_str().unwrap();
    let dir = tempdir();
    let path = dir.path().join("snap.json");
    acct.snapshot_to(&path, &EAST);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(!text.contains(secret), "a secret value was written");
    let snap = read_json(&path);
    for svc in [
        "kms",
        "sqs",
        "sns",
        "secretsmanager",
        "rolesanywhere",
        "s3control",
    ] {
        assert_eq!(
            snap["coverage"][format!("{svc}/us-east-1")]["status"],
            "complete",
            "{svc}"
        );
    }
    assert_eq!(
        snap["coverage"]["organizations/global"]["status"],
        "complete"
    );

    let key = attrs(&snap, "kms.key", &made["key_open"]);
    assert_eq!(key["aliases"], json!(["alias/open"]));
    assert_eq!(key["metadata"]["state"], "Enabled");
    assert_eq!(key["rotation"]["enabled"], true);
    assert_eq!(key["policy"]["Statement"][1]["Principal"], "*");
    assert_eq!(
        attrs(&snap, "kms.key", &made["key_unrotated"])["rotation"]["enabled"],
        false
    );
    assert_eq!(
        attrs(&snap, "kms.key", &made["key_signing"])["rotation"],
        Value::Null
    );

    let q = &attrs(&snap, "sqs.queue", &made["queue_foreign"])["settings"];
    assert_eq!(
        q["policy"]["Statement"][1]["Principal"]["AWS"],
        json!(["arn:aws:iam::999988887777:root"])
    );
    let t = attrs(&snap, "sns.topic", &made["topic_exfil"]);
    assert_eq!(t["settings"]["policy"]["Id"], "__default_policy_ID");
    let endpoints: Vec<&str> = t["subscriptions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["endpoint"].as_str().unwrap())
        .collect();
    assert_eq!(endpoints.len(), 2, "{t:#}");
    assert!(endpoints.contains(&"arn:aws:sqs:us-east-1:999988887777:exfil"));
    let s = attrs(&snap, "secretsmanager.secret", &json!("app/plain"));
    assert_eq!(s["policy"], Value::Null);
    assert_eq!(s["rotation"]["enabled"], false);
    assert!(s["last_changed"].is_string());

    let rogue = attrs(&snap, "rolesanywhere.trust_anchor", &made["anchor_rogue"]);
    assert_eq!(rogue["ca"], made["anchor_rogue_fingerprint"]);
    assert_eq!(rogue["source_type"], "CERTIFICATE_BUNDLE");
    let profile = attrs(&snap, "rolesanywhere.profile", &made["profile"]);
    assert_eq!(profile["duration_seconds"], 3600);
    assert_eq!(profile["role_arns"].as_array().unwrap().len(), 1);
    let ap = attrs(
        &snap,
        "s3control.access_point",
        &made["access_point_public"],
    );
    assert_eq!(ap["bucket"], format!("dw-{}-reports", acct.id));
    assert_eq!(ap["network_origin"], "Internet");
    assert_eq!(ap["policy"]["Statement"][0]["Principal"], "*");
    assert_eq!(ap["public_access_block"]["restrict_public_buckets"], false);
    let org = attrs(&snap, "organizations.membership", &json!("account"));
    assert_eq!(org["organization_id"], Value::Null);

    let picked = |f: &Value| {
        let c = f["check"].as_str().unwrap();
        PREFIXES.iter().any(|p| c.starts_with(p)) || c == "S3013"
    };
    assert_eq!(acct.findings(dir.path(), &EAST, picked), expected(&made));

    let (base, logs, did) =
        acct.change_after_baseline(dir.path(), &EAST, "policies_change.py", &made);
    let r = acct.scan_with_trail(&base, &logs, &EAST);
    assert!(!r.to_string().contains(secret));
    acct.assert_mallory_did(&r, &did);
    let m = change_for(&r, "organizations.membership/global/account");
    assert_eq!(m["events"][0]["name"], "CreateOrganization", "{m:#}");
}

/// ORG001 judges membership only when `[checks] organization_id` is set:
/// an account in another organization, or in none, is reported.
#[test]
fn an_account_outside_the_expected_organization_is_reported() {
    let acct = Account::new();
    let dir = tempdir();
    let cfg = dir.path().join("org.toml");
    let judge = |expected: Option<&str>| {
        let text = expected.map_or(String::new(), |o| {
            format!("[checks]\norganization_id = {o:?}\n")
        });
        std::fs::write(&cfg, text).unwrap();
        let out = run(acct
            .driftwatch()
            .args(["check", "--quiet", "--format", "json", "--config"])
            .arg(&cfg)
            .args(EAST));
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["check"] == "ORG001")
            .map(|f| f["evidence"][0].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(judge(None), Vec::<String>::new());
    assert_eq!(judge(Some("o-expected123")), ["no organization"]);
    let org = acct.seed("organization.py", &[]);
    let org = org.as_str().unwrap();
    assert_eq!(judge(Some(org)), Vec::<String>::new());
    assert_eq!(
        judge(Some("o-expected123")),
        [format!("organization {org}")]
    );
}
