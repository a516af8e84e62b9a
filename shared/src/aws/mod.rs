//! Adapters over the AWS SDK. Nothing outside this module names an SDK type.

pub mod config;
pub mod dynamodb;

pub use dynamodb::DynamoDbStore;

use std::sync::Arc;

use anyhow::Context;

use crate::AppState;

/// The state a deployed function runs with: DynamoDB table from `TABLE_NAME`.
pub async fn state_from_env() -> anyhow::Result<AppState> {
    let table = std::env::var("TABLE_NAME").context("TABLE_NAME is not set")?;
    let config = config::load(None).await;
    let client = aws_sdk_dynamodb::Client::new(&config);
    Ok(AppState::from_store(Arc::new(DynamoDbStore::new(
        client, table,
    ))))
}
