//! S3 kinds: buckets (global listing; per-bucket settings read against the
//! bucket's own region) and the account-level public access block.
//! Collected by `aws/s3.rs`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::event::{id, text, Call};
use super::{Kind, Scope};
use crate::model::{Fetched, Risk, Tags, GLOBAL};

pub const S3_BUCKET: &str = "s3.bucket";
pub const S3_ACCOUNT_PUBLIC_ACCESS_BLOCK: &str = "s3.account_public_access_block";

pub static BUCKET_KIND: Kind = Kind {
    name: S3_BUCKET,
    scope: Scope::Global,
    risk: Risk::Data,
    about: "A bucket: region, policy, ACL, public access block, website, ownership, tags, access logging, lifecycle, versioning, default encryption, object lock, replication (ListBuckets, then Get* per bucket).",
    events: &[
        "CreateBucket",
        "DeleteBucket",
        "PutBucketPolicy",
        "DeleteBucketPolicy",
        "PutBucketAcl",
        "PutBucketPublicAccessBlock",
        "DeleteBucketPublicAccessBlock",
        "PutBucketWebsite",
        "DeleteBucketWebsite",
        "PutBucketOwnershipControls",
        "DeleteBucketOwnershipControls",
        "PutBucketTagging",
        "DeleteBucketTagging",
        "PutBucketLogging",
        "PutBucketLifecycle",
        "PutBucketLifecycleConfiguration",
        "DeleteBucketLifecycle",
        "PutBucketVersioning",
        "PutBucketEncryption",
        "DeleteBucketEncryption",
        "PutBucketReplication",
        "DeleteBucketReplication",
        "PutObjectLockConfiguration",
    ],
    ids: |c: &Call<'_>| {
        text(c.req, &["bucketName"])
            .map(|b| id(S3_BUCKET, GLOBAL, &b))
            .into_iter()
            .collect()
    },
    describe: |a| {
        format!(
            "in {}",
            a.get("region")
                .and_then(Value::as_str)
                .unwrap_or("a region not read")
        )
    },
    shape: super::shape::<Bucket>,
    listed: Some(super::Listed {
        types: &["AWS::S3::Bucket"],
        by_any_event: true,
        id_of: |arn| {
            let name = arn.strip_prefix("arn:")?.split(":::").nth(1)?;
            (!name.is_empty() && !name.contains('/')).then(|| id(S3_BUCKET, GLOBAL, name))
        },
    }),
    unheld: super::all_held,
};

pub static ACCOUNT_PUBLIC_ACCESS_BLOCK_KIND: Kind = Kind {
    name: S3_ACCOUNT_PUBLIC_ACCESS_BLOCK,
    scope: Scope::Global,
    risk: Risk::Data,
    about: "The account-wide S3 public access block (S3 Control GetPublicAccessBlock); native id `account`.",
    events: &[
        "PutAccountPublicAccessBlock",
        "DeleteAccountPublicAccessBlock",
    ],
    ids: |_| vec![id(S3_ACCOUNT_PUBLIC_ACCESS_BLOCK, GLOBAL, "account")],
    describe: |_| String::new(),
    shape: super::shape::<AccountPublicAccessBlock>,
    listed: None,
    unheld: super::all_held,
};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
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
    /// How long data lives and where copies and logs go; flattened, so
    /// these are plain fields of the bucket on disk.
    #[serde(flatten)]
    pub settings: BucketSettings,
}

/// The bucket settings read by their own calls after the policy ones.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct BucketSettings {
    /// Server access logging: where the bucket's access logs go.
    pub logging: Fetched<Logging>,
    /// Lifecycle rules; absent when the bucket has none.
    pub lifecycle: Fetched<Vec<LifecycleRule>>,
    pub versioning: Fetched<Versioning>,
    /// Default encryption; absent only where AWS has no default (older buckets).
    pub encryption: Fetched<Encryption>,
    pub object_lock: Fetched<ObjectLock>,
    pub replication: Fetched<Vec<ReplicationRule>>,
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
#[serde(default)]
pub struct AccountPublicAccessBlock {
    pub config: Fetched<PublicAccessBlock>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Logging {
    pub target_bucket: String,
    pub target_prefix: Option<String>,
}

/// One lifecycle rule, reduced to what decides how long data lives.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, Default)]
pub struct LifecycleRule {
    pub id: Option<String>,
    /// `Enabled` or `Disabled`.
    pub status: String,
    /// The key prefix the rule applies to; empty or absent means every object.
    pub prefix: Option<String>,
    /// Tags an object must carry for the rule to apply.
    pub tags: Tags,
    /// Current versions expire this many days after creation.
    pub expiration_days: Option<i32>,
    /// Current versions expire on this date.
    pub expiration_date: Option<String>,
    /// Noncurrent versions expire this many days after becoming noncurrent.
    pub noncurrent_expiration_days: Option<i32>,
    /// `30d GLACIER` style transitions, in order.
    pub transitions: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Versioning {
    /// `Enabled`, `Suspended`, or absent when never enabled.
    pub status: Option<String>,
    /// `Enabled` or `Disabled`, when AWS says.
    pub mfa_delete: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Encryption {
    /// `AES256`, `aws:kms` or `aws:kms:dsse`.
    pub algorithm: String,
    pub kms_key: Option<String>,
    pub bucket_key: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ObjectLock {
    /// `Enabled` when the bucket has object lock.
    pub enabled: Option<String>,
    /// Default retention: `GOVERNANCE` or `COMPLIANCE`.
    pub mode: Option<String>,
    pub days: Option<i32>,
    pub years: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, Default)]
pub struct ReplicationRule {
    pub id: Option<String>,
    pub status: String,
    pub prefix: Option<String>,
    pub destination_bucket: String,
    /// The destination's account when the rule names one (cross-account).
    pub destination_account: Option<String>,
}
