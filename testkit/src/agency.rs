use chrono::Utc;
use portal::{
    domain::{ApiKeyId, ApiKeyRecord, ApiKeySecret, NewTenant, Tenant},
    ports::Store,
};

/// An agency (tenant) in a store and the plaintext of one API key for it.
pub struct Agency {
    pub tenant: Tenant,
    pub key: String,
}

/// Creates `tenant` in `store` with an API key labelled `label`. Goes straight to the store
/// port, so it works on every store a test runs on; a test that needs the admin tool's
/// checks calls the admin tool instead.
pub async fn agency(store: &dyn Store, tenant: &NewTenant, label: &str) -> Agency {
    let tenant = tenant.validate(Utc::now()).expect("a valid tenant");
    store
        .create_tenant(&tenant)
        .await
        .expect("the tenant is created");
    let secret = ApiKeySecret::generate().expect("randomness for the key");
    store
        .create_api_key(&ApiKeyRecord {
            id: ApiKeyId::new(),
            tenant_id: tenant.id,
            label: label.into(),
            hash: secret.hash(),
            prefix: secret.display_prefix(),
            created_at: Utc::now(),
            revoked_at: None,
        })
        .await
        .expect("the key is created");
    Agency {
        key: secret.expose().to_owned(),
        tenant,
    }
}
