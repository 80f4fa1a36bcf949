//! Sign-in state: sessions, emailed tokens and throttles (A2–A4, A6).

use rota_app::auth::SignIn;
use rota_app::domain::business::{Currency, Zone};
use rota_app::domain::email::EmailAddress;
use rota_app::domain::id::SessionId;
use rota_app::domain::name::{BusinessName, PersonName, Slug};
use rota_app::domain::session::{AccountToken, Session, TokenPurpose};
use rota_app::domain::throttle::{Attempts, PER_ACCOUNT};
use rota_app::ports::{TokenHash, TxMode};
use rota_app::secrecy::SecretString;
use rota_app::signup::SignUp;

use crate::fixtures::{Fixture, at, uuid};
use crate::{Fresh, rota_on};

fn session(f: &Fixture, n: u128, account: &rota_app::domain::account::Account) -> Session {
    Session {
        id: SessionId::from_uuid(uuid(4000 + n)),
        business_id: f.business.id,
        account_id: account.id,
        created_at: at("2026-03-02T09:00:00Z"),
        last_seen_at: at("2026-03-02T09:00:00Z"),
    }
}

fn hash(s: &str) -> TokenHash {
    TokenHash::new(format!("{s:0>64}"))
}

/// A3: sessions are found by token hash, touched, ended one by one or all
/// but one for an account, and purged once expired.
pub async fn a3_sessions_round_trip_touch_and_end(fresh: Fresh) {
    let store = fresh.store;
    let f = Fixture::write(store.as_ref(), 1, "sparkle").await;
    let (p1, p2, o1) = (
        session(&f, 1, &f.provider),
        session(&f, 2, &f.provider),
        session(&f, 3, &f.owner),
    );
    let mut tx = store.begin(TxMode::Write).await.unwrap();
    tx.sessions().insert(&p1, &hash("p1")).await.unwrap();
    tx.sessions().insert(&p2, &hash("p2")).await.unwrap();
    tx.sessions().insert(&o1, &hash("o1")).await.unwrap();
    tx.commit().await.unwrap();

    let mut tx = store.begin(TxMode::Write).await.unwrap();
    let (business, revision) = tx
        .businesses()
        .revised(f.business.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(business, f.business);
    assert_eq!(
        tx.sessions().by_token(&hash("p1")).await.unwrap(),
        Some((p1.clone(), f.provider.clone(), revision)),
        "the session, its account and its business's revision, read together"
    );
    assert_eq!(tx.sessions().by_token(&hash("nope")).await.unwrap(), None);
    let later = at("2026-03-02T09:10:00Z");
    tx.sessions().touch(p1.id, later).await.unwrap();
    let (touched, _, _) = tx.sessions().by_token(&hash("p1")).await.unwrap().unwrap();
    assert_eq!(touched.last_seen_at, later);
    // Every change to the business's row raises its revision, in the same
    // write: a copy of the row is then known to be stale.
    let mut changed = business.clone();
    changed.settings.min_notice_minutes += 30;
    tx.businesses().update(&changed).await.unwrap();
    let (read, raised) = tx
        .businesses()
        .revised(f.business.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(read, changed);
    assert!(raised > revision, "an update raises the revision");
    let (_, _, seen) = tx.sessions().by_token(&hash("p1")).await.unwrap().unwrap();
    assert_eq!(seen, raised, "the session reads the raised revision");
    assert_eq!(
        tx.sessions()
            .delete_for_account(f.business.id, f.provider.id, Some(p1.id))
            .await
            .unwrap(),
        1,
        "p2 ends, p1 is kept"
    );
    assert_eq!(tx.sessions().by_token(&hash("p2")).await.unwrap(), None);
    assert!(tx.sessions().by_token(&hash("o1")).await.unwrap().is_some());
    tx.commit().await.unwrap();

    let mut tx = store.begin(TxMode::Write).await.unwrap();
    // o1 was last seen at 09:00, p1 at 09:10: at 09:35 only o1 is idle 30 min.
    let n = tx
        .sessions()
        .purge_expired(at("2026-03-02T09:35:00Z"))
        .await
        .unwrap();
    assert_eq!(n, 1);
    assert!(tx.sessions().by_token(&hash("o1")).await.unwrap().is_none());
    tx.sessions().delete(p1.id).await.unwrap();
    assert!(tx.sessions().by_token(&hash("p1")).await.unwrap().is_none());
    tx.commit().await.unwrap();
}

/// A4, A6: an emailed token is used once; a newer one voids older ones of
/// the same purpose and leaves the others alone.
pub async fn a4_account_tokens_are_single_use_and_voidable(fresh: Fresh) {
    let store = fresh.store;
    let f = Fixture::write(store.as_ref(), 1, "sparkle").await;
    let now = at("2026-03-02T09:00:00Z");
    let reset = AccountToken::issue(
        f.business.id,
        f.provider.id,
        TokenPurpose::PasswordReset,
        now,
    );
    let invite = AccountToken::issue(f.business.id, f.provider.id, TokenPurpose::Invitation, now);
    let mut tx = store.begin(TxMode::Write).await.unwrap();
    tx.account_tokens()
        .insert(&reset, &hash("r1"))
        .await
        .unwrap();
    tx.account_tokens()
        .insert(&reset, &hash("r2"))
        .await
        .unwrap();
    tx.account_tokens()
        .insert(&invite, &hash("i1"))
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let mut tx = store.begin(TxMode::Write).await.unwrap();
    assert_eq!(
        tx.account_tokens().find(&hash("r1")).await.unwrap(),
        Some(reset.clone()),
        "find leaves the token in place"
    );
    assert_eq!(
        tx.account_tokens().take(&hash("r1")).await.unwrap(),
        Some(reset.clone())
    );
    assert_eq!(
        tx.account_tokens().take(&hash("r1")).await.unwrap(),
        None,
        "single use"
    );
    tx.account_tokens()
        .void(f.business.id, f.provider.id, TokenPurpose::PasswordReset)
        .await
        .unwrap();
    assert_eq!(
        tx.account_tokens().take(&hash("r2")).await.unwrap(),
        None,
        "voided"
    );
    assert_eq!(
        tx.account_tokens().take(&hash("i1")).await.unwrap(),
        Some(invite)
    );
    tx.commit().await.unwrap();
}

/// A12: an email-change token keeps the address it confirms.
pub async fn a12_an_email_change_token_keeps_its_address(fresh: Fresh) {
    let store = fresh.store;
    let f = Fixture::write(store.as_ref(), 1, "sparkle").await;
    let now = at("2026-03-02T09:00:00Z");
    let new = rota_app::domain::email::EmailAddress::parse("New@Elsewhere.example").unwrap();
    let token = AccountToken::email_change(f.business.id, f.provider.id, new, now);
    let mut tx = store.begin(TxMode::Write).await.unwrap();
    tx.account_tokens()
        .insert(&token, &hash("e1"))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let mut tx = store.begin(TxMode::Write).await.unwrap();
    let back = tx
        .account_tokens()
        .take(&hash("e1"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(back, token);
    assert_eq!(
        back.new_email.map(|e| e.as_str().to_owned()).as_deref(),
        Some("New@Elsewhere.example"),
        "as typed"
    );
    tx.commit().await.unwrap();
}

/// A9: attempts counted at once through two connection pools (two server
/// processes) are each counted: holding a key serializes its read-then-save.
pub async fn a9_concurrent_attempts_on_one_key_are_each_counted(fresh: Fresh) {
    let stores = [fresh.store.clone(), fresh.second.unwrap_or(fresh.store)];
    let now = at("2026-03-02T09:00:00Z");
    let key = "account:sparkle:olive@sparkle.example".to_owned();
    let mut tasks = Vec::new();
    for i in 0..40 {
        let store = stores[i % 2].clone();
        let key = key.clone();
        tasks.push(tokio::spawn(async move {
            let mut tx = store.begin(TxMode::Write).await.unwrap();
            tx.throttles()
                .hold(std::slice::from_ref(&key))
                .await
                .unwrap();
            let previous = tx.throttles().get(&key).await.unwrap();
            let next = Attempts::after_failure(previous, &PER_ACCOUNT, now);
            tx.throttles().put(&key, &next).await.unwrap();
            tx.commit().await.unwrap();
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let mut tx = stores[0].begin(TxMode::Read).await.unwrap();
    let counted = tx.throttles().get(&key).await.unwrap().unwrap();
    assert_eq!(counted.failures, 40, "no attempt lost to a race");
}

/// A2: throttle records round-trip and can be forgotten.
pub async fn a2_throttle_records_round_trip(fresh: Fresh) {
    let store = fresh.store;
    let now = at("2026-03-02T09:00:00Z");
    let mut tx = store.begin(TxMode::Write).await.unwrap();
    assert_eq!(tx.throttles().get("client:192.0.2.1").await.unwrap(), None);
    let mut a = None;
    for _ in 0..7 {
        let next = Attempts::after_failure(a, &PER_ACCOUNT, now);
        tx.throttles().put("client:192.0.2.1", &next).await.unwrap();
        a = Some(next);
    }
    tx.commit().await.unwrap();
    let mut tx = store.begin(TxMode::Write).await.unwrap();
    let stored = tx
        .throttles()
        .get("client:192.0.2.1")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(Some(stored), a);
    assert_eq!(stored.failures, 7);
    assert!(stored.check(now).is_err());
    tx.throttles().clear("client:192.0.2.1").await.unwrap();
    assert_eq!(tx.throttles().get("client:192.0.2.1").await.unwrap(), None);
    tx.commit().await.unwrap();
}

/// A3: sign in, use the session, sign out — through the use cases, on the
/// store; the database never holds the token itself.
pub async fn a3_sign_in_authenticate_and_sign_out(fresh: Fresh) {
    let rota = rota_on(fresh.store);
    let up = rota
        .sign_up(SignUp {
            business_name: BusinessName::parse("Sparkle").unwrap(),
            slug: Slug::parse("sparkle").unwrap(),
            time_zone: Zone::parse("Europe/London").unwrap(),
            currency: Currency::parse("GBP").unwrap(),
            owner_name: PersonName::parse("Olive Owner").unwrap(),
            email: EmailAddress::parse("olive@sparkle.example").unwrap(),
            password: SecretString::from("correct horse battery staple"),
        })
        .await
        .unwrap();
    let signed = rota
        .sign_in(SignIn {
            business: "sparkle".into(),
            email: "Olive@Sparkle.example".into(),
            password: SecretString::from("correct horse battery staple"),
            client: Some("192.0.2.1".into()),
        })
        .await
        .unwrap();
    assert_eq!(signed.account.id, up.owner.id);
    let who = rota.authenticate(&signed.token).await.unwrap();
    assert_eq!(who.actor.id, up.owner.id);
    rota.sign_out(who.session.id).await.unwrap();
    assert!(rota.authenticate(&signed.token).await.is_err());
}
