//! `secretsmanager.secret`: each secret with what decides who may read it
//! (its resource policy), the key that encrypts it, its rotation, and when
//! it last changed. Never the secret value: no call here can return it.
//! Collected by `aws/secretsmanager.rs`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::event::{id, text, Call};
use super::{Kind, Scope};
use crate::model::{Fetched, Risk};

pub const SECRET: &str = "secretsmanager.secret";

pub static SECRET_KIND: Kind = Kind {
    name: SECRET,
    scope: Scope::Regional,
    risk: Risk::Data,
    about: "A secret's metadata (ListSecrets, planned deletions included) and resource policy (GetResourcePolicy, one call per secret); never its value. Native id is the secret name.",
    // PutResourcePolicy and DeleteResourcePolicy are also CloudWatch Logs' and
    // DynamoDB's names: only Secrets Manager's requests carry `secretId`.
    events: &[
        "CreateSecret",
        "DeleteSecret",
        "RestoreSecret",
        "UpdateSecret",
        "PutSecretValue",
        "RotateSecret",
        "CancelRotateSecret",
        "PutResourcePolicy",
        "DeleteResourcePolicy",
        "ReplicateSecretToRegions",
        "RemoveRegionsFromReplication",
        "StopReplicationToReplica",
    ],
    ids: secret_ids,
    describe: |a| {
        if a["deletion_date"].is_string() {
            "scheduled for deletion".into()
        } else if a["rotation"]["enabled"] == Value::Bool(true) {
            "rotated".into()
        } else {
            String::new()
        }
    },
    shape: super::shape::<Secret>,
    listed: None,
    unheld: super::all_held,
};

fn secret_ids(c: &Call<'_>) -> Vec<String> {
    let named = text(c.req, &["secretId"]).or_else(|| {
        (c.name == "CreateSecret")
            .then(|| text(c.resp, &["aRN"]).or_else(|| text(c.req, &["name"])))
            .flatten()
    });
    named
        .map(|n| {
            let (region, name) = secret_of(&n, c.region);
            vec![id(SECRET, region, name)]
        })
        .unwrap_or_default()
}

/// `(region, name)` of a secret named by name or ARN. A full ARN ends in
/// `-` and six random characters that are not part of the name.
pub fn secret_of<'a>(v: &'a str, region: &'a str) -> (&'a str, &'a str) {
    let Some((head, name)) = v.split_once(":secret:") else {
        return (region, v);
    };
    let region = head
        .split(':')
        .nth(3)
        .filter(|r| !r.is_empty())
        .unwrap_or(region);
    let b = name.as_bytes();
    let suffixed = b.len() > 7
        && b[b.len() - 7] == b'-'
        && b[b.len() - 6..].iter().all(u8::is_ascii_alphanumeric);
    (
        region,
        if suffixed {
            &name[..name.len() - 7]
        } else {
            name
        },
    )
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct Secret {
    pub description: String,
    /// The customer key that encrypts it; absent means the AWS-managed key.
    pub kms_key: Option<String>,
    pub rotation: SecretRotation,
    /// Any change: a new value (PutSecretValue, a rotation) or new settings.
    pub last_changed: Option<String>,
    /// When a scheduled deletion takes effect.
    pub deletion_date: Option<String>,
    /// The region a replica's primary lives in; absent for a primary.
    pub primary_region: Option<String>,
    /// The resource policy, normalized; absent when there is none.
    pub policy: Fetched<Value>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct SecretRotation {
    pub enabled: bool,
    pub every_days: Option<i64>,
    pub schedule: Option<String>,
    pub lambda: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_named_by_name_or_arn_without_the_random_suffix() {
        assert_eq!(secret_of("db/pass", "us-east-1"), ("us-east-1", "db/pass"));
        assert_eq!(
            secret_of(
                "arn:aws:secretsmanager:eu-west-1:111:secret:db/pass-AbC123",
                "us-east-1"
            ),
            ("eu-west-1", "db/pass")
        );
        assert_eq!(
            secret_of(
                "arn:aws:secretsmanager:eu-west-1:111:secret:db",
                "us-east-1"
            ),
            ("eu-west-1", "db")
        );
    }
}
