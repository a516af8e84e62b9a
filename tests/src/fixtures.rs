use std::sync::Arc;

use chrono::Utc;
use portal::{
    domain::{Customer, CustomerChanges, CustomerId, Language, NewTenant, Tenant, TenantId},
    embedded,
    ports::Store,
};

/// The store on an embedded SQLite database in memory.
pub async fn embedded_store() -> Arc<dyn Store> {
    Arc::new(embedded::in_memory_store())
}

/// The store on an embedded SQLite database in a temporary data directory (kept alive by the
/// returned guard), opened as the local runner opens it.
pub async fn embedded_store_on_disk() -> (Arc<dyn Store>, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let store = embedded::open_store(dir.path())
        .await
        .expect("the store opens");
    (Arc::new(store), dir)
}

pub fn new_tenant(name: &str) -> NewTenant {
    NewTenant {
        name: name.into(),
        // Each agency's portal has an address of its own.
        portal_base_url: format!(
            "https://{}-{}.agency.example",
            name.to_lowercase().replace(' ', "-"),
            ulid::Ulid::new().to_string().to_lowercase()
        ),
        sender_email: "hello@agency.example".into(),
        default_language: "de".into(),
        tier: "professional".into(),
    }
}

pub fn tenant(name: &str) -> Tenant {
    new_tenant(name)
        .validate(Utc::now())
        .expect("a valid tenant")
}

/// A customer of `tenant` built from a JSON body as the API would receive it.
pub fn customer(tenant: TenantId, body: serde_json::Value) -> Customer {
    let changes: CustomerChanges = serde_json::from_value(body).expect("a well-formed body");
    changes
        .validate(None)
        .expect("a valid customer")
        .into_new_customer(CustomerId::new(), tenant, Language::De, Utc::now())
}

/// A unique login email, so tests sharing one moto never collide.
pub fn unique_email(name: &str) -> String {
    format!(
        "{name}-{}@customer.example",
        ulid::Ulid::new().to_string().to_lowercase()
    )
}
