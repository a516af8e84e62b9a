//! The wishes router driven with `oneshot`, no server: status moves, their history and the
//! emails they send, every refusal.

use std::sync::Arc;

use async_trait::async_trait;
use axum::{Router, http::Method};
use chrono::Duration;
use portal::{
    AppState,
    domain::{
        CustomerChanges, CustomerId, Language, NewTenant, OutgoingEmail, ProjectStatus, TenantId,
    },
    embedded::{self, Outbox},
    ports::{DeliveryError, Mailer, Store},
};
use serde_json::{Value, json};
use testkit::{Answer, TestClock};
use wishes::WishesState;

/// An email service that refuses everything.
struct Refusing;

#[async_trait]
impl Mailer for Refusing {
    async fn send_email(&self, _: &OutgoingEmail) -> Result<String, DeliveryError> {
        Err(DeliveryError::Rejected(
            "Email address is not verified".into(),
        ))
    }
}

struct Portal {
    router: Router,
    store: Arc<dyn Store>,
    outbox: Arc<Outbox>,
    clock: Arc<TestClock>,
    tenant: TenantId,
    key: String,
}

fn new_tenant(name: &str) -> NewTenant {
    NewTenant {
        name: name.into(),
        portal_base_url: format!(
            "https://{}.agency.example",
            name.to_lowercase().replace(' ', "-")
        ),
        sender_email: "portal@agency.example".into(),
        default_language: "de".into(),
        tier: "professional".into(),
    }
}

impl Portal {
    async fn new() -> Self {
        Self::with_mailer(None).await
    }

    async fn with_mailer(mailer: Option<Arc<dyn Mailer>>) -> Self {
        let store: Arc<dyn Store> = Arc::new(embedded::in_memory_store());
        let outbox = Arc::new(Outbox::in_memory());
        let clock = Arc::new(TestClock::stopped());
        let mut app = AppState::from_store(store.clone());
        app.clock = clock.clone();
        let agency = testkit::agency(store.as_ref(), &new_tenant("Webagentur Berg"), "crm").await;
        let mailer = mailer.unwrap_or_else(|| outbox.clone());
        Self {
            router: wishes::router(WishesState::new(app, mailer)),
            store,
            outbox,
            clock,
            tenant: agency.tenant.id,
            key: agency.key,
        }
    }

    async fn customer_of(&self, tenant: TenantId, body: Value) -> CustomerId {
        let changes: CustomerChanges = serde_json::from_value(body).unwrap();
        let customer = changes.validate(None).unwrap().into_new_customer(
            CustomerId::new(),
            tenant,
            Language::De,
            self.clock.now_utc(),
        );
        self.store.create_customer(&customer).await.unwrap();
        customer.id
    }

    async fn customer(&self, body: Value) -> CustomerId {
        self.customer_of(self.tenant, body).await
    }

    async fn call(&self, method: Method, uri: &str, body: Option<Value>) -> Answer {
        self.call_with(method, uri, body, &[]).await
    }

    async fn call_with(
        &self,
        method: Method,
        uri: &str,
        body: Option<Value>,
        extra: &[(&str, &str)],
    ) -> Answer {
        let auth = format!("Bearer {}", self.key);
        let mut headers = vec![("authorization", auth.as_str())];
        headers.extend_from_slice(extra);
        let answer = testkit::oneshot(
            &self.router,
            method,
            uri,
            body.map(|b| ("application/json", b.to_string())),
            &headers,
        )
        .await;
        if !answer.status.is_success() {
            assert_eq!(
                answer.headers["content-type"], "application/problem+json",
                "{}",
                answer.text
            );
        }
        answer
    }

    async fn move_to(&self, id: CustomerId, status: &str) -> Answer {
        self.call(
            Method::PUT,
            &format!("/customers/{id}/status"),
            Some(json!({ "status": status })),
        )
        .await
    }

    async fn history(&self, id: CustomerId) -> Value {
        let answer = self
            .call(Method::GET, &format!("/customers/{id}/status"), None)
            .await;
        assert_eq!(answer.status, 200, "{}", answer.text);
        answer.json()
    }

    fn emails(&self) -> Vec<portal::embedded::OutboxMessage> {
        self.outbox.messages().unwrap()
    }
}

trait NowUtc {
    fn now_utc(&self) -> chrono::DateTime<chrono::Utc>;
}

impl NowUtc for TestClock {
    fn now_utc(&self) -> chrono::DateTime<chrono::Utc> {
        portal::ports::Clock::now(self)
    }
}

#[tokio::test]
async fn a_move_to_feedback_is_recorded_and_emails_the_customer_in_their_language() {
    let portal = Portal::new().await;
    let id = portal
        .customer(json!({
            "companyName": "Boulangerie Soleil",
            "loginEmail": "marie@soleil.example",
            "language": "fr"
        }))
        .await;
    portal.clock.advance(Duration::hours(3));
    let at = portal.clock.now_utc();

    let moved = portal.move_to(id, "feedback").await;

    assert_eq!(moved.status, 200, "{}", moved.text);
    let body = moved.json();
    assert_eq!(body["status"], "feedback");
    assert_eq!(body["version"], 2);
    assert_eq!(moved.headers["etag"], "\"2\"");
    assert_eq!(body["notification"], "sent");
    assert_eq!(body["change"]["from"], "preparation");
    assert_eq!(body["change"]["to"], "feedback");
    assert_eq!(body["change"]["by"]["kind"], "apiKey");
    let history = portal.history(id).await;
    assert_eq!(history["status"], "feedback");
    let items = history["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0], body["change"]);
    assert_eq!(
        items[0]["at"]
            .as_str()
            .unwrap()
            .parse::<chrono::DateTime<chrono::Utc>>()
            .unwrap(),
        at
    );
    let emails = portal.emails();
    assert_eq!(emails.len(), 1);
    let email = &emails[0];
    assert_eq!(email.to, "marie@soleil.example");
    assert_eq!(
        email.from.as_deref(),
        Some("\"Webagentur Berg\" <portal@agency.example>")
    );
    assert_eq!(
        email.subject.as_deref(),
        Some("Un aperçu de votre site web attend vos retours")
    );
    assert!(email.text.contains("Boulangerie Soleil"), "{}", email.text);
    assert!(
        email
            .text
            .contains("\nhttps://webagentur-berg.agency.example/feedback\n"),
        "{}",
        email.text
    );
}

#[tokio::test]
async fn going_online_leads_to_the_start_page_and_other_moves_email_nobody() {
    let portal = Portal::new().await;
    let id = portal
        .customer(json!({"companyName": "Bäckerei Sonne", "loginEmail": "anna@sonne.example"}))
        .await;
    for (status, notification) in [
        ("design", "not-needed"),
        ("launch", "not-needed"),
        ("paused", "not-needed"),
        ("online", "sent"),
        ("preparation", "not-needed"),
    ] {
        portal.clock.advance(Duration::minutes(1));
        let moved = portal.move_to(id, status).await;
        assert_eq!(moved.status, 200, "{status}: {}", moved.text);
        assert_eq!(moved.json()["notification"], notification, "{status}");
    }
    let emails = portal.emails();
    assert_eq!(emails.len(), 1, "only going online is told");
    assert_eq!(
        emails[0].subject.as_deref(),
        Some("Ihre Website ist online")
    );
    assert!(
        emails[0]
            .text
            .contains("https://webagentur-berg.agency.example/start\n")
    );
    let history = portal.history(id).await;
    let moves: Vec<(&str, &str)> = history["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["from"].as_str().unwrap(), c["to"].as_str().unwrap()))
        .collect();
    assert_eq!(
        moves,
        [
            ("online", "preparation"),
            ("paused", "online"),
            ("launch", "paused"),
            ("design", "launch"),
            ("preparation", "design"),
        ],
        "newest first"
    );
    assert_eq!(history["version"], 6);
}

#[tokio::test]
async fn moving_to_the_status_it_has_writes_and_sends_nothing() {
    let portal = Portal::new().await;
    let id = portal
        .customer(json!({"companyName": "A", "loginEmail": "a@a.example", "status": "feedback"}))
        .await;

    let again = portal.move_to(id, "feedback").await;

    assert_eq!(again.status, 200);
    let body = again.json();
    assert_eq!(body["change"], Value::Null);
    assert_eq!(body["notification"], "not-needed");
    assert_eq!(body["version"], 1);
    assert!(portal.emails().is_empty());
    assert_eq!(portal.history(id).await["items"], json!([]));
}

#[tokio::test]
async fn of_concurrent_moves_to_feedback_one_is_recorded_and_one_email_goes_out() {
    let portal = Arc::new(Portal::new().await);
    let id = portal
        .customer(json!({"companyName": "A", "loginEmail": "a@a.example"}))
        .await;
    let handles: Vec<_> = (0..8)
        .map(|_| {
            let portal = portal.clone();
            tokio::spawn(async move { portal.move_to(id, "feedback").await })
        })
        .collect();
    let mut changed = 0;
    for handle in handles {
        let answer = handle.await.unwrap();
        assert_eq!(answer.status, 200, "{}", answer.text);
        if !answer.json()["change"].is_null() {
            changed += 1;
        }
    }
    assert_eq!(changed, 1);
    assert_eq!(portal.emails().len(), 1);
    assert_eq!(
        portal.history(id).await["items"].as_array().unwrap().len(),
        1
    );
}

#[tokio::test]
async fn a_customer_without_login_email_is_moved_but_not_emailed() {
    let portal = Portal::new().await;
    let id = portal.customer(json!({"companyName": "A"})).await;
    let moved = portal.move_to(id, "online").await;
    assert_eq!(moved.status, 200);
    assert_eq!(moved.json()["notification"], "no-login-email");
    assert!(portal.emails().is_empty());
}

#[tokio::test]
async fn a_refused_email_leaves_the_move_made_and_says_so() {
    let portal = Portal::with_mailer(Some(Arc::new(Refusing))).await;
    let id = portal
        .customer(json!({"companyName": "A", "loginEmail": "a@a.example"}))
        .await;
    let moved = portal.move_to(id, "feedback").await;
    assert_eq!(moved.status, 200);
    assert_eq!(moved.json()["notification"], "failed");
    assert_eq!(portal.history(id).await["status"], "feedback");
}

#[tokio::test]
async fn a_stale_if_match_gets_412_and_changes_nothing() {
    let portal = Portal::new().await;
    let id = portal
        .customer(json!({"companyName": "A", "loginEmail": "a@a.example"}))
        .await;
    assert_eq!(portal.move_to(id, "design").await.status, 200);

    let stale = portal
        .call_with(
            Method::PUT,
            &format!("/customers/{id}/status"),
            Some(json!({"status": "feedback"})),
            &[("if-match", "\"1\"")],
        )
        .await;
    assert_eq!(stale.status, 412);
    let current = portal
        .call_with(
            Method::PUT,
            &format!("/customers/{id}/status"),
            Some(json!({"status": "feedback"})),
            &[("if-match", "\"2\"")],
        )
        .await;
    assert_eq!(current.status, 200, "{}", current.text);
    assert_eq!(
        portal.history(id).await["items"].as_array().unwrap().len(),
        2
    );
    assert_eq!(portal.emails().len(), 1, "only the accepted move is told");
}

#[tokio::test]
async fn bad_requests_are_refused_naming_the_problem() {
    let portal = Portal::new().await;
    let id = portal.customer(json!({"companyName": "A"})).await;
    let path = format!("/customers/{id}/status");
    for (body, field, code) in [
        (json!({"status": "finished"}), "status", "status-unknown"),
        (json!({"status": ""}), "status", "empty"),
        (json!({}), "status", "required"),
        (json!({"status": 3}), "status", "invalid"),
        (
            json!({"status": "design", "by": "someone"}),
            "by",
            "invalid",
        ),
    ] {
        let answer = portal.call(Method::PUT, &path, Some(body.clone())).await;
        assert_eq!(answer.status, 422, "{body}: {}", answer.text);
        let problem = answer.json();
        assert_eq!(problem["errors"][0]["field"], field, "{body}: {problem}");
        if code != "invalid" {
            assert_eq!(problem["errors"][0]["code"], code, "{body}");
        }
    }
    for bad in ["not-an-id", "01ARZ3NDEKTSV4RRFFQ69G5FA%00"] {
        let answer = portal
            .call(
                Method::PUT,
                &format!("/customers/{bad}/status"),
                Some(json!({"status": "design"})),
            )
            .await;
        assert_eq!(answer.status, 400, "{bad}: {}", answer.text);
        assert_eq!(answer.json()["errors"][0]["field"], "customerId");
    }
    let stale_header = portal
        .call_with(
            Method::PUT,
            &path,
            Some(json!({"status": "design"})),
            &[("if-match", "\"1")],
        )
        .await;
    assert_eq!(stale_header.status, 400);
    let unknown = portal.move_to(CustomerId::new(), "design").await;
    assert_eq!(unknown.status, 404);
    assert_eq!(portal.history(id).await["items"], json!([]));
}

#[tokio::test]
async fn another_agencys_customer_can_be_neither_moved_nor_read() {
    let portal = Portal::new().await;
    let other = testkit::agency(portal.store.as_ref(), &new_tenant("Other Agency"), "x").await;
    let theirs = portal
        .customer_of(
            other.tenant.id,
            json!({"companyName": "Theirs", "loginEmail": "t@theirs.example"}),
        )
        .await;

    let moved = portal.move_to(theirs, "feedback").await;
    let read = portal
        .call(Method::GET, &format!("/customers/{theirs}/status"), None)
        .await;

    assert_eq!(moved.status, 404);
    assert_eq!(read.status, 404);
    let stored = portal
        .store
        .get_customer(other.tenant.id, theirs)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.status, ProjectStatus::Preparation);
    assert!(portal.emails().is_empty());
}

#[tokio::test]
async fn without_a_key_nothing_is_answered() {
    let portal = Portal::new().await;
    let id = portal.customer(json!({"companyName": "A"})).await;
    for (method, body) in [
        (Method::GET, None),
        (Method::PUT, Some(json!({"status": "design"}).to_string())),
    ] {
        let answer = testkit::oneshot(
            &portal.router,
            method,
            &format!("/customers/{id}/status"),
            body.map(|b| ("application/json", b)),
            &[],
        )
        .await;
        assert_eq!(answer.status, 401);
    }
    let revoked_key = testkit::oneshot(
        &portal.router,
        Method::GET,
        &format!("/customers/{id}/status"),
        None,
        &[("authorization", "Bearer ptk_not-a-real-key")],
    )
    .await;
    assert_eq!(revoked_key.status, 401);
}

#[tokio::test]
async fn without_a_session_the_home_and_start_page_send_to_login() {
    let portal = Portal::new().await;
    for path in ["/", "/start"] {
        let answer = testkit::oneshot(&portal.router, Method::GET, path, None, &[]).await;
        assert_eq!(answer.status, 303, "{path}");
        assert_eq!(answer.headers["location"], "/login?next=/start", "{path}");
    }
    let json = testkit::oneshot(&portal.router, Method::GET, "/me/start", None, &[]).await;
    assert_eq!(json.status, 401);
    assert_eq!(json.headers["content-type"], "application/problem+json");
    // An agency's API key is no customer's session.
    let with_key = portal.call(Method::GET, "/me/start", None).await;
    assert_eq!(with_key.status, 401);
}

#[tokio::test]
async fn the_agency_sets_its_logo_and_colour_and_bad_ones_are_named() {
    let portal = Portal::new().await;
    let empty = portal.call(Method::GET, "/branding", None).await;
    assert_eq!(empty.status, 200);
    assert_eq!(empty.json(), json!({"logoUrl": null, "colour": null}));

    let saved = portal
        .call(
            Method::PUT,
            "/branding",
            Some(json!({"logoUrl": "https://cdn.berg.example/logo.svg", "colour": "#C81E1E"})),
        )
        .await;
    assert_eq!(saved.status, 200, "{}", saved.text);
    assert_eq!(
        saved.json(),
        json!({"logoUrl": "https://cdn.berg.example/logo.svg", "colour": "#c81e1e"})
    );
    let stored = portal
        .store
        .get_tenant(portal.tenant)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.branding.colour.unwrap().as_str(), "#c81e1e");

    let bad = portal
        .call(
            Method::PUT,
            "/branding",
            Some(json!({"logoUrl": "javascript:alert(1)", "colour": "red;}body{x"})),
        )
        .await;
    assert_eq!(bad.status, 422);
    let fields: Vec<String> = bad.json()["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(fields, ["logoUrl", "colour"]);
    let unknown = portal
        .call(
            Method::PUT,
            "/branding",
            Some(json!({"font": "Comic Sans"})),
        )
        .await;
    assert_eq!(unknown.status, 422);

    let cleared = portal
        .call(Method::PUT, "/branding", Some(json!({"colour": ""})))
        .await;
    assert_eq!(cleared.json(), json!({"logoUrl": null, "colour": null}));
    let anonymous = testkit::oneshot(&portal.router, Method::GET, "/branding", None, &[]).await;
    assert_eq!(anonymous.status, 401);
}
