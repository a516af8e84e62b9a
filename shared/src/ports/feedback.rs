//! Feedback on the draft website: the site, the items with their threads, the overlay's
//! tokens and the notices waiting to be emailed.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{Page, StoreError};
use crate::domain::{
    CustomerId, FeedbackItem, FeedbackItemId, FeedbackNotice, FeedbackReply, FeedbackSite,
    FeedbackToken, NoticeTo, Origin, SiteUrl, TenantId, TokenHash,
};

#[async_trait]
pub trait FeedbackStore: Send + Sync {
    async fn get_feedback_site(
        &self,
        tenant: TenantId,
        customer: CustomerId,
    ) -> Result<Option<FeedbackSite>, StoreError>;
    /// Stores `next` if the stored site is still `current` (none when `None`), with its
    /// origins: [`StoreError::VersionConflict`] and nothing written otherwise.
    async fn save_feedback_site(
        &self,
        current: Option<&FeedbackSite>,
        next: &FeedbackSite,
    ) -> Result<(), StoreError>;

    /// Whether some customer's site (draft or live) is on `origin`.
    async fn feedback_origin_registered(&self, origin: &Origin) -> Result<bool, StoreError>;

    /// The highest item number the customer has used (0 before the first item).
    async fn last_feedback_number(
        &self,
        tenant: TenantId,
        customer: CustomerId,
    ) -> Result<u32, StoreError>;
    /// How many items the page has.
    async fn feedback_page_count(
        &self,
        tenant: TenantId,
        customer: CustomerId,
        page: &SiteUrl,
    ) -> Result<u32, StoreError>;
    /// In one atomic step: stores the new `item` (its number the next after the last one,
    /// its page below `page_max` items) and its `notice`. [`StoreError::VersionConflict`]
    /// when another item took the number or filled the page first.
    async fn create_feedback_item(
        &self,
        item: &FeedbackItem,
        page_max: u32,
        notice: &FeedbackNotice,
    ) -> Result<(), StoreError>;
    async fn get_feedback_item(
        &self,
        tenant: TenantId,
        customer: CustomerId,
        id: FeedbackItemId,
    ) -> Result<Option<FeedbackItem>, StoreError>;
    /// The customer's items, oldest first, at most `limit` after `after`.
    async fn list_feedback_items(
        &self,
        tenant: TenantId,
        customer: CustomerId,
        after: Option<FeedbackItemId>,
        limit: usize,
    ) -> Result<Page<FeedbackItem, FeedbackItemId>, StoreError>;
    /// The customer's newest `limit` items, newest first (eventually consistent: for a
    /// badge, not for a change).
    async fn newest_feedback_items(
        &self,
        tenant: TenantId,
        customer: CustomerId,
        limit: usize,
    ) -> Result<Vec<FeedbackItem>, StoreError>;
    /// The page's items, oldest first (at most [`crate::domain::feedback::ITEMS_PER_PAGE_MAX`]).
    async fn list_feedback_page(
        &self,
        tenant: TenantId,
        customer: CustomerId,
        page: &SiteUrl,
    ) -> Result<Vec<FeedbackItem>, StoreError>;
    /// Replaces `current` by `next` if unchanged since read, with the new `reply` (if any)
    /// and the `notice` (if any), all or nothing: [`StoreError::VersionConflict`] otherwise.
    async fn update_feedback_item(
        &self,
        current: &FeedbackItem,
        next: &FeedbackItem,
        reply: Option<&FeedbackReply>,
        notice: Option<&FeedbackNotice>,
    ) -> Result<(), StoreError>;
    /// The customer opened the item: nothing of the agency's waits there any more. Leaves the
    /// version alone (it is no change of the item); a gone item is left gone.
    async fn mark_feedback_seen(
        &self,
        tenant: TenantId,
        customer: CustomerId,
        id: FeedbackItemId,
    ) -> Result<(), StoreError>;
    /// The item's thread, oldest first.
    async fn list_feedback_replies(
        &self,
        tenant: TenantId,
        customer: CustomerId,
        id: FeedbackItemId,
    ) -> Result<Vec<FeedbackReply>, StoreError>;

    /// Stores a new token ([`StoreError::AlreadyExists`] if its hash is taken).
    async fn create_feedback_token(&self, token: &FeedbackToken) -> Result<(), StoreError>;
    async fn find_feedback_token(
        &self,
        hash: &TokenHash,
    ) -> Result<Option<FeedbackToken>, StoreError>;
    /// Revokes every unrevoked token of the customer at `at`; how many.
    async fn revoke_feedback_tokens(
        &self,
        tenant: TenantId,
        customer: CustomerId,
        at: DateTime<Utc>,
    ) -> Result<usize, StoreError>;

    /// Every customer and side with a notice created at or before `cutoff`.
    async fn due_feedback_notices(
        &self,
        cutoff: DateTime<Utc>,
    ) -> Result<Vec<(TenantId, CustomerId, NoticeTo)>, StoreError>;
    /// The notices waiting for one customer and side, oldest first (at most 100).
    async fn feedback_notices(
        &self,
        tenant: TenantId,
        customer: CustomerId,
        to: NoticeTo,
    ) -> Result<Vec<FeedbackNotice>, StoreError>;
    /// Deletes `notices`, all or none: [`StoreError::VersionConflict`] when another sweep
    /// took one first.
    async fn claim_feedback_notices(&self, notices: &[FeedbackNotice]) -> Result<(), StoreError>;
}
