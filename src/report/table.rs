//! Terminal table: one section per risk area, one row per change, readable
//! at 100 columns.

use std::io::Write;

use comfy_table::{presets::UTF8_FULL_CONDENSED, ContentArrangement, Table};

use super::{by_risk, Report};

pub(super) fn render(r: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "driftwatch: account {} at {}", r.account, r.taken_at)?;
    if let Some(b) = &r.baseline {
        writeln!(out, "baseline:   {} ({})", b.path, b.taken_at)?;
    }
    if r.changes.is_empty() {
        writeln!(out, "No changes.")?;
    }
    for (risk, changes) in by_risk(r) {
        let mut t = Table::new();
        t.load_preset(UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Dynamic)
            .set_width(100)
            .set_header(["verdict", "change", "resource", "what"]);
        for c in changes {
            let mut what = c.change.summary();
            if let Some(d) = &c.decided_by {
                what.push_str(&format!("\n({d})"));
            }
            for n in &c.notes {
                what.push_str(&format!("\n! {n}"));
            }
            t.add_row([
                c.verdict.as_str().to_string(),
                format!("{}\n{}", c.change.change.as_str(), c.change.id),
                format!(
                    "{}\n{}",
                    c.change.resource.kind,
                    short_id(&c.change.resource.native_id, &c.change.resource.region)
                ),
                what,
            ]);
        }
        writeln!(out, "\n{} ({})", risk.to_uppercase(), t.row_count())?;
        writeln!(out, "{t}")?;
    }
    for c in r.incomplete_coverage() {
        writeln!(
            out,
            "! not read: {}/{} {} ({})",
            c.service,
            c.region,
            c.status.as_str(),
            c.error_code.as_deref().unwrap_or("?")
        )?;
    }
    for n in &r.not_compared {
        writeln!(out, "! not compared: {}: {}", n.scope, n.reason)?;
    }
    let s = &r.summary;
    writeln!(
        out,
        "\n{} changes: {} unauthorized, {} authorized, {} approved{}",
        s.changes,
        s.unauthorized,
        s.authorized,
        s.approved,
        if s.coverage_complete {
            ""
        } else {
            "; coverage incomplete"
        }
    )
}

fn short_id(native: &str, region: &str) -> String {
    if region == crate::model::GLOBAL {
        native.to_string()
    } else {
        format!("{native} ({region})")
    }
}
