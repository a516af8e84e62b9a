//! State the handlers share. Each function has its own state struct listing only the ports
//! its handlers use; the shared extractors ask for the narrow pieces below through
//! `FromRef`, so a handler's signature shows what it touches and the compiler checks it.

use std::sync::Arc;

use crate::ports::{
    AccountStore, ApiKeyStore, Clock, CustomerStore, FeedbackStore, FileRecordStore,
    FormEntryStore, FormStore, IdempotencyStore, InvitationStore, RateLimitStore, SessionStore,
    StaffStore, StatusStore, Store, SystemClock, TemplateStore, TenantStore, WishesStore,
};

/// Every port on one adapter: what the local runner, `portal-admin` and the tests open
/// first, then narrow with `From` into each function's own state. No handler takes it.
#[derive(Clone)]
pub struct AppState {
    pub tenants: Arc<dyn TenantStore>,
    pub api_keys: Arc<dyn ApiKeyStore>,
    pub customers: Arc<dyn CustomerStore>,
    pub invitations: Arc<dyn InvitationStore>,
    pub templates: Arc<dyn TemplateStore>,
    pub idempotency: Arc<dyn IdempotencyStore>,
    pub accounts: Arc<dyn AccountStore>,
    pub sessions: Arc<dyn SessionStore>,
    pub rate_limits: Arc<dyn RateLimitStore>,
    pub staff: Arc<dyn StaffStore>,
    pub forms: Arc<dyn FormStore>,
    pub form_entries: Arc<dyn FormEntryStore>,
    pub files: Arc<dyn FileRecordStore>,
    pub status: Arc<dyn StatusStore>,
    pub wishes: Arc<dyn WishesStore>,
    pub feedback: Arc<dyn FeedbackStore>,
    pub clock: Arc<dyn Clock>,
}

impl AppState {
    /// Every port served by one store adapter, with the system clock.
    pub fn from_store(store: Arc<dyn Store>) -> Self {
        Self {
            tenants: store.clone(),
            api_keys: store.clone(),
            customers: store.clone(),
            invitations: store.clone(),
            templates: store.clone(),
            idempotency: store.clone(),
            accounts: store.clone(),
            sessions: store.clone(),
            rate_limits: store.clone(),
            staff: store.clone(),
            forms: store.clone(),
            form_entries: store.clone(),
            files: store.clone(),
            status: store.clone(),
            wishes: store.clone(),
            feedback: store,
            clock: Arc::new(SystemClock),
        }
    }
}

/// What checking a session reads ([`crate::http::UserSession`], and
/// [`crate::http::StaffAuth`] for staff users' sessions).
#[derive(Clone)]
pub struct SessionPorts {
    pub sessions: Arc<dyn SessionStore>,
    pub accounts: Arc<dyn AccountStore>,
    pub clock: Arc<dyn Clock>,
}

/// What [`crate::http::idempotency::run_once`] reads and writes.
#[derive(Clone)]
pub struct IdempotencyPorts {
    pub idempotency: Arc<dyn IdempotencyStore>,
    pub clock: Arc<dyn Clock>,
}

/// Lets a function's state hand the shared extractors their pieces: `SessionPorts` and
/// `IdempotencyPorts` from its fields of those names, and single ports (`Arc<dyn
/// ApiKeyStore>` for [`crate::http::StaffAuth`], `Arc<dyn TenantStore>` for
/// [`crate::http::StaffAuth::tenant`]) by field name. Only what is listed is implemented,
/// so a state without, say, an idempotency store cannot run a handler that needs one.
#[macro_export]
macro_rules! provide_ports {
    ($state:ty { $($what:ident),* $(,)? }) => {
        $( $crate::provide_ports!(@one $state, $what); )*
    };
    (@one $state:ty, sessions) => {
        impl ::axum::extract::FromRef<$state> for $crate::state::SessionPorts {
            fn from_ref(state: &$state) -> Self {
                Self {
                    sessions: state.sessions.clone(),
                    accounts: state.accounts.clone(),
                    clock: state.clock.clone(),
                }
            }
        }
    };
    (@one $state:ty, idempotency) => {
        impl ::axum::extract::FromRef<$state> for $crate::state::IdempotencyPorts {
            fn from_ref(state: &$state) -> Self {
                Self {
                    idempotency: state.idempotency.clone(),
                    clock: state.clock.clone(),
                }
            }
        }
    };
    (@one $state:ty, api_keys) => {
        impl ::axum::extract::FromRef<$state>
            for ::std::sync::Arc<dyn $crate::ports::ApiKeyStore>
        {
            fn from_ref(state: &$state) -> Self {
                state.api_keys.clone()
            }
        }
    };
    (@one $state:ty, tenants) => {
        impl ::axum::extract::FromRef<$state>
            for ::std::sync::Arc<dyn $crate::ports::TenantStore>
        {
            fn from_ref(state: &$state) -> Self {
                state.tenants.clone()
            }
        }
    };
}

provide_ports!(AppState {
    sessions,
    idempotency,
    api_keys,
    tenants
});
