//! One pooled connection for a request's reads, end to end.
//!
//! A request commonly reads twice, each part its own unit of work: its
//! sign-in check, then what it asks for. Each unit of work used to take a
//! connection from the pool and give it back, and giving one back costs a
//! round trip (sqlx pings every connection it takes back, so a pool never
//! hands out a connection left mid-statement). Inside [`one_connection`] a
//! store keeps a read's connection once the read is done ([`hold`]) and the
//! request's next read starts on it ([`take_held`]), so a request gives its
//! connection back once, when it ends.
//!
//! Only the connection is kept: every read still asks the database, so a
//! change made by any process is seen by the next read (SPEC §8). A store
//! gives the kept connection back before it opens a transaction or queues
//! for one (`SQLite`'s write gate), or runs its write on it (`PostgreSQL`'s
//! one-statement booking), so a request never holds one connection while it
//! waits for another; and a use case about to wait on something other than
//! its database lets it go first ([`release_held`]).

use std::any::Any;
use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// What a request keeps: nothing, or one store's connection.
type Slot = Option<Box<dyn Any + Send>>;

thread_local! {
    /// The slot of the request being polled on this thread; `None` outside
    /// every request.
    static CURRENT: RefCell<Option<Slot>> = const { RefCell::new(None) };
}

/// Runs `request` with a place to keep one connection between its units of
/// work; the connection goes back to its pool when `request` ends.
///
/// The place is put in a thread-local while `request` is polled and taken
/// out after, as `tokio::task_local!` does; written here so that the use
/// cases depend on no runtime.
pub fn one_connection<F: Future>(request: F) -> OneConnection<F> {
    OneConnection {
        slot: None,
        request: Some(Box::pin(request)),
    }
}

/// The future of [`one_connection`].
pub struct OneConnection<F> {
    slot: Slot,
    request: Option<Pin<Box<F>>>,
}

impl<F> std::fmt::Debug for OneConnection<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OneConnection")
            .field("holding", &self.slot.is_some())
            .finish_non_exhaustive()
    }
}

/// Puts a request's slot back when its poll ends, panic or not.
struct Entered<'a> {
    slot: &'a mut Slot,
    outer: Option<Slot>,
}

impl<'a> Entered<'a> {
    fn enter(slot: &'a mut Slot) -> Self {
        let mine = slot.take();
        let outer = CURRENT.with(|c| c.replace(Some(mine)));
        Self { slot, outer }
    }
}

impl Drop for Entered<'_> {
    fn drop(&mut self) {
        let outer = self.outer.take();
        *self.slot = CURRENT.with(|c| c.replace(outer)).flatten();
    }
}

impl<F: Future> Future for OneConnection<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.get_mut();
        let Some(request) = this.request.as_mut() else {
            return Poll::Pending;
        };
        let _entered = Entered::enter(&mut this.slot);
        let done = request.as_mut().poll(cx);
        if done.is_ready() {
            this.request = None;
        }
        done
    }
}

impl<F> Drop for OneConnection<F> {
    /// A request dropped before it ends (a timeout) drops its connections
    /// outside every request, so they go back to their pool.
    fn drop(&mut self) {
        let outer = CURRENT.with(|c| c.replace(None));
        self.request = None;
        self.slot = None;
        CURRENT.with(|c| c.replace(outer));
    }
}

/// The connection an earlier read of this request kept, if it is a `C`.
#[must_use]
pub fn take_held<C: Any + Send>() -> Option<C> {
    CURRENT.with(|current| {
        let mut current = current.borrow_mut();
        let held = current.as_mut()?;
        if held.as_ref().is_some_and(|c| c.is::<C>()) {
            held.take().and_then(|c| c.downcast::<C>().ok()).map(|c| *c)
        } else {
            None
        }
    })
}

/// Keeps `conn` for this request's next read. Outside [`one_connection`],
/// or when a connection is already kept, `conn` comes back to be given to
/// its pool.
#[must_use]
pub fn hold<C: Any + Send>(conn: C) -> Option<C> {
    CURRENT.with(|current| match current.borrow_mut().as_mut() {
        Some(held @ None) => {
            *held = Some(Box::new(conn));
            None
        }
        _ => Some(conn),
    })
}

/// Gives back the kept connection, if any: before a transaction, or before
/// a wait on something other than the database.
pub fn release_held() {
    let kept = CURRENT.with(|current| current.borrow_mut().as_mut().and_then(Option::take));
    drop(kept);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_kept_connection_is_handed_to_the_next_read_of_the_same_request_only() {
        one_connection(async {
            assert_eq!(hold(7_u32), None);
            assert_eq!(hold(8_u32), Some(8), "one connection kept at a time");
            assert_eq!(
                take_held::<String>(),
                None,
                "another store's kind is not handed out"
            );
            assert_eq!(take_held::<u32>(), Some(7));
            assert_eq!(take_held::<u32>(), None);
            assert_eq!(hold(9_u32), None);
            release_held();
            assert_eq!(take_held::<u32>(), None);
        })
        .await;
        assert_eq!(hold(1_u32), Some(1), "outside a request nothing is kept");
        assert_eq!(take_held::<u32>(), None);
    }

    #[tokio::test]
    async fn each_request_keeps_its_own_and_an_inner_one_ends_with_its_own() {
        one_connection(async {
            assert_eq!(hold(1_u32), None);
            one_connection(async {
                assert_eq!(take_held::<u32>(), None, "the outer request's is not seen");
                assert_eq!(hold(2_u32), None);
                tokio::task::yield_now().await;
                assert_eq!(take_held::<u32>(), Some(2), "kept across an await");
            })
            .await;
            assert_eq!(take_held::<u32>(), Some(1));
        })
        .await;
    }

    #[tokio::test]
    async fn a_dropped_request_gives_back_what_it_kept() {
        struct Conn(std::sync::Arc<std::sync::atomic::AtomicBool>);
        impl Drop for Conn {
            fn drop(&mut self) {
                self.0.store(true, std::sync::atomic::Ordering::SeqCst);
            }
        }
        let back = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let conn = Conn(std::sync::Arc::clone(&back));
        let mut request = Box::pin(one_connection(async move {
            assert!(hold(conn).is_none());
            std::future::pending::<()>().await;
        }));
        let waker = std::task::Waker::noop();
        assert!(
            request
                .as_mut()
                .poll(&mut Context::from_waker(waker))
                .is_pending()
        );
        assert!(!back.load(std::sync::atomic::Ordering::SeqCst));
        drop(request);
        assert!(back.load(std::sync::atomic::Ordering::SeqCst));
        assert!(take_held::<Conn>().is_none());
    }
}
