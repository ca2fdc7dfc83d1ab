//! The bucket settings that decide how long data lives and where copies
//! and logs go: access logging, lifecycle, versioning, default encryption,
//! object lock and replication. Six independent calls per bucket, made
//! concurrently against the bucket's region.

use aws_sdk_s3::types::{LifecycleRule as SdkRule, ReplicationRule as SdkReplication};
use aws_sdk_s3::Client;

use super::s3::fetched;
use super::Ctx;
use crate::kinds::{
    BucketSettings, Encryption, LifecycleRule, Logging, ObjectLock, ReplicationRule, Versioning,
};
use crate::model::Fetched;

pub(super) async fn read(ctx: &Ctx, c: &Client, name: &str) -> BucketSettings {
    let (log, life, ver, enc, lock, rep) = tokio::join!(
        ctx.call(c.get_bucket_logging().bucket(name).send()),
        ctx.call(c.get_bucket_lifecycle_configuration().bucket(name).send()),
        ctx.call(c.get_bucket_versioning().bucket(name).send()),
        ctx.call(c.get_bucket_encryption().bucket(name).send()),
        ctx.call(c.get_object_lock_configuration().bucket(name).send()),
        ctx.call(c.get_bucket_replication().bucket(name).send()),
    );
    BucketSettings {
        logging: flatten(fetched(log).map(|o| {
            o.logging_enabled().map(|l| Logging {
                target_bucket: l.target_bucket().to_string(),
                target_prefix: Some(l.target_prefix().to_string()).filter(|p| !p.is_empty()),
            })
        })),
        lifecycle: fetched(life).map(|o| sorted(o.rules().iter().map(lifecycle_rule))),
        versioning: fetched(ver).map(|o| Versioning {
            status: o.status().map(|s| s.as_str().to_string()),
            mfa_delete: o.mfa_delete().map(|s| s.as_str().to_string()),
        }),
        encryption: flatten(fetched(enc).map(|o| {
            let rule = o.server_side_encryption_configuration()?.rules().first()?;
            let d = rule.apply_server_side_encryption_by_default()?;
            Some(Encryption {
                algorithm: d.sse_algorithm().as_str().to_string(),
                kms_key: d.kms_master_key_id().map(str::to_string),
                bucket_key: rule.bucket_key_enabled(),
            })
        })),
        object_lock: flatten(fetched(lock).map(|o| {
            let c = o.object_lock_configuration()?;
            let r = c.rule().and_then(|r| r.default_retention());
            Some(ObjectLock {
                enabled: c.object_lock_enabled().map(|e| e.as_str().to_string()),
                mode: r.and_then(|r| r.mode()).map(|m| m.as_str().to_string()),
                days: r.and_then(|r| r.days()),
                years: r.and_then(|r| r.years()),
            })
        })),
        replication: fetched(rep).map(|o| {
            sorted(
                o.replication_configuration()
                    .map(|c| c.rules())
                    .unwrap_or_default()
                    .iter()
                    .map(replication_rule),
            )
        }),
    }
}

/// A call that answered with an empty configuration means "none".
fn flatten<T>(f: Fetched<Option<T>>) -> Fetched<T> {
    match f {
        Fetched::Present(Some(v)) => Fetched::Present(v),
        Fetched::Present(None) | Fetched::Absent => Fetched::Absent,
        Fetched::Unknown(c) => Fetched::Unknown(c),
    }
}

fn sorted<T: Ord>(it: impl Iterator<Item = T>) -> Vec<T> {
    let mut v: Vec<T> = it.collect();
    v.sort();
    v.dedup();
    v
}

fn lifecycle_rule(r: &SdkRule) -> LifecycleRule {
    let f = r.filter();
    let and = f.and_then(|f| f.and());
    #[allow(deprecated)] // The top-level Prefix is deprecated but still sent by older rules.
    let prefix = f
        .and_then(|f| f.prefix())
        .or_else(|| and.and_then(|a| a.prefix()))
        .or(r.prefix())
        .map(str::to_string);
    let mut tags: crate::model::Tags = and
        .map(|a| a.tags())
        .unwrap_or_default()
        .iter()
        .map(|t| (t.key().to_string(), t.value().to_string()))
        .collect();
    if let Some(t) = f.and_then(|f| f.tag()) {
        tags.insert(t.key().to_string(), t.value().to_string());
    }
    LifecycleRule {
        id: r.id().map(str::to_string),
        status: r.status().as_str().to_string(),
        prefix,
        tags,
        expiration_days: r.expiration().and_then(|e| e.days()),
        expiration_date: r.expiration().and_then(|e| e.date()).map(super::ts),
        noncurrent_expiration_days: r
            .noncurrent_version_expiration()
            .and_then(|e| e.noncurrent_days()),
        transitions: r
            .transitions()
            .iter()
            .map(|t| {
                format!(
                    "{}d {}",
                    t.days().unwrap_or(0),
                    t.storage_class().map(|s| s.as_str()).unwrap_or("?")
                )
            })
            .collect(),
    }
}

fn replication_rule(r: &SdkReplication) -> ReplicationRule {
    #[allow(deprecated)]
    let prefix = r
        .filter()
        .and_then(|f| f.prefix())
        .or(r.prefix())
        .map(str::to_string);
    let d = r.destination();
    ReplicationRule {
        id: r.id().map(str::to_string),
        status: r.status().as_str().to_string(),
        prefix,
        destination_bucket: d
            .map(|d| d.bucket().trim_start_matches("arn:aws:s3:::").to_string())
            .unwrap_or_default(),
        destination_account: d.and_then(|d| d.account()).map(str::to_string),
    }
}
