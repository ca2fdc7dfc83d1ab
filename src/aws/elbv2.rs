//! Elastic Load Balancing v2, per region: load balancers (paginated) and,
//! as each page arrives, each one's attributes (access logs, deletion
//! protection) and listeners, concurrently.

use aws_sdk_elasticloadbalancingv2::types::LoadBalancer as SdkLb;
use aws_sdk_elasticloadbalancingv2::Client;

use super::pipeline::{as_listed, send_all};
use super::{classify, each_page, Ctx, Part};
use crate::kinds::{AccessLog, LoadBalancer, ELBV2_LOAD_BALANCER};
use crate::model::{Fetched, Resource};

/// The registry's entry (see `services.rs`).
pub(super) static SERVICE: super::services::Service = super::services::Service {
    name: "elbv2",
    scope: crate::kinds::Scope::Regional,
    rate: super::limits::Rate::of(10, 20),
    kinds: &[&crate::kinds::LOAD_BALANCER_KIND],
    actions: &[
        "elasticloadbalancing:DescribeListeners",
        "elasticloadbalancing:DescribeLoadBalancerAttributes",
        "elasticloadbalancing:DescribeLoadBalancers",
    ],
    collect: |u| Box::pin(collect_region(&u.ctx, u.region)),
    readers: &[],
};

pub(super) async fn collect_region(ctx: &Ctx, region: &str) -> Part {
    let c = regional_client!(aws_sdk_elasticloadbalancingv2, ctx, region);
    let (listing, resources) = as_listed(
        |tx| {
            let c = c.clone();
            async move {
                let pages = c
                    .describe_load_balancers()
                    .page_size(400)
                    .into_paginator()
                    .send();
                each_page(ctx, pages, |page| {
                    send_all(&tx, page.load_balancers().to_vec());
                })
                .await?;
                Ok(())
            }
        },
        |lb| load_balancer(ctx, &c, region, lb),
    )
    .await;
    let found = resources.into_iter().flatten().collect();
    Part::of("elbv2", region, listing.map(|()| found))
}

async fn load_balancer(ctx: &Ctx, c: &Client, region: &str, lb: SdkLb) -> Option<Resource> {
    let name = lb.load_balancer_name()?.to_string();
    let arn = lb.load_balancer_arn()?.to_string();
    let (attrs, listeners) = tokio::join!(
        ctx.call(
            c.describe_load_balancer_attributes()
                .load_balancer_arn(&arn)
                .send()
        ),
        listeners(ctx, c, &arn),
    );
    let (access_logs, deletion_protection) = match attrs {
        Ok(o) => {
            let get = |k: &str| {
                o.attributes()
                    .iter()
                    .find(|a| a.key() == Some(k))
                    .and_then(|a| a.value())
                    .unwrap_or("")
                    .to_string()
            };
            let logs = if get("access_logs.s3.enabled") == "true" {
                Fetched::Present(AccessLog {
                    bucket: get("access_logs.s3.bucket"),
                    prefix: Some(get("access_logs.s3.prefix")).filter(|p| !p.is_empty()),
                })
            } else {
                Fetched::Absent
            };
            (
                logs,
                Fetched::Present(get("deletion_protection.enabled") == "true"),
            )
        }
        Err(e) => {
            let code = classify(&e).code;
            (Fetched::Unknown(code.clone()), Fetched::Unknown(code))
        }
    };
    let mut groups: Vec<String> = lb.security_groups().to_vec();
    groups.sort();
    let attrs = LoadBalancer {
        dns_name: lb.dns_name().map(str::to_string),
        scheme: lb.scheme().map(|s| s.as_str().to_string()),
        lb_type: lb.r#type().map(|t| t.as_str().to_string()),
        vpc_id: lb.vpc_id().map(str::to_string),
        security_groups: groups,
        listeners,
        access_logs,
        deletion_protection,
    };
    Some(Resource::new(
        ELBV2_LOAD_BALANCER,
        region,
        name,
        Some(arn),
        &attrs,
    ))
}

async fn listeners(ctx: &Ctx, c: &Client, arn: &str) -> Fetched<Vec<String>> {
    let pages = c
        .describe_listeners()
        .load_balancer_arn(arn)
        .page_size(400)
        .into_paginator()
        .send();
    let listed = super::fetched_pages(ctx, pages, |page| {
        page.listeners()
            .iter()
            .map(|l| {
                format!(
                    "{}:{}",
                    l.protocol().map(|p| p.as_str()).unwrap_or("?"),
                    l.port().unwrap_or(0)
                )
            })
            .collect()
    })
    .await;
    listed.map(|mut v| {
        v.dedup();
        v
    })
}
