//! What the forms function is configured with and what its handlers may touch.

use std::sync::Arc;

use portal::ports::SystemClock;

use portal::{
    AppState,
    aws::{
        Sdk,
        config::{ConfigError, TableName},
    },
    ports::{
        AccountStore, ApiKeyStore, Clock, CustomerStore, FormEntryStore, FormStore, Mailer,
        RateLimitStore, SessionStore, TenantStore,
    },
};

use crate::turnstile::{HumanCheck, SITEVERIFY_URL, Turnstile};

/// The function's settings, read once per cold start.
#[derive(Debug, Clone)]
pub struct Config {
    pub table: TableName,
    /// Where Turnstile tokens are verified (`TURNSTILE_VERIFY_URL`; Cloudflare's by default).
    pub turnstile_url: String,
}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        Ok(Self {
            table: TableName::from_env()?,
            turnstile_url: std::env::var("TURNSTILE_VERIFY_URL")
                .ok()
                .filter(|u| !u.trim().is_empty())
                .unwrap_or_else(|| SITEVERIFY_URL.to_owned()),
        })
    }
}

/// The ports the form routes use: the forms and their entries, the customers they belong
/// to, the rate counters of the intake, the mailer of its notifications, the Turnstile
/// check, and what authenticating staff and customers reads.
#[derive(Clone)]
pub struct FormsState {
    pub forms: Arc<dyn FormStore>,
    pub entries: Arc<dyn FormEntryStore>,
    pub customers: Arc<dyn CustomerStore>,
    pub tenants: Arc<dyn TenantStore>,
    pub rate_limits: Arc<dyn RateLimitStore>,
    pub api_keys: Arc<dyn ApiKeyStore>,
    pub sessions: Arc<dyn SessionStore>,
    pub accounts: Arc<dyn AccountStore>,
    pub clock: Arc<dyn Clock>,
    pub mailer: Arc<dyn Mailer>,
    pub human_check: Arc<dyn HumanCheck>,
}

portal::provide_ports!(FormsState {
    sessions,
    api_keys,
    tenants
});

impl FormsState {
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
            forms: store.clone(),
            entries: store.clone(),
            customers: store.clone(),
            tenants: store.clone(),
            rate_limits: store.clone(),
            api_keys: store.clone(),
            sessions: store.clone(),
            accounts: store,
            clock: Arc::new(SystemClock),
            mailer: Arc::new(portal::aws::SesMailer::lazy(sdk)),
            human_check: Arc::new(Turnstile::new(&config.turnstile_url)),
        }
    }

    /// The ports this function uses out of `all`, with `mailer` and `human_check`.
    pub fn new(all: AppState, mailer: Arc<dyn Mailer>, human_check: Arc<dyn HumanCheck>) -> Self {
        Self {
            forms: all.forms,
            entries: all.form_entries,
            customers: all.customers,
            tenants: all.tenants,
            rate_limits: all.rate_limits,
            api_keys: all.api_keys,
            sessions: all.sessions,
            accounts: all.accounts,
            clock: all.clock,
            mailer,
            human_check,
        }
    }
}
