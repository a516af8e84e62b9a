use std::{path::PathBuf, sync::Arc};

use anyhow::Context;
use portal::{
    AppState,
    aws::{
        S3FileStore, SesMailer, SnsSmsSender,
        config::{self, TableName},
        dynamodb_store, dynamodb_table,
    },
    embedded::{self, LocalFileStore, Outbox},
    ports::{FileStore, Mailer, SmsSender, Store},
};

/// Where the local twin's file links point until the runner knows its own address
/// ([`Services::with_local_files`]).
pub const DEFAULT_FILES_BASE: &str = "http://127.0.0.1:3000";
/// The bucket the runner uses with `--endpoint-url` or `--aws`, unless `FILES_BUCKET` says.
pub const DEFAULT_BUCKET: &str = "portal-local-files";

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
    /// Where customers' files are: S3, or the local twin.
    pub files: Arc<dyn FileStore>,
    /// The local twin, when files are kept locally: the runner serves its upload and
    /// download routes.
    pub local_files: Option<Arc<LocalFileStore>>,
}

impl Services {
    /// Embedded storage and an outbox, all in memory (tests).
    pub fn in_memory() -> Self {
        let outbox = Arc::new(Outbox::in_memory());
        let files = Arc::new(LocalFileStore::in_memory(default_files_base()));
        Self {
            store: Arc::new(embedded::in_memory_store()),
            mailer: outbox.clone(),
            sms: outbox.clone(),
            outbox: Some(outbox),
            files: files.clone(),
            local_files: Some(files),
        }
    }

    /// Files kept by the local twin `files` instead (built on the runner's own address, once
    /// it listens).
    pub fn with_local_files(mut self, files: LocalFileStore) -> Self {
        let files = Arc::new(files);
        self.files = files.clone();
        self.local_files = Some(files);
        self
    }

    /// Every port, for the local runner to narrow into each function's state.
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
                let files = Arc::new(LocalFileStore::open(data_dir, default_files_base())?);
                Ok(Services {
                    store: Arc::new(embedded::open_store(data_dir).await?),
                    mailer: outbox.clone(),
                    sms: outbox.clone(),
                    outbox: Some(outbox),
                    files: files.clone(),
                    local_files: Some(files),
                })
            }
            Backend::Aws { table, endpoint } => {
                let table = TableName::parse(table)
                    .map_err(|reason| anyhow::anyhow!("--table {table}: {reason}"))?;
                let config = config::load(endpoint.as_deref()).await;
                let client = aws_sdk_dynamodb::Client::new(&config);
                if endpoint.is_some() {
                    dynamodb_table::ensure_table(&client, table.as_str()).await?;
                } else {
                    client
                        .describe_table()
                        .table_name(table.as_str())
                        .send()
                        .await
                        .with_context(|| format!("Failed to find the DynamoDB table {table}"))?;
                }
                let bucket = std::env::var("FILES_BUCKET")
                    .ok()
                    .filter(|b| !b.trim().is_empty())
                    .unwrap_or_else(|| DEFAULT_BUCKET.to_owned());
                if endpoint.is_some() {
                    ensure_bucket(&config, &bucket).await?;
                }
                Ok(Services {
                    store: dynamodb_store(&config, &table),
                    mailer: Arc::new(SesMailer::from_conf(&config)),
                    sms: Arc::new(SnsSmsSender::from_conf(&config)),
                    outbox: None,
                    files: Arc::new(S3FileStore::from_conf(&config, bucket)),
                    local_files: None,
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

fn default_files_base() -> url::Url {
    url::Url::parse(DEFAULT_FILES_BASE).expect("a valid URL")
}

/// Creates the bucket on a local endpoint (moto) if it isn't there.
async fn ensure_bucket(config: &aws_config::SdkConfig, bucket: &str) -> anyhow::Result<()> {
    let client = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(config)
            .force_path_style(true)
            .build(),
    );
    if client.head_bucket().bucket(bucket).send().await.is_ok() {
        return Ok(());
    }
    client
        .create_bucket()
        .bucket(bucket)
        .send()
        .await
        .with_context(|| format!("Failed to create the bucket {bucket}"))?;
    Ok(())
}

/// A DynamoDB client on the one SDK configuration ([`config::load`]) every function uses.
pub async fn dynamodb_client(endpoint: Option<&str>) -> aws_sdk_dynamodb::Client {
    aws_sdk_dynamodb::Client::new(&config::load(endpoint).await)
}
