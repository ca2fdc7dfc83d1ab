//! Route53 kinds, global: hosted zones and record sets. Collected by
//! `aws/route53.rs`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::event::{at, id, items, text, Call};
use super::{Kind, Scope};
use crate::model::{Fetched, Risk, GLOBAL};

pub const ROUTE53_ZONE: &str = "route53.zone";
pub const ROUTE53_RECORD: &str = "route53.record";

pub static ZONE_KIND: Kind = Kind {
    name: ROUTE53_ZONE,
    scope: Scope::Global,
    risk: Risk::Dns,
    about: "A hosted zone, public or private, with its VPCs (ListHostedZones, GetHostedZone).",
    events: &[
        "CreateHostedZone",
        "DeleteHostedZone",
        "AssociateVPCWithHostedZone",
        "DisassociateVPCFromHostedZone",
        "UpdateHostedZoneComment",
    ],
    ids: |c| {
        let mut out = Vec::new();
        for z in [
            text(c.req, &["id"]),
            text(c.req, &["hostedZoneId"]),
            text(c.resp, &["hostedZone", "id"]),
        ]
        .into_iter()
        .flatten()
        {
            out.push(id(
                ROUTE53_ZONE,
                GLOBAL,
                z.trim_start_matches("/hostedzone/"),
            ));
        }
        out
    },
    describe: |a| {
        let s = |k: &str| a.get(k).and_then(Value::as_str).unwrap_or("");
        let vis = if a["private"] == Value::Bool(true) {
            "private"
        } else {
            "public"
        };
        format!("{} ({vis})", s("name"))
    },
    shape: super::shape::<HostedZone>,
    listed: None,
    unheld: super::all_held,
};

pub static RECORD_KIND: Kind = Kind {
    name: ROUTE53_RECORD,
    scope: Scope::Global,
    risk: Risk::Dns,
    about: "A record set; native id `zone/name./TYPE[/set-identifier]` (ListResourceRecordSets).",
    events: &["ChangeResourceRecordSets"],
    ids: record_ids,
    describe: |a| {
        let s = |k: &str| a.get(k).and_then(Value::as_str).unwrap_or("");
        let values: Vec<&str> = a["values"]
            .as_array()
            .map(|v| v.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let target = if values.is_empty() {
            a["alias"]["dns_name"]
                .as_str()
                .map(|d| format!("alias {d}"))
                .unwrap_or_default()
        } else {
            values.join(", ")
        };
        format!("{} {} → {}", s("type"), s("name"), target)
    },
    shape: super::shape::<RecordSet>,
    listed: None,
    unheld: super::all_held,
};

fn record_name(n: &str) -> String {
    let mut n = crate::model::unescape_dns_name(n).to_ascii_lowercase();
    if !n.ends_with('.') {
        n.push('.');
    }
    n
}

fn record_ids(c: &Call<'_>) -> Vec<String> {
    let mut out = Vec::new();
    let Some(zone) = text(c.req, &["hostedZoneId"]) else {
        return out;
    };
    let zone = zone.trim_start_matches("/hostedzone/");
    for ch in items(at(c.req, &["changeBatch", "changes"])) {
        let rrs = at(ch, &["resourceRecordSet"]).unwrap_or(&Value::Null);
        if let (Some(n), Some(t)) = (text(rrs, &["name"]), text(rrs, &["type"])) {
            let mut native = format!("{zone}/{}/{t}", record_name(&n));
            if let Some(set) = text(rrs, &["setIdentifier"]) {
                native.push('/');
                native.push_str(&set);
            }
            out.push(id(ROUTE53_RECORD, GLOBAL, &native));
        }
    }
    out
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct HostedZone {
    pub name: String,
    pub private: bool,
    pub comment: Option<String>,
    /// `region/vpc-id` pairs for private zones.
    pub vpcs: Fetched<Vec<String>>,
    pub record_count: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
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
