//! Counters of failed attempts per key and window (`RATE#{key}` / `{window start}`), with the
//! count in `count` and TTL forgetting them.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{ItemStore, ttl, unexpected};
use crate::{
    items::{Condition, Item, Key, PK, SK, TTL, Update},
    ports::{RateLimitStore, StoreError},
};

fn rate_key(key: &str, window_start: DateTime<Utc>) -> Key {
    Key::new(format!("RATE#{key}"), window_start.timestamp().to_string())
}

/// A counter as [`RateLimitStore::increment`] leaves it.
#[cfg_attr(not(feature = "embedded"), allow(dead_code))]
pub(crate) fn rate_item(
    key: &str,
    window_start: DateTime<Utc>,
    count: u32,
    forget_at: DateTime<Utc>,
) -> Item {
    let key = rate_key(key, window_start);
    let mut item = Item::new();
    item.insert(PK.into(), key.pk.into());
    item.insert(SK.into(), key.sk.into());
    item.insert("count".into(), count.into());
    item.insert(TTL.into(), ttl(forget_at).into());
    item
}

fn count_of(item: Option<&Item>) -> Option<u32> {
    item?.get("count")?.as_u64()?.try_into().ok()
}

#[async_trait]
impl RateLimitStore for ItemStore {
    #[tracing::instrument(skip(self))]
    async fn count(&self, key: &str, window_start: DateTime<Utc>) -> Result<u32, StoreError> {
        let item = self
            .table
            .get(&rate_key(key, window_start), true)
            .await
            .map_err(|e| unexpected(e, "Failed to read a rate counter"))?;
        Ok(count_of(item.as_ref()).unwrap_or(0))
    }

    #[tracing::instrument(skip(self))]
    async fn increment(
        &self,
        key: &str,
        window_start: DateTime<Utc>,
        forget_at: DateTime<Utc>,
    ) -> Result<u32, StoreError> {
        let update = Update::new(rate_key(key, window_start))
            .add("count", 1)
            .set_if_absent(TTL, ttl(forget_at));
        let counted = self
            .write(update.into(), "Failed to count a failed attempt")
            .await?
            .map_err(|_| anyhow::anyhow!("An unconditional count failed a condition"))?;
        Ok(count_of(counted.as_ref()).unwrap_or(1))
    }

    #[tracing::instrument(skip(self))]
    async fn decrement(&self, key: &str, window_start: DateTime<Utc>) -> Result<u32, StoreError> {
        let update = Update::new(rate_key(key, window_start))
            .add("count", -1)
            // Never below zero, and never an item without its ttl.
            .when(Condition::greater_than("count", 0));
        match self
            .write(update.into(), "Failed to take back a counted attempt")
            .await?
        {
            Ok(counted) => Ok(count_of(counted.as_ref()).unwrap_or(0)),
            Err(_) => Ok(0),
        }
    }
}
