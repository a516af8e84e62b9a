//! Customer invitations and their link tokens.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreError;
use crate::domain::{
    Customer, CustomerId, Invitation, InvitationEvent, InvitationId, TenantId, TokenHash,
    TokenRecord, VoidReason,
};

/// An invitation whose link may still work, as the customer's marker of open invitations
/// names it: enough to supersede it (and void its token) without reading it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenInvitation {
    pub id: InvitationId,
    pub token_hash: TokenHash,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

impl OpenInvitation {
    pub fn of(invitation: &Invitation) -> Self {
        Self {
            id: invitation.id,
            token_hash: invitation.token_hash.clone(),
            created_at: invitation.created_at,
            expires_at: invitation.expires_at,
        }
    }
}

/// A customer's open invitations as read (past their expiry or not: expiry writes nothing),
/// and the version of what named them, which the next issue is conditioned on: two sends
/// that read the same can't both add an open invitation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OpenInvitations {
    pub invitations: Vec<OpenInvitation>,
    /// `None`: nothing names them yet (a customer from before the marker, never invited).
    pub version: Option<u64>,
    /// Where no complete marker named them: every invitation of the customer as listed to
    /// find them (newest first, read after the marker), for a caller that needs the
    /// invitations themselves too ([`crate::links::voids_for`]) to take instead of listing
    /// them again. `None` when the marker named them.
    pub listed: Option<Vec<Invitation>>,
}

impl OpenInvitations {
    /// What [`crate::ports::CustomerStore::create_customer`] writes for a new customer: none
    /// open, at version 1. A customer created in the same request is invited without a read.
    pub fn of_new_customer() -> Self {
        Self {
            invitations: Vec::new(),
            version: Some(1),
            listed: None,
        }
    }
}

#[async_trait]
pub trait InvitationStore: Send + Sync {
    /// In one atomic step: stores `invitation` and its `token`, closes each of
    /// `open.invitations` (records `superseded` in its history, makes it revoked and voids
    /// its token), and makes `invitation` the customer's only open one, provided `customer`
    /// is unchanged (same version) and the open invitations are still those `open` was read
    /// as (same version). Otherwise [`StoreError::VersionConflict`] and nothing is written.
    async fn issue_invitation(
        &self,
        customer: &Customer,
        invitation: &Invitation,
        token: &TokenRecord,
        open: &OpenInvitations,
        superseded: &InvitationEvent,
    ) -> Result<(), StoreError>;
    /// The customer's invitations whose links may still work (expired ones included), read
    /// consistently: one small item, whatever the length of their history.
    async fn open_invitations(
        &self,
        tenant: TenantId,
        customer: CustomerId,
    ) -> Result<OpenInvitations, StoreError>;
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
    /// An invitation that `next` closes is no longer among the customer's open ones.
    async fn update_invitation(
        &self,
        current: &Invitation,
        next: &Invitation,
        void_token: Option<(VoidReason, DateTime<Utc>)>,
    ) -> Result<(), StoreError>;
    async fn find_token(&self, hash: &TokenHash) -> Result<Option<TokenRecord>, StoreError>;
}
