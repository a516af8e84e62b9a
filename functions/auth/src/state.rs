//! What the auth function is configured with and what its handlers may touch.

use std::sync::Arc;

use portal::ports::SystemClock;

use portal::{
    AppState,
    aws::{
        Sdk,
        config::{ConfigError, TableName},
    },
    ports::{
        AccountStore, Clock, CustomerStore, InvitationStore, Mailer, RateLimitStore, SessionStore,
        StaffStore, TenantStore,
    },
};

/// The function's settings, read once per cold start. Emails go out from each agency's own
/// sender address, so there is no sender setting here.
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

/// The ports the account routes use: accounts and sessions, the links that set a password,
/// the customer or staff record an account belongs to, the login rate limits, and the
/// mailer for password-reset emails. No API keys: staff use this function as users.
#[derive(Clone)]
pub struct AuthState {
    pub tenants: Arc<dyn TenantStore>,
    pub customers: Arc<dyn CustomerStore>,
    pub staff: Arc<dyn StaffStore>,
    pub invitations: Arc<dyn InvitationStore>,
    pub accounts: Arc<dyn AccountStore>,
    pub sessions: Arc<dyn SessionStore>,
    pub rate_limits: Arc<dyn RateLimitStore>,
    pub clock: Arc<dyn Clock>,
    pub mailer: Arc<dyn Mailer>,
}

portal::provide_ports!(AuthState { sessions, tenants });

impl AuthState {
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
            tenants: store.clone(),
            customers: store.clone(),
            staff: store.clone(),
            invitations: store.clone(),
            accounts: store.clone(),
            sessions: store.clone(),
            rate_limits: store,
            clock: Arc::new(SystemClock),
            mailer: Arc::new(portal::aws::SesMailer::lazy(sdk)),
        }
    }

    /// The ports this function uses out of `all`, and `mailer`.
    pub fn new(all: AppState, mailer: Arc<dyn Mailer>) -> Self {
        Self {
            tenants: all.tenants,
            customers: all.customers,
            staff: all.staff,
            invitations: all.invitations,
            accounts: all.accounts,
            sessions: all.sessions,
            rate_limits: all.rate_limits,
            clock: all.clock,
            mailer,
        }
    }
}
