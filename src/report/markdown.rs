//! Markdown for a pull-request comment or a ticket. GitHub refuses comments
//! over 65,536 characters, so a long report is cut at a line boundary below
//! that, with a closing line saying how many rows were left out.

use std::io::Write;

use super::{by_risk, group, Report};
use crate::checks::Finding;

/// Escapes table-breaking characters in a cell.
fn cell(s: &str) -> String {
    super::clip(s).replace('|', "\\|").replace('\n', "<br>")
}

/// GitHub's limit on a comment body, in characters.
pub const COMMENT_LIMIT: usize = 65_536;
/// Room kept for the closing "and N more" line.
const RESERVE: usize = 512;

pub(super) fn render(r: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let mut full = Vec::new();
    render_full(r, &mut full)?;
    cut(&full, out)
}

/// Writes `full`, cut at a line boundary below GitHub's comment limit with
/// a line saying how many table rows were left out.
pub(super) fn cut(full: &[u8], out: &mut dyn Write) -> std::io::Result<()> {
    let text = String::from_utf8_lossy(full);
    if text.chars().count() <= COMMENT_LIMIT {
        return out.write_all(text.as_bytes());
    }
    let mut used = 0;
    let mut lines = text.lines();
    for line in lines.by_ref() {
        let n = line.chars().count() + 1;
        if used + n > COMMENT_LIMIT - RESERVE {
            // This line and the rest are left out.
            let rest = std::iter::once(line).chain(lines);
            let rows = rest.filter(|l| l.starts_with("| ")).count();
            writeln!(
                out,
                "\n_… and {rows} more rows not shown (a comment holds {COMMENT_LIMIT} characters): the JSON report (`--format json`) has them all._"
            )?;
            return Ok(());
        }
        writeln!(out, "{line}")?;
        used += n;
    }
    Ok(())
}

pub(super) fn render_full(r: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let name = r
        .account_name
        .as_deref()
        .map(|n| format!(" ({})", cell(n)))
        .unwrap_or_default();
    writeln!(out, "## driftwatch: account {}{name}\n", r.account)?;
    writeln!(
        out,
        "State at {}{}.\n",
        r.taken_at,
        r.baseline
            .as_ref()
            .map(|b| format!(", compared with baseline `{}` ({})", b.path, b.taken_at))
            .unwrap_or_default()
    )?;
    let totals = super::totals(r).replace('\n', " ");
    writeln!(out, "**{totals}**\n")?;
    for group in by_risk(r) {
        risk_section(group, out)?;
    }
    known_section(r, out)?;
    resolved_section(r, out)?;
    transient_section(r, out)?;
    writes_section(r, out)?;
    gaps_section(r, out)
}

fn is_known(f: &Finding) -> bool {
    f.status == Some(crate::checks::known::FindingStatus::Known)
}

fn risk_section(
    (risk, changes, findings): super::RiskGroup<'_>,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let findings: Vec<&Finding> = findings.into_iter().filter(|f| !is_known(f)).collect();
    if changes.is_empty() && findings.is_empty() {
        return Ok(());
    }
    writeln!(out, "### {risk}\n")?;
    if !findings.is_empty() {
        writeln!(out, "| severity | check | finding |")?;
        writeln!(out, "|---|---|---|")?;
        for g in group::by_check(&findings) {
            finding_row(&g, out)?;
        }
        writeln!(out)?;
    }
    if changes.is_empty() {
        return Ok(());
    }
    writeln!(out, "| verdict | change | resource | what |")?;
    writeln!(out, "|---|---|---|---|")?;
    for c in changes {
        writeln!(
            out,
            "| {} | {} `{}` | `{}` | {} |",
            c.verdict.as_str(),
            c.change.change.as_str(),
            c.change.id,
            cell(&c.change.resource.id),
            cell(&c.what("\n").replace("\n! ", "\n⚠ "))
        )?;
    }
    writeln!(out)?;
    Ok(())
}

/// One row per check: the finding itself, or its title, where it fires
/// and a few of its resources.
fn finding_row(g: &group::Group<'_>, out: &mut dyn Write) -> std::io::Result<()> {
    let first = g.findings[0];
    let mut sev = first.severity.as_str().to_string();
    if first.status == Some(crate::checks::known::FindingStatus::Updated) {
        sev.push_str(" (updated)");
    }
    if let Some(w) = first.set_aside_word() {
        sev.push_str(&format!(" ({w})"));
    }
    let (check, mut text) = match g.findings.as_slice() {
        [f] => {
            let mut t = vec![f.message.clone()];
            t.extend(group::policy_places(f, group::PLACES_SHOWN));
            (format!("{} `{}`", f.check, f.id), t)
        }
        all => {
            let mut t = vec![g.headline()];
            t.extend(g.items(group::ITEMS_SHOWN));
            (format!("{} ×{}", first.check, all.len()), t)
        }
    };
    let notes: std::collections::BTreeSet<String> = g
        .findings
        .iter()
        .flat_map(|f| {
            f.set_aside()
                .into_iter()
                .chain(f.notes.iter().map(|n| format!("⚠ {n}")))
        })
        .collect();
    text.extend(notes);
    writeln!(out, "| {sev} | {check} | {} |", cell(&text.join("\n")))
}

/// Known findings, one row per check.
fn known_section(r: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let known: Vec<&Finding> = r.findings.iter().filter(|f| is_known(f)).collect();
    if known.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "### known: {} accepted with the baseline\n",
        super::plural(known.len(), "finding", "findings")
    )?;
    writeln!(out, "| severity | check | count | where |")?;
    writeln!(out, "|---|---|---|---|")?;
    for g in group::by_check(&known) {
        let first = g.findings[0];
        writeln!(
            out,
            "| {} | {} | {} | {} |",
            first.severity.as_str(),
            first.check,
            g.findings.len(),
            cell(&format!("{}: {}", first.title, g.places()))
        )?;
    }
    writeln!(out)
}

fn resolved_section(r: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    if r.resolved.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "### resolved: {} the baseline accepted, no longer found\n",
        super::plural(r.resolved.len(), "finding", "findings")
    )?;
    for k in &r.resolved {
        writeln!(out, "- {} `{}`: {}", k.check, k.id, cell(&k.message))?;
    }
    writeln!(out)
}

fn transient_section(r: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    if !r.transient.is_empty() || !r.transient_groups.is_empty() {
        writeln!(
            out,
            "### transient (changed and changed back, seen only in CloudTrail)\n"
        )?;
        writeln!(out, "| verdict | resource | events | who |")?;
        writeln!(out, "|---|---|---|---|")?;
        for g in r.transient_groups.iter().take(super::GROUPS_SHOWN) {
            let why = g.decided_by.as_ref().map(|d| format!("\n({d})"));
            writeln!(
                out,
                "| {} | {} | {} | {} |",
                g.verdict.as_str(),
                cell(&g.which()),
                cell(&format!("{}\n{}", g.what(), g.when())),
                cell(&format!("{}{}", g.who(), why.unwrap_or_default()))
            )?;
        }
        if let Some(more) = super::more_transient_groups(r) {
            writeln!(out, "| | {} | | |", cell(&more))?;
        }
        for t in &r.transient {
            let events: Vec<String> = t
                .events
                .iter()
                .map(|e| format!("{} {}", e.time, e.name))
                .collect();
            writeln!(
                out,
                "| {} | `{}` | {} | {} |",
                t.verdict.as_str(),
                cell(&t.resource.id),
                cell(&events.join("\n")),
                cell(&t.actor.as_ref().map(|a| a.display()).unwrap_or_default())
            )?;
        }
        writeln!(out)?;
    }
    Ok(())
}

/// Unauthorized writes outside the snapshot; authorized ones are counted.
fn writes_section(r: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let bad = r.unauthorized_writes();
    if bad.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "### writes outside the snapshot ({} unauthorized, {} authorized)\n",
        bad.len(),
        r.writes.len() - bad.len()
    )?;
    writeln!(out, "| verdict | call | region | who and when |")?;
    writeln!(out, "|---|---|---|---|")?;
    for w in bad {
        writeln!(
            out,
            "| {} | {} | {} | {} |",
            w.verdict.as_str(),
            cell(&w.what()),
            cell(&w.regions.join(", ")),
            cell(&w.who_when())
        )?;
    }
    writeln!(out)?;
    Ok(())
}

/// What was not read or compared, and the warnings; what was carried
/// from the baseline instead of read.
fn gaps_section(r: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let gaps: Vec<String> = r
        .incomplete_coverage()
        .map(|c| format!("- not read: {}", c.describe()))
        .chain(
            r.not_compared
                .iter()
                .map(|n| format!("- not compared: `{}`: {}", n.scope, n.reason)),
        )
        .chain(
            r.unknown_values()
                .map(|v| format!("- value unknown, not compared: {v}")),
        )
        .chain(r.warnings.iter().map(|w| format!("- {w}")))
        .collect();
    if !gaps.is_empty() {
        writeln!(out, "### gaps\n\n{}\n", gaps.join("\n"))?;
    }
    if let Some(carried) = r.carried() {
        writeln!(out, "{carried}\n")?;
    }
    Ok(())
}
