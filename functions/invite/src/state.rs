//! What the invite function is configured with and what its handlers may touch.

use std::sync::Arc;

use portal::ports::SystemClock;

use portal::{
    AppState,
    aws::{
        Sdk,
        config::{ConfigError, TableName},
    },
    ports::{
        AccountStore, ApiKeyStore, Clock, CustomerStore, IdempotencyStore, InvitationStore, Mailer,
        SessionStore, SmsSender, StaffStore, TemplateStore, TenantStore,
    },
};

/// The function's settings, read once per cold start. Messages go out from each agency's
/// own sender address and name, so there is no sender setting here.
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

/// The ports the invitation and staff routes use: the customers invited, their invitations,
/// the agency's wording and settings, its staff users, the idempotency keys of the routes
/// that send, what authenticating staff reads, and the two ways a message goes out.
#[derive(Clone)]
pub struct InviteState {
    pub tenants: Arc<dyn TenantStore>,
    pub customers: Arc<dyn CustomerStore>,
    pub invitations: Arc<dyn InvitationStore>,
    pub templates: Arc<dyn TemplateStore>,
    pub staff: Arc<dyn StaffStore>,
    pub idempotency: Arc<dyn IdempotencyStore>,
    pub api_keys: Arc<dyn ApiKeyStore>,
    pub accounts: Arc<dyn AccountStore>,
    pub sessions: Arc<dyn SessionStore>,
    pub clock: Arc<dyn Clock>,
    pub mailer: Arc<dyn Mailer>,
    pub sms: Arc<dyn SmsSender>,
}

portal::provide_ports!(InviteState {
    sessions,
    api_keys,
    tenants,
    idempotency
});

impl InviteState {
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
            invitations: store.clone(),
            templates: store.clone(),
            staff: store.clone(),
            idempotency: store.clone(),
            api_keys: store.clone(),
            accounts: store.clone(),
            sessions: store,
            clock: Arc::new(SystemClock),
            mailer: Arc::new(portal::aws::SesMailer::lazy(sdk)),
            sms: Arc::new(portal::aws::SnsSmsSender::lazy(sdk)),
        }
    }

    /// The ports this function uses out of `all`, with `mailer` and `sms`.
    pub fn new(all: AppState, mailer: Arc<dyn Mailer>, sms: Arc<dyn SmsSender>) -> Self {
        Self {
            tenants: all.tenants,
            customers: all.customers,
            invitations: all.invitations,
            templates: all.templates,
            staff: all.staff,
            idempotency: all.idempotency,
            api_keys: all.api_keys,
            accounts: all.accounts,
            sessions: all.sessions,
            clock: all.clock,
            mailer,
            sms,
        }
    }
}
