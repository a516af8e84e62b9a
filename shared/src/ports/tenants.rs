//! Agencies (tenants) and the portal address each one claims.

use async_trait::async_trait;

use super::StoreError;
use crate::domain::{Tenant, TenantId};

#[async_trait]
pub trait TenantStore: Send + Sync {
    /// Fails with [`StoreError::AlreadyExists`] when the id is taken, and with
    /// [`StoreError::HostTaken`] when another agency's portal already has its address.
    async fn create_tenant(&self, tenant: &Tenant) -> Result<(), StoreError>;
    /// Replaces the tenant's settings; [`StoreError::NotFound`] when it does not exist.
    async fn update_tenant(&self, tenant: &Tenant) -> Result<(), StoreError>;
    async fn get_tenant(&self, id: TenantId) -> Result<Option<Tenant>, StoreError>;
    /// The agency whose portal is served at `host` (`host[:port]` of its portal URL).
    async fn find_tenant_by_host(&self, host: &str) -> Result<Option<Tenant>, StoreError>;
    async fn list_tenants(&self) -> Result<Vec<Tenant>, StoreError>;
}
