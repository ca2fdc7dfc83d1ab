//! Values a scan carries from its baseline instead of reading them again,
//! where AWS's own semantics make the old value the current one. On a
//! large account the per-resource calls are what AWS rations (EC2 answers
//! 10 DescribeInstanceAttribute calls a second by default): the call not
//! made is the fast one. Nothing is carried on a guess; each rule cites
//! the AWS behaviour it rests on, and `baseline save` (no baseline given)
//! reads everything.
//!
//! The rules:
//! - **User data of an instance running since the baseline.** User data can
//!   be modified only while the instance is stopped ("Work with instance
//!   user data": "the instance must be stopped"; ModifyInstanceAttribute
//!   refuses `userData` otherwise), and `LaunchTime` is "the time that the
//!   instance was last launched" (DescribeInstances), set anew by every
//!   start. An instance that is running now, was running in the baseline,
//!   and has the launch time the baseline recorded has not been stopped
//!   since: its user data is the baseline's. A new, stopped or restarted
//!   instance is read.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use serde_json::Value;

use crate::kinds::EC2_INSTANCE;
use crate::model::{coverage_key, Carried, CarryRule, Snapshot, UNKNOWN_KEY};

/// What the baseline knew, and what this run carried of it.
#[derive(Debug, Default)]
pub(crate) struct Carry {
    /// `(region, instance id)` → (launch time, user data as recorded).
    user_data: HashMap<(String, String), (String, Value)>,
    /// Carried values by coverage key (`ec2/us-east-1`).
    counts: Mutex<BTreeMap<String, u64>>,
}

impl Carry {
    /// The values of `base` that a rule may carry: only known ones (an
    /// unknown value is read again) of instances running at the time.
    pub(crate) fn from_baseline(base: &Snapshot) -> Carry {
        let user_data = base
            .of_kind(EC2_INSTANCE)
            .filter(|r| r.attrs["state"] == "running")
            .filter_map(|r| {
                let launched = r.attrs["launch_time"].as_str()?;
                let data = r.attrs.get("user_data")?;
                let known = data.get(UNKNOWN_KEY).is_none();
                known.then(|| {
                    let key = (r.region.clone(), r.native_id.clone());
                    (key, (launched.to_string(), data.clone()))
                })
            })
            .collect();
        Carry {
            user_data,
            counts: Mutex::default(),
        }
    }

    /// The user data of instance `id` in `region` as the baseline recorded
    /// it, when the instance is `running` with the same `launch_time`;
    /// `None` means read it.
    pub(crate) fn user_data(
        &self,
        region: &str,
        id: &str,
        state: &str,
        launch_time: Option<&str>,
    ) -> Option<Value> {
        let (launched, data) = self.user_data.get(&(region.into(), id.into()))?;
        if state != "running" || launch_time != Some(launched.as_str()) {
            return None;
        }
        let mut counts = self.counts.lock().expect("carry counts");
        *counts.entry(coverage_key("ec2", region)).or_default() += 1;
        Some(data.clone())
    }

    /// What was carried, on the coverage entries of the units that carried
    /// it.
    pub(crate) fn record(&self, snap: &mut Snapshot) {
        let counts = self.counts.lock().expect("carry counts");
        for (key, &count) in counts.iter() {
            if let Some(c) = snap.coverage.get_mut(key) {
                c.carried.push(Carried {
                    value: format!("{EC2_INSTANCE}.user_data"),
                    count,
                    rule: CarryRule::RunningSinceBaseline,
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::model::{Coverage, Resource};

    fn instance(id: &str, state: &str, launched: &str, data: Value) -> Resource {
        let attrs = json!({"state": state, "launch_time": launched, "user_data": data});
        Resource::new(EC2_INSTANCE, "us-east-1", id, None, &attrs)
    }

    fn base() -> Snapshot {
        let mut s = Snapshot::new("123456789012", "2026-12-01T00:00:00Z");
        let digest = json!({"sha256": "ab", "bytes": 2, "gzip": false, "secrets": []});
        s.insert(instance(
            "i-run",
            "running",
            "2026-11-01T00:00:00Z",
            digest.clone(),
        ));
        s.insert(instance(
            "i-stop",
            "stopped",
            "2026-11-01T00:00:00Z",
            digest,
        ));
        s.insert(instance(
            "i-unknown",
            "running",
            "2026-11-01T00:00:00Z",
            json!({"$unknown": "AccessDenied"}),
        ));
        s
    }

    #[test]
    fn only_an_instance_running_since_the_baseline_keeps_its_user_data() {
        let c = Carry::from_baseline(&base());
        let same = Some("2026-11-01T00:00:00Z");
        assert_eq!(
            c.user_data("us-east-1", "i-run", "running", same).unwrap()["sha256"],
            "ab"
        );
        // Started again since: a new launch time, so it may have changed.
        assert!(c
            .user_data(
                "us-east-1",
                "i-run",
                "running",
                Some("2026-12-02T00:00:00Z")
            )
            .is_none());
        // Stopped now: its user data may be changing.
        assert!(c.user_data("us-east-1", "i-run", "stopped", same).is_none());
        assert!(c
            .user_data("us-east-1", "i-run", "stopping", same)
            .is_none());
        // Stopped in the baseline: it may have been changed before the start.
        assert!(c
            .user_data("us-east-1", "i-stop", "running", same)
            .is_none());
        // Unknown in the baseline, new, or in another region: read.
        assert!(c
            .user_data("us-east-1", "i-unknown", "running", same)
            .is_none());
        assert!(c.user_data("us-east-1", "i-new", "running", same).is_none());
        assert!(c.user_data("eu-west-1", "i-run", "running", same).is_none());
    }

    #[test]
    fn the_count_lands_on_the_region_that_carried() {
        let c = Carry::from_baseline(&base());
        c.user_data(
            "us-east-1",
            "i-run",
            "running",
            Some("2026-11-01T00:00:00Z"),
        );
        let mut now = Snapshot::new("123456789012", "2026-12-07T00:00:00Z");
        for r in ["us-east-1", "eu-west-1"] {
            now.coverage
                .insert(coverage_key("ec2", r), Coverage::complete("ec2", r));
        }
        c.record(&mut now);
        assert_eq!(
            now.coverage["ec2/us-east-1"].carried,
            [Carried {
                value: "ec2.instance.user_data".into(),
                count: 1,
                rule: CarryRule::RunningSinceBaseline,
            }]
        );
        assert!(now.coverage["ec2/eu-west-1"].carried.is_empty());
    }
}
