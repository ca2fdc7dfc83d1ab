//! RDS kinds, per region: DB instances and clusters (public reachability,
//! encryption, groups, protection), and the DB and cluster snapshots the
//! account owns with whom each may be restored. Collected by `aws/rds.rs`.
//!
//! RDS stores identifiers in lowercase whatever case a request used, so ids
//! read from events are lowercased too.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::event::{id, text, Call};
use super::{Kind, Scope, Sharing};
use crate::model::{Fetched, Risk, Tags};

pub const RDS_INSTANCE: &str = "rds.instance";
pub const RDS_CLUSTER: &str = "rds.cluster";
pub const RDS_SNAPSHOT: &str = "rds.snapshot";
pub const RDS_CLUSTER_SNAPSHOT: &str = "rds.cluster_snapshot";

/// Ids of one kind named by any of `fields` in the request or response
/// (RDS's CloudTrail records spell them `dBInstanceIdentifier`).
fn named(c: &Call<'_>, kind: &str, fields: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    for v in [c.req, c.resp] {
        for f in fields {
            if let Some(n) = text(v, &[f]) {
                let n = n.rsplit(':').next().unwrap_or(&n).to_ascii_lowercase();
                out.push(id(kind, c.region, &n));
            }
        }
    }
    out
}

/// Tag events name any RDS resource by ARN (`arn:aws:rds:r:acct:db:name`).
/// Other services (ElastiCache, SSM, DMS) have events of the same name:
/// only an RDS ARN names anything here.
fn tagged(c: &Call<'_>) -> Vec<String> {
    let Some(arn) = text(c.req, &["resourceName"]) else {
        return vec![];
    };
    let parts: Vec<&str> = arn.splitn(7, ':').collect();
    if parts.get(2) != Some(&"rds") {
        return vec![];
    }
    let kind = match parts.get(5) {
        Some(&"db") => RDS_INSTANCE,
        Some(&"cluster") => RDS_CLUSTER,
        Some(&"snapshot") => RDS_SNAPSHOT,
        Some(&"cluster-snapshot") => RDS_CLUSTER_SNAPSHOT,
        _ => return vec![],
    };
    let region = parts.get(3).copied().unwrap_or(c.region);
    parts
        .get(6)
        .map(|n| vec![id(kind, region, &n.to_ascii_lowercase())])
        .unwrap_or_default()
}

fn s<'a>(a: &'a Value, k: &str) -> &'a str {
    a.get(k).and_then(Value::as_str).unwrap_or("")
}

fn reach(a: &Value) -> &'static str {
    if a["publicly_accessible"] == Value::Bool(true) {
        " (publicly accessible)"
    } else {
        ""
    }
}

pub static DB_INSTANCE_KIND: Kind = Kind {
    name: RDS_INSTANCE,
    scope: Scope::Regional,
    risk: Risk::Data,
    about: "A DB instance (DescribeDBInstances).",
    events: &[
        "CreateDBInstance",
        "CreateDBInstanceReadReplica",
        "DeleteDBInstance",
        "ModifyDBInstance",
        "RestoreDBInstanceFromDBSnapshot",
        "RestoreDBInstanceFromS3",
        "RestoreDBInstanceToPointInTime",
        "PromoteReadReplica",
        "StartDBInstance",
        "StopDBInstance",
        "AddTagsToResource",
        "RemoveTagsFromResource",
    ],
    ids: |c| {
        let mut out = named(
            c,
            RDS_INSTANCE,
            &["dBInstanceIdentifier", "targetDBInstanceIdentifier"],
        );
        out.extend(tagged(c));
        out
    },
    describe: |a| format!("{} {}{}", s(a, "engine"), s(a, "status"), reach(a)),
    shape: super::shape::<DbInstance>,
    listed: None,
    unheld: super::all_held,
};

pub static DB_CLUSTER_KIND: Kind = Kind {
    name: RDS_CLUSTER,
    scope: Scope::Regional,
    risk: Risk::Data,
    about: "A DB cluster (DescribeDBClusters).",
    events: &[
        "CreateDBCluster",
        "DeleteDBCluster",
        "ModifyDBCluster",
        "RestoreDBClusterFromS3",
        "RestoreDBClusterFromSnapshot",
        "RestoreDBClusterToPointInTime",
        "StartDBCluster",
        "StopDBCluster",
    ],
    ids: |c| named(c, RDS_CLUSTER, &["dBClusterIdentifier"]),
    describe: |a| format!("{} {}{}", s(a, "engine"), s(a, "status"), reach(a)),
    shape: super::shape::<DbCluster>,
    listed: None,
    unheld: super::all_held,
};

pub static DB_SNAPSHOT_KIND: Kind = Kind {
    name: RDS_SNAPSHOT,
    scope: Scope::Regional,
    risk: Risk::Data,
    about: "A DB snapshot the account owns, with who may restore it (DescribeDBSnapshots; DescribeDBSnapshotAttributes per manual snapshot).",
    events: &[
        "CreateDBSnapshot",
        "CopyDBSnapshot",
        "DeleteDBSnapshot",
        "ModifyDBSnapshot",
        "ModifyDBSnapshotAttribute",
    ],
    ids: |c| {
        named(
            c,
            RDS_SNAPSHOT,
            &["dBSnapshotIdentifier", "targetDBSnapshotIdentifier"],
        )
    },
    describe: describe_snapshot,
    shape: super::shape::<DbSnapshot>,
    listed: None,
    unheld: super::all_held,
};

pub static DB_CLUSTER_SNAPSHOT_KIND: Kind = Kind {
    name: RDS_CLUSTER_SNAPSHOT,
    scope: Scope::Regional,
    risk: Risk::Data,
    about: "A DB cluster snapshot the account owns, with who may restore it (DescribeDBClusterSnapshots; DescribeDBClusterSnapshotAttributes per manual snapshot).",
    events: &[
        "CreateDBClusterSnapshot",
        "CopyDBClusterSnapshot",
        "DeleteDBClusterSnapshot",
        "ModifyDBClusterSnapshotAttribute",
    ],
    ids: |c| {
        named(
            c,
            RDS_CLUSTER_SNAPSHOT,
            &[
                "dBClusterSnapshotIdentifier",
                "targetDBClusterSnapshotIdentifier",
            ],
        )
    },
    describe: describe_snapshot,
    shape: super::shape::<DbSnapshot>,
    listed: None,
    unheld: super::all_held,
};

fn describe_snapshot(a: &Value) -> String {
    let shared = &a["shared_with"];
    let who = if shared["public"] == Value::Bool(true) {
        ", public".to_string()
    } else {
        match shared["accounts"].as_array().map_or(0, Vec::len) {
            0 => String::new(),
            n => format!(", shared with {n}"),
        }
    };
    format!("{} of {}{who}", s(a, "snapshot_type"), s(a, "source"))
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct DbInstance {
    pub engine: Option<String>,
    pub engine_version: Option<String>,
    pub instance_class: Option<String>,
    pub status: Option<String>,
    pub publicly_accessible: bool,
    pub endpoint: Option<String>,
    pub port: Option<i32>,
    pub storage_encrypted: bool,
    pub kms_key_id: Option<String>,
    pub security_groups: Vec<String>,
    pub deletion_protection: bool,
    pub iam_auth: bool,
    pub backup_retention_days: Option<i32>,
    /// The cluster it belongs to, for Aurora instances.
    pub cluster: Option<String>,
    pub tags: Tags,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct DbCluster {
    pub engine: Option<String>,
    pub engine_version: Option<String>,
    pub status: Option<String>,
    /// Multi-AZ DB clusters carry it; Aurora decides per instance.
    pub publicly_accessible: Option<bool>,
    pub endpoint: Option<String>,
    pub port: Option<i32>,
    pub storage_encrypted: bool,
    pub kms_key_id: Option<String>,
    pub security_groups: Vec<String>,
    pub deletion_protection: bool,
    pub iam_auth: bool,
    pub backup_retention_days: Option<i32>,
    pub members: Vec<String>,
    pub tags: Tags,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct DbSnapshot {
    /// The instance or cluster it was taken of.
    pub source: Option<String>,
    /// `manual`, `automated`, `awsbackup`, ...
    pub snapshot_type: Option<String>,
    pub engine: Option<String>,
    pub status: Option<String>,
    pub encrypted: bool,
    pub kms_key_id: Option<String>,
    /// From the `restore` attribute: `all` is public. Absent for snapshots
    /// that cannot be shared (automated ones).
    pub shared_with: Fetched<Sharing>,
    pub tags: Tags,
}
