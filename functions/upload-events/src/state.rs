//! What the upload-events function is configured with and what it touches.

use std::sync::Arc;

use portal::ports::SystemClock;

use portal::{
    AppState,
    aws::{
        S3FileStore, Sdk,
        config::{self, ConfigError, TableName},
    },
    ports::{Clock, CustomerStore, FileRecordStore, FileStore, Mailer, TenantStore},
};

/// The function's settings, read once per cold start.
#[derive(Debug, Clone)]
pub struct Config {
    pub table: TableName,
    pub bucket: String,
    /// `MALWARE_SCANNING=on` (template.yaml's switch): files wait for GuardDuty's verdict.
    pub scanning: bool,
}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        Ok(Self {
            table: TableName::from_env()?,
            bucket: config::required("FILES_BUCKET", "the S3 bucket customers' files are kept in")?,
            scanning: match std::env::var("MALWARE_SCANNING").as_deref() {
                Ok("on") => true,
                Ok("off") | Err(std::env::VarError::NotPresent) => false,
                Ok(_) | Err(_) => {
                    return Err(ConfigError::Invalid {
                        name: "MALWARE_SCANNING",
                        reason: "it is on or off",
                    });
                }
            },
        })
    }
}

/// The file records and the bytes the handler checks; the agency, the customer and the
/// mailer the notices go out with.
#[derive(Clone)]
pub struct EventsState {
    pub files: Arc<dyn FileRecordStore>,
    pub objects: Arc<dyn FileStore>,
    pub tenants: Arc<dyn TenantStore>,
    pub customers: Arc<dyn CustomerStore>,
    pub mailer: Arc<dyn Mailer>,
    pub clock: Arc<dyn Clock>,
    /// Whether a checked file waits for the malware scan (`awaiting-scan`).
    pub scanning: bool,
}

impl EventsState {
    /// The AWS adapters over one SDK configuration, which is loaded and whose clients are
    /// built when a request first needs them: a request that calls no AWS service never pays
    /// for them.
    pub fn connect(config: &Config) -> Self {
        Self::on(config, &Sdk::lazy(None))
    }

    /// [`Self::connect`] over `sdk`.
    pub fn on(config: &Config, sdk: &Sdk) -> Self {
        let objects = Arc::new(S3FileStore::lazy(sdk, config.bucket.clone()));
        let mailer = Arc::new(portal::aws::SesMailer::lazy(sdk));
        // Each port straight from the store, not through `AppState`, which would link the
        // store code of the ports this function never uses (issue 14).
        let store = portal::aws::dynamodb_item_store_lazy(sdk, &config.table);
        Self {
            files: store.clone(),
            objects,
            tenants: store.clone(),
            customers: store,
            mailer,
            clock: Arc::new(SystemClock),
            scanning: config.scanning,
        }
    }

    pub fn new(all: AppState, objects: Arc<dyn FileStore>, mailer: Arc<dyn Mailer>) -> Self {
        Self {
            files: all.files,
            objects,
            tenants: all.tenants,
            customers: all.customers,
            mailer,
            clock: all.clock,
            scanning: false,
        }
    }
}
