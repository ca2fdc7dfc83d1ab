//! EC2 network visibility, per region: VPCs (DescribeVpcs) and flow logs
//! (DescribeFlowLogs), both paginated.

use aws_sdk_ec2::Client;

use super::ec2::tags;
use super::{each_page, Ctx, Failure};
use crate::kinds::{FlowLog, Vpc, EC2_FLOW_LOG, EC2_VPC};
use crate::model::Resource;

pub(super) async fn vpcs(ctx: &Ctx, c: &Client, region: &str) -> Result<Vec<Resource>, Failure> {
    let mut out = Vec::new();
    let pages = c.describe_vpcs().max_results(1000).into_paginator().send();
    each_page(ctx, pages, |page| {
        for v in page.vpcs() {
            let Some(id) = v.vpc_id() else { continue };
            let mut blocks: Vec<String> = v
                .cidr_block_association_set()
                .iter()
                .filter(|a| {
                    a.cidr_block_state()
                        .and_then(|s| s.state())
                        .is_none_or(|s| s.as_str() == "associated")
                })
                .filter_map(|a| a.cidr_block().map(str::to_string))
                .chain(
                    v.ipv6_cidr_block_association_set()
                        .iter()
                        .filter_map(|a| a.ipv6_cidr_block().map(str::to_string)),
                )
                .collect();
            blocks.extend(v.cidr_block().map(str::to_string));
            blocks.sort();
            blocks.dedup();
            let attrs = Vpc {
                cidr_block: v.cidr_block().map(str::to_string),
                cidr_blocks: blocks,
                is_default: v.is_default().unwrap_or(false),
                state: v.state().map(|s| s.as_str().to_string()),
                owner_id: v.owner_id().map(str::to_string),
                tags: tags(v.tags()),
            };
            let arn = v
                .owner_id()
                .map(|o| format!("arn:aws:ec2:{region}:{o}:vpc/{id}"));
            out.push(Resource::new(EC2_VPC, region, id, arn, &attrs));
        }
    })
    .await?;
    Ok(out)
}

pub(super) async fn flow_logs(
    ctx: &Ctx,
    c: &Client,
    region: &str,
) -> Result<Vec<Resource>, Failure> {
    let mut out = Vec::new();
    let pages = c
        .describe_flow_logs()
        .max_results(1000)
        .into_paginator()
        .send();
    each_page(ctx, pages, |page| {
        for f in page.flow_logs() {
            let Some(id) = f.flow_log_id() else { continue };
            let attrs = FlowLog {
                resource_id: f.resource_id().unwrap_or_default().to_string(),
                traffic_type: f.traffic_type().map(|t| t.as_str().to_string()),
                destination_type: f.log_destination_type().map(|t| t.as_str().to_string()),
                destination: f
                    .log_destination()
                    .or(f.log_group_name())
                    .map(str::to_string),
                status: f.flow_log_status().map(str::to_string),
                deliver_status: f.deliver_logs_status().map(str::to_string),
                log_format: f.log_format().map(str::to_string),
                tags: tags(f.tags()),
            };
            out.push(Resource::new(EC2_FLOW_LOG, region, id, None, &attrs));
        }
    })
    .await?;
    Ok(out)
}
