//! CloudFront, global: distributions (ListDistributions, paginated) and,
//! as each page arrives, each one's configuration for its logging settings
//! (GetDistributionConfig).

use aws_sdk_cloudfront::types::{
    Aliases, CacheBehaviors, DefaultCacheBehavior, DistributionConfig, DistributionSummary,
    Origins, ViewerProtocolPolicy,
};
use aws_sdk_cloudfront::Client;

use super::pipeline::{as_listed, send_all};
use super::{each_page, Ctx, Part};
use crate::kinds::{AccessLog, Distribution, CLOUDFRONT_DISTRIBUTION};
use crate::model::{Fetched, Resource, GLOBAL};

/// The registry's entry (see `services.rs`).
pub(super) static SERVICE: super::services::Service = super::services::Service {
    name: "cloudfront",
    scope: crate::kinds::Scope::Global,
    rate: super::limits::Rate::of(10, 20),
    kinds: &[&crate::kinds::DISTRIBUTION_KIND],
    actions: &[
        "cloudfront:GetDistributionConfig",
        "cloudfront:ListDistributions",
    ],
    collect: |u| Box::pin(collect(&u.ctx)),
    readers: &[],
};

pub(super) async fn collect(ctx: &Ctx) -> Part {
    // CloudFront's endpoint is global and signs for us-east-1.
    let c = regional_client!(aws_sdk_cloudfront, ctx, "us-east-1");
    let (listing, resources) = as_listed(
        |tx| {
            let c = c.clone();
            async move {
                let pages = c.list_distributions().into_paginator().send();
                each_page(ctx, pages, |page| {
                    let items = page
                        .distribution_list()
                        .map(|l| l.items().to_vec())
                        .unwrap_or_default();
                    send_all(&tx, items);
                })
                .await?;
                Ok(())
            }
        },
        |d| distribution(ctx, &c, d),
    )
    .await;
    Part::of("cloudfront", GLOBAL, listing.map(|()| resources))
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v.dedup();
    v
}

/// The distribution's configuration (GetDistributionConfig) decides every
/// field; the listing's summary is used only when that call fails, and then
/// logging, which the summary lacks, is unknown.
async fn distribution(ctx: &Ctx, c: &Client, d: DistributionSummary) -> Resource {
    let id = d.id().to_string();
    let attrs = match ctx.call(c.get_distribution_config().id(&id).send()).await {
        Ok(o) => match o.distribution_config() {
            Some(cfg) => from_config(d.domain_name(), cfg),
            None => from_summary(&d, Fetched::Unknown("NoDistributionConfig".into())),
        },
        Err(e) => from_summary(&d, super::gone_or_unknown(&e, &[])),
    };
    Resource::new(
        CLOUDFRONT_DISTRIBUTION,
        GLOBAL,
        id,
        Some(d.arn().to_string()),
        &attrs,
    )
}

fn from_config(domain: &str, c: &DistributionConfig) -> Distribution {
    let logging = match c.logging() {
        Some(l) if l.enabled() => Fetched::Present(AccessLog {
            bucket: l.bucket().to_string(),
            prefix: Some(l.prefix().to_string()).filter(|p| !p.is_empty()),
        }),
        _ => Fetched::Absent,
    };
    Distribution {
        domain_name: domain.to_string(),
        aliases: aliases(c.aliases()),
        enabled: c.enabled(),
        origins: origins(c.origins()),
        viewer_protocol_policies: policies(c.default_cache_behavior(), c.cache_behaviors()),
        web_acl: c.web_acl_id().filter(|w| !w.is_empty()).map(str::to_string),
        logging,
    }
}

fn from_summary(d: &DistributionSummary, logging: Fetched<AccessLog>) -> Distribution {
    Distribution {
        domain_name: d.domain_name().to_string(),
        aliases: aliases(d.aliases()),
        enabled: d.enabled(),
        origins: origins(d.origins()),
        viewer_protocol_policies: policies(d.default_cache_behavior(), d.cache_behaviors()),
        web_acl: Some(d.web_acl_id().to_string()).filter(|w| !w.is_empty()),
        logging,
    }
}

fn aliases(a: Option<&Aliases>) -> Vec<String> {
    sorted(
        a.map(|a| a.items().iter().map(|s| s.to_ascii_lowercase()).collect())
            .unwrap_or_default(),
    )
}

fn origins(o: Option<&Origins>) -> Vec<String> {
    sorted(
        o.map(|o| {
            o.items()
                .iter()
                .map(|o| o.domain_name().to_string())
                .collect()
        })
        .unwrap_or_default(),
    )
}

fn policies(
    default: Option<&DefaultCacheBehavior>,
    others: Option<&CacheBehaviors>,
) -> Vec<String> {
    let mut v: Vec<&ViewerProtocolPolicy> = default
        .map(|b| b.viewer_protocol_policy())
        .into_iter()
        .collect();
    v.extend(
        others
            .map(|b| b.items())
            .unwrap_or_default()
            .iter()
            .map(|b| b.viewer_protocol_policy()),
    );
    // A response without the (required) policy gets the SDK's placeholder
    // "no value was set"; that is not a policy. A value this SDK does not
    // know yet is kept as AWS spelled it.
    sorted(
        v.into_iter()
            .map(|p| p.as_str().to_string())
            .filter(|p| p != "no value was set")
            .collect(),
    )
}
