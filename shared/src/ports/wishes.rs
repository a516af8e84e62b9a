//! The customer's brief: the draft and its submissions.

use async_trait::async_trait;

use super::StoreError;
use crate::domain::{CustomerId, TenantId, WishesDraft, WishesSubmission};

#[async_trait]
pub trait WishesStore: Send + Sync {
    async fn get_wishes(
        &self,
        tenant: TenantId,
        customer: CustomerId,
    ) -> Result<Option<WishesDraft>, StoreError>;
    /// Stores `next` if the stored draft is still `current` (by version; none stored when
    /// `current` is `None`): [`StoreError::VersionConflict`] and nothing written otherwise.
    async fn save_wishes(
        &self,
        current: Option<&WishesDraft>,
        next: &WishesDraft,
    ) -> Result<(), StoreError>;
    /// Records `submission` and marks the draft submitted (`next`) in one atomic step, if the
    /// draft is still `current` and the submission's number is new.
    async fn submit_wishes(
        &self,
        current: &WishesDraft,
        next: &WishesDraft,
        submission: &WishesSubmission,
    ) -> Result<(), StoreError>;
    /// Every submission, newest first.
    async fn list_submissions(
        &self,
        tenant: TenantId,
        customer: CustomerId,
    ) -> Result<Vec<WishesSubmission>, StoreError>;
}
