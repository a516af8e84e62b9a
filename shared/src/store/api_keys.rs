//! An agency's API keys: found by the hash of the secret (the table's key), listed and
//! revoked through the index (`gsi1pk = TENANT#{t}`, `gsi1sk = APIKEY#{id}`).

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{ItemStore, tenant_pk, timestamp, unexpected};
use crate::{
    domain::{ApiKeyHash, ApiKeyId, ApiKeyRecord, TenantId},
    items::{self, Condition, Item, Key, Keys, Query, SkCondition, Update, Write},
    ports::{ApiKeyStore, StoreError},
};

fn api_key_pk(hash: &ApiKeyHash) -> String {
    format!("APIKEY#{}", hash.as_str())
}

fn api_key_gsi1sk(id: ApiKeyId) -> String {
    format!("APIKEY#{id}")
}

pub(crate) fn api_key_item(key: &ApiKeyRecord) -> anyhow::Result<Item> {
    let keys = Keys::new(api_key_pk(&key.hash), "APIKEY")
        .gsi1(tenant_pk(key.tenant_id), api_key_gsi1sk(key.id));
    items::item(key, &keys)
}

#[async_trait]
impl ApiKeyStore for ItemStore {
    #[tracing::instrument(skip_all, fields(tenant = %key.tenant_id, key = %key.id))]
    async fn create_api_key(&self, key: &ApiKeyRecord) -> Result<(), StoreError> {
        let put = Write::put(api_key_item(key)?).when(Condition::NotExists);
        self.write(put, "Failed to store the API key")
            .await?
            .map_err(|_| StoreError::AlreadyExists)?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn find_api_key(&self, hash: &ApiKeyHash) -> Result<Option<ApiKeyRecord>, StoreError> {
        let key = Key::new(api_key_pk(hash), "APIKEY");
        self.get_record(key, false, "Failed to look up the API key")
            .await
    }

    #[tracing::instrument(skip(self))]
    async fn list_api_keys(&self, tenant: TenantId) -> Result<Vec<ApiKeyRecord>, StoreError> {
        let query = Query::gsi1(tenant_pk(tenant)).begins_with("APIKEY#");
        self.list_all(query, "Failed to list the API keys").await
    }

    #[tracing::instrument(skip(self))]
    async fn revoke_api_key(
        &self,
        tenant: TenantId,
        id: ApiKeyId,
        at: DateTime<Utc>,
    ) -> Result<ApiKeyRecord, StoreError> {
        let query = Query::gsi1(tenant_pk(tenant)).sk(SkCondition::Equals(api_key_gsi1sk(id)));
        let found = self
            .table
            .query(&query)
            .await
            .map_err(|e| unexpected(e, "Failed to find the API key"))?;
        let Some(pk) = found
            .items
            .first()
            .and_then(|i| i.get(items::PK))
            .and_then(|v| v.as_str())
        else {
            return Err(StoreError::NotFound);
        };
        // Revoking twice keeps the first time.
        let update = Update::new(Key::new(pk, "APIKEY"))
            .set_if_absent("revokedAt", timestamp(at))
            .when(Condition::Exists);
        let revoked = self
            .write(update.into(), "Failed to revoke the API key")
            .await?
            .map_err(|_| StoreError::NotFound)?;
        Ok(items::record(revoked.unwrap_or_default())?)
    }
}
