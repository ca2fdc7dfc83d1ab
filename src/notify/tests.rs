use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::*;
use crate::attribution::Verdict;
use crate::diff::{Change, ChangeKind, ResourceRef};
use crate::report::ReportChange;

fn report(n: usize) -> Report {
    let changes = (0..n)
        .map(|i| ReportChange {
            change: Change {
                id: format!("c-{i:012}"),
                resource: ResourceRef {
                    id: format!("ec2.security_group/us-east-1/sg-{i:017}"),
                    kind: "ec2.security_group".into(),
                    region: "us-east-1".into(),
                    native_id: format!("sg-{i:017}"),
                    arn: None,
                },
                change: ChangeKind::Added,
                detail: None,
                fields: vec![],
            },
            risk: crate::model::Risk::Network,
            content: "absent".into(),
            verdict: Verdict::Unauthorized,
            decided_by: None,
            approval: None,
            notes: vec![],
            attribution: None,
            actor: None,
            events: vec![],
        })
        .collect();
    let mut r = Report::new(
        "111122223333",
        "2026-11-28T00:00:00Z",
        crate::checks::FailOn::High,
    );
    r.changes = changes;
    r.finish();
    r
}

#[test]
fn targets_parse_and_redact() {
    assert!(matches!(
        parse_target("https://hooks.slack.com/services/T0/B0/secret").unwrap(),
        Target::Slack(_)
    ));
    assert!(matches!(
        parse_target("slack:http://127.0.0.1:9/x").unwrap(),
        Target::Slack(_)
    ));
    assert!(matches!(
        parse_target("https://siem.example.com/in?token=abc").unwrap(),
        Target::Webhook(_)
    ));
    let e = parse_target("http://siem.example.com/in?token=abc").unwrap_err();
    assert!(e.contains("only https") && !e.contains("token"), "{e}");
    assert_eq!(
        redact("https://hooks.slack.com/services/T0/B0/secret"),
        "https://hooks.slack.com/…"
    );
    assert_eq!(redact("https://user:pw@h.example/x"), "https://h.example/…");
    let dbg = format!(
        "{:?}",
        parse_target("https://hooks.slack.com/services/T0/B0/secret").unwrap()
    );
    assert!(!dbg.contains("secret"), "{dbg}");
}

#[test]
fn slack_payload_fits_the_limits_even_with_ten_thousand_changes() {
    for n in [1, 40, 10_000] {
        let p = slack_payload(&report(n));
        let blocks = p["blocks"].as_array().unwrap();
        assert!(
            blocks.len() <= SLACK_MAX_BLOCKS,
            "{n}: {} blocks",
            blocks.len()
        );
        for b in blocks {
            if let Some(t) = b["text"]["text"].as_str() {
                let limit = if b["type"] == "header" {
                    150
                } else {
                    SLACK_MAX_TEXT
                };
                assert!(
                    t.chars().count() <= limit,
                    "{n}: a text of {} chars",
                    t.chars().count()
                );
            }
        }
        let text = p.to_string();
        if n == 10_000 {
            assert!(text.contains("more changes"), "capped with 'and N more'");
        } else {
            assert!(!text.contains("more changes"));
            assert!(text.contains(&format!("sg-{:017}", n - 1)));
        }
        assert!(p["text"]
            .as_str()
            .unwrap()
            .contains(&format!("{n} unauthorized")));
    }
}

/// A loopback server answering with `statuses` in turn (0 = never answer).
fn server(statuses: Vec<u16>) -> (String, Arc<Mutex<Vec<String>>>) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hook/secret-path", l.local_addr().unwrap());
    let bodies = Arc::new(Mutex::new(Vec::new()));
    let seen = bodies.clone();
    std::thread::spawn(move || {
        for (i, s) in l.incoming().enumerate() {
            let Ok(mut s) = s else { continue };
            let status = statuses.get(i).copied().unwrap_or(200);
            let mut r = BufReader::new(s.try_clone().unwrap());
            let mut len = 0;
            loop {
                let mut line = String::new();
                if r.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    len = v.trim().parse().unwrap_or(0);
                }
            }
            let mut body = vec![0; len];
            let _ = r.read_exact(&mut body);
            seen.lock()
                .unwrap()
                .push(String::from_utf8_lossy(&body).into_owned());
            if status == 0 {
                std::thread::sleep(Duration::from_secs(3));
                continue;
            }
            let _ = write!(
                s,
                "HTTP/1.1 {status} X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
        }
    });
    (url, bodies)
}

fn quick() -> Delivery {
    Delivery {
        timeout: Duration::from_millis(400),
        attempts: 3,
        backoff: Duration::from_millis(10),
    }
}

#[test]
fn webhook_gets_the_json_report_and_slack_gets_blocks() {
    let (url, bodies) = server(vec![200, 200]);
    let r = report(2);
    let errors = send(
        &[Target::Webhook(url.clone()), Target::Slack(url)],
        &r,
        quick(),
    );
    assert!(errors.is_empty(), "{errors:?}");
    let got = bodies.lock().unwrap().clone();
    let json: Report = serde_json::from_str(&got[0]).unwrap();
    assert_eq!(json.summary.unauthorized, 2);
    let slack: Value = serde_json::from_str(&got[1]).unwrap();
    assert_eq!(slack["blocks"][0]["type"], "header");
}

#[test]
fn failures_are_retried_and_timeouts_reported_without_the_url() {
    let (url, bodies) = server(vec![500, 503, 200]);
    assert!(send(&[Target::Webhook(url)], &report(1), quick()).is_empty());
    assert_eq!(
        bodies.lock().unwrap().len(),
        3,
        "two failures, then success"
    );

    let (url, _) = server(vec![0, 0, 0]);
    let errors = send(&[Target::Webhook(url)], &report(1), quick());
    assert_eq!(errors.len(), 1);
    assert!(
        errors[0].contains("timed out after 3 attempts"),
        "{errors:?}"
    );
    assert!(!errors[0].contains("secret-path"), "{errors:?}");

    let (url, bodies) = server(vec![404]);
    let errors = send(&[Target::Webhook(url)], &report(1), quick());
    assert!(errors[0].contains("HTTP 404"), "{errors:?}");
    assert_eq!(bodies.lock().unwrap().len(), 1, "a 404 is not retried");
}

#[test]
fn plain_http_goes_only_to_loopback_addresses() {
    for ok in [
        "http://127.0.0.1:9/x",
        "http://127.8.9.10/x",
        "http://[::1]:8080/x",
        "http://localhost:9/x",
    ] {
        assert!(parse_target(ok).is_ok(), "{ok}");
    }
    for bad in [
        "http://127.example.com/x",
        "http://127.0.0.1.nip.io/x",
        "http://[::2]/x",
        "http://10.0.0.1/x",
        "http://localhost.example.com/x",
    ] {
        let e = parse_target(bad).unwrap_err();
        assert!(e.contains("only https"), "{bad}: {e}");
    }
    assert!(parse_target("https://").is_err());
    assert!(parse_target("not a url").is_err());
}

/// In a run over many accounts each alert names its account and the
/// account's name, and remembers what it sent beside that account's
/// baseline (or in the state file named for it).
#[test]
fn an_accounts_alert_names_it_and_remembers_apart() {
    let mut r = report(1);
    r.account_name = Some("payments-prod".into());
    let p = slack_payload(&r);
    assert_eq!(
        p["blocks"][0]["text"]["text"].as_str().unwrap(),
        "driftwatch: account 111122223333 (payments-prod): 1 unauthorized changes, 0 transient, 0 failing findings"
    );
    let mut alerts = Alerts {
        targets: vec![parse_target("https://hooks.example.com/x").unwrap()],
        ..Alerts::default()
    };
    let beside = alerts.for_section(&r).state.unwrap();
    assert_eq!(
        beside,
        std::path::Path::new("baselines/111122223333.alerts.json")
    );
    alerts.state = Some("state/alerts.json".into());
    assert_eq!(
        alerts.for_section(&r).state.unwrap(),
        std::path::Path::new("state/alerts.111122223333.json")
    );
    alerts.every_run = true;
    assert_eq!(
        alerts.for_section(&r).state.as_deref(),
        Some(std::path::Path::new("state/alerts.json"))
    );
}

/// HTTPS goes through rustls on aws-lc-rs (the SDK's stack): a server
/// that answers the TLS handshake with plain text is a TLS error, said
/// without the URL, not a panic for want of a crypto provider.
#[test]
fn https_runs_on_the_sdks_tls_stack() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for s in listener.incoming().take(3) {
            let mut s = s.unwrap();
            let _ = s.write_all(b"HTTP/1.1 200 OK\r\n\r\nnot tls");
        }
    });
    let url = format!("https://127.0.0.1:{port}/secret-path");
    let errors = send(&[Target::Webhook(url)], &report(1), quick());
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].contains("TLS error"), "{errors:?}");
    assert!(!errors[0].contains("secret-path"), "{errors:?}");
}
