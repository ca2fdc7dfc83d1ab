use serde_json::json;

use super::*;
use crate::model::{Coverage, Resource, Snapshot, GLOBAL};

fn snap(resources: Vec<Resource>) -> Snapshot {
    let mut s = Snapshot::new("111122223333", "2026-01-01T00:00:00Z");
    s.kinds_read = Some(
        crate::kinds::names()
            .into_iter()
            .map(String::from)
            .collect(),
    );
    for svc in ["ec2", "s3", "iam", "route53"] {
        for region in [GLOBAL, "us-east-1"] {
            s.coverage.insert(
                crate::model::coverage_key(svc, region),
                Coverage::complete(svc, region),
            );
        }
    }
    for r in resources {
        s.insert(r);
    }
    s
}

fn sg(id: &str, ingress: serde_json::Value) -> Resource {
    Resource::new(
        "ec2.security_group",
        "us-east-1",
        id,
        None,
        &json!({"name": "web", "ingress": ingress, "egress": []}),
    )
}

fn rule(port: i32, cidr: &str) -> serde_json::Value {
    json!({"protocol": "tcp", "from_port": port, "to_port": port, "source": {"cidr_v4": cidr}})
}

#[test]
fn identical_snapshots_have_no_changes() {
    let a = snap(vec![sg("sg-1", json!([rule(443, "0.0.0.0/0")]))]);
    let d = diff(&a, &a.clone(), &DiffOptions::default());
    assert!(d.changes.is_empty());
    assert!(d.not_compared.is_empty());
}

#[test]
fn rules_diff_as_sets_not_positions() {
    let a = snap(vec![sg(
        "sg-1",
        json!([rule(443, "0.0.0.0/0"), rule(80, "0.0.0.0/0")]),
    )]);
    // Same rules in another order, plus SSH to the world.
    let b = snap(vec![sg(
        "sg-1",
        json!([
            rule(22, "0.0.0.0/0"),
            rule(80, "0.0.0.0/0"),
            rule(443, "0.0.0.0/0")
        ]),
    )]);
    let d = diff(&a, &b, &DiffOptions::default());
    assert_eq!(d.changes.len(), 1);
    let c = &d.changes[0];
    assert_eq!(c.change, ChangeKind::Modified);
    assert_eq!(c.fields.len(), 1);
    assert_eq!(c.fields[0].path, "ingress[+]");
    assert_eq!(c.fields[0].short(), "ingress[+] tcp 22 0.0.0.0/0");
}

#[test]
fn scalar_changes_have_before_and_after_and_ignores_apply() {
    let inst = |state: &str, launch: &str| {
        Resource::new(
            "ec2.instance",
            "us-east-1",
            "i-1",
            None,
            &json!({"state": state, "launch_time": launch, "tags": {"a": "1"}}),
        )
    };
    let a = snap(vec![inst("running", "t1")]);
    let b = snap(vec![inst("stopped", "t2")]);
    let d = diff(&a, &b, &DiffOptions::default());
    assert_eq!(
        d.changes[0].fields.len(),
        1,
        "launch_time is ignored by default"
    );
    assert_eq!(d.changes[0].fields[0].short(), "state: running → stopped");
    let quiet = DiffOptions::new(vec![
        "ec2.instance:state".into(),
        "ec2.instance:launch_time".into(),
    ])
    .unwrap();
    assert!(diff(&a, &b, &quiet).changes.is_empty());
    assert!(DiffOptions::new(vec!["no-colon".into()]).is_err());
}

#[test]
fn added_and_removed_resources_with_stable_ids() {
    let a = snap(vec![sg("sg-1", json!([]))]);
    let b = snap(vec![sg("sg-2", json!([]))]);
    let d = diff(&a, &b, &DiffOptions::default());
    let kinds: Vec<_> = d
        .changes
        .iter()
        .map(|c| (c.resource.native_id.as_str(), c.change))
        .collect();
    assert_eq!(
        kinds,
        [("sg-1", ChangeKind::Removed), ("sg-2", ChangeKind::Added)]
    );
    let again = diff(&a, &b, &DiffOptions::default());
    assert_eq!(d.changes[0].id, again.changes[0].id);
    assert!(d.changes[0].id.starts_with("c-") && d.changes[0].id.len() == 14);
    assert_ne!(d.changes[0].id, d.changes[1].id);
}

#[test]
fn change_id_depends_on_new_value() {
    let a = snap(vec![sg("sg-1", json!([]))]);
    let b1 = snap(vec![sg("sg-1", json!([rule(22, "0.0.0.0/0")]))]);
    let b2 = snap(vec![sg("sg-1", json!([rule(3389, "0.0.0.0/0")]))]);
    let o = DiffOptions::default();
    assert_ne!(
        diff(&a, &b1, &o).changes[0].id,
        diff(&a, &b2, &o).changes[0].id
    );
}

#[test]
fn incomplete_coverage_never_reports_removal() {
    let a = snap(vec![
        Resource::new("s3.bucket", GLOBAL, "b1", None, &json!({})),
        sg("sg-1", json!([])),
    ]);
    let mut b = snap(vec![sg("sg-1", json!([]))]);
    let cov = b.coverage.get_mut("s3/global").unwrap();
    cov.status = crate::model::CoverageStatus::Denied;
    cov.error_code = Some("AccessDenied".into());
    let d = diff(&a, &b, &DiffOptions::default());
    assert!(d.changes.is_empty(), "{:?}", d.changes);
    assert_eq!(d.not_compared.len(), 1);
    assert_eq!(d.not_compared[0].scope, "s3/global");
    assert!(d.not_compared[0]
        .reason
        .contains("denied in the current snapshot (AccessDenied)"));
    // A region scanned only in one snapshot is not compared either.
    let mut c = snap(vec![]);
    c.coverage.remove("ec2/us-east-1");
    let d = diff(&a, &c, &DiffOptions::default());
    assert!(d
        .changes
        .iter()
        .all(|ch| ch.resource.kind != "ec2.security_group"));
    assert!(d.not_compared.iter().any(|n| n.scope == "ec2/us-east-1"));
}

#[test]
fn unknown_values_are_not_compared() {
    let b1 = Resource::new(
        "s3.bucket",
        GLOBAL,
        "b1",
        None,
        &json!({"policy": null, "acl": {"grants": []}}),
    );
    let b2 = Resource::new(
        "s3.bucket",
        GLOBAL,
        "b1",
        None,
        &json!({"policy": {"$unknown": "AccessDenied"}, "acl": {"grants": []}}),
    );
    let d = diff(&snap(vec![b1]), &snap(vec![b2]), &DiffOptions::default());
    assert!(d.changes.is_empty());
    assert_eq!(d.not_compared[0].scope, "s3.bucket/global/b1:policy");
}

#[test]
fn policy_statement_changes_are_set_elements() {
    let pol = |action: &str| {
        Resource::new(
            "s3.bucket",
            GLOBAL,
            "b1",
            None,
            &json!({"policy": {"Statement": [{"Effect": "Allow", "Action": [action], "Principal": "*"}]}}),
        )
    };
    let d = diff(
        &snap(vec![pol("s3:GetObject")]),
        &snap(vec![pol("s3:*")]),
        &DiffOptions::default(),
    );
    let paths: Vec<&str> = d.changes[0]
        .fields
        .iter()
        .map(|f| f.path.as_str())
        .collect();
    assert_eq!(paths, ["policy.Statement[-]", "policy.Statement[+]"]);
}

#[test]
fn ids_across_accounts_never_collide() {
    let o = DiffOptions::default();
    let change_in = |account: &str| {
        let mut a = snap(vec![sg("sg-1", json!([]))]);
        let mut b = snap(vec![sg("sg-1", json!([rule(22, "0.0.0.0/0")]))]);
        a.account = account.into();
        b.account = account.into();
        diff(&a, &b, &o).changes[0].id.clone()
    };
    assert_ne!(change_in("111122223333"), change_in("444455556666"));
    assert_eq!(change_in("111122223333"), change_in("111122223333"));
    assert_ne!(
        crate::checks::finding_id("111122223333", "SG002", "ec2.security_group/us-east-1/sg-1"),
        crate::checks::finding_id("444455556666", "SG002", "ec2.security_group/us-east-1/sg-1")
    );
}

#[test]
fn a_field_the_baseline_predates_is_not_compared_not_changed() {
    let old = Resource::new("s3.bucket", GLOBAL, "b1", None, &json!({"policy": null}));
    let new = Resource::new(
        "s3.bucket",
        GLOBAL,
        "b1",
        None,
        &json!({"policy": null, "logging": {"target_bucket": "logs"}, "versioning": null}),
    );
    let d = diff(&snap(vec![old]), &snap(vec![new]), &DiffOptions::default());
    assert!(d.changes.is_empty(), "{:?}", d.changes);
    let scopes: Vec<&str> = d.not_compared.iter().map(|n| n.scope.as_str()).collect();
    assert_eq!(
        scopes,
        [
            "s3.bucket/global/b1:logging",
            "s3.bucket/global/b1:versioning"
        ]
    );
}

fn snapshot_res(id: &str) -> Resource {
    Resource::new(
        "ec2.snapshot",
        "us-east-1",
        id,
        None,
        &json!({"encrypted": false}),
    )
}

#[test]
fn a_kind_the_baseline_did_not_read_is_not_added_wholesale() {
    let all: Vec<String> = crate::kinds::names()
        .into_iter()
        .map(String::from)
        .collect();
    let mut old = snap(vec![sg("sg-1", json!([]))]);
    old.kinds_read = Some(
        all.iter()
            .filter(|k| *k != "ec2.snapshot")
            .cloned()
            .collect(),
    );
    let mut new = snap(vec![sg("sg-1", json!([])), snapshot_res("snap-1")]);
    new.kinds_read = Some(all.clone());
    let d = diff(&old, &new, &DiffOptions::default());
    assert!(d.changes.is_empty(), "{:?}", d.changes);
    assert_eq!(d.not_compared.len(), 1);
    assert_eq!(d.not_compared[0].scope, "ec2.snapshot");
    assert!(d.not_compared[0].reason.contains("save the baseline again"));

    // A baseline that does not say which kinds it read (an older version)
    // and holds none of this kind: not compared either.
    old.kinds_read = None;
    let d = diff(&old, &new, &DiffOptions::default());
    assert!(d.changes.is_empty(), "{:?}", d.changes);
    assert_eq!(d.not_compared[0].scope, "ec2.snapshot");

    // Both read it: the new snapshot is an addition.
    old.kinds_read = Some(all);
    let d = diff(&old, &new, &DiffOptions::default());
    assert_eq!(d.changes.len(), 1);
    assert_eq!(d.changes[0].change, ChangeKind::Added);
    assert!(d.not_compared.is_empty());
}

#[test]
fn a_password_change_is_a_change_and_a_sign_in_is_not() {
    let user = |changed: &str, used: &str| {
        Resource::new(
            "iam.user",
            GLOBAL,
            "alice",
            None,
            &json!({"credentials": {"password_enabled": true, "password_last_changed": changed,
                "password_last_used": used, "access_key_1": {"active": true, "last_used": used}}}),
        )
    };
    let a = snap(vec![user("2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z")]);
    let signed_in = snap(vec![user("2026-01-01T00:00:00Z", "2026-03-01T00:00:00Z")]);
    assert!(diff(&a, &signed_in, &DiffOptions::default())
        .changes
        .is_empty());
    let reset = snap(vec![user("2026-03-01T00:00:00Z", "2026-03-01T00:00:00Z")]);
    let d = diff(&a, &reset, &DiffOptions::default());
    let paths: Vec<&str> = d.changes[0]
        .fields
        .iter()
        .map(|f| f.path.as_str())
        .collect();
    assert_eq!(paths, ["credentials.password_last_changed"]);
}
