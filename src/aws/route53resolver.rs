//! Route53 Resolver, per region: query logging configurations and their VPC
//! associations, two independent paginated lists read concurrently and
//! joined by configuration id.

use std::collections::BTreeMap;

use aws_sdk_route53resolver::Client;

use super::{each_page, Ctx, Failure, Part};
use crate::kinds::{QueryLogConfig, RESOLVER_QUERY_LOG_CONFIG};
use crate::model::Resource;

/// The registry's entry (see `services.rs`).
pub(super) static SERVICE: super::services::Service = super::services::Service {
    name: "route53resolver",
    scope: crate::kinds::Scope::Regional,
    rate: super::limits::Rate::of(10, 20),
    kinds: &[&crate::kinds::QUERY_LOG_CONFIG_KIND],
    actions: &[
        "route53resolver:ListResolverQueryLogConfigAssociations",
        "route53resolver:ListResolverQueryLogConfigs",
    ],
    collect: |u| Box::pin(collect_region(&u.ctx, u.region)),
    readers: &[],
};

pub(super) async fn collect_region(ctx: &Ctx, region: &str) -> Part {
    let c = regional_client!(aws_sdk_route53resolver, ctx, region);
    Part::of("route53resolver", region, read(ctx, &c, region).await)
}

pub(crate) async fn read(ctx: &Ctx, c: &Client, region: &str) -> Result<Vec<Resource>, Failure> {
    let (configs, vpcs) = tokio::join!(configs(ctx, c), associations(ctx, c));
    let mut vpcs = vpcs?;
    Ok(configs?
        .into_iter()
        .map(|(id, mut cfg)| {
            cfg.vpcs = vpcs.remove(&id).unwrap_or_default();
            cfg.vpcs.sort();
            cfg.vpcs.dedup();
            Resource::new(RESOLVER_QUERY_LOG_CONFIG, region, id, None, &cfg)
        })
        .collect())
}

async fn configs(ctx: &Ctx, c: &Client) -> Result<Vec<(String, QueryLogConfig)>, Failure> {
    let mut out = Vec::new();
    let pages = c.list_resolver_query_log_configs().into_paginator().send();
    each_page(ctx, pages, |page| {
        for q in page.resolver_query_log_configs() {
            let Some(id) = q.id() else { continue };
            out.push((
                id.to_string(),
                QueryLogConfig {
                    name: q.name().map(str::to_string),
                    destination: q.destination_arn().map(str::to_string),
                    owner_id: q.owner_id().map(str::to_string),
                    share_status: q.share_status().map(|s| s.as_str().to_string()),
                    vpcs: vec![],
                },
            ));
        }
    })
    .await?;
    Ok(out)
}

/// VPC ids by configuration id, for associations that are logging (or
/// about to); failed and deleting ones log nothing.
async fn associations(ctx: &Ctx, c: &Client) -> Result<BTreeMap<String, Vec<String>>, Failure> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let pages = c
        .list_resolver_query_log_config_associations()
        .into_paginator()
        .send();
    each_page(ctx, pages, |page| {
        for a in page.resolver_query_log_config_associations() {
            let live = a
                .status()
                .is_none_or(|s| matches!(s.as_str(), "ACTIVE" | "CREATING"));
            if let (true, Some(cfg), Some(vpc)) =
                (live, a.resolver_query_log_config_id(), a.resource_id())
            {
                out.entry(cfg.to_string())
                    .or_default()
                    .push(vpc.to_string());
            }
        }
    })
    .await?;
    Ok(out)
}
