//! Findings of one check side by side, for the table and Markdown: a check
//! that fires in 17 regions is one row naming them, not 17 rows saying the
//! same thing; a check that fires on several resources is one row listing
//! a few of them, and a finding from a policy names the statements behind
//! it. The JSON, SARIF and JUnit outputs keep every finding.

use std::collections::BTreeSet;

use crate::checks::known::FindingStatus;
use crate::checks::Finding;

/// Resources listed in a group's row; the rest are counted.
pub const ITEMS_SHOWN: usize = 5;

/// How much of one resource's evidence a group's row shows: the row is
/// one cell, and a principal with twenty escalation paths must not push
/// the next resources out of it.
const ITEM_EVIDENCE_CHARS: usize = 200;

/// `text` cut to [`ITEM_EVIDENCE_CHARS`], marked where it was cut.
fn cut(text: &str) -> String {
    match text.char_indices().nth(ITEM_EVIDENCE_CHARS) {
        None => text.to_string(),
        Some((at, _)) => format!("{}…", &text[..at]),
    }
}

/// Policy places named under a finding of its own row, and under each
/// resource of a group's row; the rest are counted.
pub const PLACES_SHOWN: usize = 5;
const PLACES_IN_GROUP: usize = 2;

/// Where in its policies a finding comes from, one line a place (`in
/// inline policy put-all (role/app), statement AllowPut: Action iam:Put* →
/// iam:PutGroupPolicy`), at most `max`, then how many more.
pub fn policy_places(f: &Finding, max: usize) -> Vec<String> {
    let mut lines: Vec<String> = f
        .locations
        .iter()
        .take(max)
        .map(|l| format!("in {}", l.describe()))
        .collect();
    if f.locations.len() > max {
        lines.push(format!(
            "… and {} more (the JSON report names every one)",
            f.locations.len() - max
        ));
    }
    lines
}

/// Findings of one check, alike in suppression and status.
pub struct Group<'a> {
    pub findings: Vec<&'a Finding>,
}

/// Groups by check, most severe first, then by check id; suppressed,
/// authorized and updated findings apart from the others.
pub fn by_check<'a>(findings: &[&'a Finding]) -> Vec<Group<'a>> {
    let key = |f: &Finding| {
        (
            std::cmp::Reverse(f.severity),
            f.check.clone(),
            f.set_aside_word(),
            f.status == Some(FindingStatus::Updated),
        )
    };
    let mut sorted: Vec<&Finding> = findings.to_vec();
    sorted.sort_by(|a, b| (key(a), &a.resource.id).cmp(&(key(b), &b.resource.id)));
    let mut out: Vec<Group<'a>> = Vec::new();
    for f in sorted {
        match out.last_mut() {
            Some(g) if key(g.findings[0]) == key(f) => g.findings.push(f),
            _ => out.push(Group { findings: vec![f] }),
        }
    }
    out
}

/// A resource that is the account's or a region's one of its kind (the
/// region's EC2 settings, the account summary): its place says it all.
fn singleton(f: &Finding) -> bool {
    f.resource.native_id == "account" || crate::model::is_region_name(&f.resource.native_id)
}

/// Where a finding fires: its region, or the region a regional singleton
/// stands for (`account.region` resources are global, named by region).
fn place(f: &Finding) -> &str {
    if crate::model::is_region_name(&f.resource.native_id) {
        &f.resource.native_id
    } else {
        &f.resource.region
    }
}

/// `native-id (region)`, or the native id alone for a global resource.
fn at(f: &Finding) -> String {
    let r = &f.resource;
    if r.region == crate::model::GLOBAL {
        r.native_id.clone()
    } else {
        format!("{} ({})", r.native_id, r.region)
    }
}

impl Group<'_> {
    fn all_singletons(&self) -> bool {
        self.findings.iter().all(|f| singleton(f))
    }

    /// The distinct places, sorted.
    fn place_list(&self) -> Vec<&str> {
        let set: BTreeSet<&str> = self.findings.iter().map(|f| place(f)).collect();
        set.into_iter().collect()
    }

    /// Where the check fires, in as few words as say it: `the account`,
    /// `eu-west-1, us-east-1` (a region's own settings), `admin` (one
    /// resource), `3 resources`, `3 resources in eu-west-1, us-east-1`.
    pub fn places(&self) -> String {
        let places = self.place_list();
        let regions: Vec<&str> = places
            .iter()
            .copied()
            .filter(|p| *p != crate::model::GLOBAL)
            .collect();
        if self.all_singletons() {
            return if regions.is_empty() {
                "the account".into()
            } else {
                places.join(", ")
            };
        }
        if let [f] = self.findings.as_slice() {
            return at(f);
        }
        let n = super::plural(self.findings.len(), "resource", "resources");
        match regions.len() {
            0 => n,
            _ => format!("{n} in {}", places.join(", ")),
        }
    }

    /// The check's title and where it fires, then what every finding
    /// shares as evidence.
    pub fn headline(&self) -> String {
        let first = self.findings[0];
        let mut s = format!("{}: {}", first.title, self.places());
        if let Some(e) = self.shared_evidence() {
            s.push_str(&format!("\neach: {e}"));
        }
        s
    }

    fn shared_evidence(&self) -> Option<String> {
        let first = &self.findings[0].evidence;
        (!first.is_empty() && self.findings.iter().all(|f| &f.evidence == first))
            .then(|| first.join("; "))
    }

    /// Up to `max` resources, each a line with its finding id (and its
    /// evidence where it differs) and its first policy places, then how
    /// many more; none where the headline's places say it all.
    pub fn items(&self, max: usize) -> Vec<String> {
        if self.all_singletons() {
            return vec![];
        }
        let own_evidence = self.shared_evidence().is_none();
        let mut lines: Vec<String> = Vec::new();
        for f in self.findings.iter().take(max) {
            let at = at(f);
            lines.push(match (own_evidence, f.evidence.is_empty()) {
                (true, false) => format!("{at} {}: {}", f.id, cut(&f.evidence.join("; "))),
                _ => format!("{at} {}", f.id),
            });
            lines.extend(
                policy_places(f, PLACES_IN_GROUP)
                    .into_iter()
                    .map(|l| format!("  {l}")),
            );
        }
        if self.findings.len() > max {
            lines.push(format!(
                "… and {} more (the JSON report lists every one)",
                self.findings.len() - max
            ));
        }
        lines
    }
}
