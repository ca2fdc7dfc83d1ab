//! The ledger through the report builder: every record lands in exactly one
//! count, writes outside the snapshot are grouped and judged, and a call
//! whose effect the snapshot does not hold is never "changed and changed
//! back".

use serde_json::{json, Value};

use super::{build_report, CheckPlan, TrailInput};
use crate::attribution::Verdict;
use crate::baseline::Baseline;
use crate::config::Config;
use crate::model::{Coverage, Resource, Snapshot, GLOBAL};
use crate::trail::source::{parse_log, ReadOutcome};

const ACCOUNT: &str = "111122223333";
const MALLORY: &str = "arn:aws:iam::111122223333:user/mallory";

fn snap(taken: &str, users: &[(&str, &[&str])]) -> Snapshot {
    let mut s = Snapshot::new(ACCOUNT, taken);
    s.coverage
        .insert(format!("iam/{GLOBAL}"), Coverage::complete("iam", GLOBAL));
    for (name, policies) in users {
        s.insert(Resource::new(
            "iam.user",
            GLOBAL,
            *name,
            None,
            &json!({"user_id": format!("AID{name}"), "path": "/", "attached_policies": policies}),
        ));
    }
    s
}

fn rec(id: &str, name: &str, source: &str, time: &str, extra: Value) -> Value {
    let mut r = json!({
        "eventVersion": "1.09", "eventID": id, "eventName": name,
        "eventSource": source, "eventTime": time, "awsRegion": "us-east-1",
        "eventType": "AwsApiCall", "readOnly": false, "managementEvent": true,
        "sourceIPAddress": "203.0.113.7",
        "userIdentity": {"type": "IAMUser", "arn": MALLORY, "accountId": ACCOUNT, "userName": "mallory"},
    });
    if let (Value::Object(r), Value::Object(e)) = (&mut r, extra) {
        r.extend(e);
    }
    r
}

fn log() -> Vec<Value> {
    let iam = "iam.amazonaws.com";
    let t = |m: u32| format!("2026-11-27T10:{m:02}:00Z");
    let stop = rec(
        "e-stop",
        "StopLogging",
        "cloudtrail.amazonaws.com",
        &t(5),
        json!({"requestParameters": {"name": "arn:aws:cloudtrail:us-east-1:111122223333:trail/main"}}),
    );
    vec![
        // Explains bob's new policy.
        rec(
            "e-attach",
            "AttachUserPolicy",
            iam,
            &t(1),
            json!({"requestParameters": {"userName": "bob", "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}}),
        ),
        // Tagged and untagged: changed and changed back.
        rec(
            "e-tag",
            "TagUser",
            iam,
            &t(2),
            json!({"requestParameters": {"userName": "carol"}}),
        ),
        rec(
            "e-untag",
            "UntagUser",
            iam,
            &t(3),
            json!({"requestParameters": {"userName": "carol"}}),
        ),
        // A password the snapshot does not hold: not "changed back".
        rec(
            "e-pass",
            "UpdateLoginProfile",
            iam,
            &t(4),
            json!({"requestParameters": {"userName": "alice"}}),
        ),
        stop.clone(),
        // The same record in a second file.
        stop,
        // AWS itself, authorized by a built-in rule.
        rec(
            "e-gd",
            "CreateServiceLinkedRole",
            iam,
            &t(6),
            json!({
            "userIdentity": {"type": "AWSService", "invokedBy": "guardduty.amazonaws.com"},
            "requestParameters": {"aWSServiceName": "guardduty.amazonaws.com"}}),
        ),
        rec(
            "e-read",
            "DescribeTrails",
            "cloudtrail.amazonaws.com",
            &t(7),
            json!({"readOnly": true}),
        ),
        rec(
            "e-denied",
            "DeleteTrail",
            "cloudtrail.amazonaws.com",
            &t(8),
            json!({"errorCode": "AccessDenied"}),
        ),
        rec(
            "e-old",
            "StopLogging",
            "cloudtrail.amazonaws.com",
            "2026-11-20T00:00:00Z",
            json!({}),
        ),
        rec(
            "e-data",
            "PutObject",
            "s3.amazonaws.com",
            &t(9),
            json!({"managementEvent": false, "eventCategory": "Data"}),
        ),
        rec(
            "e-login",
            "ConsoleLogin",
            "signin.amazonaws.com",
            &t(10),
            json!({"eventType": "AwsConsoleSignIn"}),
        ),
        json!({"eventName": "NoTime"}),
    ]
}

fn report() -> crate::report::Report {
    let base = Baseline::new(snap(
        "2026-11-27T09:00:00Z",
        &[("alice", &[]), ("bob", &[]), ("carol", &[])],
    ));
    let current = snap(
        "2026-11-27T11:00:00Z",
        &[
            ("alice", &[]),
            ("bob", &["arn:aws:iam::aws:policy/AdministratorAccess"]),
            ("carol", &[]),
        ],
    );
    let window = super::window(&base, &current);
    let records = log();
    let (one, two) = records.split_at(6);
    let mut outcome = ReadOutcome::default();
    for (i, part) in [one, two].into_iter().enumerate() {
        let bytes = json!({ "Records": part }).to_string();
        outcome.add(format!("f{i}.json"), parse_log(bytes.as_bytes(), &window));
    }
    outcome.dedup_writes();
    let read = crate::aws::cloudtrail::TrailRead {
        outcome,
        sources: vec!["test".into()],
        ..Default::default()
    };
    let trail = TrailInput::from_read(read, &window);
    report_with(&base, &current, &Config::default(), &trail)
}

fn report_with(
    base: &Baseline,
    current: &Snapshot,
    config: &Config,
    trail: &TrailInput,
) -> crate::report::Report {
    let now = "2026-11-27T11:00:00Z".parse().unwrap();
    build_report(
        base,
        None,
        current,
        config,
        CheckPlan::NONE,
        Some(trail),
        None,
        now,
    )
    .unwrap()
}

#[test]
fn every_record_is_counted_once() {
    let r = report();
    let l = &r.cloudtrail.as_ref().unwrap().ledger;
    assert!(l.balanced(), "{l:?}");
    assert_eq!(l.read, 13);
    assert_eq!((l.explained, l.transient), (1, 2), "{l:?}");
    // StopLogging, the password change, the service's role.
    assert_eq!(l.outside, 3, "{l:?}");
    assert_eq!((l.read_only, l.failed), (1, 1));
    let k = &l.skipped;
    assert_eq!(
        (
            k.outside_window,
            k.data_events,
            k.sign_ins,
            k.unusable,
            k.duplicates
        ),
        (1, 1, 1, 1, 1)
    );
}

#[test]
fn writes_outside_are_grouped_and_judged() {
    let r = report();
    let by_name = |n: &str| r.writes.iter().find(|w| w.event_name == n).unwrap();
    let stop = by_name("StopLogging");
    assert_eq!(stop.verdict, Verdict::Unauthorized);
    assert_eq!(stop.count, 1, "the duplicate is dropped");
    assert_eq!(stop.actor.arn.as_deref(), Some(MALLORY));
    // A watched kind, but neither snapshot holds the trail: outside.
    assert_eq!(stop.resource, "cloudtrail.trail/us-east-1/main");
    assert_eq!(stop.source_ips, ["203.0.113.7"]);
    let aws = by_name("CreateServiceLinkedRole");
    assert_eq!(aws.verdict, Verdict::Authorized);
    assert_eq!(aws.decided_by.as_deref(), Some("rule builtin:aws-service"));
    assert_eq!(r.summary.writes_unauthorized, 2);
}

#[test]
fn a_change_the_snapshot_does_not_hold_is_not_changed_back() {
    let r = report();
    let ids: Vec<&str> = r.transient.iter().map(|t| t.resource.id.as_str()).collect();
    assert_eq!(ids, ["iam.user/global/carol"]);
    let pass = r
        .writes
        .iter()
        .find(|w| w.event_name == "UpdateLoginProfile")
        .unwrap();
    assert_eq!(pass.resource, "iam.user/global/alice");
    assert_eq!(
        pass.note.as_deref(),
        Some("changed the console password, which the snapshot does not hold")
    );
    assert_eq!(pass.verdict, Verdict::Unauthorized);
    // And the change to bob is explained by its own event.
    assert_eq!(
        r.changes[0].actor.as_ref().unwrap().arn.as_deref(),
        Some(MALLORY)
    );
}

#[test]
fn builtin_service_rules_can_be_turned_off() {
    let mut config = Config::default();
    config.policy.builtin_defaults = false;
    let p = config.policy().unwrap();
    assert!(p.write_rules.is_empty() && p.rules.is_empty());
}

#[test]
fn an_allow_rule_that_authorized_nothing_is_a_warning() {
    let base = Baseline::new(snap("2026-11-27T09:00:00Z", &[]));
    let current = snap("2026-11-27T11:00:00Z", &[]);
    let window = super::window(&base, &current);
    let mut outcome = ReadOutcome::default();
    let bytes = json!({ "Records": log() }).to_string();
    outcome.add("f.json".into(), parse_log(bytes.as_bytes(), &window));
    let trail = TrailInput::from_read(
        crate::aws::cloudtrail::TrailRead {
            outcome,
            ..Default::default()
        },
        &window,
    );
    let config: Config = toml::from_str(
        r#"
[[allow]]
name = "mallory-stops-trails"
principals = ["arn:aws:iam::*:user/mallory"]
events = ["StopLogging"]

[[allow]]
name = "ci-leftover"
principals = ["arn:aws:iam::*:role/ci-deploy"]
"#,
    )
    .unwrap();
    let r = report_with(&base, &current, &config, &trail);
    let w5: Vec<&str> = r
        .warnings_of(crate::warning::WarningCode::AllowRuleUnmatched)
        .collect();
    assert_eq!(w5.len(), 1, "{w5:?}");
    assert!(w5[0].contains("ci-leftover"), "{w5:?}");
    let stop = r
        .writes
        .iter()
        .find(|w| w.event_name == "StopLogging")
        .unwrap();
    assert_eq!(
        stop.decided_by.as_deref(),
        Some("rule mallory-stops-trails")
    );
}
