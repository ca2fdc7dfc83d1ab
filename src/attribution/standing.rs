//! How the records behind an event finding stand against the `[[allow]]`
//! policy.
//!
//! A record is judged while the logs stream, before the report holds both
//! states. What a rule says of the call (who, which event, which resource,
//! when) is decided then; what it says of the resource's state (its tags,
//! an instance's autoscaling group) is kept as a question, answered when
//! the read is done and the states are at hand. Records that ask the same
//! question are counted together, so a finding keeps a few distinct
//! questions however many records it has; past [`KEPT`] of them, a record
//! is counted as not judged, and an unjudged record is not authorized.

use std::collections::{BTreeMap, BTreeSet};

use crate::attribution::policy::{Policy, Rule};
use crate::model::Snapshot;
use crate::trail::Event;

/// Distinct standings kept per finding.
pub const KEPT: usize = 64;

/// One record's standing: the rules whose conditions on the call hold, in
/// the policy's order, each with the resources whose state it must still
/// accept. The list ends at the first rule that reads no state, which
/// decides. Empty: no rule authorizes the record.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Standing(Vec<(usize, Vec<String>)>);

impl Standing {
    /// `named`: what the record names, judged when it touches no resource
    /// the snapshot knows (as a write outside the snapshot is judged).
    pub fn of(policy: &Policy, event: &Event, named: &str) -> Standing {
        let ids: Vec<&str> = if event.resources.is_empty() {
            vec![named]
        } else {
            event.resources.iter().map(String::as_str).collect()
        };
        let mut alternatives = Vec::new();
        for (i, rule) in policy.judging_writes().enumerate() {
            if !ids.iter().all(|id| rule.allows_call(event, id)) {
                continue;
            }
            if !rule.needs_state() {
                alternatives.push((i, vec![]));
                break;
            }
            alternatives.push((i, ids.iter().map(|s| s.to_string()).collect()));
        }
        Standing(alternatives)
    }

    /// The rule that authorizes the record, given the states.
    fn rule<'p>(
        &self,
        rules: &[&'p Rule],
        baseline: &Snapshot,
        current: &Snapshot,
    ) -> Option<&'p Rule> {
        self.0.iter().find_map(|(i, ids)| {
            let rule = rules[*i];
            ids.iter()
                .all(|id| rule.allows_state(id, baseline, current))
                .then_some(rule)
        })
    }
}

/// The standings of one finding's records, each with the weight its
/// records counted for.
#[derive(Debug, Clone, Default)]
pub struct Standings {
    kept: BTreeMap<Standing, u64>,
    /// Weight of records whose standing was not kept (past [`KEPT`]).
    unjudged: u64,
}

/// What the policy says of a finding's records.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Verdict {
    /// Weight of the records some rule authorized.
    pub authorized: u64,
    /// The rules that did, by name.
    pub rules: BTreeSet<String>,
    /// Weight of the records not judged (too many distinct questions).
    pub unjudged: u64,
}

impl Standings {
    pub fn add(&mut self, s: Standing, weight: u64) {
        if self.kept.len() < KEPT || self.kept.contains_key(&s) {
            *self.kept.entry(s).or_default() += weight;
        } else {
            self.unjudged += weight;
        }
    }

    pub fn merge(&mut self, o: Standings) {
        self.unjudged += o.unjudged;
        for (s, w) in o.kept {
            self.add(s, w);
        }
    }

    /// Answers every kept question now that the states are known.
    pub fn verdict(&self, policy: &Policy, baseline: &Snapshot, current: &Snapshot) -> Verdict {
        let rules: Vec<&Rule> = policy.judging_writes().collect();
        let mut v = Verdict {
            unjudged: self.unjudged,
            ..Verdict::default()
        };
        for (s, w) in &self.kept {
            if let Some(r) = s.rule(&rules, baseline, current) {
                v.authorized += w;
                v.rules.insert(r.spec.name.clone());
            }
        }
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attribution::policy::AllowRule;
    use crate::model::{Resource, GLOBAL};
    use crate::trail::parse_record;
    use serde_json::json;

    fn policy(toml: &str) -> Policy {
        #[derive(serde::Deserialize)]
        struct C {
            allow: Vec<AllowRule>,
        }
        let c: C = toml::from_str(toml).unwrap();
        Policy::new(&c.allow, true).unwrap()
    }

    fn event(arn: &str, name: &str, req: serde_json::Value) -> Event {
        let role = arn.split('/').nth(1).unwrap();
        parse_record(json!({
            "eventID": "e1", "eventName": name, "eventSource": "lambda.amazonaws.com",
            "eventTime": "2026-11-27T10:00:00Z", "awsRegion": "us-east-1",
            "userIdentity": {"type": "AssumedRole", "arn": arn,
                "sessionContext": {"sessionIssuer": {"arn": format!("arn:aws:iam::111122223333:role/{role}")}}},
            "requestParameters": req,
        }))
        .unwrap()
        .unwrap()
    }

    fn state(tags: serde_json::Value) -> Snapshot {
        let mut s = Snapshot::new("111122223333", "2026-11-27T00:00:00Z");
        s.insert(Resource::new(
            "iam.user",
            GLOBAL,
            "bob",
            None,
            &json!({"user_id": "AIDBOB", "path": "/", "tags": tags}),
        ));
        s
    }

    const CI: &str = "arn:aws:sts::111122223333:assumed-role/ci/run-1";

    #[test]
    fn a_rule_on_the_call_alone_decides_while_reading() {
        let p = policy(
            r#"
[[allow]]
name = "ci-deploys"
principals = ["arn:aws:iam::*:role/ci"]
events = ["UpdateFunctionCode*"]
"#,
        );
        let e = event(
            CI,
            "UpdateFunctionCode20150331v2",
            json!({"functionName": "api"}),
        );
        let s = Standing::of(&p, &e, "api");
        assert_eq!(s, Standing(vec![(0, vec![])]));
        let other = event(
            "arn:aws:sts::111122223333:assumed-role/dev/eve",
            "UpdateFunctionCode20150331v2",
            json!({"functionName": "api"}),
        );
        let mut all = Standings::default();
        all.add(s, 3);
        all.add(Standing::of(&p, &other, "api"), 2);
        let empty = state(json!({}));
        let v = all.verdict(&p, &empty, &empty);
        assert_eq!((v.authorized, v.unjudged), (3, 0));
        assert_eq!(v.rules, BTreeSet::from(["ci-deploys".to_string()]));
    }

    #[test]
    fn a_tag_condition_is_answered_from_either_state_at_the_end() {
        let p = policy(
            r#"
[[allow]]
name = "sandbox-users"
principals = ["arn:aws:iam::*:role/ci"]
tags = { env = "sandbox" }
"#,
        );
        let e = event(CI, "AttachUserPolicy", json!({"userName": "bob"}));
        let s = Standing::of(&p, &e, "bob");
        assert_eq!(s, Standing(vec![(0, vec!["iam.user/global/bob".into()])]));
        let mut all = Standings::default();
        all.add(s, 1);
        let (sandbox, prod) = (
            state(json!({"env": "sandbox"})),
            state(json!({"env": "prod"})),
        );
        assert_eq!(all.verdict(&p, &prod, &prod).authorized, 0);
        assert_eq!(all.verdict(&p, &sandbox, &prod).authorized, 1);
        assert_eq!(all.verdict(&p, &prod, &sandbox).authorized, 1);
    }

    #[test]
    fn past_the_kept_questions_a_record_is_not_judged_and_not_authorized() {
        let p = policy(
            r#"
[[allow]]
name = "tagged"
tags = { env = "sandbox" }
"#,
        );
        let mut all = Standings::default();
        for i in 0..KEPT + 3 {
            let e = event(CI, "AttachUserPolicy", json!({"userName": format!("u{i}")}));
            all.add(Standing::of(&p, &e, ""), 1);
        }
        let mut other = Standings::default();
        other.add(Standing::default(), 4);
        all.merge(other);
        let empty = state(json!({}));
        let v = all.verdict(&p, &empty, &empty);
        assert_eq!((v.authorized, v.unjudged), (0, 3 + 4));
    }
}
