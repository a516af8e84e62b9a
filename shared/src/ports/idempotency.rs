//! Idempotency keys: a retried request gets the answer the first one got.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreError;
use crate::domain::TenantId;

/// The answer a request with an `Idempotency-Key` gave, replayed for its retries.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredResponse {
    pub status: u16,
    pub body: String,
    #[serde(default)]
    pub location: Option<String>,
    /// The `ETag` of a record the request created, so a retry can go on with `If-Match`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdempotencyStart {
    /// First time: go ahead, then [`IdempotencyStore::finish_request`].
    Fresh,
    /// Done before: answer with this.
    Replay(StoredResponse),
    /// Another request with this key is still running.
    InProgress,
    /// The key was used for a different request.
    Mismatch,
}

#[async_trait]
pub trait IdempotencyStore: Send + Sync {
    /// Claims `key` for a request whose content hashes to `fingerprint`, until `expires_at`.
    async fn begin_request(
        &self,
        tenant: TenantId,
        key: &str,
        fingerprint: &str,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<IdempotencyStart, StoreError>;
    async fn finish_request(
        &self,
        tenant: TenantId,
        key: &str,
        response: &StoredResponse,
    ) -> Result<(), StoreError>;
    /// Gives the key up after a failure that should not be replayed (an internal error).
    async fn abandon_request(&self, tenant: TenantId, key: &str) -> Result<(), StoreError>;
}
