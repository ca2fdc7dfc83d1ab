//! CloudTrail trails as a snapshot kind, per region: DescribeTrails lists
//! every trail that applies to the region (shadow trails of multi-region
//! and organization trails included); each is kept in its home region, so
//! it appears once. A trail homed in a region this run does not scan is
//! kept by the first scanned region (it still logs the scanned ones). Per trail, its status, event selectors and insight
//! selectors are read concurrently.

use aws_sdk_cloudtrail::types::{AdvancedEventSelector, EventSelector, ReadWriteType};
use aws_sdk_cloudtrail::Client;

use super::{classify, Ctx, Part};
use crate::kinds::{Captures, Trail, TrailStatus, CLOUDTRAIL_TRAIL};
use crate::model::{Coverage, Fetched, Resource};

/// The registry's entry (see `services.rs`).
pub(super) static SERVICE: super::services::Service = super::services::Service {
    name: "cloudtrail",
    scope: crate::kinds::Scope::Regional,
    rate: super::limits::Rate::of(10, 20),
    kinds: &[&crate::kinds::TRAIL_KIND],
    actions: &[
        "cloudtrail:DescribeTrails",
        "cloudtrail:GetEventSelectors",
        "cloudtrail:GetInsightSelectors",
        "cloudtrail:GetTrailStatus",
    ],
    collect: |u| Box::pin(collect_region(&u.ctx, u.region, u.regions)),
    readers: &[],
};

pub(super) async fn collect_region(ctx: &Ctx, region: &str, scanned: &[String]) -> Part {
    let c = regional_client!(aws_sdk_cloudtrail, ctx, region);
    read_region(ctx, &c, region, scanned).await
}

async fn read_region(ctx: &Ctx, c: &Client, region: &str, scanned: &[String]) -> Part {
    let listed = match ctx
        .call(c.describe_trails().include_shadow_trails(true).send())
        .await
    {
        Ok(o) => o.trail_list().to_vec(),
        Err(e) => {
            return Part {
                resources: vec![],
                coverage: vec![classify(&e).coverage("cloudtrail", region)],
            }
        }
    };
    let first = scanned.first().map(String::as_str) == Some(region);
    let kept = listed.into_iter().filter(|t| {
        let home = t.home_region().unwrap_or(region);
        t.name().is_some() && (home == region || (first && !scanned.iter().any(|s| s == home)))
    });
    let resources = futures::future::join_all(kept.map(|t| trail(ctx, c, t))).await;
    Part {
        resources,
        coverage: vec![Coverage::complete("cloudtrail", region)],
    }
}

async fn trail(ctx: &Ctx, c: &Client, t: aws_sdk_cloudtrail::types::Trail) -> Resource {
    let name = t.name().unwrap_or_default().to_string();
    let region = t.home_region().unwrap_or_default();
    // The ARN names the trail unambiguously (an organization trail's name
    // may repeat in a member account).
    let key = t.trail_arn().unwrap_or(&name).to_string();
    let (status, selectors, insights) = tokio::join!(
        ctx.call(c.get_trail_status().name(&key).send()),
        ctx.call(c.get_event_selectors().trail_name(&key).send()),
        ctx.call(c.get_insight_selectors().trail_name(&key).send()),
    );
    let attrs = Trail {
        home_region: region.to_string(),
        multi_region: t.is_multi_region_trail().unwrap_or(false),
        organization: t.is_organization_trail().unwrap_or(false),
        log_file_validation: t.log_file_validation_enabled().unwrap_or(false),
        s3_bucket: t.s3_bucket_name().map(str::to_string),
        s3_prefix: t
            .s3_key_prefix()
            .map(str::to_string)
            .filter(|p| !p.is_empty()),
        kms_key: t.kms_key_id().map(str::to_string),
        cloudwatch_logs_group: t.cloud_watch_logs_log_group_arn().map(str::to_string),
        sns_topic: t.sns_topic_arn().map(str::to_string),
        status: match status {
            Ok(s) => Fetched::Present(TrailStatus {
                is_logging: s.is_logging().unwrap_or(false),
                latest_delivery_error: nonempty(s.latest_delivery_error()),
                latest_notification_error: nonempty(s.latest_notification_error()),
                latest_cloudwatch_logs_delivery_error: nonempty(
                    s.latest_cloud_watch_logs_delivery_error(),
                ),
            }),
            Err(e) => super::gone_or_unknown(&e, &[]),
        },
        captures: match selectors {
            Ok(o) => Fetched::Present(captures(o.event_selectors(), o.advanced_event_selectors())),
            Err(e) => super::gone_or_unknown(&e, &[]),
        },
        insights: match insights {
            Ok(o) => {
                let mut v: Vec<String> = o
                    .insight_selectors()
                    .iter()
                    .filter_map(|i| i.insight_type().map(|t| t.as_str().to_string()))
                    .collect();
                v.sort();
                Fetched::Present(v)
            }
            Err(e) => match classify(&e).code.as_str() {
                // Never turned on: no insight types, not a failure.
                "InsightNotEnabledException" => Fetched::Present(vec![]),
                code => Fetched::Unknown(code.to_string()),
            },
        },
    };
    Resource::new(
        CLOUDTRAIL_TRAIL,
        region,
        name,
        t.trail_arn().map(str::to_string),
        &attrs,
    )
}

fn nonempty(s: Option<&str>) -> Option<String> {
    s.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// What basic or advanced selectors let through to the logs.
pub(crate) fn captures(basic: &[EventSelector], advanced: &[AdvancedEventSelector]) -> Captures {
    let mut c = Captures::default();
    if basic.is_empty() && advanced.is_empty() {
        // AWS gives every trail a selector (by default all management
        // events) and refuses to remove the last one; an answer with none
        // (an emulator, an older API) means that default.
        c.management_read = true;
        c.management_write = true;
        return c;
    }
    for s in basic {
        if s.include_management_events().unwrap_or(true) {
            let rw = s.read_write_type().cloned().unwrap_or(ReadWriteType::All);
            c.management_read |= rw != ReadWriteType::WriteOnly;
            c.management_write |= rw != ReadWriteType::ReadOnly;
            c.management_excluded_sources
                .extend(s.exclude_management_event_sources().iter().cloned());
        }
        for d in s.data_resources() {
            c.data_events.extend(d.r#type().map(str::to_string));
        }
    }
    for s in advanced {
        advanced_selector(s, &mut c);
    }
    c.management_excluded_sources.sort();
    c.management_excluded_sources.dedup();
    c.data_events.sort();
    c.data_events.dedup();
    c
}

/// One advanced selector: its field conditions are ANDed. `eventCategory`
/// says management or data; `readOnly` narrows to reads or writes;
/// `eventSource` NotEquals excludes sources; `resources.type` names data.
fn advanced_selector(s: &AdvancedEventSelector, c: &mut Captures) {
    let field = |name: &str| s.field_selectors().iter().find(|f| f.field() == name);
    let category = field("eventCategory").map(|f| f.equals().to_vec());
    let read_only = field("readOnly").map(|f| f.equals().to_vec());
    let (reads, writes) = match read_only.as_deref() {
        Some([v]) if v == "true" => (true, false),
        Some([v]) if v == "false" => (false, true),
        _ => (true, true),
    };
    if category
        .as_ref()
        .is_some_and(|c| c.iter().any(|v| v == "Management"))
    {
        c.management_read |= reads;
        c.management_write |= writes;
        if let Some(f) = field("eventSource") {
            c.management_excluded_sources
                .extend(f.not_equals().iter().cloned());
        }
    }
    if category
        .as_ref()
        .is_some_and(|c| c.iter().any(|v| v == "Data"))
    {
        if let Some(f) = field("resources.type") {
            c.data_events.extend(f.equals().iter().cloned());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::mock_ctx;
    use aws_sdk_cloudtrail::operation::describe_trails::DescribeTrailsOutput;
    use aws_sdk_cloudtrail::operation::get_event_selectors::GetEventSelectorsOutput;
    use aws_sdk_cloudtrail::types::{AdvancedFieldSelector, DataResource, Trail as SdkTrail};
    use aws_smithy_mocks::{mock, mock_client, RuleMode};
    use aws_smithy_runtime_api::http::StatusCode;
    use aws_smithy_types::body::SdkBody;

    use crate::model::CoverageStatus;

    fn denied() -> aws_smithy_runtime_api::http::Response {
        aws_smithy_runtime_api::http::Response::new(
            StatusCode::try_from(400).unwrap(),
            SdkBody::from(r#"{"__type":"AccessDeniedException","message":"no"}"#),
        )
    }

    #[tokio::test]
    async fn a_denied_listing_is_coverage_never_an_empty_region() {
        let list = mock!(Client::describe_trails).then_http_response(denied);
        let c = mock_client!(aws_sdk_cloudtrail, RuleMode::Sequential, &[&list]);
        let part = read_region(&mock_ctx().await, &c, "us-east-1", &["us-east-1".into()]).await;
        assert!(part.resources.is_empty());
        assert_eq!(part.coverage[0].status, CoverageStatus::Denied);
        assert_eq!(part.coverage[0].service, "cloudtrail");
    }

    #[tokio::test]
    async fn a_denied_status_is_an_unknown_value_of_a_listed_trail() {
        let trail = |name: &str, home: &str| {
            SdkTrail::builder()
                .name(name)
                .home_region(home)
                .trail_arn(format!("arn:aws:cloudtrail:{home}:1:trail/{name}"))
                .s3_bucket_name("logs")
                .build()
        };
        let list = mock!(Client::describe_trails).then_output(move || {
            DescribeTrailsOutput::builder()
                .trail_list(trail("main", "us-east-1"))
                // A shadow of a trail homed in a scanned region: read there.
                .trail_list(trail("eu", "eu-west-1"))
                .build()
        });
        let status = mock!(Client::get_trail_status).then_http_response(denied);
        let sel = mock!(Client::get_event_selectors)
            .then_output(|| GetEventSelectorsOutput::builder().build());
        let insights = mock!(Client::get_insight_selectors).then_http_response(|| {
            aws_smithy_runtime_api::http::Response::new(
                StatusCode::try_from(400).unwrap(),
                SdkBody::from(r#"{"__type":"InsightNotEnabledException","message":"off"}"#),
            )
        });
        let c = mock_client!(
            aws_sdk_cloudtrail,
            RuleMode::MatchAny,
            &[&list, &status, &sel, &insights]
        );
        let scanned = ["eu-west-1".to_string(), "us-east-1".to_string()];
        let part = read_region(&mock_ctx().await, &c, "us-east-1", &scanned).await;
        assert_eq!(part.coverage[0].status, CoverageStatus::Complete);
        assert_eq!(part.resources.len(), 1);
        let a = &part.resources[0].attrs;
        assert_eq!(part.resources[0].id(), "cloudtrail.trail/us-east-1/main");
        assert_eq!(a["status"]["$unknown"], "AccessDeniedException");
        assert_eq!(a["insights"], serde_json::json!([]));
        assert_eq!(a["captures"]["management_write"], true);
    }

    fn adv(fields: &[(&str, &[&str], &[&str])]) -> AdvancedEventSelector {
        let mut b = AdvancedEventSelector::builder();
        for (name, eq, ne) in fields {
            let mut f = AdvancedFieldSelector::builder().field(*name);
            for v in *eq {
                f = f.equals(*v);
            }
            for v in *ne {
                f = f.not_equals(*v);
            }
            b = b.field_selectors(f.build().unwrap());
        }
        b.build().unwrap()
    }

    #[test]
    fn basic_selectors_reduce_to_reads_writes_and_data() {
        let read_only = EventSelector::builder()
            .read_write_type(ReadWriteType::ReadOnly)
            .include_management_events(true)
            .data_resources(DataResource::builder().r#type("AWS::S3::Object").build())
            .build();
        let c = captures(&[read_only], &[]);
        assert!(c.management_read && !c.management_write);
        assert_eq!(c.data_events, ["AWS::S3::Object"]);
        let data_only = EventSelector::builder()
            .include_management_events(false)
            .build();
        let c = captures(&[data_only], &[]);
        assert!(!c.management_read && !c.management_write);
        let c = captures(&[], &[]);
        assert!(
            c.management_read && c.management_write,
            "the default selector"
        );
    }

    #[test]
    fn advanced_selectors_read_category_readonly_and_sources() {
        let writes = adv(&[
            ("eventCategory", &["Management"], &[]),
            ("readOnly", &["false"], &[]),
            ("eventSource", &[], &["kms.amazonaws.com"]),
        ]);
        let data = adv(&[
            ("eventCategory", &["Data"], &[]),
            ("resources.type", &["AWS::Lambda::Function"], &[]),
        ]);
        let c = captures(&[], &[writes, data]);
        assert!(!c.management_read && c.management_write);
        assert_eq!(c.management_excluded_sources, ["kms.amazonaws.com"]);
        assert_eq!(c.data_events, ["AWS::Lambda::Function"]);
        // Data only: no management events at all.
        let c = captures(&[], &[adv(&[("eventCategory", &["Data"], &[])])]);
        assert!(!c.management_read && !c.management_write);
    }
}
