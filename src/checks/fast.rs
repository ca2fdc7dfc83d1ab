//! Event-check programs simple enough to run without CEL, read straight
//! off the record's JSON.
//!
//! Why: an event check runs on every record it wants, and a busy check
//! (every denied call, every call by root) wants tens of thousands per
//! trail. Binding a record for CEL converts it value by value, and that
//! cost more than reading the record did. Most event checks say little:
//! `true` (the filter said it all), one field as the key, or a few fields
//! compared with literals and joined by `&&`, `||` and `!`. Those are
//! compiled from CEL's own syntax tree into [`Fast`] and answered here.
//!
//! A fast program answers only where its answer is certainly CEL's: every
//! comparison is of strings, booleans and nulls (CEL's equality across
//! other types is not copied), and every operand of a logical operator is a
//! boolean. Anywhere else it says [`Fast::run`] `None`, and the caller runs
//! CEL on that record as before, which gives CEL's value or CEL's error.

use cel::common::ast::{operators, Expr, LiteralValue};
use cel::parser::Expression;
use serde_json::Value;

/// A compiled program, or `None` from [`Fast::of`] when it needs CEL.
#[derive(Debug, Clone)]
pub(crate) enum Fast {
    /// A literal (`true`, a string, a list of literals).
    Const(Value),
    /// `at(event, 'a.b')`: null where the path leaves the record.
    At(Vec<String>),
    /// `event.a.b`: CEL fails where the path leaves the record, so this
    /// answers only where it does not.
    Select(Vec<String>),
    Eq(Box<Fast>, Box<Fast>),
    Ne(Box<Fast>, Box<Fast>),
    /// `x in [literals]`.
    In(Box<Fast>, Vec<Value>),
    And(Box<Fast>, Box<Fast>),
    Or(Box<Fast>, Box<Fast>),
    Not(Box<Fast>),
    /// `c ? a : b`.
    If(Box<Fast>, Box<Fast>, Box<Fast>),
}

impl Fast {
    /// Compiles what this file can answer, from the program's syntax tree.
    pub(crate) fn of(e: &Expression) -> Option<Fast> {
        match &e.expr {
            Expr::Literal(l) => literal(l).map(Fast::Const),
            Expr::List(l) => l
                .elements
                .iter()
                .map(|x| match &x.expr {
                    Expr::Literal(l) => literal(l),
                    _ => None,
                })
                .collect::<Option<Vec<_>>>()
                .map(|v| Fast::Const(Value::Array(v))),
            Expr::Select(_) => select_path(e).map(Fast::Select),
            Expr::Call(c) if c.target.is_none() => {
                let arg = |i: usize| Fast::of(&c.args[i]).map(Box::new);
                match (c.func_name.as_str(), c.args.len()) {
                    ("at", 2) => at_path(&c.args[0], &c.args[1]).map(Fast::At),
                    (operators::EQUALS, 2) => Some(Fast::Eq(arg(0)?, arg(1)?)),
                    (operators::NOT_EQUALS, 2) => Some(Fast::Ne(arg(0)?, arg(1)?)),
                    (operators::LOGICAL_AND, 2) => Some(Fast::And(arg(0)?, arg(1)?)),
                    (operators::LOGICAL_OR, 2) => Some(Fast::Or(arg(0)?, arg(1)?)),
                    (operators::LOGICAL_NOT, 1) => Some(Fast::Not(arg(0)?)),
                    (operators::CONDITIONAL, 3) => Some(Fast::If(arg(0)?, arg(1)?, arg(2)?)),
                    (operators::IN, 2) => match *arg(1)? {
                        Fast::Const(Value::Array(items)) => Some(Fast::In(arg(0)?, items)),
                        _ => None,
                    },
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// The program's answer on `record` (bound as `event`), or `None`
    /// where only CEL can say.
    pub(crate) fn run(&self, record: &Value) -> Option<Value> {
        match self {
            Fast::Const(v) => Some(v.clone()),
            Fast::At(p) => Some(walk(record, p).cloned().unwrap_or(Value::Null)),
            Fast::Select(p) => walk(record, p).cloned(),
            Fast::Eq(a, b) => equal(&a.run(record)?, &b.run(record)?).map(Value::Bool),
            Fast::Ne(a, b) => equal(&a.run(record)?, &b.run(record)?).map(|e| Value::Bool(!e)),
            Fast::In(a, items) => {
                let v = a.run(record)?;
                let mut found = false;
                for i in items {
                    found |= equal(&v, i)?;
                }
                Some(Value::Bool(found))
            }
            Fast::And(a, b) => match a.run(record)? {
                Value::Bool(false) => Some(Value::Bool(false)),
                Value::Bool(true) => boolean(b.run(record)?),
                _ => None,
            },
            Fast::Or(a, b) => match a.run(record)? {
                Value::Bool(true) => Some(Value::Bool(true)),
                Value::Bool(false) => boolean(b.run(record)?),
                _ => None,
            },
            Fast::Not(a) => match a.run(record)? {
                Value::Bool(b) => Some(Value::Bool(!b)),
                _ => None,
            },
            Fast::If(c, a, b) => match c.run(record)? {
                Value::Bool(true) => a.run(record),
                Value::Bool(false) => b.run(record),
                _ => None,
            },
        }
    }
}

fn boolean(v: Value) -> Option<Value> {
    v.is_boolean().then_some(v)
}

/// CEL's `==` where it is plain: values of different kinds are unequal,
/// strings, booleans and nulls compare as themselves. Numbers, lists and
/// maps on both sides are CEL's to compare (its numbers cross types).
fn equal(a: &Value, b: &Value) -> Option<bool> {
    let plain = |v: &Value| matches!(v, Value::String(_) | Value::Bool(_) | Value::Null);
    let kind = |v: &Value| std::mem::discriminant(v);
    if plain(a) || plain(b) || kind(a) != kind(b) {
        Some(a == b)
    } else {
        None
    }
}

fn literal(l: &LiteralValue) -> Option<Value> {
    match l {
        LiteralValue::Boolean(b) => Some(Value::Bool(*b.inner())),
        LiteralValue::String(s) => Some(Value::String(s.inner().to_string())),
        LiteralValue::Null => Some(Value::Null),
        _ => None,
    }
}

/// `at(event, 'a.b')`: the path, as `at` splits it.
fn at_path(target: &Expression, path: &Expression) -> Option<Vec<String>> {
    if !matches!(&target.expr, Expr::Ident(n) if n == "event") {
        return None;
    }
    match &path.expr {
        Expr::Literal(LiteralValue::String(p)) => Some(
            p.inner()
                .split('.')
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
        ),
        _ => None,
    }
}

/// `event.a.b` as `["a", "b"]`; not `has(...)` tests.
fn select_path(e: &Expression) -> Option<Vec<String>> {
    match &e.expr {
        Expr::Ident(n) if n == "event" => Some(vec![]),
        Expr::Select(s) if !s.test => {
            let mut p = select_path(&s.operand)?;
            p.push(s.field.clone());
            Some(p)
        }
        _ => None,
    }
}

/// The value at a path of map keys and list indexes, as `at` reads one.
fn walk<'v>(record: &'v Value, path: &[String]) -> Option<&'v Value> {
    let mut cur = record;
    for seg in path {
        cur = match cur {
            Value::Object(m) => m.get(seg)?,
            Value::Array(a) => a.get(seg.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(cur)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fast(src: &str) -> Option<Fast> {
        Fast::of(&cel::parser::Parser::new().parse(src).unwrap())
    }

    #[test]
    fn the_usual_shapes_compile_and_answer() {
        let r = json!({"userIdentity": {"type": "Root"}, "readOnly": true, "n": 1});
        let yes = |src: &str| fast(src).unwrap().run(&r);
        assert_eq!(yes("true"), Some(json!(true)));
        assert_eq!(yes("at(event, 'userIdentity.type')"), Some(json!("Root")));
        assert_eq!(
            yes("at(event, 'userIdentity.invokedBy') == null"),
            Some(json!(true))
        );
        assert_eq!(
            yes("event.userIdentity.type in ['IAMUser', 'Root'] && !(at(event, 'readOnly') == false)"),
            Some(json!(true))
        );
        assert_eq!(
            yes("at(event, 'readOnly') == true ? ['read'] : []"),
            Some(json!(["read"]))
        );
        assert_eq!(
            yes("at(event, 'x') != null || event.readOnly"),
            Some(json!(true))
        );
    }

    #[test]
    fn what_only_cel_can_say_is_left_to_cel() {
        let r = json!({"n": 1, "m": 1.0, "s": "a"});
        let cel_decides = |src: &str| fast(src).unwrap().run(&r);
        // A missing field selected is CEL's error, numbers are CEL's to
        // compare, a non-boolean operand of && is CEL's error.
        assert_eq!(cel_decides("event.missing == 'x'"), None);
        assert_eq!(cel_decides("at(event, 'n') == at(event, 'm')"), None);
        assert_eq!(cel_decides("at(event, 's') && true"), None);
        assert_eq!(cel_decides("!at(event, 's')"), None);
        // A false left side decides && as CEL does, without the right.
        assert_eq!(cel_decides("false && at(event, 's')"), Some(json!(false)));
        // Functions, numbers and comprehensions do not compile at all.
        for src in [
            "size(at(event, 'x')) == 0",
            "at(event, 'n') == 1",
            "[1].map(x, x)",
        ] {
            assert!(fast(src).is_none(), "{src}");
        }
    }
}
