//! The portal's single DynamoDB table: `pk`/`sk`, the index `gsi1` (`gsi1pk`/`gsi1sk`) and TTL
//! on `ttl`. On AWS template.yaml creates it; locally (moto, `--endpoint-url`) and in tests
//! these functions do.

use anyhow::Context;
use aws_sdk_dynamodb::{
    Client,
    types::{
        AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType,
        Projection, ProjectionType, ScalarAttributeType, TimeToLiveSpecification,
    },
};

pub const GSI1: &str = "gsi1";
pub const TTL_ATTRIBUTE: &str = "ttl";

/// Creates the table with the keys, index and TTL the item engine needs (local runs and tests;
/// on AWS, template.yaml creates it).
pub async fn create_table(client: &Client, table: &str) -> anyhow::Result<()> {
    let attr = |name: &str| {
        AttributeDefinition::builder()
            .attribute_name(name)
            .attribute_type(ScalarAttributeType::S)
            .build()
            .expect("name and type are set")
    };
    let key = |name: &str, kind: KeyType| {
        KeySchemaElement::builder()
            .attribute_name(name)
            .key_type(kind)
            .build()
            .expect("name and type are set")
    };
    let gsi = GlobalSecondaryIndex::builder()
        .index_name(GSI1)
        .key_schema(key("gsi1pk", KeyType::Hash))
        .key_schema(key("gsi1sk", KeyType::Range))
        .projection(
            Projection::builder()
                .projection_type(ProjectionType::All)
                .build(),
        )
        .build()
        .context("Failed to describe the index")?;
    client
        .create_table()
        .table_name(table)
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(attr("pk"))
        .attribute_definitions(attr("sk"))
        .attribute_definitions(attr("gsi1pk"))
        .attribute_definitions(attr("gsi1sk"))
        .key_schema(key("pk", KeyType::Hash))
        .key_schema(key("sk", KeyType::Range))
        .global_secondary_indexes(gsi)
        .send()
        .await
        .with_context(|| format!("Failed to create the table {table}"))?;
    client
        .update_time_to_live()
        .table_name(table)
        .time_to_live_specification(
            TimeToLiveSpecification::builder()
                .enabled(true)
                .attribute_name(TTL_ATTRIBUTE)
                .build()
                .context("Failed to describe the TTL")?,
        )
        .send()
        .await
        .with_context(|| format!("Failed to enable TTL on {table}"))?;
    Ok(())
}

/// Creates the table unless it exists.
pub async fn ensure_table(client: &Client, table: &str) -> anyhow::Result<()> {
    match client.describe_table().table_name(table).send().await {
        Ok(_) => Ok(()),
        Err(err)
            if err
                .as_service_error()
                .is_some_and(|e| e.is_resource_not_found_exception()) =>
        {
            create_table(client, table).await
        }
        Err(err) => Err(err).with_context(|| format!("Failed to look up the table {table}")),
    }
}
