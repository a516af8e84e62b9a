//! Writes: DynamoDB's `PutItem`, `DeleteItem`, `UpdateItem` and a transaction's
//! `ConditionCheck`, each with an optional condition.

use std::collections::HashSet;

use serde_json::Value;

use super::{Condition, Item, Key, PK, SK, TableError, check_item, normalize_numbers};

/// DynamoDB's limit on the writes in one `TransactWriteItems`.
pub const MAX_TRANSACTION_ITEMS: usize = 100;

#[derive(Debug, Clone, PartialEq)]
pub enum Write {
    /// Replaces the whole item (its key is in it).
    Put {
        item: Item,
        condition: Option<Condition>,
    },
    /// Deletes the item; deleting a missing item is no error.
    Delete {
        key: Key,
        condition: Option<Condition>,
    },
    /// Writes nothing: only in a transaction, to make it depend on another item.
    Check {
        key: Key,
        condition: Condition,
    },
    Update(Update),
}

impl Write {
    pub fn put(item: Item) -> Self {
        Self::Put {
            item,
            condition: None,
        }
    }

    pub fn delete(key: Key) -> Self {
        Self::Delete {
            key,
            condition: None,
        }
    }

    pub fn check(key: Key, condition: Condition) -> Self {
        Self::Check { key, condition }
    }

    /// The same write, made conditional on `condition` (a check's condition is replaced).
    pub fn when(mut self, condition: Condition) -> Self {
        match &mut self {
            Self::Put { condition: c, .. } | Self::Delete { condition: c, .. } => {
                *c = Some(condition)
            }
            Self::Check { condition: c, .. } => *c = condition,
            Self::Update(update) => update.condition = Some(condition),
        }
        self
    }

    pub fn condition(&self) -> Option<&Condition> {
        match self {
            Self::Put { condition, .. } | Self::Delete { condition, .. } => condition.as_ref(),
            Self::Check { condition, .. } => Some(condition),
            Self::Update(update) => update.condition.as_ref(),
        }
    }

    /// The key of the item written, after checking what DynamoDB checks of the write.
    pub fn key(&self) -> Result<Key, TableError> {
        match self {
            Self::Put { item, .. } => Ok(check_item(item)?),
            Self::Delete { key, .. } | Self::Check { key, .. } => {
                check_key(key)?;
                Ok(key.clone())
            }
            Self::Update(update) => {
                update.check()?;
                Ok(update.key.clone())
            }
        }
    }
}

fn check_key(key: &Key) -> anyhow::Result<()> {
    if key.pk.is_empty() || key.sk.is_empty() {
        anyhow::bail!("A key's pk and sk must not be empty");
    }
    Ok(())
}

/// Refuses a transaction DynamoDB refuses: empty, more than [`MAX_TRANSACTION_ITEMS`] writes,
/// or two writes to one item. Answers each write's key.
pub fn check_transaction(writes: &[Write]) -> Result<Vec<Key>, TableError> {
    if writes.is_empty() || writes.len() > MAX_TRANSACTION_ITEMS {
        return Err(anyhow::anyhow!(
            "A transaction holds 1 to {MAX_TRANSACTION_ITEMS} writes, not {}",
            writes.len()
        )
        .into());
    }
    let keys = writes
        .iter()
        .map(Write::key)
        .collect::<Result<Vec<_>, _>>()?;
    let mut seen = HashSet::new();
    for key in &keys {
        if !seen.insert(key) {
            return Err(anyhow::anyhow!(
                "A transaction writes {}/{} twice; DynamoDB refuses that",
                key.pk,
                key.sk
            )
            .into());
        }
    }
    Ok(keys)
}

/// `UpdateItem`: changes some attributes, creating the item when it is missing (as DynamoDB
/// does; a condition such as [`Condition::Exists`] prevents that).
///
/// | field | DynamoDB |
/// | --- | --- |
/// | `set` | `SET #a = :v` |
/// | `set_if_absent` | `SET #a = if_not_exists(#a, :v)` (a null attribute counts as present) |
/// | `add` | `ADD #a :n`: adds to a number, starting from 0 when missing (counters, versions) |
/// | `append` | `SET #a = list_append(if_not_exists(#a, :empty), :v)`: one value at the end of a list (a history) |
/// | `remove` | `REMOVE #a` |
#[derive(Debug, Clone, PartialEq)]
pub struct Update {
    pub key: Key,
    pub set: Vec<(String, Value)>,
    pub set_if_absent: Vec<(String, Value)>,
    pub add: Vec<(String, i64)>,
    pub append: Vec<(String, Value)>,
    pub remove: Vec<String>,
    pub condition: Option<Condition>,
}

impl Update {
    pub fn new(key: Key) -> Self {
        Self {
            key,
            set: Vec::new(),
            set_if_absent: Vec::new(),
            add: Vec::new(),
            append: Vec::new(),
            remove: Vec::new(),
            condition: None,
        }
    }

    pub fn set(mut self, attribute: impl Into<String>, value: impl Into<Value>) -> Self {
        self.set.push((attribute.into(), value.into()));
        self
    }

    pub fn set_if_absent(mut self, attribute: impl Into<String>, value: impl Into<Value>) -> Self {
        self.set_if_absent.push((attribute.into(), value.into()));
        self
    }

    pub fn add(mut self, attribute: impl Into<String>, amount: i64) -> Self {
        self.add.push((attribute.into(), amount));
        self
    }

    /// Adds `value` at the end of the list `attribute` (a new list when missing).
    pub fn append(mut self, attribute: impl Into<String>, value: impl Into<Value>) -> Self {
        self.append.push((attribute.into(), value.into()));
        self
    }

    pub fn remove(mut self, attribute: impl Into<String>) -> Self {
        self.remove.push(attribute.into());
        self
    }

    pub fn when(mut self, condition: Condition) -> Self {
        self.condition = Some(condition);
        self
    }

    fn attributes(&self) -> impl Iterator<Item = &str> {
        let set = self.set.iter().map(|(a, _)| a.as_str());
        let set_if_absent = self.set_if_absent.iter().map(|(a, _)| a.as_str());
        let add = self.add.iter().map(|(a, _)| a.as_str());
        let append = self.append.iter().map(|(a, _)| a.as_str());
        set.chain(set_if_absent)
            .chain(add)
            .chain(append)
            .chain(self.remove.iter().map(String::as_str))
    }

    /// Refuses what DynamoDB refuses: no change at all, a change of `pk` or `sk`, or one
    /// attribute named twice ("two document paths overlap").
    pub fn check(&self) -> anyhow::Result<()> {
        check_key(&self.key)?;
        let mut seen = HashSet::new();
        for attribute in self.attributes() {
            if attribute == PK || attribute == SK {
                anyhow::bail!("An update cannot change the key attribute {attribute}");
            }
            if attribute.is_empty() {
                anyhow::bail!("An update names an empty attribute");
            }
            if !seen.insert(attribute) {
                anyhow::bail!("An update names {attribute} twice");
            }
        }
        if seen.is_empty() {
            anyhow::bail!("An update must change at least one attribute");
        }
        Ok(())
    }

    /// The item after the update, from the item before it (`None`: missing).
    pub fn apply(&self, current: Option<Item>) -> Result<Item, TableError> {
        self.check()?;
        let mut item = current.unwrap_or_else(|| {
            Item::from_iter([
                (PK.to_owned(), Value::from(self.key.pk.clone())),
                (SK.to_owned(), Value::from(self.key.sk.clone())),
            ])
        });
        for (attribute, value) in &self.set {
            item.insert(attribute.clone(), value.clone());
        }
        for (attribute, value) in &self.set_if_absent {
            item.entry(attribute.clone())
                .or_insert_with(|| value.clone());
        }
        for (attribute, amount) in &self.add {
            let sum = match item.get(attribute) {
                None => Value::from(*amount),
                Some(Value::Number(n)) => match n.as_i64().and_then(|n| n.checked_add(*amount)) {
                    Some(sum) => Value::from(sum),
                    None => n
                        .as_f64()
                        .and_then(|n| serde_json::Number::from_f64(n + *amount as f64))
                        .map(Value::Number)
                        .ok_or_else(|| anyhow::anyhow!("{attribute} + {amount} is no number"))?,
                },
                Some(_) => {
                    return Err(
                        anyhow::anyhow!("ADD needs {attribute} to be a number or missing").into(),
                    );
                }
            };
            item.insert(attribute.clone(), sum);
        }
        for (attribute, value) in &self.append {
            match item
                .entry(attribute.clone())
                .or_insert_with(|| Value::Array(Vec::new()))
            {
                Value::Array(list) => list.push(value.clone()),
                _ => {
                    return Err(
                        anyhow::anyhow!("list_append needs {attribute} to be a list").into(),
                    );
                }
            }
        }
        for attribute in &self.remove {
            item.remove(attribute);
        }
        let item = normalize_numbers(item);
        check_item(&item)?;
        Ok(item)
    }
}

impl From<Update> for Write {
    fn from(update: Update) -> Self {
        Self::Update(update)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::items::TTL;

    fn item(value: Value) -> Item {
        let Value::Object(item) = value else {
            unreachable!()
        };
        item
    }

    fn key() -> Key {
        Key::new("RATE#x", "100")
    }

    #[test]
    fn an_update_of_a_missing_item_creates_it_as_dynamodb_does() {
        let update = Update::new(key())
            .add("count", 1)
            .set_if_absent(TTL, 500)
            .set("label", "x");
        assert_eq!(
            Value::Object(update.apply(None).unwrap()),
            json!({"pk": "RATE#x", "sk": "100", "count": 1, "ttl": 500, "label": "x"})
        );
    }

    #[test]
    fn an_update_adds_keeps_present_values_and_removes() {
        let before = item(json!({"pk": "RATE#x", "sk": "100", "count": 4, "ttl": 500,
                                "revokedAt": null, "gone": true, "version": 1.5}));
        let update = Update::new(key())
            .add("count", 1)
            .add("version", 1)
            .set_if_absent(TTL, 999)
            .set_if_absent("revokedAt", "now")
            .remove("gone")
            .remove("never");
        assert_eq!(
            Value::Object(update.apply(Some(before)).unwrap()),
            json!({"pk": "RATE#x", "sk": "100", "count": 5, "ttl": 500, "revokedAt": null,
                   "version": 2.5})
        );
    }

    #[test]
    fn updates_dynamodb_refuses_are_refused() {
        let cases = [
            Update::new(key()),
            Update::new(key()).set(PK, "other"),
            Update::new(key()).remove(SK),
            Update::new(key()).set("a", 1).add("a", 1),
            Update::new(key()).set("gsi1pk", 7),
            Update::new(Key::new("", "S")).set("a", 1),
        ];
        for update in cases {
            assert!(update.apply(None).is_err(), "{update:?} was accepted");
        }
        let text = item(json!({"pk": "RATE#x", "sk": "100", "count": "many"}));
        assert!(
            Update::new(key())
                .add("count", 1)
                .apply(Some(text))
                .is_err()
        );
    }

    #[test]
    fn a_transaction_names_each_item_once() {
        let put = |sk: &str| Write::put(item(json!({"pk": "P", "sk": sk})));
        assert_eq!(
            check_transaction(&[put("A"), put("B")]).unwrap(),
            vec![Key::new("P", "A"), Key::new("P", "B")]
        );
        assert!(check_transaction(&[put("A"), Write::delete(Key::new("P", "A"))]).is_err());
        assert!(check_transaction(&[]).is_err());
        let many: Vec<_> = (0..=MAX_TRANSACTION_ITEMS)
            .map(|i| put(&i.to_string()))
            .collect();
        assert!(check_transaction(&many).is_err());
    }

    #[test]
    fn when_sets_the_condition_of_any_write() {
        let write = Write::delete(key()).when(Condition::Exists);
        assert_eq!(write.condition(), Some(&Condition::Exists));
        let update: Write = Update::new(key()).set("a", 1).into();
        assert_eq!(
            update.when(Condition::NotExists).condition(),
            Some(&Condition::NotExists)
        );
    }
}
