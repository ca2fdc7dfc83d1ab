//! How a failed call is recorded: denied (the caller may not) or an error
//! (anything else), with AWS's own code and message, so a gap in coverage
//! says what to grant or what went wrong.

use aws_sdk_ec2::error::ProvideErrorMetadata;
use aws_smithy_runtime_api::client::result::SdkError;

use crate::model::{Coverage, CoverageStatus};

/// How a failed call is recorded.
#[derive(Debug, Clone)]
pub struct Failure {
    pub status: CoverageStatus,
    pub code: String,
    pub message: String,
}

impl Failure {
    pub(crate) fn coverage(&self, service: &str, region: &str) -> Coverage {
        Coverage {
            service: service.into(),
            region: region.into(),
            status: self.status,
            error_code: Some(self.code.clone()),
            message: Some(self.message.clone()),
            unknown_values: Vec::new(),
            carried: Vec::new(),
        }
    }
}

/// Error codes that mean "you may not", across services.
const DENIED_CODES: &[&str] = &[
    "AccessDenied",
    "AccessDeniedException",
    "UnauthorizedOperation",
    "UnauthorizedAccess",
    "AllAccessDisabled",
    "AuthorizationError",
    "Forbidden",
];

/// Classifies an SDK error into denied or error, keeping its code.
pub(crate) fn classify<E, R>(err: &SdkError<E, R>) -> Failure
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug + 'static,
{
    let code = err.code().map(str::to_string);
    let message = err
        .message()
        .map(str::to_string)
        .unwrap_or_else(|| error_chain(err));
    let denied = code.as_deref().is_some_and(|c| DENIED_CODES.contains(&c));
    Failure {
        status: if denied {
            CoverageStatus::Denied
        } else {
            CoverageStatus::Error
        },
        code: code.unwrap_or_else(|| match err {
            SdkError::TimeoutError(_) => "Timeout".into(),
            SdkError::DispatchFailure(_) => "DispatchFailure".into(),
            SdkError::ResponseError(_) => "ResponseError".into(),
            _ => "Unknown".into(),
        }),
        message,
    }
}

/// The error and its sources on one line.
pub(crate) fn error_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut s = err.to_string();
    let mut cur = err.source();
    while let Some(e) = cur {
        s.push_str(": ");
        s.push_str(&e.to_string());
        cur = e.source();
    }
    s
}
