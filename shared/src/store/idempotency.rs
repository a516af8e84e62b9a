//! Requests made with an `Idempotency-Key` (`IDEMPOTENCY#{t}#{key}` / `IDEMPOTENCY`): the claim
//! on the key while the request runs, then the answer its retries get.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{ItemStore, ttl, unexpected};
use crate::{
    domain::TenantId,
    items::{self, Condition, Item, Key, Keys, TTL, Update, Write},
    ports::{IdempotencyStart, IdempotencyStore, StoreError, StoredResponse},
};

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct IdempotencyItem {
    fingerprint: String,
    expires_at: DateTime<Utc>,
    response: Option<StoredResponse>,
}

fn idempotency_key(t: TenantId, key: &str) -> Key {
    Key::new(format!("IDEMPOTENCY#{t}#{key}"), "IDEMPOTENCY")
}

pub(crate) fn idempotency_item(
    tenant: TenantId,
    key: &str,
    fingerprint: &str,
    expires_at: DateTime<Utc>,
    response: Option<&StoredResponse>,
) -> anyhow::Result<Item> {
    let record = IdempotencyItem {
        fingerprint: fingerprint.to_owned(),
        expires_at,
        response: response.cloned(),
    };
    let key = idempotency_key(tenant, key);
    items::item(&record, &Keys::new(key.pk, key.sk).ttl(ttl(expires_at)))
}

#[async_trait]
impl IdempotencyStore for ItemStore {
    #[tracing::instrument(skip(self, fingerprint))]
    async fn begin_request(
        &self,
        tenant: TenantId,
        key: &str,
        fingerprint: &str,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<IdempotencyStart, StoreError> {
        let item_key = idempotency_key(tenant, key);
        let claim = idempotency_item(tenant, key, fingerprint, expires_at, None)?;
        // An expired record that TTL has not removed yet counts as absent.
        let put =
            Write::put(claim).when(Condition::NotExists.or(Condition::less_than(TTL, ttl(now))));
        if self
            .write(put, "Failed to claim the idempotency key")
            .await?
            .is_ok()
        {
            return Ok(IdempotencyStart::Fresh);
        }
        let existing: Option<IdempotencyItem> = self
            .get_record(item_key, true, "Failed to read the idempotency record")
            .await?;
        let Some(existing) = existing else {
            // Removed between the two calls: the caller may simply retry.
            return Ok(IdempotencyStart::InProgress);
        };
        Ok(if existing.fingerprint != fingerprint {
            IdempotencyStart::Mismatch
        } else {
            match existing.response {
                Some(response) => IdempotencyStart::Replay(response),
                None => IdempotencyStart::InProgress,
            }
        })
    }

    #[tracing::instrument(skip(self, response))]
    async fn finish_request(
        &self,
        tenant: TenantId,
        key: &str,
        response: &StoredResponse,
    ) -> Result<(), StoreError> {
        let response = serde_json::to_value(response)
            .map_err(|e| anyhow::anyhow!(e).context("Failed to convert the response"))?;
        let update = Update::new(idempotency_key(tenant, key))
            .set("response", response)
            .when(Condition::Exists);
        self.write(update.into(), "Failed to store the idempotent response")
            .await?
            .map_err(|_| StoreError::NotFound)?;
        Ok(())
    }

    #[tracing::instrument(skip(self))]
    async fn abandon_request(&self, tenant: TenantId, key: &str) -> Result<(), StoreError> {
        self.table
            .write(Write::delete(idempotency_key(tenant, key)))
            .await
            .map_err(|e| unexpected(e, "Failed to release the idempotency key"))?;
        Ok(())
    }
}
