//! Per-item calls that start as soon as their list page arrives: the lister
//! sends each item down a channel while it pages on, and every item's
//! calls run concurrently (still bounded by the run's semaphore, one permit
//! per call). A slow per-item call never holds back the next page, and the
//! last page is not waited for before the first item is read.

use std::future::Future;

use futures::channel::mpsc::{unbounded, UnboundedSender};
use futures::StreamExt;

use super::Failure;

/// Where a lister sends the items it finds.
pub(crate) type Items<I> = UnboundedSender<I>;

/// Runs `list` (which sends items to its sender and returns how the listing
/// went, with whatever else it gathered) and `each` on every item,
/// overlapped. The results come in completion order; callers put them in
/// sorted maps.
pub(crate) async fn as_listed<I, R, T, L, F, Fut>(
    list: impl FnOnce(Items<I>) -> L,
    each: F,
) -> (Result<T, Failure>, Vec<R>)
where
    L: Future<Output = Result<T, Failure>>,
    F: FnMut(I) -> Fut,
    Fut: Future<Output = R>,
{
    let (tx, rx) = unbounded();
    // The semaphore bounds calls; this only bounds futures alive at once.
    let consume = rx.map(each).buffer_unordered(4096).collect::<Vec<R>>();
    tokio::join!(list(tx), consume)
}

/// Sends every item of a page; a closed receiver cannot happen while
/// `as_listed` runs, so a failed send is ignored.
pub(crate) fn send_all<I>(tx: &Items<I>, items: impl IntoIterator<Item = I>) {
    for i in items {
        let _ = tx.unbounded_send(i);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    use std::time::Duration;

    use super::*;

    /// The first item's call finishes before the second page is listed.
    #[tokio::test(start_paused = true)]
    async fn items_are_read_while_later_pages_are_still_being_listed() {
        let first_done = Arc::new(AtomicBool::new(false));
        let seen_before_page_two = Arc::new(AtomicBool::new(false));
        let (done, seen) = (first_done.clone(), seen_before_page_two.clone());
        let (listing, results) = as_listed(
            move |tx| async move {
                send_all(&tx, [1]);
                tokio::time::sleep(Duration::from_millis(100)).await;
                seen.store(done.load(Ordering::SeqCst), Ordering::SeqCst);
                send_all(&tx, [2, 3]);
                Ok(())
            },
            |i: u32| {
                let done = first_done.clone();
                async move {
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    if i == 1 {
                        done.store(true, Ordering::SeqCst);
                    }
                    i * 10
                }
            },
        )
        .await;
        assert!(listing.is_ok());
        let mut results = results;
        results.sort();
        assert_eq!(results, [10, 20, 30]);
        assert!(seen_before_page_two.load(Ordering::SeqCst));
    }
}
