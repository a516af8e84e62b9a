//! What the forms function is configured with and what its handlers may touch.

use std::sync::Arc;

use portal::{
    AppState,
    aws::config::{self, ConfigError, TableName},
    ports::{
        AccountStore, ApiKeyStore, Clock, CustomerStore, FormEntryStore, FormStore, SessionStore,
        TenantStore,
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

/// The ports the form routes use: the forms and their entries, the customers they belong
/// to, and what authenticating staff and customers reads.
#[derive(Clone)]
pub struct FormsState {
    pub forms: Arc<dyn FormStore>,
    pub entries: Arc<dyn FormEntryStore>,
    pub customers: Arc<dyn CustomerStore>,
    pub tenants: Arc<dyn TenantStore>,
    pub api_keys: Arc<dyn ApiKeyStore>,
    pub sessions: Arc<dyn SessionStore>,
    pub accounts: Arc<dyn AccountStore>,
    pub clock: Arc<dyn Clock>,
}

portal::provide_ports!(FormsState {
    sessions,
    api_keys,
    tenants
});

impl FormsState {
    /// The DynamoDB client, built once per cold start.
    pub async fn connect(config: &Config) -> Self {
        let sdk = config::load(None).await;
        AppState::from_store(portal::aws::dynamodb_store(&sdk, &config.table)).into()
    }
}

impl From<AppState> for FormsState {
    fn from(all: AppState) -> Self {
        Self {
            forms: all.forms,
            entries: all.form_entries,
            customers: all.customers,
            tenants: all.tenants,
            api_keys: all.api_keys,
            sessions: all.sessions,
            accounts: all.accounts,
            clock: all.clock,
        }
    }
}
