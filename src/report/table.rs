//! The terminal table, for people: one section per risk area with its
//! changes and its new findings, then the known findings summarized per
//! check, the resolved ones, transient changes and writes outside the
//! snapshot, and the totals. Two columns (what it is on the left, what
//! happened on the right) fit 80 columns and use 200; text breaks at
//! separators ([`super::wrap`]), and nothing is said twice in a row.

use std::collections::BTreeSet;
use std::io::Write;

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{ColumnConstraint, ContentArrangement, Table, Width};

use super::group::{self, Group};
use super::wrap::wrapped;
use super::{by_risk, plural, Report};
use crate::checks::known::FindingStatus;
use crate::checks::Finding;

/// The narrowest table drawn; a smaller `--width` is taken as this.
pub const MIN_WIDTH: usize = 60;
/// The left column: a verdict, a change kind and a change id (14 wide).
const LEFT: usize = 14;

pub(super) fn render(r: &Report, width: usize, out: &mut dyn Write) -> std::io::Result<()> {
    let width = width.max(MIN_WIDTH);
    header(r, width, out)?;
    for (risk, changes, findings) in by_risk(r) {
        let listed: Vec<&Finding> = findings.into_iter().filter(|f| !is_known(f)).collect();
        if changes.is_empty() && listed.is_empty() {
            continue;
        }
        heading(
            out,
            width,
            &format!(
                "{}: {}",
                risk.as_str().to_uppercase(),
                section_counts(&changes, &listed)
            ),
        )?;
        if !changes.is_empty() {
            changes_table(&changes, width, out)?;
        }
        if !listed.is_empty() {
            findings_table(&listed, width, out)?;
        }
    }
    known(r, width, out)?;
    resolved(r, width, out)?;
    transient(r, width, out)?;
    writes(r, width, out)?;
    footer(r, width, out)
}

fn is_known(f: &Finding) -> bool {
    f.status == Some(FindingStatus::Known)
}

fn header(r: &Report, width: usize, out: &mut dyn Write) -> std::io::Result<()> {
    let name = r
        .account_name
        .as_deref()
        .map(|n| format!(" ({n})"))
        .unwrap_or_default();
    let title = format!("driftwatch: account {}{name} at {}", r.account, r.taken_at);
    writeln!(out, "{}", wrapped(&title, width))?;
    if let Some(b) = &r.baseline {
        let line = format!("baseline:   {} ({})", b.path, b.taken_at);
        writeln!(out, "{}", wrapped(&line, width))?;
    }
    let nothing_new = r.changes.is_empty() && r.findings.iter().all(is_known);
    if nothing_new
        && r.transient.is_empty()
        && r.transient_groups.is_empty()
        && r.unauthorized_writes().is_empty()
    {
        let known = r.summary.known_findings;
        if known == 0 {
            writeln!(out, "No changes, no findings.")?;
        } else {
            writeln!(out, "No changes, no new findings ({known} known).")?;
        }
    }
    Ok(())
}

/// `2 changes (1 unauthorized), 1 new finding`.
fn section_counts(changes: &[&super::ReportChange], findings: &[&Finding]) -> String {
    let mut parts = Vec::new();
    if !changes.is_empty() {
        let bad = changes
            .iter()
            .filter(|c| c.verdict == crate::attribution::Verdict::Unauthorized)
            .count();
        let mut s = plural(changes.len(), "change", "changes");
        if bad > 0 {
            s.push_str(&format!(" ({bad} unauthorized)"));
        }
        parts.push(s);
    }
    if !findings.is_empty() {
        let new = if findings.iter().any(|f| f.status.is_some()) {
            "new "
        } else {
            ""
        };
        parts.push(plural(
            findings.len(),
            &format!("{new}finding"),
            &format!("{new}findings"),
        ));
    }
    parts.join(", ")
}

/// A table of fixed column widths whose cells are wrapped here, at
/// separators, before comfy-table draws them.
struct Grid {
    table: Table,
    widths: Vec<usize>,
}

impl Grid {
    /// `fixed` are the content widths of every column but the last, which
    /// takes what is left of `width`.
    fn new(width: usize, header: &[&str], fixed: &[usize]) -> Grid {
        let n = fixed.len() + 1;
        // "│ " + cells joined by " ┆ " + " │".
        let frame = 3 * n + 1;
        let last = width
            .saturating_sub(frame + fixed.iter().sum::<usize>())
            .max(16);
        let widths: Vec<usize> = fixed.iter().copied().chain([last]).collect();
        let mut table = Table::new();
        table
            .load_preset(UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Disabled)
            .set_header(header.to_vec());
        let constraints = widths
            .iter()
            .map(|w| ColumnConstraint::Absolute(Width::Fixed((w + 2) as u16)));
        table.set_constraints(constraints);
        Grid { table, widths }
    }

    fn row(&mut self, cells: &[String]) {
        let cells: Vec<String> = cells
            .iter()
            .zip(&self.widths)
            .map(|(c, w)| wrapped(&super::clip(c), *w))
            .collect();
        self.table.add_row(cells);
    }

    fn write(&self, out: &mut dyn Write) -> std::io::Result<()> {
        writeln!(out, "{}", self.table)
    }
}

/// `kind native-id (region)`, the region left out for global kinds.
fn resource_line(r: &crate::diff::ResourceRef) -> String {
    format!("{} {}", r.kind, short_id(&r.native_id, &r.region))
}

fn changes_table(
    changes: &[&super::ReportChange],
    width: usize,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let mut t = Grid::new(width, &["change", "resource, what, who"], &[LEFT]);
    for c in changes {
        let left = format!(
            "{}\n{}\n{}",
            c.verdict.as_str(),
            c.change.change.as_str(),
            c.change.id
        );
        let mut right = vec![resource_line(&c.change.resource)];
        right.extend(c.lines());
        t.row(&[left, right.join("\n")]);
    }
    t.write(out)
}

fn findings_table(findings: &[&Finding], width: usize, out: &mut dyn Write) -> std::io::Result<()> {
    let mut t = Grid::new(width, &["finding", "what, where"], &[LEFT]);
    for g in group::by_check(findings) {
        let (left, right) = match g.findings.as_slice() {
            [f] => single(f),
            _ => grouped(&g),
        };
        t.row(&[left, right]);
    }
    t.write(out)
}

/// Severity, and "updated" or "suppressed" where it is so.
fn severity_cell(f: &Finding) -> String {
    let mut s = f.severity.as_str().to_string();
    if f.status == Some(FindingStatus::Updated) {
        s.push_str("\nupdated");
    }
    if let Some(w) = f.set_aside_word() {
        s.push('\n');
        s.push_str(w);
    }
    s
}

fn single(f: &Finding) -> (String, String) {
    let left = format!("{}\n{}\n{}", severity_cell(f), f.check, f.id);
    let mut right = vec![f.message.clone()];
    right.extend(group::policy_places(f, group::PLACES_SHOWN));
    right.extend(finding_notes(f));
    (left, right.join("\n"))
}

/// A suppression, then every note, each on its own line.
fn finding_notes(f: &Finding) -> Vec<String> {
    f.set_aside()
        .into_iter()
        .chain(f.notes.iter().map(|n| format!("! {n}")))
        .collect()
}

/// One row for a check that fired more than once: its title, where, and
/// each resource (a few of them) with its finding id.
fn grouped(g: &Group<'_>) -> (String, String) {
    let first = g.findings[0];
    let left = format!(
        "{}\n{} ×{}",
        severity_cell(first),
        first.check,
        g.findings.len()
    );
    let mut right = vec![g.headline()];
    right.extend(g.items(group::ITEMS_SHOWN));
    let notes: BTreeSet<String> = g.findings.iter().flat_map(|f| finding_notes(f)).collect();
    right.extend(notes);
    (left, right.join("\n"))
}

/// Known findings, one line per check: they are the reviewed state, so
/// they are counted and placed, not listed.
fn known(r: &Report, width: usize, out: &mut dyn Write) -> std::io::Result<()> {
    let known: Vec<&Finding> = r.findings.iter().filter(|f| is_known(f)).collect();
    if known.is_empty() {
        return Ok(());
    }
    let gate = if r.fail_on_known {
        "--fail-on-known: the failing ones fail the run"
    } else {
        "not failing the run; --fail-on-known makes them"
    };
    heading(
        out,
        width,
        &format!(
            "KNOWN: {} accepted with the baseline ({gate})",
            plural(known.len(), "finding", "findings")
        ),
    )?;
    let rows: Vec<[String; 3]> = group::by_check(&known)
        .iter()
        .map(|g| {
            let first = g.findings[0];
            let check = match g.findings.len() {
                1 => first.check.clone(),
                n => format!("{} ×{n}", first.check),
            };
            let place = format!("{}: {}", first.title, g.places());
            [first.severity.as_str().to_string(), check, place]
        })
        .collect();
    // The check column as wide as its widest label ("TRAIL001 ×3"), so a
    // label never wraps.
    let check_width = rows
        .iter()
        .map(|r| r[1].chars().count())
        .max()
        .unwrap_or(0)
        .clamp("check".len(), 16);
    let mut t = Grid::new(width, &["severity", "check", "where"], &[8, check_width]);
    for row in &rows {
        t.row(row);
    }
    t.write(out)
}

fn resolved(r: &Report, width: usize, out: &mut dyn Write) -> std::io::Result<()> {
    if r.resolved.is_empty() {
        return Ok(());
    }
    heading(
        out,
        width,
        &format!(
            "RESOLVED: {} the baseline accepted, no longer found",
            plural(r.resolved.len(), "finding", "findings")
        ),
    )?;
    let mut t = Grid::new(width, &["check", "was"], &[LEFT]);
    for k in &r.resolved {
        t.row(&[format!("{}\n{}", k.check, k.id), k.message.clone()]);
    }
    t.write(out)
}

fn transient(r: &Report, width: usize, out: &mut dyn Write) -> std::io::Result<()> {
    if r.transient.is_empty() && r.transient_groups.is_empty() {
        return Ok(());
    }
    heading(
        out,
        width,
        &format!(
            "TRANSIENT: {} changed and changed back, seen only in CloudTrail",
            plural(r.summary.transient, "resource", "resources")
        ),
    )?;
    let mut t = Grid::new(width, &["verdict", "resource, events, who"], &[LEFT]);
    for g in r.transient_groups.iter().take(super::GROUPS_SHOWN) {
        t.row(&[g.verdict.as_str().to_string(), g.lines().join("\n")]);
    }
    if let Some(more) = super::more_transient_groups(r) {
        t.row(&[String::new(), more]);
    }
    for tr in &r.transient {
        let mut right = vec![resource_line(&tr.resource)];
        right.extend(tr.events.iter().map(|e| format!("{} {}", e.time, e.name)));
        if let Some(a) = &tr.actor {
            right.push(format!("by {}", a.display()));
        }
        if let Some(d) = &tr.decided_by {
            right.push(format!("({d})"));
        }
        t.row(&[tr.verdict.as_str().to_string(), right.join("\n")]);
    }
    t.write(out)
}

/// Unauthorized writes outside the snapshot, one row per group; the
/// authorized ones are only counted here (the JSON report lists them).
fn writes(r: &Report, width: usize, out: &mut dyn Write) -> std::io::Result<()> {
    let bad = r.unauthorized_writes();
    if bad.is_empty() {
        return Ok(());
    }
    heading(
        out,
        width,
        &format!(
            "WRITES OUTSIDE THE SNAPSHOT: {} unauthorized, {} authorized, seen only in CloudTrail",
            bad.len(),
            r.writes.len() - bad.len()
        ),
    )?;
    let mut t = Grid::new(width, &["verdict", "call, where, who"], &[LEFT]);
    for w in bad {
        let right = format!(
            "{}\nin {}\n{}",
            w.what(),
            w.regions.join(", "),
            w.who_when()
        );
        t.row(&[w.verdict.as_str().to_string(), right]);
    }
    t.write(out)
}

/// A section's title after a blank line, wrapped to the width.
fn heading(out: &mut dyn Write, width: usize, text: &str) -> std::io::Result<()> {
    writeln!(out, "\n{}", wrapped(text, width))
}

fn footer(r: &Report, width: usize, out: &mut dyn Write) -> std::io::Result<()> {
    let mut lines: Vec<String> = Vec::new();
    lines.extend(
        r.incomplete_coverage()
            .map(|c| format!("! not read: {}", c.describe())),
    );
    lines.extend(
        r.not_compared
            .iter()
            .map(|n| format!("! not compared: {}: {}", n.scope, n.reason)),
    );
    lines.extend(
        r.unknown_values()
            .map(|v| format!("! not read (value unknown, not compared): {v}")),
    );
    lines.extend(r.warnings.iter().map(|w| format!("! {w}")));
    let s = &r.summary;
    if let Some(ct) = &r.cloudtrail {
        lines.push(format!(
            "CloudTrail: {} from {} ({}, {}); {} unattributed.",
            plural(ct.events_used, "event", "events"),
            ct.sources.join(", "),
            plural(ct.files_read, "file", "files"),
            plural(ct.records_read as usize, "record", "records"),
            plural(s.unattributed, "change", "changes"),
        ));
        lines.push(format!("CloudTrail ledger: {}.", ct.ledger.describe()));
    }
    lines.extend(r.carried());
    if !lines.is_empty() {
        lines.insert(0, String::new());
    }
    lines.push(String::new());
    lines.push(super::totals(r));
    for l in lines {
        writeln!(out, "{}", wrapped(&l, width))?;
    }
    Ok(())
}

fn short_id(native: &str, region: &str) -> String {
    if region == crate::model::GLOBAL {
        native.to_string()
    } else {
        format!("{native} ({region})")
    }
}
