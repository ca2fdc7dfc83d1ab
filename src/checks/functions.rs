//! The functions check expressions may call beyond CEL's own: the ones
//! resource and event checks share (the time budget's tick, cached regexes,
//! addresses and AWS's EC2 ranges, foreign accounts, `at`, policy documents
//! as written: `parse_json`, `public_statements`, `aws_principals`), those
//! over security-group rules
//! (prefix lists expanded), and those that judge policies and the snapshot
//! as a whole (public statements, escalation paths, world-open groups, the
//! effective Block Public Access), with the lookups they capture, built
//! once per run.

use std::sync::Arc;

use serde::Deserialize;
use serde_json::Value;

use super::ip::{cidr_contains, clamp_prefix, dns_name, is_private_ip, is_public_ip};
use super::{index, Check, ChecksConfig};
use crate::model::Snapshot;

/// The driftwatch functions check expressions may call. Names are chosen
/// not to collide with CEL's standard overloads. Functions that need the
/// snapshot or the config capture what they need here.
pub(super) fn add_functions(
    root: &mut cel::Context<'_, '_>,
    snap: &Snapshot,
    cfg: &ChecksConfig,
    lookups: &Lookups,
) {
    add_common_functions(root, &snap.account, cfg);
    add_rule_functions(root, &lookups.lists);
    let _ = root.add_function("wide_public", |cidr: Arc<String>, v4: i64, v6: i64| {
        super::network::wide_public(&cidr, clamp_prefix(v4), clamp_prefix(v6))
    });
    add_policy_functions(root, &snap.account, cfg, lookups);
    let scanned = snap.regions.clone();
    let _ = root.add_function("aws_address", move |ip: Arc<String>| {
        aws_address(&ip, &scanned)
            .map(|r| cel::Value::String(Arc::new(r)))
            .map_err(|m| cel::ExecutionError::function_error("aws_address", m))
    });
    let account_block = lookups.account_block.clone();
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
    let (groups, lists) = (lookups.groups.clone(), lookups.lists.clone());
    let _ = root.add_function(
        "world_open_groups",
        json_function("world_open_groups", 3..=3, move |a| {
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

/// The functions that judge policies. Those named `*_grants`,
/// `escalation_paths` and `policy_statements` return evidence items that
/// say where each finding comes from (`location.rs`); `public_statements`
/// and `aws_principals` return the statements and principals as written.
fn add_policy_functions(
    root: &mut cel::Context<'_, '_>,
    account: &str,
    cfg: &ChecksConfig,
    lookups: &Lookups,
) {
    let restricting = cfg.restricting_condition_keys.clone();
    let _ = root.add_function(
        "public_grants",
        json_function("public_grants", 2..=3, move |a| {
            let name = a[1].as_str().ok_or("the policy's name must be a string")?;
            let action = match a.get(2) {
                None => None,
                Some(v) => Some(v.as_str().ok_or("the action pattern must be a string")?),
            };
            super::policy::public_grants(&a[0], name, action, &restricting).map(Value::from)
        }),
    );
    let (own, known) = (account.to_string(), cfg.known_accounts.clone());
    let _ = root.add_function(
        "foreign_grants",
        json_function("foreign_grants", 2..=2, move |a| {
            let name = a[1].as_str().ok_or("the policy's name must be a string")?;
            Ok(super::policy::foreign_grants(&a[0], name, &own, &known).into())
        }),
    );
    let targets = lookups.targets.clone();
    let _ = root.add_function(
        "escalation_paths",
        json_function("escalation_paths", 1..=1, move |a| {
            let opened = super::escalation::paths(&a[0], &targets);
            Ok(opened
                .iter()
                .map(|o| o.evidence())
                .collect::<Vec<_>>()
                .into())
        }),
    );
    let _ = root.add_function(
        "policy_statements",
        json_function("policy_statements", 1..=1, |a| {
            Ok(super::location::policy_statements(&a[0]).into())
        }),
    );
    let _ = root.add_function(
        "with_clause",
        json_function("with_clause", 2..=2, |a| {
            let mut item = a[0].clone();
            match &mut item {
                Value::Object(m) if a[1].is_object() => {
                    m.insert("clause".into(), a[1].clone());
                    Ok(item)
                }
                _ => Err("with_clause takes an evidence item and a clause map".into()),
            }
        }),
    );
}

/// The functions over a policy document as written, which event checks
/// use too (a record carries the document a call set, as JSON text:
/// `parse_json` reads it).
fn add_policy_text_functions(root: &mut cel::Context<'_, '_>, cfg: &ChecksConfig) {
    let restricting = cfg.restricting_condition_keys.clone();
    let _ = root.add_function(
        "public_statements",
        json_function("public_statements", 1..=1, move |a| {
            serde_json::to_value(super::policy::public_statements(&a[0], &restricting))
                .map_err(|e| e.to_string())
        }),
    );
    let _ = root.add_function(
        "aws_principals",
        json_function("aws_principals", 1..=1, |a| {
            Ok(super::policy::aws_principals(&a[0]).into())
        }),
    );
    let _ = root.add_function(
        "parse_json",
        json_function("parse_json", 1..=1, |a| match &a[0] {
            Value::String(s) => serde_json::from_str(s).map_err(|e| format!("not JSON: {e}")),
            Value::Null => Ok(Value::Null),
            other => Ok(other.clone()),
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
/// regexes, address tests (`aws_ec2_region`: the region of AWS's EC2 range
/// holding an address, or `""`), policy documents as written, and accounts
/// outside the known ones.
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
    let _ = root.add_function("aws_ec2_region", |ip: Arc<String>| {
        ip.trim()
            .parse::<std::net::IpAddr>()
            .ok()
            .and_then(super::aws_ranges::ec2_region)
            .unwrap_or("")
            .to_string()
    });
    add_policy_text_functions(root, cfg);
    let _ = root.add_function(
        "sigma_match",
        json_function("sigma_match", 4..=4, |a| {
            let pats = a[2].as_array().map(Vec::as_slice).unwrap_or_default();
            let all = a[3].as_bool().unwrap_or(false);
            super::sigma::sigma_match(&a[0], a[1].as_str().unwrap_or_default(), pats, all)
                .map(Value::Bool)
        }),
    );
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
        json_function("expand_prefix_lists", 1..=1, move |a| {
            from_rules(rules(&a[0])?.iter().collect())
        }),
    );
    let rules = expanded(lists.clone());
    let _ = root.add_function(
        "world_open_ports",
        json_function("world_open_ports", 2..=2, move |a| {
            from_rules(world_open_ports(&rules(&a[0])?, &json_ints(&a[1])))
        }),
    );
    let rules = expanded(lists.clone());
    let _ = root.add_function(
        "world_open_all_ports",
        json_function("world_open_all_ports", 1..=1, move |a| {
            from_rules(world_open(rules(&a[0])?.iter().filter(|r| all_ports(r))))
        }),
    );
    let rules = expanded(lists.clone());
    let _ = root.add_function(
        "world_open_ranges",
        json_function("world_open_ranges", 2..=2, move |a| {
            let min_width = a[1].as_i64().ok_or("the width must be an integer")?;
            from_rules(world_open_ranges(&rules(&a[0])?, min_width))
        }),
    );
}

/// A CEL function over JSON: each argument converted once, straight from
/// CEL's values (cel's own extractors copy a map twice on the way), and
/// the result converted back the same way.
fn json_function<F>(name: &'static str, arity: std::ops::RangeInclusive<usize>, f: F) -> RawFunction
where
    F: Fn(&[Value]) -> Result<Value, String> + Send + Sync + 'static,
{
    Box::new(move |ftx| {
        if !arity.contains(&ftx.args.len()) {
            return Err(cel::ExecutionError::invalid_argument_count(
                *arity.end(),
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
pub(super) struct Lookups {
    targets: Arc<super::escalation::Targets>,
    groups: Arc<super::network::Groups>,
    lists: super::network::PrefixLists,
    account_block: super::public_access::Side,
}

impl Lookups {
    /// The lookups, the IAM documents and the index, built at once: each
    /// reads every resource of its kinds, one thread each.
    pub(super) fn of(snap: &Snapshot, checks: &[&Check]) -> (Self, index::IamDocs, Value) {
        let ((iam, targets), (groups, idx)) = crate::parallel::join(
            || {
                let iam = index::IamDocs::of(snap);
                let targets = super::escalation::Targets::of(snap, &iam);
                (iam, targets)
            },
            || {
                rayon::join(
                    || super::network::Groups::of(snap),
                    || super::eval::index_for(snap, checks),
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
