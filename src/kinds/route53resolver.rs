//! `route53resolver.query_log_config`, per region: DNS query logging
//! configurations and the VPCs they log (ListResolverQueryLogConfigs,
//! ListResolverQueryLogConfigAssociations). Collected by
//! `aws/route53resolver.rs`.

use serde::{Deserialize, Serialize};

use super::event::{ids_at, Call};
use super::{Kind, Scope};
use crate::model::Risk;

pub const RESOLVER_QUERY_LOG_CONFIG: &str = "route53resolver.query_log_config";

pub static QUERY_LOG_CONFIG_KIND: Kind = Kind {
    name: RESOLVER_QUERY_LOG_CONFIG,
    scope: Scope::Regional,
    risk: Risk::Visibility,
    about: "A Resolver query logging configuration: destination and the VPCs it logs.",
    events: &[
        "CreateResolverQueryLogConfig",
        "DeleteResolverQueryLogConfig",
        "AssociateResolverQueryLogConfig",
        "DisassociateResolverQueryLogConfig",
    ],
    ids: |c: &Call<'_>| {
        ids_at(
            c,
            RESOLVER_QUERY_LOG_CONFIG,
            c.region,
            &[
                &["resolverQueryLogConfigId"],
                &["resolverQueryLogConfig", "id"],
                &[
                    "resolverQueryLogConfigAssociation",
                    "resolverQueryLogConfigId",
                ],
            ],
        )
    },
    describe: |a| {
        format!(
            "to {} for {} VPCs",
            a["destination"].as_str().unwrap_or("?"),
            a["vpcs"].as_array().map_or(0, Vec::len)
        )
    },
    shape: super::shape::<QueryLogConfig>,
    listed: None,
    unheld: super::all_held,
};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct QueryLogConfig {
    pub name: Option<String>,
    /// The S3 bucket, log group or Firehose stream ARN.
    pub destination: Option<String>,
    pub owner_id: Option<String>,
    /// `NOT_SHARED`, `SHARED_WITH_ME` or `SHARED_BY_ME`.
    pub share_status: Option<String>,
    /// VPC ids whose queries it logs (active associations).
    pub vpcs: Vec<String>,
}
