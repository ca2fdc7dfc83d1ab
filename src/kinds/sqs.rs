//! `sqs.queue`: each queue with what decides who may send to or read from
//! it (the queue policy), its encryption and where failed messages go.
//! Collected by `aws/sqs.rs`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::event::{id, text, Call};
use super::{Kind, Scope};
use crate::model::{Fetched, Risk};

pub const SQS_QUEUE: &str = "sqs.queue";

pub static QUEUE_KIND: Kind = Kind {
    name: SQS_QUEUE,
    scope: Scope::Regional,
    risk: Risk::Data,
    about: "A queue (ListQueues) with its attributes (GetQueueAttributes, one call per queue); native id is the queue name.",
    // SNS's AddPermission and RemovePermission share these names; an event
    // belongs to one kind, so they live here and name a topic when the
    // request has a `topicArn`.
    events: &[
        "CreateQueue",
        "DeleteQueue",
        "SetQueueAttributes",
        "AddPermission",
        "RemovePermission",
    ],
    ids: queue_ids,
    describe: |a| {
        match a["settings"]["dead_letter_target"].as_str() {
            Some(t) => format!("dead letters to {}", t.rsplit(':').next().unwrap_or(t)),
            None => String::new(),
        }
    },
    shape: super::shape::<Queue>,
    listed: None,
    unheld: super::all_held,
};

fn queue_ids(c: &Call<'_>) -> Vec<String> {
    if let Some(topic) = text(c.req, &["topicArn"]) {
        return super::sns::topic_id(&topic, c.region).into_iter().collect();
    }
    let url = text(c.req, &["queueUrl"]).or_else(|| text(c.resp, &["queueUrl"]));
    // MediaConvert has a CreateQueue too; only SQS's names `queueName` with a URL in the answer.
    let name = url
        .as_deref()
        .and_then(|u| queue_of_url(u, c.region))
        .or_else(|| text(c.req, &["queueName"]).map(|n| (c.region.to_string(), n)));
    name.map(|(region, n)| vec![id(SQS_QUEUE, &region, &n)])
        .unwrap_or_default()
}

/// `(region, name)` of a queue URL: `https://sqs.<region>.amazonaws.com/<acct>/<name>`
/// (or the legacy `queue.amazonaws.com` for us-east-1).
pub fn queue_of_url(url: &str, region: &str) -> Option<(String, String)> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let mut parts = rest.split('/');
    let host = parts.next()?;
    let name = parts.nth(1).filter(|n| !n.is_empty())?;
    let region = match host.split('.').collect::<Vec<_>>().as_slice() {
        ["sqs", r, ..] if r.contains('-') => (*r).to_string(),
        [r, "queue", ..] if r.contains('-') => (*r).to_string(),
        _ => region.to_string(),
    };
    Some((region, name.to_string()))
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct Queue {
    /// Everything comes from one GetQueueAttributes call: when it fails,
    /// all of it is unknown together.
    pub settings: Fetched<QueueSettings>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct QueueSettings {
    /// The queue policy, normalized; absent when there is none.
    pub policy: Fetched<Value>,
    pub kms_key: Option<String>,
    pub sqs_managed_sse: bool,
    pub fifo: bool,
    /// The dead-letter queue failed messages move to.
    pub dead_letter_target: Option<String>,
    /// Days a message is kept.
    pub retention_seconds: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queues_are_named_by_url_in_their_region() {
        assert_eq!(
            queue_of_url("https://sqs.eu-west-1.amazonaws.com/111/jobs", "us-east-1"),
            Some(("eu-west-1".into(), "jobs".into()))
        );
        assert_eq!(
            queue_of_url("https://queue.amazonaws.com/111/jobs.fifo", "us-east-1"),
            Some(("us-east-1".into(), "jobs.fifo".into()))
        );
        assert_eq!(
            queue_of_url("http://127.0.0.1:5000/123456789012/q1", "us-east-1"),
            Some(("us-east-1".into(), "q1".into()))
        );
        assert_eq!(
            queue_of_url("https://sqs.us-east-1.amazonaws.com/111", "x"),
            None
        );
    }
}
