//! The forms of customers' websites.

use async_trait::async_trait;

use super::StoreError;
use crate::domain::{CustomerId, Form, FormId, RetentionDays, TenantId};

/// What the public intake counts on a form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormCount {
    /// An entry was stored.
    Entry,
    /// A bot (honeypot filled, Turnstile failed): answered as accepted, nothing kept.
    Spam,
    /// Refused: another origin, too large, too many fields, rate-limited, files.
    Refused,
}

#[async_trait]
pub trait FormStore: Send + Sync {
    /// [`StoreError::AlreadyExists`] when the id is taken.
    async fn create_form(&self, form: &Form) -> Result<(), StoreError>;
    /// The form with this public id, whoever's it is: one read, as the public intake needs.
    /// Callers acting for a tenant or customer check that it is theirs.
    async fn get_form(&self, id: FormId) -> Result<Option<Form>, StoreError>;
    /// A customer's forms, in creation order.
    async fn list_forms(
        &self,
        tenant: TenantId,
        customer: CustomerId,
    ) -> Result<Vec<Form>, StoreError>;
    /// Replaces `current`'s settings by `next`'s if the stored version is still
    /// `current.version` ([`StoreError::VersionConflict`] otherwise, also when it is gone).
    /// The counts stay as the intake left them.
    async fn update_form(&self, current: &Form, next: &Form) -> Result<(), StoreError>;
    /// Deletes `current` if unchanged. Its entries stay until their retention ends.
    async fn delete_form(&self, current: &Form) -> Result<(), StoreError>;
    /// Sets the agency's entry retention on every form of the agency (the intake dates
    /// entries from the form alone); answers how many forms it reached.
    async fn set_retention(
        &self,
        tenant: TenantId,
        days: RetentionDays,
    ) -> Result<usize, StoreError>;
    /// Adds one to a count of the form; nothing (and no error) when the form is gone.
    async fn count(&self, id: FormId, what: FormCount) -> Result<(), StoreError>;
}
