//! In-process twins of the AWS adapters, for the local runner and tests.

pub mod files;
pub mod migrate;
pub mod outbox;
pub mod sqlite_items;

pub use files::LocalFileStore;
pub use outbox::{Outbox, OutboxMessage};

use std::{path::Path, sync::Arc};

use anyhow::Context;

use crate::store::ItemStore;

/// The database file in the data directory.
pub const DATABASE_FILE: &str = "portal.sqlite3";

/// The store kept in the data directory `dir`: its SQLite database, created on first use, into
/// which an old `store.json` is moved (see [`migrate`]).
pub async fn open_store(dir: &Path) -> anyhow::Result<ItemStore> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("Failed to create the data directory {}", dir.display()))?;
    let table = sqlite_items::SqliteItems::open(&dir.join(DATABASE_FILE))?;
    let moved = migrate::migrate_json_store(dir, &table).await?;
    if moved > 0 {
        tracing::info!(items = moved, "Moved the old store.json into the database");
    }
    Ok(ItemStore::new(Arc::new(table)))
}

/// A store that lives as long as the value, in an in-memory SQLite database (tests, and the
/// local runner's throwaway mode).
pub fn in_memory_store() -> ItemStore {
    // Only a failed allocation stops SQLite from opening a database in memory.
    let table = sqlite_items::SqliteItems::in_memory().expect("SQLite opens a database in memory");
    ItemStore::new(Arc::new(table))
}
