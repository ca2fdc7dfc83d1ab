//! S3 Block Public Access as AWS applies it: the most restrictive of the
//! account's and the bucket's settings, flag by flag. A public bucket
//! policy under RestrictPublicBuckets, or a public ACL under
//! IgnorePublicAcls, grants nothing to the public today; the checks report
//! it as one setting away from public instead (S3012). A flag whose value
//! could not be read on either side, and is not on on the other, is
//! unknown: never taken as blocking.

use serde_json::{Map, Value};

use crate::kinds::S3_ACCOUNT_PUBLIC_ACCESS_BLOCK;
use crate::model::{is_unknown_marker, Snapshot, GLOBAL};

pub const FLAGS: [&str; 4] = [
    "block_public_acls",
    "ignore_public_acls",
    "block_public_policy",
    "restrict_public_buckets",
];

/// One side's settings: `Some(map)` when read (a missing configuration is
/// every flag off), `None` when unknown.
pub type Side = Option<Map<String, Value>>;

/// The account-level settings, from the snapshot.
pub fn account_side(snap: &Snapshot) -> Side {
    let id = format!("{S3_ACCOUNT_PUBLIC_ACCESS_BLOCK}/{GLOBAL}/account");
    let config = snap.resources.get(&id)?.attrs.get("config")?;
    side(config)
}

/// The bucket-level settings from a bucket's attrs as checks see them (an
/// unknown value has been taken out).
pub fn bucket_side(attrs: &Value) -> Side {
    side(attrs.get("public_access_block")?)
}

fn side(v: &Value) -> Side {
    match v {
        Value::Null => Some(Map::new()),
        Value::Object(m) if !is_unknown_marker(v) => Some(m.clone()),
        _ => None,
    }
}

/// Each flag: `true` when either side has it on, `false` when both are
/// known and off, `null` otherwise.
pub fn effective(bucket: &Side, account: &Side) -> Value {
    let flag = |s: &Side, f: &str| s.as_ref().map(|m| m.get(f) == Some(&Value::Bool(true)));
    let out: Map<String, Value> = FLAGS
        .iter()
        .map(|f| {
            let v = match (flag(bucket, f), flag(account, f)) {
                (Some(true), _) | (_, Some(true)) => Value::Bool(true),
                (Some(false), Some(false)) => Value::Bool(false),
                _ => Value::Null,
            };
            (f.to_string(), v)
        })
        .collect();
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn on(flags: &[&str]) -> Side {
        Some(
            flags
                .iter()
                .map(|f| (f.to_string(), Value::Bool(true)))
                .collect(),
        )
    }

    #[test]
    fn the_most_restrictive_side_wins_and_unknown_never_blocks() {
        let e = effective(&on(&[]), &on(&["restrict_public_buckets"]));
        assert_eq!(e["restrict_public_buckets"], true);
        assert_eq!(e["ignore_public_acls"], false);
        let e = effective(&on(&["ignore_public_acls"]), &None);
        assert_eq!(e["ignore_public_acls"], true);
        assert_eq!(
            e["restrict_public_buckets"],
            Value::Null,
            "account unknown, bucket off"
        );
        assert_eq!(
            side(&json!(null)),
            Some(Map::new()),
            "no configuration: all off"
        );
        assert_eq!(side(&json!({"$unknown": "AccessDenied"})), None);
    }
}
