//! The only module that talks to AWS: the SDK configuration (`sdk.rs`), the
//! call context (`call.rs`), failures (`failure.rs`) and answers
//! (`fetch.rs`), the session and its reading (`session.rs`), the registry
//! of services (`services.rs`) and one collector file per service, the
//! CloudTrail sources (`cloudtrail.rs`, `athena.rs`) and the hop into other
//! accounts (`accounts.rs`).
//!
//! driftwatch only reads: Describe, List, Get and Lookup calls; IAM's
//! GenerateCredentialReport, which renders a report and changes no
//! identity (IAM classes it as Read); STS AssumeRole into other accounts;
//! and Athena's StartQueryExecution and GetQueryResults when CloudTrail is
//! read there (Athena writes the results to the workgroup's output).
//!
//! Each account's calls share one semaphore: a permit is held only for a
//! single API call, so nested fan-out (regions → buckets → per-bucket
//! calls) cannot deadlock, and `--concurrency` bounds one account's
//! requests in flight (a run over many accounts has one bound per account,
//! `--parallel-accounts` at a time).

/// A service's client for one region, from the run's shared configuration,
/// with the call counter on it. Each SDK crate has its own types, hence a
/// macro rather than a function.
macro_rules! regional_client {
    ($sdk:ident, $ctx:expr, $region:expr) => {
        $sdk::Client::from_conf(
            $sdk::config::Builder::from(&$ctx.sdk)
                .interceptor($ctx.counter.clone())
                .region(aws_config::Region::new($region.to_string()))
                .build(),
        )
    };
}

pub mod accounts;
pub mod athena;
mod call;
mod carry;
mod cloudfront;
pub mod cloudtrail;
mod config_service;
mod ec2;
mod ec2_prefix_list;
mod ec2_sharing;
mod ec2_vpc;
mod elbv2;
mod failure;
mod fetch;
mod guardduty;
mod iam;
mod iam_report;
mod kms;
mod lambda;
pub mod limits;
mod organizations;
mod pipeline;
mod rds;
mod rolesanywhere;
mod route53;
mod route53resolver;
mod s3;
mod s3_settings;
mod s3control;
mod sdk;
mod secretsmanager;
mod securityhub;
mod services;
mod session;
mod sns;
mod sqs;
mod trails;

use std::collections::BTreeMap;
use std::time::Duration;

#[cfg(test)]
pub(crate) use call::{ec2_denied, mock_ctx};
pub(crate) use call::{CallCounter, Ctx};
pub use failure::Failure;
pub(crate) use failure::{classify, error_chain};
pub(crate) use fetch::{each_page, fetched_pages, fetched_policy, gone_or_unknown, ts};
pub use sdk::{check_profile, load_sdk_config};
pub(crate) use services::Part;
pub(crate) use session::EnabledRegion;
pub use session::{collect, Session};

/// The IAM actions each service's reading calls, as `(service, action)`:
/// what `iam/driftwatch-readonly.json` must grant (tests hold the two to
/// each other and to the calls made).
pub fn iam_actions() -> Vec<(&'static str, &'static str)> {
    services::SERVICES
        .iter()
        .flat_map(|s| s.actions.iter().map(move |a| (s.name, *a)))
        .collect()
}

/// Every service name driftwatch reads (its coverage entries and rate
/// buckets go by it), and `cloudtrail-events` (LookupEvents).
pub fn service_names() -> Vec<&'static str> {
    let mut names = services::names();
    names.push(cloudtrail::EVENTS);
    names.sort();
    names
}

/// What a collection run needs to know.
#[derive(Debug, Clone)]
pub struct AwsOptions {
    pub profile: Option<String>,
    /// Regions for regional services; empty means every enabled region.
    pub regions: Vec<String>,
    pub endpoint_url: Option<String>,
    /// Maximum API requests in flight.
    pub concurrency: usize,
    /// Show a progress bar (the caller decides: terminal and not --quiet).
    pub progress: bool,
    /// One API operation, retries included.
    pub operation_timeout: Duration,
    /// One HTTP attempt.
    pub attempt_timeout: Duration,
    /// Attempts per call, in the SDK's adaptive retry mode.
    pub max_attempts: u32,
    /// Client-side request rates per service and region.
    pub rate_limits: limits::RateLimits,
}

impl Default for AwsOptions {
    fn default() -> Self {
        AwsOptions {
            profile: None,
            regions: vec![],
            endpoint_url: None,
            concurrency: DEFAULT_CONCURRENCY,
            progress: false,
            operation_timeout: Duration::from_secs(60),
            attempt_timeout: Duration::from_secs(20),
            max_attempts: 5,
            rate_limits: limits::RateLimits::default(),
        }
    }
}

pub const DEFAULT_CONCURRENCY: usize = 32;

/// Figures from one collection, for the stderr summary and benchmarks.
#[derive(Debug, Clone, Default)]
pub struct CollectStats {
    /// The caller's ARN (sts:GetCallerIdentity), e.g. for recording approvers.
    pub caller_arn: String,
    pub api_calls: u64,
    pub elapsed: Duration,
    /// Wall time of each collection unit (`ec2/us-east-1`, `s3/global`, ...).
    pub by_unit: Vec<(String, Duration)>,
    /// HTTP attempts by `Service.Operation`.
    pub by_operation: BTreeMap<String, u64>,
    /// Calls by collection unit (`ec2/us-east-1`; pages and per-resource
    /// reads, retries not counted): where the read's quota went. Not in
    /// the snapshot, which must read the same whatever the retries.
    pub calls_by_unit: BTreeMap<String, u64>,
}

/// Error from setting up AWS access (as opposed to a per-service failure,
/// which is recorded in coverage).
#[derive(Debug, thiserror::Error)]
pub enum AwsError {
    /// The fix first, when one is known: the SDK's own chain of causes is
    /// long (every provider it tried) and ends far from what to do.
    #[error("{hint}cannot establish AWS identity (sts:GetCallerIdentity): {message}")]
    Identity { message: String, hint: String },
    #[error("cannot list regions (ec2:DescribeRegions): {0}")]
    Regions(String),
    #[error("--region {region}: not a region this account has enabled (enabled: {enabled})")]
    UnknownRegion { region: String, enabled: String },
    #[error("profile {profile} not found in {files} (profiles there: {known})")]
    NoProfile {
        profile: String,
        files: String,
        known: String,
    },
    #[error("cannot read the AWS config files: {0}")]
    ConfigFiles(String),
    #[error("cannot list the organization's accounts (organizations:ListAccounts): {0}")]
    Accounts(String),
}

/// The async runtime AWS calls run on; the commands block on it.
pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    use anyhow::Context;
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        // Event checks evaluate CEL on the threads that parse trail logs.
        .thread_stack_size(crate::trail::source::READER_STACK)
        .build()
        .context("cannot start the async runtime")
}
