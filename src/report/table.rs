//! Terminal table: one section per risk area, one row per change, readable
//! at 100 columns.

use std::io::Write;

use comfy_table::{presets::UTF8_FULL_CONDENSED, ContentArrangement, Table};

use super::{by_risk, Report};

pub(super) fn render(r: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let name = r
        .account_name
        .as_deref()
        .map(|n| format!(" ({n})"))
        .unwrap_or_default();
    writeln!(
        out,
        "driftwatch: account {}{name} at {}",
        r.account, r.taken_at
    )?;
    if let Some(b) = &r.baseline {
        writeln!(out, "baseline:   {} ({})", b.path, b.taken_at)?;
    }
    if r.changes.is_empty() && r.findings.is_empty() {
        writeln!(out, "No changes, no findings.")?;
    }
    for (risk, changes, findings) in by_risk(r) {
        writeln!(
            out,
            "\n{} ({} changes, {} findings)",
            risk.as_str().to_uppercase(),
            changes.len(),
            findings.len()
        )?;
        if !changes.is_empty() {
            changes_table(&changes, out)?;
        }
        if !findings.is_empty() {
            findings_table(&findings, out)?;
        }
    }
    if !r.transient.is_empty() {
        writeln!(
            out,
            "\nTRANSIENT ({}): changed and changed back, seen only in CloudTrail",
            r.transient.len()
        )?;
        let mut t = new_table(["verdict", "resource", "events", "who"]);
        for tr in &r.transient {
            let events: Vec<String> = tr
                .events
                .iter()
                .map(|e| format!("{} {}", e.time, e.name))
                .collect();
            let mut who = tr.actor.as_ref().map(|a| a.display()).unwrap_or_default();
            if let Some(d) = &tr.decided_by {
                who.push_str(&format!("\n({d})"));
            }
            t.add_row([
                tr.verdict.as_str().to_string(),
                format!(
                    "{}\n{}",
                    tr.resource.kind,
                    short_id(&tr.resource.native_id, &tr.resource.region)
                ),
                super::clip(&events.join("\n")).into_owned(),
                who,
            ]);
        }
        writeln!(out, "{t}")?;
    }
    writes(r, out)?;
    footer(r, out)
}

/// Unauthorized writes outside the snapshot, one row per group; the
/// authorized ones are only counted here (the JSON report lists them).
fn writes(r: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let bad = r.unauthorized_writes();
    if bad.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "\nWRITES OUTSIDE THE SNAPSHOT ({} unauthorized, {} authorized): seen only in CloudTrail",
        bad.len(),
        r.writes.len() - bad.len()
    )?;
    let mut t = new_table(["verdict", "call", "region", "who and when"]);
    for w in bad {
        t.add_row([
            w.verdict.as_str().to_string(),
            super::clip(&w.what()).into_owned(),
            w.regions.join(", "),
            super::clip(&w.who_when()).into_owned(),
        ]);
    }
    writeln!(out, "{t}")
}

fn new_table(header: [&str; 4]) -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(100)
        .set_header(header);
    t
}

fn findings_table(
    findings: &[&crate::checks::Finding],
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let mut t = new_table(["severity", "check", "resource", "finding"]);
    for f in findings {
        let mut msg = f.message.clone();
        if let Some(s) = &f.suppressed {
            msg.push_str(&format!("\n({})", s.describe()));
        }
        for n in &f.notes {
            msg.push_str(&format!("\n! {n}"));
        }
        let sev = if f.suppressed.is_some() {
            format!("{} (suppressed)", f.severity.as_str())
        } else {
            f.severity.as_str().to_string()
        };
        t.add_row([
            sev,
            format!("{}\n{}", f.check, f.id),
            format!(
                "{}\n{}",
                f.resource.kind,
                short_id(&f.resource.native_id, &f.resource.region)
            ),
            super::clip(&msg).into_owned(),
        ]);
    }
    writeln!(out, "{t}")
}

fn changes_table(changes: &[&super::ReportChange], out: &mut dyn Write) -> std::io::Result<()> {
    let mut t = new_table(["verdict", "change", "resource", "what"]);
    for c in changes {
        let what = c.what("\n", "\n! ");
        t.add_row([
            c.verdict.as_str().to_string(),
            format!("{}\n{}", c.change.change.as_str(), c.change.id),
            format!(
                "{}\n{}",
                c.change.resource.kind,
                short_id(&c.change.resource.native_id, &c.change.resource.region)
            ),
            super::clip(&what).into_owned(),
        ]);
    }
    writeln!(out, "{t}")
}

fn footer(r: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    for c in r.incomplete_coverage() {
        writeln!(out, "! not read: {}", c.describe())?;
    }
    for n in &r.not_compared {
        writeln!(out, "! not compared: {}: {}", n.scope, n.reason)?;
    }
    for v in r.unknown_values() {
        writeln!(out, "! not read (value unknown, not compared): {v}")?;
    }
    for w in &r.warnings {
        writeln!(out, "! {w}")?;
    }
    let s = &r.summary;
    if let Some(ct) = &r.cloudtrail {
        writeln!(
            out,
            "CloudTrail: {} events from {} ({} files, {} records); {} changes unattributed.",
            ct.events_used,
            ct.sources.join(", "),
            ct.files_read,
            ct.records_read,
            s.unattributed
        )?;
        writeln!(out, "CloudTrail ledger: {}.", ct.ledger.describe())?;
    }
    writeln!(
        out,
        "\n{} changes: {} unauthorized, {} authorized, {} approved; {} transient ({} unauthorized).",
        s.changes, s.unauthorized, s.authorized, s.approved, s.transient, s.transient_unauthorized
    )?;
    writeln!(
        out,
        "{} findings: {} at or above {}, {} suppressed.{}",
        s.findings,
        s.failing_findings,
        r.fail_on.as_str(),
        s.suppressed_findings,
        s.gaps(&r.coverage)
            .map(|g| format!(" {g}"))
            .unwrap_or_default()
    )
}

fn short_id(native: &str, region: &str) -> String {
    if region == crate::model::GLOBAL {
        native.to_string()
    } else {
        format!("{native} ({region})")
    }
}
