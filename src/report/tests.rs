use super::*;
use crate::attribution::Verdict;
use crate::diff::{ChangeKind, FieldChange, ResourceRef};
use serde_json::json;

fn sample() -> Report {
    let change = |id: &str, kind: &str, native: &str, ck: ChangeKind, verdict: Verdict| {
        ReportChange {
            change: Change {
                id: id.into(),
                resource: ResourceRef {
                    id: format!("{kind}/us-east-1/{native}"),
                    kind: kind.into(),
                    region: "us-east-1".into(),
                    native_id: native.into(),
                    arn: None,
                },
                change: ck,
                detail: None,
                fields: if ck == ChangeKind::Modified {
                    vec![FieldChange {
                        path: "ingress[+]".into(),
                        before: None,
                        after: Some(
                            json!({"protocol":"tcp","from_port":22,"to_port":22,"source":{"cidr_v4":"0.0.0.0/0"}}),
                        ),
                    }]
                } else {
                    vec![]
                },
            },
            risk: risk_of_kind(kind),
            content: "absent".into(),
            verdict,
            decided_by: (verdict == Verdict::Approved)
                .then(|| "approval c-2 by ops: <ticket & 1>".into()),
            approval: None,
            notes: vec![],
            attribution: None,
            actor: None,
            events: vec![],
        }
    };
    let mut r = Report {
        schema: REPORT_SCHEMA.into(),
        account: "111122223333".into(),
        account_name: None,
        taken_at: "2026-01-02T00:00:00Z".into(),
        baseline: Some(BaselineInfo {
            path: "baselines/111122223333.json".into(),
            taken_at: "2026-01-01T00:00:00Z".into(),
        }),
        api_calls: Default::default(),
        coverage: vec![
            Coverage::complete("ec2", "us-east-1"),
            Coverage {
                service: "s3".into(),
                region: "global".into(),
                status: CoverageStatus::Denied,
                error_code: Some("AccessDenied".into()),
                message: None,
                unknown_values: vec![],
                carried: Vec::new(),
            },
        ],
        not_compared: vec![],
        changes: vec![
            change(
                "c-1",
                "ec2.security_group",
                "sg-1",
                ChangeKind::Modified,
                Verdict::Unauthorized,
            ),
            change(
                "c-2",
                "ec2.instance",
                "i-1|x",
                ChangeKind::Added,
                Verdict::Approved,
            ),
        ],
        transient: vec![],
        transient_groups: vec![crate::attribution::TransientGroup {
            kind: "ec2.instance".into(),
            risk: Risk::Asset,
            events: vec!["RunInstances".into(), "TerminateInstances".into()],
            principal: "arn:aws:iam::111122223333:role/ci-runner".into(),
            source_identity: None,
            sessions: vec!["gitlab-1".into(), "gitlab-2".into()],
            verdict: Verdict::Authorized,
            decided_by: Some("rule ci-runners".into()),
            count: 240,
            first: "2026-01-01T01:00:00Z".into(),
            last: "2026-01-01T22:00:00Z".into(),
            regions: vec!["us-east-1".into()],
            samples: vec![
                "ec2.instance/us-east-1/i-0a".into(),
                "ec2.instance/us-east-1/i-0b".into(),
            ],
        }],
        writes: vec![],
        cloudtrail: None,
        findings: vec![],
        resolved: vec![],
        fail_on: crate::checks::FailOn::High,
        fail_on_known: false,
        approved_not_listed: 0,
        warnings: vec![],
        summary: Summary::default(),
    };
    r.finish();
    r
}

fn rendered(r: &Report, f: Format) -> String {
    let mut out = Vec::new();
    render(r, f, super::DEFAULT_WIDTH, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn summary_and_exit_code() {
    let mut r = sample();
    assert_eq!(r.summary.changes, 2);
    assert_eq!(r.summary.unauthorized, 1);
    assert_eq!(r.summary.approved, 1);
    assert!(!r.summary.coverage_complete);
    assert_eq!(r.exit_code().code(), 1);
    r.changes.remove(0);
    r.finish();
    assert_eq!(
        r.exit_code().code(),
        3,
        "nothing unauthorized but coverage incomplete"
    );
    r.coverage.truncate(1);
    r.finish();
    assert_eq!(r.exit_code().code(), 0);
    // A group of transients counts member by member and fails the run
    // when unauthorized.
    assert_eq!(
        (r.summary.transient, r.summary.transient_unauthorized),
        (240, 0)
    );
    r.transient_groups[0].verdict = Verdict::Unauthorized;
    r.finish();
    assert_eq!(r.summary.transient_unauthorized, 240);
    assert_eq!(r.exit_code().code(), 1);
}

#[test]
fn every_format_renders_every_change() {
    let r = sample();
    for f in [Format::Table, Format::Json, Format::Markdown, Format::Junit] {
        let text = rendered(&r, f);
        for c in &r.changes {
            assert!(text.contains(&c.change.id), "{f:?} lacks {}", c.change.id);
        }
        assert!(
            text.contains("AccessDenied"),
            "{f:?} must show the coverage gap"
        );
    }
    let table = rendered(&r, Format::Table);
    assert!(table.contains("tcp 22 0.0.0.0/0"), "{table}");
    assert!(table.lines().all(|l| l.chars().count() <= 100), "{table}");
    let md = rendered(&r, Format::Markdown);
    assert!(
        md.contains("i-1\\|x"),
        "pipes are escaped in markdown cells"
    );
}

#[test]
fn json_has_the_documented_fields() {
    let v: serde_json::Value = serde_json::from_str(&rendered(&sample(), Format::Json)).unwrap();
    for k in [
        "schema",
        "account",
        "taken_at",
        "baseline",
        "coverage",
        "not_compared",
        "changes",
        "summary",
    ] {
        assert!(v.get(k).is_some(), "missing {k}");
    }
    assert_eq!(v["schema"], "driftwatch.report/v3");
    let c = &v["changes"][0];
    for k in ["id", "resource", "change", "fields", "verdict", "risk"] {
        assert!(c.get(k).is_some(), "change lacks {k}");
    }
    for k in ["kind", "id", "region"] {
        assert!(c["resource"].get(k).is_some(), "resource lacks {k}");
    }
    assert_eq!(c["fields"][0]["path"], "ingress[+]");
    assert!(c["fields"][0].get("before").is_some() && c["fields"][0].get("after").is_some());
    assert_eq!(c["verdict"], "unauthorized");
    let back: Report = serde_json::from_value(v).unwrap();
    assert_eq!(back, sample());
}

#[test]
fn junit_is_well_formed_and_fails_unauthorized_only() {
    let x = rendered(&sample(), Format::Junit);
    assert_eq!(x.matches("<testcase ").count(), 4);
    assert_eq!(x.matches("<failure ").count(), 1);
    assert_eq!(x.matches("<error ").count(), 1);
    assert!(x.contains("&lt;ticket &amp; 1&gt;"));
    assert_eq!(
        x.matches("<testcase").count(),
        x.matches("</testcase>").count()
    );
}

fn finding(check: &str, sev: crate::checks::Severity, suppressed: bool) -> Finding {
    Finding {
        id: format!("f-{check}"),
        check: check.into(),
        title: "t".into(),
        severity: sev,
        risk: crate::model::Risk::Network,
        resource: ResourceRef {
            id: "ec2.security_group/us-east-1/sg-9".into(),
            kind: "ec2.security_group".into(),
            region: "us-east-1".into(),
            native_id: "sg-9".into(),
            arn: None,
        },
        message: format!("{check} message"),
        evidence: vec!["tcp 22 0.0.0.0/0".into()],
        suppressed: suppressed.then(|| crate::checks::suppress::SuppressionRef {
            reason: "bastion".into(),
            owner: "alice".into(),
            expires: "2099-01-01".into(),
        }),
        authorized_by: vec![],
        notes: vec![],
        locations: vec![],
        events: None,
        status: None,
    }
}

#[test]
fn findings_fail_at_or_above_fail_on_unless_suppressed() {
    let mut r = sample();
    r.changes.clear();
    r.coverage.truncate(1);
    r.findings = vec![
        finding("SG005", crate::checks::Severity::Medium, false),
        finding("SG002", crate::checks::Severity::High, true),
    ];
    r.finish();
    assert_eq!(
        r.exit_code().code(),
        0,
        "medium is below high; the high one is suppressed"
    );
    r.fail_on = crate::checks::FailOn::Medium;
    r.finish();
    assert_eq!(r.exit_code().code(), 1);
    for f in [Format::Table, Format::Json, Format::Markdown, Format::Junit] {
        let text = rendered(&r, f);
        assert!(text.contains("SG005") && text.contains("SG002"), "{f:?}");
        assert!(text.contains("bastion"), "{f:?} shows the suppression");
    }
}

#[test]
fn an_authorized_event_finding_fails_nothing_and_every_format_says_by_which_rule() {
    let mut r = sample();
    r.changes.clear();
    r.coverage.truncate(1);
    let mut f = finding("CT023", crate::checks::Severity::High, false);
    f.authorized_by = vec!["ci-deploys".into()];
    r.findings = vec![f];
    r.finish();
    assert_eq!(r.exit_code().code(), 0);
    assert_eq!(
        (r.summary.authorized_findings, r.summary.failing_findings),
        (1, 0)
    );
    for fmt in [
        Format::Table,
        Format::Json,
        Format::Markdown,
        Format::Junit,
        Format::Sarif,
    ] {
        let text = rendered(&r, fmt);
        assert!(text.contains("ci-deploys"), "{fmt:?} names the rule");
    }
    let table = rendered(&r, Format::Table);
    assert!(
        table.contains("authorized by [[allow]] rule ci-deploys"),
        "{table}"
    );
    assert!(rendered(&r, Format::Junit)
        .contains("<skipped message=\"authorized by [[allow]] rule ci-deploys\"/>"));
    let sarif: serde_json::Value = serde_json::from_str(&rendered(&r, Format::Sarif)).unwrap();
    assert_eq!(
        sarif["runs"][0]["results"][0]["suppressions"][0]["justification"],
        "authorized by [[allow]] rule ci-deploys"
    );
}

/// The demo's report as `driftwatch demo` gives it.
fn demo() -> Report {
    let config = crate::demo::bundle_config().unwrap();
    let checks = crate::checks::load(&config.checks, &[]).unwrap();
    let plan = crate::commands::CheckPlan {
        checks: &checks,
        fail_on: crate::checks::FailOn::High,
        fail_on_known: false,
        warnings: &[],
    };
    let mut r = crate::commands::demo::report(&config, plan).unwrap();
    r.hide_approved();
    r
}

fn table(r: &Report, width: usize) -> String {
    let mut out = Vec::new();
    render(r, Format::Table, width, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

/// The table as people read it, at a narrow terminal and a wide one;
/// reviewed in the diff like code (`cargo insta review`).
#[test]
fn the_demo_table_at_80_and_160_columns() {
    let r = demo();
    for width in [80, 160] {
        let text = table(&r, width);
        insta::assert_snapshot!(format!("demo_table_{width}"), text);
    }
}

#[test]
fn the_demo_in_markdown() {
    insta::assert_snapshot!("demo_markdown", rendered(&demo(), Format::Markdown));
}

/// What the snapshots show, held as rules: every line fits, counts agree
/// with their nouns, and no line says its neighbour's words again.
#[test]
fn the_table_fits_its_width_speaks_plainly_and_never_repeats_itself() {
    let r = demo();
    let singular_with_plural = regex::Regex::new(
        r"\b1 (changes|findings|policies|resources|files|records|events|regions|accounts)\b",
    )
    .unwrap();
    for width in [60, 80, 120, 160, 200] {
        let text = table(&r, width);
        for line in text.lines() {
            assert!(
                line.chars().count() <= width,
                "{width}: {} columns: {line}",
                line.chars().count()
            );
            assert!(!singular_with_plural.is_match(line), "{line}");
        }
        // An actor, a check's advice or a resource is said once per row:
        // the "no rule covers it" note does not name the caller again,
        // "no CloudTrail event found" is not followed by the same in words.
        assert!(!text.contains("rule covers every event behind it (by"));
        assert!(!text.contains("no CloudTrail event found"));
        assert!(!text.contains("iam.user added"), "{text}");
    }
    // An ARN that fits a line is never broken: at 80 columns the
    // pipeline's session ARN moves to a line of its own, whole, to be
    // copied as it is.
    let text = table(&r, 80);
    let arn = "arn:aws:sts::210987654321:assumed-role/deploy/pipeline-1187";
    assert!(
        text.lines()
            .filter_map(|l| l.split('┆').nth(1))
            .any(|c| c.contains(arn)),
        "{text}"
    );
    // A user added with one policy names it, in the singular.
    assert!(table(&r, 160).contains("1 policy: break-glass-admin"));
}

/// Every other renderer on the demo, reviewed in the diff like code.
#[test]
fn the_demo_in_json_junit_and_sarif() {
    let r = demo();
    for (name, f) in [
        ("demo_json", Format::Json),
        ("demo_junit", Format::Junit),
        ("demo_sarif", Format::Sarif),
    ] {
        insta::assert_snapshot!(name, rendered(&r, f));
    }
}
