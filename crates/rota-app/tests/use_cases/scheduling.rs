use rota_app::availability::AvailabilityQuery;
use rota_app::domain::access::{AccessRights, AccessRightsInput, TimeTrackingAccess};
use rota_app::domain::account::Text;
use rota_app::domain::id::AccountId;
use rota_app::domain::jiff::SignedDuration;
use rota_app::domain::time::TimeRange;
use rota_app::domain::time_off::Absence;
use rota_app::domain::uuid::Uuid;
use rota_app::{Classify, ErrorKind};

use crate::support::{at, salon};

fn day(start: &str, end: &str) -> TimeRange {
    TimeRange::new(at(start), at(end)).unwrap()
}

#[tokio::test]
async fn w3_availability_drops_booked_slots_and_time_off() {
    let s = salon().await;
    let q = AvailabilityQuery {
        service: s.service.id,
        range: day("2026-03-09T00:00:00Z", "2026-03-10T00:00:00Z"),
        provider: None,
        step: Some(SignedDuration::from_mins(60)),
    };
    let before = s.w.rota.availability(&s.owner, q).await.unwrap();
    assert_eq!(before.len(), 1);
    assert_eq!(before[0].slots.len(), 8, "09:00 to 16:00, hourly");
    let booked = s.book(&s.owner, "2026-03-09T10:00:00Z").await.unwrap();
    let absence = Absence::Range {
        range: day("2026-03-09T14:00:00Z", "2026-03-09T16:00:00Z"),
    };
    s.w.rota
        .add_time_off(
            &s.owner,
            s.provider.id,
            absence,
            Text::parse("Dentist").unwrap(),
        )
        .await
        .unwrap();
    let after = s.w.rota.availability(&s.owner, q).await.unwrap();
    let starts: Vec<String> = after[0]
        .slots
        .iter()
        .map(|r| r.start().to_string())
        .collect();
    assert_eq!(
        starts,
        [
            "2026-03-09T09:00:00Z",
            "2026-03-09T11:00:00Z",
            "2026-03-09T12:00:00Z",
            "2026-03-09T13:00:00Z",
            "2026-03-09T16:00:00Z"
        ]
    );
    assert!(!after[0].slots.contains(&booked.booking.range));
}

#[tokio::test]
async fn w2_business_closures_apply_to_every_provider() {
    let s = salon().await;
    let holiday: Absence = serde_json_like_days("2026-03-09");
    s.w.rota.add_closure(&s.owner, holiday, None).await.unwrap();
    let q = AvailabilityQuery {
        service: s.service.id,
        range: day("2026-03-09T00:00:00Z", "2026-03-10T00:00:00Z"),
        provider: Some(s.provider.id),
        step: None,
    };
    assert!(
        s.w.rota.availability(&s.owner, q).await.unwrap()[0]
            .slots
            .is_empty()
    );
    let err = s.book(&s.owner, "2026-03-09T10:00:00Z").await.unwrap_err();
    assert_eq!(err.code(), "outside_work_hours");
}

fn serde_json_like_days(d: &str) -> Absence {
    let date: rota_app::domain::jiff::civil::Date = d.parse().unwrap();
    Absence::Days {
        first: date,
        last: date,
    }
}

#[tokio::test]
async fn w3_r8_providers_see_only_their_own_availability_customers_only_online() {
    let s = salon().await;
    let q = AvailabilityQuery {
        service: s.service.id,
        range: day("2026-03-09T00:00:00Z", "2026-03-10T00:00:00Z"),
        provider: None,
        step: None,
    };
    let own = s.w.rota.availability(&s.provider, q).await.unwrap();
    assert_eq!(own.len(), 1);
    let customer = s.w.activate(&s.customer).await;
    let err = s.w.rota.availability(&customer, q).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Forbidden);
    // Named: one's own and, for the owner, anyone's, read in one go; the
    // offline customer is refused; someone who does not exist or offers
    // nothing is not found, whoever asks.
    let named = |p: AccountId| AvailabilityQuery {
        provider: Some(p),
        ..q
    };
    let mine = s.w.rota.availability(&s.provider, named(s.provider.id));
    assert_eq!(mine.await.unwrap(), own);
    let by_owner = s.w.rota.availability(&s.owner, named(s.provider.id));
    assert_eq!(by_owner.await.unwrap(), own);
    for (who, p, kind) in [
        (&customer, s.provider.id, ErrorKind::Forbidden),
        (&s.provider, s.owner.id, ErrorKind::NotFound),
        (
            &s.owner,
            AccountId::from_uuid(Uuid::from_u128(9)),
            ErrorKind::NotFound,
        ),
        (&s.owner, s.owner.id, ErrorKind::NotFound),
    ] {
        let err = s.w.rota.availability(who, named(p)).await.unwrap_err();
        assert_eq!(err.kind(), kind, "{p}");
    }
}

#[tokio::test]
async fn r8_time_tracking_off_refuses_even_reading() {
    let s = salon().await;
    let week = day("2026-03-01T00:00:00Z", "2026-03-08T00:00:00Z");
    let err =
        s.w.rota
            .time_entries(&s.provider, None, false, week)
            .await
            .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Forbidden);
    let err = s.w.rota.clock_in(&s.provider).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Forbidden);
    let rights = AccessRights::new(AccessRightsInput {
        time_tracking: TimeTrackingAccess::Edit,
        ..AccessRightsInput::default()
    })
    .unwrap();
    s.w.rota.set_access_rights(&s.owner, rights).await.unwrap();
    s.w.rota.clock_in(&s.provider).await.unwrap();
    let err = s.w.rota.clock_in(&s.provider).await.unwrap_err();
    assert_eq!(
        (err.kind(), err.code()),
        (ErrorKind::Conflict, "invalid_transition")
    );
    s.w.clock.advance(SignedDuration::from_hours(3));
    let out = s.w.rota.clock_out(&s.provider).await.unwrap();
    assert_eq!(
        out.clock_out
            .unwrap()
            .duration_since(out.clock_in)
            .as_hours(),
        3
    );
    let mine =
        s.w.rota
            .time_entries(&s.provider, None, false, week)
            .await
            .unwrap();
    assert_eq!(mine.len(), 1);
    let err =
        s.w.rota
            .time_entries(&s.provider, None, true, week)
            .await
            .unwrap_err();
    assert_eq!(
        err.kind(),
        ErrorKind::Forbidden,
        "only administrators see everyone's"
    );
    assert_eq!(
        s.w.rota
            .time_entries(&s.owner, None, true, week)
            .await
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn w1_r8_work_hours_are_read_only_for_providers_by_default() {
    let s = salon().await;
    let current =
        s.w.rota
            .work_calendar(&s.provider, s.provider.id)
            .await
            .unwrap();
    let err =
        s.w.rota
            .set_work_calendar(&s.provider, s.provider.id, current.clone())
            .await
            .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Forbidden);
    let rights = AccessRights::new(AccessRightsInput {
        work_hours: rota_app::domain::access::WorkHoursAccess::Edit,
        ..AccessRightsInput::default()
    })
    .unwrap();
    s.w.rota.set_access_rights(&s.owner, rights).await.unwrap();
    s.w.rota
        .set_work_calendar(&s.provider, s.provider.id, current)
        .await
        .unwrap();
    let err =
        s.w.rota
            .work_calendar(&s.provider, s.owner.id)
            .await
            .unwrap_err();
    assert_eq!(
        (err.kind(), err.code()),
        (ErrorKind::Forbidden, "forbidden")
    );
}

#[tokio::test]
async fn w3_b5_opening_hours_and_minimum_notice_set_in_the_settings_bound_slots_and_bookings() {
    use rota_app::domain::calendar::{LocalInterval, WeeklyHours};
    use rota_app::settings::BusinessChanges;

    let s = salon().await;
    // Open on Mondays 10:00–12:00 only (Pat works 09:00–17:00 on weekdays).
    let monday = vec![LocalInterval::parse("10:00", "12:00").unwrap()];
    let hours = WeeklyHours::new([monday, vec![], vec![], vec![], vec![], vec![], vec![]]).unwrap();
    let changes = BusinessChanges {
        operating_hours: Some(hours.clone()),
        min_notice_minutes: Some(0),
        online_booking: Some(true),
        ..BusinessChanges::default()
    };
    let business = s.w.rota.update_business(&s.owner, changes).await.unwrap();
    assert_eq!(business.settings.operating_hours, hours);
    let q = |from: &str, to: &str| AvailabilityQuery {
        service: s.service.id,
        range: day(from, to),
        provider: Some(s.provider.id),
        step: Some(SignedDuration::from_mins(60)),
    };
    let starts = |found: &[rota_app::availability::ProviderSlots]| -> Vec<String> {
        found[0]
            .slots
            .iter()
            .map(|r| r.start().to_string())
            .collect()
    };
    let monday_9th = q("2026-03-09T00:00:00Z", "2026-03-10T00:00:00Z");
    let open = s.w.rota.availability(&s.owner, monday_9th).await.unwrap();
    assert_eq!(
        starts(&open),
        ["2026-03-09T10:00:00Z", "2026-03-09T11:00:00Z"]
    );
    let tuesday = q("2026-03-10T00:00:00Z", "2026-03-11T00:00:00Z");
    assert!(
        s.w.rota.availability(&s.owner, tuesday).await.unwrap()[0]
            .slots
            .is_empty()
    );
    // B5: the team is refused outside the opening hours unless overriding.
    let err = s.book(&s.owner, "2026-03-09T09:00:00Z").await.unwrap_err();
    assert_eq!(err.code(), "outside_work_hours");

    // A notice of eight days: Monday the 9th is a week and an hour away, so
    // customers are offered nothing and refused; the team still books.
    let eight_days = BusinessChanges {
        min_notice_minutes: Some(8 * 24 * 60),
        ..BusinessChanges::default()
    };
    s.w.rota
        .update_business(&s.owner, eight_days)
        .await
        .unwrap();
    let customer = rota_app::domain::actor::Actor::of(&s.customer);
    let offered = s.w.rota.availability(&customer, monday_9th).await.unwrap();
    assert!(offered.iter().all(|p| p.slots.is_empty()), "{offered:?}");
    let err = s.book(&customer, "2026-03-09T10:00:00Z").await.unwrap_err();
    assert_eq!(
        (err.kind(), err.code()),
        (ErrorKind::Conflict, "not_available")
    );
    s.book(&s.owner, "2026-03-09T10:00:00Z").await.unwrap();
}

#[tokio::test]
async fn w3_anyone_offers_each_time_once_with_the_first_provider_free() {
    use rota_app::availability::anyone;

    let s = salon().await;
    let quinn =
        s.w.employee(
            &s.owner,
            "quinn@salon.example",
            rota_app::domain::role::RoleSet::ServiceProvider,
            false,
        )
        .await;
    let day_hours =
        vec![rota_app::domain::calendar::LocalInterval::parse("09:00", "12:00").unwrap()];
    let hours =
        rota_app::domain::calendar::WeeklyHours::new(std::array::from_fn(|_| day_hours.clone()))
            .unwrap();
    s.w.rota
        .set_work_calendar(
            &s.owner,
            quinn.id,
            rota_app::domain::calendar::WorkCalendar { zone: None, hours },
        )
        .await
        .unwrap();
    // Pat is taken at 10:00: Quinn is who is free then.
    s.book(&s.owner, "2026-03-09T10:00:00Z").await.unwrap();
    let q = AvailabilityQuery {
        service: s.service.id,
        range: day("2026-03-09T09:00:00Z", "2026-03-09T13:00:00Z"),
        provider: None,
        step: Some(SignedDuration::from_mins(60)),
    };
    let found = s.w.rota.availability(&s.owner, q).await.unwrap();
    let any = anyone(&found);
    let said: Vec<(String, bool)> = any
        .iter()
        .map(|a| (a.slot.start().to_string(), a.provider == quinn.id))
        .collect();
    let first_is_pat = found[0].provider == s.provider.id;
    assert_eq!(
        said,
        [
            ("2026-03-09T09:00:00Z".to_owned(), !first_is_pat),
            ("2026-03-09T10:00:00Z".to_owned(), true),
            ("2026-03-09T11:00:00Z".to_owned(), !first_is_pat),
            ("2026-03-09T12:00:00Z".to_owned(), false),
        ]
    );
}
