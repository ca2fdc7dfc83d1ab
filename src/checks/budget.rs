//! The time budget of one check evaluation. CEL has no loops but its
//! comprehensions (`map`, `filter`, `all`, `exists`), and nested ones over
//! resource data can take as long as their author likes. The interpreter
//! cannot be interrupted, so each comprehension of a loaded expression is
//! rewritten to call [`TICK`] once per element; the tick fails the
//! evaluation once the budget is spent. Everything outside comprehensions
//! is bounded by the expression's size, which is limited at load time.
//!
//! The tick sits where the interpreter's fast paths leave it alone: on the
//! loop condition, or, for `map`/`filter` (whose condition is a literal the
//! interpreter relies on to append in place), on the element or the guard.
//!
//! The same pass points `matches` at [`MATCHES`], which compiles each
//! pattern once per thread instead of once per call: on 20,000 DNS
//! records, compiling `internal_name_pattern` was most of DNS004's time.

use std::cell::Cell;
use std::time::{Duration, Instant};

use cel::common::ast::{operators, CallExpr, EntryExpr, Expr, IdedEntryExpr};
use cel::parser::Expression;

/// The function the rewrite inserts. `@` cannot start a CEL identifier, so
/// no check can call or shadow it.
pub const TICK: &str = "@dw_tick";

/// The regex match the rewrite calls instead of CEL's `matches`.
pub const MATCHES: &str = "@dw_matches";

/// Compiled patterns kept per thread; past this many, the cache starts over.
const PATTERNS_KEPT: usize = 256;

/// How often the clock is read: every this many ticks.
const CLOCK_EVERY: u32 = 256;

thread_local! {
    static DEADLINE: Cell<Option<Instant>> = const { Cell::new(None) };
    static TICKS: Cell<u32> = const { Cell::new(0) };
    static EXHAUSTED: Cell<bool> = const { Cell::new(false) };
    static PATTERNS: std::cell::RefCell<std::collections::HashMap<String, regex::Regex>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}

/// CEL's `matches` (RE2 syntax, unanchored), with the pattern compiled once.
pub fn matches(text: &str, pattern: &str) -> Result<bool, String> {
    PATTERNS.with(|cache| {
        let mut cache = cache.borrow_mut();
        if let Some(re) = cache.get(pattern) {
            return Ok(re.is_match(text));
        }
        let re = regex::Regex::new(pattern)
            .map_err(|e| format!("'{pattern}' not a valid regex:\n{e}"))?;
        let hit = re.is_match(text);
        if cache.len() >= PATTERNS_KEPT {
            cache.clear();
        }
        cache.insert(pattern.to_string(), re);
        Ok(hit)
    })
}

/// Starts the budget of the next evaluation on this thread.
pub fn start(budget: Duration) {
    DEADLINE.with(|d| d.set(Instant::now().checked_add(budget)));
    TICKS.with(|t| t.set(0));
    EXHAUSTED.with(|x| x.set(false));
}

/// Counts one tick; true once the budget started last has run out (and
/// from then on, so an evaluation stops at its next tick).
pub fn spent() -> bool {
    if EXHAUSTED.with(Cell::get) {
        return true;
    }
    let n = TICKS.with(|t| {
        let n = t.get().wrapping_add(1);
        t.set(n);
        n
    });
    let out = n.is_multiple_of(CLOCK_EVERY)
        && DEADLINE
            .with(Cell::get)
            .is_some_and(|d| Instant::now() >= d);
    EXHAUSTED.with(|x| x.set(out));
    out
}

/// Whether the evaluation that just ended ran out of budget.
pub fn exhausted() -> bool {
    EXHAUSTED.with(Cell::get)
}

/// Whether `e` calls `lists.range`, which builds a list of up to a million
/// elements from nothing: inside a comprehension, gigabytes before the
/// first tick notices. Checks read resources; they have no use for it.
pub fn builds_ranges(e: &Expression) -> bool {
    let here = matches!(&e.expr, Expr::Call(c) if c.func_name == "range"
        && matches!(c.target.as_deref().map(|t| &t.expr), Some(Expr::Ident(n)) if n == "lists"));
    here || children(e).into_iter().any(builds_ranges)
}

fn entries(x: &[IdedEntryExpr]) -> Vec<&Expression> {
    x.iter()
        .flat_map(|x| match &x.expr {
            EntryExpr::StructField(f) => vec![&f.value],
            EntryExpr::MapEntry(m) => vec![&m.key, &m.value],
        })
        .collect()
}

fn children(e: &Expression) -> Vec<&Expression> {
    match &e.expr {
        Expr::Call(c) => c.target.iter().map(|t| &**t).chain(&c.args).collect(),
        Expr::Comprehension(c) => vec![
            &c.iter_range,
            &c.accu_init,
            &c.loop_cond,
            &c.loop_step,
            &c.result,
        ],
        Expr::List(l) => l.elements.iter().collect(),
        Expr::Map(m) => entries(&m.entries),
        Expr::Struct(s) => entries(&s.entries),
        Expr::Select(s) => vec![&s.operand],
        Expr::Ident(_) | Expr::Literal(_) | Expr::Unspecified => vec![],
    }
}

/// The top-level fields of the variable `var` an expression reads
/// (`event.requestParameters...`, `at(event, 'requestParameters.x')`), or
/// `None` when it uses the variable whole (passes it to a function, makes
/// a list of it): then all of it must be bound.
pub fn fields_of(e: &Expression, var: &str) -> Option<std::collections::BTreeSet<String>> {
    Some(
        paths_of(e, var)?
            .into_iter()
            .map(|p| p.split('.').next().unwrap_or_default().to_string())
            .collect(),
    )
}

/// The dotted paths of `var` an expression reads: a field it selects
/// (`event.userIdentity`, the whole field) or the path `at` reads
/// (`at(event, 'userIdentity.arn')`, that leaf); `None` as for
/// [`fields_of`].
pub fn paths_of(e: &Expression, var: &str) -> Option<std::collections::BTreeSet<String>> {
    let mut out = std::collections::BTreeSet::new();
    collect_paths(e, var, &mut out).then_some(out)
}

fn is_var(e: &Expression, var: &str) -> bool {
    matches!(&e.expr, Expr::Ident(n) if n == var)
}

fn collect_paths(e: &Expression, var: &str, out: &mut std::collections::BTreeSet<String>) -> bool {
    match &e.expr {
        Expr::Select(s) if is_var(&s.operand, var) => {
            out.insert(s.field.clone());
            true
        }
        Expr::Call(c)
            if c.func_name == "at"
                && c.target.is_none()
                && c.args.len() == 2
                && is_var(&c.args[0], var) =>
        {
            match &c.args[1].expr {
                Expr::Literal(cel::common::ast::LiteralValue::String(p)) => {
                    out.insert(p.inner().trim_matches('.').to_string());
                    true
                }
                _ => false,
            }
        }
        Expr::Ident(n) if n == var => false,
        _ => children(e).into_iter().all(|c| collect_paths(c, var, out)),
    }
}

/// Rewrites every comprehension in `e` to tick once per element.
pub fn instrument(e: &mut Expression) {
    match &mut e.expr {
        Expr::Call(c) => {
            c.target.iter_mut().for_each(|t| instrument(t));
            c.args.iter_mut().for_each(instrument);
            if c.func_name == "matches" && c.args.len() + usize::from(c.target.is_some()) == 2 {
                if let Some(t) = c.target.take() {
                    c.args.insert(0, *t);
                }
                c.func_name = MATCHES.to_string();
            }
        }
        Expr::Comprehension(c) => {
            for part in [
                &mut c.iter_range,
                &mut c.accu_init,
                &mut c.loop_cond,
                &mut c.loop_step,
                &mut c.result,
            ] {
                instrument(part);
            }
            let spot = if matches!(c.loop_cond.expr, Expr::Literal(_)) {
                append_spot(&mut c.loop_step).unwrap_or(&mut c.loop_cond)
            } else {
                &mut c.loop_cond
            };
            wrap(spot);
        }
        Expr::List(l) => l.elements.iter_mut().for_each(instrument),
        Expr::Map(m) => m.entries.iter_mut().for_each(|x| entry(&mut x.expr)),
        Expr::Struct(s) => s.entries.iter_mut().for_each(|x| entry(&mut x.expr)),
        Expr::Select(s) => instrument(&mut s.operand),
        Expr::Ident(_) | Expr::Literal(_) | Expr::Unspecified => {}
    }
}

fn entry(e: &mut EntryExpr) {
    match e {
        EntryExpr::StructField(f) => instrument(&mut f.value),
        EntryExpr::MapEntry(m) => {
            instrument(&mut m.key);
            instrument(&mut m.value);
        }
    }
}

/// In a `map`/`filter` step (`@result + [x]`, or `g ? @result + [x] :
/// @result`), what is evaluated on every element: the guard, else the one
/// appended element.
fn append_spot(step: &mut Expression) -> Option<&mut Expression> {
    let Expr::Call(call) = &mut step.expr else {
        return None;
    };
    match (call.func_name.as_str(), call.args.as_mut_slice()) {
        (operators::CONDITIONAL, [guard, _, _]) => Some(guard),
        (operators::ADD, [_, list]) => match &mut list.expr {
            Expr::List(l) if l.elements.len() == 1 => l.elements.first_mut(),
            _ => None,
        },
        _ => None,
    }
}

/// `x` becomes `@dw_tick(x)`.
fn wrap(e: &mut Expression) {
    let inner = std::mem::take(e);
    e.id = inner.id;
    e.expr = Expr::Call(CallExpr {
        func_name: TICK.to_string(),
        target: None,
        args: vec![inner],
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ticks_in(e: &Expression) -> usize {
        format!("{e:?}").matches(TICK).count()
    }

    #[test]
    fn every_comprehension_ticks_once_per_element_without_losing_its_shape() {
        for (src, n) in [
            ("[1, 2].map(x, x + 1)", 1),
            ("[1, 2].filter(x, x > 1)", 1),
            ("[1, 2].exists(x, x > 1)", 1),
            ("[1, 2].all(x, [3].exists(y, y == x))", 2),
            ("{'a': [1].map(x, x)}", 1),
            ("1 + 2", 0),
        ] {
            let mut e = cel::Program::compile(src).unwrap().expression().clone();
            instrument(&mut e);
            assert_eq!(ticks_in(&e), n, "{src}: {e:?}");
        }
        // map/filter keep the literal condition the interpreter's
        // in-place append needs.
        let mut e = cel::Program::compile("[1].map(x, x)")
            .unwrap()
            .expression()
            .clone();
        instrument(&mut e);
        let Expr::Comprehension(c) = &e.expr else {
            panic!("{e:?}")
        };
        assert!(matches!(c.loop_cond.expr, Expr::Literal(_)));
    }

    #[test]
    fn matches_is_cel_matches_compiled_once() {
        assert_eq!(matches("db.internal", r"(^|\.)internal$"), Ok(true));
        assert_eq!(
            matches("internal.example.com", r"(^|\.)internal$"),
            Ok(false)
        );
        assert_eq!(matches("ABC", "(?i)b"), Ok(true));
        assert!(matches("x", "(foo")
            .unwrap_err()
            .contains("not a valid regex"));
        for src in ["'a'.matches('a')", "matches('a', 'a')"] {
            let mut e = cel::Program::compile(src).unwrap().expression().clone();
            instrument(&mut e);
            let Expr::Call(c) = &e.expr else {
                panic!("{e:?}")
            };
            assert_eq!(
                (c.func_name.as_str(), c.args.len(), c.target.is_none()),
                (MATCHES, 2, true)
            );
        }
    }
}
