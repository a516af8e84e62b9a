//! Uploads that never finish. A pending file reserves its declared bytes against the quota;
//! one whose upload can no longer arrive (its form expired, or S3's lifecycle rule aborted
//! its multipart upload) is forgotten when the customer's quota is next needed, so it frees
//! what it held without a sweep across every customer.

use chrono::{DateTime, Duration, Utc};
use portal::{
    domain::{FileRecord, FileState},
    ports::{FileCreation, StoreError},
};

use crate::{UploadsState, owner::Owner};

/// A form upload's record, well past its form's 15 minutes (an upload event late by more
/// than this is dropped as one for an unknown file).
pub const FORM_PENDING_LIFETIME: Duration = Duration::hours(1);
/// A multipart upload's record: the bucket's lifecycle rule aborts incomplete uploads two
/// days after they start (template.yaml), and the local twin drops them as old.
pub const PARTS_PENDING_LIFETIME: Duration = Duration::days(2);

/// Whether `file` is a pending upload that can no longer complete at `now`.
pub fn is_abandoned(file: &FileRecord, now: DateTime<Utc>) -> bool {
    let lifetime = match file.multipart {
        Some(_) => PARTS_PENDING_LIFETIME,
        None => FORM_PENDING_LIFETIME,
    };
    file.state == FileState::Pending && file.created_at + lifetime <= now
}

/// Forgets the owner's abandoned uploads (aborting a multipart upload's parts first), and
/// answers how many bytes that freed. A form upload whose bytes did arrive (its event
/// failed) is kept: its file is not lost.
pub async fn release_abandoned(
    state: &UploadsState,
    owner: Owner,
    now: DateTime<Utc>,
) -> Result<u64, StoreError> {
    let mut freed = 0;
    let mut after = None;
    loop {
        let page = state
            .files
            .list_files(owner.tenant, owner.customer, None, after, 100)
            .await?;
        for file in page.items.iter().filter(|f| is_abandoned(f, now)) {
            match &file.multipart {
                Some(upload) => {
                    state
                        .objects
                        .abort_multipart(&file.key, &upload.upload_id)
                        .await?;
                }
                None if state.objects.head(&file.key).await?.is_some() => continue,
                None => {}
            }
            match state.files.delete_file(file).await {
                Ok(()) => {
                    freed += file.quota_bytes();
                    tracing::info!(tenant = %owner.tenant, customer = %owner.customer, file = %file.id, "abandoned upload forgotten");
                }
                // Moved on meanwhile (an event, a delete): nothing to free.
                Err(StoreError::VersionConflict | StoreError::NotFound) => {}
                Err(e) => return Err(e),
            }
        }
        match page.next {
            Some(next) => after = Some(next),
            None => return Ok(freed),
        }
    }
}

/// Stores a new pending file; when the quota is full, forgets the customer's abandoned
/// uploads and tries once more.
pub async fn create_pending(
    state: &UploadsState,
    owner: Owner,
    file: &FileRecord,
    quota: u64,
) -> Result<FileCreation, StoreError> {
    match state.files.create_file(file, quota).await? {
        FileCreation::QuotaExceeded { .. }
            if release_abandoned(state, owner, file.created_at).await? > 0 =>
        {
            state.files.create_file(file, quota).await
        }
        other => Ok(other),
    }
}

#[cfg(test)]
mod tests {
    use portal::domain::{CustomerId, FileId, MultipartUpload, ObjectKey, TenantId, Uploader};

    use super::*;

    fn pending(multipart: bool) -> FileRecord {
        let (t, c, id) = (TenantId::new(), CustomerId::new(), FileId::new());
        FileRecord {
            id,
            tenant_id: t,
            customer_id: c,
            key: ObjectKey::for_upload(t, c, &id.to_string(), "a.pdf").unwrap(),
            name: "a.pdf".into(),
            folder: String::new(),
            content_type: "application/pdf".into(),
            declared_size: 1,
            size: None,
            etag: None,
            state: FileState::Pending,
            uploaded_by: Uploader::Customer,
            created_at: Utc::now(),
            uploaded_at: None,
            reason: None,
            version: 1,
            multipart: multipart.then(|| MultipartUpload {
                upload_id: "u".into(),
                part_size: 1,
            }),
        }
    }

    #[test]
    fn a_pending_upload_is_abandoned_from_the_end_of_its_lifetime_on() {
        for (file, lifetime) in [
            (pending(false), FORM_PENDING_LIFETIME),
            (pending(true), PARTS_PENDING_LIFETIME),
        ] {
            let end = file.created_at + lifetime;
            assert!(!is_abandoned(&file, end - Duration::seconds(1)));
            assert!(is_abandoned(&file, end));
            let available = FileRecord {
                state: FileState::Available,
                ..file.clone()
            };
            assert!(!is_abandoned(&available, end + Duration::days(365)));
        }
    }
}
