//! SNS, per region: every topic (ListTopics, paginated) with its attributes
//! (GetTopicAttributes, one call each, started as its page arrives), and
//! every subscription of the region (ListSubscriptions, paginated, 100 a
//! page) shared out to the topics: one listing instead of one per topic.

use std::collections::BTreeMap;

use aws_sdk_sns::Client;

use super::pipeline::{as_listed, send_all, Items};
use super::{each_page, fetched_policy, Ctx, Failure, Part};
use crate::kinds::{Subscription, Topic, TopicSettings, SNS_TOPIC};
use crate::model::{Fetched, Resource};

/// The registry's entry (see `services.rs`).
pub(super) static SERVICE: super::services::Service = super::services::Service {
    name: "sns",
    scope: crate::kinds::Scope::Regional,
    rate: super::limits::Rate::of(20, 40),
    kinds: &[&crate::kinds::TOPIC_KIND],
    actions: &[
        "sns:GetTopicAttributes",
        "sns:ListSubscriptions",
        "sns:ListTopics",
    ],
    collect: |u| Box::pin(collect_region(&u.ctx, u.region)),
    readers: &[],
};

pub(super) async fn collect_region(ctx: &Ctx, region: &str) -> Part {
    let c = regional_client!(aws_sdk_sns, ctx, region);
    Part::of("sns", region, topics(ctx, &c, region).await)
}

async fn topics(ctx: &Ctx, c: &Client, region: &str) -> Result<Vec<Resource>, Failure> {
    let listing = |tx: Items<String>| async move {
        let pages = c.list_topics().into_paginator().send();
        each_page(ctx, pages, |page| {
            send_all(
                &tx,
                page.topics()
                    .iter()
                    .filter_map(|t| t.topic_arn().map(str::to_string)),
            );
        })
        .await?;
        Ok(())
    };
    let (subs, (listed, read)) = tokio::join!(
        subscriptions(ctx, c),
        as_listed(listing, |arn| async move {
            let settings = match ctx
                .call(c.get_topic_attributes().topic_arn(&arn).send())
                .await
            {
                Ok(o) => Fetched::Present(settings(o.attributes().unwrap_or(&Default::default()))),
                Err(e) => super::gone_or_unknown(&e, &[]),
            };
            (arn, settings)
        })
    );
    listed?;
    Ok(read
        .into_iter()
        .map(|(arn, settings)| {
            let subscriptions = match &subs {
                Ok(m) => Fetched::Present(m.get(&arn).cloned().unwrap_or_default()),
                Err(code) => Fetched::Unknown(code.clone()),
            };
            let name = arn.rsplit(':').next().unwrap_or(&arn).to_string();
            let t = Topic {
                settings,
                subscriptions,
            };
            Resource::new(SNS_TOPIC, region, name, Some(arn), &t)
        })
        .collect())
}

fn settings(a: &std::collections::HashMap<String, String>) -> TopicSettings {
    let get = |k: &str| a.get(k).map(String::as_str);
    TopicSettings {
        policy: fetched_policy(get("Policy")),
        kms_key: get("KmsMasterKeyId").map(str::to_string),
        fifo: get("FifoTopic") == Some("true"),
    }
}

/// Subscriptions by topic ARN.
async fn subscriptions(
    ctx: &Ctx,
    c: &Client,
) -> Result<BTreeMap<String, Vec<Subscription>>, String> {
    let mut out: BTreeMap<String, Vec<Subscription>> = BTreeMap::new();
    let pages = c.list_subscriptions().into_paginator().send();
    super::each_page(ctx, pages, |page| {
        for s in page.subscriptions() {
            let Some(topic) = s.topic_arn() else { continue };
            let arn = s.subscription_arn().unwrap_or_default();
            out.entry(topic.to_string())
                .or_default()
                .push(Subscription {
                    protocol: s.protocol().unwrap_or_default().to_string(),
                    endpoint: s.endpoint().unwrap_or_default().to_string(),
                    owner: s.owner().unwrap_or_default().to_string(),
                    // AWS lists an unconfirmed one as `PendingConfirmation`.
                    confirmed: arn.starts_with("arn:"),
                });
        }
    })
    .await
    .map_err(|f| f.code)?;
    out.values_mut().for_each(|v| v.sort());
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::mock_ctx;
    use aws_sdk_sns::operation::get_topic_attributes::{
        GetTopicAttributesError, GetTopicAttributesOutput,
    };
    use aws_sdk_sns::operation::list_subscriptions::ListSubscriptionsError;
    use aws_sdk_sns::operation::list_topics::ListTopicsOutput;
    use aws_sdk_sns::types::Topic as SdkTopic;
    use aws_smithy_mocks::{mock, mock_client, RuleMode};
    use aws_smithy_types::error::ErrorMetadata;

    fn denied() -> ErrorMetadata {
        ErrorMetadata::builder().code("AuthorizationError").build()
    }

    /// Denied attribute reads and a denied subscription listing are
    /// unknown on each topic; neither hides a topic.
    #[tokio::test]
    async fn denied_reads_are_unknown_and_hide_no_topic() {
        let arn = |n: &str| format!("arn:aws:sns:us-east-1:111122223333:{n}");
        let list = mock!(Client::list_topics).then_output(move || {
            ListTopicsOutput::builder()
                .topics(SdkTopic::builder().topic_arn(arn("alerts")).build())
                .topics(SdkTopic::builder().topic_arn(arn("locked")).build())
                .build()
        });
        let alerts = mock!(Client::get_topic_attributes)
            .match_requests(|r| r.topic_arn().is_some_and(|a| a.ends_with(":alerts")))
            .then_output(|| {
                GetTopicAttributesOutput::builder()
                    .attributes("KmsMasterKeyId", "alias/aws/sns")
                    .build()
            });
        let locked = mock!(Client::get_topic_attributes)
            .match_requests(|r| r.topic_arn().is_some_and(|a| a.ends_with(":locked")))
            .then_error(|| GetTopicAttributesError::generic(denied()));
        let subs = mock!(Client::list_subscriptions)
            .then_error(|| ListSubscriptionsError::generic(denied()));
        let c = mock_client!(
            aws_sdk_sns,
            RuleMode::MatchAny,
            &[&list, &alerts, &locked, &subs]
        );
        let mut got = topics(&mock_ctx().await, &c, "us-east-1").await.unwrap();
        got.sort_by_key(|r| r.native_id.clone());
        assert_eq!(got[0].native_id, "alerts");
        assert_eq!(got[0].attrs["settings"]["kms_key"], "alias/aws/sns");
        assert_eq!(got[0].attrs["settings"]["policy"], serde_json::Value::Null);
        assert_eq!(
            got[0].attrs["subscriptions"]["$unknown"],
            "AuthorizationError"
        );
        assert_eq!(got[1].attrs["settings"]["$unknown"], "AuthorizationError");
    }
}
