//! Suppressions from `[[suppress]]` in the config: a check id and a resource
//! glob, with a reason, an owner and an expiry. Suppressed findings stay in
//! the report, marked; expired suppressions stop suppressing and say so;
//! suppressions that matched nothing are reported so stale ones get removed.

use crate::warning::{Warning, WarningCode};
use anyhow::{anyhow, Result};
use serde::{Deserialize, Serialize};

use super::Finding;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Suppression {
    /// Check id, or `*` for every check.
    pub check: String,
    /// Glob over the resource id, e.g. `ec2.security_group/us-east-1/sg-0abc*`.
    pub resource: String,
    pub reason: String,
    pub owner: String,
    /// YYYY-MM-DD (through the end of that day, UTC) or RFC 3339.
    pub expires: String,
}

/// What a suppressed finding carries in reports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SuppressionRef {
    pub reason: String,
    pub owner: String,
    pub expires: String,
}

impl SuppressionRef {
    /// `suppressed by OWNER until DATE: REASON`.
    pub fn describe(&self) -> String {
        format!(
            "suppressed by {} until {}: {}",
            self.owner, self.expires, self.reason
        )
    }
}

impl Suppression {
    pub fn validate(&self) -> Result<()> {
        globset::Glob::new(&self.resource)
            .map_err(|e| anyhow!("[[suppress]] resource {:?}: {e}", self.resource))?;
        crate::baseline::parse_time(&self.expires).ok_or_else(|| {
            anyhow!(
                "[[suppress]] expires {:?}: not a date (YYYY-MM-DD) or RFC 3339 time",
                self.expires
            )
        })?;
        if self.reason.trim().is_empty() || self.owner.trim().is_empty() {
            return Err(anyhow!(
                "[[suppress]] for {} needs a reason and an owner",
                self.check
            ));
        }
        Ok(())
    }
}

/// Marks suppressed findings; returns warnings (expired, matched nothing).
pub fn apply(
    findings: &mut [Finding],
    rules: &[Suppression],
    now: jiff::Timestamp,
) -> Vec<Warning> {
    let mut warnings = Vec::new();
    for s in rules {
        let Ok(glob) = globset::GlobBuilder::new(&s.resource)
            .literal_separator(false)
            .build()
        else {
            continue;
        };
        let m = glob.compile_matcher();
        let expired = crate::baseline::parse_time(&s.expires).is_none_or(|t| t <= now);
        let mut matched = 0;
        for f in findings.iter_mut() {
            if (s.check == "*" || s.check == f.check) && m.is_match(&f.resource.id) {
                matched += 1;
                if expired {
                    f.notes.push(format!(
                        "suppression by {} expired on {} ({})",
                        s.owner, s.expires, s.reason
                    ));
                } else if f.suppressed.is_none() {
                    f.suppressed = Some(SuppressionRef {
                        reason: s.reason.clone(),
                        owner: s.owner.clone(),
                        expires: s.expires.clone(),
                    });
                }
            }
        }
        if matched == 0 {
            warnings.push(Warning::new(WarningCode::SuppressionUnmatched, format!(
                "suppression of {} for {} (owner {}) matched no finding: remove it if the problem is fixed",
                s.check, s.resource, s.owner
            )));
        } else if expired {
            warnings.push(Warning::new(WarningCode::SuppressionExpired, format!(
                "suppression of {} for {} (owner {}) expired on {}: {} finding(s) no longer suppressed",
                s.check, s.resource, s.owner, s.expires, matched
            )));
        }
    }
    warnings
}
