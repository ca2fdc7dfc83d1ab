use std::collections::BTreeSet;

use serde_json::json;

use super::policy::{AllowRule, Policy};
use super::*;
use crate::diff::{diff, DiffOptions};
use crate::model::{Coverage, Resource, GLOBAL};
use crate::trail::parse_record;

fn snap(taken: &str, resources: Vec<Resource>) -> Snapshot {
    let mut s = Snapshot::new("111122223333", taken);
    for (svc, region) in [("ec2", "us-east-1"), ("iam", GLOBAL)] {
        s.coverage
            .insert(format!("{svc}/{region}"), Coverage::complete(svc, region));
    }
    for r in resources {
        s.insert(r);
    }
    s
}

fn sg(ports: &[i64]) -> Resource {
    let rules: Vec<_> = ports
        .iter()
        .map(|p| json!({"protocol": "tcp", "from_port": p, "to_port": p, "source": {"cidr_v4": "0.0.0.0/0"}}))
        .collect();
    Resource::new(
        "ec2.security_group",
        "us-east-1",
        "sg-1",
        None,
        &json!({"name": "web", "ingress": rules, "egress": [], "tags": {"env": "prod"}}),
    )
}

fn event(name: &str, time: &str, arn: &str, req: serde_json::Value) -> Event {
    let role = arn.split('/').nth(1).unwrap_or("x");
    parse_record(json!({
        "eventName": name, "eventTime": time, "awsRegion": "us-east-1", "eventType": "AwsApiCall",
        "eventID": format!("{name}-{time}"),
        "userIdentity": {"type": "AssumedRole", "arn": arn,
            "sessionContext": {"sessionIssuer": {"arn": format!("arn:aws:iam::111122223333:role/{role}")}}},
        "requestParameters": req
    }))
    .unwrap()
    .unwrap()
}

fn ci_policy() -> Policy {
    let rule = AllowRule {
        name: "ci".into(),
        principals: vec!["arn:aws:iam::*:role/ci-deploy".into()],
        identity_types: vec![],
        sessions: vec![],
        source_identities: vec![],
        events: vec!["Authorize*".into(), "Revoke*".into()],
        kinds: vec!["ec2.security_group".into()],
        resources: vec![],
        tags: [("env".to_string(), "prod".to_string())].into(),
        days: vec![],
        hours: None,
        autoscaling_group_in_baseline: false,
    };
    Policy::new(&[rule], true).unwrap()
}

fn judge_one(base: &Snapshot, cur: &Snapshot, events: Vec<Event>, policy: &Policy) -> Attributed {
    let d = diff(base, cur, &DiffOptions::default());
    assert_eq!(d.changes.len(), 1);
    let idx = EventIndex::new(events);
    let ev = Evidence {
        baseline: base,
        current: cur,
        approvals: &[],
        policy,
        events: Some(&idx),
        now: "2026-11-28T00:00:00Z".parse().unwrap(),
    };
    judge(&d.changes[0], &ev)
}

#[test]
fn ci_role_changes_are_authorized_others_are_not() {
    let base = snap("2026-11-27T00:00:00Z", vec![sg(&[443])]);
    let cur = snap("2026-11-28T00:00:00Z", vec![sg(&[443, 22])]);
    let req = json!({"groupId": "sg-1"});
    let ci = event(
        "AuthorizeSecurityGroupIngress",
        "2026-11-27T10:00:00Z",
        "arn:aws:sts::111122223333:assumed-role/ci-deploy/run-7",
        req.clone(),
    );
    let a = judge_one(&base, &cur, vec![ci], &ci_policy());
    assert_eq!(a.judgement.verdict, Verdict::Authorized);
    assert_eq!(a.judgement.decided_by.as_deref(), Some("rule ci"));
    assert_eq!(a.attribution, Some(Attribution::Attributed));
    assert_eq!(a.actor.unwrap().session_name.as_deref(), Some("run-7"));

    let admin = event(
        "AuthorizeSecurityGroupIngress",
        "2026-11-27T10:00:00Z",
        "arn:aws:sts::111122223333:assumed-role/admin/alice",
        req.clone(),
    );
    let a = judge_one(&base, &cur, vec![admin], &ci_policy());
    assert_eq!(a.judgement.verdict, Verdict::Unauthorized);
    // The actor is named once, above the note: the note does not repeat it.
    assert_eq!(a.judgement.notes, ["no [[allow]] rule covers it"]);
    assert!(a
        .actor
        .unwrap()
        .display()
        .contains("assumed-role/admin/alice"));
    // With another caller behind it too, the note names the other.
    let ops = event(
        "AuthorizeSecurityGroupIngress",
        "2026-11-27T09:00:00Z",
        "arn:aws:sts::111122223333:assumed-role/ops/bob",
        req.clone(),
    );
    let later = event(
        "AuthorizeSecurityGroupIngress",
        "2026-11-27T10:00:00Z",
        "arn:aws:sts::111122223333:assumed-role/admin/alice",
        req,
    );
    let a = judge_one(&base, &cur, vec![ops, later], &ci_policy());
    assert_eq!(
        a.judgement.notes,
        ["no [[allow]] rule covers every event behind it (also by arn:aws:sts::111122223333:assumed-role/ops/bob)"]
    );

    let a = judge_one(&base, &cur, vec![], &ci_policy());
    assert_eq!(a.judgement.verdict, Verdict::Unauthorized);
    assert_eq!(a.attribution, Some(Attribution::Unattributed));
    assert!(a.judgement.notes[0].contains("no CloudTrail event explains"));
}

#[test]
fn failed_calls_never_explain_a_change() {
    let base = snap("2026-11-27T00:00:00Z", vec![sg(&[443])]);
    let cur = snap("2026-11-28T00:00:00Z", vec![sg(&[443, 22])]);
    let mut e = event(
        "AuthorizeSecurityGroupIngress",
        "2026-11-27T10:00:00Z",
        "arn:aws:sts::1:assumed-role/ci-deploy/x",
        json!({"groupId": "sg-1"}),
    );
    e.error_code = Some("Client.UnauthorizedOperation".into());
    let a = judge_one(&base, &cur, vec![e], &ci_policy());
    assert_eq!(a.judgement.verdict, Verdict::Unauthorized);
    assert_eq!(a.attribution, Some(Attribution::Unattributed));
    assert_eq!(a.events.len(), 1, "kept as context");
}

#[test]
fn time_windows_and_tags_restrict_rules() {
    let base = snap("2026-11-27T00:00:00Z", vec![sg(&[443])]);
    let cur = snap("2026-11-28T00:00:00Z", vec![sg(&[443, 22])]);
    let mut rule = AllowRule {
        name: "office-hours".into(),
        principals: vec!["*".into()],
        identity_types: vec![],
        sessions: vec![],
        source_identities: vec![],
        events: vec![],
        kinds: vec![],
        resources: vec!["ec2.security_group/us-east-1/*".into()],
        tags: Default::default(),
        days: vec![
            "mon".into(),
            "tue".into(),
            "wed".into(),
            "thu".into(),
            "fri".into(),
        ],
        hours: Some("08:00-18:00".into()),
        autoscaling_group_in_baseline: false,
    };
    let p = Policy::new(&[rule.clone()], false).unwrap();
    // 2026-11-27 is a Friday.
    let at = |t: &str| {
        event(
            "AuthorizeSecurityGroupIngress",
            t,
            "arn:aws:iam::1:user/bob",
            json!({"groupId": "sg-1"}),
        )
    };
    assert_eq!(
        judge_one(&base, &cur, vec![at("2026-11-27T10:00:00Z")], &p)
            .judgement
            .verdict,
        Verdict::Authorized
    );
    assert_eq!(
        judge_one(&base, &cur, vec![at("2026-11-27T02:00:00Z")], &p)
            .judgement
            .verdict,
        Verdict::Unauthorized
    );
    assert_eq!(
        judge_one(&base, &cur, vec![at("2026-11-28T10:00:00Z")], &p)
            .judgement
            .verdict,
        Verdict::Unauthorized
    );
    rule.tags = [("env".to_string(), "dev".to_string())].into();
    let p = Policy::new(&[rule], false).unwrap();
    assert_eq!(
        judge_one(&base, &cur, vec![at("2026-11-27T10:00:00Z")], &p)
            .judgement
            .verdict,
        Verdict::Unauthorized
    );
    assert!(Policy::new(
        &[AllowRule {
            hours: Some("late".into()),
            ..ci_rule_named("x")
        }],
        false
    )
    .is_err());
}

fn ci_rule_named(n: &str) -> AllowRule {
    AllowRule {
        name: n.into(),
        principals: vec![],
        identity_types: vec![],
        sessions: vec![],
        source_identities: vec![],
        events: vec![],
        kinds: vec![],
        resources: vec![],
        tags: Default::default(),
        days: vec![],
        hours: None,
        autoscaling_group_in_baseline: false,
    }
}

#[test]
fn autoscaling_launches_for_a_known_group_are_authorized_by_default() {
    let inst = |id: &str, group: &str| {
        Resource::new(
            "ec2.instance",
            "us-east-1",
            id,
            None,
            &json!({"state": "running", "tags": {"aws:autoscaling:groupName": group}}),
        )
    };
    let base = snap("2026-11-27T00:00:00Z", vec![inst("i-1", "web-asg")]);
    let asg = |id: &str| {
        parse_record(json!({"eventName": "RunInstances", "eventTime": "2026-11-27T10:00:00Z", "awsRegion": "us-east-1",
            "eventID": id,
            "userIdentity": {"type": "AssumedRole", "arn": "arn:aws:sts::1:assumed-role/AWSServiceRoleForAutoScaling/AutoScaling",
                "invokedBy": "autoscaling.amazonaws.com"},
            "responseElements": {"instancesSet": {"items": [{"instanceId": id}]}}}))
        .unwrap()
        .unwrap()
    };
    let p = Policy::new(&[], true).unwrap();
    let cur = snap(
        "2026-11-28T00:00:00Z",
        vec![inst("i-1", "web-asg"), inst("i-2", "web-asg")],
    );
    let a = judge_one(&base, &cur, vec![asg("i-2")], &p);
    assert_eq!(a.judgement.verdict, Verdict::Authorized);
    assert_eq!(
        a.judgement.decided_by.as_deref(),
        Some("rule builtin:aws-autoscaling")
    );
    // A group the baseline never had is not covered.
    let cur = snap(
        "2026-11-28T00:00:00Z",
        vec![inst("i-1", "web-asg"), inst("i-3", "rogue-asg")],
    );
    assert_eq!(
        judge_one(&base, &cur, vec![asg("i-3")], &p)
            .judgement
            .verdict,
        Verdict::Unauthorized
    );
}

#[test]
fn opened_then_closed_port_is_transient() {
    let base = snap("2026-11-27T00:00:00Z", vec![sg(&[443])]);
    let cur = snap("2026-11-28T00:00:00Z", vec![sg(&[443])]);
    let who = "arn:aws:sts::111122223333:assumed-role/admin/mallory";
    let events = vec![
        event(
            "AuthorizeSecurityGroupIngress",
            "2026-11-27T02:00:00Z",
            who,
            json!({"groupId": "sg-1"}),
        ),
        event(
            "RevokeSecurityGroupIngress",
            "2026-11-27T02:20:00Z",
            who,
            json!({"groupId": "sg-1"}),
        ),
        event(
            "CreateUser",
            "2026-11-27T03:00:00Z",
            who,
            json!({"userName": "tmp"}),
        ),
        event(
            "DeleteUser",
            "2026-11-27T03:05:00Z",
            who,
            json!({"userName": "tmp"}),
        ),
    ];
    let idx = EventIndex::new(events);
    let p = ci_policy();
    let ev = Evidence {
        baseline: &base,
        current: &cur,
        approvals: &[],
        policy: &p,
        events: Some(&idx),
        now: "2026-11-28T00:00:00Z".parse().unwrap(),
    };
    let t = transient(&BTreeSet::new(), &ev);
    let ids: Vec<&str> = t.iter().map(|t| t.resource.id.as_str()).collect();
    assert_eq!(
        ids,
        ["ec2.security_group/us-east-1/sg-1", "iam.user/global/tmp"]
    );
    assert!(t
        .iter()
        .all(|t| t.attributed.judgement.verdict == Verdict::Unauthorized));
    assert_eq!(t[0].attributed.events.len(), 2);
    assert_eq!(
        t[0].attributed.actor.as_ref().unwrap().arn.as_deref(),
        Some(who)
    );
    // A resource that did change is not transient.
    let changed: BTreeSet<String> = ["ec2.security_group/us-east-1/sg-1".to_string()].into();
    assert_eq!(transient(&changed, &ev).len(), 1);
}
