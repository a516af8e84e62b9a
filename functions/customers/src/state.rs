//! What the customers function is configured with and what its handlers may touch.

use std::sync::Arc;

use portal::{
    AppState,
    aws::config::{self, ConfigError, TableName},
    ports::{
        AccountStore, ApiKeyStore, Clock, CustomerStore, InvitationStore, SessionStore, TenantStore,
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

/// The ports the customer routes use: their own records, the invitations and accounts a
/// changed login email voids, and what authenticating staff reads.
#[derive(Clone)]
pub struct CustomersState {
    pub customers: Arc<dyn CustomerStore>,
    pub invitations: Arc<dyn InvitationStore>,
    pub accounts: Arc<dyn AccountStore>,
    pub tenants: Arc<dyn TenantStore>,
    pub api_keys: Arc<dyn ApiKeyStore>,
    pub sessions: Arc<dyn SessionStore>,
    pub clock: Arc<dyn Clock>,
}

portal::provide_ports!(CustomersState {
    sessions,
    api_keys,
    tenants
});

impl CustomersState {
    /// The DynamoDB client, built once per cold start.
    pub async fn connect(config: &Config) -> Self {
        let sdk = config::load(None).await;
        AppState::from_store(portal::aws::dynamodb_store(&sdk, &config.table)).into()
    }
}

impl From<AppState> for CustomersState {
    fn from(all: AppState) -> Self {
        Self {
            customers: all.customers,
            invitations: all.invitations,
            accounts: all.accounts,
            tenants: all.tenants,
            api_keys: all.api_keys,
            sessions: all.sessions,
            clock: all.clock,
        }
    }
}
