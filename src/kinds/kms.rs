//! `kms.key`: each customer-managed KMS key with what decides who may use
//! it (the key policy), whether it still works (state, pending deletion)
//! and whether its material rotates. AWS-managed keys are left out: their
//! policies are AWS's and cannot be changed. Collected by `aws/kms.rs`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::event::{id, text, Call};
use super::{Kind, Scope};
use crate::model::{Fetched, Risk};

pub const KMS_KEY: &str = "kms.key";

pub static KEY_KIND: Kind = Kind {
    name: KMS_KEY,
    scope: Scope::Regional,
    risk: Risk::Data,
    about: "A customer-managed key (ListKeys, DescribeKey) with its policy (GetKeyPolicy), rotation (GetKeyRotationStatus, symmetric AWS_KMS keys only) and aliases (ListAliases, once per region); native id is the key id.",
    events: &[
        "CreateKey",
        "PutKeyPolicy",
        "EnableKey",
        "DisableKey",
        "ScheduleKeyDeletion",
        "CancelKeyDeletion",
        "EnableKeyRotation",
        "DisableKeyRotation",
        "CreateAlias",
        "UpdateAlias",
        "DeleteAlias",
        "ReplicateKey",
        "ImportKeyMaterial",
        "DeleteImportedKeyMaterial",
    ],
    ids: key_ids,
    describe: |a| {
        let alias = a["aliases"]
            .as_array()
            .and_then(|v| v.first())
            .and_then(Value::as_str)
            .unwrap_or("");
        let state = a["metadata"]["state"].as_str().unwrap_or("");
        [alias, state]
            .iter()
            .filter(|s| !s.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(", ")
    },
    shape: super::shape::<Key>,
    listed: Some(super::Listed {
        types: &["AWS::KMS::Key"],
        by_any_event: true,
        id_of: |arn| key_of(arn, "").map(|(region, key)| id(KMS_KEY, region, key)),
    }),
    unheld: super::all_held,
};

/// A key named by id or key ARN. An alias in `keyId` names no key by
/// itself; CloudTrail's `resources[]` and alias events' `targetKeyId` do.
fn key_ids(c: &Call<'_>) -> Vec<String> {
    let mut out = Vec::new();
    for v in [
        text(c.req, &["keyId"]),
        text(c.req, &["targetKeyId"]),
        text(c.resp, &["keyMetadata", "keyId"]),
        // ReplicateKey's new key lives in the replica region.
        text(c.resp, &["replicaKeyMetadata", "arn"]),
    ]
    .into_iter()
    .flatten()
    {
        if let Some((region, key)) = key_of(&v, c.region) {
            out.push(id(KMS_KEY, region, key));
        }
    }
    out
}

/// `(region, key id)` of a key id or key ARN; `None` for an alias.
pub fn key_of<'a>(v: &'a str, region: &'a str) -> Option<(&'a str, &'a str)> {
    if v.starts_with("alias/") || v.contains(":alias/") {
        return None;
    }
    match v.split_once(":key/") {
        Some((head, key)) => Some((head.split(':').nth(3).unwrap_or(region), key)),
        None => Some((region, v)),
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct Key {
    /// DescribeKey's answer; unknown when the key policy shuts us out.
    pub metadata: Fetched<KeyMetadata>,
    /// Alias names (`alias/...`) that point at the key.
    pub aliases: Fetched<Vec<String>>,
    /// The key policy (the `default` one, the only name KMS has), normalized.
    pub policy: Fetched<Value>,
    /// Absent where AWS does not rotate (asymmetric, HMAC, imported, custom stores).
    pub rotation: Fetched<KeyRotation>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct KeyMetadata {
    /// `Enabled`, `Disabled`, `PendingDeletion`, `PendingImport`, ...
    pub state: String,
    /// `SYMMETRIC_DEFAULT`, `RSA_2048`, `HMAC_256`, ...
    pub spec: String,
    pub usage: String,
    /// `AWS_KMS`, `EXTERNAL` (imported material), `AWS_CLOUDHSM`, `EXTERNAL_KEY_STORE`.
    pub origin: String,
    pub multi_region: bool,
    pub description: String,
    /// When a scheduled deletion takes effect.
    pub deletion_date: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct KeyRotation {
    pub enabled: bool,
    pub period_days: Option<i32>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_named_by_id_or_arn_and_aliases_name_none() {
        assert_eq!(
            key_of("1234-ab", "us-east-1"),
            Some(("us-east-1", "1234-ab"))
        );
        assert_eq!(
            key_of("arn:aws:kms:eu-west-1:111:key/1234-ab", "us-east-1"),
            Some(("eu-west-1", "1234-ab"))
        );
        assert_eq!(key_of("alias/app", "us-east-1"), None);
        assert_eq!(
            key_of("arn:aws:kms:eu-west-1:111:alias/app", "us-east-1"),
            None
        );
    }
}
