//! Lambda, per region: every function (ListFunctions, paginated) with its
//! resource policy (GetPolicy) and function URLs (ListFunctionUrlConfigs),
//! both started as each page arrives. Environment variable values are
//! dropped as soon as the listing is read: only their names are kept.

use aws_sdk_lambda::types::FunctionConfiguration;
use aws_sdk_lambda::Client;

use super::pipeline::{as_listed, send_all, Items};
use super::{each_page, fetched_policy, Ctx, Failure, Part};
use crate::kinds::{Function, FunctionUrl, LAMBDA_FUNCTION};
use crate::model::{Fetched, Resource};

/// The registry's entry (see `services.rs`).
pub(super) static SERVICE: super::services::Service = super::services::Service {
    name: "lambda",
    scope: crate::kinds::Scope::Regional,
    rate: super::limits::Rate::of(7, 15),
    kinds: &[&crate::kinds::FUNCTION_KIND],
    actions: &[
        "lambda:GetPolicy",
        "lambda:ListFunctionUrlConfigs",
        "lambda:ListFunctions",
    ],
    collect: |u| Box::pin(collect_region(&u.ctx, u.region)),
    readers: &[],
};

pub(super) async fn collect_region(ctx: &Ctx, region: &str) -> Part {
    let c = regional_client!(aws_sdk_lambda, ctx, region);
    Part::of("lambda", region, functions(ctx, &c, region).await)
}

async fn functions(ctx: &Ctx, c: &Client, region: &str) -> Result<Vec<Resource>, Failure> {
    let listing = |tx: Items<(String, Option<String>, Function)>| async move {
        let pages = c.list_functions().into_paginator().send();
        each_page(ctx, pages, |page| {
            send_all(&tx, page.functions().iter().filter_map(function));
        })
        .await?;
        Ok(())
    };
    let (listed, read) = as_listed(listing, |(name, arn, mut f)| async move {
        let (policy, urls) = tokio::join!(policy_of(ctx, c, &name), urls_of(ctx, c, &name));
        f.policy = policy;
        f.urls = urls;
        Resource::new(LAMBDA_FUNCTION, region, name, arn, &f)
    })
    .await;
    listed?;
    Ok(read)
}

fn function(f: &FunctionConfiguration) -> Option<(String, Option<String>, Function)> {
    let name = f.function_name()?.to_string();
    let sorted = |mut v: Vec<String>| {
        v.sort();
        v.dedup();
        v
    };
    let attrs = Function {
        runtime: f.runtime().map(|r| r.as_str().to_string()),
        role: f.role().map(str::to_string),
        handler: f.handler().map(str::to_string),
        code_sha256: f.code_sha256().map(str::to_string),
        package_type: f.package_type().map(|p| p.as_str().to_string()),
        layers: sorted(
            f.layers()
                .iter()
                .filter_map(|l| l.arn().map(str::to_string))
                .collect(),
        ),
        environment_variables: sorted(
            f.environment()
                .and_then(|e| e.variables())
                .map(|v| v.keys().cloned().collect())
                .unwrap_or_default(),
        ),
        kms_key: f.kms_key_arn().map(str::to_string),
        vpc_security_groups: sorted(
            f.vpc_config()
                .map(|v| v.security_group_ids().to_vec())
                .unwrap_or_default(),
        ),
        policy: Fetched::Absent,
        urls: Fetched::Absent,
    };
    Some((name, f.function_arn().map(str::to_string), attrs))
}

/// The function's resource policy; a function without one answers
/// ResourceNotFoundException, which is "none", not a failure.
async fn policy_of(ctx: &Ctx, c: &Client, name: &str) -> Fetched<serde_json::Value> {
    match ctx.call(c.get_policy().function_name(name).send()).await {
        Ok(o) => fetched_policy(o.policy()),
        Err(e) => super::gone_or_unknown(&e, &["ResourceNotFoundException"]),
    }
}

async fn urls_of(ctx: &Ctx, c: &Client, name: &str) -> Fetched<Vec<FunctionUrl>> {
    let pages = c
        .list_function_url_configs()
        .function_name(name)
        .into_paginator()
        .send();
    super::fetched_pages(ctx, pages, |page| {
        page.function_url_configs()
            .iter()
            .map(|u| {
                let mut origins: Vec<String> = u
                    .cors()
                    .map(|c| c.allow_origins().to_vec())
                    .unwrap_or_default();
                origins.sort();
                FunctionUrl {
                    url: u.function_url().to_string(),
                    auth_type: u.auth_type().as_str().to_string(),
                    cors_allow_origins: origins,
                }
            })
            .collect()
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::mock_ctx;
    use aws_sdk_lambda::operation::list_function_url_configs::ListFunctionUrlConfigsOutput;
    use aws_sdk_lambda::operation::list_functions::ListFunctionsOutput;
    use aws_smithy_mocks::{mock, mock_client, RuleMode};
    use aws_smithy_runtime_api::http::StatusCode;
    use aws_smithy_types::body::SdkBody;

    /// Lambda's REST-JSON error: the code travels in a header.
    fn error(status: u16, code: &str) -> aws_smithy_runtime_api::http::Response {
        let mut r = aws_smithy_runtime_api::http::Response::new(
            StatusCode::try_from(status).unwrap(),
            SdkBody::from(r#"{"Type":"User","Message":"no"}"#),
        );
        r.headers_mut().insert("x-amzn-errortype", code.to_string());
        r
    }

    /// No policy is "none"; a denied policy read is unknown. Neither hides
    /// the function, and environment values never reach the resource.
    #[tokio::test]
    async fn a_missing_policy_is_none_and_a_denied_one_unknown() {
        let list = mock!(Client::list_functions).then_output(|| {
            ListFunctionsOutput::builder()
                .functions(
                    FunctionConfiguration::builder()
                        .function_name("open")
                        .environment(
                            aws_sdk_lambda::types::EnvironmentResponse::builder()
                                .variables("TOKEN", "s3cret-value")
                                .build(),
                        )
                        .build(),
                )
                .functions(
                    FunctionConfiguration::builder()
                        .function_name("locked")
                        .build(),
                )
                .build()
        });
        let none = mock!(Client::get_policy)
            .match_requests(|r| r.function_name() == Some("open"))
            .then_http_response(|| error(404, "ResourceNotFoundException"));
        let denied = mock!(Client::get_policy)
            .match_requests(|r| r.function_name() == Some("locked"))
            .then_http_response(|| error(403, "AccessDeniedException"));
        let urls = mock!(Client::list_function_url_configs).then_output(|| {
            ListFunctionUrlConfigsOutput::builder()
                .set_function_url_configs(Some(vec![]))
                .build()
                .unwrap()
        });
        let c = mock_client!(
            aws_sdk_lambda,
            RuleMode::MatchAny,
            &[&list, &none, &denied, &urls]
        );
        let mut got = functions(&mock_ctx().await, &c, "us-east-1").await.unwrap();
        got.sort_by_key(|r| r.native_id.clone());
        assert_eq!(got[0].native_id, "locked");
        assert_eq!(got[0].attrs["policy"]["$unknown"], "AccessDeniedException");
        assert_eq!(got[1].attrs["policy"], serde_json::Value::Null);
        assert_eq!(
            got[1].attrs["environment_variables"],
            serde_json::json!(["TOKEN"])
        );
        assert!(!got[1].attrs.to_string().contains("s3cret-value"));
    }
}
