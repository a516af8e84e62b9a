//! The feedback router driven with `oneshot` on the embedded store: the site, "Give
//! feedback", the overlay's token and CORS, items, replies, states, status gating, limits,
//! isolation and the batched notices.

use std::sync::Arc;

use axum::{Router, http::Method};
use chrono::Duration;
use feedback::FeedbackState;
use portal::{
    AppState,
    domain::{
        Actor, CustomerId, FileId, FileRecord, FileState, NewTenant, ObjectKey, ProjectStatus,
        StatusChange, TenantId, Uploader,
    },
    embedded::{self, Outbox},
    ports::{FileCreation, Store},
};
use serde_json::{Value, json};
use testkit::{Answer, TestClock};

const DRAFT: &str = "https://draft.baeckerei.example";
const PAGE: &str = "https://draft.baeckerei.example/about";

struct Portal {
    router: Router,
    state: FeedbackState,
    store: Arc<dyn Store>,
    outbox: Arc<Outbox>,
    clock: Arc<TestClock>,
    tenant: TenantId,
    key: String,
}

/// A customer with a session and the site registered.
struct Customer {
    id: CustomerId,
    session: String,
}

fn new_tenant(name: &str) -> NewTenant {
    NewTenant {
        name: name.into(),
        portal_base_url: format!(
            "https://{}.agency.example",
            name.to_lowercase().replace(' ', "-")
        ),
        sender_email: "portal@agency.example".into(),
        default_language: "en".into(),
        tier: "professional".into(),
    }
}

impl Portal {
    async fn new() -> Self {
        let store: Arc<dyn Store> = Arc::new(embedded::in_memory_store());
        let outbox = Arc::new(Outbox::in_memory());
        let clock = Arc::new(TestClock::stopped());
        let mut app = AppState::from_store(store.clone());
        app.clock = clock.clone();
        let agency = testkit::agency(store.as_ref(), &new_tenant("Webagentur Berg"), "crm").await;
        let state = FeedbackState::new(app, outbox.clone());
        Self {
            router: feedback::router(state.clone()),
            state,
            store,
            outbox,
            clock,
            tenant: agency.tenant.id,
            key: agency.key,
        }
    }

    async fn as_staff(&self, method: Method, uri: &str, body: Option<Value>) -> Answer {
        let auth = format!("Bearer {}", self.key);
        call(&self.router, method, uri, body, &[("authorization", &auth)]).await
    }

    /// A customer in `status` whose draft is `draft`.
    async fn customer(&self, email: &str, status: ProjectStatus, draft: &str) -> Customer {
        let (id, session) =
            testkit::customer_session(self.store.as_ref(), self.tenant, email).await;
        self.set_status(id, status).await;
        let site = self
            .as_staff(
                Method::PUT,
                &format!("/feedback/site?customerId={id}"),
                Some(json!({"draftUrl": draft, "liveUrl": "https://www.baeckerei.example"})),
            )
            .await;
        assert_eq!(site.status, 200, "{}", site.text);
        Customer { id, session }
    }

    async fn set_status(&self, id: CustomerId, status: ProjectStatus) {
        let current = self
            .store
            .get_customer(self.tenant, id)
            .await
            .unwrap()
            .unwrap();
        if let Some((next, change)) =
            StatusChange::of(&current, status, Actor::System, self.clock_now())
        {
            self.store
                .change_status(&current, &next, &change)
                .await
                .unwrap();
        }
    }

    fn clock_now(&self) -> chrono::DateTime<chrono::Utc> {
        use portal::ports::Clock;
        self.clock.now()
    }

    async fn as_customer(
        &self,
        c: &Customer,
        method: Method,
        uri: &str,
        body: Option<Value>,
    ) -> Answer {
        let auth = format!("Bearer {}", c.session);
        call(&self.router, method, uri, body, &[("authorization", &auth)]).await
    }

    /// "Give feedback": the answer, and the token from its fragment.
    async fn open(&self, c: &Customer, form: &str) -> (Answer, Option<String>) {
        let auth = format!("Bearer {}", c.session);
        let answer = testkit::oneshot(
            &self.router,
            Method::POST,
            "/feedback/open",
            Some(("application/x-www-form-urlencoded", form.to_owned())),
            &[("authorization", &auth)],
        )
        .await;
        let token = answer
            .headers
            .get("location")
            .and_then(|l| l.to_str().ok())
            .and_then(|l| l.split_once("#portal-feedback="))
            .map(|(_, rest)| rest.split('&').next().unwrap_or_default().to_owned());
        (answer, token)
    }

    async fn token(&self, c: &Customer) -> String {
        let (answer, token) = self.open(c, "").await;
        assert_eq!(answer.status, 303, "{}", answer.text);
        token.expect("a token in the fragment")
    }

    async fn overlay(
        &self,
        token: &str,
        origin: Option<&str>,
        method: Method,
        uri: &str,
        body: Option<Value>,
    ) -> Answer {
        let auth = format!("Bearer {token}");
        let mut headers = vec![("authorization", auth.as_str())];
        if let Some(origin) = origin {
            headers.push(("origin", origin));
        }
        call(&self.router, method, uri, body, &headers).await
    }

    /// A file of `owner`'s named `name` in `state`, made now by the test clock.
    async fn file(&self, owner: CustomerId, name: &str, state: FileState) -> FileId {
        let id = FileId::new();
        let key = ObjectKey::for_upload(self.tenant, owner, &id.to_string(), "file.pdf").unwrap();
        let file = FileRecord {
            id,
            tenant_id: self.tenant,
            customer_id: owner,
            key,
            name: name.into(),
            folder: String::new(),
            content_type: "application/pdf".into(),
            declared_size: 1234,
            size: Some(1234),
            etag: None,
            state,
            uploaded_by: Uploader::Customer,
            created_at: self.clock_now(),
            uploaded_at: Some(self.clock_now()),
            reason: None,
            multipart: None,
            version: 1,
        };
        assert_eq!(
            self.store.create_file(&file, 1_000_000).await.unwrap(),
            FileCreation::Created
        );
        id
    }

    async fn pin(&self, token: &str, page: &str, comment: &str) -> Answer {
        self.overlay(
            token,
            Some(DRAFT),
            Method::POST,
            "/feedback/overlay/items",
            Some(new_item(page, comment)),
        )
        .await
    }
}

fn new_item(page: &str, comment: &str) -> Value {
    json!({
        "pageUrl": page,
        "selector": "main > h1",
        "snippet": "Willkommen in der\n  Bäckerei",
        "position": {"x": 0.25, "y": 0.5},
        "viewport": {"width": 1280, "height": 800},
        "userAgent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/130",
        "comment": comment,
    })
}

async fn call(
    router: &Router,
    method: Method,
    uri: &str,
    body: Option<Value>,
    headers: &[(&str, &str)],
) -> Answer {
    let answer = testkit::oneshot(
        router,
        method,
        uri,
        body.map(|b| ("application/json", b.to_string())),
        headers,
    )
    .await;
    if answer.status.as_u16() >= 400 {
        assert_eq!(
            answer.headers["content-type"], "application/problem+json",
            "{}",
            answer.text
        );
    }
    answer
}

fn fields(answer: &Answer) -> Vec<String> {
    answer.json()["errors"]
        .as_array()
        .map(|e| {
            e.iter()
                .map(|e| e["field"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn give_feedback_sends_the_customer_to_the_draft_with_a_token_in_the_fragment_only() {
    let portal = Portal::new().await;
    let c = portal
        .customer("a@kunde.example", ProjectStatus::Feedback, DRAFT)
        .await;

    let (answer, token) = portal.open(&c, "").await;

    assert_eq!(answer.status, 303, "{}", answer.text);
    let location = answer.headers["location"].to_str().unwrap();
    assert!(
        location.starts_with("https://draft.baeckerei.example/#portal-feedback="),
        "{location}"
    );
    assert!(!location.contains('?'), "never in the query: {location}");
    assert_eq!(token.unwrap().len(), 43, "256 random bits");
    assert_eq!(answer.headers["cache-control"], "no-store");

    // A page elsewhere is refused: the portal never hands a token to another site.
    let (elsewhere, token) = portal
        .open(&c, "page=https%3A%2F%2Fattacker.example%2F")
        .await;
    assert_eq!(elsewhere.status, 400, "{}", elsewhere.text);
    assert!(token.is_none());
    let (own_page, _) = portal
        .open(&c, "page=https%3A%2F%2Fdraft.baeckerei.example%2Fabout")
        .await;
    assert!(
        own_page.headers["location"]
            .to_str()
            .unwrap()
            .starts_with("https://draft.baeckerei.example/about#portal-feedback=")
    );
}

#[tokio::test]
async fn the_item_lifecycle_with_replies_states_and_who_did_what() {
    let portal = Portal::new().await;
    let c = portal
        .customer("b@kunde.example", ProjectStatus::Feedback, DRAFT)
        .await;
    let token = portal.token(&c).await;

    let session = portal
        .overlay(
            &token,
            Some(DRAFT),
            Method::GET,
            "/feedback/overlay/session",
            None,
        )
        .await;
    assert_eq!(session.status, 200, "{}", session.text);
    assert_eq!(session.headers["access-control-allow-origin"], DRAFT);
    assert_eq!(session.json()["language"], "de");
    assert_eq!(session.json()["open"], true);
    assert_eq!(session.json()["strings"]["send"], "Senden");

    let first = portal.pin(&token, PAGE, "Das Logo ist zu klein").await;
    assert_eq!(first.status, 201, "{}", first.text);
    assert_eq!(first.headers["access-control-allow-origin"], DRAFT);
    let first = first.json();
    assert_eq!(first["number"], 1);
    assert_eq!(first["state"], "open");
    assert_eq!(first["snippet"], "Willkommen in der Bäckerei");
    assert_eq!(
        first["author"],
        json!({"kind": "customer", "name": "Bäckerei Schmidt"})
    );
    let second = portal.pin(&token, PAGE, "Telefonnummer fehlt").await.json();
    assert_eq!(second["number"], 2);
    let id = first["itemId"].as_str().unwrap();

    let pins = portal
        .overlay(
            &token,
            Some(DRAFT),
            Method::GET,
            "/feedback/overlay/items?page=https%3A%2F%2Fdraft.baeckerei.example%2Fabout%23team",
            None,
        )
        .await;
    assert_eq!(pins.status, 200, "{}", pins.text);
    assert_eq!(
        pins.json()["items"].as_array().unwrap().len(),
        2,
        "the fragment names no other page"
    );

    // Staff reply and resolve; the customer sees both, marked unseen until opened.
    let reply = portal
        .as_staff(
            Method::POST,
            &format!("/feedback/items/{id}/replies?customerId={}", c.id),
            Some(json!({"text": "Wird größer."})),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    let resolved = portal
        .as_staff(
            Method::PUT,
            &format!("/feedback/items/{id}/state?customerId={}", c.id),
            Some(json!({"state": "resolved"})),
        )
        .await;
    assert_eq!(resolved.status, 200, "{}", resolved.text);
    assert_eq!(resolved.json()["version"], 3);
    let list = portal
        .as_customer(&c, Method::GET, "/feedback/items?state=resolved", None)
        .await
        .json();
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    assert_eq!(list["items"][0]["unseen"], true);

    let read = portal
        .as_customer(&c, Method::GET, &format!("/feedback/items/{id}"), None)
        .await;
    assert_eq!(read.headers["etag"], "\"3\"");
    let read = read.json();
    assert_eq!(read["replies"][0]["text"], "Wird größer.");
    assert_eq!(read["replies"][0]["author"]["kind"], "staff");
    assert_eq!(read["replies"][0]["author"]["name"], "Webagentur Berg");
    let history: Vec<&str> = read["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["state"].as_str().unwrap())
        .collect();
    assert_eq!(history, ["open", "resolved"]);
    assert_eq!(read["history"][1]["by"]["kind"], "staff");
    assert!(
        read["history"][1].get("actor").is_none(),
        "no key ids for the customer"
    );
    let again = portal
        .as_customer(&c, Method::GET, &format!("/feedback/items/{id}"), None)
        .await
        .json();
    assert_eq!(again["unseen"], false, "opened: seen");

    // The customer may reopen, and nothing else.
    let moved = portal
        .as_customer(
            &c,
            Method::PUT,
            &format!("/feedback/items/{id}/state"),
            Some(json!({"state": "in-progress"})),
        )
        .await;
    assert_eq!(moved.status, 422, "{}", moved.text);
    assert_eq!(fields(&moved), ["state"]);
    let reopened = portal
        .as_customer(
            &c,
            Method::PUT,
            &format!("/feedback/items/{id}/state"),
            Some(json!({"state": "open"})),
        )
        .await;
    assert_eq!(reopened.status, 200, "{}", reopened.text);
    assert_eq!(reopened.json()["history"][2]["by"]["kind"], "customer");
    let stale = portal
        .as_staff_with(
            Method::PUT,
            &format!("/feedback/items/{id}/state?customerId={}", c.id),
            json!({"state": "wont-fix"}),
            &[("if-match", "\"3\"")],
        )
        .await;
    assert_eq!(stale.status, 412, "{}", stale.text);
}

impl Portal {
    async fn as_staff_with(
        &self,
        method: Method,
        uri: &str,
        body: Value,
        extra: &[(&str, &str)],
    ) -> Answer {
        let auth = format!("Bearer {}", self.key);
        let mut headers = vec![("authorization", auth.as_str())];
        headers.extend_from_slice(extra);
        call(&self.router, method, uri, Some(body), &headers).await
    }
}

#[tokio::test]
async fn feedback_opens_with_the_feedback_status_and_once_online_only_when_allowed() {
    let portal = Portal::new().await;
    let c = portal
        .customer("c@kunde.example", ProjectStatus::Design, DRAFT)
        .await;

    let (early, token) = portal.open(&c, "").await;
    assert_eq!(early.status, 409, "{}", early.text);
    assert_eq!(early.json()["type"], "/problems/feedback-not-open");
    assert!(
        early.json()["title"].as_str().unwrap().contains("Feedback"),
        "German"
    );
    assert!(token.is_none());

    portal.set_status(c.id, ProjectStatus::Feedback).await;
    let token = portal.token(&c).await;
    assert_eq!(portal.pin(&token, PAGE, "Eins").await.status, 201);

    portal.set_status(c.id, ProjectStatus::Online).await;
    let closed = portal.pin(&token, PAGE, "Zwei").await;
    assert_eq!(closed.status, 409, "{}", closed.text);
    assert_eq!(closed.json()["type"], "/problems/feedback-not-open");
    assert_eq!(
        closed.headers["access-control-allow-origin"], DRAFT,
        "the overlay reads why"
    );
    assert_eq!(portal.open(&c, "").await.0.status, 409);

    let allowed = portal
        .as_staff(
            Method::PUT,
            &format!("/feedback/site?customerId={}", c.id),
            Some(json!({"draftUrl": DRAFT, "afterOnline": true})),
        )
        .await;
    assert_eq!(allowed.json()["open"], true);
    assert_eq!(portal.pin(&token, PAGE, "Zwei").await.status, 201);

    portal.set_status(c.id, ProjectStatus::Paused).await;
    assert_eq!(portal.pin(&token, PAGE, "Drei").await.status, 409);
}

#[tokio::test]
async fn cors_answers_registered_origins_only_and_the_token_only_from_its_own() {
    let portal = Portal::new().await;
    let c = portal
        .customer("d@kunde.example", ProjectStatus::Feedback, DRAFT)
        .await;
    let token = portal.token(&c).await;

    let registered = testkit::oneshot(
        &portal.router,
        Method::OPTIONS,
        "/feedback/overlay/items",
        None,
        &[
            ("origin", DRAFT),
            ("access-control-request-method", "POST"),
            (
                "access-control-request-headers",
                "authorization, content-type",
            ),
        ],
    )
    .await;
    assert_eq!(registered.status, 204);
    assert_eq!(registered.headers["access-control-allow-origin"], DRAFT);
    assert!(
        registered.headers["access-control-allow-headers"]
            .to_str()
            .unwrap()
            .contains("authorization")
    );
    let live = testkit::oneshot(
        &portal.router,
        Method::OPTIONS,
        "/feedback/overlay/session",
        None,
        &[("origin", "https://www.baeckerei.example")],
    )
    .await;
    assert_eq!(live.status, 204);

    for origin in [
        "https://attacker.example",
        "null",
        "https://draft.baeckerei.example.attacker.example",
    ] {
        let refused = testkit::oneshot(
            &portal.router,
            Method::OPTIONS,
            "/feedback/overlay/items",
            None,
            &[("origin", origin)],
        )
        .await;
        assert_eq!(refused.status, 403, "{origin}");
        assert!(
            refused.headers.get("access-control-allow-origin").is_none(),
            "{origin}"
        );

        let with_token = portal
            .overlay(
                &token,
                Some(origin),
                Method::GET,
                "/feedback/overlay/session",
                None,
            )
            .await;
        assert_eq!(with_token.status, 403, "{origin}: {}", with_token.text);
        assert_eq!(with_token.json()["type"], "/problems/origin-not-allowed");
        assert!(
            with_token
                .headers
                .get("access-control-allow-origin")
                .is_none()
        );
    }
    let no_origin = portal
        .overlay(&token, None, Method::GET, "/feedback/overlay/session", None)
        .await;
    assert_eq!(
        no_origin.status, 403,
        "a token works only from the customer's site"
    );
}

#[tokio::test]
async fn an_expired_or_revoked_token_gets_a_clear_answer_the_overlay_can_read() {
    let portal = Portal::new().await;
    let c = portal
        .customer("e@kunde.example", ProjectStatus::Feedback, DRAFT)
        .await;
    let token = portal.token(&c).await;
    let session = |t: String| {
        let portal = &portal;
        async move {
            portal
                .overlay(
                    &t,
                    Some(DRAFT),
                    Method::GET,
                    "/feedback/overlay/session",
                    None,
                )
                .await
        }
    };
    assert_eq!(session(token.clone()).await.status, 200);

    portal.clock.advance(Duration::hours(2));
    let expired = session(token.clone()).await;
    assert_eq!(expired.status, 401, "{}", expired.text);
    assert_eq!(expired.json()["type"], "/problems/feedback-token-expired");
    assert!(
        expired.json()["detail"]
            .as_str()
            .unwrap()
            .contains("zwei Stunden"),
        "German: {}",
        expired.text
    );
    assert_eq!(expired.headers["access-control-allow-origin"], DRAFT);
    portal.clock.advance(-Duration::hours(2));

    let revoked = portal
        .as_staff(
            Method::DELETE,
            &format!("/feedback/tokens?customerId={}", c.id),
            None,
        )
        .await;
    assert_eq!(revoked.json()["revoked"], 1);
    let after = session(token).await;
    assert_eq!(after.status, 401);
    assert_eq!(after.json()["type"], "/problems/feedback-token-revoked");

    let made_up = session("A".repeat(43)).await;
    assert_eq!(made_up.status, 401);
    assert_eq!(made_up.json()["type"], "/problems/feedback-token-invalid");
    assert_eq!(
        made_up.headers["access-control-allow-origin"], DRAFT,
        "a registered origin reads it"
    );
}

#[tokio::test]
async fn a_feedback_token_opens_the_overlay_of_its_customer_and_nothing_else() {
    let portal = Portal::new().await;
    let a = portal
        .customer("f@kunde.example", ProjectStatus::Feedback, DRAFT)
        .await;
    let b = portal
        .customer(
            "g@kunde.example",
            ProjectStatus::Feedback,
            "https://draft.other.example",
        )
        .await;
    let token_a = portal.token(&a).await;
    let token_b = portal.token(&b).await;
    let b_item = portal
        .overlay(
            &token_b,
            Some("https://draft.other.example"),
            Method::POST,
            "/feedback/overlay/items",
            Some(new_item("https://draft.other.example/", "B's point")),
        )
        .await;
    assert_eq!(b_item.status, 201, "{}", b_item.text);
    let b_id = b_item.json()["itemId"].as_str().unwrap().to_owned();

    // A's token on B's site, and B's pages through A's token.
    let wrong_site = portal
        .overlay(
            &token_a,
            Some("https://draft.other.example"),
            Method::GET,
            "/feedback/overlay/session",
            None,
        )
        .await;
    assert_eq!(wrong_site.status, 403);
    let b_page = portal
        .overlay(
            &token_a,
            Some(DRAFT),
            Method::GET,
            "/feedback/overlay/items?page=https%3A%2F%2Fdraft.other.example%2F",
            None,
        )
        .await;
    assert_eq!(b_page.status, 400, "{}", b_page.text);
    let into_b = portal
        .overlay(
            &token_a,
            Some(DRAFT),
            Method::POST,
            "/feedback/overlay/items",
            Some(new_item("https://draft.other.example/", "sneaky")),
        )
        .await;
    assert_eq!(fields(&into_b), ["pageUrl"]);

    // The token is no session: the portal's routes refuse it.
    for uri in ["/feedback/items", "/feedback/site"] {
        let as_session = call(
            &portal.router,
            Method::GET,
            uri,
            None,
            &[("authorization", &format!("Bearer {token_a}"))],
        )
        .await;
        assert_eq!(as_session.status, 401, "{uri}");
    }
    // A's session reaches none of B's items.
    let read_b = portal
        .as_customer(&a, Method::GET, &format!("/feedback/items/{b_id}"), None)
        .await;
    assert_eq!(read_b.status, 404);
    let name_b = portal
        .as_customer(
            &a,
            Method::GET,
            &format!("/feedback/items?customerId={}", b.id),
            None,
        )
        .await;
    assert_eq!(name_b.status, 404);
    let reply_b = portal
        .as_customer(
            &a,
            Method::POST,
            &format!("/feedback/items/{b_id}/replies"),
            Some(json!({"text": "hi"})),
        )
        .await;
    assert_eq!(reply_b.status, 404);
    // The customer can't register their own site (a token to anywhere).
    let own_site = portal
        .as_customer(
            &a,
            Method::PUT,
            "/feedback/site",
            Some(json!({"draftUrl": "https://attacker.example"})),
        )
        .await;
    assert_eq!(own_site.status, 403);
}

#[tokio::test]
async fn another_agency_reaches_none_of_the_customers_feedback() {
    let portal = Portal::new().await;
    let c = portal
        .customer("h@kunde.example", ProjectStatus::Feedback, DRAFT)
        .await;
    let token = portal.token(&c).await;
    let id = portal.pin(&token, PAGE, "Eins").await.json()["itemId"]
        .as_str()
        .unwrap()
        .to_owned();
    let other = testkit::agency(portal.store.as_ref(), &new_tenant("Studio Nord"), "crm").await;
    let auth = format!("Bearer {}", other.key);
    for (method, uri, body) in [
        (
            Method::GET,
            format!("/feedback/items?customerId={}", c.id),
            None,
        ),
        (
            Method::GET,
            format!("/feedback/items/{id}?customerId={}", c.id),
            None,
        ),
        (
            Method::GET,
            format!("/feedback/site?customerId={}", c.id),
            None,
        ),
        (
            Method::DELETE,
            format!("/feedback/tokens?customerId={}", c.id),
            None,
        ),
        (
            Method::PUT,
            format!("/feedback/items/{id}/state?customerId={}", c.id),
            Some(json!({"state": "resolved"})),
        ),
    ] {
        let answer = call(
            &portal.router,
            method.clone(),
            &uri,
            body,
            &[("authorization", &auth)],
        )
        .await;
        assert_eq!(answer.status, 404, "{method} {uri}: {}", answer.text);
    }
}

#[tokio::test]
async fn bad_input_is_refused_naming_the_field() {
    let portal = Portal::new().await;
    let c = portal
        .customer("i@kunde.example", ProjectStatus::Feedback, DRAFT)
        .await;
    let token = portal.token(&c).await;
    let cases: Vec<(Value, &str)> = vec![
        (json!({"comment": "x".repeat(5_001)}), "comment"),
        (json!({"comment": "  "}), "comment"),
        (json!({"selector": "a".repeat(1_001)}), "selector"),
        (json!({"selector": "a\nb"}), "selector"),
        (json!({"snippet": "s".repeat(201)}), "snippet"),
        (json!({"position": {"x": 2, "y": 0}}), "position"),
        (json!({"position": {"x": "0.1", "y": 0}}), "position"),
        (json!({"viewport": {"width": 0, "height": 10}}), "viewport"),
        (json!({"pageUrl": "javascript:alert(1)"}), "pageUrl"),
        (
            json!({"pageUrl": format!("{DRAFT}/{}", "a".repeat(2_000))}),
            "pageUrl",
        ),
        (
            json!({"pageUrl": "https://user:pw@draft.baeckerei.example/"}),
            "pageUrl",
        ),
        (json!({"attachments": ["not-an-id"]}), "attachments[0]"),
        (
            json!({"attachments": ["01ARZ3NDEKTSV4RRFFQ69G5FAV"]}),
            "attachments[0]",
        ),
    ];
    for (change, field) in cases {
        let mut body = new_item(PAGE, "ok");
        for (k, v) in change.as_object().unwrap() {
            body[k] = v.clone();
        }
        let answer = portal
            .overlay(
                &token,
                Some(DRAFT),
                Method::POST,
                "/feedback/overlay/items",
                Some(body),
            )
            .await;
        assert_eq!(answer.status, 422, "{change}: {}", answer.text);
        assert_eq!(fields(&answer), [field], "{change}");
    }
    let unknown = portal
        .overlay(
            &token,
            Some(DRAFT),
            Method::POST,
            "/feedback/overlay/items",
            Some(json!({"pageUrl": PAGE, "evil": true})),
        )
        .await;
    assert_eq!(unknown.status, 422);
    let site = portal
        .as_staff(
            Method::PUT,
            &format!("/feedback/site?customerId={}", c.id),
            Some(json!({"draftUrl": "http://draft.example/"})),
        )
        .await;
    assert_eq!(fields(&site), ["draftUrl"]);
    let state = portal
        .as_staff(
            Method::GET,
            &format!("/feedback/items?customerId={}&state=closed", c.id),
            None,
        )
        .await;
    assert_eq!(state.status, 400);
}

#[tokio::test]
async fn a_page_takes_a_bounded_number_of_items_and_a_thread_of_replies() {
    let portal = Portal::new().await;
    let c = portal
        .customer("j@kunde.example", ProjectStatus::Feedback, DRAFT)
        .await;
    let token = portal.token(&c).await;
    let mut first = String::new();
    for n in 0..100 {
        let answer = portal.pin(&token, PAGE, &format!("Punkt {n}")).await;
        assert_eq!(answer.status, 201, "{n}: {}", answer.text);
        if n == 0 {
            first = answer.json()["itemId"].as_str().unwrap().to_owned();
        }
    }
    let full = portal.pin(&token, PAGE, "one too many").await;
    assert_eq!(full.status, 422, "{}", full.text);
    assert_eq!(fields(&full), ["pageUrl"]);
    assert_eq!(
        portal.pin(&token, DRAFT, "another page").await.json()["number"],
        101
    );

    for n in 0..200 {
        let answer = portal
            .as_customer(
                &c,
                Method::POST,
                &format!("/feedback/items/{first}/replies"),
                Some(json!({"text": format!("Antwort {n}")})),
            )
            .await;
        assert_eq!(answer.status, 201, "{n}: {}", answer.text);
    }
    let over = portal
        .as_customer(
            &c,
            Method::POST,
            &format!("/feedback/items/{first}/replies"),
            Some(json!({"text": "201"})),
        )
        .await;
    assert_eq!(fields(&over), ["text"]);

    // Pages of the staff list follow each other without gaps or repeats.
    let mut seen = Vec::new();
    let mut uri = format!("/feedback/items?customerId={}&limit=30", c.id);
    loop {
        let page = portal.as_staff(Method::GET, &uri, None).await.json();
        for item in page["items"].as_array().unwrap() {
            seen.push(item["number"].as_u64().unwrap());
        }
        match page["next"].as_str() {
            Some(next) => {
                uri = format!("/feedback/items?customerId={}&limit=30&cursor={next}", c.id)
            }
            None => break,
        }
    }
    assert_eq!(seen, (1..=101).collect::<Vec<u64>>());
}

#[tokio::test]
async fn items_made_at_once_get_distinct_numbers() {
    let portal = Portal::new().await;
    let c = portal
        .customer("k@kunde.example", ProjectStatus::Feedback, DRAFT)
        .await;
    let token = portal.token(&c).await;
    let (a, b, d) = tokio::join!(
        portal.pin(&token, PAGE, "a"),
        portal.pin(&token, PAGE, "b"),
        portal.pin(&token, DRAFT, "d"),
    );
    let mut numbers: Vec<u64> = [a, b, d]
        .iter()
        .map(|x| {
            assert_eq!(x.status, 201, "{}", x.text);
            x.json()["number"].as_u64().unwrap()
        })
        .collect();
    numbers.sort();
    assert_eq!(numbers, [1, 2, 3]);
}

#[tokio::test]
async fn changes_within_minutes_reach_the_other_side_in_one_email_each() {
    let portal = Portal::new().await;
    let c = portal
        .customer("l@kunde.example", ProjectStatus::Feedback, DRAFT)
        .await;
    let token = portal.token(&c).await;
    let one = portal
        .pin(&token, PAGE, "Das Logo ist zu klein")
        .await
        .json();
    portal.clock.advance(Duration::minutes(2));
    portal.pin(&token, DRAFT, "Telefonnummer fehlt").await;

    let early = feedback::notices::sweep(&portal.state, portal.clock_now())
        .await
        .unwrap();
    assert_eq!(early.sent, 0, "the first waits five minutes for more");
    portal.clock.advance(Duration::minutes(4));
    let swept = feedback::notices::sweep(&portal.state, portal.clock_now())
        .await
        .unwrap();
    assert_eq!(swept.sent, 1);
    let again = feedback::notices::sweep(&portal.state, portal.clock_now())
        .await
        .unwrap();
    assert_eq!(again.sent, 0, "claimed once");

    let messages = portal.outbox.messages().unwrap();
    assert_eq!(messages.len(), 1);
    let agency = &messages[0];
    assert_eq!(agency.to, "portal@agency.example");
    assert!(
        agency.text.contains("Das Logo ist zu klein"),
        "{}",
        agency.text
    );
    assert!(
        agency.text.contains("Telefonnummer fehlt"),
        "{}",
        agency.text
    );
    assert!(
        agency
            .text
            .contains(&format!("/feedback?customerId={}", c.id))
    );

    let id = one["itemId"].as_str().unwrap();
    portal
        .as_staff(
            Method::POST,
            &format!("/feedback/items/{id}/replies?customerId={}", c.id),
            Some(json!({"text": "Machen wir größer."})),
        )
        .await;
    portal
        .as_staff(
            Method::PUT,
            &format!("/feedback/items/{id}/state?customerId={}", c.id),
            Some(json!({"state": "resolved"})),
        )
        .await;
    portal.clock.advance(Duration::minutes(6));
    feedback::notices::sweep(&portal.state, portal.clock_now())
        .await
        .unwrap();
    let messages = portal.outbox.messages().unwrap();
    assert_eq!(messages.len(), 2);
    let customer = &messages[1];
    assert_eq!(customer.to, "l@kunde.example");
    assert!(
        customer.subject.as_deref().unwrap().contains("Neuigkeiten"),
        "German: {:?}",
        customer.subject
    );
    assert!(customer.text.contains("Machen wir größer."));
    assert!(customer.text.contains("erledigt"), "{}", customer.text);
}

#[tokio::test]
async fn the_start_page_waits_on_the_agencys_replies_until_the_customer_opens_the_item() {
    use portal::start::{AreaPresence, FeedbackArea, Owner, WaitCheck};
    let portal = Portal::new().await;
    let c = portal
        .customer("m@kunde.example", ProjectStatus::Feedback, DRAFT)
        .await;
    let area = FeedbackArea {
        feedback: portal.state.feedback.clone(),
    };
    let owner = Owner {
        tenant: portal.tenant,
        customer: c.id,
    };
    let token = portal.token(&c).await;
    let id = portal.pin(&token, PAGE, "Eins").await.json()["itemId"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        !area.waits(owner).await.unwrap(),
        "their own item waits on nobody"
    );

    portal
        .as_staff(
            Method::POST,
            &format!("/feedback/items/{id}/replies?customerId={}", c.id),
            Some(json!({"text": "Erledigt bald."})),
        )
        .await;
    assert!(area.waits(owner).await.unwrap());
    portal
        .as_customer(&c, Method::GET, &format!("/feedback/items/{id}"), None)
        .await;
    assert!(!area.waits(owner).await.unwrap(), "opened");

    // Online: there only when the agency still takes feedback.
    portal.set_status(c.id, ProjectStatus::Online).await;
    assert!(!area.present(owner).await.unwrap());
    portal
        .as_staff(
            Method::PUT,
            &format!("/feedback/site?customerId={}", c.id),
            Some(json!({"draftUrl": DRAFT, "afterOnline": true})),
        )
        .await;
    assert!(area.present(owner).await.unwrap());
}

#[tokio::test]
async fn the_overlay_lists_only_its_own_customers_downloadable_files() {
    let portal = Portal::new().await;
    let a = portal
        .customer("fa@kunde.example", ProjectStatus::Feedback, DRAFT)
        .await;
    let b = portal
        .customer(
            "fb@kunde.example",
            ProjectStatus::Feedback,
            "https://draft.other.example",
        )
        .await;
    let older = portal.file(a.id, "Logo.pdf", FileState::Available).await;
    portal.clock.advance(Duration::minutes(1));
    let newer = portal.file(a.id, "Texte.pdf", FileState::Available).await;
    for state in [
        FileState::Pending,
        FileState::AwaitingScan,
        FileState::Quarantined,
        FileState::Rejected,
    ] {
        portal.file(a.id, state.as_str(), state).await;
    }
    let theirs = portal.file(b.id, "Fremd.pdf", FileState::Available).await;
    let token_a = portal.token(&a).await;
    let token_b = portal.token(&b).await;

    let listed = portal
        .overlay(
            &token_a,
            Some(DRAFT),
            Method::GET,
            "/feedback/overlay/files",
            None,
        )
        .await;

    assert_eq!(listed.status, 200, "{}", listed.text);
    assert_eq!(listed.headers["access-control-allow-origin"], DRAFT);
    let files = listed.json()["files"].as_array().unwrap().clone();
    let ids: Vec<&str> = files
        .iter()
        .map(|f| f["fileId"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [newer.to_string(), older.to_string()],
        "newest first, only the available ones"
    );
    assert_eq!(
        files[0],
        json!({"fileId": newer.to_string(), "name": "Texte.pdf", "size": 1234,
               "contentType": "application/pdf"})
    );
    assert!(!listed.text.contains(&theirs.to_string()));

    // B's token from B's site sees B's file only; A's token from B's site nothing at all.
    let of_b = portal
        .overlay(
            &token_b,
            Some("https://draft.other.example"),
            Method::GET,
            "/feedback/overlay/files",
            None,
        )
        .await;
    assert_eq!(of_b.status, 200, "{}", of_b.text);
    assert_eq!(of_b.json()["files"].as_array().unwrap().len(), 1);
    assert!(!of_b.text.contains(&newer.to_string()));
    let a_on_b = portal
        .overlay(
            &token_a,
            Some("https://draft.other.example"),
            Method::GET,
            "/feedback/overlay/files",
            None,
        )
        .await;
    assert_eq!(a_on_b.status, 403, "{}", a_on_b.text);
    assert!(a_on_b.headers.get("access-control-allow-origin").is_none());
    let elsewhere = portal
        .overlay(
            &token_a,
            Some("https://attacker.example"),
            Method::GET,
            "/feedback/overlay/files",
            None,
        )
        .await;
    assert_eq!(elsewhere.status, 403);
    assert!(
        elsewhere
            .headers
            .get("access-control-allow-origin")
            .is_none()
    );
    let no_token = call(
        &portal.router,
        Method::GET,
        "/feedback/overlay/files",
        None,
        &[("origin", DRAFT)],
    )
    .await;
    assert_eq!(no_token.status, 401, "{}", no_token.text);
    assert!(!no_token.text.contains("Logo.pdf"));
    let preflight = testkit::oneshot(
        &portal.router,
        Method::OPTIONS,
        "/feedback/overlay/files",
        None,
        &[("origin", DRAFT), ("access-control-request-method", "GET")],
    )
    .await;
    assert_eq!(preflight.status, 204);
    assert_eq!(preflight.headers["access-control-allow-origin"], DRAFT);

    // A revoked token lists nothing.
    let revoked = portal
        .as_customer(&a, Method::DELETE, "/feedback/tokens", None)
        .await;
    assert!(revoked.status.is_success(), "{}", revoked.text);
    let after = portal
        .overlay(
            &token_a,
            Some(DRAFT),
            Method::GET,
            "/feedback/overlay/files",
            None,
        )
        .await;
    assert_eq!(after.status, 401, "{}", after.text);

    // Once feedback is closed (online, and the agency takes none after), a token still alive
    // in the draft's address lists nothing.
    portal.set_status(b.id, ProjectStatus::Online).await;
    let closed = portal
        .overlay(
            &token_b,
            Some("https://draft.other.example"),
            Method::GET,
            "/feedback/overlay/files",
            None,
        )
        .await;
    assert_eq!(closed.status, 409, "{}", closed.text);
    assert_eq!(
        closed.headers["access-control-allow-origin"],
        "https://draft.other.example"
    );
    assert!(!closed.text.contains("Fremd.pdf"), "{}", closed.text);
}

#[tokio::test]
async fn an_attachment_must_be_the_customers_own_downloadable_file() {
    let portal = Portal::new().await;
    let a = portal
        .customer("ga@kunde.example", ProjectStatus::Feedback, DRAFT)
        .await;
    let b = portal
        .customer("gb@kunde.example", ProjectStatus::Feedback, DRAFT)
        .await;
    let token = portal.token(&a).await;
    let theirs = portal.file(b.id, "Fremd.pdf", FileState::Available).await;
    let pending = portal.file(a.id, "halb.pdf", FileState::Pending).await;
    let quarantined = portal.file(a.id, "virus.pdf", FileState::Quarantined).await;
    let own = portal.file(a.id, "Logo.pdf", FileState::Available).await;

    for (attachments, field) in [
        (json!([theirs.to_string()]), "attachments[0]"),
        (
            json!([own.to_string(), pending.to_string()]),
            "attachments[1]",
        ),
        (json!([quarantined.to_string()]), "attachments[0]"),
        (json!([own.to_string(), own.to_string()]), "attachments[1]"),
    ] {
        let mut body = new_item(PAGE, "Mit Anhang");
        body["attachments"] = attachments.clone();
        let answer = portal
            .overlay(
                &token,
                Some(DRAFT),
                Method::POST,
                "/feedback/overlay/items",
                Some(body),
            )
            .await;
        assert_eq!(answer.status, 422, "{attachments}: {}", answer.text);
        assert_eq!(fields(&answer), [field], "{attachments}");
        assert!(!answer.text.contains("Fremd.pdf"), "{}", answer.text);
    }
    let items = portal
        .as_customer(&a, Method::GET, "/feedback/items", None)
        .await;
    assert_eq!(items.json()["items"], json!([]), "nothing half-written");
}

#[tokio::test]
async fn an_attached_file_reads_back_by_name_and_shows_as_deleted_once_deleted() {
    let portal = Portal::new().await;
    let c = portal
        .customer("h@kunde.example", ProjectStatus::Feedback, DRAFT)
        .await;
    let token = portal.token(&c).await;
    let hostile = "<img src=x onerror=alert(1)>\u{202e}fdp.exe";
    let logo = portal.file(c.id, hostile, FileState::Available).await;
    let texts = portal.file(c.id, "Texte.pdf", FileState::Available).await;
    let mut body = new_item(PAGE, "Bitte dieses Logo");
    body["attachments"] = json!([logo.to_string(), texts.to_string()]);

    let created = portal
        .overlay(
            &token,
            Some(DRAFT),
            Method::POST,
            "/feedback/overlay/items",
            Some(body),
        )
        .await;

    assert_eq!(created.status, 201, "{}", created.text);
    let created = created.json();
    assert_eq!(
        created["attachments"],
        json!([logo.to_string(), texts.to_string()])
    );
    assert_eq!(
        created["attachmentFiles"],
        json!([
            {"fileId": logo.to_string(), "name": hostile, "state": "available"},
            {"fileId": texts.to_string(), "name": "Texte.pdf", "state": "available"},
        ])
    );
    let id = created["itemId"].as_str().unwrap();
    let read = portal
        .as_customer(&c, Method::GET, &format!("/feedback/items/{id}"), None)
        .await;
    assert_eq!(read.json()["attachmentFiles"], created["attachmentFiles"]);
    let listed = portal
        .as_staff(
            Method::GET,
            &format!("/feedback/items?customerId={}", c.id),
            None,
        )
        .await;
    assert_eq!(
        listed.json()["items"][0]["attachmentFiles"],
        created["attachmentFiles"]
    );

    // The page links each file to the download route its reader may use, the name escaped.
    let cookie = format!("portal_session={}", c.session);
    let page = call(
        &portal.router,
        Method::GET,
        "/feedback",
        None,
        &[("cookie", &cookie)],
    )
    .await;
    assert_eq!(page.status, 200, "{}", page.text);
    assert!(
        page.text.contains(&format!(
            "<a href=\"&#x2f;files&#x2f;{logo}&#x2f;download\">"
        )),
        "{}",
        page.text
    );
    assert!(page.text.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert!(!page.text.contains("<img src=x"), "{}", page.text);
    assert!(page.text.contains("Anhänge"), "German: {}", page.text);
    let (_, staff) = testkit::staff_session(
        portal.store.as_ref(),
        portal.tenant,
        "jonas@agency.example",
        portal::domain::Language::En,
    )
    .await;
    let staff_cookie = format!("portal_session={staff}");
    let staff_page = call(
        &portal.router,
        Method::GET,
        &format!("/feedback?customerId={}", c.id),
        None,
        &[("cookie", &staff_cookie)],
    )
    .await;
    assert_eq!(staff_page.status, 200, "{}", staff_page.text);
    assert!(
        staff_page.text.contains(&format!(
            "<a href=\"&#x2f;files&#x2f;{texts}&#x2f;download?customerId={}\">Texte.pdf</a>",
            c.id
        )),
        "{}",
        staff_page.text
    );

    // Deleted since: shown as deleted everywhere, never as a link.
    let file = portal
        .store
        .get_file(portal.tenant, c.id, logo)
        .await
        .unwrap()
        .unwrap();
    portal.store.delete_file(&file).await.unwrap();
    let read = portal
        .as_customer(&c, Method::GET, &format!("/feedback/items/{id}"), None)
        .await;
    assert_eq!(
        read.json()["attachmentFiles"][0],
        json!({"fileId": logo.to_string(), "name": null, "state": "deleted"})
    );
    let pins = portal
        .overlay(
            &token,
            Some(DRAFT),
            Method::GET,
            "/feedback/overlay/items?page=https%3A%2F%2Fdraft.baeckerei.example%2Fabout",
            None,
        )
        .await;
    assert_eq!(
        pins.json()["items"][0]["attachments"][0]["state"],
        "deleted"
    );
    assert_eq!(
        pins.json()["items"][0]["attachments"][1]["name"],
        "Texte.pdf"
    );
    let page = call(
        &portal.router,
        Method::GET,
        "/feedback",
        None,
        &[("cookie", &cookie)],
    )
    .await;
    assert!(
        !page.text.contains(&format!("{logo}&#x2f;download")),
        "{}",
        page.text
    );
    assert!(page.text.contains("gelöscht"), "{}", page.text);
    assert!(page.text.contains(&format!("{texts}&#x2f;download")));
}

/// The feedback page shows the session's own customer, or the one a staff user names: a
/// customer naming another is not found, as one that does not exist is, and staff must name
/// one of their agency's.
#[tokio::test]
async fn the_feedback_page_is_the_sessions_customers_or_the_one_staff_name() {
    let portal = Portal::new().await;
    let anna = portal
        .customer("anna@kunde.example", ProjectStatus::Feedback, DRAFT)
        .await;
    let ben = portal
        .customer("ben@kunde.example", ProjectStatus::Feedback, DRAFT)
        .await;
    let (_, staff) = testkit::staff_session(
        portal.store.as_ref(),
        portal.tenant,
        "jonas@agency.example",
        portal::domain::Language::En,
    )
    .await;
    let nobody = CustomerId::new();
    for (who, session, query, status) in [
        ("anna, nobody named", &anna.session, String::new(), 200),
        (
            "anna, herself",
            &anna.session,
            format!("?customerId={}", anna.id),
            200,
        ),
        (
            "anna, an empty name",
            &anna.session,
            "?customerId=".into(),
            200,
        ),
        (
            "anna, naming ben",
            &anna.session,
            format!("?customerId={}", ben.id),
            404,
        ),
        (
            "anna, a malformed id",
            &anna.session,
            "?customerId=ben".into(),
            400,
        ),
        (
            "staff, naming ben",
            &staff,
            format!("?customerId={}", ben.id),
            200,
        ),
        ("staff, nobody named", &staff, String::new(), 400),
        (
            "staff, naming no customer",
            &staff,
            format!("?customerId={nobody}"),
            404,
        ),
    ] {
        let page = call(
            &portal.router,
            Method::GET,
            &format!("/feedback{query}"),
            None,
            &[("cookie", &format!("portal_session={session}"))],
        )
        .await;
        assert_eq!(page.status, status, "{who}: {}", page.text);
        if status == 400 {
            assert!(page.text.contains("customerId"), "{who}: {}", page.text);
        }
    }
}
