//! EC2 kinds, per region: instances, Elastic IPs, security groups (rules
//! flattened into a set, one source each), VPCs and flow logs. Collected by
//! `aws/ec2.rs`.
//!
//! Every `Vec` here is a set: the collector sorts and de-duplicates it, so
//! AWS returning the same things in another order never reads as a change.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::event::{id, items, text, Call};
use super::{Kind, Scope};
use crate::model::{Fetched, Risk, Tags};

pub const EC2_INSTANCE: &str = "ec2.instance";
pub const EC2_ELASTIC_IP: &str = "ec2.elastic_ip";
pub const EC2_SECURITY_GROUP: &str = "ec2.security_group";
pub const EC2_VPC: &str = "ec2.vpc";
pub const EC2_FLOW_LOG: &str = "ec2.flow_log";

fn s<'a>(a: &'a Value, k: &str) -> &'a str {
    a.get(k).and_then(Value::as_str).unwrap_or("")
}

/// ModifyInstanceAttribute changes one attribute per call; the snapshot
/// holds the type, the security groups and the user data (by digest), not
/// the rest.
fn instance_unheld(c: &Call<'_>) -> Option<&'static str> {
    if c.name != "ModifyInstanceAttribute" {
        return None;
    }
    const HELD: &[&str] = &["instanceType", "groupSet", "groupId", "userData"];
    let attribute = text(c.req, &["attribute"]);
    let named = match &attribute {
        Some(a) => vec![a.as_str()],
        None => c
            .req
            .as_object()
            .map(|m| m.keys().map(String::as_str).collect())
            .unwrap_or_default(),
    };
    if named.iter().any(|k| HELD.contains(k)) {
        return None;
    }
    Some(if named.contains(&"disableApiTermination") {
        "changed termination protection, which the snapshot does not hold"
    } else if named.contains(&"disableApiStop") {
        "changed stop protection, which the snapshot does not hold"
    } else if named.contains(&"sourceDestCheck") {
        "changed the source/destination check, which the snapshot does not hold"
    } else if named.contains(&"instanceInitiatedShutdownBehavior") {
        "changed the shutdown behaviour, which the snapshot does not hold"
    } else if named.contains(&"blockDeviceMapping") {
        "changed the block device mapping, which the snapshot does not hold"
    } else {
        "changed an instance attribute the snapshot does not hold"
    })
}

pub static INSTANCE_KIND: Kind = Kind {
    name: EC2_INSTANCE,
    scope: Scope::Regional,
    risk: Risk::Asset,
    about: "An instance that is not terminated (DescribeInstances), with a digest of its user data (DescribeInstanceAttribute userData: one call per instance, none in a scan for one running since the baseline).",
    events: &[
        "RunInstances",
        "TerminateInstances",
        "StartInstances",
        "StopInstances",
        "ModifyInstanceAttribute",
        "ModifyInstanceMetadataOptions",
        "AssociateIamInstanceProfile",
        "DisassociateIamInstanceProfile",
        "ReplaceIamInstanceProfileAssociation",
    ],
    ids: instance_ids,
    describe: |a| {
        format!(
            "{} {} {}",
            s(a, "instance_type"),
            s(a, "state"),
            s(a, "image_id")
        )
    },
    shape: super::shape::<Instance>,
    listed: None,
    unheld: instance_unheld,
};

fn instance_ids(c: &Call<'_>) -> Vec<String> {
    let mut out = Vec::new();
    for v in [c.req, c.resp] {
        for it in items(v.get("instancesSet")) {
            if let Some(i) = text(it, &["instanceId"]) {
                out.push(id(EC2_INSTANCE, c.region, &i));
            }
        }
        if let Some(i) = text(v, &["instanceId"]) {
            out.push(id(EC2_INSTANCE, c.region, &i));
        }
    }
    if let Some(i) = text(c.req, &["AssociateIamInstanceProfileRequest", "InstanceId"]) {
        out.push(id(EC2_INSTANCE, c.region, &i));
    }
    out
}

pub static ELASTIC_IP_KIND: Kind = Kind {
    name: EC2_ELASTIC_IP,
    scope: Scope::Regional,
    risk: Risk::Asset,
    about: "An Elastic IP address and what it is attached to (DescribeAddresses).",
    events: &[
        "AllocateAddress",
        "ReleaseAddress",
        "AssociateAddress",
        "DisassociateAddress",
    ],
    ids: |c| {
        let mut out = super::event::ids_at(c, EC2_ELASTIC_IP, c.region, &[&["allocationId"]]);
        if c.name == "AssociateAddress" {
            if let Some(i) = text(c.req, &["instanceId"]) {
                out.push(id(EC2_INSTANCE, c.region, &i));
            }
        }
        out
    },
    describe: |a| s(a, "public_ip").to_string(),
    shape: super::shape::<ElasticIp>,
    listed: None,
    unheld: super::all_held,
};

pub static SECURITY_GROUP_KIND: Kind = Kind {
    name: EC2_SECURITY_GROUP,
    scope: Scope::Regional,
    risk: Risk::Network,
    about: "A security group with its rules, one source per rule (DescribeSecurityGroups).",
    events: &[
        "CreateSecurityGroup",
        "DeleteSecurityGroup",
        "AuthorizeSecurityGroupIngress",
        "AuthorizeSecurityGroupEgress",
        "RevokeSecurityGroupIngress",
        "RevokeSecurityGroupEgress",
        "ModifySecurityGroupRules",
        "UpdateSecurityGroupRuleDescriptionsIngress",
        "UpdateSecurityGroupRuleDescriptionsEgress",
    ],
    ids: security_group_ids,
    describe: |a| {
        format!(
            "{} ({} inbound rules)",
            s(a, "name"),
            a["ingress"].as_array().map_or(0, Vec::len)
        )
    },
    shape: super::shape::<SecurityGroup>,
    listed: None,
    unheld: super::all_held,
};

fn security_group_ids(c: &Call<'_>) -> Vec<String> {
    let mut out = super::event::ids_at(
        c,
        EC2_SECURITY_GROUP,
        c.region,
        &[
            &["groupId"],
            &["ModifySecurityGroupRulesRequest", "GroupId"],
        ],
    );
    for it in items(c.resp.get("securityGroupRuleSet")) {
        if let Some(g) = text(it, &["groupId"]) {
            out.push(id(EC2_SECURITY_GROUP, c.region, &g));
        }
    }
    out
}

pub static VPC_KIND: Kind = Kind {
    name: EC2_VPC,
    scope: Scope::Regional,
    risk: Risk::Network,
    about: "A VPC: CIDR blocks, default or not (DescribeVpcs). Its flow logs are `ec2.flow_log`.",
    events: &[
        "CreateVpc",
        "CreateDefaultVpc",
        "DeleteVpc",
        "ModifyVpcAttribute",
        "AssociateVpcCidrBlock",
        "DisassociateVpcCidrBlock",
    ],
    ids: |c| {
        let mut out = super::event::ids_at(c, EC2_VPC, c.region, &[&["vpcId"], &["vpc", "vpcId"]]);
        if let Some(v) = text(c.resp, &["AssociateVpcCidrBlockResponse", "vpcId"]) {
            out.push(id(EC2_VPC, c.region, &v));
        }
        out
    },
    describe: |a| {
        let default = if a["is_default"] == Value::Bool(true) {
            " (default)"
        } else {
            ""
        };
        format!("{}{default}", s(a, "cidr_block"))
    },
    shape: super::shape::<Vpc>,
    listed: None,
    unheld: super::all_held,
};

pub static FLOW_LOG_KIND: Kind = Kind {
    name: EC2_FLOW_LOG,
    scope: Scope::Regional,
    risk: Risk::Visibility,
    about: "A flow log on a VPC, subnet or network interface, with its traffic type and destination (DescribeFlowLogs).",
    events: &["CreateFlowLogs", "DeleteFlowLogs"],
    ids: flow_log_ids,
    describe: |a| {
        format!(
            "{} traffic of {} to {}",
            s(a, "traffic_type"),
            s(a, "resource_id"),
            s(a, "destination")
        )
    },
    shape: super::shape::<FlowLog>,
    listed: None,
    unheld: super::all_held,
};

/// Flow log ids arrive in the response (create) or the request (delete),
/// as a string, an EC2 `item` list, or the JSON-protocol `{content}` form
/// depending on the API version: every `fl-` string under those keys is one.
fn flow_log_ids(c: &Call<'_>) -> Vec<String> {
    fn walk(v: &Value, region: &str, out: &mut Vec<String>) {
        match v {
            Value::String(f) if f.starts_with("fl-") => out.push(id(EC2_FLOW_LOG, region, f)),
            Value::Array(a) => a.iter().for_each(|x| walk(x, region, out)),
            Value::Object(m) => m.values().for_each(|x| walk(x, region, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    let places = [
        super::event::at(c.resp, &["CreateFlowLogsResponse", "flowLogIdSet"]),
        c.resp.get("flowLogIdSet"),
        c.resp.get("flowLogIds"),
        c.req.get("DeleteFlowLogsRequest"),
        c.req.get("flowLogIdSet"),
        c.req.get("flowLogIds"),
    ];
    for p in places.into_iter().flatten() {
        walk(p, c.region, &mut out);
    }
    out
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct Instance {
    pub instance_type: String,
    pub state: String,
    pub image_id: Option<String>,
    pub launch_time: Option<String>,
    pub vpc_id: Option<String>,
    pub subnet_id: Option<String>,
    pub public_ip: Option<String>,
    pub private_ip: Option<String>,
    pub security_groups: Vec<String>,
    pub iam_instance_profile: Option<String>,
    pub metadata_options: Option<MetadataOptions>,
    /// Absent when the instance has none.
    #[serde(default)]
    pub user_data: Fetched<UserData>,
    pub tags: Tags,
}

/// What driftwatch keeps of an instance's user data: never the text, only
/// its digest, size and what in it looks like a secret (kind and line).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct UserData {
    /// SHA-256 of the bytes as stored (after base64), hex.
    pub sha256: String,
    pub bytes: usize,
    /// Gzip-compressed user data (cloud-init accepts it) is scanned
    /// decompressed.
    pub gzip: bool,
    pub secrets: Vec<crate::secrets::Hint>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct MetadataOptions {
    /// `required` means IMDSv2 only; `optional` allows IMDSv1.
    pub http_tokens: Option<String>,
    pub http_endpoint: Option<String>,
    pub http_put_response_hop_limit: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct ElasticIp {
    pub public_ip: Option<String>,
    pub domain: Option<String>,
    pub instance_id: Option<String>,
    pub association_id: Option<String>,
    pub network_interface_id: Option<String>,
    pub private_ip: Option<String>,
    pub tags: Tags,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct SecurityGroup {
    pub name: String,
    pub description: Option<String>,
    pub vpc_id: Option<String>,
    pub owner_id: Option<String>,
    pub ingress: Vec<Rule>,
    pub egress: Vec<Rule>,
    pub tags: Tags,
}

/// One normalized security-group rule: one protocol, one port range, one source.
/// AWS groups several sources into one IpPermission; we split them so each
/// rule is a set element that can be added or removed on its own.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Rule {
    /// `tcp`, `udp`, `icmp`, `icmpv6`, a protocol number, or `all` for -1.
    pub protocol: String,
    pub from_port: Option<i32>,
    pub to_port: Option<i32>,
    pub source: Source,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Set only by the checks, never collected: the prefix list a CIDR
    /// source was read from, when a rule naming the list was expanded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    CidrV4(String),
    CidrV6(String),
    Group(String),
    PrefixList(String),
}

impl Rule {
    /// Short human form: `tcp 22 0.0.0.0/0`.
    pub fn short(&self) -> String {
        let ports = match (self.from_port, self.to_port) {
            (Some(a), Some(b)) if a == b => a.to_string(),
            (Some(-1), Some(-1)) | (None, None) => "*".to_string(),
            (Some(a), Some(b)) => format!("{a}-{b}"),
            (Some(a), None) | (None, Some(a)) => a.to_string(),
        };
        let src = match &self.source {
            Source::CidrV4(s) | Source::CidrV6(s) | Source::Group(s) | Source::PrefixList(s) => s,
        };
        match &self.via {
            Some(pl) => format!("{} {} {} (in {pl})", self.protocol, ports, src),
            None => format!("{} {} {}", self.protocol, ports, src),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct Vpc {
    /// The primary IPv4 block.
    pub cidr_block: Option<String>,
    /// Every associated IPv4 and IPv6 block, primary included.
    pub cidr_blocks: Vec<String>,
    pub is_default: bool,
    pub state: Option<String>,
    pub owner_id: Option<String>,
    pub tags: Tags,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct FlowLog {
    /// The VPC, subnet or network interface logged.
    pub resource_id: String,
    /// `ALL`, `ACCEPT` or `REJECT`.
    pub traffic_type: Option<String>,
    /// `cloud-watch-logs`, `s3` or `kinesis-data-firehose`.
    pub destination_type: Option<String>,
    /// The destination ARN, or the log group name for older flow logs.
    pub destination: Option<String>,
    /// `ACTIVE` when the flow log exists and is set up.
    pub status: Option<String>,
    /// `SUCCESS`, or `FAILED` when the service cannot deliver.
    pub deliver_status: Option<String>,
    pub log_format: Option<String>,
    pub tags: Tags,
}
