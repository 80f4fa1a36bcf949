//! argon2id password hashing (A1), bounded (A2).

use std::sync::Arc;

use argon2::{Algorithm, Argon2, Params, PasswordHasher as _, PasswordVerifier as _, Version};
use async_trait::async_trait;
use rota_app::ports::{HashError, PasswordHash, PasswordHasher};
use rota_app::secrecy::{ExposeSecret, SecretString};
use tokio::sync::Semaphore;

/// OWASP's minimum for argon2id: 19 MiB, 2 passes, 1 lane.
const MEMORY_KIB: u32 = 19_456;
const PASSES: u32 = 2;
const LANES: u32 = 1;

/// argon2id hashing. Each hash takes ~25 ms of CPU and 19 MiB of memory, so
/// at most `max_concurrent` run at once (each on a blocking thread); further
/// requests wait their turn instead of exhausting memory or starving the
/// async threads.
#[derive(Clone)]
pub struct Argon2Hasher {
    params: Params,
    permits: Arc<Semaphore>,
    dummy: PasswordHash,
}

impl Argon2Hasher {
    /// The hasher, `max_concurrent` hashes at a time (at least one).
    ///
    /// # Panics
    /// Never: the parameters are constants argon2 accepts.
    #[must_use]
    pub fn new(max_concurrent: usize) -> Self {
        let params = Params::new(MEMORY_KIB, PASSES, LANES, None).expect("valid argon2 parameters");
        let dummy = hash_blocking(&params, b"a password no account has, only compared against")
            .expect("argon2 hashes a constant");
        Self {
            params,
            permits: Arc::new(Semaphore::new(max_concurrent.max(1))),
            dummy,
        }
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(Params) -> T + Send + 'static,
    ) -> Result<T, HashError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|e| HashError(e.to_string()))?;
        let params = self.params.clone();
        tokio::task::spawn_blocking(move || work(params))
            .await
            .map_err(|e| HashError(e.to_string()))
    }
}

fn argon2(params: Params) -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

fn hash_blocking(params: &Params, password: &[u8]) -> Result<PasswordHash, HashError> {
    argon2(params.clone())
        .hash_password(password)
        .map(|h| PasswordHash::new(h.to_string()))
        .map_err(|e| HashError(e.to_string()))
}

#[async_trait]
impl PasswordHasher for Argon2Hasher {
    async fn hash(&self, password: &SecretString) -> Result<PasswordHash, HashError> {
        let password = password.expose_secret().as_bytes().to_vec();
        self.run(move |params| hash_blocking(&params, &password))
            .await?
    }

    async fn verify(
        &self,
        password: &SecretString,
        hash: &PasswordHash,
    ) -> Result<bool, HashError> {
        let password = password.expose_secret().as_bytes().to_vec();
        let hash = hash.as_str().to_owned();
        self.run(
            move |params| match argon2(params).verify_password(&password, hash.as_str()) {
                Ok(()) => Ok(true),
                Err(argon2::password_hash::Error::PasswordInvalid) => Ok(false),
                Err(e) => Err(HashError(e.to_string())),
            },
        )
        .await?
    }

    fn needs_rehash(&self, hash: &PasswordHash) -> bool {
        let Ok(parsed) = argon2::password_hash::phc::PasswordHash::new(hash.as_str()) else {
            return true;
        };
        let Ok(stored) = Params::try_from(&parsed) else {
            return true;
        };
        parsed.algorithm.as_str() != "argon2id"
            || stored.m_cost() < MEMORY_KIB
            || stored.t_cost() < PASSES
            || stored.p_cost() < LANES
    }

    fn dummy_hash(&self) -> PasswordHash {
        self.dummy.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a1_hashes_are_argon2id_with_owasp_parameters() {
        let hasher = Argon2Hasher::new(2);
        let password = SecretString::from("correct horse battery staple");
        let hash = hasher.hash(&password).await.unwrap();
        assert!(
            hash.as_str().starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{}",
            hash.as_str()
        );
        assert!(hasher.verify(&password, &hash).await.unwrap());
        assert!(
            !hasher
                .verify(&SecretString::from("wrong horse battery staple"), &hash)
                .await
                .unwrap()
        );
        assert!(!hasher.needs_rehash(&hash));
        assert!(!hash.as_str().contains("correct horse"));
    }

    #[test]
    fn a1_weaker_hashes_are_rehashed() {
        let hasher = Argon2Hasher::new(1);
        let weak = argon2(Params::new(4096, 1, 1, None).unwrap())
            .hash_password(b"pw")
            .unwrap()
            .to_string();
        assert!(hasher.needs_rehash(&PasswordHash::new(weak)));
        assert!(hasher.needs_rehash(&PasswordHash::new("not a hash".into())));
    }

    #[tokio::test]
    async fn a2_the_dummy_hash_matches_no_ordinary_password() {
        let hasher = Argon2Hasher::new(1);
        assert!(
            !hasher
                .verify(
                    &SecretString::from("correct horse battery staple"),
                    &hasher.dummy_hash()
                )
                .await
                .unwrap()
        );
    }
}
