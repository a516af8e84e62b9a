//! The item-engine contract against the embedded SQLite engine, in memory and on disk, and what
//! only a file shows: it survives a reopen, and two processes share it.

use std::sync::Arc;

use portal::{
    embedded::sqlite_items::SqliteItems,
    items::{Condition, ItemTable, Key, TableError, Write},
};
use portal_tests::items_contract::{Races, Subject};
use serde_json::json;

mod in_memory {
    use super::*;

    async fn table() -> Subject {
        Subject {
            table: Arc::new(SqliteItems::in_memory().expect("the database opens")),
            races: Races::AtOnce,
            keep: None,
        }
    }

    portal_tests::items_contract!(table());
}

mod on_disk {
    use super::*;

    async fn table() -> Subject {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let table = SqliteItems::open(&dir.path().join("items.sqlite")).expect("the file opens");
        Subject {
            table: Arc::new(table),
            races: Races::AtOnce,
            keep: Some(Box::new(dir)),
        }
    }

    portal_tests::items_contract!(table());
}

fn claim(key: &Key, owner: usize) -> Write {
    let mut item = serde_json::Map::new();
    item.insert("pk".into(), key.pk.clone().into());
    item.insert("sk".into(), key.sk.clone().into());
    item.insert("owner".into(), owner.into());
    Write::put(item).when(Condition::NotExists)
}

#[tokio::test]
async fn items_survive_closing_and_reopening_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("items.sqlite");
    let key = Key::new("LOGIN#anna@example.com", "LOGIN");
    {
        let table = SqliteItems::open(&path).unwrap();
        table.write(claim(&key, 1)).await.unwrap();
    }

    let reopened = SqliteItems::open(&path).unwrap();

    let item = reopened.get(&key, true).await.unwrap().expect("the item");
    assert_eq!(item["owner"], json!(1));
}

/// `portal-local` and `portal-admin` open one data directory at once: two connections to one
/// file, as two processes hold them, race for one key and see one winner.
#[tokio::test]
async fn two_processes_sharing_the_file_let_exactly_one_claim_win() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("items.sqlite");
    let first = SqliteItems::open(&path).unwrap();
    let second = SqliteItems::open(&path).unwrap();
    let key = Key::new("LOGIN#shared@example.com", "LOGIN");

    let handles: Vec<_> = (0..10)
        .map(|i| {
            let table = if i % 2 == 0 {
                first.clone()
            } else {
                second.clone()
            };
            let key = key.clone();
            tokio::spawn(async move { table.write(claim(&key, i)).await })
        })
        .collect();
    let mut results = Vec::new();
    for handle in handles {
        results.push(handle.await.unwrap());
    }

    let winners: Vec<_> = results
        .iter()
        .enumerate()
        .filter(|(_, r)| r.is_ok())
        .collect();
    assert_eq!(winners.len(), 1, "{results:?}");
    assert!(
        results
            .iter()
            .all(|r| r.is_ok() || matches!(r, Err(TableError::ConditionFailed { .. }))),
        "{results:?}"
    );
    let from_first = first.get(&key, true).await.unwrap().unwrap();
    let from_second = second.get(&key, true).await.unwrap().unwrap();
    assert_eq!(from_first, from_second);
    assert_eq!(from_first["owner"], json!(winners[0].0));
}
