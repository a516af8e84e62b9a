//! What visitors submitted through the forms.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{Page, StoreError};
use crate::domain::{CustomerId, EmailState, FormEntry, FormEntryId, FormId, TenantId};

/// Which entries of one customer to list, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryFilter {
    pub tenant: TenantId,
    pub customer: CustomerId,
    /// Only this form's entries.
    pub form: Option<FormId>,
    /// Received at or after.
    pub from: Option<DateTime<Utc>>,
    /// Received at or before.
    pub to: Option<DateTime<Utc>>,
}

#[async_trait]
pub trait FormEntryStore: Send + Sync {
    /// Stores a new entry (its `ttl` from `expires_at`); one write.
    async fn put_entry(&self, entry: &FormEntry) -> Result<(), StoreError>;
    /// The customer's entry, unless its retention has ended by `now`.
    async fn get_entry(
        &self,
        tenant: TenantId,
        customer: CustomerId,
        id: FormEntryId,
        now: DateTime<Utc>,
    ) -> Result<Option<FormEntry>, StoreError>;
    /// Entries newest first, at most `limit`, after `after`; those past their retention at
    /// `now` are left out.
    async fn list_entries(
        &self,
        filter: &EntryFilter,
        after: Option<FormEntryId>,
        limit: usize,
        now: DateTime<Utc>,
    ) -> Result<Page<FormEntry, FormEntryId>, StoreError>;
    /// Marks the entry read at `at`, or unread (`None`); [`StoreError::NotFound`] when it
    /// is gone. Answers the entry as it is now.
    async fn mark_read(
        &self,
        tenant: TenantId,
        customer: CustomerId,
        id: FormEntryId,
        at: Option<DateTime<Utc>>,
    ) -> Result<FormEntry, StoreError>;
    /// Records how sending the notification went, counting the attempt; nothing when the
    /// entry is gone.
    async fn record_email(
        &self,
        tenant: TenantId,
        customer: CustomerId,
        id: FormEntryId,
        state: EmailState,
    ) -> Result<(), StoreError>;
    /// [`StoreError::NotFound`] when there was none.
    async fn delete_entry(
        &self,
        tenant: TenantId,
        customer: CustomerId,
        id: FormEntryId,
    ) -> Result<(), StoreError>;
}
