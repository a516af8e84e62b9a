//! Sessions (`SESSION#{sha256}` / `SESSION`), kept until TTL removes them after expiry; the
//! code checks expiry itself.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{ItemStore, timestamp, ttl, unexpected};
use crate::{
    domain::{SessionRecord, TokenHash},
    items::{self, Condition, Item, Key, Keys, Update, Write},
    ports::{SessionStore, StoreError},
};

fn session_key(hash: &TokenHash) -> Key {
    Key::new(format!("SESSION#{}", hash.as_str()), "SESSION")
}

pub(crate) fn session_item(session: &SessionRecord) -> anyhow::Result<Item> {
    let key = session_key(&session.hash);
    items::item(
        session,
        &Keys::new(key.pk, key.sk).ttl(ttl(session.expires_at)),
    )
}

/// The write that stores a new session.
pub(super) fn session_new(session: &SessionRecord) -> anyhow::Result<Write> {
    Ok(Write::put(session_item(session)?).when(Condition::NotExists))
}

#[async_trait]
impl SessionStore for ItemStore {
    #[tracing::instrument(skip_all)]
    async fn put_session(&self, session: &SessionRecord) -> Result<(), StoreError> {
        self.write(session_new(session)?, "Failed to store the session")
            .await?
            .map_err(|_| StoreError::AlreadyExists)?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn get_session(&self, hash: &TokenHash) -> Result<Option<SessionRecord>, StoreError> {
        self.get_record(session_key(hash), true, "Failed to read the session")
            .await
    }

    #[tracing::instrument(skip_all)]
    async fn touch_session(&self, hash: &TokenHash, at: DateTime<Utc>) -> Result<(), StoreError> {
        let touch = Update::new(session_key(hash))
            .set("lastSeenAt", timestamp(at))
            .when(Condition::Exists);
        // A session deleted meanwhile (a logout) stays deleted.
        let _ = self
            .write(touch.into(), "Failed to touch the session")
            .await?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn delete_session(&self, hash: &TokenHash) -> Result<(), StoreError> {
        self.table
            .write(Write::delete(session_key(hash)))
            .await
            .map_err(|e| unexpected(e, "Failed to delete the session"))?;
        Ok(())
    }
}
