//! API keys: found by hash, listed per tenant, revoked once.

use std::sync::Arc;

use chrono::Utc;
use portal::{
    domain::{ApiKeyId, ApiKeyRecord, ApiKeySecret},
    ports::{ApiKeyStore, StoreError, TenantStore},
};

use super::saved_tenant;

pub async fn api_keys_are_found_by_hash_listed_per_tenant_and_revoked<S>(store: Arc<S>)
where
    S: TenantStore + ApiKeyStore + ?Sized,
{
    let a = saved_tenant(store.as_ref(), "A").await;
    let b = saved_tenant(store.as_ref(), "B").await;
    let secret = ApiKeySecret::generate().unwrap();
    let key = ApiKeyRecord {
        id: ApiKeyId::new(),
        tenant_id: a.id,
        label: "CRM sync".into(),
        hash: secret.hash(),
        prefix: secret.display_prefix(),
        created_at: Utc::now(),
        revoked_at: None,
    };
    store.create_api_key(&key).await.unwrap();
    assert_eq!(
        store.find_api_key(&secret.hash()).await.unwrap(),
        Some(key.clone())
    );
    let other = ApiKeySecret::generate().unwrap();
    assert_eq!(store.find_api_key(&other.hash()).await.unwrap(), None);
    assert_eq!(store.list_api_keys(a.id).await.unwrap(), vec![key.clone()]);
    assert!(store.list_api_keys(b.id).await.unwrap().is_empty());

    assert!(matches!(
        store.revoke_api_key(b.id, key.id, Utc::now()).await,
        Err(StoreError::NotFound)
    ));
    let first = Utc::now();
    let revoked = store.revoke_api_key(a.id, key.id, first).await.unwrap();
    assert_eq!(revoked.revoked_at, Some(first));
    let again = store
        .revoke_api_key(a.id, key.id, Utc::now())
        .await
        .unwrap();
    assert_eq!(
        again.revoked_at,
        Some(first),
        "the first revocation time is kept"
    );
    let found = store.find_api_key(&secret.hash()).await.unwrap().unwrap();
    assert_eq!(found.revoked_at, Some(first));
}
