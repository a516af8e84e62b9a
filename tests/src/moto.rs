//! DynamoDB on moto's server. `infra/test.sh` starts moto and sets `MOTO_ENDPOINT`.

use std::sync::Arc;

use portal::{
    aws::{dynamodb_items::DynamoDbItems, dynamodb_table},
    ports::Store,
    store::ItemStore,
};

pub fn endpoint() -> String {
    std::env::var("MOTO_ENDPOINT").unwrap_or_else(|_| {
        panic!(
            "MOTO_ENDPOINT is not set. Run the tests with infra/test.sh, which installs and starts \
             moto's server, or start `moto_server -H 127.0.0.1 -p 5000` and set \
             MOTO_ENDPOINT=http://127.0.0.1:5000"
        )
    })
}

pub async fn client() -> aws_sdk_dynamodb::Client {
    portal_infra::backend::dynamodb_client(Some(&endpoint())).await
}

/// A fresh table of its own, so tests run in parallel against one moto without a reset.
pub async fn fresh_table() -> (aws_sdk_dynamodb::Client, String) {
    let client = client().await;
    let table = format!(
        "portal-test-{}",
        ulid::Ulid::new().to_string().to_lowercase()
    );
    dynamodb_table::create_table(&client, &table)
        .await
        .expect("moto creates the table");
    (client, table)
}

/// The item store on DynamoDB on moto, in a fresh table.
pub async fn dynamodb_store() -> Arc<dyn Store> {
    crate::contract::NO_CONCURRENT_TRANSACTIONS.store(true, std::sync::atomic::Ordering::Relaxed);
    let (client, table) = fresh_table().await;
    Arc::new(ItemStore::new(Arc::new(DynamoDbItems::new(client, table))))
}
