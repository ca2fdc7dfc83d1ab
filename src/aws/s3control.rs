//! S3 Control, per region: every access point of the account
//! (ListAccessPoints, paginated), each with its Block Public Access
//! settings (GetAccessPoint), its policy (GetAccessPointPolicy) and, when
//! it has one, AWS's verdict on it (GetAccessPointPolicyStatus), read as
//! its page arrives.

use aws_sdk_s3control::types::AccessPoint as SdkAccessPoint;
use aws_sdk_s3control::Client;

use super::pipeline::{as_listed, send_all, Items};
use super::{each_page, fetched_policy, gone_or_unknown, Ctx, Failure, Part};
use crate::kinds::{AccessPoint, S3CONTROL_ACCESS_POINT};
use crate::model::{Fetched, Resource};

/// The registry's entry (see `services.rs`).
pub(super) static SERVICE: super::services::Service = super::services::Service {
    name: "s3control",
    scope: crate::kinds::Scope::Regional,
    rate: super::limits::Rate::of(10, 20),
    kinds: &[&crate::kinds::ACCESS_POINT_KIND],
    actions: &[
        "s3:GetAccessPoint",
        "s3:GetAccessPointPolicy",
        "s3:GetAccessPointPolicyStatus",
        "s3:ListAccessPoints",
    ],
    collect: |u| Box::pin(collect_region(&u.ctx, u.region, u.account)),
    readers: &[],
};

pub(super) async fn collect_region(ctx: &Ctx, region: &str, account: &str) -> Part {
    let c = super::s3::control_client(ctx, account, Some(region));
    Part::of(
        "s3control",
        region,
        access_points(ctx, &c, region, account).await,
    )
}

async fn access_points(
    ctx: &Ctx,
    c: &Client,
    region: &str,
    account: &str,
) -> Result<Vec<Resource>, Failure> {
    let listing = |tx: Items<SdkAccessPoint>| async move {
        let pages = c
            .list_access_points()
            .account_id(account)
            .max_results(1000)
            .into_paginator()
            .send();
        each_page(ctx, pages, |page| {
            send_all(&tx, page.access_point_list().iter().cloned())
        })
        .await
    };
    let (listed, read) = as_listed(listing, |ap| access_point(ctx, c, region, account, ap)).await;
    listed?;
    Ok(read.into_iter().collect())
}

async fn access_point(
    ctx: &Ctx,
    c: &Client,
    region: &str,
    account: &str,
    ap: SdkAccessPoint,
) -> Resource {
    let name = ap.name();
    let (settings, policy) = tokio::join!(
        ctx.call(c.get_access_point().account_id(account).name(name).send()),
        ctx.call(
            c.get_access_point_policy()
                .account_id(account)
                .name(name)
                .send()
        ),
    );
    let policy = match policy {
        Ok(o) => fetched_policy(o.policy()),
        Err(e) => gone_or_unknown(&e, &["NoSuchAccessPointPolicy"]),
    };
    // AWS judges a policy only where there is one.
    let policy_is_public = match &policy {
        Fetched::Present(_) => {
            let call = c
                .get_access_point_policy_status()
                .account_id(account)
                .name(name);
            match ctx.call(call.send()).await {
                Ok(o) => Fetched::Present(o.policy_status().is_some_and(|s| s.is_public())),
                Err(e) => gone_or_unknown(&e, &[]),
            }
        }
        Fetched::Absent => Fetched::Present(false),
        Fetched::Unknown(c) => Fetched::Unknown(c.clone()),
    };
    let public_access_block = match settings {
        Ok(o) => o
            .public_access_block_configuration()
            .map_or(Fetched::Absent, |b| {
                Fetched::Present(super::s3::block(
                    b.block_public_acls(),
                    b.ignore_public_acls(),
                    b.block_public_policy(),
                    b.restrict_public_buckets(),
                ))
            }),
        Err(e) => gone_or_unknown(&e, &[]),
    };
    let attrs = AccessPoint {
        bucket: ap.bucket().to_string(),
        bucket_account: ap
            .bucket_account_id()
            .filter(|a| *a != account)
            .map(str::to_string),
        network_origin: ap.network_origin().as_str().to_string(),
        vpc_id: ap.vpc_configuration().map(|v| v.vpc_id().to_string()),
        policy,
        policy_is_public,
        public_access_block,
    };
    let arn = ap
        .access_point_arn()
        .map(str::to_string)
        .or_else(|| Some(format!("arn:aws:s3:{region}:{account}:accesspoint/{name}")));
    Resource::new(S3CONTROL_ACCESS_POINT, region, name, arn, &attrs)
}
