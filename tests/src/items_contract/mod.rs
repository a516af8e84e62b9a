//! One contract for every item engine: `items_contract!` runs each case against a table made
//! by the given expression, so the embedded SQLite database and DynamoDB behave alike.

use std::{future::Future, sync::Arc};

mod queries;

pub use queries::*;

use portal::items::{
    Condition, Item, ItemTable, Key, Query, QueryPage, TableError, Update, Write, normalize_numbers,
};
use serde_json::{Value, json};

/// How the race cases run their attempts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Races {
    /// All at the same moment (the embedded engine, and DynamoDB itself).
    AtOnce,
    /// One after another: moto's `TransactWriteItems` is not isolated, so concurrent
    /// transactions on it can undo each other (see `NO_CONCURRENT_TRANSACTIONS` in
    /// `contract/mod.rs`). The conditions still decide who wins.
    InTurn,
}

/// A table under test, how its races run, and whatever must live as long as it (a directory).
pub struct Subject {
    pub table: Arc<dyn ItemTable>,
    pub races: Races,
    pub keep: Option<Box<dyn Send>>,
}

#[macro_export]
macro_rules! items_contract {
    ($make:expr) => {
        $crate::items_contract!(@cases $make;
            every_json_type_round_trips_through_put_and_get,
            a_batch_read_answers_the_items_that_exist_each_once_past_a_hundred_keys,
            a_put_that_must_not_exist_writes_once,
            a_version_conditioned_update_wins_once_and_answers_the_new_item,
            a_token_is_used_once_while_unexpired,
            an_expired_claim_can_be_taken_over_and_a_live_one_cannot,
            a_counter_starts_from_absent_and_keeps_its_first_ttl,
            an_append_starts_a_list_and_adds_at_its_end,
            a_conditional_delete_deletes_only_what_it_names,
            a_transaction_writes_all_or_nothing_and_names_the_failed_writes,
            a_check_makes_a_transaction_depend_on_another_item,
            queries_read_sort_key_ranges_in_order,
            pages_continue_after_last_and_end_without_an_empty_page,
            the_index_reads_items_by_their_gsi1_keys_page_by_page,
            stored_reads_hold_the_records_and_pages_of_get_and_query,
            what_dynamodb_refuses_both_engines_refuse,
            concurrent_conditional_creates_of_one_key_let_exactly_one_win,
        );
    };
    (@cases $make:expr; $($case:ident),* $(,)?) => {
        $(
            #[tokio::test]
            async fn $case() {
                let subject: $crate::items_contract::Subject = $make.await;
                $crate::items_contract::$case(subject.table.clone(), subject.races).await;
            }
        )*
    };
}

/// A partition of its own, so cases never meet on a shared table.
fn unique(prefix: &str) -> String {
    format!("{prefix}#{}", ulid::Ulid::new())
}

fn item(value: Value) -> Item {
    match value {
        Value::Object(item) => item,
        other => panic!("not an item: {other}"),
    }
}

fn keyed(key: &Key, attributes: Value) -> Item {
    let mut item = item(attributes);
    item.insert("pk".into(), key.pk.clone().into());
    item.insert("sk".into(), key.sk.clone().into());
    item
}

fn failed(result: Result<impl std::fmt::Debug, TableError>) -> Vec<bool> {
    match result {
        Err(TableError::ConditionFailed { failed }) => failed,
        other => panic!("expected a failed condition, got {other:?}"),
    }
}

async fn get(table: &Arc<dyn ItemTable>, key: &Key) -> Option<Item> {
    table.get(key, true).await.expect("the read works")
}

fn sort_keys(page: &QueryPage) -> Vec<String> {
    page.items
        .iter()
        .map(|i| i["sk"].as_str().expect("a string sk").to_owned())
        .collect()
}

pub async fn every_json_type_round_trips_through_put_and_get(table: Arc<dyn ItemTable>, _: Races) {
    let key = Key::new(unique("TYPES"), "ITEM");
    let stored = keyed(
        &key,
        json!({
            "text": "Bäckerei Schmidt – 東京 🚀", "empty": "", "int": 42, "negative": -7,
            "big": u64::MAX, "min": i64::MIN, "float": 1.5, "small": 0.000_123, "whole": 2.0,
            "yes": true, "no": false, "nothing": null,
            "list": [1, "two", null, true, [3.25], {"k": "v"}], "emptyList": [],
            "map": {"street": "Hauptstraße 1", "lines": ["a", "b"], "none": null, "n": 3},
            "emptyMap": {},
        }),
    );

    table.write(Write::put(stored.clone())).await.unwrap();

    // Numbers come back as DynamoDB gives them back: `2.0` as `2`.
    let expected = normalize_numbers(stored);
    assert_eq!(expected["whole"], json!(2));
    assert_eq!(get(&table, &key).await, Some(expected.clone()));
    assert_eq!(table.get(&key, false).await.unwrap(), Some(expected));
    assert_eq!(get(&table, &Key::new(key.pk.clone(), "OTHER")).await, None);
}

pub async fn a_put_that_must_not_exist_writes_once(table: Arc<dyn ItemTable>, _: Races) {
    let key = Key::new(unique("LOGIN"), "LOGIN");
    let first = keyed(&key, json!({"customerId": "c1"}));
    let second = keyed(&key, json!({"customerId": "c2"}));

    let created = table
        .write(Write::put(first.clone()).when(Condition::NotExists))
        .await;
    let again = table
        .write(Write::put(second).when(Condition::NotExists))
        .await;

    assert_eq!(created.unwrap(), None);
    assert_eq!(failed(again), vec![true]);
    assert_eq!(get(&table, &key).await, Some(first));
}

pub async fn a_version_conditioned_update_wins_once_and_answers_the_new_item(
    table: Arc<dyn ItemTable>,
    _: Races,
) {
    let key = Key::new(unique("TENANT"), "CUSTOMER#1");
    table
        .write(Write::put(keyed(&key, json!({"name": "a", "version": 1}))))
        .await
        .unwrap();
    let update = |name: &str| {
        Write::from(
            Update::new(key.clone())
                .set("name", name)
                .add("version", 1)
                .when(Condition::equals("version", 1)),
        )
    };

    let won = table.write(update("b")).await.unwrap();
    let stale = table.write(update("c")).await;
    let stale_put = table
        .write(
            Write::put(keyed(&key, json!({"name": "d", "version": 2})))
                .when(Condition::equals("version", 1)),
        )
        .await;

    let expected = keyed(&key, json!({"name": "b", "version": 2}));
    assert_eq!(won, Some(expected.clone()));
    assert_eq!(failed(stale), vec![true]);
    assert_eq!(failed(stale_put), vec![true]);
    assert_eq!(get(&table, &key).await, Some(expected));

    // An update conditioned on the item's existence creates nothing.
    let missing = Key::new(key.pk.clone(), "CUSTOMER#2");
    let touch = Update::new(missing.clone())
        .set("lastLoginAt", "2026-11-29T12:00:00Z")
        .add("version", 1)
        .when(Condition::Exists);
    assert_eq!(failed(table.write(touch.into()).await), vec![true]);
    assert_eq!(get(&table, &missing).await, None);
}

pub async fn a_token_is_used_once_while_unexpired(table: Arc<dyn ItemTable>, _: Races) {
    let key = Key::new(unique("TOKEN"), "TOKEN");
    let expired = Key::new(unique("TOKEN"), "TOKEN");
    let token = json!({"usedAt": null, "ttl": 2_000, "voided": null});
    table
        .transact(vec![
            Write::put(keyed(&key, token.clone())),
            Write::put(keyed(&expired, token)),
        ])
        .await
        .unwrap();
    let redeem = |key: &Key, now: i64| {
        Write::from(
            Update::new(key.clone()).set("usedAt", now).when(
                Condition::Exists
                    .and(Condition::absent("usedAt"))
                    .and(Condition::absent("voided"))
                    .and(Condition::greater_than("ttl", now)),
            ),
        )
    };

    let used = table.write(redeem(&key, 1_000)).await.unwrap();
    let again = table.write(redeem(&key, 1_001)).await;
    let late = table.write(redeem(&expired, 2_000)).await;
    let missing = table
        .write(redeem(&Key::new(unique("TOKEN"), "TOKEN"), 1_000))
        .await;

    assert_eq!(used.unwrap()["usedAt"], json!(1_000));
    assert_eq!(failed(again), vec![true]);
    assert_eq!(failed(late), vec![true]);
    assert_eq!(failed(missing), vec![true]);
}

pub async fn an_expired_claim_can_be_taken_over_and_a_live_one_cannot(
    table: Arc<dyn ItemTable>,
    _: Races,
) {
    let key = Key::new(unique("IDEMPOTENCY"), "IDEMPOTENCY");
    let claim = |fingerprint: &str, now: i64| {
        Write::put(keyed(
            &key,
            json!({"fingerprint": fingerprint, "ttl": now + 100}),
        ))
        .when(Condition::NotExists.or(Condition::less_than("ttl", now)))
    };

    let fresh = table.write(claim("first", 1_000)).await;
    let live = table.write(claim("second", 1_099)).await;
    let after_expiry = table.write(claim("third", 1_101)).await;

    assert!(fresh.is_ok(), "{fresh:?}");
    assert_eq!(failed(live), vec![true]);
    assert!(after_expiry.is_ok(), "{after_expiry:?}");
    assert_eq!(get(&table, &key).await.unwrap()["fingerprint"], "third");
}

pub async fn a_counter_starts_from_absent_and_keeps_its_first_ttl(
    table: Arc<dyn ItemTable>,
    _: Races,
) {
    let key = Key::new(unique("RATE"), "1800000000");
    let count = |forget: i64| {
        Write::from(
            Update::new(key.clone())
                .add("count", 1)
                .set_if_absent("ttl", forget),
        )
    };

    let first = table.write(count(500)).await.unwrap();
    let second = table.write(count(900)).await.unwrap();

    assert_eq!(first, Some(keyed(&key, json!({"count": 1, "ttl": 500}))));
    assert_eq!(second, Some(keyed(&key, json!({"count": 2, "ttl": 500}))));
    assert_eq!(get(&table, &key).await, second);

    let removed = Update::new(key.clone()).remove("ttl").add("count", -2);
    assert_eq!(
        table.write(removed.into()).await.unwrap(),
        Some(keyed(&key, json!({"count": 0})))
    );
}

pub async fn an_append_starts_a_list_and_adds_at_its_end(table: Arc<dyn ItemTable>, _: Races) {
    let key = Key::new(unique("INVITATION"), "INVITATION");
    let append = |event: Value| Write::from(Update::new(key.clone()).append("history", event));

    let first = table
        .write(append(json!({"event": "created"})))
        .await
        .unwrap();
    let second = table
        .write(append(
            json!({"event": "superseded", "by": {"kind": "system"}}),
        ))
        .await
        .unwrap();

    assert_eq!(
        first,
        Some(keyed(&key, json!({"history": [{"event": "created"}]})))
    );
    let both = keyed(
        &key,
        json!({"history": [{"event": "created"}, {"event": "superseded", "by": {"kind": "system"}}]}),
    );
    assert_eq!(second, Some(both.clone()));
    assert_eq!(get(&table, &key).await, Some(both));

    let text = Key::new(unique("INVITATION"), "INVITATION");
    table
        .write(Update::new(text.clone()).set("history", "no list").into())
        .await
        .unwrap();
    assert!(
        table
            .write(Update::new(text).append("history", 1).into())
            .await
            .is_err(),
        "only a list is appended to"
    );
}

pub async fn a_conditional_delete_deletes_only_what_it_names(table: Arc<dyn ItemTable>, _: Races) {
    let key = Key::new(unique("LOGIN"), "LOGIN");
    table
        .write(Write::put(keyed(&key, json!({"customerId": "c1"}))))
        .await
        .unwrap();
    let release =
        |owner: &str| Write::delete(key.clone()).when(Condition::equals("customerId", owner));

    let foreign = table.write(release("c2")).await;
    assert_eq!(failed(foreign), vec![true]);
    assert!(get(&table, &key).await.is_some());

    table.write(release("c1")).await.unwrap();
    assert_eq!(get(&table, &key).await, None);

    // A missing item: nothing to delete, which only `Exists` objects to.
    table.write(Write::delete(key.clone())).await.unwrap();
    let gone = Write::delete(key.clone())
        .when(Condition::NotExists.or(Condition::equals("staffId", "s1")));
    table.write(gone).await.unwrap();
    let must_exist = table
        .write(Write::delete(key.clone()).when(Condition::Exists))
        .await;
    assert_eq!(failed(must_exist), vec![true]);
}

pub async fn a_transaction_writes_all_or_nothing_and_names_the_failed_writes(
    table: Arc<dyn ItemTable>,
    _: Races,
) {
    let pk = unique("TENANT");
    let [customer, old_claim, new_claim, taken] =
        ["CUSTOMER#1", "LOGIN#old", "LOGIN#new", "LOGIN#taken"].map(|sk| Key::new(&pk, sk));
    table
        .transact(vec![
            Write::put(keyed(&customer, json!({"version": 1}))),
            Write::put(keyed(&old_claim, json!({"customerId": "c1"}))),
            Write::put(keyed(&taken, json!({"customerId": "c9"}))),
        ])
        .await
        .unwrap();
    let before = table
        .query(&Query::primary(&pk).consistent())
        .await
        .unwrap();
    let moving = |claim: &Key| {
        vec![
            Update::new(customer.clone())
                .add("version", 1)
                .when(Condition::equals("version", 1))
                .into(),
            Write::delete(old_claim.clone()).when(Condition::equals("customerId", "c1")),
            Write::put(keyed(claim, json!({"customerId": "c1"}))).when(Condition::NotExists),
        ]
    };

    let refused = table.transact(moving(&taken)).await;
    assert_eq!(failed(refused), vec![false, false, true]);
    assert_eq!(
        table
            .query(&Query::primary(&pk).consistent())
            .await
            .unwrap(),
        before
    );

    let mut two_failing = moving(&taken);
    two_failing[0] =
        Write::put(keyed(&customer, json!({"version": 5}))).when(Condition::equals("version", 4));
    assert_eq!(
        failed(table.transact(two_failing).await),
        vec![true, false, true]
    );

    table.transact(moving(&new_claim)).await.unwrap();
    assert_eq!(get(&table, &customer).await.unwrap()["version"], json!(2));
    assert_eq!(get(&table, &old_claim).await, None);
    assert_eq!(
        get(&table, &new_claim).await,
        Some(keyed(&new_claim, json!({"customerId": "c1"})))
    );
}

pub async fn a_check_makes_a_transaction_depend_on_another_item(
    table: Arc<dyn ItemTable>,
    _: Races,
) {
    let pk = unique("TENANT");
    let customer = Key::new(&pk, "CUSTOMER#1");
    let invitation = Key::new(format!("{pk}#CUSTOMER#1"), "INVITATION#1");
    table
        .write(Write::put(keyed(&customer, json!({"version": 2}))))
        .await
        .unwrap();
    let issue = |version: u64| {
        vec![
            Write::check(customer.clone(), Condition::equals("version", version)),
            Write::put(keyed(&invitation, json!({"state": "pending"}))),
        ]
    };

    assert_eq!(failed(table.transact(issue(1)).await), vec![true, false]);
    assert_eq!(get(&table, &invitation).await, None);
    table.transact(issue(2)).await.unwrap();
    assert!(get(&table, &invitation).await.is_some());

    // A check on its own writes nothing and answers whether it holds.
    let holds = Write::check(customer.clone(), Condition::equals("version", 2));
    let fails = Write::check(customer.clone(), Condition::NotExists);
    assert_eq!(table.write(holds).await.unwrap(), None);
    assert_eq!(failed(table.write(fails).await), vec![true]);
    assert_eq!(
        get(&table, &customer).await,
        Some(keyed(&customer, json!({"version": 2})))
    );
}

pub async fn what_dynamodb_refuses_both_engines_refuse(table: Arc<dyn ItemTable>, _: Races) {
    let key = Key::new(unique("BAD"), "ITEM");
    let unexpected = |result: Result<_, TableError>| {
        assert!(
            matches!(result, Err(TableError::Unexpected(_))),
            "expected a refusal, got {result:?}"
        )
    };

    unexpected(
        table
            .write(Write::put(keyed(&key, json!({"gsi1pk": 5, "gsi1sk": "x"}))))
            .await,
    );
    unexpected(table.write(Write::put(item(json!({"pk": "only"})))).await);
    unexpected(
        table
            .write(Update::new(key.clone()).set("pk", "moved").into())
            .await,
    );
    unexpected(
        table
            .transact(vec![
                Write::put(keyed(&key, json!({}))),
                Write::delete(key.clone()),
            ])
            .await
            .map(|()| None::<Item>),
    );
    unexpected(
        table
            .query(&Query::gsi1("G").consistent())
            .await
            .map(|_| None::<Item>),
    );
    assert_eq!(get(&table, &key).await, None);
}

/// Runs the attempts at once, or in turn (see [`Races`]).
async fn race<T: Send + 'static>(
    races: Races,
    attempts: Vec<impl Future<Output = T> + Send + 'static>,
) -> Vec<T> {
    let mut results = Vec::new();
    match races {
        Races::InTurn => {
            for attempt in attempts {
                results.push(attempt.await);
            }
        }
        Races::AtOnce => {
            let handles: Vec<_> = attempts.into_iter().map(tokio::spawn).collect();
            for handle in handles {
                results.push(handle.await.expect("the attempt ran"));
            }
        }
    }
    results
}

pub async fn concurrent_conditional_creates_of_one_key_let_exactly_one_win(
    table: Arc<dyn ItemTable>,
    races: Races,
) {
    let pk = unique("TENANT");
    let claim = Key::new(unique("LOGIN"), "LOGIN");
    let attempts = (0..8)
        .map(|i| {
            let table = table.clone();
            let customer = Key::new(&pk, format!("CUSTOMER#{i}"));
            let claim = claim.clone();
            async move {
                let writes = vec![
                    Write::put(keyed(&customer, json!({"version": 1}))).when(Condition::NotExists),
                    Write::put(keyed(&claim, json!({"customerId": i}))).when(Condition::NotExists),
                ];
                (i, table.transact(writes).await)
            }
        })
        .collect();

    let results = race(races, attempts).await;

    let winners: Vec<_> = results.iter().filter(|(_, r)| r.is_ok()).collect();
    assert_eq!(winners.len(), 1, "{results:?}");
    let winner = winners[0].0;
    for (_, result) in &results {
        match result {
            Ok(()) => {}
            Err(TableError::ConditionFailed { failed }) => assert_eq!(failed, &[false, true]),
            Err(TableError::Conflict) => {}
            Err(other) => panic!("a loser failed unexpectedly: {other}"),
        }
    }
    assert_eq!(get(&table, &claim).await.unwrap()["customerId"], winner);
    let customers = table
        .query(&Query::primary(&pk).consistent())
        .await
        .unwrap();
    assert_eq!(sort_keys(&customers), [format!("CUSTOMER#{winner}")]);
}

pub async fn a_batch_read_answers_the_items_that_exist_each_once_past_a_hundred_keys(
    table: Arc<dyn ItemTable>,
    _: Races,
) {
    let pk = unique("BATCH");
    // 120 stored items: more than one DynamoDB BatchGetItem may name.
    for n in 0..120 {
        let key = Key::new(pk.clone(), format!("ITEM#{n:03}"));
        table
            .write(Write::put(keyed(&key, json!({"n": n}))))
            .await
            .unwrap();
    }
    let mut keys: Vec<Key> = (0..120)
        .map(|n| Key::new(pk.clone(), format!("ITEM#{n:03}")))
        .collect();
    keys.push(Key::new(pk.clone(), "ITEM#000"));
    keys.push(Key::new(pk.clone(), "MISSING"));
    keys.push(Key::new(unique("ELSEWHERE"), "ITEM#001"));

    let items = table.get_many(&keys).await.unwrap();

    let mut found: Vec<i64> = items.iter().map(|i| i["n"].as_i64().unwrap()).collect();
    found.sort_unstable();
    assert_eq!(
        found,
        (0..120).collect::<Vec<_>>(),
        "each once, none missing, no others"
    );
    assert!(table.get_many(&[]).await.unwrap().is_empty());
}
