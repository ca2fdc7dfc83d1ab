//! Which statements of a resource policy (bucket, role trust, Lambda, KMS,
//! SQS, SNS, Secrets Manager) grant everyone: one predicate for every check
//! that asks "is this public?", following what S3 documents as the meaning
//! of "public". A statement is public when it allows, names every
//! principal (`*`, `{"AWS": "*"}`, or a `NotPrincipal`), and no condition
//! pins a restricting key (`[checks] restricting_condition_keys`) to fixed
//! values. A condition pins a key only when it can only pass for requests
//! that carry the key with one of its values:
//! - a positive operator (`StringEquals`, `StringLike`, `ArnEquals`,
//!   `ArnLike`, `IpAddress`, their case-insensitive forms), optionally under
//!   `ForAnyValue:`; negated operators (`StringNotEquals`, `NotIpAddress`,
//!   ...) let everyone else in, `...IfExists` passes when the key is
//!   absent, `ForAllValues:` passes on an empty set, and `Null` asks only
//!   whether a key is there;
//! - every value fixed: no `*` or `?` wildcard and no `${...}` policy
//!   variable (`aws:userid` may end in `:*`, a role's sessions), and for
//!   `aws:SourceIp` a CIDR no wider than /8 (IPv4) or /32 (IPv6): a
//!   `0.0.0.0/1` pair is the internet.
//!
//! Also who else a policy lets in (foreign accounts). The `*_grants` forms
//! give each judgement as an evidence item naming the statement, the
//! principal and the conditions judged not to restrict (`location.rs`).

use serde_json::{json, Value};

use super::location::{principal_text, statements};

/// The statements of `policy` that allow everyone, as written.
pub fn public_statements(policy: &Value, restricting: &[String]) -> Vec<Value> {
    statements(policy)
        .into_iter()
        .filter(|(_, s)| {
            s["Effect"] == "Allow" && grants_everyone(s) && !restricted(s, restricting)
        })
        .map(|(_, s)| s.clone())
        .collect()
}

/// The AWS principals (account ids, ARNs) that `policy`'s Allow statements
/// name, `*` left out: who besides everyone is let in.
pub fn aws_principals(policy: &Value) -> Vec<String> {
    let mut out: Vec<String> = statements(policy)
        .into_iter()
        .filter(|(_, s)| s["Effect"] == "Allow")
        .flat_map(|(_, s)| named_principals(s))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The AWS principals one statement names, `*` left out.
fn named_principals(s: &Value) -> Vec<String> {
    // A bare string is AWS's `*`; emulators (moto's Lambda) also write a
    // bare account id there, which means the same account.
    let p = &s["Principal"];
    one_or_many(p.get("AWS").unwrap_or(p))
        .into_iter()
        .filter(|p| *p != "*")
        .map(String::from)
        .collect()
}

/// A policy element IAM lets be one string or a list of them (`Action`,
/// `Resource`, a principal), as a list.
pub(crate) fn one_or_many(v: &Value) -> Vec<&str> {
    match v {
        Value::String(s) => vec![s.as_str()],
        Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    }
}

/// Which policy a grant is in: a role's trust policy, or the resource's
/// own (`bucket policy`, `key policy`, ...), named as the check names it.
fn policy_place(name: &str) -> Value {
    let kind = if name.eq_ignore_ascii_case("trust policy") {
        "trust"
    } else {
        "resource"
    };
    json!({"kind": kind, "name": name})
}

/// The actions of a statement as written (`NotAction a, b` for a
/// `NotAction`).
fn actions(s: &Value) -> Vec<String> {
    match s.get("NotAction") {
        Some(na) => vec![format!("NotAction {}", one_or_many(na).join(", "))],
        None => one_or_many(&s["Action"])
            .into_iter()
            .map(String::from)
            .collect(),
    }
}

/// The public statements of `policy` (see [`public_statements`]) as
/// evidence items (`location.rs`): the statement's Sid (or its actions),
/// the policy `name`, the action as written, the
/// principal, and every condition present, none of which restricts. With
/// `action`, only statements with an action that regex matches, and that
/// action is the clause's.
pub fn public_grants(
    policy: &Value,
    name: &str,
    action: Option<&str>,
    restricting: &[String],
) -> Result<Vec<Value>, String> {
    let mut out = Vec::new();
    for (i, s) in statements(policy) {
        if s["Effect"] != "Allow" || !grants_everyone(s) || restricted(s, restricting) {
            continue;
        }
        let written = actions(s);
        let act = match action {
            None => written.join(", "),
            Some(re) => match first_match(&written, re)? {
                Some(a) => a,
                None => continue,
            },
        };
        let principal = match s.get("NotPrincipal") {
            Some(np) => format!("NotPrincipal {}", principal_text(np)),
            None => principal_text(&s["Principal"]),
        };
        let statement = super::location::statement_json(i, s);
        out.push(json!({
            "text": statement["sid"].as_str().unwrap_or(&written.join(", ")),
            "policy": policy_place(name),
            "statement": statement,
            "clause": {"action": act, "principal": principal,
                       "conditions": super::location::conditions(s)},
        }));
    }
    Ok(out)
}

/// The first of `actions` the regex matches (through the check budget's
/// regex cache).
fn first_match(actions: &[String], re: &str) -> Result<Option<String>, String> {
    for a in actions {
        if super::budget::matches(a, re)? {
            return Ok(Some(a.clone()));
        }
    }
    Ok(None)
}

/// The AWS principals `policy`'s Allow statements name whose account is
/// neither `own` nor `known`, as evidence items: the principal as written
/// (the text, as `foreign_accounts` gives it), the policy `name`, the
/// statement and its actions.
pub fn foreign_grants(policy: &Value, name: &str, own: &str, known: &[String]) -> Vec<Value> {
    let mut out = Vec::new();
    for (i, s) in statements(policy) {
        if s["Effect"] != "Allow" {
            continue;
        }
        let named = named_principals(s);
        for p in super::accounts::foreign(named.iter().map(String::as_str), own, known) {
            out.push(json!({
                "text": p,
                "policy": policy_place(name),
                "statement": super::location::statement_json(i, s),
                "clause": {"action": actions(s).join(", "), "principal": p},
            }));
        }
    }
    out
}

/// `*`, or `*` among the AWS principals.
fn everyone(p: &Value) -> bool {
    let star = |v: &Value| match v {
        Value::String(s) => s == "*",
        Value::Array(a) => a.iter().any(|x| x == "*"),
        _ => false,
    };
    star(p) || p.get("AWS").is_some_and(star)
}

/// Allow to every principal, or to every principal but some (NotPrincipal).
fn grants_everyone(s: &Value) -> bool {
    everyone(&s["Principal"]) || s.get("NotPrincipal").is_some()
}

/// Some condition of `s` pins a restricting key to fixed values. Keys and
/// operators compare case-insensitively, as IAM compares them.
fn restricted(s: &Value, restricting: &[String]) -> bool {
    let Some(Value::Object(ops)) = s.get("Condition") else {
        return false;
    };
    ops.iter().any(|(op, block)| {
        let Value::Object(keys) = block else {
            return false;
        };
        keys.iter().any(|(key, values)| {
            restricting.iter().any(|r| r.eq_ignore_ascii_case(key)) && pins(op, key, values)
        })
    })
}

/// Whether `op` on `key` passes only for requests carrying one of `values`.
fn pins(op: &str, key: &str, values: &Value) -> bool {
    let op = op.to_ascii_lowercase();
    let base = match op.strip_prefix("foranyvalue:") {
        Some(b) => b,
        None if op.starts_with("forallvalues:") => return false,
        None => op.as_str(),
    };
    if base.ends_with("ifexists") {
        return false;
    }
    const POSITIVE: &[&str] = &[
        "stringequals",
        "stringequalsignorecase",
        "stringlike",
        "arnequals",
        "arnlike",
        "ipaddress",
    ];
    if !POSITIVE.contains(&base) {
        return false;
    }
    let values: Vec<&Value> = match values {
        Value::Array(a) => a.iter().collect(),
        one => vec![one],
    };
    !values.is_empty() && values.iter().all(|v| fixed(key, v))
}

/// A value that names one thing: no wildcard, no policy variable; a
/// source IP range no wider than /8 (IPv4) or /32 (IPv6).
fn fixed(key: &str, v: &Value) -> bool {
    let Some(v) = v.as_str().map(str::trim) else {
        return false;
    };
    if v.is_empty() || v.contains("${") {
        return false;
    }
    if key.eq_ignore_ascii_case("aws:SourceIp") {
        return match v.parse::<ipnet::IpNet>() {
            Ok(ipnet::IpNet::V4(n)) => n.prefix_len() >= 8,
            Ok(ipnet::IpNet::V6(n)) => n.prefix_len() >= 32,
            Err(_) => v.parse::<std::net::IpAddr>().is_ok(),
        };
    }
    let v = if key.eq_ignore_ascii_case("aws:userid") {
        v.strip_suffix(":*").unwrap_or(v)
    } else {
        v
    };
    !v.contains('*') && !v.contains('?')
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn keys() -> Vec<String> {
        vec![
            "aws:SourceArn".into(),
            "aws:PrincipalOrgID".into(),
            "aws:SourceIp".into(),
            "aws:SourceVpce".into(),
            "aws:userid".into(),
        ]
    }

    fn public_with(condition: Value) -> bool {
        let p = json!({"Statement": {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                                     "Condition": condition}});
        !public_statements(&p, &keys()).is_empty()
    }

    /// The evasions: a restricting key whose operator or value lets
    /// everyone in is no restriction.
    #[test]
    fn a_condition_restricts_only_when_it_pins_the_key_to_fixed_values() {
        for (why, c) in [
            (
                "the internet",
                json!({"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}}),
            ),
            (
                "half of it twice",
                json!({"IpAddress": {"aws:SourceIp": ["0.0.0.0/1", "128.0.0.0/1"]}}),
            ),
            (
                "all of IPv6",
                json!({"IpAddress": {"aws:SourceIp": "::/0"}}),
            ),
            (
                "everyone outside 10/8",
                json!({"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}}),
            ),
            (
                "any endpoint",
                json!({"StringLike": {"aws:SourceVpce": "*"}}),
            ),
            (
                "any org",
                json!({"StringLike": {"aws:PrincipalOrgID": "o-*"}}),
            ),
            (
                "passes when absent",
                json!({"StringEqualsIfExists": {"aws:SourceVpce": "vpce-1"}}),
            ),
            (
                "empty set passes",
                json!({"ForAllValues:StringEquals": {"aws:SourceVpce": ["vpce-1"]}}),
            ),
            (
                "only that it exists",
                json!({"Null": {"aws:SourceVpce": "false"}}),
            ),
            (
                "every other org",
                json!({"StringNotEquals": {"aws:PrincipalOrgID": "o-1"}}),
            ),
            (
                "a policy variable",
                json!({"StringEquals": {"aws:SourceVpce": "${aws:SourceVpce}"}}),
            ),
            ("no values", json!({"StringEquals": {"aws:SourceVpce": []}})),
            (
                "not a restricting key",
                json!({"StringEquals": {"aws:PrincipalTag/team": "x"}}),
            ),
        ] {
            assert!(public_with(c.clone()), "{why}: {c}");
        }
        for (why, c) in [
            (
                "an office range",
                json!({"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "198.51.100.7"]}}),
            ),
            (
                "one endpoint",
                json!({"StringEquals": {"aws:sourcevpce": "vpce-1a2b"}}),
            ),
            (
                "one org, any case",
                json!({"stringequals": {"AWS:PrincipalOrgID": ["o-1"]}}),
            ),
            (
                "one bucket",
                json!({"ArnLike": {"aws:SourceArn": "arn:aws:s3:::uploads"}}),
            ),
            (
                "a role's sessions",
                json!({"StringLike": {"aws:userid": "AROAEXAMPLE:*"}}),
            ),
            (
                "any of fixed values",
                json!({"ForAnyValue:StringEquals": {"aws:SourceVpce": ["vpce-1", "vpce-2"]}}),
            ),
        ] {
            assert!(!public_with(c.clone()), "{why}: {c}");
        }
    }

    #[test]
    fn not_principal_with_allow_grants_everyone_else() {
        let p = json!({"Statement": {"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::1:root"},
                                     "Action": "s3:GetObject"}});
        assert_eq!(public_statements(&p, &keys()).len(), 1);
    }

    #[test]
    fn allow_to_everyone_without_a_restricting_condition_is_public() {
        let p = json!({"Statement": [
            {"Sid": "open", "Effect": "Allow", "Principal": "*", "Action": ["s3:GetObject"]},
            {"Sid": "aws-star", "Effect": "Allow", "Principal": {"AWS": ["*"]}, "Action": ["s3:GetObject"]},
            {"Sid": "org", "Effect": "Allow", "Principal": "*", "Action": ["s3:GetObject"],
             "Condition": {"StringEquals": {"aws:principalorgid": "o-1"}}},
            {"Sid": "tagged", "Effect": "Allow", "Principal": "*", "Action": ["s3:GetObject"],
             "Condition": {"StringEquals": {"aws:PrincipalTag/team": "x"}}},
            {"Sid": "deny", "Effect": "Deny", "Principal": "*", "Action": ["s3:*"]},
            {"Sid": "acct", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::1:root"}, "Action": ["s3:*"]}
        ]});
        let sids: Vec<Value> = public_statements(&p, &keys())
            .into_iter()
            .map(|s| s["Sid"].clone())
            .collect();
        assert_eq!(sids, [json!("open"), json!("aws-star"), json!("tagged")]);
    }

    #[test]
    fn aws_principals_of_allow_statements_only() {
        let p = json!({"Statement": [
            {"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::1:root", "*"]}},
            {"Effect": "Allow", "Principal": {"AWS": "222233334444", "Service": "s3.amazonaws.com"}},
            {"Effect": "Deny", "Principal": {"AWS": "999988887777"}},
            {"Effect": "Allow", "Principal": "*"},
            {"Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"}},
            {"Effect": "Allow", "Principal": "555566667777"}
        ]});
        assert_eq!(
            aws_principals(&p),
            ["222233334444", "555566667777", "arn:aws:iam::1:root"]
        );
    }

    #[test]
    fn a_single_statement_object_is_read_too() {
        let p = json!({"Statement": {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "lambda:InvokeFunction"}});
        assert_eq!(public_statements(&p, &keys()).len(), 1);
        assert!(public_statements(&json!(null), &keys()).is_empty());
    }
}
