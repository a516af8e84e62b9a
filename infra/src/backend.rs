use std::{path::PathBuf, sync::Arc};

use anyhow::Context;
use aws_config::SdkConfig;
use aws_sdk_dynamodb::config::{Credentials, Region};
use portal::{
    AppState,
    aws::{SesMailer, SnsSmsSender, dynamodb_items::DynamoDbItems, dynamodb_table},
    embedded::{self, Outbox},
    ports::{Mailer, SmsSender, Store},
    store::ItemStore,
};

/// Where the portal keeps its data and sends its messages when run outside Lambda.
#[derive(Debug, Clone)]
pub enum Backend {
    /// An embedded SQLite database and an outbox folder under a data directory (the default).
    Embedded { data_dir: PathBuf },
    /// DynamoDB, SES and SNS: on AWS with the usual credentials, or at `endpoint` (moto's server).
    Aws {
        table: String,
        endpoint: Option<String>,
    },
}

/// Everything the functions need, opened once.
#[derive(Clone)]
pub struct Services {
    pub store: Arc<dyn Store>,
    pub mailer: Arc<dyn Mailer>,
    pub sms: Arc<dyn SmsSender>,
    /// The local outbox, when messages go there instead of to SES and SNS.
    pub outbox: Option<Arc<Outbox>>,
}

impl Services {
    /// Embedded storage and an outbox, all in memory (tests).
    pub fn in_memory() -> Self {
        let outbox = Arc::new(Outbox::in_memory());
        Self {
            store: Arc::new(embedded::in_memory_store()),
            mailer: outbox.clone(),
            sms: outbox.clone(),
            outbox: Some(outbox),
        }
    }

    pub fn app_state(&self) -> AppState {
        AppState::from_store(self.store.clone())
    }
}

impl Backend {
    /// Opens everything; the local outbox prints each message's links on the console.
    pub async fn open(&self) -> anyhow::Result<Services> {
        self.open_with(true).await
    }

    /// Opens everything; `announce` says whether the outbox prints links on the console
    /// (`portal-admin` keeps its standard output for JSON).
    pub async fn open_with(&self, announce: bool) -> anyhow::Result<Services> {
        match self {
            Backend::Embedded { data_dir } => {
                let outbox = Arc::new(Outbox::open(data_dir)?.announce(announce));
                Ok(Services {
                    store: Arc::new(embedded::open_store(data_dir).await?),
                    mailer: outbox.clone(),
                    sms: outbox.clone(),
                    outbox: Some(outbox),
                })
            }
            Backend::Aws { table, endpoint } => {
                let config = sdk_config(endpoint.as_deref()).await;
                let client = aws_sdk_dynamodb::Client::new(&config);
                if endpoint.is_some() {
                    dynamodb_table::ensure_table(&client, table).await?;
                } else {
                    client
                        .describe_table()
                        .table_name(table)
                        .send()
                        .await
                        .with_context(|| format!("Failed to find the DynamoDB table {table}"))?;
                }
                Ok(Services {
                    store: Arc::new(ItemStore::new(Arc::new(DynamoDbItems::new(
                        client,
                        table.clone(),
                    )))),
                    mailer: Arc::new(SesMailer::from_conf(&config)),
                    sms: Arc::new(SnsSmsSender::from_conf(&config)),
                    outbox: None,
                })
            }
        }
    }

    /// The store alone (portal-admin needs nothing else).
    pub async fn open_store(&self) -> anyhow::Result<Arc<dyn Store>> {
        match self {
            Backend::Embedded { data_dir } => Ok(Arc::new(embedded::open_store(data_dir).await?)),
            Backend::Aws { .. } => Ok(self.open().await?.store),
        }
    }

    pub fn describe(&self) -> String {
        match self {
            Backend::Embedded { data_dir } => format!(
                "embedded storage in {dir}, emails and SMS to {dir}/outbox",
                dir = data_dir.display()
            ),
            Backend::Aws {
                table,
                endpoint: Some(e),
            } => {
                format!("DynamoDB table {table}, SES and SNS at {e}")
            }
            Backend::Aws {
                table,
                endpoint: None,
            } => {
                format!("DynamoDB table {table}, SES and SNS on AWS")
            }
        }
    }
}

/// The SDK configuration for every client. With an endpoint (moto) a region and placeholder
/// credentials are filled in when the environment has none, since such endpoints ignore them.
pub async fn sdk_config(endpoint: Option<&str>) -> SdkConfig {
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
    loader.load().await
}

pub async fn dynamodb_client(endpoint: Option<&str>) -> aws_sdk_dynamodb::Client {
    aws_sdk_dynamodb::Client::new(&sdk_config(endpoint).await)
}
