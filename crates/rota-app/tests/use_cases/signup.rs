use rota_app::domain::account::AccountStatus;
use rota_app::domain::audit::AuditChange;
use rota_app::domain::password::PasswordRejected;
use rota_app::domain::plan::{Plan, SubscriptionStatus};
use rota_app::page::Limit;
use rota_app::secrecy::SecretString;
use rota_app::signup::SignUpError;
use rota_app::{Classify, ErrorKind};

use crate::support::{sign_up_request, world};

#[tokio::test]
async fn sign_up_makes_a_starter_business_with_one_active_owner() {
    let w = world();
    let (done, owner) = w.sign_up("sparkle").await;
    assert_eq!(done.business.subscription.plan, Plan::Starter);
    assert_eq!(
        done.business.subscription.status,
        SubscriptionStatus::Active
    );
    assert_eq!(done.owner.status, AccountStatus::Active);
    assert!(owner.is_owner() && owner.is_administrator());
    let log = w
        .rota
        .audit_events(&owner, None, Limit::default())
        .await
        .unwrap();
    assert_eq!(log.items[0].change, AuditChange::BusinessCreated);
}

#[tokio::test]
async fn a1_sign_up_refuses_a_short_password_and_stores_nothing() {
    let w = world();
    let mut request = sign_up_request("sparkle", "o@sparkle.example");
    request.password = SecretString::from("short");
    let err = w.rota.sign_up(request).await.unwrap_err();
    assert!(matches!(
        err,
        SignUpError::WeakPassword(PasswordRejected::TooShort)
    ));
    assert_eq!(err.kind(), ErrorKind::Invalid);
    // The slug is still free: nothing was stored.
    w.rota
        .sign_up(sign_up_request("sparkle", "o@sparkle.example"))
        .await
        .unwrap();
}

#[tokio::test]
async fn slugs_are_unique_across_businesses() {
    let w = world();
    w.sign_up("sparkle").await;
    let err = w
        .rota
        .sign_up(sign_up_request("SPARKLE", "x@y.example"))
        .await
        .unwrap_err();
    assert!(matches!(err, SignUpError::SlugTaken));
    assert_eq!(
        (err.kind(), err.code()),
        (ErrorKind::Conflict, "slug_taken")
    );
}
