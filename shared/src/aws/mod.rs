//! Adapters over the AWS SDK. Nothing outside this module names an SDK type.

pub mod config;
#[cfg(any(feature = "ses", feature = "sns"))]
mod delivery;
#[cfg(feature = "dynamodb")]
pub mod dynamodb_items;
#[cfg(feature = "dynamodb")]
pub mod dynamodb_table;
#[cfg(feature = "sdk")]
pub mod lazy;
#[cfg(feature = "s3")]
pub mod s3;
#[cfg(feature = "ses")]
pub mod ses;
#[cfg(feature = "sns")]
pub mod sns;

#[cfg(feature = "sdk")]
pub use lazy::{LazyClient, Sdk};
#[cfg(feature = "s3")]
pub use s3::S3FileStore;
#[cfg(feature = "ses")]
pub use ses::SesMailer;
#[cfg(feature = "sns")]
pub use sns::SnsSmsSender;

#[cfg(feature = "dynamodb")]
use std::sync::Arc;

#[cfg(feature = "dynamodb")]
use crate::{ports::Store, store::ItemStore};

/// Every store port over the DynamoDB table `table`, with a client built from `sdk`.
#[cfg(feature = "dynamodb")]
pub fn dynamodb_store(sdk: &aws_types::SdkConfig, table: &config::TableName) -> Arc<dyn Store> {
    dynamodb_store_lazy(&Sdk::loaded(sdk.clone()), table)
}

/// Every store port over the DynamoDB table `table`, with a client built from `sdk` when
/// the first request needs it (a function's cold start; see [`lazy`]).
#[cfg(feature = "dynamodb")]
pub fn dynamodb_store_lazy(sdk: &Sdk, table: &config::TableName) -> Arc<dyn Store> {
    dynamodb_item_store_lazy(sdk, table)
}

/// [`dynamodb_store_lazy`] as the concrete store, from which a function's state takes the
/// ports it uses and no others: a `dyn Store` (or an `AppState`) carries every port's methods,
/// so each function linked the store code of every aggregate (issue 14: zips ≤ 4 MB).
#[cfg(feature = "dynamodb")]
pub fn dynamodb_item_store_lazy(sdk: &Sdk, table: &config::TableName) -> Arc<ItemStore> {
    let client = LazyClient::new(sdk, aws_sdk_dynamodb::Client::new);
    let items = dynamodb_items::DynamoDbItems::lazy(client, table.as_str());
    Arc::new(ItemStore::new(Arc::new(items)))
}
