//! Reading saved JSON reports: a report of one account or of many, the
//! section approvals come from, and `merge`'s inputs checked for overlap.

use std::path::Path;

use anyhow::{anyhow, bail, Result};

use super::inputs::report_out;
use super::Work;
use crate::baseline;
use crate::cli;
use crate::report::accounts::AccountsReport;

/// The section of a report that approvals come from: the only one, or,
/// in a report of many accounts, the one of the baseline given, else the
/// one holding the ids (one account's baseline is written per run).
pub(super) fn report_section(
    p: &Path,
    ids: &[String],
    account: Option<&str>,
) -> Result<crate::report::Report> {
    let mut sections = load_sections(p)?;
    if sections.len() == 1 {
        return Ok(sections.remove(0));
    }
    if let Some(a) = account {
        return sections
            .into_iter()
            .find(|s| s.account == a)
            .ok_or_else(|| anyhow!("{}: no section for account {a}", p.display()));
    }
    let holding: Vec<usize> = (0..sections.len())
        .filter(|&i| {
            let s = &sections[i];
            s.changes.iter().any(|c| ids.contains(&c.change.id))
                || s.findings.iter().any(|f| ids.contains(&f.id))
        })
        .collect();
    match holding[..] {
        [i] => Ok(sections.swap_remove(i)),
        [] => bail!(
            "{}: no account's changes have id {} (run a scan for the current ids)",
            p.display(),
            ids.join(", ")
        ),
        _ => bail!(
            "{}: the ids are changes of accounts {}: approve each account's with --baseline baselines/ACCOUNT.json",
            p.display(),
            holding
                .iter()
                .map(|&i| sections[i].account.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// The account sections of a JSON report: one for a report of one
/// account, each section of a report of many.
pub(super) fn load_sections(p: &Path) -> Result<Vec<crate::report::Report>> {
    #[derive(serde::Deserialize)]
    struct Schema {
        schema: String,
    }
    let bytes = baseline::read_maybe_gz(p)?;
    let not_report = |e: serde_json::Error| {
        anyhow!(
            "{}: not a driftwatch JSON report (write one with --format json): {e}",
            p.display()
        )
    };
    let schema = serde_json::from_slice::<Schema>(&bytes)
        .map_err(not_report)?
        .schema;
    if schema == crate::report::accounts::ACCOUNTS_SCHEMA {
        let r: AccountsReport = serde_json::from_slice(&bytes).map_err(not_report)?;
        return Ok(r.accounts);
    }
    if !crate::report::READABLE_SCHEMAS.contains(&schema.as_str()) {
        bail!(
            "{}: report schema {:?}, expected {:?} or {:?}",
            p.display(),
            schema,
            crate::report::REPORT_SCHEMA,
            crate::report::accounts::ACCOUNTS_SCHEMA
        );
    }
    Ok(vec![serde_json::from_slice(&bytes).map_err(not_report)?])
}

/// `merge`: every report read and the sections checked for overlap now.
pub(super) fn merge(a: cli::MergeArgs) -> Result<Work> {
    let out = report_out(&cli::ReportArgs {
        format: a.format,
        output: a.output,
        width: a.width,
        config: None,
    })?;
    let mut sections = Vec::new();
    let mut from = std::collections::BTreeMap::new();
    for p in &a.reports {
        for s in load_sections(p)? {
            if let Some(first) = from.insert(s.account.clone(), p.clone()) {
                bail!(
                    "{}: account {} is also in {}: shards must not overlap",
                    p.display(),
                    s.account,
                    first.display()
                );
            }
            sections.push(s);
        }
    }
    let report = AccountsReport::new(sections).map_err(|e| anyhow!(e))?;
    Ok(Work::Merge {
        report: Box::new(report),
        out,
    })
}
