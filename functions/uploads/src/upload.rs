//! Starting an upload: the agency's rules (types, size, quota) checked, the file recorded as
//! `pending` with its bytes reserved against the quota, and a form signed that lets S3 take
//! exactly that file (key, Content-Type, size) for 15 minutes.

use std::time::Duration;

use chrono::{DateTime, Utc};
use portal::{
    domain::{
        FieldError, FileId, FileRecord, FileSettings, FileState, ObjectKey,
        file::{self, MAX_DISPLAY_NAME_CHARS, MAX_FOLDER_CHARS, NameError},
        validation::FieldProblem,
    },
    http::ApiError,
    ports::{FileCreation, PresignedPost, StoreError},
};
use serde::Deserialize;
use thiserror::Error;

use crate::{UploadsState, owner::Owner};

/// How long an upload form lasts.
pub const FORM_LIFETIME: Duration = Duration::from_secs(15 * 60);
/// The longest Content-Type taken.
const MAX_CONTENT_TYPE_BYTES: usize = 255;

/// `POST /files/uploads`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UploadRequest {
    pub filename: String,
    pub content_type: String,
    pub size: u64,
    #[serde(default)]
    pub folder: Option<String>,
    /// Staff only: whose file it is.
    #[serde(default)]
    pub customer_id: Option<String>,
}

/// Why an upload is refused, with the field and the limit.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum UploadProblem {
    #[error("must name a file")]
    NoName,
    #[error("must be at most {max} characters long")]
    TooLong { max: usize },
    #[error("must be a folder name without slashes")]
    BadFolder,
    #[error("must be a media type such as application/pdf")]
    BadContentType,
    #[error("is not a file type this agency accepts ({allowed})")]
    TypeNotAllowed { allowed: String },
    #[error("must be at least 1 byte")]
    Empty,
    #[error("must be at most {max} bytes")]
    TooLarge { max: u64 },
    #[error(
        "would take this customer's files past their storage quota of {quota} bytes ({used} bytes used)"
    )]
    QuotaExceeded { quota: u64, used: u64 },
}

impl FieldProblem for UploadProblem {
    fn code(&self) -> &'static str {
        match self {
            UploadProblem::NoName => "file-name-missing",
            UploadProblem::TooLong { .. } => "too-long",
            UploadProblem::BadFolder => "folder-invalid",
            UploadProblem::BadContentType => "content-type-invalid",
            UploadProblem::TypeNotAllowed { .. } => "file-type-not-allowed",
            UploadProblem::Empty => "file-empty",
            UploadProblem::TooLarge { .. } => "file-too-large",
            UploadProblem::QuotaExceeded { .. } => "file-quota-exceeded",
        }
    }

    fn args(&self) -> Vec<(&'static str, i64)> {
        let n = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
        match self {
            UploadProblem::TooLong { max } => vec![("max", n(*max as u64))],
            UploadProblem::TooLarge { max } => vec![("max", n(*max))],
            UploadProblem::QuotaExceeded { quota, used } => {
                vec![("quota", n(*quota)), ("used", n(*used))]
            }
            _ => Vec::new(),
        }
    }
}

#[derive(Debug, Error)]
pub enum UploadError {
    #[error("invalid upload")]
    Invalid(Vec<FieldError>),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<UploadError> for ApiError {
    fn from(e: UploadError) -> Self {
        match e {
            UploadError::Invalid(errors) => ApiError::Validation(errors),
            UploadError::Store(e) => e.into(),
        }
    }
}

pub(crate) fn refuse(field: &str, problem: UploadProblem) -> UploadError {
    UploadError::Invalid(vec![FieldError::of(field, &problem)])
}

/// A media type as a form field and a header can carry it: `type/subtype`, optionally with
/// parameters, printable ASCII only.
pub(crate) fn is_media_type(raw: &str) -> bool {
    let essence = raw.split(';').next().unwrap_or_default().trim();
    let token = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$&-^_.+".contains(&b))
    };
    raw.len() <= MAX_CONTENT_TYPE_BYTES
        && raw.bytes().all(|b| (b' '..=b'~').contains(&b))
        && essence
            .split_once('/')
            .is_some_and(|(t, s)| token(t) && token(s))
}

/// What a started upload answers: the pending file and how to send its bytes.
pub struct Started {
    pub file: FileRecord,
    pub upload: Upload,
}

/// How the browser sends a file's bytes.
pub enum Upload {
    /// One POST form, for a file up to [`crate::multipart::THRESHOLD`].
    Form(PresignedPost),
    /// Parts, signed in batches ([`crate::multipart`]), for a larger file.
    Parts(portal::domain::MultipartUpload),
}

/// Starts the upload `request` asks for under the agency's `settings` (read by the caller,
/// beside its other reads).
pub async fn start(
    state: &UploadsState,
    owner: Owner,
    settings: FileSettings,
    request: UploadRequest,
    now: DateTime<Utc>,
) -> Result<Started, UploadError> {
    let mut errors = Vec::new();
    let name = match file::display_file_name(&request.filename) {
        Ok(name) => Some(name),
        Err(NameError::Empty) => {
            errors.push(FieldError::of("filename", &UploadProblem::NoName));
            None
        }
        Err(NameError::TooLong) => {
            let max = MAX_DISPLAY_NAME_CHARS;
            errors.push(FieldError::of("filename", &UploadProblem::TooLong { max }));
            None
        }
    };
    let folder = match file::folder_name(request.folder.as_deref().unwrap_or_default()) {
        Ok(folder) => Some(folder),
        Err(NameError::Empty) => {
            errors.push(FieldError::of("folder", &UploadProblem::BadFolder));
            None
        }
        Err(NameError::TooLong) => {
            let max = MAX_FOLDER_CHARS;
            errors.push(FieldError::of("folder", &UploadProblem::TooLong { max }));
            None
        }
    };
    let content_type = request.content_type.trim().to_owned();
    if !is_media_type(&content_type) {
        errors.push(FieldError::of(
            "contentType",
            &UploadProblem::BadContentType,
        ));
    } else if !settings.allows(&content_type) {
        let allowed = settings.allowed_types.join(", ");
        errors.push(FieldError::of(
            "contentType",
            &UploadProblem::TypeNotAllowed { allowed },
        ));
    }
    if request.size == 0 {
        errors.push(FieldError::of("size", &UploadProblem::Empty));
    } else if request.size
        > settings
            .max_file_size
            .min(crate::multipart::MAX_OBJECT_SIZE)
    {
        let max = settings
            .max_file_size
            .min(crate::multipart::MAX_OBJECT_SIZE);
        errors.push(FieldError::of("size", &UploadProblem::TooLarge { max }));
    }
    let (Some(name), Some(folder), true) = (name, folder, errors.is_empty()) else {
        return Err(UploadError::Invalid(errors));
    };

    let id = FileId::new();
    let key = ObjectKey::for_upload(owner.tenant, owner.customer, &id.to_string(), &name)
        .map_err(|e| anyhow::anyhow!(e).context("Failed to make a file's key"))
        .map_err(StoreError::from)?;
    let file = FileRecord {
        id,
        tenant_id: owner.tenant,
        customer_id: owner.customer,
        key,
        name,
        folder,
        content_type,
        declared_size: request.size,
        size: None,
        etag: None,
        state: FileState::Pending,
        uploaded_by: owner.uploader,
        created_at: now,
        uploaded_at: None,
        reason: None,
        version: 1,
        multipart: None,
    };
    if file.declared_size > crate::multipart::THRESHOLD {
        return crate::multipart::start(state, owner, file, settings.quota_per_customer).await;
    }
    // Signed first: a form that can't be made leaves no pending file holding the quota.
    let form = state
        .objects
        .presign_post(
            &file.key,
            &file.content_type,
            file.declared_size..=file.declared_size,
            FORM_LIFETIME,
        )
        .await?;
    match crate::expiry::create_pending(state, owner, &file, settings.quota_per_customer).await? {
        FileCreation::Created => Ok(Started {
            file,
            upload: Upload::Form(form),
        }),
        FileCreation::QuotaExceeded { used } => Err(refuse(
            "size",
            UploadProblem::QuotaExceeded {
                quota: settings.quota_per_customer,
                used,
            },
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_types_are_type_slash_subtype_in_printable_ascii() {
        for ok in [
            "application/pdf",
            "image/svg+xml",
            "text/plain; charset=utf-8",
        ] {
            assert!(is_media_type(ok), "{ok}");
        }
        for bad in [
            "",
            "pdf",
            "/pdf",
            "text/",
            "text/plain\r\nX: 1",
            "text/plän",
            "a b/c",
        ] {
            assert!(!is_media_type(bad), "{bad:?}");
        }
        assert!(!is_media_type(&format!("text/{}", "x".repeat(300))));
    }
}
