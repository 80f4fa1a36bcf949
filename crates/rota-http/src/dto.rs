//! Wire types: what the API reads and writes. Inputs are plain strings and
//! numbers checked into domain types by [`Check`]; outputs are built from
//! domain types. `snake_case`, RFC 3339 instants in UTC, ids as strings.

use std::fmt;

use rota_app::domain::access::{
    AccessRights, AccessRightsInput, CustomerVisibility, Privacy, TimeTrackingAccess,
    WorkHoursAccess,
};
use rota_app::domain::account::{Account, Profile};
use rota_app::domain::business::{Business, BusinessSettings};
use rota_app::domain::jiff::Timestamp;
use rota_app::domain::role::Role;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::problem::{FieldError, Problem};

/// Collects invalid fields, so one answer names them all.
#[derive(Default)]
pub struct Check(Vec<FieldError>);

impl Check {
    /// Keeps `Ok` values and records errors against `field`.
    pub fn field<T, E: fmt::Display>(&mut self, field: &str, r: Result<T, E>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.0.push(FieldError {
                    field: field.to_owned(),
                    code: "invalid".to_owned(),
                    message: e.to_string(),
                });
                None
            }
        }
    }

    /// An optional field: `None` stays `None`.
    pub fn optional<I, T, E: fmt::Display>(
        &mut self,
        field: &str,
        input: Option<I>,
        parse: impl FnOnce(I) -> Result<T, E>,
    ) -> Option<Option<T>> {
        match input {
            None => Some(None),
            Some(i) => self.field(field, parse(i)).map(Some),
        }
    }

    /// A required field: `None` is recorded as missing.
    pub fn required<T>(&mut self, field: &str, value: Option<T>) -> Option<T> {
        if value.is_none() {
            self.fail(field, "required");
        }
        value
    }

    /// Records an error directly.
    pub fn fail(&mut self, field: &str, message: impl fmt::Display) {
        self.0.push(FieldError {
            field: field.to_owned(),
            code: "invalid".to_owned(),
            message: message.to_string(),
        });
    }

    /// The 422 answer for what was collected (call when a value is missing).
    #[must_use]
    pub fn problem(self) -> Problem {
        if self.0.is_empty() {
            Problem::field("body", "invalid", "the request is not valid")
        } else {
            Problem::validation(self.0)
        }
    }
}

/// An account as the API shows it.
#[derive(Serialize, ToSchema)]
pub struct AccountDto {
    /// Its id.
    pub id: String,
    /// `employee` or `customer`.
    pub kind: &'static str,
    /// Its email.
    pub email: String,
    /// The display name.
    pub name: String,
    /// `invited`, `active` or `deactivated`.
    pub status: &'static str,
    /// Employees: their roles (`administrator`, `service_provider`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub roles: Option<Vec<&'static str>>,
    /// Employees: whether an owner.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<bool>,
    /// Employees: phone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Customers: first name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// Customers: last name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// Customers: contact details (the optional columns of C1).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub details: Option<serde_json::Value>,
    /// Customers: when archived.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub archived_at: Option<Timestamp>,
    /// When it was created.
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
}

impl From<&Account> for AccountDto {
    fn from(a: &Account) -> Self {
        let mut dto = Self {
            id: a.id.to_string(),
            kind: "employee",
            email: a.email.as_str().to_owned(),
            name: a.display_name(),
            status: a.status.as_str(),
            roles: None,
            owner: None,
            phone: None,
            first_name: None,
            last_name: None,
            details: None,
            archived_at: None,
            created_at: a.created_at,
        };
        match &a.profile {
            Profile::Employee(e) => {
                dto.roles = Some(e.roles.roles().roles().into_iter().map(role_name).collect());
                dto.owner = Some(e.roles.is_owner());
                dto.phone = e.phone.as_ref().map(|p| p.as_str().to_owned());
            }
            Profile::Customer(c) => {
                dto.kind = "customer";
                dto.first_name = Some(c.first_name.to_string());
                dto.last_name = Some(c.last_name.to_string());
                dto.details = serde_json::to_value(&c.details).ok();
                dto.archived_at = c.archived_at;
            }
        }
        dto
    }
}

/// A business and its settings.
#[derive(Serialize, ToSchema)]
pub struct BusinessDto {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its unique handle (used to sign in).
    pub slug: String,
    /// IANA time zone.
    pub time_zone: String,
    /// ISO 4217 currency.
    pub currency: String,
    /// Customers may cancel no later than this many minutes before the start (R10).
    pub cancellation_notice_minutes: u32,
    /// Whether customers may book for themselves (R10).
    pub online_booking: bool,
    /// Customers book at least this many minutes ahead (W3).
    pub min_notice_minutes: u32,
    /// When the business is open, in its own zone (W2).
    #[schema(value_type = Object)]
    pub operating_hours: serde_json::Value,
    /// Hours before a booking its customer is reminded by email, latest
    /// first (empty: no reminders).
    pub reminder_hours: Vec<u32>,
    /// Whether providers are emailed when a booking is assigned to them,
    /// moved or cancelled.
    pub provider_emails: bool,
    /// When it signed up.
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
}

impl From<&Business> for BusinessDto {
    fn from(b: &Business) -> Self {
        let BusinessSettings {
            cancellation_notice_minutes,
            online_booking,
            min_notice_minutes,
            operating_hours,
            notifications,
            ..
        } = &b.settings;
        Self {
            id: b.id.to_string(),
            name: b.name.to_string(),
            slug: b.slug.to_string(),
            time_zone: b.time_zone.name().to_owned(),
            currency: b.currency.as_str().to_owned(),
            cancellation_notice_minutes: *cancellation_notice_minutes,
            online_booking: *online_booking,
            min_notice_minutes: *min_notice_minutes,
            operating_hours: serde_json::to_value(operating_hours).unwrap_or_default(),
            reminder_hours: notifications.reminder_hours.hours().to_vec(),
            provider_emails: notifications.provider_emails,
            created_at: b.created_at,
        }
    }
}

/// R8 privacy settings (omitted keys take their defaults).
#[derive(Default, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct PrivacyDto {
    /// Show customers' last names as an initial.
    pub abbreviate_names: bool,
    /// Hide customers' addresses this many hours after their booking ends.
    pub hide_addresses_after_hours: Option<u32>,
}

/// Access rights of service providers who are not administrators (R8).
/// A `PUT` replaces the whole object: omitted keys take their defaults.
#[derive(Default, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct AccessRightsDto {
    /// `hidden`, `details` or `list`.
    #[schema(value_type = String, example = "details")]
    pub customers: CustomerVisibility,
    /// May create and edit customers (needs `customers` other than `hidden`).
    pub edit_customers: bool,
    /// Privacy.
    pub privacy: PrivacyDto,
    /// `view` or `edit`.
    #[schema(value_type = String, example = "view")]
    pub work_hours: WorkHoursAccess,
    /// `off`, `view` or `edit`.
    #[schema(value_type = String, example = "off")]
    pub time_tracking: TimeTrackingAccess,
    /// May record tips.
    pub tips: bool,
    /// May record payments.
    pub payments: bool,
}

impl From<&AccessRights> for AccessRightsDto {
    fn from(r: &AccessRights) -> Self {
        let i = r.get();
        Self {
            customers: i.customers,
            edit_customers: i.edit_customers,
            privacy: PrivacyDto {
                abbreviate_names: i.privacy.abbreviate_names,
                hide_addresses_after_hours: i.privacy.hide_addresses_after_hours,
            },
            work_hours: i.work_hours,
            time_tracking: i.time_tracking,
            tips: i.tips,
            payments: i.payments,
        }
    }
}

impl From<AccessRightsDto> for AccessRightsInput {
    fn from(d: AccessRightsDto) -> Self {
        Self {
            customers: d.customers,
            edit_customers: d.edit_customers,
            privacy: Privacy {
                abbreviate_names: d.privacy.abbreviate_names,
                hide_addresses_after_hours: d.privacy.hide_addresses_after_hours,
            },
            work_hours: d.work_hours,
            time_tracking: d.time_tracking,
            tips: d.tips,
            payments: d.payments,
        }
    }
}

/// Answers that carry only a message.
#[derive(Serialize, ToSchema)]
pub struct Message {
    /// What happened.
    pub message: &'static str,
}

/// The wire name of a role.
#[must_use]
pub fn role_name(role: Role) -> &'static str {
    match role {
        Role::Administrator => "administrator",
        Role::ServiceProvider => "service_provider",
    }
}
