//! Reading bookings as each actor may (R6, R8, R10).

use rota_domain::actor::Actor;
use rota_domain::booking::BookingStatus;
use rota_domain::business::Business;
use rota_domain::id::{AccountId, BookingId, SeriesId};
use rota_domain::jiff::Timestamp;
use rota_domain::policy::{Action, BookingRef, BookingScope, Denied, authorize, booking_scope};
use rota_domain::privacy::customer_name_as_seen_by;
use rota_domain::time::{ERA_END, ERA_START, TimeRange};

use super::{BookingError, BookingView, views};
use crate::Rota;
use crate::page::{Limit, Page, PageError};
use crate::ports::{BookingQuery, NamedBooking, TxMode};

/// Which bookings to list.
#[derive(Clone, Copy, Debug, Default)]
pub struct BookingFilter {
    /// Bookings ending after this instant.
    pub from: Option<Timestamp>,
    /// Bookings starting before this instant.
    pub to: Option<Timestamp>,
    /// Assigned to this provider.
    pub provider: Option<AccountId>,
    /// Of this customer.
    pub customer: Option<AccountId>,
    /// In this status.
    pub status: Option<BookingStatus>,
    /// The occurrences of this recurring series.
    pub series: Option<SeriesId>,
}

fn parse_cursor(cursor: &str) -> Option<(Timestamp, BookingId)> {
    let (nanos, id) = cursor.split_once('_')?;
    let t = Timestamp::from_nanosecond(nanos.parse().ok()?).ok()?;
    Some((t, id.parse().ok()?))
}

impl Rota {
    /// One booking.
    pub async fn booking(&self, actor: &Actor, id: BookingId) -> Result<BookingView, BookingError> {
        let mut tx = self.begin(TxMode::Read).await?;
        let business = self
            .business_of(tx.as_mut(), actor)
            .await?
            .ok_or(Denied::NotFound)?;
        let booking = tx
            .bookings()
            .get(business.id, id)
            .await?
            .ok_or(Denied::NotFound)?;
        let target = BookingRef {
            business: booking.business_id,
            customer: booking.customer_id,
            providers: &booking.providers,
        };
        authorize(actor, &Action::ViewBooking(target), &business.settings)?;
        let mut seen = views(tx.as_mut(), actor, &business, vec![booking], self.now()).await?;
        Ok(seen.remove(0))
    }

    /// A page of bookings in start order: all of them for administrators, a
    /// provider's own, a customer's own.
    pub async fn list_bookings(
        &self,
        actor: &Actor,
        filter: BookingFilter,
        cursor: Option<&str>,
        limit: Limit,
    ) -> Result<Page<BookingView>, BookingError> {
        let after = cursor
            .map(|c| parse_cursor(c).ok_or(PageError::Cursor))
            .transpose()?;
        let within = match (filter.from, filter.to) {
            (None, None) => None,
            (from, to) => Some(
                TimeRange::new(from.unwrap_or(ERA_START), to.unwrap_or(ERA_END))
                    .map_err(|_| PageError::Range)?,
            ),
        };
        let mut query = BookingQuery {
            within,
            provider: filter.provider,
            customer: filter.customer,
            status: filter.status,
            series: filter.series,
            after,
            limit: limit.get() + 1,
        };
        match booking_scope(actor)? {
            BookingScope::All => {}
            BookingScope::AssignedTo(me) => {
                if query.provider.is_some_and(|p| p != me) {
                    return Err(Denied::Forbidden.into());
                }
                query.provider = Some(me);
            }
            BookingScope::CustomerOf(me) => {
                if query.customer.is_some_and(|c| c != me) {
                    return Err(Denied::Forbidden.into());
                }
                query.customer = Some(me);
            }
        }
        // The business and its bookings need not agree to the instant: a
        // page is as of the moment each part is read.
        let mut tx = self.begin(TxMode::ReadOnce).await?;
        let business = self
            .business_of(tx.as_mut(), actor)
            .await?
            .ok_or(Denied::NotFound)?;
        let found = tx.bookings().list(business.id, &query).await?;
        drop(tx);
        let seen = found
            .into_iter()
            .map(|named| view_of_named(actor, &business, named))
            .collect();
        Ok(Page::from_overfetch(seen, limit, |v: &BookingView| {
            format!(
                "{}_{}",
                v.booking.range.start().as_nanosecond(),
                v.booking.id
            )
        }))
    }
}

/// A listed booking as `actor` sees it: its customer's name as R8 allows,
/// its providers' names in the booking's order.
fn view_of_named(actor: &Actor, business: &Business, named: NamedBooking) -> BookingView {
    let customer_name = named
        .customer
        .map(|(first, last)| customer_name_as_seen_by(actor, &business.settings, &first, &last))
        .unwrap_or_default();
    let providers = named
        .booking
        .providers
        .iter()
        .map(|id| {
            let name = named.providers.iter().find(|(p, _)| p == id);
            (*id, name.map(|(_, n)| n.clone()).unwrap_or_default())
        })
        .collect();
    BookingView::new(actor, business, named.booking, customer_name, providers)
}
