//! Accounts (R1): every person Rota knows is one account of one business,
//! either an employee or a customer, never both.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::access::abbreviate_last_name;
use crate::email::EmailAddress;
use crate::id::{AccountId, BusinessId};
use crate::name::{NameError, PersonName};
use crate::role::EmployeeRoles;

/// Where an account stands (R11, A6).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountStatus {
    /// Invited; cannot sign in until its holder sets a password (A6).
    Invited,
    /// In use.
    Active,
    /// Cannot sign in; its sessions are ended; its history stays (R11).
    Deactivated,
}

impl AccountStatus {
    /// The wire name.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Invited => "invited",
            Self::Active => "active",
            Self::Deactivated => "deactivated",
        }
    }
}

/// Optional free text (a phone number, an address line, a note): trimmed,
/// at most 2000 characters, no control characters but newlines and tabs in
/// notes. Empty input means "none".
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Text(String);

impl Text {
    /// The longest text allowed, in characters.
    pub const MAX: usize = 2000;

    /// Trims and checks; `Ok(None)` for empty input.
    pub fn parse(input: &str) -> Result<Option<Self>, NameError> {
        let t = input.trim();
        if t.is_empty() {
            return Ok(None);
        }
        if t.chars().count() > Self::MAX {
            return Err(NameError::TooLong { max: Self::MAX });
        }
        if t.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
            return Err(NameError::ControlCharacter);
        }
        Ok(Some(Self(t.to_owned())))
    }

    /// The text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Text {
    type Error = NameError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Text::parse(&value)?.ok_or(NameError::Empty)
    }
}

impl From<Text> for String {
    fn from(value: Text) -> Self {
        value.0
    }
}

/// What an employee is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmployeeProfile {
    /// Display name.
    pub name: PersonName,
    /// Phone number, free form.
    pub phone: Option<Text>,
    /// Roles and the owner flag (R2, R3).
    pub roles: EmployeeRoles,
}

/// A customer's contact details (the optional columns of C1).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[allow(missing_docs)]
pub struct CustomerDetails {
    pub customer_number: Option<Text>,
    pub phone: Option<Text>,
    pub mobile: Option<Text>,
    pub address1: Option<Text>,
    pub address2: Option<Text>,
    pub unit: Option<Text>,
    pub city: Option<Text>,
    pub region: Option<Text>,
    pub country: Option<Text>,
    pub postal_code: Option<Text>,
    pub notes: Option<Text>,
}

impl CustomerDetails {
    /// Whether any address field is filled (R8 privacy hides them together).
    #[must_use]
    pub fn has_address(&self) -> bool {
        [
            &self.address1,
            &self.address2,
            &self.unit,
            &self.city,
            &self.region,
            &self.country,
            &self.postal_code,
        ]
        .iter()
        .any(|f| f.is_some())
    }

    /// The same details with every address field cleared.
    #[must_use]
    pub fn without_address(&self) -> Self {
        Self {
            address1: None,
            address2: None,
            unit: None,
            city: None,
            region: None,
            country: None,
            postal_code: None,
            ..self.clone()
        }
    }
}

/// What a customer is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CustomerProfile {
    /// First name.
    pub first_name: PersonName,
    /// Last name.
    pub last_name: PersonName,
    /// Contact details.
    pub details: CustomerDetails,
    /// When archived (B7); an archived customer cannot be booked.
    pub archived_at: Option<Timestamp>,
}

impl CustomerProfile {
    /// "First Last".
    #[must_use]
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }

    /// "First L." (R8 `abbreviate_names`).
    #[must_use]
    pub fn abbreviated_name(&self) -> String {
        abbreviated_name(&self.first_name, &self.last_name)
    }
}

/// "First L." from a customer's two names (R8 `abbreviate_names`).
#[must_use]
pub fn abbreviated_name(first_name: &PersonName, last_name: &PersonName) -> String {
    format!("{first_name} {}", abbreviate_last_name(last_name.as_str()))
}

/// Employee or customer (R1: never both).
#[derive(Clone, Debug, PartialEq, Eq)]
#[allow(
    clippy::large_enum_variant,
    reason = "accounts are handled one or one page at a time; boxing would only add noise"
)]
pub enum Profile {
    /// Works for the business.
    Employee(EmployeeProfile),
    /// Served by the business.
    Customer(CustomerProfile),
}

/// An account of one business.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    /// Its id.
    pub id: AccountId,
    /// The business it belongs to (R12).
    pub business_id: BusinessId,
    /// Unique within the business, case-insensitively (R1).
    pub email: EmailAddress,
    /// Invited, active or deactivated.
    pub status: AccountStatus,
    /// Employee or customer.
    pub profile: Profile,
    /// When it was created.
    pub created_at: Timestamp,
    /// When its holder first set a password (`None` while only invited,
    /// or for a customer without portal access).
    pub activated_at: Option<Timestamp>,
}

impl Account {
    /// The employee side, if an employee.
    #[must_use]
    pub fn employee(&self) -> Option<&EmployeeProfile> {
        match &self.profile {
            Profile::Employee(e) => Some(e),
            Profile::Customer(_) => None,
        }
    }

    /// The customer side, if a customer.
    #[must_use]
    pub fn customer(&self) -> Option<&CustomerProfile> {
        match &self.profile {
            Profile::Customer(c) => Some(c),
            Profile::Employee(_) => None,
        }
    }

    /// The name others see.
    #[must_use]
    pub fn display_name(&self) -> String {
        match &self.profile {
            Profile::Employee(e) => e.name.to_string(),
            Profile::Customer(c) => c.full_name(),
        }
    }

    /// Whether its holder may sign in (R11, A2, A6, A13): active, with a
    /// password set (an invited employee or a customer without portal access
    /// may not), and not an archived customer.
    #[must_use]
    pub fn may_sign_in(&self) -> bool {
        let archived = matches!(&self.profile, Profile::Customer(c) if c.archived_at.is_some());
        self.status == AccountStatus::Active && self.activated_at.is_some() && !archived
    }

    /// The status a reactivated account returns to: active if its holder
    /// ever set a password, invited otherwise.
    #[must_use]
    pub fn status_on_reactivation(&self) -> AccountStatus {
        if self.activated_at.is_some() {
            AccountStatus::Active
        } else {
            AccountStatus::Invited
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_optional_and_bounded() {
        assert_eq!(Text::parse("  ").unwrap(), None);
        assert_eq!(
            Text::parse(" 12 Main St ").unwrap().unwrap().as_str(),
            "12 Main St"
        );
        assert!(Text::parse("a\u{0}b").is_err());
        assert!(Text::parse("line one\nline two").unwrap().is_some());
    }

    #[test]
    fn a2_only_active_accounts_with_a_password_may_sign_in() {
        let mut a = Account {
            id: AccountId::from_uuid(uuid::Uuid::nil()),
            business_id: BusinessId::from_uuid(uuid::Uuid::nil()),
            email: EmailAddress::parse("a@x.example").unwrap(),
            status: AccountStatus::Invited,
            profile: Profile::Customer(CustomerProfile {
                first_name: PersonName::parse("Ana").unwrap(),
                last_name: PersonName::parse("Smith").unwrap(),
                details: CustomerDetails::default(),
                archived_at: None,
            }),
            created_at: Timestamp::UNIX_EPOCH,
            activated_at: None,
        };
        assert!(!a.may_sign_in(), "invited");
        a.status = AccountStatus::Active;
        assert!(!a.may_sign_in(), "a customer without portal access");
        a.activated_at = Some(Timestamp::UNIX_EPOCH);
        assert!(a.may_sign_in());
        a.status = AccountStatus::Deactivated;
        assert!(!a.may_sign_in(), "deactivated");
    }

    #[test]
    fn r8_customer_names_abbreviate_to_the_last_initial() {
        let c = CustomerProfile {
            first_name: PersonName::parse("Ana").unwrap(),
            last_name: PersonName::parse("Smith").unwrap(),
            details: CustomerDetails::default(),
            archived_at: None,
        };
        assert_eq!(c.full_name(), "Ana Smith");
        assert_eq!(c.abbreviated_name(), "Ana S.");
    }
}
