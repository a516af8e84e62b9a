//! Customer invitations and their link tokens.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreError;
use crate::domain::{
    Customer, CustomerId, Invitation, InvitationId, TenantId, TokenHash, TokenRecord, VoidReason,
};

#[async_trait]
pub trait InvitationStore: Send + Sync {
    /// In one atomic step: stores `invitation` and its `token`, and replaces each of
    /// `superseded` (current, next) and voids its token, provided `customer` is unchanged
    /// (same version) and every superseded invitation is unchanged. Otherwise
    /// [`StoreError::VersionConflict`] and nothing is written.
    async fn issue_invitation(
        &self,
        customer: &Customer,
        invitation: &Invitation,
        token: &TokenRecord,
        superseded: &[(Invitation, Invitation)],
    ) -> Result<(), StoreError>;
    async fn get_invitation(
        &self,
        tenant: TenantId,
        customer: CustomerId,
        id: InvitationId,
    ) -> Result<Option<Invitation>, StoreError>;
    /// A customer's invitations, newest first.
    async fn list_invitations(
        &self,
        tenant: TenantId,
        customer: CustomerId,
    ) -> Result<Vec<Invitation>, StoreError>;
    /// Replaces `current` by `next` if unchanged; voids the invitation's token in the same
    /// step when `void_token` is given (a revoked invitation's link stops working at once).
    async fn update_invitation(
        &self,
        current: &Invitation,
        next: &Invitation,
        void_token: Option<(VoidReason, DateTime<Utc>)>,
    ) -> Result<(), StoreError>;
    async fn find_token(&self, hash: &TokenHash) -> Result<Option<TokenRecord>, StoreError>;
}
