//! CPU work on every core: one rayon pool for the run, whose threads have
//! the stack CEL needs (its parser and evaluator recurse once per nesting
//! level and chained operator, about 27 KiB a level in a debug build), so
//! checks, diff, loading states and parsing trail logs share the cores
//! without spawning and joining threads by hand.

use std::sync::OnceLock;

/// Stack for every worker: the expression limits (`checks::MAX_EXPRESSION_*`)
/// fit with room to spare, where a 2 MiB thread would overflow.
pub const STACK: usize = 64 << 20;

/// The pool: as many threads as cores.
pub fn pool() -> &'static rayon::ThreadPool {
    static POOL: OnceLock<rayon::ThreadPool> = OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .stack_size(STACK)
            .thread_name(|i| format!("driftwatch-{i}"))
            .build()
            .expect("start the worker threads")
    })
}

/// Runs `f` on the pool (on its big stack), the caller waiting; inline
/// when already on it.
pub fn install<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    pool().install(f)
}

/// How many parts `n` items are worth cutting into: one per core, but no
/// more than there are `min_per_part` items for, where a part has a fixed
/// cost (a CEL context, a thread's share of a large tree).
pub fn parts(n: usize, min_per_part: usize) -> usize {
    pool()
        .current_num_threads()
        .min(n / min_per_part.max(1) + 1)
}

/// Two things at once: `a` on this thread, `b` on the pool.
pub fn join<A: Send, B: Send>(
    a: impl FnOnce() -> A + Send,
    b: impl FnOnce() -> B + Send,
) -> (A, B) {
    install(|| rayon::join(a, b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn work_runs_on_big_stacks_and_parts_follow_the_size() {
        // Deep recursion that would overflow a 2 MiB stack.
        fn depth(n: usize) -> usize {
            let pad = [0u8; 1024];
            if n == 0 {
                pad.len() - 1024
            } else {
                depth(n - 1) + std::hint::black_box(pad)[0] as usize + 1
            }
        }
        assert_eq!(install(|| depth(20_000)), 20_000);
        assert_eq!(parts(10, 2000), 1);
        assert_eq!(parts(1_000_000, 2000), pool().current_num_threads());
        assert_eq!(join(|| 1, || 2), (1, 2));
    }
}
