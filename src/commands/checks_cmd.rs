//! `driftwatch checks list` (table or JSON) and the data behind it.

use anyhow::Result;

use super::Outcome;
use crate::checks::Check;
use crate::config::Config;

pub fn list(checks: &[Check], config: &Config, json: bool) -> Result<Outcome> {
    let disabled = |c: &Check| config.checks.disable.contains(&c.id);
    if json {
        let rows: Vec<serde_json::Value> = checks
            .iter()
            .map(|c| {
                serde_json::json!({
                    "id": c.id,
                    "title": c.title,
                    "severity": c.severity,
                    "risk": c.risk,
                    "target": c.target,
                    "kinds": c.kinds,
                    "events": c.on.as_ref().map(|o| &o.events),
                    "source": c.source,
                    "disabled": disabled(c),
                    "references": c.references,
                })
            })
            .collect();
        return Ok(Outcome::stdout(crate::to_pretty_json(&rows)?));
    }
    let mut t = comfy_table::Table::new();
    t.load_preset(comfy_table::presets::NOTHING)
        .set_header(["id", "severity", "risk", "target", "title"]);
    for c in checks {
        let note = if disabled(c) { " (disabled)" } else { "" };
        t.add_row([
            c.id.clone(),
            c.severity.as_str().to_string(),
            c.risk.to_string(),
            c.target.as_str().to_string(),
            format!("{}{note}", c.title),
        ]);
    }
    Ok(Outcome::stdout(format!("{t}\n").into_bytes()))
}
