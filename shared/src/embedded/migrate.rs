//! The JSON file the embedded store kept before the SQLite database (`store.json`), read with
//! its own types and moved into the database once: every record becomes the items the store
//! writes for it today, all in one transaction, and the file is renamed `store.json.migrated`
//! so it is never read again (and kept, in case).

use std::{collections::BTreeMap, path::Path};

use anyhow::Context;
use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::sqlite_items::SqliteItems;
use crate::{
    domain::{
        Account, ApiKeyRecord, Customer, CustomerId, Invitation, InvitationId, SessionRecord,
        StaffId, StaffMember, Subject, Tenant, TenantId, TokenRecord,
    },
    items::Item,
    ports::{StoredResponse, TemplateOverride},
    store::import,
};

/// The old store's file in the data directory, and its name once migrated.
pub const JSON_STORE: &str = "store.json";
pub const JSON_STORE_MIGRATED: &str = "store.json.migrated";

/// Every record of the old store.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Data {
    tenants: BTreeMap<TenantId, Tenant>,
    /// By key hash, as the DynamoDB table keys them.
    api_keys: BTreeMap<String, ApiKeyRecord>,
    customers: BTreeMap<TenantId, BTreeMap<CustomerId, Customer>>,
    /// Normalized login email to the customer or staff user that owns it.
    logins: BTreeMap<String, LoginClaim>,
    #[serde(default)]
    staff: BTreeMap<TenantId, BTreeMap<StaffId, StaffMember>>,
    #[serde(default)]
    invitations: BTreeMap<InvitationId, Invitation>,
    /// By token hash.
    #[serde(default)]
    tokens: BTreeMap<String, TokenRecord>,
    /// By tenant, then `{channel}#{language}`.
    #[serde(default)]
    templates: BTreeMap<TenantId, BTreeMap<String, TemplateOverride>>,
    /// By `{tenant}#{key}`.
    #[serde(default)]
    idempotency: BTreeMap<String, IdempotencyRecord>,
    /// By `{tenant}#{subject}`.
    #[serde(default)]
    accounts: BTreeMap<String, Account>,
    /// By session token hash.
    #[serde(default)]
    sessions: BTreeMap<String, SessionRecord>,
    /// By `{key}#{window start}`: the count and when to forget it.
    #[serde(default)]
    rates: BTreeMap<String, (u32, DateTime<Utc>)>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct IdempotencyRecord {
    fingerprint: String,
    expires_at: DateTime<Utc>,
    response: Option<StoredResponse>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LoginClaim {
    tenant_id: TenantId,
    subject: Subject,
}

/// Brings a store file written by an older version up to date: accounts, sessions, link
/// tokens and login claims named a `customerId` (and a `role`) before staff users had them
/// name a `subject`, and accounts were kept under `{tenant}#{customer}`.
fn upgrade(value: &mut serde_json::Value) {
    if let Some(accounts) = value.get_mut("accounts").and_then(|a| a.as_object_mut()) {
        let old_keys: Vec<String> = accounts
            .keys()
            .filter(|k| !k.contains('/'))
            .cloned()
            .collect();
        for key in old_keys {
            if let (Some(account), Some((tenant, customer))) =
                (accounts.remove(&key), key.split_once('#'))
            {
                accounts.insert(format!("{tenant}#customer/{customer}"), account);
            }
        }
    }
    for collection in ["accounts", "sessions", "tokens", "logins"] {
        let Some(records) = value.get_mut(collection).and_then(|c| c.as_object_mut()) else {
            continue;
        };
        for record in records.values_mut().filter_map(|r| r.as_object_mut()) {
            if record.contains_key("subject") {
                continue;
            }
            if let Some(customer) = record.remove("customerId") {
                record.remove("role");
                record.insert(
                    "subject".into(),
                    serde_json::json!({"kind": "customer", "id": customer}),
                );
            }
        }
    }
}

/// Reads the old store's file, brought up to date with [`upgrade`].
fn read(file: &Path) -> anyhow::Result<Data> {
    let bytes =
        std::fs::read(file).with_context(|| format!("Failed to open {}", file.display()))?;
    let mut value: serde_json::Value = serde_json::from_slice(&bytes)
        .with_context(|| format!("Failed to read the store in {}", file.display()))?;
    upgrade(&mut value);
    serde_json::from_value(value)
        .with_context(|| format!("Failed to read the store in {}", file.display()))
}

/// Moves the records of `dir`'s old `store.json`, if there is one, into `table` and renames the
/// file. Answers how many items were written (0: nothing to migrate).
pub async fn migrate_json_store(dir: &Path, table: &SqliteItems) -> anyhow::Result<usize> {
    let file = dir.join(JSON_STORE);
    if !file.exists() {
        return Ok(0);
    }
    let items = items_of(read(&file)?)
        .with_context(|| format!("Failed to convert the records of {}", file.display()))?;
    let count = items.len();
    table.put_all(items).await.with_context(|| {
        format!(
            "Failed to move the records of {} into the database",
            file.display()
        )
    })?;
    match std::fs::rename(&file, dir.join(JSON_STORE_MIGRATED)) {
        Ok(()) => Ok(count),
        // Another process (portal-admin next to portal-local) migrated it at the same moment:
        // the same records, written twice.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(count),
        Err(e) => Err(e).with_context(|| format!("Failed to rename {}", file.display())),
    }
}

/// The items the store writes for every record of the old file.
fn items_of(data: Data) -> anyhow::Result<Vec<Item>> {
    let mut items = Vec::new();
    for tenant in data.tenants.values() {
        items.push(import::tenant_item(tenant)?);
        items.push(import::host_claim(tenant));
    }
    for key in data.api_keys.values() {
        items.push(import::api_key_item(key)?);
    }
    for customer in data.customers.values().flat_map(BTreeMap::values) {
        items.push(import::customer_item(customer)?);
    }
    for (email, claim) in &data.logins {
        items.push(import::login_claim_item(
            email,
            claim.tenant_id,
            claim.subject,
        ));
    }
    for member in data.staff.values().flat_map(BTreeMap::values) {
        items.push(import::staff_item(member)?);
    }
    for invitation in data.invitations.values() {
        items.push(import::invitation_item(invitation)?);
    }
    for token in data.tokens.values() {
        items.push(import::token_item(token)?);
    }
    for (tenant, templates) in &data.templates {
        for template in templates.values() {
            items.push(import::template_item(*tenant, template)?);
        }
    }
    for (id, record) in &data.idempotency {
        let (tenant, key) = id
            .split_once('#')
            .with_context(|| format!("An idempotency record's id {id} lacks its tenant"))?;
        let tenant: TenantId = tenant
            .parse()
            .with_context(|| format!("An idempotency record's id {id} names no tenant"))?;
        items.push(import::idempotency_item(
            tenant,
            key,
            &record.fingerprint,
            record.expires_at,
            record.response.as_ref(),
        )?);
    }
    for account in data.accounts.values() {
        items.push(import::account_item(account)?);
    }
    for session in data.sessions.values() {
        items.push(import::session_item(session)?);
    }
    for (id, (count, forget_at)) in &data.rates {
        let (key, window) = id
            .rsplit_once('#')
            .with_context(|| format!("A rate counter's id {id} lacks its window"))?;
        let window_start = window
            .parse()
            .ok()
            .and_then(|s| DateTime::<Utc>::from_timestamp(s, 0))
            .with_context(|| format!("A rate counter's id {id} has no window start"))?;
        items.push(import::rate_item(key, window_start, *count, *forget_at));
    }
    Ok(items)
}
