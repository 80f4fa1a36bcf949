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
//! gives the kept connection back before it opens a transaction, so a
//! request never holds two; and a use case about to wait on something other
//! than its database lets it go first ([`release_held`]).

use std::any::Any;
use std::cell::RefCell;
use std::future::Future;

tokio::task_local! {
    static HELD: RefCell<Option<Box<dyn Any + Send>>>;
}

/// Runs `request` with a place to keep one connection between its units of
/// work; the connection goes back to its pool when `request` ends.
pub async fn one_connection<F: Future>(request: F) -> F::Output {
    HELD.scope(RefCell::new(None), request).await
}

/// The connection an earlier read of this request kept, if it is a `C`.
#[must_use]
pub fn take_held<C: Any + Send>() -> Option<C> {
    HELD.try_with(|held| {
        let mut held = held.borrow_mut();
        if held.as_ref().is_some_and(|c| c.is::<C>()) {
            held.take().and_then(|c| c.downcast::<C>().ok()).map(|c| *c)
        } else {
            None
        }
    })
    .ok()
    .flatten()
}

/// Keeps `conn` for this request's next read. Outside [`one_connection`],
/// or when a connection is already kept, `conn` comes back to be given to
/// its pool.
#[must_use]
pub fn hold<C: Any + Send>(conn: C) -> Option<C> {
    let mut conn = Some(conn);
    let _ = HELD.try_with(|held| {
        let mut held = held.borrow_mut();
        if held.is_none() {
            *held = conn.take().map(|c| Box::new(c) as Box<dyn Any + Send>);
        }
    });
    conn
}

/// Gives back the kept connection, if any: before a transaction, or before
/// a wait on something other than the database.
pub fn release_held() {
    let kept = HELD
        .try_with(|held| held.borrow_mut().take())
        .ok()
        .flatten();
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
}
