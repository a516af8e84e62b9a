use chrono::{DateTime, Utc};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use super::{
    ApiKeyId, TenantId,
    secret::{random_token, sha256_hex},
};

/// Every key starts with this, so a bearer token tells at once whether it is a key.
pub const PREFIX: &str = "ptk_";

/// The plaintext of a staff API key. It exists only while being shown once to its creator
/// and while a request presents it; only its [`ApiKeyHash`] is stored.
pub struct ApiKeySecret(SecretString);

impl ApiKeySecret {
    /// 256 bits from the operating system's CSPRNG, URL-safe.
    pub fn generate() -> anyhow::Result<Self> {
        Ok(Self(SecretString::from(format!(
            "{PREFIX}{}",
            random_token()?
        ))))
    }

    pub fn from_presented(raw: &str) -> Self {
        Self(SecretString::from(raw.to_owned()))
    }

    pub fn hash(&self) -> ApiKeyHash {
        ApiKeyHash(sha256_hex(self.0.expose_secret()))
    }

    /// The first characters, safe to show in listings so staff can tell keys apart.
    pub fn display_prefix(&self) -> String {
        self.0
            .expose_secret()
            .chars()
            .take(PREFIX.len() + 6)
            .collect()
    }

    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

/// Hex SHA-256 of an API key.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ApiKeyHash(String);

impl ApiKeyHash {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiKeyRecord {
    pub id: ApiKeyId,
    pub tenant_id: TenantId,
    pub label: String,
    pub hash: ApiKeyHash,
    pub prefix: String,
    pub created_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<DateTime<Utc>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_keys_are_long_unique_and_hash_stably() {
        let a = ApiKeySecret::generate().unwrap();
        let b = ApiKeySecret::generate().unwrap();
        assert!(a.expose().starts_with("ptk_"));
        assert_eq!(a.expose().len(), 4 + 43);
        assert_ne!(a.expose(), b.expose());
        assert_eq!(a.hash(), ApiKeySecret::from_presented(a.expose()).hash());
        assert_ne!(a.hash(), b.hash());
        assert_eq!(a.hash().as_str().len(), 64);
    }

    #[test]
    fn the_sha256_is_the_standard_one() {
        let h = ApiKeySecret::from_presented("abc").hash();
        assert_eq!(
            h.as_str(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
