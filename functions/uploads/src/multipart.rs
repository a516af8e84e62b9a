//! Large files: above [`THRESHOLD`] the browser uploads the file in parts straight to S3
//! (a multipart upload), each part with a presigned URL from a batch it asks for, and can
//! resume an interrupted upload by listing the parts that arrived. The server picks the part
//! size and keeps the store's upload id in the file's record: a client names only the file,
//! never an upload id, so a route reaches only the caller's own pending upload.
//!
//! Completing lists the parts itself and checks them against the declared size: a file
//! whose parts don't add up (a part of another size, a part too many) is aborted and
//! rejected, its bytes freed of the quota; parts still missing are named and nothing is lost.

use std::time::Duration;

use portal::{
    domain::{FieldError, FileRecord, FileState, MultipartUpload, validation::FieldProblem},
    http::ApiError,
    ports::{FileCreation, MAX_PARTS, SignedRequest, StoreError, UploadedPart},
};
use thiserror::Error;

use crate::{
    UploadsState,
    owner::Owner,
    upload::{Started, Upload, UploadError, UploadProblem, refuse},
};

const MIB: u64 = 1024 * 1024;
/// Files larger than this go in parts: one POST form to S3 takes at most 5 GiB, and a
/// browser that loses its connection halfway through a large form starts again from zero.
pub const THRESHOLD: u64 = 100 * MIB;
/// The smallest part the server chooses: few enough requests for a 100 MiB file (7), small
/// enough that an interruption loses little.
pub const MIN_PART_SIZE: u64 = 16 * MIB;
/// S3's largest object.
pub const MAX_OBJECT_SIZE: u64 = 5 * 1024 * 1024 * MIB;
/// The most part URLs one request signs.
pub const MAX_BATCH: usize = 100;
/// How long a part URL lasts: long enough for a batch on a slow line, and every part can be
/// signed again.
pub const PART_LINK_LIFETIME: Duration = Duration::from_secs(60 * 60);

/// The part size for a file of `size` bytes: [`MIN_PART_SIZE`], or more (in whole MiB) when
/// that many bytes would need more than S3's 10,000 parts.
pub fn part_size(size: u64) -> u64 {
    let needed = size.div_ceil(u64::from(MAX_PARTS)).div_ceil(MIB) * MIB;
    needed.max(MIN_PART_SIZE)
}

/// Starts a multipart upload for `file` (pending, checked against the agency's rules) and
/// records it with its declared bytes reserved against the quota.
pub(crate) async fn start(
    state: &UploadsState,
    owner: Owner,
    mut file: FileRecord,
    quota: u64,
) -> Result<Started, UploadError> {
    // Started first: an upload that can't be started leaves no pending file holding the quota.
    let upload_id = state
        .objects
        .create_multipart(&file.key, &file.content_type)
        .await?;
    let upload = MultipartUpload {
        upload_id,
        part_size: part_size(file.declared_size),
    };
    file.multipart = Some(upload.clone());
    let created = crate::expiry::create_pending(state, owner, &file, quota).await;
    if !matches!(created, Ok(FileCreation::Created)) {
        // Nothing recorded: the store's upload would be an orphan.
        if let Err(e) = state
            .objects
            .abort_multipart(&file.key, &upload.upload_id)
            .await
        {
            tracing::warn!(error = ?e, "an unrecorded multipart upload could not be aborted");
        }
    }
    match created? {
        FileCreation::Created => Ok(Started {
            file,
            upload: Upload::Parts(upload),
        }),
        FileCreation::QuotaExceeded { used } => {
            Err(refuse("size", UploadProblem::QuotaExceeded { quota, used }))
        }
    }
}

/// Why a part request is refused.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum PartProblem {
    #[error("must name at least one part")]
    NoParts,
    #[error("must name at most {max} parts at once")]
    TooMany { max: usize },
    #[error("must be part numbers from 1 to {max}")]
    OutOfRange { max: u64 },
    #[error("parts {missing} have not arrived yet")]
    Missing { missing: String },
    #[error("the parts that arrived hold {received} bytes, not the {declared} declared")]
    SizeMismatch { received: u64, declared: u64 },
}

impl FieldProblem for PartProblem {
    fn code(&self) -> &'static str {
        match self {
            PartProblem::NoParts => "parts-empty",
            PartProblem::TooMany { .. } => "too-many-parts",
            PartProblem::OutOfRange { .. } => "part-number-invalid",
            PartProblem::Missing { .. } => "parts-missing",
            PartProblem::SizeMismatch { .. } => "file-size-mismatch",
        }
    }

    fn args(&self) -> Vec<(&'static str, i64)> {
        let n = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
        match self {
            PartProblem::TooMany { max } => vec![("max", n(*max as u64))],
            PartProblem::OutOfRange { max } => vec![("max", n(*max))],
            PartProblem::SizeMismatch { received, declared } => {
                vec![("received", n(*received)), ("declared", n(*declared))]
            }
            _ => Vec::new(),
        }
    }
}

#[derive(Debug, Error)]
pub enum PartsError {
    #[error("invalid part request")]
    Invalid(Vec<FieldError>),
    /// The file is no multipart upload under way (its state).
    #[error("no multipart upload under way")]
    NotPending(&'static str),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<PartsError> for ApiError {
    fn from(e: PartsError) -> Self {
        match e {
            PartsError::Invalid(errors) => ApiError::Validation(errors),
            PartsError::NotPending(state) => ApiError::UploadNotPending(state),
            PartsError::Store(e) => e.into(),
        }
    }
}

fn invalid(field: &str, problem: PartProblem) -> PartsError {
    PartsError::Invalid(vec![FieldError::of(field, &problem)])
}

/// The file's multipart upload, if it is one still under way.
fn pending(file: &FileRecord) -> Result<&MultipartUpload, PartsError> {
    match (&file.multipart, file.state) {
        (Some(upload), FileState::Pending) => Ok(upload),
        _ => Err(PartsError::NotPending(file.state.as_str())),
    }
}

/// A signed `PUT` for each of `numbers`, each part at most the part size.
pub async fn sign_parts(
    state: &UploadsState,
    file: &FileRecord,
    numbers: &[u64],
) -> Result<Vec<(u16, SignedRequest)>, PartsError> {
    let upload = pending(file)?;
    let count = upload.part_count(file.declared_size);
    if numbers.is_empty() {
        return Err(invalid("partNumbers", PartProblem::NoParts));
    }
    if numbers.len() > MAX_BATCH {
        return Err(invalid(
            "partNumbers",
            PartProblem::TooMany { max: MAX_BATCH },
        ));
    }
    let mut signed = Vec::with_capacity(numbers.len());
    for &number in numbers {
        let valid = (1..=count).contains(&number);
        let Some(number) = u16::try_from(number).ok().filter(|_| valid) else {
            return Err(invalid(
                "partNumbers",
                PartProblem::OutOfRange { max: count },
            ));
        };
        let request = state
            .objects
            .presign_part(
                &file.key,
                &upload.upload_id,
                number,
                upload.part_size,
                PART_LINK_LIFETIME,
            )
            .await?;
        signed.push((number, request));
    }
    Ok(signed)
}

/// The parts that arrived so far.
pub async fn list_parts(
    state: &UploadsState,
    file: &FileRecord,
) -> Result<Vec<UploadedPart>, PartsError> {
    let upload = pending(file)?;
    match state.objects.list_parts(&file.key, &upload.upload_id).await {
        Ok(parts) => Ok(parts),
        // Completed a moment ago (its event not handled yet), or cleaned up: nothing to send.
        Err(StoreError::NotFound) => Ok(Vec::new()),
        Err(e) => Err(e.into()),
    }
}

/// What [`check_parts`] found.
#[derive(Debug, PartialEq, Eq)]
enum Verdict {
    Complete,
    /// These numbers are still to come; every part that did arrive is right.
    Missing(Vec<u16>),
    /// The parts can never make the declared file.
    Mismatch {
        received: u64,
    },
}

/// Whether `parts` make exactly the declared file: parts 1 to n, each of the part size but
/// the last, which holds the rest.
fn check_parts(upload: &MultipartUpload, declared: u64, parts: &[UploadedPart]) -> Verdict {
    let count = upload.part_count(declared);
    let received: u64 = parts.iter().map(|p| p.size).sum();
    let expected = |n: u64| {
        if n < count {
            upload.part_size
        } else {
            declared - upload.part_size * (count - 1)
        }
    };
    let wrong = parts
        .iter()
        .any(|p| u64::from(p.number) > count || p.size != expected(u64::from(p.number)));
    if wrong {
        return Verdict::Mismatch { received };
    }
    let missing: Vec<u16> = (1..=count)
        .filter(|n| !parts.iter().any(|p| u64::from(p.number) == *n))
        .filter_map(|n| u16::try_from(n).ok())
        .collect();
    if missing.is_empty() {
        Verdict::Complete
    } else {
        Verdict::Missing(missing)
    }
}

/// Completes the upload after checking its parts. S3 then tells upload-events, which checks
/// and records the file as it does a form upload. A mismatch aborts the upload and marks the
/// file rejected (its bytes freed of the quota). Completing again while the file is still
/// pending (the event not handled yet) changes nothing.
pub async fn complete(state: &UploadsState, file: &FileRecord) -> Result<(), PartsError> {
    let upload = pending(file)?;
    let parts = match state.objects.list_parts(&file.key, &upload.upload_id).await {
        Ok(parts) => parts,
        Err(StoreError::NotFound) => {
            // Completed before; its event will move the file on.
            if state.objects.head(&file.key).await?.is_some() {
                return Ok(());
            }
            return Err(reject(state, file, upload, 0).await);
        }
        Err(e) => return Err(e.into()),
    };
    match check_parts(upload, file.declared_size, &parts) {
        Verdict::Complete => {
            match state
                .objects
                .complete_multipart(&file.key, &upload.upload_id, &parts)
                .await
            {
                Ok(_) => Ok(()),
                // A second request completed it between our listing and ours.
                Err(StoreError::NotFound) if state.objects.head(&file.key).await?.is_some() => {
                    Ok(())
                }
                Err(e) => Err(e.into()),
            }
        }
        Verdict::Missing(numbers) => {
            let missing = numbers
                .iter()
                .take(20)
                .map(u16::to_string)
                .collect::<Vec<_>>()
                .join(", ");
            Err(invalid("partNumbers", PartProblem::Missing { missing }))
        }
        Verdict::Mismatch { received } => Err(reject(state, file, upload, received).await),
    }
}

/// Aborts the upload and marks the file rejected; answers the problem to report.
async fn reject(
    state: &UploadsState,
    file: &FileRecord,
    upload: &MultipartUpload,
    received: u64,
) -> PartsError {
    if let Err(e) = state
        .objects
        .abort_multipart(&file.key, &upload.upload_id)
        .await
    {
        return e.into();
    }
    let next = FileRecord {
        state: FileState::Rejected,
        reason: Some("size-mismatch".to_owned()),
        version: file.version + 1,
        ..file.clone()
    };
    if let Err(e) = state.files.update_file(file, &next).await {
        return e.into();
    }
    tracing::warn!(file = %file.id, received, declared = file.declared_size, "multipart upload rejected");
    invalid(
        "size",
        PartProblem::SizeMismatch {
            received,
            declared: file.declared_size,
        },
    )
}

/// Aborts the owner's pending multipart upload and deletes its record, releasing the
/// quota. A file already gone is no error: aborting twice answers the same.
pub async fn abort(
    state: &UploadsState,
    owner: Owner,
    file: Option<FileRecord>,
) -> Result<(), PartsError> {
    let Some(file) = file else {
        return Ok(());
    };
    let upload = pending(&file)?;
    state
        .objects
        .abort_multipart(&file.key, &upload.upload_id)
        .await?;
    match state.files.delete_file(&file).await {
        Ok(()) | Err(StoreError::NotFound) => {}
        // Changed meanwhile (completed and handled): the caller sees its state next time.
        Err(StoreError::VersionConflict) => return Err(PartsError::NotPending("changed")),
        Err(e) => return Err(e.into()),
    }
    tracing::info!(tenant = %owner.tenant, customer = %owner.customer, file = %file.id, "multipart upload aborted");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn upload() -> MultipartUpload {
        MultipartUpload {
            upload_id: "u".into(),
            part_size: 10,
        }
    }

    fn part(number: u16, size: u64) -> UploadedPart {
        UploadedPart {
            number,
            etag: format!("\"{number}\""),
            size,
        }
    }

    #[test]
    fn the_part_size_keeps_every_allowed_file_within_ten_thousand_parts() {
        assert_eq!(part_size(THRESHOLD + 1), MIN_PART_SIZE);
        assert_eq!(part_size(MIN_PART_SIZE * 10_000), MIN_PART_SIZE);
        assert_eq!(part_size(MIN_PART_SIZE * 10_000 + 1), MIN_PART_SIZE + MIB);
        for size in [
            THRESHOLD + 1,
            5 * 1024 * MIB,
            1024 * 1024 * MIB,
            MAX_OBJECT_SIZE,
        ] {
            let part = part_size(size);
            assert!(
                (portal::ports::MIN_PART_SIZE..=5 * 1024 * MIB).contains(&part),
                "{size}"
            );
            assert!(size.div_ceil(part) <= u64::from(MAX_PARTS), "{size}");
        }
    }

    #[test]
    fn parts_that_make_the_declared_size_complete_it() {
        let parts = [part(1, 10), part(2, 10), part(3, 5)];
        assert_eq!(check_parts(&upload(), 25, &parts), Verdict::Complete);
    }

    #[test]
    fn parts_still_to_come_are_named_and_nothing_is_rejected() {
        let parts = [part(1, 10), part(3, 5)];
        assert_eq!(
            check_parts(&upload(), 25, &parts),
            Verdict::Missing(vec![2])
        );
        assert_eq!(
            check_parts(&upload(), 25, &[]),
            Verdict::Missing(vec![1, 2, 3])
        );
    }

    #[test]
    fn parts_that_can_never_make_the_declared_file_are_a_mismatch() {
        for parts in [
            vec![part(1, 10), part(2, 10), part(3, 6)],
            vec![part(1, 9), part(2, 10), part(3, 6)],
            vec![part(1, 10), part(2, 10), part(3, 5), part(4, 1)],
            vec![part(1, 25)],
        ] {
            let verdict = check_parts(&upload(), 25, &parts);
            assert!(matches!(verdict, Verdict::Mismatch { .. }), "{parts:?}");
        }
    }
}
