//! What the wishes function is configured with and what its handlers may touch.

use std::sync::Arc;

use portal::ports::SystemClock;

use portal::{
    AppState,
    aws::{
        Sdk,
        config::{ConfigError, TableName},
    },
    ports::{
        AccountStore, ApiKeyStore, Clock, CustomerStore, FileRecordStore, Mailer, SessionStore,
        StatusStore, TenantStore, WishesStore,
    },
    start::{FeedbackArea, FilesArea, FormsArea, Waiting},
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

/// The ports the project routes use: the customer and its status history, the agency (name,
/// sender, portal address) for the emails, what authenticating staff reads, the mailer, and
/// what the start page asks the areas (the brief; the files; the forms and their entries; the
/// feedback).
#[derive(Clone)]
pub struct WishesState {
    pub customers: Arc<dyn CustomerStore>,
    pub status: Arc<dyn StatusStore>,
    pub wishes: Arc<dyn WishesStore>,
    /// Read only: a brief's logo must name one of the customer's available images, and the
    /// export shows a logo whose file has gone as missing.
    pub files: Arc<dyn FileRecordStore>,
    pub tenants: Arc<dyn TenantStore>,
    pub api_keys: Arc<dyn ApiKeyStore>,
    pub accounts: Arc<dyn AccountStore>,
    pub sessions: Arc<dyn SessionStore>,
    pub clock: Arc<dyn Clock>,
    pub mailer: Arc<dyn Mailer>,
    /// What the start page asks each area: does something wait for the customer?
    pub waiting: Waiting,
}

portal::provide_ports!(WishesState {
    sessions,
    api_keys,
    tenants
});

impl WishesState {
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
        let clock: Arc<dyn portal::ports::Clock> = Arc::new(SystemClock);
        Self {
            customers: store.clone(),
            status: store.clone(),
            wishes: store.clone(),
            files: store.clone(),
            tenants: store.clone(),
            api_keys: store.clone(),
            accounts: store.clone(),
            sessions: store.clone(),
            clock: clock.clone(),
            mailer: Arc::new(portal::aws::SesMailer::lazy(sdk)),
            waiting: Waiting {
                wishes: Some(Arc::new(crate::brief::BriefWaits(store.clone()))),
                files: Some(Arc::new(FilesArea {
                    files: store.clone(),
                })),
                form_entries: Some(Arc::new(FormsArea {
                    forms: store.clone(),
                    entries: store.clone(),
                    clock,
                })),
                feedback: Some(Arc::new(FeedbackArea { feedback: store })),
            },
        }
    }

    /// The ports this function uses out of `all`, with `mailer`.
    pub fn new(all: AppState, mailer: Arc<dyn Mailer>) -> Self {
        Self {
            customers: all.customers,
            status: all.status,
            wishes: all.wishes.clone(),
            files: all.files.clone(),
            tenants: all.tenants,
            api_keys: all.api_keys,
            accounts: all.accounts,
            sessions: all.sessions,
            clock: all.clock.clone(),
            mailer,
            waiting: Waiting {
                wishes: Some(Arc::new(crate::brief::BriefWaits(all.wishes))),
                files: Some(Arc::new(FilesArea { files: all.files })),
                form_entries: Some(Arc::new(FormsArea {
                    forms: all.forms,
                    entries: all.form_entries,
                    clock: all.clock,
                })),
                feedback: Some(Arc::new(FeedbackArea {
                    feedback: all.feedback,
                })),
            },
        }
    }
}
