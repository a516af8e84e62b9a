//! The demo agency a first local start creates, so a new user can try the API at once.

use std::path::Path;

use anyhow::Context;
use portal::{domain::NewTenant, ports::Store};

use crate::admin;

pub const KEY_FILE: &str = "demo-api-key.txt";

pub struct Demo {
    pub tenant_name: String,
    pub api_key: String,
    pub created: bool,
}

/// Creates the demo agency and its API key when the store has no tenant yet. The key is also
/// written to the data directory so later starts can show it again (local use only).
pub async fn ensure(
    store: &dyn Store,
    data_dir: &Path,
    base_url: &str,
) -> anyhow::Result<Option<Demo>> {
    let key_file = data_dir.join(KEY_FILE);
    let tenants = store.list_tenants().await?;
    if let Some(tenant) = tenants.first() {
        return Ok(std::fs::read_to_string(&key_file).ok().map(|key| Demo {
            tenant_name: tenant.name.clone(),
            api_key: key.trim().to_owned(),
            created: false,
        }));
    }
    let tenant = admin::create_tenant(
        store,
        &NewTenant {
            name: "Demo Agency".into(),
            portal_base_url: base_url.into(),
            sender_email: "portal@demo-agency.example".into(),
            default_language: "en".into(),
            tier: "professional".into(),
        },
    )
    .await?;
    let (_, secret) = admin::create_api_key(store, tenant.id, "demo key").await?;
    std::fs::create_dir_all(data_dir)?;
    std::fs::write(&key_file, format!("{}\n", secret.expose()))
        .with_context(|| format!("Failed to write {}", key_file.display()))?;
    Ok(Some(Demo {
        tenant_name: tenant.name,
        api_key: secret.expose().to_owned(),
        created: true,
    }))
}
