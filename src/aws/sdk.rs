//! Reaching AWS: the SDK configuration of a run (the standard credential
//! chain and region, with the command line's overrides, timeouts and
//! retries), the check that a named profile exists, and what to tell the
//! user when the identity call fails.

use std::time::Duration;

use aws_config::{BehaviorVersion, Region, SdkConfig};

use super::{error_chain, AwsError, AwsOptions};

/// How long the instance metadata service may take to answer before the
/// credential and region chains move on: on EC2 it answers in milliseconds,
/// and off EC2 a hanging or absent endpoint must not stall every run.
const IMDS_TIMEOUT: Duration = Duration::from_millis(500);

/// Checks that a named profile exists before anything is sent, so a typo
/// reads as "profile X not found", not as an IMDS error from the end of
/// the credential chain.
pub async fn check_profile(profile: &str) -> Result<(), AwsError> {
    let env = aws_types::os_shim_internal::Env::real();
    let fs = aws_types::os_shim_internal::Fs::real();
    let set = aws_config::profile::load(&fs, &env, &Default::default(), None)
        .await
        .map_err(|e| AwsError::ConfigFiles(error_chain(&e)))?;
    if set.get_profile(profile).is_some() {
        return Ok(());
    }
    let files = ["AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"]
        .iter()
        .zip(["~/.aws/config", "~/.aws/credentials"])
        .map(|(var, default)| std::env::var(var).unwrap_or_else(|_| default.into()))
        .collect::<Vec<_>>()
        .join(" or ");
    let mut known: Vec<&str> = set.profiles().collect();
    known.sort();
    Err(AwsError::NoProfile {
        profile: profile.into(),
        files,
        known: if known.is_empty() {
            "none".into()
        } else {
            known.join(", ")
        },
    })
}

/// What to tell the user when the identity call fails: SSO profiles need a
/// login, and a missing chain needs credentials.
pub(super) async fn identity_hint(opts: &AwsOptions, message: &str) -> String {
    let env = aws_types::os_shim_internal::Env::real();
    let fs = aws_types::os_shim_internal::Fs::real();
    let name = opts
        .profile
        .clone()
        .or_else(|| std::env::var("AWS_PROFILE").ok())
        .unwrap_or_else(|| "default".into());
    let sso = aws_config::profile::load(&fs, &env, &Default::default(), None)
        .await
        .ok()
        .and_then(|set| {
            let p = set.get_profile(&name)?;
            Some(p.get("sso_session").is_some() || p.get("sso_start_url").is_some())
        })
        .unwrap_or(false);
    if sso {
        format!(
            "profile {name} uses SSO and has no session: run `aws sso login --profile {name}`; "
        )
    } else if [
        "loading credentials",
        "no credentials",
        "credential provider was not enabled",
    ]
    .iter()
    .any(|m| message.to_ascii_lowercase().contains(m))
    {
        "no credentials found: set AWS_PROFILE or --profile, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; ".into()
    } else {
        String::new()
    }
}

/// Loads the standard credential chain and region, with overrides. A region
/// given on the command line, or a custom endpoint, is used as is: the region
/// chain (which ends in an IMDS probe) runs only when neither is given.
pub async fn load_sdk_config(opts: &AwsOptions) -> SdkConfig {
    let imds = aws_config::imds::Client::builder()
        .connect_timeout(IMDS_TIMEOUT)
        .read_timeout(IMDS_TIMEOUT)
        .max_attempts(1)
        .build();
    // Resolved once: the credential chain would otherwise run the default
    // region chain (and its IMDS probe) again for its own STS calls.
    let region = resolve_region(opts, &imds).await;
    let mut creds = aws_config::default_provider::credentials::DefaultCredentialsChain::builder()
        .imds_client(imds)
        .region(region.clone());
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .region(region)
        .timeout_config(
            aws_config::timeout::TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(5).min(opts.attempt_timeout))
                .operation_attempt_timeout(opts.attempt_timeout)
                .operation_timeout(opts.operation_timeout)
                .build(),
        )
        .retry_config(
            aws_config::retry::RetryConfig::adaptive().with_max_attempts(opts.max_attempts),
        );
    if let Some(p) = &opts.profile {
        loader = loader.profile_name(p);
        creds = creds.profile_name(p);
    }
    if let Some(e) = &opts.endpoint_url {
        loader = loader.endpoint_url(e);
    }
    loader
        .credentials_provider(creds.build().await)
        .load()
        .await
}

/// The region requests are signed for: the first `--region`; with a custom
/// endpoint (moto, LocalStack, a proxy: no IMDS behind it) the environment's
/// or us-east-1; otherwise the standard chain (environment, profile, IMDS),
/// falling back to us-east-1, since global services and DescribeRegions
/// sign for some region.
async fn resolve_region(opts: &AwsOptions, imds: &aws_config::imds::Client) -> Region {
    use aws_config::meta::region::{ProvideRegion, RegionProviderChain};
    if let Some(r) = opts.regions.first() {
        return Region::new(r.clone());
    }
    let env = aws_config::environment::region::EnvironmentVariableRegionProvider::new();
    if custom_endpoint(opts) {
        return env
            .region()
            .await
            .unwrap_or(Region::from_static("us-east-1"));
    }
    let mut profile = aws_config::profile::ProfileFileRegionProvider::builder();
    if let Some(p) = &opts.profile {
        profile = profile.profile_name(p);
    }
    RegionProviderChain::first_try(env)
        .or_else(profile.build())
        .or_else(
            aws_config::imds::region::ImdsRegionProvider::builder()
                .imds_client(imds.clone())
                .build(),
        )
        .or_else(Region::from_static("us-east-1"))
        .region()
        .await
        .unwrap_or(Region::from_static("us-east-1"))
}

/// True when requests go to a custom endpoint (moto, LocalStack, a proxy),
/// where S3 must use path-style addressing.
pub(super) fn custom_endpoint(opts: &AwsOptions) -> bool {
    opts.endpoint_url.is_some()
        || std::env::var_os("AWS_ENDPOINT_URL").is_some()
        || std::env::var_os("AWS_ENDPOINT_URL_S3").is_some()
}
