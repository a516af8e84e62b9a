//! The links' signing secret: random, 32 bytes, kept in a file readable by the owner only so
//! that links survive a restart and every process on the data directory signs alike.

use std::{io::Write, path::Path};

use anyhow::{Context, anyhow};

pub(super) fn random_secret() -> anyhow::Result<[u8; 32]> {
    let mut secret = [0u8; 32];
    getrandom::fill(&mut secret).map_err(|e| anyhow!("the OS random source failed: {e}"))?;
    Ok(secret)
}

/// Reads the secret, or makes it: written to a private temporary file, then linked into
/// place, which fails if another process got there first (and then its secret is used).
pub(super) fn load_or_create_secret(path: &Path) -> anyhow::Result<[u8; 32]> {
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

#[cfg(test)]
mod tests {
    use super::{super::SECRET_FILE, *};

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
}
