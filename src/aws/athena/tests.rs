//! The Athena source through the SDK's own mock client on a paused clock:
//! the query asked, waiting for it, pages of rows, a failed query, and the
//! ledger of rows equal to the ledger of the same records read from a file.

use aws_sdk_athena::operation::get_query_execution::GetQueryExecutionOutput;
use aws_sdk_athena::operation::get_query_results::GetQueryResultsOutput;
use aws_sdk_athena::operation::start_query_execution::StartQueryExecutionOutput;
use aws_sdk_athena::types::{
    Datum, QueryExecution, QueryExecutionStatistics, QueryExecutionStatus, ResultSet, Row,
};
use aws_sdk_athena::Client;
use aws_smithy_mocks::{mock, mock_client, Rule, RuleMode};
use serde_json::{json, Value};

use super::*;

const A: &str = "111122223333";
const B: &str = "444455556666";

fn table() -> Table {
    "athena://audit/trails.cloudtrail_org?output=s3://results/q"
        .parse()
        .unwrap()
}

fn window() -> Window {
    Window {
        start: Some("2026-11-27T00:00:00Z".parse().unwrap()),
        end: Some("2026-11-28T12:00:00Z".parse().unwrap()),
        account: None,
    }
}

/// CloudTrail records as a trail writes them: writes on watched and
/// unwatched kinds, a failed call, a sign-in, in two accounts.
fn records() -> Vec<Value> {
    let who = |acct: &str| {
        json!({"type": "IAMUser", "principalId": "AIDAX", "accountId": acct,
        "arn": format!("arn:aws:iam::{acct}:user/mallory"), "userName": "mallory",
        "sessionContext": {"sessionIssuer": {"type": "Role", "userName": "ops", "accountId": acct}}})
    };
    let rec = |n: u32, acct: &str, name: &str, source: &str, req: Value, extra: Value| {
        let mut r = json!({"eventID": format!("e{n}"), "eventTime": "2026-11-28T01:00:00Z",
            "eventName": name, "eventSource": source, "awsRegion": "us-east-1",
            "sourceIPAddress": "198.51.100.7", "userAgent": "aws-cli/2", "eventType": "AwsApiCall",
            "readOnly": "false", "recipientAccountId": acct, "userIdentity": who(acct),
            "requestParameters": req});
        r.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        r
    };
    vec![
        rec(
            1,
            A,
            "CreateUser",
            "iam.amazonaws.com",
            json!({"userName": "intruder"}),
            json!({}),
        ),
        rec(
            2,
            A,
            "AuthorizeSecurityGroupIngress",
            "ec2.amazonaws.com",
            json!({"groupId": "sg-1"}),
            json!({}),
        ),
        rec(
            3,
            A,
            "DeleteUser",
            "iam.amazonaws.com",
            json!({"userName": "bob"}),
            json!({"errorCode": "AccessDenied", "errorMessage": "no"}),
        ),
        rec(
            4,
            A,
            "PutDashboard",
            "monitoring.amazonaws.com",
            json!({"dashboardName": "d"}),
            json!({"resources": [{"ARN": "arn:aws:cloudwatch::111122223333:dashboard/d", "accountId": A, "type": "AWS::CloudWatch::Dashboard"}]}),
        ),
        rec(
            5,
            A,
            "ConsoleLogin",
            "signin.amazonaws.com",
            Value::Null,
            json!({"eventType": "AwsConsoleSignIn"}),
        ),
        rec(
            6,
            B,
            "CreateUser",
            "iam.amazonaws.com",
            json!({"userName": "other"}),
            json!({}),
        ),
    ]
}

/// Athena's rendering of a record: lowercase names, structs as JSON with
/// lowercase keys and nulls for absent fields, nested JSON as text.
fn row(header: &[String], r: &Value) -> Row {
    fn lower(v: &Value) -> Value {
        match v {
            Value::Object(m) => Value::Object(
                m.iter()
                    .map(|(k, v)| (k.to_ascii_lowercase(), lower(v)))
                    .chain([("webidfederationdata".to_string(), Value::Null)])
                    .collect(),
            ),
            Value::Array(a) => Value::Array(a.iter().map(lower).collect()),
            v => v.clone(),
        }
    }
    let by_lower: serde_json::Map<String, Value> = r
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.to_ascii_lowercase(), v.clone()))
        .collect();
    let mut b = Row::builder();
    for name in header {
        let cell = match (name.as_str(), by_lower.get(name)) {
            (_, None | Some(Value::Null)) => None,
            ("useridentity" | "resources", Some(v)) => Some(lower(v).to_string()),
            (_, Some(Value::String(s))) => Some(s.clone()),
            (_, Some(v)) => Some(v.to_string()),
        };
        b = b.data(Datum::builder().set_var_char_value(cell).build());
    }
    b.build()
}

fn header() -> Vec<String> {
    crate::trail::athena::tests_support::column_names()
}

fn page(rows: Vec<Row>, next: Option<&str>) -> GetQueryResultsOutput {
    GetQueryResultsOutput::builder()
        .result_set(ResultSet::builder().set_rows(Some(rows)).build())
        .set_next_token(next.map(str::to_string))
        .build()
}

fn state(s: QueryExecutionState, reason: Option<&str>) -> GetQueryExecutionOutput {
    GetQueryExecutionOutput::builder()
        .query_execution(
            QueryExecution::builder()
                .status(
                    QueryExecutionStatus::builder()
                        .state(s)
                        .set_state_change_reason(reason.map(str::to_string))
                        .build(),
                )
                .statistics(
                    QueryExecutionStatistics::builder()
                        .data_scanned_in_bytes(4096)
                        .build(),
                )
                .build(),
        )
        .build()
}

fn started() -> Rule {
    mock!(Client::start_query_execution)
        .match_requests(|r| {
            let q = r.query_string().unwrap_or_default();
            r.work_group() == Some("audit")
                && r.query_execution_context().and_then(|c| c.database()) == Some("trails")
                && r.result_configuration().and_then(|c| c.output_location())
                    == Some("s3://results/q")
                && q.contains("FROM \"trails\".\"cloudtrail_org\"")
                && q.contains(&format!("account IN ('{A}', '{B}')"))
                && q.contains("region IN ('us-east-1')")
                && q.contains("\"timestamp\" BETWEEN '2026/11/27' AND '2026/11/28'")
                && q.contains("eventtime BETWEEN '2026-11-27T00:00:00Z' AND '2026-11-28T12:00:00Z'")
                && q.contains("readonly = 'false' OR errorcode IS NOT NULL")
        })
        .then_output(|| {
            StartQueryExecutionOutput::builder()
                .query_execution_id("q-1")
                .build()
        })
}

/// The run's query for accounts A and B in us-east-1, answered by `rules`
/// in order.
async fn read_with(rules: &[Rule]) -> Result<Rows, Failure> {
    let c = mock_client!(
        aws_sdk_athena,
        RuleMode::Sequential,
        &rules.iter().collect::<Vec<_>>()
    );
    let ctx = crate::aws::mock_ctx().await;
    let accounts = [A.into(), B.into()];
    read(
        &ctx,
        &c,
        &table(),
        &accounts,
        &["us-east-1".into()],
        &window(),
    )
    .await
}

/// The query waits (queued, running), then its rows come in two pages and
/// go to the account that recorded each.
#[tokio::test(start_paused = true)]
async fn the_query_is_waited_for_and_its_pages_read() {
    let h = header();
    let recs = records();
    let first: Vec<Row> = std::iter::once(
        Row::builder()
            .set_data(Some(
                h.iter()
                    .map(|n| Datum::builder().var_char_value(n).build())
                    .collect(),
            ))
            .build(),
    )
    .chain(recs[..4].iter().map(|r| row(&h, r)))
    .collect();
    let second: Vec<Row> = recs[4..].iter().map(|r| row(&h, r)).collect();
    let rules = [
        started(),
        mock!(Client::get_query_execution).then_output(|| state(QueryExecutionState::Queued, None)),
        mock!(Client::get_query_execution)
            .then_output(|| state(QueryExecutionState::Running, None)),
        mock!(Client::get_query_execution)
            .then_output(|| state(QueryExecutionState::Succeeded, None)),
        mock!(Client::get_query_results)
            .match_requests(|r| r.next_token().is_none() && r.query_execution_id() == Some("q-1"))
            .then_output(move || page(first.clone(), Some("p2"))),
        mock!(Client::get_query_results)
            .match_requests(|r| r.next_token() == Some("p2"))
            .then_output(move || page(second.clone(), None)),
    ];
    let rows = read_with(&rules).await.unwrap();
    assert_eq!((rows.rows, rows.pages, rows.scanned_bytes), (6, 2, 4096));
    assert_eq!(
        rows.by_account.keys().collect::<Vec<_>>(),
        [&111122223333, &444455556666]
    );

    // The same records read from a log file give the same ledger.
    let w = Window {
        account: Some(111122223333),
        ..window()
    };
    let via_athena = trail_read(Ok(&rows), &table(), w.account, &w, None);
    let log = json!({"Records": recs}).to_string();
    let from_file = source::parse_log(log.as_bytes(), &w).unwrap();
    let mut own = from_file.ledger.clone();
    // The file holds B's record too; the query's rows for A do not.
    own.read -= 1;
    own.skipped.other_accounts -= 1;
    assert_eq!(via_athena.outcome.ledger, own);
    assert_eq!(via_athena.outcome.events, from_file.events);
    assert_eq!(via_athena.coverage[0].status, CoverageStatus::Complete);
    assert!(
        via_athena.sources[0].contains("6 rows, 4096 bytes scanned"),
        "{:?}",
        via_athena.sources
    );
    let l = &via_athena.outcome.ledger;
    assert_eq!(
        (l.read, l.failed, l.skipped.sign_ins, l.outside),
        (5, 1, 1, 1),
        "{l:?}"
    );
}

/// A query Athena fails is a gap in every account's events, with
/// Athena's reason; the rows are never asked for.
#[tokio::test(start_paused = true)]
async fn a_failed_query_is_a_gap_with_its_reason() {
    let rules = [
        started(),
        mock!(Client::get_query_execution).then_output(|| {
            state(
                QueryExecutionState::Failed,
                Some("TABLE_NOT_FOUND: cloudtrail_org"),
            )
        }),
    ];
    let f = read_with(&rules).await.unwrap_err();
    assert_eq!(f.code, "AthenaQueryFailed");
    assert!(f.message.contains("TABLE_NOT_FOUND"), "{}", f.message);
    let r = trail_read(Err(&f), &table(), Some(111122223333), &window(), None);
    assert_eq!(r.coverage[0].status, CoverageStatus::Error);
    assert_eq!(r.coverage[0].region, "athena");
    assert_eq!(r.outcome.ledger.read, 0);
}
