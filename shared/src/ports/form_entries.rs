//! What visitors submitted through the forms.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{Page, StoreError};
use crate::domain::{
    CustomerId, EmailState, FormEntry, FormEntryId, FormId, NotificationDue, TenantId,
};

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
    /// Stores a new entry (its `ttl` from `expires_at`) and, with `due`, its notification's
    /// due item in the same transaction: one round trip either way.
    async fn put_entry(
        &self,
        entry: &FormEntry,
        due: Option<&NotificationDue>,
    ) -> Result<(), StoreError>;
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
    /// Notifications due at `now` across every agency, earliest first, at most `limit`. Read
    /// from an index that may lag: only a claim decides who sends.
    async fn due_notifications(
        &self,
        now: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<NotificationDue>, StoreError>;
    /// The entry's notification still to send, if any (a consistent read).
    async fn notification_due(
        &self,
        tenant: TenantId,
        customer: CustomerId,
        id: FormEntryId,
    ) -> Result<Option<NotificationDue>, StoreError>;
    /// Claims the next attempt at a notification: stores `next` only while the item's
    /// `attempts` are still `seen` (`None`: while there is no item).
    /// [`StoreError::VersionConflict`] when another claim came first; nothing is written.
    async fn claim_notification(
        &self,
        seen: Option<u32>,
        next: &NotificationDue,
    ) -> Result<(), StoreError>;
    /// Records how the `claimed` attempt went: on the entry its state, one attempt more and
    /// `next_try`; in the same transaction the due item is dropped (`next_try` `None`: sent
    /// or given up) or released until `next_try`, both only while it is still this claim's.
    /// When the entry is gone its due item is dropped; when another claim took the item
    /// over, only the entry is written.
    async fn record_email(
        &self,
        claimed: &NotificationDue,
        state: EmailState,
        next_try: Option<DateTime<Utc>>,
    ) -> Result<(), StoreError>;
    /// Deletes the entry with its due notification. [`StoreError::NotFound`] when there was
    /// none.
    async fn delete_entry(
        &self,
        tenant: TenantId,
        customer: CustomerId,
        id: FormEntryId,
    ) -> Result<(), StoreError>;
}
