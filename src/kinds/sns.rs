//! `sns.topic`: each topic with what decides who may publish to or
//! subscribe to it (the topic policy), its encryption, and where it
//! delivers (its subscriptions: a subscription is a copy of every message
//! leaving to its endpoint). Collected by `aws/sns.rs`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::event::{id, text};
use super::{Kind, Scope};
use crate::model::{Fetched, Risk};

pub const SNS_TOPIC: &str = "sns.topic";

pub static TOPIC_KIND: Kind = Kind {
    name: SNS_TOPIC,
    scope: Scope::Regional,
    risk: Risk::Data,
    about: "A topic (ListTopics) with its attributes (GetTopicAttributes, one call per topic) and subscriptions (ListSubscriptions, once per region); native id is the topic name. AddPermission and RemovePermission are listed under `sqs.queue`, whose names they share.",
    events: &[
        "CreateTopic",
        "DeleteTopic",
        "SetTopicAttributes",
        "Subscribe",
        "Unsubscribe",
        "ConfirmSubscription",
    ],
    ids: |c| {
        // Unsubscribe names the subscription: `<topic ARN>:<uuid>`.
        let arn = text(c.req, &["topicArn"])
            .or_else(|| text(c.resp, &["topicArn"]))
            .or_else(|| {
                text(c.req, &["subscriptionArn"])
                    .and_then(|s| s.rsplit_once(':').map(|(t, _)| t.to_string()))
            });
        let name = arn.as_deref().and_then(|a| topic_id(a, c.region));
        name.or_else(|| {
            text(c.req, &["name"])
                .filter(|_| c.name == "CreateTopic")
                .map(|n| id(SNS_TOPIC, c.region, &n))
        })
        .into_iter()
        .collect()
    },
    describe: |a| {
        match a["subscriptions"].as_array().map_or(0, Vec::len) {
            0 => String::new(),
            n => format!("{n} subscription(s)"),
        }
    },
    shape: super::shape::<Topic>,
    listed: None,
    unheld: super::all_held,
};

/// The id of a topic ARN (`arn:aws:sns:<region>:<acct>:<name>`).
pub fn topic_id(arn: &str, region: &str) -> Option<String> {
    let parts: Vec<&str> = arn.split(':').collect();
    match parts.as_slice() {
        ["arn", _, "sns", r, _, name] => {
            Some(id(SNS_TOPIC, if r.is_empty() { region } else { r }, name))
        }
        _ => None,
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct Topic {
    /// From one GetTopicAttributes call: unknown together when it fails.
    pub settings: Fetched<TopicSettings>,
    pub subscriptions: Fetched<Vec<Subscription>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct TopicSettings {
    /// The topic policy, normalized.
    pub policy: Fetched<Value>,
    pub kms_key: Option<String>,
    pub fifo: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, Default)]
pub struct Subscription {
    /// `sqs`, `lambda`, `https`, `email`, `sms`, `firehose`, ...
    pub protocol: String,
    /// Where messages go: an ARN, a URL, an address or a number.
    pub endpoint: String,
    /// The account that made the subscription.
    pub owner: String,
    /// False while a subscription waits for confirmation.
    pub confirmed: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topics_are_named_by_arn() {
        assert_eq!(
            topic_id("arn:aws:sns:eu-west-1:111:alerts", "us-east-1").as_deref(),
            Some("sns.topic/eu-west-1/alerts")
        );
        assert_eq!(topic_id("alerts", "us-east-1"), None);
    }
}
