//! Organizations, once per account: the organization the account is in
//! (DescribeOrganization). Any member may ask; an account in no
//! organization gets AWSOrganizationsNotInUseException, which is an answer
//! ("none"), not a failure.

use super::{classify, Ctx, Failure, Part};
use crate::kinds::{Membership, MEMBERSHIP_ID, ORG_MEMBERSHIP};
use crate::model::{Resource, GLOBAL};

/// The registry's entry (see `services.rs`).
pub(super) static SERVICE: super::services::Service = super::services::Service {
    name: "organizations",
    scope: crate::kinds::Scope::Global,
    rate: super::limits::Rate::of(10, 20),
    kinds: &[&crate::kinds::MEMBERSHIP_KIND],
    actions: &["organizations:DescribeOrganization"],
    collect: |u| Box::pin(collect(&u.ctx)),
    readers: &[],
};

pub(super) async fn collect(ctx: &Ctx) -> Part {
    // A global service: the SDK's endpoint rules pick the partition's one
    // endpoint from whatever region the run signs for, as for IAM.
    let c = aws_sdk_organizations::Client::from_conf(
        aws_sdk_organizations::config::Builder::from(&ctx.sdk)
            .interceptor(ctx.counter.clone())
            .build(),
    );
    Part::of("organizations", GLOBAL, membership(ctx, &c).await)
}

async fn membership(
    ctx: &Ctx,
    c: &aws_sdk_organizations::Client,
) -> Result<Vec<Resource>, Failure> {
    let m = match ctx.call(c.describe_organization().send()).await {
        Ok(o) => {
            let org = o.organization();
            Membership {
                organization_id: org.and_then(|o| o.id()).map(str::to_string),
                management_account: org.and_then(|o| o.master_account_id()).map(str::to_string),
                feature_set: org
                    .and_then(|o| o.feature_set())
                    .map(|f| f.as_str().to_string()),
            }
        }
        Err(e) => {
            let f = classify(&e);
            if f.code != "AWSOrganizationsNotInUseException" {
                return Err(f);
            }
            Membership::default()
        }
    };
    Ok(vec![Resource::new(
        ORG_MEMBERSHIP,
        GLOBAL,
        MEMBERSHIP_ID,
        None,
        &m,
    )])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::mock_ctx;
    use aws_sdk_organizations::operation::describe_organization::DescribeOrganizationError;
    use aws_sdk_organizations::Client;
    use aws_smithy_mocks::{mock, mock_client, RuleMode};
    use aws_smithy_types::error::ErrorMetadata;

    fn answering(code: &'static str) -> Client {
        let rule = mock!(Client::describe_organization).then_error(move || {
            DescribeOrganizationError::generic(ErrorMetadata::builder().code(code).build())
        });
        mock_client!(aws_sdk_organizations, RuleMode::MatchAny, &[&rule])
    }

    /// "Not in use" is the answer "in no organization"; a denied call is
    /// a failure (the membership is not known), never "no organization".
    #[tokio::test]
    async fn no_organization_is_an_answer_and_denied_is_not() {
        let ctx = mock_ctx().await;
        let none = membership(&ctx, &answering("AWSOrganizationsNotInUseException"))
            .await
            .unwrap();
        assert_eq!(none[0].attrs["organization_id"], serde_json::Value::Null);
        let denied = membership(&ctx, &answering("AccessDeniedException"))
            .await
            .unwrap_err();
        assert_eq!(denied.status, crate::model::CoverageStatus::Denied);
    }
}
