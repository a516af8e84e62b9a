//! [`ItemTable`] on DynamoDB: the items as they are, conditions and updates rendered to
//! expressions with `#n`/`:v` placeholders (so no attribute name can clash with a reserved
//! word), transactions as `TransactWriteItems`.

use std::collections::HashMap;

use anyhow::Context;
use async_trait::async_trait;
use aws_sdk_dynamodb::{
    Client,
    error::{ProvideErrorMetadata, SdkError},
    operation::transact_write_items::TransactWriteItemsError,
    types::{
        AttributeValue, ConditionCheck, Delete, KeysAndAttributes, Put, ReturnValue,
        TransactWriteItem, Update as SdkUpdate,
    },
};
use serde_dynamo::aws_sdk_dynamodb_1::{from_item, to_attribute_value, to_item};
use serde_json::Value;

use super::{dynamodb_table::GSI1, lazy::LazyClient};
use crate::items::{
    Condition, Cursor, GSI1PK, GSI1SK, Index, Item, ItemTable, Key, PK, Query, QueryPage, SK,
    SkCondition, TableError, Update, Write, check_transaction,
};

type AttributeMap = HashMap<String, AttributeValue>;

/// The keys one `BatchGetItem` may name.
const BATCH_GET_KEYS: usize = 100;
/// How often keys DynamoDB left unread are asked for again.
const BATCH_GET_RETRIES: u32 = 5;

/// The portal's single table on DynamoDB (created by template.yaml, or locally by
/// [`super::dynamodb_table::create_table`]).
#[derive(Clone)]
pub struct DynamoDbItems {
    client: LazyClient<Client>,
    table: String,
}

impl DynamoDbItems {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self::lazy(LazyClient::ready(client), table)
    }

    /// Over a client built when the first call needs it.
    pub fn lazy(client: LazyClient<Client>, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }

    async fn client(&self) -> &Client {
        self.client.get().await
    }
}

/// An item as DynamoDB stores it: exactly what `serde_dynamo::to_item(record)` stored for the
/// same record, so items written before and after this engine read alike.
pub fn to_attributes(item: &Item) -> anyhow::Result<AttributeMap> {
    to_item(item).context("Failed to convert an item to DynamoDB attributes")
}

pub fn from_attributes(attributes: AttributeMap) -> anyhow::Result<Item> {
    from_item(attributes).context("Failed to read a DynamoDB item")
}

fn s(value: impl Into<String>) -> AttributeValue {
    AttributeValue::S(value.into())
}

fn key_attributes(key: &Key) -> AttributeMap {
    HashMap::from([
        (PK.to_owned(), s(key.pk.clone())),
        (SK.to_owned(), s(key.sk.clone())),
    ])
}

/// An expression's placeholders: `#n0`… for names, `:v0`… for values.
#[derive(Default)]
struct Placeholders {
    names: HashMap<String, String>,
    values: AttributeMap,
}

impl Placeholders {
    fn name(&mut self, attribute: &str) -> String {
        if let Some((placeholder, _)) = self.names.iter().find(|(_, a)| *a == attribute) {
            return placeholder.clone();
        }
        let placeholder = format!("#n{}", self.names.len());
        self.names.insert(placeholder.clone(), attribute.to_owned());
        placeholder
    }

    fn value(&mut self, value: AttributeValue) -> String {
        let placeholder = format!(":v{}", self.values.len());
        self.values.insert(placeholder.clone(), value);
        placeholder
    }

    fn json(&mut self, value: &Value) -> anyhow::Result<String> {
        let value = to_attribute_value(value).context("Failed to convert a value")?;
        Ok(self.value(value))
    }

    fn number(&mut self, n: i64) -> String {
        self.value(AttributeValue::N(n.to_string()))
    }

    fn condition(&mut self, condition: &Condition) -> anyhow::Result<String> {
        Ok(match condition {
            Condition::Exists => format!("attribute_exists({})", self.name(PK)),
            Condition::NotExists => format!("attribute_not_exists({})", self.name(PK)),
            Condition::Equals(a, v) => format!("{} = {}", self.name(a), self.json(v)?),
            Condition::Absent(a) => {
                let name = self.name(a);
                let null = self.value(s("NULL"));
                format!("(attribute_not_exists({name}) OR attribute_type({name}, {null}))")
            }
            Condition::LessThan(a, n) => format!("{} < {}", self.name(a), self.number(*n)),
            Condition::GreaterThan(a, n) => format!("{} > {}", self.name(a), self.number(*n)),
            Condition::And(a, b) => format!("({} AND {})", self.condition(a)?, self.condition(b)?),
            Condition::Or(a, b) => format!("({} OR {})", self.condition(a)?, self.condition(b)?),
        })
    }

    fn update(&mut self, update: &Update) -> anyhow::Result<String> {
        let mut set = Vec::new();
        for (a, v) in &update.set {
            set.push(format!("{} = {}", self.name(a), self.json(v)?));
        }
        for (a, v) in &update.set_if_absent {
            let name = self.name(a);
            set.push(format!("{name} = if_not_exists({name}, {})", self.json(v)?));
        }
        for (a, v) in &update.append {
            let name = self.name(a);
            let empty = self.json(&Value::Array(Vec::new()))?;
            let one = self.json(&Value::Array(vec![v.clone()]))?;
            set.push(format!(
                "{name} = list_append(if_not_exists({name}, {empty}), {one})"
            ));
        }
        let add: Vec<_> = update
            .add
            .iter()
            .map(|(a, n)| format!("{} {}", self.name(a), self.number(*n)))
            .collect();
        let remove: Vec<_> = update.remove.iter().map(|a| self.name(a)).collect();
        let clauses = [("SET", set), ("ADD", add), ("REMOVE", remove)];
        Ok(clauses
            .into_iter()
            .filter(|(_, parts)| !parts.is_empty())
            .map(|(verb, parts)| format!("{verb} {}", parts.join(", ")))
            .collect::<Vec<_>>()
            .join(" "))
    }

    fn names(&self) -> Option<HashMap<String, String>> {
        (!self.names.is_empty()).then(|| self.names.clone())
    }

    fn values(&self) -> Option<AttributeMap> {
        (!self.values.is_empty()).then(|| self.values.clone())
    }
}

/// A write as one item of `TransactWriteItems`.
fn transact_item(table: &str, write: &Write) -> anyhow::Result<TransactWriteItem> {
    let mut p = Placeholders::default();
    let condition = write.condition().map(|c| p.condition(c)).transpose()?;
    let item = match write {
        Write::Put { item, .. } => TransactWriteItem::builder().put(
            Put::builder()
                .table_name(table)
                .set_item(Some(to_attributes(item)?))
                .set_condition_expression(condition)
                .set_expression_attribute_names(p.names())
                .set_expression_attribute_values(p.values())
                .build()
                .context("Failed to describe a put")?,
        ),
        Write::Delete { key, .. } => TransactWriteItem::builder().delete(
            Delete::builder()
                .table_name(table)
                .set_key(Some(key_attributes(key)))
                .set_condition_expression(condition)
                .set_expression_attribute_names(p.names())
                .set_expression_attribute_values(p.values())
                .build()
                .context("Failed to describe a delete")?,
        ),
        Write::Check { key, .. } => TransactWriteItem::builder().condition_check(
            ConditionCheck::builder()
                .table_name(table)
                .set_key(Some(key_attributes(key)))
                .set_condition_expression(condition)
                .set_expression_attribute_names(p.names())
                .set_expression_attribute_values(p.values())
                .build()
                .context("Failed to describe a condition check")?,
        ),
        Write::Update(update) => {
            let expression = p.update(update)?;
            TransactWriteItem::builder().update(
                SdkUpdate::builder()
                    .table_name(table)
                    .set_key(Some(key_attributes(&update.key)))
                    .update_expression(expression)
                    .set_condition_expression(condition)
                    .set_expression_attribute_names(p.names())
                    .set_expression_attribute_values(p.values())
                    .build()
                    .context("Failed to describe an update")?,
            )
        }
    };
    Ok(item.build())
}

/// A single-item call's error: a failed condition, a conflict with a running transaction, or
/// something unexpected.
fn single_write_error<E, R>(err: SdkError<E, R>, what: &'static str) -> TableError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    match err.as_service_error().and_then(|e| e.code()) {
        Some("ConditionalCheckFailedException") => {
            TableError::ConditionFailed { failed: vec![true] }
        }
        Some("TransactionConflictException") => TableError::Conflict,
        _ => TableError::Unexpected(anyhow::Error::new(err).context(what)),
    }
}

fn transaction_error<R>(err: SdkError<TransactWriteItemsError, R>) -> TableError
where
    R: std::fmt::Debug + Send + Sync + 'static,
{
    if let Some(TransactWriteItemsError::TransactionCanceledException(e)) = err.as_service_error() {
        let codes: Vec<_> = e.cancellation_reasons().iter().map(|r| r.code()).collect();
        if codes.contains(&Some("ConditionalCheckFailed")) {
            let failed = codes
                .iter()
                .map(|c| *c == Some("ConditionalCheckFailed"))
                .collect();
            return TableError::ConditionFailed { failed };
        }
        if codes.contains(&Some("TransactionConflict")) {
            return TableError::Conflict;
        }
    }
    TableError::Unexpected(anyhow::Error::new(err).context("Failed to run a transaction"))
}

/// DynamoDB's `ExclusiveStartKey` for continuing `query` after `cursor`.
fn start_key(query: &Query, cursor: &Cursor) -> anyhow::Result<AttributeMap> {
    let mut key = key_attributes(&cursor.key);
    if query.index == Index::Gsi1 {
        let index_sk = cursor
            .index_sk
            .clone()
            .context("A cursor into gsi1 needs its index sort key")?;
        key.insert(GSI1PK.to_owned(), s(query.pk.clone()));
        key.insert(GSI1SK.to_owned(), s(index_sk));
    }
    Ok(key)
}

#[async_trait]
impl ItemTable for DynamoDbItems {
    #[tracing::instrument(skip_all)]
    async fn get(&self, key: &Key, consistent: bool) -> Result<Option<Item>, TableError> {
        let out = self
            .client()
            .await
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key_attributes(key)))
            .consistent_read(consistent)
            .send()
            .await
            .context("Failed to read an item")?;
        Ok(out.item.map(from_attributes).transpose()?)
    }

    #[tracing::instrument(skip_all)]
    async fn get_many(&self, keys: &[Key]) -> Result<Vec<Item>, TableError> {
        // BatchGetItem refuses a request that names one key twice.
        let keys: std::collections::BTreeSet<&Key> = keys.iter().collect();
        let keys: Vec<&Key> = keys.into_iter().collect();
        let mut items = Vec::new();
        for chunk in keys.chunks(BATCH_GET_KEYS) {
            let mut wanted = Some(
                KeysAndAttributes::builder()
                    .set_keys(Some(chunk.iter().map(|k| key_attributes(k)).collect()))
                    .consistent_read(true)
                    .build()
                    .context("Failed to build a batch read")?,
            );
            let mut attempt = 0;
            while let Some(keys) = wanted.take() {
                let out = self
                    .client()
                    .await
                    .batch_get_item()
                    .request_items(&self.table, keys)
                    .send()
                    .await
                    .context("Failed to read items in a batch")?;
                for attributes in out
                    .responses
                    .and_then(|mut r| r.remove(&self.table))
                    .unwrap_or_default()
                {
                    items.push(from_attributes(attributes)?);
                }
                // Keys left unread (throttling, 16 MB per answer) are asked for again, after
                // a short, growing pause, a few times.
                wanted = out
                    .unprocessed_keys
                    .and_then(|mut u| u.remove(&self.table))
                    .filter(|k| !k.keys.is_empty());
                if wanted.is_some() {
                    attempt += 1;
                    if attempt > BATCH_GET_RETRIES {
                        return Err(anyhow::anyhow!(
                            "DynamoDB left keys of a batch read unread {BATCH_GET_RETRIES} times"
                        )
                        .into());
                    }
                    tokio::time::sleep(std::time::Duration::from_millis(50 << attempt)).await;
                }
            }
        }
        Ok(items)
    }

    #[tracing::instrument(skip_all)]
    async fn query(&self, query: &Query) -> Result<QueryPage, TableError> {
        query.check()?;
        let (pk, sk, index) = match query.index {
            Index::Primary => (PK, SK, None),
            Index::Gsi1 => (GSI1PK, GSI1SK, Some(GSI1.to_owned())),
        };
        let mut p = Placeholders::default();
        let mut expression = format!("{} = {}", p.name(pk), p.value(s(query.pk.clone())));
        match &query.sk {
            SkCondition::Any => {}
            SkCondition::BeginsWith(prefix) if prefix.is_empty() => {}
            SkCondition::Equals(value) => {
                expression += &format!(" AND {} = {}", p.name(sk), p.value(s(value.clone())));
            }
            SkCondition::BeginsWith(prefix) => {
                let (name, value) = (p.name(sk), p.value(s(prefix.clone())));
                expression += &format!(" AND begins_with({name}, {value})");
            }
            SkCondition::Between(low, high) => {
                let name = p.name(sk);
                let (low, high) = (p.value(s(low.clone())), p.value(s(high.clone())));
                expression += &format!(" AND {name} BETWEEN {low} AND {high}");
            }
        }
        // One item more than asked for tells whether another page follows (see QueryPage).
        let wanted = query.page_size().map(|n| n + 1);
        let mut start = query
            .after
            .as_ref()
            .map(|c| start_key(query, c))
            .transpose()?;
        let mut items = Vec::new();
        loop {
            let mut request = self
                .client()
                .await
                .query()
                .table_name(&self.table)
                .set_index_name(index.clone())
                .key_condition_expression(&expression)
                .set_expression_attribute_names(p.names())
                .set_expression_attribute_values(p.values())
                .scan_index_forward(!query.descending)
                .consistent_read(query.consistent)
                .set_exclusive_start_key(start.take());
            if let Some(wanted) = wanted {
                let remaining = wanted - items.len();
                request = request.limit(i32::try_from(remaining).unwrap_or(i32::MAX));
            }
            let out = request.send().await.context("Failed to query the table")?;
            for attributes in out.items.unwrap_or_default() {
                items.push(from_attributes(attributes)?);
            }
            // A page also ends at 1 MB of data: go on until enough items or the end.
            start = out.last_evaluated_key.filter(|k| !k.is_empty());
            if start.is_none() || wanted.is_some_and(|w| items.len() >= w) {
                break;
            }
        }
        Ok(QueryPage::from_overfetch(
            items,
            query.page_size(),
            query.index,
        )?)
    }

    #[tracing::instrument(skip_all)]
    async fn write(&self, write: Write) -> Result<Option<Item>, TableError> {
        write.key()?;
        let mut p = Placeholders::default();
        let condition = write.condition().map(|c| p.condition(c)).transpose()?;
        match &write {
            Write::Put { item, .. } => {
                self.client()
                    .await
                    .put_item()
                    .table_name(&self.table)
                    .set_item(Some(to_attributes(item)?))
                    .set_condition_expression(condition)
                    .set_expression_attribute_names(p.names())
                    .set_expression_attribute_values(p.values())
                    .send()
                    .await
                    .map_err(|e| single_write_error(e, "Failed to put an item"))?;
                Ok(None)
            }
            Write::Delete { key, .. } => {
                self.client()
                    .await
                    .delete_item()
                    .table_name(&self.table)
                    .set_key(Some(key_attributes(key)))
                    .set_condition_expression(condition)
                    .set_expression_attribute_names(p.names())
                    .set_expression_attribute_values(p.values())
                    .send()
                    .await
                    .map_err(|e| single_write_error(e, "Failed to delete an item"))?;
                Ok(None)
            }
            Write::Update(update) => {
                let expression = p.update(update)?;
                let out = self
                    .client()
                    .await
                    .update_item()
                    .table_name(&self.table)
                    .set_key(Some(key_attributes(&update.key)))
                    .update_expression(expression)
                    .set_condition_expression(condition)
                    .set_expression_attribute_names(p.names())
                    .set_expression_attribute_values(p.values())
                    .return_values(ReturnValue::AllNew)
                    .send()
                    .await
                    .map_err(|e| single_write_error(e, "Failed to update an item"))?;
                Ok(Some(from_attributes(out.attributes.unwrap_or_default())?))
            }
            // DynamoDB checks a condition only inside a transaction.
            Write::Check { .. } => self.transact(vec![write]).await.map(|()| None),
        }
    }

    #[tracing::instrument(skip_all, fields(writes = writes.len()))]
    async fn transact(&self, writes: Vec<Write>) -> Result<(), TableError> {
        check_transaction(&writes)?;
        let items = writes
            .iter()
            .map(|w| transact_item(&self.table, w))
            .collect::<anyhow::Result<Vec<_>>>()?;
        self.client()
            .await
            .transact_write_items()
            .set_transact_items(Some(items))
            .send()
            .await
            .map_err(transaction_error)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Utc};
    use serde::Serialize;
    use serde_json::json;

    use super::*;
    use crate::items::{self, Keys};

    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    enum Status {
        Preparation,
        Failed { reason: String },
    }

    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Nested {
        street: Option<String>,
        lines: Vec<String>,
    }

    /// Every kind of field the portal's records hold.
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Record {
        id: ulid::Ulid,
        name: String,
        empty: String,
        version: u64,
        big: u64,
        negative: i64,
        whole_float: f64,
        float: f64,
        huge_float: f64,
        active: bool,
        missing: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        skipped: Option<String>,
        created_at: DateTime<Utc>,
        status: Status,
        history: Vec<Status>,
        address: Nested,
        none_list: Vec<u32>,
        map: HashMap<String, i32>,
    }

    fn record() -> Record {
        Record {
            id: ulid::Ulid::new(),
            name: "Bäckerei Schmidt".into(),
            empty: String::new(),
            version: 3,
            big: u64::MAX,
            negative: -42,
            whole_float: 2.0,
            float: 0.1,
            huge_float: 1e300,
            active: true,
            missing: None,
            skipped: None,
            created_at: "2026-11-29T12:00:00.123Z".parse().unwrap(),
            status: Status::Preparation,
            history: vec![Status::Failed { reason: "x".into() }],
            address: Nested {
                street: None,
                lines: vec!["a".into(), "b".into()],
            },
            none_list: vec![],
            map: HashMap::from([("k".into(), 1)]),
        }
    }

    #[test]
    fn an_item_is_stored_exactly_as_serde_dynamo_stores_the_record() {
        let record = record();
        let mut direct = to_item(&record).unwrap();
        direct.insert("pk".into(), s("TENANT#1"));
        direct.insert("sk".into(), s("CUSTOMER#1"));
        direct.insert("ttl".into(), AttributeValue::N("1800000000".into()));

        let item = items::item(
            &record,
            &Keys::new("TENANT#1", "CUSTOMER#1").ttl(1_800_000_000),
        )
        .unwrap();

        assert_eq!(to_attributes(&item).unwrap(), direct);
        assert_eq!(from_attributes(direct).unwrap(), item);
    }

    #[test]
    fn conditions_render_with_placeholders() {
        let mut p = Placeholders::default();
        let condition = Condition::NotExists
            .or(Condition::less_than("ttl", 5))
            .and(Condition::absent("usedAt"));
        assert_eq!(
            p.condition(&condition).unwrap(),
            "((attribute_not_exists(#n0) OR #n1 < :v0) AND \
             (attribute_not_exists(#n2) OR attribute_type(#n2, :v1)))"
        );
        assert_eq!(p.names.get("#n1").map(String::as_str), Some("ttl"));
        assert_eq!(p.values.get(":v1"), Some(&s("NULL")));
    }

    #[test]
    fn updates_render_as_one_expression() {
        let mut p = Placeholders::default();
        let update = Update::new(Key::new("P", "S"))
            .set("label", json!("x"))
            .set_if_absent("ttl", 9)
            .add("count", 1)
            .remove("gone");
        assert_eq!(
            p.update(&update).unwrap(),
            "SET #n0 = :v0, #n1 = if_not_exists(#n1, :v1) ADD #n2 :v2 REMOVE #n3"
        );
    }
}
