//! An existing data directory from before the embedded database: its `store.json` moves into
//! the database on first start, every record reading back as it was.

use chrono::{TimeZone, Utc};
use portal::{
    domain::{
        Account, ApiKeyRecord, ApiKeySecret, Customer, Email, Invitation, SessionRecord,
        StaffMember, Subject, Tenant, TenantId, TokenRecord,
    },
    embedded::{
        self,
        migrate::{JSON_STORE, JSON_STORE_MIGRATED},
    },
    ports::{
        AccountStore, ApiKeyStore, CustomerStore, IdempotencyStart, IdempotencyStore,
        InvitationStore, RateLimitStore, SessionStore, StaffStore, TemplateOverride, TemplateStore,
        TenantStore,
    },
};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Written through its ports by the old JSON store, `EmbeddedStore` (`shared/src/embedded/store.rs`,
/// last present in commit e8f4fbe): an agency with an API key, a customer who accepted an invitation (an
/// account, a session, a used link token), one without a login, a password-reset token, a
/// staff user with an open invitation, an email template, a finished idempotent request and a
/// rate counter at 2.
const FIXTURE: &str = include_str!("../fixtures/store.json");
const API_KEY_SECRET: &str = "ptk_pqs15Ot95pxVWnQD9JA4g9TwqI45joC4DT4rTdgzjkA";

/// The records of one collection of the old file (`path` leads to nested maps).
fn records<T: DeserializeOwned>(old: &Value, collection: &str, nested: bool) -> Vec<T> {
    let values: Vec<&Value> = match &old[collection] {
        Value::Object(map) if nested => map
            .values()
            .flat_map(|inner| inner.as_object().into_iter().flat_map(|m| m.values()))
            .collect(),
        Value::Object(map) => map.values().collect(),
        other => panic!("{collection} is {other}"),
    };
    values
        .into_iter()
        .map(|v| serde_json::from_value(v.clone()).expect("an old record reads"))
        .collect()
}

#[tokio::test]
async fn an_old_json_store_moves_into_the_database_on_first_start() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(JSON_STORE), FIXTURE).unwrap();
    let old: Value = serde_json::from_str(FIXTURE).unwrap();

    let store = embedded::open_store(dir.path())
        .await
        .expect("the store opens");

    assert!(!dir.path().join(JSON_STORE).exists());
    assert!(dir.path().join(JSON_STORE_MIGRATED).exists());
    let tenants: Vec<Tenant> = records(&old, "tenants", false);
    assert_eq!(tenants.len(), 1);
    let tenant = &tenants[0];
    assert_eq!(
        store.get_tenant(tenant.id).await.unwrap().as_ref(),
        Some(tenant)
    );
    assert_eq!(store.list_tenants().await.unwrap(), tenants);
    let host = tenant.portal_base_url.host();
    assert_eq!(
        store.find_tenant_by_host(host).await.unwrap().as_ref(),
        Some(tenant)
    );

    let keys: Vec<ApiKeyRecord> = records(&old, "apiKeys", false);
    let hash = ApiKeySecret::from_presented(API_KEY_SECRET).hash();
    assert_eq!(
        store.find_api_key(&hash).await.unwrap().as_ref(),
        keys.first()
    );
    assert_eq!(store.list_api_keys(tenant.id).await.unwrap(), keys);

    let customers: Vec<Customer> = records(&old, "customers", true);
    assert_eq!(customers.len(), 2);
    for c in &customers {
        assert_eq!(
            store
                .get_customer(c.tenant_id, c.id)
                .await
                .unwrap()
                .as_ref(),
            Some(c)
        );
    }
    assert_eq!(
        store
            .list_customers(tenant.id, None, 10)
            .await
            .unwrap()
            .items,
        customers
    );
    for (email, claim) in old["logins"].as_object().unwrap() {
        let owner = store
            .find_login(&Email::parse(email).unwrap())
            .await
            .unwrap()
            .expect("the login email still leads to its owner");
        assert_eq!(
            owner.tenant_id,
            serde_json::from_value::<TenantId>(claim["tenantId"].clone()).unwrap()
        );
        assert_eq!(
            owner.subject,
            serde_json::from_value::<Subject>(claim["subject"].clone()).unwrap()
        );
    }
    assert_eq!(old["logins"].as_object().unwrap().len(), 2);

    let staff: Vec<StaffMember> = records(&old, "staff", true);
    assert_eq!(store.list_staff(tenant.id).await.unwrap(), staff);
    let invitations: Vec<Invitation> = records(&old, "invitations", false);
    for i in &invitations {
        let listed = store
            .list_invitations(i.tenant_id, i.customer_id)
            .await
            .unwrap();
        assert_eq!(listed, vec![i.clone()]);
    }
    let tokens: Vec<TokenRecord> = records(&old, "tokens", false);
    assert_eq!(tokens.len(), 3);
    for t in &tokens {
        assert_eq!(store.find_token(&t.hash).await.unwrap().as_ref(), Some(t));
    }
    let templates: Vec<TemplateOverride> = records(&old, "templates", true);
    assert_eq!(store.list_templates(tenant.id).await.unwrap(), templates);
    for a in records::<Account>(&old, "accounts", false) {
        assert_eq!(
            store.get_account(a.tenant_id, a.subject).await.unwrap(),
            Some(a)
        );
    }
    for s in records::<SessionRecord>(&old, "sessions", false) {
        assert_eq!(store.get_session(&s.hash).await.unwrap(), Some(s));
    }

    let stored = &old["idempotency"][format!("{}#retry-1", tenant.id)];
    let now = Utc.with_ymd_and_hms(2026, 11, 21, 0, 0, 0).unwrap();
    let replay = store
        .begin_request(tenant.id, "retry-1", "fp-1", now, now)
        .await
        .unwrap();
    assert_eq!(
        replay,
        IdempotencyStart::Replay(serde_json::from_value(stored["response"].clone()).unwrap())
    );
    let window = Utc.with_ymd_and_hms(2026, 11, 20, 9, 15, 0).unwrap();
    let rate_key = "login-account#anna@baeckerei.example";
    assert_eq!(store.count(rate_key, window).await.unwrap(), 2);
}

#[tokio::test]
async fn a_migrated_directory_is_not_migrated_again() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(JSON_STORE), FIXTURE).unwrap();
    let store = embedded::open_store(dir.path()).await.unwrap();
    let old: Value = serde_json::from_str(FIXTURE).unwrap();
    let mut tenant: Tenant = records(&old, "tenants", false).remove(0);
    tenant.name = "Agentur Neu".into();
    store.update_tenant(&tenant).await.unwrap();
    drop(store);

    let reopened = embedded::open_store(dir.path()).await.unwrap();

    assert_eq!(reopened.get_tenant(tenant.id).await.unwrap(), Some(tenant));
}

/// A data directory written before staff users existed: accounts, sessions, link tokens and
/// login claims named a `customerId`, and accounts were kept under `{tenant}#{customer}`.
#[tokio::test]
async fn a_store_from_before_staff_users_still_migrates() {
    let dir = tempfile::tempdir().unwrap();
    let tenant = TenantId::new();
    let customer = "01M81YS23FQ9J6HMRJ4528QWJM";
    let legacy = serde_json::json!({
        "tenants": {},
        "apiKeys": {},
        "customers": {},
        "logins": {"anna@baeckerei.example": {"tenantId": tenant, "customerId": customer}},
        "accounts": {format!("{tenant}#{customer}"): {
            "tenantId": tenant, "customerId": customer, "role": "customer",
            "passwordHash": "$argon2id$v=19$m=19456,t=2,p=1$x$y",
            "passwordChangedAt": "2026-11-01T10:00:00Z", "sessionEpoch": 1,
            "createdAt": "2026-11-01T10:00:00Z", "version": 1
        }},
    });
    std::fs::write(
        dir.path().join(JSON_STORE),
        serde_json::to_vec(&legacy).unwrap(),
    )
    .unwrap();

    let store = embedded::open_store(dir.path())
        .await
        .expect("the old file opens");

    let owner = store
        .find_login(&Email::parse("anna@baeckerei.example").unwrap())
        .await
        .unwrap()
        .unwrap();
    let subject = Subject::Customer(customer.parse().unwrap());
    assert_eq!(owner.subject, subject);
    let account = store.get_account(tenant, subject).await.unwrap().unwrap();
    assert_eq!(account.subject, subject);
    assert_eq!(account.session_epoch, 1);
    assert!(
        store
            .list_customers(tenant, None, 10)
            .await
            .unwrap()
            .items
            .is_empty()
    );
}
