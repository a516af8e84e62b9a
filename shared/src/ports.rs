//! The narrow traits handlers depend on. Adapters: [`crate::aws`] and [`crate::embedded`].

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use thiserror::Error;

use crate::domain::{ApiKeyHash, ApiKeyId, ApiKeyRecord, Customer, CustomerId, Tenant, TenantId};

#[derive(Debug, Error)]
pub enum StoreError {
    /// The login email is already claimed by another customer (in any tenant).
    #[error("the login email is already in use")]
    LoginEmailTaken,
    /// The record changed (or vanished) since it was read: the conditional write lost.
    #[error("the record was changed by someone else")]
    VersionConflict,
    #[error("the record already exists")]
    AlreadyExists,
    #[error("no such record")]
    NotFound,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

/// One page of a listing; `next` is where the following page starts, if there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T, C> {
    pub items: Vec<T>,
    pub next: Option<C>,
}

#[async_trait]
pub trait TenantStore: Send + Sync {
    /// Fails with [`StoreError::AlreadyExists`] when the id is taken.
    async fn create_tenant(&self, tenant: &Tenant) -> Result<(), StoreError>;
    async fn get_tenant(&self, id: TenantId) -> Result<Option<Tenant>, StoreError>;
    async fn list_tenants(&self) -> Result<Vec<Tenant>, StoreError>;
}

#[async_trait]
pub trait ApiKeyStore: Send + Sync {
    async fn create_api_key(&self, key: &ApiKeyRecord) -> Result<(), StoreError>;
    async fn find_api_key(&self, hash: &ApiKeyHash) -> Result<Option<ApiKeyRecord>, StoreError>;
    async fn list_api_keys(&self, tenant: TenantId) -> Result<Vec<ApiKeyRecord>, StoreError>;
    /// Marks the key revoked; [`StoreError::NotFound`] when the tenant has no such key.
    /// Revoking twice keeps the first time.
    async fn revoke_api_key(
        &self,
        tenant: TenantId,
        id: ApiKeyId,
        at: DateTime<Utc>,
    ) -> Result<ApiKeyRecord, StoreError>;
}

#[async_trait]
pub trait CustomerStore: Send + Sync {
    /// Stores a new customer and claims its login email in one atomic step.
    async fn create_customer(&self, customer: &Customer) -> Result<(), StoreError>;
    async fn get_customer(
        &self,
        tenant: TenantId,
        id: CustomerId,
    ) -> Result<Option<Customer>, StoreError>;
    /// Customers in creation order, `limit` at most, starting after `after`.
    async fn list_customers(
        &self,
        tenant: TenantId,
        after: Option<CustomerId>,
        limit: usize,
    ) -> Result<Page<Customer, CustomerId>, StoreError>;
    /// Replaces `current` by `next` if the stored version is still `current.version`;
    /// moves the login email claim in the same atomic step when it changed.
    async fn update_customer(&self, current: &Customer, next: &Customer) -> Result<(), StoreError>;
    /// Deletes `current` if unchanged, releasing its login email in the same atomic step.
    async fn delete_customer(&self, current: &Customer) -> Result<(), StoreError>;
}

/// Everything the portal stores, in one adapter.
pub trait Store: TenantStore + ApiKeyStore + CustomerStore {}
impl<T: TenantStore + ApiKeyStore + CustomerStore> Store for T {}

/// Time comes through a port so expiry can be tested without sleeping.
pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}
