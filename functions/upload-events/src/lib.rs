//! The upload-events function: S3 tells it (`ObjectCreated`, at least once, sometimes late)
//! that a file arrived; it records the file's size, type and ETag, checks the bytes against
//! what was declared (size, and the first bytes against the declared type), and moves the
//! file from `pending` to `available`, or to `rejected` with its object deleted.
//!
//! Every step is idempotent: a duplicate or replayed event finds the file no longer
//! `pending` and changes nothing. An event for a key the portal never signed (unknown,
//! another tenant's path, a file deleted meanwhile) is logged and dropped: the key's path
//! names the tenant, customer and file, and the record must hold exactly that key.

use aws_lambda_events::s3::{S3Event, S3EventRecord};
use chrono::{DateTime, Utc};
use lambda_runtime::Diagnostic;
use percent_encoding::percent_decode_str;
use portal::{
    domain::{
        CustomerId, FileId, FileInfo, FileNotice, FileRecord, FileState, ObjectKey, TenantId,
    },
    ports::StoreError,
};
use serde_json::Value;
use thiserror::Error;

pub mod notices;
pub mod sniff;
mod state;

pub use state::{Config, EventsState};

/// What became of one object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Checked and downloadable.
    Available(FileId),
    /// Checked, waiting for the malware scan's verdict.
    AwaitingScan(FileId),
    /// The scan found a threat: nobody can download it.
    Quarantined(FileId),
    /// Not what was declared: rejected, the object deleted.
    Rejected { file: FileId, reason: String },
    /// The file was handled before (a duplicate or late event): nothing changed.
    AlreadyHandled(FileId),
    /// The file was deleted while its upload was on its way: the object is deleted too,
    /// nothing recorded.
    Discarded(FileId),
    /// No file of the portal's has this key: logged and dropped.
    Unknown(&'static str),
}

/// A failure that should make S3's invocation fail, so Lambda retries it (and, after its
/// retries, hands the event to the on-failure destination).
#[derive(Debug, Error)]
pub enum EventError {
    #[error("the file records could not be read or written")]
    Store(#[from] StoreError),
    #[error("the file kept changing while it was checked")]
    KeptChanging,
}

impl From<EventError> for Diagnostic {
    fn from(e: EventError) -> Self {
        let error_type = match e {
            EventError::Store(_) => "UploadEvents.StoreFailed",
            EventError::KeptChanging => "UploadEvents.KeptChanging",
        };
        Diagnostic {
            error_type: error_type.to_owned(),
            error_message: e.to_string(),
        }
    }
}

/// What one invocation was, and what came of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Handled {
    /// S3's `ObjectCreated` records.
    Uploads(Vec<Outcome>),
    /// GuardDuty's "Object Scan Result" for one object.
    ScanResult(Outcome),
    /// The schedule's sweep of the batched notices.
    Sweep(notices::Swept),
}

fn unreadable(error_type: &str, message: impl ToString) -> Diagnostic {
    Diagnostic {
        error_type: error_type.to_owned(),
        error_message: message.to_string(),
    }
}

/// Sends an invocation's payload to its handler: an S3 event (it has `Records`), GuardDuty's
/// scan result (`source: aws.guardduty`), or the schedule's (`source: aws.events`). Anything
/// else fails, so it lands in the dead-letter queue rather than vanishing.
pub async fn dispatch(state: &EventsState, payload: Value) -> Result<Handled, Diagnostic> {
    let source = payload.get("source").and_then(Value::as_str);
    if payload.get("Records").is_some() {
        let event: S3Event = serde_json::from_value(payload)
            .map_err(|e| unreadable("UploadEvents.NotAnS3Event", e))?;
        Ok(Handled::Uploads(handle_event(state, event).await?))
    } else if source == Some("aws.guardduty") {
        // The key is plain text here, unlike in S3's own events.
        let key = payload
            .pointer("/detail/s3ObjectDetails/objectKey")
            .and_then(Value::as_str)
            .ok_or_else(|| {
                unreadable(
                    "UploadEvents.NotAScanResult",
                    "a GuardDuty event without detail.s3ObjectDetails.objectKey",
                )
            })?;
        Ok(Handled::ScanResult(handle_scan_result(state, key).await?))
    } else if source == Some("aws.events") {
        Ok(Handled::Sweep(
            notices::sweep(state, state.clock.now()).await?,
        ))
    } else {
        Err(unreadable(
            "UploadEvents.UnknownEvent",
            "neither an S3 event, a scan result nor the notice schedule",
        ))
    }
}

/// The ids a key names: `tenants/{t}/customers/{c}/files/{f}/{name}`.
fn ids(key: &ObjectKey) -> Option<(TenantId, CustomerId, FileId)> {
    let parts: Vec<&str> = key.segments().collect();
    match parts.as_slice() {
        ["tenants", t, "customers", c, "files", f, _name] => {
            Some((t.parse().ok()?, c.parse().ok()?, f.parse().ok()?))
        }
        _ => None,
    }
}

/// S3 event keys are form-encoded: `+` for a space, `%XX` for the rest.
pub fn decode_key(raw: &str) -> Option<String> {
    percent_decode_str(&raw.replace('+', " "))
        .decode_utf8()
        .ok()
        .map(|k| k.into_owned())
}

/// Handles every `ObjectCreated` record of `event`. Records are independent: one that
/// fails doesn't stop the others, but makes the whole invocation fail so it is retried
/// (the records already handled change nothing the second time).
pub async fn handle_event(state: &EventsState, event: S3Event) -> Result<Vec<Outcome>, EventError> {
    let mut outcomes = Vec::new();
    let mut failure = None;
    for record in event.records {
        match handle_record(state, &record).await {
            Ok(Some(outcome)) => outcomes.push(outcome),
            Ok(None) => {}
            Err(e) => {
                tracing::error!(error = ?e, "an upload event could not be handled");
                failure = Some(e);
            }
        }
    }
    match failure {
        Some(e) => Err(e),
        None => Ok(outcomes),
    }
}

async fn handle_record(
    state: &EventsState,
    record: &S3EventRecord,
) -> Result<Option<Outcome>, EventError> {
    let created = record
        .event_name
        .as_deref()
        .is_some_and(|n| n.starts_with("ObjectCreated:"));
    if !created {
        return Ok(None);
    }
    let Some(raw) = record.s3.object.key.as_deref() else {
        tracing::warn!("an upload event without a key was dropped");
        return Ok(Some(Outcome::Unknown("no-key")));
    };
    let at = record.event_time;
    let etag = record.s3.object.e_tag.clone();
    handle_object(state, raw, etag, at).await.map(Some)
}

/// Handles one created object, named by its key as the event gives it (encoded).
pub async fn handle_object(
    state: &EventsState,
    raw_key: &str,
    etag: Option<String>,
    at: DateTime<Utc>,
) -> Result<Outcome, EventError> {
    let Some(key) = decode_key(raw_key).and_then(|k| ObjectKey::parse(&k).ok()) else {
        tracing::warn!("an upload event for a key that is no file key was dropped");
        return Ok(Outcome::Unknown("bad-key"));
    };
    handle_key(state, key, etag, at).await
}

/// Handles one created object under `key` (the local runner calls this after each upload to
/// its own endpoint, with the very rules S3's events get).
pub async fn handle_key(
    state: &EventsState,
    key: ObjectKey,
    etag: Option<String>,
    at: DateTime<Utc>,
) -> Result<Outcome, EventError> {
    let Some((tenant, customer, id)) = ids(&key) else {
        tracing::warn!("an upload event for a key outside the files was dropped");
        return Ok(Outcome::Unknown("not-a-file-key"));
    };
    // A concurrent duplicate may win the write: read again and find it handled. The object
    // is read beside its record (by the event's key: used only once the record names the
    // same key), so a new upload costs one round trip before its write, not three.
    for _ in 0..3 {
        let (file, object) = tokio::join!(
            state.files.get_file(tenant, customer, id),
            read_object(state, &key)
        );
        let Some(file) = file? else {
            return discard_late_upload(state, key, (tenant, customer, id)).await;
        };
        if file.key != key {
            tracing::warn!(%tenant, %customer, file = %id, "an upload event for another key of a file was dropped");
            return Ok(Outcome::Unknown("key-mismatch"));
        }
        if file.state != FileState::Pending {
            tracing::info!(file = %id, state = file.state.as_str(), "a repeated upload event changed nothing");
            return Ok(Outcome::AlreadyHandled(id));
        }
        match check_and_record(state, &file, object?, etag.clone(), at).await {
            Err(EventError::Store(StoreError::VersionConflict)) => continue,
            other => return other,
        }
    }
    Err(EventError::KeptChanging)
}

/// An object whose file is not recorded: the upload of a file deleted while it was pending
/// (exactly that key) is deleted; anything else is logged and dropped.
async fn discard_late_upload(
    state: &EventsState,
    key: ObjectKey,
    (tenant, customer, id): (TenantId, CustomerId, FileId),
) -> Result<Outcome, EventError> {
    if state
        .files
        .deleted_upload(tenant, customer, id)
        .await?
        .as_ref()
        != Some(&key)
    {
        tracing::warn!(%tenant, %customer, file = %id, "an upload event for an unknown file was dropped");
        return Ok(Outcome::Unknown("no-such-file"));
    }
    if state.objects.head(&key).await?.is_none() {
        tracing::info!(file = %id, "an upload event for an object no longer there was dropped");
        return Ok(Outcome::Unknown("object-gone"));
    }
    state.objects.delete(&key).await?;
    tracing::info!(%tenant, %customer, file = %id, "the upload of a deleted file arrived late and was deleted");
    Ok(Outcome::Discarded(id))
}

/// The object under `key`: its size and type, and its first bytes to sniff (`None` when it
/// is gone), both asked at once.
async fn read_object(
    state: &EventsState,
    key: &ObjectKey,
) -> Result<Option<(FileInfo, Vec<u8>)>, StoreError> {
    let (info, prefix) = tokio::try_join!(
        state.objects.head(key),
        state.objects.read_prefix(key, sniff::PREFIX_LEN)
    )?;
    Ok(info.map(|info| (info, prefix.unwrap_or_default())))
}

async fn check_and_record(
    state: &EventsState,
    file: &FileRecord,
    object: Option<(FileInfo, Vec<u8>)>,
    etag: Option<String>,
    at: DateTime<Utc>,
) -> Result<Outcome, EventError> {
    let Some((info, prefix)) = object else {
        // Deleted since (the file's delete, or a late event): nothing to record.
        tracing::info!(file = %file.id, "an upload event for an object no longer there was dropped");
        return Ok(Outcome::Unknown("object-gone"));
    };
    let declared_type = file.content_type.as_str();
    let problem = if info.size != file.declared_size {
        Some("size-mismatch".to_owned())
    } else if info.content_type.as_deref() != Some(declared_type) {
        Some("content-type-mismatch".to_owned())
    } else {
        sniff::check(declared_type, &prefix)
            .err()
            .map(|m| m.reason())
    };
    let mut next = FileRecord {
        size: Some(info.size),
        etag,
        uploaded_at: Some(at),
        version: file.version + 1,
        ..file.clone()
    };
    match problem {
        None if state.scanning => {
            next.state = FileState::AwaitingScan;
            state.files.update_file(file, &next).await?;
            tracing::info!(file = %file.id, "upload recorded, awaiting the malware scan");
            Ok(Outcome::AwaitingScan(file.id))
        }
        None => {
            next.state = FileState::Available;
            // The other side is told later, with the other uploads of these minutes.
            let notice = FileNotice::of(file, state.clock.now());
            state
                .files
                .update_file_with_notice(file, &next, &notice)
                .await?;
            tracing::info!(file = %file.id, "upload recorded");
            Ok(Outcome::Available(file.id))
        }
        Some(reason) => {
            next.state = FileState::Rejected;
            next.reason = Some(reason.clone());
            // Recorded first, so a retry after a failed delete still deletes.
            state.files.update_file(file, &next).await?;
            state.objects.delete(&file.key).await?;
            tracing::warn!(file = %file.id, %reason, "upload rejected and deleted");
            Ok(Outcome::Rejected {
                file: file.id,
                reason,
            })
        }
    }
}

/// The verdict GuardDuty tags a clean object with.
pub const NO_THREATS_FOUND: &str = "NO_THREATS_FOUND";
/// The verdict GuardDuty tags an infected object with.
pub const THREATS_FOUND: &str = "THREATS_FOUND";

/// GuardDuty scanned the object under `raw_key` (as its result event names it): a file
/// `awaiting-scan` becomes `available` on `NO_THREATS_FOUND` (and its notice waits) or
/// `quarantined` on `THREATS_FOUND`; the verdict is read from the object's own tag, never
/// taken from the event. Anything else changes nothing (idempotent, like the upload events).
pub async fn handle_scan_result(state: &EventsState, raw_key: &str) -> Result<Outcome, EventError> {
    let Some(key) = ObjectKey::parse(raw_key).ok() else {
        return Ok(Outcome::Unknown("bad-key"));
    };
    let Some((tenant, customer, id)) = ids(&key) else {
        return Ok(Outcome::Unknown("not-a-file-key"));
    };
    for _ in 0..3 {
        let Some(file) = state.files.get_file(tenant, customer, id).await? else {
            return Ok(Outcome::Unknown("no-such-file"));
        };
        if file.key != key {
            return Ok(Outcome::Unknown("key-mismatch"));
        }
        if file.state != FileState::AwaitingScan {
            return Ok(Outcome::AlreadyHandled(id));
        }
        let verdict = state.objects.scan_status(&file.key).await?;
        let mut next = FileRecord {
            version: file.version + 1,
            ..file.clone()
        };
        let written = match verdict.as_deref() {
            Some(NO_THREATS_FOUND) => {
                next.state = FileState::Available;
                let notice = FileNotice::of(&file, state.clock.now());
                state
                    .files
                    .update_file_with_notice(&file, &next, &notice)
                    .await
                    .map(|()| Outcome::Available(id))
            }
            Some(THREATS_FOUND) => {
                next.state = FileState::Quarantined;
                next.reason = Some("threats-found".into());
                tracing::warn!(file = %id, "the malware scan found threats: quarantined");
                state
                    .files
                    .update_file(&file, &next)
                    .await
                    .map(|()| Outcome::Quarantined(id))
            }
            other => {
                tracing::info!(file = %id, verdict = ?other, "no final scan verdict yet");
                return Ok(Outcome::AlreadyHandled(id));
            }
        };
        match written {
            Err(StoreError::VersionConflict) => continue,
            other => return other.map_err(EventError::from),
        }
    }
    Err(EventError::KeptChanging)
}
