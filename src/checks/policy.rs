//! Which statements of a resource policy (bucket policy, role trust policy,
//! Lambda function policy) grant everyone: one predicate for every check
//! that asks "is this public?". Today a statement is public when it allows,
//! names every principal (`*` or `{"AWS": "*"}`), and has no condition on
//! one of the configured restricting keys (`[checks]
//! restricting_condition_keys`). Evaluating condition *values* (a
//! `0.0.0.0/0` source IP, `...IfExists` operators) belongs here too.

use serde_json::Value;

/// The statements of `policy` that allow everyone, as written.
pub fn public_statements(policy: &Value, restricting: &[String]) -> Vec<Value> {
    let statements = match policy.get("Statement") {
        Some(Value::Array(a)) => a.iter().collect::<Vec<_>>(),
        Some(one @ Value::Object(_)) => vec![one],
        _ => return vec![],
    };
    statements
        .into_iter()
        .filter(|s| {
            s["Effect"] == "Allow" && everyone(&s["Principal"]) && !restricted(s, restricting)
        })
        .cloned()
        .collect()
}

/// The AWS principals (account ids, ARNs) that `policy`'s Allow statements
/// name, `*` left out: who besides everyone is let in.
pub fn aws_principals(policy: &Value) -> Vec<String> {
    let statements = match policy.get("Statement") {
        Some(Value::Array(a)) => a.iter().collect::<Vec<_>>(),
        Some(one @ Value::Object(_)) => vec![one],
        _ => return vec![],
    };
    let mut out: Vec<String> = statements
        .into_iter()
        .filter(|s| s["Effect"] == "Allow")
        .flat_map(|s| {
            // A bare string is AWS's `*`; emulators (moto's Lambda) also
            // write a bare account id there, which means the same account.
            let p = &s["Principal"];
            match p.get("AWS").unwrap_or(p) {
                Value::String(p) => vec![p.clone()],
                Value::Array(a) => a
                    .iter()
                    .filter_map(|p| p.as_str().map(String::from))
                    .collect(),
                _ => vec![],
            }
        })
        .filter(|p| p != "*")
        .collect();
    out.sort();
    out.dedup();
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

/// A condition on any restricting key, compared case-insensitively (IAM
/// condition keys are case-insensitive).
fn restricted(s: &Value, restricting: &[String]) -> bool {
    let Some(Value::Object(ops)) = s.get("Condition") else {
        return false;
    };
    ops.values().any(|block| match block {
        Value::Object(keys) => keys
            .keys()
            .any(|k| restricting.iter().any(|r| r.eq_ignore_ascii_case(k))),
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn keys() -> Vec<String> {
        vec!["aws:SourceArn".into(), "aws:PrincipalOrgID".into()]
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
