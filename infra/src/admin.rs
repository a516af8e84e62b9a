//! What `portal-admin` does, callable from tests against either backend.

use chrono::Utc;
use portal::{
    AppState,
    domain::{
        Actor, ApiKeyId, ApiKeyRecord, ApiKeySecret, FieldError, NewStaff, NewTenant, Tenant,
        TenantId, text,
    },
    ports::{Mailer, Store, StoreError},
    staff::{self, StaffError},
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
    #[error("tenant {0} has no staff user {1}")]
    UnknownStaff(TenantId, portal::domain::StaffId),
    #[error("{0} has already set a password; they can reset it from the login page")]
    AlreadyActive(String),
    #[error("{0} is already the login email of another account (customer or staff)")]
    EmailTaken(String),
    #[error(
        "the staff user {0} was saved, but the invitation email was not sent ({1}); run `staff invite-again` when the problem is solved"
    )]
    NotDelivered(String, String),
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

/// Adds a staff user to an agency (the first one, typically) and emails their invitation.
/// Returns the staff user and the invitation link, which the operator may pass on by hand.
pub async fn invite_staff(
    store: std::sync::Arc<dyn Store>,
    mailer: &dyn Mailer,
    tenant: TenantId,
    input: &NewStaff,
) -> Result<staff::Invited, AdminError> {
    let valid = input.validate().map_err(AdminError::Invalid)?;
    let email = valid.email.to_string();
    let (app, tenant) = app_and_tenant(store, tenant).await?;
    staff::invite(
        app.staff.as_ref(),
        app.clock.as_ref(),
        mailer,
        &tenant,
        valid,
        Actor::System,
    )
    .await
    .map_err(|e| admin_staff_error(e, email))
}

/// Sends a staff user who has not set a password yet a new invitation link.
pub async fn reinvite_staff(
    store: std::sync::Arc<dyn Store>,
    mailer: &dyn Mailer,
    tenant: TenantId,
    id: portal::domain::StaffId,
) -> Result<staff::Invited, AdminError> {
    let (app, tenant) = app_and_tenant(store, tenant).await?;
    let member = app
        .staff
        .get_staff(tenant.id, id)
        .await?
        .ok_or(AdminError::UnknownStaff(tenant.id, id))?;
    staff::reinvite(
        app.staff.as_ref(),
        app.clock.as_ref(),
        mailer,
        &tenant,
        &member,
        Actor::System,
    )
    .await
    .map_err(|e| admin_staff_error(e, member.email.to_string()))
}

async fn app_and_tenant(
    store: std::sync::Arc<dyn Store>,
    id: TenantId,
) -> Result<(AppState, Tenant), AdminError> {
    let app = AppState::from_store(store);
    let tenant = app
        .tenants
        .get_tenant(id)
        .await?
        .ok_or(AdminError::UnknownTenant(id))?;
    Ok((app, tenant))
}

fn admin_staff_error(e: StaffError, email: String) -> AdminError {
    match e {
        StaffError::Invalid(errors) => AdminError::Invalid(errors),
        StaffError::EmailTaken => AdminError::EmailTaken(email.clone()),
        StaffError::AlreadyActive => AdminError::AlreadyActive(email),
        StaffError::Delivery { member, source } => {
            AdminError::NotDelivered(member.id.to_string(), source.to_string())
        }
        StaffError::Store(e) => AdminError::Store(e),
        other => AdminError::Unexpected(anyhow::Error::new(other)),
    }
}
