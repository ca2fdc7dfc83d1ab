//! Where in a policy a finding comes from: the policy (inline, managed, a
//! resource's own or a role's trust policy; its name, ARN and what holds
//! it), the statement (its `Sid`, and its index, which every statement has)
//! and the clause that made the check fire (the action as written and the
//! dangerous action it covers, the principal, the conditions judged not to
//! restrict). The reader of a finding goes straight to the line to fix, as
//! a linter's reader does.
//!
//! The policy functions (`public_grants`, `foreign_grants`,
//! `escalation_paths`, `policy_statements`) return evidence items that
//! carry these as maps beside their `text`; [`Evidence::of`] reads them
//! back from whatever a check's expression returned, so a user's check
//! that returns those items gets locations too.

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

/// What kind of policy a statement is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PolicyKind {
    /// Embedded in one user, group or role.
    Inline,
    /// A managed policy, attached by ARN.
    Managed,
    /// The resource's own policy (bucket, key, queue, topic, secret,
    /// function, access point).
    Resource,
    /// A role's trust policy: who may assume it.
    Trust,
}

impl PolicyKind {
    fn as_str(self) -> &'static str {
        match self {
            PolicyKind::Inline => "inline policy",
            PolicyKind::Managed => "managed policy",
            PolicyKind::Resource => "resource policy",
            PolicyKind::Trust => "trust policy",
        }
    }
}

/// A policy document.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct PolicyRef {
    pub kind: PolicyKind,
    /// The inline or managed policy's name; for a resource's own policy what
    /// AWS calls it (`bucket policy`, `key policy`).
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    /// Who holds it: `user/alice`, `group/devs`, `role/deploy`; for a
    /// policy a user holds through a group, the group.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attached_to: Vec<String>,
}

/// A statement of a policy: its `Sid` where it has one, and its index in
/// `Statement` as the snapshot holds the document. Snapshots sort a
/// policy's statements by content (so a reordering is no change), which
/// makes the index stable but not the author's: a statement without a Sid
/// is found by its clause.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct StatementRef {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
    pub index: usize,
}

impl StatementRef {
    fn sid(&self) -> Option<&str> {
        self.sid.as_deref().filter(|s| !s.is_empty())
    }
}

/// What in the statement made the check fire.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Clause {
    /// The action or wildcard as written (`iam:Put*`, `NotAction
    /// s3:Delete*`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// The dangerous actions it covers (`iam:PutGroupPolicy`), where the
    /// action as written is a wildcard or a `NotAction`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub grants: Vec<String>,
    /// The principal as written (`*`, an account's root, a role's ARN).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub principal: Option<String>,
    /// The conditions present and judged not to restrict
    /// (`StringLike aws:SourceVpce = *`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<String>,
}

impl Clause {
    fn is_empty(&self) -> bool {
        *self == Clause::default()
    }

    /// `Action iam:Put* → iam:PutGroupPolicy`, `Principal *`, ... in a few
    /// words.
    fn describe(&self) -> String {
        let mut parts = Vec::new();
        // `NotAction ...` says what it is; a plain action is named so.
        let written = |a: &str| match a.starts_with("NotAction") {
            true => a.to_string(),
            false => format!("Action {a}"),
        };
        // A wildcard can cover a dozen dangerous actions: a few say it.
        let grants = match self.grants.len() {
            0..=3 => self.grants.join(", "),
            n => format!("{} and {} more", self.grants[..3].join(", "), n - 3),
        };
        match (&self.action, grants.is_empty()) {
            (Some(a), false) => parts.push(format!("{} → {grants}", written(a))),
            (Some(a), true) => parts.push(written(a)),
            (None, false) => parts.push(written(&grants)),
            (None, true) => {}
        }
        if let Some(p) = &self.principal {
            parts.push(format!("Principal {p}"));
        }
        if !self.conditions.is_empty() {
            parts.push(format!(
                "condition {} does not restrict",
                self.conditions.join(", ")
            ));
        }
        parts.join(", ")
    }
}

/// One place in one policy.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Location {
    pub policy: PolicyRef,
    pub statement: StatementRef,
    #[serde(default, skip_serializing_if = "Clause::is_empty")]
    pub clause: Clause,
}

impl Location {
    /// One line for people: `inline policy put-all (role/app), statement
    /// AllowPut: Action iam:Put* → iam:PutGroupPolicy`, or `..., a
    /// statement without Sid: ...`.
    pub fn describe(&self) -> String {
        let p = &self.policy;
        let mut s = match p.kind {
            PolicyKind::Resource | PolicyKind::Trust => p.name.clone(),
            k => format!("{} {}", k.as_str(), p.name),
        };
        if !p.attached_to.is_empty() {
            s.push_str(&format!(" ({})", p.attached_to.join(", ")));
        }
        match self.statement.sid() {
            Some(sid) => s.push_str(&format!(", statement {sid}")),
            None => s.push_str(", a statement without Sid"),
        }
        let clause = self.clause.describe();
        if !clause.is_empty() {
            s.push_str(&format!(": {clause}"));
        }
        s
    }

    /// The statement's name: its Sid, or without one its clause
    /// (`Action ec2:Run*`).
    pub fn name(&self) -> String {
        match self.statement.sid() {
            Some(sid) => sid.to_string(),
            None => self.clause.describe(),
        }
    }

    /// Qualified name for SARIF's `logicalLocations`: the policy's ARN or
    /// `holder/name`, then the statement's name.
    pub fn qualified_name(&self) -> String {
        let p = &self.policy;
        let base = match (&p.arn, p.attached_to.first()) {
            (Some(arn), _) => arn.clone(),
            (None, Some(holder)) => format!("{holder}/{}", p.name),
            (None, None) => p.name.clone(),
        };
        format!("{base}#{}", self.name())
    }
}

/// A check's evidence: the texts its message names, and the policy places
/// behind them.
#[derive(Debug, Default)]
pub struct Evidence {
    pub texts: Vec<String>,
    pub locations: Vec<Location>,
}

impl Evidence {
    /// From the list a check returned: a map item with a `text` is one
    /// text and its `policy`/`statement`/`clause` (or its `locations`
    /// list) places; anything else is a text as before.
    pub fn of(items: &[Value]) -> Evidence {
        let mut e = Evidence::default();
        for item in items {
            match item.get("text").and_then(Value::as_str) {
                Some(text) => {
                    e.texts.push(text.to_string());
                    e.locations.extend(places(item));
                }
                None => e.texts.push(crate::diff::short_value(item)),
            }
        }
        e.texts.sort();
        e.texts.dedup();
        e.locations = merged(std::mem::take(&mut e.locations));
        e
    }
}

/// Each place once, in the order the checks found them (a path's first
/// statement first): the same clause of the same statement found for
/// several actions (`iam:Attach*` for each path that needs one) is one
/// place covering them all.
fn merged(places: Vec<Location>) -> Vec<Location> {
    let mut out: Vec<Location> = Vec::new();
    for mut l in places {
        let grants = std::mem::take(&mut l.clause.grants);
        let at = match out.iter().position(|o| {
            let mut bare = o.clone();
            bare.clause.grants.clear();
            bare == l
        }) {
            Some(i) => i,
            None => {
                out.push(l);
                out.len() - 1
            }
        };
        for g in grants {
            if !out[at].clause.grants.contains(&g) {
                out[at].clause.grants.push(g);
            }
        }
    }
    out
}

/// The places an evidence item carries; one that does not parse is left
/// out (a user check's map is not ours to reject).
fn places(item: &Value) -> Vec<Location> {
    let one = |v: &Value| serde_json::from_value::<Location>(v.clone()).ok();
    match item.get("locations") {
        Some(Value::Array(a)) => a.iter().filter_map(one).collect(),
        _ => one(item).into_iter().collect(),
    }
}

/// Every statement of a policy document with its index: a lone statement
/// object is index 0.
pub fn statements(policy: &Value) -> Vec<(usize, &Value)> {
    match policy.get("Statement") {
        Some(Value::Array(a)) => a.iter().enumerate().collect(),
        Some(one @ Value::Object(_)) => vec![(0, one)],
        _ => vec![],
    }
}

/// Every statement of a principal's documents (`docs`) as an evidence
/// item: the text is the document's name in `docs` (what IAM checks have
/// always named), the place comes from its `$policy`, and `s` is the
/// statement as written, for the check to judge.
pub fn policy_statements(docs: &Value) -> Vec<Value> {
    let Value::Object(docs) = docs else {
        return vec![];
    };
    let mut out = Vec::new();
    for (name, doc) in docs {
        for (i, s) in statements(doc) {
            let mut item = json!({"text": name, "statement": statement_json(i, s), "s": s});
            if let Some(p) = doc.get("$policy") {
                item["policy"] = p.clone();
            }
            out.push(item);
        }
    }
    out
}

/// The statement's place as JSON, for evidence maps.
pub fn statement_json(index: usize, s: &Value) -> Value {
    let mut m = Map::new();
    if let Some(sid) = s
        .get("Sid")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
    {
        m.insert("sid".into(), json!(sid));
    }
    m.insert("index".into(), json!(index));
    Value::Object(m)
}

/// A principal as written, plainly: `*`, `AWS *`, `AWS arn:...:root,
/// 111122223333; Service lambda.amazonaws.com`.
pub fn principal_text(p: &Value) -> String {
    let values = |v: &Value| match v {
        Value::Array(a) => a
            .iter()
            .map(crate::diff::short_value)
            .collect::<Vec<_>>()
            .join(", "),
        one => crate::diff::short_value(one),
    };
    match p {
        Value::Object(m) => m
            .iter()
            .map(|(k, v)| format!("{k} {}", values(v)))
            .collect::<Vec<_>>()
            .join("; "),
        other => values(other),
    }
}

/// The conditions of `s` as `Operator key = v1, v2`.
pub fn conditions(s: &Value) -> Vec<String> {
    let Some(Value::Object(ops)) = s.get("Condition") else {
        return vec![];
    };
    let mut out = Vec::new();
    for (op, block) in ops {
        let Value::Object(keys) = block else { continue };
        for (key, values) in keys {
            let values = match values {
                Value::Array(a) => a.iter().map(crate::diff::short_value).collect(),
                one => vec![crate::diff::short_value(one)],
            };
            out.push(format!("{op} {key} = {}", values.join(", ")));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evidence_maps_give_texts_and_places_and_plain_items_stay_texts() {
        let place = json!({"policy": {"kind": "inline", "name": "put-all", "attached_to": ["role/app"]},
                           "statement": {"sid": "AllowPut", "index": 1},
                           "clause": {"action": "iam:Put*", "grants": ["iam:PutGroupPolicy"]}});
        let mut user = place.clone();
        user["clause"]["grants"] = json!(["iam:PutUserPolicy"]);
        let items = [
            json!({"text": "can write any inline policy on any group", "locations": [place.clone(), place]}),
            json!({"text": "can write any inline policy on any user", "locations": [user]}),
            json!("sg-1"),
            json!({"text": "no place", "policy": "not a policy"}),
        ];
        let e = Evidence::of(&items);
        assert_eq!(
            e.texts,
            [
                "can write any inline policy on any group",
                "can write any inline policy on any user",
                "no place",
                "sg-1"
            ]
        );
        assert_eq!(
            e.locations.len(),
            1,
            "the same clause once: {:?}",
            e.locations
        );
        assert_eq!(
            e.locations[0].describe(),
            "inline policy put-all (role/app), statement AllowPut: Action iam:Put* → \
             iam:PutGroupPolicy, iam:PutUserPolicy"
        );
        assert_eq!(e.locations[0].qualified_name(), "role/app/put-all#AllowPut");
    }

    #[test]
    fn a_statement_without_sid_is_named_by_its_clause_and_conditions_read_plainly() {
        let p = json!({"Statement": [{"Sid": "A"}, {"Condition": {"StringLike": {"aws:SourceVpce": ["vpce-*", "x"]}}}]});
        let st = statements(&p);
        assert_eq!(st.len(), 2);
        let place = json!({"policy": {"kind": "resource", "name": "bucket policy"},
                           "statement": statement_json(st[1].0, st[1].1),
                           "clause": {"action": "s3:GetObject", "principal": "*",
                                      "conditions": conditions(st[1].1)}});
        let l: Location = serde_json::from_value(place).unwrap();
        assert_eq!(
            l.statement,
            StatementRef {
                sid: None,
                index: 1
            }
        );
        assert_eq!(
            l.describe(),
            "bucket policy, a statement without Sid: Action s3:GetObject, Principal *, \
             condition StringLike aws:SourceVpce = vpce-*, x does not restrict"
        );
        assert_eq!(
            l.qualified_name(),
            "bucket policy#Action s3:GetObject, Principal *, condition StringLike aws:SourceVpce = vpce-*, x does not restrict"
        );
        let lone = json!({"Statement": {"Sid": "Only"}});
        assert_eq!(statements(&lone)[0].0, 0);
    }
}
