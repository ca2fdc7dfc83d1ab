//! Event checks (`target = "event"`): a CEL expression over one CloudTrail
//! record, evaluated while the logs stream, with findings that name the
//! events, the actor and the time.
//!
//! A check names the records it reads (`events` globs over eventName,
//! optional `sources`, `outcome`): records no check names cost one hash
//! lookup (in a per-file table of the calls seen, which also holds the
//! checks each call's name and service admit). A wanted record is handed
//! over as JSON (`event` in the expression) and evaluated by each check
//! that wants it: by CEL, or, for the many expressions that only compare
//! fields with literals, without it (`fast.rs`). Matches are
//! counted by key: `group_by` (an expression, e.g. the caller's ARN) or, by
//! default, the actor and the resource the record names. A match counts one,
//! or what the check's `weight` says the record stands for (the objects a
//! batch delete names). A key whose count reaches `threshold` (default 1) is
//! one finding. Only the counts and a few samples per key are kept,
//! whatever the volume of the logs. Each match is judged by the
//! `[[allow]]` policy as it is counted (`attribution/standing.rs`), so a
//! finding whose every record a rule authorizes is reported as authorized,
//! unless the check says `policy = "ignore"`.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use anyhow::{anyhow, bail, Result};
use globset::{Glob, GlobMatcher};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::fast::Fast;
use super::{Check, CheckError, CheckFile, ChecksConfig, Finding, Target};
use crate::attribution::policy::Policy;
use crate::attribution::standing::{Standing, Standings, Verdict};
use crate::model::Snapshot;
use crate::trail::{Actor, EventVisitor, EventVisitors, Head};

/// Which calls a check reads, by how they ended.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallOutcome {
    #[default]
    Success,
    Failure,
    Any,
}

/// Where a call came from, by its `sourceIPAddress`: tested before the
/// record is parsed, so a check on calls from outside costs one address
/// lookup per record it would otherwise read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    #[default]
    Any,
    /// A public address (not private, reserved or an AWS service's name).
    Public,
    /// A public address outside AWS's EC2 ranges (`data/`).
    OutsideAws,
}

impl Origin {
    fn admits(self, class: &mut dyn FnMut() -> Address) -> bool {
        match self {
            Origin::Any => true,
            Origin::Public => class().public,
            Origin::OutsideAws => class().outside_aws,
        }
    }
}

/// What `sourceIPAddress` is, as [`Origin`] asks.
#[derive(Debug, Clone, Copy)]
struct Address {
    public: bool,
    outside_aws: bool,
}

impl Address {
    fn of(ip: &str) -> Address {
        let public = super::ip::is_public_ip(ip);
        Address {
            public,
            outside_aws: public
                && ip
                    .trim()
                    .parse()
                    .is_ok_and(|a| super::aws_ranges::ec2_region(a).is_none()),
        }
    }
}

/// The addresses a file's records came from, each looked up once: a trail
/// holds few callers' addresses many times over, and parsing one and
/// searching AWS's ranges cost more than the rest of a record's filter.
#[derive(Default)]
struct Addresses(HashMap<String, Address, foldhash::fast::FixedState>);

impl Addresses {
    /// Past this many a file's addresses are forgotten and learnt again.
    const KEPT: usize = 4096;

    fn of(&mut self, ip: &str) -> Address {
        if let Some(a) = self.0.get(ip) {
            return *a;
        }
        if self.0.len() >= Self::KEPT {
            self.0.clear();
        }
        let a = Address::of(ip);
        self.0.insert(ip.to_string(), a);
        a
    }
}

/// Whether `[[allow]]` rules may authorize what a check finds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PolicyUse {
    /// A finding whose every record a rule authorizes is reported as
    /// authorized and neither fails the run nor alerts.
    #[default]
    Respect,
    /// The finding stands whoever made the calls: root activity, the
    /// logging switched off.
    Ignore,
}

impl CallOutcome {
    fn admits(self, failed: bool) -> bool {
        match self {
            CallOutcome::Success => !failed,
            CallOutcome::Failure => failed,
            CallOutcome::Any => true,
        }
    }
}

/// The records an event check reads and how it counts them, compiled.
#[derive(Debug, Clone)]
pub struct EventFilter {
    pub events: Vec<String>,
    pub sources: Vec<String>,
    pub outcome: CallOutcome,
    pub group_by: Option<String>,
    pub threshold: u64,
    pub identity_types: Vec<String>,
    pub error_codes: Vec<String>,
    pub sessions: Vec<String>,
    pub from: Origin,
    pub policy: PolicyUse,
    /// `error_codes`, matched at once (most are exact names); `None`: any.
    error_set: Option<globset::GlobSet>,
    session_globs: Vec<GlobMatcher>,
    /// Text the identity must hold for some session glob to match (`/i-`
    /// for `i-*`), tested before it is parsed; `None`: parse every one.
    session_hints: Option<Vec<String>>,
    /// `events = ["*"]`: every name, without a glob per record.
    all_names: bool,
    /// Names without wildcards, for the hash lookup.
    exact: BTreeSet<String>,
    globs: Vec<GlobMatcher>,
    group_program: Option<Arc<cel::parser::Expression>>,
    /// How many things a matching record counts for (`weight`), as
    /// written and compiled.
    weight: Option<(String, Arc<cel::parser::Expression>)>,
    /// The expression and the key, when they need no CEL.
    fast: Option<Fast>,
    group_fast: Option<Fast>,
    /// The record's paths the expression, key and weight read (dotted):
    /// only they are converted for CEL (`None`: all of it).
    reads: Option<BTreeSet<String>>,
}

impl EventFilter {
    /// The event-check fields a resource check wrongly sets, if any.
    pub(super) fn fields_set(f: &CheckFile) -> Option<&'static str> {
        if !f.events.is_empty() {
            Some("events")
        } else if !f.sources.is_empty() {
            Some("sources")
        } else if f.group_by.is_some() {
            Some("group_by")
        } else if f.threshold.is_some() {
            Some("threshold")
        } else if f.weight.is_some() {
            Some("weight")
        } else if !f.identity_types.is_empty() {
            Some("identity_types")
        } else if !f.error_codes.is_empty() {
            Some("error_codes")
        } else if !f.sessions.is_empty() {
            Some("sessions")
        } else if f.from != Origin::Any {
            Some("from")
        } else if f.policy != PolicyUse::Respect {
            Some("policy")
        } else {
            None
        }
    }

    /// `program` is the check's compiled expression (for the fields it reads).
    pub(super) fn compile(
        source: &str,
        f: &CheckFile,
        program: &cel::parser::Expression,
        line_of: &dyn Fn(&str) -> usize,
    ) -> Result<EventFilter> {
        if f.events.is_empty() {
            bail!(
                "{source}: line {}: an event check names the records it reads: events = [\"StopLogging\", ...] (\"*\" for all)",
                line_of("target")
            );
        }
        let glob = |field: &str, e: &str| {
            Glob::new(e)
                .map(|g| g.compile_matcher())
                .map_err(|err| anyhow!("{source}: line {}: {field}: {e:?}: {err}", line_of(field)))
        };
        let (mut exact, mut globs) = (BTreeSet::new(), Vec::new());
        for e in &f.events {
            if e.contains(['*', '?', '[', '{']) {
                globs.push(glob("events", e)?);
            } else {
                exact.insert(e.clone());
            }
        }
        let error_set = match f.error_codes.as_slice() {
            [] => None,
            codes => {
                let mut set = globset::GlobSetBuilder::new();
                for e in codes {
                    set.add(Glob::new(e).map_err(|err| {
                        anyhow!(
                            "{source}: line {}: error_codes: {e:?}: {err}",
                            line_of("error_codes")
                        )
                    })?);
                }
                Some(set.build().map_err(|err| {
                    anyhow!(
                        "{source}: line {}: error_codes: {err}",
                        line_of("error_codes")
                    )
                })?)
            }
        };
        let session_globs = f
            .sessions
            .iter()
            .map(|e| glob("sessions", e))
            .collect::<Result<Vec<_>>>()?;
        if !f.error_codes.is_empty() && f.outcome == CallOutcome::Success {
            bail!(
                "{source}: line {}: error_codes match failed calls: set outcome = \"failure\" or \"any\"",
                line_of("error_codes")
            );
        }
        let threshold = f.threshold.unwrap_or(1);
        if threshold == 0 {
            bail!(
                "{source}: line {}: threshold must be at least 1",
                line_of("threshold")
            );
        }
        let group_program = match &f.group_by {
            Some(g) => Some(super::compile_program(source, line_of("group_by"), g)?),
            None => None,
        };
        let weight = match &f.weight {
            Some(w) => Some((
                w.trim().to_string(),
                super::compile_program(source, line_of("weight"), w)?,
            )),
            None => None,
        };
        let reads = super::on_big_stack(|| {
            let mut all = super::budget::paths_of(program, "event")?;
            for p in group_program.iter().chain(weight.as_ref().map(|w| &w.1)) {
                all.extend(super::budget::paths_of(p, "event")?);
            }
            Some(all)
        });
        Ok(EventFilter {
            events: f.events.clone(),
            sources: f.sources.clone(),
            outcome: f.outcome,
            group_by: f.group_by.clone(),
            threshold,
            identity_types: f.identity_types.clone(),
            error_codes: f.error_codes.clone(),
            sessions: f.sessions.clone(),
            from: f.from,
            session_hints: session_hints(&f.sessions),
            session_globs,
            policy: f.policy,
            error_set,
            all_names: f.events.iter().any(|e| e == "*"),
            exact,
            globs,
            fast: super::on_big_stack(|| Fast::of(program)),
            reads,
            group_fast: group_program.as_deref().and_then(Fast::of),
            group_program,
            weight,
        })
    }

    fn names(&self, name: &str) -> bool {
        self.all_names || self.exact.contains(name) || self.globs.iter().any(|g| g.is_match(name))
    }

    /// Whether the check reads calls of this name to this service: the
    /// same answer for every record of the call, so asked once per file.
    fn wants_call(&self, name: &str, source: &str) -> bool {
        (self.sources.is_empty() || self.sources.iter().any(|s| s == source)) && self.names(name)
    }

    /// The rest of the filter, asked of each record of a call it wants.
    /// `address` says where the record came from, asked only if needed.
    fn wants(&self, h: &Head<'_>, address: &mut dyn FnMut() -> Address) -> bool {
        self.outcome.admits(h.error_code.is_some())
            && self
                .error_set
                .as_ref()
                .is_none_or(|set| h.error_code.is_some_and(|c| set.is_match(c)))
            && self.from.admits(address)
            && self.session_ok(h)
            && (self.identity_types.is_empty()
                || self.identity_types.iter().any(|t| h.identity_type_is(t)))
    }

    fn session_ok(&self, h: &Head<'_>) -> bool {
        if self.session_globs.is_empty() {
            return true;
        }
        if let Some(hints) = &self.session_hints {
            if !hints.iter().any(|t| h.user_identity.contains(t.as_str())) {
                return false;
            }
        }
        h.session_name()
            .is_some_and(|s| self.session_globs.iter().any(|g| g.is_match(&s)))
    }

    /// For `checks explain`: `StopLogging (successful calls)`.
    pub fn describe(&self) -> String {
        let outcome = match self.outcome {
            CallOutcome::Success => "successful calls",
            CallOutcome::Failure => "failed calls",
            CallOutcome::Any => "calls, failed or not",
        };
        let mut s = format!("{} ({outcome})", self.events.join(", "));
        if !self.sources.is_empty() {
            s.push_str(&format!(" from {}", self.sources.join(", ")));
        }
        if !self.error_codes.is_empty() {
            s.push_str(&format!(" failing with {}", self.error_codes.join(", ")));
        }
        if !self.identity_types.is_empty() {
            s.push_str(&format!(" by {}", self.identity_types.join(", ")));
        }
        if !self.sessions.is_empty() {
            s.push_str(&format!(" in role sessions {}", self.sessions.join(", ")));
        }
        match self.from {
            Origin::Any => {}
            Origin::Public => s.push_str(" from public addresses"),
            Origin::OutsideAws => s.push_str(" from public addresses outside AWS's EC2 ranges"),
        }
        if let Some((w, _)) = &self.weight {
            s.push_str(&format!("; each record counts as {w}"));
        }
        if let Some(g) = &self.group_by {
            s.push_str(&format!("; {} or more by {}", self.threshold, g.trim()));
        } else if self.threshold > 1 {
            s.push_str(&format!(
                "; {} or more per actor and resource",
                self.threshold
            ));
        }
        if self.policy == PolicyUse::Ignore {
            s.push_str("; reported whoever made the call ([[allow]] rules do not apply)");
        }
        s
    }
}

/// The literal start of each session glob, as the ARN's text holds it after
/// a `/`; `None` when some glob starts with a wildcard.
fn session_hints(globs: &[String]) -> Option<Vec<String>> {
    globs
        .iter()
        .map(|g| {
            let lit: String = g
                .chars()
                .take_while(|c| !matches!(c, '*' | '?' | '[' | '{' | '\\'))
                .collect();
            (!lit.is_empty()).then(|| format!("/{lit}"))
        })
        .collect()
}

/// What an event finding says of its records.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EventEvidence {
    pub count: u64,
    pub first: String,
    pub last: String,
    /// The callers, at most five.
    pub actors: Vec<String>,
    pub event_names: Vec<String>,
    /// At most five eventIDs.
    pub event_ids: Vec<String>,
    /// What the records name (an ARN, a resource id, a name from the
    /// request), at most five.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resources: Vec<String>,
    pub regions: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub source_ips: Vec<String>,
}

/// Matches of one check under one key.
#[derive(Debug, Clone, Default)]
struct Tally {
    count: u64,
    first: String,
    last: String,
    actors: BTreeSet<String>,
    names: BTreeSet<String>,
    ids: BTreeSet<String>,
    resources: BTreeSet<String>,
    regions: BTreeSet<String>,
    ips: BTreeSet<String>,
    evidence: BTreeSet<String>,
    /// How the records stand against the policy, for checks that respect it.
    standings: Standings,
}

/// One record's match: its key, evidence and weight.
struct Match {
    key: String,
    evidence: Vec<String>,
    weight: u64,
}

/// A weight from what a `weight` expression gave: a whole number of at
/// least one (a record that matched counts), else one.
fn weight_of(v: &Value) -> u64 {
    v.as_u64()
        .or_else(|| v.as_f64().map(|f| f as u64))
        .unwrap_or(1)
        .max(1)
}

/// The ledger's bounded, order-independent sample.
fn sample(set: &mut BTreeSet<String>, v: &str) {
    crate::trail::ledger::capped_insert(set, Some(v));
}

impl Tally {
    fn add(&mut self, record: &Value, who: (&str, &str), m: Match, standing: Option<Standing>) {
        let (actor, resource) = who;
        let text = |k: &str| record.get(k).and_then(Value::as_str).unwrap_or_default();
        let t = text("eventTime");
        if self.count == 0 || t < self.first.as_str() {
            self.first = t.to_string();
        }
        if self.count == 0 || t > self.last.as_str() {
            self.last = t.to_string();
        }
        self.count += m.weight;
        if let Some(s) = standing {
            self.standings.add(s, m.weight);
        }
        sample(&mut self.actors, actor);
        sample(&mut self.names, text("eventName"));
        sample(&mut self.ids, text("eventID"));
        sample(&mut self.resources, resource);
        sample(&mut self.regions, text("awsRegion"));
        sample(&mut self.ips, text("sourceIPAddress"));
        for e in m.evidence {
            sample(&mut self.evidence, &e);
        }
    }

    fn merge(&mut self, o: Tally) {
        if self.count == 0 || (!o.first.is_empty() && o.first < self.first) {
            self.first = o.first;
        }
        if o.last > self.last {
            self.last = o.last;
        }
        self.count += o.count;
        self.standings.merge(o.standings);
        for (mine, theirs) in [
            (&mut self.actors, o.actors),
            (&mut self.names, o.names),
            (&mut self.ids, o.ids),
            (&mut self.resources, o.resources),
            (&mut self.regions, o.regions),
            (&mut self.ips, o.ips),
            (&mut self.evidence, o.evidence),
        ] {
            for v in theirs {
                sample(mine, &v);
            }
        }
    }
}

/// Check index and key.
type Key = (usize, String);

/// At most this many "could not evaluate" errors are kept per check: the
/// first ones say what is wrong, the count says how often.
const ERRORS_KEPT: usize = 3;

#[derive(Default)]
struct Found {
    tallies: BTreeMap<Key, Tally>,
    /// Per check: the first errors, and how many in all.
    errors: BTreeMap<usize, (Vec<String>, u64)>,
}

impl Found {
    fn merge(&mut self, o: Found) {
        for (k, t) in o.tallies {
            self.tallies.entry(k).or_default().merge(t);
        }
        for (c, (msgs, n)) in o.errors {
            let e = self.errors.entry(c).or_default();
            e.1 += n;
            for m in msgs {
                if e.0.len() < ERRORS_KEPT {
                    e.0.push(m);
                }
            }
        }
    }
}

/// The event checks of a run, shared by every reading thread.
pub struct Runner {
    checks: Vec<Check>,
    account: String,
    cfg: ChecksConfig,
    /// Buckets the account's trails deliver to (`log_buckets` in expressions).
    log_buckets: Vec<String>,
    /// Checks by exact eventName; checks with a glob are tried on every
    /// name. Looked up once per record: a fast hasher (the names are
    /// CloudTrail's, and a collision only costs time).
    by_name: HashMap<String, Vec<usize>, foldhash::fast::FixedState>,
    by_glob: Vec<usize>,
    /// Set once a check ran past its budget: it is not run again.
    over: Vec<AtomicBool>,
    /// The `[[allow]]` rules, when some check respects them.
    policy: Option<Policy>,
    found: Mutex<Found>,
}

/// What the event checks of a run found.
#[derive(Debug, Default)]
pub struct Outcome {
    pub findings: Vec<Finding>,
    /// Checks that could not be evaluated on some record.
    pub errors: Vec<CheckError>,
    /// The `[[allow]]` rules that authorized some record behind a finding.
    pub rules_used: BTreeSet<String>,
}

impl Runner {
    /// `None` when the run has no enabled event check.
    pub fn new(
        checks: &[Check],
        account: &str,
        cfg: &ChecksConfig,
        log_buckets: Vec<String>,
        policy: Policy,
    ) -> Option<Runner> {
        let checks: Vec<Check> = checks
            .iter()
            .filter(|c| c.target == Target::Event && !cfg.disable.contains(&c.id))
            .cloned()
            .collect();
        if checks.is_empty() {
            return None;
        }
        let mut by_name: HashMap<String, Vec<usize>, foldhash::fast::FixedState> =
            HashMap::default();
        let mut by_glob = Vec::new();
        for (i, c) in checks.iter().enumerate() {
            let on = c.on.as_ref().expect("event checks have a filter");
            for n in &on.exact {
                by_name.entry(n.clone()).or_default().push(i);
            }
            if !on.globs.is_empty() {
                by_glob.push(i);
            }
        }
        let respected = checks.iter().any(|c| {
            c.on.as_ref()
                .is_some_and(|o| o.policy == PolicyUse::Respect)
        });
        Some(Runner {
            over: checks.iter().map(|_| AtomicBool::new(false)).collect(),
            policy: respected.then_some(policy),
            checks,
            account: account.to_string(),
            cfg: cfg.clone(),
            log_buckets,
            by_name,
            by_glob,
            found: Mutex::new(Found::default()),
        })
    }

    /// Checks that may want calls of this name to this service.
    fn for_call(&self, name: &str, source: &str) -> Vec<usize> {
        let exact = self.by_name.get(name).map(Vec::as_slice).unwrap_or(&[]);
        exact
            .iter()
            .chain(self.by_glob.iter())
            .copied()
            .filter(|&i| {
                self.checks[i]
                    .on
                    .as_ref()
                    .expect("event check")
                    .wants_call(name, source)
            })
            .collect()
    }

    /// Findings for every key that reached its check's threshold, judged
    /// against the policy with both states, and the checks that could not
    /// be evaluated on some record.
    pub fn finish(&self, baseline: &Snapshot, current: &Snapshot) -> Outcome {
        let found = std::mem::take(&mut *self.found.lock().unwrap_or_else(|p| p.into_inner()));
        let mut findings = Vec::new();
        let mut rules_used = BTreeSet::new();
        for ((i, key), t) in found.tallies {
            let check = &self.checks[i];
            let on = check.on.as_ref().expect("event check");
            if t.count < on.threshold {
                continue;
            }
            let verdict = match (&self.policy, on.policy) {
                (Some(p), PolicyUse::Respect) => Some(t.standings.verdict(p, baseline, current)),
                _ => None,
            };
            if let Some(v) = &verdict {
                rules_used.extend(v.rules.iter().cloned());
            }
            findings.push(finding(check, &self.account, &key, t, verdict));
        }
        let errors = found
            .errors
            .into_iter()
            .map(|(i, (msgs, n))| CheckError {
                check: self.checks[i].id.clone(),
                resource: "CloudTrail records".into(),
                message: format!("{n} record(s) could not be evaluated: {}", msgs.join("; ")),
            })
            .collect();
        findings.sort_by(|a, b| (&a.check, &a.resource.id).cmp(&(&b.check, &b.resource.id)));
        Outcome {
            findings,
            errors,
            rules_used,
        }
    }
}

fn finding(check: &Check, account: &str, key: &str, t: Tally, verdict: Option<Verdict>) -> Finding {
    let (authorized_by, notes) = match verdict {
        Some(v) => judged(&v, t.count),
        None => (vec![], vec![]),
    };
    let region = t.regions.iter().next().cloned().unwrap_or_default();
    let ev = EventEvidence {
        count: t.count,
        first: t.first,
        last: t.last,
        actors: t.actors.into_iter().collect(),
        event_names: t.names.into_iter().collect(),
        event_ids: t.ids.into_iter().collect(),
        resources: t.resources.into_iter().collect(),
        regions: t.regions.into_iter().collect(),
        source_ips: t.ips.into_iter().collect(),
    };
    let evidence: Vec<String> = t.evidence.into_iter().collect();
    let message = render(&check.message, key, &ev, &evidence);
    let id = format!("event/{key}");
    Finding {
        id: super::finding_id(account, &check.id, &id),
        check: check.id.clone(),
        title: check.title.clone(),
        severity: check.severity,
        risk: check.risk,
        resource: crate::diff::ResourceRef {
            id,
            kind: "cloudtrail.event".into(),
            region,
            native_id: key.to_string(),
            arn: None,
        },
        message,
        evidence,
        suppressed: None,
        authorized_by,
        notes,
        locations: vec![],
        events: Some(ev),
        status: None,
    }
}

/// The rules that authorized every record, or notes saying how many they
/// did not.
fn judged(v: &Verdict, count: u64) -> (Vec<String>, Vec<String>) {
    if v.authorized >= count && v.unjudged == 0 {
        return (v.rules.iter().cloned().collect(), vec![]);
    }
    let mut notes = Vec::new();
    if v.authorized > 0 {
        notes.push(format!(
            "[[allow]] rule {} authorizes {} of the {count} counted; no rule authorizes the rest",
            v.rules.iter().cloned().collect::<Vec<_>>().join(", "),
            v.authorized
        ));
    }
    if v.unjudged > 0 {
        notes.push(format!(
            "{} of the {count} counted were not judged against the [[allow]] rules: more than {} distinct resources had their tags asked about",
            v.unjudged,
            crate::attribution::standing::KEPT
        ));
    }
    (vec![], notes)
}

/// The message template: `{actor}`, `{time}` (the last), `{first}`,
/// `{count}`, `{event}` (names), `{resource}`, `{key}`, `{region}`,
/// `{evidence}`.
fn render(template: &str, key: &str, ev: &EventEvidence, evidence: &[String]) -> String {
    template
        .replace("{actor}", &ev.actors.join(", "))
        .replace("{resource}", &ev.resources.join(", "))
        .replace("{time}", &ev.last)
        .replace("{first}", &ev.first)
        .replace("{count}", &ev.count.to_string())
        .replace("{event}", &ev.event_names.join(", "))
        .replace("{key}", key)
        .replace("{region}", &ev.regions.join(", "))
        .replace("{evidence}", &evidence.join("; "))
}

impl EventVisitors for Runner {
    fn visitor(&self) -> Box<dyn EventVisitor + '_> {
        Box::new(Visitor {
            runner: self,
            ctx: None,
            found: Found::default(),
            calls: HashMap::default(),
            addresses: Addresses::default(),
        })
    }
}

/// One file's evaluation: its own CEL context, built at the first wanted
/// record, and its own tallies, merged when the file is done.
struct Visitor<'r> {
    runner: &'r Runner,
    ctx: Option<cel::Context<'static, 'static>>,
    found: Found,
    /// [`Runner::for_call`] by event name, then service: a file holds a
    /// few dozen distinct calls, and their names decide most of the filter.
    calls: HashMap<String, Vec<(String, Vec<usize>)>, foldhash::fast::FixedState>,
    addresses: Addresses,
}

impl Visitor<'_> {
    /// The checks that want this record.
    fn candidates(&mut self, h: &Head<'_>) -> Vec<usize> {
        let Visitor {
            runner: r,
            calls,
            addresses,
            ..
        } = self;
        if !calls.contains_key(h.name) {
            calls.insert(h.name.to_string(), Vec::new());
        }
        let by_source = calls.get_mut(h.name).expect("inserted");
        let i = match by_source.iter().position(|(s, _)| s == h.source) {
            Some(i) => i,
            None => {
                by_source.push((h.source.to_string(), r.for_call(h.name, h.source)));
                by_source.len() - 1
            }
        };
        let mut known = None;
        let mut address = || *known.get_or_insert_with(|| addresses.of(h.source_ip));
        by_source[i]
            .1
            .iter()
            .copied()
            .filter(|&i| {
                let on = r.checks[i].on.as_ref().expect("event check");
                on.wants(h, &mut address) && !r.over[i].load(Ordering::Relaxed)
            })
            .collect()
    }
}

/// A context with what every event check may use: the shared functions,
/// `config` and `account`.
fn root_context(r: &Runner) -> cel::Context<'static, 'static> {
    let mut root = cel::Context::with_env(super::cel_env());
    super::functions::add_common_functions(&mut root, &r.account, &r.cfg);
    let cfg = serde_json::to_value(&r.cfg).expect("config serializes");
    let _ = root.add_variable("config", cfg);
    let _ = root.add_variable("account", Value::String(r.account.clone()));
    let _ = root.add_variable("log_buckets", r.log_buckets.clone());
    root
}

/// The buckets the trails of these states deliver logs to.
pub fn log_buckets(states: &[&crate::model::Snapshot]) -> Vec<String> {
    let mut out: BTreeSet<String> = BTreeSet::new();
    for s in states {
        for t in s.of_kind(crate::kinds::CLOUDTRAIL_TRAIL) {
            if let Some(b) = t.attrs.get("s3_bucket").and_then(Value::as_str) {
                out.insert(b.to_string());
            }
        }
    }
    out.into_iter().collect()
}

fn note_error(found: &mut Found, check: usize, msg: String) {
    let e = found.errors.entry(check).or_default();
    e.1 += 1;
    if e.0.len() < ERRORS_KEPT {
        e.0.push(msg);
    }
}

/// Evaluates one program on a bound record.
fn run(
    program: &cel::parser::Expression,
    scope: &cel::Context<'_, '_>,
    budget: std::time::Duration,
) -> Result<Value, String> {
    super::budget::start(budget);
    let v = cel::Value::resolve(program, scope).map_err(|e| {
        if super::budget::exhausted() {
            "ran past its time budget ([checks] time_budget_ms)".to_string()
        } else {
            e.to_string()
        }
    })?;
    v.json().map_err(|e| format!("result is not JSON: {e:?}"))
}

/// Whether the expression's answer is a match, with its evidence.
fn verdict(v: Value) -> Result<Option<Vec<String>>, String> {
    match v {
        Value::Bool(true) => Ok(Some(vec![])),
        Value::Bool(false) | Value::Null => Ok(None),
        Value::Array(a) if a.is_empty() => Ok(None),
        Value::Array(a) => Ok(Some(a.iter().map(crate::diff::short_value).collect())),
        other => Err(format!(
            "expression returned {other}, expected a bool or a list"
        )),
    }
}

/// How a record stands against the policy. A record that is not a call
/// (a service event) or cannot be read as one no rule authorizes.
fn standing_of(policy: &Policy, record: &Value, actor: &Actor, named: &str) -> Standing {
    // Most records no rule allows whatever they touch: the call alone is
    // asked first, its resources (the costly part to read) only if needed.
    let Some(mut call) = crate::trail::call_by(record, actor.clone()) else {
        return Standing::default();
    };
    if !policy.judging_writes().any(|r| r.allows_caller(&call)) {
        return Standing::default();
    }
    crate::trail::add_effects(record, &mut call);
    Standing::of(policy, &call, named)
}

/// What a record names: an ARN from `resources[]` or a name from the request.
fn named(record: &Value) -> String {
    crate::trail::ledger::named_resource(
        record.get("requestParameters").unwrap_or(&Value::Null),
        record.get("resources").unwrap_or(&Value::Null),
    )
}

/// The default key: what the record names, and who.
fn subject(named: &str, actor: &str) -> String {
    if named.is_empty() {
        actor.to_string()
    } else {
        format!("{named} by {actor}")
    }
}

/// The part of a record an expression reads: converting a whole record for
/// CEL (identity, request, response) costs more than reading it did, and
/// a check that asks for `userIdentity.invokedBy` needs that leaf alone.
fn bound(record: &Value, reads: Option<&BTreeSet<String>>) -> Value {
    match (reads, record) {
        (Some(paths), Value::Object(_)) => {
            let mut out = Value::Object(serde_json::Map::new());
            for p in paths {
                copy_path(record, &mut out, p);
            }
            out
        }
        _ => record.clone(),
    }
}

/// Copies the value at a dotted path of `src` into `dst`, with the maps on
/// the way. A list on the way is copied whole: its indexes must not move.
/// Copying a path and a longer one below it gives the shorter one's value.
fn copy_path(src: &Value, dst: &mut Value, path: &str) {
    let segs: Vec<&str> = path.split('.').collect();
    let (mut s, mut d) = (src, dst);
    for (i, seg) in segs.iter().enumerate() {
        let (Value::Object(sm), Value::Object(dm)) = (s, d) else {
            return;
        };
        let Some(next) = sm.get(*seg) else {
            return;
        };
        if i + 1 == segs.len() || !next.is_object() {
            dm.insert(seg.to_string(), next.clone());
            return;
        }
        d = dm
            .entry(seg.to_string())
            .or_insert_with(|| Value::Object(serde_json::Map::new()));
        s = next;
    }
}

/// A key from what a `group_by` gave: a record that lacks the field still
/// counts, under "(no key)".
fn key_of(v: Value) -> String {
    match v {
        Value::String(s) => s,
        Value::Null => "(no key)".to_string(),
        other => crate::diff::short_value(&other),
    }
}

impl Visitor<'_> {
    /// One check on one record: the key and evidence of a match.
    fn judge(
        &mut self,
        i: usize,
        record: &Value,
        subject: &dyn Fn() -> String,
    ) -> Result<Option<Match>, String> {
        let r = self.runner;
        let check = &r.checks[i];
        let on = check.on.as_ref().expect("event check");
        let budget = std::time::Duration::from_millis(r.cfg.time_budget_ms);
        let answer = on.fast.as_ref().and_then(|f| f.run(record));
        if answer
            .as_ref()
            .is_some_and(|a| verdict(a.clone()).is_ok_and(|v| v.is_none()))
        {
            return Ok(None);
        }
        let key = on.group_fast.as_ref().and_then(|f| f.run(record));
        let needs_cel = answer.is_none()
            || (on.group_program.is_some() && key.is_none())
            || on.weight.is_some();
        if needs_cel && self.ctx.is_none() {
            self.ctx = Some(root_context(r));
        }
        let scope = match (needs_cel, &self.ctx) {
            (true, Some(ctx)) => {
                let mut scope = ctx.new_inner_scope();
                scope
                    .add_variable("event", bound(record, on.reads.as_ref()))
                    .map_err(|e| format!("cannot bind the record: {e}"))?;
                Some(scope)
            }
            _ => None,
        };
        let answer = match (answer, &scope) {
            (Some(a), _) => a,
            (None, Some(scope)) => run(&check.program, scope, budget)?,
            (None, None) => unreachable!("a CEL scope was built"),
        };
        let Some(evidence) = verdict(answer)? else {
            return Ok(None);
        };
        let key = match (key, &on.group_program, &scope) {
            (Some(k), _, _) => key_of(k),
            (None, Some(p), Some(scope)) => key_of(run(p, scope, budget)?),
            _ => subject(),
        };
        let weight = match (&on.weight, &scope) {
            (Some((_, p)), Some(scope)) => weight_of(&run(p, scope, budget)?),
            _ => 1,
        };
        Ok(Some(Match {
            key,
            evidence,
            weight,
        }))
    }
}

impl EventVisitor for Visitor<'_> {
    fn visit(&mut self, head: &Head<'_>, record: &dyn Fn() -> Value) {
        let r = self.runner;
        let wanted = self.candidates(head);
        if wanted.is_empty() {
            return;
        }
        let record = record();
        let text = |k: &str| record.get(k).and_then(Value::as_str).unwrap_or_default();
        let caller = crate::trail::actor(record.get("userIdentity").unwrap_or(&Value::Null));
        let actor = caller.display();
        let resource = named(&record);
        let id = text("eventID").to_string();
        let mut standing: Option<Standing> = None;
        for i in wanted {
            match self.judge(i, &record, &|| subject(&resource, &actor)) {
                Ok(None) => {}
                Ok(Some(m)) => {
                    let respects =
                        r.checks[i].on.as_ref().map(|o| o.policy) == Some(PolicyUse::Respect);
                    let s = match (&r.policy, respects) {
                        (Some(p), true) => Some(
                            standing
                                .get_or_insert_with(|| standing_of(p, &record, &caller, &resource))
                                .clone(),
                        ),
                        _ => None,
                    };
                    self.found
                        .tallies
                        .entry((i, m.key.clone()))
                        .or_default()
                        .add(&record, (&actor, &resource), m, s)
                }
                Err(m) => {
                    if m.contains("time budget") {
                        r.over[i].store(true, Ordering::Relaxed);
                    }
                    note_error(&mut self.found, i, format!("event {id}: {m}"));
                }
            }
        }
    }

    fn finish(self: Box<Self>) {
        let mut found = self.runner.found.lock().unwrap_or_else(|p| p.into_inner());
        found.merge(self.found);
    }
}

#[cfg(test)]
mod bound_tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_the_paths_read_are_bound_and_lists_stay_whole() {
        let record = json!({
            "eventName": "X",
            "userIdentity": {"arn": "a", "invokedBy": "s", "sessionContext": {"x": 1}},
            "resources": [{"ARN": "r0"}, {"ARN": "r1"}],
            "requestParameters": {"big": [1, 2, 3]},
        });
        let reads: BTreeSet<String> = [
            "userIdentity.invokedBy",
            "resources.1.ARN",
            "eventName",
            "missing.path",
        ]
        .map(String::from)
        .into();
        assert_eq!(
            bound(&record, Some(&reads)),
            json!({"eventName": "X", "userIdentity": {"invokedBy": "s"},
                   "resources": [{"ARN": "r0"}, {"ARN": "r1"}]})
        );
        let whole: BTreeSet<String> = ["userIdentity", "userIdentity.arn"]
            .map(String::from)
            .into();
        assert_eq!(
            bound(&record, Some(&whole))["userIdentity"],
            record["userIdentity"]
        );
    }
}

#[cfg(test)]
mod fast_tests {
    use super::*;

    /// Every event fixture record, as the reader hands records to checks.
    fn fixture_records() -> Vec<Value> {
        let dir = crate::test_root().join("tests/fixtures/checks");
        let mut out = Vec::new();
        for f in std::fs::read_dir(dir).unwrap() {
            let v: Value =
                serde_json::from_str(&std::fs::read_to_string(f.unwrap().path()).unwrap()).unwrap();
            for side in ["fire", "quiet"] {
                for case in v[side].as_array().into_iter().flatten() {
                    out.extend(case["records"].as_array().into_iter().flatten().cloned());
                }
            }
        }
        out
    }

    /// Where a program answers without CEL, CEL gives the same answer: on
    /// every built-in event check and every event fixture record.
    #[test]
    fn fast_programs_answer_as_cel_does() {
        let checks = crate::checks::registry(&[]).unwrap();
        let runner = Runner::new(
            &checks,
            "111122223333",
            &ChecksConfig::default(),
            vec![],
            Policy::new(&[], true).unwrap(),
        )
        .unwrap();
        let ctx = root_context(&runner);
        let budget = std::time::Duration::from_secs(5);
        let records = fixture_records();
        assert!(records.len() > 100, "{}", records.len());
        let (mut compiled, mut answered) = (0, 0);
        for check in runner.checks.iter() {
            let Some(on) = &check.on else { continue };
            let programs = [
                (on.fast.as_ref(), Some(&*check.program)),
                (on.group_fast.as_ref(), on.group_program.as_deref()),
            ];
            for (fast, program) in programs {
                let (Some(fast), Some(program)) = (fast, program) else {
                    continue;
                };
                compiled += 1;
                for record in &records {
                    let Some(got) = fast.run(record) else {
                        continue;
                    };
                    answered += 1;
                    let mut scope = ctx.new_inner_scope();
                    scope.add_variable("event", record.clone()).unwrap();
                    let cel = crate::checks::on_big_stack(|| run(program, &scope, budget));
                    assert_eq!(Ok(got), cel, "{} on {}", check.id, record["eventID"]);
                }
            }
        }
        // Most event checks need no CEL: if this drops, a shape stopped
        // compiling and every record of those checks pays for CEL again.
        assert!(compiled >= 40, "{compiled} programs compiled");
        eprintln!("{compiled} programs compiled, {answered} answers compared");
        assert!(answered > 10_000, "{answered} answers compared");
    }
}
