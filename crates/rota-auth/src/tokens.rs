//! Secret tokens (sessions, password resets, invitations) and their digests.

use std::fmt::Write as _;

use rota_app::ports::{TokenHash, Tokens};
use rota_app::secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};

/// 256 random bits from the OS, as 64 hex characters; stored only as their
/// SHA-256 digest. (A fast digest is enough: a 256-bit random token cannot
/// be guessed, unlike a password.)
#[derive(Clone, Copy, Debug, Default)]
pub struct RandomTokens;

fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

impl Tokens for RandomTokens {
    fn issue(&self) -> SecretString {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).expect("the operating system provides randomness");
        SecretString::from(hex(&bytes))
    }

    fn hash(&self, token: &SecretString) -> TokenHash {
        TokenHash::new(hex(&Sha256::digest(token.expose_secret().as_bytes())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a3_tokens_carry_256_bits_and_are_stored_as_digests() {
        let t = RandomTokens;
        let a = t.issue();
        let b = t.issue();
        assert_eq!(a.expose_secret().len(), 64);
        assert_ne!(a.expose_secret(), b.expose_secret());
        let digest = t.hash(&a);
        assert_eq!(digest.as_str().len(), 64);
        assert_ne!(digest.as_str(), a.expose_secret());
        assert_eq!(t.hash(&a), digest, "a token always hashes the same");
        assert!(
            !format!("{a:?}").contains(a.expose_secret()),
            "Debug hides the token"
        );
        assert!(!format!("{digest:?}").contains(digest.as_str()));
    }
}
