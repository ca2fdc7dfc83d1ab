//! `elbv2.load_balancer`, per region: application, network and gateway load
//! balancers with scheme, DNS name, listeners and access logging
//! (DescribeLoadBalancers, then DescribeLoadBalancerAttributes and
//! DescribeListeners per load balancer). Collected by `aws/elbv2.rs`.

use super::cloudfront::AccessLog;
use super::event::{id, text, Call};
use super::{Kind, Scope};
use crate::model::{Fetched, Risk};
use serde::{Deserialize, Serialize};

pub const ELBV2_LOAD_BALANCER: &str = "elbv2.load_balancer";

pub static LOAD_BALANCER_KIND: Kind = Kind {
    name: ELBV2_LOAD_BALANCER,
    scope: Scope::Regional,
    risk: Risk::Network,
    about: "A load balancer (v2): scheme, type, DNS name, security groups, listeners, access logs, deletion protection; native id is its name.",
    events: &[
        "CreateLoadBalancer",
        "DeleteLoadBalancer",
        "ModifyLoadBalancerAttributes",
        "SetSecurityGroups",
        "SetSubnets",
        "CreateListener",
        "DeleteListener",
        "ModifyListener",
    ],
    ids: lb_ids,
    describe: |a| {
        format!(
            "{} {} {}",
            a["scheme"].as_str().unwrap_or(""),
            a["type"].as_str().unwrap_or(""),
            a["dns_name"].as_str().unwrap_or("")
        )
    },
    shape: super::shape::<LoadBalancer>,
    listed: None,
    unheld: super::all_held,
};

/// The name inside a load balancer or listener ARN:
/// `...:loadbalancer/app/NAME/ID`, `...:listener/app/NAME/LBID/ID`.
fn name_in_arn(arn: &str) -> Option<&str> {
    let path = arn
        .split_once(":loadbalancer/")
        .or_else(|| arn.split_once(":listener/"))?
        .1;
    path.split('/').nth(1)
}

fn lb_ids(c: &Call<'_>) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    names.extend(text(c.req, &["name"]));
    for arn in [
        text(c.req, &["loadBalancerArn"]),
        text(c.req, &["listenerArn"]),
    ]
    .into_iter()
    .flatten()
    {
        names.extend(name_in_arn(&arn).map(str::to_string));
    }
    for lb in c.resp["loadBalancers"].as_array().into_iter().flatten() {
        names.extend(text(lb, &["loadBalancerName"]));
    }
    for l in c.resp["listeners"].as_array().into_iter().flatten() {
        names.extend(text(l, &["listenerArn"]).and_then(|a| name_in_arn(&a).map(str::to_string)));
    }
    names
        .iter()
        .map(|n| id(ELBV2_LOAD_BALANCER, c.region, n))
        .collect()
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct LoadBalancer {
    pub dns_name: Option<String>,
    /// `internet-facing` or `internal`.
    pub scheme: Option<String>,
    /// `application`, `network` or `gateway`.
    #[serde(rename = "type")]
    pub lb_type: Option<String>,
    pub vpc_id: Option<String>,
    pub security_groups: Vec<String>,
    /// `HTTPS:443` style.
    pub listeners: Fetched<Vec<String>>,
    /// Absent when access logging is off.
    pub access_logs: Fetched<AccessLog>,
    pub deletion_protection: Fetched<bool>,
}
