//! argon2id password hashing (A1), bounded (A2).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, mpsc};

use argon2::password_hash::phc::{Output, ParamsString, PasswordHash as Phc, Salt};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use async_trait::async_trait;
use rota_app::ports::{HashError, PasswordHash, PasswordHasher};
use rota_app::secrecy::{ExposeSecret, SecretString};
use tokio::sync::oneshot;

/// OWASP's minimum for argon2id: 19 MiB, 2 passes, 1 lane.
const MEMORY_KIB: u32 = 19_456;
const PASSES: u32 = 2;
const LANES: u32 = 1;

/// The hash compared against when there is no account (A2: a sign-in
/// for an unknown email costs one verification too): `DUMMY_PASSWORD`
/// hashed with the parameters new hashes get, written out so that no
/// command pays a hash and 19 MiB for it at start (the CLI's import never
/// hashes at all).
const DUMMY: &str = "$argon2id$v=19$m=19456,t=2,p=1$t0ej11FHyDJberYc6XD/7Q$TfF1ZTwSbRE+hzrfb0RQwcQx+d2dLcaE2esFu5Fwwmw";

/// What [`DUMMY`] is a hash of.
#[cfg(test)]
const DUMMY_PASSWORD: &str = "a password no account has, only compared against";

/// A job for the hashing threads: it gets the thread's argon2 memory.
type Job = Box<dyn FnOnce(&mut Vec<Block>) + Send>;

/// Places in the hashing queue per hashing thread (A10): a request that
/// finds them all taken is answered `Busy` at once, so an honest sign-in
/// waits behind at most this many hashes per thread, whatever the flood.
pub const QUEUE_PER_THREAD: usize = 4;

/// argon2id hashing. Each hash takes tens of milliseconds of CPU and 19 MiB
/// of memory, so hashing runs on a fixed pool of `threads` dedicated
/// threads, never on the async threads. Further requests queue for a free
/// one in a queue of fixed length ([`QUEUE_PER_THREAD`] places per thread);
/// when it is full a request is refused with [`HashError::Busy`] instead of
/// waiting, and a queued job whose request went away is dropped unrun
/// (A2, A10).
///
/// Each thread allocates its 19 MiB of argon2 memory at its first hash and
/// reuses it for every later one, so memory stays at `threads × 19 MiB`
/// however many sign-ins arrive: allocating it per hash (as `argon2`'s
/// convenience methods do) fragments the C allocator's heap until a few
/// dozen sign-ins hold hundreds of MiB.
#[derive(Clone)]
pub struct Argon2Hasher {
    params: Params,
    jobs: mpsc::SyncSender<Job>,
    dummy: PasswordHash,
    /// Hashes and verifications run to the end (not those dropped unrun).
    runs: Arc<AtomicU64>,
}

impl Argon2Hasher {
    /// The hasher with `threads` hashing threads (at least one).
    ///
    /// # Panics
    /// If the operating system refuses to start a thread, or (never) if
    /// argon2 refused its constant parameters.
    #[must_use]
    pub fn new(threads: usize) -> Self {
        let params = Params::new(MEMORY_KIB, PASSES, LANES, None).expect("valid argon2 parameters");
        let threads = threads.max(1);
        let (tx, rx) = mpsc::sync_channel::<Job>(threads * QUEUE_PER_THREAD);
        let rx = Arc::new(Mutex::new(rx));
        for i in 0..threads {
            let rx = Arc::clone(&rx);
            std::thread::Builder::new()
                .name(format!("argon2-{i}"))
                .spawn(move || {
                    // Grown to the parameters' size by the first job.
                    let mut memory = Vec::new();
                    loop {
                        // The lock is held only to take the next job.
                        let job = match rx.lock() {
                            Ok(rx) => rx.recv(),
                            Err(_) => return,
                        };
                        match job {
                            Ok(job) => job(&mut memory),
                            Err(_) => return, // every hasher was dropped
                        }
                    }
                })
                .expect("a hashing thread starts");
        }
        Self {
            params,
            jobs: tx,
            dummy: PasswordHash::new(DUMMY.to_owned()),
            runs: Arc::default(),
        }
    }

    /// How many hashes and verifications have run to the end (a test counts
    /// the work a flood caused, A10).
    #[must_use]
    pub fn runs(&self) -> u64 {
        self.runs.load(Ordering::Relaxed)
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Params, &mut Vec<Block>) -> T + Send + 'static,
    ) -> Result<T, HashError> {
        let params = self.params.clone();
        let runs = Arc::clone(&self.runs);
        let (done, result) = oneshot::channel();
        let job: Job = Box::new(move |memory| {
            // The request went away while queued: nobody wants the answer.
            if done.is_closed() {
                return;
            }
            let answer = work(&params, memory);
            runs.fetch_add(1, Ordering::Relaxed);
            let _ = done.send(answer);
        });
        self.jobs.try_send(job).map_err(|e| match e {
            mpsc::TrySendError::Full(_) => HashError::Busy,
            mpsc::TrySendError::Disconnected(_) => {
                HashError::Failed("hashing threads stopped".into())
            }
        })?;
        result
            .await
            .map_err(|_| HashError::Failed("a hashing thread stopped".into()))
    }
}

fn argon2(params: Params) -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

fn failed(e: impl std::fmt::Display) -> HashError {
    HashError::Failed(e.to_string())
}

/// Makes sure `memory` holds enough blocks for `params`.
fn memory_for<'m>(params: &Params, memory: &'m mut Vec<Block>) -> &'m mut [Block] {
    let needed = params.block_count();
    if memory.len() < needed {
        memory.resize(needed, Block::new());
    }
    &mut memory[..needed]
}

/// A new PHC hash of `password` with a random 128-bit salt.
fn hash_with(
    params: &Params,
    password: &[u8],
    memory: &mut Vec<Block>,
) -> Result<PasswordHash, HashError> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(failed)?;
    let mut out = [0u8; 32];
    argon2(params.clone())
        .hash_password_into_with_memory(password, &salt, &mut out, memory_for(params, memory))
        .map_err(failed)?;
    let phc = Phc {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(params).map_err(failed)?,
        salt: Some(Salt::new(&salt).map_err(failed)?),
        hash: Some(Output::new(&out).map_err(failed)?),
    };
    Ok(PasswordHash::new(phc.to_string()))
}

/// Whether `password` matches the PHC `hash` (any argon2 variant and
/// parameters it names), compared in constant time.
fn verify_with(password: &[u8], hash: &str, memory: &mut Vec<Block>) -> Result<bool, HashError> {
    let parsed = Phc::new(hash).map_err(failed)?;
    let algorithm = Algorithm::try_from(parsed.algorithm.as_str()).map_err(failed)?;
    let version = match parsed.version {
        Some(v) => Version::try_from(v).map_err(failed)?,
        None => Version::V0x10,
    };
    let params = Params::try_from(&parsed).map_err(failed)?;
    let (Some(salt), Some(expected)) = (&parsed.salt, &parsed.hash) else {
        return Err(HashError::Failed(
            "the stored hash has no salt or output".into(),
        ));
    };
    let mut out = vec![0u8; expected.len()];
    Argon2::new(algorithm, version, params.clone())
        .hash_password_into_with_memory(
            password,
            salt.as_ref(),
            &mut out,
            memory_for(&params, memory),
        )
        .map_err(failed)?;
    Ok(Output::new(&out).map_err(failed)? == *expected)
}

#[async_trait]
impl PasswordHasher for Argon2Hasher {
    async fn hash(&self, password: &SecretString) -> Result<PasswordHash, HashError> {
        let password = password.expose_secret().as_bytes().to_vec();
        self.run(move |params, memory| hash_with(params, &password, memory))
            .await?
    }

    async fn verify(
        &self,
        password: &SecretString,
        hash: &PasswordHash,
    ) -> Result<bool, HashError> {
        let password = password.expose_secret().as_bytes().to_vec();
        let hash = hash.as_str().to_owned();
        self.run(move |_, memory| verify_with(&password, &hash, memory))
            .await?
    }

    fn needs_rehash(&self, hash: &PasswordHash) -> bool {
        let Ok(parsed) = Phc::new(hash.as_str()) else {
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
    use argon2::PasswordHasher as _;

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
        assert!(hasher.needs_rehash(&PasswordHash::new(weak.clone())));
        assert!(hasher.needs_rehash(&PasswordHash::new("not a hash".into())));
    }

    #[tokio::test]
    async fn a1_hashes_made_elsewhere_with_other_parameters_still_verify() {
        let hasher = Argon2Hasher::new(1);
        let weak = argon2(Params::new(4096, 1, 1, None).unwrap())
            .hash_password(b"an older passphrase")
            .unwrap()
            .to_string();
        let weak = PasswordHash::new(weak);
        assert!(
            hasher
                .verify(&SecretString::from("an older passphrase"), &weak)
                .await
                .unwrap()
        );
        assert!(
            !hasher
                .verify(&SecretString::from("an older passphrasE"), &weak)
                .await
                .unwrap()
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a10_a_full_queue_refuses_at_once_and_abandoned_work_is_dropped() {
        let hasher = Argon2Hasher::new(1);
        let password = SecretString::from("correct horse battery staple");
        let hash_later = |h: &Argon2Hasher| {
            let (h, p) = (h.clone(), password.clone());
            tokio::spawn(async move { h.hash(&p).await })
        };
        // One running and QUEUE_PER_THREAD waiting fill it; the rest are
        // refused at once.
        let flood: Vec<_> = (0..QUEUE_PER_THREAD + 6)
            .map(|_| hash_later(&hasher))
            .collect();
        let (mut done, mut busy) = (0, 0);
        for w in flood {
            match w.await.unwrap() {
                Ok(_) => done += 1,
                Err(HashError::Busy) => busy += 1,
                Err(e) => panic!("{e}"),
            }
        }
        assert_eq!(done + busy, QUEUE_PER_THREAD + 6);
        assert!(busy >= 5, "a full queue refuses ({done} done, {busy} busy)");
        assert_eq!(hasher.runs(), u64::try_from(done).unwrap());
        // A request that goes away while queued costs no hash: three ahead
        // of it, then it is dropped.
        let before = hasher.runs();
        let ahead: Vec<_> = (0..3).map(|_| hash_later(&hasher)).collect();
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        let abandoned = hash_later(&hasher);
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        abandoned.abort();
        for a in ahead {
            a.await.unwrap().unwrap();
        }
        // Give the thread the time to reach (and skip) the abandoned job.
        let _ = hasher.hash(&password).await.unwrap();
        assert_eq!(
            hasher.runs() - before,
            4,
            "three ahead and the last, not the abandoned one"
        );
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
        // It is a hash of its password with today's parameters, so that
        // comparing against it costs what comparing against an account's
        // hash costs.
        let dummy = hasher.dummy_hash();
        assert!(!hasher.needs_rehash(&dummy));
        let own = SecretString::from(DUMMY_PASSWORD);
        assert!(hasher.verify(&own, &dummy).await.unwrap());
    }
}
