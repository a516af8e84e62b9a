//! Files clients upload and download directly, with signed requests.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreError;

/// Where a client sends or fetches a file directly, without passing it through a function.
/// The URL is a credential until it expires: `Debug` leaves out its query, which holds the
/// signature.
#[derive(Clone, PartialEq, Eq)]
pub struct SignedRequest {
    /// `PUT` or `GET`.
    pub method: String,
    pub url: String,
    /// Headers the client must send as they are (an upload's `content-type` is signed).
    pub headers: Vec<(String, String)>,
    pub expires_at: DateTime<Utc>,
}

impl std::fmt::Debug for SignedRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let without_query = self
            .url
            .split_once('?')
            .map_or(self.url.as_str(), |(u, _)| u);
        f.debug_struct("SignedRequest")
            .field("method", &self.method)
            .field("url", &format_args!("{without_query}?…"))
            .field("headers", &self.headers)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// An HTML form that uploads one file straight to the store with `multipart/form-data`: the
/// browser POSTs `fields` in this order, then the file as the last part, named `file`. The
/// store itself refuses another key, another Content-Type, a size outside the range or a
/// late upload. `Debug` leaves out the signature and any session token.
#[derive(Clone, PartialEq, Eq)]
pub struct PresignedPost {
    pub url: String,
    pub fields: Vec<(String, String)>,
    pub expires_at: DateTime<Utc>,
}

impl PresignedPost {
    /// The value of the form field `name`.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

impl std::fmt::Debug for PresignedPost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let fields: Vec<(&str, &str)> = self
            .fields
            .iter()
            .map(|(name, value)| match name.as_str() {
                "x-amz-signature" | "x-amz-security-token" => (name.as_str(), "…"),
                _ => (name.as_str(), value.as_str()),
            })
            .collect();
        f.debug_struct("PresignedPost")
            .field("url", &self.url)
            .field("fields", &fields)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// A part of a multipart upload that the store holds: its number (1 to
/// [`MAX_PARTS`]), the ETag the store gave it, and its size in bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadedPart {
    pub number: u16,
    pub etag: String,
    pub size: u64,
}

/// What S3 allows in one multipart upload: parts are numbered 1 to 10,000.
pub const MAX_PARTS: u16 = 10_000;
/// S3's smallest part, but for the last one.
pub const MIN_PART_SIZE: u64 = 5 * 1024 * 1024;

/// Files that clients upload and download themselves, with signed requests.
#[async_trait]
pub trait FileStore: Send + Sync {
    /// A request the browser PUTs the file with; `content_type` is part of the signature, so
    /// the upload must carry exactly that Content-Type. An existing file is replaced.
    async fn presign_upload(
        &self,
        key: &crate::domain::ObjectKey,
        content_type: &str,
        expires_in: std::time::Duration,
    ) -> Result<SignedRequest, StoreError>;
    /// A form that uploads exactly `key` with exactly `content_type` and a size within `size`
    /// (bytes, both ends included), until `expires_in` has passed.
    async fn presign_post(
        &self,
        key: &crate::domain::ObjectKey,
        content_type: &str,
        size: std::ops::RangeInclusive<u64>,
        expires_in: std::time::Duration,
    ) -> Result<PresignedPost, StoreError>;
    /// A request that downloads the file, offered under `download_name` (Content-Disposition
    /// attachment, RFC 6266, with an RFC 5987 `filename*` for names beyond ASCII).
    async fn presign_download(
        &self,
        key: &crate::domain::ObjectKey,
        download_name: &str,
        expires_in: std::time::Duration,
    ) -> Result<SignedRequest, StoreError>;
    /// Size and content type, or `None` when there is no such file.
    async fn head(
        &self,
        key: &crate::domain::ObjectKey,
    ) -> Result<Option<crate::domain::FileInfo>, StoreError>;
    /// The file's first bytes (at most `len`), or `None` when there is no such file: enough to
    /// tell its real type by its signature.
    async fn read_prefix(
        &self,
        key: &crate::domain::ObjectKey,
        len: usize,
    ) -> Result<Option<Vec<u8>>, StoreError>;
    /// The malware scanner's verdict on the file: the value of its
    /// `GuardDutyMalwareScanStatus` tag (`NO_THREATS_FOUND`, `THREATS_FOUND`, ...), or `None`
    /// while it has none (or there is no such file).
    async fn scan_status(
        &self,
        key: &crate::domain::ObjectKey,
    ) -> Result<Option<String>, StoreError>;
    /// Deleting a file that isn't there succeeds, as on S3.
    async fn delete(&self, key: &crate::domain::ObjectKey) -> Result<(), StoreError>;

    /// Starts a multipart upload of `key` with `content_type` and answers its upload id (the
    /// store's, never a client's).
    async fn create_multipart(
        &self,
        key: &crate::domain::ObjectKey,
        content_type: &str,
    ) -> Result<String, StoreError>;
    /// A `PUT` that uploads part `number` of the upload, its body at most `max_size` bytes
    /// (the twin enforces it; S3 takes any part size and the completion checks the total).
    async fn presign_part(
        &self,
        key: &crate::domain::ObjectKey,
        upload_id: &str,
        number: u16,
        max_size: u64,
        expires_in: std::time::Duration,
    ) -> Result<SignedRequest, StoreError>;
    /// The parts uploaded so far, by number; [`StoreError::NotFound`] when the store has no
    /// such upload of `key` (completed, aborted or never started).
    async fn list_parts(
        &self,
        key: &crate::domain::ObjectKey,
        upload_id: &str,
    ) -> Result<Vec<UploadedPart>, StoreError>;
    /// Joins `parts` (in number order) into the file under `key` and answers its ETag;
    /// [`StoreError::NotFound`] when there is no such upload.
    async fn complete_multipart(
        &self,
        key: &crate::domain::ObjectKey,
        upload_id: &str,
        parts: &[UploadedPart],
    ) -> Result<String, StoreError>;
    /// Drops the upload and its parts; an upload that isn't there (any more) is no error.
    async fn abort_multipart(
        &self,
        key: &crate::domain::ObjectKey,
        upload_id: &str,
    ) -> Result<(), StoreError>;
}
