//! Evaluation: every check over every resource of its kinds, in one CEL
//! context per run (index, config and functions added once; the resource in
//! an inner scope).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::functions::{add_functions, Lookups};
use super::location::Evidence;
use super::{index, Check, ChecksConfig, Finding};
use crate::diff::ResourceRef;
use crate::model::{Resource, Snapshot};

/// A check that failed to evaluate on one resource: reported, never fatal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckError {
    pub check: String,
    pub resource: String,
    pub message: String,
}

/// The `resource` variable. Fields whose value could not be read, at any
/// depth, are taken out of `attrs` (so `has()` is false for them and checks
/// stay quiet rather than guess) and listed in `unknown` by dotted path.
fn resource_value(r: &Resource, tree: &Value) -> Box<dyn cel::common::value::Val> {
    use super::celval::{map, string, to_val};
    let unknown: Vec<String> = crate::model::unknown_paths(tree)
        .into_iter()
        .map(|(path, _)| path)
        .collect();
    // Copied only when something must be taken out: converting the
    // resource for CEL is most of a check's cost already.
    let attrs = if unknown.is_empty() {
        to_val(tree)
    } else {
        let mut attrs = tree.clone();
        unknown.iter().for_each(|p| remove_path(&mut attrs, p));
        to_val(&attrs)
    };
    map(vec![
        ("id", string(&r.id())),
        ("kind", string(&r.kind)),
        ("region", string(&r.region)),
        ("native_id", string(&r.native_id)),
        (
            "arn",
            r.arn.as_deref().map_or_else(super::celval::null, string),
        ),
        ("attrs", attrs),
        (
            "unknown",
            super::celval::list(unknown.iter().map(|u| string(u)).collect()),
        ),
    ])
}

/// Removes the field at a dotted path (object keys; array indexes are
/// never unknown markers' parents in practice, and are left in place).
fn remove_path(v: &mut Value, path: &str) {
    let (parent, last) = match path.rsplit_once('.') {
        Some((p, l)) => (Some(p), l),
        None => (None, path),
    };
    let mut cur = v;
    for k in parent.into_iter().flat_map(|p| p.split('.')) {
        match cur.get_mut(k) {
            Some(next) => cur = next,
            None => return,
        }
    }
    if let Value::Object(m) = cur {
        m.remove(last);
    }
}

fn render_message(template: &str, r: &Resource, evidence: &[String]) -> String {
    template
        .replace("{id}", &r.id())
        .replace("{name}", &r.native_id)
        .replace("{region}", &r.region)
        .replace("{kind}", &r.kind)
        .replace("{evidence}", &evidence.join("; "))
}

/// A finding's stable id: account, check and resource, so suppressions and
/// triage notes survive re-runs and two accounts never share an id.
pub fn finding_id(account: &str, check: &str, resource: &str) -> String {
    let d = Sha256::digest(format!("{account}\0{check}\0{resource}").as_bytes());
    format!("f-{}", &crate::diff::hex(&d)[..12])
}

/// Why a check has no answer for a resource.
#[derive(Debug, Clone)]
enum Unanswered {
    /// The expression failed: a missing value, a type error, an unread
    /// prefix list.
    Failed(String),
    /// It ran past `[checks] time_budget_ms`.
    OverBudget,
}

/// A resource bound for its checks: `resource` and `docs`, converted once
/// and shared by every check of its kind (the conversion is most of a
/// check's cost).
fn bind<'a>(
    root: &'a cel::Context<'_, '_>,
    r: &Resource,
    iam: &index::IamDocs,
) -> cel::Context<'a, 'a> {
    let mut scope = root.new_inner_scope();
    // Parsed for this binding alone when read from a file: 100k trees kept
    // after the checks would be most of a large scan's memory.
    let tree = r.attrs.read();
    scope.add_variable_as_val("resource", resource_value(r, &tree));
    let docs = index::docs(&r.kind, &r.native_id, r.arn.as_deref(), &tree, iam);
    scope.add_variable_as_val("docs", super::celval::to_val(&docs));
    scope
}

/// One check on a bound resource: its evidence when it fails, `None` when
/// it passes, or why it could not be evaluated.
fn answer(
    check: &Check,
    scope: &cel::Context<'_, '_>,
    budget: std::time::Duration,
) -> Result<Option<Evidence>, Unanswered> {
    super::budget::start(budget);
    let result = cel::Value::resolve(&check.program, scope).map_err(|e| {
        if super::budget::exhausted() {
            Unanswered::OverBudget
        } else {
            Unanswered::Failed(e.to_string())
        }
    })?;
    match result.json() {
        Ok(Value::Bool(true)) => Ok(Some(Evidence::default())),
        Ok(Value::Bool(false)) | Ok(Value::Null) => Ok(None),
        Ok(Value::Array(a)) if a.is_empty() => Ok(None),
        Ok(Value::Array(a)) => Ok(Some(Evidence::of(&a))),
        Ok(other) => Err(Unanswered::Failed(format!(
            "expression returned {other}, expected a bool or a list"
        ))),
        Err(e) => Err(Unanswered::Failed(format!(
            "expression result is not JSON: {e:?}"
        ))),
    }
}

/// Runs every check over the snapshot. Findings are sorted by check, then
/// resource.
/// Findings and errors as the evaluation goes. Past its time budget on one
/// resource, a check is not run on the rest: each would likely cost the
/// whole budget again, and the run would hang on a bad user check.
#[derive(Default)]
struct Outcomes<'c> {
    findings: Vec<Finding>,
    errors: Vec<CheckError>,
    /// Check id → the resource it ran past its budget on.
    over: HashMap<&'c str, String>,
}

impl<'c> Outcomes<'c> {
    fn skipped(&self, check: &Check) -> Option<Unanswered> {
        self.over.get(check.id.as_str()).map(|first| {
            Unanswered::Failed(format!(
                "not run: the check ran past its time budget on {first}"
            ))
        })
    }

    fn record(
        &mut self,
        account: &str,
        check: &'c Check,
        r: &Resource,
        result: Result<Option<Evidence>, Unanswered>,
    ) {
        let message = match result {
            Ok(None) => return,
            Ok(Some(Evidence { texts, locations })) => {
                self.findings.push(Finding {
                    id: finding_id(account, &check.id, &r.id()),
                    check: check.id.clone(),
                    title: check.title.clone(),
                    severity: check.severity,
                    risk: check.risk,
                    resource: ResourceRef::of(r),
                    message: render_message(&check.message, r, &texts),
                    evidence: texts,
                    suppressed: None,
                    authorized_by: vec![],
                    notes: vec![],
                    locations,
                    events: None,
                    status: None,
                });
                return;
            }
            Err(Unanswered::Failed(m)) => m,
            Err(Unanswered::OverBudget) => {
                self.over.insert(&check.id, r.id());
                "ran past its time budget ([checks] time_budget_ms)".to_string()
            }
        };
        self.errors.push(CheckError {
            check: check.id.clone(),
            resource: r.id(),
            message,
        });
    }
}

pub fn evaluate(
    checks: &[Check],
    snap: &Snapshot,
    cfg: &ChecksConfig,
    now: jiff::Timestamp,
) -> (Vec<Finding>, Vec<CheckError>) {
    evaluate_here(checks, snap, cfg, now)
}

/// What every evaluating thread shares, built once.
struct Shared<'a> {
    lookups: Lookups,
    snap: &'a Snapshot,
    cfg: &'a ChecksConfig,
    now: jiff::Timestamp,
    idx: Value,
    iam: index::IamDocs,
    by_kind: HashMap<&'a str, Vec<&'a Check>>,
}

/// Resources are shared out over the machine's cores (interleaved, so
/// each thread gets every kind), each thread with its own CEL context on a
/// big stack; findings are sorted by check and resource, errors by
/// resource and check, so the result does not depend on the split.
fn evaluate_here(
    checks: &[Check],
    snap: &Snapshot,
    cfg: &ChecksConfig,
    now: jiff::Timestamp,
) -> (Vec<Finding>, Vec<CheckError>) {
    let mut by_kind: HashMap<&str, Vec<&Check>> = HashMap::new();
    for c in checks.iter().filter(|c| !cfg.disable.contains(&c.id)) {
        for k in &c.kinds {
            by_kind.entry(k.as_str()).or_default().push(c);
        }
    }
    let enabled: Vec<&Check> = by_kind.values().flatten().copied().collect();
    let (lookups, iam, idx) = Lookups::of(snap, &enabled);
    let shared = Shared {
        lookups,
        snap,
        cfg,
        now,
        idx,
        iam,
        by_kind,
    };
    let resources: Vec<&Resource> = snap
        .resources
        .values()
        .filter(|r| shared.by_kind.contains_key(r.kind.as_str()))
        .collect();
    // A part costs a CEL context (the index converted again): worth it
    // only for thousands of resources.
    let threads = crate::parallel::parts(resources.len(), 2000);
    let parts: Vec<Outcomes<'_>> = crate::parallel::install(|| {
        use rayon::prelude::*;
        (0..threads)
            .into_par_iter()
            .map(|t| {
                let mine = resources.iter().skip(t).step_by(threads).copied();
                run_part(&shared, mine, t == 0)
            })
            .collect()
    });
    let (mut findings, mut errors) = (Vec::new(), Vec::new());
    for p in parts {
        findings.extend(p.findings);
        errors.extend(p.errors);
    }
    findings.sort_by(|a, b| (&a.check, &a.resource.id).cmp(&(&b.check, &b.resource.id)));
    errors.sort_by(|a, b| (&a.resource, &a.check).cmp(&(&b.resource, &b.check)));
    (findings, errors)
}

/// The `index` with only the fields the checks read (found in their
/// compiled expressions), or every field when one reads `index` some other
/// way: each thread converts it into CEL values, which costs time in
/// proportion to its size.
pub(super) fn index_for(snap: &Snapshot, checks: &[&Check]) -> Value {
    let mut idx = index::build_index(snap);
    let read: Option<std::collections::BTreeSet<String>> = checks
        .iter()
        .map(|c| super::budget::fields_of(&c.program, "index"))
        .try_fold(
            Default::default(),
            |mut all: std::collections::BTreeSet<String>, f| {
                all.extend(f?);
                Some(all)
            },
        );
    if let (Some(read), Value::Object(m)) = (read, &mut idx) {
        m.retain(|k, _| read.contains(k));
    }
    idx
}

/// One thread's share: its own context, then each resource bound once and
/// judged by every check of its kind. The first thread reports context
/// errors (every thread would hit the same ones).
fn run_part<'c>(
    sh: &Shared<'c>,
    resources: impl Iterator<Item = &'c Resource>,
    report_context: bool,
) -> Outcomes<'c> {
    let mut root = cel::Context::with_env(super::cel_env());
    add_functions(&mut root, sh.snap, sh.cfg, &sh.lookups);
    let mut out = Outcomes::default();
    let cfg_value = serde_json::to_value(sh.cfg).expect("config serializes");
    for (name, v) in [
        ("index", sh.idx.clone()),
        ("config", cfg_value),
        ("account", Value::String(sh.snap.account.clone())),
        ("now", Value::String(sh.now.to_string())),
    ] {
        if let Err(e) = root.add_variable(name, v) {
            out.errors.extend(report_context.then(|| CheckError {
                check: "*".into(),
                resource: "*".into(),
                message: format!("cannot bind {name}: {e}"),
            }));
        }
    }
    let budget = std::time::Duration::from_millis(sh.cfg.time_budget_ms);
    for r in resources {
        let mine = &sh.by_kind[r.kind.as_str()];
        let scope = bind(&root, r, &sh.iam);
        for check in mine {
            let result = match out.skipped(check) {
                Some(skip) => Err(skip),
                None => answer(check, &scope, budget),
            };
            out.record(&sh.snap.account, check, r, result);
        }
    }
    out
}
