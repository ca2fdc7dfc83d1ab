//! `ec2.prefix_list`: a customer-managed prefix list (one the account owns
//! or one shared with it) and its entries. A security group rule that names
//! a prefix list admits every CIDR in it, so adding `0.0.0.0/0` to a list
//! opens every group that references it without touching the groups: the
//! entries are what the network checks resolve such rules against.
//! AWS-managed lists (owner `AWS`: S3, DynamoDB, CloudFront origin-facing
//! ...) hold AWS's own service addresses, change when AWS says so, and are
//! not snapshotted. Collected by `aws/ec2_prefix_list.rs`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::event::{id, Call};
use super::{Kind, Scope};
use crate::model::{Fetched, Risk, Tags};

pub const EC2_PREFIX_LIST: &str = "ec2.prefix_list";

pub static PREFIX_LIST_KIND: Kind = Kind {
    name: EC2_PREFIX_LIST,
    scope: Scope::Regional,
    risk: Risk::Network,
    about: "A customer-managed prefix list the account owns or that is shared with it, with its entries (DescribeManagedPrefixLists, GetManagedPrefixListEntries: one call per list). AWS-managed lists are not kept.",
    events: &[
        "CreateManagedPrefixList",
        "ModifyManagedPrefixList",
        "DeleteManagedPrefixList",
        "RestoreManagedPrefixListVersion",
    ],
    ids: prefix_list_ids,
    describe: |a| {
        let n = a["entries"].as_array().map_or(0, Vec::len);
        let name = a["name"].as_str().unwrap_or_default();
        match a["entries"] {
            Value::Array(_) => format!("{name}, {n} entries"),
            _ => name.to_string(),
        }
    },
    shape: super::shape::<PrefixList>,
    listed: None,
    unheld: super::all_held,
};

/// The list an event names. EC2's newer APIs log their request wrapped
/// (`{"ModifyManagedPrefixListRequest": {"PrefixListId": ...}}`) and their
/// answer under `prefixList`; the key's case varies, so the id is the first
/// `prefixListId` found at any depth, request first.
fn prefix_list_ids(c: &Call<'_>) -> Vec<String> {
    fn find(v: &Value, depth: u8) -> Option<&str> {
        let Value::Object(m) = v else { return None };
        for (k, v) in m {
            if k.eq_ignore_ascii_case("prefixListId") {
                if let Some(s) = v.as_str().filter(|s| s.starts_with("pl-")) {
                    return Some(s);
                }
            }
        }
        (depth > 0)
            .then(|| m.values().find_map(|v| find(v, depth - 1)))
            .flatten()
    }
    find(c.req, 3)
        .or_else(|| find(c.resp, 3))
        .map(|pl| vec![id(EC2_PREFIX_LIST, c.region, pl)])
        .unwrap_or_default()
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct PrefixList {
    pub name: Option<String>,
    /// The owning account: the scanned one, or the one that shared it.
    pub owner_id: Option<String>,
    /// `IPv4` or `IPv6`.
    pub address_family: Option<String>,
    pub max_entries: Option<i32>,
    /// Sorted by CIDR. The version number is left out: it moves with every
    /// edit, and the entries say what the edit was.
    pub entries: Fetched<Vec<PrefixListEntry>>,
    pub tags: Tags,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct PrefixListEntry {
    pub cidr: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}
