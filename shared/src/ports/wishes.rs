//! The customer's brief: the draft and its submissions.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreError;
use crate::domain::{
    Brief, CommentId, CustomerId, TenantId, WishesComment, WishesDraft, WishesSubmission,
};

#[async_trait]
pub trait WishesStore: Send + Sync {
    async fn get_wishes(
        &self,
        tenant: TenantId,
        customer: CustomerId,
    ) -> Result<Option<WishesDraft>, StoreError>;
    /// Saves `brief` as the draft that follows version `from` (0: none stored yet) and
    /// answers the draft as stored, what its submissions recorded kept. One conditional
    /// write, no read before it: [`StoreError::VersionConflict`] and nothing written when
    /// the stored draft is another version.
    async fn save_brief(
        &self,
        tenant: TenantId,
        customer: CustomerId,
        from: u64,
        brief: &Brief,
        at: DateTime<Utc>,
    ) -> Result<WishesDraft, StoreError>;
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
