//! `lambda.function`: each function with what decides who can run it and
//! what it runs (role, runtime, code digest, layers), the *names* of its
//! environment variables (never the values), its resource policy and its
//! function URLs. Collected by `aws/lambda.rs`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::event::{id, text};
use super::{Kind, Scope};
use crate::model::{Fetched, Risk};

pub const LAMBDA_FUNCTION: &str = "lambda.function";

pub static FUNCTION_KIND: Kind = Kind {
    name: LAMBDA_FUNCTION,
    scope: Scope::Regional,
    risk: Risk::Asset,
    about: "A function (ListFunctions) with its resource policy (GetPolicy) and URLs (ListFunctionUrlConfigs): two calls per function.",
    // CloudTrail names Lambda's events with the API version appended.
    events: &[
        "CreateFunction20150331",
        "DeleteFunction20150331",
        "UpdateFunctionCode20150331v2",
        "UpdateFunctionConfiguration20150331v2",
        "AddPermission20150331v2",
        "RemovePermission20150331v2",
        "CreateFunctionUrlConfig20211031",
        "UpdateFunctionUrlConfig20211031",
        "DeleteFunctionUrlConfig20211031",
    ],
    ids: |c| {
        let Some(name) = text(c.req, &["functionName"]).or_else(|| text(c.resp, &["functionName"]))
        else {
            return vec![];
        };
        let (region, name) = function_of(&name, c.region);
        vec![id(LAMBDA_FUNCTION, region, name)]
    },
    describe: |a| {
        let runtime = a.get("runtime").and_then(Value::as_str).unwrap_or("");
        let open = a["urls"]
            .as_array()
            .is_some_and(|u| u.iter().any(|x| x["auth_type"] == "NONE"));
        format!("{runtime}{}", if open { ", URL without auth" } else { "" })
    },
    shape: super::shape::<Function>,
    listed: None,
    unheld: super::all_held,
};

/// A function named by name, partial ARN (`123:function:f`) or ARN, with or
/// without a qualifier: its region (from the ARN) and bare name.
fn function_of<'a>(name: &'a str, region: &'a str) -> (&'a str, &'a str) {
    match name.split_once(":function:") {
        Some((head, rest)) => {
            let region = head
                .split(':')
                .nth(3)
                .filter(|r| !r.is_empty())
                .unwrap_or(region);
            (region, rest.split(':').next().unwrap_or(rest))
        }
        None => (region, name),
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct Function {
    pub runtime: Option<String>,
    pub role: Option<String>,
    pub handler: Option<String>,
    /// Base64 SHA-256 of the deployment package: new code, new digest.
    pub code_sha256: Option<String>,
    pub package_type: Option<String>,
    pub layers: Vec<String>,
    /// Names only: values are where people put secrets.
    pub environment_variables: Vec<String>,
    pub kms_key: Option<String>,
    pub vpc_security_groups: Vec<String>,
    /// The resource policy, normalized; absent when there is none.
    pub policy: Fetched<Value>,
    pub urls: Fetched<Vec<FunctionUrl>>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, Default)]
pub struct FunctionUrl {
    pub url: String,
    /// `AWS_IAM` or `NONE` (anyone on the internet may call it).
    pub auth_type: String,
    pub cors_allow_origins: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn functions_are_named_by_name_or_arn() {
        assert_eq!(function_of("f1", "us-east-1"), ("us-east-1", "f1"));
        assert_eq!(
            function_of("arn:aws:lambda:eu-west-1:1:function:f1:prod", "us-east-1"),
            ("eu-west-1", "f1")
        );
        assert_eq!(
            function_of("1:function:f1", "us-east-1"),
            ("us-east-1", "f1")
        );
    }
}
