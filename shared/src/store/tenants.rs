//! Agencies, and the claim on each one's portal address (`HOST#{host}`), which no two agencies
//! can hold.

use async_trait::async_trait;

use super::{ItemStore, claim_field, claim_item, tenant_pk, unexpected};
use crate::{
    domain::{Tenant, TenantId},
    items::{self, Condition, Item, Key, Keys, Query, TableError, Write},
    ports::{StoreError, TenantStore},
};

fn tenant_key(id: TenantId) -> Key {
    Key::new(tenant_pk(id), "TENANT")
}

fn host_key(host: &str) -> Key {
    Key::new(format!("HOST#{host}"), "HOST")
}

/// Every tenant is also under `gsi1pk = TENANTS`, so they can be listed.
pub(crate) fn tenant_item(tenant: &Tenant) -> anyhow::Result<Item> {
    let keys = Keys::new(tenant_pk(tenant.id), "TENANT").gsi1("TENANTS", tenant_pk(tenant.id));
    items::item(tenant, &keys)
}

/// The claim on the agency's portal address.
pub(crate) fn host_claim(tenant: &Tenant) -> Item {
    claim_item(
        host_key(tenant.portal_base_url.host()),
        &[("tenantId", tenant.id.to_string())],
    )
}

#[async_trait]
impl TenantStore for ItemStore {
    #[tracing::instrument(skip_all, fields(tenant = %tenant.id))]
    async fn create_tenant(&self, tenant: &Tenant) -> Result<(), StoreError> {
        let writes = vec![
            Write::put(tenant_item(tenant)?).when(Condition::NotExists),
            Write::put(host_claim(tenant)).when(Condition::NotExists),
        ];
        match self.table.transact(writes).await {
            Ok(()) => Ok(()),
            Err(TableError::ConditionFailed { failed }) if failed.first() == Some(&true) => {
                Err(StoreError::AlreadyExists)
            }
            Err(TableError::ConditionFailed { failed }) if failed.get(1) == Some(&true) => {
                Err(StoreError::HostTaken)
            }
            Err(e) => Err(unexpected(e, "Failed to store the tenant")),
        }
    }

    #[tracing::instrument(skip(self))]
    async fn find_tenant_by_host(&self, host: &str) -> Result<Option<Tenant>, StoreError> {
        let claim = self
            .table
            .get(&host_key(&host.to_ascii_lowercase()), false)
            .await
            .map_err(|e| unexpected(e, "Failed to look up the portal address"))?;
        match claim.and_then(|c| claim_field::<TenantId>(&c, "tenantId")) {
            Some(id) => self.get_tenant(id).await,
            None => Ok(None),
        }
    }

    #[tracing::instrument(skip_all, fields(tenant = %tenant.id))]
    async fn update_tenant(&self, tenant: &Tenant) -> Result<(), StoreError> {
        let put = Write::put(tenant_item(tenant)?).when(Condition::Exists);
        self.write(put, "Failed to update the tenant")
            .await?
            .map_err(|_| StoreError::NotFound)?;
        Ok(())
    }

    #[tracing::instrument(skip(self))]
    async fn get_tenant(&self, id: TenantId) -> Result<Option<Tenant>, StoreError> {
        self.get_record(tenant_key(id), false, "Failed to read the tenant")
            .await
    }

    #[tracing::instrument(skip(self))]
    async fn list_tenants(&self) -> Result<Vec<Tenant>, StoreError> {
        self.list_all(Query::gsi1("TENANTS"), "Failed to list the tenants")
            .await
    }
}
