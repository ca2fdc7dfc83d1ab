//! SQS, per region: every queue (ListQueues, paginated) and its attributes
//! (GetQueueAttributes, one call each, started as its page arrives).

use std::collections::HashMap;

use aws_sdk_sqs::types::QueueAttributeName as A;
use aws_sdk_sqs::Client;

use super::pipeline::{as_listed, send_all, Items};
use super::{each_page, fetched_policy, Ctx, Failure, Part};
use crate::kinds::{queue_of_url, Queue, QueueSettings, SQS_QUEUE};
use crate::model::{Fetched, Resource};

/// The registry's entry (see `services.rs`).
pub(super) static SERVICE: super::services::Service = super::services::Service {
    name: "sqs",
    scope: crate::kinds::Scope::Regional,
    rate: super::limits::Rate::of(20, 40),
    kinds: &[&crate::kinds::QUEUE_KIND],
    actions: &["sqs:GetQueueAttributes", "sqs:ListQueues"],
    collect: |u| Box::pin(collect_region(&u.ctx, u.region)),
    readers: &[],
};

pub(super) async fn collect_region(ctx: &Ctx, region: &str) -> Part {
    let c = regional_client!(aws_sdk_sqs, ctx, region);
    Part::of("sqs", region, queues(ctx, &c, region).await)
}

async fn queues(ctx: &Ctx, c: &Client, region: &str) -> Result<Vec<Resource>, Failure> {
    let listing = |tx: Items<String>| async move {
        // Without MaxResults, ListQueues stops at 1,000 queues and gives no token.
        let pages = c.list_queues().max_results(1000).into_paginator().send();
        each_page(ctx, pages, |page| {
            send_all(&tx, page.queue_urls().iter().cloned());
        })
        .await?;
        Ok(())
    };
    let (listed, read) = as_listed(listing, |url| async move {
        let (_, name) = queue_of_url(&url, region)?;
        let got = ctx
            .call(
                c.get_queue_attributes()
                    .queue_url(&url)
                    .attribute_names(A::All)
                    .send(),
            )
            .await;
        let (settings, arn) = match got {
            Ok(o) => {
                let a = o.attributes().cloned().unwrap_or_default();
                (Fetched::Present(settings(&a)), a.get(&A::QueueArn).cloned())
            }
            Err(e) => (super::gone_or_unknown(&e, &[]), None),
        };
        Some(Resource::new(
            SQS_QUEUE,
            region,
            name,
            arn,
            &Queue { settings },
        ))
    })
    .await;
    listed?;
    Ok(read.into_iter().flatten().collect())
}

fn settings(a: &HashMap<A, String>) -> QueueSettings {
    let get = |k: A| a.get(&k).map(String::as_str);
    let dead_letter_target = get(A::RedrivePolicy)
        .and_then(|r| serde_json::from_str::<serde_json::Value>(r).ok())
        .and_then(|r| r["deadLetterTargetArn"].as_str().map(str::to_string));
    QueueSettings {
        policy: fetched_policy(get(A::Policy)),
        kms_key: get(A::KmsMasterKeyId).map(str::to_string),
        sqs_managed_sse: get(A::SqsManagedSseEnabled) == Some("true"),
        fifo: get(A::FifoQueue) == Some("true"),
        dead_letter_target,
        retention_seconds: get(A::MessageRetentionPeriod).and_then(|s| s.parse().ok()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::mock_ctx;
    use aws_sdk_sqs::operation::get_queue_attributes::{
        GetQueueAttributesError, GetQueueAttributesOutput,
    };
    use aws_sdk_sqs::operation::list_queues::ListQueuesOutput;
    use aws_smithy_mocks::{mock, mock_client, RuleMode};
    use aws_smithy_types::error::ErrorMetadata;

    const URL: &str = "https://sqs.us-east-1.amazonaws.com/111122223333/";

    /// A queue whose attributes cannot be read keeps its place with its
    /// settings unknown as a whole: not "no policy, unencrypted".
    #[tokio::test]
    async fn unreadable_attributes_are_unknown_together() {
        let list = mock!(Client::list_queues).then_output(|| {
            ListQueuesOutput::builder()
                .queue_urls(format!("{URL}open"))
                .queue_urls(format!("{URL}locked"))
                .build()
        });
        let open = mock!(Client::get_queue_attributes)
            .match_requests(|r| r.queue_url().is_some_and(|u| u.ends_with("/open")))
            .then_output(|| {
                GetQueueAttributesOutput::builder()
                    .attributes(A::Policy, r#"{"Statement":{"Effect":"Allow","Principal":"*","Action":"sqs:*"}}"#)
                    .attributes(A::SqsManagedSseEnabled, "true")
                    .attributes(
                        A::RedrivePolicy,
                        r#"{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:111122223333:dlq","maxReceiveCount":3}"#,
                    )
                    .build()
            });
        let locked = mock!(Client::get_queue_attributes)
            .match_requests(|r| r.queue_url().is_some_and(|u| u.ends_with("/locked")))
            .then_error(|| {
                GetQueueAttributesError::generic(
                    ErrorMetadata::builder().code("AccessDenied").build(),
                )
            });
        let c = mock_client!(aws_sdk_sqs, RuleMode::MatchAny, &[&list, &open, &locked]);
        let mut got = queues(&mock_ctx().await, &c, "us-east-1").await.unwrap();
        got.sort_by_key(|r| r.native_id.clone());
        assert_eq!(got[0].native_id, "locked");
        assert_eq!(got[0].attrs["settings"]["$unknown"], "AccessDenied");
        let s = &got[1].attrs["settings"];
        assert_eq!(s["policy"]["Statement"][0]["Principal"], "*");
        assert_eq!(s["sqs_managed_sse"], true);
        assert_eq!(
            s["dead_letter_target"],
            "arn:aws:sqs:us-east-1:111122223333:dlq"
        );
    }
}
