//! Markdown for a pull-request comment or a ticket. GitHub refuses comments
//! over 65,536 characters, so a long report is cut at a line boundary below
//! that, with a closing line saying how many rows were left out.

use std::io::Write;

use super::{by_risk, Report};

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
    let s = &r.summary;
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
    writeln!(
        out,
        "**{} changes**: {} unauthorized, {} authorized, {} approved. **{} findings**: {} at or above {}, {} suppressed.{}\n",
        s.changes,
        s.unauthorized,
        s.authorized,
        s.approved,
        s.findings,
        s.failing_findings,
        r.fail_on.as_str(),
        s.suppressed_findings,
        s.gaps(&r.coverage)
            .map(|g| format!(" **{g}**"))
            .unwrap_or_default()
    )?;
    for group in by_risk(r) {
        risk_section(group, out)?;
    }
    transient_section(r, out)?;
    writes_section(r, out)?;
    gaps_section(r, out)
}

fn risk_section(
    (risk, changes, findings): super::RiskGroup<'_>,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    writeln!(out, "### {risk}\n")?;
    if !findings.is_empty() {
        writeln!(out, "| severity | check | resource | finding |")?;
        writeln!(out, "|---|---|---|---|")?;
        for f in &findings {
            let mut msg = f.message.clone();
            if let Some(s) = &f.suppressed {
                msg.push_str(&format!(" ({})", s.describe()));
            }
            writeln!(
                out,
                "| {} | {} | `{}` | {} |",
                f.severity.as_str(),
                f.check,
                cell(&f.resource.id),
                cell(&msg)
            )?;
        }
        writeln!(out)?;
    }
    if changes.is_empty() {
        return Ok(());
    }
    writeln!(out, "| verdict | change | resource | what |")?;
    writeln!(out, "|---|---|---|---|")?;
    for c in changes {
        let what = c.what(" ", "\n⚠ ");
        writeln!(
            out,
            "| {} | {} `{}` | `{}` | {} |",
            c.verdict.as_str(),
            c.change.change.as_str(),
            c.change.id,
            cell(&c.change.resource.id),
            cell(&what)
        )?;
    }
    writeln!(out)?;
    Ok(())
}

fn transient_section(r: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    if !r.transient.is_empty() {
        writeln!(
            out,
            "### transient (changed and changed back, seen only in CloudTrail)\n"
        )?;
        writeln!(out, "| verdict | resource | events | who |")?;
        writeln!(out, "|---|---|---|---|")?;
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

/// What was not read or compared, and the warnings.
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
    Ok(())
}
