//! AWS Config, per region: configuration recorders (what they record and
//! whether they are recording) and delivery channels (where the history
//! goes). Collected by `aws/config.rs`.

use serde::{Deserialize, Serialize};

use super::event::{ids_at, Call};
use super::{Kind, Scope};
use crate::model::{Fetched, Risk};

pub const CONFIG_RECORDER: &str = "config.recorder";
pub const CONFIG_DELIVERY_CHANNEL: &str = "config.delivery_channel";

pub static RECORDER_KIND: Kind = Kind {
    name: CONFIG_RECORDER,
    scope: Scope::Regional,
    risk: Risk::Visibility,
    about: "A configuration recorder: what it records and whether it is recording (DescribeConfigurationRecorders, DescribeConfigurationRecorderStatus).",
    events: &[
        "PutConfigurationRecorder",
        "DeleteConfigurationRecorder",
        "StartConfigurationRecorder",
        "StopConfigurationRecorder",
    ],
    ids: |c: &Call<'_>| {
        ids_at(
            c,
            CONFIG_RECORDER,
            c.region,
            &[&["configurationRecorderName"], &["configurationRecorder", "name"]],
        )
    },
    describe: |a| match a["recording"].as_bool() {
        Some(true) => "recording".into(),
        Some(false) => "not recording".into(),
        None => String::new(),
    },
    shape: super::shape::<Recorder>,
    listed: None,
    unheld: super::all_held,
};

pub static DELIVERY_CHANNEL_KIND: Kind = Kind {
    name: CONFIG_DELIVERY_CHANNEL,
    scope: Scope::Regional,
    risk: Risk::Visibility,
    about: "A Config delivery channel: bucket, prefix, topic, snapshot frequency (DescribeDeliveryChannels).",
    events: &["PutDeliveryChannel", "DeleteDeliveryChannel"],
    ids: |c: &Call<'_>| {
        ids_at(
            c,
            CONFIG_DELIVERY_CHANNEL,
            c.region,
            &[&["deliveryChannelName"], &["deliveryChannel", "name"]],
        )
    },
    describe: |a| format!("to s3://{}", a["s3_bucket"].as_str().unwrap_or("?")),
    shape: super::shape::<DeliveryChannel>,
    listed: None,
    unheld: super::all_held,
};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct Recorder {
    pub role_arn: Option<String>,
    /// Records every supported resource type.
    pub all_supported: bool,
    /// Records global resources (IAM) too.
    pub include_global_resources: bool,
    /// The types recorded when not all are.
    pub resource_types: Vec<String>,
    /// DescribeConfigurationRecorderStatus: is it recording now.
    pub recording: Fetched<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct DeliveryChannel {
    pub s3_bucket: Option<String>,
    pub s3_prefix: Option<String>,
    pub sns_topic: Option<String>,
    pub frequency: Option<String>,
}
