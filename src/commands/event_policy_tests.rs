//! Event findings through the report builder, judged by `[[allow]]`: a
//! finding whose every record a rule authorizes is reported as authorized
//! and fails nothing; a check that ignores the policy fires whoever called;
//! a rule used only by event findings is not "unmatched" (W005).

use serde_json::{json, Value};

use super::{build_report, event_runner, CheckPlan, TrailInput};
use crate::baseline::Baseline;
use crate::config::Config;
use crate::model::{Coverage, Resource, Snapshot};
use crate::trail::source::{parse_log_with, ReadOutcome};

const ACCOUNT: &str = "111122223333";
const CI: &str = "arn:aws:sts::111122223333:assumed-role/ci-deploy/run-7";
const EVE: &str = "arn:aws:sts::111122223333:assumed-role/dev/eve";

fn state(taken: &str) -> Snapshot {
    let mut s = Snapshot::new(ACCOUNT, taken);
    s.coverage.insert(
        "lambda/us-east-1".into(),
        Coverage::complete("lambda", "us-east-1"),
    );
    for (name, tags) in [("api", json!({"deploy": "ci"})), ("web", json!({}))] {
        s.insert(Resource::new(
            "lambda.function",
            "us-east-1",
            name,
            None,
            &json!({"runtime": "python3.12", "tags": tags}),
        ));
    }
    s
}

fn rec(id: &str, name: &str, source: &str, caller: &str, req: Value) -> Value {
    let role = caller.split('/').nth(1).unwrap();
    json!({
        "eventVersion": "1.09", "eventID": id, "eventName": name, "eventSource": source,
        "eventTime": "2026-11-27T10:00:00Z", "awsRegion": "us-east-1",
        "eventType": "AwsApiCall", "readOnly": false, "managementEvent": true,
        "sourceIPAddress": "203.0.113.7",
        "userIdentity": {"type": "AssumedRole", "arn": caller, "accountId": ACCOUNT,
            "sessionContext": {"sessionIssuer": {"type": "Role",
                "arn": format!("arn:aws:iam::{ACCOUNT}:role/{role}")}}},
        "requestParameters": req,
    })
}

fn records() -> Vec<Value> {
    let lambda = "lambda.amazonaws.com";
    let code = "UpdateFunctionCode20150331v2";
    vec![
        rec("e1", code, lambda, CI, json!({"functionName": "api"})),
        rec("e2", code, lambda, CI, json!({"functionName": "api"})),
        rec("e3", code, lambda, CI, json!({"functionName": "web"})),
        rec("e4", code, lambda, EVE, json!({"functionName": "api"})),
        rec(
            "e5",
            "StopLogging",
            "cloudtrail.amazonaws.com",
            CI,
            json!({"name": "arn:aws:cloudtrail:us-east-1:111122223333:trail/main"}),
        ),
        rec(
            "e6",
            "CreateAccessKey",
            "iam.amazonaws.com",
            CI,
            json!({"userName": "carol"}),
        ),
    ]
}

/// CI may deploy the functions tagged for it, stop trails and make keys.
const POLICY: &str = r#"
[[allow]]
name = "ci-deploys"
principals = ["arn:aws:iam::*:role/ci-deploy"]
events = ["UpdateFunctionCode*"]
tags = { deploy = "ci" }

[[allow]]
name = "ci-chores"
principals = ["arn:aws:iam::*:role/ci-deploy"]
events = ["StopLogging", "CreateAccessKey"]

[[allow]]
name = "never-used"
principals = ["arn:aws:iam::*:role/nobody"]
"#;

fn report(policy: &str) -> crate::report::Report {
    report_of(policy, records())
}

fn report_of(policy: &str, records: Vec<Value>) -> crate::report::Report {
    let config: Config = toml::from_str(policy).unwrap();
    let checks: Vec<_> = crate::checks::registry(&[])
        .unwrap()
        .into_iter()
        .filter(|c| ["CT001", "CT016", "CT023"].contains(&c.id.as_str()))
        .collect();
    let plan = CheckPlan {
        checks: &checks,
        fail_on: crate::checks::FailOn::Medium,
        fail_on_known: false,
        warnings: &[],
    };
    let base = Baseline::new(state("2026-11-27T09:00:00Z"));
    let current = state("2026-11-27T11:00:00Z");
    let window = super::window(&base, &current);
    let runner = event_runner(plan, &base.snapshot, &current, &config).unwrap();
    let bytes = json!({ "Records": records }).to_string();
    let mut outcome = ReadOutcome::default();
    outcome.add(
        "f.json".into(),
        parse_log_with(bytes.as_bytes(), &window, Some(runner.as_ref())),
    );
    let read = crate::aws::cloudtrail::TrailRead {
        outcome,
        ..Default::default()
    };
    let trail = TrailInput::from_read(read, &window).with_event_checks(
        Some(&runner),
        &base.snapshot,
        &current,
    );
    let now = "2026-11-27T11:00:00Z".parse().unwrap();
    build_report(
        &base,
        None,
        &current,
        &config,
        plan,
        Some(&trail),
        None,
        now,
    )
    .unwrap()
}

/// (check, what the records name, the rules that authorized it).
fn findings(r: &crate::report::Report) -> Vec<(String, String, Vec<String>)> {
    r.findings
        .iter()
        .map(|f| {
            let named = f.events.as_ref().unwrap().resources.join(",");
            (f.check.clone(), named, f.authorized_by.clone())
        })
        .collect()
}

#[test]
fn allow_rules_authorize_event_findings_unless_the_check_ignores_them() {
    let r = report(POLICY);
    let rules = |r: &[&str]| r.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let trail = "arn:aws:cloudtrail:us-east-1:111122223333:trail/main";
    assert_eq!(
        findings(&r),
        vec![
            // CT001 ignores the policy: a stopped trail is reported whoever stopped it.
            ("CT001".into(), trail.into(), vec![]),
            ("CT016".into(), "carol".into(), rules(&["ci-chores"])),
            // Tagged for CI, deployed by CI.
            ("CT023".into(), "api".into(), rules(&["ci-deploys"])),
            // Deployed by someone else.
            ("CT023".into(), "api".into(), vec![]),
            // Not tagged for CI.
            ("CT023".into(), "web".into(), vec![]),
        ]
    );
    // Authorized findings fail nothing; the others do.
    let failing: Vec<&str> = r
        .findings
        .iter()
        .filter(|f| r.fails(f))
        .map(|f| f.check.as_str())
        .collect();
    assert_eq!(failing, ["CT001", "CT023", "CT023"]);
    assert_eq!(r.summary.authorized_findings, 2);
    // Only the rule that authorized nothing anywhere is W005.
    let w5: Vec<&str> = r
        .warnings_of(crate::warning::WarningCode::AllowRuleUnmatched)
        .collect();
    assert_eq!(w5.len(), 1, "{w5:?}");
    assert!(w5[0].contains("never-used"), "{w5:?}");
}

#[test]
fn a_finding_some_of_whose_records_no_rule_authorizes_stands_and_says_so() {
    let at = |id: &str, time: &str| {
        let mut r = rec(
            id,
            "CreateAccessKey",
            "iam.amazonaws.com",
            CI,
            json!({"userName": "carol"}),
        );
        r["eventTime"] = json!(time);
        r
    };
    let policy = r#"
[[allow]]
name = "office-hours"
principals = ["arn:aws:iam::*:role/ci-deploy"]
hours = "10:00-10:40"
"#;
    let records = vec![
        at("k1", "2026-11-27T10:00:00Z"),
        at("k2", "2026-11-27T10:30:00Z"),
    ];
    let r = report_of(policy, records.clone());
    assert_eq!(r.findings[0].authorized_by, ["office-hours"]);
    assert_eq!(r.summary.failing_findings, 0);

    let late = vec![records[0].clone(), at("k3", "2026-11-27T10:50:00Z")];
    let r = report_of(policy, late);
    let f = &r.findings[0];
    assert!(f.authorized_by.is_empty());
    assert_eq!(
        f.notes,
        ["[[allow]] rule office-hours authorizes 1 of the 2 counted; no rule authorizes the rest"]
    );
    assert!(r.fails(f));
}
