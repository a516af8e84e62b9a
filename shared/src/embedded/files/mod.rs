//! The local twin of S3 for files: bytes in memory (`memory.rs`) or under
//! `{data_dir}/files/{key}` (`disk.rs`), and signed links to the local runner's
//! `/_local/files/{key}` that are checked as S3 checks a presigned request (`signing.rs`,
//! with its secret from `secret.rs`). moto checks none of those rules, so this is where they
//! are tested.
//!
//! Serving the links is HTTP, so it lives with the local runner
//! (`portal_infra::files_server`), which calls [`LocalFileStore::verify`],
//! [`LocalFileStore::write`] and [`LocalFileStore::read`]: no adapter here knows a request or
//! a response.

mod disk;
mod memory;
mod multipart;
mod secret;
mod signing;

use std::{ops::RangeInclusive, path::Path, sync::Arc, time::Duration};

use anyhow::{Context, bail};
use async_trait::async_trait;
use chrono::DateTime;
use secrecy::SecretString;
use sha2::{Digest, Sha256};
use url::Url;

pub use self::signing::{FileLink, FileLinkError};
use self::{
    disk::Disk,
    memory::Memory,
    multipart::{DiskUploads, MemoryUploads},
    signing::LinkSigner,
};
use crate::{
    domain::{FileInfo, ObjectKey},
    ports::{
        Clock, FileStore, MAX_PARTS, PresignedPost, SignedRequest, StoreError, SystemClock,
        UploadedPart,
    },
    post_policy::{self, PostPolicy, PostPolicyError, SigningIdentity},
};

/// The largest upload the local runner takes, unless [`LocalFileStore::with_max_upload`].
pub const DEFAULT_MAX_UPLOAD: usize = 100 * 1024 * 1024;
/// As on S3, where a SigV4 presigned request lasts at most seven days.
const MAX_EXPIRY: Duration = Duration::from_secs(7 * 24 * 60 * 60);
/// Where the local runner takes upload forms (`portal_infra::files_server`).
pub const POST_ROUTE: &str = "/_local/uploads";
/// The names a local form is signed under, standing in for a bucket, a key id and a region.
const POST_BUCKET: &str = "portal-local";
const POST_ACCESS_KEY: &str = "PORTALLOCAL";
const POST_REGION: &str = "local";
/// In the data directory, so links survive a restart.
const SECRET_FILE: &str = "files.secret";

pub struct LocalFileStore {
    base_url: Url,
    storage: Storage,
    signer: LinkSigner,
    /// Signs and checks upload forms with S3's own POST-policy code, under a secret of the
    /// twin's (derived from the link secret, so it too survives a restart).
    post_identity: SigningIdentity,
    clock: Arc<dyn Clock>,
    max_upload: usize,
}

enum Storage {
    Memory(Memory, MemoryUploads),
    Disk(Disk, DiskUploads),
}

impl LocalFileStore {
    /// Files in memory, with a secret of their own: links die with the process.
    /// `base_url` is where the local runner serves the file route, such as
    /// `http://127.0.0.1:3000`.
    pub fn in_memory(base_url: Url) -> Self {
        let secret = secret::random_secret().expect("the OS random source works");
        let storage = Storage::Memory(Memory::default(), MemoryUploads::default());
        Self::new(base_url, storage, secret)
    }

    /// Files under `{data_dir}/files/{key}`; the signing secret in `{data_dir}/files.secret`,
    /// made on first use (readable by the owner only) and shared by every process on the
    /// directory.
    pub fn open(data_dir: &Path, base_url: Url) -> anyhow::Result<Self> {
        let disk = Disk::open(data_dir)?;
        let uploads = DiskUploads::open(data_dir)?;
        let secret = secret::load_or_create_secret(&data_dir.join(SECRET_FILE))?;
        Ok(Self::new(base_url, Storage::Disk(disk, uploads), secret))
    }

    fn new(base_url: Url, storage: Storage, secret: [u8; 32]) -> Self {
        // A secret of its own for forms, so a form signature can never pass as a link's.
        let post_secret: String = Sha256::new_with_prefix(b"portal-local post policy")
            .chain_update(secret)
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        Self {
            base_url,
            storage,
            signer: LinkSigner::new(secret),
            post_identity: SigningIdentity {
                access_key_id: POST_ACCESS_KEY.to_owned(),
                secret_access_key: SecretString::from(post_secret),
                session_token: None,
                region: POST_REGION.to_owned(),
            },
            clock: Arc::new(SystemClock),
            max_upload: DEFAULT_MAX_UPLOAD,
        }
    }

    /// Time for signing and checking links (tests move it to see links expire).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    pub fn with_max_upload(mut self, bytes: usize) -> Self {
        self.max_upload = bytes;
        self
    }

    /// The largest upload the file route takes, in bytes.
    pub fn max_upload(&self) -> usize {
        self.max_upload
    }

    /// The folder the files are kept in, if they are kept on disk.
    pub fn folder(&self) -> Option<&Path> {
        match &self.storage {
            Storage::Memory(..) => None,
            Storage::Disk(disk, _) => Some(disk.folder()),
        }
    }

    /// Checks a request for `key` made with `method` (`PUT`, `GET`, ...), the link's `query`
    /// and, for an upload, the request's Content-Type, as S3 would check its presigned
    /// request.
    pub fn verify(
        &self,
        method: &str,
        key: &ObjectKey,
        query: &str,
        content_type: Option<&str>,
    ) -> Result<FileLink, FileLinkError> {
        self.signer
            .verify(method, key, query, content_type, self.clock.now())
    }

    /// Checks a `PUT` of a part of a multipart upload of `key`, carrying the link's `query`,
    /// as S3 checks a presigned UploadPart (signature, expiry, method), and answers the
    /// upload, the part's number (1 to 10,000) and the largest body the link allows.
    pub fn verify_part(
        &self,
        method: &str,
        key: &ObjectKey,
        query: &str,
    ) -> Result<(String, u16, u64), FileLinkError> {
        match self
            .signer
            .verify_part(method, key, query, self.clock.now())?
        {
            FileLink::Part {
                upload_id,
                number,
                max_size,
            } if (1..=MAX_PARTS).contains(&number) => Ok((upload_id, number, max_size)),
            _ => Err(FileLinkError::Malformed),
        }
    }

    /// Stores part `number` of the upload, replacing one sent before, and answers its ETag;
    /// [`StoreError::NotFound`] when `key` has no such upload.
    pub async fn write_part(
        &self,
        key: &ObjectKey,
        upload_id: &str,
        number: u16,
        bytes: Vec<u8>,
    ) -> Result<String, StoreError> {
        match &self.storage {
            Storage::Memory(_, uploads) => uploads.put_part(key, upload_id, number, bytes),
            Storage::Disk(_, uploads) => uploads.put_part(key, upload_id, number, &bytes).await,
        }
    }

    /// Where the local runner takes upload forms, as S3 takes them at the bucket's URL.
    pub fn post_url(&self) -> anyhow::Result<Url> {
        self.base_url
            .join(POST_ROUTE)
            .context("The base URL can't hold the upload route")
    }

    /// Checks an upload form (its fields besides the file, and the file's size) as S3 checks
    /// a POST policy, and answers the key and Content-Type the file may be stored under.
    pub fn verify_post(
        &self,
        fields: &[(String, String)],
        file_size: u64,
    ) -> Result<(ObjectKey, String), PostPolicyError> {
        let verified = post_policy::verify(
            fields,
            file_size,
            &self.post_identity,
            POST_BUCKET,
            self.clock.now(),
        )?;
        let key = ObjectKey::parse(&verified.key)
            .map_err(|_| PostPolicyError::ConditionFailed("key".to_owned()))?;
        Ok((key, verified.content_type))
    }

    /// Stores `bytes` under `key`, replacing what was there. On disk the file appears whole
    /// or not at all.
    pub async fn write(
        &self,
        key: &ObjectKey,
        content_type: &str,
        bytes: Vec<u8>,
    ) -> anyhow::Result<()> {
        match &self.storage {
            Storage::Memory(memory, _) => {
                memory.write(key, content_type, bytes);
                Ok(())
            }
            Storage::Disk(disk, _) => disk.write(key, content_type, &bytes).await,
        }
    }

    /// The file's bytes and what is known about it, or `None` when there is no such file.
    pub async fn read(&self, key: &ObjectKey) -> anyhow::Result<Option<(FileInfo, Vec<u8>)>> {
        match &self.storage {
            Storage::Memory(memory, _) => Ok(memory.read(key)),
            Storage::Disk(disk, _) => disk.read(key).await,
        }
    }

    fn sign(
        &self,
        key: &ObjectKey,
        link: &FileLink,
        expires_in: Duration,
    ) -> anyhow::Result<SignedRequest> {
        if expires_in > MAX_EXPIRY {
            bail!("A signed file request lasts at most seven days, as on S3");
        }
        // Whole seconds: the link carries a Unix time.
        let expires = self.clock.now().timestamp()
            + i64::try_from(expires_in.as_secs()).context("The expiry is out of range")?;
        let expires_at =
            DateTime::from_timestamp(expires, 0).context("The expiry is out of range")?;
        let url = self.signer.sign(&self.base_url, key, link, expires_at)?;
        Ok(SignedRequest {
            method: link.method().to_owned(),
            url: url.into(),
            headers: Vec::new(),
            expires_at,
        })
    }
}

/// What `http::HeaderValue` accepts (tab, and bytes from space up but DEL): the SDK can't
/// sign a header that can't be sent either, so neither does the twin.
fn is_header_value(text: &str) -> bool {
    text.bytes().all(|b| b == b'\t' || (b >= b' ' && b != 0x7f))
}

#[async_trait]
impl FileStore for LocalFileStore {
    async fn presign_upload(
        &self,
        key: &ObjectKey,
        content_type: &str,
        expires_in: Duration,
    ) -> Result<SignedRequest, StoreError> {
        if !is_header_value(content_type) {
            return Err(anyhow::anyhow!("The content type is not a valid header value").into());
        }
        let link = FileLink::Upload {
            content_type: content_type.to_owned(),
        };
        let mut request = self.sign(key, &link, expires_in)?;
        request.headers = vec![("content-type".to_owned(), content_type.to_owned())];
        Ok(request)
    }

    async fn presign_post(
        &self,
        key: &ObjectKey,
        content_type: &str,
        size: RangeInclusive<u64>,
        expires_in: Duration,
    ) -> Result<PresignedPost, StoreError> {
        if !is_header_value(content_type) {
            return Err(anyhow::anyhow!("The content type is not a valid form value").into());
        }
        if expires_in > MAX_EXPIRY {
            return Err(anyhow::anyhow!("A signed form lasts at most seven days, as on S3").into());
        }
        // Whole seconds, as `x-amz-date` has them.
        let signed_at = DateTime::from_timestamp(self.clock.now().timestamp(), 0)
            .context("The clock is out of range")?;
        let expires_at = signed_at
            + chrono::Duration::seconds(
                i64::try_from(expires_in.as_secs()).context("The expiry is out of range")?,
            );
        let policy = PostPolicy {
            bucket: POST_BUCKET.to_owned(),
            key: key.clone(),
            content_type: content_type.to_owned(),
            size,
            expires_at,
        };
        Ok(PresignedPost {
            url: self.post_url()?.into(),
            fields: policy.sign(&self.post_identity, signed_at),
            expires_at,
        })
    }

    async fn presign_download(
        &self,
        key: &ObjectKey,
        download_name: &str,
        expires_in: Duration,
    ) -> Result<SignedRequest, StoreError> {
        let link = FileLink::Download {
            download_name: download_name.to_owned(),
        };
        Ok(self.sign(key, &link, expires_in)?)
    }

    async fn head(&self, key: &ObjectKey) -> Result<Option<FileInfo>, StoreError> {
        match &self.storage {
            Storage::Memory(memory, _) => Ok(memory.head(key)),
            Storage::Disk(disk, _) => Ok(disk.head(key).await?),
        }
    }

    async fn read_prefix(
        &self,
        key: &ObjectKey,
        len: usize,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        let found = self.read(key).await?;
        Ok(found.map(|(_, mut bytes)| {
            bytes.truncate(len);
            bytes
        }))
    }

    /// The local twin has no malware scanner: locally, scanning is off (upload-events never
    /// waits for a verdict), so no file has one.
    async fn scan_status(&self, _key: &ObjectKey) -> Result<Option<String>, StoreError> {
        Ok(None)
    }

    async fn delete(&self, key: &ObjectKey) -> Result<(), StoreError> {
        match &self.storage {
            Storage::Memory(memory, _) => memory.delete(key),
            Storage::Disk(disk, _) => disk.delete(key).await?,
        }
        Ok(())
    }

    async fn create_multipart(
        &self,
        key: &ObjectKey,
        content_type: &str,
    ) -> Result<String, StoreError> {
        if !is_header_value(content_type) {
            return Err(anyhow::anyhow!("The content type is not a valid header value").into());
        }
        match &self.storage {
            Storage::Memory(_, uploads) => Ok(uploads.create(key, content_type)),
            Storage::Disk(_, uploads) => Ok(uploads.create(key, content_type).await?),
        }
    }

    async fn presign_part(
        &self,
        key: &ObjectKey,
        upload_id: &str,
        number: u16,
        max_size: u64,
        expires_in: Duration,
    ) -> Result<SignedRequest, StoreError> {
        if !(1..=MAX_PARTS).contains(&number) {
            return Err(anyhow::anyhow!("Parts are numbered 1 to 10,000, as on S3").into());
        }
        let link = FileLink::Part {
            upload_id: upload_id.to_owned(),
            number,
            max_size,
        };
        Ok(self.sign(key, &link, expires_in)?)
    }

    async fn list_parts(
        &self,
        key: &ObjectKey,
        upload_id: &str,
    ) -> Result<Vec<UploadedPart>, StoreError> {
        match &self.storage {
            Storage::Memory(_, uploads) => uploads.list(key, upload_id),
            Storage::Disk(_, uploads) => uploads.list(key, upload_id).await,
        }
    }

    async fn complete_multipart(
        &self,
        key: &ObjectKey,
        upload_id: &str,
        parts: &[UploadedPart],
    ) -> Result<String, StoreError> {
        match &self.storage {
            Storage::Memory(memory, uploads) => {
                let (content_type, bytes, etag) = uploads.complete(key, upload_id, parts)?;
                memory.write(key, &content_type, bytes);
                Ok(etag)
            }
            Storage::Disk(disk, uploads) => {
                let (content_type, joined, etag) = uploads.complete(key, upload_id, parts).await?;
                disk.place(key, &content_type, &joined).await?;
                Ok(etag)
            }
        }
    }

    async fn abort_multipart(&self, key: &ObjectKey, upload_id: &str) -> Result<(), StoreError> {
        match &self.storage {
            Storage::Memory(_, uploads) => {
                uploads.abort(key, upload_id);
                Ok(())
            }
            Storage::Disk(_, uploads) => uploads.abort(key, upload_id).await,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use chrono::Utc;

    use super::*;

    struct FixedClock(Mutex<DateTime<Utc>>);

    impl Clock for FixedClock {
        fn now(&self) -> DateTime<Utc> {
            *self.0.lock().unwrap()
        }
    }

    fn store() -> LocalFileStore {
        LocalFileStore::in_memory(Url::parse("http://127.0.0.1:3000").unwrap())
    }

    fn key() -> ObjectKey {
        ObjectKey::parse("tenants/t/uploads/f/Grüße aus Köln & Co.pdf").unwrap()
    }

    fn query(request: &SignedRequest) -> String {
        Url::parse(&request.url)
            .unwrap()
            .query()
            .unwrap()
            .to_owned()
    }

    #[tokio::test]
    async fn a_link_points_at_the_local_route_with_each_segment_encoded() {
        let store = store();
        let request = store
            .presign_upload(&key(), "application/pdf", Duration::from_secs(60))
            .await
            .unwrap();
        assert!(
            request.url.starts_with(
                "http://127.0.0.1:3000/_local/files/tenants/t/uploads/f/\
                 Gr%C3%BC%C3%9Fe%20aus%20K%C3%B6ln%20&%20Co.pdf?method=PUT&expires="
            ),
            "{}",
            request.url
        );
        assert_eq!(
            request.headers,
            [("content-type".to_owned(), "application/pdf".to_owned())]
        );
    }

    #[tokio::test]
    async fn a_link_works_until_its_expiry_and_not_from_then_on() {
        let start = DateTime::parse_from_rfc3339("2030-01-01T12:00:00.250Z")
            .unwrap()
            .with_timezone(&Utc);
        let clock = Arc::new(FixedClock(Mutex::new(start)));
        let store = store().with_clock(clock.clone());
        let request = store
            .presign_download(&key(), "a.pdf", Duration::from_secs(60))
            .await
            .unwrap();
        assert_eq!(request.expires_at.to_rfc3339(), "2030-01-01T12:01:00+00:00");

        *clock.0.lock().unwrap() = request.expires_at - chrono::Duration::milliseconds(1);
        assert!(store.verify("GET", &key(), &query(&request), None).is_ok());

        *clock.0.lock().unwrap() = request.expires_at;
        assert_eq!(
            store.verify("GET", &key(), &query(&request), None),
            Err(FileLinkError::Expired(request.expires_at))
        );
    }

    #[tokio::test]
    async fn an_expiry_beyond_seven_days_or_an_unsendable_content_type_is_refused() {
        let store = store();
        let long = store
            .presign_download(&key(), "a.pdf", MAX_EXPIRY + Duration::from_secs(1))
            .await;
        assert!(matches!(long, Err(StoreError::Unexpected(_))));
        let bad_type = store
            .presign_upload(&key(), "text/plain\r\nX-Evil: 1", Duration::from_secs(60))
            .await;
        assert!(matches!(bad_type, Err(StoreError::Unexpected(_))));
    }

    #[tokio::test]
    async fn a_link_from_one_store_fails_on_another_with_its_own_secret() {
        let request = store()
            .presign_download(&key(), "a.pdf", Duration::from_secs(60))
            .await
            .unwrap();
        assert_eq!(
            store().verify("GET", &key(), &query(&request), None),
            Err(FileLinkError::BadSignature)
        );
    }
}
