//! Passwords (accounts), the links that set them, and logins.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreError;
use crate::domain::{
    Account, Invitation, LoginOwner, SessionRecord, Subject, TenantId, TokenRecord,
};

/// What setting a password through a link changes, all at once.
pub struct Redemption<'a> {
    /// The link's token as read; it must still be usable at `now`, and becomes used.
    pub token: &'a TokenRecord,
    pub now: DateTime<Utc>,
    /// The account after (a new one, or the old one with its new password and epoch).
    pub account: &'a Account,
    /// The account before, when there was one (its version is the condition).
    pub previous_account: Option<&'a Account>,
    /// The customer invitation the link came from, before and after (accepted).
    pub invitation: Option<(&'a Invitation, &'a Invitation)>,
    /// The session the user continues in.
    pub session: &'a SessionRecord,
    /// Whether the customer or staff user becomes active now (their first password).
    pub activates: bool,
}

#[async_trait]
pub trait AccountStore: Send + Sync {
    /// Uses the link token and sets the password, all or nothing. Of two requests with one
    /// token exactly one succeeds; the other gets [`StoreError::VersionConflict`], as does a
    /// link whose `sentTo` is no longer the holder's login email or whose `accountEpoch` is no
    /// longer the account's (both checked as conditions of the same write). Marks the
    /// account's customer or staff user active (or, for a reset, records the login), moving
    /// its version so an edit made from an older read fails instead of undoing it.
    async fn redeem(&self, redemption: &Redemption<'_>) -> Result<(), StoreError>;
    async fn find_login(
        &self,
        email: &crate::domain::Email,
    ) -> Result<Option<LoginOwner>, StoreError>;
    async fn get_account(
        &self,
        tenant: TenantId,
        subject: Subject,
    ) -> Result<Option<Account>, StoreError>;
    /// Replaces `current` by `next` if unchanged (a new password, an upgraded hash, a new epoch).
    async fn update_account(&self, current: &Account, next: &Account) -> Result<(), StoreError>;
    /// Stores a password-reset link's token.
    async fn put_token(&self, token: &TokenRecord) -> Result<(), StoreError>;
    /// Notes the login on the customer or staff record (moving its version).
    async fn record_login(
        &self,
        tenant: TenantId,
        subject: Subject,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError>;
}
