//! The local runner's stand-in for S3's endpoint: `PUT` and `GET` on the links that
//! [`LocalFileStore`] signs, and `POST` of the upload forms it signs (checked as S3 checks a
//! POST policy: signature, expiry, exact key and Content-Type, size range). The store checks a link and keeps the bytes; this module is
//! only the HTTP around it (the route, the body limit, the headers, the problem+json
//! answers), so that the embedded adapter knows no HTTP types.

use std::sync::Arc;

use anyhow::Context;
use axum::{
    Router,
    body::Bytes,
    extract::Multipart,
    extract::{DefaultBodyLimit, FromRequest, FromRequestParts, Path, Request, State},
    http::{HeaderValue, StatusCode, header, request::Parts},
    response::{IntoResponse, Response},
    routing::{post, put},
};
use std::time::Duration;

use portal::{
    domain::{FileInfo, ObjectKey, object_key::attachment_disposition},
    embedded::{
        LocalFileStore,
        files::{FileLink, FileLinkError, POST_ROUTE},
    },
    http::{ApiError, Problem},
    ports::{FileStore, PresignedPost, SignedRequest, StoreError, UploadedPart},
    post_policy::PostPolicyError,
};

/// Where the store's links point, under its base URL.
pub const ROUTE: &str = "/_local/files/{*key}";
/// Where its links to parts of multipart uploads point.
pub const PART_ROUTE: &str = "/_local/uploads/parts/{*key}";

/// Told of every upload the routes stored, as S3 tells the upload-events function.
#[async_trait::async_trait]
pub trait UploadListener: Send + Sync {
    async fn uploaded(&self, key: &ObjectKey, etag: String);
}

/// The file store the local runner's functions use: every call goes to the store, and a
/// completed multipart upload is told to `listener` before the call answers, as S3 sends
/// `ObjectCreated:CompleteMultipartUpload` for it (completing is an API call of the uploads
/// function, not a request to the part route, so the route can't tell).
pub struct CompletionEvents {
    pub store: Arc<dyn FileStore>,
    pub listener: Arc<dyn UploadListener>,
}

#[async_trait::async_trait]
impl FileStore for CompletionEvents {
    async fn presign_upload(
        &self,
        key: &ObjectKey,
        content_type: &str,
        expires_in: Duration,
    ) -> Result<SignedRequest, StoreError> {
        self.store
            .presign_upload(key, content_type, expires_in)
            .await
    }

    async fn presign_post(
        &self,
        key: &ObjectKey,
        content_type: &str,
        size: std::ops::RangeInclusive<u64>,
        expires_in: Duration,
    ) -> Result<PresignedPost, StoreError> {
        self.store
            .presign_post(key, content_type, size, expires_in)
            .await
    }

    async fn presign_download(
        &self,
        key: &ObjectKey,
        download_name: &str,
        expires_in: Duration,
    ) -> Result<SignedRequest, StoreError> {
        self.store
            .presign_download(key, download_name, expires_in)
            .await
    }

    async fn head(&self, key: &ObjectKey) -> Result<Option<FileInfo>, StoreError> {
        self.store.head(key).await
    }

    async fn read_prefix(
        &self,
        key: &ObjectKey,
        len: usize,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        self.store.read_prefix(key, len).await
    }

    async fn scan_status(&self, key: &ObjectKey) -> Result<Option<String>, StoreError> {
        self.store.scan_status(key).await
    }

    async fn delete(&self, key: &ObjectKey) -> Result<(), StoreError> {
        self.store.delete(key).await
    }

    async fn create_multipart(
        &self,
        key: &ObjectKey,
        content_type: &str,
    ) -> Result<String, StoreError> {
        self.store.create_multipart(key, content_type).await
    }

    async fn presign_part(
        &self,
        key: &ObjectKey,
        upload_id: &str,
        number: u16,
        max_size: u64,
        expires_in: Duration,
    ) -> Result<SignedRequest, StoreError> {
        self.store
            .presign_part(key, upload_id, number, max_size, expires_in)
            .await
    }

    async fn list_parts(
        &self,
        key: &ObjectKey,
        upload_id: &str,
    ) -> Result<Vec<UploadedPart>, StoreError> {
        self.store.list_parts(key, upload_id).await
    }

    async fn complete_multipart(
        &self,
        key: &ObjectKey,
        upload_id: &str,
        parts: &[UploadedPart],
    ) -> Result<String, StoreError> {
        let etag = self.store.complete_multipart(key, upload_id, parts).await?;
        self.listener.uploaded(key, etag.clone()).await;
        Ok(etag)
    }

    async fn abort_multipart(&self, key: &ObjectKey, upload_id: &str) -> Result<(), StoreError> {
        self.store.abort_multipart(key, upload_id).await
    }
}

#[derive(Clone)]
struct Files {
    store: Arc<LocalFileStore>,
    listener: Option<Arc<dyn UploadListener>>,
}

impl axum::extract::FromRef<Files> for Arc<LocalFileStore> {
    fn from_ref(files: &Files) -> Self {
        files.store.clone()
    }
}

/// `PUT` and `GET` on [`ROUTE`], `POST` on [`POST_ROUTE`], for the local runner to merge
/// into its app.
pub fn router(store: Arc<LocalFileStore>) -> Router {
    router_with(store, None)
}

/// [`router`], telling `listener` of each stored upload before answering (the local runner
/// runs the upload-events handler there, in-process).
pub fn router_with(
    store: Arc<LocalFileStore>,
    listener: Option<Arc<dyn UploadListener>>,
) -> Router {
    let limit = store.max_upload();
    Router::new()
        .route(ROUTE, put(upload).get(download))
        .route(POST_ROUTE, post(upload_form))
        .route(PART_ROUTE, put(upload_part))
        // Overrides the runner's limit for JSON bodies on this route only.
        .layer(DefaultBodyLimit::max(limit))
        .with_state(Files { store, listener })
}

/// An ETag for stored bytes, as S3 gives one (a digest of the content, quoted).
fn etag(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(bytes);
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}

/// What the file routes answer besides the file itself.
enum RouteError {
    /// 403, as S3 answers a refused presigned request.
    Link(FileLinkError),
    /// 403, or 400 for a size outside the range, as S3 answers a refused form.
    Form(PostPolicyError),
    NotFound,
    /// 404, as S3 answers a part for an upload that was completed or aborted.
    NoSuchUpload,
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
            RouteError::Link(e) => Problem::new(
                StatusCode::FORBIDDEN,
                "file-link-refused",
                "The file link was refused",
            )
            .detail(format!("{}.", capitalized(&e.to_string())))
            .into_response(),
            RouteError::Form(PostPolicyError::SizeOutOfRange) => Problem::new(
                StatusCode::BAD_REQUEST,
                "file-size-out-of-range",
                "The file's size is not allowed",
            )
            .detail("The file is larger or smaller than the upload form allows.")
            .into_response(),
            RouteError::Form(e) => Problem::new(
                StatusCode::FORBIDDEN,
                "upload-form-refused",
                "The upload form was refused",
            )
            .detail(format!("{}.", capitalized(&e.to_string())))
            .into_response(),
            RouteError::NotFound => {
                Problem::new(StatusCode::NOT_FOUND, "file-not-found", "No such file")
                    .detail("Nothing is stored under this key.")
                    .into_response()
            }
            RouteError::NoSuchUpload => Problem::new(
                StatusCode::NOT_FOUND,
                "no-such-upload",
                "No such multipart upload",
            )
            .detail("The upload was completed or aborted, or never started.")
            .into_response(),
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

fn capitalized(sentence: &str) -> String {
    let mut chars = sentence.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// The key from the path; a path that is no valid key names no file.
async fn route_key(
    parts: &mut Parts,
    store: &Arc<LocalFileStore>,
) -> Result<ObjectKey, RouteError> {
    let Path(raw) = Path::<String>::from_request_parts(parts, store)
        .await
        .map_err(|_| RouteError::NotFound)?;
    ObjectKey::parse(&raw).map_err(|_| RouteError::NotFound)
}

/// The link is checked before the body is read, so a refused upload costs nothing.
async fn upload(State(files): State<Files>, request: Request) -> Result<StatusCode, RouteError> {
    let store = files.store.clone();
    let (mut parts, body) = request.into_parts();
    let key = route_key(&mut parts, &store).await?;
    let sent_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    let link = store.verify(
        parts.method.as_str(),
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
                RouteError::TooLarge(store.max_upload())
            } else {
                RouteError::Unreadable(rejection.body_text())
            }
        })?;
    let tag = etag(&bytes);
    store
        .write(&key, &content_type, Vec::from(bytes))
        .await
        .context("Failed to store an uploaded file")?;
    if let Some(listener) = &files.listener {
        listener.uploaded(&key, tag).await;
    }
    Ok(StatusCode::OK)
}

/// A part of a multipart upload, as S3 takes a presigned UploadPart: the link is checked
/// (signature, expiry, method, part number) before the body is read, and the body may be no
/// larger than the link allows. Answers the part's ETag, which completing names.
async fn upload_part(State(files): State<Files>, request: Request) -> Result<Response, RouteError> {
    let store = files.store.clone();
    let (mut parts, body) = request.into_parts();
    let key = route_key(&mut parts, &store).await?;
    let (upload_id, number, max_size) = store.verify_part(
        parts.method.as_str(),
        &key,
        parts.uri.query().unwrap_or_default(),
    )?;
    let limit = usize::try_from(max_size)
        .unwrap_or(usize::MAX)
        .min(store.max_upload());
    let declared = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(RouteError::TooLarge(limit));
    }
    let bytes = Bytes::from_request(Request::from_parts(parts, body), &())
        .await
        .map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                RouteError::TooLarge(limit)
            } else {
                RouteError::Unreadable(rejection.body_text())
            }
        })?;
    if bytes.len() > limit {
        return Err(RouteError::TooLarge(limit));
    }
    let etag = match store
        .write_part(&key, &upload_id, number, Vec::from(bytes))
        .await
    {
        Ok(etag) => etag,
        Err(StoreError::NotFound) => return Err(RouteError::NoSuchUpload),
        Err(e) => {
            return Err(anyhow::Error::new(e)
                .context("Failed to store a part")
                .into());
        }
    };
    let etag = HeaderValue::from_str(&etag).context("A part's ETag is no header value")?;
    Ok((StatusCode::OK, [(header::ETAG, etag)]).into_response())
}

/// A `multipart/form-data` upload as S3 takes one: the form's fields, then the file, named
/// `file` (fields after it are ignored). Answers 204, S3's default.
async fn upload_form(
    State(files): State<Files>,
    mut form: Multipart,
) -> Result<StatusCode, RouteError> {
    let store = files.store.clone();
    let unreadable = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            RouteError::TooLarge(store.max_upload())
        } else {
            RouteError::Unreadable(e.body_text())
        }
    };
    let mut fields = Vec::new();
    let file = loop {
        let Some(field) = form.next_field().await.map_err(unreadable)? else {
            return Err(RouteError::Unreadable(
                "The form has no part named `file`.".to_owned(),
            ));
        };
        let name = field.name().unwrap_or_default().to_owned();
        if name == "file" {
            break field.bytes().await.map_err(unreadable)?;
        }
        let value = field.text().await.map_err(unreadable)?;
        fields.push((name, value));
    };
    let (key, content_type) = store
        .verify_post(&fields, file.len() as u64)
        .map_err(RouteError::Form)?;
    let tag = etag(&file);
    store
        .write(&key, &content_type, Vec::from(file))
        .await
        .context("Failed to store an uploaded file")?;
    if let Some(listener) = &files.listener {
        listener.uploaded(&key, tag).await;
    }
    Ok(StatusCode::NO_CONTENT)
}

async fn download(
    State(store): State<Arc<LocalFileStore>>,
    request: Request,
) -> Result<Response, RouteError> {
    let (mut parts, _body) = request.into_parts();
    let key = route_key(&mut parts, &store).await?;
    let link = store.verify(
        parts.method.as_str(),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn an_upload_is_signed_for_exactly_the_content_types_a_client_can_send() {
        // The store knows no HTTP types, so it has a rule of its own for what a header
        // value may hold; it must be the one the server (and the SDK) apply.
        let store = LocalFileStore::in_memory("http://127.0.0.1:3000".parse().unwrap());
        let key = ObjectKey::parse("tests/a.txt").unwrap();
        let characters = (0..=0x7f_u8).map(char::from).chain(['ä', '€', '\u{85}']);

        for c in characters {
            let content_type = format!("text/plain{c}x");
            let signed = store
                .presign_upload(&key, &content_type, Duration::from_secs(60))
                .await;
            let sendable = HeaderValue::from_str(&content_type).is_ok();
            assert_eq!(signed.is_ok(), sendable, "{content_type:?}");
        }
    }
}
