//! Sealing notices for the outbox: XChaCha20-Poly1305 over the notice's
//! JSON, with a random 192-bit nonce per message, written as base64.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::STANDARD_NO_PAD;
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rota_app::domain::notice::Notice;
use rota_app::ports::{Vault, VaultError};
use rota_app::secrecy::{ExposeSecret, SecretString};

/// Bytes of a key.
pub const KEY_BYTES: usize = 32;
const NONCE_BYTES: usize = 24;
/// What every sealed payload starts with (the format's version).
const PREFIX: &str = "v1.";

/// The server's sealing key.
#[derive(Clone)]
pub struct SealKey([u8; KEY_BYTES]);

impl fmt::Debug for SealKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SealKey(..)")
    }
}

/// Sealing or opening failed.
#[derive(Debug, thiserror::Error)]
pub enum SealError {
    /// The key is not 64 hex digits.
    #[error("a sealing key is 64 hexadecimal digits (32 bytes)")]
    BadKey,
    /// The operating system gave no randomness.
    #[error("no randomness available")]
    NoRandomness,
    /// The payload was not sealed with this key, or was altered.
    #[error("the message cannot be opened with this key")]
    CannotOpen,
    /// The notice could not be (de)serialized.
    #[error("malformed notice: {0}")]
    Malformed(String),
}

impl SealKey {
    /// A fresh random key.
    pub fn generate() -> Result<Self, SealError> {
        let mut key = [0u8; KEY_BYTES];
        getrandom::fill(&mut key).map_err(|_| SealError::NoRandomness)?;
        Ok(Self(key))
    }

    /// Reads a key written as 64 hex digits (surrounding whitespace ignored).
    pub fn from_hex(hex: &str) -> Result<Self, SealError> {
        let hex = hex.trim();
        if hex.len() != KEY_BYTES * 2 || !hex.is_ascii() {
            return Err(SealError::BadKey);
        }
        let mut key = [0u8; KEY_BYTES];
        for (i, byte) in key.iter_mut().enumerate() {
            *byte =
                u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).map_err(|_| SealError::BadKey)?;
        }
        Ok(Self(key))
    }

    /// The key as 64 hex digits (to write a key file).
    #[must_use]
    pub fn to_hex(&self) -> String {
        use fmt::Write;
        self.0.iter().fold(String::with_capacity(64), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new_from_slice(&self.0).expect("a 32-byte key fits XChaCha20-Poly1305")
    }

    /// Seals a notice.
    pub fn seal(&self, notice: &Notice) -> Result<String, SealError> {
        let json = serde_json::to_vec(notice).map_err(|e| SealError::Malformed(e.to_string()))?;
        self.seal_bytes(&json)
    }

    /// Opens a sealed notice.
    pub fn open(&self, sealed: &str) -> Result<Notice, SealError> {
        let json = self.open_bytes(sealed)?;
        serde_json::from_slice(&json).map_err(|e| SealError::Malformed(e.to_string()))
    }

    fn seal_bytes(&self, plain: &[u8]) -> Result<String, SealError> {
        let mut nonce = [0u8; NONCE_BYTES];
        getrandom::fill(&mut nonce).map_err(|_| SealError::NoRandomness)?;
        let sealed = self
            .cipher()
            .encrypt(&XNonce::from(nonce), plain)
            .map_err(|_| SealError::CannotOpen)?;
        let mut bytes = nonce.to_vec();
        bytes.extend_from_slice(&sealed);
        Ok(format!("{PREFIX}{}", STANDARD_NO_PAD.encode(bytes)))
    }

    fn open_bytes(&self, sealed: &str) -> Result<Vec<u8>, SealError> {
        let body = sealed.strip_prefix(PREFIX).ok_or(SealError::CannotOpen)?;
        let bytes = STANDARD_NO_PAD
            .decode(body)
            .map_err(|_| SealError::CannotOpen)?;
        if bytes.len() < NONCE_BYTES {
            return Err(SealError::CannotOpen);
        }
        let (nonce, ciphertext) = bytes.split_at(NONCE_BYTES);
        let nonce: [u8; NONCE_BYTES] = nonce.try_into().map_err(|_| SealError::CannotOpen)?;
        self.cipher()
            .decrypt(&XNonce::from(nonce), ciphertext)
            .map_err(|_| SealError::CannotOpen)
    }
}

/// The server's key seals the secrets the store keeps besides notices (a
/// linked calendar's password, issue 19) the same way.
impl Vault for SealKey {
    fn seal_secret(&self, secret: &SecretString) -> Result<String, VaultError> {
        self.seal_bytes(secret.expose_secret().as_bytes())
            .map_err(|e| VaultError(e.to_string()))
    }

    fn open_secret(&self, sealed: &str) -> Result<SecretString, VaultError> {
        let bytes = self
            .open_bytes(sealed)
            .map_err(|e| VaultError(e.to_string()))?;
        String::from_utf8(bytes)
            .map(SecretString::from)
            .map_err(|_| VaultError(SealError::CannotOpen.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use rota_app::domain::business::Zone;
    use rota_app::domain::jiff::Timestamp;
    use rota_app::domain::notice::Secret;

    use super::*;

    fn notice() -> Notice {
        Notice::PasswordReset {
            business: "Sparkle".into(),
            name: "Ana".into(),
            token: Secret::new("tok-0123456789abcdef".into()),
            expires_at: Timestamp::UNIX_EPOCH,
            zone: Zone::utc(),
        }
    }

    #[test]
    fn a_sealed_secret_hides_itself_and_opens_only_with_its_key() {
        let key = SealKey::generate().unwrap();
        let secret = SecretString::from("app-password-123".to_owned());
        let sealed = key.seal_secret(&secret).unwrap();
        assert!(!sealed.contains("app-password"));
        assert_eq!(
            key.open_secret(&sealed).unwrap().expose_secret(),
            "app-password-123"
        );
        let other = SealKey::generate().unwrap();
        assert!(other.open_secret(&sealed).is_err());
    }

    #[test]
    fn a4_a_sealed_notice_hides_its_token_and_opens_only_with_its_key() {
        let key = SealKey::generate().unwrap();
        let sealed = key.seal(&notice()).unwrap();
        assert!(!sealed.contains("tok-0123456789abcdef"));
        assert!(!sealed.contains("Sparkle"));
        assert_eq!(key.open(&sealed).unwrap(), notice());
        assert_ne!(
            key.seal(&notice()).unwrap(),
            sealed,
            "a fresh nonce each time"
        );
        let other = SealKey::generate().unwrap();
        assert!(matches!(other.open(&sealed), Err(SealError::CannotOpen)));
        let mut tampered = sealed.clone();
        // Change the last character (pushing a fixed one changed nothing
        // whenever it already was that one: a test failing 1 time in 64).
        let last = tampered.pop();
        tampered.push(if last == Some('A') { 'B' } else { 'A' });
        assert!(key.open(&tampered).is_err());
    }

    #[test]
    fn keys_round_trip_through_hex_and_hide_in_debug() {
        let key = SealKey::generate().unwrap();
        let again = SealKey::from_hex(&key.to_hex()).unwrap();
        assert_eq!(again.0, key.0);
        assert_eq!(format!("{key:?}"), "SealKey(..)");
        assert!(SealKey::from_hex("abc").is_err());
        assert!(SealKey::from_hex(&"zz".repeat(32)).is_err());
    }
}
