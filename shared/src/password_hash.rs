//! Argon2id password hashes (PHC strings), computed off the async runtime.

use std::sync::LazyLock;

use anyhow::Context;
use argon2::{
    Algorithm, Argon2, Params, PasswordHash, PasswordHasher, PasswordVerifier, Version,
    password_hash::{SaltString, rand_core::OsRng},
};

use crate::domain::password::Password;

/// OWASP's recommendation for Argon2id: 19 MiB, 2 passes, 1 lane.
pub const MEMORY_KIB: u32 = 19 * 1024;
pub const ITERATIONS: u32 = 2;
pub const PARALLELISM: u32 = 1;

fn argon2() -> Argon2<'static> {
    let params = Params::new(MEMORY_KIB, ITERATIONS, PARALLELISM, None)
        .expect("OWASP's parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Verified against for unknown accounts, so "no such user" takes as long as "wrong password".
static DUMMY: LazyLock<String> = LazyLock::new(|| {
    let salt = SaltString::generate(&mut OsRng);
    argon2()
        .hash_password(b"no account has this password", &salt)
        .expect("hashing a constant works")
        .to_string()
});

/// A PHC string such as `$argon2id$v=19$m=19456,t=2,p=1$…`.
pub async fn hash(password: &Password) -> anyhow::Result<String> {
    let password = password.expose().to_owned();
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        argon2()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| anyhow::anyhow!("Failed to hash the password: {e}"))
    })
    .await
    .context("The hashing task failed")?
}

/// The result of checking a password against a stored hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verified {
    Match {
        /// The hash was made with weaker parameters: store a new one now.
        needs_rehash: bool,
    },
    NoMatch,
}

/// Stored in place of a hash when a password must no longer open the account (its login
/// email moved to another address): nothing matches it, and it costs as much time as a hash.
pub const VOIDED: &str = "voided";

/// Checks `password` against `stored`, or against a dummy hash when there is no account (or
/// its password was voided), so every case takes the same time. Only a real hash can match.
pub async fn verify(password: &Password, stored: Option<&str>) -> anyhow::Result<Verified> {
    let password = password.expose().to_owned();
    let stored = stored.filter(|s| *s != VOIDED).map(str::to_owned);
    let known = stored.is_some();
    tokio::task::spawn_blocking(move || {
        // The first check for no account makes the dummy: a whole hash, so here, not on the
        // runtime's thread (a function's only one).
        let stored = stored.unwrap_or_else(|| DUMMY.clone());
        let Ok(parsed) = PasswordHash::new(&stored) else {
            tracing::error!("a stored password hash is not a PHC string");
            return Verified::NoMatch;
        };
        let matches = argon2()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
        if !(matches && known) {
            return Verified::NoMatch;
        }
        Verified::Match {
            needs_rehash: weaker_than_policy(&parsed),
        }
    })
    .await
    .context("The verifying task failed")
}

fn weaker_than_policy(hash: &PasswordHash<'_>) -> bool {
    let Ok(params) = Params::try_from(hash) else {
        return true;
    };
    hash.algorithm.as_str() != "argon2id"
        || params.m_cost() < MEMORY_KIB
        || params.t_cost() < ITERATIONS
        || hash.version != Some(Version::V0x13.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let password = Password::new("correct horse battery staple");
        let stored = hash(&password).await.unwrap();
        assert!(
            stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{stored}"
        );
        assert_eq!(
            verify(&password, Some(&stored)).await.unwrap(),
            Verified::Match {
                needs_rehash: false
            }
        );
        let wrong = Password::new("correct horse battery stapler");
        assert_eq!(
            verify(&wrong, Some(&stored)).await.unwrap(),
            Verified::NoMatch
        );
        assert_ne!(hash(&password).await.unwrap(), stored, "salted");
    }

    #[tokio::test]
    async fn unknown_accounts_and_broken_hashes_never_match() {
        let password = Password::new("no account has this password");
        assert_eq!(
            verify(&password, None).await.unwrap(),
            Verified::NoMatch,
            "not even the dummy's own password"
        );
        assert_eq!(
            verify(&password, Some("not a hash")).await.unwrap(),
            Verified::NoMatch
        );
    }

    #[tokio::test]
    async fn hashes_with_older_parameters_ask_to_be_upgraded() {
        let password = Password::new("correct horse battery staple");
        let weak = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(4096, 1, 1, None).unwrap(),
        )
        .hash_password(
            password.expose().as_bytes(),
            &SaltString::generate(&mut OsRng),
        )
        .unwrap()
        .to_string();
        assert_eq!(
            verify(&password, Some(&weak)).await.unwrap(),
            Verified::Match { needs_rehash: true }
        );
        let argon2i = Argon2::new(
            Algorithm::Argon2i,
            Version::V0x13,
            Params::new(MEMORY_KIB, 2, 1, None).unwrap(),
        )
        .hash_password(
            password.expose().as_bytes(),
            &SaltString::generate(&mut OsRng),
        )
        .unwrap()
        .to_string();
        assert_eq!(
            verify(&password, Some(&argon2i)).await.unwrap(),
            Verified::Match { needs_rehash: true }
        );
    }
}
