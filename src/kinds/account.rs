//! `account.region`: each region the account has enabled (DescribeRegions,
//! which lists only enabled ones), whether or not this run scanned it. A
//! newly enabled opt-in region is new attack surface and reads as added; the
//! per-region posture checks (is there a trail, a detector, a recorder
//! here?) take it as their subject.

use serde::{Deserialize, Serialize};

use super::event::{id, text};
use super::{Kind, Scope};
use crate::model::{Risk, GLOBAL};

pub const ACCOUNT_REGION: &str = "account.region";

pub static REGION_KIND: Kind = Kind {
    name: ACCOUNT_REGION,
    scope: Scope::Global,
    risk: Risk::Visibility,
    about: "An enabled region; native id is the region name (ec2:DescribeRegions).",
    events: &["EnableRegion", "DisableRegion"],
    ids: |c| {
        text(c.req, &["regionName"])
            .or_else(|| text(c.req, &["RegionName"]))
            .map(|r| id(ACCOUNT_REGION, GLOBAL, &r))
            .into_iter()
            .collect()
    },
    describe: |a| {
        a.get("opt_in_status")
            .and_then(serde_json::Value::as_str)
            .unwrap_or("")
            .to_string()
    },
    shape: super::shape::<Region>,
    listed: None,
    unheld: super::all_held,
};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct Region {
    /// `opt-in-not-required` or `opted-in`.
    pub opt_in_status: Option<String>,
}
