//! A customer's invitations (`TENANT#{t}#CUSTOMER#{c}` / `INVITATION#{i}`) and the link tokens
//! (`TOKEN#{sha256}`) of invitations, resets and staff invitations. A token stays stored, used
//! or voided, until TTL removes it after its expiry, so a link page can say what became of it.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{ItemStore, customer_sk, tenant_pk, ttl};
use crate::{
    domain::{
        Customer, CustomerId, Invitation, InvitationId, TenantId, TokenHash, TokenRecord,
        VoidReason,
    },
    items::{self, Condition, Item, Key, Keys, Query, Write},
    ports::{InvitationStore, StoreError},
};

fn invitations_pk(t: TenantId, c: CustomerId) -> String {
    format!("TENANT#{t}#CUSTOMER#{c}")
}

fn invitation_key(t: TenantId, c: CustomerId, id: InvitationId) -> Key {
    Key::new(invitations_pk(t, c), format!("INVITATION#{id}"))
}

pub(crate) fn invitation_item(i: &Invitation) -> anyhow::Result<Item> {
    let key = invitation_key(i.tenant_id, i.customer_id, i.id);
    items::item(i, &Keys::new(key.pk, key.sk))
}

/// The write that replaces `current` by `next`, if `current` is what is stored.
pub(super) fn invitation_replace(current: &Invitation, next: &Invitation) -> anyhow::Result<Write> {
    Ok(Write::put(invitation_item(next)?).when(Condition::equals("version", current.version)))
}

pub(super) fn token_key(hash: &TokenHash) -> Key {
    Key::new(format!("TOKEN#{}", hash.as_str()), "TOKEN")
}

pub(crate) fn token_item(token: &TokenRecord) -> anyhow::Result<Item> {
    let key = token_key(&token.hash);
    items::item(token, &Keys::new(key.pk, key.sk).ttl(ttl(token.expires_at)))
}

/// The write that stores a new token (a token hash is never reused).
pub(super) fn token_new(token: &TokenRecord) -> anyhow::Result<Write> {
    Ok(Write::put(token_item(token)?).when(Condition::NotExists))
}

/// Replaces the invitation's token by its voided form (kept until TTL removes it).
pub(super) fn token_void(
    invitation: &Invitation,
    reason: VoidReason,
    at: DateTime<Utc>,
) -> anyhow::Result<Write> {
    let voided = TokenRecord::for_invitation(invitation).voided(at, reason);
    Ok(Write::put(token_item(&voided)?))
}

#[async_trait]
impl InvitationStore for ItemStore {
    #[tracing::instrument(skip_all, fields(tenant = %invitation.tenant_id, invitation = %invitation.id))]
    async fn issue_invitation(
        &self,
        customer: &Customer,
        invitation: &Invitation,
        token: &TokenRecord,
        superseded: &[(Invitation, Invitation)],
    ) -> Result<(), StoreError> {
        let customer_key = Key::new(tenant_pk(customer.tenant_id), customer_sk(customer.id));
        let mut writes = vec![
            Write::check(customer_key, Condition::equals("version", customer.version)),
            Write::put(invitation_item(invitation)?).when(Condition::NotExists),
            token_new(token)?,
        ];
        for (current, next) in superseded {
            writes.push(invitation_replace(current, next)?);
            writes.push(token_void(
                current,
                VoidReason::Superseded,
                invitation.created_at,
            )?);
        }
        self.transact(writes, None, "Failed to store the invitation")
            .await
    }

    #[tracing::instrument(skip(self))]
    async fn get_invitation(
        &self,
        tenant: TenantId,
        customer: CustomerId,
        id: InvitationId,
    ) -> Result<Option<Invitation>, StoreError> {
        let key = invitation_key(tenant, customer, id);
        self.get_record(key, true, "Failed to read the invitation")
            .await
    }

    #[tracing::instrument(skip(self))]
    async fn list_invitations(
        &self,
        tenant: TenantId,
        customer: CustomerId,
    ) -> Result<Vec<Invitation>, StoreError> {
        // Invitation ids are ULIDs: descending key order is newest first.
        let query = Query::primary(invitations_pk(tenant, customer))
            .begins_with("INVITATION#")
            .descending()
            .consistent();
        self.list_all(query, "Failed to list the invitations").await
    }

    #[tracing::instrument(skip_all, fields(invitation = %current.id))]
    async fn update_invitation(
        &self,
        current: &Invitation,
        next: &Invitation,
        void_token: Option<(VoidReason, DateTime<Utc>)>,
    ) -> Result<(), StoreError> {
        let mut writes = vec![invitation_replace(current, next)?];
        if let Some((reason, at)) = void_token {
            writes.push(token_void(current, reason, at)?);
        }
        self.transact(writes, None, "Failed to update the invitation")
            .await
    }

    #[tracing::instrument(skip_all)]
    async fn find_token(&self, hash: &TokenHash) -> Result<Option<TokenRecord>, StoreError> {
        self.get_record(token_key(hash), true, "Failed to look up the link token")
            .await
    }
}
