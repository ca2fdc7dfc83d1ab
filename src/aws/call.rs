//! The context every call of a run goes through: the SDK configuration,
//! the concurrency bound (a permit held for one call only, so nested
//! fan-out cannot deadlock), the service and region's rate bucket, the
//! counter that sees every HTTP attempt, and each unit's time and calls.
//! Each account of a run over many has a context of its own, as it has
//! quotas of its own.

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aws_config::SdkConfig;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextRef;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use tokio::sync::Semaphore;

use super::{limits, AwsOptions};

/// Shared state for all collectors of one run.
#[derive(Clone)]
pub(crate) struct Ctx {
    pub(super) sdk: SdkConfig,
    /// Added to every client, so every HTTP attempt is counted.
    pub(super) counter: CallCounter,
    pub(super) sem: Arc<Semaphore>,
    pub(super) force_path_style: bool,
    pub(super) timings: Arc<Mutex<Vec<(String, Duration)>>>,
    /// Each unit's calls (`ec2/us-east-1` → n), as [`Ctx::finish_unit`]
    /// records them from the unit's own `calls`.
    pub(super) unit_calls: Arc<Mutex<BTreeMap<String, u64>>>,
    pub(super) progress: indicatif::ProgressBar,
    pub(super) limits: Arc<limits::RateLimits>,
    /// The bucket of the service and region this context is for (see
    /// [`Ctx::limited`]); none at the top level.
    pub(super) bucket: Option<Arc<governor::DefaultDirectRateLimiter>>,
    /// What the baseline knew that this run need not read again (empty
    /// unless a scan set it from its baseline).
    pub(super) carry: Arc<super::carry::Carry>,
    /// Calls made through this context: a unit's own (see
    /// [`Ctx::limited`]), so the report can say where the quota went.
    pub(super) calls: Arc<AtomicU64>,
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
            force_path_style: super::sdk::custom_endpoint(opts),
            timings: Arc::new(Mutex::new(Vec::new())),
            unit_calls: Arc::default(),
            progress,
            limits: Arc::new(opts.rate_limits.clone()),
            bucket: None,
            carry: Arc::default(),
            calls: Arc::default(),
        }
    }

    /// This context for calls to `service` in `region`: they share that
    /// pair's rate bucket.
    pub(crate) fn limited(&self, service: &str, region: &str) -> Ctx {
        Ctx {
            bucket: self.limits.bucket(service, region),
            calls: Arc::default(),
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
        self.calls.fetch_add(1, Ordering::Relaxed);
        fut.await
    }

    /// Records how long one collection unit took and the calls it made,
    /// and advances the progress bar.
    pub(super) fn finish_unit(&self, name: String, started: Instant) {
        self.unit_calls
            .lock()
            .expect("unit calls lock")
            .insert(name.clone(), self.calls.load(Ordering::Relaxed));
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
    pub(super) total: Arc<AtomicU64>,
    pub(super) by_op: Arc<Mutex<BTreeMap<String, u64>>>,
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
    Ctx::with_sdk(&opts, super::load_sdk_config(&opts).await)
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
