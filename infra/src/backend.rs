use std::{path::PathBuf, sync::Arc};

use anyhow::Context;
use aws_sdk_dynamodb::config::{Credentials, Region};
use portal::{aws::DynamoDbStore, embedded::EmbeddedStore, ports::Store};

/// Where the portal keeps its data when run outside Lambda.
#[derive(Debug, Clone)]
pub enum Backend {
    /// In-process storage persisted under a data directory (the default).
    Embedded { data_dir: PathBuf },
    /// A DynamoDB table: on AWS with the usual credentials, or at `endpoint` (moto's server).
    DynamoDb {
        table: String,
        endpoint: Option<String>,
    },
}

impl Backend {
    pub async fn open(&self) -> anyhow::Result<Arc<dyn Store>> {
        match self {
            Backend::Embedded { data_dir } => Ok(Arc::new(EmbeddedStore::open(data_dir)?)),
            Backend::DynamoDb { table, endpoint } => {
                let client = dynamodb_client(endpoint.as_deref()).await;
                if endpoint.is_some() {
                    DynamoDbStore::ensure_table(&client, table).await?;
                } else {
                    client
                        .describe_table()
                        .table_name(table)
                        .send()
                        .await
                        .with_context(|| format!("Failed to find the DynamoDB table {table}"))?;
                }
                Ok(Arc::new(DynamoDbStore::new(client, table.clone())))
            }
        }
    }

    pub fn describe(&self) -> String {
        match self {
            Backend::Embedded { data_dir } => format!("embedded storage in {}", data_dir.display()),
            Backend::DynamoDb {
                table,
                endpoint: Some(e),
            } => format!("DynamoDB table {table} at {e}"),
            Backend::DynamoDb {
                table,
                endpoint: None,
            } => format!("DynamoDB table {table} on AWS"),
        }
    }
}

/// A DynamoDB client. With an endpoint (moto, DynamoDB Local) a region and placeholder
/// credentials are filled in when the environment has none, since such endpoints ignore them.
pub async fn dynamodb_client(endpoint: Option<&str>) -> aws_sdk_dynamodb::Client {
    let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest());
    if let Some(endpoint) = endpoint {
        loader = loader.endpoint_url(endpoint);
        if std::env::var_os("AWS_REGION").is_none()
            && std::env::var_os("AWS_DEFAULT_REGION").is_none()
        {
            loader = loader.region(Region::new("us-east-1"));
        }
        if std::env::var_os("AWS_ACCESS_KEY_ID").is_none() {
            loader = loader.credentials_provider(Credentials::new(
                "local",
                "local",
                None,
                None,
                "portal-local",
            ));
        }
    }
    aws_sdk_dynamodb::Client::new(&loader.load().await)
}
