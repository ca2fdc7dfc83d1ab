//! RDS, per region: DB instances, DB clusters, and the DB and cluster
//! snapshots the account owns (the listings leave out snapshots shared
//! with it unless asked), with the `restore` attribute of each manual
//! snapshot (one call each, started as its page arrives; automated
//! snapshots cannot be shared, so they cost no call). Both snapshot kinds
//! become one neutral listing, so their reading is written once.

use aws_sdk_rds::types::{
    DbCluster as SdkCluster, DbClusterSnapshot as SdkClusterSnapshot, DbInstance as SdkInstance,
    DbSnapshot as SdkSnapshot, Tag, VpcSecurityGroupMembership,
};
use aws_sdk_rds::Client;

use super::pipeline::{as_listed, send_all, Items};
use super::{classify, each_page, Ctx, Failure, Part};
use crate::kinds::{
    DbCluster, DbInstance, DbSnapshot, Sharing, RDS_CLUSTER, RDS_CLUSTER_SNAPSHOT, RDS_INSTANCE,
    RDS_SNAPSHOT,
};
use crate::model::{Fetched, Resource, Tags};

/// The registry's entry (see `services.rs`).
pub(super) static SERVICE: super::services::Service = super::services::Service {
    name: "rds",
    scope: crate::kinds::Scope::Regional,
    rate: super::limits::Rate::of(10, 20),
    kinds: &[
        &crate::kinds::DB_INSTANCE_KIND,
        &crate::kinds::DB_CLUSTER_KIND,
        &crate::kinds::DB_SNAPSHOT_KIND,
        &crate::kinds::DB_CLUSTER_SNAPSHOT_KIND,
    ],
    actions: &[
        "rds:DescribeDBClusterSnapshotAttributes",
        "rds:DescribeDBClusterSnapshots",
        "rds:DescribeDBClusters",
        "rds:DescribeDBInstances",
        "rds:DescribeDBSnapshotAttributes",
        "rds:DescribeDBSnapshots",
    ],
    collect: |u| Box::pin(collect_region(&u.ctx, u.region)),
    readers: &[],
};

pub(super) async fn collect_region(ctx: &Ctx, region: &str) -> Part {
    let c = regional_client!(aws_sdk_rds, ctx, region);
    let (inst, clusters, snaps) = tokio::join!(
        instances(ctx, &c, region),
        clusters(ctx, &c, region),
        snapshots(ctx, &c, region),
    );
    Part::of_lists("rds", region, [inst, clusters, snaps])
}

fn tags(t: &[Tag]) -> Tags {
    t.iter()
        .filter_map(|t| {
            Some((
                t.key()?.to_string(),
                t.value().unwrap_or_default().to_string(),
            ))
        })
        .collect()
}

fn groups(g: &[VpcSecurityGroupMembership]) -> Vec<String> {
    let mut v: Vec<String> = g
        .iter()
        .filter_map(|m| m.vpc_security_group_id().map(str::to_string))
        .collect();
    v.sort();
    v.dedup();
    v
}

fn lower(s: Option<&str>) -> Option<String> {
    s.map(str::to_ascii_lowercase)
}

async fn instances(ctx: &Ctx, c: &Client, region: &str) -> Result<Vec<Resource>, Failure> {
    let mut out = Vec::new();
    let pages = c.describe_db_instances().into_paginator().send();
    each_page(ctx, pages, |page| {
        out.extend(
            page.db_instances()
                .iter()
                .filter_map(|i| instance(i, region)),
        );
    })
    .await?;
    Ok(out)
}

fn instance(i: &SdkInstance, region: &str) -> Option<Resource> {
    let id = i.db_instance_identifier()?.to_ascii_lowercase();
    let attrs = DbInstance {
        engine: i.engine().map(str::to_string),
        engine_version: i.engine_version().map(str::to_string),
        instance_class: i.db_instance_class().map(str::to_string),
        status: i.db_instance_status().map(str::to_string),
        publicly_accessible: i.publicly_accessible().unwrap_or(false),
        endpoint: i.endpoint().and_then(|e| e.address()).map(str::to_string),
        port: i.endpoint().and_then(|e| e.port()).or(i.db_instance_port()),
        storage_encrypted: i.storage_encrypted().unwrap_or(false),
        kms_key_id: i.kms_key_id().map(str::to_string),
        security_groups: groups(i.vpc_security_groups()),
        deletion_protection: i.deletion_protection().unwrap_or(false),
        iam_auth: i.iam_database_authentication_enabled().unwrap_or(false),
        backup_retention_days: i.backup_retention_period(),
        cluster: lower(i.db_cluster_identifier()),
        tags: tags(i.tag_list()),
    };
    let arn = i.db_instance_arn().map(str::to_string);
    Some(Resource::new(RDS_INSTANCE, region, id, arn, &attrs))
}

async fn clusters(ctx: &Ctx, c: &Client, region: &str) -> Result<Vec<Resource>, Failure> {
    let mut out = Vec::new();
    let pages = c.describe_db_clusters().into_paginator().send();
    each_page(ctx, pages, |page| {
        out.extend(page.db_clusters().iter().filter_map(|k| cluster(k, region)));
    })
    .await?;
    Ok(out)
}

fn cluster(k: &SdkCluster, region: &str) -> Option<Resource> {
    let id = k.db_cluster_identifier()?.to_ascii_lowercase();
    let mut members: Vec<String> = k
        .db_cluster_members()
        .iter()
        .filter_map(|m| lower(m.db_instance_identifier()))
        .collect();
    members.sort();
    let attrs = DbCluster {
        engine: k.engine().map(str::to_string),
        engine_version: k.engine_version().map(str::to_string),
        status: k.status().map(str::to_string),
        publicly_accessible: k.publicly_accessible(),
        endpoint: k.endpoint().map(str::to_string),
        port: k.port(),
        storage_encrypted: k.storage_encrypted().unwrap_or(false),
        kms_key_id: k.kms_key_id().map(str::to_string),
        security_groups: groups(k.vpc_security_groups()),
        deletion_protection: k.deletion_protection().unwrap_or(false),
        iam_auth: k.iam_database_authentication_enabled().unwrap_or(false),
        backup_retention_days: k.backup_retention_period(),
        members,
        tags: tags(k.tag_list()),
    };
    let arn = k.db_cluster_arn().map(str::to_string);
    Some(Resource::new(RDS_CLUSTER, region, id, arn, &attrs))
}

/// `restore` attribute values: `all` means public, the rest are accounts.
fn restore(values: Option<&[String]>) -> Sharing {
    let values = values.unwrap_or_default();
    let mut accounts: Vec<String> = values.iter().filter(|v| *v != "all").cloned().collect();
    accounts.sort();
    accounts.dedup();
    Sharing {
        public: values.iter().any(|v| v == "all"),
        accounts,
        ..Sharing::default()
    }
}

fn manual(kind: Option<&str>) -> bool {
    kind == Some("manual")
}

/// A listed DB or cluster snapshot, before its restore attribute is read.
struct Listed {
    kind: &'static str,
    id: String,
    arn: Option<String>,
    attrs: DbSnapshot,
}

fn from_db(s: &SdkSnapshot) -> Option<Listed> {
    Some(Listed {
        kind: RDS_SNAPSHOT,
        id: s.db_snapshot_identifier()?.to_ascii_lowercase(),
        arn: s.db_snapshot_arn().map(str::to_string),
        attrs: DbSnapshot {
            source: lower(s.db_instance_identifier()),
            snapshot_type: s.snapshot_type().map(str::to_string),
            engine: s.engine().map(str::to_string),
            status: s.status().map(str::to_string),
            encrypted: s.encrypted().unwrap_or(false),
            kms_key_id: s.kms_key_id().map(str::to_string),
            shared_with: Fetched::Absent,
            tags: tags(s.tag_list()),
        },
    })
}

fn from_cluster(s: &SdkClusterSnapshot) -> Option<Listed> {
    Some(Listed {
        kind: RDS_CLUSTER_SNAPSHOT,
        id: s.db_cluster_snapshot_identifier()?.to_ascii_lowercase(),
        arn: s.db_cluster_snapshot_arn().map(str::to_string),
        attrs: DbSnapshot {
            source: lower(s.db_cluster_identifier()),
            snapshot_type: s.snapshot_type().map(str::to_string),
            engine: s.engine().map(str::to_string),
            status: s.status().map(str::to_string),
            encrypted: s.storage_encrypted().unwrap_or(false),
            kms_key_id: s.kms_key_id().map(str::to_string),
            shared_with: Fetched::Absent,
            tags: tags(s.tag_list()),
        },
    })
}

/// DB and cluster snapshots, both listings at once, each manual snapshot's
/// restore attribute read as it is listed.
async fn snapshots(ctx: &Ctx, c: &Client, region: &str) -> Result<Vec<Resource>, Failure> {
    let listing = |tx: Items<Listed>| async move {
        let db = async {
            let pages = c.describe_db_snapshots().into_paginator().send();
            each_page(ctx, pages, |page| {
                send_all(&tx, page.db_snapshots().iter().filter_map(from_db));
            })
            .await?;
            Ok::<_, Failure>(())
        };
        let cluster = async {
            let pages = c.describe_db_cluster_snapshots().into_paginator().send();
            each_page(ctx, pages, |page| {
                send_all(
                    &tx,
                    page.db_cluster_snapshots().iter().filter_map(from_cluster),
                );
            })
            .await?;
            Ok::<_, Failure>(())
        };
        let (db, cluster) = tokio::join!(db, cluster);
        db.and(cluster)
    };
    let (listed, read) = as_listed(listing, |mut l| async move {
        if manual(l.attrs.snapshot_type.as_deref()) {
            l.attrs.shared_with = match restore_values(ctx, c, &l).await {
                Ok(values) => Fetched::Present(restore(values.as_deref())),
                Err(f) => Fetched::Unknown(f.code),
            };
        }
        Resource::new(l.kind, region, l.id, l.arn, &l.attrs)
    })
    .await;
    listed?;
    Ok(read)
}

/// The values of a snapshot's `restore` attribute.
async fn restore_values(ctx: &Ctx, c: &Client, l: &Listed) -> Result<Option<Vec<String>>, Failure> {
    if l.kind == RDS_SNAPSHOT {
        let call = c
            .describe_db_snapshot_attributes()
            .db_snapshot_identifier(&l.id);
        let o = ctx.call(call.send()).await.map_err(|e| classify(&e))?;
        Ok(o.db_snapshot_attributes_result().and_then(|r| {
            r.db_snapshot_attributes()
                .iter()
                .find(|a| a.attribute_name() == Some("restore"))
                .map(|a| a.attribute_values().to_vec())
        }))
    } else {
        let call = c
            .describe_db_cluster_snapshot_attributes()
            .db_cluster_snapshot_identifier(&l.id);
        let o = ctx.call(call.send()).await.map_err(|e| classify(&e))?;
        Ok(o.db_cluster_snapshot_attributes_result().and_then(|r| {
            r.db_cluster_snapshot_attributes()
                .iter()
                .find(|a| a.attribute_name() == Some("restore"))
                .map(|a| a.attribute_values().to_vec())
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::mock_ctx;
    use aws_sdk_rds::operation::describe_db_cluster_snapshots::DescribeDbClusterSnapshotsOutput;
    use aws_sdk_rds::operation::describe_db_snapshots::DescribeDbSnapshotsOutput;
    use aws_smithy_mocks::{mock, mock_client, RuleMode};
    use aws_smithy_runtime_api::http::StatusCode;
    use aws_smithy_types::body::SdkBody;

    fn snapshot(id: &str, kind: &str) -> SdkSnapshot {
        SdkSnapshot::builder()
            .db_snapshot_identifier(id)
            .snapshot_type(kind)
            .db_instance_identifier("DB1")
            .build()
    }

    /// A denied attribute read is an unknown value of a listed snapshot;
    /// an automated snapshot, which cannot be shared, costs no call.
    #[tokio::test]
    async fn a_denied_restore_attribute_is_unknown_and_automated_snapshots_cost_nothing() {
        let list = mock!(Client::describe_db_snapshots).then_output(|| {
            DescribeDbSnapshotsOutput::builder()
                .db_snapshots(snapshot("Manual-1", "manual"))
                .db_snapshots(snapshot("rds:db1-2026-11-28", "automated"))
                .build()
        });
        let attr = mock!(Client::describe_db_snapshot_attributes).then_http_response(|| {
            aws_smithy_runtime_api::http::Response::new(
                StatusCode::try_from(403).unwrap(),
                SdkBody::from(
                    "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>\
                     <Message>no</Message></Error></ErrorResponse>",
                ),
            )
        });
        let clusters = mock!(Client::describe_db_cluster_snapshots)
            .then_output(|| DescribeDbClusterSnapshotsOutput::builder().build());
        let c = mock_client!(aws_sdk_rds, RuleMode::MatchAny, &[&list, &clusters, &attr]);
        let mut got = snapshots(&mock_ctx().await, &c, "us-east-1").await.unwrap();
        got.sort_by_key(|r| r.native_id.clone());
        assert_eq!(got[0].native_id, "manual-1");
        assert_eq!(got[0].attrs["shared_with"]["$unknown"], "AccessDenied");
        assert_eq!(got[0].attrs["source"], "db1");
        assert_eq!(got[1].attrs["shared_with"], serde_json::Value::Null);
        assert_eq!(attr.num_calls(), 1);
    }
}
