//! SARIF 2.1.0 for code-scanning upload: one result per finding and per
//! unauthorized change (transient ones included), each with a stable
//! fingerprint (the finding or change id, which already hash the account,
//! the resource and the content), so re-uploads update rather than duplicate.
//! Resources are not files: each result carries the resource as a logical
//! location and the baseline file (or the account) as its physical one,
//! since code scanning wants a file to hang a result on.

use std::collections::BTreeMap;
use std::io::Write;

use serde_json::{json, Value};

use super::Report;
use crate::attribution::Verdict;
use crate::checks::Severity;

const CHANGE_RULE: &str = "driftwatch/unauthorized-change";
const TRANSIENT_RULE: &str = "driftwatch/unauthorized-transient-change";

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// GitHub ranks security results by this number (0.1–10).
fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "0.5",
    }
}

fn rule(id: &str, title: &str, severity: Severity, risk: &str) -> Value {
    json!({
        "id": id,
        "name": id.replace(['/', '-'], "_"),
        "shortDescription": {"text": title},
        "defaultConfiguration": {"level": level(severity)},
        "properties": {"security-severity": security_severity(severity), "tags": ["security", risk]},
    })
}

fn location(r: &Report, resource: &str) -> Value {
    let uri = r
        .baseline
        .as_ref()
        .map(|b| b.path.clone())
        .filter(|p| p != "-")
        .unwrap_or_else(|| format!("aws-account-{}", r.account));
    json!({
        "physicalLocation": {"artifactLocation": {"uri": uri}, "region": {"startLine": 1}},
        "logicalLocations": [{"fullyQualifiedName": resource, "kind": "resource"}],
    })
}

/// A policy statement behind a finding, after the resource in the
/// result's `logicalLocations`: named by its Sid (or its clause),
/// qualified by its policy, with the policy, statement and clause as properties.
fn statement_location(l: &crate::checks::location::Location) -> Value {
    json!({
        "name": l.name(),
        "fullyQualifiedName": l.qualified_name(),
        "kind": "object",
        "properties": l,
    })
}

fn result(rule_id: &str, index: usize, level: &str, text: String, loc: Value, id: &str) -> Value {
    json!({
        "ruleId": rule_id,
        "ruleIndex": index,
        "level": level,
        "message": {"text": text},
        "locations": [loc],
        "partialFingerprints": {"driftwatchId/v1": id},
    })
}

/// Rules in a fixed order: the two change rules, then checks by id.
fn rules(r: &Report) -> (Vec<Value>, BTreeMap<String, usize>) {
    let mut rules = vec![
        rule(CHANGE_RULE, "Unauthorized change", Severity::High, "drift"),
        rule(
            TRANSIENT_RULE,
            "Unauthorized change made and undone",
            Severity::High,
            "drift",
        ),
    ];
    let mut index = BTreeMap::from([
        (CHANGE_RULE.to_string(), 0),
        (TRANSIENT_RULE.to_string(), 1),
    ]);
    let mut checks: Vec<_> = r.findings.iter().collect();
    checks.sort_by(|a, b| a.check.cmp(&b.check));
    for f in checks {
        if !index.contains_key(&f.check) {
            index.insert(f.check.clone(), rules.len());
            rules.push(rule(&f.check, &f.title, f.severity, f.risk.as_str()));
        }
    }
    // A resolved finding's check may have found nothing else this run.
    let mut gone: Vec<_> = r.resolved.iter().collect();
    gone.sort_by(|a, b| a.check.cmp(&b.check));
    for k in gone {
        if !index.contains_key(&k.check) {
            index.insert(k.check.clone(), rules.len());
            let title = format!("{} (resolved)", k.check);
            rules.push(rule(&k.check, &title, k.severity, "resolved"));
        }
    }
    (rules, index)
}

fn results(r: &Report, index: &BTreeMap<String, usize>) -> Vec<Value> {
    let mut out = Vec::new();
    for c in r
        .changes
        .iter()
        .filter(|c| c.verdict == Verdict::Unauthorized)
    {
        let text = format!("{}: {}", c.change.headline(), c.lines()[1..].join("; "));
        let loc = location(r, &c.change.resource.id);
        out.push(result(CHANGE_RULE, 0, "error", text, loc, &c.change.id));
    }
    for t in r
        .transient
        .iter()
        .filter(|t| t.verdict == Verdict::Unauthorized)
    {
        let first = t.events.first().map(|e| e.id.as_str()).unwrap_or("");
        let id = format!("{}:{first}", t.resource.id);
        let text = format!(
            "{} changed and changed back between the two states",
            t.resource.id
        );
        let loc = location(r, &t.resource.id);
        out.push(result(TRANSIENT_RULE, 1, "error", text, loc, &id));
    }
    for g in r
        .transient_groups
        .iter()
        .filter(|g| g.verdict == Verdict::Unauthorized)
    {
        let id = format!(
            "{}:{}:{}:{}",
            g.kind,
            g.principal,
            g.events.join(","),
            g.first
        );
        let first = g.samples.first().map(String::as_str).unwrap_or_default();
        let loc = location(r, first);
        out.push(result(
            TRANSIENT_RULE,
            1,
            "error",
            g.lines().join("; "),
            loc,
            &id,
        ));
    }
    for f in &r.findings {
        let mut loc = location(r, &f.resource.id);
        if let Value::Array(logical) = &mut loc["logicalLocations"] {
            logical.extend(f.locations.iter().map(statement_location));
        }
        let mut v = result(
            &f.check,
            index[&f.check],
            level(f.severity),
            f.message.clone(),
            loc,
            &f.id,
        );
        if let Some(why) = f.set_aside() {
            v["suppressions"] = json!([{"kind": "external", "justification": why}]);
        }
        if let Some(state) = f.status.map(baseline_state) {
            v["baselineState"] = json!(state);
        }
        out.push(v);
    }
    for k in &r.resolved {
        let loc = location(r, &k.resource);
        let Some(&i) = index.get(&k.check) else {
            continue;
        };
        let mut v = result(&k.check, i, "none", k.message.clone(), loc, &k.id);
        v["baselineState"] = json!("absent");
        out.push(v);
    }
    out
}

/// SARIF's name for how a result stands against the previous run: here,
/// against the findings the baseline accepted.
fn baseline_state(s: crate::checks::known::FindingStatus) -> &'static str {
    use crate::checks::known::FindingStatus::*;
    match s {
        New => "new",
        Updated => "updated",
        Known => "unchanged",
    }
}

pub(super) fn render(r: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    render_all(std::slice::from_ref(r), out)
}

/// One SARIF log with a run per account.
pub(super) fn render_all(reports: &[Report], out: &mut dyn Write) -> std::io::Result<()> {
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": reports.iter().map(run).collect::<Vec<_>>(),
    });
    let mut v = serde_json::to_vec_pretty(&log).map_err(std::io::Error::other)?;
    v.push(b'\n');
    out.write_all(&v)
}

fn run(r: &Report) -> Value {
    let (rules, index) = rules(r);
    json!({
        "tool": {"driver": {
            "name": "driftwatch",
            "version": env!("CARGO_PKG_VERSION"),
            "rules": rules,
        }},
        "automationDetails": {"id": format!("driftwatch/{}/", r.account)},
        "results": results(r, &index),
    })
}
