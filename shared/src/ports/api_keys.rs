//! The API keys an agency's systems call the portal with.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreError;
use crate::domain::{ApiKeyHash, ApiKeyId, ApiKeyRecord, TenantId};

#[async_trait]
pub trait ApiKeyStore: Send + Sync {
    async fn create_api_key(&self, key: &ApiKeyRecord) -> Result<(), StoreError>;
    async fn find_api_key(&self, hash: &ApiKeyHash) -> Result<Option<ApiKeyRecord>, StoreError>;
    async fn list_api_keys(&self, tenant: TenantId) -> Result<Vec<ApiKeyRecord>, StoreError>;
    /// Marks the key revoked; [`StoreError::NotFound`] when the tenant has no such key.
    /// Revoking twice keeps the first time.
    async fn revoke_api_key(
        &self,
        tenant: TenantId,
        id: ApiKeyId,
        at: DateTime<Utc>,
    ) -> Result<ApiKeyRecord, StoreError>;
}
