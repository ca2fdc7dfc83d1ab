//! Registry integrity and the per-check fixtures in `tests/fixtures/checks/`:
//! every check has at least one case that fires and one that stays quiet.

use std::collections::BTreeSet;
use std::path::PathBuf;

use serde::Deserialize;
use serde_json::Value;

use super::*;
use crate::model::{Coverage, Resource, Snapshot, GLOBAL};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Fixture {
    fire: Vec<Case>,
    quiet: Vec<Case>,
    #[serde(default)]
    config: Option<Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    case: String,
    /// Resource checks: the snapshot.
    #[serde(default)]
    resources: Vec<FixtureResource>,
    /// Event checks: CloudTrail records, in the shapes real logs have.
    #[serde(default)]
    records: Vec<Value>,
    /// Strings that must appear among the finding's evidence.
    #[serde(default)]
    evidence: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FixtureResource {
    kind: String,
    #[serde(default)]
    region: Option<String>,
    native_id: String,
    #[serde(default)]
    arn: Option<String>,
    attrs: Value,
}

fn fixture_dir() -> PathBuf {
    crate::test_root().join("tests/fixtures/checks")
}

fn snapshot_of(resources: &[FixtureResource]) -> Snapshot {
    let mut s = Snapshot::new("111122223333", "2026-06-01T00:00:00Z");
    for r in resources {
        let region = r.region.clone().unwrap_or_else(|| {
            if r.kind.starts_with("ec2.") {
                "us-east-1".into()
            } else {
                GLOBAL.into()
            }
        });
        s.coverage.insert(
            format!("{}/{region}", r.kind.split('.').next().unwrap()),
            Coverage::complete("x", &region),
        );
        s.insert(Resource::new(
            &r.kind,
            &region,
            r.native_id.clone(),
            r.arn.clone(),
            &r.attrs,
        ));
    }
    // Scanned: the regions of regional resources. An enabled region
    // (`account.region`) alone is not scanned, so its checks stay quiet.
    s.regions = s
        .resources
        .values()
        .filter(|r| r.region != GLOBAL)
        .map(|r| r.region.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    s
}

/// An event check over records, as the trail reader runs it. The log
/// buckets are those the fixture's trail would write to.
fn run_events(
    check: &Check,
    records: &[Value],
    cfg: &ChecksConfig,
) -> (Vec<Finding>, Vec<CheckError>) {
    let runner = events::Runner::new(
        std::slice::from_ref(check),
        "111122223333",
        cfg,
        vec!["org-trail-logs".into()],
        Default::default(),
    )
    .expect("an event check");
    let log = serde_json::json!({ "Records": records }).to_string();
    let read = crate::trail::source::parse_log_with(
        log.as_bytes(),
        &crate::trail::source::Window::default(),
        Some(&runner),
    )
    .expect("the fixture is a valid log");
    assert!(read.ledger.balanced());
    let state = crate::model::Snapshot::new("111122223333", "2026-06-01T00:00:00Z");
    let o = runner.finish(&state, &state);
    (o.findings, o.errors)
}

#[test]
fn registry_has_unique_ids_and_every_builtin_parses() {
    let all = registry(&[]).unwrap();
    assert!(all.len() >= 25, "{} checks", all.len());
    let ids: BTreeSet<&str> = all.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids.len(), all.len());
    for risk in ["asset", "dns", "data", "iam", "network", "visibility"] {
        assert!(
            all.iter().any(|c| c.risk.as_str() == risk),
            "no check for risk {risk}"
        );
    }
}

#[test]
fn duplicate_ids_across_directories_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("mine.toml"), BUILTIN[0].1).unwrap();
    let e = registry(&[dir.path().to_path_buf()])
        .unwrap_err()
        .to_string();
    assert!(e.contains("is already defined by builtin:checks/"), "{e}");
}

#[test]
fn malformed_check_files_name_file_and_line() {
    let good = BUILTIN.iter().find(|(n, _)| *n == "SG002.toml").unwrap().1;
    let broken_expr = good.replace("world_open_ports(", "world_open_ports((");
    let e = parse_check("x.toml", &broken_expr).unwrap_err().to_string();
    assert!(
        e.starts_with("x.toml: line 8: expression does not compile"),
        "{e}"
    );
    let e = parse_check(
        "y.toml",
        &good.replace("severity = \"high\"", "severity = \"huge\""),
    )
    .unwrap_err()
    .to_string();
    assert!(e.starts_with("y.toml: line 3:"), "{e}");
    let e = parse_check(
        "z.toml",
        &good.replace("risk = \"network\"", "risk = \"vibes\""),
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("line 4: risk \"vibes\""), "{e}");
    let e = parse_check("k.toml", &good.replace("ec2.security_group", "ec2.nope"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("unknown resource kind \"ec2.nope\""), "{e}");
}

#[test]
fn every_check_fires_on_its_fixture_and_stays_quiet_on_near_misses() {
    let all = registry(&[]).unwrap();
    let now: jiff::Timestamp = "2026-06-01T00:00:00Z".parse().unwrap();
    let mut failures = Vec::new();
    for check in &all {
        let path = fixture_dir().join(format!("{}.json", check.id));
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|_| panic!("check {} has no fixture {}", check.id, path.display()));
        let fx: Fixture =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(
            !fx.fire.is_empty() && !fx.quiet.is_empty(),
            "{}: needs fire and quiet cases",
            check.id
        );
        let cfg: ChecksConfig = match &fx.config {
            Some(v) => serde_json::from_value(v.clone()).unwrap(),
            None => ChecksConfig::default(),
        };
        for (expect_fire, cases) in [(true, &fx.fire), (false, &fx.quiet)] {
            for case in cases {
                let (findings, errors) = match check.target {
                    Target::Resource => {
                        let snap = snapshot_of(&case.resources);
                        evaluate(std::slice::from_ref(check), &snap, &cfg, now)
                    }
                    Target::Event => run_events(check, &case.records, &cfg),
                };
                if !errors.is_empty() {
                    failures.push(format!(
                        "{} [{}]: evaluation errors {errors:?}",
                        check.id, case.case
                    ));
                    continue;
                }
                if expect_fire && findings.is_empty() {
                    failures.push(format!(
                        "{} [{}]: expected a finding, got none",
                        check.id, case.case
                    ));
                }
                if !expect_fire && !findings.is_empty() {
                    failures.push(format!(
                        "{} [{}]: expected quiet, got {:?}",
                        check.id, case.case, findings[0].message
                    ));
                }
                for e in &case.evidence {
                    if !findings
                        .iter()
                        .any(|f| f.evidence.iter().any(|x| x.contains(e.as_str())))
                    {
                        failures.push(format!(
                            "{} [{}]: evidence lacks {e:?}: {:?}",
                            check.id,
                            case.case,
                            findings.iter().map(|f| &f.evidence).collect::<Vec<_>>()
                        ));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn explain_carries_rationale_and_remediation() {
    for c in registry(&[]).unwrap() {
        let text = explain(&c);
        assert!(
            text.contains(c.rationale.trim()) && text.contains(c.remediation.trim()),
            "{}",
            c.id
        );
        assert!(
            c.rationale.len() > 40 && c.remediation.len() > 20,
            "{} is under-explained",
            c.id
        );
    }
}

#[test]
fn hostile_expressions_are_refused_at_load_not_a_stack_overflow() {
    let file = |expr: &str| {
        format!(
            "id = \"X001\"\ntitle = \"t\"\nseverity = \"low\"\nrisk = \"asset\"\nkinds = [\"ec2.instance\"]\n\
             message = \"m\"\nrationale = \"r\"\nremediation = \"f\"\nexpression = '''\n{expr}\n'''\n"
        )
    };
    let chain = format!("resource{}", ".a".repeat(50_000));
    let sum = vec!["1"; 50_000].join(" + ");
    let nested = format!("{}true{}", "(".repeat(5_000), ")".repeat(5_000));
    let wide = format!("[{}].size() > 0", vec!["1 + 1"; 300].join(", "));
    for (name, expr, needle) in [
        ("chain", chain.as_str(), "characters; the limit is"),
        ("sum", sum.as_str(), "characters; the limit is"),
        ("nested", nested.as_str(), "characters; the limit is"),
        ("wide", wide.as_str(), "operators; the limit is"),
        (
            "deep",
            &format!("{}true{}", "(".repeat(40), ")".repeat(40)),
            "nests 40 deep",
        ),
    ] {
        let e = parse_check("user:X001.toml", &file(expr))
            .unwrap_err()
            .to_string();
        assert!(e.contains(needle), "{name}: {e}");
        assert!(e.starts_with("user:X001.toml: line 10:"), "{name}: {e}");
    }
    // Just inside the limits, the parser and evaluator are fine: they run on
    // their own large stack (this test thread has 2 MiB, which would not do).
    let edge = format!("{} > 0", vec!["1"; 199].join(" + "));
    let c = parse_check("user:X001.toml", &file(&edge)).unwrap();
    let mut snap = Snapshot::new("111122223333", "2026-01-01T00:00:00Z");
    snap.insert(Resource::new(
        "ec2.instance",
        "us-east-1",
        "i-1",
        None,
        &serde_json::json!({}),
    ));
    let (findings, errors) = evaluate(
        &[c],
        &snap,
        &ChecksConfig::default(),
        jiff::Timestamp::now(),
    );
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(findings.len(), 1);
    // Strings do not count: a long literal of dots is fine.
    let ok = format!("resource.kind == '{}'", ".".repeat(1000));
    assert!(parse_check("user:X001.toml", &file(&ok)).is_ok());
}

#[test]
fn embedded_files_are_named_relative_to_the_manifest_not_absolutely() {
    // Two clones sharing one target directory share build-script output: an
    // absolute path there would point into whichever clone built last.
    for generated in [
        include_str!(concat!(env!("OUT_DIR"), "/builtin_checks.rs")),
        include_str!(concat!(env!("OUT_DIR"), "/demo_files.rs")),
    ] {
        assert!(generated.contains("env!(\"CARGO_MANIFEST_DIR\")"));
        assert!(!generated.contains("include_str!(\"/"), "{generated}");
        assert!(!generated.contains("include_bytes!(\"/"), "{generated}");
    }
}

#[test]
fn a_prefix_list_whose_entries_were_not_read_leaves_its_groups_unknown() {
    // The list may hold 0.0.0.0/0: a pass would be a guess.
    let snap = snapshot_of(&[
        FixtureResource {
            kind: "ec2.security_group".into(),
            native_id: "sg-1".into(),
            region: None,
            arn: None,
            attrs: serde_json::json!({"name": "g", "egress": [], "tags": {},
                "ingress": [{"protocol": "tcp", "from_port": 22, "to_port": 22,
                             "source": {"prefix_list": "pl-1"}}]}),
        },
        FixtureResource {
            kind: "ec2.prefix_list".into(),
            native_id: "pl-1".into(),
            region: None,
            arn: None,
            attrs: serde_json::json!({"name": "office", "tags": {},
                "entries": {"$unknown": "AccessDenied"}}),
        },
    ]);
    let all = registry(&[]).unwrap();
    let sg: Vec<Check> = all
        .into_iter()
        .filter(|c| c.id.starts_with("SG00"))
        .collect();
    let (findings, errors) = evaluate(&sg, &snap, &ChecksConfig::default(), jiff::Timestamp::now());
    assert!(findings.is_empty(), "{findings:?}");
    let failed: BTreeSet<&str> = errors.iter().map(|e| e.check.as_str()).collect();
    for id in ["SG001", "SG002", "SG003", "SG004", "SG005", "SG008"] {
        assert!(failed.contains(id), "{id} not unknown: {errors:?}");
    }
    assert!(
        errors[0]
            .message
            .contains("prefix list pl-1: entries not read (AccessDenied)"),
        "{errors:?}"
    );
}

/// Ten nested loops over ten elements: 10^10 steps, hours of work.
fn endless() -> String {
    let ten = "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]";
    let mut e = "v0 == 11".to_string();
    for i in 0..10 {
        e = format!("{ten}.exists(v{i}, {e})");
    }
    e
}

fn user_check(expr: &str) -> String {
    format!(
        "id = \"X1\"\ntitle = \"t\"\nseverity = \"low\"\nrisk = \"asset\"\nkinds = [\"ec2.vpc\"]\n\
         message = \"m\"\nexpression = '{expr}'\nrationale = \"r\"\nremediation = \"r\"\n"
    )
}

#[test]
fn a_check_past_its_time_budget_is_unknown_and_not_run_on_the_rest() {
    let c = parse_check("user:X1.toml", &user_check(&endless())).unwrap();
    let vpc = |id: &str| FixtureResource {
        kind: "ec2.vpc".into(),
        native_id: id.into(),
        region: None,
        arn: None,
        attrs: serde_json::json!({"cidr_block": "10.0.0.0/16"}),
    };
    let snap = snapshot_of(&[vpc("vpc-1"), vpc("vpc-2"), vpc("vpc-3")]);
    let cfg = ChecksConfig {
        time_budget_ms: 50,
        ..ChecksConfig::default()
    };
    let started = std::time::Instant::now();
    let (findings, errors) = evaluate(&[c], &snap, &cfg, jiff::Timestamp::now());
    // A hang guard, not a benchmark: unbounded, this takes hours.
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    assert!(findings.is_empty());
    assert_eq!(errors.len(), 3, "{errors:?}");
    assert!(
        errors[0].message.contains("ran past its time budget"),
        "{errors:?}"
    );
    for e in &errors[1..] {
        assert!(
            e.message
                .contains("not run: the check ran past its time budget on ec2.vpc/us-east-1/vpc-1"),
            "{errors:?}"
        );
    }
    // Within budget the same shape answers.
    let quick = parse_check(
        "user:X1.toml",
        &user_check("[1, 2].exists(a, [3].exists(b, a + b == 4))"),
    )
    .unwrap();
    let (findings, errors) = evaluate(&[quick], &snap, &cfg, jiff::Timestamp::now());
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(findings.len(), 3);
}

#[test]
fn lists_range_is_refused_at_load() {
    let e = parse_check(
        "user:X1.toml",
        &user_check("lists.range(1000000).size() > 0"),
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("user:X1.toml: line 7: lists.range is not available"),
        "{e}"
    );
}

/// A CloudTrail record in the shape S3 management events have.
fn delete_bucket(i: usize, who: &str) -> Value {
    serde_json::json!({
        "eventVersion": "1.09", "eventID": format!("e-{who}-{i}"), "eventName": "DeleteBucket",
        "eventSource": "s3.amazonaws.com", "eventTime": format!("2026-11-27T10:0{i}:00Z"),
        "awsRegion": "us-east-1", "eventType": "AwsApiCall", "readOnly": false, "managementEvent": true,
        "sourceIPAddress": "203.0.113.9",
        "userIdentity": {"type": "IAMUser", "arn": format!("arn:aws:iam::111122223333:user/{who}"), "userName": who},
        "requestParameters": {"bucketName": format!("bucket-{i}"), "Host": format!("bucket-{i}.s3.amazonaws.com")},
        "responseElements": null
    })
}

#[test]
fn the_readme_event_check_example_counts_by_key() {
    let readme = std::fs::read_to_string(crate::test_root().join("README.md")).unwrap();
    let at = readme
        .find("<!-- event-check-example")
        .expect("the README's event check example");
    let block = &readme[at..];
    let start = block.find("```toml\n").unwrap() + "```toml\n".len();
    let text = &block[start..start + block[start..].find("```").unwrap()];
    let check = parse_check("README.md", text).unwrap();
    assert_eq!(check.target, Target::Event);
    let cfg = ChecksConfig::default();
    let three: Vec<Value> = (0..3).map(|i| delete_bucket(i, "mallory")).collect();
    let (findings, errors) = run_events(&check, &three, &cfg);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(findings.len(), 1);
    let f = &findings[0];
    assert_eq!(
        f.message,
        "arn:aws:iam::111122223333:user/mallory deleted 3 buckets (bucket-0, bucket-1, bucket-2), 2026-11-27T10:00:00Z to 2026-11-27T10:02:00Z"
    );
    assert_eq!(
        f.resource.id,
        "event/arn:aws:iam::111122223333:user/mallory"
    );
    let ev = f.events.as_ref().unwrap();
    assert_eq!((ev.count, ev.event_ids.len()), (3, 3));
    // Two by one and one by another: nobody reaches three.
    let split = vec![
        delete_bucket(0, "mallory"),
        delete_bucket(1, "mallory"),
        delete_bucket(2, "bob"),
    ];
    assert!(run_events(&check, &split, &cfg).0.is_empty());
}

#[test]
fn an_event_check_that_cannot_evaluate_is_an_error_not_a_pass() {
    let text = r#"
id = "X1"
title = "t"
severity = "low"
risk = "data"
target = "event"
events = ["Delete*"]
expression = "event.requestParameters.nope == 'x'"
message = "m"
rationale = "r"
remediation = "r"
"#;
    let check = parse_check("x.toml", text).unwrap();
    let records: Vec<Value> = (0..5).map(|i| delete_bucket(i, "mallory")).collect();
    let (findings, errors) = run_events(&check, &records, &ChecksConfig::default());
    assert!(findings.is_empty());
    assert_eq!(errors.len(), 1, "one error per check, counted: {errors:?}");
    assert!(
        errors[0]
            .message
            .starts_with("5 record(s) could not be evaluated"),
        "{}",
        errors[0].message
    );
}

#[test]
fn event_and_resource_fields_do_not_mix() {
    let base = r#"
id = "X2"
title = "t"
severity = "low"
risk = "data"
expression = "true"
message = "m"
rationale = "r"
remediation = "r"
"#;
    let e = parse_check(
        "a.toml",
        &format!("{base}target = \"event\"\nkinds = [\"s3.bucket\"]\nevents = [\"X\"]\n"),
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("an event check reads CloudTrail records"), "{e}");
    let e = parse_check(
        "b.toml",
        &format!("{base}kinds = [\"s3.bucket\"]\nevents = [\"X\"]\n"),
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("events is for event checks"), "{e}");
    let e = parse_check("c.toml", &format!("{base}target = \"event\"\n"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("names the records it reads"), "{e}");
    let e = parse_check(
        "d.toml",
        &format!("{base}target = \"event\"\nevents = [\"X\"]\nthreshold = 0\n"),
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("threshold must be at least 1"), "{e}");
    let e = parse_check(
        "e.toml",
        &format!("{base}target = \"event\"\nevents = [\"X\"]\ngroup_by = \"at(event,\"\n"),
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("does not compile"), "{e}");
}

/// `effective_public_access_block` reads only the bucket's one field, and
/// still tells its three states apart: not read (every flag unknown), read
/// and absent (off unless the account blocks), read and on.
#[test]
fn effective_public_access_block_tells_unread_from_absent() {
    let text = user_check(
        "[effective_public_access_block(resource.attrs).block_public_acls == null ? \"null\" : string(effective_public_access_block(resource.attrs).block_public_acls)]",
    )
    .replace("ec2.vpc", "s3.bucket");
    let check = parse_check("user:X1.toml", &text).unwrap();
    let bucket = |id: &str, attrs: Value| FixtureResource {
        kind: "s3.bucket".into(),
        native_id: id.into(),
        region: Some(GLOBAL.into()),
        arn: None,
        attrs,
    };
    let on = serde_json::json!({"block_public_acls": true, "ignore_public_acls": true,
        "block_public_policy": true, "restrict_public_buckets": true});
    let snap = snapshot_of(&[
        bucket(
            "a-unread",
            serde_json::json!({"public_access_block": {"$unknown": "AccessDenied"}}),
        ),
        bucket("b-absent", serde_json::json!({"public_access_block": null})),
        bucket("c-on", serde_json::json!({"public_access_block": on})),
        FixtureResource {
            kind: "s3.account_public_access_block".into(),
            native_id: "account".into(),
            region: Some(GLOBAL.into()),
            arn: None,
            attrs: serde_json::json!({"config": null}),
        },
    ]);
    let (findings, errors) = evaluate(
        &[check],
        &snap,
        &ChecksConfig::default(),
        jiff::Timestamp::now(),
    );
    assert!(errors.is_empty(), "{errors:?}");
    let got: Vec<(&str, &str)> = findings
        .iter()
        .map(|f| (f.resource.id.as_str(), f.evidence[0].as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("s3.bucket/global/a-unread", "null"),
            ("s3.bucket/global/b-absent", "false"),
            ("s3.bucket/global/c-on", "true"),
        ]
    );
}

fn sigma_dir() -> std::path::PathBuf {
    crate::test_root().join("tests/fixtures/sigma")
}

fn sigma_check(file: &str) -> Check {
    let path = sigma_dir().join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    let toml = sigma::to_check_toml(&text).unwrap();
    parse_check(&path.display().to_string(), &toml).unwrap()
}

fn record(name: &str, source: &str, identity: Value, extra: Value) -> Value {
    let mut r = serde_json::json!({
        "eventVersion": "1.09", "eventID": format!("e-{name}"), "eventName": name,
        "eventSource": source, "eventTime": "2026-03-02T10:00:00Z", "awsRegion": "us-east-1",
        "sourceIPAddress": "203.0.113.9", "userIdentity": identity, "eventType": "AwsApiCall",
    });
    if let (Value::Object(r), Value::Object(e)) = (&mut r, extra) {
        r.extend(e);
    }
    r
}

#[test]
fn a_sigma_rule_is_an_event_check_with_its_id_level_and_filter() {
    let c = sigma_check("trail-stopped-by-a-person.yml");
    assert_eq!(c.id, "6c1f4a9e-2b7d-4c1e-9a3f-0d5e8b7c6a41");
    assert_eq!(c.severity, Severity::High);
    assert_eq!(c.risk.as_str(), "visibility", "attack.defense_evasion");
    let newer = std::fs::read_to_string(sigma_dir().join("trail-stopped-by-a-person.yml"))
        .unwrap()
        .replace("attack.defense_evasion", "attack.defense-evasion");
    let c2 = parse_check("x.yml", &sigma::to_check_toml(&newer).unwrap()).unwrap();
    assert_eq!(c2.risk.as_str(), "visibility", "attack.defense-evasion");
    let on = c.on.as_ref().unwrap();
    assert_eq!(
        on.events,
        ["DeleteTrail", "StopLogging"],
        "the names it pins"
    );
    assert_eq!(on.sources, ["cloudtrail.amazonaws.com"]);
    let explained = explain(&c);
    for part in [
        "attack.t1562.008",
        "A trail retired on purpose",
        "API_StopLogging",
    ] {
        assert!(explained.contains(part), "{explained}");
    }
    let user = serde_json::json!({"type": "IAMUser", "arn": "arn:aws:iam::111122223333:user/mallory", "userName": "mallory"});
    let aws = serde_json::json!({"type": "AWSService", "invokedBy": "cloudtrail.amazonaws.com"});
    let req = serde_json::json!({"requestParameters": {"name": "main"}});
    let cfg = ChecksConfig::default();
    let (fired, errors) = run_events(
        &c,
        &[record(
            "StopLogging",
            "cloudtrail.amazonaws.com",
            user.clone(),
            req.clone(),
        )],
        &cfg,
    );
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(fired.len(), 1);
    assert!(fired[0].message.contains("mallory"), "{}", fired[0].message);
    for quiet in [
        record("StopLogging", "cloudtrail.amazonaws.com", aws, req.clone()),
        record("StartLogging", "cloudtrail.amazonaws.com", user, req),
    ] {
        let (found, errors) = run_events(&c, &[quiet], &cfg);
        assert!(
            found.is_empty() && errors.is_empty(),
            "{found:?} {errors:?}"
        );
    }
}

#[test]
fn sigma_quantifiers_modifiers_and_case_follow_the_specification() {
    let c = sigma_check("sign-in-without-mfa.yml");
    assert_eq!(c.on.as_ref().unwrap().events, ["ConsoleLogin"]);
    let user = serde_json::json!({"type": "IAMUser", "arn": "arn:aws:iam::111122223333:user/bob"});
    let login = |ok: &str, mfa: &str, ip: &str| {
        let mut r = record(
            "ConsoleLogin",
            "signin.amazonaws.com",
            user.clone(),
            serde_json::json!({"responseElements": {"ConsoleLogin": ok}, "additionalEventData": {"MFAUsed": mfa}}),
        );
        r["sourceIPAddress"] = Value::from(ip);
        r
    };
    let cfg = ChecksConfig::default();
    let fires = |r: Value| run_events(&c, &[r], &cfg).0.len() == 1;
    // `'no'` matches "No" (values compare without case) ...
    assert!(fires(login("Success", "No", "203.0.113.9")));
    // ... but `|cased` does not let "success" pass for "Success".
    assert!(!fires(login("success", "No", "203.0.113.9")));
    assert!(!fires(login("Success", "Yes", "203.0.113.9")));
    // `|cidr`: the office range is left out.
    assert!(!fires(login("Success", "No", "198.51.100.20")));
}

#[test]
fn sigma_match_evaluates_each_modifier() {
    use serde_json::json;
    let m = |v: Value, mods: &str, pats: Value, all: bool| {
        sigma::sigma_match(&v, mods, pats.as_array().unwrap(), all).unwrap()
    };
    assert!(m(
        json!("PutBucketPolicy"),
        "",
        json!(["put*policy"]),
        false
    ));
    assert!(!m(json!("PutBucketPolicy"), "", json!(["put*acl"]), false));
    assert!(
        m(json!("a*b"), "", json!(["a\\*b"]), false),
        "an escaped star is a star"
    );
    assert!(!m(json!("axb"), "", json!(["a\\*b"]), false));
    assert!(m(
        json!("arn:aws:iam::1:role/Admin"),
        "contains",
        json!(["ROLE/", "admin"]),
        true
    ));
    assert!(!m(
        json!("arn:aws:iam::1:role/Admin"),
        "contains",
        json!(["role/", "user/"]),
        true
    ));
    assert!(m(
        json!("AssumeRoleWithSAML"),
        "endswith",
        json!(["saml", "oidc"]),
        false
    ));
    assert!(m(
        json!("ec2:RunInstances"),
        "startswith",
        json!(["EC2:"]),
        false
    ));
    assert!(!m(
        json!("ec2:RunInstances"),
        "startswith|cased",
        json!(["EC2:"]),
        false
    ));
    assert!(m(
        json!("GetObject"),
        "re",
        json!(["^Get(Object|Bucket)$"]),
        false
    ));
    assert!(m(json!("10.1.2.3"), "cidr", json!(["10.0.0.0/8"]), false));
    assert!(m(json!(42), "gt", json!(["41"]), false) && !m(json!(42), "lt", json!(["41"]), false));
    assert!(
        m(
            json!(["x", "AdministratorAccess"]),
            "",
            json!(["administratoraccess"]),
            false
        ),
        "a list matches through an item"
    );
    assert!(!m(Value::Null, "", json!(["x"]), false));
    assert!(
        m(json!(true), "", json!(["true"]), false),
        "booleans compare as text"
    );
    // An object matches through the texts inside it: a policy document
    // is a string whose quotes its JSON text would escape.
    let request = json!({"userName": "mallory", "policyDocument":
        "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\"}]}"});
    assert!(m(
        request.clone(),
        "contains",
        json!(["\"s3:GetObject\"", "\"Allow\""]),
        true
    ));
    assert!(m(
        request.clone(),
        "contains",
        json!(["\"userName\""]),
        false
    ));
    assert!(!m(request, "contains", json!(["\"Deny\""]), false));
}

#[test]
fn unsupported_sigma_constructs_are_refused_by_name_or_skipped_with_w007() {
    let dir = sigma_dir().join("unsupported");
    let e = registry(std::slice::from_ref(&dir))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("keywords.yml") && e.contains("keyword search"),
        "{e}"
    );
    assert!(e.contains("--sigma-skip-unsupported"), "{e}");
    let cfg = ChecksConfig {
        sigma_skip_unsupported: true,
        ..ChecksConfig::default()
    };
    let (checks, warnings) = load_reporting(&cfg, std::slice::from_ref(&dir)).unwrap();
    assert_eq!(
        checks.len(),
        registry(&[]).unwrap().len(),
        "nothing half-loaded"
    );
    let msgs: Vec<String> = warnings.iter().map(|w| w.to_string()).collect();
    assert_eq!(msgs.len(), 2, "{msgs:?}");
    assert!(
        msgs[0].starts_with("[W007]") && msgs[0].contains("keyword search"),
        "{msgs:?}"
    );
    assert!(
        msgs[1].contains("windows.yml") && msgs[1].contains("logsource"),
        "{msgs:?}"
    );
    // Bad YAML is never skipped: it is not a rule at all.
    let bad = tempfile::tempdir().unwrap();
    std::fs::write(bad.path().join("x.yml"), "title: [unclosed\n").unwrap();
    let e = load_reporting(&cfg, &[bad.path().to_path_buf()])
        .unwrap_err()
        .to_string();
    assert!(e.contains("x.yml") && e.contains("YAML"), "{e}");
    for (name, condition, why) in [
        ("agg.yml", "selection | count() > 5", "aggregation"),
        ("three.yml", "2 of selection*", "2 of"),
    ] {
        let rule = format!(
            "title: t\nid: {name}\nlogsource: {{product: aws, service: cloudtrail}}\ndetection:\n  selection: {{eventName: X}}\n  condition: {condition}\n"
        );
        let e = sigma::to_check_toml(&rule).unwrap_err();
        assert!(
            matches!(e, sigma::SigmaError::Unsupported(_)) && e.to_string().contains(why),
            "{e}"
        );
    }
}
