//! Conditions on a write: the subset of DynamoDB's condition expressions the portal uses.

use std::cmp::Ordering;

use serde_json::Value;

use super::Item;

/// What must hold of the item (as it is before the write) for the write to happen.
///
/// | condition | DynamoDB expression |
/// | --- | --- |
/// | `Exists` | `attribute_exists(pk)` |
/// | `NotExists` | `attribute_not_exists(pk)` |
/// | `Equals(a, v)` | `#a = :v` (e.g. `version = :v`, `customerId = :c`) |
/// | `Absent(a)` | `(attribute_not_exists(#a) OR attribute_type(#a, :null))` |
/// | `LessThan(a, n)` / `GreaterThan(a, n)` | `#a < :n` / `#a > :n` (e.g. `ttl < :now`) |
/// | `And`, `Or` | `(… AND …)`, `(… OR …)` |
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    /// The item exists.
    Exists,
    /// The item does not exist.
    NotExists,
    /// The attribute exists and equals the value (numbers compare by value: `1` equals `1.0`).
    Equals(String, Value),
    /// The attribute is missing or null: how `serde_dynamo` stores an empty `Option`.
    Absent(String),
    /// The attribute is a number less than the given one.
    LessThan(String, i64),
    /// The attribute is a number greater than the given one.
    GreaterThan(String, i64),
    And(Box<Condition>, Box<Condition>),
    Or(Box<Condition>, Box<Condition>),
}

impl Condition {
    pub fn equals(attribute: impl Into<String>, value: impl Into<Value>) -> Self {
        Self::Equals(attribute.into(), value.into())
    }

    pub fn absent(attribute: impl Into<String>) -> Self {
        Self::Absent(attribute.into())
    }

    pub fn less_than(attribute: impl Into<String>, value: i64) -> Self {
        Self::LessThan(attribute.into(), value)
    }

    pub fn greater_than(attribute: impl Into<String>, value: i64) -> Self {
        Self::GreaterThan(attribute.into(), value)
    }

    pub fn and(self, other: Condition) -> Self {
        Self::And(Box::new(self), Box::new(other))
    }

    pub fn or(self, other: Condition) -> Self {
        Self::Or(Box::new(self), Box::new(other))
    }

    /// Whether the condition holds of `item` (`None`: there is no such item), as DynamoDB
    /// decides it: a comparison with a missing attribute, or with a value of another type,
    /// is false.
    pub fn holds(&self, item: Option<&Item>) -> bool {
        let attribute = |name: &str| item.and_then(|i| i.get(name));
        match self {
            Self::Exists => item.is_some(),
            Self::NotExists => item.is_none(),
            Self::Equals(name, value) => attribute(name).is_some_and(|a| same_value(a, value)),
            Self::Absent(name) => attribute(name).is_none_or(Value::is_null),
            Self::LessThan(name, n) => compare_number(attribute(name), *n) == Some(Ordering::Less),
            Self::GreaterThan(name, n) => {
                compare_number(attribute(name), *n) == Some(Ordering::Greater)
            }
            Self::And(a, b) => a.holds(item) && b.holds(item),
            Self::Or(a, b) => a.holds(item) || b.holds(item),
        }
    }
}

/// DynamoDB's `=`: numbers by value, everything else as stored.
fn same_value(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(x), Some(y)) => x == y,
            _ => match (x.as_u64(), y.as_u64()) {
                (Some(x), Some(y)) => x == y,
                _ => x.as_f64() == y.as_f64(),
            },
        },
        _ => a == b,
    }
}

fn compare_number(attribute: Option<&Value>, n: i64) -> Option<Ordering> {
    let Value::Number(a) = attribute? else {
        return None;
    };
    match (a.as_i64(), a.as_u64()) {
        (Some(a), _) => Some(a.cmp(&n)),
        // Larger than any i64.
        (None, Some(_)) => Some(Ordering::Greater),
        _ => a.as_f64()?.partial_cmp(&(n as f64)),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn item(value: Value) -> Item {
        let Value::Object(item) = value else {
            unreachable!()
        };
        item
    }

    #[test]
    fn conditions_hold_as_dynamodb_evaluates_them() {
        let token = item(json!({
            "pk": "TOKEN#h", "sk": "TOKEN", "ttl": 100, "version": 2, "usedAt": null,
            "customerId": "c1", "ratio": 1.5
        }));
        let present = Some(&token);
        let cases: Vec<(Condition, Option<&Item>, bool)> = vec![
            (Condition::Exists, present, true),
            (Condition::Exists, None, false),
            (Condition::NotExists, present, false),
            (Condition::NotExists, None, true),
            (Condition::equals("version", 2), present, true),
            (Condition::equals("version", 2.0), present, true),
            (Condition::equals("version", 3), present, false),
            (Condition::equals("version", "2"), present, false),
            (Condition::equals("version", 2), None, false),
            (Condition::equals("missing", Value::Null), present, false),
            (Condition::equals("customerId", "c1"), present, true),
            (Condition::equals("ratio", 1.5), present, true),
            (Condition::absent("usedAt"), present, true),
            (Condition::absent("voided"), present, true),
            (Condition::absent("customerId"), present, false),
            (Condition::absent("usedAt"), None, true),
            (Condition::less_than("ttl", 101), present, true),
            (Condition::less_than("ttl", 100), present, false),
            (Condition::less_than("ttl", 101), None, false),
            (Condition::less_than("customerId", 101), present, false),
            (Condition::less_than("ratio", 2), present, true),
            (Condition::greater_than("ttl", 99), present, true),
            (Condition::greater_than("ttl", 100), present, false),
            (Condition::greater_than("missing", 0), present, false),
            (
                Condition::NotExists.or(Condition::less_than("ttl", 50)),
                present,
                false,
            ),
            (
                Condition::NotExists.or(Condition::less_than("ttl", 150)),
                present,
                true,
            ),
            (
                Condition::NotExists.or(Condition::less_than("ttl", 50)),
                None,
                true,
            ),
            (
                Condition::Exists.and(Condition::absent("usedAt")),
                present,
                true,
            ),
            (
                Condition::Exists.and(Condition::absent("customerId")),
                present,
                false,
            ),
        ];
        for (condition, subject, expected) in cases {
            assert_eq!(
                condition.holds(subject),
                expected,
                "{condition:?} on {subject:?}"
            );
        }
    }

    #[test]
    fn a_number_beyond_i64_compares_greater() {
        let big = item(json!({"n": u64::MAX}));
        assert!(Condition::greater_than("n", i64::MAX).holds(Some(&big)));
        assert!(Condition::equals("n", u64::MAX).holds(Some(&big)));
    }
}
