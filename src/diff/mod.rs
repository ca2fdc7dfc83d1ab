//! Pure drift detection: two snapshots in, sorted field-level changes out.
//!
//! Every array inside a resource is a set (the collectors sort and de-dup
//! them), so arrays diff as sets: `ingress[+]` with the added rule,
//! `ingress[-]` with the removed one, never "element 3 changed". Objects diff
//! key by key with dotted paths; scalars report before and after.
//!
//! Resources in a service/region whose coverage is not complete in either
//! snapshot are never reported as added or removed: they were not compared,
//! and the result says so.

use std::collections::BTreeSet;

use globset::{GlobSet, GlobSetBuilder};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::model::{is_unknown_marker, CoverageStatus, Resource, Snapshot};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Added,
    Removed,
    Modified,
}

impl ChangeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Removed => "removed",
            ChangeKind::Modified => "modified",
        }
    }
}

/// The resource a change or finding is about.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ResourceRef {
    pub id: String,
    pub kind: String,
    pub region: String,
    pub native_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
}

impl ResourceRef {
    pub fn of(r: &Resource) -> Self {
        ResourceRef {
            id: r.id(),
            kind: r.kind.clone(),
            region: r.region.clone(),
            native_id: r.native_id.clone(),
            arn: r.arn.clone(),
        }
    }
}

/// One changed field. For set elements the path ends in `[+]` (added, only
/// `after`) or `[-]` (removed, only `before`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldChange {
    pub path: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

impl FieldChange {
    /// One-line human form, e.g. `ingress[+] tcp 22 0.0.0.0/0` or `state: running → stopped`.
    pub fn short(&self) -> String {
        if self.path.ends_with("[+]") || self.path.ends_with("[-]") {
            let v = self.after.as_ref().or(self.before.as_ref());
            return format!("{} {}", self.path, v.map(short_value).unwrap_or_default());
        }
        format!(
            "{}: {} → {}",
            self.path,
            self.before
                .as_ref()
                .map(short_value)
                .unwrap_or_else(|| "∅".into()),
            self.after
                .as_ref()
                .map(short_value)
                .unwrap_or_else(|| "∅".into())
        )
    }
}

/// Like [`short_value`], cut to `max` characters for tables and alerts.
pub fn short_value_max(v: &Value, max: usize) -> String {
    let s = short_value(v);
    if s.chars().count() <= max {
        s
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// Compact text for a value: security-group rules read as `tcp 22 0.0.0.0/0`.
pub fn short_value(v: &Value) -> String {
    if let Ok(rule) = serde_json::from_value::<crate::kinds::Rule>(v.clone()) {
        return rule.short();
    }
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// Stable: a hash of the resource id, the change kind, and each field's
    /// path and new value. Approvals refer to it.
    pub id: String,
    pub resource: ResourceRef,
    pub change: ChangeKind,
    pub fields: Vec<FieldChange>,
    /// For added and removed resources: what the resource is, in a few words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// A few words about a resource: `t3.small running ami-1`, `CNAME → x`.
pub fn describe(r: &Resource) -> Option<String> {
    crate::kinds::describe(r).map(|t| short_value_max(&Value::String(t), 160))
}

impl Change {
    /// What changed in a line, beside the resource and the change kind a
    /// report shows anyway: an added or removed resource's description, a
    /// modified one's fields.
    pub fn summary(&self) -> String {
        match self.change {
            ChangeKind::Added | ChangeKind::Removed => self.detail.clone().unwrap_or_default(),
            ChangeKind::Modified => {
                let mut parts: Vec<String> =
                    self.fields.iter().take(3).map(FieldChange::short).collect();
                if self.fields.len() > 3 {
                    parts.push(format!("and {} more", self.fields.len() - 3));
                }
                parts.join("; ")
            }
        }
    }

    /// The change as a sentence of its own: `iam.user svc-backup added: 1
    /// policy: break-glass-admin`.
    pub fn headline(&self) -> String {
        let r = &self.resource;
        let at = if r.region == crate::model::GLOBAL {
            String::new()
        } else {
            format!(" ({})", r.region)
        };
        let summary = self.summary();
        let sep = if summary.is_empty() { "" } else { ": " };
        format!(
            "{} {}{at} {}{sep}{summary}",
            r.kind,
            r.native_id,
            self.change.as_str()
        )
    }
}

/// Something that could not be compared, and why.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct NotCompared {
    /// `service/region`, or a resource id for a single unknown field.
    pub scope: String,
    pub reason: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DiffResult {
    pub changes: Vec<Change>,
    pub not_compared: Vec<NotCompared>,
}

/// Fields excluded from comparison, as `kind:path` globs (`*` matches any
/// run of characters, including dots), e.g. `ec2.instance:state`.
#[derive(Debug, Clone)]
pub struct DiffOptions {
    ignore: GlobSet,
    patterns: Vec<String>,
}

/// Fields that change on their own or merely echo another change.
pub const DEFAULT_IGNORE: &[&str] = &[
    // Counts that move whenever records or attachments (reported themselves) change.
    "route53.zone:record_count",
    "iam.policy:attachment_count",
    // Restarting an instance moves its launch time; the state change is the signal.
    "ec2.instance:launch_time",
    // Every sign-in and key use moves these (checks still read them).
    "iam.user:credentials.*last_used*",
    "iam.account_summary:root_credentials.*last_used*",
];

impl Default for DiffOptions {
    fn default() -> Self {
        DiffOptions::new(DEFAULT_IGNORE.iter().map(|s| s.to_string()).collect())
            .expect("default ignore patterns are valid")
    }
}

impl DiffOptions {
    pub fn new(patterns: Vec<String>) -> Result<Self, String> {
        let mut b = GlobSetBuilder::new();
        for p in &patterns {
            if !p.contains(':') {
                return Err(format!(
                    "ignore pattern {p:?} must be KIND:PATH, e.g. ec2.instance:state"
                ));
            }
            let g = globset::GlobBuilder::new(p)
                .literal_separator(false)
                .build()
                .map_err(|e| format!("ignore pattern {p:?}: {e}"))?;
            b.add(g);
        }
        Ok(DiffOptions {
            ignore: b.build().map_err(|e| e.to_string())?,
            patterns,
        })
    }

    pub fn patterns(&self) -> &[String] {
        &self.patterns
    }

    fn ignored(&self, kind: &str, path: &str) -> bool {
        // Set paths end in [+]/[-]; patterns name the field.
        let field = path.trim_end_matches("[+]").trim_end_matches("[-]");
        self.ignore.is_match(format!("{kind}:{field}"))
    }
}

fn covered(s: &Snapshot, r: &Resource) -> bool {
    s.read_in_full(&r.kind, &r.region)
}

/// Compares two snapshots. Output is sorted by resource id.
pub fn diff(old: &Snapshot, new: &Snapshot, opts: &DiffOptions) -> DiffResult {
    let mut out = DiffResult::default();
    let mut skipped_scopes = BTreeSet::new();
    // Kinds one side's collector did not read: their resources are new to
    // the comparison, not new to the account.
    let mut unread_kinds = BTreeSet::new();
    let mut read_by_both = |kind: &str| {
        let both = old.reads_kind(kind) && new.reads_kind(kind);
        if !both {
            unread_kinds.insert(kind.to_string());
        }
        both
    };
    let mut both = Vec::with_capacity(old.resources.len());
    for (id, o) in &old.resources {
        match new.resources.get(id) {
            Some(n) => both.push((id.as_str(), o, n)),
            None => {
                if !read_by_both(&o.kind) {
                    continue;
                }
                if covered(old, o) && covered(new, o) {
                    out.changes
                        .push(change(&new.account, o, ChangeKind::Removed, vec![]));
                } else {
                    skipped_scopes.insert((o.service().to_string(), o.region.clone()));
                }
            }
        }
    }
    modified_in_parallel(&both, &new.account, opts, &mut out);
    for (id, n) in &new.resources {
        if old.resources.contains_key(id) || !read_by_both(&n.kind) {
            continue;
        }
        if covered(old, n) && covered(new, n) {
            out.changes
                .push(change(&new.account, n, ChangeKind::Added, vec![]));
        } else {
            skipped_scopes.insert((n.service().to_string(), n.region.clone()));
        }
    }
    for (service, region) in skipped_scopes {
        out.not_compared
            .push(scope_not_compared(old, new, &service, &region));
    }
    for kind in unread_kinds {
        out.not_compared.push(NotCompared {
            scope: kind,
            reason: NEW_KIND.into(),
        });
    }
    out.changes
        .sort_by(|a, b| a.resource.id.cmp(&b.resource.id));
    out.not_compared.sort();
    out.not_compared.dedup();
    out
}

/// Resources in both states, compared on every core. Comparing two large
/// trees is bound by memory latency (every node a pointer away), which the
/// cores share out well; the result is sorted afterwards, so the split does
/// not show.
fn modified_in_parallel(
    both: &[(&str, &Resource, &Resource)],
    account: &str,
    opts: &DiffOptions,
    out: &mut DiffResult,
) {
    use rayon::prelude::*;
    let chunk = both
        .len()
        .div_ceil(crate::parallel::parts(both.len(), 5000))
        .max(1);
    let parts: Vec<DiffResult> = crate::parallel::install(|| {
        both.par_chunks(chunk)
            .map(|part| {
                let mut r = DiffResult::default();
                for (id, o, n) in part {
                    modified(id, o, n, account, opts, &mut r);
                }
                r
            })
            .collect()
    });
    for p in parts {
        out.changes.extend(p.changes);
        out.not_compared.extend(p.not_compared);
    }
}

/// A resource in both states: its changed fields, and the values that could
/// not be compared because one side could not read them.
fn modified(
    id: &str,
    o: &Resource,
    n: &Resource,
    account: &str,
    opts: &DiffOptions,
    out: &mut DiffResult,
) {
    // Read as the same text: nothing to compare, and nothing parsed.
    if o.arn == n.arn && o.attrs.surely_equal(&n.attrs) {
        return;
    }
    // Written by another tool (its own key order, its spacing): the same
    // value as text in key order, still without a tree.
    if o.arn == n.arn && o.attrs.same_canonical_text(&n.attrs) {
        return;
    }
    let mut fields = Vec::new();
    let mut unknown = Vec::new();
    compare(
        &o.kind,
        "",
        &o.attrs,
        &n.attrs,
        opts,
        &mut fields,
        &mut unknown,
    );
    if o.arn != n.arn && n.arn.is_some() && o.arn.is_some() {
        fields.push(FieldChange {
            path: "arn".into(),
            before: o.arn.clone().map(Value::String),
            after: n.arn.clone().map(Value::String),
        });
    }
    for (path, reason) in unknown {
        out.not_compared.push(NotCompared {
            scope: format!("{id}:{path}"),
            reason: reason.into(),
        });
    }
    if !fields.is_empty() {
        out.changes
            .push(change(account, n, ChangeKind::Modified, fields));
    }
}

const UNREAD: &str = "value could not be read in one or both states";
const NEW_FIELD: &str =
    "field recorded by only one of the two states (saved by another driftwatch version): save the baseline again";

const NEW_KIND: &str = "resources added or removed were not compared: this kind is read by only one of the two states' driftwatch versions (save the baseline again)";

/// Why additions and removals in a service/region were not compared.
fn scope_not_compared(old: &Snapshot, new: &Snapshot, service: &str, region: &str) -> NotCompared {
    let reason = |s: &Snapshot, which: &str| -> Option<String> {
        match s.coverage.get(&crate::model::coverage_key(service, region)) {
            None => Some(format!("not scanned in the {which} snapshot")),
            Some(c) if c.status != CoverageStatus::Complete => Some(format!(
                "{} in the {which} snapshot ({})",
                c.status.as_str(),
                c.error_code.as_deref().unwrap_or("?")
            )),
            _ => None,
        }
    };
    let reasons: Vec<String> = [reason(old, "baseline"), reason(new, "current")]
        .into_iter()
        .flatten()
        .collect();
    NotCompared {
        scope: format!("{service}/{region}"),
        reason: format!(
            "resources added or removed here were not compared: {}",
            reasons.join("; ")
        ),
    }
}

/// A change with its stable id: a hash of the account (so two accounts'
/// reports never share an id), the resource, the kind and each field's new value.
fn change(account: &str, r: &Resource, kind: ChangeKind, fields: Vec<FieldChange>) -> Change {
    let mut h = Sha256::new();
    h.update(account.as_bytes());
    h.update([0]);
    h.update(r.id().as_bytes());
    h.update([0]);
    h.update(kind.as_str().as_bytes());
    for f in &fields {
        h.update([0]);
        h.update(f.path.as_bytes());
        h.update([0]);
        h.update(
            f.after
                .as_ref()
                .map(|v| v.to_string())
                .unwrap_or_default()
                .as_bytes(),
        );
        if f.after.is_none() {
            // Removed set elements: the removed value identifies the change.
            h.update(
                f.before
                    .as_ref()
                    .map(|v| v.to_string())
                    .unwrap_or_default()
                    .as_bytes(),
            );
        }
    }
    if kind == ChangeKind::Added {
        h.update(r.attrs.to_string().as_bytes());
    }
    Change {
        id: format!("c-{}", &hex(&h.finalize())[..12]),
        resource: ResourceRef::of(r),
        change: kind,
        detail: (kind != ChangeKind::Modified)
            .then(|| describe(r))
            .flatten(),
        fields,
    }
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

#[allow(clippy::too_many_arguments)]
fn compare(
    kind: &str,
    path: &str,
    a: &Value,
    b: &Value,
    opts: &DiffOptions,
    out: &mut Vec<FieldChange>,
    unknown: &mut Vec<(String, &'static str)>,
) {
    if a == b || (!path.is_empty() && opts.ignored(kind, path)) {
        return;
    }
    if is_unknown_marker(a) || is_unknown_marker(b) {
        unknown.push((path.to_string(), UNREAD));
        return;
    }
    match (a, b) {
        (Value::Object(ma), Value::Object(mb)) => {
            let keys: BTreeSet<&String> = ma.keys().chain(mb.keys()).collect();
            for k in keys {
                // Collectors write every field, null included: a key only
                // one side has comes from another driftwatch version (a
                // baseline saved before the field existed). That is not a
                // change in the account; it is a value not compared.
                if ma.contains_key(k) != mb.contains_key(k) {
                    unknown.push((join(path, k), NEW_FIELD));
                    continue;
                }
                let null = Value::Null;
                compare(
                    kind,
                    &join(path, k),
                    ma.get(k).unwrap_or(&null),
                    mb.get(k).unwrap_or(&null),
                    opts,
                    out,
                    unknown,
                );
            }
        }
        (Value::Array(xa), Value::Array(xb)) => {
            // Sets: compare by canonical text.
            let sa: BTreeSet<String> = xa.iter().map(Value::to_string).collect();
            let sb: BTreeSet<String> = xb.iter().map(Value::to_string).collect();
            for v in xa.iter().filter(|v| !sb.contains(&v.to_string())) {
                out.push(FieldChange {
                    path: format!("{path}[-]"),
                    before: Some(v.clone()),
                    after: None,
                });
            }
            for v in xb.iter().filter(|v| !sa.contains(&v.to_string())) {
                out.push(FieldChange {
                    path: format!("{path}[+]"),
                    before: None,
                    after: Some(v.clone()),
                });
            }
        }
        _ => out.push(FieldChange {
            path: path.to_string(),
            before: (!a.is_null()).then(|| a.clone()),
            after: (!b.is_null()).then(|| b.clone()),
        }),
    }
}

#[cfg(test)]
mod tests;
