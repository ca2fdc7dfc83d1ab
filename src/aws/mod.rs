//! The only module that talks to AWS: SDK configuration, one client per
//! service (per region where the service is regional), the collectors, and
//! error classification. Every call here is a Describe/List/Get/Lookup,
//! or IAM's GenerateCredentialReport, which renders a report and changes no
//! identity (IAM classes it as Read).
//!
//! Concurrency is bounded by one semaphore shared by all collectors: a permit
//! is held only for the duration of a single API call, so nested fan-out
//! (regions → buckets → per-bucket calls) cannot deadlock, and `--concurrency`
//! is the true upper bound on requests in flight.

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
mod cloudfront;
pub mod cloudtrail;
mod config;
mod ec2;
mod ec2_prefix_list;
mod ec2_sharing;
mod ec2_vpc;
mod elbv2;
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
mod secretsmanager;
mod securityhub;
mod sns;
mod sqs;
mod trails;

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
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

use crate::model::{Coverage, CoverageStatus, Snapshot, GLOBAL};

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

/// How long the instance metadata service may take to answer before the
/// credential and region chains move on: on EC2 it answers in milliseconds,
/// and off EC2 a hanging or absent endpoint must not stall every run.
const IMDS_TIMEOUT: Duration = Duration::from_millis(500);

/// Checks that a named profile exists before anything is sent, so a typo
/// reads as "profile X not found", not as an IMDS error from the end of
/// the credential chain.
pub async fn check_profile(profile: &str) -> Result<(), AwsError> {
    let env = aws_types::os_shim_internal::Env::real();
    let fs = aws_types::os_shim_internal::Fs::real();
    let set = aws_config::profile::load(&fs, &env, &Default::default(), None)
        .await
        .map_err(|e| AwsError::ConfigFiles(error_chain(&e)))?;
    if set.get_profile(profile).is_some() {
        return Ok(());
    }
    let files = ["AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"]
        .iter()
        .zip(["~/.aws/config", "~/.aws/credentials"])
        .map(|(var, default)| std::env::var(var).unwrap_or_else(|_| default.into()))
        .collect::<Vec<_>>()
        .join(" or ");
    let mut known: Vec<&str> = set.profiles().collect();
    known.sort();
    Err(AwsError::NoProfile {
        profile: profile.into(),
        files,
        known: if known.is_empty() {
            "none".into()
        } else {
            known.join(", ")
        },
    })
}

/// What to tell the user when the identity call fails: SSO profiles need a
/// login, and a missing chain needs credentials.
async fn identity_hint(opts: &AwsOptions, message: &str) -> String {
    let env = aws_types::os_shim_internal::Env::real();
    let fs = aws_types::os_shim_internal::Fs::real();
    let name = opts
        .profile
        .clone()
        .or_else(|| std::env::var("AWS_PROFILE").ok())
        .unwrap_or_else(|| "default".into());
    let sso = aws_config::profile::load(&fs, &env, &Default::default(), None)
        .await
        .ok()
        .and_then(|set| {
            let p = set.get_profile(&name)?;
            Some(p.get("sso_session").is_some() || p.get("sso_start_url").is_some())
        })
        .unwrap_or(false);
    if sso {
        format!(
            "profile {name} uses SSO and has no session: run `aws sso login --profile {name}`; "
        )
    } else if [
        "loading credentials",
        "no credentials",
        "credential provider was not enabled",
    ]
    .iter()
    .any(|m| message.to_ascii_lowercase().contains(m))
    {
        "no credentials found: set AWS_PROFILE or --profile, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; ".into()
    } else {
        String::new()
    }
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
    limits: Arc<limits::RateLimits>,
    /// The bucket of the service and region this context is for (see
    /// [`Ctx::limited`]); none at the top level.
    bucket: Option<Arc<governor::DefaultDirectRateLimiter>>,
}

impl Ctx {
    /// A context on a configuration already loaded (another account's
    /// assumed role): its own semaphore and rate buckets, as that account
    /// has its own quotas.
    pub(crate) fn with_sdk(opts: &AwsOptions, sdk: SdkConfig) -> Ctx {
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
            sdk,
            counter: CallCounter {
                total: Arc::new(AtomicU64::new(0)),
                by_op: Arc::new(Mutex::new(BTreeMap::new())),
            },
            sem: Arc::new(Semaphore::new(opts.concurrency.max(1))),
            force_path_style: custom_endpoint(opts),
            timings: Arc::new(Mutex::new(Vec::new())),
            progress,
            limits: Arc::new(opts.rate_limits.clone()),
            bucket: None,
        }
    }

    /// This context for calls to `service` in `region`: they share that
    /// pair's rate bucket.
    pub(crate) fn limited(&self, service: &str, region: &str) -> Ctx {
        Ctx {
            bucket: self.limits.bucket(service, region),
            ..self.clone()
        }
    }

    /// Runs one API call under the rate limit of its service and region,
    /// then the concurrency limit. The rate is waited for first, holding no
    /// permit, so a slow service never holds back the others' calls.
    pub(crate) async fn call<T>(&self, fut: impl Future<Output = T>) -> T {
        if let Some(b) = &self.bucket {
            b.until_ready().await;
        }
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

/// Loads the standard credential chain and region, with overrides. A region
/// given on the command line, or a custom endpoint, is used as is: the region
/// chain (which ends in an IMDS probe) runs only when neither is given.
pub async fn load_sdk_config(opts: &AwsOptions) -> SdkConfig {
    let imds = aws_config::imds::Client::builder()
        .connect_timeout(IMDS_TIMEOUT)
        .read_timeout(IMDS_TIMEOUT)
        .max_attempts(1)
        .build();
    // Resolved once: the credential chain would otherwise run the default
    // region chain (and its IMDS probe) again for its own STS calls.
    let region = resolve_region(opts, &imds).await;
    let mut creds = aws_config::default_provider::credentials::DefaultCredentialsChain::builder()
        .imds_client(imds)
        .region(region.clone());
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .region(region)
        .timeout_config(
            aws_config::timeout::TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(5).min(opts.attempt_timeout))
                .operation_attempt_timeout(opts.attempt_timeout)
                .operation_timeout(opts.operation_timeout)
                .build(),
        )
        .retry_config(
            aws_config::retry::RetryConfig::adaptive().with_max_attempts(opts.max_attempts),
        );
    if let Some(p) = &opts.profile {
        loader = loader.profile_name(p);
        creds = creds.profile_name(p);
    }
    if let Some(e) = &opts.endpoint_url {
        loader = loader.endpoint_url(e);
    }
    loader
        .credentials_provider(creds.build().await)
        .load()
        .await
}

/// The region requests are signed for: the first `--region`; with a custom
/// endpoint (moto, LocalStack, a proxy: no IMDS behind it) the environment's
/// or us-east-1; otherwise the standard chain (environment, profile, IMDS),
/// falling back to us-east-1, since global services and DescribeRegions
/// sign for some region.
async fn resolve_region(opts: &AwsOptions, imds: &aws_config::imds::Client) -> Region {
    use aws_config::meta::region::{ProvideRegion, RegionProviderChain};
    if let Some(r) = opts.regions.first() {
        return Region::new(r.clone());
    }
    let env = aws_config::environment::region::EnvironmentVariableRegionProvider::new();
    if custom_endpoint(opts) {
        return env
            .region()
            .await
            .unwrap_or(Region::from_static("us-east-1"));
    }
    let mut profile = aws_config::profile::ProfileFileRegionProvider::builder();
    if let Some(p) = &opts.profile {
        profile = profile.profile_name(p);
    }
    RegionProviderChain::first_try(env)
        .or_else(profile.build())
        .or_else(
            aws_config::imds::region::ImdsRegionProvider::builder()
                .imds_client(imds.clone())
                .build(),
        )
        .or_else(Region::from_static("us-east-1"))
        .region()
        .await
        .unwrap_or(Region::from_static("us-east-1"))
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
pub struct Failure {
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

/// Collects a full snapshot of the account.
pub async fn collect(opts: &AwsOptions) -> Result<(Snapshot, CollectStats), AwsError> {
    // On the heap: the state of every service's collector together is more
    // than a 2 MiB thread stack holds in a debug build, and callers poll
    // this future on whatever thread they have.
    Box::pin(async {
        let mut session = Session::connect(opts).await?;
        let regions = session.regions(&opts.regions).await?;
        Ok(Box::pin(session.collect(regions)).await)
    })
    .await
}

/// An enabled region and its opt-in status.
pub(crate) type EnabledRegion = (String, Option<String>);

/// An established identity: the account is known before the (slow) read,
/// so a scan can load and check the account's baseline first.
pub struct Session {
    ctx: Ctx,
    pub account: String,
    pub caller_arn: String,
    started: Instant,
    taken_at: jiff::Timestamp,
    /// DescribeRegions as `regions` read it: the enabled regions become
    /// `account.region` resources.
    enabled: Option<Result<Vec<EnabledRegion>, Failure>>,
}

impl Session {
    pub async fn connect(opts: &AwsOptions) -> Result<Session, AwsError> {
        Session::with_sdk(opts, load_sdk_config(opts).await).await
    }

    /// A session on a configuration already loaded.
    pub async fn with_sdk(opts: &AwsOptions, sdk: SdkConfig) -> Result<Session, AwsError> {
        match Session::identify(opts, sdk).await {
            Ok(s) => Ok(s),
            Err(e) => {
                let message = error_chain(&e);
                let hint = identity_hint(opts, &message).await;
                Err(AwsError::Identity { message, hint })
            }
        }
    }

    /// Who the configuration's credentials are (sts:GetCallerIdentity).
    async fn identify(
        opts: &AwsOptions,
        sdk: SdkConfig,
    ) -> Result<
        Session,
        SdkError<
            aws_sdk_sts::operation::get_caller_identity::GetCallerIdentityError,
            aws_smithy_runtime_api::http::Response,
        >,
    > {
        let started = Instant::now();
        let now = jiff::Timestamp::now();
        let taken_at = now.round(jiff::Unit::Second).unwrap_or(now);
        let ctx = Ctx::with_sdk(opts, sdk);
        let sts = aws_sdk_sts::Client::from_conf(
            aws_sdk_sts::config::Builder::from(&ctx.sdk)
                .interceptor(ctx.counter.clone())
                .build(),
        );
        let ident = ctx.call(sts.get_caller_identity().send()).await?;
        Ok(Session {
            account: ident.account().unwrap_or_default().to_string(),
            caller_arn: ident.arn().unwrap_or_default().to_string(),
            ctx,
            started,
            taken_at,
            enabled: None,
        })
    }

    /// The regions to read: every enabled one when none are wanted, else
    /// the wanted ones, each checked against the enabled list. When the
    /// list itself cannot be read, wanted regions are used as given.
    pub async fn regions(&mut self, wanted: &[String]) -> Result<Vec<String>, AwsError> {
        let mut enabled = ec2::enabled_regions(&self.ctx, None).await;
        if enabled
            .as_ref()
            .is_err_and(|f| f.status != CoverageStatus::Denied)
            && !wanted.is_empty()
        {
            // The signing region is the first one wanted: a mistyped region
            // has no endpoint. Ask the standard partition's first region.
            enabled = ec2::enabled_regions(&self.ctx, Some("us-east-1")).await;
        }
        self.enabled = Some(enabled.clone());
        let enabled = enabled.map(|all| all.into_iter().map(|(r, _)| r).collect::<Vec<_>>());
        let mut regions = match (wanted.is_empty(), enabled) {
            (true, Ok(all)) => all,
            (true, Err(f)) => return Err(AwsError::Regions(f.message)),
            (false, Ok(all)) => {
                if let Some(bad) = wanted.iter().find(|r| !all.contains(r)) {
                    return Err(AwsError::UnknownRegion {
                        region: bad.clone(),
                        enabled: all.join(", "),
                    });
                }
                wanted.to_vec()
            }
            (false, Err(f)) => {
                tracing::warn!(
                    "cannot check the regions given (ec2:DescribeRegions: {}); using them as given",
                    f.code
                );
                wanted.to_vec()
            }
        };
        regions.sort();
        regions.dedup();
        Ok(regions)
    }

    /// Reads every service: EC2, CloudTrail trails, GuardDuty, Config, ELBv2,
    /// Resolver query logging, Security Hub, RDS, Lambda, KMS, SQS, SNS,
    /// Secrets Manager and Roles Anywhere per region; S3, IAM, Route53,
    /// CloudFront and Organizations globally. Every unit runs at once; the shared
    /// semaphore bounds the calls in flight, so a slow service holds back
    /// only its own unit.
    pub async fn collect(self, regions: Vec<String>) -> (Snapshot, CollectStats) {
        let ctx = &self.ctx;
        let mut snap = Snapshot::new(self.account.clone(), self.taken_at.to_string());
        snap.regions = regions.clone();
        snap.kinds_read = Some(
            crate::kinds::names()
                .into_iter()
                .map(String::from)
                .collect(),
        );
        let mut units: Vec<Unit<'_>> = Vec::new();
        for r in &regions {
            units.extend([
                boxed(ctx, "ec2", r, ec2::collect_region(ctx, r, &self.account)),
                boxed(
                    ctx,
                    "cloudtrail",
                    r,
                    trails::collect_region(ctx, r, &regions),
                ),
                boxed(ctx, "guardduty", r, guardduty::collect_region(ctx, r)),
                boxed(ctx, "config", r, config::collect_region(ctx, r)),
                boxed(ctx, "elbv2", r, elbv2::collect_region(ctx, r)),
                boxed(
                    ctx,
                    "route53resolver",
                    r,
                    route53resolver::collect_region(ctx, r),
                ),
                boxed(ctx, "securityhub", r, securityhub::collect_region(ctx, r)),
                boxed(ctx, "rds", r, rds::collect_region(ctx, r)),
                boxed(ctx, "lambda", r, lambda::collect_region(ctx, r)),
                boxed(ctx, "kms", r, kms::collect_region(ctx, r)),
                boxed(ctx, "sqs", r, sqs::collect_region(ctx, r)),
                boxed(ctx, "sns", r, sns::collect_region(ctx, r)),
                boxed(
                    ctx,
                    "secretsmanager",
                    r,
                    secretsmanager::collect_region(ctx, r),
                ),
                boxed(
                    ctx,
                    "rolesanywhere",
                    r,
                    rolesanywhere::collect_region(ctx, r),
                ),
            ]);
        }
        units.extend([
            boxed(ctx, "s3", GLOBAL, s3::collect(ctx, &self.account)),
            boxed(ctx, "iam", GLOBAL, iam::collect(ctx)),
            boxed(ctx, "route53", GLOBAL, route53::collect(ctx)),
            boxed(ctx, "cloudfront", GLOBAL, cloudfront::collect(ctx)),
            boxed(ctx, "organizations", GLOBAL, organizations::collect(ctx)),
        ]);
        ctx.progress.set_length(units.len() as u64);
        let mut parts = futures::future::join_all(units).await;
        parts.push(self.region_part());
        for part in parts {
            for c in part.coverage {
                snap.coverage
                    .insert(crate::model::coverage_key(&c.service, &c.region), c);
            }
            for r in part.resources {
                snap.insert(r);
            }
        }
        snap.record_unknown_values();
        ctx.progress.finish_and_clear();
        let stats = self.stats();
        (snap, stats)
    }

    /// `account.region` resources from the DescribeRegions answer `regions`
    /// already has: every enabled region, scanned or not.
    fn region_part(&self) -> Part {
        use crate::kinds::{Region, ACCOUNT_REGION};
        match &self.enabled {
            Some(Ok(all)) => Part {
                resources: all
                    .iter()
                    .map(|(name, opt_in)| {
                        let attrs = Region {
                            opt_in_status: opt_in.clone(),
                        };
                        crate::model::Resource::new(ACCOUNT_REGION, GLOBAL, name, None, &attrs)
                    })
                    .collect(),
                coverage: vec![Coverage::complete("account", GLOBAL)],
            },
            Some(Err(f)) => Part {
                resources: vec![],
                coverage: vec![f.coverage("account", GLOBAL)],
            },
            None => Part::default(),
        }
    }

    fn stats(&self) -> CollectStats {
        let mut by_unit = self.ctx.timings.lock().expect("timings lock").clone();
        by_unit.sort_by(|a, b| a.0.cmp(&b.0));
        CollectStats {
            caller_arn: self.caller_arn.clone(),
            api_calls: self.ctx.counter.total.load(Ordering::Relaxed),
            elapsed: self.started.elapsed(),
            by_unit,
            by_operation: self.ctx.counter.by_op.lock().expect("counter lock").clone(),
        }
    }
}

/// What one collector returns: resources plus coverage entries.
#[derive(Debug, Default)]
pub(crate) struct Part {
    pub resources: Vec<crate::model::Resource>,
    pub coverage: Vec<Coverage>,
}

impl Part {
    /// A unit that either read its service in a region completely, or
    /// failed and reports no resources (never an empty list that would
    /// read as "everything was deleted").
    pub(crate) fn of(
        service: &str,
        region: &str,
        read: Result<Vec<crate::model::Resource>, Failure>,
    ) -> Part {
        match read {
            Ok(resources) => Part {
                resources,
                coverage: vec![Coverage::complete(service, region)],
            },
            Err(f) => Part {
                resources: vec![],
                coverage: vec![f.coverage(service, region)],
            },
        }
    }
}

impl Part {
    /// A unit of several independent lists: the resources of every list
    /// that was read, and the unit's coverage from the worst failure
    /// (denied outranks error: it is the more actionable message). The
    /// incomplete coverage keeps diff from reading the missing list's
    /// resources as deleted.
    pub(crate) fn of_lists(
        service: &str,
        region: &str,
        lists: impl IntoIterator<Item = Result<Vec<crate::model::Resource>, Failure>>,
    ) -> Part {
        let mut part = Part::default();
        let mut failure: Option<Failure> = None;
        for r in lists {
            match r {
                Ok(mut rs) => part.resources.append(&mut rs),
                Err(f) => {
                    if failure.as_ref().is_none_or(|old| f.status < old.status) {
                        failure = Some(f);
                    }
                }
            }
        }
        part.coverage.push(match failure {
            None => Coverage::complete(service, region),
            Some(f) => f.coverage(service, region),
        });
        part
    }
}

/// One collection unit (a service in a region), boxed so units of every
/// service can be joined as one list.
type Unit<'a> = Pin<Box<dyn Future<Output = Part> + 'a>>;

fn boxed<'a>(
    ctx: &'a Ctx,
    service: &str,
    region: &str,
    fut: impl Future<Output = Part> + 'a,
) -> Unit<'a> {
    Box::pin(unit(ctx, format!("{service}/{region}"), fut))
}

async fn unit(ctx: &Ctx, name: String, fut: impl Future<Output = Part>) -> Part {
    let started = Instant::now();
    let part = fut.await;
    ctx.finish_unit(name, started);
    part
}

/// The run context for collector tests with mocked clients: the endpoint
/// is never reached (the mocks answer), and nothing is read from the
/// developer's AWS setup that matters to the mocks.
#[cfg(test)]
pub(crate) async fn mock_ctx() -> Ctx {
    let opts = AwsOptions {
        endpoint_url: Some("http://127.0.0.1:9".into()),
        regions: vec!["us-east-1".into()],
        ..Default::default()
    };
    Ctx::with_sdk(&opts, load_sdk_config(&opts).await)
}

/// EC2's query-protocol error for a call the role may not make, for mocked
/// EC2 clients.
#[cfg(test)]
pub(crate) fn ec2_denied() -> aws_smithy_runtime_api::http::Response {
    aws_smithy_runtime_api::http::Response::new(
        aws_smithy_runtime_api::http::StatusCode::try_from(403).unwrap(),
        aws_smithy_types::body::SdkBody::from(
            "<Response><Errors><Error><Code>UnauthorizedOperation</Code>\
             <Message>no</Message></Error></Errors><RequestID>r</RequestID></Response>",
        ),
    )
}

/// Converts an SDK timestamp to RFC 3339 UTC.
pub(crate) fn ts(t: &aws_smithy_types::DateTime) -> String {
    t.fmt(aws_smithy_types::date_time::Format::DateTime)
        .unwrap_or_else(|_| t.secs().to_string())
}

/// Every item of every page, sorted, or unknown when any page fails: a
/// partial list would read as a shorter one.
pub(crate) async fn fetched_pages<O, E, R, T: Ord>(
    ctx: &Ctx,
    mut pages: aws_smithy_async::future::pagination_stream::PaginationStream<
        Result<O, SdkError<E, R>>,
    >,
    items: impl Fn(&O) -> Vec<T>,
) -> crate::model::Fetched<Vec<T>>
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug + 'static,
{
    let mut out = Vec::new();
    loop {
        match ctx.call(pages.try_next()).await {
            Ok(Some(page)) => out.extend(items(&page)),
            Ok(None) => break,
            Err(e) => return crate::model::Fetched::Unknown(classify(&e).code),
        }
    }
    out.sort();
    crate::model::Fetched::Present(out)
}

/// A resource policy as a service returned it: absent, normalized, or
/// unknown when it is not a policy document we can read.
pub(crate) fn fetched_policy(text: Option<&str>) -> crate::model::Fetched<serde_json::Value> {
    use crate::model::Fetched;
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Fetched::Absent,
        Some(t) => crate::model::policy::parse_document(t).map_or_else(
            |_| Fetched::Unknown("UnparseablePolicy".into()),
            Fetched::Present,
        ),
    }
}
