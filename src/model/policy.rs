//! IAM and resource policy normalization, so equivalent documents compare equal.
//!
//! AWS hands policies back URL-encoded (IAM) or as raw strings (S3), with
//! `Statement`, `Action`, `Resource` and principals each either a single value
//! or an array, in whatever order the author wrote them. Normalized, every one
//! of those is a sorted, de-duplicated array, statements are sorted by their
//! canonical text, and object keys are sorted (serde_json's map is ordered).

use serde_json::{Map, Value};

/// Keys within a statement whose value is a string-or-array of strings.
const LIST_KEYS: &[&str] = &["Action", "NotAction", "Resource", "NotResource"];

/// Parses a policy document as AWS returns it (possibly URL-encoded) and
/// normalizes it. Returns the error text when the document is not JSON.
pub fn parse_document(raw: &str) -> Result<Value, String> {
    let trimmed = raw.trim();
    let decoded;
    let text = if trimmed.starts_with('%') || (!trimmed.starts_with('{') && trimmed.contains('%')) {
        decoded = percent_encoding::percent_decode_str(trimmed)
            .decode_utf8()
            .map_err(|e| format!("policy is not valid UTF-8 after URL-decoding: {e}"))?
            .replace('+', " ");
        decoded.as_str()
    } else {
        trimmed
    };
    let v: Value =
        serde_json::from_str(text).map_err(|e| format!("policy is not valid JSON: {e}"))?;
    Ok(normalize(v))
}

/// Normalizes an already-parsed policy document.
pub fn normalize(doc: Value) -> Value {
    super::canonical(normalize_inner(doc))
}

fn normalize_inner(doc: Value) -> Value {
    let Value::Object(mut m) = doc else {
        return doc;
    };
    if let Some(st) = m.remove("Statement") {
        let mut statements: Vec<Value> = as_array(st)
            .into_iter()
            .map(|s| super::canonical(normalize_statement(s)))
            .collect();
        statements.sort_by_cached_key(|s| s.to_string());
        statements.dedup();
        m.insert("Statement".into(), Value::Array(statements));
    }
    Value::Object(m)
}

fn normalize_statement(st: Value) -> Value {
    let Value::Object(m) = st else {
        return st;
    };
    let mut out = Map::new();
    for (k, v) in m {
        let v = if LIST_KEYS.contains(&k.as_str()) {
            sorted_strings(v)
        } else if k == "Principal" || k == "NotPrincipal" {
            normalize_principal(v)
        } else if k == "Condition" {
            normalize_condition(v)
        } else {
            v
        };
        out.insert(k, v);
    }
    Value::Object(out)
}

/// `"*"` stays `"*"` (it means everyone, distinct from `{"AWS": "*"}` only in
/// spelling, but we keep the author's form); maps get sorted arrays.
fn normalize_principal(v: Value) -> Value {
    match v {
        Value::Object(m) => {
            Value::Object(m.into_iter().map(|(k, v)| (k, sorted_strings(v))).collect())
        }
        other => other,
    }
}

fn normalize_condition(v: Value) -> Value {
    match v {
        Value::Object(ops) => Value::Object(
            ops.into_iter()
                .map(|(op, keys)| {
                    let keys = match keys {
                        Value::Object(km) => Value::Object(
                            km.into_iter()
                                .map(|(k, v)| (k, sorted_strings(v)))
                                .collect(),
                        ),
                        other => other,
                    };
                    (op, keys)
                })
                .collect(),
        ),
        other => other,
    }
}

fn as_array(v: Value) -> Vec<Value> {
    match v {
        Value::Array(a) => a,
        other => vec![other],
    }
}

fn sorted_strings(v: Value) -> Value {
    let mut items = as_array(v);
    items.sort_by_cached_key(|x| match x {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    });
    items.dedup();
    Value::Array(items)
}

/// Statements of a normalized document (empty when there are none).
pub fn statements(doc: &Value) -> &[Value] {
    doc.get("Statement")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn equivalent_documents_normalize_equal() {
        let a = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}"#;
        let b = r#"{"Statement":[{"Resource":["arn:aws:s3:::b/*"],"Action":["s3:GetObject","s3:GetObject"],"Effect":"Allow"}],"Version":"2012-10-17"}"#;
        assert_eq!(parse_document(a).unwrap(), parse_document(b).unwrap());
    }

    #[test]
    fn url_encoded_iam_documents_decode() {
        let enc = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%5B%22iam%3A%2A%22%2C%22ec2%3ADescribe%2A%22%5D%2C%22Resource%22%3A%22%2A%22%7D%5D%7D";
        let doc = parse_document(enc).unwrap();
        assert_eq!(
            doc["Statement"][0]["Action"],
            json!(["ec2:Describe*", "iam:*"])
        );
        assert_eq!(doc["Statement"][0]["Resource"], json!(["*"]));
    }

    #[test]
    fn statement_order_and_condition_values_do_not_matter() {
        let a = json!({"Statement":[
            {"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}},
            {"Effect":"Allow","Principal":{"AWS":["arn:b","arn:a"]},"Action":"s3:GetObject","Resource":"*"}]});
        let b = json!({"Statement":[
            {"Effect":"Allow","Principal":{"AWS":["arn:a","arn:b"]},"Action":["s3:GetObject"],"Resource":["*"]},
            {"Effect":"Deny","Action":["s3:*"],"Resource":"*","Condition":{"Bool":{"aws:SecureTransport":["false"]}}}]});
        assert_eq!(normalize(a), normalize(b));
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(parse_document("not json").is_err());
        assert!(parse_document("%ZZ").is_err());
    }
}
