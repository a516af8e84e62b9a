//! Files between an agency and its customers: upload forms that go straight to S3, the file
//! list, a file's details, downloads by short presigned GET, and deletes. No file body passes
//! through the function. A customer reaches their own files; staff reach a customer's files
//! by `customerId` (see [`caller`]).

use axum::{
    Json, Router,
    extract::State,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{DateTime, Utc};
use portal::{
    domain::{CustomerId, FileId, FileRecord, FileState, TenantId, Uploader},
    http::{ApiError, Caller, JsonBody, PathParam, QueryParam, finish_router},
    ports::{PresignedPost, StoreError},
};
use serde::{Deserialize, Serialize, Serializer};

pub mod expiry;
mod links;
pub mod multipart;
pub mod owner;
mod page;
mod settings;
mod state;
pub mod upload;

pub use state::{Config, FILES_BUCKET, UploadsState};

use crate::owner::Owner;

/// Every route this function serves, as template.yaml and openapi.json name them.
pub const ROUTES: &[(&str, &str)] = &[
    ("POST", "/files/uploads"),
    ("GET", "/files"),
    ("GET", "/files/{fileId}"),
    ("DELETE", "/files/{fileId}"),
    ("GET", "/files/{fileId}/download"),
    ("POST", "/files/{fileId}/links"),
    ("GET", "/files/{fileId}/links"),
    ("DELETE", "/files/{fileId}/links/{linkId}"),
    ("GET", "/d/{token}"),
    ("GET", "/files/page"),
    ("POST", "/files/{fileId}/delete"),
    ("POST", "/files/{fileId}/share"),
    ("POST", "/files/{fileId}/links/{linkId}/revoke"),
    ("POST", "/files/{fileId}/parts"),
    ("GET", "/files/{fileId}/parts"),
    ("POST", "/files/{fileId}/complete"),
    ("DELETE", "/files/{fileId}/upload"),
    ("GET", "/file-settings"),
    ("PUT", "/file-settings"),
];

pub const DEFAULT_PAGE_SIZE: usize = 25;
pub const MAX_PAGE_SIZE: usize = 100;
/// How long a download link lasts: long enough to start the download, short enough that a
/// link copied out of the browser soon dies.
pub const DOWNLOAD_LIFETIME: std::time::Duration = std::time::Duration::from_secs(5 * 60);

/// The function's router, as Lambda runs it.
pub fn router(state: UploadsState) -> Router {
    finish_router(routes()).with_state(state)
}

/// The routes alone, for the local runner to merge with the other functions'.
pub fn routes() -> Router<UploadsState> {
    Router::new()
        .route("/files/uploads", post(start_upload))
        .route("/files", get(list))
        // The page; a static segment wins over `{fileId}`.
        .route("/files/page", get(page::show))
        .route("/files/{fileId}/delete", post(page::delete))
        .route("/files/{fileId}/share", post(page::share))
        .route("/files/{fileId}/links/{linkId}/revoke", post(page::revoke))
        .route("/files/{fileId}", get(read).delete(remove))
        .route("/files/{fileId}/download", get(download))
        .route(
            "/files/{fileId}/links",
            get(links::list).post(links::create),
        )
        .route(
            "/files/{fileId}/links/{linkId}",
            axum::routing::delete(links::revoke),
        )
        .route("/d/{token}", get(links::follow))
        .route("/files/{fileId}/parts", get(list_parts).post(sign_parts))
        .route("/files/{fileId}/complete", post(complete_upload))
        .route(
            "/files/{fileId}/upload",
            axum::routing::delete(abort_upload),
        )
        .route("/file-settings", get(settings::read).put(settings::save))
}

/// A file as the API shows it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FileView {
    pub id: FileId,
    pub customer_id: String,
    pub name: String,
    pub folder: String,
    pub content_type: String,
    /// What arrived, or what was declared while it is on its way.
    pub size: u64,
    pub state: FileState,
    /// `customer`, or `agency` for a file the agency shared.
    pub uploaded_by: &'static str,
    pub created_at: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uploaded_at: Option<DateTime<Utc>>,
    pub downloadable: bool,
}

impl From<&FileRecord> for FileView {
    fn from(f: &FileRecord) -> Self {
        Self {
            id: f.id,
            customer_id: f.customer_id.to_string(),
            name: f.name.clone(),
            folder: f.folder.clone(),
            content_type: f.content_type.clone(),
            size: f.size.unwrap_or(f.declared_size),
            state: f.state,
            uploaded_by: match f.uploaded_by {
                Uploader::Customer => "customer",
                Uploader::Agency { .. } => "agency",
            },
            created_at: f.created_at,
            uploaded_at: f.uploaded_at,
            downloadable: f.state.is_downloadable(),
        }
    }
}

/// The form a browser sends to upload: POST `url` with `fields` in this order, then the
/// file as the part `file`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct UploadForm {
    method: &'static str,
    url: String,
    #[serde(serialize_with = "in_order")]
    fields: Vec<(String, String)>,
    expires_at: DateTime<Utc>,
}

/// A JSON object whose members keep the form's order.
fn in_order<S: Serializer>(fields: &[(String, String)], s: S) -> Result<S::Ok, S::Error> {
    s.collect_map(fields.iter().map(|(k, v)| (k, v)))
}

impl From<PresignedPost> for UploadForm {
    fn from(post: PresignedPost) -> Self {
        Self {
            method: "POST",
            url: post.url,
            fields: post.fields,
            expires_at: post.expires_at,
        }
    }
}

/// How a large file is sent: in `partCount` parts of `partSize` bytes (the last one holds
/// the rest), each signed by `POST /files/{fileId}/parts`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct PartsPlan {
    part_size: u64,
    part_count: u64,
    max_batch: usize,
}

impl PartsPlan {
    fn of(file: &FileRecord, upload: &portal::domain::MultipartUpload) -> Self {
        Self {
            part_size: upload.part_size,
            part_count: upload.part_count(file.declared_size),
            max_batch: multipart::MAX_BATCH,
        }
    }
}

#[derive(Serialize)]
struct Started {
    file: FileView,
    #[serde(skip_serializing_if = "Option::is_none")]
    upload: Option<UploadForm>,
    #[serde(skip_serializing_if = "Option::is_none")]
    multipart: Option<PartsPlan>,
}

async fn start_upload(
    State(state): State<UploadsState>,
    caller: Caller,
    JsonBody(request): JsonBody<upload::UploadRequest>,
) -> Result<Response, ApiError> {
    let (owner, settings) = owner_with(&state, caller, request.customer_id.as_deref(), |t, _| {
        state.files.file_settings(t)
    })
    .await?;
    let now = state.clock.now();
    let started = upload::start(&state, owner, settings, request, now).await?;
    tracing::info!(
        tenant = %owner.tenant,
        customer = %owner.customer,
        file = %started.file.id,
        "upload started"
    );
    let location = format!("/files/{}", started.file.id);
    let mut response = (
        StatusCode::CREATED,
        Json(match started.upload {
            upload::Upload::Form(form) => Started {
                file: FileView::from(&started.file),
                upload: Some(form.into()),
                multipart: None,
            },
            upload::Upload::Parts(plan) => Started {
                file: FileView::from(&started.file),
                upload: None,
                multipart: Some(PartsPlan::of(&started.file, &plan)),
            },
        }),
    )
        .into_response();
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    Ok(response)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ListParams {
    customer_id: Option<String>,
    folder: Option<String>,
    limit: Option<String>,
    cursor: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct FileList {
    items: Vec<FileView>,
    next_cursor: Option<String>,
    /// Every folder of the customer, sorted (a folder exists once a file was put in it).
    folders: Vec<String>,
}

async fn list(
    State(state): State<UploadsState>,
    caller: Caller,
    QueryParam(params): QueryParam<ListParams>,
) -> Result<Json<FileList>, ApiError> {
    let limit =
        portal::http::page_limit(params.limit.as_deref(), DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)?;
    let folder = params
        .folder
        .as_deref()
        .map(portal::domain::file::folder_name)
        .transpose()
        .map_err(|_| {
            ApiError::invalid_parameter(
                "folder",
                "must be a folder name without slashes, at most 100 characters",
            )
        })?;
    let after = params.cursor.as_deref().map(decode_cursor).transpose()?;
    let folder = folder.as_deref();
    let (_, (page, folders)) = owner_with(&state, caller, params.customer_id.as_deref(), |t, c| {
        let files = &state.files;
        async move {
            tokio::try_join!(
                files.list_files(t, c, folder, after, limit),
                files.list_folders(t, c)
            )
        }
    })
    .await?;
    Ok(Json(FileList {
        items: page.items.iter().map(FileView::from).collect(),
        next_cursor: page.next.map(encode_cursor),
        folders,
    }))
}

/// [`Owner::of`], with `read` of the customer the request names run beside its check
/// (one round trip instead of two); `read`'s answer only once the check has passed.
pub(crate) async fn owner_with<T, E, Fut>(
    state: &UploadsState,
    caller: Caller,
    customer_id: Option<&str>,
    read: impl FnOnce(TenantId, CustomerId) -> Fut,
) -> Result<(Owner, T), ApiError>
where
    Fut: std::future::Future<Output = Result<T, E>>,
    ApiError: From<E>,
{
    let named = caller.named_unchecked(customer_id);
    let Some((tenant, customer)) = named.map(|customer| (caller.tenant(), customer)) else {
        // Nothing to read beside the check: it refuses the request.
        let owner = Owner::of(caller, state, customer_id).await?;
        let value = read(owner.tenant, owner.customer).await?;
        return Ok((owner, value));
    };
    let (owner, value) = tokio::join!(
        Owner::of(caller, state, customer_id),
        read(tenant, customer)
    );
    let owner = owner?;
    if (owner.tenant, owner.customer) != (tenant, customer) {
        return Err(anyhow::anyhow!("The checked customer is not the one named").into());
    }
    Ok((owner, value?))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct OwnerParams {
    customer_id: Option<String>,
}

async fn read(
    State(state): State<UploadsState>,
    caller: Caller,
    PathParam(id): PathParam<String>,
    QueryParam(params): QueryParam<OwnerParams>,
) -> Result<Json<FileView>, ApiError> {
    let owner = Owner::of(caller, &state, params.customer_id.as_deref()).await?;
    let file = load(&state, owner, &id).await?;
    Ok(Json(FileView::from(&file)))
}

/// Answers `303 See Other` to a short-lived presigned GET that offers the file under its
/// name, so a plain link downloads it (no script needed). A file that isn't `available` is
/// `409`.
async fn download(
    State(state): State<UploadsState>,
    caller: Caller,
    PathParam(id): PathParam<String>,
    QueryParam(params): QueryParam<OwnerParams>,
) -> Result<Response, ApiError> {
    let owner = Owner::of(caller, &state, params.customer_id.as_deref()).await?;
    let file = load(&state, owner, &id).await?;
    if !file.state.is_downloadable() {
        return Err(ApiError::FileNotDownloadable(file.state.as_str()));
    }
    let link = state
        .objects
        .presign_download(&file.key, &file.name, DOWNLOAD_LIFETIME)
        .await?;
    see_other(&link.url)
}

/// `303 See Other` to a signed download, never cached.
pub(crate) fn see_other(url: &str) -> Result<Response, ApiError> {
    let location = HeaderValue::from_str(url)
        .map_err(|e| anyhow::anyhow!(e).context("A download link is no header value"))?;
    Ok((
        StatusCode::SEE_OTHER,
        [
            (header::LOCATION, location),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
    )
        .into_response())
}

/// `DELETE /files/{fileId}`.
async fn remove(
    State(state): State<UploadsState>,
    caller: Caller,
    PathParam(id): PathParam<String>,
    QueryParam(params): QueryParam<OwnerParams>,
) -> Result<StatusCode, ApiError> {
    let owner = Owner::of(caller, &state, params.customer_id.as_deref()).await?;
    delete_file(&state, owner, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Deletes the bytes, then the record (a failure in between leaves a record whose delete
/// can be retried, never bytes nobody can see).
pub(crate) async fn delete_file(
    state: &UploadsState,
    owner: Owner,
    id: &str,
) -> Result<(), ApiError> {
    for _ in 0..3 {
        let file = load(state, owner, id).await?;
        state.objects.delete(&file.key).await?;
        match state.files.delete_file(&file).await {
            Ok(()) => {
                tracing::info!(tenant = %owner.tenant, customer = %owner.customer, file = %file.id, "file deleted");
                return Ok(());
            }
            // Changed meanwhile (an upload event): read again and retry.
            Err(StoreError::VersionConflict) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(ApiError::ConcurrentChange)
}

/// The owner's file, or 404: another customer's file is not found either.
pub(crate) async fn load(
    state: &UploadsState,
    owner: Owner,
    raw_id: &str,
) -> Result<FileRecord, ApiError> {
    let id: FileId = raw_id.parse().map_err(|_| {
        ApiError::invalid_parameter(
            "fileId",
            "is not a file id (26 characters, as returned when the upload started)",
        )
    })?;
    state
        .files
        .get_file(owner.tenant, owner.customer, id)
        .await?
        .ok_or(ApiError::NotFound("file"))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct PartsRequest {
    part_numbers: Vec<u64>,
    /// Staff only: whose file it is.
    #[serde(default)]
    customer_id: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SignedPart {
    part_number: u16,
    method: String,
    url: String,
    /// Headers to send as they are (none for S3's part URLs).
    #[serde(serialize_with = "in_order")]
    headers: Vec<(String, String)>,
    expires_at: DateTime<Utc>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SignedParts {
    parts: Vec<SignedPart>,
}

/// `POST /files/{fileId}/parts`: a signed `PUT` for each named part (at most
/// [`multipart::MAX_BATCH`]); the browser keeps each answer's `ETag` to itself, since
/// completing lists the parts on the server.
async fn sign_parts(
    State(state): State<UploadsState>,
    caller: Caller,
    PathParam(id): PathParam<String>,
    JsonBody(request): JsonBody<PartsRequest>,
) -> Result<Json<SignedParts>, ApiError> {
    let owner = Owner::of(caller, &state, request.customer_id.as_deref()).await?;
    let file = load(&state, owner, &id).await?;
    let signed = multipart::sign_parts(&state, &file, &request.part_numbers).await?;
    Ok(Json(SignedParts {
        parts: signed
            .into_iter()
            .map(|(number, r)| SignedPart {
                part_number: number,
                method: r.method,
                url: r.url,
                headers: r.headers,
                expires_at: r.expires_at,
            })
            .collect(),
    }))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArrivedPart {
    part_number: u16,
    size: u64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PartList {
    #[serde(flatten)]
    plan: PartsPlan,
    parts: Vec<ArrivedPart>,
}

/// `GET /files/{fileId}/parts`: the plan and the parts that arrived, so an interrupted
/// upload sends only the rest.
async fn list_parts(
    State(state): State<UploadsState>,
    caller: Caller,
    PathParam(id): PathParam<String>,
    QueryParam(params): QueryParam<OwnerParams>,
) -> Result<Json<PartList>, ApiError> {
    let owner = Owner::of(caller, &state, params.customer_id.as_deref()).await?;
    let file = load(&state, owner, &id).await?;
    let parts = multipart::list_parts(&state, &file).await?;
    let Some(plan) = &file.multipart else {
        return Err(ApiError::UploadNotPending(file.state.as_str()));
    };
    Ok(Json(PartList {
        plan: PartsPlan::of(&file, plan),
        parts: parts
            .into_iter()
            .map(|p| ArrivedPart {
                part_number: p.number,
                size: p.size,
            })
            .collect(),
    }))
}

/// `POST /files/{fileId}/complete`: `202` with the file, which the upload event (locally:
/// at once) moves on from `pending`.
async fn complete_upload(
    State(state): State<UploadsState>,
    caller: Caller,
    PathParam(id): PathParam<String>,
    QueryParam(params): QueryParam<OwnerParams>,
) -> Result<Response, ApiError> {
    let owner = Owner::of(caller, &state, params.customer_id.as_deref()).await?;
    let file = load(&state, owner, &id).await?;
    multipart::complete(&state, &file).await?;
    tracing::info!(tenant = %owner.tenant, customer = %owner.customer, file = %file.id, "multipart upload completed");
    let file = load(&state, owner, &id).await?;
    Ok((StatusCode::ACCEPTED, Json(FileView::from(&file))).into_response())
}

/// `DELETE /files/{fileId}/upload`: aborts a pending multipart upload and forgets the file
/// (its quota freed); a file already gone answers the same `204`.
async fn abort_upload(
    State(state): State<UploadsState>,
    caller: Caller,
    PathParam(id): PathParam<String>,
    QueryParam(params): QueryParam<OwnerParams>,
) -> Result<StatusCode, ApiError> {
    let owner = Owner::of(caller, &state, params.customer_id.as_deref()).await?;
    let file = match load(&state, owner, &id).await {
        Ok(file) => Some(file),
        Err(ApiError::NotFound(_)) => None,
        Err(e) => return Err(e),
    };
    multipart::abort(&state, owner, file).await?;
    Ok(StatusCode::NO_CONTENT)
}

fn encode_cursor(after: FileId) -> String {
    URL_SAFE_NO_PAD.encode(format!("f1:{after}"))
}

fn decode_cursor(raw: &str) -> Result<FileId, ApiError> {
    URL_SAFE_NO_PAD
        .decode(raw)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|s| s.strip_prefix("f1:").and_then(|id| id.parse().ok()))
        .ok_or_else(|| ApiError::invalid_parameter("cursor", "is not a cursor this API returned"))
}
