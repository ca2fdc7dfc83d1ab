//! Secrets Manager, per region: every secret's metadata (ListSecrets,
//! paginated, planned deletions included so that a scheduled deletion reads
//! as a change, not a disappearance) and its resource policy
//! (GetResourcePolicy, one call each, started as its page arrives). No call
//! here returns a secret value: GetSecretValue is never made, and the
//! read-only policy does not grant it.

use aws_sdk_secretsmanager::types::SecretListEntry;
use aws_sdk_secretsmanager::Client;

use super::pipeline::{as_listed, send_all, Items};
use super::{each_page, fetched_policy, ts, Ctx, Failure, Part};
use crate::kinds::{Secret, SecretRotation, SECRET};
use crate::model::{Fetched, Resource};

/// The registry's entry (see `services.rs`).
pub(super) static SERVICE: super::services::Service = super::services::Service {
    name: "secretsmanager",
    scope: crate::kinds::Scope::Regional,
    rate: super::limits::Rate::of(20, 40),
    kinds: &[&crate::kinds::SECRET_KIND],
    actions: &[
        "secretsmanager:GetResourcePolicy",
        "secretsmanager:ListSecrets",
    ],
    collect: |u| Box::pin(collect_region(&u.ctx, u.region)),
    readers: &[],
};

pub(super) async fn collect_region(ctx: &Ctx, region: &str) -> Part {
    let c = regional_client!(aws_sdk_secretsmanager, ctx, region);
    Part::of("secretsmanager", region, secrets(ctx, &c, region).await)
}

async fn secrets(ctx: &Ctx, c: &Client, region: &str) -> Result<Vec<Resource>, Failure> {
    let listing = |tx: Items<(String, Option<String>, Secret)>| async move {
        let pages = c
            .list_secrets()
            .include_planned_deletion(true)
            .into_paginator()
            .send();
        each_page(ctx, pages, |page| {
            send_all(&tx, page.secret_list().iter().filter_map(secret));
        })
        .await?;
        Ok(())
    };
    let (listed, read) = as_listed(listing, |(name, arn, mut s)| async move {
        let id = arn.clone().unwrap_or_else(|| name.clone());
        s.policy = match ctx
            .call(c.get_resource_policy().secret_id(&id).send())
            .await
        {
            Ok(o) => fetched_policy(o.resource_policy()),
            Err(e) => super::gone_or_unknown(&e, &[]),
        };
        Resource::new(SECRET, region, name, arn, &s)
    })
    .await;
    listed?;
    Ok(read)
}

fn secret(e: &SecretListEntry) -> Option<(String, Option<String>, Secret)> {
    let name = e.name()?.to_string();
    let rules = e.rotation_rules();
    let s = Secret {
        description: e.description().unwrap_or_default().to_string(),
        kms_key: e.kms_key_id().map(str::to_string),
        rotation: SecretRotation {
            enabled: e.rotation_enabled().unwrap_or(false),
            every_days: rules.and_then(|r| r.automatically_after_days()),
            schedule: rules
                .and_then(|r| r.schedule_expression())
                .map(str::to_string),
            lambda: e.rotation_lambda_arn().map(str::to_string),
        },
        last_changed: e.last_changed_date().map(ts),
        deletion_date: e.deleted_date().map(ts),
        primary_region: e.primary_region().map(str::to_string),
        policy: Fetched::Absent,
    };
    Some((name, e.arn().map(str::to_string), s))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::mock_ctx;
    use aws_sdk_secretsmanager::operation::get_resource_policy::GetResourcePolicyError;
    use aws_sdk_secretsmanager::operation::list_secrets::ListSecretsOutput;
    use aws_smithy_mocks::{mock, mock_client, RuleMode};
    use aws_smithy_types::error::ErrorMetadata;

    /// A denied policy read is unknown; planned deletions are asked for.
    /// The client has no rule for GetSecretValue: a call to it would fail
    /// the test.
    #[tokio::test]
    async fn a_denied_policy_is_unknown_and_deletions_are_listed() {
        let list = mock!(Client::list_secrets)
            .match_requests(|r| r.include_planned_deletion() == Some(true))
            .then_output(|| {
                ListSecretsOutput::builder()
                    .secret_list(
                        SecretListEntry::builder()
                            .name("db/pass")
                            .arn("arn:aws:secretsmanager:us-east-1:111:secret:db/pass-Ab12Cd")
                            .deleted_date(aws_smithy_types::DateTime::from_secs(1_800_000_000))
                            .build(),
                    )
                    .build()
            });
        let policy = mock!(Client::get_resource_policy).then_error(|| {
            GetResourcePolicyError::generic(
                ErrorMetadata::builder()
                    .code("AccessDeniedException")
                    .build(),
            )
        });
        let c = mock_client!(
            aws_sdk_secretsmanager,
            RuleMode::MatchAny,
            &[&list, &policy]
        );
        let got = secrets(&mock_ctx().await, &c, "us-east-1").await.unwrap();
        assert_eq!(got[0].native_id, "db/pass");
        assert_eq!(got[0].attrs["policy"]["$unknown"], "AccessDeniedException");
        assert_eq!(got[0].attrs["deletion_date"], "2027-01-15T08:00:00Z");
    }
}
