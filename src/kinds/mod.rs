//! The resource-kind registry. A kind is a unit: its file in this directory
//! holds the typed shape of its `attrs`, where it lives (global or per
//! region), the CloudTrail events that change it and how each names the
//! resource, and how it reads in a report line. Diff, attribution, checks,
//! baselines and the generated kinds document read [`ALL`]; the collector
//! that builds it lives in `aws/<service>.rs`, the only module that talks
//! to AWS.
//!
//! Kinds of one service share a file when one API call returns several of
//! them (IAM's account authorization details, EC2's per-region lists).

pub mod account;
pub mod cloudfront;
pub mod cloudtrail;
pub mod config;
pub mod ec2;
pub mod ec2_prefix_list;
pub mod ec2_sharing;
pub mod elbv2;
pub mod event;
pub mod guardduty;
pub mod iam;
pub mod kms;
pub mod lambda;
pub mod organizations;
pub mod rds;
pub mod rolesanywhere;
pub mod route53;
pub mod route53resolver;
pub mod s3;
pub mod s3control;
pub mod secretsmanager;
pub mod securityhub;
pub mod sns;
pub mod sqs;

use std::collections::HashMap;
use std::sync::OnceLock;

use serde_json::Value;

pub use account::*;
pub use cloudfront::*;
pub use cloudtrail::*;
pub use config::*;
pub use ec2::*;
pub use ec2_prefix_list::*;
pub use ec2_sharing::*;
pub use elbv2::*;
pub use event::Call;
pub use guardduty::*;
pub use iam::*;
pub use kms::*;
pub use lambda::*;
pub use organizations::*;
pub use rds::*;
pub use rolesanywhere::*;
pub use route53::*;
pub use route53resolver::*;
pub use s3::*;
pub use s3control::*;
pub use secretsmanager::*;
pub use securityhub::*;
pub use sns::*;
pub use sqs::*;

use crate::model::{Resource, Risk};

/// Where a kind's resources live.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// One listing for the account; the region label is `global`.
    Global,
    /// Listed in every scanned region.
    Regional,
}

/// One resource kind.
pub struct Kind {
    /// `service.kind`, e.g. `ec2.security_group`. The service part names the
    /// coverage entry that governs it.
    pub name: &'static str,
    pub scope: Scope,
    /// The report section its changes belong to.
    pub risk: Risk,
    /// What it is and which calls read it, for the kinds document.
    pub about: &'static str,
    /// Write events that change it. An event belongs to exactly one kind
    /// (a test checks), though its `ids` may name resources of others.
    pub events: &'static [&'static str],
    /// Resource ids an event of this kind touched.
    pub ids: fn(&Call<'_>) -> Vec<String>,
    /// A few words about one resource for added/removed lines; empty when
    /// there is nothing to add to the id.
    pub describe: fn(&Value) -> String,
    /// Whether attrs read from a file have this kind's shape: every field
    /// present has its type (a missing one is taken as absent, so older
    /// baselines still load). [`shape`] over the kind's attrs type.
    pub shape: fn(&str) -> Result<(), serde_json::Error>,
    /// How CloudTrail's `resources[]` names one, where a record's ARN is
    /// enough to build its id; `None` where only the request and response
    /// name it.
    pub listed: Option<Listed>,
    /// What a call changed when its effect is on something the snapshot
    /// does not hold (`None`: the snapshot holds it). Such a call explains
    /// no change and is reported as a write, never as "changed back".
    pub unheld: fn(&Call<'_>) -> Option<&'static str>,
}

/// A kind as CloudTrail's `resources[]` lists it.
pub struct Listed {
    /// The `type` AWS writes there (`AWS::S3::Bucket`).
    pub types: &'static [&'static str],
    /// Whether any event listing one touched it (a bucket named by any S3
    /// call), or only this kind's own events do (a role is listed by
    /// AssumeRole, which changes nothing).
    pub by_any_event: bool,
    /// The resource id one's ARN gives, if it gives one.
    pub id_of: fn(&str) -> Option<String>,
}

/// For kinds whose every event changes what the snapshot holds.
pub fn all_held(_: &Call<'_>) -> Option<&'static str> {
    None
}

/// Reads attrs' JSON text as `T`, building no tree: the shape check of a
/// kind.
pub fn shape<T: serde::de::DeserializeOwned>(attrs: &str) -> Result<(), serde_json::Error> {
    serde_json::from_str::<T>(attrs).map(|_| ())
}

/// Every kind, in the order the kinds document lists them.
pub static ALL: &[&Kind] = &[
    &account::REGION_KIND,
    &cloudfront::DISTRIBUTION_KIND,
    &cloudtrail::TRAIL_KIND,
    &config::RECORDER_KIND,
    &config::DELIVERY_CHANNEL_KIND,
    &ec2::INSTANCE_KIND,
    &ec2::ELASTIC_IP_KIND,
    &ec2::SECURITY_GROUP_KIND,
    &ec2::VPC_KIND,
    &ec2::FLOW_LOG_KIND,
    &ec2_prefix_list::PREFIX_LIST_KIND,
    &ec2_sharing::SNAPSHOT_KIND,
    &ec2_sharing::IMAGE_KIND,
    &ec2_sharing::REGION_SETTINGS_KIND,
    &elbv2::LOAD_BALANCER_KIND,
    &guardduty::DETECTOR_KIND,
    &iam::USER_KIND,
    &iam::ROLE_KIND,
    &iam::GROUP_KIND,
    &iam::POLICY_KIND,
    &iam::ACCESS_KEY_KIND,
    &iam::ACCOUNT_SUMMARY_KIND,
    &kms::KEY_KIND,
    &lambda::FUNCTION_KIND,
    &organizations::MEMBERSHIP_KIND,
    &rds::DB_INSTANCE_KIND,
    &rds::DB_CLUSTER_KIND,
    &rds::DB_SNAPSHOT_KIND,
    &rds::DB_CLUSTER_SNAPSHOT_KIND,
    &rolesanywhere::TRUST_ANCHOR_KIND,
    &rolesanywhere::PROFILE_KIND,
    &route53::ZONE_KIND,
    &route53::RECORD_KIND,
    &route53resolver::QUERY_LOG_CONFIG_KIND,
    &s3::BUCKET_KIND,
    &s3::ACCOUNT_PUBLIC_ACCESS_BLOCK_KIND,
    &s3control::ACCESS_POINT_KIND,
    &secretsmanager::SECRET_KIND,
    &securityhub::HUB_KIND,
    &sns::TOPIC_KIND,
    &sqs::QUEUE_KIND,
];

pub fn by_name(name: &str) -> Option<&'static Kind> {
    ALL.iter().copied().find(|k| k.name == name)
}

/// Every kind name, for validating user input and error messages.
pub fn names() -> Vec<&'static str> {
    ALL.iter().map(|k| k.name).collect()
}

/// The kind an event name changes. Called for every CloudTrail record, so
/// it is a hash lookup with a fast non-cryptographic hasher (the names are
/// ours, not an attacker's choice of keys to collide).
pub fn for_event(name: &str) -> Option<&'static Kind> {
    type Table = HashMap<&'static str, &'static Kind, foldhash::fast::FixedState>;
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE
        .get_or_init(|| {
            ALL.iter()
                .flat_map(|k| k.events.iter().map(move |e| (*e, *k)))
                .collect()
        })
        .get(name)
        .copied()
}

/// Whether an event changes something driftwatch snapshots.
pub fn watched(name: &str) -> bool {
    for_event(name).is_some()
}

/// Resource ids an event touched: its kind's reading of the request and
/// response, plus what `resources[]` names by ARN (each listed kind
/// reading its own).
pub fn touched(call: &Call<'_>, listed: &Value) -> Vec<String> {
    let Some(kind) = for_event(call.name) else {
        return vec![];
    };
    let mut out = (kind.ids)(call);
    out.extend(listed_ids(kind.name, listed));
    out.sort();
    out.dedup();
    out
}

/// The kind a `resources[].type` names. Called for every record that
/// lists resources: a hash lookup.
fn for_listed_type(t: &str) -> Option<&'static Kind> {
    type Table = HashMap<&'static str, &'static Kind, foldhash::fast::FixedState>;
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE
        .get_or_init(|| {
            ALL.iter()
                .filter_map(|k| Some((k, k.listed.as_ref()?)))
                .flat_map(|(k, l)| l.types.iter().map(move |t| (*t, *k)))
                .collect()
        })
        .get(t)
        .copied()
}

/// Ids named by ARN in a record's `resources[]`, for an event of `kind`.
fn listed_ids(kind: &str, listed: &Value) -> Vec<String> {
    let Value::Array(list) = listed else {
        return vec![];
    };
    list.iter()
        .filter_map(|r| {
            let t = event::text(r, &["type"])?;
            let arn = event::text(r, &["ARN"]).or_else(|| event::text(r, &["arn"]))?;
            let k = for_listed_type(&t)?;
            let l = k.listed.as_ref()?;
            (l.by_any_event || k.name == kind).then(|| (l.id_of)(&arn))?
        })
        .collect()
}

/// What a call on a watched kind changed that the snapshot does not hold.
pub fn effect_not_held(call: &Call<'_>) -> Option<&'static str> {
    (for_event(call.name)?.unheld)(call)
}

/// A few words about a resource, `None` for an unknown kind or nothing to say.
pub fn describe(r: &Resource) -> Option<String> {
    let text = (by_name(&r.kind)?.describe)(&r.attrs);
    let t = text.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// The kinds document (`docs/kinds.md`): every kind, its scope, and the
/// events attribution maps to it. Generated; a test keeps it current.
pub fn document() -> String {
    let mut s = String::from(
        "# Resource kinds\n\n\
         Generated from `src/kinds/` by `DRIFTWATCH_UPDATE_COMPLETIONS=1 cargo test`; do not edit.\n\n\
         Every resource in a snapshot has an id `kind/region/native-id`; global kinds use the\n\
         region `global`. A CloudTrail event listed here is attributed to the resources it names;\n\
         other events do not explain changes.\n\n\
         | kind | scope | risk | what it is | events that change it |\n\
         |---|---|---|---|---|\n",
    );
    for k in ALL {
        let scope = match k.scope {
            Scope::Global => "global",
            Scope::Regional => "per region",
        };
        let events = if k.events.is_empty() {
            "—".to_string()
        } else {
            k.events
                .iter()
                .map(|e| format!("`{e}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        s.push_str(&format!(
            "| `{}` | {scope} | {} | {} | {events} |\n",
            k.name, k.risk, k.about
        ));
    }
    s
}

#[cfg(test)]
mod tests;
