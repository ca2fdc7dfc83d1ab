//! The account's current state as a command gets it (a file, or read
//! live), and what accepting a state into a baseline keeps (`fold`).

use anyhow::Result;

use crate::model::Snapshot;

/// The current state, and how reading it went when it was read live (the
/// caller's ARN, the calls per service and region).
pub fn current_state(
    c: crate::resolve::Current,
    quiet: bool,
) -> Result<(Snapshot, Option<crate::aws::CollectStats>)> {
    match c {
        crate::resolve::Current::File(s) => Ok((*s, None)),
        crate::resolve::Current::Live(opts) => {
            let (s, stats) = crate::aws::runtime()?.block_on(crate::aws::collect(&opts))?;
            super::snapshot::summarize(&s, &stats, quiet);
            Ok((s, Some(stats)))
        }
    }
}

/// The new baseline state after `approve --all` or `baseline save` over an
/// existing baseline: the current state, except where the current state
/// could not be read. There the baseline keeps what it had (resources of an
/// unread service or region, values of an unread call), so a denied service
/// never empties the baseline and a denied value never erases a known one.
pub fn fold(old: &Snapshot, current: &Snapshot) -> Snapshot {
    let mut next = current.clone();
    let unread = |kind: &str, region: &str| {
        current
            .coverage_for(kind, region)
            .is_none_or(|c| c.status != crate::model::CoverageStatus::Complete)
    };
    for (id, r) in &old.resources {
        if unread(&r.kind, &r.region) {
            next.resources.insert(id.clone(), r.clone());
        }
    }
    // A value the current state could not read keeps the known one.
    for (id, r) in next.resources.iter_mut() {
        let (Some(o), serde_json::Value::Object(attrs)) = (old.resources.get(id), &mut *r.attrs)
        else {
            continue;
        };
        for (k, v) in attrs.iter_mut() {
            if let Some(known) = o
                .attrs
                .get(k)
                .filter(|ov| !crate::model::is_unknown_marker(ov))
            {
                if crate::model::is_unknown_marker(v) {
                    *v = known.clone();
                }
            }
        }
    }
    for (key, c) in &old.coverage {
        let keep_old = current
            .coverage
            .get(key)
            .is_none_or(|n| n.status != crate::model::CoverageStatus::Complete);
        if keep_old {
            next.coverage.insert(key.clone(), c.clone());
        }
    }
    for r in &old.regions {
        if !next.regions.contains(r) {
            next.regions.push(r.clone());
        }
    }
    next.regions.sort();
    next.record_unknown_values();
    next
}

/// Who is approving when no `--by` is given and no AWS identity is at hand.
pub fn local_user() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .map(|u| format!("user:{u}"))
        .unwrap_or_else(|_| "unknown".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Coverage, CoverageStatus, Resource, GLOBAL};

    #[test]
    fn approve_all_keeps_what_the_current_state_could_not_read() {
        let mut old = Snapshot::new("1", "2026-01-01T00:00:00Z");
        old.coverage
            .insert("s3/global".into(), Coverage::complete("s3", GLOBAL));
        old.coverage
            .insert("iam/global".into(), Coverage::complete("iam", GLOBAL));
        old.insert(Resource::new(
            "s3.bucket",
            GLOBAL,
            "b1",
            None,
            &serde_json::json!({}),
        ));
        old.insert(Resource::new(
            "iam.user",
            GLOBAL,
            "u1",
            None,
            &serde_json::json!({}),
        ));
        let mut cur = Snapshot::new("1", "2026-01-02T00:00:00Z");
        let mut denied = Coverage::complete("s3", GLOBAL);
        denied.status = CoverageStatus::Denied;
        cur.coverage.insert("s3/global".into(), denied);
        cur.coverage
            .insert("iam/global".into(), Coverage::complete("iam", GLOBAL));
        cur.insert(Resource::new(
            "iam.user",
            GLOBAL,
            "u2",
            None,
            &serde_json::json!({}),
        ));
        let next = fold(&old, &cur);
        let ids: Vec<&str> = next.resources.keys().map(String::as_str).collect();
        assert_eq!(ids, ["iam.user/global/u2", "s3.bucket/global/b1"]);
        assert_eq!(next.coverage["s3/global"].status, CoverageStatus::Complete);
    }
}
