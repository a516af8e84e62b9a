//! Range reads: DynamoDB's `Query` on the table or on `gsi1`.

use super::{GSI1SK, Item, Key, TableError, gsi1_key};

/// Which key a query reads by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Index {
    /// `pk`, ordered by `sk`.
    Primary,
    /// `gsi1pk`, ordered by `gsi1sk` (then by `pk` and `sk`, as DynamoDB and moto order items
    /// with equal index keys). Holds only items that have both `gsi1pk` and `gsi1sk`.
    Gsi1,
}

/// What the sort key (`sk`, or `gsi1sk` on the index) must be. Strings compare by their UTF-8
/// bytes, as in DynamoDB.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkCondition {
    Any,
    Equals(String),
    BeginsWith(String),
    /// Both ends included.
    Between(String, String),
}

/// Where a page ended: the last item's primary key and, on the index, its index sort key
/// (DynamoDB needs both to continue an index query, as its `LastEvaluatedKey` shows).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub key: Key,
    pub index_sk: Option<String>,
}

impl Cursor {
    /// The cursor after `item` in a query of `index`.
    pub fn after(item: &Item, index: Index) -> anyhow::Result<Self> {
        let key = Key::of(item)?;
        let index_sk = match index {
            Index::Primary => None,
            Index::Gsi1 => Some(
                gsi1_key(item)
                    .ok_or_else(|| anyhow::anyhow!("An item read from gsi1 lacks its {GSI1SK}"))?
                    .sk,
            ),
        };
        Ok(Self { key, index_sk })
    }
}

impl From<Key> for Cursor {
    fn from(key: Key) -> Self {
        Self {
            key,
            index_sk: None,
        }
    }
}

/// A query: the items whose partition key (`pk`, or `gsi1pk` on the index) is `pk` and whose
/// sort key meets `sk`, in order (reversed when `descending`), starting after `after`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    pub index: Index,
    pub pk: String,
    pub sk: SkCondition,
    /// Continue after this item, as returned in [`QueryPage::last`].
    pub after: Option<Cursor>,
    pub descending: bool,
    /// At most this many items (at least one); `None`: all of them.
    pub limit: Option<usize>,
    /// Only on the primary index: DynamoDB has no consistent reads of a global index, so asking
    /// for one is an error on both engines.
    pub consistent: bool,
}

impl Query {
    pub fn primary(pk: impl Into<String>) -> Self {
        Self::new(Index::Primary, pk)
    }

    pub fn gsi1(pk: impl Into<String>) -> Self {
        Self::new(Index::Gsi1, pk)
    }

    fn new(index: Index, pk: impl Into<String>) -> Self {
        Self {
            index,
            pk: pk.into(),
            sk: SkCondition::Any,
            after: None,
            descending: false,
            limit: None,
            consistent: false,
        }
    }

    pub fn sk(mut self, sk: SkCondition) -> Self {
        self.sk = sk;
        self
    }

    pub fn begins_with(self, prefix: impl Into<String>) -> Self {
        self.sk(SkCondition::BeginsWith(prefix.into()))
    }

    pub fn after(mut self, cursor: impl Into<Option<Cursor>>) -> Self {
        self.after = cursor.into();
        self
    }

    pub fn descending(mut self) -> Self {
        self.descending = true;
        self
    }

    pub fn limit(mut self, limit: usize) -> Self {
        self.limit = Some(limit);
        self
    }

    pub fn consistent(mut self) -> Self {
        self.consistent = true;
        self
    }

    /// The limit as the engines apply it: DynamoDB refuses 0, so 0 reads as 1.
    pub fn page_size(&self) -> Option<usize> {
        self.limit.map(|n| n.max(1))
    }

    /// Refuses what DynamoDB refuses: an empty partition key, `BETWEEN` with its bounds the
    /// wrong way round, a cursor from another partition, a consistent read of the index, a
    /// cursor into the index without its index sort key.
    pub fn check(&self) -> Result<(), TableError> {
        if self.pk.is_empty() {
            return Err(anyhow::anyhow!("A query needs a partition key").into());
        }
        if let SkCondition::Between(low, high) = &self.sk
            && low > high
        {
            return Err(anyhow::anyhow!("BETWEEN needs its lower bound first").into());
        }
        if self.index == Index::Primary && self.after.as_ref().is_some_and(|c| c.key.pk != self.pk)
        {
            return Err(anyhow::anyhow!("A cursor from another partition").into());
        }
        if self.index == Index::Gsi1 {
            if self.consistent {
                return Err(anyhow::anyhow!("gsi1 has no consistent reads").into());
            }
            if self.after.as_ref().is_some_and(|c| c.index_sk.is_none()) {
                return Err(anyhow::anyhow!("A cursor into gsi1 needs its {GSI1SK}").into());
            }
        }
        Ok(())
    }
}

/// One page of a query. `last` is where the next page starts, and is present only when at
/// least one more item follows: a page of exactly `limit` items that ends the result has no
/// `last`. (DynamoDB itself, and moto whenever the partition holds further items that fail
/// the sort-key condition, answer such a page with a `LastEvaluatedKey`, and then an empty
/// page; the DynamoDB engine reads one item more than asked to tell the two cases apart, as
/// `list_customers` always did.)
#[derive(Debug, Clone, PartialEq, Default)]
pub struct QueryPage {
    pub items: Vec<Item>,
    pub last: Option<Cursor>,
}

impl QueryPage {
    /// The page made of `items` read with one more than `limit` asked for.
    pub fn from_overfetch(
        mut items: Vec<Item>,
        limit: Option<usize>,
        index: Index,
    ) -> anyhow::Result<Self> {
        let last = match limit {
            Some(limit) if items.len() > limit => {
                items.truncate(limit);
                Some(Cursor::after(&items[limit - 1], index)?)
            }
            _ => None,
        };
        Ok(Self { items, last })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_dynamodb_refuses_are_refused() {
        assert!(Query::gsi1("G").consistent().check().is_err());
        assert!(
            Query::gsi1("G")
                .after(Cursor::from(Key::new("P", "S")))
                .check()
                .is_err()
        );
        assert!(Query::primary("").check().is_err());
        assert!(
            Query::primary("P")
                .sk(SkCondition::Between("B".into(), "A".into()))
                .check()
                .is_err()
        );
        assert!(
            Query::primary("P")
                .after(Cursor::from(Key::new("Q", "S")))
                .check()
                .is_err()
        );
        assert!(Query::primary("P").consistent().check().is_ok());
    }

    #[test]
    fn a_zero_limit_reads_one_item() {
        assert_eq!(Query::primary("P").limit(0).page_size(), Some(1));
        assert_eq!(Query::primary("P").page_size(), None);
    }
}
