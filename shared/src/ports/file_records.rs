//! The records of customers' files (the bytes are in the [`super::FileStore`]), the bytes each
//! customer's files hold against the agency's quota, and the agency's upload rules.

use async_trait::async_trait;

use super::{Page, StoreError};
use chrono::{DateTime, Utc};

use crate::domain::{
    CustomerId, DirectLink, DirectLinkId, FileId, FileNotice, FileRecord, FileSettings, NoticeTo,
    ObjectKey, TenantId, invitation::TokenHash,
};

/// What [`FileRecordStore::create_file`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileCreation {
    Created,
    /// Nothing was stored: the customer's files already hold `used` bytes, and this one would
    /// take them past the quota.
    QuotaExceeded {
        used: u64,
    },
}

#[async_trait]
pub trait FileRecordStore: Send + Sync {
    /// The agency's rules, or the defaults when it has set none.
    async fn file_settings(&self, tenant: TenantId) -> Result<FileSettings, StoreError>;
    async fn put_file_settings(
        &self,
        tenant: TenantId,
        settings: &FileSettings,
    ) -> Result<(), StoreError>;
    /// Stores a new file and adds its [`FileRecord::quota_bytes`] to the customer's usage, in
    /// one transaction, only if the usage stays within `quota` bytes.
    async fn create_file(&self, file: &FileRecord, quota: u64) -> Result<FileCreation, StoreError>;
    /// The names of the customer's folders (every folder a file was put in), sorted.
    async fn list_folders(
        &self,
        tenant: TenantId,
        customer: CustomerId,
    ) -> Result<Vec<String>, StoreError>;
    async fn get_file(
        &self,
        tenant: TenantId,
        customer: CustomerId,
        id: FileId,
    ) -> Result<Option<FileRecord>, StoreError>;
    /// Those of `ids` that are the customer's files, in no particular order (an id of another
    /// customer's file, or of none, is left out), read together rather than one by one.
    async fn get_files(
        &self,
        tenant: TenantId,
        customer: CustomerId,
        ids: &[FileId],
    ) -> Result<Vec<FileRecord>, StoreError>;
    /// The customer's files, newest first, all of them or those in `folder`, a page of at most
    /// `limit` starting after the file `after`.
    async fn list_files(
        &self,
        tenant: TenantId,
        customer: CustomerId,
        folder: Option<&str>,
        after: Option<FileId>,
        limit: usize,
    ) -> Result<Page<FileRecord, FileId>, StoreError>;
    /// Replaces `current` by `next` if `current` is still what is stored
    /// ([`StoreError::VersionConflict`] otherwise), moving the customer's usage by the change
    /// in quota bytes, in one transaction. `next.version` is `current.version + 1`.
    async fn update_file(&self, current: &FileRecord, next: &FileRecord) -> Result<(), StoreError>;
    /// [`FileRecordStore::update_file`], storing `notice` in the same transaction (a replay
    /// that loses the version race stores no second notice).
    async fn update_file_with_notice(
        &self,
        current: &FileRecord,
        next: &FileRecord,
        notice: &FileNotice,
    ) -> Result<(), StoreError>;
    /// Which customers' notices to whom have one at or before `cutoff`: their groups are due.
    async fn due_notices(
        &self,
        cutoff: DateTime<Utc>,
    ) -> Result<Vec<(TenantId, CustomerId, NoticeTo)>, StoreError>;
    /// The waiting notices of one customer to one side, oldest first (at most 100).
    async fn notices(
        &self,
        tenant: TenantId,
        customer: CustomerId,
        to: NoticeTo,
    ) -> Result<Vec<FileNotice>, StoreError>;
    /// Leases `notices` to one sweep until `until`, all or none, counting an attempt on each
    /// ([`StoreError::VersionConflict`] when any is gone, or leased to another sweep whose
    /// lease has not ended at `now`): whoever holds the lease sends the one email.
    async fn lease_notices(
        &self,
        notices: &[FileNotice],
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    /// Deletes `notices` once their email went out (or was given up), all or none, only
    /// while they are still leased until `until` ([`StoreError::VersionConflict`] when the
    /// lease ran out and another sweep took them).
    async fn finish_notices(
        &self,
        notices: &[FileNotice],
        until: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    /// Deletes `file` if it is still what is stored and releases its bytes. A `pending`
    /// file leaves its key behind for [`FileRecordStore::deleted_upload`], in the same
    /// transaction: its upload may still be on its way.
    async fn delete_file(&self, file: &FileRecord) -> Result<(), StoreError>;
    /// The key of a file deleted while its upload was pending (kept for a week), so the
    /// upload arriving late is deleted rather than left where nobody sees it.
    async fn deleted_upload(
        &self,
        tenant: TenantId,
        customer: CustomerId,
        id: FileId,
    ) -> Result<Option<ObjectKey>, StoreError>;
    /// Stores a new direct link ([`StoreError::AlreadyExists`] for a token already stored).
    async fn create_direct_link(&self, link: &DirectLink) -> Result<(), StoreError>;
    async fn find_direct_link(&self, hash: &TokenHash) -> Result<Option<DirectLink>, StoreError>;
    /// The file's direct links, oldest first.
    async fn list_direct_links(
        &self,
        tenant: TenantId,
        customer: CustomerId,
        file: FileId,
    ) -> Result<Vec<DirectLink>, StoreError>;
    /// Marks the link revoked (the first time is kept); [`StoreError::NotFound`] when the
    /// file has no such link.
    async fn revoke_direct_link(
        &self,
        tenant: TenantId,
        customer: CustomerId,
        file: FileId,
        id: DirectLinkId,
        at: DateTime<Utc>,
    ) -> Result<DirectLink, StoreError>;
    /// Counts one download, only while the link is unrevoked and unexpired at `now`
    /// ([`StoreError::NotFound`] otherwise); answers the link after it.
    async fn count_direct_download(
        &self,
        hash: &TokenHash,
        now: DateTime<Utc>,
    ) -> Result<DirectLink, StoreError>;
    /// The bytes the customer's files hold.
    async fn file_usage(&self, tenant: TenantId, customer: CustomerId) -> Result<u64, StoreError>;
    /// Notes that the customer opened their files page at `at` (the start page's "something
    /// new" compares the files the agency shared with it).
    async fn mark_files_seen(
        &self,
        tenant: TenantId,
        customer: CustomerId,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    /// When the customer last opened their files page; `None` if never.
    async fn files_seen(
        &self,
        tenant: TenantId,
        customer: CustomerId,
    ) -> Result<Option<DateTime<Utc>>, StoreError>;
}
