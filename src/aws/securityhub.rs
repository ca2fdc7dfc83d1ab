//! Security Hub, per region: DescribeHub. An account that is not subscribed
//! in the region gets InvalidAccessException "not subscribed": that is
//! "off" (no resource, the region read completely), not a failure.

use aws_sdk_securityhub::error::ProvideErrorMetadata;

use super::{classify, Ctx, Part};
use crate::kinds::{Hub, SECURITYHUB_HUB};
use crate::model::{Coverage, Resource};

/// The registry's entry (see `services.rs`).
pub(super) static SERVICE: super::services::Service = super::services::Service {
    name: "securityhub",
    scope: crate::kinds::Scope::Regional,
    rate: super::limits::Rate::of(10, 20),
    kinds: &[&crate::kinds::HUB_KIND],
    actions: &["securityhub:DescribeHub"],
    collect: |u| Box::pin(collect_region(&u.ctx, u.region)),
    readers: &[],
};

pub(super) async fn collect_region(ctx: &Ctx, region: &str) -> Part {
    let c = regional_client!(aws_sdk_securityhub, ctx, region);
    match ctx.call(c.describe_hub().send()).await {
        Ok(o) => {
            let attrs = Hub {
                subscribed_at: o.subscribed_at().map(str::to_string),
                auto_enable_controls: o.auto_enable_controls(),
                control_finding_generator: o
                    .control_finding_generator()
                    .map(|g| g.as_str().to_string()),
            };
            Part {
                resources: vec![Resource::new(
                    SECURITYHUB_HUB,
                    region,
                    "default",
                    o.hub_arn().map(str::to_string),
                    &attrs,
                )],
                coverage: vec![Coverage::complete("securityhub", region)],
            }
        }
        Err(e) if not_subscribed(e.code(), e.message()) => Part {
            resources: vec![],
            coverage: vec![Coverage::complete("securityhub", region)],
        },
        Err(e) => Part {
            resources: vec![],
            coverage: vec![classify(&e).coverage("securityhub", region)],
        },
    }
}

/// The same code also means "you may not"; only the message tells them apart.
fn not_subscribed(code: Option<&str>, message: Option<&str>) -> bool {
    code == Some("InvalidAccessException")
        && message.is_some_and(|m| m.to_ascii_lowercase().contains("not subscribed"))
}

#[cfg(test)]
mod tests {
    use super::not_subscribed;

    #[test]
    fn only_not_subscribed_means_off() {
        let code = Some("InvalidAccessException");
        assert!(not_subscribed(
            code,
            Some("Account 111122223333 is not subscribed to AWS Security Hub")
        ));
        // The same code for a missing permission is a failure, not "off".
        assert!(!not_subscribed(
            code,
            Some("User is not authorized to perform securityhub:DescribeHub")
        ));
        assert!(!not_subscribed(
            Some("AccessDeniedException"),
            Some("not subscribed")
        ));
    }
}
