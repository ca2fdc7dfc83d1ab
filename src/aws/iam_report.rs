//! The IAM credential report: asks AWS to generate it (a cached report up
//! to four hours old is returned as is; GenerateCredentialReport changes no
//! IAM state), waits while it is being generated, and reads its CSV into one
//! [`Credentials`] per user, the root user's under `<root_account>`.

use std::collections::HashMap;
use std::time::Duration;

use aws_sdk_iam::types::ReportStateType;
use aws_sdk_iam::Client;

use super::{classify, Ctx, Failure};
use crate::kinds::{Credentials, KeyUse};
use crate::model::CoverageStatus;

/// The report's name for the root user.
pub(super) const ROOT: &str = "<root_account>";

/// How long generation may take before the report counts as unread. AWS
/// usually finishes in seconds; a large account may take longer.
const WAITS: [Duration; 6] = [
    Duration::from_millis(250),
    Duration::from_millis(500),
    Duration::from_secs(1),
    Duration::from_secs(2),
    Duration::from_secs(4),
    Duration::from_secs(8),
];

/// Every row of the current report, by user name.
pub(super) async fn read(ctx: &Ctx, c: &Client) -> Result<HashMap<String, Credentials>, Failure> {
    for wait in WAITS.iter().copied().chain([Duration::ZERO]) {
        let state = ctx
            .call(c.generate_credential_report().send())
            .await
            .map_err(|e| classify(&e))?;
        if state.state() == Some(&ReportStateType::Complete) {
            break;
        }
        if wait.is_zero() {
            return Err(Failure {
                status: CoverageStatus::Error,
                code: "ReportNotReady".into(),
                message: "the credential report was still being generated after 16 s".into(),
            });
        }
        tokio::time::sleep(wait).await;
    }
    let out = ctx
        .call(c.get_credential_report().send())
        .await
        .map_err(|e| classify(&e))?;
    let content = out.content().map(|b| b.as_ref()).unwrap_or_default();
    parse(content).map_err(|e| Failure {
        status: CoverageStatus::Error,
        code: "UnreadableReport".into(),
        message: format!("credential report: {e}"),
    })
}

/// Reads the report's CSV by column name (AWS has added columns before).
pub(crate) fn parse(csv_bytes: &[u8]) -> Result<HashMap<String, Credentials>, csv::Error> {
    let mut rd = csv::Reader::from_reader(csv_bytes);
    let headers = rd.headers()?.clone();
    let mut out = HashMap::new();
    for row in rd.records() {
        let row = row?;
        let get = |name: &str| {
            headers
                .iter()
                .position(|h| h == name)
                .and_then(|i| row.get(i))
                .unwrap_or("")
        };
        let Some(user) = Some(get("user")).filter(|u| !u.is_empty()) else {
            continue;
        };
        let creds = Credentials {
            password_enabled: flag(get("password_enabled")),
            password_last_changed: time(get("password_last_changed")),
            password_last_used: time(get("password_last_used")),
            mfa_active: flag(get("mfa_active")).unwrap_or(false),
            access_key_1: key(&get, "access_key_1"),
            access_key_2: key(&get, "access_key_2"),
            signing_certificate_active: [get("cert_1_active"), get("cert_2_active")]
                .iter()
                .any(|v| flag(v) == Some(true)),
        };
        out.insert(user.to_string(), creds);
    }
    Ok(out)
}

fn key<'a>(get: &impl Fn(&str) -> &'a str, slot: &str) -> Option<KeyUse> {
    let active = flag(get(&format!("{slot}_active"))).unwrap_or(false);
    let last_rotated = time(get(&format!("{slot}_last_rotated")));
    if !active && last_rotated.is_none() {
        return None;
    }
    Some(KeyUse {
        active,
        last_rotated,
        last_used: time(get(&format!("{slot}_last_used_date"))),
        last_used_service: value(get(&format!("{slot}_last_used_service"))),
        last_used_region: value(get(&format!("{slot}_last_used_region"))),
    })
}

/// `true`/`false`; `not_supported` and the like are no answer.
fn flag(v: &str) -> Option<bool> {
    match v {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

/// A real value: the report writes `N/A`, `no_information` and
/// `not_supported` where there is none.
fn value(v: &str) -> Option<String> {
    match v.trim() {
        "" | "N/A" | "no_information" | "not_supported" => None,
        v => Some(v.to_string()),
    }
}

/// A report time (`2026-11-28T09:00:00+00:00`) in the snapshot's form
/// (`2026-11-28T09:00:00Z`).
fn time(v: &str) -> Option<String> {
    let v = value(v)?;
    Some(
        v.parse::<jiff::Timestamp>()
            .map(|t| t.to_string())
            .unwrap_or(v),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::mock_ctx;
    use aws_sdk_iam::operation::generate_credential_report::GenerateCredentialReportOutput;
    use aws_sdk_iam::operation::get_credential_report::GetCredentialReportOutput;
    use aws_smithy_mocks::{mock, mock_client, RuleMode};
    use aws_smithy_types::Blob;

    /// AWS's column order; a user name with a comma is quoted.
    const REPORT: &str = "\
user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated
<root_account>,arn:aws:iam::111122223333:root,2020-01-01T00:00:00+00:00,not_supported,2026-11-01T08:00:00+00:00,not_supported,not_supported,false,true,2021-02-03T04:05:06+00:00,2026-10-30T10:00:00+00:00,us-east-1,s3,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A
alice,arn:aws:iam::111122223333:user/alice,2024-05-01T12:00:00+00:00,true,no_information,2024-05-01T12:00:00+00:00,N/A,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A
\"ops,ci\",\"arn:aws:iam::111122223333:user/ops,ci\",2025-01-01T00:00:00+00:00,false,N/A,N/A,N/A,false,false,2025-01-01T00:00:00+00:00,N/A,N/A,N/A,true,2025-06-01T00:00:00+00:00,2026-11-27T23:00:00+00:00,eu-west-1,sts,true,2025-01-01T00:00:00+00:00,false,N/A
";

    #[test]
    fn every_row_is_read_by_column_name() {
        let r = parse(REPORT.as_bytes()).unwrap();
        assert_eq!(r.len(), 3);
        let root = &r[ROOT];
        assert_eq!(root.password_enabled, None);
        assert_eq!(
            root.password_last_used.as_deref(),
            Some("2026-11-01T08:00:00Z")
        );
        let k = root.access_key_1.as_ref().unwrap();
        assert!(k.active);
        assert_eq!(k.last_used_service.as_deref(), Some("s3"));
        assert_eq!(root.access_key_2, None);
        let alice = &r["alice"];
        assert_eq!(alice.password_enabled, Some(true));
        assert_eq!(alice.password_last_used, None);
        assert_eq!(
            alice.password_last_changed.as_deref(),
            Some("2024-05-01T12:00:00Z")
        );
        assert!(alice.mfa_active);
        assert_eq!(alice.access_key_1, None);
        let ops = &r["ops,ci"];
        assert!(ops.signing_certificate_active);
        assert!(!ops.access_key_1.as_ref().unwrap().active);
        assert_eq!(
            ops.access_key_2.as_ref().unwrap().last_used.as_deref(),
            Some("2026-11-27T23:00:00Z")
        );
    }

    fn state(s: ReportStateType) -> GenerateCredentialReportOutput {
        GenerateCredentialReportOutput::builder().state(s).build()
    }

    /// Generation in progress is waited for, then the report is read.
    #[tokio::test(start_paused = true)]
    async fn a_report_being_generated_is_waited_for() {
        let generate = mock!(Client::generate_credential_report)
            .sequence()
            .output(|| state(ReportStateType::Started))
            .output(|| state(ReportStateType::Inprogress))
            .output(|| state(ReportStateType::Complete))
            .build();
        let get = mock!(Client::get_credential_report).then_output(|| {
            GetCredentialReportOutput::builder()
                .content(Blob::new(REPORT.as_bytes()))
                .build()
        });
        let c = mock_client!(aws_sdk_iam, RuleMode::MatchAny, &[&generate, &get]);
        let rows = read(&mock_ctx().await, &c).await.unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(generate.num_calls(), 3);
    }

    /// A report never finished is a failure with its own code, after the
    /// waits run out (16 s of paused time), not a hang.
    #[tokio::test(start_paused = true)]
    async fn a_report_never_finished_is_a_failure_not_a_hang() {
        let generate = mock!(Client::generate_credential_report)
            .then_output(|| state(ReportStateType::Inprogress));
        let c = mock_client!(aws_sdk_iam, RuleMode::MatchAny, &[&generate]);
        let f = read(&mock_ctx().await, &c).await.unwrap_err();
        assert_eq!(f.code, "ReportNotReady");
        assert_eq!(generate.num_calls(), WAITS.len() + 1);
    }

    #[test]
    fn a_row_with_missing_columns_is_an_error_not_a_user_without_credentials() {
        assert!(parse(b"user,arn,mfa_active\nalice,arn:aws:iam::1:user/alice\n").is_err());
    }
}
