//! CloudTrail events for attribution, from LookupEvents (per region, rate
//! limited to the API's 2 requests per second, paginated, write events only)
//! or from a trail's S3 logs (the date-prefixed keys covering the window,
//! downloaded concurrently, each file streamed through the record parser).

use aws_config::Region;
use aws_sdk_cloudtrail::types::{LookupAttribute, LookupAttributeKey};
use aws_smithy_types::DateTime;

use super::{classify, each_page, AwsOptions, Ctx, Failure};
use crate::model::{Coverage, GLOBAL};
use crate::trail::source::{self, ReadOutcome, SkippedFile, Window};
use crate::trail::Visitors;

/// The coverage service for reading events, distinct from `cloudtrail`
/// (reading the trails themselves, a snapshot kind).
pub const EVENTS: &str = "cloudtrail-events";

/// Where events come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrailSource {
    /// CloudTrail LookupEvents in every scanned region plus us-east-1.
    Api,
    /// Discover the account's trail (DescribeTrails) and read its S3 logs.
    Trail,
    /// A trail's S3 location.
    S3 { bucket: String, prefix: String },
    /// Local files or a directory.
    Files(std::path::PathBuf),
    /// An organization trail's table in Athena.
    Athena(crate::trail::athena::Table),
    /// No attribution.
    None,
}

impl std::str::FromStr for TrailSource {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Ok(match s {
            "api" => TrailSource::Api,
            "trail" => TrailSource::Trail,
            "none" => TrailSource::None,
            _ if s.starts_with("athena://") => TrailSource::Athena(
                s.parse()
                    .map_err(|e: crate::trail::athena::TableError| e.to_string())?,
            ),
            _ if s.starts_with("s3://") => {
                let rest = &s[5..];
                let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
                if bucket.is_empty() {
                    return Err(format!("{s}: no bucket name"));
                }
                TrailSource::S3 {
                    bucket: bucket.into(),
                    prefix: prefix.trim_end_matches('/').into(),
                }
            }
            _ => TrailSource::Files(s.into()),
        })
    }
}

/// Events read, and how reading went.
#[derive(Debug, Default)]
pub struct TrailRead {
    pub outcome: ReadOutcome,
    /// `cloudtrail-events/<region>` entries: complete, denied, error.
    pub coverage: Vec<Coverage>,
    /// Human-readable description of what was read.
    pub sources: Vec<String>,
    pub api_calls: u64,
    /// The calls by `Service.Operation`: what the policies in `iam/` must grant.
    pub operations: std::collections::BTreeMap<String, u64>,
}

fn to_smithy(t: jiff::Timestamp) -> DateTime {
    DateTime::from_secs(t.as_second())
}

/// All write events of one region in the window, page by page, filed in
/// the ledger like records read from files; with the pages it took.
pub(crate) async fn lookup_region(
    client: &aws_sdk_cloudtrail::Client,
    window: &Window,
    limiter: Option<&governor::DefaultDirectRateLimiter>,
    visitors: Option<&dyn crate::trail::EventVisitors>,
) -> Result<(ReadOutcome, u64), (Failure, u64)> {
    let mut req = client
        .lookup_events()
        .lookup_attributes(
            LookupAttribute::builder()
                .attribute_key(LookupAttributeKey::ReadOnly)
                .attribute_value("false")
                .build()
                .expect("key and value set"),
        )
        .max_results(50);
    if let Some(s) = window.start {
        req = req.start_time(to_smithy(s));
    }
    if let Some(e) = window.end {
        req = req.end_time(to_smithy(e));
    }
    let mut stream = req.into_paginator().send();
    let mut read = ReadOutcome::default();
    let mut pages = 0;
    loop {
        // The paginator sends the next request inside try_next.
        if let Some(l) = limiter {
            l.until_ready().await;
        }
        let Some(out) = stream.try_next().await.map_err(|e| (classify(&e), pages))? else {
            read.dedup_writes();
            return Ok((read, pages));
        };
        pages += 1;
        for e in out.events() {
            // The full record rides along as a JSON string.
            match e
                .cloud_trail_event()
                .map(|t| source::parse_log_with(t.as_bytes(), window, visitors))
            {
                Some(Ok(f)) => read.absorb(f),
                _ => {
                    read.ledger.read += 1;
                    read.ledger.skipped.unusable += 1;
                }
            }
        }
        read.records = read.ledger.read;
    }
}

/// Reads events for the window from the chosen source.
pub async fn read_events(
    opts: &AwsOptions,
    source: &TrailSource,
    account: &str,
    regions: &[String],
    window: Window,
    visitors: Visitors,
) -> TrailRead {
    read_events_with_sdk(opts, None, source, account, regions, window, visitors).await
}

/// [`read_events`] on a configuration already loaded (a caller's own
/// credentials, as [`super::Session::with_sdk`] takes them); `None` loads
/// the standard chain's, where the source calls AWS at all.
pub async fn read_events_with_sdk(
    opts: &AwsOptions,
    sdk: Option<aws_config::SdkConfig>,
    source: &TrailSource,
    account: &str,
    regions: &[String],
    window: Window,
    visitors: Visitors,
) -> TrailRead {
    match source {
        TrailSource::None => TrailRead::default(),
        TrailSource::Files(p) => read_files(p, window, visitors).await,
        _ => {
            let sdk = match sdk {
                Some(s) => s,
                None => super::load_sdk_config(opts).await,
            };
            let ctx = Ctx::with_sdk(opts, sdk);
            read_events_in(&ctx, source, account, regions, window, visitors).await
        }
    }
}

/// The regions whose events a run reads: its own, and us-east-1, where
/// global services (IAM, Route53, S3 bucket calls) log.
fn logging_regions(regions: &[String]) -> Vec<String> {
    let mut rs: Vec<String> = regions.to_vec();
    rs.push("us-east-1".into());
    rs.sort();
    rs.dedup();
    rs
}

/// The sources that call AWS, with the credentials of `ctx`, and the
/// calls they made.
async fn read_events_in(
    ctx: &Ctx,
    source: &TrailSource,
    account: &str,
    regions: &[String],
    window: Window,
    visitors: Visitors,
) -> TrailRead {
    let rs = logging_regions(regions);
    let mut read = match source {
        TrailSource::None | TrailSource::Files(_) => TrailRead::default(),
        TrailSource::Athena(t) => {
            let c = super::athena::client(ctx);
            let rows = super::athena::read(ctx, &c, t, &[account.to_string()], &rs, &window).await;
            super::athena::trail_read(
                rows.as_ref(),
                t,
                window.account,
                &window,
                visitors.as_deref(),
            )
        }
        TrailSource::Api => lookup_regions(ctx, &rs, window, visitors.as_deref()).await,
        TrailSource::S3 { bucket, prefix } => {
            read_s3(ctx, bucket, prefix, account, &rs, window, visitors).await
        }
        TrailSource::Trail => match discover_trail(ctx).await {
            Ok((bucket, prefix)) => {
                read_s3(ctx, &bucket, &prefix, account, &rs, window, visitors).await
            }
            Err(f) => TrailRead {
                coverage: vec![f.coverage(EVENTS, GLOBAL)],
                ..Default::default()
            },
        },
    };
    read.api_calls = ctx.counter.total.load(std::sync::atomic::Ordering::Relaxed);
    read.operations = ctx.counter.by_op.lock().expect("counter lock").clone();
    read
}

/// Reads events for one account of a run over many: LookupEvents and the
/// account's own trail with the account's credentials (`own`), a bucket
/// named on the command line with the first hop's (an organization
/// trail's bucket is rarely readable by member roles), each account's
/// share of a folder or of an Athena query from what `shared` read once.
#[allow(clippy::too_many_arguments)]
pub async fn read_account_events(
    opts: &AwsOptions,
    own: &super::accounts::Access,
    first_hop: &super::accounts::Access,
    source: &TrailSource,
    shared: Option<&SharedRead>,
    account: &str,
    regions: &[String],
    window: Window,
    visitors: Visitors,
) -> TrailRead {
    match (source, shared) {
        (TrailSource::Athena(t), Some(SharedRead::Athena(rows))) => super::athena::trail_read(
            rows.as_ref(),
            t,
            window.account,
            &window,
            visitors.as_deref(),
        ),
        (TrailSource::Files(p), Some(SharedRead::Files(by))) => {
            let shown = p.display().to_string();
            let list = by.of_account(window.account);
            let mut read = read_list(list, shown, window, visitors).await;
            read.outcome.skipped.extend(by.skipped.iter().cloned());
            read
        }
        (TrailSource::S3 { .. }, _) => {
            let ctx = Ctx::with_sdk(opts, first_hop.0.clone());
            read_events_in(&ctx, source, account, regions, window, visitors).await
        }
        _ => {
            let ctx = Ctx::with_sdk(opts, own.0.clone());
            read_events_in(&ctx, source, account, regions, window, visitors).await
        }
    }
}

/// What a run over many accounts reads once for all of them: a folder's
/// files sorted by account, or one Athena query's rows.
pub enum SharedRead {
    Files(source::FilesByAccount),
    Athena(Result<super::athena::Rows, Failure>),
}

impl SharedRead {
    /// Reads what `source` shares: the folder walked, or the query run for
    /// every account and region of the run over the widest window (each
    /// account's read then keeps its own window). `None` for the sources
    /// each account reads with its own credentials.
    pub async fn read(
        opts: &AwsOptions,
        first_hop: &super::accounts::Access,
        source: &TrailSource,
        accounts: &[String],
        regions: &[String],
        window: Window,
    ) -> Result<Option<SharedRead>, String> {
        match source {
            TrailSource::Files(p) => Ok(Some(SharedRead::Files(source::FilesByAccount::of(p)?))),
            TrailSource::Athena(t) => {
                let ctx = Ctx::with_sdk(opts, first_hop.0.clone());
                let c = super::athena::client(&ctx);
                let rs = logging_regions(regions);
                let rows = super::athena::read(&ctx, &c, t, accounts, &rs, &window).await;
                Ok(Some(SharedRead::Athena(rows)))
            }
            _ => Ok(None),
        }
    }
}

/// A list of local files, parsed on all cores off the async runtime.
async fn read_list(
    files: Vec<std::path::PathBuf>,
    shown: String,
    window: Window,
    visitors: Visitors,
) -> TrailRead {
    let outcome = tokio::task::spawn_blocking(move || {
        source::read_files(&files, &window, visitors.as_deref())
    })
    .await
    .unwrap_or_default();
    TrailRead {
        outcome,
        sources: vec![format!("files under {shown}")],
        ..Default::default()
    }
}

/// Local files or a directory, parsed on all cores off the async runtime.
async fn read_files(path: &std::path::Path, window: Window, visitors: Visitors) -> TrailRead {
    let p = path.to_path_buf();
    let outcome =
        tokio::task::spawn_blocking(move || source::read_path(&p, &window, visitors.as_deref()))
            .await
            .unwrap_or_else(|e| Err(format!("reader panicked: {e}")));
    let shown = path.display().to_string();
    match outcome {
        Ok(o) => TrailRead {
            outcome: o,
            sources: vec![format!("files under {shown}")],
            ..Default::default()
        },
        Err(reason) => TrailRead {
            outcome: ReadOutcome {
                skipped: vec![SkippedFile {
                    path: shown.clone(),
                    reason,
                }],
                ..Default::default()
            },
            coverage: vec![Coverage {
                service: EVENTS.into(),
                region: "files".into(),
                status: crate::model::CoverageStatus::Error,
                error_code: Some("Unreadable".into()),
                message: Some(format!("{shown} could not be read")),
                unknown_values: vec![],
                carried: Vec::new(),
            }],
            ..Default::default()
        },
    }
}

/// LookupEvents in every region at once, each under its own rate limit.
async fn lookup_regions(
    ctx: &Ctx,
    regions: &[String],
    window: Window,
    visitors: Option<&dyn crate::trail::EventVisitors>,
) -> TrailRead {
    let results = futures::future::join_all(regions.iter().map(|r| {
        let conf = aws_sdk_cloudtrail::config::Builder::from(&ctx.sdk)
            .region(Region::new(r.clone()))
            .interceptor(ctx.counter.clone())
            .build();
        let client = aws_sdk_cloudtrail::Client::from_conf(conf);
        // LookupEvents allows 2 requests per second per region.
        let limiter = ctx.limits.bucket(EVENTS, r);
        async move {
            (
                r.clone(),
                lookup_region(&client, &window, limiter.as_deref(), visitors).await,
            )
        }
    }))
    .await;
    let mut read = TrailRead {
        sources: vec![format!("LookupEvents in {}", regions.join(", "))],
        ..Default::default()
    };
    read.coverage
        .extend(beyond_history(&window, jiff::Timestamp::now()));
    for (region, r) in results {
        match r {
            Ok((got, _pages)) => {
                read.outcome.records += got.records;
                read.outcome.absorb(source::FileRead {
                    events: got.events,
                    writes: got.writes,
                    ledger: got.ledger,
                });
                read.coverage.push(Coverage::complete(EVENTS, &region));
            }
            Err((f, _)) => read.coverage.push(f.coverage(EVENTS, &region)),
        }
    }
    read
}

/// How far back LookupEvents reaches: AWS keeps 90 days of management
/// events in the event history.
pub const LOOKUP_HISTORY_DAYS: i64 = 90;

/// A gap when the window starts before the event history does: changes
/// made then cannot be attributed, which is a gap to say, with its date,
/// not a silent "unattributed".
pub fn beyond_history(window: &Window, now: jiff::Timestamp) -> Option<Coverage> {
    let oldest = now - jiff::SignedDuration::from_hours(24 * LOOKUP_HISTORY_DAYS);
    let start = window.start.filter(|s| *s < oldest)?;
    let day = |t: jiff::Timestamp| t.strftime("%Y-%m-%d").to_string();
    Some(Coverage {
        service: EVENTS.into(),
        region: GLOBAL.into(),
        status: crate::model::CoverageStatus::Error,
        error_code: Some("BeyondEventHistory".into()),
        message: Some(format!(
            "the window starts {}, but LookupEvents keeps {LOOKUP_HISTORY_DAYS} days: events before {} cannot be read (read the trail's logs with --cloudtrail trail, or approve or save the baseline so the window starts later)",
            day(start),
            day(oldest)
        )),
        unknown_values: vec![],
        carried: Vec::new(),
    })
}

/// The account's trail: a logging multi-region one if there is one.
async fn discover_trail(ctx: &Ctx) -> Result<(String, String), Failure> {
    let conf = aws_sdk_cloudtrail::config::Builder::from(&ctx.sdk)
        .interceptor(ctx.counter.clone())
        .build();
    let c = aws_sdk_cloudtrail::Client::from_conf(conf);
    let out = ctx
        .call(c.describe_trails().send())
        .await
        .map_err(|e| classify(&e))?;
    let mut trails: Vec<_> = out
        .trail_list()
        .iter()
        .filter(|t| t.s3_bucket_name().is_some())
        .collect();
    trails.sort_by_key(|t| {
        (
            !t.is_multi_region_trail().unwrap_or(false),
            t.name().map(str::to_string),
        )
    });
    let t = trails.first().ok_or_else(|| Failure {
        status: crate::model::CoverageStatus::Error,
        code: "NoTrail".into(),
        message: "DescribeTrails found no trail delivering to S3".into(),
    })?;
    Ok((
        t.s3_bucket_name().unwrap_or_default().to_string(),
        t.s3_key_prefix().unwrap_or_default().to_string(),
    ))
}

/// Lists the day prefixes covering the window and reads every log file in
/// them, concurrently.
/// The organization id when the bucket holds an organization trail's logs
/// (`AWSLogs/o-xxxx/<account>/...`): one delimited listing.
async fn find_org(
    ctx: &Ctx,
    s3: &aws_sdk_s3::Client,
    bucket: &str,
    logs_root: &str,
) -> Result<Option<String>, Failure> {
    let o = ctx
        .call(
            s3.list_objects_v2()
                .bucket(bucket)
                .prefix(logs_root)
                .delimiter("/")
                .send(),
        )
        .await
        .map_err(|e| classify(&e))?;
    Ok(o.common_prefixes()
        .iter()
        .filter_map(|p| p.prefix())
        .map(|p| {
            p.trim_start_matches(logs_root)
                .trim_end_matches('/')
                .to_string()
        })
        .find(|p| p.starts_with("o-")))
}

/// Downloads every log object concurrently (within `--concurrency`) and
/// parses them off the async threads; a failed object is a skipped file.
async fn fetch_and_parse(
    ctx: &Ctx,
    s3: &aws_sdk_s3::Client,
    bucket: &str,
    keys: &[String],
    window: Window,
    visitors: Visitors,
) -> ReadOutcome {
    let fetched = futures::future::join_all(keys.iter().map(|k| async move {
        let r = ctx.call(s3.get_object().bucket(bucket).key(k).send()).await;
        let bytes = match r {
            Ok(o) => o
                .body
                .collect()
                .await
                .map(|b| b.into_bytes().to_vec())
                .map_err(|e| e.to_string()),
            Err(e) => Err(classify(&e).code),
        };
        (k.clone(), bytes)
    }))
    .await;
    // Parsing is CPU work: off the async threads.
    tokio::task::spawn_blocking(move || {
        let mut out = ReadOutcome::default();
        for (key, bytes) in fetched {
            out.add(
                key,
                bytes.and_then(|b| source::parse_file_bytes(b, &window, visitors.as_deref())),
            );
        }
        out.dedup_writes();
        out
    })
    .await
    .unwrap_or_default()
}

/// Every object key under the day prefixes, sorted.
async fn list_keys(
    ctx: &Ctx,
    s3: &aws_sdk_s3::Client,
    bucket: &str,
    prefixes: impl Iterator<Item = String>,
) -> Result<Vec<String>, Failure> {
    let mut keys = Vec::new();
    for p in prefixes {
        let pages = s3
            .list_objects_v2()
            .bucket(bucket)
            .prefix(&p)
            .into_paginator()
            .send();
        each_page(ctx, pages, |o| {
            keys.extend(
                o.contents()
                    .iter()
                    .filter_map(|c| c.key().map(str::to_string)),
            );
        })
        .await?;
    }
    keys.sort();
    Ok(keys)
}

async fn read_s3(
    ctx: &Ctx,
    bucket: &str,
    prefix: &str,
    account: &str,
    regions: &[String],
    window: Window,
    visitors: Visitors,
) -> TrailRead {
    let conf = aws_sdk_s3::config::Builder::from(&ctx.sdk)
        .force_path_style(ctx.force_path_style)
        .interceptor(ctx.counter.clone())
        .build();
    let s3 = aws_sdk_s3::Client::from_conf(conf);
    let mut read = TrailRead {
        sources: vec![format!("s3://{bucket}/{prefix}")],
        ..Default::default()
    };
    let start = window
        .start
        .unwrap_or(jiff::Timestamp::now() - jiff::SignedDuration::from_hours(24 * 7));
    let end = window.end.unwrap_or(jiff::Timestamp::now());
    // Organization trails put an org id before the account: look once.
    let logs_root = if prefix.is_empty() {
        "AWSLogs/".to_string()
    } else {
        format!("{}/AWSLogs/", prefix.trim_end_matches('/'))
    };
    let org = match find_org(ctx, &s3, bucket, &logs_root).await {
        Ok(o) => o,
        Err(f) => {
            read.coverage.push(f.coverage(EVENTS, GLOBAL));
            return read;
        }
    };
    let mut layouts = vec![source::day_prefixes(
        prefix, None, account, regions, start, end,
    )];
    if let Some(o) = &org {
        layouts.push(source::day_prefixes(
            prefix,
            Some(o),
            account,
            regions,
            start,
            end,
        ));
    }
    let keys = match list_keys(ctx, &s3, bucket, layouts.into_iter().flatten()).await {
        Ok(k) => k,
        Err(f) => {
            read.coverage.push(f.coverage(EVENTS, GLOBAL));
            return read;
        }
    };
    let parsed = fetch_and_parse(ctx, &s3, bucket, &keys, window, visitors).await;
    read.outcome = parsed;
    read.coverage.push(Coverage::complete(EVENTS, GLOBAL));
    read
}

#[cfg(test)]
mod tests;
