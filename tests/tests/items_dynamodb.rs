//! The item-engine contract against DynamoDB on moto's server, with the real SDK, and the proof
//! that the item store reads and writes the very items the DynamoDB adapter before it did.

use std::{collections::HashMap, sync::Arc};

use aws_sdk_dynamodb::types::AttributeValue;

use portal::{
    aws::dynamodb_items::DynamoDbItems,
    domain::Customer,
    items::{self, ItemTable, Key, Keys, Write},
    ports::CustomerStore,
    store::ItemStore,
};
use portal_tests::{
    fixtures::{customer, tenant, unique_email},
    items_contract::{Races, Subject},
    moto,
};
use serde_json::json;

async fn table() -> Subject {
    let (client, table) = moto::fresh_table().await;
    Subject {
        table: Arc::new(DynamoDbItems::new(client, table)),
        races: Races::InTurn,
        keep: None,
    }
}

portal_tests::items_contract!(table());

fn a_customer() -> Customer {
    let t = tenant("Agentur Items");
    customer(
        t.id,
        json!({
            "companyName": "Bäckerei Schmidt GmbH",
            "owner": "Anna Schmidt",
            "address": {"street": "Hauptstraße 1", "postalCode": "10115", "city": "Berlin",
                        "country": "DE"},
            "mobile": "0151 23456789",
            "emails": ["buero@baeckerei.example"],
            "loginEmail": unique_email("anna"),
            "notes": "Zeile 1\nZeile 2",
        }),
    )
}

fn customer_key(c: &Customer) -> Key {
    Key::new(
        format!("TENANT#{}", c.tenant_id),
        format!("CUSTOMER#{}", c.id),
    )
}

/// What the DynamoDB adapter before `ItemStore` (`DynamoDbStore`) wrote for a customer:
/// `serde_dynamo::to_item(customer)` plus `pk` and `sk`, so the customers on AWS today.
fn item_as_written_before(c: &Customer) -> HashMap<String, AttributeValue> {
    let key = customer_key(c);
    let mut item: HashMap<String, AttributeValue> = serde_dynamo::to_item(c).unwrap();
    item.insert("pk".into(), AttributeValue::S(key.pk));
    item.insert("sk".into(), AttributeValue::S(key.sk));
    item
}

#[tokio::test]
async fn a_customer_stored_before_the_item_store_reads_the_same_through_it() {
    let (client, table) = moto::fresh_table().await;
    let c = a_customer();
    client
        .put_item()
        .table_name(&table)
        .set_item(Some(item_as_written_before(&c)))
        .send()
        .await
        .unwrap();
    let store = ItemStore::new(Arc::new(DynamoDbItems::new(client, table)));

    let read = store.get_customer(c.tenant_id, c.id).await.unwrap();

    assert_eq!(read, Some(c));
}

#[tokio::test]
async fn a_customer_stored_by_the_item_store_is_the_item_written_before() {
    let (client, table) = moto::fresh_table().await;
    let store = ItemStore::new(Arc::new(DynamoDbItems::new(client.clone(), &table)));
    let c = a_customer();
    store.create_customer(&c).await.unwrap();
    let key = customer_key(&c);

    let stored = client
        .get_item()
        .table_name(&table)
        .key("pk", AttributeValue::S(key.pk))
        .key("sk", AttributeValue::S(key.sk))
        .consistent_read(true)
        .send()
        .await
        .unwrap()
        .item
        .unwrap();

    assert_eq!(stored, item_as_written_before(&c));
}

#[tokio::test]
async fn a_customer_put_by_the_engine_reads_the_same_through_the_store() {
    let (client, table) = moto::fresh_table().await;
    let store = ItemStore::new(Arc::new(DynamoDbItems::new(client.clone(), &table)));
    let engine = DynamoDbItems::new(client, table);
    let c = a_customer();
    let key = customer_key(&c);

    let item = items::item(&c, &Keys::new(key.pk, key.sk)).unwrap();
    engine.write(Write::put(item)).await.unwrap();

    assert_eq!(
        store.get_customer(c.tenant_id, c.id).await.unwrap(),
        Some(c)
    );
}
