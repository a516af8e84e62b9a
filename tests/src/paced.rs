//! A table that makes round trips countable without moto: every call waits a fixed pace
//! before it runs, so calls a route makes at once overlap for sure and calls it makes one
//! after another never do. The count then follows the code's order of reads and writes, not
//! the machine's speed: a route that goes back to reading one record after another fails a
//! test in CI, where the benchmark's proxy (`bench/src/proxy.rs`) does not run.

use std::{sync::Mutex, time::Duration};

use async_trait::async_trait;
use portal::{
    embedded::sqlite_items::SqliteItems,
    items::{Item, ItemTable, Key, Query, QueryPage, TableError, Write},
};
use tokio::time::Instant;

/// Long enough that the moments between starting concurrent calls never matter.
pub const PACE: Duration = Duration::from_millis(40);

/// An in-memory SQLite table whose every call first waits [`PACE`].
pub struct PacedTable {
    inner: SqliteItems,
    calls: Mutex<Vec<(Instant, Instant)>>,
    /// The partition (or index partition) of every query, in order.
    queried: Mutex<Vec<String>>,
    /// The partition of every read, a record's or a query's, in order.
    reached: Mutex<Vec<String>>,
}

impl PacedTable {
    pub fn in_memory() -> Self {
        Self {
            inner: SqliteItems::in_memory().expect("SQLite in memory"),
            calls: Mutex::default(),
            queried: Mutex::default(),
            reached: Mutex::default(),
        }
    }

    async fn paced<T>(&self, call: impl Future<Output = T>) -> T {
        let start = Instant::now();
        tokio::time::sleep(PACE).await;
        let answer = call.await;
        self.calls.lock().unwrap().push((start, Instant::now()));
        answer
    }

    /// The partitions queried since the last call, in order: what a route reached, not only
    /// how long it waited.
    pub fn queried(&self) -> Vec<String> {
        std::mem::take(&mut *self.queried.lock().unwrap())
    }

    /// The partitions read since the last call (records and queries), in order: whose data a
    /// route touched, refused or not.
    pub fn reached(&self) -> Vec<String> {
        std::mem::take(&mut *self.reached.lock().unwrap())
    }

    /// The round trips waited for one after another since the last call: the longest chain
    /// of calls each started after the one before it had ended. (Merging calls that overlap
    /// would undercount a call that waited for only the first of a batch.)
    pub fn round_trips(&self) -> usize {
        let mut calls = std::mem::take(&mut *self.calls.lock().unwrap());
        calls.sort();
        let mut depth: Vec<usize> = Vec::with_capacity(calls.len());
        for (start, _) in &calls {
            let before = calls[..depth.len()]
                .iter()
                .zip(&depth)
                .filter(|((_, end), _)| end <= start)
                .map(|(_, d)| *d)
                .max()
                .unwrap_or(0);
            depth.push(before + 1);
        }
        depth.into_iter().max().unwrap_or(0)
    }
}

#[async_trait]
impl ItemTable for PacedTable {
    async fn get(&self, key: &Key, consistent: bool) -> Result<Option<Item>, TableError> {
        self.reached.lock().unwrap().push(key.pk.clone());
        self.paced(self.inner.get(key, consistent)).await
    }

    async fn get_many(&self, keys: &[Key]) -> Result<Vec<Item>, TableError> {
        (self.reached.lock().unwrap()).extend(keys.iter().map(|k| k.pk.clone()));
        self.paced(self.inner.get_many(keys)).await
    }

    async fn query(&self, query: &Query) -> Result<QueryPage, TableError> {
        self.queried.lock().unwrap().push(query.pk.clone());
        self.reached.lock().unwrap().push(query.pk.clone());
        self.paced(self.inner.query(query)).await
    }

    async fn write(&self, write: Write) -> Result<Option<Item>, TableError> {
        self.paced(self.inner.write(write)).await
    }

    async fn transact(&self, writes: Vec<Write>) -> Result<(), TableError> {
        self.paced(self.inner.transact(writes)).await
    }
}
