//! The transactional outbox (A8).

use std::sync::Arc;

use rota_app::domain::email::EmailAddress;
use rota_app::domain::id::OutboxId;
use rota_app::domain::jiff::SignedDuration;
use rota_app::domain::outbox::OutboxMessage;
use rota_app::ports::TxMode;

use crate::Fresh;
use crate::fixtures::{Fixture, at, uuid};

pub(crate) fn message(f: &Fixture, n: u128) -> OutboxMessage {
    OutboxMessage {
        id: OutboxId::from_uuid(uuid(3000 + n)),
        business_id: f.business.id,
        recipient: EmailAddress::parse("ana@sparkle.example").unwrap(),
        kind: "invitation".into(),
        payload: format!("{{\"n\":{n}}}"),
        created_at: at("2026-03-02T09:00:00Z")
            .checked_add(SignedDuration::from_secs(i64::try_from(n).unwrap()))
            .unwrap(),
        attempts: 0,
        next_attempt_at: at("2026-03-02T09:00:00Z"),
        sent_at: None,
        last_error: None,
        topic: None,
    }
}

/// A8: queued messages come back when due, oldest first; delivered ones and
/// ones waiting for a retry do not.
pub async fn a8_outbox_messages_wait_until_due_and_delivered(fresh: Fresh) {
    let store = fresh.store;
    let f = Fixture::write(store.as_ref(), 1, "sparkle").await;
    let (a, mut b, c) = (message(&f, 1), message(&f, 2), message(&f, 3));
    let mut tx = store.begin(TxMode::Write).await.unwrap();
    for m in [&a, &b, &c] {
        tx.outbox().enqueue(m).await.unwrap();
    }
    tx.commit().await.unwrap();

    let now = at("2026-03-02T09:05:00Z");
    let mut tx = store.begin(TxMode::Write).await.unwrap();
    let due = tx.outbox().due(now, 10).await.unwrap();
    assert_eq!(due, vec![a.clone(), b.clone(), c.clone()]);
    let mut sent = a.clone();
    sent.sent(now);
    b.failed(now, "451 try later");
    tx.outbox()
        .update(&[sent.clone(), b.clone()])
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let mut tx = store.begin(TxMode::Write).await.unwrap();
    assert_eq!(
        tx.outbox().due(now, 10).await.unwrap(),
        vec![c.clone()],
        "b waits 30 s; a is sent"
    );
    let later = now.checked_add(SignedDuration::from_secs(30)).unwrap();
    assert_eq!(
        tx.outbox().due(later, 10).await.unwrap(),
        vec![c.clone(), b.clone()],
        "earliest due first"
    );
    assert_eq!(
        tx.outbox().due(later, 1).await.unwrap().len(),
        1,
        "the limit holds"
    );
    assert_eq!(
        tx.outbox().get(f.business.id, a.id).await.unwrap(),
        Some(sent)
    );
    assert_eq!(
        tx.outbox()
            .get(f.business.id, b.id)
            .await
            .unwrap()
            .unwrap()
            .attempts,
        1
    );
}

/// A8: two delivery workers at once (two pools where the store has them)
/// never take the same message.
pub async fn a8_two_workers_never_deliver_a_message_twice(fresh: Fresh) {
    let f = Fixture::write(fresh.store.as_ref(), 1, "sparkle").await;
    let mut tx = fresh.store.begin(TxMode::Write).await.unwrap();
    for n in 0..20 {
        tx.outbox().enqueue(&message(&f, n)).await.unwrap();
    }
    tx.commit().await.unwrap();
    let pools = [
        Arc::clone(&fresh.store),
        fresh
            .second
            .clone()
            .unwrap_or_else(|| Arc::clone(&fresh.store)),
    ];
    let now = at("2026-03-02T10:00:00Z");
    let workers: Vec<_> = pools
        .into_iter()
        .map(|store| {
            tokio::spawn(async move {
                let mut taken = Vec::new();
                loop {
                    let mut tx = store.begin(TxMode::Write).await.unwrap();
                    let due = tx.outbox().due(now, 3).await.unwrap();
                    if due.is_empty() {
                        return taken;
                    }
                    let mut sent = due;
                    for m in &mut sent {
                        m.sent(now);
                        taken.push(m.id);
                    }
                    tx.outbox().update(&sent).await.unwrap();
                    tx.commit().await.unwrap();
                }
            })
        })
        .collect();
    let mut all = Vec::new();
    for w in workers {
        all.extend(w.await.unwrap());
    }
    let delivered = all.len();
    all.sort();
    all.dedup();
    assert_eq!(all.len(), delivered, "a message was delivered twice");
    assert_eq!(delivered, 20, "every message was delivered");
}

/// A8: a queued message belongs to its unit of work, however the store
/// writes it: read back in it and kept by its commit when a booking was
/// written after it, gone when the unit of work is dropped.
pub async fn a8_a_queued_message_lives_and_dies_with_its_unit_of_work(fresh: Fresh) {
    use rota_app::domain::time::TimeRange;

    let store = fresh.store;
    let f = Fixture::write(store.as_ref(), 1, "sparkle").await;
    let slot = TimeRange::new(at("2026-03-09T10:00:00Z"), at("2026-03-09T11:00:00Z")).unwrap();
    let first = crate::stories::scheduling::booking(&f, 1, slot, vec![f.provider.id]);
    let (a, b) = (message(&f, 1), message(&f, 2));

    let mut tx = store.begin(TxMode::Write).await.unwrap();
    tx.outbox().enqueue(&a).await.unwrap();
    tx.bookings().insert(&first).await.unwrap();
    assert_eq!(
        tx.outbox().get(f.business.id, a.id).await.unwrap(),
        Some(a.clone()),
        "read back in its own unit of work"
    );
    tx.commit().await.unwrap();

    let mut tx = store.begin(TxMode::Write).await.unwrap();
    tx.outbox().enqueue(&b).await.unwrap();
    drop(tx);

    let mut tx = store.begin(TxMode::Read).await.unwrap();
    let outbox = tx.outbox();
    assert_eq!(outbox.get(f.business.id, a.id).await.unwrap(), Some(a));
    assert_eq!(
        outbox.get(f.business.id, b.id).await.unwrap(),
        None,
        "dropped with its unit of work"
    );
}

/// A8: the unsent messages about a topic (a booking's reminders) can be
/// withdrawn — in the unit of work that moves or cancels the booking, even
/// ones queued in that same unit — and sent ones, other topics and other
/// businesses' are left as they are.
pub async fn a8_unsent_messages_about_a_topic_are_withdrawn(fresh: Fresh) {
    let store = fresh.store;
    let f = Fixture::write(store.as_ref(), 1, "sparkle").await;
    let g = Fixture::write(store.as_ref(), 2, "shine").await;
    let about = |m: OutboxMessage, topic: &str| OutboxMessage {
        topic: Some(topic.to_owned()),
        ..m
    };
    let pending = about(message(&f, 1), "reminder:1");
    let mut sent = about(message(&f, 2), "reminder:1");
    sent.sent_at = Some(at("2026-03-02T09:30:00Z"));
    let other_topic = about(message(&f, 3), "reminder:2");
    let untopical = message(&f, 4);
    let other_business = about(message(&g, 5), "reminder:1");
    let mut tx = store.begin(TxMode::Write).await.unwrap();
    for m in [&pending, &sent, &other_topic, &untopical, &other_business] {
        tx.outbox().enqueue(m).await.unwrap();
    }
    tx.commit().await.unwrap();

    let mut tx = store.begin(TxMode::Write).await.unwrap();
    let fresh_one = about(message(&f, 6), "reminder:1");
    tx.outbox().enqueue(&fresh_one).await.unwrap();
    assert_eq!(
        tx.outbox()
            .withdraw(f.business.id, "reminder:1")
            .await
            .unwrap(),
        2
    );
    tx.commit().await.unwrap();

    let mut tx = store.begin(TxMode::Read).await.unwrap();
    for (m, kept) in [
        (&pending, false),
        (&fresh_one, false),
        (&sent, true),
        (&other_topic, true),
        (&untopical, true),
        (&other_business, true),
    ] {
        let found = tx.outbox().get(m.business_id, m.id).await.unwrap();
        assert_eq!(found.is_some(), kept, "{:?}", m.id);
        if let Some(found) = found {
            assert_eq!(found.topic, m.topic, "the topic is kept");
        }
    }
}
