//! `driftwatch baseline approve`: accept changes by id, each pinned to the
//! content it accepted and written with a summary a reviewer can read in the
//! pull request; or accept the whole current state (`--all`). Only the
//! approvals change in the file: everything is written with sorted keys, so
//! `git diff` shows the approval and nothing else.

use std::path::PathBuf;

use anyhow::{bail, Result};

use super::{fold, local_user, Outcome};
use crate::baseline::{self, Approval, Baseline};
use crate::diff::{self, Change};
use crate::report::Report;
use crate::resolve::{self, ApprovePlan, ApproveSource};

/// What `approve` did.
#[derive(Debug)]
pub struct ApproveOutcome {
    pub path: PathBuf,
    pub approved: Vec<String>,
    pub whole_state: bool,
}

/// A change as the approver sees it: what it is and the content it pins.
struct Candidate {
    change: Change,
    content: String,
}

pub fn run(plan: ApprovePlan, quiet: bool, now: jiff::Timestamp) -> Result<Outcome> {
    let ApprovePlan {
        ids,
        all,
        reason,
        expires,
        by,
        source,
        baseline: baseline_path,
        config,
    } = plan;
    let (account, caller, candidates, current) = match source {
        ApproveSource::Report(r) => (r.account.clone(), None, from_report(&r), None),
        ApproveSource::State(c) => {
            let (snap, caller) = super::current_state(c, quiet)?;
            (snap.account.clone(), caller, vec![], Some(snap))
        }
    };
    let path = baseline_path.unwrap_or_else(|| baseline::default_path(&account));
    // Held from load to save: two approvals at once both land, the second
    // reading what the first wrote.
    let _lock = crate::fsutil::lock_dir_of(&path)?;
    let loaded = resolve::load_baseline_file(&path)?;
    resolve::check_account(&loaded, &account)?;
    let (path, mut b) = loaded;
    let stamp = Stamp {
        ids: &ids,
        reason: &reason,
        expires: expires.as_deref(),
        by: by.or(caller).unwrap_or_else(local_user),
        at: now.round(jiff::Unit::Second).unwrap_or(now).to_string(),
    };
    let outcome = match (&current, all) {
        (Some(cur), true) => {
            approve_all(&mut b, cur, &config, stamp)?;
            ApproveOutcome {
                path,
                approved: vec![],
                whole_state: true,
            }
        }
        (Some(cur), false) => {
            let d = diff::diff(&b.snapshot, cur, &config.diff_options()?);
            let candidates = d
                .changes
                .into_iter()
                .map(|c| Candidate {
                    content: baseline::content_hash(cur.resources.get(&c.resource.id)),
                    change: c,
                })
                .collect();
            by_id(&mut b, &path, candidates, stamp)?
        }
        (None, _) => by_id(&mut b, &path, candidates, stamp)?,
    };
    baseline::save(&outcome.path, &b)?;
    // With --all, what this state could not read kept its baseline value:
    // say which, and exit 3, as `baseline save` does.
    let gaps: Vec<String> = current
        .iter()
        .filter(|_| outcome.whole_state)
        .flat_map(|c| c.coverage.values().filter(|c| !c.is_full()))
        .map(|c| format!("not read, baseline value kept: {}", c.describe()))
        .collect();
    let message = if outcome.whole_state {
        format!("{} now holds the current state", outcome.path.display())
    } else {
        format!(
            "approved {} in {}",
            outcome.approved.join(", "),
            outcome.path.display()
        )
    };
    let code = if gaps.is_empty() {
        crate::EXIT_CLEAN
    } else {
        crate::EXIT_INCOMPLETE
    };
    let mut out = Outcome::message(code, message);
    out.messages.splice(0..0, gaps);
    Ok(out)
}

/// `--all` into the baseline at `path` with a state already read: one
/// account of `approve --all --accounts`.
pub(super) fn all_into(
    path: &std::path::Path,
    current: &crate::model::Snapshot,
    config: &crate::config::Config,
    reason: &str,
    by: &str,
    now: jiff::Timestamp,
) -> Result<Outcome> {
    let _lock = crate::fsutil::lock_dir_of(path)?;
    let loaded = resolve::load_baseline_file(path)?;
    resolve::check_account(&loaded, &current.account)?;
    let (path, mut b) = loaded;
    let stamp = Stamp {
        ids: &[],
        reason,
        expires: None,
        by: by.to_string(),
        at: now.round(jiff::Unit::Second).unwrap_or(now).to_string(),
    };
    approve_all(&mut b, current, config, stamp)?;
    baseline::save(&path, &b)?;
    let gaps: Vec<String> = current
        .coverage
        .values()
        .filter(|c| !c.is_full())
        .map(|c| format!("not read, baseline value kept: {}", c.describe()))
        .collect();
    let code = if gaps.is_empty() {
        crate::EXIT_CLEAN
    } else {
        crate::EXIT_INCOMPLETE
    };
    let mut out = Outcome::message(
        code,
        format!("{} now holds the current state", path.display()),
    );
    out.messages.splice(0..0, gaps);
    Ok(out)
}

fn from_report(r: &Report) -> Vec<Candidate> {
    r.changes
        .iter()
        .map(|c| Candidate {
            change: c.change.clone(),
            content: c.content.clone(),
        })
        .collect()
}

/// Who, when, why and until when: the same for every approval of one run.
struct Stamp<'a> {
    ids: &'a [String],
    reason: &'a str,
    expires: Option<&'a str>,
    by: String,
    at: String,
}

fn approve_all(
    b: &mut Baseline,
    current: &crate::model::Snapshot,
    config: &crate::config::Config,
    stamp: Stamp<'_>,
) -> Result<()> {
    let n = diff::diff(&b.snapshot, current, &config.diff_options()?)
        .changes
        .len();
    b.snapshot = fold(&b.snapshot, current);
    // Per-change approvals are folded into the new state; keep the log of
    // whole-state approvals.
    b.approvals.retain(Approval::is_whole_state);
    b.approvals.push(Approval {
        change_id: "*".into(),
        resource: "*".into(),
        content: format!("{n} changes accepted"),
        reason: stamp.reason.into(),
        by: stamp.by,
        at: stamp.at,
        expires: None,
        summary: vec![],
    });
    Ok(())
}

fn by_id(
    b: &mut Baseline,
    path: &std::path::Path,
    candidates: Vec<Candidate>,
    stamp: Stamp<'_>,
) -> Result<ApproveOutcome> {
    let mut approved = Vec::new();
    let mut missing = Vec::new();
    for id in stamp.ids {
        let Some(c) = candidates.iter().find(|c| &c.change.id == id) else {
            missing.push(id.as_str());
            continue;
        };
        let resource = c.change.resource.id.clone();
        // A newer approval of the same resource supersedes older ones.
        b.approvals
            .retain(|a| a.is_whole_state() || a.resource != resource);
        b.approvals.push(Approval {
            change_id: c.change.id.clone(),
            resource,
            content: c.content.clone(),
            reason: stamp.reason.into(),
            by: stamp.by.clone(),
            at: stamp.at.clone(),
            expires: stamp.expires.map(str::to_string),
            summary: summary(&c.change),
        });
        approved.push(c.change.id.clone());
    }
    if !missing.is_empty() {
        bail!(
            "no current change has id {} (run a scan for the current ids); {} left unchanged",
            missing.join(", "),
            path.display()
        );
    }
    b.approvals
        .sort_by(|x, y| (&x.resource, &x.at).cmp(&(&y.resource, &y.at)));
    Ok(ApproveOutcome {
        path: path.to_path_buf(),
        approved,
        whole_state: false,
    })
}

/// The change in words: its summary line, then every field.
pub fn summary(c: &Change) -> Vec<String> {
    let mut lines = vec![format!("{} {}", c.resource.id, c.change.as_str())];
    if let Some(d) = &c.detail {
        lines.push(d.clone());
    }
    lines.extend(c.fields.iter().map(|f| f.short()));
    lines
}
