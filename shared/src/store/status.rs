//! A customer's status history (`TENANT#{t}#CUSTOMER#{c}` / `STATUS#{version}`), each change
//! written in the customer's own version-conditioned transaction.

use async_trait::async_trait;

use super::{ItemStore, customers::customer_edit};
use crate::{
    domain::{Customer, CustomerId, StatusChange, TenantId},
    items::{self, Condition, Item, Keys, Query, Write},
    ports::{StatusStore, StoreError},
};

fn history_pk(t: TenantId, c: CustomerId) -> String {
    format!("TENANT#{t}#CUSTOMER#{c}")
}

/// Zero-padded, so the key order is the order of the versions.
fn change_sk(version: u64) -> String {
    format!("STATUS#{version:020}")
}

pub(crate) fn change_item(change: &StatusChange) -> anyhow::Result<Item> {
    let keys = Keys::new(
        history_pk(change.tenant_id, change.customer_id),
        change_sk(change.version),
    );
    items::item(change, &keys)
}

#[async_trait]
impl StatusStore for ItemStore {
    #[tracing::instrument(skip_all, fields(tenant = %current.tenant_id, customer = %current.id, to = %change.to))]
    async fn change_status(
        &self,
        current: &Customer,
        next: &Customer,
        change: &StatusChange,
    ) -> Result<(), StoreError> {
        let same_record = next.id == current.id && next.tenant_id == current.tenant_id;
        let recorded = change.customer_id == next.id
            && change.tenant_id == next.tenant_id
            && change.version == next.version
            && change.to == next.status
            && change.from == current.status;
        if !same_record || !recorded {
            return Err(
                anyhow::anyhow!("A status change must describe the customer's move").into(),
            );
        }
        let writes = vec![
            customer_edit(current, next)?,
            Write::put(change_item(change)?).when(Condition::NotExists),
        ];
        self.transact(writes, None, "Failed to change the status")
            .await
    }

    #[tracing::instrument(skip(self))]
    async fn status_history(
        &self,
        tenant: TenantId,
        customer: CustomerId,
    ) -> Result<Vec<StatusChange>, StoreError> {
        let query = Query::primary(history_pk(tenant, customer))
            .begins_with("STATUS#")
            .descending()
            .consistent();
        self.list_all(query, "Failed to list the status history")
            .await
    }
}
