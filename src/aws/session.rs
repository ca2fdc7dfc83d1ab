//! A run's established identity and its reading of the account: the
//! caller (sts:GetCallerIdentity), the enabled regions (DescribeRegions),
//! and every service of the registry read at once, unit by unit, into one
//! snapshot; for a scan, with what its baseline lets it carry instead of
//! reading again (`carry.rs`), and each unit's calls counted.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::Ordering;
use std::time::Instant;

use aws_config::SdkConfig;
use aws_smithy_runtime_api::client::result::SdkError;

use super::services::{self, Part};
use super::*;
use crate::model::{Coverage, CoverageStatus, Fetched, Resource, Snapshot, GLOBAL};

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
    pub(super) ctx: Ctx,
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
                let hint = super::sdk::identity_hint(opts, &message).await;
                Err(AwsError::Identity { message, hint })
            }
        }
    }

    /// Who the configuration's credentials are (sts:GetCallerIdentity).
    pub(super) async fn identify(
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

    /// Lets the read carry from `base` the values AWS's semantics say
    /// cannot have changed since (`carry.rs`); a scan sets it from its
    /// baseline, `baseline save` never does.
    pub fn carry_from(&mut self, base: &Snapshot) {
        self.ctx.carry = std::sync::Arc::new(super::carry::Carry::from_baseline(base));
    }

    /// Reads every service of the registry in every place it applies to:
    /// each unit runs at once, under its own rate bucket; the shared
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
        let mut units: Vec<Pin<Box<dyn Future<Output = Part> + '_>>> = Vec::new();
        for s in services::SERVICES {
            for place in services::places(s, &regions) {
                units.push(Box::pin(services::run(s, self.unit(s, place, &regions))));
            }
        }
        ctx.progress.set_length(units.len() as u64);
        let parts = futures::future::join_all(units).await;
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
        ctx.carry.record(&mut snap);
        ctx.progress.finish_and_clear();
        let stats = self.stats();
        (snap, stats)
    }

    /// The unit of service `s` in `place`, under its rate bucket.
    fn unit<'a>(
        &'a self,
        s: &services::Service,
        place: &'a str,
        regions: &'a [String],
    ) -> services::Unit<'a> {
        services::Unit {
            ctx: self.ctx.limited(s.name, place),
            service: s.name,
            region: place,
            account: &self.account,
            regions,
            enabled: self.enabled.as_ref(),
        }
    }

    /// The resource `id` (`kind/region/native-id`) as it is now, read alone
    /// ([`services::read_resource`]): present, absent, or unknown with why.
    /// `regions` are the run's (a trail is kept by the first of them).
    pub async fn read_resource(&self, id: &str, regions: &[String]) -> Fetched<Resource> {
        let (kind, region, _) = crate::model::split_id(id);
        let Some(s) = services::of_kind(kind) else {
            return Fetched::Unknown("UnknownKind".into());
        };
        services::read_resource(s, &self.unit(s, region, regions), id).await
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
            calls_by_unit: self.ctx.unit_calls.lock().expect("unit calls lock").clone(),
        }
    }
}

/// The `account` service: every enabled region (DescribeRegions, which the
/// session asks before anything is read, to check the regions wanted) as
/// `account.region` resources, scanned or not.
pub(crate) static ACCOUNT: services::Service = services::Service {
    name: "account",
    scope: crate::kinds::Scope::Global,
    rate: super::limits::Rate::of(10, 20),
    kinds: &[&crate::kinds::REGION_KIND],
    actions: &["ec2:DescribeRegions"],
    collect: |u| Box::pin(async move { enabled_regions(u) }),
    readers: &[],
};

fn enabled_regions(u: &services::Unit<'_>) -> Part {
    use crate::kinds::{Region, ACCOUNT_REGION};
    match u.enabled {
        Some(Ok(all)) => Part {
            resources: all
                .iter()
                .map(|(name, opt_in)| {
                    let attrs = Region {
                        opt_in_status: opt_in.clone(),
                    };
                    Resource::new(ACCOUNT_REGION, GLOBAL, name, None, &attrs)
                })
                .collect(),
            coverage: vec![Coverage::complete("account", GLOBAL)],
        },
        Some(Err(f)) => u.part(Err(f.clone())),
        None => Part::default(),
    }
}
