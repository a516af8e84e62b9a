//! Items read for the record they hold. The embedded engine keeps each item as JSON text:
//! parsed into an [`Item`] map and that map then read into the record, every attribute was
//! parsed, allocated and dropped twice. [`StoredItem::Json`] goes from the text to the record
//! in one pass, leaving the key attributes out on the way.

use std::{borrow::Cow, fmt};

use serde::{
    Deserializer,
    de::{
        DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, Visitor,
        value::{BorrowedStrDeserializer, StringDeserializer},
    },
    forward_to_deserialize_any,
};

use super::{Cursor, Item, KEY_ATTRIBUTES, record};

/// An item as an engine hands it back for its record to be read.
#[derive(Debug, Clone, PartialEq)]
pub enum StoredItem {
    /// The attributes, already a map (DynamoDB's engine converts its attribute values).
    Attributes(Item),
    /// The item's JSON object as the embedded engine stores it, keys and all.
    Json(String),
}

impl StoredItem {
    /// The record the item holds, its key attributes left out (as [`record`] does), so a
    /// record type that refuses unknown fields still reads. For records that are structs
    /// (every record today): the embedded engine's text is read as a map, so an enum, an
    /// `Option` or a newtype at the top would read from DynamoDB's attributes and not from it.
    pub fn record<T: DeserializeOwned>(self) -> anyhow::Result<T> {
        match self {
            Self::Attributes(item) => record(item),
            Self::Json(text) => {
                let mut json = serde_json::Deserializer::from_str(&text);
                let read = T::deserialize(WithoutKeys(&mut json)).and_then(|r| {
                    json.end()?;
                    Ok(r)
                });
                read.map_err(|e| {
                    anyhow::anyhow!(e).context("Failed to read a record from its item")
                })
            }
        }
    }
}

/// One page of [`super::ItemTable::query_stored`]: as [`super::QueryPage`], each item as stored.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StoredPage {
    pub items: Vec<StoredItem>,
    pub last: Option<Cursor>,
}

/// A deserializer of one JSON object that hides its key attributes from what reads it.
struct WithoutKeys<D>(D);

impl<'de, D: Deserializer<'de>> Deserializer<'de> for WithoutKeys<D> {
    type Error = D::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        self.0.deserialize_map(SkipKeys(visitor))
    }

    // A record is a map of attributes whatever shape its type asks for (a struct, a map, an
    // internally tagged enum): every request is for that map.
    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map struct enum
        identifier ignored_any
    }
}

struct SkipKeys<V>(V);

impl<'de, V: Visitor<'de>> Visitor<'de> for SkipKeys<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        self.0.expecting(f)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        self.0.visit_map(FilteredMap(map))
    }
}

struct FilteredMap<A>(A);

impl<'de, A: MapAccess<'de>> MapAccess<'de> for FilteredMap<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Self::Error> {
        loop {
            let Some(name) = self.0.next_key_seed(Name)? else {
                return Ok(None);
            };
            if KEY_ATTRIBUTES.contains(&name.as_ref()) {
                self.0.next_value::<IgnoredAny>()?;
                continue;
            }
            return match name {
                Cow::Borrowed(name) => seed.deserialize(BorrowedStrDeserializer::new(name)),
                Cow::Owned(name) => seed.deserialize(StringDeserializer::new(name)),
            }
            .map(Some);
        }
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<S::Value, Self::Error> {
        self.0.next_value_seed(seed)
    }
}

/// An attribute's name, borrowed from the text unless it had escapes.
struct Name;

impl<'de> DeserializeSeed<'de> for Name {
    type Value = Cow<'de, str>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Name {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an attribute name")
    }

    fn visit_borrowed_str<E>(self, name: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(name))
    }

    fn visit_str<E>(self, name: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(name.to_owned()))
    }

    fn visit_string<E>(self, name: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(name))
    }
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};
    use serde_json::{Value, json};

    use super::*;
    use crate::items::{Keys, item};

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    struct Record {
        name: String,
        version: u64,
        tags: Vec<String>,
        nested: Option<Nested>,
    }

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Nested {
        /// A field named like a key attribute, one level down: a record's own.
        pk: String,
    }

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    #[serde(tag = "kind", rename_all = "camelCase", deny_unknown_fields)]
    enum Tagged {
        Note { text: String },
    }

    fn text_of(record: &impl Serialize, keys: &Keys) -> String {
        serde_json::to_string(&item(record, keys).unwrap()).unwrap()
    }

    fn keys() -> Keys {
        Keys::new("TENANT#1", "CUSTOMER#2")
            .gsi1("G", "S")
            .ttl(1_800_000_000)
    }

    #[test]
    fn a_record_reads_from_its_text_as_from_its_map_without_the_key_attributes() {
        let original = Record {
            name: "Anna \"Schmidt\" \u{e4}".into(),
            version: 7,
            tags: vec!["a".into(), "b\nc".into()],
            nested: Some(Nested { pk: "own".into() }),
        };
        let text = text_of(&original, &keys());

        let from_text: Record = StoredItem::Json(text.clone()).record().unwrap();
        let map: Item = serde_json::from_str(&text).unwrap();
        let from_map: Record = StoredItem::Attributes(map).record().unwrap();

        assert_eq!(from_text, original);
        assert_eq!(from_map, original);
    }

    #[test]
    fn escaped_attribute_names_and_tagged_records_read_too() {
        let text = r#"{"pk":"P","s\u006b":"S","kind":"note","te\u0078t":"hi","ttl":5}"#;
        let read: Tagged = StoredItem::Json(text.into()).record().unwrap();
        assert_eq!(read, Tagged::Note { text: "hi".into() });
    }

    #[test]
    fn a_record_that_does_not_fit_its_type_is_an_error_not_a_default() {
        for text in [
            r#"{"pk":"P","sk":"S","name":"A","version":1,"tags":[],"nested":null,"extra":1}"#,
            r#"{"pk":"P","sk":"S","name":"A","tags":[],"nested":null}"#,
            r#"{"pk":"P","sk":"S","name":"A","version":1,"tags":[],"nested":null} trailing"#,
            r#"["pk","P"]"#,
        ] {
            assert!(
                StoredItem::Json(text.into()).record::<Record>().is_err(),
                "{text}"
            );
        }
        let map = json!({"name": "A", "version": 1, "tags": [], "nested": null, "x": 1});
        let Value::Object(map) = map else {
            unreachable!()
        };
        assert!(StoredItem::Attributes(map).record::<Record>().is_err());
    }
}
