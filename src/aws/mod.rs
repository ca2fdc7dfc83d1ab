//! The only module that talks to AWS: SDK configuration, one client per
//! service (per region where the service is regional), the collectors, and
//! error classification. Every call here is a Describe/List/Get/Lookup.
//!
//! Concurrency is bounded by one semaphore shared by all collectors: a permit
//! is held only for the duration of a single API call, so nested fan-out
//! (regions → buckets → per-bucket calls) cannot deadlock, and `--concurrency`
//! is the true upper bound on requests in flight.

pub mod cloudtrail;
mod ec2;
mod iam;
mod route53;
mod s3;

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_ec2::error::ProvideErrorMetadata;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextRef;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use tokio::sync::Semaphore;

use crate::model::{Coverage, CoverageStatus, Snapshot};

/// What a collection run needs to know.
#[derive(Debug, Clone, Default)]
pub struct AwsOptions {
    pub profile: Option<String>,
    /// Regions for regional services; empty means every enabled region.
    pub regions: Vec<String>,
    pub endpoint_url: Option<String>,
    /// Maximum API requests in flight.
    pub concurrency: usize,
    /// Show a progress bar (the caller decides: terminal and not --quiet).
    pub progress: bool,
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
}

/// Error from setting up AWS access (as opposed to a per-service failure,
/// which is recorded in coverage).
#[derive(Debug, thiserror::Error)]
pub enum AwsError {
    #[error("cannot establish AWS identity (sts:GetCallerIdentity): {0}")]
    Identity(String),
    #[error("cannot list regions (ec2:DescribeRegions): {0}")]
    Regions(String),
}

/// Shared state for all collectors of one run.
#[derive(Clone)]
pub(crate) struct Ctx {
    sdk: SdkConfig,
    /// Added to every client, so every HTTP attempt is counted.
    counter: CallCounter,
    sem: Arc<Semaphore>,
    force_path_style: bool,
    timings: Arc<Mutex<Vec<(String, Duration)>>>,
    progress: indicatif::ProgressBar,
}

impl Ctx {
    pub(crate) async fn new(opts: &AwsOptions) -> Ctx {
        let progress = if opts.progress {
            let pb = indicatif::ProgressBar::new(0);
            pb.set_style(
                indicatif::ProgressStyle::with_template("{spinner} [{bar:30}] {pos}/{len} {msg}")
                    .expect("static template")
                    .progress_chars("=> "),
            );
            pb
        } else {
            indicatif::ProgressBar::hidden()
        };
        Ctx {
            sdk: load_sdk_config(opts).await,
            counter: CallCounter {
                total: Arc::new(AtomicU64::new(0)),
                by_op: Arc::new(Mutex::new(BTreeMap::new())),
            },
            sem: Arc::new(Semaphore::new(opts.concurrency.max(1))),
            force_path_style: custom_endpoint(opts),
            timings: Arc::new(Mutex::new(Vec::new())),
            progress,
        }
    }

    /// Runs one API call under the concurrency limit.
    pub(crate) async fn call<T>(&self, fut: impl Future<Output = T>) -> T {
        let _permit = self.sem.acquire().await.expect("semaphore never closed");
        fut.await
    }

    /// Records how long one collection unit took, and advances the progress bar.
    fn finish_unit(&self, name: String, started: Instant) {
        self.timings
            .lock()
            .expect("timings lock")
            .push((name.clone(), started.elapsed()));
        self.progress.inc(1);
        self.progress.set_message(name);
    }
}

/// Counts every HTTP attempt (retries included) made by any client, in total
/// and by `Service.Operation`.
#[derive(Debug, Clone)]
pub(crate) struct CallCounter {
    total: Arc<AtomicU64>,
    by_op: Arc<Mutex<BTreeMap<String, u64>>>,
}

impl Intercept for CallCounter {
    fn name(&self) -> &'static str {
        "driftwatch-call-counter"
    }
    fn read_before_transmit(
        &self,
        _ctx: &BeforeTransmitInterceptorContextRef<'_>,
        _rc: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), aws_smithy_runtime_api::box_error::BoxError> {
        self.total.fetch_add(1, Ordering::Relaxed);
        let op = cfg
            .load::<Metadata>()
            .map(|m| format!("{}.{}", m.service(), m.name()))
            .unwrap_or_else(|| "unknown".into());
        *self
            .by_op
            .lock()
            .expect("counter lock")
            .entry(op)
            .or_default() += 1;
        Ok(())
    }
}

/// Loads the standard credential chain and region, with overrides.
pub async fn load_sdk_config(opts: &AwsOptions) -> SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest());
    if let Some(p) = &opts.profile {
        loader = loader.profile_name(p);
    }
    if let Some(e) = &opts.endpoint_url {
        loader = loader.endpoint_url(e);
    }
    let mut sdk = loader.load().await;
    if sdk.region().is_none() {
        // Global services and DescribeRegions need some region to sign for.
        sdk = sdk
            .into_builder()
            .region(Region::from_static("us-east-1"))
            .build();
    }
    sdk
}

/// True when requests go to a custom endpoint (moto, LocalStack, a proxy),
/// where S3 must use path-style addressing.
fn custom_endpoint(opts: &AwsOptions) -> bool {
    opts.endpoint_url.is_some()
        || std::env::var_os("AWS_ENDPOINT_URL").is_some()
        || std::env::var_os("AWS_ENDPOINT_URL_S3").is_some()
}

/// How a failed call is recorded.
#[derive(Debug, Clone)]
pub(crate) struct Failure {
    pub status: CoverageStatus,
    pub code: String,
    pub message: String,
}

impl Failure {
    pub(crate) fn coverage(&self, service: &str, region: &str) -> Coverage {
        Coverage {
            service: service.into(),
            region: region.into(),
            status: self.status,
            error_code: Some(self.code.clone()),
            message: Some(self.message.clone()),
            unknown_values: Vec::new(),
        }
    }
}

/// Error codes that mean "you may not", across services.
const DENIED_CODES: &[&str] = &[
    "AccessDenied",
    "AccessDeniedException",
    "UnauthorizedOperation",
    "UnauthorizedAccess",
    "AllAccessDisabled",
    "AuthorizationError",
    "Forbidden",
];

/// Classifies an SDK error into denied or error, keeping its code.
pub(crate) fn classify<E, R>(err: &SdkError<E, R>) -> Failure
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug + 'static,
{
    let code = err.code().map(str::to_string);
    let message = err
        .message()
        .map(str::to_string)
        .unwrap_or_else(|| error_chain(err));
    let denied = code.as_deref().is_some_and(|c| DENIED_CODES.contains(&c));
    Failure {
        status: if denied {
            CoverageStatus::Denied
        } else {
            CoverageStatus::Error
        },
        code: code.unwrap_or_else(|| match err {
            SdkError::TimeoutError(_) => "Timeout".into(),
            SdkError::DispatchFailure(_) => "DispatchFailure".into(),
            SdkError::ResponseError(_) => "ResponseError".into(),
            _ => "Unknown".into(),
        }),
        message,
    }
}

/// The error and its sources on one line.
pub(crate) fn error_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut s = err.to_string();
    let mut cur = err.source();
    while let Some(e) = cur {
        s.push_str(": ");
        s.push_str(&e.to_string());
        cur = e.source();
    }
    s
}

/// Collects a full snapshot of the account.
pub async fn collect(opts: &AwsOptions) -> Result<(Snapshot, CollectStats), AwsError> {
    let started = Instant::now();
    let taken_at = jiff::Timestamp::now()
        .round(jiff::Unit::Second)
        .unwrap_or(jiff::Timestamp::now());
    let ctx = Ctx::new(opts).await;
    let calls = ctx.counter.total.clone();
    let by_op = ctx.counter.by_op.clone();
    let sts = aws_sdk_sts::Client::from_conf(
        aws_sdk_sts::config::Builder::from(&ctx.sdk)
            .interceptor(ctx.counter.clone())
            .build(),
    );
    let ident = ctx
        .call(sts.get_caller_identity().send())
        .await
        .map_err(|e| AwsError::Identity(error_chain(&e)))?;
    let account = ident.account().unwrap_or_default().to_string();
    let caller_arn = ident.arn().unwrap_or_default().to_string();

    let regions = if opts.regions.is_empty() {
        ec2::enabled_regions(&ctx)
            .await
            .map_err(|f| AwsError::Regions(f.message))?
    } else {
        let mut r = opts.regions.clone();
        r.sort();
        r.dedup();
        r
    };
    // One unit per EC2 region plus S3, IAM, Route53.
    ctx.progress.set_length(regions.len() as u64 + 3);

    let mut snap = Snapshot::new(account, taken_at.to_string());
    snap.regions = regions.clone();

    let ec2_units = futures::future::join_all(regions.iter().map(|r| {
        let ctx = ctx.clone();
        let r = r.clone();
        async move { unit(&ctx, format!("ec2/{r}"), ec2::collect_region(&ctx, &r)).await }
    }));
    let (ec2_parts, s3_part, iam_part, r53_part) = tokio::join!(
        ec2_units,
        unit(&ctx, "s3/global".into(), s3::collect(&ctx, &snap.account)),
        unit(&ctx, "iam/global".into(), iam::collect(&ctx)),
        unit(&ctx, "route53/global".into(), route53::collect(&ctx)),
    );
    for part in ec2_parts.into_iter().chain([s3_part, iam_part, r53_part]) {
        for c in part.coverage {
            snap.coverage
                .insert(crate::model::coverage_key(&c.service, &c.region), c);
        }
        for r in part.resources {
            snap.insert(r);
        }
    }
    record_unknown_values(&mut snap);
    ctx.progress.finish_and_clear();

    let mut by_unit = ctx.timings.lock().expect("timings lock").clone();
    by_unit.sort_by(|a, b| a.0.cmp(&b.0));
    let by_operation = by_op.lock().expect("counter lock").clone();
    Ok((
        snap,
        CollectStats {
            caller_arn,
            api_calls: calls.load(Ordering::Relaxed),
            elapsed: started.elapsed(),
            by_unit,
            by_operation,
        },
    ))
}

/// Lists, in each service's coverage, the values its own calls could not
/// read (a denied GetBucketPolicy on one bucket, say): the listing was
/// complete, so the resource is compared, but that value is not.
fn record_unknown_values(snap: &mut Snapshot) {
    let mut found: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for r in snap.resources.values() {
        if let serde_json::Value::Object(m) = &r.attrs {
            for (k, v) in m {
                if crate::model::is_unknown_marker(v) {
                    let code = v[crate::model::UNKNOWN_KEY].as_str().unwrap_or("?");
                    found
                        .entry(crate::model::coverage_key(r.service(), &r.region))
                        .or_default()
                        .push(format!("{}.{k}: {code}", r.native_id));
                }
            }
        }
    }
    for (key, values) in found {
        if let Some(c) = snap.coverage.get_mut(&key) {
            c.unknown_values = values;
        }
    }
}

/// What one collector returns: resources plus coverage entries.
#[derive(Debug, Default)]
pub(crate) struct Part {
    pub resources: Vec<crate::model::Resource>,
    pub coverage: Vec<Coverage>,
}

async fn unit(ctx: &Ctx, name: String, fut: impl Future<Output = Part>) -> Part {
    let started = Instant::now();
    let part = fut.await;
    ctx.finish_unit(name, started);
    part
}

/// Converts an SDK timestamp to RFC 3339 UTC.
pub(crate) fn ts(t: &aws_smithy_types::DateTime) -> String {
    t.fmt(aws_smithy_types::date_time::Format::DateTime)
        .unwrap_or_else(|_| t.secs().to_string())
}
