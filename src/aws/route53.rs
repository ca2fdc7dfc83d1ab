//! Route53: every hosted zone (public and private, with the VPCs of private
//! ones) and every record set, alias targets included. Each zone is read as
//! its page of the zone list arrives; a zone's VPCs and its (paginated)
//! records are read concurrently.

use aws_sdk_route53::types::ResourceRecordSet;
use aws_sdk_route53::Client;
use serde_json::json;

use super::pipeline::{as_listed, send_all};
use super::{classify, each_page, Ctx, Failure, Part};
use crate::kinds::{self, AliasTarget, HostedZone, RecordSet};
use crate::model::{Coverage, Fetched, Resource, GLOBAL};

fn zone_id(raw: &str) -> String {
    raw.trim_start_matches("/hostedzone/").to_string()
}

/// The registry's entry (see `services.rs`).
pub(super) static SERVICE: super::services::Service = super::services::Service {
    name: "route53",
    scope: crate::kinds::Scope::Global,
    rate: super::limits::Rate::of(2, 5),
    kinds: &[&crate::kinds::ZONE_KIND, &crate::kinds::RECORD_KIND],
    actions: &[
        "route53:GetHostedZone",
        "route53:ListHostedZones",
        "route53:ListResourceRecordSets",
    ],
    collect: |u| Box::pin(collect(&u.ctx)),
    readers: &[],
};

pub(super) async fn collect(ctx: &Ctx) -> Part {
    let c = Client::from_conf(
        aws_sdk_route53::config::Builder::from(&ctx.sdk)
            .interceptor(ctx.counter.clone())
            .build(),
    );
    // Each zone is read as soon as its page of the zone list arrives.
    let (listing, results) = as_listed(
        |tx| {
            let c = c.clone();
            async move {
                let pages = c.list_hosted_zones().into_paginator().send();
                each_page(ctx, pages, |page| {
                    send_all(&tx, page.hosted_zones().to_vec());
                })
                .await?;
                Ok(())
            }
        },
        |z| zone(ctx, &c, z),
    )
    .await;
    if let Err(f) = listing {
        return Part {
            resources: vec![],
            coverage: vec![f.coverage("route53", GLOBAL)],
        };
    }
    let mut part = Part::default();
    let mut failure: Option<Failure> = None;
    for (mut rs, f) in results {
        part.resources.append(&mut rs);
        if let Some(f) = f {
            failure.get_or_insert(f);
        }
    }
    part.coverage.push(match failure {
        None => Coverage::complete("route53", GLOBAL),
        Some(f) => f.coverage("route53", GLOBAL),
    });
    part
}

/// A private zone's VPC associations: only GetHostedZone tells them.
async fn zone_vpcs(ctx: &Ctx, c: &Client, id: &str) -> Fetched<Vec<String>> {
    match ctx.call(c.get_hosted_zone().id(id).send()).await {
        Ok(o) => {
            let mut v: Vec<String> = o
                .vpcs()
                .iter()
                .map(|v| {
                    format!(
                        "{}/{}",
                        v.vpc_region().map(|r| r.as_str()).unwrap_or("?"),
                        v.vpc_id().unwrap_or("?")
                    )
                })
                .collect();
            v.sort();
            Fetched::Present(v)
        }
        Err(e) => super::gone_or_unknown(&e, &[]),
    }
}

async fn zone(
    ctx: &Ctx,
    c: &Client,
    z: aws_sdk_route53::types::HostedZone,
) -> (Vec<Resource>, Option<Failure>) {
    let id = zone_id(z.id());
    let name = crate::model::unescape_dns_name(z.name());
    let private = z.config().is_some_and(|c| c.private_zone());
    let vpcs = async {
        if private {
            zone_vpcs(ctx, c, &id).await
        } else {
            Fetched::Absent
        }
    };
    let (vpcs, records) = tokio::join!(vpcs, records(ctx, c, &id, &name, private));
    let mut out = vec![Resource::new(
        kinds::ROUTE53_ZONE,
        GLOBAL,
        id.clone(),
        Some(format!("arn:aws:route53:::hostedzone/{id}")),
        &HostedZone {
            name: name.clone(),
            private,
            comment: z.config().and_then(|c| c.comment()).map(str::to_string),
            vpcs,
            record_count: z.resource_record_set_count(),
        },
    )];
    match records {
        Ok(mut rs) => {
            out.append(&mut rs);
            (out, None)
        }
        // The zone's records are incomplete: none are reported rather than
        // a partial list, and coverage says so.
        Err(f) => (out, Some(f)),
    }
}

/// Every record set of one zone.
async fn records(
    ctx: &Ctx,
    c: &Client,
    id: &str,
    name: &str,
    private: bool,
) -> Result<Vec<Resource>, Failure> {
    let mut out = Vec::new();
    // ListResourceRecordSets pages by (name, type, identifier), not by one
    // token, and the SDK has no paginator for it: this loop is its paginator.
    let mut start: Option<(String, aws_sdk_route53::types::RrType, Option<String>)> = None;
    loop {
        let mut req = c
            .list_resource_record_sets()
            .hosted_zone_id(id)
            .max_items(300);
        if let Some((n, t, i)) = &start {
            req = req
                .start_record_name(n)
                .start_record_type(t.clone())
                .set_start_record_identifier(i.clone());
        }
        let page = ctx.call(req.send()).await.map_err(|e| {
            let mut f = classify(&e);
            f.message = format!("ListResourceRecordSets for zone {id}: {}", f.message);
            f
        })?;
        for rs in page.resource_record_sets() {
            out.push(record(id, name, private, rs));
        }
        start = match (
            page.is_truncated(),
            page.next_record_name(),
            page.next_record_type(),
        ) {
            (true, Some(n), Some(t)) => Some((
                n.to_string(),
                t.clone(),
                page.next_record_identifier().map(str::to_string),
            )),
            _ => None,
        };
        if start.is_none() {
            return Ok(out);
        }
    }
}

fn record(zone_id: &str, zone_name: &str, private: bool, rs: &ResourceRecordSet) -> Resource {
    let name = crate::model::unescape_dns_name(rs.name());
    let rtype = rs.r#type().as_str().to_string();
    let mut values: Vec<String> = rs
        .resource_records()
        .iter()
        .map(|r| r.value().to_string())
        .collect();
    values.sort();
    values.dedup();
    let mut routing = serde_json::Map::new();
    if let Some(w) = rs.weight() {
        routing.insert("weight".into(), json!(w));
    }
    if let Some(r) = rs.region() {
        routing.insert("region".into(), json!(r.as_str()));
    }
    if let Some(f) = rs.failover() {
        routing.insert("failover".into(), json!(f.as_str()));
    }
    if let Some(g) = rs.geo_location() {
        routing.insert(
            "geo".into(),
            json!({"continent": g.continent_code(), "country": g.country_code(), "subdivision": g.subdivision_code()}),
        );
    }
    let set_identifier = rs.set_identifier().map(str::to_string);
    let mut native = format!("{zone_id}/{name}/{rtype}");
    if let Some(s) = &set_identifier {
        native.push('/');
        native.push_str(s);
    }
    let attrs = RecordSet {
        zone_id: zone_id.to_string(),
        zone_name: zone_name.to_string(),
        private_zone: private,
        name,
        record_type: rtype,
        ttl: rs.ttl(),
        values,
        alias: rs.alias_target().map(|a| AliasTarget {
            dns_name: a.dns_name().to_string(),
            hosted_zone_id: a.hosted_zone_id().to_string(),
            evaluate_target_health: a.evaluate_target_health(),
        }),
        set_identifier,
        routing: if routing.is_empty() {
            None
        } else {
            Some(serde_json::Value::Object(routing))
        },
    };
    Resource::new(kinds::ROUTE53_RECORD, GLOBAL, native, None, &attrs)
}
