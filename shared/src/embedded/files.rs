//! The local twin of S3 for files: bytes in memory or under `{data_dir}/files/{key}`, and
//! signed links to the local runner's `/_local/files/{key}` that are checked as S3 checks a
//! presigned request: the signature, the expiry, the method and, for an upload, the
//! Content-Type. moto checks none of these, so this is where those rules are tested.
//!
//! A link is `{base_url}/_local/files/{key}?method=PUT&expires={unix}&ct={content type}&sig=…`
//! (a download has `dl={download name}` instead of `ct`), signed with HMAC-SHA256 under a
//! random 32-byte secret kept in `{data_dir}/files.secret`, so links survive a restart.

use std::{
    collections::HashMap,
    io::Write,
    path::{Component, Path, PathBuf},
    sync::{Arc, Mutex},
    time::Duration,
};

use anyhow::{Context, anyhow, bail};
use async_trait::async_trait;
use axum::{
    Router,
    body::Bytes,
    extract::{DefaultBodyLimit, FromRequest, FromRequestParts, Path as RoutePath, Request, State},
    http::{HeaderValue, Method, StatusCode, header, request::Parts},
    response::{IntoResponse, Response},
    routing::put,
};
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretBox};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use thiserror::Error;
use url::{Url, form_urlencoded};

use crate::{
    domain::{FileInfo, ObjectKey, object_key::attachment_disposition},
    http::{ApiError, Problem},
    ports::{Clock, FileStore, SignedRequest, StoreError, SystemClock},
};

type HmacSha256 = Hmac<Sha256>;

/// Where the local runner serves [`LocalFileStore::router`].
pub const ROUTE: &str = "/_local/files/{*key}";
/// The largest upload the local runner takes, unless [`LocalFileStore::with_max_upload`].
pub const DEFAULT_MAX_UPLOAD: usize = 100 * 1024 * 1024;
/// As on S3, where a SigV4 presigned request lasts at most seven days.
const MAX_EXPIRY: Duration = Duration::from_secs(7 * 24 * 60 * 60);
const SECRET_FILE: &str = "files.secret";
const FILES_FOLDER: &str = "files";
/// Content types, beside the files so that `files/` holds exactly the uploaded bytes.
const META_FOLDER: &str = "files-meta";
/// Changing the signed fields' layout changes this, so old links fail instead of misreading.
const SIGNATURE_VERSION: &str = "portal-local-files-v1";

pub struct LocalFileStore {
    base_url: Url,
    disk: Option<Disk>,
    memory: Mutex<HashMap<ObjectKey, Stored>>,
    secret: SecretBox<[u8; 32]>,
    clock: Arc<dyn Clock>,
    max_upload: usize,
}

struct Disk {
    files: PathBuf,
    meta: PathBuf,
}

#[derive(Clone)]
struct Stored {
    content_type: String,
    bytes: Bytes,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Meta {
    content_type: String,
}

/// What a checked link allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileLink {
    /// Store the request's body; its Content-Type was checked to be this one.
    Upload { content_type: String },
    /// Send the file, offered under this name.
    Download { download_name: String },
}

/// Why a link was refused; every one answers 403, as S3 does.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum FileLinkError {
    #[error("the link lacks its method, expiry, signature or file details, or repeats one")]
    Malformed,
    #[error("the link is for {signed}, not {used}")]
    WrongMethod { signed: String, used: String },
    #[error("the link's signature does not match")]
    BadSignature,
    #[error("the link expired at {0}")]
    Expired(DateTime<Utc>),
    #[error("the upload must be sent with Content-Type: {0}")]
    WrongContentType(String),
}

impl IntoResponse for FileLinkError {
    fn into_response(self) -> Response {
        Problem::new(
            StatusCode::FORBIDDEN,
            "file-link-refused",
            "The file link was refused",
        )
        .detail(format!("{}.", capitalized(&self.to_string())))
        .into_response()
    }
}

fn capitalized(sentence: &str) -> String {
    let mut chars = sentence.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

impl LocalFileStore {
    /// Files in memory, with a secret of their own: links die with the process.
    /// `base_url` is where the router is served, such as `http://127.0.0.1:3000`.
    pub fn in_memory(base_url: Url) -> Self {
        let secret = random_secret().expect("the OS random source works");
        Self::new(base_url, None, secret)
    }

    /// Files under `{data_dir}/files/{key}`; the signing secret in `{data_dir}/files.secret`,
    /// made on first use (readable by the owner only) and shared by every process on the
    /// directory.
    pub fn open(data_dir: &Path, base_url: Url) -> anyhow::Result<Self> {
        let disk = Disk {
            files: data_dir.join(FILES_FOLDER),
            meta: data_dir.join(META_FOLDER),
        };
        for folder in [&disk.files, &disk.meta] {
            std::fs::create_dir_all(folder)
                .with_context(|| format!("Failed to create the folder {}", folder.display()))?;
        }
        let secret = load_or_create_secret(&data_dir.join(SECRET_FILE))?;
        Ok(Self::new(base_url, Some(disk), secret))
    }

    fn new(base_url: Url, disk: Option<Disk>, secret: [u8; 32]) -> Self {
        Self {
            base_url,
            disk,
            memory: Mutex::new(HashMap::new()),
            secret: SecretBox::new(Box::new(secret)),
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

    /// The folder the files are kept in, if they are kept on disk.
    pub fn folder(&self) -> Option<&Path> {
        self.disk.as_ref().map(|d| d.files.as_path())
    }

    /// `PUT` and `GET` on [`ROUTE`], for the local runner to merge into its app.
    pub fn router(self: Arc<Self>) -> Router {
        let limit = self.max_upload;
        Router::new()
            .route(ROUTE, put(upload).get(download))
            // Overrides the runner's limit for JSON bodies on this route only.
            .layer(DefaultBodyLimit::max(limit))
            .with_state(self)
    }

    /// Checks a request for `key` made with `method`, the link's `query` and, for an
    /// upload, the request's Content-Type, as S3 would check its presigned request.
    pub fn verify(
        &self,
        method: &Method,
        key: &ObjectKey,
        query: &str,
        content_type: Option<&str>,
    ) -> Result<FileLink, FileLinkError> {
        let mut params = HashMap::new();
        for (name, value) in form_urlencoded::parse(query.as_bytes()) {
            if params.insert(name, value).is_some() {
                return Err(FileLinkError::Malformed);
            }
        }
        let param = |name: &str| params.get(name).map(|v| v.as_ref());
        let signed_method = param("method").ok_or(FileLinkError::Malformed)?;
        let expires: i64 = param("expires")
            .and_then(|e| e.parse().ok())
            .ok_or(FileLinkError::Malformed)?;
        let signature = param("sig")
            .and_then(from_hex)
            .ok_or(FileLinkError::Malformed)?;
        let detail = match signed_method {
            "PUT" => param("ct"),
            "GET" => param("dl"),
            _ => None,
        }
        .ok_or(FileLinkError::Malformed)?;

        if signed_method != method.as_str() {
            return Err(FileLinkError::WrongMethod {
                signed: signed_method.to_owned(),
                used: method.to_string(),
            });
        }
        self.mac(signed_method, key, expires, detail)
            .verify_slice(&signature)
            .map_err(|_| FileLinkError::BadSignature)?;
        let expires_at = DateTime::from_timestamp(expires, 0).ok_or(FileLinkError::Malformed)?;
        if self.clock.now() >= expires_at {
            return Err(FileLinkError::Expired(expires_at));
        }
        if signed_method == "GET" {
            return Ok(FileLink::Download {
                download_name: detail.to_owned(),
            });
        }
        // S3 compares the signed header after trimming it, and so does this.
        if content_type.map(str::trim) != Some(detail) {
            return Err(FileLinkError::WrongContentType(detail.to_owned()));
        }
        Ok(FileLink::Upload {
            content_type: detail.to_owned(),
        })
    }

    /// Stores `bytes` under `key`, replacing what was there. On disk the file appears whole
    /// or not at all.
    pub async fn write(
        &self,
        key: &ObjectKey,
        content_type: &str,
        bytes: Bytes,
    ) -> anyhow::Result<()> {
        let Some(disk) = &self.disk else {
            let stored = Stored {
                content_type: content_type.to_owned(),
                bytes,
            };
            self.lock_memory().insert(key.clone(), stored);
            return Ok(());
        };
        let meta = serde_json::to_vec(&Meta {
            content_type: content_type.to_owned(),
        })
        .context("Failed to serialize a file's content type")?;
        write_atomically(&local_path(&disk.files, key, "")?, &bytes).await?;
        write_atomically(&local_path(&disk.meta, key, ".json")?, &meta).await?;
        Ok(())
    }

    /// The file's bytes and what is known about it, or `None` when there is no such file.
    pub async fn read(&self, key: &ObjectKey) -> anyhow::Result<Option<(FileInfo, Bytes)>> {
        let Some(disk) = &self.disk else {
            return Ok(self.lock_memory().get(key).map(|stored| {
                let info = FileInfo {
                    size: stored.bytes.len() as u64,
                    content_type: Some(stored.content_type.clone()),
                };
                (info, stored.bytes.clone())
            }));
        };
        let path = local_path(&disk.files, key, "")?;
        let bytes = match tokio::fs::read(&path).await {
            Ok(bytes) => Bytes::from(bytes),
            Err(e) if is_absent(&e) => return Ok(None),
            Err(e) => return Err(e).with_context(|| format!("Failed to read {}", path.display())),
        };
        let info = FileInfo {
            size: bytes.len() as u64,
            content_type: self.content_type_on_disk(disk, key).await?,
        };
        Ok(Some((info, bytes)))
    }

    async fn content_type_on_disk(
        &self,
        disk: &Disk,
        key: &ObjectKey,
    ) -> anyhow::Result<Option<String>> {
        let path = local_path(&disk.meta, key, ".json")?;
        match tokio::fs::read(&path).await {
            Ok(bytes) => {
                let meta: Meta = serde_json::from_slice(&bytes)
                    .with_context(|| format!("Failed to parse {}", path.display()))?;
                Ok(Some(meta.content_type))
            }
            Err(e) if is_absent(&e) => Ok(None),
            Err(e) => Err(e).with_context(|| format!("Failed to read {}", path.display())),
        }
    }

    fn lock_memory(&self) -> std::sync::MutexGuard<'_, HashMap<ObjectKey, Stored>> {
        // A panic elsewhere can't leave a map entry half-written: the data stays usable.
        self.memory.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn mac(&self, method: &str, key: &ObjectKey, expires: i64, detail: &str) -> HmacSha256 {
        let mut mac = HmacSha256::new_from_slice(self.secret.expose_secret())
            .expect("HMAC takes keys of any length");
        // Each field with its length in front, so no two field lists sign the same bytes.
        let expires = expires.to_string();
        for field in [SIGNATURE_VERSION, method, key.as_str(), &expires, detail] {
            mac.update(field.len().to_string().as_bytes());
            mac.update(b":");
            mac.update(field.as_bytes());
        }
        mac
    }

    fn sign(
        &self,
        method: &str,
        key: &ObjectKey,
        expires_in: Duration,
        (detail_name, detail): (&str, &str),
    ) -> anyhow::Result<SignedRequest> {
        if expires_in > MAX_EXPIRY {
            bail!("A signed file request lasts at most seven days, as on S3");
        }
        let expires = self.clock.now().timestamp()
            + i64::try_from(expires_in.as_secs()).context("The expiry is out of range")?;
        let expires_at =
            DateTime::from_timestamp(expires, 0).context("The expiry is out of range")?;
        let signature = to_hex(
            &self
                .mac(method, key, expires, detail)
                .finalize()
                .into_bytes(),
        );

        let mut url = self.base_url.clone();
        url.path_segments_mut()
            .map_err(|()| anyhow!("The base URL {} can't have a path", self.base_url))?
            .pop_if_empty()
            .extend(["_local", "files"])
            .extend(key.segments());
        url.query_pairs_mut()
            .clear()
            .append_pair("method", method)
            .append_pair("expires", &expires.to_string())
            .append_pair(detail_name, detail)
            .append_pair("sig", &signature);
        url.set_fragment(None);
        Ok(SignedRequest {
            method: method.to_owned(),
            url: url.into(),
            headers: Vec::new(),
            expires_at,
        })
    }
}

#[async_trait]
impl FileStore for LocalFileStore {
    async fn presign_upload(
        &self,
        key: &ObjectKey,
        content_type: &str,
        expires_in: Duration,
    ) -> Result<SignedRequest, StoreError> {
        // The SDK can't sign a header that can't be sent either.
        HeaderValue::from_str(content_type)
            .context("The content type is not a valid header value")?;
        let mut request = self.sign("PUT", key, expires_in, ("ct", content_type))?;
        request.headers = vec![("content-type".to_owned(), content_type.to_owned())];
        Ok(request)
    }

    async fn presign_download(
        &self,
        key: &ObjectKey,
        download_name: &str,
        expires_in: Duration,
    ) -> Result<SignedRequest, StoreError> {
        Ok(self.sign("GET", key, expires_in, ("dl", download_name))?)
    }

    async fn head(&self, key: &ObjectKey) -> Result<Option<FileInfo>, StoreError> {
        let Some(disk) = &self.disk else {
            return Ok(self.lock_memory().get(key).map(|stored| FileInfo {
                size: stored.bytes.len() as u64,
                content_type: Some(stored.content_type.clone()),
            }));
        };
        let path = local_path(&disk.files, key, "")?;
        let size = match tokio::fs::metadata(&path).await {
            Ok(m) if m.is_file() => m.len(),
            Ok(_) => return Ok(None),
            Err(e) if is_absent(&e) => return Ok(None),
            Err(e) => {
                return Err(anyhow::Error::new(e)
                    .context(format!("Failed to look up {}", path.display()))
                    .into());
            }
        };
        Ok(Some(FileInfo {
            size,
            content_type: self.content_type_on_disk(disk, key).await?,
        }))
    }

    async fn delete(&self, key: &ObjectKey) -> Result<(), StoreError> {
        let Some(disk) = &self.disk else {
            self.lock_memory().remove(key);
            return Ok(());
        };
        for path in [
            local_path(&disk.files, key, "")?,
            local_path(&disk.meta, key, ".json")?,
        ] {
            match tokio::fs::remove_file(&path).await {
                Ok(()) => {}
                Err(e) if is_absent(&e) => {}
                Err(e) => {
                    return Err(anyhow::Error::new(e)
                        .context(format!("Failed to delete {}", path.display()))
                        .into());
                }
            }
        }
        Ok(())
    }
}

/// What the file routes answer besides the file itself.
enum RouteError {
    Link(FileLinkError),
    NotFound,
    TooLarge(usize),
    Unreadable(String),
    Unexpected(anyhow::Error),
}

impl From<FileLinkError> for RouteError {
    fn from(e: FileLinkError) -> Self {
        RouteError::Link(e)
    }
}

impl From<anyhow::Error> for RouteError {
    fn from(e: anyhow::Error) -> Self {
        RouteError::Unexpected(e)
    }
}

impl IntoResponse for RouteError {
    fn into_response(self) -> Response {
        match self {
            RouteError::Link(e) => e.into_response(),
            RouteError::NotFound => {
                Problem::new(StatusCode::NOT_FOUND, "file-not-found", "No such file")
                    .detail("Nothing is stored under this key.")
                    .into_response()
            }
            RouteError::TooLarge(limit) => Problem::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload-too-large",
                "The file is too large",
            )
            .detail(format!("Upload at most {limit} bytes."))
            .into_response(),
            RouteError::Unreadable(detail) => Problem::new(
                StatusCode::BAD_REQUEST,
                "unreadable-body",
                "The file could not be received",
            )
            .detail(detail)
            .into_response(),
            RouteError::Unexpected(e) => ApiError::Unexpected(e).into_response(),
        }
    }
}

/// The key from the path; a path that is no valid key names no file.
async fn route_key(
    parts: &mut Parts,
    store: &Arc<LocalFileStore>,
) -> Result<ObjectKey, RouteError> {
    let RoutePath(raw) = RoutePath::<String>::from_request_parts(parts, store)
        .await
        .map_err(|_| RouteError::NotFound)?;
    ObjectKey::parse(&raw).map_err(|_| RouteError::NotFound)
}

/// The link is checked before the body is read, so a refused upload costs nothing.
async fn upload(
    State(store): State<Arc<LocalFileStore>>,
    request: Request,
) -> Result<StatusCode, RouteError> {
    let (mut parts, body) = request.into_parts();
    let key = route_key(&mut parts, &store).await?;
    let sent_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    let link = store.verify(
        &parts.method,
        &key,
        parts.uri.query().unwrap_or_default(),
        sent_type,
    )?;
    let FileLink::Upload { content_type } = link else {
        return Err(FileLinkError::Malformed.into());
    };
    // Reads up to the route's DefaultBodyLimit.
    let bytes = Bytes::from_request(Request::from_parts(parts, body), &())
        .await
        .map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                RouteError::TooLarge(store.max_upload)
            } else {
                RouteError::Unreadable(rejection.body_text())
            }
        })?;
    store
        .write(&key, &content_type, bytes)
        .await
        .context("Failed to store an uploaded file")?;
    Ok(StatusCode::OK)
}

async fn download(
    State(store): State<Arc<LocalFileStore>>,
    request: Request,
) -> Result<Response, RouteError> {
    let (mut parts, _body) = request.into_parts();
    let key = route_key(&mut parts, &store).await?;
    let link = store.verify(
        &parts.method,
        &key,
        parts.uri.query().unwrap_or_default(),
        None,
    )?;
    let FileLink::Download { download_name } = link else {
        return Err(FileLinkError::Malformed.into());
    };
    let (info, bytes) = store
        .read(&key)
        .await
        .context("Failed to read a file for download")?
        .ok_or(RouteError::NotFound)?;
    let content_type = info
        .content_type
        .and_then(|t| HeaderValue::from_str(&t).ok())
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    let disposition = HeaderValue::from_str(&attachment_disposition(&download_name))
        .context("A Content-Disposition was not a valid header value")?;
    Ok((
        [
            (header::CONTENT_TYPE, content_type),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}

/// The key as a path under `root`, each segment one plain file or folder name; `suffix` is
/// added to the last one.
fn local_path(root: &Path, key: &ObjectKey, suffix: &str) -> anyhow::Result<PathBuf> {
    let mut path = root.to_path_buf();
    let segments: Vec<&str> = key.segments().collect();
    for (i, segment) in segments.iter().enumerate() {
        let name = if i + 1 == segments.len() {
            format!("{segment}{suffix}")
        } else {
            (*segment).to_owned()
        };
        // Keys are free of `..` and separators already; this also refuses what only some
        // systems read as more than a name (a drive prefix like `C:` on Windows).
        let mut components = Path::new(&name).components();
        match (components.next(), components.next()) {
            (Some(Component::Normal(_)), None) => path.push(name),
            _ => bail!("The key {key} can't be stored as a local file"),
        }
    }
    Ok(path)
}

/// Whether an I/O error means the file isn't there (a folder is no file, and neither is a
/// path through a file).
fn is_absent(e: &std::io::Error) -> bool {
    use std::io::ErrorKind::{IsADirectory, NotADirectory, NotFound};
    matches!(e.kind(), NotFound | IsADirectory | NotADirectory)
}

/// Writes to a hidden temporary file beside `path` and renames it into place, so readers
/// never see half a file.
async fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let folder = path.parent().context("A file path has no folder")?;
    tokio::fs::create_dir_all(folder)
        .await
        .with_context(|| format!("Failed to create the folder {}", folder.display()))?;
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .context("A file path has no name")?;
    let tmp = folder.join(format!(".{name}.{}.tmp", ulid::Ulid::new()));
    tokio::fs::write(&tmp, bytes)
        .await
        .with_context(|| format!("Failed to write {}", tmp.display()))?;
    if let Err(e) = tokio::fs::rename(&tmp, path).await {
        let _ = tokio::fs::remove_file(&tmp).await;
        return Err(e).with_context(|| format!("Failed to move a file into {}", path.display()));
    }
    Ok(())
}

fn random_secret() -> anyhow::Result<[u8; 32]> {
    let mut secret = [0u8; 32];
    getrandom::fill(&mut secret).map_err(|e| anyhow!("the OS random source failed: {e}"))?;
    Ok(secret)
}

/// Reads the secret, or makes it: written to a private temporary file, then linked into
/// place, which fails if another process got there first (and then its secret is used).
fn load_or_create_secret(path: &Path) -> anyhow::Result<[u8; 32]> {
    let read = |path: &Path| -> anyhow::Result<Option<[u8; 32]>> {
        match std::fs::read(path) {
            Ok(bytes) => bytes.try_into().map(Some).map_err(|_| {
                anyhow!(
                    "{} is not a 32-byte secret. Delete it and a new one is made (links \
                     signed with the old one stop working).",
                    path.display()
                )
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e).with_context(|| format!("Failed to read {}", path.display())),
        }
    };
    if let Some(secret) = read(path)? {
        return Ok(secret);
    }
    let secret = random_secret()?;
    let tmp = path.with_extension(format!("{}.tmp", ulid::Ulid::new()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let written = options
        .open(&tmp)
        .and_then(|mut file| file.write_all(&secret).and_then(|()| file.sync_all()))
        .with_context(|| format!("Failed to write {}", tmp.display()));
    let linked = written.and_then(|()| match std::fs::hard_link(&tmp, path) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(e).with_context(|| format!("Failed to create {}", path.display())),
    });
    let _ = std::fs::remove_file(&tmp);
    if linked? {
        return Ok(secret);
    }
    read(path)?.with_context(|| format!("{} vanished while it was read", path.display()))
}

fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Strict hex: an even number of hex digits and nothing else.
fn from_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
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

    /// The link's query with one parameter's value replaced (or removed with `None`).
    fn with_param(query: &str, name: &str, value: Option<&str>) -> String {
        let mut out = form_urlencoded::Serializer::new(String::new());
        for (k, v) in form_urlencoded::parse(query.as_bytes()) {
            match (k == name, value) {
                (false, _) => {
                    out.append_pair(&k, &v);
                }
                (true, Some(value)) => {
                    out.append_pair(&k, value);
                }
                (true, None) => {}
            }
        }
        out.finish()
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
    async fn an_upload_link_verifies_for_its_method_key_and_content_type() {
        let store = store();
        let request = store
            .presign_upload(&key(), "application/pdf", Duration::from_secs(60))
            .await
            .unwrap();
        let verdict = store.verify(
            &Method::PUT,
            &key(),
            &query(&request),
            Some("application/pdf"),
        );
        assert_eq!(
            verdict,
            Ok(FileLink::Upload {
                content_type: "application/pdf".into()
            })
        );
    }

    #[tokio::test]
    async fn a_download_link_verifies_and_carries_its_download_name() {
        let store = store();
        let request = store
            .presign_download(&key(), "Angebot Ä.pdf", Duration::from_secs(60))
            .await
            .unwrap();
        let verdict = store.verify(&Method::GET, &key(), &query(&request), None);
        assert_eq!(
            verdict,
            Ok(FileLink::Download {
                download_name: "Angebot Ä.pdf".into()
            })
        );
    }

    #[tokio::test]
    async fn every_changed_or_missing_part_of_a_link_is_refused() {
        let store = store();
        let request = store
            .presign_upload(&key(), "application/pdf", Duration::from_secs(60))
            .await
            .unwrap();
        let good = query(&request);
        let other_key = ObjectKey::parse("tenants/t/uploads/f/other.pdf").unwrap();
        let cases = [
            (
                with_param(&good, "ct", Some("text/html")),
                key(),
                "text/html",
                FileLinkError::BadSignature,
            ),
            (
                with_param(&good, "expires", Some("99999999999")),
                key(),
                "application/pdf",
                FileLinkError::BadSignature,
            ),
            (
                with_param(&good, "sig", Some(&"0".repeat(64))),
                key(),
                "application/pdf",
                FileLinkError::BadSignature,
            ),
            (
                good.clone(),
                other_key,
                "application/pdf",
                FileLinkError::BadSignature,
            ),
            (
                with_param(&good, "sig", Some("xyz")),
                key(),
                "application/pdf",
                FileLinkError::Malformed,
            ),
            (
                with_param(&good, "sig", None),
                key(),
                "application/pdf",
                FileLinkError::Malformed,
            ),
            (
                with_param(&good, "expires", None),
                key(),
                "application/pdf",
                FileLinkError::Malformed,
            ),
            (
                with_param(&good, "ct", None),
                key(),
                "application/pdf",
                FileLinkError::Malformed,
            ),
            (
                with_param(&good, "method", Some("DELETE")),
                key(),
                "application/pdf",
                FileLinkError::Malformed,
            ),
            (
                format!("{good}&sig=00"),
                key(),
                "application/pdf",
                FileLinkError::Malformed,
            ),
            (
                String::new(),
                key(),
                "application/pdf",
                FileLinkError::Malformed,
            ),
        ];
        for (query, key, content_type, expected) in cases {
            let verdict = store.verify(&Method::PUT, &key, &query, Some(content_type));
            assert_eq!(verdict, Err(expected), "{query}");
        }
    }

    #[tokio::test]
    async fn a_link_used_with_another_method_is_refused_as_such() {
        let store = store();
        let request = store
            .presign_download(&key(), "a.pdf", Duration::from_secs(60))
            .await
            .unwrap();
        let verdict = store.verify(&Method::PUT, &key(), &query(&request), Some("a/b"));
        assert_eq!(
            verdict,
            Err(FileLinkError::WrongMethod {
                signed: "GET".into(),
                used: "PUT".into()
            })
        );
    }

    #[tokio::test]
    async fn an_upload_with_another_or_no_content_type_is_refused() {
        let store = store();
        let request = store
            .presign_upload(&key(), "application/pdf", Duration::from_secs(60))
            .await
            .unwrap();
        for sent in [
            Some("text/html"),
            Some("application/pdf; charset=utf-8"),
            None,
        ] {
            let verdict = store.verify(&Method::PUT, &key(), &query(&request), sent);
            assert_eq!(
                verdict,
                Err(FileLinkError::WrongContentType("application/pdf".into())),
                "{sent:?}"
            );
        }
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
        assert!(
            store
                .verify(&Method::GET, &key(), &query(&request), None)
                .is_ok()
        );

        *clock.0.lock().unwrap() = request.expires_at;
        assert_eq!(
            store.verify(&Method::GET, &key(), &query(&request), None),
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
            store().verify(&Method::GET, &key(), &query(&request), None),
            Err(FileLinkError::BadSignature)
        );
    }

    #[test]
    fn the_secret_is_made_once_private_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(SECRET_FILE);
        let first = load_or_create_secret(&path).unwrap();
        let again = load_or_create_secret(&path).unwrap();
        assert_eq!(first, again);
        assert_ne!(first, [0u8; 32]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let leftovers = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(leftovers, 1, "no temporary file is left");
    }

    #[test]
    fn a_damaged_secret_file_is_reported_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(SECRET_FILE);
        std::fs::write(&path, b"short").unwrap();
        let err = load_or_create_secret(&path).unwrap_err();
        assert!(err.to_string().contains("not a 32-byte secret"), "{err}");
        assert_eq!(std::fs::read(&path).unwrap(), b"short");
    }

    #[test]
    fn hex_round_trips_and_only_strict_hex_is_read() {
        assert_eq!(to_hex(&[0, 15, 255]), "000fff");
        assert_eq!(from_hex("000fff"), Some(vec![0, 15, 255]));
        assert_eq!(from_hex("000FFF"), Some(vec![0, 15, 255]));
        for bad in ["0", "+f", "zz", "ä0"] {
            assert_eq!(from_hex(bad), None, "{bad}");
        }
    }
}
