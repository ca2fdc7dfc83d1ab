//! The resource kinds driftwatch snapshots and the typed shape of each kind's
//! `attrs`. Collectors build these; everything downstream reads the JSON.
//!
//! Every `Vec` here is a set: collectors sort and de-duplicate it, so AWS
//! returning the same things in another order never reads as a change.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Fetched, Tags};

pub const EC2_INSTANCE: &str = "ec2.instance";
pub const EC2_ELASTIC_IP: &str = "ec2.elastic_ip";
pub const EC2_SECURITY_GROUP: &str = "ec2.security_group";
pub const S3_BUCKET: &str = "s3.bucket";
pub const S3_ACCOUNT_PUBLIC_ACCESS_BLOCK: &str = "s3.account_public_access_block";
pub const IAM_USER: &str = "iam.user";
pub const IAM_ROLE: &str = "iam.role";
pub const IAM_GROUP: &str = "iam.group";
pub const IAM_POLICY: &str = "iam.policy";
pub const IAM_ACCESS_KEY: &str = "iam.access_key";
pub const IAM_ACCOUNT_SUMMARY: &str = "iam.account_summary";
pub const ROUTE53_ZONE: &str = "route53.zone";
pub const ROUTE53_RECORD: &str = "route53.record";

/// Every kind, for documentation and validation of user input.
pub const ALL_KINDS: &[&str] = &[
    EC2_INSTANCE,
    EC2_ELASTIC_IP,
    EC2_SECURITY_GROUP,
    S3_BUCKET,
    S3_ACCOUNT_PUBLIC_ACCESS_BLOCK,
    IAM_USER,
    IAM_ROLE,
    IAM_GROUP,
    IAM_POLICY,
    IAM_ACCESS_KEY,
    IAM_ACCOUNT_SUMMARY,
    ROUTE53_ZONE,
    ROUTE53_RECORD,
];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Instance {
    pub instance_type: String,
    pub state: String,
    pub image_id: Option<String>,
    pub launch_time: Option<String>,
    pub vpc_id: Option<String>,
    pub subnet_id: Option<String>,
    pub public_ip: Option<String>,
    pub private_ip: Option<String>,
    pub security_groups: Vec<String>,
    pub iam_instance_profile: Option<String>,
    pub metadata_options: Option<MetadataOptions>,
    pub tags: Tags,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct MetadataOptions {
    /// `required` means IMDSv2 only; `optional` allows IMDSv1.
    pub http_tokens: Option<String>,
    pub http_endpoint: Option<String>,
    pub http_put_response_hop_limit: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ElasticIp {
    pub public_ip: Option<String>,
    pub domain: Option<String>,
    pub instance_id: Option<String>,
    pub association_id: Option<String>,
    pub network_interface_id: Option<String>,
    pub private_ip: Option<String>,
    pub tags: Tags,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct SecurityGroup {
    pub name: String,
    pub description: Option<String>,
    pub vpc_id: Option<String>,
    pub owner_id: Option<String>,
    pub ingress: Vec<Rule>,
    pub egress: Vec<Rule>,
    pub tags: Tags,
}

/// One normalized security-group rule: one protocol, one port range, one source.
/// AWS groups several sources into one IpPermission; we split them so each
/// rule is a set element that can be added or removed on its own.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Rule {
    /// `tcp`, `udp`, `icmp`, `icmpv6`, a protocol number, or `all` for -1.
    pub protocol: String,
    pub from_port: Option<i32>,
    pub to_port: Option<i32>,
    pub source: Source,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    CidrV4(String),
    CidrV6(String),
    Group(String),
    PrefixList(String),
}

impl Rule {
    /// Short human form: `tcp 22 0.0.0.0/0`.
    pub fn short(&self) -> String {
        let ports = match (self.from_port, self.to_port) {
            (Some(a), Some(b)) if a == b => a.to_string(),
            (Some(-1), Some(-1)) | (None, None) => "*".to_string(),
            (Some(a), Some(b)) => format!("{a}-{b}"),
            (Some(a), None) | (None, Some(a)) => a.to_string(),
        };
        let src = match &self.source {
            Source::CidrV4(s) | Source::CidrV6(s) | Source::Group(s) | Source::PrefixList(s) => s,
        };
        format!("{} {} {}", self.protocol, ports, src)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Bucket {
    /// From ListBuckets or GetBucketLocation; unknown when neither answered,
    /// never guessed (a guess reads as "the bucket moved").
    pub region: Fetched<String>,
    pub creation_date: Option<String>,
    /// Normalized policy document (see [`super::policy`]).
    pub policy: Fetched<Value>,
    pub acl: Fetched<Acl>,
    pub public_access_block: Fetched<PublicAccessBlock>,
    /// GetBucketPolicyStatus: AWS's own judgement that the policy is public.
    pub policy_is_public: Fetched<bool>,
    pub website: Fetched<Website>,
    pub ownership: Fetched<String>,
    pub tags: Fetched<Tags>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Acl {
    pub owner: Option<String>,
    pub grants: Vec<Grant>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Grant {
    /// `CanonicalUser`, `Group` or `AmazonCustomerByEmail`.
    pub grantee_type: String,
    /// Canonical id, group URI or e-mail address.
    pub grantee: String,
    pub permission: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct PublicAccessBlock {
    pub block_public_acls: bool,
    pub ignore_public_acls: bool,
    pub block_public_policy: bool,
    pub restrict_public_buckets: bool,
}

impl PublicAccessBlock {
    pub fn all_on(&self) -> bool {
        self.block_public_acls
            && self.ignore_public_acls
            && self.block_public_policy
            && self.restrict_public_buckets
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Website {
    pub index_document: Option<String>,
    pub error_document: Option<String>,
    pub redirect_all_to: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct AccountPublicAccessBlock {
    pub config: Fetched<PublicAccessBlock>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct User {
    pub user_id: String,
    pub path: String,
    pub created: Option<String>,
    pub groups: Vec<String>,
    /// Inline policies by name, normalized.
    pub inline_policies: BTreeMap<String, Value>,
    /// ARNs of attached managed policies.
    pub attached_policies: Vec<String>,
    pub permissions_boundary: Option<String>,
    pub mfa_devices: Fetched<Vec<String>>,
    /// Whether the user can sign in to the console (has a login profile).
    pub login_profile: Fetched<bool>,
    pub tags: Tags,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Role {
    pub role_id: String,
    pub path: String,
    pub created: Option<String>,
    pub trust_policy: Value,
    pub inline_policies: BTreeMap<String, Value>,
    pub attached_policies: Vec<String>,
    pub permissions_boundary: Option<String>,
    pub instance_profiles: Vec<String>,
    pub tags: Tags,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Group {
    pub group_id: String,
    pub path: String,
    pub inline_policies: BTreeMap<String, Value>,
    pub attached_policies: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ManagedPolicy {
    pub name: String,
    pub path: String,
    /// AWS-managed policies appear only when something in the account uses them.
    pub aws_managed: bool,
    pub default_version: Option<String>,
    pub document: Value,
    pub attachment_count: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct AccessKey {
    pub user: String,
    pub status: String,
    pub created: Option<String>,
}

/// Account-wide IAM facts (GetAccountSummary) that have no resource of their own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct AccountSummary {
    pub root_access_keys_present: Fetched<bool>,
    pub root_mfa_enabled: Fetched<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct HostedZone {
    pub name: String,
    pub private: bool,
    pub comment: Option<String>,
    /// `region/vpc-id` pairs for private zones.
    pub vpcs: Fetched<Vec<String>>,
    pub record_count: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct RecordSet {
    pub zone_id: String,
    pub zone_name: String,
    pub private_zone: bool,
    pub name: String,
    #[serde(rename = "type")]
    pub record_type: String,
    pub ttl: Option<i64>,
    pub values: Vec<String>,
    pub alias: Option<AliasTarget>,
    pub set_identifier: Option<String>,
    /// Weight, region, failover or geolocation routing, when set.
    pub routing: Option<Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct AliasTarget {
    pub dns_name: String,
    pub hosted_zone_id: String,
    pub evaluate_target_health: bool,
}
