//! Multipart uploads on the local twin, as S3 keeps them: an upload id the store chooses,
//! parts by number (a part sent again replaces the first), listed with their ETags and
//! sizes, joined in number order on completion, dropped on abort. In memory, or on disk under
//! `{data_dir}/multipart/{upload id}/` (`upload.json` and one `{number}.part` file a part),
//! where uploads older than [`STALE_AFTER`] are removed when the store opens, as the bucket's
//! lifecycle rule aborts incomplete uploads after two days.

use std::{
    collections::{BTreeMap, HashMap},
    path::{Path, PathBuf},
    sync::{Mutex, MutexGuard},
    time::Duration,
};

use anyhow::Context;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::{
    domain::ObjectKey,
    ports::{StoreError, UploadedPart},
};

const FOLDER: &str = "multipart";
const UPLOAD_FILE: &str = "upload.json";
/// As the bucket's `AbortIncompleteMultipartUpload` rule (template.yaml).
pub(super) const STALE_AFTER: Duration = Duration::from_secs(2 * 24 * 60 * 60);

/// An ETag as S3 gives one for stored bytes: a digest of the content, quoted.
pub(crate) fn part_etag(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    format!("\"{}\"", to_hex(&digest[..16]))
}

/// A completed upload's ETag as S3 forms it: a digest of the parts' digests, a dash and
/// the number of parts.
fn multipart_etag(parts: &[UploadedPart]) -> String {
    let mut digest = Sha256::new();
    for part in parts {
        digest.update(part.etag.trim_matches('"').as_bytes());
    }
    format!("\"{}-{}\"", to_hex(&digest.finalize()[..16]), parts.len())
}

fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What the twin knows of an upload besides its parts.
#[derive(Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Upload {
    key: ObjectKey,
    content_type: String,
}

/// An upload id the store made: a ULID, so it is also a safe folder name. Anything else
/// names no upload.
fn upload_id(raw: &str) -> Result<ulid::Ulid, StoreError> {
    raw.parse().map_err(|_| StoreError::NotFound)
}

/// The parts to join, checked against what is stored: each named part is there with that
/// ETag, in ascending order, and all but the last at least S3's smallest part.
fn check_completion(
    stored: &BTreeMap<u16, UploadedPart>,
    parts: &[UploadedPart],
) -> Result<(), StoreError> {
    if parts.is_empty() {
        return Err(anyhow::anyhow!("A multipart upload needs at least one part").into());
    }
    for (i, part) in parts.iter().enumerate() {
        let matches = stored
            .get(&part.number)
            .is_some_and(|s| s.etag == part.etag);
        let ascending = i == 0 || parts[i - 1].number < part.number;
        if !matches || !ascending {
            return Err(
                anyhow::anyhow!("InvalidPart: part {} is not as listed", part.number).into(),
            );
        }
        let last = i + 1 == parts.len();
        if !last && stored[&part.number].size < crate::ports::MIN_PART_SIZE {
            return Err(
                anyhow::anyhow!("EntityTooSmall: part {} is too small", part.number).into(),
            );
        }
    }
    Ok(())
}

/// An upload in memory: what it is, and its parts' bytes by number.
type InMemory = (Upload, BTreeMap<u16, Vec<u8>>);

/// Multipart uploads in memory.
#[derive(Default)]
pub(super) struct MemoryUploads(Mutex<HashMap<ulid::Ulid, InMemory>>);

impl MemoryUploads {
    fn lock(&self) -> MutexGuard<'_, HashMap<ulid::Ulid, InMemory>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(super) fn create(&self, key: &ObjectKey, content_type: &str) -> String {
        let id = ulid::Ulid::new();
        let upload = Upload {
            key: key.clone(),
            content_type: content_type.to_owned(),
        };
        self.lock().insert(id, (upload, BTreeMap::new()));
        id.to_string()
    }

    pub(super) fn put_part(
        &self,
        key: &ObjectKey,
        upload_id: &str,
        number: u16,
        bytes: Vec<u8>,
    ) -> Result<String, StoreError> {
        let id = self::upload_id(upload_id)?;
        let mut uploads = self.lock();
        let (upload, parts) = uploads.get_mut(&id).ok_or(StoreError::NotFound)?;
        if &upload.key != key {
            return Err(StoreError::NotFound);
        }
        let etag = part_etag(&bytes);
        parts.insert(number, bytes);
        Ok(etag)
    }

    pub(super) fn list(
        &self,
        key: &ObjectKey,
        upload_id: &str,
    ) -> Result<Vec<UploadedPart>, StoreError> {
        let id = self::upload_id(upload_id)?;
        let uploads = self.lock();
        let (upload, parts) = uploads.get(&id).ok_or(StoreError::NotFound)?;
        if &upload.key != key {
            return Err(StoreError::NotFound);
        }
        Ok(parts
            .iter()
            .map(|(n, bytes)| UploadedPart {
                number: *n,
                etag: part_etag(bytes),
                size: bytes.len() as u64,
            })
            .collect())
    }

    /// The joined bytes and their content type; the upload is gone afterwards.
    pub(super) fn complete(
        &self,
        key: &ObjectKey,
        upload_id: &str,
        parts: &[UploadedPart],
    ) -> Result<(String, Vec<u8>, String), StoreError> {
        let id = self::upload_id(upload_id)?;
        let stored = self.list(key, upload_id)?;
        let by_number = stored.into_iter().map(|p| (p.number, p)).collect();
        check_completion(&by_number, parts)?;
        let (upload, mut bytes_of) = self.lock().remove(&id).ok_or(StoreError::NotFound)?;
        let mut joined = Vec::new();
        for part in parts {
            joined.extend(bytes_of.remove(&part.number).unwrap_or_default());
        }
        Ok((upload.content_type, joined, multipart_etag(parts)))
    }

    pub(super) fn abort(&self, key: &ObjectKey, upload_id: &str) {
        let Ok(id) = self::upload_id(upload_id) else {
            return;
        };
        let mut uploads = self.lock();
        if uploads.get(&id).is_some_and(|(u, _)| &u.key == key) {
            uploads.remove(&id);
        }
    }
}

/// Multipart uploads on disk.
pub(super) struct DiskUploads {
    folder: PathBuf,
}

impl DiskUploads {
    /// The folder under `data_dir`, made if missing, with uploads older than
    /// [`STALE_AFTER`] removed.
    pub(super) fn open(data_dir: &Path) -> anyhow::Result<Self> {
        let folder = data_dir.join(FOLDER);
        std::fs::create_dir_all(&folder)
            .with_context(|| format!("Failed to create the folder {}", folder.display()))?;
        let uploads = Self { folder };
        uploads.remove_stale(STALE_AFTER)?;
        Ok(uploads)
    }

    /// Removes the uploads started more than `age` ago (by their folder's time).
    pub(super) fn remove_stale(&self, age: Duration) -> anyhow::Result<usize> {
        let mut removed = 0;
        let entries = std::fs::read_dir(&self.folder)
            .with_context(|| format!("Failed to list {}", self.folder.display()))?;
        for entry in entries {
            let entry = entry.context("Failed to list the multipart uploads")?;
            let started = entry.metadata().and_then(|m| m.modified());
            let stale = started.is_ok_and(|t| t.elapsed().is_ok_and(|e| e >= age));
            if stale
                && entry
                    .file_name()
                    .to_str()
                    .is_some_and(|n| n.parse::<ulid::Ulid>().is_ok())
            {
                std::fs::remove_dir_all(entry.path()).with_context(|| {
                    format!(
                        "Failed to remove the stale upload {}",
                        entry.path().display()
                    )
                })?;
                removed += 1;
            }
        }
        if removed > 0 {
            tracing::info!(removed, "stale multipart uploads removed");
        }
        Ok(removed)
    }

    fn upload_folder(&self, upload_id: &str) -> Result<PathBuf, StoreError> {
        Ok(self.folder.join(self::upload_id(upload_id)?.to_string()))
    }

    /// The upload's record, or [`StoreError::NotFound`] when it isn't there or is another
    /// key's.
    async fn upload(
        &self,
        key: &ObjectKey,
        upload_id: &str,
    ) -> Result<(PathBuf, Upload), StoreError> {
        let folder = self.upload_folder(upload_id)?;
        let path = folder.join(UPLOAD_FILE);
        let bytes = match tokio::fs::read(&path).await {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(StoreError::NotFound),
            Err(e) => {
                return Err(anyhow::Error::new(e)
                    .context(format!("Failed to read {}", path.display()))
                    .into());
            }
        };
        let upload: Upload = serde_json::from_slice(&bytes)
            .with_context(|| format!("Failed to parse {}", path.display()))?;
        if &upload.key != key {
            return Err(StoreError::NotFound);
        }
        Ok((folder, upload))
    }

    pub(super) async fn create(
        &self,
        key: &ObjectKey,
        content_type: &str,
    ) -> anyhow::Result<String> {
        let id = ulid::Ulid::new().to_string();
        let folder = self.folder.join(&id);
        tokio::fs::create_dir(&folder)
            .await
            .with_context(|| format!("Failed to create {}", folder.display()))?;
        let upload = serde_json::to_vec(&Upload {
            key: key.clone(),
            content_type: content_type.to_owned(),
        })
        .context("Failed to serialize a multipart upload")?;
        super::disk::write_atomically(&folder.join(UPLOAD_FILE), &upload).await?;
        Ok(id)
    }

    pub(super) async fn put_part(
        &self,
        key: &ObjectKey,
        upload_id: &str,
        number: u16,
        bytes: &[u8],
    ) -> Result<String, StoreError> {
        let (folder, _) = self.upload(key, upload_id).await?;
        super::disk::write_atomically(&folder.join(format!("{number}.part")), bytes).await?;
        Ok(part_etag(bytes))
    }

    pub(super) async fn list(
        &self,
        key: &ObjectKey,
        upload_id: &str,
    ) -> Result<Vec<UploadedPart>, StoreError> {
        let (folder, _) = self.upload(key, upload_id).await?;
        let mut parts = Vec::new();
        let mut entries = tokio::fs::read_dir(&folder)
            .await
            .with_context(|| format!("Failed to list {}", folder.display()))?;
        while let Some(entry) = entries
            .next_entry()
            .await
            .context("Failed to list the parts of an upload")?
        {
            let name = entry.file_name();
            let Some(number) = name
                .to_str()
                .and_then(|n| n.strip_suffix(".part"))
                .and_then(|n| n.parse::<u16>().ok())
            else {
                continue;
            };
            let bytes = tokio::fs::read(entry.path())
                .await
                .with_context(|| format!("Failed to read {}", entry.path().display()))?;
            parts.push(UploadedPart {
                number,
                etag: part_etag(&bytes),
                size: bytes.len() as u64,
            });
        }
        parts.sort_by_key(|p| p.number);
        Ok(parts)
    }

    /// The joined bytes' file (to move into place), their content type and ETag; the
    /// upload's folder is gone afterwards.
    pub(super) async fn complete(
        &self,
        key: &ObjectKey,
        upload_id: &str,
        parts: &[UploadedPart],
    ) -> Result<(String, PathBuf, String), StoreError> {
        let (folder, upload) = self.upload(key, upload_id).await?;
        let stored = self.list(key, upload_id).await?;
        let by_number = stored.into_iter().map(|p| (p.number, p)).collect();
        check_completion(&by_number, parts)?;
        // Joined beside the parts, then handed over whole; the folder goes with the parts.
        let joined = self.folder.join(format!(".{}.joined", ulid::Ulid::new()));
        let mut out = tokio::fs::File::create(&joined)
            .await
            .with_context(|| format!("Failed to create {}", joined.display()))?;
        for part in parts {
            let path = folder.join(format!("{}.part", part.number));
            let mut input = tokio::fs::File::open(&path)
                .await
                .with_context(|| format!("Failed to open {}", path.display()))?;
            tokio::io::copy(&mut input, &mut out)
                .await
                .with_context(|| format!("Failed to join {}", path.display()))?;
        }
        out.sync_all()
            .await
            .context("Failed to write a joined upload")?;
        drop(out);
        tokio::fs::remove_dir_all(&folder)
            .await
            .with_context(|| format!("Failed to remove {}", folder.display()))?;
        Ok((upload.content_type, joined, multipart_etag(parts)))
    }

    pub(super) async fn abort(&self, key: &ObjectKey, upload_id: &str) -> Result<(), StoreError> {
        match self.upload(key, upload_id).await {
            Ok((folder, _)) => match tokio::fs::remove_dir_all(&folder).await {
                Ok(()) => Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
                Err(e) => Err(anyhow::Error::new(e)
                    .context(format!("Failed to remove {}", folder.display()))
                    .into()),
            },
            Err(StoreError::NotFound) => Ok(()),
            Err(e) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> ObjectKey {
        ObjectKey::parse("tenants/t/customers/c/files/f/big.zip").unwrap()
    }

    #[tokio::test]
    async fn uploads_older_than_the_lifecycle_rule_are_removed_when_the_store_opens() {
        let dir = tempfile::tempdir().unwrap();
        let uploads = DiskUploads::open(dir.path()).unwrap();
        let id = uploads.create(&key(), "application/zip").await.unwrap();
        uploads.put_part(&key(), &id, 1, b"abc").await.unwrap();

        assert_eq!(uploads.remove_stale(STALE_AFTER).unwrap(), 0);
        assert_eq!(uploads.list(&key(), &id).await.unwrap().len(), 1);

        assert_eq!(uploads.remove_stale(Duration::ZERO).unwrap(), 1);
        assert!(matches!(
            uploads.list(&key(), &id).await,
            Err(StoreError::NotFound)
        ));
        assert_eq!(
            std::fs::read_dir(dir.path().join(FOLDER)).unwrap().count(),
            0
        );
    }

    #[test]
    fn an_upload_id_that_is_no_ulid_names_no_upload() {
        for bad in ["../../etc", "", "01ARZ3NDEKTSV4RRFFQ69G5FAV/..", "a b"] {
            assert!(matches!(upload_id(bad), Err(StoreError::NotFound)), "{bad}");
        }
    }
}
