//! Warnings: what a run wants the user to know that is neither a finding nor
//! a failure. Each carries a stable code (listed in the README like the exit
//! codes) so tools and people can filter on it.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum WarningCode {
    /// A check could not be evaluated on a resource.
    #[serde(rename = "W001")]
    CheckNotEvaluated,
    /// A suppression matched no finding.
    #[serde(rename = "W002")]
    SuppressionUnmatched,
    /// A suppression expired; its findings count again.
    #[serde(rename = "W003")]
    SuppressionExpired,
    /// A CloudTrail log file was skipped (corrupt, unreadable, a link loop).
    #[serde(rename = "W004")]
    TrailFileSkipped,
    /// An `[[allow]]` rule authorized nothing in the CloudTrail window.
    #[serde(rename = "W005")]
    AllowRuleUnmatched,
    /// An approval covers no change: its resource is as the baseline holds
    /// it (the change was undone).
    #[serde(rename = "W006")]
    ApprovalUnmatched,
    /// A Sigma rule uses what driftwatch cannot evaluate and was skipped
    /// (`--sigma-skip-unsupported`).
    #[serde(rename = "W007")]
    SigmaRuleSkipped,
}

impl WarningCode {
    pub fn as_str(self) -> &'static str {
        match self {
            WarningCode::CheckNotEvaluated => "W001",
            WarningCode::SuppressionUnmatched => "W002",
            WarningCode::SuppressionExpired => "W003",
            WarningCode::TrailFileSkipped => "W004",
            WarningCode::AllowRuleUnmatched => "W005",
            WarningCode::ApprovalUnmatched => "W006",
            WarningCode::SigmaRuleSkipped => "W007",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    pub code: WarningCode,
    pub message: String,
}

impl Warning {
    pub fn new(code: WarningCode, message: impl Into<String>) -> Warning {
        Warning {
            code,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "[{}] {}", self.code.as_str(), self.message)
    }
}
