//! `guardduty.detector`: the detector of each region, its status, finding
//! frequency and enabled features (ListDetectors, GetDetector). Collected by
//! `aws/guardduty.rs`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::event::{ids_at, Call};
use super::{Kind, Scope};
use crate::model::{Risk, Tags};

pub const GUARDDUTY_DETECTOR: &str = "guardduty.detector";

pub static DETECTOR_KIND: Kind = Kind {
    name: GUARDDUTY_DETECTOR,
    scope: Scope::Regional,
    risk: Risk::Visibility,
    about: "A GuardDuty detector: status, finding frequency, features.",
    events: &[
        "CreateDetector",
        "UpdateDetector",
        "DeleteDetector",
        "UpdateDetectorFeature",
    ],
    ids: |c: &Call<'_>| ids_at(c, GUARDDUTY_DETECTOR, c.region, &[&["detectorId"]]),
    describe: |a| {
        a.get("status")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    },
    shape: super::shape::<Detector>,
    listed: None,
    unheld: super::all_held,
};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct Detector {
    /// `ENABLED` or `DISABLED`.
    pub status: String,
    pub finding_frequency: Option<String>,
    /// `S3_DATA_EVENTS: ENABLED` style, sorted.
    pub features: Vec<String>,
    pub tags: Tags,
}
