//! Email addresses (R1): stored as entered, matched by their normalized form.
//!
//! Decision: "as entered" keeps the letters' case but not surrounding white
//! space (a trailing space from a spreadsheet is never meaningful). The
//! normalized form is the trimmed address in lower case; two addresses with
//! the same normalized form are the same address within a business.
//!
//! Validation is deliberately modest (RFC 5321's lengths, one `@`, a dotted
//! domain, no white space or control characters): the only real proof that an
//! address works is the invitation email reaching it.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The longest address RFC 5321 allows on the wire.
pub const MAX_LEN: usize = 254;
const MAX_LOCAL_LEN: usize = 64;

/// A syntactically valid email address.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EmailAddress {
    entered: String,
    normalized: String,
}

/// Why a string is not an email address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    /// Nothing but white space was given.
    #[error("email address is empty")]
    Empty,
    /// Longer than 254 characters, or a local part over 64.
    #[error("email address is too long")]
    TooLong,
    /// Not of the form `local@domain.tld`.
    #[error("email address is not valid")]
    Invalid,
}

impl EmailAddress {
    /// Parses an address as a person typed it.
    pub fn parse(input: &str) -> Result<Self, EmailError> {
        let entered = input.trim();
        if entered.is_empty() {
            return Err(EmailError::Empty);
        }
        if entered.len() > MAX_LEN {
            return Err(EmailError::TooLong);
        }
        let (local, domain) = entered.rsplit_once('@').ok_or(EmailError::Invalid)?;
        if local.len() > MAX_LOCAL_LEN {
            return Err(EmailError::TooLong);
        }
        let bad_char = |c: char| c.is_whitespace() || c.is_control();
        let domain_ok = domain.contains('.')
            && !domain.starts_with(['.', '-'])
            && !domain.ends_with(['.', '-'])
            && !domain.contains("..")
            && domain
                .chars()
                .all(|c| c.is_alphanumeric() || c == '.' || c == '-');
        if local.is_empty() || local.contains('@') || local.chars().any(bad_char) || !domain_ok {
            return Err(EmailError::Invalid);
        }
        Ok(Self {
            entered: entered.to_owned(),
            normalized: normalize(entered),
        })
    }

    /// The address as it was entered (trimmed).
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.entered
    }

    /// The form addresses are compared by: trimmed, lower case.
    #[must_use]
    pub fn normalized(&self) -> &str {
        &self.normalized
    }
}

/// The normalized form of any string, for looking an address up (sign-in,
/// password reset) without first proving it is valid.
#[must_use]
pub fn normalize(input: &str) -> String {
    input.trim().to_lowercase()
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.entered)
    }
}

impl fmt::Debug for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EmailAddress({:?})", self.entered)
    }
}

impl TryFrom<String> for EmailAddress {
    type Error = EmailError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<EmailAddress> for String {
    fn from(value: EmailAddress) -> Self {
        value.entered
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn r1_email_is_kept_as_entered_and_matched_normalized() {
        let a = EmailAddress::parse("  Ana.Silva@Example.COM ").unwrap();
        let b = EmailAddress::parse("ana.silva@example.com").unwrap();
        assert_eq!(a.as_str(), "Ana.Silva@Example.COM");
        assert_eq!(a.normalized(), b.normalized());
        assert_eq!(normalize(" ANA.SILVA@example.com"), a.normalized());
    }

    #[test]
    fn r1_malformed_addresses_are_refused_with_a_reason() {
        assert_eq!(EmailAddress::parse("   "), Err(EmailError::Empty));
        for bad in [
            "ana",
            "ana@",
            "@example.com",
            "ana@example",
            "a b@example.com",
            "ana@exa..mple.com",
            "ana@-example.com",
        ] {
            assert_eq!(EmailAddress::parse(bad), Err(EmailError::Invalid), "{bad}");
        }
        let long_local = format!("{}@example.com", "a".repeat(65));
        assert_eq!(EmailAddress::parse(&long_local), Err(EmailError::TooLong));
    }

    #[test]
    fn r1_serde_parses_on_the_way_in() {
        let parsed: EmailAddress = serde_json::from_str("\"Bo@Example.com\"").unwrap();
        assert_eq!(parsed.normalized(), "bo@example.com");
        assert!(serde_json::from_str::<EmailAddress>("\"nope\"").is_err());
    }

    proptest! {
        #[test]
        fn r1_normalization_ignores_case_and_surrounding_space(
            local in "[A-Za-z0-9._%+-]{1,20}",
            domain in "[A-Za-z0-9]{1,10}\\.[A-Za-z]{2,6}",
            pad in " {0,3}",
        ) {
            let entered = format!("{pad}{local}@{domain}{pad}");
            let email = EmailAddress::parse(&entered).unwrap();
            let upper = EmailAddress::parse(&entered.to_uppercase()).unwrap();
            prop_assert_eq!(email.normalized(), upper.normalized());
            prop_assert_eq!(email.as_str(), entered.trim());
        }
    }
}
