//! The customer's brief: the draft and its submissions.

use async_trait::async_trait;

use super::StoreError;
use crate::domain::{
    CommentId, CustomerId, TenantId, WishesComment, WishesDraft, WishesSubmission,
};

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
    /// Stores a new comment; [`StoreError::AlreadyExists`] if its id is taken.
    async fn add_comment(&self, comment: &WishesComment) -> Result<(), StoreError>;
    /// Replaces `current` by `next` if unchanged since read ([`StoreError::VersionConflict`]).
    async fn update_comment(
        &self,
        current: &WishesComment,
        next: &WishesComment,
    ) -> Result<(), StoreError>;
    async fn get_comment(
        &self,
        tenant: TenantId,
        customer: CustomerId,
        id: CommentId,
    ) -> Result<Option<WishesComment>, StoreError>;
    /// The customer's comments, oldest first.
    async fn list_comments(
        &self,
        tenant: TenantId,
        customer: CustomerId,
    ) -> Result<Vec<WishesComment>, StoreError>;
}
