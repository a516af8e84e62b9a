//! Adapters over the AWS SDK. Nothing outside this module names an SDK type.

pub mod config;
#[cfg(any(feature = "ses", feature = "sns"))]
mod delivery;
#[cfg(feature = "dynamodb")]
pub mod dynamodb_items;
#[cfg(feature = "dynamodb")]
pub mod dynamodb_table;
#[cfg(feature = "s3")]
pub mod s3;
#[cfg(feature = "ses")]
pub mod ses;
#[cfg(feature = "sns")]
pub mod sns;

#[cfg(feature = "s3")]
pub use s3::S3FileStore;
#[cfg(feature = "ses")]
pub use ses::SesMailer;
#[cfg(feature = "sns")]
pub use sns::SnsSmsSender;

#[cfg(feature = "dynamodb")]
use std::sync::Arc;

#[cfg(feature = "dynamodb")]
use anyhow::Context;

#[cfg(feature = "dynamodb")]
use crate::{AppState, store::ItemStore};

/// The state a deployed function runs with: DynamoDB table from `TABLE_NAME`.
#[cfg(feature = "dynamodb")]
pub async fn state_from_env() -> anyhow::Result<AppState> {
    state_from_config(&config::load(None).await)
}

/// Like [`state_from_env`], with an SDK configuration the caller shares with other clients.
#[cfg(feature = "dynamodb")]
pub fn state_from_config(config: &aws_config::SdkConfig) -> anyhow::Result<AppState> {
    let table = std::env::var("TABLE_NAME").context("TABLE_NAME is not set")?;
    let client = aws_sdk_dynamodb::Client::new(config);
    let items = dynamodb_items::DynamoDbItems::new(client, table);
    Ok(AppState::from_store(Arc::new(ItemStore::new(Arc::new(
        items,
    )))))
}
