//! Lookups across a snapshot that checks need (does this bucket exist? who
//! holds this IP?), built once per evaluation and handed to CEL as `index`.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Map, Value};

use crate::model::kinds::*;
use crate::model::Snapshot;

/// The `index` variable:
/// - `security_groups`: `"region/sg-id"` → the group's attrs
/// - `bucket_names`: every bucket in the account
/// - `public_ips`: addresses held by the account's instances and Elastic IPs
/// - `zone_names`: hosted zone names (lowercase, trailing dot)
/// - `keys_by_user`: user name → `[{id, status, created}]`
pub fn build_index(s: &Snapshot) -> Value {
    let mut groups = Map::new();
    let mut buckets = BTreeSet::new();
    let mut ips = BTreeSet::new();
    let mut zones = BTreeSet::new();
    let mut keys: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for r in s.resources.values() {
        let a = &r.attrs;
        match r.kind.as_str() {
            EC2_SECURITY_GROUP => {
                groups.insert(format!("{}/{}", r.region, r.native_id), a.clone());
            }
            S3_BUCKET => {
                buckets.insert(r.native_id.clone());
            }
            EC2_INSTANCE | EC2_ELASTIC_IP => {
                if let Some(ip) = a.get("public_ip").and_then(Value::as_str) {
                    ips.insert(ip.to_string());
                }
            }
            ROUTE53_ZONE => {
                if let Some(n) = a.get("name").and_then(Value::as_str) {
                    let mut n = n.to_ascii_lowercase();
                    if !n.ends_with('.') {
                        n.push('.');
                    }
                    zones.insert(n);
                }
            }
            IAM_ACCESS_KEY => {
                if let Some(u) = a.get("user").and_then(Value::as_str) {
                    keys.entry(u.to_string()).or_default().push(json!({
                        "id": r.native_id,
                        "status": a.get("status").cloned().unwrap_or(Value::Null),
                        "created": a.get("created").cloned().unwrap_or(Value::Null),
                    }));
                }
            }
            _ => {}
        }
    }
    json!({
        "security_groups": groups,
        "bucket_names": buckets,
        "public_ips": ips,
        "zone_names": zones,
        "keys_by_user": keys,
    })
}

/// Policy documents of an IAM resource by name: inline policies, or the
/// managed policy's own document. Empty for other kinds.
pub(crate) fn docs(kind: &str, native_id: &str, attrs: &Value) -> Value {
    match kind {
        IAM_USER | IAM_ROLE | IAM_GROUP => attrs
            .get("inline_policies")
            .cloned()
            .filter(Value::is_object)
            .unwrap_or_else(|| json!({})),
        IAM_POLICY => {
            let mut m = Map::new();
            if let Some(d) = attrs.get("document").filter(|d| d.is_object()) {
                m.insert(native_id.to_string(), d.clone());
            }
            Value::Object(m)
        }
        _ => json!({}),
    }
}
