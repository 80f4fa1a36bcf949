//! B1, B4 (buffers included) and W3 over random sequences of booking
//! operations through the use cases.

use proptest::prelude::*;
use rota_app::availability::AvailabilityQuery;
use rota_app::bookings::{BookingChanges, BookingFilter, Created};
use rota_app::domain::id::{AccountId, BookingId};
use rota_app::domain::jiff::SignedDuration;
use rota_app::domain::money::Money;
use rota_app::domain::name::BusinessName;
use rota_app::domain::role::RoleSet;
use rota_app::domain::service::{Buffers, Service, ServiceDuration};
use rota_app::domain::time::TimeRange;
use rota_app::page::Limit;
use rota_app::services::NewService;

use crate::support::{Salon, at, salon};

#[derive(Clone, Debug)]
enum Op {
    Create {
        provider: bool,
        slot: i64,
        minutes: i64,
        /// One of the services with buffers, or none (the length above).
        service: Option<usize>,
    },
    Reschedule {
        booking: usize,
        slot: i64,
    },
    Reassign {
        booking: usize,
        provider: bool,
    },
    Cancel {
        booking: usize,
    },
    Start {
        booking: usize,
    },
    Complete {
        booking: usize,
    },
}

fn op() -> impl Strategy<Value = Op> {
    // Slots are 15-minute steps within Monday 09:00–17:00.
    prop_oneof![
        4 => (
            any::<bool>(),
            0i64..32,
            prop_oneof![Just(15i64), Just(30), Just(60), Just(90)],
            proptest::option::of(0usize..3),
        )
            .prop_map(|(provider, slot, minutes, service)| Op::Create { provider, slot, minutes, service }),
        2 => (0usize..16, 0i64..32).prop_map(|(booking, slot)| Op::Reschedule { booking, slot }),
        1 => (0usize..16, any::<bool>()).prop_map(|(booking, provider)| Op::Reassign { booking, provider }),
        2 => (0usize..16).prop_map(|booking| Op::Cancel { booking }),
        1 => (0usize..16).prop_map(|booking| Op::Start { booking }),
        1 => (0usize..16).prop_map(|booking| Op::Complete { booking }),
    ]
}

/// One step; refusals are expected and ignored (the invariants are checked after).
async fn apply(
    s: &Salon,
    buffered: &[Service],
    second: AccountId,
    made: &mut Vec<BookingId>,
    op: Op,
) {
    let slot = |n: i64| {
        at("2026-03-09T09:00:00Z")
            .checked_add(SignedDuration::from_mins(15 * n))
            .unwrap()
    };
    let who = |second_one: bool| if second_one { second } else { s.provider.id };
    let pick = |i: usize| made.get(i % made.len().max(1)).copied();
    let rota = &s.w.rota;
    match op {
        Op::Create {
            provider,
            slot: n,
            minutes,
            service,
        } => {
            let mut req = s.request("2026-03-09T09:00:00Z");
            req.service = service.map(|i| buffered[i].id);
            req.starts_at = slot(n);
            req.ends_at = service.is_none().then(|| {
                slot(n)
                    .checked_add(SignedDuration::from_mins(minutes))
                    .unwrap()
            });
            req.providers = vec![who(provider)];
            if let Ok(Created::New(v)) = rota.create_booking(&s.owner, req, None).await {
                made.push(v.booking.id);
            }
        }
        Op::Reschedule { booking, slot: n } => {
            if let Some(id) = pick(booking) {
                let changes = BookingChanges {
                    starts_at: Some(slot(n)),
                    ..Default::default()
                };
                let _ = rota.update_booking(&s.owner, id, changes).await;
            }
        }
        Op::Reassign { booking, provider } => {
            if let Some(id) = pick(booking) {
                let changes = BookingChanges {
                    providers: Some(vec![who(provider)]),
                    ..Default::default()
                };
                let _ = rota.update_booking(&s.owner, id, changes).await;
            }
        }
        Op::Cancel { booking } => {
            if let Some(id) = pick(booking) {
                let _ = rota.cancel_booking(&s.owner, id).await;
            }
        }
        Op::Start { booking } => {
            if let Some(id) = pick(booking) {
                let _ = rota.start_booking(&s.owner, id).await;
            }
        }
        Op::Complete { booking } => {
            if let Some(id) = pick(booking) {
                let _ = rota.complete_booking(&s.owner, id).await;
            }
        }
    }
}

/// B1 and B4 on every booking there is: no two active bookings of a
/// provider come closer than their buffers allow. And W3: every slot
/// offered for a service with buffers leaves room for them.
async fn check(s: &Salon, buffered: &[Service]) -> Result<(), TestCaseError> {
    let limit = Limit::new(Some(200)).unwrap();
    let all =
        s.w.rota
            .list_bookings(&s.owner, BookingFilter::default(), None, limit)
            .await
            .unwrap();
    for (i, a) in all.items.iter().enumerate() {
        prop_assert!(
            s.w.rota
                .customer(&s.owner, a.booking.customer_id)
                .await
                .is_ok(),
            "B1: no customer"
        );
        for b in &all.items[i + 1..] {
            let share = a
                .booking
                .providers
                .iter()
                .any(|p| b.booking.providers.contains(p));
            let both_active = a.booking.status.holds_time() && b.booking.status.holds_time();
            prop_assert!(
                !(share && both_active && a.booking.blocked().overlaps(&b.booking.blocked())),
                "B4: {:?} comes too close to {:?}",
                a.booking,
                b.booking
            );
        }
    }
    for service in buffered {
        let query = AvailabilityQuery {
            service: service.id,
            range: TimeRange::new(at("2026-03-09T00:00:00Z"), at("2026-03-10T00:00:00Z")).unwrap(),
            provider: Some(s.provider.id),
            step: None,
        };
        let offered = s.w.rota.availability(&s.owner, query).await.unwrap();
        for slot in offered.iter().flat_map(|p| &p.slots) {
            let blocked = service.buffers.around(*slot);
            let taken = all.items.iter().find(|b| {
                b.booking.status.holds_time()
                    && b.booking.providers.contains(&s.provider.id)
                    && b.booking.blocked().overlaps(&blocked)
            });
            prop_assert!(
                taken.is_none(),
                "W3: {slot:?} of {:?} offered beside {taken:?}",
                service.buffers
            );
        }
    }
    Ok(())
}

/// Three services with buffers, beside the salon's own (none).
async fn buffered_services(s: &Salon) -> Vec<Service> {
    let mut made = Vec::new();
    for (minutes, before, after) in [(30, 15, 15), (60, 0, 30), (45, 20, 0)] {
        let new = NewService {
            name: BusinessName::parse(&format!("Buffered {minutes}")).unwrap(),
            duration: ServiceDuration::minutes(minutes).unwrap(),
            price: Money::new(1000).unwrap(),
            providers: vec![],
            buffers: Buffers::minutes(before, after).unwrap(),
        };
        made.push(s.w.rota.create_service(&s.owner, new).await.unwrap());
    }
    made
}

async fn run(ops: Vec<Op>) -> Result<(), TestCaseError> {
    let s: Salon = salon().await;
    let second =
        s.w.employee(
            &s.owner,
            "quinn@salon.example",
            RoleSet::ServiceProvider,
            false,
        )
        .await;
    let calendar =
        s.w.rota
            .work_calendar(&s.owner, s.provider.id)
            .await
            .unwrap();
    s.w.rota
        .set_work_calendar(&s.owner, second.id, calendar)
        .await
        .unwrap();
    let buffered = buffered_services(&s).await;
    let mut made = Vec::new();
    for op in ops {
        apply(&s, &buffered, second.id, &mut made, op).await;
        check(&s, &buffered).await?;
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn b1_b4_buffers_hold_after_any_sequence_of_booking_operations(ops in proptest::collection::vec(op(), 1..25)) {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(run(ops))?;
    }
}
