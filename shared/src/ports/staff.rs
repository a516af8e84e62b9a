//! An agency's staff users.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreError;
use crate::domain::{StaffId, StaffMember, TenantId, TokenRecord};

#[async_trait]
pub trait StaffStore: Send + Sync {
    /// In one atomic step: stores a new staff user, claims their login email (shared with
    /// customers: [`StoreError::LoginEmailTaken`]) and stores their invitation link's `token`.
    async fn create_staff(
        &self,
        member: &StaffMember,
        token: &TokenRecord,
    ) -> Result<(), StoreError>;
    async fn get_staff(
        &self,
        tenant: TenantId,
        id: StaffId,
    ) -> Result<Option<StaffMember>, StoreError>;
    /// The agency's staff users, oldest first.
    async fn list_staff(&self, tenant: TenantId) -> Result<Vec<StaffMember>, StoreError>;
    /// Replaces `current` by `next` if unchanged. With `new_token` (a new invitation), stores it
    /// and voids `current`'s open invitation link as superseded, in the same step.
    async fn update_staff(
        &self,
        current: &StaffMember,
        next: &StaffMember,
        new_token: Option<&TokenRecord>,
    ) -> Result<(), StoreError>;
    /// Deletes `current` if unchanged, in one step with its login email claim, its account
    /// (so its sessions end) and, when it never set a password, its invitation link (revoked).
    async fn delete_staff(
        &self,
        current: &StaffMember,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError>;
}
