//! A resource's attrs: the JSON tree, or, for a resource read from a file,
//! the compact text it was read from until something reads it.
//!
//! A 100k-resource state file parsed into trees takes about seven times its
//! size in memory, and a diff of two of them mostly finds that a resource
//! is as it was. Kept as text, an unchanged resource costs its bytes and a
//! string comparison; only what differs, or what a check or a report
//! reads, is ever parsed. Text another tool wrote (its own key order and
//! spacing) compares through its canonical text, still without a tree; a
//! state written whole parses each resource for its own write and lets it go.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Default)]
pub struct Attrs {
    /// Compact JSON as read from a file; `None` once changed in memory, or
    /// for attrs built in memory.
    text: Option<Box<str>>,
    /// The tree, with every map's keys sorted; parsed from `text` on first
    /// read.
    /// Boxed: a `Value` is 80 bytes inline, and most attrs of a diffed
    /// state are never parsed.
    tree: OnceLock<Box<Value>>,
}

impl Attrs {
    /// Attrs from their compact JSON text, which must be valid JSON (the
    /// loader has read it as such).
    pub fn from_text(text: String) -> Self {
        Attrs {
            text: Some(text.into_boxed_str()),
            tree: OnceLock::new(),
        }
    }

    /// The text attrs were read from, while they are unchanged.
    pub fn text(&self) -> Option<&str> {
        self.text.as_deref()
    }

    /// `true` when both were read as the same text and hold no unknown
    /// marker: equal without parsing either. `false` says nothing (the same
    /// value can be written two ways); compare the trees then.
    pub fn surely_equal(&self, other: &Attrs) -> bool {
        match (&self.text, &other.text) {
            (Some(a), Some(b)) => a == b && !a.contains(super::UNKNOWN_KEY),
            _ => false,
        }
    }

    /// `true` when both were read from text and their texts are the same
    /// value written in another key order or spacing (see [`canonical`]),
    /// neither holding an unknown marker: equal without building either
    /// tree. This is what lets files another tool wrote diff as fast as
    /// driftwatch's own. `false` says nothing; compare the trees then.
    pub fn same_canonical_text(&self, other: &Attrs) -> bool {
        match (&self.text, &other.text) {
            (Some(a), Some(b))
                if !a.contains(super::UNKNOWN_KEY) && !b.contains(super::UNKNOWN_KEY) =>
            {
                matches!((canonical(a), canonical(b)), (Some(x), Some(y)) if x == y)
            }
            _ => false,
        }
    }

    /// The tree without keeping it: borrowed when already parsed, else
    /// parsed for the caller alone. For passes over every resource (the
    /// checks) that would otherwise leave 100k trees behind them.
    pub fn read(&self) -> std::borrow::Cow<'_, Value> {
        match (self.tree.get(), &self.text) {
            (Some(t), _) => std::borrow::Cow::Borrowed(t),
            (None, Some(text)) => std::borrow::Cow::Owned(parse(text)),
            (None, None) => std::borrow::Cow::Borrowed(self.tree()),
        }
    }

    fn tree(&self) -> &Value {
        self.tree
            .get_or_init(|| Box::new(parse(self.text.as_deref().unwrap_or("{}"))))
    }
}

/// The tree of attrs text, every map's keys sorted.
fn parse(text: &str) -> Value {
    // The loader read this text as JSON already.
    let mut v: Value = serde_json::from_str(text).expect("attrs text is JSON");
    super::sort_in_place(&mut v);
    v
}

impl From<Value> for Attrs {
    fn from(v: Value) -> Self {
        Attrs {
            text: None,
            tree: OnceLock::from(Box::new(v)),
        }
    }
}

impl std::ops::Deref for Attrs {
    type Target = Value;
    fn deref(&self) -> &Value {
        self.tree()
    }
}

impl std::ops::DerefMut for Attrs {
    fn deref_mut(&mut self) -> &mut Value {
        self.tree();
        // The text no longer says what the tree holds.
        self.text = None;
        self.tree.get_mut().expect("parsed above").as_mut()
    }
}

impl Clone for Attrs {
    fn clone(&self) -> Self {
        Attrs {
            text: self.text.clone(),
            tree: self.tree.clone(),
        }
    }
}

impl PartialEq for Attrs {
    fn eq(&self, other: &Self) -> bool {
        self.surely_equal(other) || self.tree() == other.tree()
    }
}

impl std::fmt::Debug for Attrs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.tree().fmt(f)
    }
}

impl Serialize for Attrs {
    /// Through a tree, so a pretty file stays pretty at every depth; one
    /// parsed for this write alone when only the text is held (a state
    /// written whole must not leave a tree per resource behind), and with
    /// every map's keys in order, whatever a change in memory inserted.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let tree = self.read();
        if sorted(&tree) {
            tree.serialize(s)
        } else {
            super::canonical(tree.into_owned()).serialize(s)
        }
    }
}

/// Whether every map's keys are in order, at every depth.
fn sorted(v: &Value) -> bool {
    match v {
        Value::Object(m) => {
            m.keys().zip(m.keys().skip(1)).all(|(a, b)| a <= b) && m.values().all(sorted)
        }
        Value::Array(a) => a.iter().all(sorted),
        _ => true,
    }
}

impl<'de> Deserialize<'de> for Attrs {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = Box::<serde_json::value::RawValue>::deserialize(d)?;
        let text = compact(raw.get()).map_err(serde::de::Error::custom)?;
        Ok(Attrs::from_text(text))
    }
}

/// How deep attrs may nest: serde_json's own limit when it parses them
/// into a tree later (it refuses a 128th level). Skipping over the text on load has no limit, so it
/// is checked here, where a bad file can still be refused.
pub const MAX_DEPTH: usize = 127;

/// JSON text without the whitespace between tokens, so the same value
/// written at another depth of another file reads as the same text.
/// Whitespace inside strings is kept; the input is valid JSON. Refused
/// when it nests deeper than [`MAX_DEPTH`].
pub fn compact(json: &str) -> Result<String, String> {
    let mut out = Vec::with_capacity(json.len());
    let (mut in_string, mut escaped, mut depth) = (false, false, 0usize);
    // Bytes, not chars: every byte that matters here is ASCII, and no byte
    // of a multi-byte character is.
    for &b in json.as_bytes() {
        if in_string {
            out.push(b);
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b' ' | b'\t' | b'\n' | b'\r' => continue,
            b'"' => in_string = true,
            b'[' | b'{' => depth += 1,
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth > MAX_DEPTH {
            return Err(format!("attrs nest deeper than {MAX_DEPTH} levels"));
        }
        out.push(b);
    }
    // Only ASCII whitespace was left out of valid UTF-8.
    Ok(String::from_utf8(out).expect("still UTF-8"))
}

/// Compact JSON text with every object's members in key order, as a tree
/// holds them and driftwatch writes them, and strings escaped the one way
/// serde_json escapes them. Numbers stay as written (`1.0` and `1` are
/// different values to a tree too). Built without a tree: each object is a
/// sorted list of borrowed members. `None` if the text is not JSON.
pub fn canonical(json: &str) -> Option<String> {
    let raw: &serde_json::value::RawValue = serde_json::from_str(json).ok()?;
    let mut out = String::with_capacity(json.len());
    write_canonical(raw, &mut out).ok()?;
    Some(out)
}

fn write_canonical(
    raw: &serde_json::value::RawValue,
    out: &mut String,
) -> Result<(), serde_json::Error> {
    use serde_json::value::RawValue;
    use std::collections::BTreeMap;
    let text = raw.get().trim();
    match text.as_bytes().first() {
        Some(b'{') => {
            // Keys compare unescaped, as a tree's do; a repeated key keeps
            // its last value, as a tree's does.
            let members: BTreeMap<std::borrow::Cow<'_, str>, &RawValue> =
                match serde_json::from_str::<BTreeMap<&str, &RawValue>>(text) {
                    Ok(m) => m.into_iter().map(|(k, v)| (k.into(), v)).collect(),
                    Err(_) => serde_json::from_str::<BTreeMap<String, &RawValue>>(text)?
                        .into_iter()
                        .map(|(k, v)| (k.into(), v))
                        .collect(),
                };
            out.push('{');
            for (i, (k, v)) in members.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&serde_json::to_string(k)?);
                out.push(':');
                write_canonical(v, out)?;
            }
            out.push('}');
        }
        Some(b'[') => {
            let items: Vec<&RawValue> = serde_json::from_str(text)?;
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(v, out)?;
            }
            out.push(']');
        }
        Some(b'"') if text.contains('\\') => {
            let s: String = serde_json::from_str(text)?;
            out.push_str(&serde_json::to_string(&s)?);
        }
        _ => out.push_str(text),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Another tool's text of a value (its own key order, spacing and
    /// escapes) is the canonical text of driftwatch's, without a tree.
    #[test]
    fn another_writers_text_is_the_same_canonical_text() {
        let ours: Attrs = serde_json::from_str(
            r#"{"a": 1, "b": {"x": [1, {"p": "q/r", "o": null}], "y": "\u00e9"}}"#,
        )
        .unwrap();
        let theirs: Attrs = serde_json::from_str(
            "{\n    \"b\": {\n        \"y\": \"\\u00e9\",\n        \"x\": [1, {\"o\": null, \"p\": \"q\\/r\"}]\n    },\n    \"a\": 1\n}",
        )
        .unwrap();
        assert!(!ours.surely_equal(&theirs));
        assert!(ours.same_canonical_text(&theirs));
        assert!(ours.tree.get().is_none() && theirs.tree.get().is_none());
        assert_eq!(*ours, *theirs);
        // Order inside a list is part of the value; so is a number's form.
        let swapped: Attrs =
            serde_json::from_str(r#"{"a": 1, "b": {"x": [{"p": "q/r", "o": null}, 1], "y": "é"}}"#)
                .unwrap();
        assert!(!ours.same_canonical_text(&swapped));
        let float: Attrs = serde_json::from_str(
            r#"{"a": 1.0, "b": {"x": [1, {"p": "q/r", "o": null}], "y": "é"}}"#,
        )
        .unwrap();
        assert!(!ours.same_canonical_text(&float));
        // Unknown values are never equal unseen.
        let u: Attrs = serde_json::from_str(r#"{"p": {"$unknown": "AccessDenied"}}"#).unwrap();
        assert!(!u.same_canonical_text(&u.clone()));
        // What driftwatch writes is already canonical.
        let written = serde_json::to_string(&*ours).unwrap();
        assert_eq!(canonical(&written).unwrap(), written);
    }

    #[test]
    fn compact_keeps_strings_and_drops_the_rest() {
        let text = "{\n  \"a b\": [ 1, \"x \\\" y\\\\\" ],\r\n\t\"c\": { }\n}";
        assert_eq!(compact(text).unwrap(), r#"{"a b":[1,"x \" y\\"],"c":{}}"#);
        let v: Value = serde_json::from_str(text).unwrap();
        assert_eq!(
            serde_json::from_str::<Value>(&compact(text).unwrap()).unwrap(),
            v
        );
    }

    /// A hostile file nesting attrs 5,000 deep is refused on load: read
    /// later, the tree could not be built and the run would abort.
    #[test]
    fn attrs_deeper_than_a_tree_can_be_are_refused_on_load() {
        let nest = |n: usize| format!("{{\"x\": {}{}}}", "[".repeat(n), "]".repeat(n));
        let e = serde_json::from_str::<Attrs>(&nest(5000)).unwrap_err();
        assert!(e.to_string().contains("deeper than 127"), "{e}");
        // As deep as a tree can be still loads, and parses.
        let ok: Attrs = serde_json::from_str(&nest(MAX_DEPTH - 1)).unwrap();
        assert!(ok.is_object());
        // Brackets inside strings are text.
        let s: Attrs =
            serde_json::from_str(&format!("{{\"x\": \"{}\"}}", "[".repeat(500))).unwrap();
        assert!(s["x"].is_string());
    }

    /// Read from pretty text at any depth, the same value is the same text;
    /// a value holding an unknown marker is never taken as equal unseen
    /// (the diff must still name what it could not compare).
    #[test]
    fn equal_text_is_equal_without_parsing_unless_unknown() {
        let a: Attrs = serde_json::from_str("{ \"x\": 1 }").unwrap();
        let b: Attrs = serde_json::from_str("{\n      \"x\": 1\n    }").unwrap();
        assert!(a.surely_equal(&b));
        assert!(a.tree.get().is_none() && b.tree.get().is_none());
        let u: Attrs = serde_json::from_str(r#"{"p": {"$unknown": "AccessDenied"}}"#).unwrap();
        assert!(!u.surely_equal(&u.clone()));
        // Other key order: not surely equal, but equal.
        let c: Attrs = serde_json::from_str(r#"{"y": 2, "x": 1}"#).unwrap();
        let d: Attrs = serde_json::from_str(r#"{"x": 1, "y": 2}"#).unwrap();
        assert!(!c.surely_equal(&d) && c == d);
        assert_eq!(serde_json::to_string(&c).unwrap(), r#"{"x":1,"y":2}"#);
    }

    #[test]
    fn a_change_in_memory_forgets_the_text() {
        let mut a: Attrs = serde_json::from_str(r#"{"x": 1}"#).unwrap();
        let b = a.clone();
        a["x"] = Value::from(2);
        assert!(a.text().is_none() && !a.surely_equal(&b) && a != b);
    }
}
