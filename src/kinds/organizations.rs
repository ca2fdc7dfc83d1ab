//! `organizations.membership`: which organization the account belongs to
//! and who manages it. An account taken out of its organization escapes
//! its service control policies and its organization trail, so leaving is a
//! change to watch. Collected by `aws/organizations.rs`.

use serde::{Deserialize, Serialize};

use super::event::id;
use super::{Kind, Scope};
use crate::model::{Risk, GLOBAL};

pub const ORG_MEMBERSHIP: &str = "organizations.membership";

/// The one membership resource's native id.
pub const MEMBERSHIP_ID: &str = "account";

pub static MEMBERSHIP_KIND: Kind = Kind {
    name: ORG_MEMBERSHIP,
    scope: Scope::Global,
    risk: Risk::Iam,
    about: "The account's organization (DescribeOrganization; none when the account is in none); native id `account`.",
    // Joining is accepting a handshake; leaving is the account's own call or
    // the management account's removal, which this account's trail may not
    // record.
    events: &[
        "LeaveOrganization",
        "AcceptHandshake",
        "CreateOrganization",
        "DeleteOrganization",
    ],
    ids: |_| vec![id(ORG_MEMBERSHIP, GLOBAL, MEMBERSHIP_ID)],
    describe: |a| match a["organization_id"].as_str() {
        Some(o) => format!("in {o}"),
        None => "in no organization".into(),
    },
    shape: super::shape::<Membership>,
    listed: None,
    unheld: super::all_held,
};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct Membership {
    /// `o-...`; absent when the account is in no organization.
    pub organization_id: Option<String>,
    pub management_account: Option<String>,
    /// `ALL` (service control policies apply) or `CONSOLIDATED_BILLING`.
    pub feature_set: Option<String>,
}
