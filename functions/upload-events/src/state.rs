//! What the upload-events function is configured with and what it touches.

use std::sync::Arc;

use portal::{
    AppState,
    aws::{
        S3FileStore,
        config::{self, ConfigError, TableName},
    },
    ports::{Clock, FileRecordStore, FileStore},
};

/// The function's settings, read once per cold start.
#[derive(Debug, Clone)]
pub struct Config {
    pub table: TableName,
    pub bucket: String,
}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        Ok(Self {
            table: TableName::from_env()?,
            bucket: config::required("FILES_BUCKET", "the S3 bucket customers' files are kept in")?,
        })
    }
}

/// The file records and the bytes: all the handler touches.
#[derive(Clone)]
pub struct EventsState {
    pub files: Arc<dyn FileRecordStore>,
    pub objects: Arc<dyn FileStore>,
    pub clock: Arc<dyn Clock>,
}

impl EventsState {
    /// The DynamoDB and S3 clients, built once per cold start.
    pub async fn connect(config: &Config) -> Self {
        let sdk = config::load(None).await;
        let objects = Arc::new(S3FileStore::from_conf(&sdk, config.bucket.clone()));
        Self::new(
            AppState::from_store(portal::aws::dynamodb_store(&sdk, &config.table)),
            objects,
        )
    }

    pub fn new(all: AppState, objects: Arc<dyn FileStore>) -> Self {
        Self {
            files: all.files,
            objects,
            clock: all.clock,
        }
    }
}
