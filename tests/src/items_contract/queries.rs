//! The query cases of the item-engine contract: key ranges, pages and the index.

use std::sync::Arc;

use portal::items::{Cursor, Item, ItemTable, Key, Query, QueryPage, SkCondition, Write};
use serde_json::json;

use super::{Races, keyed, sort_keys, unique};

/// Puts an item under `pk` for each sort key, in one transaction per 25.
async fn fill(table: &Arc<dyn ItemTable>, pk: &str, sort_keys: &[&str]) {
    for chunk in sort_keys.chunks(25) {
        let writes = chunk
            .iter()
            .map(|sk| Write::put(keyed(&Key::new(pk, *sk), json!({"n": sk}))))
            .collect();
        table.transact(writes).await.expect("the items are stored");
    }
}

pub async fn queries_read_sort_key_ranges_in_order(table: Arc<dyn ItemTable>, _: Races) {
    let pk = unique("TENANT");
    let other = unique("TENANT");
    fill(
        &table,
        &pk,
        &[
            "TEMPLATE#email#de",
            "CUSTOMER#03",
            "CUSTOMER",
            "CUSTOMER#01",
            "CUSTOMER$",
            "INVITATION#01",
            "CUSTOMER#02",
            "STAFF#01",
            "CUSTOMER#02#x",
        ],
    )
    .await;
    fill(&table, &other, &["CUSTOMER#00"]).await;
    let read = |query: Query| {
        let table = table.clone();
        async move { sort_keys(&table.query(&query).await.expect("the query runs")) }
    };

    assert_eq!(
        read(Query::primary(&pk).begins_with("CUSTOMER#")).await,
        ["CUSTOMER#01", "CUSTOMER#02", "CUSTOMER#02#x", "CUSTOMER#03"]
    );
    assert_eq!(
        read(Query::primary(&pk).begins_with("CUSTOMER#").descending()).await,
        ["CUSTOMER#03", "CUSTOMER#02#x", "CUSTOMER#02", "CUSTOMER#01"]
    );
    let between = SkCondition::Between("CUSTOMER#02".into(), "INVITATION#01".into());
    assert_eq!(
        read(Query::primary(&pk).sk(between)).await,
        [
            "CUSTOMER#02",
            "CUSTOMER#02#x",
            "CUSTOMER#03",
            "CUSTOMER$",
            "INVITATION#01"
        ]
    );
    assert_eq!(
        read(Query::primary(&pk).sk(SkCondition::Equals("STAFF#01".into()))).await,
        ["STAFF#01"]
    );
    assert_eq!(
        read(Query::primary(&pk).consistent()).await,
        [
            "CUSTOMER",
            "CUSTOMER#01",
            "CUSTOMER#02",
            "CUSTOMER#02#x",
            "CUSTOMER#03",
            "CUSTOMER$",
            "INVITATION#01",
            "STAFF#01",
            "TEMPLATE#email#de"
        ]
    );
    assert!(read(Query::primary(unique("NOBODY"))).await.is_empty());
}

/// Reads every page of `query`, `limit` items at a time.
async fn pages(table: &Arc<dyn ItemTable>, query: Query, limit: usize) -> Vec<Vec<String>> {
    let mut pages = Vec::new();
    let mut after: Option<Cursor> = None;
    loop {
        let page = table
            .query(&query.clone().limit(limit).after(after.clone()))
            .await
            .expect("the page is read");
        pages.push(sort_keys(&page));
        assert!(pages.len() < 50, "the pages never end");
        match page.last {
            Some(last) => after = Some(last),
            None => return pages,
        }
    }
}

pub async fn pages_continue_after_last_and_end_without_an_empty_page(
    table: Arc<dyn ItemTable>,
    _: Races,
) {
    let pk = unique("TENANT");
    // Items after the prefix make moto answer a full last page with a LastEvaluatedKey.
    fill(
        &table,
        &pk,
        &["C#1", "C#2", "C#3", "C#4", "C#5", "D#1", "D#2", "D#3"],
    )
    .await;
    let customers = Query::primary(&pk).begins_with("C#");

    assert_eq!(
        pages(&table, customers.clone(), 2).await,
        [vec!["C#1", "C#2"], vec!["C#3", "C#4"], vec!["C#5"]]
    );
    assert_eq!(
        pages(&table, customers.clone().descending(), 2).await,
        [vec!["C#5", "C#4"], vec!["C#3", "C#2"], vec!["C#1"]]
    );
    // Exactly `limit` left: the page that takes them is the last, with no `last`.
    assert_eq!(
        pages(&table, Query::primary(&pk).begins_with("D#"), 3).await,
        [vec!["D#1", "D#2", "D#3"]]
    );
    assert_eq!(
        pages(&table, customers.clone(), 5).await,
        [vec!["C#1", "C#2", "C#3", "C#4", "C#5"]]
    );
    assert_eq!(pages(&table, customers.clone(), 0).await.len(), 5);
    let page = table.query(&customers.consistent().limit(2)).await.unwrap();
    assert_eq!(page.last, Some(Cursor::from(Key::new(&pk, "C#2"))));
}

pub async fn the_index_reads_items_by_their_gsi1_keys_page_by_page(
    table: Arc<dyn ItemTable>,
    _: Races,
) {
    let tenant = unique("TENANT");
    let index_item = |pk: &str, gsi1sk: &str| {
        keyed(
            &Key::new(pk, "APIKEY"),
            json!({"gsi1pk": tenant, "gsi1sk": gsi1sk, "label": pk}),
        )
    };
    let writes = vec![
        Write::put(index_item("APIKEY#h3", "APIKEY#3")),
        Write::put(index_item("APIKEY#h1", "APIKEY#1")),
        Write::put(index_item("APIKEY#h2b", "APIKEY#2")),
        Write::put(index_item("APIKEY#h2a", "APIKEY#2")),
        Write::put(index_item("OTHER#h", "OTHER#1")),
        // Half an index key: not in the index.
        Write::put(keyed(
            &Key::new(unique("APIKEY"), "APIKEY"),
            json!({"gsi1pk": tenant}),
        )),
        Write::put(keyed(
            &Key::new(unique("APIKEY"), "APIKEY"),
            json!({"gsi1pk": unique("TENANT"), "gsi1sk": "APIKEY#1"}),
        )),
    ];
    table.transact(writes).await.unwrap();
    let labels = |page: &QueryPage| -> Vec<String> {
        page.items
            .iter()
            .map(|i| i["label"].as_str().unwrap().to_owned())
            .collect()
    };
    let keys = Query::gsi1(&tenant).begins_with("APIKEY#");

    let all = table.query(&keys).await.unwrap();
    let everything = table.query(&Query::gsi1(&tenant)).await.unwrap();

    assert_eq!(
        labels(&all),
        ["APIKEY#h1", "APIKEY#h2a", "APIKEY#h2b", "APIKEY#h3"]
    );
    assert_eq!(all.items[0]["gsi1sk"], "APIKEY#1");
    assert_eq!(everything.items.len(), 5);
    let one = table
        .query(&Query::gsi1(&tenant).sk(SkCondition::Equals("APIKEY#3".into())))
        .await
        .unwrap();
    assert_eq!(labels(&one), ["APIKEY#h3"]);

    // Page by page, across two items with one index key, each item comes once.
    let mut seen = Vec::new();
    let mut after = None;
    for _ in 0..10 {
        let page = table
            .query(&keys.clone().descending().limit(1).after(after))
            .await
            .unwrap();
        seen.extend(labels(&page));
        after = page.last;
        if after.is_none() {
            break;
        }
    }
    assert_eq!(seen, ["APIKEY#h3", "APIKEY#h2b", "APIKEY#h2a", "APIKEY#h1"]);
}

/// What the store reads records from (`get_stored`, `query_stored`: the embedded engine's
/// JSON text) holds each item's record and pages exactly as `get` and `query` do, on the table
/// and on the index, whatever the engine keeps.
pub async fn stored_reads_hold_the_records_and_pages_of_get_and_query(
    table: Arc<dyn ItemTable>,
    _: Races,
) {
    let (pk, index) = (unique("TENANT"), unique("INDEX"));
    let writes = ["C#1", "C#2", "C#3"]
        .into_iter()
        .map(|sk| {
            Write::put(keyed(
                &Key::new(&pk, sk),
                json!({"gsi1pk": index, "gsi1sk": "G#1", "name": format!("Näme \"{sk}\""),
                       "n": 1.5, "list": [1, {"pk": "own"}], "ttl": 1_900_000_000}),
            ))
        })
        .collect();
    table.transact(writes).await.unwrap();
    let record = |item: Item| -> Item { portal::items::record(item).unwrap() };

    for query in [
        Query::primary(&pk).begins_with("C#"),
        Query::primary(&pk).descending(),
        Query::gsi1(&index),
    ] {
        for limit in [1, 2, 3, 10] {
            let mut after: Option<Cursor> = None;
            for _ in 0..10 {
                let query = query.clone().limit(limit).after(after.clone());
                let page = table.query(&query).await.unwrap();
                let stored = table.query_stored(&query).await.unwrap();
                assert_eq!(stored.last, page.last, "{query:?}");
                let records: Vec<Item> = stored
                    .items
                    .into_iter()
                    .map(|i| i.record().unwrap())
                    .collect();
                let expected: Vec<Item> = page.items.into_iter().map(record).collect();
                assert_eq!(records, expected, "{query:?}");
                assert!(
                    records
                        .iter()
                        .all(|r| !r.contains_key("pk") && !r.contains_key("ttl"))
                );
                after = page.last;
                if after.is_none() {
                    break;
                }
            }
        }
    }
    let key = Key::new(&pk, "C#2");
    let stored: Item = table
        .get_stored(&key, true)
        .await
        .unwrap()
        .expect("the item")
        .record()
        .unwrap();
    assert_eq!(
        stored,
        record(table.get(&key, true).await.unwrap().unwrap())
    );
    assert_eq!(stored["list"], json!([1, {"pk": "own"}]));
    assert!(
        table
            .get_stored(&Key::new(&pk, "C#9"), true)
            .await
            .unwrap()
            .is_none()
    );
}
