//! The item-engine contract against DynamoDB on moto's server, with the real SDK, and the proof
//! that the engine reads and writes the very items `DynamoDbStore` does.

use std::sync::Arc;

use portal::{
    aws::{DynamoDbStore, dynamodb_items::DynamoDbItems},
    domain::Customer,
    items::{self, ItemTable, Key, Keys, Write},
    ports::CustomerStore,
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

#[tokio::test]
async fn a_customer_stored_by_the_store_reads_the_same_through_the_engine() {
    let (client, table) = moto::fresh_table().await;
    let store = DynamoDbStore::new(client.clone(), &table);
    let engine = DynamoDbItems::new(client, table);
    let c = a_customer();
    store.create_customer(&c).await.unwrap();

    let item = engine.get(&customer_key(&c), true).await.unwrap().unwrap();

    assert_eq!(items::record::<Customer>(item).unwrap(), c);
}

#[tokio::test]
async fn a_customer_put_by_the_engine_reads_the_same_through_the_store() {
    let (client, table) = moto::fresh_table().await;
    let store = DynamoDbStore::new(client.clone(), &table);
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
