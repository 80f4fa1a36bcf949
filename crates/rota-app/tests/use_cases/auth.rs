//! Sign-in, sessions, passwords, invitations and the outbox (A1–A8).

use async_trait::async_trait;
use rota_app::Classify;
use rota_app::auth::{AuthenticateError, SignIn, SignInError, SignedIn};
use rota_app::delivery::LEASE;
use rota_app::domain::account::AccountStatus;
use rota_app::domain::actor::Actor;
use rota_app::domain::audit::AuditChange;
use rota_app::domain::email::EmailAddress;
use rota_app::domain::jiff::SignedDuration;
use rota_app::domain::notice::Notice;
use rota_app::domain::password::PasswordRejected;
use rota_app::domain::plan::Plan;
use rota_app::domain::policy::Denied;
use rota_app::domain::role::{EmployeeRoles, RoleSet};
use rota_app::employees::EmployeeChanges;
use rota_app::page::Limit;
use rota_app::passwords::{ChangePasswordError, RedeemTokenError, SendLinkError};
use rota_app::ports::{MailError, Mailer};
use rota_app::ports::{Store, TxMode};
use rota_app::secrecy::SecretString;
use rota_app::testing::{ManualClock, RecordingMailer};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::support::{World, new_customer, new_employee, world};

const PASSWORD: &str = "correct horse battery staple";

fn pw(s: &str) -> SecretString {
    SecretString::from(s)
}

fn request(email: &str, password: &str, client: &str) -> SignIn {
    SignIn {
        business: "acme".into(),
        email: email.into(),
        password: pw(password),
        client: Some(client.into()),
    }
}

async fn sign_in(w: &World, email: &str, password: &str) -> Result<SignedIn, SignInError> {
    w.rota.sign_in(request(email, password, "192.0.2.1")).await
}

async fn deliver(w: &World) {
    w.rota.deliver_due_emails(100).await.unwrap();
}

/// "acme" on the `grow` plan, so that it may have providers.
async fn acme(w: &World) -> Actor {
    let (_, owner) = w.sign_up("acme").await;
    w.rota.change_plan(&owner, Plan::Grow).await.unwrap();
    owner
}

/// A provider added by `owner` who accepted the emailed invitation.
async fn invited_provider(
    w: &World,
    owner: &Actor,
    email: &str,
) -> (rota_app::domain::account::Account, SignedIn) {
    let account = w
        .rota
        .add_employee(owner, new_employee(email, RoleSet::ServiceProvider, false))
        .await
        .unwrap();
    deliver(w).await;
    let invite = w.mailer.last_token_for(email).unwrap();
    let signed = w
        .rota
        .accept_invitation(&invite, &pw(PASSWORD))
        .await
        .unwrap();
    (account, signed)
}

fn mins(n: i64) -> SignedDuration {
    SignedDuration::from_mins(n)
}

#[tokio::test]
async fn a2_sign_in_answers_alike_for_unknown_wrong_deactivated_and_invited() {
    let w = world();
    let owner = acme(&w).await;
    let invited = w
        .rota
        .add_employee(
            &owner,
            new_employee("inv@acme.example", RoleSet::ServiceProvider, false),
        )
        .await
        .unwrap();
    let gone = w
        .employee(&owner, "gone@acme.example", RoleSet::ServiceProvider, false)
        .await;
    w.rota.deactivate_employee(&owner, gone.id).await.unwrap();
    assert_eq!(invited.status, AccountStatus::Invited);

    let cases = [
        ("nobody@acme.example", PASSWORD, "unknown email"),
        (
            "owner@acme.example",
            "wrong horse battery staple",
            "wrong password",
        ),
        ("gone@acme.example", PASSWORD, "deactivated"),
        ("inv@acme.example", PASSWORD, "invited"),
    ];
    for (i, (email, password, what)) in cases.into_iter().enumerate() {
        let err = w
            .rota
            .sign_in(request(email, password, &format!("192.0.2.{i}")))
            .await
            .unwrap_err();
        assert!(
            matches!(err, SignInError::InvalidCredentials),
            "{what}: {err:?}"
        );
        assert_eq!(err.to_string(), "the email or password is not right");
    }
    let mut unknown_business = request("owner@acme.example", PASSWORD, "192.0.2.9");
    unknown_business.business = "nope".into();
    assert!(matches!(
        w.rota.sign_in(unknown_business).await,
        Err(SignInError::InvalidCredentials)
    ));
    let ok = sign_in(&w, "OWNER@acme.example", PASSWORD).await.unwrap();
    assert_eq!(ok.account.id, owner.id);
}

#[tokio::test]
async fn a9_repeated_failures_block_the_guessing_address_not_the_account_holder() {
    let w = world();
    acme(&w).await;
    for _ in 0..5 {
        assert!(matches!(
            sign_in(&w, "owner@acme.example", "wrong").await,
            Err(SignInError::InvalidCredentials)
        ));
    }
    // The sixth failure blocks the account for a second.
    assert!(sign_in(&w, "owner@acme.example", "wrong").await.is_err());
    let err = sign_in(&w, "owner@acme.example", PASSWORD)
        .await
        .unwrap_err();
    let SignInError::TooManyAttempts { retry_after } = err else {
        panic!("{err:?}")
    };
    assert_eq!(retry_after, SignedDuration::from_secs(1));
    // The holder, from another address, is not locked out (A9).
    w.rota
        .sign_in(request("owner@acme.example", PASSWORD, "198.51.100.7"))
        .await
        .unwrap();

    w.clock.advance(SignedDuration::from_secs(1));
    sign_in(&w, "owner@acme.example", PASSWORD).await.unwrap();
    // Success forgot the failures: five free ones again.
    for _ in 0..5 {
        assert!(matches!(
            sign_in(&w, "owner@acme.example", "wrong").await,
            Err(SignInError::InvalidCredentials)
        ));
    }
}

#[tokio::test]
async fn a2_an_attacker_cannot_lock_a_user_out_for_good() {
    let w = world();
    acme(&w).await;
    // A long attack: every time the block lifts, another wrong guess.
    for _ in 0..40 {
        let r = sign_in(&w, "owner@acme.example", "wrong").await;
        if let Err(SignInError::TooManyAttempts { retry_after }) = r {
            w.clock.advance(retry_after);
        }
    }
    let err = sign_in(&w, "owner@acme.example", PASSWORD)
        .await
        .unwrap_err();
    let SignInError::TooManyAttempts { retry_after } = err else {
        panic!("{err:?}")
    };
    assert!(
        retry_after <= mins(5),
        "never more than five minutes: {retry_after:?}"
    );
    w.clock.advance(retry_after);
    sign_in(&w, "owner@acme.example", PASSWORD).await.unwrap();
}

#[tokio::test]
async fn a2_a_client_guessing_many_accounts_is_throttled() {
    let w = world();
    acme(&w).await;
    for i in 0..50 {
        let r = sign_in(&w, &format!("guess{i}@acme.example"), "wrong").await;
        assert!(matches!(r, Err(SignInError::InvalidCredentials)));
    }
    assert!(sign_in(&w, "guess-x@acme.example", "wrong").await.is_err());
    let r = sign_in(&w, "owner@acme.example", PASSWORD).await;
    assert!(
        matches!(r, Err(SignInError::TooManyAttempts { .. })),
        "{r:?}"
    );
    // The owner, from their own address, is not affected.
    w.rota
        .sign_in(request("owner@acme.example", PASSWORD, "203.0.113.5"))
        .await
        .unwrap();
}

#[tokio::test]
async fn a7_a_burst_of_sign_in_failures_is_audited_once() {
    let w = world();
    let owner = acme(&w).await;
    for _ in 0..6 {
        let _ = sign_in(&w, "owner@acme.example", "wrong").await;
        w.clock.advance(SignedDuration::from_secs(60));
    }
    let events = w
        .rota
        .audit_events(&owner, None, Limit::new(Some(50)).unwrap())
        .await
        .unwrap();
    let bursts: Vec<_> = events
        .items
        .iter()
        .filter(|e| matches!(e.change, AuditChange::SignInFailures { .. }))
        .collect();
    assert_eq!(bursts.len(), 1);
    assert_eq!(bursts[0].subject, Some(owner.id));
}

#[tokio::test]
async fn a3_sessions_end_after_30_idle_minutes_or_12_hours() {
    let w = world();
    acme(&w).await;
    let s = sign_in(&w, "owner@acme.example", PASSWORD).await.unwrap();
    w.clock.advance(mins(29));
    w.rota.authenticate(&s.token).await.unwrap();
    w.clock.advance(mins(29));
    w.rota.authenticate(&s.token).await.unwrap();
    w.clock.advance(mins(30));
    assert!(matches!(
        w.rota.authenticate(&s.token).await,
        Err(AuthenticateError::Unauthenticated)
    ));

    let s = sign_in(&w, "owner@acme.example", PASSWORD).await.unwrap();
    for _ in 0..(12 * 60 / 20 - 1) {
        w.clock.advance(mins(20));
        w.rota.authenticate(&s.token).await.unwrap();
    }
    w.clock.advance(mins(20));
    assert!(
        w.rota.authenticate(&s.token).await.is_err(),
        "12 h absolute limit"
    );
    assert!(w.rota.authenticate(&pw("token-forged")).await.is_err());
}

#[tokio::test]
async fn a3_sign_out_and_deactivation_end_sessions() {
    let w = world();
    let owner = acme(&w).await;
    let s = sign_in(&w, "owner@acme.example", PASSWORD).await.unwrap();
    let who = w.rota.authenticate(&s.token).await.unwrap();
    w.rota.sign_out(who.session.id).await.unwrap();
    assert!(w.rota.authenticate(&s.token).await.is_err());

    let (pat, pat_session) = invited_provider(&w, &owner, "pat@acme.example").await;
    w.rota.authenticate(&pat_session.token).await.unwrap();
    w.rota.deactivate_employee(&owner, pat.id).await.unwrap();
    assert!(w.rota.authenticate(&pat_session.token).await.is_err());
}

#[tokio::test]
async fn a3_a_change_of_roles_is_seen_by_the_next_request() {
    let w = world();
    let owner = acme(&w).await;
    let (pat, s) = invited_provider(&w, &owner, "pat@acme.example").await;
    let before = w.rota.authenticate(&s.token).await.unwrap();
    assert_eq!(
        before.actor.roles().map(EmployeeRoles::roles),
        Some(RoleSet::ServiceProvider)
    );
    w.rota
        .update_employee(
            &owner,
            pat.id,
            EmployeeChanges {
                name: None,
                phone: None,
                roles: Some(RoleSet::Both),
                owner: None,
            },
        )
        .await
        .unwrap();
    let after = w.rota.authenticate(&s.token).await.unwrap();
    assert_eq!(
        after.actor.roles().map(EmployeeRoles::roles),
        Some(RoleSet::Both)
    );
}

#[tokio::test]
async fn a3_another_process_sees_a_sign_out_at_once() {
    let w = world();
    acme(&w).await;
    // A second server process on the same database.
    let other = w.another_process();
    let s = sign_in(&w, "owner@acme.example", PASSWORD).await.unwrap();
    let who = other.authenticate(&s.token).await.unwrap();
    w.rota.sign_out(who.session.id).await.unwrap();
    assert!(
        w.rota.authenticate(&s.token).await.is_err(),
        "this process: at once"
    );
    assert!(
        other.authenticate(&s.token).await.is_err(),
        "the other process: at once, without waiting (SPEC §8)"
    );
}

#[tokio::test]
async fn a5_changing_a_password_needs_the_current_one_ends_other_sessions_and_emails_a_notice() {
    let w = world();
    let owner = acme(&w).await;
    let here = sign_in(&w, "owner@acme.example", PASSWORD).await.unwrap();
    let elsewhere = sign_in(&w, "owner@acme.example", PASSWORD).await.unwrap();
    let new = "a much better passphrase";
    assert!(matches!(
        w.rota
            .change_password(
                &owner,
                Some(here.session.id),
                &pw("not it at all!"),
                &pw(new)
            )
            .await,
        Err(ChangePasswordError::WrongPassword)
    ));
    assert!(matches!(
        w.rota
            .change_password(&owner, Some(here.session.id), &pw(PASSWORD), &pw("short"))
            .await,
        Err(ChangePasswordError::WeakPassword(
            PasswordRejected::TooShort
        ))
    ));
    w.rota
        .change_password(&owner, Some(here.session.id), &pw(PASSWORD), &pw(new))
        .await
        .unwrap();
    w.rota.authenticate(&here.token).await.unwrap();
    assert!(w.rota.authenticate(&elsewhere.token).await.is_err());
    assert!(sign_in(&w, "owner@acme.example", PASSWORD).await.is_err());
    sign_in(&w, "owner@acme.example", new).await.unwrap();
    deliver(&w).await;
    let sent = w.mailer.delivered();
    assert!(
        matches!(sent.last(), Some((to, Notice::PasswordChanged { .. })) if to.as_str() == "owner@acme.example")
    );
    let events = w
        .rota
        .audit_events(&owner, None, Limit::new(Some(50)).unwrap())
        .await
        .unwrap();
    assert!(
        events
            .items
            .iter()
            .any(|e| e.change == AuditChange::PasswordChanged && e.subject == Some(owner.id))
    );
}

#[tokio::test]
async fn a4_forgot_password_emails_active_accounts_only_and_the_newest_link_wins() {
    let w = world();
    let owner = acme(&w).await;
    w.rota
        .request_password_reset("acme", "nobody@acme.example", None)
        .await
        .unwrap();
    w.rota
        .request_password_reset("nope", "owner@acme.example", None)
        .await
        .unwrap();
    deliver(&w).await;
    assert!(
        w.mailer.delivered().is_empty(),
        "no email for unknown accounts"
    );

    let s = sign_in(&w, "owner@acme.example", PASSWORD).await.unwrap();
    w.rota
        .request_password_reset("acme", "Owner@Acme.example", None)
        .await
        .unwrap();
    deliver(&w).await;
    let first = w.mailer.last_token_for("owner@acme.example").unwrap();
    w.rota
        .request_password_reset("acme", "owner@acme.example", None)
        .await
        .unwrap();
    deliver(&w).await;
    let second = w.mailer.last_token_for("owner@acme.example").unwrap();
    assert!(
        matches!(
            w.rota
                .reset_password(&first, &pw("a brand new passphrase"))
                .await,
            Err(RedeemTokenError::InvalidToken)
        ),
        "a newer link voids older ones"
    );
    w.rota
        .reset_password(&second, &pw("a brand new passphrase"))
        .await
        .unwrap();
    assert!(
        w.rota.authenticate(&s.token).await.is_err(),
        "reset ends every session"
    );
    assert!(
        matches!(
            w.rota
                .reset_password(&second, &pw("yet another passphrase"))
                .await,
            Err(RedeemTokenError::InvalidToken)
        ),
        "single use"
    );
    sign_in(&w, "owner@acme.example", "a brand new passphrase")
        .await
        .unwrap();
    let events = w
        .rota
        .audit_events(&owner, None, Limit::new(Some(50)).unwrap())
        .await
        .unwrap();
    assert!(
        events
            .items
            .iter()
            .any(|e| e.change == AuditChange::PasswordReset)
    );
}

#[tokio::test]
async fn a4_a_reset_link_lasts_30_minutes() {
    let w = world();
    acme(&w).await;
    w.rota
        .request_password_reset("acme", "owner@acme.example", None)
        .await
        .unwrap();
    deliver(&w).await;
    let token = w.mailer.last_token_for("owner@acme.example").unwrap();
    w.clock.advance(mins(30));
    assert!(matches!(
        w.rota
            .reset_password(&token, &pw("a brand new passphrase"))
            .await,
        Err(RedeemTokenError::InvalidToken)
    ));
}

#[tokio::test]
async fn a4_a_reset_lets_a_throttled_user_back_in() {
    let w = world();
    acme(&w).await;
    for _ in 0..10 {
        let _ = sign_in(&w, "owner@acme.example", "wrong").await;
    }
    w.rota
        .request_password_reset("acme", "owner@acme.example", None)
        .await
        .unwrap();
    deliver(&w).await;
    let token = w.mailer.last_token_for("owner@acme.example").unwrap();
    w.rota
        .reset_password(&token, &pw("a brand new passphrase"))
        .await
        .unwrap();
    w.rota
        .sign_in(request(
            "owner@acme.example",
            "a brand new passphrase",
            "203.0.113.9",
        ))
        .await
        .unwrap();
}

#[tokio::test]
async fn a4_an_administrator_sends_a_reset_but_a_provider_may_not() {
    let w = world();
    let owner = acme(&w).await;
    let pat = w
        .employee(&owner, "pat@acme.example", RoleSet::ServiceProvider, false)
        .await;
    let mut tx = w.store.begin(TxMode::Write).await.unwrap();
    tx.accounts()
        .set_password_hash(
            pat.business,
            pat.id,
            &rota_app::ports::PasswordHash::new(format!("insecure${PASSWORD}")),
        )
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert!(matches!(
        w.rota.send_password_reset(&pat, owner.id).await,
        Err(SendLinkError::Denied(Denied::Forbidden))
    ));
    w.rota.send_password_reset(&owner, pat.id).await.unwrap();
    deliver(&w).await;
    assert!(matches!(
        w.mailer.delivered().last(),
        Some((to, Notice::PasswordReset { .. })) if to.as_str() == "pat@acme.example"
    ));
    let token = w.mailer.last_token_for("pat@acme.example").unwrap();
    w.rota
        .reset_password(&token, &pw("pat's own new secret"))
        .await
        .unwrap();
    sign_in(&w, "pat@acme.example", "pat's own new secret")
        .await
        .unwrap();
}

#[tokio::test]
async fn a6_an_invited_employee_sets_a_password_within_7_days() {
    let w = world();
    let owner = acme(&w).await;
    let a = w
        .rota
        .add_employee(
            &owner,
            new_employee("a@acme.example", RoleSet::ServiceProvider, false),
        )
        .await
        .unwrap();
    w.rota
        .add_employee(
            &owner,
            new_employee("b@acme.example", RoleSet::ServiceProvider, false),
        )
        .await
        .unwrap();
    deliver(&w).await;
    let (to, notice) = &w.mailer.delivered()[0];
    assert_eq!(to.as_str(), "a@acme.example");
    assert!(matches!(notice, Notice::Invitation { portal: false, .. }));
    let ta = w.mailer.last_token_for("a@acme.example").unwrap();
    let tb = w.mailer.last_token_for("b@acme.example").unwrap();
    assert!(matches!(
        w.rota.accept_invitation(&ta, &pw("password")).await,
        Err(RedeemTokenError::WeakPassword(PasswordRejected::TooShort))
    ));
    assert!(matches!(
        w.rota.accept_invitation(&ta, &pw("password1234")).await,
        Err(RedeemTokenError::WeakPassword(PasswordRejected::TooCommon))
    ));
    let signed = w.rota.accept_invitation(&ta, &pw(PASSWORD)).await.unwrap();
    assert_eq!(signed.account.id, a.id);
    assert_eq!(signed.account.status, AccountStatus::Active);
    w.rota.authenticate(&signed.token).await.unwrap();
    assert!(
        w.rota.accept_invitation(&ta, &pw(PASSWORD)).await.is_err(),
        "single use"
    );

    w.clock.advance(SignedDuration::from_hours(7 * 24));
    assert!(matches!(
        w.rota.accept_invitation(&tb, &pw(PASSWORD)).await,
        Err(RedeemTokenError::InvalidToken)
    ));
}

#[tokio::test]
async fn a6_a_customer_is_invited_to_the_portal() {
    let w = world();
    let owner = acme(&w).await;
    let ana = w
        .rota
        .create_customer(&owner, new_customer("ana@x.example", "Ana", "Smith"))
        .await
        .unwrap();
    assert!(
        sign_in(&w, "ana@x.example", PASSWORD).await.is_err(),
        "no portal access yet"
    );
    w.rota.invite_customer(&owner, ana.id).await.unwrap();
    deliver(&w).await;
    assert!(matches!(
        w.mailer.delivered().last(),
        Some((_, Notice::Invitation { portal: true, .. }))
    ));
    let token = w.mailer.last_token_for("ana@x.example").unwrap();
    w.rota
        .accept_invitation(&token, &pw(PASSWORD))
        .await
        .unwrap();
    let s = sign_in(&w, "ana@x.example", PASSWORD).await.unwrap();
    assert_eq!(s.account.id, ana.id);
    assert!(matches!(
        w.rota.invite_customer(&owner, ana.id).await,
        Err(SendLinkError::AlreadyActive)
    ));
}

#[tokio::test]
async fn a8_a_refused_change_queues_no_email_and_an_outage_loses_none() {
    let w = world();
    let owner = acme(&w).await;
    w.rota
        .add_employee(
            &owner,
            new_employee("a@acme.example", RoleSet::ServiceProvider, false),
        )
        .await
        .unwrap();
    // Same email again: refused, so its invitation must not exist either.
    assert!(
        w.rota
            .add_employee(
                &owner,
                new_employee("A@acme.example", RoleSet::ServiceProvider, false)
            )
            .await
            .is_err()
    );
    w.mailer.set_down(true);
    let report = w.rota.deliver_due_emails(10).await.unwrap();
    assert_eq!((report.sent, report.failed), (0, 1));
    w.mailer.set_down(false);
    let report = w.rota.deliver_due_emails(10).await.unwrap();
    assert_eq!(report.sent, 0, "the retry waits its backoff");
    w.clock.advance(SignedDuration::from_secs(30));
    let report = w.rota.deliver_due_emails(10).await.unwrap();
    assert_eq!((report.sent, report.failed), (1, 0));
    assert_eq!(w.mailer.delivered().len(), 1, "exactly one invitation");
    w.clock.advance(SignedDuration::from_hours(2));
    assert_eq!(
        w.rota.deliver_due_emails(10).await.unwrap().sent,
        0,
        "sent once"
    );
}

/// A mailer that sends through `inner`, each sending taking 600 ms of the
/// clock, and dies (as its process would) at the sending after `sends`.
struct DyingMailer {
    inner: Arc<RecordingMailer>,
    clock: Arc<ManualClock>,
    sends: AtomicUsize,
}

#[async_trait]
impl Mailer for DyingMailer {
    fn seal(&self, notice: &Notice) -> Result<String, MailError> {
        self.inner.seal(notice)
    }

    async fn deliver(&self, to: &EmailAddress, sealed: &str) -> Result<(), MailError> {
        let left = self.sends.fetch_sub(1, Ordering::SeqCst);
        assert!(left > 0, "the process dies mid-round");
        self.inner.deliver(to, sealed).await?;
        self.clock.advance(SignedDuration::from_millis(600));
        Ok(())
    }
}

#[tokio::test]
async fn a8_a_delivery_round_that_dies_loses_no_email_and_repeats_at_most_its_last_second() {
    let w = world();
    let owner = acme(&w).await;
    for n in 1..=5 {
        w.rota
            .add_employee(
                &owner,
                new_employee(
                    &format!("p{n}@acme.example"),
                    RoleSet::ServiceProvider,
                    false,
                ),
            )
            .await
            .unwrap();
    }
    let dying = w.delivering_with(Arc::new(DyingMailer {
        inner: Arc::clone(&w.mailer),
        clock: Arc::clone(&w.clock),
        sends: AtomicUsize::new(3),
    }));
    let round = tokio::spawn(async move { dying.deliver_due_emails(10).await });
    assert!(round.await.unwrap_err().is_panic());
    let sent = |from: usize| -> Vec<String> {
        w.mailer.delivered()[from..]
            .iter()
            .map(|(to, _)| to.as_str().to_owned())
            .collect()
    };
    // Sent at 0.6 s, 1.2 s (both recorded then: a second had passed) and
    // 1.8 s (not recorded before the round died).
    assert_eq!(
        sent(0),
        ["p1@acme.example", "p2@acme.example", "p3@acme.example"]
    );

    let report = w.rota.deliver_due_emails(10).await.unwrap();
    assert_eq!(report.sent, 0, "the rest wait out their lease");
    w.clock.advance(LEASE);
    let report = w.rota.deliver_due_emails(10).await.unwrap();
    assert_eq!(report.sent, 3);
    assert_eq!(
        sent(3),
        ["p3@acme.example", "p4@acme.example", "p5@acme.example"],
        "only the unrecorded third goes out twice"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a9_a_parallel_burst_of_wrong_guesses_gets_no_more_tries_than_one_by_one() {
    let w = world();
    acme(&w).await;
    let burst: Vec<_> = (0..40)
        .map(|_| {
            let rota = w.rota.clone();
            tokio::spawn(async move {
                rota.sign_in(request("owner@acme.example", "wrong guess", "192.0.2.1"))
                    .await
            })
        })
        .collect();
    let mut heard = 0;
    let mut throttled = 0;
    for b in burst {
        match b.await.unwrap() {
            Err(SignInError::InvalidCredentials) => heard += 1,
            Err(SignInError::TooManyAttempts { .. }) => throttled += 1,
            other => panic!("{other:?}"),
        }
    }
    // One by one: five free guesses, the sixth heard and blocking, then 429s.
    assert_eq!((heard, throttled), (6, 34));
}

#[tokio::test]
async fn a10_a_bogus_token_or_a_taken_slug_is_refused_before_any_hashing() {
    let w = world();
    acme(&w).await;
    let mut hasher = rota_app::ports::MockPasswordHasher::new();
    hasher.expect_hash().never();
    hasher.expect_verify().never();
    let rota = w.hashing_with(Arc::new(hasher));
    for _ in 0..3 {
        let err = rota
            .reset_password(&pw("not-a-token"), &pw("another long passphrase"))
            .await
            .unwrap_err();
        assert_eq!(err.code(), "invalid_token");
        let err = rota
            .accept_invitation(&pw("not-a-token"), &pw("another long passphrase"))
            .await
            .unwrap_err();
        assert_eq!(err.code(), "invalid_token");
        let err = rota
            .sign_up(rota_app::signup::SignUp {
                slug: rota_app::domain::name::Slug::parse("acme").unwrap(),
                ..crate::support::sign_up_request("acme", "new@acme.example")
            })
            .await
            .unwrap_err();
        assert_eq!(err.code(), "slug_taken");
    }
}

#[tokio::test]
async fn a10_wrong_current_passwords_are_throttled() {
    let w = world();
    let owner = acme(&w).await;
    let mut answers = Vec::new();
    for _ in 0..8 {
        let r = w
            .rota
            .change_password(
                &owner,
                None,
                &pw("not my password"),
                &pw("another long passphrase"),
            )
            .await;
        answers.push(r.unwrap_err().code());
    }
    assert_eq!(
        answers,
        [
            "wrong_password",
            "wrong_password",
            "wrong_password",
            "wrong_password",
            "wrong_password",
            "wrong_password",
            "too_many_attempts",
            "too_many_attempts"
        ]
    );
}

#[tokio::test]
async fn a11_forgot_password_sends_a_few_emails_an_hour_then_none() {
    let w = world();
    acme(&w).await;
    for _ in 0..50 {
        w.rota
            .request_password_reset("acme", "owner@acme.example", Some("192.0.2.1"))
            .await
            .unwrap();
    }
    deliver(&w).await;
    let sent_to = |w: &World| {
        w.mailer
            .delivered()
            .iter()
            .filter(|(to, _)| to.as_str() == "owner@acme.example")
            .count()
    };
    let sent = sent_to(&w);
    assert_eq!(sent, 3, "three an hour");
    w.clock.advance(SignedDuration::from_hours(2));
    w.rota
        .request_password_reset("acme", "owner@acme.example", Some("192.0.2.1"))
        .await
        .unwrap();
    deliver(&w).await;
    assert_eq!(sent_to(&w), 4, "and again later");
}
