//! Lookups across a snapshot that checks need (does this bucket exist? who
//! holds this IP?), built once per evaluation and handed to CEL as `index`.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Map, Value};

use crate::kinds::*;
use crate::model::Snapshot;

/// The `index` variable:
/// - `bucket_names`: every bucket in the account
/// - `public_ips`: addresses held by the account's instances and Elastic IPs
/// - `zone_names`: hosted zone names (lowercase, trailing dot)
/// - `keys_by_user`: user name → `[{id, status, created}]`
/// - the logging layer, see [`visibility`]
pub fn build_index(s: &Snapshot) -> Value {
    let mut buckets = BTreeSet::new();
    let mut ips = BTreeSet::new();
    let mut zones = BTreeSet::new();
    let mut keys: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    // By kind (an id range each): a large account's other resources are
    // never parsed for the index.
    buckets.extend(s.of_kind(S3_BUCKET).map(|r| r.native_id.clone()));
    for r in s.of_kind(EC2_INSTANCE).chain(s.of_kind(EC2_ELASTIC_IP)) {
        if let Some(ip) = r.attrs.read().get("public_ip").and_then(Value::as_str) {
            ips.insert(ip.to_string());
        }
    }
    for r in s.of_kind(ROUTE53_ZONE) {
        if let Some(n) = r.attrs.read().get("name").and_then(Value::as_str) {
            let mut n = n.to_ascii_lowercase();
            if !n.ends_with('.') {
                n.push('.');
            }
            zones.insert(n);
        }
    }
    for r in s.of_kind(IAM_ACCESS_KEY) {
        let a = r.attrs.read();
        if let Some(u) = a.get("user").and_then(Value::as_str) {
            keys.entry(u.to_string()).or_default().push(json!({
                "id": r.native_id,
                "status": a.get("status").cloned().unwrap_or(Value::Null),
                "created": a.get("created").cloned().unwrap_or(Value::Null),
            }));
        }
    }
    let mut index = json!({
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
/// - `buckets`: bucket name → attrs, for every bucket in `log_buckets`
///   (the trail bucket's settings); only those, so a 20,000-bucket account
///   does not copy every bucket into each evaluating thread's context
/// - `guardduty_on`: regions with an enabled detector
/// - `config_recording`: regions with a recorder that is recording
/// - `flow_logged`: VPC, subnet and interface ids with an active flow log
/// - `query_logged`: VPC ids whose DNS queries a Resolver config logs
/// - `securityhub_on`: regions where Security Hub is enabled
/// - `log_buckets`: buckets that receive logs (trails, access logs, flow
///   logs, Config, CloudFront, load balancers, DNS query logs), which need
///   no access logging of their own
/// - `cloudfront`: distribution domain → its aliases, and `lb_dns_names`
fn visibility(s: &Snapshot) -> Value {
    let log_buckets = log_buckets(s);
    let mut trails = Vec::new();
    let mut buckets = Map::new();
    let mut guardduty = BTreeSet::new();
    let mut recording = BTreeSet::new();
    let mut logged = BTreeSet::new();
    let hubs: BTreeSet<&String> = s.of_kind(SECURITYHUB_HUB).map(|r| &r.region).collect();
    for r in s.of_kind(CLOUDTRAIL_TRAIL) {
        let a = r.attrs.read();
        trails.push(json!({
            "name": r.native_id,
            "home_region": r.region,
            "multi_region": a["multi_region"],
            "logging": a["status"].get("is_logging").cloned().unwrap_or(Value::Null),
            "writes": a["captures"].get("management_write").cloned().unwrap_or(Value::Null),
            "s3_bucket": a["s3_bucket"],
        }));
    }
    for r in s.of_kind(S3_BUCKET) {
        if log_buckets.contains(&r.native_id) {
            buckets.insert(r.native_id.clone(), Value::clone(&r.attrs.read()));
        }
    }
    for r in s.of_kind(GUARDDUTY_DETECTOR) {
        if r.attrs.read()["status"] == "ENABLED" {
            guardduty.insert(r.region.clone());
        }
    }
    for r in s.of_kind(CONFIG_RECORDER) {
        if r.attrs.read()["recording"] == Value::Bool(true) {
            recording.insert(r.region.clone());
        }
    }
    for r in s.of_kind(EC2_FLOW_LOG) {
        let a = r.attrs.read();
        if a["status"].as_str().is_none_or(|s| s == "ACTIVE") {
            if let Some(id) = a["resource_id"].as_str() {
                logged.insert(id.to_string());
            }
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
        "query_logged": query_logged(s),
        "securityhub_on": hubs,
        "log_buckets": log_buckets,
        "cloudfront": cloudfront(s),
        "lb_dns_names": lb_dns_names(s),
    })
}

fn strings(v: &Value) -> impl Iterator<Item = String> + '_ {
    v.as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_string)
}

fn query_logged(s: &Snapshot) -> BTreeSet<String> {
    s.of_kind(RESOLVER_QUERY_LOG_CONFIG)
        .flat_map(|r| strings(&r.attrs.read()["vpcs"]).collect::<Vec<_>>())
        .collect()
}

/// A bucket named by an S3 ARN (`arn:aws:s3:::name/prefix`) or by name.
fn bucket_of(v: &Value) -> Option<String> {
    let t = v.as_str()?;
    let t = t.strip_prefix("arn:aws:s3:::").unwrap_or(t);
    let name = t.split('/').next()?.trim_end_matches(".s3.amazonaws.com");
    (!name.is_empty() && !name.starts_with("arn:")).then(|| name.to_string())
}

fn log_buckets(s: &Snapshot) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for kind in [
        CLOUDTRAIL_TRAIL,
        S3_BUCKET,
        CONFIG_DELIVERY_CHANNEL,
        EC2_FLOW_LOG,
        CLOUDFRONT_DISTRIBUTION,
        ELBV2_LOAD_BALANCER,
        RESOLVER_QUERY_LOG_CONFIG,
    ] {
        for r in s.of_kind(kind) {
            let a = r.attrs.read();
            let a: &Value = &a;
            let named = match kind {
                CLOUDTRAIL_TRAIL | CONFIG_DELIVERY_CHANNEL => &a["s3_bucket"],
                S3_BUCKET => &a["logging"]["target_bucket"],
                EC2_FLOW_LOG if a["destination_type"] == "s3" => &a["destination"],
                CLOUDFRONT_DISTRIBUTION => &a["logging"]["bucket"],
                ELBV2_LOAD_BALANCER => &a["access_logs"]["bucket"],
                RESOLVER_QUERY_LOG_CONFIG => &a["destination"],
                _ => continue,
            };
            out.extend(bucket_of(named));
        }
    }
    out
}

fn cloudfront(s: &Snapshot) -> Map<String, Value> {
    s.of_kind(CLOUDFRONT_DISTRIBUTION)
        .filter_map(|r| {
            let domain = r.attrs["domain_name"].as_str()?.to_ascii_lowercase();
            Some((domain, r.attrs["aliases"].clone()))
        })
        .collect()
}

fn lb_dns_names(s: &Snapshot) -> BTreeSet<String> {
    s.of_kind(ELBV2_LOAD_BALANCER)
        .filter_map(|r| r.attrs["dns_name"].as_str().map(str::to_ascii_lowercase))
        .collect()
}

/// What IAM principals hold beyond their own inline policies: managed
/// policy documents by ARN, each group's policies, and who holds each
/// managed policy. Built once per evaluation.
#[derive(Default)]
pub(crate) struct IamDocs {
    /// Managed policy ARN → (its name as a resource id, document).
    managed: BTreeMap<String, (String, Value)>,
    /// Group name → (inline policies, attached policy ARNs).
    groups: BTreeMap<String, (Value, Vec<String>)>,
    /// Managed policy resource id → `user/alice`, `role/admin`, ...
    holders: BTreeMap<String, Vec<String>>,
}

impl IamDocs {
    pub(crate) fn of(s: &Snapshot) -> IamDocs {
        let mut d = IamDocs::default();
        for r in s.of_kind(IAM_POLICY) {
            if let (Some(arn), Some(doc)) =
                (&r.arn, r.attrs.get("document").filter(|d| d.is_object()))
            {
                d.managed
                    .insert(arn.clone(), (r.native_id.clone(), doc.clone()));
            }
        }
        for r in s.of_kind(IAM_GROUP) {
            d.groups
                .insert(r.native_id.clone(), (inline(&r.attrs), attached(&r.attrs)));
        }
        for (kind, label) in [(IAM_USER, "user"), (IAM_GROUP, "group"), (IAM_ROLE, "role")] {
            for r in s.of_kind(kind) {
                for arn in attached(&r.attrs.read()) {
                    if let Some((id, _)) = d.managed.get(&arn) {
                        let who = format!("{label}/{}", r.native_id);
                        d.holders.entry(id.clone()).or_default().push(who);
                    }
                }
            }
        }
        d
    }

    /// `attached NAME` → document for each attached policy we hold, held
    /// by `holder` (`role/app`, `group/devs`).
    fn attached_docs(
        &self,
        arns: &[String],
        prefix: &str,
        holder: &str,
        out: &mut Map<String, Value>,
    ) {
        for arn in arns {
            if let Some((id, doc)) = self.managed.get(arn) {
                let from =
                    json!({"kind": "managed", "name": id, "arn": arn, "attached_to": [holder]});
                out.insert(format!("{prefix}attached {id}"), with_policy(doc, from));
            }
        }
    }
}

/// The document with where it comes from beside its statements, as
/// `$policy` (a [`super::location::PolicyRef`]): the policy functions name
/// it in their evidence. IAM ignores unknown top-level keys, and so do
/// checks that read `Statement`.
fn with_policy(doc: &Value, from: Value) -> Value {
    let mut doc = doc.clone();
    if let Value::Object(m) = &mut doc {
        m.insert("$policy".into(), from);
    }
    doc
}

/// The inline policies of `holder` (`user/alice`), each with its place.
fn inline_docs(policies: &Value, prefix: &str, holder: &str, out: &mut Map<String, Value>) {
    if let Value::Object(m) = policies {
        out.extend(m.iter().map(|(name, doc)| {
            let from = json!({"kind": "inline", "name": name, "attached_to": [holder]});
            (format!("{prefix}{name}"), with_policy(doc, from))
        }));
    }
}

fn inline(attrs: &Value) -> Value {
    attrs
        .get("inline_policies")
        .cloned()
        .filter(Value::is_object)
        .unwrap_or_else(|| json!({}))
}

fn attached(attrs: &Value) -> Vec<String> {
    attrs["attached_policies"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

/// The policy documents an IAM resource holds, by a name that says where
/// each comes from: inline policies by their name, attached managed ones as
/// `attached NAME`, a user's groups' as `group G: NAME`. A managed policy's
/// own document is keyed by its name and who holds it. Each document
/// carries its place as `$policy` ([`with_policy`]). Empty for other kinds.
pub(crate) fn docs(
    kind: &str,
    native_id: &str,
    arn: Option<&str>,
    attrs: &Value,
    iam: &IamDocs,
) -> Value {
    let mut out = Map::new();
    match kind {
        IAM_USER | IAM_ROLE | IAM_GROUP => {
            let holder = format!("{}/{native_id}", kind.trim_start_matches("iam."));
            inline_docs(&inline(attrs), "", &holder, &mut out);
            iam.attached_docs(&attached(attrs), "", &holder, &mut out);
            let groups = attrs["groups"].as_array().cloned().unwrap_or_default();
            for g in groups
                .iter()
                .filter_map(Value::as_str)
                .filter(|_| kind == IAM_USER)
            {
                let Some((group_inline, group_attached)) = iam.groups.get(g) else {
                    continue;
                };
                let (prefix, holder) = (format!("group {g}: "), format!("group/{g}"));
                inline_docs(group_inline, &prefix, &holder, &mut out);
                iam.attached_docs(group_attached, &prefix, &holder, &mut out);
            }
        }
        IAM_POLICY => {
            if let Some(d) = attrs.get("document").filter(|d| d.is_object()) {
                let holders = iam.holders.get(native_id).cloned().unwrap_or_default();
                let key = match holders.is_empty() {
                    false => format!("{native_id} (attached to {})", holders.join(", ")),
                    true => native_id.to_string(),
                };
                let from = json!({"kind": "managed", "name": native_id, "arn": arn,
                                  "attached_to": holders});
                out.insert(key, with_policy(d, from));
            }
        }
        _ => {}
    }
    Value::Object(out)
}
