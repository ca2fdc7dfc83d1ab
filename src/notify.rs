//! Alerts: post to Slack incoming webhooks (a Slack message within Slack's
//! block limits) or to any other webhook (the JSON report) when a scan has
//! unauthorized or transient changes, or failing findings.
//!
//! Webhook URLs are secrets: they are never printed, logged or written into
//! reports; errors name only the scheme and host.

pub mod state;

use std::time::Duration;

use serde_json::{json, Value};

use crate::attribution::Verdict;
use crate::report::Report;

/// Slack's documented limits for one message.
pub const SLACK_MAX_BLOCKS: usize = 50;
pub const SLACK_MAX_TEXT: usize = 3000;
const SLACK_MAX_HEADER: usize = 150;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum NotifyOn {
    Changes,
    Findings,
    #[default]
    Both,
}

#[derive(Clone, PartialEq, Eq)]
pub enum Target {
    Slack(String),
    Webhook(String),
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the URL itself.
        match self {
            Target::Slack(u) => write!(f, "Slack({})", redact(u)),
            Target::Webhook(u) => write!(f, "Webhook({})", redact(u)),
        }
    }
}

impl Target {
    pub fn url(&self) -> &str {
        match self {
            Target::Slack(u) | Target::Webhook(u) => u,
        }
    }
}

/// `scheme://host/…`: enough to tell which target failed, nothing secret.
pub fn redact(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("?", url));
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.rsplit('@').next().unwrap_or(host);
    format!("{scheme}://{host}/…")
}

/// Parses `--notify`: `slack:URL` forces the Slack format; a
/// `hooks.slack.com` URL is Slack; anything else gets the JSON report.
/// HTTPS only, except to loopback (for local relays and tests).
pub fn parse_target(s: &str) -> Result<Target, String> {
    let (slack, url) = match s.strip_prefix("slack:") {
        Some(u) => (true, u),
        None => (false, s),
    };
    let uri: ureq::http::Uri = url
        .parse()
        .map_err(|_| format!("--notify {}: not a URL", redact(url)))?;
    let scheme = uri.scheme_str().unwrap_or("");
    let hostname = uri
        .host()
        .unwrap_or("")
        .trim_start_matches('[')
        .trim_end_matches(']');
    // Plain http only where nothing crosses a network: a loopback address as
    // an IP, or `localhost`. `127.example.com` is a name anyone can point
    // anywhere, not loopback.
    let loopback = hostname == "localhost"
        || hostname
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    match scheme {
        "https" => {}
        "http" if loopback => {}
        _ => {
            return Err(format!(
                "--notify {}: only https URLs (or http to loopback) are allowed",
                redact(url)
            ))
        }
    }
    if hostname.is_empty() {
        return Err(format!("--notify {}: no host", redact(url)));
    }
    Ok(if slack || hostname == "hooks.slack.com" {
        Target::Slack(url.to_string())
    } else {
        Target::Webhook(url.to_string())
    })
}

/// Whether the report warrants an alert.
pub fn should_notify(r: &Report, on: NotifyOn) -> bool {
    let changes = r.summary.unauthorized > 0 || r.summary.transient_unauthorized > 0;
    let findings = r.summary.failing_findings > 0;
    match on {
        NotifyOn::Changes => changes,
        NotifyOn::Findings => findings,
        NotifyOn::Both => changes || findings,
    }
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
    t.push('…');
    t
}

/// Slack mrkdwn escaping of the three control characters.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Packs lines into section blocks of at most `SLACK_MAX_TEXT` characters,
/// using at most `max_blocks` blocks; returns the blocks and how many lines
/// did not fit.
fn sections(title: &str, lines: &[String], max_blocks: usize) -> (Vec<Value>, usize) {
    let mut blocks = Vec::new();
    let mut cur = format!("*{title}*");
    let mut used = 0;
    for line in lines {
        let line = truncate(line, 500);
        if cur.chars().count() + 1 + line.chars().count() > SLACK_MAX_TEXT {
            if blocks.len() + 1 >= max_blocks {
                break;
            }
            blocks.push(json!({"type": "section", "text": {"type": "mrkdwn", "text": cur}}));
            cur = String::new();
        }
        if !cur.is_empty() {
            cur.push('\n');
        }
        cur.push_str(&line);
        used += 1;
    }
    if !cur.is_empty() && blocks.len() < max_blocks {
        blocks.push(json!({"type": "section", "text": {"type": "mrkdwn", "text": cur}}));
    }
    (blocks, lines.len() - used)
}

/// The Slack message: a headline with the account and counts, then one line
/// per unauthorized change (who, what, when) and per failing finding, capped
/// with "and N more" so it always fits Slack's limits.
pub fn slack_payload(r: &Report) -> Value {
    let s = &r.summary;
    let headline = truncate(
        &format!(
            "driftwatch: account {}{}: {} unauthorized changes, {} transient, {} failing findings",
            r.account,
            r.account_name
                .as_deref()
                .map(|n| format!(" ({n})"))
                .unwrap_or_default(),
            s.unauthorized,
            s.transient_unauthorized,
            s.failing_findings
        ),
        SLACK_MAX_HEADER,
    );
    let mut blocks = vec![
        json!({"type": "header", "text": {"type": "plain_text", "text": headline}}),
        json!({"type": "section", "text": {"type": "mrkdwn", "text": truncate(&format!(
            "State at {}{}. {} changes ({} authorized, {} approved), {} findings ({} suppressed{}).{}",
            r.taken_at,
            r.baseline.as_ref().map(|b| format!(" vs baseline {}", b.taken_at)).unwrap_or_default(),
            s.changes, s.authorized, s.approved, s.findings, s.suppressed_findings,
            if s.authorized_findings > 0 { format!(", {} authorized", s.authorized_findings) } else { String::new() },
            s.gaps(&r.coverage).map(|g| format!(" {g}")).unwrap_or_default()), SLACK_MAX_TEXT)}}),
    ];
    let change_lines: Vec<String> = r
        .changes
        .iter()
        .filter(|c| c.verdict == Verdict::Unauthorized)
        .map(|c| {
            let who = crate::report::who_when(c.attribution, c.actor.as_ref(), &c.events)
                .map(|w| format!(" — {w}"))
                .unwrap_or_default();
            esc(&format!(
                "• `{}` {} {}{}",
                c.change.change.as_str(),
                c.change.resource.id,
                c.change.summary(),
                who
            ))
        })
        .chain(
            r.transient_groups
                .iter()
                .filter(|g| g.verdict == Verdict::Unauthorized)
                .map(|g| {
                    esc(&format!(
                        "• `transient` {} — {}: {}",
                        g.what(),
                        g.who(),
                        g.which()
                    ))
                }),
        )
        .chain(
            r.transient
                .iter()
                .filter(|t| t.verdict == Verdict::Unauthorized)
                .map(|t| {
                    esc(&format!(
                        "• `transient` {} — {} events by {}",
                        t.resource.id,
                        t.events.len(),
                        t.actor.as_ref().map(|a| a.display()).unwrap_or_default()
                    ))
                }),
        )
        .collect();
    let finding_lines: Vec<String> = r
        .findings
        .iter()
        .filter(|f| r.fails(f))
        .map(|f| {
            esc(&format!(
                "• `{}` {} {}",
                f.severity.as_str(),
                f.check,
                f.message
            ))
        })
        .collect();
    // Keep room: header + summary + two "and N more" contexts.
    let budget = SLACK_MAX_BLOCKS - blocks.len() - 2;
    let (change_blocks, more_changes) = sections("Unauthorized changes", &change_lines, budget / 2);
    let (finding_blocks, more_findings) = sections(
        "Failing findings",
        &finding_lines,
        budget - change_blocks.len(),
    );
    if !change_lines.is_empty() {
        blocks.extend(change_blocks);
        if more_changes > 0 {
            blocks.push(json!({"type": "context", "elements": [{"type": "mrkdwn", "text": format!("and {more_changes} more changes")}]}));
        }
    }
    if !finding_lines.is_empty() {
        blocks.extend(finding_blocks);
        if more_findings > 0 {
            blocks.push(json!({"type": "context", "elements": [{"type": "mrkdwn", "text": format!("and {more_findings} more findings")}]}));
        }
    }
    json!({"text": headline, "blocks": blocks})
}

/// Alert targets and when to use them, resolved from flags and config.
#[derive(Debug, Clone, Default)]
pub struct Alerts {
    pub targets: Vec<Target>,
    pub on: NotifyOn,
    pub timeout: Option<Duration>,
    /// Where to remember what was sent; `None` sends every run (no
    /// baseline to keep it beside, and no `--notify-state`).
    pub state: Option<std::path::PathBuf>,
    /// How long an item already sent stays quiet.
    pub realert: jiff::SignedDuration,
    /// `--notify-all`: no memory, whatever the defaults.
    pub every_run: bool,
}

impl Alerts {
    /// A scan's alerts remember what they sent beside its baseline unless
    /// told where (or told not to).
    pub fn remember_beside(&mut self, baseline: &std::path::Path) {
        if self.state.is_none() && !self.every_run && !self.targets.is_empty() {
            self.state = Some(state::beside(baseline));
        }
    }
}

impl Alerts {
    /// The alerts of one account's section in a run over many: each
    /// account remembers what was sent beside its own baseline, or, with
    /// `--notify-state FILE`, in `FILE` with the account before its
    /// extension, so one account's items never quiet another's.
    pub fn for_section(&self, r: &Report) -> Alerts {
        let mut a = self.clone();
        if a.every_run || a.targets.is_empty() {
            return a;
        }
        a.state = Some(match &self.state {
            Some(p) => {
                let stem = p.file_stem().map(|s| s.to_string_lossy().to_string());
                let ext = p.extension().map(|e| format!(".{}", e.to_string_lossy()));
                p.with_file_name(format!(
                    "{}.{}{}",
                    stem.unwrap_or_default(),
                    r.account,
                    ext.unwrap_or_default()
                ))
            }
            None => state::beside(
                &r.baseline
                    .as_ref()
                    .map(|b| std::path::PathBuf::from(&b.path))
                    .unwrap_or_else(|| crate::baseline::default_path(&r.account)),
            ),
        });
        a
    }
}

/// Sends the alerts a report warrants; returns delivery errors (URLs
/// redacted). Nothing is sent when no target is set or nothing qualifies;
/// with a memory, only what is due (see [`state`]).
pub fn deliver(report: &Report, alerts: &Alerts) -> Vec<String> {
    if alerts.targets.is_empty() {
        return vec![];
    }
    let mut d = Delivery::default();
    if let Some(t) = alerts.timeout {
        d.timeout = t;
    }
    let Some(path) = alerts.state.as_ref().filter(|_| !alerts.every_run) else {
        if !should_notify(report, alerts.on) {
            return vec![];
        }
        return send(&alerts.targets, report, d);
    };
    let m = state::Memory {
        path: path.clone(),
        realert: alerts.realert,
    };
    deliver_once(report, alerts, &m, d).unwrap_or_else(|e| vec![format!("{e:#}")])
}

/// Delivery with a memory: under a lock, what is due is sent and
/// remembered once every target took it.
fn deliver_once(
    report: &Report,
    alerts: &Alerts,
    m: &state::Memory,
    d: Delivery,
) -> anyhow::Result<Vec<String>> {
    let _lock = crate::fsutil::lock_dir_of(&m.path)?;
    let mut memory = state::load(&m.path)?;
    let now = jiff::Timestamp::now();
    let due = state::fresh(report, &memory, now, m.realert);
    let mut errors = Vec::new();
    if should_notify(&due, alerts.on) {
        errors = send(&alerts.targets, &due, d);
        if errors.is_empty() {
            state::remember(&mut memory, report, &due, now);
        }
    } else {
        state::forget_gone(&mut memory, report);
    }
    state::save(&m.path, &memory)?;
    Ok(errors)
}

/// Delivery settings.
#[derive(Debug, Clone, Copy)]
pub struct Delivery {
    pub timeout: Duration,
    pub attempts: u32,
    pub backoff: Duration,
}

impl Default for Delivery {
    fn default() -> Self {
        Delivery {
            timeout: Duration::from_secs(10),
            attempts: 3,
            backoff: Duration::from_millis(500),
        }
    }
}

/// TLS as the AWS SDK does it: rustls with aws-lc-rs, trusting the
/// system's root certificates (a corporate proxy's root included).
fn tls() -> ureq::tls::TlsConfig {
    let roots: Vec<ureq::tls::Certificate<'static>> = rustls_native_certs::load_native_certs()
        .certs
        .iter()
        .map(|c| ureq::tls::Certificate::from_der(c.as_ref()).to_owned())
        .collect();
    ureq::tls::TlsConfig::builder()
        .provider(ureq::tls::TlsProvider::Rustls)
        .root_certs(ureq::tls::RootCerts::Specific(std::sync::Arc::new(roots)))
        .unversioned_rustls_crypto_provider(std::sync::Arc::new(
            rustls::crypto::aws_lc_rs::default_provider(),
        ))
        .build()
}

/// Posts the alert to every target; returns one error line per failed one.
pub fn send(targets: &[Target], report: &Report, d: Delivery) -> Vec<String> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(d.timeout))
        .http_status_as_error(false)
        .tls_config(tls())
        .build()
        .into();
    // Each payload is built once, and only if some target wants it.
    let json_report = targets
        .iter()
        .any(|t| matches!(t, Target::Webhook(_)))
        .then(|| serde_json::to_vec(report).expect("report serializes"));
    let slack = targets
        .iter()
        .any(|t| matches!(t, Target::Slack(_)))
        .then(|| serde_json::to_vec(&slack_payload(report)).expect("payload serializes"));
    let mut errors = Vec::new();
    for t in targets {
        let body = match t {
            Target::Slack(_) => slack.as_deref(),
            Target::Webhook(_) => json_report.as_deref(),
        }
        .expect("built for this target kind");
        if let Err(e) = post(&agent, t.url(), body, d) {
            errors.push(format!("notification to {} failed: {e}", redact(t.url())));
        }
    }
    errors
}

fn post(agent: &ureq::Agent, url: &str, body: &[u8], d: Delivery) -> Result<(), String> {
    let mut last = String::new();
    for attempt in 0..d.attempts.max(1) {
        if attempt > 0 {
            std::thread::sleep(d.backoff * 2u32.pow(attempt - 1));
        }
        match agent
            .post(url)
            .header("Content-Type", "application/json")
            .header(
                "User-Agent",
                concat!("driftwatch/", env!("CARGO_PKG_VERSION")),
            )
            .send(body)
        {
            Ok(resp) => {
                let status = resp.status().as_u16();
                if (200..300).contains(&status) {
                    return Ok(());
                }
                last = format!("HTTP {status}");
                // Client errors (bad URL, revoked hook) will not heal with retries.
                if (400..500).contains(&status) && status != 408 && status != 429 {
                    return Err(last);
                }
            }
            Err(e) => {
                // ureq's messages may quote the URL: describe the kind only.
                last = match e {
                    ureq::Error::Timeout(_) => "timed out".into(),
                    ureq::Error::ConnectionFailed => "connection failed".into(),
                    ureq::Error::HostNotFound => "host not found".into(),
                    // rustls reports a failed handshake as an I/O error.
                    ureq::Error::Io(io)
                        if io.get_ref().is_some_and(|e| e.is::<rustls::Error>()) =>
                    {
                        "TLS error".into()
                    }
                    ureq::Error::Io(io) => format!("I/O error ({:?})", io.kind()),
                    ureq::Error::Tls(_) => "TLS error".into(),
                    _ => "request failed".into(),
                };
            }
        }
    }
    Err(format!("{last} after {} attempts", d.attempts.max(1)))
}

#[cfg(test)]
mod tests;
