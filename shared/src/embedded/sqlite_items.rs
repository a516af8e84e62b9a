//! [`ItemTable`] in an embedded SQLite database: the very items of the DynamoDB table, one row
//! each, keyed by `pk`/`sk` in a B-tree, so a write costs the same with 500 items stored as
//! with 50,000.
//!
//! SQLite rather than a pure-Rust store such as redb: `portal-local` and `portal-admin` open
//! one data directory at the same time, and SQLite's file locking (WAL, a busy timeout) lets
//! several processes share a database where redb allows one process per file.
//!
//! Every write runs in a `BEGIN IMMEDIATE` transaction, which takes the database's write lock
//! before it reads: the conditions are evaluated in Rust ([`crate::items::Condition::holds`],
//! the same function for every engine) against items no other process can change until the
//! commit. One connection behind a mutex serves the process; a database on disk runs its calls
//! on tokio's blocking threads so that a wait for another process's lock never stalls the
//! async runtime, and one in memory (tests, benchmarks) on the calling thread: no other
//! process can hold its lock, and a call takes microseconds.

use std::{
    path::Path,
    sync::{Arc, Mutex, MutexGuard, PoisonError},
    time::Duration,
};

use anyhow::Context;
use async_trait::async_trait;
use rusqlite::{
    Connection, ErrorCode, OptionalExtension, Transaction, TransactionBehavior,
    types::Value as SqlValue,
};

use crate::items::{
    Cursor, Index, Item, ItemTable, Key, Query, QueryPage, SkCondition, StoredItem, StoredPage,
    TableError, Write, check_item, check_transaction, gsi1_key, normalize_numbers, ttl_seconds,
};

/// How long a write waits for another process's transaction before giving up with
/// [`TableError::Conflict`].
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// The layout this code writes; a database from a newer version is refused rather than
/// misread.
const SCHEMA_VERSION: i64 = 1;

const SCHEMA: &str = "
    CREATE TABLE IF NOT EXISTS items (
        pk TEXT NOT NULL,
        sk TEXT NOT NULL,
        gsi1pk TEXT,
        gsi1sk TEXT,
        ttl INTEGER,
        body TEXT NOT NULL,
        PRIMARY KEY (pk, sk)
    ) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS items_gsi1 ON items (gsi1pk, gsi1sk, pk, sk)
        WHERE gsi1pk IS NOT NULL;
";

#[derive(Clone)]
pub struct SqliteItems {
    connection: Arc<Mutex<Connection>>,
    /// A database in memory belongs to this process alone: no other process can hold its
    /// lock, so a call never waits longer than this process's own calls take, and it runs
    /// on the calling thread rather than paying two thread switches on tokio's blocking
    /// pool (most of a warm request's CPU in the benchmarks, which run on this database).
    in_memory: bool,
}

/// The connection, once no other call of this process uses it. A panic mid-transaction rolled
/// that transaction back: the connection is sound.
fn locked(connection: &Mutex<Connection>) -> MutexGuard<'_, Connection> {
    connection.lock().unwrap_or_else(PoisonError::into_inner)
}

impl SqliteItems {
    /// Opens (or creates) the database file at `path`.
    pub fn open(path: &Path) -> anyhow::Result<Self> {
        let connection = Connection::open(path)
            .with_context(|| format!("Failed to open the database {}", path.display()))?;
        // WAL lets readers go on while a writer commits, and other processes share the file.
        // With WAL, `synchronous = NORMAL` survives any crash of the process and never
        // corrupts the database; a power cut may lose the last commits, which is what the JSON
        // store before it risked too.
        connection
            .pragma_update(None, "journal_mode", "WAL")
            .and_then(|()| connection.pragma_update(None, "synchronous", "NORMAL"))
            .with_context(|| format!("Failed to set up the database {}", path.display()))?;
        Self::prepare(connection, false)
            .with_context(|| format!("Failed to prepare the database {}", path.display()))
    }

    /// A database that lives as long as this value (tests).
    pub fn in_memory() -> anyhow::Result<Self> {
        let connection =
            Connection::open_in_memory().context("Failed to open an in-memory database")?;
        Self::prepare(connection, true).context("Failed to prepare an in-memory database")
    }

    fn prepare(connection: Connection, in_memory: bool) -> anyhow::Result<Self> {
        connection.busy_timeout(BUSY_TIMEOUT)?;
        let version: i64 = connection.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if version > SCHEMA_VERSION {
            anyhow::bail!(
                "The database has layout {version}, newer than this program's {SCHEMA_VERSION}"
            );
        }
        connection.execute_batch(SCHEMA)?;
        connection.pragma_update(None, "user_version", SCHEMA_VERSION)?;
        Ok(Self {
            connection: Arc::new(Mutex::new(connection)),
            in_memory,
        })
    }

    /// Runs `f` with the connection: on a blocking thread for a file, which another process
    /// may hold locked for up to [`BUSY_TIMEOUT`]; right here for a database in memory.
    async fn run<T, F>(&self, f: F) -> Result<T, TableError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, TableError> + Send + 'static,
    {
        if self.in_memory {
            return f(&mut locked(&self.connection));
        }
        let connection = Arc::clone(&self.connection);
        tokio::task::spawn_blocking(move || f(&mut locked(&connection)))
            .await
            .context("The database call did not finish")?
    }
}

/// A SQLite error as a [`TableError`]: a lock held past the busy timeout is a conflict.
fn sql_error(what: &'static str) -> impl FnOnce(rusqlite::Error) -> TableError {
    move |err| match err.sqlite_error_code() {
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => TableError::Conflict,
        _ => TableError::Unexpected(anyhow::Error::new(err).context(what)),
    }
}

fn parse_body(body: String) -> Result<Item, TableError> {
    Ok(serde_json::from_str(&body).context("Failed to read a stored item")?)
}

fn read(connection: &Connection, key: &Key) -> Result<Option<Item>, TableError> {
    read_body(connection, key)?.map(parse_body).transpose()
}

/// The item under `key` as its JSON text.
fn read_body(connection: &Connection, key: &Key) -> Result<Option<String>, TableError> {
    connection
        .prepare_cached("SELECT body FROM items WHERE pk = ?1 AND sk = ?2")
        .and_then(|mut statement| {
            statement
                .query_row((&key.pk, &key.sk), |row| row.get::<_, String>(0))
                .optional()
        })
        .map_err(sql_error("Failed to read an item"))
}

fn store(tx: &Transaction<'_>, key: &Key, item: &Item) -> Result<(), TableError> {
    let body = serde_json::to_string(item).context("Failed to write an item")?;
    let gsi1 = gsi1_key(item);
    tx.prepare_cached(
        "INSERT OR REPLACE INTO items (pk, sk, gsi1pk, gsi1sk, ttl, body)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )
    .and_then(|mut statement| {
        statement.execute((
            &key.pk,
            &key.sk,
            gsi1.as_ref().map(|k| &k.pk),
            gsi1.as_ref().map(|k| &k.sk),
            ttl_seconds(item),
            body,
        ))
    })
    .map_err(sql_error("Failed to store an item"))?;
    Ok(())
}

fn delete(tx: &Transaction<'_>, key: &Key) -> Result<(), TableError> {
    tx.prepare_cached("DELETE FROM items WHERE pk = ?1 AND sk = ?2")
        .and_then(|mut statement| statement.execute((&key.pk, &key.sk)))
        .map_err(sql_error("Failed to delete an item"))?;
    Ok(())
}

/// Runs `writes` (to the items under `keys`) as one transaction; answers each update's new item.
fn run_writes(
    connection: &mut Connection,
    writes: Vec<Write>,
    keys: &[Key],
) -> Result<Vec<Option<Item>>, TableError> {
    let tx = connection
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(sql_error("Failed to begin a transaction"))?;
    let current = keys
        .iter()
        .map(|key| read(&tx, key))
        .collect::<Result<Vec<_>, _>>()?;
    let failed: Vec<bool> = writes
        .iter()
        .zip(&current)
        .map(|(write, item)| write.condition().is_some_and(|c| !c.holds(item.as_ref())))
        .collect();
    if failed.contains(&true) {
        // Dropping `tx` rolls it back.
        return Err(TableError::ConditionFailed { failed });
    }
    let mut results = Vec::with_capacity(writes.len());
    for ((write, key), item) in writes.into_iter().zip(keys).zip(current) {
        results.push(match write {
            Write::Put { item, .. } => {
                store(&tx, key, &normalize_numbers(item))?;
                None
            }
            Write::Delete { .. } => {
                delete(&tx, key)?;
                None
            }
            Write::Check { .. } => None,
            Write::Update(update) => {
                let next = update.apply(item)?;
                store(&tx, key, &next)?;
                Some(next)
            }
        });
    }
    tx.commit()
        .map_err(sql_error("Failed to commit a transaction"))?;
    Ok(results)
}

/// The smallest string after every string that starts with `prefix` (`None`: there is none),
/// so `begins_with` becomes a range the primary key or the index can seek. SQLite compares
/// text by its UTF-8 bytes, which order like the characters.
fn prefix_end(prefix: &str) -> Option<String> {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        if let Some(next) = (last as u32 + 1..=char::MAX as u32).find_map(char::from_u32) {
            chars.push(next);
            return Some(chars.into_iter().collect());
        }
    }
    None
}

/// The SQL of `query` and its parameters.
fn query_sql(query: &Query) -> (String, Vec<SqlValue>) {
    let (pk, order): (&str, &[&str]) = match query.index {
        Index::Primary => ("pk", &["sk"]),
        Index::Gsi1 => ("gsi1pk", &["gsi1sk", "pk", "sk"]),
    };
    let sk = order[0];
    let mut sql = format!("SELECT pk, sk, gsi1sk, body FROM items WHERE {pk} = ?");
    let mut params = vec![SqlValue::Text(query.pk.clone())];
    match &query.sk {
        SkCondition::Any => {}
        SkCondition::Equals(value) => {
            sql += &format!(" AND {sk} = ?");
            params.push(SqlValue::Text(value.clone()));
        }
        SkCondition::BeginsWith(prefix) => {
            sql += &format!(" AND {sk} >= ?");
            params.push(SqlValue::Text(prefix.clone()));
            if let Some(end) = prefix_end(prefix) {
                sql += &format!(" AND {sk} < ?");
                params.push(SqlValue::Text(end));
            }
        }
        SkCondition::Between(low, high) => {
            sql += &format!(" AND {sk} BETWEEN ? AND ?");
            params.push(SqlValue::Text(low.clone()));
            params.push(SqlValue::Text(high.clone()));
        }
    }
    if let Some(cursor) = &query.after {
        let op = if query.descending { "<" } else { ">" };
        match query.index {
            Index::Primary => sql += &format!(" AND sk {op} ?"),
            Index::Gsi1 => {
                sql += &format!(" AND (gsi1sk, pk, sk) {op} (?, ?, ?)");
                params.push(SqlValue::Text(cursor.index_sk.clone().unwrap_or_default()));
                params.push(SqlValue::Text(cursor.key.pk.clone()));
            }
        }
        params.push(SqlValue::Text(cursor.key.sk.clone()));
    }
    let direction = if query.descending { "DESC" } else { "ASC" };
    let order: Vec<_> = order.iter().map(|c| format!("{c} {direction}")).collect();
    sql += &format!(" ORDER BY {}", order.join(", "));
    if let Some(size) = query.page_size() {
        // One more than asked for tells whether another page follows (see QueryPage).
        sql += " LIMIT ?";
        params.push(SqlValue::Integer(
            i64::try_from(size + 1).unwrap_or(i64::MAX),
        ));
    }
    (sql, params)
}

/// One row of a query: the item's keys as the table's columns hold them, and its JSON text.
struct Row {
    key: Key,
    gsi1sk: Option<String>,
    body: String,
}

impl SqliteItems {
    /// One page of `query` as JSON text, and where the next page starts (see
    /// [`QueryPage::from_overfetch`]; the cursor comes from the key columns, so the text is
    /// parsed only by whoever reads the items).
    async fn query_bodies(
        &self,
        query: &Query,
    ) -> Result<(Vec<String>, Option<Cursor>), TableError> {
        query.check()?;
        let query = query.clone();
        self.run(move |connection| {
            let (sql, params) = query_sql(&query);
            let mut rows = connection
                .prepare_cached(&sql)
                .and_then(|mut statement| {
                    statement
                        .query_map(rusqlite::params_from_iter(params), |row| {
                            Ok(Row {
                                key: Key::new(row.get::<_, String>(0)?, row.get::<_, String>(1)?),
                                gsi1sk: row.get(2)?,
                                body: row.get(3)?,
                            })
                        })?
                        .collect::<Result<Vec<Row>, _>>()
                })
                .map_err(sql_error("Failed to query the items"))?;
            let last = match query.page_size() {
                Some(limit) if rows.len() > limit => {
                    rows.truncate(limit);
                    let Row { key, gsi1sk, .. } = &rows[limit - 1];
                    let index_sk = match query.index {
                        Index::Primary => None,
                        Index::Gsi1 => Some(gsi1sk.clone().ok_or_else(|| {
                            anyhow::anyhow!("An item read from gsi1 lacks its gsi1sk")
                        })?),
                    };
                    Some(Cursor {
                        key: key.clone(),
                        index_sk,
                    })
                }
                _ => None,
            };
            Ok((rows.into_iter().map(|row| row.body).collect(), last))
        })
        .await
    }

    /// Puts every item, replacing any under the same key, in one transaction: all or none
    /// (moving a data set in, see [`super::migrate`]).
    pub async fn put_all(&self, items: Vec<Item>) -> Result<(), TableError> {
        self.run(move |connection| {
            let tx = connection
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(sql_error("Failed to begin a transaction"))?;
            for item in items {
                let key = check_item(&item)?;
                store(&tx, &key, &normalize_numbers(item))?;
            }
            tx.commit()
                .map_err(sql_error("Failed to commit a transaction"))?;
            Ok(())
        })
        .await
    }
}

#[async_trait]
impl ItemTable for SqliteItems {
    #[tracing::instrument(skip_all)]
    async fn get(&self, key: &Key, _consistent: bool) -> Result<Option<Item>, TableError> {
        let key = key.clone();
        self.run(move |connection| read(connection, &key)).await
    }

    #[tracing::instrument(skip_all)]
    async fn get_many(&self, keys: &[Key]) -> Result<Vec<Item>, TableError> {
        let keys: std::collections::BTreeSet<Key> = keys.iter().cloned().collect();
        self.run(move |connection| {
            let mut items = Vec::new();
            for key in &keys {
                items.extend(read(connection, key)?);
            }
            Ok(items)
        })
        .await
    }

    #[tracing::instrument(skip_all)]
    async fn query(&self, query: &Query) -> Result<QueryPage, TableError> {
        let (bodies, last) = self.query_bodies(query).await?;
        let items = bodies
            .into_iter()
            .map(parse_body)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(QueryPage { items, last })
    }

    #[tracing::instrument(skip_all)]
    async fn get_stored(
        &self,
        key: &Key,
        _consistent: bool,
    ) -> Result<Option<StoredItem>, TableError> {
        let key = key.clone();
        let body = self
            .run(move |connection| read_body(connection, &key))
            .await?;
        Ok(body.map(StoredItem::Json))
    }

    #[tracing::instrument(skip_all)]
    async fn query_stored(&self, query: &Query) -> Result<StoredPage, TableError> {
        let (bodies, last) = self.query_bodies(query).await?;
        Ok(StoredPage {
            items: bodies.into_iter().map(StoredItem::Json).collect(),
            last,
        })
    }

    #[tracing::instrument(skip_all)]
    async fn write(&self, write: Write) -> Result<Option<Item>, TableError> {
        let key = write.key()?;
        self.run(move |connection| {
            let mut results = run_writes(connection, vec![write], &[key])?;
            Ok(results.pop().flatten())
        })
        .await
    }

    #[tracing::instrument(skip_all, fields(writes = writes.len()))]
    async fn transact(&self, writes: Vec<Write>) -> Result<(), TableError> {
        let keys = check_transaction(&writes)?;
        self.run(move |connection| run_writes(connection, writes, &keys).map(|_| ()))
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prefix_ends_where_the_next_character_starts() {
        assert_eq!(prefix_end("CUSTOMER#").as_deref(), Some("CUSTOMER$"));
        assert_eq!(prefix_end("a\u{D7FF}").as_deref(), Some("a\u{E000}"));
        assert_eq!(prefix_end("a\u{10FFFF}").as_deref(), Some("b"));
        assert_eq!(prefix_end("\u{10FFFF}"), None);
        assert_eq!(prefix_end(""), None);
    }

    #[test]
    fn a_database_written_by_a_newer_version_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("items.sqlite");
        drop(SqliteItems::open(&path).unwrap());
        Connection::open(&path)
            .unwrap()
            .pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();

        let opened = SqliteItems::open(&path);

        assert!(opened.is_err());
        assert!(SqliteItems::open(&dir.path().join("other.sqlite")).is_ok());
    }

    /// The plan SQLite picks for each kind of query: a seek in the primary key or the index,
    /// never a scan of the table (which would make the cost grow with all data stored).
    #[test]
    fn every_query_seeks_by_key_rather_than_scanning() {
        let table = SqliteItems::in_memory().unwrap();
        let connection = table.connection.lock().unwrap();
        let cursor = crate::items::Cursor {
            key: Key::new("P", "S"),
            index_sk: Some("G".into()),
        };
        let queries = [
            Query::primary("P"),
            Query::primary("P").begins_with("CUSTOMER#").limit(10),
            Query::primary("P").after(crate::items::Cursor::from(Key::new("P", "S"))),
            Query::primary("P").descending().limit(3),
            Query::gsi1("G").begins_with("APIKEY#"),
            Query::gsi1("G").after(cursor.clone()),
            Query::gsi1("G").after(cursor).descending(),
        ];
        for query in queries {
            let (sql, params) = query_sql(&query);
            let mut statement = connection
                .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
                .unwrap();
            let plan: Vec<String> = statement
                .query_map(rusqlite::params_from_iter(params), |row| row.get(3))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            let plan = plan.join("; ");
            assert!(
                plan.contains("SEARCH items USING"),
                "{query:?} plans {plan}"
            );
            assert!(!plan.contains("TEMP B-TREE"), "{query:?} sorts: {plan}");
        }
    }
}
