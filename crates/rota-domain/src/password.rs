//! The password policy (A1): 12 to 128 characters. The list of common
//! passwords is checked by the application with a list it ships.

/// Fewest characters a password may have.
pub const MIN_CHARS: usize = 12;
/// Most characters a password may have.
pub const MAX_CHARS: usize = 128;

/// Why a new password is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PasswordRejected {
    /// Fewer than 12 characters.
    #[error("a password needs at least {MIN_CHARS} characters")]
    TooShort,
    /// More than 128 characters.
    #[error("a password may have at most {MAX_CHARS} characters")]
    TooLong,
    /// One of the most common passwords.
    #[error("this password is among the most common ones; choose another")]
    TooCommon,
}

impl PasswordRejected {
    /// The stable error code.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Self::TooShort => "password_too_short",
            Self::TooLong => "password_too_long",
            Self::TooCommon => "password_too_common",
        }
    }
}

/// Checks a new password's length (A1), counted in characters.
pub fn check_length(password: &str) -> Result<(), PasswordRejected> {
    let n = password.chars().count();
    if n < MIN_CHARS {
        Err(PasswordRejected::TooShort)
    } else if n > MAX_CHARS {
        Err(PasswordRejected::TooLong)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a1_passwords_are_12_to_128_characters() {
        assert_eq!(check_length("elevenchars"), Err(PasswordRejected::TooShort));
        assert_eq!(check_length("twelve chars"), Ok(()));
        assert_eq!(check_length(&"é".repeat(128)), Ok(()));
        assert_eq!(
            check_length(&"a".repeat(129)),
            Err(PasswordRejected::TooLong)
        );
    }
}
