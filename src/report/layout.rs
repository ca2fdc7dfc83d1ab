//! The JSON report's layout: indented down to the report's lists, then one
//! line per list item (a change, a finding, a coverage entry).
//!
//! Why: fully indented, a finding takes 15 lines and over a quarter of a large
//! report's bytes are indentation (66 MB against 48 MB for 101,000
//! findings); one line per item keeps it readable, lets `grep` show a
//! whole finding and `git diff` of two reports show whole items, and
//! `jq .` still pretty-prints it. The data is the same either way.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::ser::{CompactFormatter, Formatter};

/// Writes `value` indented for its first `levels` levels of nesting, and
/// each container deeper on one line.
pub fn write<W: Write, T: Serialize + ?Sized>(out: W, value: &T, levels: usize) -> io::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(out, Lines::new(levels));
    value.serialize(&mut ser).map_err(io::Error::other)
}

/// A formatter that indents like `serde_json`'s pretty one while at most
/// `levels` containers are open, and writes compactly inside deeper ones.
struct Lines {
    levels: usize,
    /// Containers open now.
    depth: usize,
    /// Whether the innermost open container has had a value (an empty one
    /// closes on its own line otherwise).
    has_value: bool,
}

impl Lines {
    fn new(levels: usize) -> Self {
        Lines {
            levels,
            depth: 0,
            has_value: false,
        }
    }

    /// Whether the items of the container open now get lines of their own.
    fn indents(&self) -> bool {
        self.depth <= self.levels
    }

    fn newline<W: ?Sized + Write>(&self, w: &mut W, depth: usize) -> io::Result<()> {
        w.write_all(b"\n")?;
        (0..depth).try_for_each(|_| w.write_all(b"  "))
    }

    fn open<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(bracket)
    }

    fn close<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        let indented = self.indents();
        self.depth -= 1;
        if indented && self.has_value {
            self.newline(w, self.depth)?;
        }
        w.write_all(bracket)
    }

    fn item<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        if !first {
            w.write_all(b",")?;
        }
        if self.indents() {
            self.newline(w, self.depth)?;
        }
        Ok(())
    }
}

impl Formatter for Lines {
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.item(w, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.item(w, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        if self.indents() {
            w.write_all(b": ")
        } else {
            CompactFormatter.begin_object_value(w)
        }
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    fn laid_out(v: &serde_json::Value, levels: usize) -> String {
        let mut out = Vec::new();
        super::write(&mut out, v, levels).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn list_items_take_one_line_each_below_the_levels_indented() {
        let v = json!({
            "schema": "s",
            "empty": [],
            "none": {},
            "findings": [{"id": "f-1", "resource": {"id": "r", "kind": "k"}, "evidence": ["a", "b"]}, {"id": "f-2"}],
            "baseline": {"path": "p"}
        });
        let text = laid_out(&v, 2);
        assert_eq!(
            text,
            r#"{
  "schema": "s",
  "empty": [],
  "none": {},
  "findings": [
    {"id":"f-1","resource":{"id":"r","kind":"k"},"evidence":["a","b"]},
    {"id":"f-2"}
  ],
  "baseline": {
    "path": "p"
  }
}"#
        );
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, v, "the same data as any layout");
    }

    #[test]
    fn more_levels_indent_deeper_and_none_is_one_line() {
        let v = json!({"accounts": [{"findings": [{"id": "f-1"}]}]});
        assert_eq!(
            laid_out(&v, 4),
            "{\n  \"accounts\": [\n    {\n      \"findings\": [\n        {\"id\":\"f-1\"}\n      ]\n    }\n  ]\n}"
        );
        assert_eq!(
            laid_out(&v, 0),
            r#"{"accounts":[{"findings":[{"id":"f-1"}]}]}"#
        );
    }
}
