//! `cloudtrail.trail`: each trail once, in its home region (DescribeTrails
//! per region lists multi-region trails everywhere; only the home region
//! keeps it), with its status and what its selectors capture. Collected by
//! `aws/cloudtrail.rs`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::event::{id, text, Call};
use super::{Kind, Scope};
use crate::model::{Fetched, Risk};

pub const CLOUDTRAIL_TRAIL: &str = "cloudtrail.trail";

pub static TRAIL_KIND: Kind = Kind {
    name: CLOUDTRAIL_TRAIL,
    scope: Scope::Regional,
    risk: Risk::Visibility,
    about: "A trail in its home region: scope, bucket, KMS key, log validation, logging status, what its (advanced) event selectors capture, insights (DescribeTrails, GetTrailStatus, GetEventSelectors, GetInsightSelectors).",
    events: &[
        "CreateTrail",
        "DeleteTrail",
        "UpdateTrail",
        "StartLogging",
        "StopLogging",
        "PutEventSelectors",
        "PutInsightSelectors",
    ],
    ids: trail_ids,
    describe: |a| {
        let logging = match a["status"]["is_logging"].as_bool() {
            Some(true) => "logging",
            Some(false) => "not logging",
            None => "status not read",
        };
        let scope = if a["multi_region"] == Value::Bool(true) {
            "all regions"
        } else {
            "one region"
        };
        format!(
            "{scope}, {logging}, to s3://{}",
            a["s3_bucket"].as_str().unwrap_or("?")
        )
    },
    shape: super::shape::<Trail>,
    listed: None,
    unheld: super::all_held,
};

/// A trail is named by name or by ARN; the ARN also says its home region,
/// which is where the trail's id lives.
fn trail_ids(c: &Call<'_>) -> Vec<String> {
    let mut out = Vec::new();
    for v in [
        text(c.req, &["name"]),
        text(c.req, &["trailName"]),
        text(c.resp, &["trailARN"]),
    ]
    .into_iter()
    .flatten()
    {
        let (region, name) = match v.strip_prefix("arn:") {
            Some(rest) => {
                let parts: Vec<&str> = rest.splitn(5, ':').collect();
                let name = v.rsplit("trail/").next().unwrap_or(&v);
                (parts.get(2).copied().unwrap_or(c.region).to_string(), name)
            }
            None => (c.region.to_string(), v.as_str()),
        };
        out.push(id(CLOUDTRAIL_TRAIL, &region, name));
    }
    out
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct Trail {
    pub home_region: String,
    pub multi_region: bool,
    pub organization: bool,
    pub log_file_validation: bool,
    pub s3_bucket: Option<String>,
    pub s3_prefix: Option<String>,
    pub kms_key: Option<String>,
    pub cloudwatch_logs_group: Option<String>,
    pub sns_topic: Option<String>,
    /// GetTrailStatus, without the delivery times (they move every few
    /// minutes and would read as a change on every run).
    pub status: Fetched<TrailStatus>,
    /// What the event selectors capture.
    pub captures: Fetched<Captures>,
    /// Insight types enabled (`ApiCallRateInsight`, `ApiErrorRateInsight`).
    pub insights: Fetched<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct TrailStatus {
    pub is_logging: bool,
    /// The last error delivering log files to the bucket, if any.
    pub latest_delivery_error: Option<String>,
    pub latest_notification_error: Option<String>,
    pub latest_cloudwatch_logs_delivery_error: Option<String>,
}

/// Event selectors, basic or advanced, reduced to what reaches the logs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Captures {
    pub management_read: bool,
    pub management_write: bool,
    /// Event sources left out of management events (`kms.amazonaws.com`).
    pub management_excluded_sources: Vec<String>,
    /// Data event resource types captured (`AWS::S3::Object`, ...).
    pub data_events: Vec<String>,
}
