//! R8 privacy: what of a customer an actor is shown.

use jiff::{SignedDuration, Timestamp};

use crate::account::CustomerProfile;
use crate::actor::{Actor, ActorKind};
use crate::business::BusinessSettings;
use crate::name::PersonName;

/// A customer as `actor` may see them.
///
/// Administrators and the customer themselves see everything. A service
/// provider who is not an administrator sees the name abbreviated when
/// `abbreviate_names` is on, and no address once `hide_addresses_after_hours`
/// hours have passed since the end of the latest of their own bookings with
/// this customer (`latest_own_booking_end`; with no such booking the address
/// is hidden whenever the setting is on).
#[must_use]
pub fn customer_as_seen_by(
    actor: &Actor,
    settings: &BusinessSettings,
    customer: &CustomerProfile,
    latest_own_booking_end: Option<Timestamp>,
    now: Timestamp,
) -> CustomerProfile {
    if actor.kind == ActorKind::Customer {
        // R10: the team's notes and numbering are the team's.
        let mut seen = customer.clone();
        seen.details.notes = None;
        seen.details.customer_number = None;
        return seen;
    }
    if !is_restricted(actor) {
        return customer.clone();
    }
    let privacy = settings.access_rights.get().privacy;
    let mut seen = customer.clone();
    if privacy.abbreviate_names
        && let Ok(last) = crate::name::PersonName::parse(&crate::access::abbreviate_last_name(
            customer.last_name.as_str(),
        ))
    {
        seen.last_name = last;
    }
    if let Some(hours) = privacy.hide_addresses_after_hours {
        let visible = latest_own_booking_end.is_some_and(|end| {
            let until = end.saturating_add(SignedDuration::from_hours(i64::from(hours)));
            until.is_ok_and(|until| now < until)
        });
        if !visible {
            seen.details = seen.details.without_address();
        }
    }
    seen
}

/// Whether R8's privacy settings apply to `actor`: employees who are not
/// administrators (customers only ever see themselves).
fn is_restricted(actor: &Actor) -> bool {
    matches!(actor.kind, ActorKind::Employee(roles) if !roles.is_administrator())
}

/// R8: a customer's "First Last" as `actor` may see it, as
/// [`customer_as_seen_by`] would show it ("First L." when names are
/// abbreviated for them), from the names alone.
#[must_use]
pub fn customer_name_as_seen_by(
    actor: &Actor,
    settings: &BusinessSettings,
    first_name: &PersonName,
    last_name: &PersonName,
) -> String {
    if is_restricted(actor) && settings.access_rights.get().privacy.abbreviate_names {
        crate::account::abbreviated_name(first_name, last_name)
    } else {
        format!("{first_name} {last_name}")
    }
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;
    use crate::access::{AccessRights, AccessRightsInput, CustomerVisibility, Privacy};
    use crate::account::{AccountStatus, CustomerDetails, Text};
    use crate::id::{AccountId, BusinessId};
    use crate::name::PersonName;
    use crate::role::{EmployeeRoles, RoleSet};

    fn customer() -> CustomerProfile {
        CustomerProfile {
            first_name: PersonName::parse("Ana").unwrap(),
            last_name: PersonName::parse("Smith").unwrap(),
            details: CustomerDetails {
                address1: Text::parse("1 Main St").unwrap(),
                city: Text::parse("Leeds").unwrap(),
                phone: Text::parse("0123").unwrap(),
                ..CustomerDetails::default()
            },
            archived_at: None,
        }
    }

    fn actor(roles: RoleSet) -> Actor {
        Actor {
            id: AccountId::from_uuid(Uuid::from_u128(1)),
            business: BusinessId::from_uuid(Uuid::from_u128(2)),
            status: AccountStatus::Active,
            kind: ActorKind::Employee(EmployeeRoles::staff(roles)),
            business_revision: None,
        }
    }

    fn settings(privacy: Privacy) -> BusinessSettings {
        let rights = AccessRights::new(AccessRightsInput {
            customers: CustomerVisibility::Details,
            privacy,
            ..AccessRightsInput::default()
        })
        .unwrap();
        BusinessSettings {
            access_rights: rights,
            ..BusinessSettings::default()
        }
    }

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn r8_names_abbreviate_for_providers_only() {
        let s = settings(Privacy {
            abbreviate_names: true,
            hide_addresses_after_hours: None,
        });
        let now = at("2026-05-01T12:00:00Z");
        let seen =
            customer_as_seen_by(&actor(RoleSet::ServiceProvider), &s, &customer(), None, now);
        assert_eq!(seen.last_name.as_str(), "S.");
        assert_eq!(seen.details, customer().details);
        let admin = customer_as_seen_by(&actor(RoleSet::Both), &s, &customer(), None, now);
        assert_eq!(admin.last_name.as_str(), "Smith");
    }

    #[test]
    fn r8_the_name_alone_reads_as_the_whole_profile_would() {
        let now = at("2026-05-01T12:00:00Z");
        let c = customer();
        for abbreviate_names in [false, true] {
            let s = settings(Privacy {
                abbreviate_names,
                hide_addresses_after_hours: None,
            });
            for roles in [
                RoleSet::ServiceProvider,
                RoleSet::Administrator,
                RoleSet::Both,
            ] {
                let a = actor(roles);
                assert_eq!(
                    customer_name_as_seen_by(&a, &s, &c.first_name, &c.last_name),
                    customer_as_seen_by(&a, &s, &c, None, now).full_name(),
                    "{roles:?}, abbreviate_names = {abbreviate_names}"
                );
            }
        }
        let s = settings(Privacy {
            abbreviate_names: true,
            hide_addresses_after_hours: None,
        });
        let name = customer_name_as_seen_by(
            &actor(RoleSet::ServiceProvider),
            &s,
            &c.first_name,
            &c.last_name,
        );
        assert_eq!(name, "Ana S.");
    }

    #[test]
    fn r8_addresses_hide_n_hours_after_the_booking_ends() {
        let s = settings(Privacy {
            abbreviate_names: false,
            hide_addresses_after_hours: Some(2),
        });
        let provider = actor(RoleSet::ServiceProvider);
        let end = at("2026-05-01T10:00:00Z");
        let before = customer_as_seen_by(
            &provider,
            &s,
            &customer(),
            Some(end),
            at("2026-05-01T11:59:59Z"),
        );
        assert!(before.details.has_address());
        let after = customer_as_seen_by(
            &provider,
            &s,
            &customer(),
            Some(end),
            at("2026-05-01T12:00:00Z"),
        );
        assert!(!after.details.has_address());
        assert_eq!(
            after.details.phone,
            customer().details.phone,
            "only the address hides"
        );
        let zero = settings(Privacy {
            abbreviate_names: false,
            hide_addresses_after_hours: Some(0),
        });
        assert!(
            !customer_as_seen_by(&provider, &zero, &customer(), Some(end), end)
                .details
                .has_address()
        );
    }
}

/// What of a booking `actor` may be shown besides its time, people and
/// price (R8, R10).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BookingShown {
    /// The team's internal notes: never to customers (R10).
    pub notes: bool,
    /// Amounts paid: to providers only with `payments` (R10).
    pub paid: bool,
    /// Tips: to providers only with `tips` (R10).
    pub tips: bool,
}

/// What of a booking `actor` may see (R8, R10): administrators everything;
/// a customer their booking's money but not the team's notes; a provider
/// the notes, and tips and payments as the access rights say.
#[must_use]
pub fn booking_shown_to(actor: &Actor, settings: &BusinessSettings) -> BookingShown {
    let rights = settings.access_rights.get();
    match actor.kind {
        ActorKind::Customer => BookingShown {
            notes: false,
            paid: true,
            tips: true,
        },
        ActorKind::Employee(roles) if roles.is_administrator() => BookingShown {
            notes: true,
            paid: true,
            tips: true,
        },
        ActorKind::Employee(_) => BookingShown {
            notes: true,
            paid: rights.payments,
            tips: rights.tips,
        },
    }
}
