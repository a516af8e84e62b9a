//! Files on disk: the bytes of a key at `files/{key}` and its content type at
//! `files-meta/{key}.json`, so that `files/` holds exactly the uploaded bytes.

use std::path::{Component, Path, PathBuf};

use anyhow::{Context, bail};
use serde::{Deserialize, Serialize};

use crate::domain::{FileInfo, ObjectKey};

const FILES_FOLDER: &str = "files";
const META_FOLDER: &str = "files-meta";

pub(super) struct Disk {
    files: PathBuf,
    meta: PathBuf,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Meta {
    content_type: String,
}

impl Disk {
    /// The folders under `data_dir`, made if missing.
    pub(super) fn open(data_dir: &Path) -> anyhow::Result<Self> {
        let disk = Disk {
            files: data_dir.join(FILES_FOLDER),
            meta: data_dir.join(META_FOLDER),
        };
        for folder in [&disk.files, &disk.meta] {
            std::fs::create_dir_all(folder)
                .with_context(|| format!("Failed to create the folder {}", folder.display()))?;
        }
        Ok(disk)
    }

    pub(super) fn folder(&self) -> &Path {
        &self.files
    }

    /// Replaces what was under `key`; the file appears whole or not at all.
    pub(super) async fn write(
        &self,
        key: &ObjectKey,
        content_type: &str,
        bytes: &[u8],
    ) -> anyhow::Result<()> {
        let meta = serde_json::to_vec(&Meta {
            content_type: content_type.to_owned(),
        })
        .context("Failed to serialize a file's content type")?;
        write_atomically(&local_path(&self.files, key, "")?, bytes).await?;
        write_atomically(&local_path(&self.meta, key, ".json")?, &meta).await?;
        Ok(())
    }

    /// Moves the finished file at `joined` (on the same file system) under `key`, replacing
    /// what was there: it appears whole or not at all.
    pub(super) async fn place(
        &self,
        key: &ObjectKey,
        content_type: &str,
        joined: &Path,
    ) -> anyhow::Result<()> {
        let meta = serde_json::to_vec(&Meta {
            content_type: content_type.to_owned(),
        })
        .context("Failed to serialize a file's content type")?;
        let path = local_path(&self.files, key, "")?;
        let folder = path.parent().context("A file path has no folder")?;
        tokio::fs::create_dir_all(folder)
            .await
            .with_context(|| format!("Failed to create the folder {}", folder.display()))?;
        if let Err(e) = tokio::fs::rename(joined, &path).await {
            let _ = tokio::fs::remove_file(joined).await;
            return Err(e)
                .with_context(|| format!("Failed to move a file into {}", path.display()));
        }
        write_atomically(&local_path(&self.meta, key, ".json")?, &meta).await?;
        Ok(())
    }

    pub(super) async fn read(
        &self,
        key: &ObjectKey,
    ) -> anyhow::Result<Option<(FileInfo, Vec<u8>)>> {
        let path = local_path(&self.files, key, "")?;
        let bytes = match tokio::fs::read(&path).await {
            Ok(bytes) => bytes,
            Err(e) if is_absent(&e) => return Ok(None),
            Err(e) => return Err(e).with_context(|| format!("Failed to read {}", path.display())),
        };
        let info = FileInfo {
            size: bytes.len() as u64,
            content_type: self.content_type(key).await?,
        };
        Ok(Some((info, bytes)))
    }

    pub(super) async fn head(&self, key: &ObjectKey) -> anyhow::Result<Option<FileInfo>> {
        let path = local_path(&self.files, key, "")?;
        let size = match tokio::fs::metadata(&path).await {
            Ok(m) if m.is_file() => m.len(),
            Ok(_) => return Ok(None),
            Err(e) if is_absent(&e) => return Ok(None),
            Err(e) => {
                return Err(e).with_context(|| format!("Failed to look up {}", path.display()));
            }
        };
        Ok(Some(FileInfo {
            size,
            content_type: self.content_type(key).await?,
        }))
    }

    /// Deletes the file and its content type; a missing file is no error, as on S3.
    pub(super) async fn delete(&self, key: &ObjectKey) -> anyhow::Result<()> {
        for path in [
            local_path(&self.files, key, "")?,
            local_path(&self.meta, key, ".json")?,
        ] {
            match tokio::fs::remove_file(&path).await {
                Ok(()) => {}
                Err(e) if is_absent(&e) => {}
                Err(e) => {
                    return Err(e).with_context(|| format!("Failed to delete {}", path.display()));
                }
            }
        }
        Ok(())
    }

    async fn content_type(&self, key: &ObjectKey) -> anyhow::Result<Option<String>> {
        let path = local_path(&self.meta, key, ".json")?;
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
pub(super) async fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
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
