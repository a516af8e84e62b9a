//! Login sessions.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreError;
use crate::domain::{SessionRecord, TokenHash};

#[async_trait]
pub trait SessionStore: Send + Sync {
    async fn put_session(&self, session: &SessionRecord) -> Result<(), StoreError>;
    async fn get_session(&self, hash: &TokenHash) -> Result<Option<SessionRecord>, StoreError>;
    async fn touch_session(&self, hash: &TokenHash, at: DateTime<Utc>) -> Result<(), StoreError>;
    async fn delete_session(&self, hash: &TokenHash) -> Result<(), StoreError>;
}
