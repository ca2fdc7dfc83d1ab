//! JUnit XML: one test case per change, so CI systems display drift as
//! failed tests. Unauthorized changes fail; authorized and approved pass;
//! coverage gaps are reported as an errored case.

use std::io::Write;

use super::Report;
use crate::attribution::Verdict;

pub(crate) fn xml_escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&apos;"),
            // XML 1.0 forbids most control characters even when escaped.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => o.push('?'),
            c => o.push(c),
        }
    }
    o
}

/// Tests, failures and errors of one report's suite.
fn counts(r: &Report) -> (usize, usize, usize) {
    let failures = r.summary.unauthorized
        + r.summary.unjudged
        + r.summary.transient_unauthorized
        + r.summary.failing_findings;
    let tests =
        r.changes.len() + r.transient.len() + r.transient_groups.len() + r.findings.len() + 1;
    (tests, failures, usize::from(!r.summary.coverage_complete))
}

pub(super) fn render(r: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    render_all(std::slice::from_ref(r), out)
}

/// One `<testsuites>` with a suite per account.
pub(super) fn render_all(reports: &[Report], out: &mut dyn Write) -> std::io::Result<()> {
    let (mut tests, mut failures, mut errors) = (0, 0, 0);
    for r in reports {
        let (t, f, e) = counts(r);
        (tests, failures, errors) = (tests + t, failures + f, errors + e);
    }
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="driftwatch" tests="{tests}" failures="{failures}" errors="{errors}">"#,
    )?;
    for r in reports {
        suite(r, out)?;
    }
    writeln!(out, "</testsuites>")
}

fn suite(r: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let gaps: Vec<_> = r.incomplete_coverage().collect();
    let (tests, failures, _) = counts(r);
    writeln!(
        out,
        r#"  <testsuite name="drift {}" tests="{tests}" failures="{failures}" errors="{}" timestamp="{}">"#,
        xml_escape(&r.account),
        usize::from(!gaps.is_empty()),
        xml_escape(&r.taken_at)
    )?;
    writeln!(
        out,
        r#"    <testcase classname="driftwatch.coverage" name="coverage">"#
    )?;
    if !gaps.is_empty() {
        let text: Vec<String> = gaps.iter().map(|c| c.describe()).collect();
        writeln!(
            out,
            r#"      <error message="coverage incomplete">{}</error>"#,
            xml_escape(&text.join("\n"))
        )?;
    }
    writeln!(out, "    </testcase>")?;
    for c in &r.changes {
        change_case(c, out)?;
    }
    for g in &r.transient_groups {
        transient_group_case(g, out)?;
    }
    for t in &r.transient {
        transient_case(t, out)?;
    }
    for f in &r.findings {
        finding_case(r, f, out)?;
    }
    writeln!(out, "  </testsuite>")
}

fn change_case(c: &super::ReportChange, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(
        out,
        r#"    <testcase classname="driftwatch.{}.{}" name="{} {} [{}]">"#,
        c.risk.as_str(),
        xml_escape(&c.change.resource.kind),
        xml_escape(&c.change.resource.id),
        c.change.change.as_str(),
        xml_escape(&c.change.id)
    )?;
    let mut body = c
        .change
        .fields
        .iter()
        .map(|f| f.short())
        .collect::<Vec<_>>();
    body.extend(c.notes.iter().cloned());
    if matches!(c.verdict, Verdict::Unauthorized | Verdict::Unjudged) {
        writeln!(
            out,
            r#"      <failure message="{} change: {}" type="{}">{}</failure>"#,
            c.verdict.as_str(),
            xml_escape(&c.change.headline()),
            c.verdict.as_str(),
            xml_escape(&body.join("\n"))
        )?;
    } else {
        writeln!(
            out,
            "      <system-out>{}: {}</system-out>",
            c.verdict.as_str(),
            xml_escape(c.decided_by.as_deref().unwrap_or(""))
        )?;
    }
    writeln!(out, "    </testcase>")
}

fn transient_case(t: &super::ReportTransient, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(
        out,
        r#"    <testcase classname="driftwatch.transient.{}" name="{} transient">"#,
        t.risk.as_str(),
        xml_escape(&t.resource.id)
    )?;
    let body: Vec<String> = t
        .events
        .iter()
        .map(|e| format!("{} {} by {}", e.time, e.name, e.actor.display()))
        .collect();
    if t.verdict == Verdict::Unauthorized {
        writeln!(
            out,
            r#"      <failure message="unauthorized transient change" type="transient">{}</failure>"#,
            xml_escape(&body.join("\n"))
        )?;
    } else {
        writeln!(
            out,
            "      <system-out>{}</system-out>",
            xml_escape(&body.join("\n"))
        )?;
    }
    writeln!(out, "    </testcase>")
}

/// A group of alike transients is one case, failing when unauthorized.
fn transient_group_case(
    g: &crate::attribution::TransientGroup,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    writeln!(
        out,
        r#"    <testcase classname="driftwatch.transient.{}" name="{} {} transient by {}">"#,
        g.risk.as_str(),
        g.count,
        xml_escape(&g.kind),
        xml_escape(&g.principal)
    )?;
    let body = xml_escape(&g.lines().join("\n"));
    if g.verdict == Verdict::Unauthorized {
        writeln!(
            out,
            r#"      <failure message="unauthorized transient changes" type="transient">{body}</failure>"#
        )?;
    } else {
        writeln!(out, "      <system-out>{body}</system-out>")?;
    }
    writeln!(out, "    </testcase>")
}

fn finding_case(
    r: &Report,
    f: &crate::checks::Finding,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    writeln!(
        out,
        r#"    <testcase classname="driftwatch.check.{}" name="{} {} [{}]">"#,
        f.risk.as_str(),
        xml_escape(&f.check),
        xml_escape(&f.resource.id),
        xml_escape(&f.id)
    )?;
    let known = f.status == Some(crate::checks::known::FindingStatus::Known);
    if let Some(why) = f.set_aside() {
        writeln!(out, "      <skipped message=\"{}\"/>", xml_escape(&why))?;
    } else if r.fails(f) {
        writeln!(
            out,
            r#"      <failure message="{}" type="{}">{}</failure>"#,
            xml_escape(&f.message),
            f.severity.as_str(),
            xml_escape(&f.evidence.join("\n"))
        )?;
    } else if known {
        writeln!(
            out,
            "      <skipped message=\"known: accepted with the baseline ({}): {}\"/>",
            f.severity.as_str(),
            xml_escape(&f.message)
        )?;
    } else {
        writeln!(
            out,
            "      <system-out>{}: {}</system-out>",
            f.severity.as_str(),
            xml_escape(&f.message)
        )?;
    }
    writeln!(out, "    </testcase>")
}
