//! Access rights (R8): how far a service provider who is not an
//! administrator may see and act. One setting per business, applied to every
//! such provider at once; every field defaults to its narrowest value.

use serde::{Deserialize, Serialize};

/// What a provider sees of customers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CustomerVisibility {
    /// Only the customer's name, on the provider's own bookings.
    #[default]
    Hidden,
    /// Full details of the customers on the provider's own bookings.
    Details,
    /// The whole customer list (and any single customer).
    List,
}

/// What a provider may do with their own work hours and non-working hours.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WorkHoursAccess {
    /// Read only.
    #[default]
    View,
    /// Read and change.
    Edit,
}

/// Time tracking for providers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeTrackingAccess {
    /// Not available: even reading one's own entries is refused.
    #[default]
    Off,
    /// See one's own entries.
    View,
    /// Clock in and out, and see one's own entries.
    Edit,
}

/// Privacy protections applied wherever a provider sees a customer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Privacy {
    /// Show "first name + last initial" ("Ana S.").
    pub abbreviate_names: bool,
    /// Hide a customer's address this many hours after the booking ends
    /// (`Some(0)` = as soon as it ends; `None` = never).
    pub hide_addresses_after_hours: Option<u32>,
}

/// The business's access-rights setting, as a person sends it.
///
/// Every key is optional and takes its default when omitted (a `PUT`
/// replaces the whole object). Turn it into [`AccessRights`] with
/// [`AccessRights::new`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AccessRightsInput {
    /// See [`CustomerVisibility`].
    pub customers: CustomerVisibility,
    /// Create customers and edit the ones they can see.
    pub edit_customers: bool,
    /// See [`Privacy`].
    pub privacy: Privacy,
    /// See [`WorkHoursAccess`].
    pub work_hours: WorkHoursAccess,
    /// See [`TimeTrackingAccess`].
    pub time_tracking: TimeTrackingAccess,
    /// See and record tips on own bookings.
    pub tips: bool,
    /// Record or request payment on own bookings.
    pub payments: bool,
}

/// Valid access rights: `edit_customers` never stands with `customers = hidden`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "AccessRightsInput", into = "AccessRightsInput")]
pub struct AccessRights(AccessRightsInput);

/// R8: editing customers needs seeing them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("edit_customers needs customers to be `details` or `list`")]
pub struct EditNeedsVisibleCustomers;

impl AccessRights {
    /// Checks an input.
    pub fn new(input: AccessRightsInput) -> Result<Self, EditNeedsVisibleCustomers> {
        if input.edit_customers && input.customers == CustomerVisibility::Hidden {
            Err(EditNeedsVisibleCustomers)
        } else {
            Ok(Self(input))
        }
    }

    /// The narrowest rights (the default of every new business).
    #[must_use]
    pub fn narrowest() -> Self {
        Self::default()
    }

    /// The settings.
    #[must_use]
    pub const fn get(&self) -> &AccessRightsInput {
        &self.0
    }
}

impl TryFrom<AccessRightsInput> for AccessRights {
    type Error = EditNeedsVisibleCustomers;

    fn try_from(value: AccessRightsInput) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

impl From<AccessRights> for AccessRightsInput {
    fn from(value: AccessRights) -> Self {
        value.0
    }
}

/// R8 privacy: "Smith" becomes "S.". Empty names stay empty.
#[must_use]
pub fn abbreviate_last_name(last_name: &str) -> String {
    last_name
        .trim()
        .chars()
        .next()
        .map(|c| format!("{c}."))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r8_defaults_are_the_narrowest() {
        let rights: AccessRights = serde_json::from_str("{}").unwrap();
        let r = rights.get();
        assert_eq!(r.customers, CustomerVisibility::Hidden);
        assert!(!r.edit_customers && !r.tips && !r.payments);
        assert_eq!(r.work_hours, WorkHoursAccess::View);
        assert_eq!(r.time_tracking, TimeTrackingAccess::Off);
        assert_eq!(r.privacy, Privacy::default());
        assert_eq!(rights, AccessRights::narrowest());
    }

    #[test]
    fn r8_edit_customers_needs_visible_customers() {
        let input = AccessRightsInput {
            edit_customers: true,
            ..AccessRightsInput::default()
        };
        assert_eq!(AccessRights::new(input), Err(EditNeedsVisibleCustomers));
        let ok = AccessRightsInput {
            customers: CustomerVisibility::Details,
            ..input
        };
        assert!(AccessRights::new(ok).is_ok());
    }

    #[test]
    fn r8_put_replaces_the_whole_object_and_refuses_unknown_keys() {
        let rights: AccessRights =
            serde_json::from_str(r#"{"tips": true, "privacy": {"abbreviate_names": true}}"#)
                .unwrap();
        assert!(rights.get().tips && rights.get().privacy.abbreviate_names);
        assert_eq!(rights.get().privacy.hide_addresses_after_hours, None);
        assert!(serde_json::from_str::<AccessRights>(r#"{"tipz": true}"#).is_err());
    }

    #[test]
    fn r8_abbreviation_keeps_the_initial() {
        assert_eq!(abbreviate_last_name("Smith"), "S.");
        assert_eq!(abbreviate_last_name(" Ødegård"), "Ø.");
        assert_eq!(abbreviate_last_name(""), "");
    }
}
