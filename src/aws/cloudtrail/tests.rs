//! LookupEvents through the SDK's own mock client: pagination, the rate
//! limit, throttling retried, AccessDenied recorded.

use std::time::Duration;

use aws_sdk_cloudtrail::operation::lookup_events::LookupEventsOutput;
use aws_sdk_cloudtrail::types::Event as SdkEvent;
use aws_sdk_cloudtrail::Client;
use aws_smithy_mocks::{mock, mock_client, RuleMode};
use aws_smithy_types::retry::RetryConfig;

use super::*;
use crate::model::CoverageStatus;

fn record(id: &str, group: &str) -> SdkEvent {
    let rec = serde_json::json!({
        "eventVersion": "1.08", "eventID": id, "eventName": "AuthorizeSecurityGroupIngress",
        "eventTime": "2026-11-27T02:00:00Z", "awsRegion": "us-east-1", "eventType": "AwsApiCall",
        "eventSource": "ec2.amazonaws.com", "sourceIPAddress": "198.51.100.7",
        "userIdentity": {"type": "IAMUser", "arn": "arn:aws:iam::111122223333:user/bob", "userName": "bob"},
        "requestParameters": {"groupId": group}
    });
    SdkEvent::builder()
        .event_id(id)
        .cloud_trail_event(rec.to_string())
        .build()
}

fn retrying(c: aws_sdk_cloudtrail::config::Builder) -> aws_sdk_cloudtrail::config::Builder {
    c.retry_config(
        RetryConfig::standard()
            .with_max_attempts(3)
            .with_initial_backoff(Duration::from_millis(1))
            .with_max_backoff(Duration::from_millis(2)),
    )
}

/// The limiter is governor's, on the real clock: the second page waits
/// half a second for real.
#[tokio::test]
async fn two_pages_are_read_at_no_more_than_two_requests_per_second() {
    let first = mock!(Client::lookup_events)
        .match_requests(|r| r.next_token().is_none() && r.lookup_attributes().len() == 1)
        .then_output(|| {
            LookupEventsOutput::builder()
                .events(record("e1", "sg-1"))
                .next_token("page-2")
                .build()
        });
    let second = mock!(Client::lookup_events)
        .match_requests(|r| r.next_token() == Some("page-2"))
        .then_output(|| {
            LookupEventsOutput::builder()
                .events(record("e2", "sg-2"))
                .build()
        });
    let client = mock_client!(aws_sdk_cloudtrail, RuleMode::Sequential, &[&first, &second]);
    let limits = crate::aws::limits::RateLimits::parse(&["cloudtrail-events=2/1".into()]).unwrap();
    let limiter = limits.bucket(EVENTS, "us-east-1").unwrap();
    let started = std::time::Instant::now();
    let (read, pages) = lookup_region(&client, &Window::default(), Some(&limiter), None)
        .await
        .unwrap();
    assert_eq!(pages, 2);
    assert_eq!(read.records, 2);
    assert!(read.ledger.balanced(), "{:?}", read.ledger);
    assert_eq!(
        read.events
            .iter()
            .map(|e| e.resources[0].as_str())
            .collect::<Vec<_>>(),
        [
            "ec2.security_group/us-east-1/sg-1",
            "ec2.security_group/us-east-1/sg-2"
        ]
    );
    // The second call waited for its token.
    assert!(
        started.elapsed() >= Duration::from_millis(500),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(first.num_calls(), 1);
    assert_eq!(second.num_calls(), 1);
}

#[tokio::test]
async fn throttling_is_retried() {
    let rule = mock!(Client::lookup_events)
        .sequence()
        .http_status(
            400,
            Some(r#"{"__type":"ThrottlingException","message":"Rate exceeded"}"#.into()),
        )
        .output(|| {
            LookupEventsOutput::builder()
                .events(record("e1", "sg-1"))
                .build()
        })
        .build();
    let client = mock_client!(aws_sdk_cloudtrail, RuleMode::Sequential, &[&rule], retrying);
    let (read, pages) = lookup_region(&client, &Window::default(), None, None)
        .await
        .unwrap();
    assert_eq!(read.events.len(), 1);
    assert_eq!(pages, 1);
    assert_eq!(rule.num_calls(), 2, "one throttled attempt, one success");
}

#[tokio::test]
async fn access_denied_is_a_denied_coverage_entry() {
    let rule = mock!(Client::lookup_events).then_http_response(|| {
        aws_smithy_runtime_api::http::Response::new(
            aws_smithy_runtime_api::http::StatusCode::try_from(400).unwrap(),
            aws_smithy_types::body::SdkBody::from(
                r#"{"__type":"AccessDeniedException","message":"User is not authorized to perform: cloudtrail:LookupEvents"}"#,
            ),
        )
    });
    let client = mock_client!(aws_sdk_cloudtrail, RuleMode::Sequential, &[&rule], retrying);
    let (f, pages) = lookup_region(&client, &Window::default(), None, None)
        .await
        .unwrap_err();
    assert_eq!(pages, 0);
    assert_eq!(f.status, CoverageStatus::Denied);
    assert_eq!(f.code, "AccessDeniedException");
    let cov = f.coverage(super::EVENTS, "eu-west-1");
    assert_eq!(cov.status, CoverageStatus::Denied);
    assert_eq!(rule.num_calls(), 1, "denied is not retried");
}

#[test]
fn sources_parse_from_the_command_line() {
    assert_eq!("api".parse::<TrailSource>().unwrap(), TrailSource::Api);
    assert_eq!("trail".parse::<TrailSource>().unwrap(), TrailSource::Trail);
    assert_eq!(
        "s3://logs/org/".parse::<TrailSource>().unwrap(),
        TrailSource::S3 {
            bucket: "logs".into(),
            prefix: "org".into()
        }
    );
    assert_eq!(
        "./ct".parse::<TrailSource>().unwrap(),
        TrailSource::Files("./ct".into())
    );
    assert!("s3://".parse::<TrailSource>().is_err());
}

#[test]
fn a_window_older_than_the_event_history_is_a_gap_with_its_dates() {
    let now: jiff::Timestamp = "2026-12-07T00:00:00Z".parse().unwrap();
    let window = |start: &str| Window {
        start: Some(start.parse().unwrap()),
        end: Some(now),
        account: None,
    };
    assert!(beyond_history(&window("2026-10-01T00:00:00Z"), now).is_none());
    let gap = beyond_history(&window("2026-08-01T00:00:00Z"), now).unwrap();
    assert_eq!(gap.status, crate::model::CoverageStatus::Error);
    let msg = gap.message.unwrap();
    assert!(
        msg.contains("starts 2026-08-01") && msg.contains("before 2026-09-08"),
        "{msg}"
    );
}
