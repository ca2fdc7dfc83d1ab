use std::path::PathBuf;

use super::source::{day_prefixes, parse_log, read_path, Window};
use super::*;

fn samples() -> PathBuf {
    // Copied into the repository with their provenance (PROVENANCE.json,
    // SOURCES.md): a user's clone has nothing beside it.
    let p = crate::test_root().join("tests/fixtures/cloudtrail-samples");
    assert!(
        p.is_dir(),
        "the CloudTrail samples are missing at {}",
        p.display()
    );
    p
}

#[test]
fn every_shared_sample_record_parses() {
    let mut total = 0;
    for entry in std::fs::read_dir(samples()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if !name.ends_with(".json") || name == "PROVENANCE.json" {
            continue;
        }
        let v: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        for (i, rec) in v["Records"].as_array().unwrap().iter().enumerate() {
            total += 1;
            let r = parse_record(rec.clone());
            assert!(r.is_ok(), "{name}[{i}]: {:?}", r.err());
            // Read in place, as an event check's match is judged: the same.
            assert_eq!(event_of(rec), r.unwrap(), "{name}[{i}]");
        }
        // And through the streaming reader, every record counted.
        let all = Window::default();
        let read = parse_log(&std::fs::read(&path).unwrap(), &all).unwrap();
        assert_eq!(
            read.ledger.read as usize,
            v["Records"].as_array().unwrap().len(),
            "{name}"
        );
        assert!(read.ledger.balanced(), "{name}: {:?}", read.ledger);
    }
    assert!(total >= 150, "only {total} sample records found");
}

fn sample(file: &str, i: usize) -> Event {
    let v: Value = serde_json::from_slice(&std::fs::read(samples().join(file)).unwrap()).unwrap();
    parse_record(v["Records"][i].clone())
        .unwrap()
        .expect("an API call")
}

#[test]
fn resources_come_from_the_documented_fields() {
    // RunInstances: ids only in the response, two instances.
    let e = sample("cloud-custodian.json", 3);
    assert_eq!(e.name, "RunInstances");
    assert!(!e.resources.is_empty() && e.resources.iter().all(|r| r.starts_with("ec2.instance/")));
    assert_eq!(
        e.actor.invoked_by.as_deref(),
        Some("autoscaling.amazonaws.com")
    );
    // Route53 ChangeResourceRecordSets: several records per event.
    let e = sample("awsdocs-amazon-route53-docs.json", 2);
    assert_eq!(
        e.resources,
        [
            "route53.record/global/Z1PA6795UKMFR9/prod.example.com./A",
            "route53.record/global/Z1PA6795UKMFR9/test.example.com./A"
        ]
    );
    // Legacy flat AuthorizeSecurityGroupIngress still names the group.
    let e = sample("stratus-red-team.json", 9);
    assert_eq!(e.name, "AuthorizeSecurityGroupIngress");
    assert_eq!(e.resources.len(), 1, "{:?}", e.resources);
    assert!(e.resources[0].starts_with("ec2.security_group/"));
    // Failed calls keep their error code.
    let e = sample("stratus-red-team.json", 5);
    assert!(!e.succeeded());
}

#[test]
fn assumed_role_actor_has_role_session_and_source_identity() {
    let v = serde_json::json!({
        "eventName": "AuthorizeSecurityGroupIngress", "eventTime": "2026-11-27T02:00:00Z", "awsRegion": "us-east-1",
        "eventType": "AwsApiCall", "eventID": "e1", "sourceIPAddress": "198.51.100.7",
        "userIdentity": {"type": "AssumedRole", "arn": "arn:aws:sts::111122223333:assumed-role/admin/alice-laptop",
            "accountId": "111122223333",
            "sessionContext": {"sourceIdentity": "alice@example.com",
                "sessionIssuer": {"type": "Role", "arn": "arn:aws:iam::111122223333:role/admin", "userName": "admin"}}},
        "requestParameters": {"groupId": "sg-1", "ipPermissions": {"items": [{"ipProtocol": "tcp", "fromPort": 22, "toPort": 22}]}},
        "responseElements": {"_return": true}
    });
    let e = parse_record(v).unwrap().unwrap();
    assert_eq!(
        e.actor.role_arn.as_deref(),
        Some("arn:aws:iam::111122223333:role/admin")
    );
    assert_eq!(e.actor.session_name.as_deref(), Some("alice-laptop"));
    assert_eq!(
        e.actor.source_identity.as_deref(),
        Some("alice@example.com")
    );
    assert_eq!(e.resources, ["ec2.security_group/us-east-1/sg-1"]);
}

#[test]
fn logs_stream_in_every_shape_and_bad_files_are_skipped_with_reasons() {
    let rec = |id: &str| {
        serde_json::json!({"eventName": "CreateUser", "eventTime": "2026-11-27T02:00:00Z", "eventID": id,
            "userIdentity": {"type": "IAMUser", "arn": "arn:aws:iam::1:user/x"}, "requestParameters": {"userName": id}})
    };
    let w = Window::default();
    let log = serde_json::json!({"Records": [rec("a"), rec("b")]}).to_string();
    assert_eq!(parse_log(log.as_bytes(), &w).unwrap().events.len(), 2);
    let lines = format!("{}\n{}\n", rec("a"), rec("b"));
    assert_eq!(parse_log(lines.as_bytes(), &w).unwrap().events.len(), 2);
    let arr = serde_json::json!([rec("a")]).to_string();
    assert_eq!(parse_log(arr.as_bytes(), &w).unwrap().events.len(), 1);
    // Valid UTF-8 is parsed as text; a stray byte that is not makes the
    // file invalid, said where, as the byte parser says it.
    let mut bad = log.clone().into_bytes();
    let at = bad.windows(2).position(|x| x == b"\"a").unwrap() + 1;
    bad[at] = 0xff;
    let err = parse_log(&bad, &w).unwrap_err();
    assert!(
        err.starts_with("not a CloudTrail log: invalid unicode"),
        "{err}"
    );
    assert!(err.contains("line 1 column"), "{err}");

    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("good.json"), &log).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut gz, log.as_bytes()).unwrap();
    let gz = gz.finish().unwrap();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    std::fs::write(dir.path().join("sub/good.json.gz"), &gz).unwrap();
    std::fs::write(
        dir.path().join("sub/truncated.json.gz"),
        &gz[..gz.len() / 2],
    )
    .unwrap();
    std::fs::write(dir.path().join("broken.json"), "{\"Records\": [").unwrap();
    std::fs::write(dir.path().join("notes.txt"), "ignored").unwrap();
    let out = read_path(dir.path(), &w, None).unwrap();
    assert_eq!(out.files_read, 2);
    assert_eq!(out.events.len(), 4);
    let reasons: Vec<String> = out
        .skipped
        .iter()
        .map(|s| format!("{} {}", s.path, s.reason))
        .collect();
    assert_eq!(out.skipped.len(), 2, "{reasons:?}");
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("truncated.json.gz corrupt or truncated gzip")),
        "{reasons:?}"
    );
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("broken.json not a CloudTrail log")),
        "{reasons:?}"
    );
}

#[test]
fn window_keeps_watched_events_in_time() {
    let rec = |name: &str, t: &str| serde_json::json!({"eventName": name, "eventTime": t, "requestParameters": {"userName": "u"}});
    let log = serde_json::json!({"Records": [
        rec("CreateUser", "2026-11-27T01:00:00Z"),
        rec("CreateUser", "2026-11-27T03:00:00Z"),
        rec("GetUser", "2026-11-27T03:00:00Z"),
        rec("CreateUser", "2026-11-27T05:00:00Z")]})
    .to_string();
    let w = Window {
        start: Some("2026-11-27T02:00:00Z".parse().unwrap()),
        end: Some("2026-11-27T04:00:00Z".parse().unwrap()),
        account: None,
    };
    let read = parse_log(log.as_bytes(), &w).unwrap();
    assert_eq!(read.ledger.read, 4);
    assert_eq!(read.events.len(), 1);
    assert_eq!(read.ledger.skipped.outside_window, 2);
    assert_eq!(read.ledger.read_only, 1);
    assert!(read.ledger.balanced());
}

#[test]
fn s3_day_prefixes_cover_the_window_and_org_layout() {
    let p = day_prefixes(
        "logs",
        Some("o-abc"),
        "111122223333",
        &["us-east-1".to_string()],
        "2026-11-27T23:00:00Z".parse().unwrap(),
        "2026-11-28T01:00:00Z".parse().unwrap(),
    );
    assert_eq!(
        p,
        [
            "logs/AWSLogs/o-abc/111122223333/CloudTrail/us-east-1/2026/11/27/",
            "logs/AWSLogs/o-abc/111122223333/CloudTrail/us-east-1/2026/11/28/"
        ]
    );
    let p = day_prefixes(
        "",
        None,
        "1",
        &["eu-west-1".to_string()],
        "2026-01-01T00:00:00Z".parse().unwrap(),
        "2026-01-01T00:00:00Z".parse().unwrap(),
    );
    assert_eq!(p, ["AWSLogs/1/CloudTrail/eu-west-1/2026/01/01/"]);
}

#[test]
fn symlink_loops_are_walked_once() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    std::fs::create_dir_all(logs.join("sub")).unwrap();
    for n in ["a", "b", "c"] {
        std::fs::write(logs.join(format!("{n}.json")), r#"{"Records":[]}"#).unwrap();
    }
    // A loop back to the top, a loop to itself, and a second name for a file.
    std::os::unix::fs::symlink(&logs, logs.join("sub/up")).unwrap();
    std::os::unix::fs::symlink(logs.join("sub"), logs.join("sub/me")).unwrap();
    std::os::unix::fs::symlink(logs.join("a.json"), logs.join("sub/a-again.json")).unwrap();
    let out = read_path(&logs, &Window::default(), None).unwrap();
    assert_eq!(out.files_read, 3, "each file once: {:?}", out.skipped);
    assert_eq!(
        out.skipped
            .iter()
            .filter(|s| s.reason.contains("symbolic link loop"))
            .count(),
        2,
        "{:?}",
        out.skipped
    );
}

#[test]
fn other_accounts_records_are_counted_not_used() {
    let rec = |acct: &str| {
        serde_json::json!({"eventName": "CreateUser", "eventTime": "2026-11-27T01:00:00Z",
        "recipientAccountId": acct, "requestParameters": {"userName": "u"}})
    };
    let log = serde_json::json!({"Records": [rec("111111111111"), rec("222222222222"),
        {"eventName": "CreateUser", "eventTime": "2026-11-27T01:00:00Z", "requestParameters": {"userName": "v"}}]})
    .to_string();
    let w = Window {
        account: Some(111111111111),
        ..Window::default()
    };
    let read = parse_log(log.as_bytes(), &w).unwrap();
    assert_eq!(read.ledger.read, 3);
    assert_eq!(read.ledger.skipped.other_accounts, 1);
    // Its own record and the one that names no account.
    assert_eq!(read.events.len(), 2);
}

#[test]
fn a_trail_path_names_its_account() {
    use crate::trail::source::account_of_path;
    use std::path::Path;
    let org = "logs/AWSLogs/o-abc123/111122223333/CloudTrail/us-east-1/2026/11/27/f.json.gz";
    let own = "AWSLogs/111122223333/CloudTrail/eu-west-1/2026/11/27/f.json.gz";
    assert_eq!(account_of_path(Path::new(org)), Some(111122223333));
    assert_eq!(account_of_path(Path::new(own)), Some(111122223333));
    for none in [
        "logs/f.json",
        "AWSLogs/CloudTrail/x.json",
        "AWSLogs/o-abc/12/CloudTrail/f.json",
    ] {
        assert_eq!(account_of_path(Path::new(none)), None, "{none}");
    }
}
