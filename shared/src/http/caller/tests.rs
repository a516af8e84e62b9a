use std::sync::{
    Arc,
    atomic::{AtomicUsize, Ordering},
};

use async_trait::async_trait;

use axum::{
    extract::FromRequestParts,
    http::{Method, Request, header},
};
use chrono::{Duration, Utc};

use super::*;
use crate::{
    domain::TokenHash,
    domain::{
        Account, ApiKeyId, ApiKeyRecord, ApiKeySecret, CustomerChanges, Language, LinkToken,
        NewTenant, SessionRecord, StaffId, TokenPurpose, TokenRecord,
    },
    embedded::in_memory_store,
    http::session::{self, CSRF_HEADER},
    ports::{Redemption, SessionStore, Store, StoreError},
    state::AppState,
};

const REQUIRED: &str = "is required: name the customer whose things these are";

/// One agency with an API key and a customer who is logged in, and a customer of another
/// agency.
struct World {
    state: AppState,
    tenant: TenantId,
    key: String,
    customer: CustomerId,
    /// The customer's session token and its CSRF token.
    session: String,
    csrf: String,
    stranger: CustomerId,
}

async fn world() -> World {
    let store: Arc<dyn Store> = Arc::new(in_memory_store());
    let tenant = agency(&*store, "berg").await;
    let other = agency(&*store, "nord").await;
    let secret = ApiKeySecret::generate().unwrap();
    store
        .create_api_key(&ApiKeyRecord {
            id: ApiKeyId::new(),
            tenant_id: tenant,
            label: "CRM".into(),
            hash: secret.hash(),
            prefix: secret.display_prefix(),
            created_at: Utc::now(),
            revoked_at: None,
        })
        .await
        .unwrap();
    let customer = new_customer(&*store, tenant, "anna@schmidt.example").await;
    let stranger = new_customer(&*store, other, "ben@nord.example").await;
    let (session, record) = log_in(&*store, tenant, customer).await;
    World {
        state: AppState::from_store(store),
        tenant,
        key: secret.expose().to_owned(),
        customer,
        session,
        csrf: record.csrf,
        stranger,
    }
}

/// An agency whose portal is at `kunden.<name>.example` (each its own host).
async fn agency(store: &dyn Store, name: &str) -> TenantId {
    let tenant = NewTenant {
        name: format!("Agentur {name}"),
        portal_base_url: format!("https://kunden.{name}.example"),
        sender_email: format!("portal@{name}.example"),
        default_language: "de".into(),
        tier: "starter".into(),
    }
    .validate(Utc::now())
    .unwrap();
    store.create_tenant(&tenant).await.unwrap();
    tenant.id
}

async fn new_customer(store: &dyn Store, tenant: TenantId, email: &str) -> CustomerId {
    let changes: CustomerChanges = serde_json::from_value(serde_json::json!({
        "companyName": "Bäckerei Schmidt",
        "loginEmail": email,
        "language": "de",
    }))
    .unwrap();
    let customer = changes.validate(None).unwrap().into_new_customer(
        CustomerId::new(),
        tenant,
        Language::De,
        Utc::now(),
    );
    store.create_customer(&customer).await.unwrap();
    customer.id
}

/// The customer's first password, as an invitation link sets it: their session's token.
async fn log_in(
    store: &dyn Store,
    tenant: TenantId,
    customer: CustomerId,
) -> (String, SessionRecord) {
    let now = Utc::now();
    let link = LinkToken::generate().unwrap();
    let token = TokenRecord {
        hash: link.hash(),
        purpose: TokenPurpose::Invitation,
        tenant_id: tenant,
        subject: Subject::Customer(customer),
        invitation_id: None,
        sent_to: None,
        account_epoch: None,
        created_at: now,
        expires_at: now + Duration::days(1),
        voided: None,
        used_at: None,
    };
    store.put_token(&token).await.unwrap();
    let account = account(tenant, Subject::Customer(customer));
    let (bearer, record) = session::start(&account, now).unwrap();
    store
        .redeem(&Redemption {
            token: &token,
            now,
            account: &account,
            previous_account: None,
            invitation: None,
            session: &record,
            activates: true,
        })
        .await
        .unwrap();
    (bearer.expose().to_owned(), record)
}

fn account(tenant: TenantId, subject: Subject) -> Account {
    Account {
        tenant_id: tenant,
        subject,
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$aGFzaA".into(),
        password_changed_at: Utc::now(),
        session_epoch: 1,
        created_at: Utc::now(),
        version: 1,
    }
}

async fn caller(
    world: &World,
    method: Method,
    headers: &[(&str, &str)],
) -> Result<Caller, ApiError> {
    let mut request = Request::builder().method(method).uri("/things");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let (mut parts, ()) = request.body(()).unwrap().into_parts();
    Caller::from_request_parts(&mut parts, &world.state).await
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

fn cookie(token: &str) -> String {
    format!("{}={token}", session::COOKIE)
}

#[tokio::test]
async fn an_api_key_is_staff_of_its_agency() {
    let world = world().await;
    let caller = caller(
        &world,
        Method::POST,
        &[("authorization", &bearer(&world.key))],
    )
    .await
    .unwrap();
    assert!(caller.is_staff());
    assert_eq!(caller.tenant(), world.tenant);
    assert!(matches!(caller.actor(), Actor::ApiKey { .. }));
}

#[tokio::test]
async fn a_customer_by_bearer_is_the_customer_and_needs_no_csrf_token() {
    let world = world().await;
    let caller = caller(
        &world,
        Method::POST,
        &[("authorization", &bearer(&world.session))],
    )
    .await
    .unwrap();
    assert!(!caller.is_staff());
    assert_eq!(caller.tenant(), world.tenant);
    assert_eq!(caller.actor(), Actor::Customer);
    assert!(matches!(caller, Caller::Customer { customer, .. } if customer == world.customer));
}

#[tokio::test]
async fn a_customer_by_cookie_reads_without_the_csrf_header() {
    let world = world().await;
    for method in [Method::GET, Method::HEAD, Method::OPTIONS] {
        let caller = caller(&world, method, &[("cookie", &cookie(&world.session))]).await;
        assert!(matches!(caller, Ok(Caller::Customer { .. })));
    }
}

#[tokio::test]
async fn a_customer_changing_something_by_cookie_must_send_the_csrf_header() {
    let world = world().await;
    let session = cookie(&world.session);
    let form = "application/x-www-form-urlencoded";
    // A same-site form post carries no header; these routes read no token in a body.
    let refused: [&[(&str, &str)]; 4] = [
        &[("cookie", &session)],
        &[("cookie", &session), ("content-type", form)],
        &[("cookie", &session), ("content-type", "application/json")],
        &[("cookie", &session), (CSRF_HEADER, "not-the-token")],
    ];
    for method in [Method::POST, Method::PUT, Method::PATCH, Method::DELETE] {
        for headers in refused {
            let answer = caller(&world, method.clone(), headers).await;
            assert!(
                matches!(answer, Err(ApiError::CsrfTokenInvalid)),
                "{method} {headers:?}: {answer:?}"
            );
        }
        let sent = [("cookie", session.as_str()), (CSRF_HEADER, &world.csrf)];
        assert!(matches!(
            caller(&world, method, &sent).await,
            Ok(Caller::Customer { .. })
        ));
    }
}

#[tokio::test]
async fn no_credentials_or_a_made_up_token_is_401() {
    let world = world().await;
    let made_up = bearer("ptk_made-up");
    let unknown = cookie("no-such-session");
    for headers in [
        vec![],
        vec![("authorization", made_up.as_str())],
        vec![("cookie", unknown.as_str())],
        vec![(header::AUTHORIZATION.as_str(), "Bearer ")],
    ] {
        let answer = caller(&world, Method::GET, &headers).await;
        assert!(
            matches!(answer, Err(ApiError::Unauthorized(_))),
            "{headers:?}: {answer:?}"
        );
    }
}

#[tokio::test]
async fn staff_must_name_a_customer_of_their_agency() {
    let world = world().await;
    let staff = caller(
        &world,
        Method::GET,
        &[("authorization", &bearer(&world.key))],
    )
    .await
    .unwrap();
    let customers = &*world.state.customers;
    let own = world.customer.to_string();
    assert_eq!(
        staff
            .customer_id(customers, Some(&own), REQUIRED)
            .await
            .unwrap(),
        world.customer
    );
    assert_eq!(
        staff
            .customer(customers, Some(&own), REQUIRED)
            .await
            .unwrap()
            .id,
        world.customer
    );
    match staff.customer_id(customers, None, REQUIRED).await {
        Err(ApiError::InvalidParameter { field, message }) => {
            assert_eq!((field.as_str(), message.as_str()), ("customerId", REQUIRED));
        }
        other => panic!("{other:?}"),
    }
    // Another agency's customer is not found, as one that never existed.
    for named in [world.stranger, CustomerId::new()] {
        let named = named.to_string();
        for answer in [
            staff
                .customer_id(customers, Some(&named), REQUIRED)
                .await
                .err(),
            staff
                .customer(customers, Some(&named), REQUIRED)
                .await
                .err(),
        ] {
            assert!(
                matches!(answer, Some(ApiError::NotFound("customer"))),
                "{answer:?}"
            );
        }
    }
}

#[tokio::test]
async fn a_customer_may_name_only_themself() {
    let world = world().await;
    let customer = caller(
        &world,
        Method::GET,
        &[("authorization", &bearer(&world.session))],
    )
    .await
    .unwrap();
    let customers = &*world.state.customers;
    let own = world.customer.to_string();
    for named in [None, Some(own.as_str())] {
        assert_eq!(
            customer
                .customer_id(customers, named, REQUIRED)
                .await
                .unwrap(),
            world.customer
        );
        assert_eq!(
            customer
                .customer(customers, named, REQUIRED)
                .await
                .unwrap()
                .id,
            world.customer
        );
    }
    let stranger = world.stranger.to_string();
    let answer = customer
        .customer_id(customers, Some(&stranger), REQUIRED)
        .await;
    assert!(
        matches!(answer, Err(ApiError::NotFound("customer"))),
        "{answer:?}"
    );
}

#[tokio::test]
async fn a_customer_id_that_is_not_one_is_400_naming_the_parameter() {
    let world = world().await;
    let customers = &*world.state.customers;
    let staff = Caller::Staff(StaffAuth {
        tenant_id: world.tenant,
        actor: Actor::System,
    });
    let customer = Caller::Customer {
        tenant: world.tenant,
        customer: world.customer,
    };
    for caller in [staff, customer] {
        for named in [
            "",
            "x",
            "01ARZ3NDEKTSV4RRFFQ69G5FAVé",
            "../01ARZ3NDEKTSV4RRFFQ69G5FAV",
        ] {
            let answer = caller.customer_id(customers, Some(named), REQUIRED).await;
            assert!(
                matches!(&answer, Err(ApiError::InvalidParameter { field, .. }) if field == "customerId"),
                "{named:?}: {answer:?}"
            );
        }
    }
}

#[test]
fn staff_reach_their_agency_and_a_customer_only_themself() {
    let (tenant, other) = (TenantId::new(), TenantId::new());
    let (own, another) = (CustomerId::new(), CustomerId::new());
    let staff = Caller::Staff(StaffAuth {
        tenant_id: tenant,
        actor: Actor::System,
    });
    let customer = Caller::Customer {
        tenant,
        customer: own,
    };
    assert!(staff.reaches(tenant, own) && staff.reaches(tenant, another));
    assert!(!staff.reaches(other, own));
    assert!(customer.reaches(tenant, own));
    assert!(!customer.reaches(tenant, another) && !customer.reaches(other, own));
}

#[test]
fn a_page_session_is_the_staff_user_or_the_customer() {
    let tenant = TenantId::new();
    let (customer, staff) = (CustomerId::new(), StaffId::new());
    let session = |subject| {
        let account = account(tenant, subject);
        let (_, record) = session::start(&account, Utc::now()).unwrap();
        UserSession::new(record, account, true)
    };
    assert!(matches!(
        Caller::of_session(&session(Subject::Customer(customer))),
        Caller::Customer { tenant: t, customer: c } if t == tenant && c == customer
    ));
    let caller = Caller::of_session(&session(Subject::Staff(staff)));
    assert_eq!(caller.tenant(), tenant);
    assert_eq!(caller.actor(), Actor::Staff { id: staff });
}

/// The sessions of a store, counting the reads.
struct CountedSessions {
    store: Arc<dyn SessionStore>,
    reads: AtomicUsize,
}

#[async_trait]
impl SessionStore for CountedSessions {
    async fn put_session(&self, session: &SessionRecord) -> Result<(), StoreError> {
        self.store.put_session(session).await
    }
    async fn get_session(&self, hash: &TokenHash) -> Result<Option<SessionRecord>, StoreError> {
        self.reads.fetch_add(1, Ordering::SeqCst);
        self.store.get_session(hash).await
    }
    async fn touch_session(
        &self,
        hash: &TokenHash,
        at: chrono::DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.store.touch_session(hash, at).await
    }
    async fn delete_session(&self, hash: &TokenHash) -> Result<(), StoreError> {
        self.store.delete_session(hash).await
    }
}

#[tokio::test]
async fn a_customers_session_is_read_once_per_request() {
    let mut world = world().await;
    let counted = Arc::new(CountedSessions {
        store: world.state.sessions.clone(),
        reads: AtomicUsize::new(0),
    });
    world.state.sessions = counted.clone();
    let session = cookie(&world.session);
    let headers = [("cookie", session.as_str()), (CSRF_HEADER, &world.csrf)];
    assert!(matches!(
        caller(&world, Method::POST, &headers).await,
        Ok(Caller::Customer { .. })
    ));
    assert_eq!(counted.reads.load(Ordering::SeqCst), 1);
}
