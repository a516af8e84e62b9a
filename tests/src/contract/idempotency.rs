//! Idempotency keys: replayed, refused, expired, given up.

use std::sync::Arc;

use chrono::{Duration, Utc};
use portal::{
    domain::TenantId,
    ports::{IdempotencyStart, IdempotencyStore, StoredResponse, TenantStore},
};

use super::saved_tenant;

pub async fn idempotency_keys_replay_refuse_and_expire<S>(store: Arc<S>)
where
    S: TenantStore + IdempotencyStore + ?Sized,
{
    let t: TenantId = saved_tenant(store.as_ref(), "A").await.id;
    let now = Utc::now();
    let later = now + Duration::hours(24);
    let key = "retry-me";
    assert_eq!(
        store
            .begin_request(t, key, "fp-1", now, later)
            .await
            .unwrap(),
        IdempotencyStart::Fresh
    );
    assert_eq!(
        store
            .begin_request(t, key, "fp-1", now, later)
            .await
            .unwrap(),
        IdempotencyStart::InProgress
    );
    assert_eq!(
        store
            .begin_request(t, key, "fp-2", now, later)
            .await
            .unwrap(),
        IdempotencyStart::Mismatch
    );
    let response = StoredResponse {
        status: 201,
        body: "{\"id\":1}".into(),
        location: Some("/x/1".into()),
        etag: Some("\"1\"".into()),
    };
    store.finish_request(t, key, &response).await.unwrap();
    assert_eq!(
        store
            .begin_request(t, key, "fp-1", now, later)
            .await
            .unwrap(),
        IdempotencyStart::Replay(response)
    );
    let other = saved_tenant(store.as_ref(), "B").await.id;
    assert_eq!(
        store
            .begin_request(other, key, "fp-9", now, later)
            .await
            .unwrap(),
        IdempotencyStart::Fresh,
        "keys are per tenant"
    );
    assert_eq!(
        store
            .begin_request(
                t,
                key,
                "fp-3",
                later + Duration::seconds(1),
                later + Duration::hours(25)
            )
            .await
            .unwrap(),
        IdempotencyStart::Fresh,
        "an expired key starts over"
    );
    store.abandon_request(t, key).await.unwrap();
    assert_eq!(
        store
            .begin_request(t, key, "fp-4", now, later)
            .await
            .unwrap(),
        IdempotencyStart::Fresh
    );
}
