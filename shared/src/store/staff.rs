//! The agency's staff users (`TENANT#{t}` / `STAFF#{s}`): their login email claim (shared with
//! customers) and their invitation link's token change in one transaction with the record.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{
    ItemStore,
    accounts::{account_key, claim_login, release_login},
    invitations::{token_item, token_new},
    staff_sk, tenant_pk,
};
use crate::{
    domain::{StaffId, StaffMember, TenantId, TokenRecord, VoidReason},
    items::{self, Condition, Item, Key, Keys, Query, Write},
    ports::{StaffStore, StoreError},
};

pub(crate) fn staff_item(m: &StaffMember) -> anyhow::Result<Item> {
    items::item(m, &Keys::new(tenant_pk(m.tenant_id), staff_sk(m.id)))
}

/// The write that stores `token` voided (a put: the link token may be gone already).
fn token_voided(
    token: TokenRecord,
    at: DateTime<Utc>,
    reason: VoidReason,
) -> anyhow::Result<Write> {
    Ok(Write::put(token_item(&token.voided(at, reason))?))
}

#[async_trait]
impl StaffStore for ItemStore {
    #[tracing::instrument(skip_all, fields(tenant = %member.tenant_id, staff = %member.id))]
    async fn create_staff(
        &self,
        member: &StaffMember,
        token: &TokenRecord,
    ) -> Result<(), StoreError> {
        let writes = vec![
            Write::put(staff_item(member)?).when(Condition::NotExists),
            claim_login(member.tenant_id, member.subject(), &member.email),
            token_new(token)?,
        ];
        match self
            .transact(writes, Some(1), "Failed to store the staff user")
            .await
        {
            Err(StoreError::VersionConflict) => Err(StoreError::AlreadyExists),
            other => other,
        }
    }

    #[tracing::instrument(skip(self))]
    async fn get_staff(
        &self,
        tenant: TenantId,
        id: StaffId,
    ) -> Result<Option<StaffMember>, StoreError> {
        let key = Key::new(tenant_pk(tenant), staff_sk(id));
        self.get_record(key, true, "Failed to read the staff user")
            .await
    }

    #[tracing::instrument(skip(self))]
    async fn list_staff(&self, tenant: TenantId) -> Result<Vec<StaffMember>, StoreError> {
        let query = Query::primary(tenant_pk(tenant))
            .begins_with("STAFF#")
            .consistent();
        self.list_all(query, "Failed to list the staff users").await
    }

    #[tracing::instrument(skip_all, fields(tenant = %current.tenant_id, staff = %current.id))]
    async fn update_staff(
        &self,
        current: &StaffMember,
        next: &StaffMember,
        new_token: Option<&TokenRecord>,
    ) -> Result<(), StoreError> {
        let mut writes =
            vec![Write::put(staff_item(next)?).when(Condition::equals("version", current.version))];
        if let Some(token) = new_token {
            if let Some(old) = current.invitation_token() {
                writes.push(token_voided(old, token.created_at, VoidReason::Superseded)?);
            }
            writes.push(token_new(token)?);
        }
        self.transact(writes, None, "Failed to update the staff user")
            .await
    }

    #[tracing::instrument(skip_all, fields(tenant = %current.tenant_id, staff = %current.id))]
    async fn delete_staff(
        &self,
        current: &StaffMember,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut writes = vec![
            Write::delete(Key::new(tenant_pk(current.tenant_id), staff_sk(current.id)))
                .when(Condition::equals("version", current.version)),
            // Only ever this staff user's claim (a missing one is fine: nothing to release).
            release_login(&current.email).when(
                Condition::NotExists.or(Condition::equals("staffId", current.id.to_string())),
            ),
            Write::delete(account_key(current.tenant_id, current.subject())),
        ];
        if current.activated_at.is_none()
            && let Some(token) = current.invitation_token()
        {
            writes.push(token_voided(token, at, VoidReason::Revoked)?);
        }
        self.transact(writes, None, "Failed to delete the staff user")
            .await
    }
}
