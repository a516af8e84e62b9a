//! Files in memory, for tests and throwaway runs: gone with the process.

use std::{
    collections::HashMap,
    sync::{Mutex, MutexGuard},
};

use crate::domain::{FileInfo, ObjectKey};

#[derive(Default)]
pub(super) struct Memory(Mutex<HashMap<ObjectKey, Stored>>);

struct Stored {
    content_type: String,
    bytes: Vec<u8>,
}

impl Stored {
    fn info(&self) -> FileInfo {
        FileInfo {
            size: self.bytes.len() as u64,
            content_type: Some(self.content_type.clone()),
        }
    }
}

impl Memory {
    pub(super) fn write(&self, key: &ObjectKey, content_type: &str, bytes: Vec<u8>) {
        let stored = Stored {
            content_type: content_type.to_owned(),
            bytes,
        };
        self.lock().insert(key.clone(), stored);
    }

    pub(super) fn read(&self, key: &ObjectKey) -> Option<(FileInfo, Vec<u8>)> {
        self.lock()
            .get(key)
            .map(|stored| (stored.info(), stored.bytes.clone()))
    }

    pub(super) fn head(&self, key: &ObjectKey) -> Option<FileInfo> {
        self.lock().get(key).map(Stored::info)
    }

    pub(super) fn delete(&self, key: &ObjectKey) {
        self.lock().remove(key);
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<ObjectKey, Stored>> {
        // A panic elsewhere can't leave a map entry half-written: the data stays usable.
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}
