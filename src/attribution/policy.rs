//! Who may change what: `[[allow]]` rules from the config plus built-in
//! defaults that stay out of the way of AWS itself. Pure matching.

use std::collections::BTreeMap;

use globset::{Glob, GlobMatcher};
use serde::{Deserialize, Serialize};

use crate::model::Snapshot;
use crate::trail::Event;

/// One rule as written in `driftwatch.toml`. Every condition given must
/// hold; a condition left out matches anything.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AllowRule {
    pub name: String,
    /// Globs over the caller ARN, the assumed role's ARN, or the AWS service that acted.
    #[serde(default)]
    pub principals: Vec<String>,
    /// Identity types (`userIdentity.type`): `IAMUser`, `AssumedRole`,
    /// `Root`, `AWSService`, `FederatedUser`, ...
    #[serde(default)]
    pub identity_types: Vec<String>,
    /// Globs over the role session name.
    #[serde(default)]
    pub sessions: Vec<String>,
    /// Globs over `sourceIdentity`.
    #[serde(default)]
    pub source_identities: Vec<String>,
    /// Globs over event names, e.g. `Authorize*`.
    #[serde(default)]
    pub events: Vec<String>,
    /// Resource kinds, e.g. `ec2.security_group`.
    #[serde(default)]
    pub kinds: Vec<String>,
    /// Globs over resource ids, e.g. `ec2.*/us-east-1/*`.
    #[serde(default)]
    pub resources: Vec<String>,
    /// Tags the resource must carry (now or in the baseline).
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    /// Weekdays (UTC) the change may happen: `mon` ... `sun`.
    #[serde(default)]
    pub days: Vec<String>,
    /// UTC hours, `HH:MM-HH:MM` (start inclusive, end exclusive).
    #[serde(default)]
    pub hours: Option<String>,
    /// Instances only: the instance's `aws:autoscaling:groupName` tag must name
    /// a group some instance of the baseline belonged to.
    #[serde(default)]
    pub autoscaling_group_in_baseline: bool,
}

/// The built-in rules, on unless `[policy] builtin_defaults = false`.
pub fn builtin_rules() -> Vec<AllowRule> {
    vec![AllowRule {
        name: "builtin:aws-autoscaling".into(),
        principals: vec![
            "arn:aws:sts::*:assumed-role/AWSServiceRoleForAutoScaling/*".into(),
            "arn:aws:iam::*:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling".into(),
            "autoscaling.amazonaws.com".into(),
        ],
        identity_types: vec![],
        sessions: vec![],
        source_identities: vec![],
        events: vec!["RunInstances".into(), "TerminateInstances".into()],
        kinds: vec!["ec2.instance".into()],
        resources: vec![],
        tags: BTreeMap::new(),
        days: vec![],
        hours: None,
        autoscaling_group_in_baseline: true,
    }]
}

/// Built-in rules for writes outside the snapshot only: AWS acting as
/// itself. An `AWSService` identity or a service-linked role cannot be
/// used by a person, so their writes are AWS's routine (key rotation,
/// log delivery, scaling). A call a person made through a service (a
/// CloudFormation stack, the console) keeps that person's identity with
/// `invokedBy` beside it, and is judged as theirs. These never authorize a
/// change to a watched resource: there the narrower rules above decide.
pub fn builtin_write_rules() -> Vec<AllowRule> {
    let base = |name: &str| AllowRule {
        name: name.into(),
        principals: vec![],
        identity_types: vec![],
        sessions: vec![],
        source_identities: vec![],
        events: vec![],
        kinds: vec![],
        resources: vec![],
        tags: BTreeMap::new(),
        days: vec![],
        hours: None,
        autoscaling_group_in_baseline: false,
    };
    vec![
        AllowRule {
            identity_types: vec!["AWSService".into()],
            ..base("builtin:aws-service")
        },
        AllowRule {
            principals: vec![
                "arn:aws:sts::*:assumed-role/AWSServiceRoleFor*/*".into(),
                "arn:aws:iam::*:role/aws-service-role/*".into(),
            ],
            ..base("builtin:aws-service-linked-roles")
        },
    ]
}

fn glob(p: &str) -> Result<GlobMatcher, String> {
    Glob::new(p)
        .map(|g| g.compile_matcher())
        .map_err(|e| format!("{p:?}: {e}"))
}

/// A compiled rule.
#[derive(Debug, Clone)]
pub struct Rule {
    pub spec: AllowRule,
    principals: Vec<GlobMatcher>,
    sessions: Vec<GlobMatcher>,
    source_identities: Vec<GlobMatcher>,
    events: Vec<GlobMatcher>,
    resources: Vec<GlobMatcher>,
    days: Vec<jiff::civil::Weekday>,
    hours: Option<(u32, u32)>,
}

fn weekday(d: &str) -> Result<jiff::civil::Weekday, String> {
    use jiff::civil::Weekday::*;
    Ok(match d.to_ascii_lowercase().get(..3).unwrap_or("") {
        "mon" => Monday,
        "tue" => Tuesday,
        "wed" => Wednesday,
        "thu" => Thursday,
        "fri" => Friday,
        "sat" => Saturday,
        "sun" => Sunday,
        _ => return Err(format!("day {d:?} is not mon..sun")),
    })
}

/// `08:00-18:00` or `8-18` → minutes since midnight.
fn hours(h: &str) -> Result<(u32, u32), String> {
    let parse = |t: &str| -> Option<u32> {
        let mut it = t.trim().splitn(2, ':');
        let hh: u32 = it.next()?.parse().ok()?;
        let mm: u32 = it.next().map(|m| m.parse().ok()).unwrap_or(Some(0))?;
        (hh <= 24 && mm < 60).then_some(hh * 60 + mm)
    };
    let (a, b) = h
        .split_once('-')
        .ok_or_else(|| format!("hours {h:?} must be HH:MM-HH:MM"))?;
    match (parse(a), parse(b)) {
        (Some(a), Some(b)) => Ok((a, b)),
        _ => Err(format!("hours {h:?} must be HH:MM-HH:MM")),
    }
}

/// No patterns, or one matching the value.
fn any(ms: &[GlobMatcher], v: Option<&str>) -> bool {
    ms.is_empty() || v.is_some_and(|v| ms.iter().any(|m| m.is_match(v)))
}

impl Rule {
    pub fn compile(spec: AllowRule) -> Result<Rule, String> {
        let many = |v: &[String]| v.iter().map(|p| glob(p)).collect::<Result<Vec<_>, _>>();
        for k in &spec.kinds {
            if crate::kinds::by_name(k).is_none() {
                return Err(format!("rule {}: unknown resource kind {k:?}", spec.name));
            }
        }
        Ok(Rule {
            principals: many(&spec.principals)?,
            sessions: many(&spec.sessions)?,
            source_identities: many(&spec.source_identities)?,
            events: many(&spec.events)?,
            resources: many(&spec.resources)?,
            days: spec
                .days
                .iter()
                .map(|d| weekday(d))
                .collect::<Result<_, _>>()?,
            hours: spec.hours.as_deref().map(hours).transpose()?,
            spec,
        })
    }

    /// Does this rule allow `event` to change `resource_id`?
    pub fn allows(
        &self,
        event: &Event,
        resource_id: &str,
        baseline: &Snapshot,
        current: &Snapshot,
    ) -> bool {
        self.allows_call(event, resource_id) && self.allows_state(resource_id, baseline, current)
    }

    /// Whether the rule reads the resource's state (tags, its autoscaling
    /// group): a judgement made before the states are at hand must then
    /// wait for [`Rule::allows_state`].
    pub fn needs_state(&self) -> bool {
        !self.spec.tags.is_empty() || self.spec.autoscaling_group_in_baseline
    }

    /// The conditions on the call alone: who, what, which resource, when.
    pub fn allows_call(&self, event: &Event, resource_id: &str) -> bool {
        let kind = resource_id.split('/').next().unwrap_or("");
        self.allows_caller(event)
            && (self.spec.kinds.is_empty() || self.spec.kinds.iter().any(|k| k == kind))
            && any(&self.resources, Some(resource_id))
    }

    /// [`Rule::allows_call`] of everything but the resource: who, which
    /// call, when. A call this refuses no resource can make allowed.
    pub fn allows_caller(&self, event: &Event) -> bool {
        let a = &event.actor;
        let principal_ok = self.principals.is_empty()
            || [
                a.arn.as_deref(),
                a.role_arn.as_deref(),
                a.invoked_by.as_deref(),
            ]
            .into_iter()
            .flatten()
            .any(|p| self.principals.iter().any(|m| m.is_match(p)));
        let type_ok = self.spec.identity_types.is_empty()
            || self.spec.identity_types.contains(&a.identity_type);
        principal_ok
            && type_ok
            && any(&self.sessions, a.session_name.as_deref())
            && any(&self.source_identities, a.source_identity.as_deref())
            && any(&self.events, Some(&event.name))
            && self.allows_time(event)
    }

    fn allows_time(&self, event: &Event) -> bool {
        if self.days.is_empty() && self.hours.is_none() {
            return true;
        }
        let Some(t) = event.timestamp() else {
            return false;
        };
        let z = t.to_zoned(jiff::tz::TimeZone::UTC);
        if !self.days.is_empty() && !self.days.contains(&z.weekday()) {
            return false;
        }
        let Some((from, to)) = self.hours else {
            return true;
        };
        let m = z.hour() as u32 * 60 + z.minute() as u32;
        if from <= to {
            m >= from && m < to
        } else {
            m >= from || m < to
        }
    }

    /// The conditions on the resource's state: its tags (now or in the
    /// baseline) and, for instances, a group the baseline knew.
    pub fn allows_state(&self, resource_id: &str, baseline: &Snapshot, current: &Snapshot) -> bool {
        if !self.needs_state() {
            return true;
        }
        let tags_of = |s: &Snapshot| {
            s.resources
                .get(resource_id)
                .and_then(|r| r.attrs.get("tags"))
                .cloned()
        };
        let tags = [tags_of(current), tags_of(baseline)];
        if !self.spec.tags.iter().all(|(k, v)| {
            tags.iter()
                .flatten()
                .any(|t| t.get(k).and_then(|x| x.as_str()) == Some(v.as_str()))
        }) {
            return false;
        }
        !self.spec.autoscaling_group_in_baseline || group_in_baseline(&tags, baseline)
    }
}

/// Whether the instance's `aws:autoscaling:groupName` tag names a group
/// some instance of the baseline belonged to.
fn group_in_baseline(tags: &[Option<serde_json::Value>], baseline: &Snapshot) -> bool {
    let group = tags.iter().flatten().find_map(|t| {
        t.get("aws:autoscaling:groupName")
            .and_then(|g| g.as_str())
            .map(str::to_string)
    });
    let Some(group) = group else { return false };
    baseline.of_kind(crate::kinds::EC2_INSTANCE).any(|r| {
        r.attrs
            .get("tags")
            .and_then(|t| t.get("aws:autoscaling:groupName"))
            .and_then(|g| g.as_str())
            == Some(group.as_str())
    })
}

/// The rules in force: the user's, then the built-ins.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    pub rules: Vec<Rule>,
    /// Built-ins that judge only writes outside the snapshot.
    pub write_rules: Vec<Rule>,
}

impl Policy {
    pub fn new(user: &[AllowRule], builtin_defaults: bool) -> Result<Policy, String> {
        let mut rules = Vec::new();
        let mut names = std::collections::BTreeSet::new();
        for r in user.iter().cloned().chain(if builtin_defaults {
            builtin_rules()
        } else {
            vec![]
        }) {
            if !names.insert(r.name.clone()) {
                return Err(format!("two [[allow]] rules are named {:?}", r.name));
            }
            rules.push(Rule::compile(r)?);
        }
        let write_rules = if builtin_defaults {
            builtin_write_rules()
                .into_iter()
                .map(Rule::compile)
                .collect::<Result<_, _>>()?
        } else {
            vec![]
        };
        Ok(Policy { rules, write_rules })
    }

    /// The first rule that allows a write outside the snapshot.
    pub fn allowing_write(
        &self,
        event: &Event,
        resource: &str,
        baseline: &Snapshot,
        current: &Snapshot,
    ) -> Option<&Rule> {
        self.judging_writes()
            .find(|r| r.allows(event, resource, baseline, current))
    }

    /// The rules that judge a write outside the snapshot, in order: the
    /// user's, then every built-in.
    pub fn judging_writes(&self) -> impl Iterator<Item = &Rule> {
        self.rules.iter().chain(&self.write_rules)
    }

    /// The first rule that allows the event to change the resource.
    pub fn allowing(
        &self,
        event: &Event,
        resource_id: &str,
        baseline: &Snapshot,
        current: &Snapshot,
    ) -> Option<&Rule> {
        self.rules
            .iter()
            .find(|r| r.allows(event, resource_id, baseline, current))
    }
}
