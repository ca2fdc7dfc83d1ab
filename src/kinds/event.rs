//! Reading resource ids out of a CloudTrail event: the parts of a record a
//! kind's `ids` function sees, and helpers for the JSON shapes AWS services
//! use in `requestParameters` and `responseElements`.

use serde_json::Value;

/// One write event, as a kind's `ids` function sees it.
pub struct Call<'a> {
    pub name: &'a str,
    pub region: &'a str,
    pub req: &'a Value,
    pub resp: &'a Value,
    /// The caller's IAM user name when the caller is an IAM user: acting on
    /// oneself leaves `userName` out of the request.
    pub self_user: Option<&'a str>,
    /// The caller is the account's root user: acting on itself, it changes
    /// the root facts (`iam.account_summary`), not a user.
    pub root: bool,
}

/// Follows a path of object keys.
pub fn at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a Value> {
    let mut cur = v;
    for k in path {
        cur = cur.get(*k)?;
    }
    Some(cur)
}

/// A non-empty string at a path, trimmed.
pub fn text(v: &Value, path: &[&str]) -> Option<String> {
    at(v, path)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// EC2 list encoding: `{"items": [...]}`, `{"item": [...]}`, `{}` or a bare array.
pub fn items(v: Option<&Value>) -> Vec<&Value> {
    match v {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(Value::Object(m)) => match m.get("items").or_else(|| m.get("item")) {
            Some(Value::Array(a)) => a.iter().collect(),
            Some(one @ Value::Object(_)) => vec![one],
            _ => vec![],
        },
        _ => vec![],
    }
}

/// `kind/region/native`.
pub fn id(kind: &str, region: &str, native: &str) -> String {
    format!("{kind}/{region}/{native}")
}

/// Ids of one kind from the first of several places that holds a value,
/// in request then response.
pub fn ids_at(c: &Call<'_>, kind: &str, region: &str, paths: &[&[&str]]) -> Vec<String> {
    let mut out = Vec::new();
    for v in [c.req, c.resp] {
        for p in paths {
            if let Some(n) = text(v, p) {
                out.push(id(kind, region, &n));
            }
        }
    }
    out
}

/// The last path segment of an ARN (`arn:aws:iam::1:role/path/name` → `name`).
pub fn arn_name(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap_or(arn)
}
