//! Agencies: created once, updated, found by their portal address.

use std::sync::Arc;

use portal::{
    domain::ValidityDays,
    ports::{StoreError, TenantStore},
};

use super::saved_tenant;
use crate::fixtures::tenant;

pub async fn tenants_round_trip_and_an_id_is_created_once(store: Arc<dyn TenantStore>) {
    let t = saved_tenant(store.as_ref(), "Agentur Nord").await;
    assert_eq!(store.get_tenant(t.id).await.unwrap(), Some(t.clone()));
    assert!(store.list_tenants().await.unwrap().contains(&t));
    let mut again = t.clone();
    again.name = "Someone else".into();
    assert!(matches!(
        store.create_tenant(&again).await,
        Err(StoreError::AlreadyExists)
    ));
    assert_eq!(
        store.get_tenant(t.id).await.unwrap().unwrap().name,
        "Agentur Nord"
    );
}

pub async fn a_tenant_update_replaces_its_settings(store: Arc<dyn TenantStore>) {
    let mut t = saved_tenant(store.as_ref(), "A").await;
    t.invitation_validity_days = ValidityDays::try_from(14).unwrap();
    t.branding = portal::domain::BrandingInput {
        logo_url: Some("https://cdn.a.example/logo.svg".into()),
        colour: Some("#0a0".into()),
    }
    .validate()
    .unwrap();
    store.update_tenant(&t).await.unwrap();
    assert_eq!(store.get_tenant(t.id).await.unwrap(), Some(t.clone()));
    let mut ghost = tenant("Ghost");
    ghost.name = "never stored".into();
    assert!(matches!(
        store.update_tenant(&ghost).await,
        Err(StoreError::NotFound)
    ));
}

pub async fn an_agency_is_found_by_its_portal_address_which_is_its_own(
    store: Arc<dyn TenantStore>,
) {
    let t = saved_tenant(store.as_ref(), "Webagentur Berg").await;
    let host = t.portal_base_url.host().to_owned();
    assert_eq!(
        store.find_tenant_by_host(&host).await.unwrap(),
        Some(t.clone())
    );
    assert_eq!(
        store
            .find_tenant_by_host(&host.to_uppercase())
            .await
            .unwrap(),
        Some(t.clone()),
        "hosts ignore case"
    );
    assert_eq!(
        store.find_tenant_by_host("nobody.example").await.unwrap(),
        None
    );
    let mut copycat = tenant("Copycat");
    copycat.portal_base_url = t.portal_base_url.clone();
    assert!(matches!(
        store.create_tenant(&copycat).await,
        Err(StoreError::HostTaken)
    ));
    assert_eq!(
        store.get_tenant(copycat.id).await.unwrap(),
        None,
        "nothing half-written"
    );
}
