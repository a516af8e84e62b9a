//! Counters for rate limits (failed logins, messages sent).

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreError;

#[async_trait]
pub trait RateLimitStore: Send + Sync {
    /// Events counted under `key` in the window that started at `window_start`.
    async fn count(&self, key: &str, window_start: DateTime<Utc>) -> Result<u32, StoreError>;
    /// Counts one more event, atomically: of concurrent calls each gets its own count, so
    /// the count decides (count first, then act). The count is forgotten after `forget_at`.
    async fn increment(
        &self,
        key: &str,
        window_start: DateTime<Utc>,
        forget_at: DateTime<Utc>,
    ) -> Result<u32, StoreError>;
    /// Takes back one event counted by `increment` (an attempt that was refused, or turned
    /// out not to be a failure); atomic, never below zero, nothing for an unknown count.
    async fn decrement(&self, key: &str, window_start: DateTime<Utc>) -> Result<u32, StoreError>;
}
