//! JSON to CEL values and back, directly.
//!
//! cel's own path goes JSON → `cel::Value` → its boxed `Val`, copying each
//! map twice; binding a resource and handing a policy to a function that
//! way was half of what 100,000 resources cost to check. These walk the
//! tree once.

use std::collections::HashMap;

use cel::common::types::{
    CelBool, CelDouble, CelInt, CelList, CelMap, CelMapKey, CelNull, CelString, CelUInt, Kind,
};
use cel::common::value::Val;
use serde_json::{Map, Number, Value};

/// A JSON value as a CEL value. Numbers are typed as `cel::to_value` types
/// them, so expressions read the same either way: non-negative integers
/// are `uint`, negative ones `int`, the rest `double`.
pub fn to_val(v: &Value) -> Box<dyn Val> {
    match v {
        Value::Null => Box::new(CelNull),
        Value::Bool(b) => Box::new(CelBool::from(*b)),
        Value::Number(n) => number(n),
        Value::String(s) => Box::new(CelString::from(s.clone())),
        Value::Array(a) => Box::new(CelList::from(a.iter().map(to_val).collect::<Vec<_>>())),
        Value::Object(m) => Box::new(CelMap::from(
            m.iter()
                .map(|(k, v)| (CelMapKey::from(k.clone()), to_val(v)))
                .collect::<HashMap<_, _>>(),
        )),
    }
}

/// A CEL string.
pub fn string(s: &str) -> Box<dyn Val> {
    Box::new(CelString::from(s.to_string()))
}

/// CEL's null.
pub fn null() -> Box<dyn Val> {
    Box::new(CelNull)
}

/// A CEL list of the values.
pub fn list(items: Vec<Box<dyn Val>>) -> Box<dyn Val> {
    Box::new(CelList::from(items))
}

/// A CEL map with string keys.
pub fn map(entries: Vec<(&str, Box<dyn Val>)>) -> Box<dyn Val> {
    Box::new(CelMap::from(
        entries
            .into_iter()
            .map(|(k, v)| (CelMapKey::from(k.to_string()), v))
            .collect::<HashMap<_, _>>(),
    ))
}

fn number(n: &Number) -> Box<dyn Val> {
    if let Some(u) = n.as_u64() {
        Box::new(CelUInt::from(u))
    } else if let Some(i) = n.as_i64() {
        Box::new(CelInt::from(i))
    } else {
        Box::new(CelDouble::from(n.as_f64().unwrap_or(f64::NAN)))
    }
}

/// A CEL value as JSON; `None` for what JSON cannot hold (bytes, types,
/// durations, non-finite doubles). Map keys that are not strings are
/// written as their text, as JSON requires.
pub fn to_json(v: &dyn Val) -> Option<Value> {
    Some(match v.get_type().kind() {
        Kind::NullType => Value::Null,
        Kind::Boolean => Value::Bool(*v.downcast_ref::<CelBool>()?.inner()),
        Kind::Int => Value::from(*v.downcast_ref::<CelInt>()?.inner()),
        Kind::UInt => Value::from(*v.downcast_ref::<CelUInt>()?.inner()),
        Kind::Double => Value::Number(Number::from_f64(*v.downcast_ref::<CelDouble>()?.inner())?),
        Kind::String => Value::String(v.downcast_ref::<CelString>()?.inner().to_string()),
        Kind::List => Value::Array(
            v.downcast_ref::<CelList>()?
                .inner()
                .iter()
                .map(|x| to_json(x.as_ref()))
                .collect::<Option<_>>()?,
        ),
        Kind::Map => {
            let mut out = Map::new();
            for (k, x) in v.downcast_ref::<CelMap>()?.inner() {
                out.insert(key_text(k)?, to_json(x.as_ref())?);
            }
            Value::Object(out)
        }
        _ => return None,
    })
}

fn key_text(k: &CelMapKey) -> Option<String> {
    match to_json(k.inner())? {
        Value::String(s) => Some(s),
        other => Some(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A round trip keeps every JSON type, and agrees with cel's own
    /// conversion on what a CEL expression sees.
    #[test]
    fn json_round_trips_through_cel_values() {
        let v = serde_json::json!({
            "s": "x", "i": -3, "big": 18_446_744_073_709_551_615u64, "f": 1.5,
            "b": true, "n": null, "l": [1, "a", [], {}], "m": {"k": {"deep": [false]}}
        });
        let back = to_json(to_val(&v).as_ref()).unwrap();
        assert_eq!(back, v);
        let ours = cel::Value::try_from(to_val(&v).as_ref()).unwrap();
        assert_eq!(ours, cel::to_value(&v).unwrap());
    }
}
