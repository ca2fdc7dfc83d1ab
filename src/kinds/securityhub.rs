//! `securityhub.hub`, per region: Security Hub when it is enabled there
//! (DescribeHub; "not subscribed" means off, and there is no resource).
//! Collected by `aws/securityhub.rs`.

use serde::{Deserialize, Serialize};

use super::event::id;
use super::{Kind, Scope};
use crate::model::Risk;

pub const SECURITYHUB_HUB: &str = "securityhub.hub";

pub static HUB_KIND: Kind = Kind {
    name: SECURITYHUB_HUB,
    scope: Scope::Regional,
    risk: Risk::Visibility,
    about: "Security Hub, enabled in the region; native id `default` (DescribeHub).",
    events: &[
        "EnableSecurityHub",
        "DisableSecurityHub",
        "UpdateSecurityHubConfiguration",
    ],
    ids: |c| vec![id(SECURITYHUB_HUB, c.region, "default")],
    describe: |_| String::new(),
    shape: super::shape::<Hub>,
    listed: None,
    unheld: super::all_held,
};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct Hub {
    pub subscribed_at: Option<String>,
    pub auto_enable_controls: Option<bool>,
    /// `SECURITY_CONTROL` (consolidated) or `STANDARD_CONTROL`.
    pub control_finding_generator: Option<String>,
}
