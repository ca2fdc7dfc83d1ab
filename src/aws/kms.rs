//! KMS, per region: every key (ListKeys, paginated) described as its page
//! arrives (DescribeKey). For customer-managed keys, the policy
//! (GetKeyPolicy) and rotation (GetKeyRotationStatus, only where AWS can
//! rotate) follow; AWS-managed keys cost the one DescribeKey and are left
//! out. Aliases come from one ListAliases per region.
//!
//! A key policy can lock the account's own principals out. A key that
//! cannot be described is therefore still a resource, with what could not
//! be read unknown: it is customer-managed (AWS-managed key policies let
//! the account describe them) and exactly the key worth seeing.

use std::collections::BTreeMap;

use aws_sdk_kms::types::{KeyManagerType, KeyMetadata, KeySpec, OriginType};
use aws_sdk_kms::Client;

use super::pipeline::{as_listed, send_all, Items};
use super::services::{ReadingOne, Unit};
use super::{classify, each_page, fetched_policy, gone_or_unknown, ts, Ctx, Failure, Part};
use crate::kinds::{Key, KeyMetadata as Facts, KeyRotation, KMS_KEY};
use crate::model::{Fetched, Resource};

/// The registry's entry (see `services.rs`).
pub(super) static SERVICE: super::services::Service = super::services::Service {
    name: "kms",
    scope: crate::kinds::Scope::Regional,
    rate: super::limits::Rate::of(50, 100),
    kinds: &[&crate::kinds::KEY_KIND],
    actions: &[
        "kms:DescribeKey",
        "kms:GetKeyPolicy",
        "kms:GetKeyRotationStatus",
        "kms:ListAliases",
        "kms:ListKeys",
    ],
    collect: |u| Box::pin(collect_region(&u.ctx, u.region)),
    readers: &[(KMS_KEY, read_key)],
};

/// One key by id: DescribeKey says whether it exists and is the account's
/// own (an AWS-managed key is not kept, so it reads as absent), then its
/// policy, rotation and aliases (ListAliases for the key).
fn read_key<'a>(u: &'a Unit<'a>, id: &'a str) -> ReadingOne<'a> {
    Box::pin(async move {
        let (ctx, region) = (&u.ctx, u.region);
        key_alone(ctx, &regional_client!(aws_sdk_kms, ctx, region), region, id).await
    })
}

async fn key_alone(ctx: &Ctx, c: &Client, region: &str, id: &str) -> Fetched<Resource> {
    let meta = match ctx.call(c.describe_key().key_id(id).send()).await {
        Ok(o) => o.key_metadata().cloned(),
        Err(e) => return gone_or_unknown(&e, &["NotFoundException"]),
    };
    let Some(meta) = meta.filter(|m| m.key_manager() != Some(&KeyManagerType::Aws)) else {
        return Fetched::Absent;
    };
    let arn = meta.arn().map(str::to_string);
    let (policy, rotation, aliases) = tokio::join!(
        policy(ctx, c, id),
        rotation(ctx, c, id, &meta),
        key_aliases(ctx, c, id)
    );
    let mut k = described(&meta);
    k.policy = policy;
    k.rotation = rotation;
    k.aliases = aliases;
    Fetched::Present(Resource::new(KMS_KEY, region, id, arn, &k))
}

/// The alias names that point at one key (ListAliases for it).
async fn key_aliases(ctx: &Ctx, c: &Client, id: &str) -> Fetched<Vec<String>> {
    let pages = c.list_aliases().key_id(id).into_paginator().send();
    super::fetched_pages(ctx, pages, |p| {
        p.aliases()
            .iter()
            .filter_map(|a| a.alias_name().map(str::to_string))
            .collect()
    })
    .await
}

pub(super) async fn collect_region(ctx: &Ctx, region: &str) -> Part {
    let c = regional_client!(aws_sdk_kms, ctx, region);
    Part::of("kms", region, keys(ctx, &c, region).await)
}

type Aliases = Result<BTreeMap<String, Vec<String>>, String>;

async fn keys(ctx: &Ctx, c: &Client, region: &str) -> Result<Vec<Resource>, Failure> {
    let listing = |tx: Items<(String, Option<String>)>| async move {
        let pages = c.list_keys().into_paginator().send();
        each_page(ctx, pages, |page| {
            send_all(
                &tx,
                page.keys().iter().filter_map(|k| {
                    Some((k.key_id()?.to_string(), k.key_arn().map(str::to_string)))
                }),
            );
        })
        .await
    };
    let (aliases, (listed, read)) = tokio::join!(
        aliases(ctx, c),
        as_listed(listing, |(id, arn)| key(ctx, c, region, id, arn))
    );
    listed?;
    Ok(read
        .into_iter()
        .flatten()
        .map(|(id, arn, mut k)| {
            k.aliases = match &aliases {
                Ok(m) => Fetched::Present(m.get(&id).cloned().unwrap_or_default()),
                Err(code) => Fetched::Unknown(code.clone()),
            };
            Resource::new(KMS_KEY, region, id, arn, &k)
        })
        .collect())
}

/// Alias names by target key id.
async fn aliases(ctx: &Ctx, c: &Client) -> Aliases {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let pages = c.list_aliases().into_paginator().send();
    super::each_page(ctx, pages, |page| {
        for a in page.aliases() {
            if let (Some(name), Some(target)) = (a.alias_name(), a.target_key_id()) {
                out.entry(target.to_string())
                    .or_default()
                    .push(name.to_string());
            }
        }
    })
    .await
    .map_err(|f| f.code)?;
    out.values_mut().for_each(|v| v.sort());
    Ok(out)
}

/// One key, or `None` for an AWS-managed one.
async fn key(
    ctx: &Ctx,
    c: &Client,
    region: &str,
    id: String,
    arn: Option<String>,
) -> Option<(String, Option<String>, Key)> {
    let meta = match ctx.call(c.describe_key().key_id(&id).send()).await {
        Ok(o) => o.key_metadata().cloned(),
        Err(e) => {
            let code = classify(&e).code;
            tracing::debug!("kms {region} {id}: DescribeKey {code}");
            return Some((id, arn, unreadable(&code)));
        }
    };
    let meta = meta?;
    if meta.key_manager() == Some(&KeyManagerType::Aws) {
        return None;
    }
    let (policy, rotation) = tokio::join!(policy(ctx, c, &id), rotation(ctx, c, &id, &meta));
    let mut k = described(&meta);
    k.policy = policy;
    k.rotation = rotation;
    Some((id, arn, k))
}

fn unreadable(code: &str) -> Key {
    Key {
        metadata: Fetched::Unknown(code.to_string()),
        aliases: Fetched::Absent,
        policy: Fetched::Unknown(code.to_string()),
        rotation: Fetched::Unknown(code.to_string()),
    }
}

fn described(m: &KeyMetadata) -> Key {
    Key {
        metadata: Fetched::Present(Facts {
            state: m
                .key_state()
                .map(|s| s.as_str().to_string())
                .unwrap_or_default(),
            spec: m
                .key_spec()
                .map(|s| s.as_str().to_string())
                .unwrap_or_default(),
            usage: m
                .key_usage()
                .map(|s| s.as_str().to_string())
                .unwrap_or_default(),
            origin: m
                .origin()
                .map(|s| s.as_str().to_string())
                .unwrap_or_default(),
            multi_region: m.multi_region().unwrap_or(false),
            description: m.description().unwrap_or_default().to_string(),
            deletion_date: m.deletion_date().map(ts),
        }),
        ..Key::default()
    }
}

async fn policy(ctx: &Ctx, c: &Client, id: &str) -> Fetched<serde_json::Value> {
    match ctx
        .call(c.get_key_policy().key_id(id).policy_name("default").send())
        .await
    {
        Ok(o) => fetched_policy(o.policy()),
        Err(e) => super::gone_or_unknown(&e, &[]),
    }
}

/// Rotation where AWS rotates: symmetric keys with KMS-made material.
async fn rotation(ctx: &Ctx, c: &Client, id: &str, m: &KeyMetadata) -> Fetched<KeyRotation> {
    let rotates =
        m.key_spec() == Some(&KeySpec::SymmetricDefault) && m.origin() == Some(&OriginType::AwsKms);
    if !rotates {
        return Fetched::Absent;
    }
    match ctx
        .call(c.get_key_rotation_status().key_id(id).send())
        .await
    {
        Ok(o) => Fetched::Present(KeyRotation {
            enabled: o.key_rotation_enabled(),
            period_days: o.rotation_period_in_days(),
        }),
        Err(e) => super::gone_or_unknown(&e, &[]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::mock_ctx;
    use aws_sdk_kms::operation::describe_key::{DescribeKeyError, DescribeKeyOutput};
    use aws_sdk_kms::operation::get_key_policy::GetKeyPolicyError;
    use aws_sdk_kms::operation::get_key_rotation_status::GetKeyRotationStatusOutput;
    use aws_sdk_kms::operation::list_aliases::ListAliasesError;
    use aws_sdk_kms::operation::list_keys::{ListKeysError, ListKeysOutput};
    use aws_sdk_kms::types::KeyListEntry;
    use aws_smithy_mocks::{mock, mock_client, Rule, RuleMode};
    use aws_smithy_types::error::ErrorMetadata;

    fn denied() -> ErrorMetadata {
        ErrorMetadata::builder()
            .code("AccessDeniedException")
            .build()
    }

    /// DescribeKey answering for `id` with a key that `manager` manages.
    fn described(id: &'static str, manager: KeyManagerType) -> Rule {
        mock!(Client::describe_key)
            .match_requests(move |r| r.key_id() == Some(id))
            .then_output(move || {
                DescribeKeyOutput::builder()
                    .key_metadata(meta(id, manager.clone()))
                    .build()
            })
    }

    /// DescribeKey refused for `id`, as a key policy that shuts us out does.
    fn describe_denied(id: &'static str) -> Rule {
        mock!(Client::describe_key)
            .match_requests(move |r| r.key_id() == Some(id))
            .then_error(|| DescribeKeyError::generic(denied()))
    }

    fn meta(id: &str, manager: KeyManagerType) -> KeyMetadata {
        KeyMetadata::builder()
            .key_id(id)
            .key_manager(manager)
            .key_state(aws_sdk_kms::types::KeyState::Enabled)
            .key_spec(KeySpec::SymmetricDefault)
            .origin(OriginType::AwsKms)
            .build()
            .unwrap()
    }

    /// An AWS-managed key is left out; a key whose policy shuts us out is
    /// kept with its facts unknown; a denied policy read or alias listing
    /// is unknown, never "no policy" or "no alias".
    #[tokio::test]
    async fn locked_keys_are_kept_unknown_and_aws_managed_keys_left_out() {
        let list = mock!(Client::list_keys).then_output(|| {
            let k = |id: &str| KeyListEntry::builder().key_id(id).build();
            ListKeysOutput::builder()
                .keys(k("aws-owned"))
                .keys(k("locked"))
                .keys(k("mine"))
                .build()
        });
        let aws = described("aws-owned", KeyManagerType::Aws);
        let locked = describe_denied("locked");
        let mine = described("mine", KeyManagerType::Customer);
        let policy =
            mock!(Client::get_key_policy).then_error(|| GetKeyPolicyError::generic(denied()));
        let rotation = mock!(Client::get_key_rotation_status).then_output(|| {
            GetKeyRotationStatusOutput::builder()
                .key_rotation_enabled(true)
                .build()
        });
        let aliases =
            mock!(Client::list_aliases).then_error(|| ListAliasesError::generic(denied()));
        let c = mock_client!(
            aws_sdk_kms,
            RuleMode::MatchAny,
            &[&list, &aws, &locked, &mine, &policy, &rotation, &aliases]
        );
        let mut got = keys(&mock_ctx().await, &c, "us-east-1").await.unwrap();
        got.sort_by_key(|r| r.native_id.clone());
        let ids: Vec<&str> = got.iter().map(|r| r.native_id.as_str()).collect();
        assert_eq!(ids, ["locked", "mine"]);
        assert_eq!(
            got[0].attrs["metadata"]["$unknown"],
            "AccessDeniedException"
        );
        assert_eq!(got[0].attrs["policy"]["$unknown"], "AccessDeniedException");
        assert_eq!(got[1].attrs["metadata"]["state"], "Enabled");
        assert_eq!(got[1].attrs["policy"]["$unknown"], "AccessDeniedException");
        assert_eq!(got[1].attrs["rotation"]["enabled"], true);
        assert_eq!(got[1].attrs["aliases"]["$unknown"], "AccessDeniedException");
    }

    /// A key read alone: gone when KMS says so, unknown when it may not be
    /// described (never "deleted"), absent when AWS manages it (not kept),
    /// and whole otherwise.
    #[tokio::test(start_paused = true)]
    async fn a_key_read_alone_is_gone_unknown_or_whole() {
        let gone = mock!(Client::describe_key)
            .match_requests(|r| r.key_id() == Some("gone"))
            .then_error(|| {
                DescribeKeyError::generic(
                    ErrorMetadata::builder().code("NotFoundException").build(),
                )
            });
        let locked = describe_denied("locked");
        let aws = described("aws-owned", KeyManagerType::Aws);
        let mine = described("mine", KeyManagerType::Customer);
        let policy = mock!(Client::get_key_policy).then_output(|| {
            aws_sdk_kms::operation::get_key_policy::GetKeyPolicyOutput::builder()
                .policy(r#"{"Version":"2012-10-17","Statement":[]}"#)
                .build()
        });
        let rotation = mock!(Client::get_key_rotation_status).then_output(|| {
            GetKeyRotationStatusOutput::builder()
                .key_rotation_enabled(false)
                .build()
        });
        let aliases = mock!(Client::list_aliases).then_output(|| {
            aws_sdk_kms::operation::list_aliases::ListAliasesOutput::builder()
                .aliases(
                    aws_sdk_kms::types::AliasListEntry::builder()
                        .alias_name("alias/app")
                        .target_key_id("mine")
                        .build(),
                )
                .build()
        });
        let c = mock_client!(
            aws_sdk_kms,
            RuleMode::MatchAny,
            &[&gone, &locked, &aws, &mine, &policy, &rotation, &aliases]
        );
        let ctx = mock_ctx().await;
        let read = |id: &'static str| key_alone(&ctx, &c, "us-east-1", id);
        assert_eq!(read("gone").await, Fetched::Absent);
        assert_eq!(
            read("locked").await,
            Fetched::Unknown("AccessDeniedException".into())
        );
        assert_eq!(read("aws-owned").await, Fetched::Absent);
        let Fetched::Present(r) = read("mine").await else {
            panic!("mine is a customer key")
        };
        assert_eq!(r.id(), "kms.key/us-east-1/mine");
        assert_eq!(r.attrs["aliases"], serde_json::json!(["alias/app"]));
        assert_eq!(r.attrs["rotation"]["enabled"], false);
    }

    #[tokio::test]
    async fn a_denied_key_listing_is_a_failure_not_an_empty_region() {
        let list = mock!(Client::list_keys).then_error(|| ListKeysError::generic(denied()));
        let aliases = mock!(Client::list_aliases).then_output(|| {
            aws_sdk_kms::operation::list_aliases::ListAliasesOutput::builder().build()
        });
        let c = mock_client!(aws_sdk_kms, RuleMode::MatchAny, &[&list, &aliases]);
        let part = Part::of(
            "kms",
            "us-east-1",
            keys(&mock_ctx().await, &c, "us-east-1").await,
        );
        assert!(part.resources.is_empty());
        assert_eq!(
            part.coverage[0].status,
            crate::model::CoverageStatus::Denied
        );
    }
}
