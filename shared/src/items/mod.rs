//! The items of the single table, whichever engine holds them: DynamoDB in the cloud, an
//! embedded SQLite database locally. An item is what DynamoDB stores: the record's attributes
//! plus its keys `pk`/`sk`, and optionally `gsi1pk`/`gsi1sk` (the one secondary index) and
//! `ttl` (seconds since the epoch). Key design and the mapping of a record to an item are
//! written once, against [`ItemTable`]; the engines ([`crate::aws::dynamodb_items`],
//! [`crate::embedded::sqlite_items`]) differ only in how they run a get, a query, a write or
//! a transaction, and `tests/src/items_contract/` holds them to the same behaviour.
//!
//! Where the engines could differ, DynamoDB's behaviour is the rule: conditions are evaluated
//! as DynamoDB evaluates them ([`Condition::holds`]), updates apply as `UpdateItem` does
//! ([`Update::apply`]), numbers read back as DynamoDB gives them back ([`normalize_numbers`]),
//! and what DynamoDB refuses (a key attribute that is not a string, two writes to one item in a
//! transaction, a consistent read of the index) is refused by both.

mod condition;
mod query;
mod stored;
mod write;

use async_trait::async_trait;
use serde::{Serialize, de::DeserializeOwned};
use serde_json::Value;

pub use condition::Condition;
pub use query::{Cursor, Index, Query, QueryPage, SkCondition};
pub use stored::{StoredItem, StoredPage};
pub use write::{MAX_TRANSACTION_ITEMS, Update, Write, check_transaction};

/// An item's attributes, keys included.
pub type Item = serde_json::Map<String, Value>;

pub const PK: &str = "pk";
pub const SK: &str = "sk";
pub const GSI1PK: &str = "gsi1pk";
pub const GSI1SK: &str = "gsi1sk";
pub const TTL: &str = "ttl";

/// The attributes that belong to the table, not to the record.
const KEY_ATTRIBUTES: [&str; 5] = [PK, SK, GSI1PK, GSI1SK, TTL];

/// An item's primary key.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    pub pk: String,
    pub sk: String,
}

impl Key {
    pub fn new(pk: impl Into<String>, sk: impl Into<String>) -> Self {
        Self {
            pk: pk.into(),
            sk: sk.into(),
        }
    }

    /// The primary key of `item`; an error when `pk` or `sk` is missing, empty or not a string
    /// (DynamoDB refuses such an item, so the embedded engine does too).
    pub fn of(item: &Item) -> anyhow::Result<Self> {
        Ok(Self {
            pk: key_string(item, PK)?.to_owned(),
            sk: key_string(item, SK)?.to_owned(),
        })
    }
}

fn key_string<'a>(item: &'a Item, name: &str) -> anyhow::Result<&'a str> {
    match item.get(name) {
        Some(Value::String(s)) if !s.is_empty() => Ok(s),
        Some(_) => anyhow::bail!("The key attribute {name} must be a non-empty string"),
        None => anyhow::bail!("The item lacks its key attribute {name}"),
    }
}

/// Checks what DynamoDB checks of every item written: string primary keys, and index keys
/// that, when present, are non-empty strings.
pub fn check_item(item: &Item) -> anyhow::Result<Key> {
    let key = Key::of(item)?;
    for name in [GSI1PK, GSI1SK] {
        if item.contains_key(name) {
            key_string(item, name)?;
        }
    }
    Ok(key)
}

/// The secondary-index key of `item`, when it has both halves (DynamoDB leaves an item without
/// them out of the index).
pub fn gsi1_key(item: &Item) -> Option<Key> {
    match (item.get(GSI1PK), item.get(GSI1SK)) {
        (Some(Value::String(pk)), Some(Value::String(sk))) => Some(Key::new(pk, sk)),
        _ => None,
    }
}

/// The item's `ttl` in whole seconds, when it is a number (DynamoDB's TTL ignores anything else).
pub fn ttl_seconds(item: &Item) -> Option<i64> {
    match item.get(TTL)? {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        _ => None,
    }
}

/// The keys an item is stored under, besides its record's attributes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keys {
    pub key: Key,
    pub gsi1: Option<Key>,
    /// Seconds since the epoch after which DynamoDB may delete the item. It deletes late, so
    /// code that cares checks the expiry itself.
    pub ttl: Option<i64>,
}

impl Keys {
    pub fn new(pk: impl Into<String>, sk: impl Into<String>) -> Self {
        Self {
            key: Key::new(pk, sk),
            gsi1: None,
            ttl: None,
        }
    }

    pub fn gsi1(mut self, pk: impl Into<String>, sk: impl Into<String>) -> Self {
        self.gsi1 = Some(Key::new(pk, sk));
        self
    }

    pub fn ttl(mut self, seconds: i64) -> Self {
        self.ttl = Some(seconds);
        self
    }
}

/// `record`'s attributes plus `keys`: the item to put. The keys win over record fields of the
/// same name, as they always did in the DynamoDB adapter.
pub fn item<T: Serialize>(record: &T, keys: &Keys) -> anyhow::Result<Item> {
    let Value::Object(mut item) = serde_json::to_value(record)
        .map_err(|e| anyhow::anyhow!(e).context("Failed to convert a record to an item"))?
    else {
        anyhow::bail!("A record must serialize to a map of attributes to become an item");
    };
    item.insert(PK.into(), keys.key.pk.clone().into());
    item.insert(SK.into(), keys.key.sk.clone().into());
    if let Some(gsi1) = &keys.gsi1 {
        item.insert(GSI1PK.into(), gsi1.pk.clone().into());
        item.insert(GSI1SK.into(), gsi1.sk.clone().into());
    }
    if let Some(ttl) = keys.ttl {
        item.insert(TTL.into(), ttl.into());
    }
    Ok(normalize_numbers(item))
}

/// The record an item holds, its key attributes left out (so a record type that refuses
/// unknown fields still reads).
pub fn record<T: DeserializeOwned>(mut item: Item) -> anyhow::Result<T> {
    for name in KEY_ATTRIBUTES {
        item.remove(name);
    }
    serde_json::from_value(Value::Object(item))
        .map_err(|e| anyhow::anyhow!(e).context("Failed to read a record from its item"))
}

/// Numbers as DynamoDB gives them back. DynamoDB keeps a number as its decimal text
/// (`serde_dynamo` writes an `f64` with `to_string`, so `1.0` becomes `"1"`) and reading it
/// back yields an integer whenever the text is one. The embedded engine stores the same form,
/// so both engines hand back equal items.
///
/// In place: rebuilding the map (and every nested one) cost an allocation per attribute and a
/// sort of the keys on every write, for items that rarely hold a fraction.
pub fn normalize_numbers(mut item: Item) -> Item {
    item.values_mut().for_each(normalize_value);
    item
}

fn normalize_value(value: &mut Value) {
    match value {
        Value::Number(n) if n.is_f64() => {
            if let Some(normal) = number_from_text(&n.as_f64().unwrap_or(0.0).to_string()) {
                *value = normal;
            }
        }
        Value::Array(values) => values.iter_mut().for_each(normalize_value),
        Value::Object(map) => map.values_mut().for_each(normalize_value),
        _ => {}
    }
}

/// A number read from DynamoDB's text form, the way `serde_dynamo` reads it: an `i64` if it is
/// one, else a `u64`, else an `f64`.
pub(crate) fn number_from_text(text: &str) -> Option<Value> {
    if let Ok(i) = text.parse::<i64>() {
        return Some(i.into());
    }
    if let Ok(u) = text.parse::<u64>() {
        return Some(u.into());
    }
    text.parse::<f64>()
        .ok()
        .and_then(serde_json::Number::from_f64)
        .map(Value::Number)
}

#[derive(Debug, thiserror::Error)]
pub enum TableError {
    /// A write's condition did not hold, so nothing was written. `failed` has one entry per
    /// write (one for [`ItemTable::write`]), `true` where that write's condition failed.
    #[error("a condition did not hold")]
    ConditionFailed { failed: Vec<bool> },
    /// Another transaction was changing the same items at that moment (DynamoDB's
    /// `TransactionConflict`; locally, the database stayed locked past its busy timeout).
    /// Nothing was written; the caller may read again and retry.
    #[error("another transaction was changing the items")]
    Conflict,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

/// One table of items. Every method is one round trip to the engine.
#[async_trait]
pub trait ItemTable: Send + Sync {
    /// The item under `key`. A `consistent` read sees every write that finished before it
    /// (DynamoDB reads are otherwise eventually consistent; the embedded engine's always are).
    async fn get(&self, key: &Key, consistent: bool) -> Result<Option<Item>, TableError>;

    /// The items under `keys` that exist, in no particular order, each once however often
    /// its key is listed; read consistently. DynamoDB's `BatchGetItem` takes 100 keys at a
    /// time and may leave some for another request, so there this is one round trip per 100
    /// keys (more when the table throttles), still far fewer than a read per key.
    async fn get_many(&self, keys: &[Key]) -> Result<Vec<Item>, TableError>;

    /// One page of items in key order. See [`Query`] and [`QueryPage`].
    async fn query(&self, query: &Query) -> Result<QueryPage, TableError>;

    /// [`ItemTable::get`] for reading the record the item holds: an engine that keeps items
    /// in another form than [`Item`] hands that form back, for the record to be read from it
    /// in one pass.
    async fn get_stored(
        &self,
        key: &Key,
        consistent: bool,
    ) -> Result<Option<StoredItem>, TableError> {
        Ok(self.get(key, consistent).await?.map(StoredItem::Attributes))
    }

    /// [`ItemTable::query`] for reading the records the items hold (see
    /// [`ItemTable::get_stored`]).
    async fn query_stored(&self, query: &Query) -> Result<StoredPage, TableError> {
        let page = self.query(query).await?;
        Ok(StoredPage {
            items: page.items.into_iter().map(StoredItem::Attributes).collect(),
            last: page.last,
        })
    }

    /// One write, if its condition holds. An [`Update`] answers the item as it is after the
    /// update (DynamoDB's `ALL_NEW`); the others answer `None`.
    async fn write(&self, write: Write) -> Result<Option<Item>, TableError>;

    /// All the writes or none: each condition is evaluated against the items as they were
    /// before the transaction, and nothing is written unless every one holds. At most
    /// [`MAX_TRANSACTION_ITEMS`] writes, each to a different item.
    async fn transact(&self, writes: Vec<Write>) -> Result<(), TableError>;
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use serde_json::json;

    use super::*;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    struct Record {
        name: String,
        version: u64,
        ratio: f64,
    }

    #[test]
    fn a_record_becomes_an_item_with_its_keys_and_reads_back_without_them() {
        let original = Record {
            name: "Anna".into(),
            version: 3,
            ratio: 1.5,
        };
        let keys = Keys::new("TENANT#1", "CUSTOMER#2")
            .gsi1("TENANTS", "TENANT#1")
            .ttl(1_800_000_000);

        let item = item(&original, &keys).unwrap();

        assert_eq!(
            Value::Object(item.clone()),
            json!({"name": "Anna", "version": 3, "ratio": 1.5, "pk": "TENANT#1",
                   "sk": "CUSTOMER#2", "gsi1pk": "TENANTS", "gsi1sk": "TENANT#1",
                   "ttl": 1_800_000_000})
        );
        assert_eq!(check_item(&item).unwrap(), keys.key);
        assert_eq!(gsi1_key(&item), keys.gsi1);
        assert_eq!(ttl_seconds(&item), Some(1_800_000_000));
        assert_eq!(record::<Record>(item).unwrap(), original);
    }

    #[test]
    fn a_record_that_is_not_a_map_is_no_item() {
        assert!(item(&"text", &Keys::new("A", "B")).is_err());
    }

    #[test]
    fn items_with_bad_keys_are_refused() {
        let cases = [
            json!({"sk": "S"}),
            json!({"pk": "", "sk": "S"}),
            json!({"pk": 1, "sk": "S"}),
            json!({"pk": "P"}),
            json!({"pk": "P", "sk": "S", "gsi1pk": 5, "gsi1sk": "X"}),
            json!({"pk": "P", "sk": "S", "gsi1pk": "G", "gsi1sk": ""}),
        ];
        for case in cases {
            let Value::Object(item) = case.clone() else {
                unreachable!()
            };
            assert!(check_item(&item).is_err(), "{case} was accepted");
        }
    }

    #[test]
    fn an_item_without_both_index_keys_is_not_in_the_index() {
        let Value::Object(item) = json!({"pk": "P", "sk": "S", "gsi1pk": "G"}) else {
            unreachable!()
        };
        assert_eq!(gsi1_key(&item), None);
    }

    #[test]
    fn numbers_read_back_as_dynamodb_gives_them_back() {
        let Value::Object(item) = json!({
            "whole": 1.0, "negativeZero": -0.0, "half": 1.5, "big": 1e20, "int": -7,
            "large": u64::MAX, "nested": [{"x": 2.0}, 3.25]
        }) else {
            unreachable!()
        };
        assert_eq!(
            Value::Object(normalize_numbers(item)),
            json!({"whole": 1, "negativeZero": 0, "half": 1.5, "big": 1e20, "int": -7,
                   "large": u64::MAX, "nested": [{"x": 2}, 3.25]})
        );
    }
}
