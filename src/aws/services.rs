//! The registry of AWS services driftwatch reads: each service's name (its
//! coverage entries and rate-limit buckets go by it), whether it is read
//! once for the account or in every region, its default client-side rate,
//! the kinds its collector builds, the IAM actions that collector calls,
//! and the collector. The run reads every entry in every place it applies
//! to, each a unit under its own rate bucket; adding a service or a kind is
//! a line here, not an edit of every place that lists services.
//!
//! Each kind can also be read alone, by its id ([`read_resource`]): with a
//! reader of its own where one cheap call answers, else by reading its
//! service's unit again and taking the one resource, so the answer is as
//! honest as a full read: present, absent, or unknown with why.

use std::future::Future;
use std::pin::Pin;
use std::time::Instant;

use super::limits::Rate;
use super::{Ctx, EnabledRegion, Failure};
use crate::kinds::{Kind, Scope};
use crate::model::{Coverage, Fetched, Resource, GLOBAL};

/// A unit of reading: one service in one region (or for the account).
pub(crate) struct Unit<'a> {
    /// The run's context, under this service and region's rate bucket.
    pub ctx: Ctx,
    pub service: &'static str,
    /// The region, or [`GLOBAL`].
    pub region: &'a str,
    pub account: &'a str,
    /// Every region the run reads.
    pub regions: &'a [String],
    /// DescribeRegions' answer, which the `account` service reports.
    pub enabled: Option<&'a Result<Vec<EnabledRegion>, Failure>>,
}

impl Unit<'_> {
    /// The unit's part from one listing: every resource, or a failure
    /// (never an empty list that would read as "all deleted").
    pub fn part(&self, read: Result<Vec<Resource>, Failure>) -> Part {
        Part::of(self.service, self.region, read)
    }
}

/// What reading a unit gives.
pub(crate) type Reading<'a> = Pin<Box<dyn Future<Output = Part> + 'a>>;
/// What reading one resource gives.
pub(crate) type ReadingOne<'a> = Pin<Box<dyn Future<Output = Fetched<Resource>> + 'a>>;

/// A kind's own reader: the resource with this native id, in the unit's
/// region.
pub(crate) type ReadOne = for<'a> fn(&'a Unit<'a>, &'a str) -> ReadingOne<'a>;

/// One service.
pub(crate) struct Service {
    pub name: &'static str,
    pub scope: Scope,
    /// The default client-side rate in each place it is read.
    pub rate: Rate,
    pub kinds: &'static [&'static Kind],
    /// The IAM actions the collector and readers call (the shipped policy
    /// must grant each; a test checks).
    pub actions: &'static [&'static str],
    pub collect: for<'a> fn(&'a Unit<'a>) -> Reading<'a>,
    /// Kinds with a reader of their own; the others are read by their unit.
    pub readers: &'static [(&'static str, ReadOne)],
}

/// Every service, in the order units start.
pub(crate) static SERVICES: &[&Service] = &[
    &super::ec2::SERVICE,
    &super::trails::SERVICE,
    &super::guardduty::SERVICE,
    &super::config_service::SERVICE,
    &super::elbv2::SERVICE,
    &super::route53resolver::SERVICE,
    &super::securityhub::SERVICE,
    &super::rds::SERVICE,
    &super::lambda::SERVICE,
    &super::kms::SERVICE,
    &super::sqs::SERVICE,
    &super::sns::SERVICE,
    &super::secretsmanager::SERVICE,
    &super::rolesanywhere::SERVICE,
    &super::s3::SERVICE,
    &super::s3control::SERVICE,
    &super::iam::SERVICE,
    &super::route53::SERVICE,
    &super::cloudfront::SERVICE,
    &super::organizations::SERVICE,
    &super::session::ACCOUNT,
];

/// The service whose collector builds `kind`.
pub(crate) fn of_kind(kind: &str) -> Option<&'static Service> {
    SERVICES
        .iter()
        .copied()
        .find(|s| s.kinds.iter().any(|k| k.name == kind))
}

/// Every service name: what `--rate-limit` and coverage entries take.
pub fn names() -> Vec<&'static str> {
    SERVICES.iter().map(|s| s.name).collect()
}

/// The places a service is read in: every region, or the account once.
pub(crate) fn places<'r>(s: &Service, regions: &'r [String]) -> Vec<&'r str> {
    match s.scope {
        Scope::Regional => regions.iter().map(String::as_str).collect(),
        Scope::Global => vec![GLOBAL],
    }
}

/// Reads one unit, timing it for the summary and the progress bar.
pub(crate) async fn run(s: &Service, unit: Unit<'_>) -> Part {
    let started = Instant::now();
    let name = format!("{}/{}", s.name, unit.region);
    let part = (s.collect)(&unit).await;
    unit.ctx.finish_unit(name, started);
    part
}

/// Reads the resource `id` (`kind/region/native-id`) alone: present,
/// absent (it does not exist now), or unknown (it could not be read, with
/// the code). `unit` is the place's unit of the kind's service.
pub(crate) async fn read_resource(s: &Service, unit: &Unit<'_>, id: &str) -> Fetched<Resource> {
    let (kind, _, native) = crate::model::split_id(id);
    if let Some((_, read)) = s.readers.iter().find(|(k, _)| *k == kind) {
        return read(unit, native).await;
    }
    let part = (s.collect)(unit).await;
    match part
        .coverage
        .iter()
        .find(|c| c.status != crate::model::CoverageStatus::Complete)
    {
        Some(c) => Fetched::Unknown(c.error_code.clone().unwrap_or_else(|| "Unknown".into())),
        None => part
            .resources
            .into_iter()
            .find(|r| r.id() == id)
            .map_or(Fetched::Absent, Fetched::Present),
    }
}

/// What one collector returns: resources plus coverage entries.
#[derive(Debug, Default)]
pub(crate) struct Part {
    pub resources: Vec<Resource>,
    pub coverage: Vec<Coverage>,
}

impl Part {
    /// A unit that either read its service in a region completely, or
    /// failed and reports no resources (never an empty list that would
    /// read as "everything was deleted").
    pub(crate) fn of(service: &str, region: &str, read: Result<Vec<Resource>, Failure>) -> Part {
        match read {
            Ok(resources) => Part {
                resources,
                coverage: vec![Coverage::complete(service, region)],
            },
            Err(f) => Part {
                resources: vec![],
                coverage: vec![f.coverage(service, region)],
            },
        }
    }

    /// A unit of several independent lists: the resources of every list
    /// that was read, and the unit's coverage from the worst failure
    /// (denied outranks error: it is the more actionable message). The
    /// incomplete coverage keeps diff from reading the missing list's
    /// resources as deleted.
    pub(crate) fn of_lists(
        service: &str,
        region: &str,
        lists: impl IntoIterator<Item = Result<Vec<Resource>, Failure>>,
    ) -> Part {
        let mut part = Part::default();
        let mut failure: Option<Failure> = None;
        for r in lists {
            match r {
                Ok(mut rs) => part.resources.append(&mut rs),
                Err(f) => {
                    if failure.as_ref().is_none_or(|old| f.status < old.status) {
                        failure = Some(f);
                    }
                }
            }
        }
        part.coverage.push(match failure {
            None => Coverage::complete(service, region),
            Some(f) => f.coverage(service, region),
        });
        part
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_one_service_named_as_its_prefix() {
        for k in crate::kinds::ALL {
            let owners: Vec<&str> = SERVICES
                .iter()
                .filter(|s| s.kinds.iter().any(|x| x.name == k.name))
                .map(|s| s.name)
                .collect();
            assert_eq!(owners.len(), 1, "{} is built by {owners:?}", k.name);
            let prefix = k.name.split('.').next().unwrap();
            assert_eq!(prefix, owners[0], "{}", k.name);
            let s = of_kind(k.name).unwrap();
            assert_eq!(
                s.scope, k.scope,
                "{} and its service differ in scope",
                k.name
            );
        }
        let mut names = names();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), SERVICES.len(), "a service listed twice");
    }

    #[test]
    fn every_kind_has_events_and_every_service_its_actions_in_the_shipped_policy() {
        let policy: serde_json::Value =
            serde_json::from_str(include_str!("../../iam/driftwatch-readonly.json")).unwrap();
        let granted: Vec<&str> = policy["Statement"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|s| s["Action"].as_array().unwrap())
            .map(|a| a.as_str().unwrap())
            .collect();
        for k in crate::kinds::ALL {
            assert!(!k.events.is_empty(), "{} has no CloudTrail events", k.name);
        }
        for s in SERVICES {
            assert!(!s.actions.is_empty(), "{} declares no IAM actions", s.name);
            for a in s.actions {
                assert!(
                    granted.contains(a),
                    "{a} ({}) is not in iam/driftwatch-readonly.json",
                    s.name
                );
            }
            for (kind, _) in s.readers {
                assert!(
                    s.kinds.iter().any(|k| k.name == *kind),
                    "{} reads {kind}, not its kind",
                    s.name
                );
            }
        }
        // Nothing in the policy that no service calls (but LookupEvents,
        // which CloudTrail attribution calls).
        let declared: Vec<&str> = SERVICES
            .iter()
            .flat_map(|s| s.actions.iter().copied())
            .collect();
        for a in granted {
            assert!(
                declared.contains(&a) || a == "cloudtrail:LookupEvents",
                "{a} is granted but no service declares it"
            );
        }
    }
}
