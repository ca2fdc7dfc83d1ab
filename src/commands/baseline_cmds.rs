//! `driftwatch baseline save` and `baseline show`.

use std::path::{Path, PathBuf};

use anyhow::{bail, Result};

use super::{current_state, Outcome, Output};
use crate::baseline::{self, Baseline};
use crate::resolve::{Acceptance, Current};

/// Writes the current state as the baseline, with the findings it holds
/// accepted as known. A baseline that holds approvals is replaced only with
/// `--force`: they would be lost silently.
pub fn save(
    current: Current,
    out: Option<PathBuf>,
    force: bool,
    accept: &Acceptance,
    quiet: bool,
    now: jiff::Timestamp,
) -> Result<Outcome> {
    // Checked before the (slow) read of the account when the path is known.
    if let Some(p) = &out {
        refuse_losing_approvals(p, force)?;
    }
    let (snap, _) = current_state(current, quiet)?;
    save_state(snap, out, force, accept, now)
}

/// Writes a state read as the baseline at `out` (default: the account's).
pub(super) fn save_state(
    snap: crate::model::Snapshot,
    out: Option<PathBuf>,
    force: bool,
    accept: &Acceptance,
    now: jiff::Timestamp,
) -> Result<Outcome> {
    let path = out.unwrap_or_else(|| baseline::default_path(&snap.account));
    // And again under the lock: an approval may have landed meanwhile.
    let _lock = crate::fsutil::lock_dir_of(&path)?;
    refuse_losing_approvals(&path, force)?;
    let every_value = snap.fully_read();
    let mut messages: Vec<String> = snap
        .coverage
        .values()
        .filter(|c| !c.is_full())
        .map(|c| format!("not read: {}", c.describe()))
        .collect();
    let snap = match (every_value, path.exists()) {
        (false, true) => {
            messages.push(format!(
                "kept what {} had wherever this state could not be read",
                path.display()
            ));
            super::fold(&baseline::load(&path)?.into_snapshot(), &snap)
        }
        _ => snap,
    };
    let mut b = Baseline::new(snap);
    b.known_findings = super::accepted_findings(&b.snapshot, accept, now);
    baseline::save(&path, &b)?;
    messages.push(format!(
        "baseline written to {}{}",
        path.display(),
        known_note(b.known_findings.len(), accept)
    ));
    Ok(Outcome {
        output: Output::None,
        code: if every_value {
            crate::ExitStatus::Clean
        } else {
            crate::ExitStatus::Incomplete
        },
        messages,
        alerts: None,
    })
}

/// `, with 85 findings accepted as known`, or why none were.
pub(super) fn known_note(n: usize, accept: &Acceptance) -> String {
    if accept.checks.is_empty() {
        ", no findings accepted (--no-checks): every finding of the next scan is new".into()
    } else {
        format!(
            ", with {} accepted as known (a scan reports them as known, not new)",
            crate::report::plural(n, "finding", "findings")
        )
    }
}

pub(super) fn refuse_losing_approvals(path: &Path, force: bool) -> Result<()> {
    if force || !path.exists() {
        return Ok(());
    }
    let n = baseline::load(path)?
        .into_baseline()
        .approvals
        .iter()
        .filter(|a| !a.is_whole_state())
        .count();
    if n > 0 {
        bail!(
            "{}: holds {n} approval(s) that saving would drop; approve with `baseline approve --all` to keep the log, or pass --force",
            path.display()
        );
    }
    Ok(())
}

pub fn show(path: &Path, b: &Baseline, json: bool, now: jiff::Timestamp) -> Result<Outcome> {
    if json {
        let summary = serde_json::json!({
            "path": path.display().to_string(),
            "account": b.snapshot.account,
            "taken_at": b.snapshot.taken_at,
            "resources": b.snapshot.resources.len(),
            "coverage": b.snapshot.coverage.values().collect::<Vec<_>>(),
            "approvals": b.approvals,
            "reviewed_until": b.reviewed_until(),
            "known_findings": b.known_findings,
        });
        return Ok(Outcome::stdout(crate::to_pretty_json(&summary)?));
    }
    Ok(Outcome {
        output: Output::Bytes {
            bytes: show_baseline(b, path, now).into_bytes(),
            path: None,
        },
        code: crate::ExitStatus::Clean,
        messages: vec![],
        alerts: None,
    })
}

/// `baseline show` as text.
pub fn show_baseline(b: &Baseline, path: &Path, now: jiff::Timestamp) -> String {
    use std::collections::BTreeMap;
    use std::fmt::Write;
    let mut s = String::new();
    let snap = &b.snapshot;
    let _ = writeln!(s, "baseline {} (account {})", path.display(), snap.account);
    let _ = writeln!(
        s,
        "taken at {} by driftwatch {}",
        snap.taken_at, snap.driftwatch_version
    );
    if let Some(r) = &b.reviewed_at {
        let _ = writeln!(s, "reviewed until {r} (changes since approved one by one)");
    }
    let _ = writeln!(s, "regions: {}", snap.regions.join(", "));
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    for r in snap.resources.values() {
        *kinds.entry(&r.kind).or_default() += 1;
    }
    let _ = writeln!(s, "resources: {}", snap.resources.len());
    for (k, n) in kinds {
        let _ = writeln!(s, "  {k:<34} {n}");
    }
    for c in snap.coverage.values().filter(|c| !c.is_full()) {
        let _ = writeln!(s, "  not read: {}", c.describe());
    }
    let mut checks: BTreeMap<(std::cmp::Reverse<crate::checks::Severity>, &str), usize> =
        BTreeMap::new();
    for k in &b.known_findings {
        *checks
            .entry((std::cmp::Reverse(k.severity), &k.check))
            .or_default() += 1;
    }
    let _ = writeln!(s, "known findings: {}", b.known_findings.len());
    for ((sev, check), n) in checks {
        let _ = writeln!(s, "  {:<8} {check:<10} {n}", sev.0.as_str());
    }
    let _ = writeln!(s, "approvals: {}", b.approvals.len());
    for a in &b.approvals {
        let state = if a.is_whole_state() {
            "whole state"
        } else if a.expired(now) {
            "EXPIRED"
        } else {
            "active"
        };
        let _ = writeln!(
            s,
            "  {} {} [{}] by {} at {}{}: {}",
            a.change_id,
            a.resource,
            state,
            a.by,
            a.at,
            a.expires
                .as_deref()
                .map(|e| format!(", expires {e}"))
                .unwrap_or_default(),
            a.reason
        );
        for line in &a.summary {
            let _ = writeln!(s, "      {line}");
        }
    }
    s
}
