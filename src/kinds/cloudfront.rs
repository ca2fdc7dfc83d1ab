//! `cloudfront.distribution`, global: its domain, alternate names, origins,
//! viewer protocol policies, web ACL and access logging (ListDistributions,
//! then GetDistributionConfig per distribution for the logging settings the
//! listing leaves out). Collected by `aws/cloudfront.rs`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::event::{ids_at, Call};
use super::{Kind, Scope};
use crate::model::{Fetched, Risk, GLOBAL};

pub const CLOUDFRONT_DISTRIBUTION: &str = "cloudfront.distribution";

pub static DISTRIBUTION_KIND: Kind = Kind {
    name: CLOUDFRONT_DISTRIBUTION,
    scope: Scope::Global,
    risk: Risk::Asset,
    about: "A distribution: domain, aliases, origins, viewer protocol policies, web ACL, access logging.",
    events: &[
        "CreateDistribution",
        "CreateDistributionWithTags",
        "UpdateDistribution",
        "DeleteDistribution",
    ],
    ids: |c: &Call<'_>| {
        ids_at(
            c,
            CLOUDFRONT_DISTRIBUTION,
            GLOBAL,
            &[&["id"], &["distribution", "id"]],
        )
    },
    describe: |a| {
        let aliases: Vec<&str> = a["aliases"]
            .as_array()
            .map(|v| v.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let domain = a["domain_name"].as_str().unwrap_or("");
        if aliases.is_empty() {
            domain.to_string()
        } else {
            format!("{domain} for {}", aliases.join(", "))
        }
    },
    shape: super::shape::<Distribution>,
    listed: None,
    unheld: super::all_held,
};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct Distribution {
    /// `d111111abcdef8.cloudfront.net`.
    pub domain_name: String,
    /// Alternate domain names (CNAMEs), lowercase.
    pub aliases: Vec<String>,
    pub enabled: bool,
    /// Origin domain names.
    pub origins: Vec<String>,
    /// Of the default and every other cache behavior: `allow-all`,
    /// `redirect-to-https`, `https-only`.
    pub viewer_protocol_policies: Vec<String>,
    pub web_acl: Option<String>,
    /// Standard access logging; absent when off.
    pub logging: Fetched<AccessLog>,
}

/// Where access logs go (CloudFront, load balancers).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct AccessLog {
    pub bucket: String,
    pub prefix: Option<String>,
}
