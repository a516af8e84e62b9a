use std::sync::Arc;

use crate::ports::{
    AccountStore, ApiKeyStore, Clock, CustomerStore, IdempotencyStore, InvitationStore,
    RateLimitStore, SessionStore, StaffStore, Store, SystemClock, TemplateStore, TenantStore,
};

/// Built once per cold start and shared by every request.
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
            staff: store,
            clock: Arc::new(SystemClock),
        }
    }
}
