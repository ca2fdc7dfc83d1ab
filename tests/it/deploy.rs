//! `deploy/driftwatch-readonly-role.yaml`, deployed into moto's
//! CloudFormation as a user would deploy it: the role it makes trusts whom it
//! was told to, with the external id when given, and holds exactly the
//! policies in `iam/` (the read-only one always; the trail's logs and the
//! organization's first hop when asked), so the template and the policy
//! files the least-privilege tests check cannot drift apart.

use crate::common::*;
use serde_json::{json, Value};

fn deploy(acct: &Account, params: Value) -> Value {
    let template = repo_root().join("deploy/driftwatch-readonly-role.yaml");
    let made = acct.seed(
        "deploy_role.py",
        &[template.to_str().unwrap(), &params.to_string()],
    );
    assert_eq!(made["status"], "CREATE_COMPLETE", "{made:#}");
    made
}

/// The statements of the attached policy whose description names `file`.
fn statements<'a>(made: &'a Value, file: &str) -> &'a Value {
    let p = made["policies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["description"].as_str().unwrap().contains(file))
        .unwrap_or_else(|| panic!("no policy from {file}: {made:#}"));
    &p["document"]["Statement"]
}

fn actions(statement: &Value) -> Vec<String> {
    let mut a: Vec<String> = match &statement["Action"] {
        Value::String(s) => vec![s.clone()],
        Value::Array(v) => v.iter().map(|x| x.as_str().unwrap().to_string()).collect(),
        other => panic!("Action {other}"),
    };
    a.sort();
    a
}

#[test]
fn the_role_template_grants_exactly_the_read_only_policy() {
    let acct = Account::new();
    let made = deploy(
        &acct,
        json!({"TrustedPrincipal": "arn:aws:iam::111122223333:role/ops"}),
    );
    assert_eq!(
        made["role_arn"],
        format!("arn:aws:iam::{}:role/driftwatch-readonly", acct.id)
    );
    let trust = &made["trust"]["Statement"][0];
    assert_eq!(
        trust["Principal"]["AWS"],
        "arn:aws:iam::111122223333:role/ops"
    );
    assert!(trust.get("Condition").is_none_or(Value::is_null), "{trust}");
    assert_eq!(made["policies"].as_array().unwrap().len(), 1, "{made:#}");
    let file: Value = serde_json::from_str(
        &std::fs::read_to_string(repo_root().join("iam/driftwatch-readonly.json")).unwrap(),
    )
    .unwrap();
    let deployed = statements(&made, "driftwatch-readonly.json");
    let want = file["Statement"].as_array().unwrap();
    assert_eq!(deployed.as_array().unwrap().len(), want.len());
    for (got, want) in deployed.as_array().unwrap().iter().zip(want) {
        assert_eq!(got["Sid"], want["Sid"]);
        assert_eq!(actions(got), actions(want), "{}", want["Sid"]);
        assert_eq!(got["Resource"], "*");
    }
}

#[test]
fn the_variants_add_the_trail_and_organization_policies_and_the_external_id() {
    let acct = Account::new();
    let made = deploy(
        &acct,
        json!({
            "TrustedPrincipal": "arn:aws:iam::111122223333:root",
            "ExternalId": "x7-audit",
            "RoleName": "audit",
            "TrailBucket": "org-trail-logs",
            "TrailKmsKeyArn": "arn:aws:kms:us-east-1:111122223333:key/trail",
            "OrganizationReader": "true",
            "MemberRoleName": "audit",
        }),
    );
    let trust = &made["trust"]["Statement"][0];
    assert_eq!(
        trust["Condition"]["StringEquals"]["sts:ExternalId"],
        "x7-audit"
    );
    assert_eq!(made["policies"].as_array().unwrap().len(), 4, "{made:#}");
    let logs = statements(&made, "reads a trail's log files");
    assert_eq!(
        actions(&logs[0]),
        ["s3:GetObject", "s3:ListBucket"],
        "{logs:#}"
    );
    assert_eq!(
        logs[0]["Resource"],
        json!([
            "arn:aws:s3:::org-trail-logs",
            "arn:aws:s3:::org-trail-logs/AWSLogs/*"
        ])
    );
    let key = statements(&made, "decrypts a trail's log files");
    assert_eq!(key[0]["Action"], "kms:Decrypt");
    assert_eq!(
        key[0]["Resource"],
        "arn:aws:kms:us-east-1:111122223333:key/trail"
    );
    let org = statements(&made, "driftwatch-organization.json");
    let file: Value = serde_json::from_str(
        &std::fs::read_to_string(repo_root().join("iam/driftwatch-organization.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(actions(&org[0]), actions(&file["Statement"][0]));
    assert_eq!(org[1]["Action"], "sts:AssumeRole");
    assert_eq!(org[1]["Resource"], "arn:aws:iam::*:role/audit");
}
