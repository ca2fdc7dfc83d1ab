//! Posture checks: one TOML file per check (built-ins embedded from
//! `checks/`, more from `--checks DIR`, where Sigma rules become event
//! checks too: `sigma.rs`), each a CEL expression over one resource and an
//! index of the snapshot (or one CloudTrail record: `events.rs`), evaluated
//! into findings; suppressions with an owner and an expiry.
//!
//! A check's `expression` returns `true` (the resource fails) or a list of
//! evidence (the resource fails when the list is not empty; each element names
//! the rule, statement or record at fault: a string, or an evidence item whose
//! `text` is the evidence and whose policy place, `location.rs`, becomes the
//! finding's `locations`). Variables available:
//! - `resource`: `{id, kind, region, native_id, arn, attrs}`
//! - `docs`: for IAM kinds, policy documents by name (inline ones, or the
//!   managed policy's own document), each with its place as `$policy`
//! - `index`: lookups across the snapshot (see [`index`])
//! - `config`: the `[checks]` settings; `account`; `now` (RFC 3339)
//!
//! Functions beyond CEL's own (`functions.rs`): for every check,
//! `is_private_ip(s)`, `is_public_ip(s)`, `cidr_contains(cidr, ip)`,
//! `dns_name(s)`, `at(value, "a.b.0")`, `foreign_accounts(ids)`; for
//! resource checks, the rule functions (`expand_prefix_lists`,
//! `world_open_ports`, `world_open_ranges`, `world_open_all_ports`,
//! `wide_public`), the policy functions (`public_statements`,
//! `aws_principals`; `public_grants`, `foreign_grants`, `escalation_paths`,
//! `policy_statements`, `with_clause`, whose items name the statement) and
//! the ones that read across the snapshot (`world_open_groups`,
//! `effective_public_access_block`, `aws_address`). Known findings, the reviewed state's, are `known.rs`.

mod accounts;
mod aws_ranges;
mod budget;
mod celval;
mod escalation;
mod eval;
pub mod events;
pub(crate) mod fast;
mod functions;
mod index;
mod ip;
pub mod known;
pub mod location;
mod network;
mod policy;
mod public_access;
pub mod sigma;
pub mod suppress;

use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Result};
use serde::{Deserialize, Serialize};

use crate::model::Risk;

pub use eval::{evaluate, finding_id, CheckError};
pub use index::build_index;

include!(concat!(env!("OUT_DIR"), "/builtin_checks.rs"));

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

/// Which findings fail a run: those at or above a severity, or none
/// (`--fail-on none`, for report-only adoption).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailOn {
    None,
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl FailOn {
    fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::None => None,
            FailOn::Info => Some(Severity::Info),
            FailOn::Low => Some(Severity::Low),
            FailOn::Medium => Some(Severity::Medium),
            FailOn::High => Some(Severity::High),
            FailOn::Critical => Some(Severity::Critical),
        }
    }
    /// True when an unsuppressed finding of this severity fails the run.
    pub fn fails(self, s: Severity) -> bool {
        self.threshold().is_some_and(|t| s >= t)
    }
    pub fn as_str(self) -> &'static str {
        self.threshold().map(Severity::as_str).unwrap_or("none")
    }
}

pub const RISKS: &[&str] = &["asset", "dns", "data", "iam", "network", "visibility"];

/// What a check reads: one resource of the snapshot, or one CloudTrail record.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    #[default]
    Resource,
    Event,
}

impl Target {
    pub fn as_str(self) -> &'static str {
        match self {
            Target::Resource => "resource",
            Target::Event => "event",
        }
    }
}

/// A check file as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CheckFile {
    id: String,
    title: String,
    severity: Severity,
    risk: String,
    #[serde(default)]
    target: Target,
    /// Resource kinds the check applies to (resource checks).
    #[serde(default)]
    kinds: Vec<String>,
    /// Event checks: eventName globs of the records read.
    #[serde(default)]
    events: Vec<String>,
    /// Event checks: eventSource values (`cloudtrail.amazonaws.com`); empty
    /// means any.
    #[serde(default)]
    sources: Vec<String>,
    /// Event checks: `success` (default), `failure` or `any`.
    #[serde(default)]
    outcome: events::CallOutcome,
    /// Event checks: a CEL expression giving the key records are counted
    /// by; one finding per key that reaches `threshold`.
    #[serde(default)]
    group_by: Option<String>,
    /// Event checks: records of one key needed for a finding (default 1).
    #[serde(default)]
    threshold: Option<u64>,
    /// Event checks: a CEL expression giving how many things one matching
    /// record stands for (objects in a batch delete), counted toward
    /// `threshold` and `{count}`; default 1.
    #[serde(default)]
    weight: Option<String>,
    /// Event checks: `userIdentity.type` values (`Root`, `IAMUser`, ...);
    /// empty means any. Checked before the record is parsed.
    #[serde(default)]
    identity_types: Vec<String>,
    /// Event checks: errorCode globs (`AccessDenied*`), for failed calls.
    #[serde(default)]
    error_codes: Vec<String>,
    /// Event checks: globs over the role session name of `AssumedRole`
    /// callers (`i-*`: credentials an instance got from its metadata).
    #[serde(default)]
    sessions: Vec<String>,
    /// Event checks: `any` (default), `public` (a public address) or
    /// `outside_aws` (a public address outside AWS's EC2 ranges).
    #[serde(default)]
    from: events::Origin,
    /// Event checks: `respect` (default) lets `[[allow]]` rules authorize
    /// the records; `ignore` reports them whoever made them.
    #[serde(default)]
    policy: events::PolicyUse,
    expression: toml::Spanned<String>,
    message: String,
    rationale: String,
    remediation: String,
    #[serde(default)]
    references: Vec<String>,
}

/// A loaded, compiled check.
#[derive(Debug, Clone)]
pub struct Check {
    pub id: String,
    pub title: String,
    pub severity: Severity,
    pub risk: Risk,
    pub target: Target,
    pub kinds: Vec<String>,
    /// Event checks: the records read, and how they are counted.
    pub on: Option<events::EventFilter>,
    pub expression: String,
    pub message: String,
    pub rationale: String,
    pub remediation: String,
    pub references: Vec<String>,
    /// `builtin:checks/SG002.toml` or the user's file path.
    pub source: String,
    /// The compiled expression, each comprehension ticking the time
    /// budget ([`budget`]).
    pub(crate) program: std::sync::Arc<cel::parser::Expression>,
}

/// The largest expression a check may have: built-in ones stay under 600
/// characters, depth 6 and 70 operator characters.
pub const MAX_EXPRESSION_CHARS: usize = 8192;
pub const MAX_EXPRESSION_DEPTH: usize = 32;
pub const MAX_EXPRESSION_OPERATORS: usize = 200;

/// The parser and evaluator recurse once per nesting level and per chained
/// operator (`a.b.c...`, `1 + 1 + ...`): a user's check 50,000 deep would
/// overflow the stack and abort the process. Such an expression is refused
/// at load time, before it is parsed.
fn within_limits(expr: &str) -> Result<(), String> {
    if expr.len() > MAX_EXPRESSION_CHARS {
        return Err(format!(
            "expression is {} characters; the limit is {MAX_EXPRESSION_CHARS}",
            expr.len()
        ));
    }
    let (mut depth, mut deepest, mut operators) = (0usize, 0usize, 0usize);
    let mut in_string: Option<char> = None;
    let mut prev = ' ';
    for ch in expr.chars() {
        match (in_string, ch) {
            (Some(q), c) if c == q && prev != '\\' => in_string = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => in_string = Some(ch),
            (None, '(' | '[' | '{') => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            (None, ')' | ']' | '}') => depth = depth.saturating_sub(1),
            (None, '.' | '+' | '-' | '*' | '/' | '%' | '&' | '|' | '=' | '<' | '>' | '!' | '?') => {
                operators += 1
            }
            _ => {}
        }
        prev = ch;
    }
    if deepest > MAX_EXPRESSION_DEPTH {
        return Err(format!(
            "expression nests {deepest} deep; the limit is {MAX_EXPRESSION_DEPTH}"
        ));
    }
    if operators > MAX_EXPRESSION_OPERATORS {
        return Err(format!(
            "expression has {operators} operators; the limit is {MAX_EXPRESSION_OPERATORS}"
        ));
    }
    Ok(())
}

/// Runs `f` where parsing and evaluating an expression within the limits
/// above cannot overflow the stack: on a worker of [`crate::parallel`].
pub(crate) fn on_big_stack<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    crate::parallel::install(f)
}

/// Parses and compiles one check file; errors name the file and line.
pub fn parse_check(source: &str, text: &str) -> Result<Check> {
    let f: CheckFile = toml::from_str(text)
        .map_err(|e| anyhow!("{source}: {}", crate::tomlerr::toml_error(text, &e)))?;
    let expr_line = {
        let span = f.expression.span();
        let mut line = text[..span.start].matches('\n').count() + 1;
        // A multi-line string opened by ''' or """ and a newline starts below.
        let raw = &text[span.start..span.end.min(text.len())];
        if raw.starts_with("'''\n") || raw.starts_with("\"\"\"\n") {
            line += 1;
        }
        line
    };
    let line_of = |field: &str| {
        text.lines()
            .position(|l| l.trim_start().starts_with(field))
            .map(|i| i + 1)
            .unwrap_or(1)
    };
    if f.id.trim().is_empty()
        || !f
            .id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        bail!(
            "{source}: line {}: id {:?} must be letters, digits, - or _",
            line_of("id"),
            f.id
        );
    }
    let Some(risk) = Risk::REPORT_ORDER
        .into_iter()
        .find(|r| r.as_str() == f.risk)
    else {
        bail!(
            "{source}: line {}: risk {:?} is not one of {}",
            line_of("risk"),
            f.risk,
            RISKS.join(", ")
        );
    };
    let program = compile_program(source, expr_line, f.expression.get_ref())?;
    let on = match f.target {
        Target::Resource => {
            resource_target(source, &f, &line_of)?;
            None
        }
        Target::Event => {
            if !f.kinds.is_empty() {
                bail!(
                    "{source}: line {}: an event check reads CloudTrail records: name them with events = [...], not kinds",
                    line_of("kinds")
                );
            }
            Some(events::EventFilter::compile(
                source, &f, &program, &line_of,
            )?)
        }
    };
    let expression = f.expression.into_inner();
    Ok(Check {
        id: f.id,
        title: f.title,
        severity: f.severity,
        risk,
        target: f.target,
        kinds: f.kinds,
        on,
        expression,
        message: f.message,
        rationale: f.rationale,
        remediation: f.remediation,
        references: f.references,
        source: source.to_string(),
        program,
    })
}

/// Checks an expression against the size limits, compiles it, refuses
/// `lists.range`, and instruments it for the time budget. Errors name the
/// file and the line (`line` is where the expression starts).
pub(crate) fn compile_program(
    source: &str,
    line: usize,
    text: &str,
) -> Result<std::sync::Arc<cel::parser::Expression>> {
    if let Err(why) = within_limits(text) {
        bail!("{source}: line {line}: {why}");
    }
    let program = on_big_stack(|| cel_env().compile(text)).map_err(|e| {
        let first = e.errors.first();
        let (l, c) = first.map(|x| x.pos).unwrap_or((1, 0));
        let msg = first
            .map(|x| x.msg.clone())
            .unwrap_or_else(|| e.to_string());
        anyhow!(
            "{source}: line {}: expression does not compile (column {c}): {msg}",
            line + (l.max(1) as usize) - 1
        )
    })?;
    if on_big_stack(|| budget::builds_ranges(program.expression())) {
        bail!(
            "{source}: line {line}: lists.range is not available in checks: a check reads the resource, it does not build data"
        );
    }
    let mut instrumented = program.expression().clone();
    on_big_stack(|| budget::instrument(&mut instrumented));
    Ok(std::sync::Arc::new(instrumented))
}

/// A resource check names known kinds and nothing of event checks.
fn resource_target(source: &str, f: &CheckFile, line_of: &dyn Fn(&str) -> usize) -> Result<()> {
    if let Some(field) = events::EventFilter::fields_set(f) {
        bail!(
            "{source}: line {}: {field} is for event checks (target = \"event\")",
            line_of(field)
        );
    }
    if f.kinds.is_empty() {
        bail!(
            "{source}: line {}: kinds must name at least one resource kind",
            line_of("kinds")
        );
    }
    for k in &f.kinds {
        if crate::kinds::by_name(k).is_none() {
            bail!(
                "{source}: line {}: unknown resource kind {k:?}",
                line_of("kinds")
            );
        }
    }
    Ok(())
}

/// The CEL environment: the standard library plus the strings and lists
/// extensions (`lowerAscii`, `substring`, `join`, `flatten`, ...).
pub(crate) fn cel_env() -> std::sync::Arc<cel::Env> {
    static ENV: std::sync::OnceLock<std::sync::Arc<cel::Env>> = std::sync::OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = cel::Env::stdlib();
        env.add_extension(cel::extensions::strings)
            .expect("strings extension");
        env.add_extension(cel::extensions::lists)
            .expect("lists extension");
        std::sync::Arc::new(env)
    })
    .clone()
}

/// The checks of a run: the built-ins, `[checks] dirs`, then `--checks`
/// dirs; a `[checks] disable` entry naming no check is refused. What
/// loading has to say (Sigma rules skipped) goes to stderr.
pub fn load(cfg: &ChecksConfig, extra: &[PathBuf]) -> Result<Vec<Check>> {
    let (checks, warnings) = load_reporting(cfg, extra)?;
    for w in warnings {
        eprintln!("warning: {w}");
    }
    Ok(checks)
}

/// [`load`], with what loading has to say returned for the report.
pub fn load_reporting(
    cfg: &ChecksConfig,
    extra: &[PathBuf],
) -> Result<(Vec<Check>, Vec<crate::warning::Warning>)> {
    let mut dirs = cfg.dirs.clone();
    dirs.extend(extra.iter().cloned());
    let (checks, warnings) = registry_with(&dirs, cfg.sigma_skip_unsupported)?;
    if let Some(id) = cfg
        .disable
        .iter()
        .find(|id| !checks.iter().any(|c| &c.id == *id))
    {
        bail!("[checks] disable names {id}, which is not a check");
    }
    Ok((checks, warnings))
}

/// Every check: the built-ins, then each directory's `*.toml` and Sigma
/// rules in name order. A duplicate id is an error naming both files.
pub fn registry(dirs: &[PathBuf]) -> Result<Vec<Check>> {
    Ok(registry_with(dirs, false)?.0)
}

fn registry_with(
    dirs: &[PathBuf],
    skip_unsupported: bool,
) -> Result<(Vec<Check>, Vec<crate::warning::Warning>)> {
    let mut checks = Vec::new();
    let mut warnings = Vec::new();
    for (name, text) in BUILTIN {
        checks.push(parse_check(&format!("builtin:checks/{name}"), text)?);
    }
    for d in dirs {
        checks.extend(load_dir(d, skip_unsupported, &mut warnings)?);
    }
    let mut seen: std::collections::BTreeMap<&str, &str> = Default::default();
    for c in &checks {
        if let Some(prev) = seen.insert(&c.id, &c.source) {
            bail!(
                "{}: check id {} is already defined by {prev}",
                c.source,
                c.id
            );
        }
    }
    checks.sort_by(|a, b| a.id.cmp(&b.id));
    Ok((checks, warnings))
}

fn load_dir(
    dir: &Path,
    skip_unsupported: bool,
    warnings: &mut Vec<crate::warning::Warning>,
) -> Result<Vec<Check>> {
    let rd = std::fs::read_dir(dir)
        .map_err(|e| anyhow!("{}: cannot read check directory: {e}", dir.display()))?;
    let mut files: Vec<PathBuf> = rd
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| {
            p.extension()
                .is_some_and(|x| x == "toml" || x == "yml" || x == "yaml")
        })
        .collect();
    files.sort();
    let mut out = Vec::new();
    for p in &files {
        let text = crate::fsutil::read_regular_text(p)
            .map_err(|e| anyhow!("{}: cannot read: {e}", p.display()))?;
        let source = p.display().to_string();
        if p.extension().is_some_and(|x| x == "toml") {
            out.push(parse_check(&source, &text)?);
            continue;
        }
        match sigma::to_check_toml(&text) {
            Ok(toml) => out.push(parse_check(&source, &toml)?),
            Err(sigma::SigmaError::Unsupported(what)) if skip_unsupported => {
                warnings.push(crate::warning::Warning::new(
                    crate::warning::WarningCode::SigmaRuleSkipped,
                    format!("{source}: Sigma rule skipped: {what}"),
                ))
            }
            Err(e @ sigma::SigmaError::Unsupported(_)) => {
                bail!("{source}: {e} (--sigma-skip-unsupported skips such rules with a warning)")
            }
            Err(e) => bail!("{source}: not a Sigma rule driftwatch can read: {e}"),
        }
    }
    Ok(out)
}

/// `driftwatch checks explain ID`.
pub fn explain(c: &Check) -> String {
    let applies = match &c.on {
        None => c.kinds.join(", "),
        Some(on) => format!("CloudTrail records: {}", on.describe()),
    };
    let mut s = format!(
        "{} {}\nseverity: {}   risk: {}   applies to: {}\nsource: {}\n\nWhy it matters:\n{}\n\nHow to fix:\n{}\n",
        c.id,
        c.title,
        c.severity.as_str(),
        c.risk,
        applies,
        c.source,
        c.rationale.trim(),
        c.remediation.trim()
    );
    if !c.references.is_empty() {
        s.push_str("\nReferences:\n");
        for r in &c.references {
            s.push_str(&format!("  {r}\n"));
        }
    }
    s.push_str(&format!("\nExpression:\n{}\n", c.expression.trim()));
    s
}

/// A failed check on one resource.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable: hash of check id, resource id and evidence.
    pub id: String,
    pub check: String,
    pub title: String,
    pub severity: Severity,
    pub risk: Risk,
    pub resource: crate::diff::ResourceRef,
    pub message: String,
    pub evidence: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suppressed: Option<suppress::SuppressionRef>,
    /// Event checks: the `[[allow]]` rules that authorized every record
    /// behind the finding, which then neither fails the run nor alerts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authorized_by: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// Policy findings: the policies, statements and clauses behind the
    /// evidence, where to put the fix.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub locations: Vec<location::Location>,
    /// Event checks: the records behind the finding.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub events: Option<events::EventEvidence>,
    /// New, updated or known against the baseline's reviewed findings;
    /// absent where no baseline was compared (`check`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<known::FindingStatus>,
}

impl Finding {
    /// Why the finding neither fails the run nor alerts, when it does not:
    /// a suppression, or `[[allow]]` rules that authorized its records.
    pub fn set_aside(&self) -> Option<String> {
        match (&self.suppressed, self.authorized_by.as_slice()) {
            (Some(s), _) => Some(s.describe()),
            (None, []) => None,
            (None, rules) => Some(format!("authorized by [[allow]] rule {}", rules.join(", "))),
        }
    }

    /// `suppressed`, `authorized`, or nothing: the word beside the severity.
    pub fn set_aside_word(&self) -> Option<&'static str> {
        if self.suppressed.is_some() {
            Some("suppressed")
        } else if !self.authorized_by.is_empty() {
            Some("authorized")
        } else {
            None
        }
    }
}

/// Settings for the built-in checks, from `[checks]` in the config.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChecksConfig {
    /// Accounts allowed to be granted access or trusted (besides this one).
    #[serde(default)]
    pub known_accounts: Vec<String>,
    /// AMIs instances may be launched from; empty means any.
    #[serde(default)]
    pub allowed_images: Vec<String>,
    /// Regex for names that must not appear in public zones.
    #[serde(default = "default_internal")]
    pub internal_name_pattern: String,
    /// Condition keys that make a public grant non-public.
    #[serde(default = "default_restricting")]
    pub restricting_condition_keys: Vec<String>,
    /// Days after which an access key is old.
    #[serde(default = "default_key_age")]
    pub max_key_age_days: i64,
    /// Ports a world-open rule must not reach: databases, caches, search,
    /// queues, file sharing, directory, remote access, container and cluster
    /// control planes (SG004, SG007).
    #[serde(default = "default_sensitive_ports")]
    pub sensitive_ports: Vec<i64>,
    /// A public source wider than this IPv4 prefix is reported (SG008).
    #[serde(default = "default_prefix_v4")]
    pub max_public_prefix_v4: i64,
    /// A public source wider than this IPv6 prefix is reported (SG008).
    #[serde(default = "default_prefix_v6")]
    pub max_public_prefix_v6: i64,
    /// Days CloudTrail logs must be kept before a lifecycle rule may
    /// expire them.
    #[serde(default = "default_log_retention")]
    pub min_log_retention_days: i64,
    /// A password or access key unused this many days is reported while
    /// still enabled (IAM012, IAM013).
    #[serde(default = "default_key_age")]
    pub max_unused_days: i64,
    /// Root user use within this many days is reported (IAM011).
    #[serde(default = "default_key_age")]
    pub root_recent_days: i64,
    /// The organization the account must belong to (`o-...`); unset, no
    /// membership is judged (ORG001).
    #[serde(default)]
    pub organization_id: Option<String>,
    /// Certificate authorities Roles Anywhere may trust: ACM Private CA ARNs
    /// or `sha256:<hex>` certificate fingerprints (RA001).
    #[serde(default)]
    pub trusted_cas: Vec<String>,
    /// More check directories.
    #[serde(default)]
    pub dirs: Vec<PathBuf>,
    /// Check ids not to run.
    #[serde(default)]
    pub disable: Vec<String>,
    /// Skip Sigma rules driftwatch cannot evaluate (warning W007) instead
    /// of refusing them; `--sigma-skip-unsupported` sets it too.
    #[serde(default)]
    pub sigma_skip_unsupported: bool,
    /// Milliseconds one check may spend on one resource; past it the
    /// resource's result is unknown (W001) and the check's remaining
    /// resources are not evaluated.
    #[serde(default = "default_time_budget")]
    pub time_budget_ms: u64,
}

fn default_time_budget() -> u64 {
    1000
}

fn default_internal() -> String {
    r"(^|\.)(internal|intranet|corp|lan|local|localdomain|private)\.?$".into()
}

fn default_restricting() -> Vec<String> {
    [
        "aws:SourceVpce",
        "aws:SourceVpc",
        "aws:SourceIp",
        "aws:SourceArn",
        "aws:SourceAccount",
        "aws:SourceOrgID",
        "aws:PrincipalOrgID",
        "aws:PrincipalAccount",
        "aws:PrincipalArn",
        "aws:PrincipalOrgPaths",
        "aws:userid",
        "aws:username",
        "sts:ExternalId",
        // SNS's default topic policy: everyone, as long as the topic's owner is the account.
        "aws:SourceOwner",
        // KMS's AWS-managed key policies: everyone, calling from the account.
        "kms:CallerAccount",
    ]
    .into_iter()
    .map(String::from)
    .collect()
}

fn default_key_age() -> i64 {
    90
}

fn default_sensitive_ports() -> Vec<i64> {
    vec![
        20, 21, 23, 88, 135, 137, 138, 139, 389, 445, 636, 1433, 1434, 1521, 2375, 2376, 2379,
        2380, 2483, 2484, 3306, 5432, 5601, 5900, 6379, 6443, 7199, 8888, 9092, 9160, 9200, 9300,
        10250, 11211, 27017, 27018,
    ]
}

fn default_prefix_v4() -> i64 {
    16
}

fn default_prefix_v6() -> i64 {
    32
}

fn default_log_retention() -> i64 {
    365
}

impl Default for ChecksConfig {
    fn default() -> Self {
        toml::from_str("").expect("defaults")
    }
}

#[cfg(test)]
mod tests;
