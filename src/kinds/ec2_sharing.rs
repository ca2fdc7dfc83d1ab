//! EC2 kinds through which data leaves the account, per region: EBS
//! snapshots and AMIs the account owns with whom each is shared, and the
//! region's account-level EC2 settings (EBS encryption by default and its
//! key, snapshot and image block public access, serial console access,
//! instance metadata defaults). Collected by `aws/ec2_sharing.rs`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::event::{id, ids_at, items, text};
use super::{Kind, Scope};
use crate::model::{Fetched, Risk, Tags};

pub const EC2_SNAPSHOT: &str = "ec2.snapshot";
pub const EC2_IMAGE: &str = "ec2.image";
pub const EC2_REGION_SETTINGS: &str = "ec2.region_settings";

pub static SNAPSHOT_KIND: Kind = Kind {
    name: EC2_SNAPSHOT,
    scope: Scope::Regional,
    risk: Risk::Data,
    about: "An EBS snapshot the account owns, with who may create volumes from it (DescribeSnapshots, DescribeSnapshotAttribute createVolumePermission: one call per snapshot).",
    events: &[
        "CreateSnapshot",
        "CreateSnapshots",
        "CopySnapshot",
        "DeleteSnapshot",
        "ImportSnapshot",
        "ModifySnapshotAttribute",
        "ResetSnapshotAttribute",
    ],
    ids: |c| {
        let mut out = ids_at(c, EC2_SNAPSHOT, c.region, &[&["snapshotId"]]);
        for it in items(c.resp.get("snapshotSet")) {
            if let Some(s) = text(it, &["snapshotId"]) {
                out.push(id(EC2_SNAPSHOT, c.region, &s));
            }
        }
        out
    },
    describe: |a| {
        let enc = if a["encrypted"] == Value::Bool(true) {
            "encrypted"
        } else {
            "unencrypted"
        };
        format!("{enc}{}", shared_words(&a["shared_with"]))
    },
    shape: super::shape::<EbsSnapshot>,
    listed: None,
    unheld: super::all_held,
};

pub static IMAGE_KIND: Kind = Kind {
    name: EC2_IMAGE,
    scope: Scope::Regional,
    risk: Risk::Data,
    about: "An AMI the account owns, with who may launch it (DescribeImages, DescribeImageAttribute launchPermission: one call per image).",
    events: &[
        "CreateImage",
        "CopyImage",
        "RegisterImage",
        "DeregisterImage",
        "ImportImage",
        "ModifyImageAttribute",
        "ResetImageAttribute",
        "EnableImageDeprecation",
        "DisableImageDeprecation",
        "EnableImageDeregistrationProtection",
        "DisableImageDeregistrationProtection",
    ],
    ids: |c| ids_at(c, EC2_IMAGE, c.region, &[&["imageId"]]),
    describe: |a| {
        let name = a.get("name").and_then(Value::as_str).unwrap_or("");
        format!("{name}{}", shared_words(&a["shared_with"]))
    },
    shape: super::shape::<Image>,
    listed: None,
    unheld: super::all_held,
};

pub static REGION_SETTINGS_KIND: Kind = Kind {
    name: EC2_REGION_SETTINGS,
    scope: Scope::Regional,
    risk: Risk::Data,
    about: "The region's account-level EC2 settings; native id is the region name (GetEbsEncryptionByDefault, GetEbsDefaultKmsKeyId, GetSnapshotBlockPublicAccessState, GetImageBlockPublicAccessState, GetSerialConsoleAccessStatus, GetInstanceMetadataDefaults).",
    events: &[
        "EnableEbsEncryptionByDefault",
        "DisableEbsEncryptionByDefault",
        "ModifyEbsDefaultKmsKeyId",
        "ResetEbsDefaultKmsKeyId",
        "EnableSnapshotBlockPublicAccess",
        "DisableSnapshotBlockPublicAccess",
        "EnableImageBlockPublicAccess",
        "DisableImageBlockPublicAccess",
        "EnableSerialConsoleAccess",
        "DisableSerialConsoleAccess",
        "ModifyInstanceMetadataDefaults",
    ],
    ids: |c| vec![id(EC2_REGION_SETTINGS, c.region, c.region)],
    describe: |_| String::new(),
    shape: super::shape::<RegionSettings>,
    listed: None,
    unheld: super::all_held,
};

/// `, public` / `, shared with 2 accounts` for a report line.
fn shared_words(v: &Value) -> String {
    if v["public"] == Value::Bool(true) {
        return ", public".into();
    }
    let n: usize = ["accounts", "organizations", "organizational_units"]
        .iter()
        .map(|k| v[*k].as_array().map_or(0, Vec::len))
        .sum();
    match n {
        0 => String::new(),
        n => format!(", shared with {n}"),
    }
}

/// Who besides the owner may use a snapshot or an image. Every list is a
/// sorted set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Sharing {
    /// Granted to the group `all`: every AWS account.
    pub public: bool,
    pub accounts: Vec<String>,
    /// Organization ARNs (AMIs only).
    #[serde(default)]
    pub organizations: Vec<String>,
    /// Organizational unit ARNs (AMIs only).
    #[serde(default)]
    pub organizational_units: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct EbsSnapshot {
    pub volume_id: Option<String>,
    pub volume_size_gib: Option<i32>,
    pub encrypted: bool,
    pub kms_key_id: Option<String>,
    pub state: Option<String>,
    pub description: Option<String>,
    pub shared_with: Fetched<Sharing>,
    pub tags: Tags,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct Image {
    pub name: Option<String>,
    pub state: Option<String>,
    /// DescribeImages' own flag, known even when the attribute is not.
    pub public: bool,
    pub creation_date: Option<String>,
    pub deprecation_time: Option<String>,
    /// Snapshots behind its block devices: sharing the image shares them.
    pub snapshot_ids: Vec<String>,
    pub shared_with: Fetched<Sharing>,
    pub tags: Tags,
}

/// One region's account-level settings; each is read by its own call and
/// unknown on its own when that call fails.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct RegionSettings {
    pub ebs_encryption_by_default: Fetched<bool>,
    pub ebs_default_kms_key: Fetched<String>,
    /// `block-all-sharing`, `block-new-sharing` or `unblocked`.
    pub snapshot_block_public_access: Fetched<String>,
    /// `block-new-sharing` or `unblocked`.
    pub image_block_public_access: Fetched<String>,
    pub serial_console_access: Fetched<bool>,
    /// Defaults new instances get: `http_tokens` (`required` = IMDSv2
    /// only), hop limit, endpoint, tags in metadata. Empty: no defaults.
    pub metadata_defaults: Fetched<MetadataDefaults>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct MetadataDefaults {
    pub http_tokens: Option<String>,
    pub http_put_response_hop_limit: Option<i32>,
    pub http_endpoint: Option<String>,
    pub instance_metadata_tags: Option<String>,
}
