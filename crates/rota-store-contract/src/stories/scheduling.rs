//! Services, calendars and time off, idempotency records, time entries.

use rota_app::domain::account::Text;
use rota_app::domain::booking::{Booking, BookingStatus};
use rota_app::domain::business::Zone;
use rota_app::domain::calendar::{LocalInterval, WeeklyHours, WorkCalendar};
use rota_app::domain::id::{AccountId, BookingId, ServiceId, TimeEntryId, TimeOffId};
use rota_app::domain::idempotency::IdempotencyKey;
use rota_app::domain::money::Money;
use rota_app::domain::service::Buffers;
use rota_app::domain::time::TimeRange;
use rota_app::domain::time_entry::TimeEntry;
use rota_app::domain::time_off::{Absence, DayOfWeek, TimeOff};
use rota_app::ports::{IdempotencyRecord, StoredResponse, TxMode};

use crate::Fresh;
use crate::fixtures::{Fixture, at, service, uuid};

pub(crate) fn range(a: &str, b: &str) -> TimeRange {
    TimeRange::new(at(a), at(b)).unwrap()
}

/// A scheduled booking of the fixture's customer with these providers.
pub(crate) fn booking(f: &Fixture, n: u128, r: TimeRange, providers: Vec<AccountId>) -> Booking {
    Booking {
        id: BookingId::from_uuid(uuid(1000 + n)),
        business_id: f.business.id,
        customer_id: f.customer.id,
        service_id: None,
        range: r,
        providers,
        status: BookingStatus::Scheduled,
        price: Money::new(5000).unwrap(),
        paid: Money::ZERO,
        tips: Money::ZERO,
        notes: Text::parse("Side door").unwrap(),
        created_at: at("2026-03-01T08:00:00Z"),
        updated_at: at("2026-03-01T08:00:00Z"),
        sequence: 0,
        buffers: Buffers::NONE,
        series: None,
    }
}

/// Services come back as written.
pub async fn services_round_trip(fresh: Fresh) {
    let store = fresh.store;
    let f = Fixture::write(store.as_ref(), 1, "sparkle").await;
    let buffers = Buffers::minutes(15, 240).unwrap();
    let mut s = service(f.business.id, vec![f.provider.id], buffers);
    let mut tx = store.begin(TxMode::Write).await.unwrap();
    tx.services().insert(&s).await.unwrap();
    assert_eq!(
        tx.services()
            .get(f.business.id, s.id)
            .await
            .unwrap()
            .as_ref(),
        Some(&s)
    );
    // With people, in one read: the named accounts, or every employee.
    let employees = tx.accounts().employees(f.business.id).await.unwrap();
    assert!(employees.len() >= 2);
    assert_eq!(
        tx.services()
            .with_people(f.business.id, s.id, None)
            .await
            .unwrap(),
        Some((s.clone(), employees.clone())),
        "the whole team, in id order"
    );
    assert_eq!(
        tx.services()
            .with_people(
                f.business.id,
                s.id,
                Some(vec![f.provider.id, f.customer.id])
            )
            .await
            .unwrap()
            .map(|(service, mut people)| {
                people.sort_by_key(|a| a.id);
                (service, people)
            }),
        Some((s.clone(), {
            let mut both = vec![f.provider.clone(), f.customer.clone()];
            both.sort_by_key(|a| a.id);
            both
        })),
        "the named accounts, whatever their kind"
    );
    let nobody = AccountId::from_uuid(uuid(999_999));
    for people in [Some(vec![nobody]), Some(vec![])] {
        assert_eq!(
            tx.services()
                .with_people(f.business.id, s.id, people.clone())
                .await
                .unwrap(),
            Some((s.clone(), vec![])),
            "the service alone: {people:?}"
        );
    }
    assert_eq!(
        tx.services()
            .with_people(f.business.id, ServiceId::from_uuid(uuid(501)), None)
            .await
            .unwrap(),
        None,
        "no such service"
    );
    s.active = false;
    s.providers = vec![];
    s.buffers = Buffers::minutes(0, 30).unwrap();
    tx.services().update(&s).await.unwrap();
    tx.commit().await.unwrap();
    let mut tx = store.begin(TxMode::Read).await.unwrap();
    assert_eq!(tx.services().list(f.business.id).await.unwrap(), vec![s]);
}

/// Work calendars upsert; time off lists by owner, deletes; `working_time`
/// reads the calendars and the time off that applies within a range.
pub async fn calendars_and_time_off_round_trip(fresh: Fresh) {
    let store = fresh.store;
    let f = Fixture::write(store.as_ref(), 1, "sparkle").await;
    let day = vec![
        LocalInterval::parse("09:00", "12:00").unwrap(),
        LocalInterval::parse("22:00", "06:00").unwrap(),
    ];
    let hours =
        WeeklyHours::new([day.clone(), vec![], vec![], vec![], vec![], vec![], vec![]]).unwrap();
    let first = WorkCalendar {
        zone: None,
        hours: hours.clone(),
    };
    let second = WorkCalendar {
        zone: Some(Zone::parse("America/New_York").unwrap()),
        hours,
    };
    let entry = |n: u128, provider: Option<AccountId>, absence: Absence| TimeOff {
        id: TimeOffId::from_uuid(uuid(600 + n)),
        business_id: f.business.id,
        provider,
        absence,
        note: Text::parse("why").unwrap(),
        created_at: at("2026-03-01T00:00:00Z"),
    };
    let early = entry(
        1,
        Some(f.provider.id),
        Absence::Range {
            range: range("2026-03-02T09:00:00Z", "2026-03-02T11:00:00Z"),
        },
    );
    let late = entry(
        2,
        Some(f.provider.id),
        Absence::Range {
            range: range("2026-04-02T09:00:00Z", "2026-04-02T11:00:00Z"),
        },
    );
    let weekly = entry(
        3,
        Some(f.provider.id),
        Absence::Weekly {
            weekday: DayOfWeek::Friday,
            interval: LocalInterval::parse("12:00", "13:00").unwrap(),
        },
    );
    let holiday = entry(
        4,
        None,
        Absence::Days {
            first: "2026-12-25".parse().unwrap(),
            last: "2026-12-26".parse().unwrap(),
        },
    );

    let mut tx = store.begin(TxMode::Write).await.unwrap();
    tx.calendars()
        .set_work_calendar(f.business.id, f.provider.id, &first)
        .await
        .unwrap();
    tx.calendars()
        .set_work_calendar(f.business.id, f.provider.id, &second)
        .await
        .unwrap();
    for e in [&early, &late, &weekly, &holiday] {
        tx.calendars().insert_time_off(e).await.unwrap();
    }
    let service = service(f.business.id, vec![f.provider.id], Buffers::NONE);
    tx.services().insert(&service).await.unwrap();
    tx.commit().await.unwrap();

    let mut tx = store.begin(TxMode::Write).await.unwrap();
    let cals = tx
        .calendars()
        .work_calendars(f.business.id, &[f.provider.id, f.owner.id])
        .await
        .unwrap();
    assert_eq!(cals, vec![(f.provider.id, second)]);
    let week = range("2026-03-01T00:00:00Z", "2026-03-08T00:00:00Z");
    let mut working = tx
        .calendars()
        .working_time(f.business.id, &[f.provider.id, f.owner.id], week)
        .await
        .unwrap();
    assert_eq!(working.calendars, cals, "the calendars, as read alone");
    // One provider's, read with a service in one statement: the same.
    let (b, p) = (f.business.id, f.provider.id);
    let with_service = tx
        .calendars()
        .provider_time(b, service.id, p, week, week)
        .await;
    let alone = tx.calendars().working_time(b, &[p], week).await.unwrap();
    assert_eq!(with_service.unwrap().map(|t| t.working), Some(alone));
    working.time_off.sort_by_key(|t| t.id);
    assert_eq!(
        working.time_off,
        vec![early.clone(), weekly.clone(), holiday.clone()],
        "the April range is outside"
    );
    let owners = tx
        .calendars()
        .working_time(f.business.id, &[f.owner.id], week)
        .await
        .unwrap();
    assert_eq!(
        (owners.calendars, owners.time_off),
        (vec![], vec![holiday.clone()]),
        "business-wide entries apply to everyone"
    );
    let nobody = tx
        .calendars()
        .working_time(f.business.id, &[], week)
        .await
        .unwrap();
    assert_eq!(
        (nobody.calendars, nobody.time_off),
        (vec![], vec![holiday.clone()]),
        "no providers: only the business-wide entries"
    );
    assert_eq!(
        tx.calendars()
            .time_off_of(f.business.id, None)
            .await
            .unwrap(),
        vec![holiday.clone()]
    );
    assert_eq!(
        tx.calendars()
            .time_off_of(f.business.id, Some(f.provider.id))
            .await
            .unwrap()
            .len(),
        3
    );
    assert!(
        !tx.calendars()
            .delete_time_off(f.business.id, None, early.id)
            .await
            .unwrap(),
        "not business-wide"
    );
    assert!(
        tx.calendars()
            .delete_time_off(f.business.id, Some(f.provider.id), early.id)
            .await
            .unwrap()
    );
    tx.commit().await.unwrap();
    let mut tx = store.begin(TxMode::Read).await.unwrap();
    assert_eq!(
        tx.calendars()
            .time_off_of(f.business.id, Some(f.provider.id))
            .await
            .unwrap()
            .len(),
        2
    );
}

/// B9 records: found by (business, actor, key), replaced on save.
pub async fn idempotency_records_round_trip(fresh: Fresh) {
    let store = fresh.store;
    let f = Fixture::write(store.as_ref(), 1, "sparkle").await;
    let key = IdempotencyKey::parse("key-1").unwrap();
    let mut record = IdempotencyRecord {
        business: f.business.id,
        actor: f.owner.id,
        key: key.clone(),
        fingerprint: "abc".into(),
        response: StoredResponse {
            status: 201,
            body: b"{\"id\":1}".to_vec(),
        },
        created_at: at("2026-03-01T00:00:00Z"),
    };
    let mut tx = store.begin(TxMode::Write).await.unwrap();
    assert_eq!(
        tx.idempotency()
            .lock_and_find(f.business.id, f.owner.id, &key)
            .await
            .unwrap(),
        None
    );
    tx.idempotency().save(&record).await.unwrap();
    record.response.status = 409;
    tx.idempotency().save(&record).await.unwrap();
    tx.commit().await.unwrap();
    let mut tx = store.begin(TxMode::Write).await.unwrap();
    assert_eq!(
        tx.idempotency()
            .lock_and_find(f.business.id, f.owner.id, &key)
            .await
            .unwrap(),
        Some(record)
    );
    assert_eq!(
        tx.idempotency()
            .lock_and_find(f.business.id, f.provider.id, &key)
            .await
            .unwrap(),
        None,
        "per actor"
    );
}

/// Time entries: the open one, updates, lists by range.
pub async fn time_entries_round_trip(fresh: Fresh) {
    let store = fresh.store;
    let f = Fixture::write(store.as_ref(), 1, "sparkle").await;
    let mut e = TimeEntry {
        id: TimeEntryId::from_uuid(uuid(700)),
        business_id: f.business.id,
        employee: f.provider.id,
        clock_in: at("2026-03-09T09:00:00Z"),
        clock_out: None,
    };
    let mut tx = store.begin(TxMode::Write).await.unwrap();
    tx.time_entries().insert(&e).await.unwrap();
    assert_eq!(
        tx.time_entries()
            .open_entry(f.business.id, f.provider.id)
            .await
            .unwrap()
            .as_ref(),
        Some(&e)
    );
    e.clock_out = Some(at("2026-03-09T17:00:00Z"));
    tx.time_entries().update(&e).await.unwrap();
    assert_eq!(
        tx.time_entries()
            .open_entry(f.business.id, f.provider.id)
            .await
            .unwrap(),
        None
    );
    tx.commit().await.unwrap();
    let mut tx = store.begin(TxMode::Read).await.unwrap();
    let day = range("2026-03-09T00:00:00Z", "2026-03-10T00:00:00Z");
    assert_eq!(
        tx.time_entries()
            .list(f.business.id, None, day)
            .await
            .unwrap(),
        vec![e.clone()]
    );
    assert_eq!(
        tx.time_entries()
            .list(f.business.id, Some(f.owner.id), day)
            .await
            .unwrap(),
        vec![]
    );
    let later = range("2026-03-10T00:00:00Z", "2026-03-11T00:00:00Z");
    assert_eq!(
        tx.time_entries()
            .list(f.business.id, None, later)
            .await
            .unwrap(),
        vec![]
    );
}
