//! Who is looking at a page: the session in the `rota_session` cookie (A3).
//! A page that needs someone sends a visitor without a live session to
//! sign in, and back to the page afterwards (U1).

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use rota_app::auth::Authenticated;
use rota_app::browser::SESSION_COOKIE;
use rota_app::domain::account::Account;
use rota_app::domain::actor::ActorKind;
use rota_app::domain::booking::Booking;
use rota_app::domain::business::Business;
use rota_app::secrecy::SecretString;

use crate::Web;
use crate::form::cookie;

/// The signed-in person, their account and their business.
pub(crate) struct Viewer {
    pub(crate) who: Authenticated,
    pub(crate) account: Account,
    pub(crate) business: Business,
}

/// What the signed-in header shows.
pub(crate) struct ViewerLine {
    pub(crate) name: String,
    pub(crate) business: String,
    /// The console's sections this viewer may open (U6).
    pub(crate) links: Vec<(String, &'static str)>,
}

impl Viewer {
    pub(crate) fn line(&self) -> ViewerLine {
        let links = if self.is_customer() {
            vec![("/portal".to_owned(), "My bookings")]
        } else {
            let mut links = Vec::new();
            let admin = self.may("list_all_bookings");
            if admin {
                links.push(("/console".to_owned(), "Today"));
            }
            if self.who.actor.is_provider() {
                links.push(("/console/mine".to_owned(), "My bookings"));
                if !admin && self.may_own("view_own_work_hours") {
                    let me = format!("/console/team/{}", self.who.actor.id);
                    links.push((me, "My hours"));
                }
            }
            if self.may("view_own_time_entries") {
                links.push(("/console/time".to_owned(), "Time"));
            }
            for (href, text, right) in [
                ("/console/bookings", "Bookings", "list_all_bookings"),
                ("/console/team", "Team", "list_employees"),
                ("/console/customers", "Customers", "list_customers"),
                ("/console/services", "Services", "manage_services"),
                ("/console/settings", "Settings", "view_access_rights"),
                ("/console/reports", "Reports", "view_reports"),
                ("/console/audit", "Audit log", "view_audit_log"),
                ("/console/subscription", "Subscription", "view_subscription"),
            ] {
                // Adding customers opens the page without the list (R8).
                let opened =
                    self.may(right) || (right == "list_customers" && self.may("create_customer"));
                if opened {
                    links.push((href.to_owned(), text));
                }
            }
            links
        };
        ViewerLine {
            name: self.account.display_name(),
            business: self.business.name.to_string(),
            links,
        }
    }

    /// Whether the viewer may take the action `name` about themselves
    /// (`rota_app::permissions::own`).
    pub(crate) fn may_own(&self, name: &str) -> bool {
        rota_app::permissions::own(&self.who.actor, &self.business.settings).contains(&name)
    }

    /// Whether the viewer may do `name` to `booking`
    /// (`rota_app::permissions::on_booking`).
    pub(crate) fn may_on(&self, booking: &Booking, name: &str) -> bool {
        rota_app::permissions::on_booking(&self.who.actor, &self.business.settings, booking)
            .contains(&name)
    }

    /// Whether the viewer may take the business-wide action `name`
    /// (`rota_app::permissions`).
    pub(crate) fn may(&self, name: &str) -> bool {
        rota_app::permissions::business_wide(&self.who.actor, &self.business.settings)
            .contains(&name)
    }

    pub(crate) fn is_customer(&self) -> bool {
        self.who.actor.kind == ActorKind::Customer
    }
}

/// Where signing in leads back to, for a request to `path_and_query`.
pub(crate) fn sign_in_then(path_and_query: &str) -> Response {
    let next: String = url_encode(path_and_query);
    Redirect::to(&format!("/sign-in?next={next}")).into_response()
}

/// Percent-encodes a path for a query parameter.
pub(crate) fn url_encode(raw: &str) -> String {
    raw.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A `next` that stays on this site: a path, never `//host` or a URL.
pub(crate) fn safe_next(next: &str) -> Option<&str> {
    (next.starts_with('/') && !next.starts_with("//") && !next.contains('\\')).then_some(next)
}

impl FromRequestParts<Web> for Viewer {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, web: &Web) -> Result<Self, Self::Rejection> {
        let here = parts
            .uri
            .path_and_query()
            .map_or("/console", |p| p.as_str())
            .to_owned();
        let Some(token) = cookie(&parts.headers, SESSION_COOKIE) else {
            return Err(sign_in_then(&here));
        };
        let Ok(who) = web.rota.authenticate(&SecretString::from(token)).await else {
            return Err(sign_in_then(&here));
        };
        let business = web.rota.business(&who.actor).await;
        let account = match who.actor.kind {
            ActorKind::Employee(_) => web
                .rota
                .employee(&who.actor, who.actor.id)
                .await
                .map_err(|_| ()),
            ActorKind::Customer => web
                .rota
                .customer(&who.actor, who.actor.id)
                .await
                .map_err(|_| ()),
        };
        match (business, account) {
            (Ok(business), Ok(account)) => Ok(Self {
                who,
                account,
                business,
            }),
            _ => Err(sign_in_then(&here)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn u1_signing_in_leads_back_only_to_this_site() {
        assert_eq!(
            safe_next("/console?day=2030-03-04"),
            Some("/console?day=2030-03-04")
        );
        assert_eq!(safe_next("//evil.example/x"), None);
        assert_eq!(safe_next("https://evil.example"), None);
        assert_eq!(safe_next("/\\evil.example"), None);
        assert_eq!(url_encode("/console?a=b&c"), "/console%3Fa%3Db%26c");
    }
}
