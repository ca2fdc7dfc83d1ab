//! GuardDuty, per region: every detector (ListDetectors, paginated) and
//! its settings (GetDetector, one call each, started as its page arrives).

use aws_sdk_guardduty::Client;

use super::pipeline::{as_listed, send_all, Items};
use super::{classify, each_page, Ctx, Failure, Part};
use crate::kinds::{Detector, GUARDDUTY_DETECTOR};
use crate::model::Resource;

/// The registry's entry (see `services.rs`).
pub(super) static SERVICE: super::services::Service = super::services::Service {
    name: "guardduty",
    scope: crate::kinds::Scope::Regional,
    rate: super::limits::Rate::of(10, 20),
    kinds: &[&crate::kinds::DETECTOR_KIND],
    actions: &["guardduty:GetDetector", "guardduty:ListDetectors"],
    collect: |u| Box::pin(collect_region(&u.ctx, u.region)),
    readers: &[],
};

pub(super) async fn collect_region(ctx: &Ctx, region: &str) -> Part {
    let c = regional_client!(aws_sdk_guardduty, ctx, region);
    Part::of("guardduty", region, detectors(ctx, &c, region).await)
}

async fn detectors(ctx: &Ctx, c: &Client, region: &str) -> Result<Vec<Resource>, Failure> {
    let listing = |tx: Items<String>| async move {
        let pages = c.list_detectors().into_paginator().send();
        each_page(ctx, pages, |page| {
            send_all(&tx, page.detector_ids().iter().cloned());
        })
        .await?;
        Ok(())
    };
    // A detector listed but not readable is a failure of the region, not
    // a detector with unknown fields: its status is the whole point.
    let (listed, read) = as_listed(listing, |id| async move {
        let o = ctx
            .call(c.get_detector().detector_id(&id).send())
            .await
            .map_err(|e| classify(&e))?;
        let mut features: Vec<String> = o
            .features()
            .iter()
            .filter_map(|f| Some(format!("{}: {}", f.name()?.as_str(), f.status()?.as_str())))
            .collect();
        features.sort();
        let attrs = Detector {
            status: o
                .status()
                .map(|s| s.as_str().to_string())
                .unwrap_or_default(),
            finding_frequency: o
                .finding_publishing_frequency()
                .map(|f| f.as_str().to_string()),
            features,
            tags: o
                .tags()
                .map(|t| t.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                .unwrap_or_default(),
        };
        Ok::<_, Failure>(Resource::new(GUARDDUTY_DETECTOR, region, id, None, &attrs))
    })
    .await;
    listed?;
    read.into_iter().collect()
}
