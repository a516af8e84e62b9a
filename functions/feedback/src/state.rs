//! What the feedback function is configured with and what its handlers may touch.

use std::sync::Arc;

use portal::ports::SystemClock;

use portal::{
    AppState,
    aws::{
        Sdk,
        config::{ConfigError, TableName},
    },
    ports::{
        AccountStore, ApiKeyStore, Clock, CustomerStore, FeedbackStore, FileRecordStore, Mailer,
        SessionStore, StaffStore, TenantStore,
    },
};

/// The function's settings, read once per cold start.
#[derive(Debug, Clone)]
pub struct Config {
    pub table: TableName,
}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        Ok(Self {
            table: TableName::from_env()?,
        })
    }
}

/// The ports the feedback routes use: the feedback itself, the customers it belongs to, the
/// files an item may attach, the staff users who reply (their names), what authenticating
/// staff and customers reads, and the mailer of the batched notices.
#[derive(Clone)]
pub struct FeedbackState {
    pub feedback: Arc<dyn FeedbackStore>,
    pub files: Arc<dyn FileRecordStore>,
    pub staff: Arc<dyn StaffStore>,
    pub customers: Arc<dyn CustomerStore>,
    pub tenants: Arc<dyn TenantStore>,
    pub api_keys: Arc<dyn ApiKeyStore>,
    pub accounts: Arc<dyn AccountStore>,
    pub sessions: Arc<dyn SessionStore>,
    pub clock: Arc<dyn Clock>,
    pub mailer: Arc<dyn Mailer>,
}

portal::provide_ports!(FeedbackState {
    sessions,
    api_keys,
    tenants
});

impl FeedbackState {
    /// The AWS adapters over one SDK configuration, which is loaded and whose clients are
    /// built when a request first needs them: a request that calls no AWS service never pays
    /// for them.
    pub fn connect(config: &Config) -> Self {
        Self::on(config, &Sdk::lazy(None))
    }

    /// [`Self::connect`] over `sdk`.
    pub fn on(config: &Config, sdk: &Sdk) -> Self {
        // Each port straight from the store, not through `AppState`, which would link the
        // store code of the ports this function never uses (issue 14).
        let store = portal::aws::dynamodb_item_store_lazy(sdk, &config.table);
        Self {
            feedback: store.clone(),
            files: store.clone(),
            staff: store.clone(),
            customers: store.clone(),
            tenants: store.clone(),
            api_keys: store.clone(),
            accounts: store.clone(),
            sessions: store,
            clock: Arc::new(SystemClock),
            mailer: Arc::new(portal::aws::SesMailer::lazy(sdk)),
        }
    }

    /// The ports this function uses out of `all`, with `mailer`.
    pub fn new(all: AppState, mailer: Arc<dyn Mailer>) -> Self {
        Self {
            feedback: all.feedback,
            files: all.files,
            staff: all.staff,
            customers: all.customers,
            tenants: all.tenants,
            api_keys: all.api_keys,
            accounts: all.accounts,
            sessions: all.sessions,
            clock: all.clock,
            mailer,
        }
    }
}
