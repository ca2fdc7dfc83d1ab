//! Evaluation: every check over every resource of its kinds, in one CEL
//! context per run (index, config and functions added once; the resource in
//! an inner scope).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

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

/// True for addresses that are not meant to be reachable from the internet:
/// RFC 1918, RFC 4193 (fc00::/7), link-local, loopback, CGNAT, unspecified.
pub fn is_private_ip(s: &str) -> bool {
    match s.trim().parse::<IpAddr>() {
        Ok(IpAddr::V4(v)) => {
            let o = v.octets();
            v.is_private()
                || v.is_loopback()
                || v.is_link_local()
                || v.is_unspecified()
                || (o[0] == 100 && (64..128).contains(&o[1]))
        }
        Ok(IpAddr::V6(v)) => {
            let seg = v.segments()[0];
            v.is_loopback()
                || v.is_unspecified()
                || (seg & 0xfe00) == 0xfc00
                || (seg & 0xffc0) == 0xfe80
        }
        Err(_) => false,
    }
}

/// Globally routable unicast (what an A/AAAA record to the internet holds).
pub fn is_public_ip(s: &str) -> bool {
    match s.trim().parse::<IpAddr>() {
        Ok(IpAddr::V4(v)) => {
            !is_private_ip(s)
                && !v.is_multicast()
                && !v.is_broadcast()
                && !v.is_documentation()
                && v.octets()[0] < 240
        }
        Ok(IpAddr::V6(v)) => !is_private_ip(s) && !v.is_multicast(),
        Err(_) => false,
    }
}

/// Security-group rules from a JSON list (the `ingress`/`egress` lists).
fn to_rules(list: &Value) -> Result<Vec<crate::kinds::Rule>, String> {
    let items = list.as_array().ok_or("rules must be a list")?;
    items
        .iter()
        .map(|v| crate::kinds::Rule::deserialize(v).map_err(|e| e.to_string()))
        .collect()
}

fn from_rules(rules: Vec<&crate::kinds::Rule>) -> Result<Value, String> {
    serde_json::to_value(rules).map_err(|e| e.to_string())
}

/// The integers of a JSON list (port numbers).
fn json_ints(list: &Value) -> Vec<i64> {
    list.as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_i64)
        .collect()
}

fn clamp_prefix(p: i64) -> u8 {
    u8::try_from(p.clamp(0, 128)).unwrap_or(128)
}

/// A DNS name as compared: lowercase, without the trailing dot.
pub fn dns_name(s: &str) -> String {
    s.trim_end_matches('.').to_ascii_lowercase()
}

fn cidr_contains(cidr: &str, ip: &str) -> bool {
    match (
        cidr.trim().parse::<ipnet::IpNet>(),
        ip.trim().parse::<IpAddr>(),
    ) {
        (Ok(n), Ok(a)) => n.contains(&a),
        _ => false,
    }
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

/// Evidence as text: rules read as `tcp 22 0.0.0.0/0`, strings as themselves.
fn evidence_text(v: &Value) -> String {
    crate::diff::short_value(v)
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
    let docs = index::docs(&r.kind, &r.native_id, &tree, iam);
    scope.add_variable_as_val("docs", super::celval::to_val(&docs));
    scope
}

/// One check on a bound resource: its evidence when it fails, `None` when
/// it passes, or why it could not be evaluated.
fn answer(
    check: &Check,
    scope: &cel::Context<'_, '_>,
    budget: std::time::Duration,
) -> Result<Option<Vec<String>>, Unanswered> {
    super::budget::start(budget);
    let result = cel::Value::resolve(&check.program, scope).map_err(|e| {
        if super::budget::exhausted() {
            Unanswered::OverBudget
        } else {
            Unanswered::Failed(e.to_string())
        }
    })?;
    match result.json() {
        Ok(Value::Bool(true)) => Ok(Some(vec![])),
        Ok(Value::Bool(false)) | Ok(Value::Null) => Ok(None),
        Ok(Value::Array(a)) if a.is_empty() => Ok(None),
        Ok(Value::Array(a)) => Ok(Some(a.iter().map(evidence_text).collect())),
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
        result: Result<Option<Vec<String>>, Unanswered>,
    ) {
        let message = match result {
            Ok(None) => return,
            Ok(Some(mut evidence)) => {
                evidence.sort();
                evidence.dedup();
                self.findings.push(Finding {
                    id: finding_id(account, &check.id, &r.id()),
                    check: check.id.clone(),
                    title: check.title.clone(),
                    severity: check.severity,
                    risk: check.risk,
                    resource: ResourceRef::of(r),
                    message: render_message(&check.message, r, &evidence),
                    evidence,
                    suppressed: None,
                    notes: vec![],
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

/// The driftwatch functions check expressions may call. Names are chosen
/// not to collide with CEL's standard overloads. Functions that need the
/// snapshot or the config capture what they need here.
fn add_functions(root: &mut cel::Context<'_, '_>, sh: &Shared<'_>) {
    let (snap, cfg) = (sh.snap, sh.cfg);
    add_common_functions(root, &snap.account, cfg);
    add_rule_functions(root, &sh.lookups.lists);
    let _ = root.add_function("wide_public", |cidr: Arc<String>, v4: i64, v6: i64| {
        super::network::wide_public(&cidr, clamp_prefix(v4), clamp_prefix(v6))
    });
    let restricting = cfg.restricting_condition_keys.clone();
    let _ = root.add_function(
        "public_statements",
        json_function("public_statements", 1, move |a| {
            serde_json::to_value(super::policy::public_statements(&a[0], &restricting))
                .map_err(|e| e.to_string())
        }),
    );
    let targets = sh.lookups.targets.clone();
    let _ = root.add_function(
        "escalation_paths",
        json_function("escalation_paths", 1, move |a| {
            Ok(super::escalation::paths(&a[0], &targets).into())
        }),
    );
    let _ = root.add_function(
        "aws_principals",
        json_function("aws_principals", 1, |a| {
            Ok(super::policy::aws_principals(&a[0]).into())
        }),
    );
    let scanned = snap.regions.clone();
    let _ = root.add_function("aws_address", move |ip: Arc<String>| {
        aws_address(&ip, &scanned)
            .map(|r| cel::Value::String(Arc::new(r)))
            .map_err(|m| cel::ExecutionError::function_error("aws_address", m))
    });
    let account_block = sh.lookups.account_block.clone();
    let _ = root.add_function(
        "effective_public_access_block",
        one_field_function("public_access_block", move |field| {
            // A missing field was not read (unknown), not "all off".
            let bucket = field.map_or(
                Value::Null,
                |f| serde_json::json!({ "public_access_block": f }),
            );
            let side = super::public_access::bucket_side(&bucket);
            Ok(super::public_access::effective(&side, &account_block))
        }),
    );
    let (groups, lists) = (sh.lookups.groups.clone(), sh.lookups.lists.clone());
    let _ = root.add_function(
        "world_open_groups",
        json_function("world_open_groups", 3, move |a| {
            let region = a[0].as_str().ok_or("the region must be a string")?;
            let ids: Vec<String> = a[1]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect();
            super::network::world_open_groups(&groups, &lists, region, &ids, &json_ints(&a[2]))
                .map(Value::from)
        }),
    );
}

/// A CEL function of one map argument that reads a single field of it:
/// `f` gets that field as JSON (null when missing), and the rest of the map
/// is never converted. A bucket's whole attrs (its policy, lifecycle rules)
/// cost more to convert for each call than the S3 checks themselves.
fn one_field_function<F>(field: &'static str, f: F) -> RawFunction
where
    F: Fn(Option<Value>) -> Result<Value, String> + Send + Sync + 'static,
{
    Box::new(move |ftx| {
        let key = cel::common::types::CelString::from(field);
        let value = ftx
            .args
            .first()
            .and_then(|m| m.as_indexer()?.get(&key).ok())
            .map(|v| super::celval::to_json(v.as_ref()).unwrap_or(Value::Null));
        let out = f(value).map_err(|e| ftx.error(e))?;
        Ok(cel::common::value::CowVal::Owned(super::celval::to_val(
            &out,
        )))
    })
}

/// cel's own type for a function that reads its arguments as they are.
type RawFunction = Box<
    dyn for<'c, 'k> Fn(
            &mut cel::FunctionContext<'c, 'k>,
        ) -> Result<cel::common::value::CowVal<'c, 'k>, cel::ExecutionError>
        + Send
        + Sync,
>;

/// The functions resource and event checks share: the budget tick, cached
/// regexes, address tests, and accounts outside the known ones.
pub(crate) fn add_common_functions(
    root: &mut cel::Context<'_, '_>,
    account: &str,
    cfg: &ChecksConfig,
) {
    let _ = root.add_function(super::budget::TICK, |v: cel::Value| {
        if super::budget::spent() {
            Err(cel::ExecutionError::function_error(
                "budget",
                "time budget spent",
            ))
        } else {
            Ok(v)
        }
    });
    let _ = root.add_function(super::budget::MATCHES, |s: Arc<String>, re: Arc<String>| {
        super::budget::matches(&s, &re)
            .map_err(|m| cel::ExecutionError::function_error("matches", m))
    });
    let _ = root.add_function("is_private_ip", |s: Arc<String>| is_private_ip(&s));
    let _ = root.add_function("is_public_ip", |s: Arc<String>| is_public_ip(&s));
    let _ = root.add_function("cidr_contains", |c: Arc<String>, ip: Arc<String>| {
        cidr_contains(&c, &ip)
    });
    let _ = root.add_function("dns_name", |s: Arc<String>| dns_name(&s));
    let _ = root.add_function("at", |v: cel::Value, path: Arc<String>| at(&v, &path));
    let (own, known) = (account.to_string(), cfg.known_accounts.clone());
    let _ = root.add_function("foreign_accounts", move |ids: Arc<Vec<cel::Value>>| {
        let ids = strings(&ids);
        string_list(super::accounts::foreign(
            ids.iter().map(String::as_str),
            &own,
            &known,
        ))
    });
}

/// `at(value, "a.b.0.c")`: the value at a dotted path of map keys and
/// list indexes, or null where the path leaves the data. CloudTrail records
/// leave out what they like; `has()` needs every level spelled out.
fn at(v: &cel::Value, path: &str) -> cel::Value {
    let mut cur = v;
    for seg in path.split('.').filter(|s| !s.is_empty()) {
        let next = match cur {
            cel::Value::Map(m) => m.get(&cel::objects::KeyRef::String(seg)),
            cel::Value::List(l) => seg.parse::<usize>().ok().and_then(|i| l.get(i)),
            _ => None,
        };
        match next {
            Some(n) => cur = n,
            None => return cel::Value::Null,
        }
    }
    cur.clone()
}

/// The functions over security-group rules. Each first expands rules that
/// name a customer-managed prefix list into the list's CIDRs, so a list
/// holding `0.0.0.0/0` opens the group as the CIDR itself would.
fn add_rule_functions(root: &mut cel::Context<'_, '_>, lists: &super::network::PrefixLists) {
    use super::network::{all_ports, world_open, world_open_ports, world_open_ranges};
    let expanded =
        |lists: super::network::PrefixLists| move |rules: &Value| lists.expand(&to_rules(rules)?);
    let rules = expanded(lists.clone());
    let _ = root.add_function(
        "expand_prefix_lists",
        json_function("expand_prefix_lists", 1, move |a| {
            from_rules(rules(&a[0])?.iter().collect())
        }),
    );
    let rules = expanded(lists.clone());
    let _ = root.add_function(
        "world_open_ports",
        json_function("world_open_ports", 2, move |a| {
            from_rules(world_open_ports(&rules(&a[0])?, &json_ints(&a[1])))
        }),
    );
    let rules = expanded(lists.clone());
    let _ = root.add_function(
        "world_open_all_ports",
        json_function("world_open_all_ports", 1, move |a| {
            from_rules(world_open(rules(&a[0])?.iter().filter(|r| all_ports(r))))
        }),
    );
    let rules = expanded(lists.clone());
    let _ = root.add_function(
        "world_open_ranges",
        json_function("world_open_ranges", 2, move |a| {
            let min_width = a[1].as_i64().ok_or("the width must be an integer")?;
            from_rules(world_open_ranges(&rules(&a[0])?, min_width))
        }),
    );
}

/// A CEL function over JSON: each argument converted once, straight from
/// CEL's values (cel's own extractors copy a map twice on the way), and
/// the result converted back the same way.
fn json_function<F>(name: &'static str, arity: usize, f: F) -> RawFunction
where
    F: Fn(&[Value]) -> Result<Value, String> + Send + Sync + 'static,
{
    Box::new(move |ftx| {
        if ftx.args.len() != arity {
            return Err(cel::ExecutionError::invalid_argument_count(
                arity,
                ftx.args.len(),
            ));
        }
        let args = ftx
            .args
            .iter()
            .map(|a| super::celval::to_json(a.as_ref()))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| ftx.error(format!("{name}: an argument has no JSON form")))?;
        let out = f(&args).map_err(|m| ftx.error(m))?;
        Ok(cel::common::value::CowVal::Owned(super::celval::to_val(
            &out,
        )))
    })
}

/// The region whose EC2 range holds `ip` when this run scanned it; `""`
/// for an address outside AWS's EC2 ranges; an error (the check could not
/// be evaluated) for one in a region the run did not scan, where the
/// account may well hold it.
fn aws_address(ip: &str, scanned: &[String]) -> Result<String, String> {
    let Ok(addr) = ip.trim().parse::<std::net::IpAddr>() else {
        return Ok(String::new());
    };
    match super::aws_ranges::ec2_region(addr) {
        None => Ok(String::new()),
        Some(r) if scanned.iter().any(|s| s == r) => Ok(r.to_string()),
        Some(r) => Err(format!(
            "{ip} is in AWS's EC2 range for {r}, which this run did not scan (add --region {r})"
        )),
    }
}

/// The strings of a CEL list (ids, names); anything else is skipped.
fn strings(list: &[cel::Value]) -> Vec<String> {
    list.iter()
        .filter_map(|v| match v {
            cel::Value::String(s) => Some(s.to_string()),
            _ => None,
        })
        .collect()
}

/// A CEL list of strings.
fn string_list(items: Vec<String>) -> cel::Value {
    cel::Value::List(Arc::new(
        items
            .into_iter()
            .map(|s| cel::Value::String(Arc::new(s)))
            .collect(),
    ))
}

/// What the functions look up across the snapshot, built once and shared
/// by every evaluating thread (each used to build its own).
struct Lookups {
    targets: Arc<super::escalation::Targets>,
    groups: Arc<super::network::Groups>,
    lists: super::network::PrefixLists,
    account_block: super::public_access::Side,
}

impl Lookups {
    /// The lookups, the IAM documents and the index, built at once: each
    /// reads every resource of its kinds, one thread each.
    fn of(snap: &Snapshot, checks: &[&Check]) -> (Self, index::IamDocs, Value) {
        let ((iam, targets), (groups, idx)) = crate::parallel::join(
            || {
                let iam = index::IamDocs::of(snap);
                let targets = super::escalation::Targets::of(snap, &iam);
                (iam, targets)
            },
            || {
                rayon::join(
                    || super::network::Groups::of(snap),
                    || index_for(snap, checks),
                )
            },
        );
        let lookups = Lookups {
            targets: Arc::new(targets),
            groups: Arc::new(groups),
            lists: super::network::PrefixLists::of(snap),
            account_block: super::public_access::account_side(snap),
        };
        (lookups, iam, idx)
    }
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
fn index_for(snap: &Snapshot, checks: &[&Check]) -> Value {
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
    add_functions(&mut root, sh);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ip_classes() {
        for p in [
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "fd00::1",
            "fe80::1",
            "100.64.0.1",
        ] {
            assert!(is_private_ip(p), "{p}");
            assert!(!is_public_ip(p), "{p}");
        }
        for p in ["54.1.2.3", "2600:1f18::1"] {
            assert!(is_public_ip(p), "{p}");
            assert!(!is_private_ip(p), "{p}");
        }
        assert!(!is_public_ip("not-an-ip"));
        assert!(cidr_contains("10.0.0.0/8", "10.9.9.9"));
        assert!(!cidr_contains("10.0.0.0/8", "11.0.0.1"));
    }
}
