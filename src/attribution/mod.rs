//! Pure judgement: changes + recorded approvals (and, with CloudTrail, the
//! events behind each change and the policy) → a verdict per change.

use serde::{Deserialize, Serialize};

use crate::baseline::{content_hash, Approval};
use crate::diff::Change;
use crate::model::Snapshot;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Unauthorized,
    Authorized,
    Approved,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Unauthorized => "unauthorized",
            Verdict::Authorized => "authorized",
            Verdict::Approved => "approved",
        }
    }
}

/// The approval that decided a change, as shown in reports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApprovalRef {
    pub change_id: String,
    pub reason: String,
    pub by: String,
    pub at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
}

impl From<&Approval> for ApprovalRef {
    fn from(a: &Approval) -> Self {
        ApprovalRef {
            change_id: a.change_id.clone(),
            reason: a.reason.clone(),
            by: a.by.clone(),
            at: a.at.clone(),
            expires: a.expires.clone(),
        }
    }
}

/// A verdict and what decided it.
#[derive(Debug, Clone, PartialEq)]
pub struct Judgement {
    pub verdict: Verdict,
    pub decided_by: Option<String>,
    pub approval: Option<ApprovalRef>,
    pub notes: Vec<String>,
}

/// Judges one change against the baseline's approvals. An approval covers a
/// change when it names the same resource and the resource's current content
/// is exactly what was approved, and it has not expired.
pub fn judge_by_approvals(
    change: &Change,
    current: &Snapshot,
    approvals: &[Approval],
    now: jiff::Timestamp,
) -> Judgement {
    let content = content_hash(current.resources.get(&change.resource.id));
    let mut notes = Vec::new();
    for a in approvals
        .iter()
        .filter(|a| !a.is_whole_state() && a.resource == change.resource.id)
    {
        if a.content != content {
            notes.push(format!(
                "approval {} ({}) no longer covers this resource: it changed again since",
                a.change_id, a.at
            ));
            continue;
        }
        if a.expired(now) {
            notes.push(format!(
                "approval {} expired on {}",
                a.change_id,
                a.expires.as_deref().unwrap_or("?")
            ));
            continue;
        }
        return Judgement {
            verdict: Verdict::Approved,
            decided_by: Some(format!(
                "approval {} by {}: {}",
                a.change_id, a.by, a.reason
            )),
            approval: Some(a.into()),
            notes: vec![],
        };
    }
    Judgement {
        verdict: Verdict::Unauthorized,
        decided_by: None,
        approval: None,
        notes,
    }
}
