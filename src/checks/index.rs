//! Lookups across a snapshot that checks need (does this bucket exist? who
//! holds this IP?), built once per evaluation and handed to CEL as `index`.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Map, Value};

use crate::kinds::*;
use crate::model::Snapshot;

/// The `index` variable:
/// - `security_groups`: `"region/sg-id"` → the group's attrs
/// - `bucket_names`: every bucket in the account
/// - `public_ips`: addresses held by the account's instances and Elastic IPs
/// - `zone_names`: hosted zone names (lowercase, trailing dot)
/// - `keys_by_user`: user name → `[{id, status, created}]`
/// - the logging layer, see [`visibility`]
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
    let mut index = json!({
        "security_groups": groups,
        "bucket_names": buckets,
        "public_ips": ips,
        "zone_names": zones,
        "keys_by_user": keys,
    });
    if let (Value::Object(m), Value::Object(v)) = (&mut index, visibility(s)) {
        m.extend(v);
    }
    index
}

/// What the visibility checks look up:
/// - `scanned_regions`: regions this snapshot read
/// - `unread`: `service/region` scopes that could not be listed
/// - `trails`: every trail as `{name, home_region, multi_region, logging,
///   writes, s3_bucket}` (`logging`/`writes` null when not read)
/// - `buckets`: bucket name → attrs, for the trail bucket's settings
/// - `guardduty_on`: regions with an enabled detector
/// - `config_recording`: regions with a recorder that is recording
/// - `flow_logged`: VPC, subnet and interface ids with an active flow log
fn visibility(s: &Snapshot) -> Value {
    let mut trails = Vec::new();
    let mut buckets = Map::new();
    let mut guardduty = BTreeSet::new();
    let mut recording = BTreeSet::new();
    let mut logged = BTreeSet::new();
    for r in s.resources.values() {
        let a = &r.attrs;
        match r.kind.as_str() {
            CLOUDTRAIL_TRAIL => trails.push(json!({
                "name": r.native_id,
                "home_region": r.region,
                "multi_region": a["multi_region"],
                "logging": a["status"].get("is_logging").cloned().unwrap_or(Value::Null),
                "writes": a["captures"].get("management_write").cloned().unwrap_or(Value::Null),
                "s3_bucket": a["s3_bucket"],
            })),
            S3_BUCKET => {
                buckets.insert(r.native_id.clone(), a.clone());
            }
            GUARDDUTY_DETECTOR if a["status"] == "ENABLED" => {
                guardduty.insert(r.region.clone());
            }
            CONFIG_RECORDER if a["recording"] == Value::Bool(true) => {
                recording.insert(r.region.clone());
            }
            EC2_FLOW_LOG if a["status"].as_str().is_none_or(|s| s == "ACTIVE") => {
                if let Some(id) = a["resource_id"].as_str() {
                    logged.insert(id.to_string());
                }
            }
            _ => {}
        }
    }
    let unread: BTreeSet<&String> = s
        .coverage
        .iter()
        .filter(|(_, c)| c.status != crate::model::CoverageStatus::Complete)
        .map(|(k, _)| k)
        .collect();
    json!({
        "scanned_regions": s.regions,
        "unread": unread,
        "trails": trails,
        "buckets": buckets,
        "guardduty_on": guardduty,
        "config_recording": recording,
        "flow_logged": logged,
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
