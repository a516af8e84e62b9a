//! Every port's storage, written once on the item model ([`crate::items`]): [`ItemStore`] runs
//! on whichever [`ItemTable`] it is given, DynamoDB in the cloud or embedded SQLite locally.
//! One file per aggregate holds its items, its conditions and its transactions; this file holds
//! what they share: the keys more than one aggregate names, the mapping of the engines' errors
//! to [`StoreError`] and the one listing helper.
//!
//! Key design (see README, "Data"); the same items on both engines:
//!
//! | item        | pk                   | sk                | gsi1pk         | gsi1sk            |
//! |-------------|----------------------|-------------------|----------------|-------------------|
//! | tenant      | `TENANT#{t}`         | `TENANT`          | `TENANTS`      | `TENANT#{t}`      |
//! | API key     | `APIKEY#{sha256}`    | `APIKEY`          | `TENANT#{t}`   | `APIKEY#{id}`     |
//! | customer    | `TENANT#{t}`         | `CUSTOMER#{c}`    |                |                   |
//! | login claim | `LOGIN#{email}`      | `LOGIN`           |                |                   |
//! | host claim  | `HOST#{host[:port]}` | `HOST`            |                |                   |
//! | staff user  | `TENANT#{t}`         | `STAFF#{s}`       |                |                   |
//! | invitation  | `TENANT#{t}#CUSTOMER#{c}` | `INVITATION#{i}` |          |                   |
//! | open invitations | `TENANT#{t}#CUSTOMER#{c}` | `INVOPEN` |           |                   |
//! | account     | `TENANT#{t}#CUSTOMER#{c}` or `TENANT#{t}#STAFF#{s}` | `ACCOUNT` | |        |
//! | session     | `SESSION#{sha256}`   | `SESSION`         |                |                   |
//! | link token  | `TOKEN#{sha256}`     | `TOKEN`           |                |                   |
//! | template    | `TENANT#{t}`         | `TEMPLATE#{channel}#{lang}` |      |                   |
//! | idempotency | `IDEMPOTENCY#{t}#{key}` | `IDEMPOTENCY`  |                |                   |
//! | rate count  | `RATE#{key}`         | `{window start}`  |                |                   |
//! | form        | `FORM#{f}`           | `FORM`            | `TENANT#{t}#FORMS` | `CUSTOMER#{c}#FORM#{f}` |
//! | form entry  | `TENANT#{t}#CUSTOMER#{c}#ENTRIES` | `ENTRY#{e}` | `FORM#{f}#ENTRIES` | `ENTRY#{e}` |
//! | due notification | `TENANT#{t}#CUSTOMER#{c}#ENTRIES` | `NOTIFY#{e}` | `FORMNOTIFY` | `{due time}#{e}` |
//! | file        | `TENANT#{t}#CUSTOMER#{c}` | `FILE#{f}`   | `TENANT#{t}#CUSTOMER#{c}#FOLDER#{folder}` | `FILE#{f}` |
//! | file usage  | `TENANT#{t}#CUSTOMER#{c}` | `FILEUSAGE`  |                |                   |
//! | file rules  | `TENANT#{t}`         | `FILESETTINGS`    |                |                   |
//! | status change | `TENANT#{t}#CUSTOMER#{c}` | `STATUS#{version, 20 digits}` |  |                |
//! | wishes draft | `TENANT#{t}#CUSTOMER#{c}` | `WISHES`        |                |                   |
//! | wishes submission | `TENANT#{t}#CUSTOMER#{c}` | `WISHES#SUBMISSION#{n, 10 digits}` | |          |
//! | feedback site | `TENANT#{t}#CUSTOMER#{c}` | `FEEDBACKSITE`  |                |                   |
//! | feedback numbers | `TENANT#{t}#CUSTOMER#{c}` | `FEEDBACKBOARD` |             |                   |
//! | feedback page count | `TENANT#{t}#CUSTOMER#{c}` | `FEEDBACKPAGE#{sha256(url)}` | |                |
//! | feedback item | `TENANT#{t}#CUSTOMER#{c}` | `FEEDBACK#{i}` | `TENANT#{t}#CUSTOMER#{c}#FEEDBACKPAGE#{sha256(url)}` | `FEEDBACK#{i}` |
//! | feedback reply | `TENANT#{t}#CUSTOMER#{c}` | `FEEDBACKREPLY#{i}#{n, 5 digits}` | |             |
//! | feedback notice | `TENANT#{t}#CUSTOMER#{c}` | `FEEDBACKNOTICE#{to}#{n}` | `FEEDBACKNOTICES` | `{time}#{t}#{c}#{to}#{n}` |
//! | feedback origin | `FEEDBACKORIGIN#{origin}` | `TENANT#{t}#CUSTOMER#{c}` |    |                   |
//! | feedback token | `FEEDBACKTOKEN#{sha256}` | `FEEDBACKTOKEN` | `TENANT#{t}#CUSTOMER#{c}#FEEDBACKTOKENS` | `FEEDBACKTOKEN#{id}` |

mod accounts;
mod api_keys;
mod customers;
mod feedback;
mod file_records;
mod form_entries;
mod forms;
mod idempotency;
mod invitations;
mod rate_limits;
mod sessions;
mod staff;
mod status;
mod templates;
mod tenants;
mod wishes;

/// The items the ports write for each kind of record, for moving records in from elsewhere
/// (the old embedded store's file, see `embedded::migrate`).
#[cfg(feature = "embedded")]
pub(crate) mod import {
    pub(crate) use super::{
        accounts::{account_item, login_claim_item},
        api_keys::api_key_item,
        customers::customer_item,
        idempotency::idempotency_item,
        invitations::{invitation_item, token_item},
        rate_limits::rate_item,
        sessions::session_item,
        staff::staff_item,
        templates::template_item,
        tenants::{host_claim, tenant_item},
    };
}

use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::{
    domain::{CustomerId, StaffId, Subject, TenantId},
    items::{self, Item, ItemTable, Key, Query, StoredItem, TableError, Write},
    ports::StoreError,
};

/// Every store port on one table of items.
#[derive(Clone)]
pub struct ItemStore {
    table: Arc<dyn ItemTable>,
}

impl ItemStore {
    pub fn new(table: Arc<dyn ItemTable>) -> Self {
        Self { table }
    }
}

fn tenant_pk(t: TenantId) -> String {
    format!("TENANT#{t}")
}

fn customer_sk(c: CustomerId) -> String {
    format!("CUSTOMER#{c}")
}

fn staff_sk(id: StaffId) -> String {
    format!("STAFF#{id}")
}

/// The sort key of the customer or staff record under `TENANT#{t}`.
fn subject_sk(subject: Subject) -> String {
    match subject {
        Subject::Customer(c) => customer_sk(c),
        Subject::Staff(id) => staff_sk(id),
    }
}

/// A point in time as the records store it (RFC 3339, UTC, as chrono's serde writes it), for
/// attributes an update sets on its own.
fn timestamp(at: DateTime<Utc>) -> Value {
    Value::String(at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
}

/// The table's TTL attribute: seconds since the epoch. TTL deletes late; code checks expiry
/// itself.
fn ttl(at: DateTime<Utc>) -> i64 {
    at.timestamp()
}

/// A write's or a read's failure that is no answer of the port: the engine's error, saying
/// what was being done.
fn unexpected(err: TableError, what: &'static str) -> StoreError {
    match err {
        TableError::Unexpected(e) => StoreError::Unexpected(e.context(what)),
        other => StoreError::Unexpected(anyhow::Error::new(other).context(what)),
    }
}

/// A failed transaction as [`ItemStore::transact`] answers it.
fn transaction_error(
    err: TableError,
    login_claim: Option<usize>,
    what: &'static str,
) -> StoreError {
    match err {
        TableError::ConditionFailed { failed }
            if login_claim.is_some_and(|i| failed.get(i) == Some(&true)) =>
        {
            StoreError::LoginEmailTaken
        }
        TableError::ConditionFailed { failed } if failed.contains(&true) => {
            StoreError::VersionConflict
        }
        TableError::Conflict => StoreError::VersionConflict,
        e => unexpected(e, what),
    }
}

/// A single write's condition did not hold; nothing was written.
struct ConditionUnmet;

/// One page of records from [`ItemStore::list`]; `more` when further records follow.
struct Listed<T> {
    records: Vec<T>,
    more: bool,
}

impl ItemStore {
    /// The items under `keys` that exist, as records, in no particular order; read
    /// consistently, in as few round trips as the engine allows.
    async fn get_records<T: DeserializeOwned>(
        &self,
        keys: &[Key],
        what: &'static str,
    ) -> Result<Vec<T>, StoreError> {
        let items = self
            .table
            .get_many(keys)
            .await
            .map_err(|e| unexpected(e, what))?;
        Ok(items
            .into_iter()
            .map(items::record)
            .collect::<Result<_, _>>()?)
    }

    /// One item as a record, or `None`. `consistent` reads see every write before them.
    async fn get_record<T: DeserializeOwned>(
        &self,
        key: Key,
        consistent: bool,
        what: &'static str,
    ) -> Result<Option<T>, StoreError> {
        let item = self
            .table
            .get_stored(&key, consistent)
            .await
            .map_err(|e| unexpected(e, what))?;
        Ok(item.map(StoredItem::record).transpose()?)
    }

    /// One write; `Ok(Err(ConditionUnmet))` when its condition did not hold, for the caller to
    /// say what that means. An update answers the item after it.
    async fn write(
        &self,
        write: Write,
        what: &'static str,
    ) -> Result<Result<Option<Item>, ConditionUnmet>, StoreError> {
        match self.table.write(write).await {
            Ok(item) => Ok(Ok(item)),
            Err(TableError::ConditionFailed { .. }) => Ok(Err(ConditionUnmet)),
            Err(e) => Err(unexpected(e, what)),
        }
    }

    /// All the writes or none. A failed condition means the records changed since they were
    /// read ([`StoreError::VersionConflict`]), except when it is the write at `login_claim`
    /// (a login email claim): [`StoreError::LoginEmailTaken`]. Another transaction changing
    /// the same items at that moment won the race: also [`StoreError::VersionConflict`].
    async fn transact(
        &self,
        writes: Vec<Write>,
        login_claim: Option<usize>,
        what: &'static str,
    ) -> Result<(), StoreError> {
        match self.table.transact(writes).await {
            Ok(()) => Ok(()),
            Err(e) => Err(transaction_error(e, login_claim, what)),
        }
    }

    /// The records `query` finds, in its order (typically those under one partition key whose
    /// sort key starts with a prefix). With a limit, one page of at most that many; without,
    /// every page.
    async fn list<T: DeserializeOwned>(
        &self,
        mut query: Query,
        what: &'static str,
    ) -> Result<Listed<T>, StoreError> {
        let mut records = Vec::new();
        loop {
            let page = self
                .table
                .query_stored(&query)
                .await
                .map_err(|e| unexpected(e, what))?;
            records.reserve(page.items.len());
            for item in page.items {
                records.push(item.record()?);
            }
            match page.last {
                Some(last) if query.limit.is_none() => query = query.after(last),
                last => {
                    return Ok(Listed {
                        records,
                        more: last.is_some(),
                    });
                }
            }
        }
    }

    /// Every record `query` finds.
    async fn list_all<T: DeserializeOwned>(
        &self,
        query: Query,
        what: &'static str,
    ) -> Result<Vec<T>, StoreError> {
        Ok(self.list(query, what).await?.records)
    }
}

/// An item of plain text attributes under `key`, for the claims (login email, portal address)
/// that hold no record, only whose they are.
fn claim_item(key: Key, attributes: &[(&str, String)]) -> Item {
    let mut item = Item::new();
    item.insert(items::PK.into(), key.pk.into());
    item.insert(items::SK.into(), key.sk.into());
    for (name, value) in attributes {
        item.insert((*name).into(), value.clone().into());
    }
    item
}

/// A text attribute of a claim, parsed.
fn claim_field<T: std::str::FromStr>(item: &Item, name: &str) -> Option<T> {
    item.get(name)?.as_str()?.parse().ok()
}
