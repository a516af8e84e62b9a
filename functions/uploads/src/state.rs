//! What the uploads function is configured with and what its handlers may touch.

use std::sync::Arc;

use portal::ports::SystemClock;

use portal::{
    AppState,
    aws::{
        S3FileStore, Sdk,
        config::{self, ConfigError, TableName},
    },
    ports::{
        AccountStore, ApiKeyStore, Clock, CustomerStore, FileRecordStore, FileStore, SessionStore,
        StaffStore, TenantStore,
    },
};

/// The variable the function reads its bucket from (template.yaml sets it).
pub const FILES_BUCKET: &str = "FILES_BUCKET";

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
            bucket: config::required(FILES_BUCKET, "the S3 bucket customers' files are kept in")?,
        })
    }
}

/// The ports the file routes use: the file records, the bytes in the file store, the
/// customers staff act for, and what authenticating a customer or staff reads.
#[derive(Clone)]
pub struct UploadsState {
    pub files: Arc<dyn FileRecordStore>,
    pub objects: Arc<dyn FileStore>,
    pub customers: Arc<dyn CustomerStore>,
    pub tenants: Arc<dyn TenantStore>,
    pub api_keys: Arc<dyn ApiKeyStore>,
    pub sessions: Arc<dyn SessionStore>,
    pub accounts: Arc<dyn AccountStore>,
    /// The staff user looking at a customer's files page (their language).
    pub staff: Arc<dyn StaffStore>,
    pub clock: Arc<dyn Clock>,
}

portal::provide_ports!(UploadsState {
    sessions,
    api_keys,
    tenants
});

impl UploadsState {
    /// The AWS adapters over one SDK configuration, which is loaded and whose clients are
    /// built when a request first needs them: a request that calls no AWS service never pays
    /// for them.
    pub fn connect(config: &Config) -> Self {
        Self::on(config, &Sdk::lazy(None))
    }

    /// [`Self::connect`] over `sdk`.
    pub fn on(config: &Config, sdk: &Sdk) -> Self {
        let objects = Arc::new(S3FileStore::lazy(sdk, config.bucket.clone()));
        // Each port straight from the store, not through `AppState`, which would link the
        // store code of the ports this function never uses (issue 14).
        let store = portal::aws::dynamodb_item_store_lazy(sdk, &config.table);
        Self {
            files: store.clone(),
            objects,
            customers: store.clone(),
            tenants: store.clone(),
            api_keys: store.clone(),
            sessions: store.clone(),
            accounts: store.clone(),
            staff: store,
            clock: Arc::new(SystemClock),
        }
    }

    /// Every store from `all`, the bytes in `objects`.
    pub fn new(all: AppState, objects: Arc<dyn FileStore>) -> Self {
        Self {
            files: all.files,
            objects,
            customers: all.customers,
            tenants: all.tenants,
            api_keys: all.api_keys,
            sessions: all.sessions,
            accounts: all.accounts,
            staff: all.staff,
            clock: all.clock,
        }
    }
}
