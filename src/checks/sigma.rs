//! Sigma rules as event checks. A rule whose `logsource` is
//! `{product: aws, service: cloudtrail}` is compiled into an event check:
//! each field condition of a selection becomes a call of `sigma_match` (the
//! field's value, the modifiers, the values), the `condition` becomes CEL's
//! `&&`, `||` and `!`, and the event names and sources every match must
//! have become the check's cheap filter. `level` is the severity, the
//! `id` is kept, and the description, tags, false positives and references
//! are what `checks explain` shows.
//!
//! Compiling to the existing CEL checks (rather than running a Sigma
//! engine beside them) keeps one evaluator: a Sigma finding is counted,
//! grouped, judged by `[[allow]]` rules, suppressed and rendered as any
//! event finding is. A construct driftwatch cannot evaluate (a keyword
//! search, an aggregation, an encoding modifier, another log source) is
//! refused with the file and the construct, never half-evaluated.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::Value;

/// Why a rule is not loaded.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SigmaError {
    /// The file is not a Sigma rule (bad YAML, a field missing).
    #[error("{0}")]
    Invalid(String),
    /// A valid rule using what driftwatch cannot evaluate: skippable with
    /// `--sigma-skip-unsupported`.
    #[error("unsupported: {0}")]
    Unsupported(String),
}

use SigmaError::{Invalid, Unsupported};

/// Modifiers `sigma_match` evaluates.
const MODIFIERS: &[&str] = &[
    "contains",
    "startswith",
    "endswith",
    "all",
    "re",
    "cidr",
    "exists",
    "fieldref",
    "cased",
    "gt",
    "gte",
    "lt",
    "lte",
];

/// The check file a rule compiles to, as `parse_check` reads it.
#[derive(Serialize)]
struct CheckToml {
    id: String,
    title: String,
    severity: String,
    risk: &'static str,
    target: &'static str,
    events: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    sources: Vec<String>,
    outcome: &'static str,
    message: String,
    expression: String,
    rationale: String,
    remediation: String,
    references: Vec<String>,
}

/// Compiles one rule file's text into the TOML of an event check.
pub fn to_check_toml(text: &str) -> Result<String, SigmaError> {
    let rule = yaml_to_json(text)?;
    let s = |k: &str| rule.get(k).and_then(Value::as_str).map(str::trim);
    let logsource = rule.get("logsource").unwrap_or(&Value::Null);
    let ls = |k: &str| logsource.get(k).and_then(Value::as_str);
    if ls("product") != Some("aws") || ls("service") != Some("cloudtrail") {
        return Err(Unsupported(format!(
            "logsource {} (driftwatch reads product: aws, service: cloudtrail)",
            serde_json::to_string(logsource).unwrap_or_default()
        )));
    }
    let id = s("id").ok_or_else(|| Invalid("the rule has no id".into()))?;
    let title = s("title").ok_or_else(|| Invalid("the rule has no title".into()))?;
    let detection = rule
        .get("detection")
        .and_then(Value::as_object)
        .ok_or_else(|| Invalid("the rule has no detection".into()))?;
    let compiled = compile_detection(detection)?;
    let list = |k: &str| -> Vec<String> {
        match rule.get(k) {
            Some(Value::Array(a)) => a.iter().map(crate::diff::short_value).collect(),
            Some(Value::String(v)) => vec![v.clone()],
            _ => vec![],
        }
    };
    let tags = list("tags");
    let falsepositives = list("falsepositives");
    let mut rationale = s("description").unwrap_or(title).to_string();
    if !tags.is_empty() {
        rationale.push_str(&format!("\n\nSigma tags: {}.", tags.join(", ")));
    }
    if let Some(a) = s("author") {
        rationale.push_str(&format!("\nAuthor: {a}."));
    }
    let remediation = if falsepositives.is_empty() {
        "Find out who made the calls and why; the rule names no known false positives.".to_string()
    } else {
        format!(
            "Find out who made the calls and why. Known false positives: {}.",
            falsepositives.join("; ")
        )
    };
    let t = CheckToml {
        id: id.to_string(),
        title: title.to_string(),
        severity: severity(s("level"))?.to_string(),
        risk: risk(&tags),
        target: "event",
        events: compiled.names.unwrap_or_else(|| vec!["*".into()]),
        sources: compiled.sources.unwrap_or_default(),
        outcome: "any",
        message: format!("{{actor}} called {{event}} on {{resource}} at {{time}}: {title}"),
        expression: compiled.expression,
        rationale,
        remediation,
        references: list("references"),
    };
    toml::to_string(&t).map_err(|e| Invalid(format!("cannot write the check: {e}")))
}

fn severity(level: Option<&str>) -> Result<&'static str, SigmaError> {
    Ok(match level.unwrap_or("medium") {
        "informational" => "info",
        "low" => "low",
        "medium" => "medium",
        "high" => "high",
        "critical" => "critical",
        other => return Err(Invalid(format!("level {other:?} is not a Sigma level"))),
    })
}

/// The risk a rule's ATT&CK tactic stands for (tactics are written with
/// `_` in older rules and `-` in newer ones).
fn risk(tags: &[String]) -> &'static str {
    let has = |t: &str| {
        tags.iter()
            .any(|x| x.replace('-', "_").eq_ignore_ascii_case(t))
    };
    if has("attack.exfiltration") || has("attack.collection") || has("attack.impact") {
        "data"
    } else if has("attack.lateral_movement") || has("attack.command_and_control") {
        "network"
    } else if has("attack.defense_evasion") {
        "visibility"
    } else {
        "iam"
    }
}

/// YAML as JSON; anchors, aliases and tags have no place in a rule.
fn yaml_to_json(text: &str) -> Result<Value, SigmaError> {
    use yaml_rust2::{Yaml, YamlLoader};
    let docs = YamlLoader::load_from_str(text).map_err(|e| Invalid(format!("YAML: {e}")))?;
    if docs.len() != 1 {
        return Err(Unsupported(format!(
            "{} YAML documents in one file (a rule collection)",
            docs.len()
        )));
    }
    fn conv(y: &Yaml) -> Result<Value, SigmaError> {
        Ok(match y {
            Yaml::String(s) => Value::String(s.clone()),
            Yaml::Integer(i) => Value::from(*i),
            Yaml::Real(r) => Value::String(r.clone()),
            Yaml::Boolean(b) => Value::Bool(*b),
            Yaml::Null => Value::Null,
            Yaml::Array(a) => Value::Array(a.iter().map(conv).collect::<Result<_, _>>()?),
            Yaml::Hash(h) => {
                let mut m = serde_json::Map::new();
                for (k, v) in h {
                    let key = match k {
                        Yaml::String(s) => s.clone(),
                        Yaml::Integer(i) => i.to_string(),
                        other => return Err(Invalid(format!("a map key {other:?}"))),
                    };
                    m.insert(key, conv(v)?);
                }
                Value::Object(m)
            }
            other => return Err(Invalid(format!("a YAML value {other:?}"))),
        })
    }
    conv(&docs[0])
}

/// A detection, compiled.
struct Detection {
    expression: String,
    /// Event names every match has, when the condition pins them.
    names: Option<Vec<String>>,
    sources: Option<Vec<String>>,
}

fn compile_detection(d: &serde_json::Map<String, Value>) -> Result<Detection, SigmaError> {
    let condition = match d.get("condition") {
        Some(Value::String(c)) => c.clone(),
        Some(Value::Array(_)) => return Err(Unsupported("a list of conditions".into())),
        _ => return Err(Invalid("the detection has no condition".into())),
    };
    if condition.contains('|') {
        return Err(Unsupported(format!(
            "the aggregation in condition {condition:?}"
        )));
    }
    let selections: BTreeMap<&str, &Value> = d
        .iter()
        .filter(|(k, _)| k.as_str() != "condition" && k.as_str() != "timeframe")
        .map(|(k, v)| (k.as_str(), v))
        .collect();
    if d.contains_key("timeframe") {
        return Err(Unsupported("timeframe (a correlation)".into()));
    }
    let cond = Parser::new(&condition, &selections)?.parse()?;
    let mut compiled = BTreeMap::new();
    for (name, sel) in &selections {
        compiled.insert(*name, compile_selection(name, sel)?);
    }
    Ok(Detection {
        expression: cond.cel(&compiled),
        names: cond.pinned(&selections, "eventName"),
        sources: cond.pinned(&selections, "eventSource"),
    })
}

/// A selection: a map (every field holds) or a list of maps (any does).
fn compile_selection(name: &str, sel: &Value) -> Result<String, SigmaError> {
    match sel {
        Value::Object(m) => compile_map(m),
        Value::Array(a) if !a.is_empty() && a.iter().all(Value::is_object) => {
            let parts = a
                .iter()
                .filter_map(Value::as_object)
                .map(compile_map)
                .collect::<Result<Vec<_>, _>>()?;
            Ok(format!("({})", parts.join(" || ")))
        }
        _ => Err(Unsupported(format!(
            "selection {name}: a keyword search (values with no field)"
        ))),
    }
}

fn compile_map(m: &serde_json::Map<String, Value>) -> Result<String, SigmaError> {
    if m.is_empty() {
        return Err(Invalid("an empty selection".into()));
    }
    let parts = m
        .iter()
        .map(|(k, v)| compile_field(k, v))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(format!("({})", parts.join(" && ")))
}

fn cel_str(s: &str) -> String {
    serde_json::to_string(s).expect("a string serializes")
}

fn field_ref(field: &str) -> Result<String, SigmaError> {
    if field.is_empty() || field.contains(['"', '\\', '\'']) {
        return Err(Invalid(format!("field name {field:?}")));
    }
    Ok(format!("at(event, {})", cel_str(field)))
}

/// One `field|modifiers: values` condition.
fn compile_field(key: &str, v: &Value) -> Result<String, SigmaError> {
    let mut parts = key.split('|');
    let field = field_ref(parts.next().unwrap_or_default())?;
    let mods: Vec<&str> = parts.collect();
    if let Some(m) = mods.iter().find(|m| !MODIFIERS.contains(m)) {
        return Err(Unsupported(format!("the modifier |{m} (in {key})")));
    }
    let values: Vec<&Value> = match v {
        Value::Array(a) => a.iter().collect(),
        one => vec![one],
    };
    if mods.contains(&"exists") {
        let want = v
            .as_bool()
            .ok_or_else(|| Invalid(format!("{key}: exists takes true or false")))?;
        return Ok(format!("(({field} != null) == {want})"));
    }
    if values.iter().any(|x| x.is_null()) {
        if values.len() > 1 || !mods.is_empty() {
            return Err(Unsupported(format!(
                "null among other values or with modifiers (in {key})"
            )));
        }
        return Ok(format!("({field} == null)"));
    }
    let pats = values
        .iter()
        .map(|x| match x {
            Value::String(s) if mods.contains(&"fieldref") => field_ref(s),
            Value::String(s) => Ok(cel_str(s)),
            Value::Number(_) | Value::Bool(_) => Ok(cel_str(&x.to_string())),
            _ => Err(Invalid(format!(
                "{key}: a value that is not text, a number or a boolean"
            ))),
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mode: Vec<&str> = mods
        .iter()
        .copied()
        .filter(|m| !matches!(*m, "all" | "fieldref"))
        .collect();
    Ok(format!(
        "sigma_match({field}, {}, [{}], {})",
        cel_str(&mode.join("|")),
        pats.join(", "),
        mods.contains(&"all")
    ))
}

/// A condition.
#[derive(Debug)]
enum Cond {
    Sel(String),
    Not(Box<Cond>),
    And(Vec<Cond>),
    Or(Vec<Cond>),
}

impl Cond {
    fn cel(&self, compiled: &BTreeMap<&str, String>) -> String {
        let (cs, op) = match self {
            Cond::Sel(s) => return compiled[s.as_str()].clone(),
            Cond::Not(c) => return format!("!{}", c.cel(compiled)),
            Cond::And(cs) => (cs, " && "),
            Cond::Or(cs) => (cs, " || "),
        };
        let parts: Vec<String> = cs.iter().map(|c| c.cel(compiled)).collect();
        format!("({})", parts.join(op))
    }

    /// The values of `field` some matching record must have, when the
    /// condition says so through plain values (no modifier, no wildcard).
    fn pinned(&self, sels: &BTreeMap<&str, &Value>, field: &str) -> Option<Vec<String>> {
        let set = self.pinned_set(sels, field)?;
        Some(set.into_iter().collect())
    }

    fn pinned_set(&self, sels: &BTreeMap<&str, &Value>, field: &str) -> Option<BTreeSet<String>> {
        match self {
            Cond::Sel(s) => selection_pins(sels[s.as_str()], field),
            Cond::Not(_) => None,
            Cond::And(cs) => cs
                .iter()
                .filter_map(|c| c.pinned_set(sels, field))
                .reduce(|a, b| a.intersection(&b).cloned().collect()),
            Cond::Or(cs) => cs.iter().try_fold(BTreeSet::new(), |mut acc, c| {
                acc.extend(c.pinned_set(sels, field)?);
                Some(acc)
            }),
        }
    }
}

fn selection_pins(sel: &Value, field: &str) -> Option<BTreeSet<String>> {
    let of_map = |m: &serde_json::Map<String, Value>| -> Option<BTreeSet<String>> {
        let v = m.get(field)?;
        let vals: Vec<&Value> = match v {
            Value::Array(a) => a.iter().collect(),
            one => vec![one],
        };
        vals.iter()
            .map(|x| {
                x.as_str()
                    .filter(|s| !s.contains(['*', '?', '\\']))
                    .map(str::to_string)
            })
            .collect()
    };
    match sel {
        Value::Object(m) => of_map(m),
        Value::Array(a) => a.iter().try_fold(BTreeSet::new(), |mut acc, x| {
            acc.extend(of_map(x.as_object()?)?);
            Some(acc)
        }),
        _ => None,
    }
}

/// The condition grammar: `or` below `and` below `not`, parentheses, and
/// `1 of`/`all of` a selection name pattern or `them`.
struct Parser<'a> {
    tokens: Vec<String>,
    at: usize,
    text: &'a str,
    names: Vec<&'a str>,
}

impl<'a> Parser<'a> {
    fn new(text: &'a str, sels: &BTreeMap<&'a str, &Value>) -> Result<Self, SigmaError> {
        let spaced = text.replace('(', " ( ").replace(')', " ) ");
        Ok(Parser {
            tokens: spaced.split_whitespace().map(str::to_string).collect(),
            at: 0,
            text,
            names: sels.keys().copied().collect(),
        })
    }

    fn bad(&self, why: &str) -> SigmaError {
        Invalid(format!("condition {:?}: {why}", self.text))
    }

    fn peek(&self) -> Option<&str> {
        self.tokens.get(self.at).map(String::as_str)
    }

    fn next(&mut self) -> Option<String> {
        let t = self.tokens.get(self.at).cloned();
        self.at += 1;
        t
    }

    fn parse(mut self) -> Result<Cond, SigmaError> {
        let c = self.or()?;
        match self.peek() {
            None => Ok(c),
            Some(t) => Err(self.bad(&format!("unexpected {t:?}"))),
        }
    }

    fn or(&mut self) -> Result<Cond, SigmaError> {
        self.joined("or", Self::and, Cond::Or)
    }

    fn and(&mut self) -> Result<Cond, SigmaError> {
        self.joined("and", Self::not, Cond::And)
    }

    /// Terms of the level below joined by `word`.
    fn joined(
        &mut self,
        word: &str,
        below: fn(&mut Self) -> Result<Cond, SigmaError>,
        make: fn(Vec<Cond>) -> Cond,
    ) -> Result<Cond, SigmaError> {
        let mut parts = vec![below(self)?];
        while self.peek().is_some_and(|t| t.eq_ignore_ascii_case(word)) {
            self.next();
            parts.push(below(self)?);
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            make(parts)
        })
    }

    fn not(&mut self) -> Result<Cond, SigmaError> {
        if self.peek().is_some_and(|t| t.eq_ignore_ascii_case("not")) {
            self.next();
            return Ok(Cond::Not(Box::new(self.not()?)));
        }
        self.atom()
    }

    fn atom(&mut self) -> Result<Cond, SigmaError> {
        let t = self.next().ok_or_else(|| self.bad("it ends too soon"))?;
        if t == "(" {
            let c = self.or()?;
            return match self.next().as_deref() {
                Some(")") => Ok(c),
                _ => Err(self.bad("a parenthesis is not closed")),
            };
        }
        let quantifier = t.eq_ignore_ascii_case("all")
            || t.parse::<u32>().is_ok()
            || t.eq_ignore_ascii_case("any");
        if quantifier && self.peek().is_some_and(|p| p.eq_ignore_ascii_case("of")) {
            self.next();
            if t != "1" && !t.eq_ignore_ascii_case("all") && !t.eq_ignore_ascii_case("any") {
                return Err(Unsupported(format!("{t} of (only 1 of and all of)")));
            }
            let pat = self.next().ok_or_else(|| self.bad("of names nothing"))?;
            let members = self.matching(&pat)?;
            return Ok(if t.eq_ignore_ascii_case("all") {
                Cond::And(members)
            } else {
                Cond::Or(members)
            });
        }
        if self.names.contains(&t.as_str()) {
            Ok(Cond::Sel(t))
        } else {
            Err(self.bad(&format!("{t:?} names no selection")))
        }
    }

    /// The selections a `1 of`/`all of` pattern names (`them`: all of them).
    fn matching(&self, pat: &str) -> Result<Vec<Cond>, SigmaError> {
        let names: Vec<Cond> = self
            .names
            .iter()
            .filter(|n| {
                if pat == "them" {
                    !n.starts_with('_')
                } else if let Some(prefix) = pat.strip_suffix('*') {
                    n.starts_with(prefix)
                } else {
                    **n == pat
                }
            })
            .map(|n| Cond::Sel(n.to_string()))
            .collect();
        if names.is_empty() {
            return Err(self.bad(&format!("{pat:?} names no selection")));
        }
        Ok(names)
    }
}

/// `sigma_match(value, modifiers, patterns, all)`: Sigma's value matching.
/// Text compares without regard to case (unless `cased`) and with `*` and
/// `?` as wildcards (`\` escapes them); a list value matches when an item
/// does; an object (`requestParameters|contains`) matches through its
/// JSON text or any text inside it, as a search of the flattened record
/// would: a policy document is a string within, whose quotes the JSON
/// text escapes. `all` asks every pattern to match, else one.
pub fn sigma_match(value: &Value, mods: &str, pats: &[Value], all: bool) -> Result<bool, String> {
    let items: Vec<&Value> = match value {
        Value::Array(a) => a.iter().collect(),
        Value::Null => return Ok(false),
        one => vec![one],
    };
    let mut texts: Vec<String> = Vec::new();
    for v in items.iter().filter(|v| !v.is_null()) {
        match v {
            Value::String(s) => texts.push(s.clone()),
            Value::Object(_) => {
                texts.push(v.to_string());
                strings_within(v, &mut texts);
            }
            other => texts.push(other.to_string()),
        }
    }
    let mut hits = 0;
    for p in pats {
        let p = match p {
            Value::String(s) => s.clone(),
            Value::Null => continue,
            other => other.to_string(),
        };
        let mut hit = false;
        for t in &texts {
            if one(t, &p, mods)? {
                hit = true;
                break;
            }
        }
        if hit && !all {
            return Ok(true);
        }
        if !hit && all {
            return Ok(false);
        }
        hits += usize::from(hit);
    }
    Ok(all && hits > 0)
}

/// Every string inside a value, at any depth.
fn strings_within(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|x| strings_within(x, out)),
        Value::Object(m) => m.values().for_each(|x| strings_within(x, out)),
        _ => {}
    }
}

fn one(text: &str, pat: &str, mods: &str) -> Result<bool, String> {
    let has = |m: &str| mods.split('|').any(|x| x == m);
    let num = |s: &str| s.trim().parse::<f64>().ok();
    if has("re") {
        return super::budget::matches(text, pat);
    }
    if has("cidr") {
        return Ok(super::ip::cidr_contains(pat, text));
    }
    let compare = |f: fn(f64, f64) -> bool| match (num(text), num(pat)) {
        (Some(a), Some(b)) => f(a, b),
        _ => false,
    };
    if has("gt") {
        return Ok(compare(|a, b| a > b));
    }
    if has("gte") {
        return Ok(compare(|a, b| a >= b));
    }
    if has("lt") {
        return Ok(compare(|a, b| a < b));
    }
    if has("lte") {
        return Ok(compare(|a, b| a <= b));
    }
    let glob = if has("contains") {
        format!("*{pat}*")
    } else if has("startswith") {
        format!("{pat}*")
    } else if has("endswith") {
        format!("*{pat}")
    } else {
        pat.to_string()
    };
    let cased = has("cased");
    if !glob.contains(['*', '?', '\\']) {
        return Ok(if cased {
            text == glob
        } else {
            text.to_lowercase() == glob.to_lowercase()
        });
    }
    super::budget::matches(text, &wildcard_regex(&glob, cased))
}

/// A Sigma wildcard pattern as an anchored regex.
fn wildcard_regex(glob: &str, cased: bool) -> String {
    let mut re = String::from(if cased { "^(?s)" } else { "^(?is)" });
    let mut chars = glob.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '*' => re.push_str(".*"),
            '?' => re.push('.'),
            // `\` escapes a wildcard or itself; before anything else it is
            // a backslash.
            '\\' => match chars.peek() {
                Some(&n) if matches!(n, '*' | '?' | '\\') => {
                    chars.next();
                    re.push_str(&regex::escape(&n.to_string()));
                }
                _ => re.push_str(r"\\"),
            },
            c => re.push_str(&regex::escape(&c.to_string())),
        }
    }
    re.push('$');
    re
}
