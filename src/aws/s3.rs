//! S3: the global bucket listing, then per bucket (concurrently, against the
//! bucket's own region) its policy, ACL, public access block, policy status,
//! website, ownership controls and tags; and the account-level public access
//! block (S3 Control).

use std::collections::HashMap;

use aws_config::Region;
use aws_sdk_s3::types::{Grant as SdkGrant, Type as GranteeType};
use aws_sdk_s3::Client;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextMut;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_runtime_api::http::Response as HttpResponse;
use aws_smithy_types::config_bag::ConfigBag;

use super::pipeline::{as_listed, send_all};
use super::services::{ReadingOne, Unit};
use super::{classify, each_page, ts, Ctx, Part};
use crate::kinds::{
    self, AccountPublicAccessBlock, Acl, Bucket, Grant, PublicAccessBlock, Website,
};
use crate::model::{policy, Fetched, Resource, GLOBAL};

/// Error codes that mean "this bucket has none of that", not a failure.
const ABSENT_CODES: &[&str] = &[
    "NoSuchBucketPolicy",
    "NoSuchPublicAccessBlockConfiguration",
    "NoSuchWebsiteConfiguration",
    "OwnershipControlsNotFoundError",
    "NoSuchTagSet",
    "NoSuchTagSetError",
    "NoSuchLifecycleConfiguration",
    "ServerSideEncryptionConfigurationNotFoundError",
    "ObjectLockConfigurationNotFoundError",
    "ReplicationConfigurationNotFoundError",
];

struct Clients {
    sdk: aws_sdk_s3::Config,
    by_region: std::sync::Mutex<HashMap<String, Client>>,
}

impl Clients {
    fn new(ctx: &Ctx) -> Self {
        let sdk = aws_sdk_s3::config::Builder::from(&ctx.sdk)
            .force_path_style(ctx.force_path_style)
            .interceptor(ctx.counter.clone())
            .build();
        Clients {
            sdk,
            by_region: Default::default(),
        }
    }
    fn default(&self) -> Client {
        Client::from_conf(self.sdk.clone())
    }
    /// Per-bucket calls must go to the bucket's region, or AWS answers 301.
    fn for_region(&self, region: &str) -> Client {
        let mut m = self.by_region.lock().expect("client cache lock");
        m.entry(region.to_string())
            .or_insert_with(|| {
                Client::from_conf(
                    self.sdk
                        .to_builder()
                        .region(Region::new(region.to_string()))
                        .build(),
                )
            })
            .clone()
    }
}

/// Maps a per-bucket call's result to present, absent or unknown.
pub(super) fn fetched<T, E, R>(r: Result<T, SdkError<E, R>>) -> Fetched<T>
where
    E: aws_sdk_s3::error::ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug + 'static,
{
    match r {
        Ok(v) => Fetched::Present(v),
        Err(e) => {
            let f = classify(&e);
            if ABSENT_CODES.contains(&f.code.as_str()) {
                Fetched::Absent
            } else {
                Fetched::Unknown(f.code)
            }
        }
    }
}

/// The registry's entry (see `services.rs`).
pub(super) static SERVICE: super::services::Service = super::services::Service {
    name: "s3",
    scope: crate::kinds::Scope::Global,
    rate: super::limits::Rate::of(200, 400),
    kinds: &[
        &crate::kinds::BUCKET_KIND,
        &crate::kinds::ACCOUNT_PUBLIC_ACCESS_BLOCK_KIND,
    ],
    actions: &[
        "s3:GetAccountPublicAccessBlock",
        "s3:GetBucketAcl",
        "s3:GetBucketLocation",
        "s3:GetBucketLogging",
        "s3:GetBucketObjectLockConfiguration",
        "s3:GetBucketOwnershipControls",
        "s3:GetBucketPolicy",
        "s3:GetBucketPolicyStatus",
        "s3:GetBucketPublicAccessBlock",
        "s3:GetBucketTagging",
        "s3:GetBucketVersioning",
        "s3:GetBucketWebsite",
        "s3:GetEncryptionConfiguration",
        "s3:GetLifecycleConfiguration",
        "s3:GetReplicationConfiguration",
        "s3:ListAllMyBuckets",
    ],
    collect: |u| Box::pin(collect(&u.ctx, u.account)),
    readers: &[(kinds::S3_BUCKET, read_bucket)],
};

/// One bucket by name: ListBuckets narrowed to its name (the listing is
/// what says it exists, with its creation date and region, as a full read
/// has them), then its settings.
fn read_bucket<'a>(u: &'a Unit<'a>, name: &'a str) -> ReadingOne<'a> {
    Box::pin(async move {
        let clients = Clients::new(&u.ctx);
        let c = clients.default();
        let call = c.list_buckets().prefix(name).max_buckets(10_000);
        let mut pages = call.into_paginator().send();
        loop {
            match u.ctx.call(pages.try_next()).await {
                Ok(Some(page)) => {
                    if let Some(b) = page.buckets().iter().find(|b| b.name() == Some(name)) {
                        let created = b.creation_date().map(ts);
                        let region = b.bucket_region().map(str::to_string);
                        let r = bucket(&u.ctx, &clients, name.to_string(), created, region);
                        return Fetched::Present(r.await);
                    }
                }
                Ok(None) => return Fetched::Absent,
                Err(e) => return super::gone_or_unknown(&e, &[]),
            }
        }
    })
}

pub(super) async fn collect(ctx: &Ctx, account: &str) -> Part {
    let clients = Clients::new(ctx);
    let (buckets, account_pab) = tokio::join!(buckets(ctx, &clients), account_block(ctx, account));
    let mut part = buckets;
    part.resources.push(account_pab);
    part
}

async fn buckets(ctx: &Ctx, clients: &Clients) -> Part {
    let c = clients.default();
    // Each bucket is read as soon as its page of the listing arrives.
    let (listing, resources) = as_listed(
        |tx| async move {
            // AWS includes each bucket's region only when the request has a
            // parameter: asking for the largest page does both jobs.
            let pages = c.list_buckets().max_buckets(10_000).into_paginator().send();
            each_page(ctx, pages, |page| {
                send_all(
                    &tx,
                    page.buckets().iter().filter_map(|b| {
                        Some((
                            b.name()?.to_string(),
                            b.creation_date().map(ts),
                            b.bucket_region().map(str::to_string),
                        ))
                    }),
                );
            })
            .await
        },
        |(name, created, region)| bucket(ctx, clients, name, created, region),
    )
    .await;
    Part::of("s3", GLOBAL, listing.map(|()| resources))
}

/// A bucket's region when ListBuckets did not report it (this costs a call
/// per bucket). An empty location constraint is us-east-1 by AWS's own
/// definition; a failed call is unknown.
async fn bucket_region(ctx: &Ctx, clients: &Clients, name: &str) -> Fetched<String> {
    let c = clients.default();
    match ctx.call(c.get_bucket_location().bucket(name).send()).await {
        Ok(o) => Fetched::Present(match o.location_constraint().map(|l| l.as_str()) {
            None | Some("") => "us-east-1".to_string(),
            Some("EU") => "eu-west-1".to_string(),
            Some(r) => r.to_string(),
        }),
        Err(e) => super::gone_or_unknown(&e, &[]),
    }
}

type PolicyResult = Result<
    aws_sdk_s3::operation::get_bucket_policy::GetBucketPolicyOutput,
    SdkError<aws_sdk_s3::operation::get_bucket_policy::GetBucketPolicyError, HttpResponse>,
>;
type StatusResult = Result<
    aws_sdk_s3::operation::get_bucket_policy_status::GetBucketPolicyStatusOutput,
    SdkError<
        aws_sdk_s3::operation::get_bucket_policy_status::GetBucketPolicyStatusError,
        HttpResponse,
    >,
>;

/// The policy document and AWS's verdict on whether it is public.
fn policy_fields(
    pol: PolicyResult,
    status: Option<StatusResult>,
) -> (Fetched<serde_json::Value>, Fetched<bool>) {
    let policy = match fetched(pol) {
        Fetched::Present(o) => match o.policy() {
            Some(text) => match policy::parse_document(text) {
                Ok(doc) => Fetched::Present(doc),
                Err(_) => Fetched::Unknown("UnparseablePolicy".into()),
            },
            None => Fetched::Absent,
        },
        Fetched::Absent => Fetched::Absent,
        Fetched::Unknown(c) => Fetched::Unknown(c),
    };
    let is_public = match status.map(fetched) {
        Some(Fetched::Present(o)) => Fetched::Present(
            o.policy_status()
                .and_then(|s| s.is_public())
                .unwrap_or(false),
        ),
        // No policy means AWS has nothing to judge: not public.
        Some(Fetched::Absent) => Fetched::Present(false),
        Some(Fetched::Unknown(c)) if c == "NoSuchBucketPolicy" => Fetched::Present(false),
        Some(Fetched::Unknown(c)) => Fetched::Unknown(c),
        None if policy.is_unknown() => Fetched::Unknown("PolicyUnknown".into()),
        None => Fetched::Present(false),
    };
    (policy, is_public)
}

/// The policy, then AWS's judgement of it: AWS judges a policy public only
/// when there is one, so the status is asked after the policy, and only then.
async fn policy_then_status(
    ctx: &Ctx,
    c: &Client,
    name: &str,
) -> (PolicyResult, Option<StatusResult>) {
    let pol = ctx.call(c.get_bucket_policy().bucket(name).send()).await;
    let status = match &pol {
        Ok(o) if o.policy().is_some() => Some(
            ctx.call(c.get_bucket_policy_status().bucket(name).send())
                .await,
        ),
        _ => None,
    };
    (pol, status)
}

fn acl_of(o: &aws_sdk_s3::operation::get_bucket_acl::GetBucketAclOutput) -> Acl {
    let mut grants: Vec<Grant> = o.grants().iter().filter_map(grant).collect();
    grants.sort();
    grants.dedup();
    Acl {
        owner: o.owner().and_then(|w| w.id()).map(str::to_string),
        grants,
    }
}

async fn bucket(
    ctx: &Ctx,
    clients: &Clients,
    name: String,
    creation_date: Option<String>,
    listed_region: Option<String>,
) -> Resource {
    let region = match listed_region {
        Some(r) => Fetched::Present(r),
        None => bucket_region(ctx, clients, &name).await,
    };
    // With the region unknown, the account's default region is asked: AWS
    // may redirect, and those values read as unknown too.
    let c = match &region {
        Fetched::Present(r) => clients.for_region(r),
        _ => clients.default(),
    };
    let ((pol, status), acl, pab, web, own, tags, settings) = tokio::join!(
        policy_then_status(ctx, &c, &name),
        ctx.call(c.get_bucket_acl().bucket(&name).send()),
        ctx.call(c.get_public_access_block().bucket(&name).send()),
        ctx.call(c.get_bucket_website().bucket(&name).send()),
        ctx.call(c.get_bucket_ownership_controls().bucket(&name).send()),
        ctx.call(c.get_bucket_tagging().bucket(&name).send()),
        super::s3_settings::read(ctx, &c, &name),
    );
    let (policy, policy_is_public) = policy_fields(pol, status);
    let acl = fetched(acl).map(|o| acl_of(&o));
    let public_access_block = fetched(pab).map(|o| {
        let c = o.public_access_block_configuration();
        block(
            c.and_then(|c| c.block_public_acls()),
            c.and_then(|c| c.ignore_public_acls()),
            c.and_then(|c| c.block_public_policy()),
            c.and_then(|c| c.restrict_public_buckets()),
        )
    });
    let website = fetched(web).map(|o| Website {
        index_document: o.index_document().map(|d| d.suffix().to_string()),
        error_document: o.error_document().map(|d| d.key().to_string()),
        redirect_all_to: o
            .redirect_all_requests_to()
            .map(|r| r.host_name().to_string()),
    });
    let ownership = match fetched(own) {
        Fetched::Present(o) => o
            .ownership_controls()
            .and_then(|c| c.rules().first())
            .map(|r| Fetched::Present(r.object_ownership().as_str().to_string()))
            .unwrap_or(Fetched::Absent),
        Fetched::Absent => Fetched::Absent,
        Fetched::Unknown(c) => Fetched::Unknown(c),
    };
    let tags = fetched(tags).map(|o| {
        o.tag_set()
            .iter()
            .map(|t| (t.key().to_string(), t.value().to_string()))
            .collect()
    });
    let attrs = Bucket {
        region,
        creation_date,
        policy,
        acl,
        public_access_block,
        policy_is_public,
        website,
        ownership,
        tags,
        settings,
    };
    let arn = Some(format!("arn:aws:s3:::{name}"));
    Resource::new(kinds::S3_BUCKET, GLOBAL, name, arn, &attrs)
}

pub(super) fn block(
    a: Option<bool>,
    b: Option<bool>,
    c: Option<bool>,
    d: Option<bool>,
) -> PublicAccessBlock {
    PublicAccessBlock {
        block_public_acls: a.unwrap_or(false),
        ignore_public_acls: b.unwrap_or(false),
        block_public_policy: c.unwrap_or(false),
        restrict_public_buckets: d.unwrap_or(false),
    }
}

fn grant(g: &SdkGrant) -> Option<Grant> {
    let who = g.grantee()?;
    let (grantee_type, grantee) = match who.r#type() {
        GranteeType::Group => ("Group", who.uri()?.to_string()),
        GranteeType::AmazonCustomerByEmail => {
            ("AmazonCustomerByEmail", who.email_address()?.to_string())
        }
        _ => ("CanonicalUser", who.id()?.to_string()),
    };
    Some(Grant {
        grantee_type: grantee_type.to_string(),
        grantee,
        permission: g
            .permission()
            .map(|p| p.as_str().to_string())
            .unwrap_or_default(),
    })
}

/// An S3 Control client: the account's own endpoint, in `region` when
/// given (access points are regional; the account's block is not).
pub(super) fn control_client(
    ctx: &Ctx,
    account: &str,
    region: Option<&str>,
) -> aws_sdk_s3control::Client {
    let mut conf =
        aws_sdk_s3control::config::Builder::from(&ctx.sdk).interceptor(ctx.counter.clone());
    if ctx.force_path_style {
        conf = conf.interceptor(StripAccountHost(account.to_string()));
    }
    if let Some(r) = region {
        conf = conf.region(Region::new(r.to_string()));
    }
    aws_sdk_s3control::Client::from_conf(conf.build())
}

/// The account-level block lives in S3 Control, a separate endpoint.
async fn account_block(ctx: &Ctx, account: &str) -> Resource {
    let c = control_client(ctx, account, None);
    let r = ctx
        .call(c.get_public_access_block().account_id(account).send())
        .await;
    let config = match r {
        Ok(o) => match o.public_access_block_configuration() {
            Some(c) => Fetched::Present(block(
                c.block_public_acls(),
                c.ignore_public_acls(),
                c.block_public_policy(),
                c.restrict_public_buckets(),
            )),
            None => Fetched::Absent,
        },
        Err(e) => super::gone_or_unknown(&e, &["NoSuchPublicAccessBlockConfiguration"]),
    };
    Resource::new(
        kinds::S3_ACCOUNT_PUBLIC_ACCESS_BLOCK,
        GLOBAL,
        "account",
        None,
        &AccountPublicAccessBlock { config },
    )
}

/// S3 Control addresses `{account-id}.{endpoint}`. A custom endpoint (moto,
/// LocalStack, a proxy on an IP address) serves no such host names, so the
/// prefix is taken off again before signing, as path-style does for S3.
#[derive(Debug)]
struct StripAccountHost(String);

impl Intercept for StripAccountHost {
    fn name(&self) -> &'static str {
        "driftwatch-s3control-custom-endpoint"
    }
    fn modify_before_signing(
        &self,
        ctx: &mut BeforeTransmitInterceptorContextMut<'_>,
        _rc: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let req = ctx.request_mut();
        let prefix = format!("://{}.", self.0);
        let uri = req.uri().to_string();
        if uri.contains(&prefix) {
            let fixed = uri.replacen(&prefix, "://", 1);
            req.set_uri(fixed)?;
            req.headers_mut().remove("host");
        }
        Ok(())
    }
}
