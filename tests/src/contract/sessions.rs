//! Sessions: stored, touched, deleted.

use std::sync::Arc;

use chrono::Duration;
use portal::ports::Store;

use super::{invited, session_for};

pub async fn sessions_are_stored_touched_and_deleted(store: Arc<dyn Store>) {
    let (c, _, _) = invited(store.as_ref()).await;
    let session = session_for(&c, 1);
    store.put_session(&session).await.unwrap();
    assert_eq!(
        store.get_session(&session.hash).await.unwrap(),
        Some(session.clone())
    );
    let later = session.last_seen_at + Duration::minutes(30);
    store.touch_session(&session.hash, later).await.unwrap();
    assert_eq!(
        store
            .get_session(&session.hash)
            .await
            .unwrap()
            .unwrap()
            .last_seen_at,
        later
    );
    store.delete_session(&session.hash).await.unwrap();
    assert_eq!(store.get_session(&session.hash).await.unwrap(), None);
    store
        .touch_session(&session.hash, later)
        .await
        .expect("touching a gone session is harmless");
    assert_eq!(
        store.get_session(&session.hash).await.unwrap(),
        None,
        "and does not bring it back"
    );
}
