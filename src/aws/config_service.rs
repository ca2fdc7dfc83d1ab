//! AWS Config, per region: configuration recorders with their recording
//! status, and delivery channels. Three independent calls, concurrently.

use super::{classify, Ctx, Failure, Part};
use crate::kinds::{DeliveryChannel, Recorder, CONFIG_DELIVERY_CHANNEL, CONFIG_RECORDER};
use crate::model::{Fetched, Resource};

/// The registry's entry (see `services.rs`).
pub(super) static SERVICE: super::services::Service = super::services::Service {
    name: "config",
    scope: crate::kinds::Scope::Regional,
    rate: super::limits::Rate::of(10, 20),
    kinds: &[
        &crate::kinds::RECORDER_KIND,
        &crate::kinds::DELIVERY_CHANNEL_KIND,
    ],
    actions: &[
        "config:DescribeConfigurationRecorderStatus",
        "config:DescribeConfigurationRecorders",
        "config:DescribeDeliveryChannels",
    ],
    collect: |u| Box::pin(collect_region(&u.ctx, u.region)),
    readers: &[],
};

pub(super) async fn collect_region(ctx: &Ctx, region: &str) -> Part {
    let c = regional_client!(aws_sdk_config, ctx, region);
    let (recorders, status, channels) = tokio::join!(
        ctx.call(c.describe_configuration_recorders().send()),
        ctx.call(c.describe_configuration_recorder_status().send()),
        ctx.call(c.describe_delivery_channels().send()),
    );
    let status = status.map_err(|e| classify(&e));
    let result = recorders
        .map_err(|e| classify(&e))
        .map(|o| recorder_resources(o.configuration_recorders(), &status, region))
        .and_then(|mut rs| {
            let o = channels.map_err(|e| classify(&e))?;
            rs.extend(o.delivery_channels().iter().filter_map(|d| {
                let attrs = DeliveryChannel {
                    s3_bucket: d.s3_bucket_name().map(str::to_string),
                    s3_prefix: d.s3_key_prefix().map(str::to_string),
                    sns_topic: d.sns_topic_arn().map(str::to_string),
                    frequency: d
                        .config_snapshot_delivery_properties()
                        .and_then(|p| p.delivery_frequency())
                        .map(|f| f.as_str().to_string()),
                };
                Some(Resource::new(
                    CONFIG_DELIVERY_CHANNEL,
                    region,
                    d.name()?,
                    None,
                    &attrs,
                ))
            }));
            Ok(rs)
        });
    Part::of("config", region, result)
}

fn recorder_resources(
    recorders: &[aws_sdk_config::types::ConfigurationRecorder],
    status: &Result<
        aws_sdk_config::operation::describe_configuration_recorder_status::DescribeConfigurationRecorderStatusOutput,
        Failure,
    >,
    region: &str,
) -> Vec<Resource> {
    recorders
        .iter()
        .filter_map(|r| {
            let name = r.name()?;
            let group = r.recording_group();
            let mut types: Vec<String> = group
                .map(|g| {
                    g.resource_types()
                        .iter()
                        .map(|t| t.as_str().to_string())
                        .collect()
                })
                .unwrap_or_default();
            types.sort();
            let recording = match status {
                Ok(s) => Fetched::Present(
                    s.configuration_recorders_status()
                        .iter()
                        .any(|st| st.name() == Some(name) && st.recording()),
                ),
                Err(f) => Fetched::Unknown(f.code.clone()),
            };
            let attrs = Recorder {
                role_arn: r.role_arn().map(str::to_string),
                all_supported: group.is_some_and(|g| g.all_supported()),
                include_global_resources: group.is_some_and(|g| g.include_global_resource_types()),
                resource_types: types,
                recording,
            };
            Some(Resource::new(
                CONFIG_RECORDER,
                region,
                name,
                r.arn().map(str::to_string),
                &attrs,
            ))
        })
        .collect()
}
