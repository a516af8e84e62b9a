//! A customer's project status and its history.

use async_trait::async_trait;

use super::StoreError;
use crate::domain::{Customer, CustomerId, StatusChange, TenantId};

#[async_trait]
pub trait StatusStore: Send + Sync {
    /// Replaces `current` by `next` (the same record with `change` applied) if the stored
    /// version is still `current.version`, and records `change` in its history, in one
    /// atomic step: [`StoreError::VersionConflict`] and nothing written otherwise.
    async fn change_status(
        &self,
        current: &Customer,
        next: &Customer,
        change: &StatusChange,
    ) -> Result<(), StoreError>;
    /// The customer's status changes, newest first.
    async fn status_history(
        &self,
        tenant: TenantId,
        customer: CustomerId,
    ) -> Result<Vec<StatusChange>, StoreError>;
}
