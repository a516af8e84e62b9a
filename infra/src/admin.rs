//! What `portal-admin` does, callable from tests against either backend.

use chrono::Utc;
use portal::{
    domain::{ApiKeyId, ApiKeyRecord, ApiKeySecret, FieldError, NewTenant, Tenant, TenantId, text},
    ports::{Store, StoreError},
};
use thiserror::Error;

#[derive(Debug, Error)]
pub enum AdminError {
    #[error("invalid input: {}", describe(.0))]
    Invalid(Vec<FieldError>),
    #[error("no tenant with id {0}")]
    UnknownTenant(TenantId),
    #[error("tenant {0} has no API key {1}")]
    UnknownKey(TenantId, ApiKeyId),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

fn describe(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(|e| format!("{} {}", e.field, e.message))
        .collect::<Vec<_>>()
        .join("; ")
}

pub async fn create_tenant(store: &dyn Store, input: &NewTenant) -> Result<Tenant, AdminError> {
    let tenant = input.validate(Utc::now()).map_err(AdminError::Invalid)?;
    match store.create_tenant(&tenant).await {
        Err(StoreError::HostTaken) => Err(AdminError::Invalid(vec![FieldError::new(
            "portalBaseUrl",
            "is already the portal address of another agency",
        )])),
        other => Ok(other.map(|()| tenant)?),
    }
}

/// Creates a key and returns its one plaintext copy with the stored record.
pub async fn create_api_key(
    store: &dyn Store,
    tenant: TenantId,
    label: &str,
) -> Result<(ApiKeyRecord, ApiKeySecret), AdminError> {
    let label = text::clean(label, 100, false)
        .map_err(|e| AdminError::Invalid(vec![FieldError::new("label", e.to_string())]))?;
    if store.get_tenant(tenant).await?.is_none() {
        return Err(AdminError::UnknownTenant(tenant));
    }
    let secret = ApiKeySecret::generate()?;
    let record = ApiKeyRecord {
        id: ApiKeyId::new(),
        tenant_id: tenant,
        label,
        hash: secret.hash(),
        prefix: secret.display_prefix(),
        created_at: Utc::now(),
        revoked_at: None,
    };
    store.create_api_key(&record).await?;
    Ok((record, secret))
}

pub async fn revoke_api_key(
    store: &dyn Store,
    tenant: TenantId,
    key: ApiKeyId,
) -> Result<ApiKeyRecord, AdminError> {
    match store.revoke_api_key(tenant, key, Utc::now()).await {
        Err(StoreError::NotFound) => Err(AdminError::UnknownKey(tenant, key)),
        other => Ok(other?),
    }
}
