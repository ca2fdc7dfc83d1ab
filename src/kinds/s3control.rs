//! `s3control.access_point`: an S3 access point, a door into a bucket with
//! a policy and Block Public Access settings of its own. A bucket can be
//! locked down while an access point on it lets the world in, or lets
//! another account's principals read it: the policy is what the checks
//! judge. Read through S3 Control, per region (`aws/s3control.rs`).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::event::{id, text, Call};
use super::{Kind, Listed, PublicAccessBlock, Scope};
use crate::model::{Fetched, Risk};

pub const S3CONTROL_ACCESS_POINT: &str = "s3control.access_point";

pub static ACCESS_POINT_KIND: Kind = Kind {
    name: S3CONTROL_ACCESS_POINT,
    scope: Scope::Regional,
    risk: Risk::Data,
    about: "An S3 access point (ListAccessPoints per region), its Block Public Access settings (GetAccessPoint), policy (GetAccessPointPolicy) and AWS's judgement of it (GetAccessPointPolicyStatus); native id is its name.",
    events: &[
        "CreateAccessPoint",
        "DeleteAccessPoint",
        "PutAccessPointPolicy",
        "DeleteAccessPointPolicy",
    ],
    ids: access_point_ids,
    describe: |a| {
        let bucket = a["bucket"].as_str().unwrap_or("");
        let origin = a["network_origin"].as_str().unwrap_or("");
        format!("on bucket {bucket}, {origin}")
    },
    shape: super::shape::<AccessPoint>,
    listed: Some(Listed {
        types: &["AWS::S3::AccessPoint"],
        by_any_event: false,
        id_of: |arn| {
            // arn:PARTITION:s3:REGION:ACCOUNT:accesspoint/NAME
            let mut parts = arn.splitn(6, ':');
            let region = parts.nth(3)?;
            let name = parts.nth(1)?.strip_prefix("accesspoint/")?;
            Some(id(S3CONTROL_ACCESS_POINT, region, name))
        },
    }),
    unheld: super::all_held,
};

/// S3 Control's calls name the access point in the request (`name`, the
/// URI's label), on the region's endpoint.
fn access_point_ids(c: &Call<'_>) -> Vec<String> {
    text(c.req, &["name"])
        .or_else(|| text(c.req, &["Name"]))
        .map(|n| id(S3CONTROL_ACCESS_POINT, c.region, &n))
        .into_iter()
        .collect()
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct AccessPoint {
    pub bucket: String,
    /// The account that owns the bucket, when it is not this one.
    pub bucket_account: Option<String>,
    /// `Internet` or `VPC`.
    pub network_origin: String,
    /// The VPC an access point of `VPC` origin answers in.
    pub vpc_id: Option<String>,
    /// The access point's policy, normalized; absent when it has none.
    pub policy: Fetched<Value>,
    /// AWS's verdict on the policy (GetAccessPointPolicyStatus).
    pub policy_is_public: Fetched<bool>,
    /// The access point's own Block Public Access settings (set at
    /// creation, never changed after).
    pub public_access_block: Fetched<PublicAccessBlock>,
}
