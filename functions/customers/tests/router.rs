//! The customers router driven with `oneshot`, no server: every route, every error shape.

use std::sync::Arc;

use axum::{
    Router,
    body::Body,
    http::{Method, Request, StatusCode, header},
};
use chrono::Utc;
use portal::{
    AppState,
    domain::{ApiKeySecret, NewTenant},
    embedded::{self, Outbox},
    ports::{Mailer, Store},
};
use serde_json::{Value, json};

struct Api {
    router: Router,
    store: Arc<dyn Store>,
    key: String,
    /// Every email and SMS the routes sent.
    outbox: Arc<Outbox>,
}

async fn staff_key(store: &dyn Store, name: &str) -> String {
    let tenant = NewTenant {
        name: name.into(),
        portal_base_url: format!(
            "https://{}.agency.example",
            name.to_lowercase().replace(' ', "-")
        ),
        sender_email: "hello@agency.example".into(),
        default_language: "nl".into(),
        tier: "starter".into(),
    };
    testkit::agency(store, &tenant, "test").await.key
}

impl Api {
    async fn new() -> Self {
        let outbox = Arc::new(Outbox::in_memory());
        Self::with_mailer(outbox.clone(), outbox).await
    }

    /// Emails go to `mailer`; SMS to `outbox`.
    async fn with_mailer(mailer: Arc<dyn Mailer>, outbox: Arc<Outbox>) -> Self {
        let store: Arc<dyn Store> = Arc::new(embedded::in_memory_store());
        let key = staff_key(store.as_ref(), "Agency").await;
        let state = customers::CustomersState::new(
            AppState::from_store(store.clone()),
            mailer,
            outbox.clone(),
        );
        Self {
            router: customers::router(state),
            store,
            key,
            outbox,
        }
    }

    async fn send(&self, request: Request<Body>) -> (StatusCode, axum::http::HeaderMap, Value) {
        let answer = testkit::send(&self.router, request).await;
        let (status, body) = (answer.status, answer.json());
        let headers = answer.headers;
        if !status.is_success() {
            assert_eq!(
                headers[header::CONTENT_TYPE],
                "application/problem+json",
                "every error is problem+json: {body}"
            );
            assert_eq!(body["status"], status.as_u16());
            assert!(body["type"].as_str().unwrap().starts_with("/problems/"));
        }
        (status, headers, body)
    }

    fn request(&self, method: Method, uri: &str, body: Option<Value>) -> Request<Body> {
        let builder = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::AUTHORIZATION, format!("Bearer {}", self.key));
        match body {
            Some(json) => builder
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(json.to_string()))
                .unwrap(),
            None => builder.body(Body::empty()).unwrap(),
        }
    }

    async fn call(&self, method: Method, uri: &str, body: Option<Value>) -> (StatusCode, Value) {
        let (status, _, body) = self.send(self.request(method, uri, body)).await;
        (status, body)
    }

    async fn create(&self, body: Value) -> Value {
        let (status, body) = self.call(Method::POST, "/customers", Some(body)).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body
    }
}

fn fields(problem: &Value) -> Vec<&str> {
    problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn a_created_customer_can_be_read_changed_and_deleted() {
    let api = Api::new().await;
    let (status, headers, created) = api
        .send(api.request(
            Method::POST,
            "/customers",
            Some(json!({"companyName": "Bloemen de Vries", "loginEmail": "Eva@Bloemen.example", "phone": "020 555 1234", "address": {"country": "NL"}})),
        ))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let id = created["id"].as_str().unwrap();
    assert_eq!(headers[header::LOCATION], format!("/customers/{id}"));
    assert_eq!(headers[header::ETAG], "\"1\"");
    assert_eq!(created["language"], "nl", "the tenant's default language");
    assert_eq!(created["status"], "preparation");
    assert_eq!(created["phone"], "+31205551234");
    assert_eq!(created["loginEmail"], "Eva@bloemen.example");

    let (status, read) = api
        .call(Method::GET, &format!("/customers/{id}"), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(read, created);

    let (status, headers, changed) = api
        .send(api.request(
            Method::PATCH,
            &format!("/customers/{id}"),
            Some(json!({"notes": "Preview in May", "phone": null})),
        ))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::ETAG], "\"2\"");
    assert_eq!(changed["notes"], "Preview in May");
    assert_eq!(changed["phone"], Value::Null);
    assert_eq!(changed["companyName"], "Bloemen de Vries");

    let (status, body) = api
        .call(Method::DELETE, &format!("/customers/{id}"), None)
        .await;
    assert_eq!((status, body), (StatusCode::NO_CONTENT, Value::Null));
    let (status, problem) = api
        .call(Method::GET, &format!("/customers/{id}"), None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(problem["type"], "/problems/not-found");
}

#[tokio::test]
async fn a_second_customer_with_the_same_login_email_gets_409() {
    let api = Api::new().await;
    api.create(json!({"companyName": "First", "loginEmail": "same@example.com"}))
        .await;
    let (status, problem) = api
        .call(
            Method::POST,
            "/customers",
            Some(json!({"companyName": "Second", "loginEmail": "SAME@example.com"})),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(problem["type"], "/problems/login-email-taken");
    assert_eq!(fields(&problem), ["loginEmail"]);
    let (_, list) = api.call(Method::GET, "/customers", None).await;
    assert_eq!(
        list["items"].as_array().unwrap().len(),
        1,
        "nothing half-written"
    );
}

#[tokio::test]
async fn concurrent_creates_with_one_login_email_yield_one_201_and_409s() {
    let api = Arc::new(Api::new().await);
    let tasks: Vec<_> = (0..6)
        .map(|i| {
            let api = api.clone();
            tokio::spawn(async move {
                api.call(
                    Method::POST,
                    "/customers",
                    Some(json!({"companyName": format!("C{i}"), "loginEmail": "race@example.com"})),
                )
                .await
                .0
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    assert_eq!(
        statuses
            .iter()
            .filter(|s| **s == StatusCode::CREATED)
            .count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses
            .iter()
            .filter(|s| **s == StatusCode::CONFLICT)
            .count(),
        5,
        "{statuses:?}"
    );
}

#[tokio::test]
async fn invalid_fields_get_422_naming_each_field() {
    let api = Api::new().await;
    let cases = [
        (json!({}), vec!["companyName"]),
        (json!({"companyName": "  "}), vec!["companyName"]),
        (
            json!({"companyName": "A", "loginEmail": "not-an-email"}),
            vec!["loginEmail"],
        ),
        (
            json!({"companyName": "A", "language": "it"}),
            vec!["language"],
        ),
        (
            json!({"companyName": "A", "status": "finished"}),
            vec!["status"],
        ),
        (
            json!({"companyName": "A", "address": {"city": "Paris"}}),
            vec!["address.country"],
        ),
        (
            json!({"companyName": "A", "address": {"country": "France"}}),
            vec!["address.country"],
        ),
        (
            json!({"companyName": "A", "mobile": "0151 2345678"}),
            vec!["mobile"],
        ),
        (
            json!({"companyName": "A", "mobile": "+49 30 901820"}),
            vec!["mobile"],
        ),
        (json!({"companyName": "A", "fax": "+1 2"}), vec!["fax"]),
        (
            json!({"companyName": "A", "emails": ["a@x.example", "b"]}),
            vec!["emails[1]"],
        ),
        (
            json!({"companyName": "A", "notes": "x".repeat(10_001)}),
            vec!["notes"],
        ),
        (json!({"companyName": 42}), vec!["companyName"]),
        (json!({"companyName": "A", "website": "x"}), vec!["website"]),
        (
            json!({"companyName": "A", "address": {"country": "DE", "planet": "Mars"}}),
            vec!["address.planet"],
        ),
        (
            json!({"companyName": "A", "language": "xx", "phone": "nope", "address": {"country": "DE"}}),
            vec!["language", "phone"],
        ),
        // Numbers are checked even when the address is wrong: the user learns everything at once.
        (
            json!({"language": "it", "mobile": "+49 12", "phone": "+1 2", "address": {"city": "Paris"}}),
            vec![
                "companyName",
                "address.country",
                "language",
                "mobile",
                "phone",
            ],
        ),
    ];
    for (body, expected) in cases {
        let (status, problem) = api
            .call(Method::POST, "/customers", Some(body.clone()))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(problem["type"], "/problems/validation");
        assert_eq!(fields(&problem), expected, "{body}");
        for error in problem["errors"].as_array().unwrap() {
            assert!(error["code"].is_string(), "a stable code: {error}");
        }
    }
    let (_, problem) = api
        .call(
            Method::POST,
            "/customers",
            Some(json!({"companyName": "A", "owner": "x".repeat(201), "mobile": "0151 2345678"})),
        )
        .await;
    assert_eq!(
        problem["errors"],
        json!([
            {"field": "owner", "message": "must be at most 200 characters long", "code": "too-long", "args": {"max": 200}},
            {"field": "mobile", "message": "needs the international prefix (for example +49 30 1234567), or a country in the address", "code": "phone-needs-country"},
        ])
    );
    let (_, list) = api.call(Method::GET, "/customers", None).await;
    assert!(list["items"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn malformed_requests_get_clear_4xx_problems() {
    let api = Api::new().await;
    let raw = |content_type: Option<&str>, body: Vec<u8>| {
        let mut b = Request::builder()
            .method(Method::POST)
            .uri("/customers")
            .header(header::AUTHORIZATION, format!("Bearer {}", api.key));
        if let Some(ct) = content_type {
            b = b.header(header::CONTENT_TYPE, ct);
        }
        b.body(Body::from(body)).unwrap()
    };
    let cases = [
        (
            raw(Some("application/json"), b"{\"companyName\":".to_vec()),
            StatusCode::BAD_REQUEST,
            "/problems/malformed-json",
        ),
        (
            raw(Some("application/json"), Vec::new()),
            StatusCode::BAD_REQUEST,
            "/problems/malformed-json",
        ),
        (
            raw(Some("text/plain"), b"{}".to_vec()),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "/problems/unsupported-media-type",
        ),
        (
            raw(None, b"{}".to_vec()),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "/problems/unsupported-media-type",
        ),
        (
            raw(
                Some("application/json"),
                format!("{{\"notes\":\"{}\"}}", "x".repeat(70_000)).into_bytes(),
            ),
            StatusCode::PAYLOAD_TOO_LARGE,
            "/problems/payload-too-large",
        ),
    ];
    for (request, status, kind) in cases {
        let (got, _, problem) = api.send(request).await;
        assert_eq!((got, problem["type"].as_str().unwrap()), (status, kind));
    }
}

#[tokio::test]
async fn bad_path_ids_queries_and_cursors_get_400_naming_the_parameter() {
    let api = Api::new().await;
    for (uri, field) in [
        ("/customers/not-an-id", "customerId"),
        ("/customers?limit=0", "limit"),
        ("/customers?limit=101", "limit"),
        ("/customers?limit=ten", "limit"),
        ("/customers?cursor=garbage", "cursor"),
        ("/customers?colour=red", "colour"),
    ] {
        let (status, problem) = api.call(Method::GET, uri, None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}");
        assert_eq!(fields(&problem), [field], "{uri}");
    }
}

#[tokio::test]
async fn missing_wrong_and_revoked_keys_get_401() {
    let api = Api::new().await;
    let unauthenticated = |auth: Option<&str>| {
        let mut b = Request::builder().uri("/customers");
        if let Some(a) = auth {
            b = b.header(header::AUTHORIZATION, a);
        }
        b.body(Body::empty()).unwrap()
    };
    for auth in [
        None,
        Some("Basic dXNlcjpwdw=="),
        Some("Bearer "),
        Some("Bearer ptk_unknown"),
    ] {
        let (status, headers, problem) = api.send(unauthenticated(auth)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{auth:?}");
        assert_eq!(headers[header::WWW_AUTHENTICATE], "Bearer");
        assert_eq!(problem["type"], "/problems/unauthorized");
    }

    let key = api
        .store
        .find_api_key(&ApiKeySecret::from_presented(&api.key).hash())
        .await
        .unwrap()
        .unwrap();
    api.store
        .revoke_api_key(key.tenant_id, key.id, Utc::now())
        .await
        .unwrap();
    let (status, problem) = api.call(Method::GET, "/customers", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(problem["detail"].as_str().unwrap().contains("revoked"));
}

#[tokio::test]
async fn another_agencys_customers_are_invisible() {
    let api = Api::new().await;
    let theirs = api
        .create(json!({"companyName": "Theirs", "loginEmail": "theirs@example.com"}))
        .await;
    let id = theirs["id"].as_str().unwrap();
    let other = Api {
        router: api.router.clone(),
        store: api.store.clone(),
        key: staff_key(api.store.as_ref(), "Other agency").await,
        outbox: api.outbox.clone(),
    };
    for (method, body) in [
        (Method::GET, None),
        (Method::PATCH, Some(json!({"notes": "mine now"}))),
        (Method::DELETE, None),
    ] {
        let (status, problem) = other
            .call(method.clone(), &format!("/customers/{id}"), body)
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{method}");
        assert_eq!(problem["type"], "/problems/not-found");
    }
    let (_, list) = other.call(Method::GET, "/customers", None).await;
    assert!(list["items"].as_array().unwrap().is_empty());
    let (_, still) = api
        .call(Method::GET, &format!("/customers/{id}"), None)
        .await;
    assert_eq!(still, theirs, "unchanged");
}

#[tokio::test]
async fn the_list_pages_with_an_opaque_cursor() {
    let api = Api::new().await;
    let mut ids = Vec::new();
    for i in 0..5 {
        ids.push(
            api.create(json!({"companyName": format!("Customer {i}")}))
                .await["id"]
                .clone(),
        );
        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    }
    let mut seen = Vec::new();
    let mut uri = "/customers?limit=2".to_owned();
    loop {
        let (status, page) = api.call(Method::GET, &uri, None).await;
        assert_eq!(status, StatusCode::OK);
        seen.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["id"].clone()),
        );
        match page["nextCursor"].as_str() {
            Some(cursor) => uri = format!("/customers?limit=2&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(seen, ids);
}

#[tokio::test]
async fn if_match_guards_against_lost_updates() {
    let api = Api::new().await;
    let created = api.create(json!({"companyName": "Acme"})).await;
    let uri = format!("/customers/{}", created["id"].as_str().unwrap());
    let with_if_match = |method: Method, etag: &str, body: Option<Value>| {
        let mut request = api.request(method, &uri, body);
        request
            .headers_mut()
            .insert(header::IF_MATCH, etag.parse().unwrap());
        request
    };
    let (status, _, _) = api
        .send(with_if_match(
            Method::PATCH,
            "\"1\"",
            Some(json!({"notes": "first"})),
        ))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, problem) = api
        .send(with_if_match(
            Method::PATCH,
            "\"1\"",
            Some(json!({"notes": "stale"})),
        ))
        .await;
    assert_eq!(status, StatusCode::PRECONDITION_FAILED);
    assert_eq!(problem["type"], "/problems/precondition-failed");
    let (status, _, _) = api.send(with_if_match(Method::DELETE, "\"1\"", None)).await;
    assert_eq!(status, StatusCode::PRECONDITION_FAILED);
    let (status, _, problem) = api
        .send(with_if_match(Method::DELETE, "yesterday", None))
        .await;
    assert_eq!(
        (status, fields(&problem)),
        (StatusCode::BAD_REQUEST, vec!["If-Match"])
    );
    let (_, current) = api.call(Method::GET, &uri, None).await;
    assert_eq!(current["notes"], "first");
    let (status, _, _) = api
        .send(with_if_match(Method::DELETE, "W/\"2\"", None))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn a_login_email_can_move_between_customers_only_once_released() {
    let api = Api::new().await;
    let a = api
        .create(json!({"companyName": "A", "loginEmail": "shared@example.com"}))
        .await;
    let b = api.create(json!({"companyName": "B"})).await;
    let b_uri = format!("/customers/{}", b["id"].as_str().unwrap());
    let (status, _) = api
        .call(
            Method::PATCH,
            &b_uri,
            Some(json!({"loginEmail": "shared@example.com"})),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let a_uri = format!("/customers/{}", a["id"].as_str().unwrap());
    let (status, _) = api
        .call(
            Method::PATCH,
            &a_uri,
            Some(json!({"loginEmail": "new@example.com"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, moved) = api
        .call(
            Method::PATCH,
            &b_uri,
            Some(json!({"loginEmail": "shared@example.com"})),
        )
        .await;
    assert_eq!(
        (status, moved["loginEmail"].as_str()),
        (StatusCode::OK, Some("shared@example.com"))
    );
}

#[tokio::test]
async fn unknown_routes_and_methods_are_problems_too() {
    let api = Api::new().await;
    let (status, problem) = api.call(Method::GET, "/nowhere", None).await;
    assert_eq!(
        (status, problem["type"].as_str()),
        (StatusCode::NOT_FOUND, Some("/problems/route-not-found"))
    );
    let (status, problem) = api.call(Method::PUT, "/customers", None).await;
    assert_eq!(
        (status, problem["type"].as_str()),
        (
            StatusCode::METHOD_NOT_ALLOWED,
            Some("/problems/method-not-allowed")
        )
    );
}

#[tokio::test]
async fn path_and_query_parameters_that_are_not_utf8_or_repeated_get_400_problems() {
    let api = Api::new().await;
    for (method, uri, field) in [
        (Method::GET, "/customers/%FF", "customerId"),
        (Method::PATCH, "/customers/%C3%28", "customerId"),
        (Method::DELETE, "/customers/%FF", "customerId"),
        (Method::GET, "/customers?limit=1&limit=2", "limit"),
        (Method::GET, "/customers?cursor=%FF", "cursor"),
    ] {
        let body = (method == Method::PATCH).then(|| json!({"owner": "A"}));
        let (status, problem) = api.call(method.clone(), uri, body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{method} {uri}: {problem}");
        assert_eq!(problem["type"], "/problems/invalid-parameter", "{uri}");
        assert_eq!(fields(&problem), [field], "{method} {uri}");
    }
}

#[tokio::test]
async fn an_oversized_body_gets_a_413_problem_before_anything_reads_it() {
    let api = Api::new().await;
    let big = format!("{{\"notes\": \"{}\"}}", "a".repeat(10 * 1024 * 1024));
    let request = Request::builder()
        .method(Method::POST)
        .uri("/customers")
        .header(header::AUTHORIZATION, format!("Bearer {}", api.key))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(big))
        .unwrap();
    let (status, _, problem) = api.send(request).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(problem["type"], "/problems/payload-too-large");
}

#[tokio::test]
async fn names_with_line_or_paragraph_separators_get_422_naming_the_field() {
    let api = Api::new().await;
    for (field, body) in [
        ("companyName", json!({"companyName": "Acme\u{2028}GmbH"})),
        (
            "owner",
            json!({"companyName": "Acme", "owner": "Anna\u{2029}Schmidt"}),
        ),
        (
            "contactPerson",
            json!({"companyName": "Acme", "contactPerson": "Jonas\u{85}Weber"}),
        ),
        (
            "address.city",
            json!({"companyName": "Acme", "address": {"city": "Ber\u{2028}lin", "country": "DE"}}),
        ),
    ] {
        let (status, problem) = api.call(Method::POST, "/customers", Some(body)).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}: {problem}"
        );
        assert_eq!(fields(&problem), [field]);
    }
    let (status, _) = api
        .call(
            Method::POST,
            "/customers",
            Some(json!({"companyName": "Acme", "notes": "line one\nline two"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "notes keep their line breaks");
}

#[tokio::test]
async fn a_half_quoted_if_match_and_an_array_body_are_refused() {
    let api = Api::new().await;
    let created = api.create(json!({"companyName": "Acme"})).await;
    let uri = format!("/customers/{}", created["id"].as_str().unwrap());
    for (if_match, expected) in [
        ("\"1", StatusCode::BAD_REQUEST),
        ("1\"", StatusCode::BAD_REQUEST),
        ("W/\"\"", StatusCode::BAD_REQUEST),
        ("+1", StatusCode::BAD_REQUEST),
        ("1", StatusCode::OK),
    ] {
        let mut request = api.request(Method::PATCH, &uri, Some(json!({"owner": "A"})));
        request
            .headers_mut()
            .insert(header::IF_MATCH, if_match.parse().unwrap());
        let (status, _, problem) = api.send(request).await;
        assert_eq!(status, expected, "{if_match}: {problem}");
        if expected == StatusCode::BAD_REQUEST {
            assert_eq!(fields(&problem), ["If-Match"]);
        }
    }
    let (status, problem) = api
        .call(Method::PATCH, &uri, Some(json!([null, null])))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(fields(&problem), ["body"]);
}

/// A mail service that refuses every email, as SES refuses an unverified sender.
struct RefusingMailer;

#[async_trait::async_trait]
impl Mailer for RefusingMailer {
    async fn send_email(
        &self,
        _: &portal::domain::OutgoingEmail,
    ) -> Result<String, portal::ports::DeliveryError> {
        Err(portal::ports::DeliveryError::Rejected(
            "Email address is not verified.".into(),
        ))
    }
}

impl Api {
    fn create_request(&self, body: Value, key: Option<&str>) -> Request<Body> {
        let mut request = self.request(Method::POST, "/customers", Some(body));
        if let Some(key) = key {
            request
                .headers_mut()
                .insert("idempotency-key", key.parse().unwrap());
        }
        request
    }

    async fn customer_count(&self) -> usize {
        let (status, list) = self.call(Method::GET, "/customers", None).await;
        assert_eq!(status, StatusCode::OK);
        list["items"].as_array().unwrap().len()
    }

    async fn invitations_of(&self, customer: &Value) -> Vec<portal::domain::Invitation> {
        let tenant = self
            .store
            .find_api_key(&ApiKeySecret::from_presented(&self.key).hash())
            .await
            .unwrap()
            .unwrap()
            .tenant_id;
        self.store
            .list_invitations(tenant, customer["id"].as_str().unwrap().parse().unwrap())
            .await
            .unwrap()
    }
}

#[tokio::test]
async fn a_customer_created_with_invite_is_sent_the_invitation_email() {
    let api = Api::new().await;
    let (status, headers, created) = api
        .send(api.create_request(
            json!({"companyName": "Bloemen de Vries", "contactPerson": "Eva de Vries", "loginEmail": "eva@bloemen.example", "language": "en",
                   "invite": {"channels": ["email"], "area": "files", "note": "Welcome!"}}),
            None,
        ))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_str().unwrap();
    assert_eq!(headers[header::LOCATION], format!("/customers/{id}"));
    assert_eq!(headers[header::ETAG], "\"1\"");
    assert_eq!(created["companyName"], "Bloemen de Vries");
    let invitation = &created["invitation"];
    assert_eq!(invitation["status"], "sent", "{created}");
    assert_eq!(invitation["state"], "sent");
    assert_eq!(invitation["customerId"], id);
    assert_eq!(invitation["area"], "files");
    assert_eq!(invitation["channels"], json!(["email"]));

    let sent = api.outbox.messages().unwrap();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].to, "eva@bloemen.example");
    assert!(sent[0].text.contains("/invite/"), "{}", sent[0].text);
    assert!(
        sent[0].text.contains("Welcome!"),
        "the note is in the email"
    );
    let stored = api.invitations_of(&created).await;
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].id.to_string(), invitation["id"].as_str().unwrap());

    let (_, read) = api
        .call(Method::GET, &format!("/customers/{id}"), None)
        .await;
    let mut without_invitation = created.clone();
    without_invitation
        .as_object_mut()
        .unwrap()
        .remove("invitation");
    assert_eq!(read, without_invitation, "the record itself is as answered");
}

#[tokio::test]
async fn the_email_can_go_to_another_address_on_the_new_record() {
    let api = Api::new().await;
    let created = api
        .create(json!({"companyName": "Bloemen de Vries", "loginEmail": "eva@bloemen.example", "emails": ["Office@Bloemen.example"],
                       "invite": {"recipient": "office@bloemen.example"}}))
        .await;
    assert_eq!(created["invitation"]["status"], "sent", "{created}");
    assert_eq!(created["invitation"]["recipient"], "Office@bloemen.example");
    let sent = api.outbox.messages().unwrap();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].to, "Office@bloemen.example");
}

#[tokio::test]
async fn a_retried_create_with_invite_answers_the_same_and_sends_once() {
    let api = Api::new().await;
    let body = json!({"companyName": "Bloemen de Vries", "loginEmail": "eva@bloemen.example", "invite": {"channels": ["email"]}});
    let (status, headers, first) = api
        .send(api.create_request(body.clone(), Some("create-1")))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    let (status, replay_headers, again) = api
        .send(api.create_request(body.clone(), Some("create-1")))
        .await;
    assert_eq!((status, &again), (StatusCode::CREATED, &first));
    assert_eq!(replay_headers["idempotent-replayed"], "true");
    assert_eq!(
        replay_headers[header::LOCATION],
        headers[header::LOCATION],
        "the same record"
    );
    assert_eq!(replay_headers[header::ETAG], headers[header::ETAG]);
    assert_eq!(api.outbox.messages().unwrap().len(), 1, "sent once");
    assert_eq!(api.customer_count().await, 1, "created once");
    assert_eq!(api.invitations_of(&first).await.len(), 1);

    // The same key for another request is refused, and does nothing.
    let mut other = body.clone();
    other["companyName"] = json!("Someone else");
    let (status, _, problem) = api.send(api.create_request(other, Some("create-1"))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["type"], "/problems/idempotency-key-reused");
    let mut other_invite = body.clone();
    other_invite["invite"] = json!({"channels": ["email"], "area": "files"});
    let (status, _, problem) = api
        .send(api.create_request(other_invite, Some("create-1")))
        .await;
    assert_eq!(
        (status, problem["type"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("/problems/idempotency-key-reused")
        ),
        "the key covers the invitation too"
    );
    assert_eq!(api.customer_count().await, 1);
    assert_eq!(api.outbox.messages().unwrap().len(), 1);

    // A create without invite takes a key as well: a retry creates no second customer.
    let plain = json!({"companyName": "Tuin Jansen"});
    let (_, _, first) = api
        .send(api.create_request(plain.clone(), Some("create-2")))
        .await;
    let (status, _, again) = api.send(api.create_request(plain, Some("create-2"))).await;
    assert_eq!((status, &again), (StatusCode::CREATED, &first));
    assert!(first.get("invitation").is_none(), "{first}");
    assert_eq!(api.customer_count().await, 2);
}

#[tokio::test]
async fn a_refused_email_keeps_the_customer_and_says_why() {
    let api = Api::with_mailer(Arc::new(RefusingMailer), Arc::new(Outbox::in_memory())).await;
    let (status, headers, created) = api
        .send(api.create_request(
            json!({"companyName": "Bloemen de Vries", "loginEmail": "eva@bloemen.example", "invite": {}}),
            None,
        ))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_str().unwrap();
    assert_eq!(headers[header::LOCATION], format!("/customers/{id}"));
    assert_eq!(headers[header::ETAG], "\"1\"");
    let invitation = &created["invitation"];
    assert_eq!(invitation["status"], "failed", "{created}");
    let problem = &invitation["problem"];
    assert_eq!(problem["type"], "/problems/delivery-failed");
    assert_eq!(problem["status"], 502);
    assert!(
        problem["detail"].as_str().unwrap().contains("not verified"),
        "{problem}"
    );
    assert_eq!(
        problem["invitation"]["state"], "failed",
        "the recorded invitation"
    );
    let stored = api.invitations_of(&created).await;
    assert_eq!(stored.len(), 1);
    assert_eq!(
        serde_json::to_value(stored[0].state).unwrap(),
        json!("failed")
    );
    let (status, _) = api
        .call(Method::GET, &format!("/customers/{id}"), None)
        .await;
    assert_eq!(status, StatusCode::OK, "the customer exists");
}

#[tokio::test]
async fn an_sms_invite_without_a_mobile_keeps_the_customer_and_names_the_field() {
    let api = Api::new().await;
    let created = api
        .create(json!({"companyName": "Bloemen de Vries", "loginEmail": "eva@bloemen.example", "invite": {"channels": ["email", "sms"]}}))
        .await;
    let invitation = &created["invitation"];
    assert_eq!(invitation["status"], "failed", "{created}");
    assert_eq!(
        invitation["problem"]["type"],
        "/problems/customer-not-invitable"
    );
    assert_eq!(fields(&invitation["problem"]), ["mobile"]);
    assert!(api.outbox.messages().unwrap().is_empty(), "nothing sent");
    assert!(api.invitations_of(&created).await.is_empty());
    assert_eq!(api.customer_count().await, 1);

    let created = api
        .create(json!({"companyName": "Zonder Login BV", "invite": {"channels": ["email"]}}))
        .await;
    assert_eq!(created["invitation"]["status"], "failed");
    assert_eq!(fields(&created["invitation"]["problem"]), ["loginEmail"]);
}

#[tokio::test]
async fn an_invalid_invite_gets_422_naming_the_field_and_creates_nothing() {
    let api = Api::new().await;
    let customer = json!({"companyName": "Bloemen de Vries", "loginEmail": "eva@bloemen.example", "emails": ["office@bloemen.example"], "mobile": "+31612345678"});
    let cases: Vec<(Value, Vec<&str>)> = vec![
        (json!({"channels": ["fax"]}), vec!["invite.channels[0]"]),
        (json!({"channels": []}), vec!["invite.channels"]),
        (
            json!({"channels": ["email", "Email"]}),
            vec!["invite.channels[1]"],
        ),
        (json!({"area": "moon"}), vec!["invite.area"]),
        (
            json!({"recipient": "someone@else.example"}),
            vec!["invite.recipient"],
        ),
        (
            json!({"channels": ["sms"], "recipient": "office@bloemen.example"}),
            vec!["invite.recipient"],
        ),
        (
            json!({"recipient": "not an address"}),
            vec!["invite.recipient"],
        ),
        (json!({"note": "x".repeat(1_001)}), vec!["invite.note"]),
        (json!({"colour": "red"}), vec!["invite.colour"]),
        (json!({"channels": "email"}), vec!["invite.channels"]),
        (json!("email"), vec!["invite"]),
        (json!(["email"]), vec!["invite"]),
    ];
    for (invite, expected) in cases {
        let mut body = customer.clone();
        body["invite"] = invite.clone();
        let (status, _, problem) = api.send(api.create_request(body, Some("k-1"))).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{invite}: {problem}"
        );
        assert_eq!(fields(&problem), expected, "{invite}: {problem}");
    }
    // The customer's fields and the invitation's are named together.
    let (status, problem) = api
        .call(
            Method::POST,
            "/customers",
            Some(json!({"companyName": "", "invite": {"area": "moon"}})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&problem), ["companyName", "invite.area"]);

    assert_eq!(api.customer_count().await, 0, "nothing was created");
    assert!(
        api.outbox.messages().unwrap().is_empty(),
        "nothing was sent"
    );
    // A refused request did not use up its key.
    let mut body = customer.clone();
    body["invite"] = json!({"channels": ["sms"]});
    let (status, _, created) = api.send(api.create_request(body, Some("k-1"))).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["invitation"]["status"], "sent");
    assert_eq!(api.outbox.messages().unwrap()[0].to, "+31612345678");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_retries_with_one_key_create_and_send_once() {
    let api = Arc::new(Api::new().await);
    let body = json!({"companyName": "Bloemen de Vries", "loginEmail": "eva@bloemen.example", "invite": {"channels": ["email"]}});
    let tasks: Vec<_> = (0..6)
        .map(|_| {
            let (api, body) = (api.clone(), body.clone());
            tokio::spawn(async move {
                let (status, _, answer) =
                    api.send(api.create_request(body, Some("same-key"))).await;
                (status, answer)
            })
        })
        .collect();
    let mut answers = Vec::new();
    for t in tasks {
        answers.push(t.await.unwrap());
    }
    let created: Vec<_> = answers
        .iter()
        .filter(|(status, _)| *status == StatusCode::CREATED)
        .map(|(_, body)| body)
        .collect();
    assert!(!created.is_empty(), "{answers:?}");
    assert!(created.iter().all(|b| *b == created[0]), "one answer");
    for (status, body) in &answers {
        if *status != StatusCode::CREATED {
            assert_eq!(
                (*status, body["type"].as_str()),
                (
                    StatusCode::CONFLICT,
                    Some("/problems/idempotency-in-progress")
                )
            );
        }
    }
    assert_eq!(api.customer_count().await, 1, "created once");
    assert_eq!(api.outbox.messages().unwrap().len(), 1, "sent once");
}

#[tokio::test]
async fn a_status_move_is_refused_here_but_the_same_status_passes() {
    let api = Api::new().await;
    let (_, created) = api
        .call(
            Method::POST,
            "/customers",
            Some(json!({"companyName": "A", "status": "design"})),
        )
        .await;
    let uri = format!("/customers/{}", created["id"].as_str().unwrap());

    let (status, problem) = api
        .call(
            Method::PATCH,
            &uri,
            Some(json!({"status": "feedback", "notes": "x"})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "status");
    assert_eq!(problem["errors"][0]["code"], "status-own-route");
    let (_, unchanged) = api.call(Method::GET, &uri, None).await;
    assert_eq!(
        (unchanged["status"].as_str(), unchanged["version"].as_u64()),
        (Some("design"), Some(1))
    );

    // A client that sends the whole record back, status unchanged, is not refused.
    let (status, same) = api
        .call(
            Method::PATCH,
            &uri,
            Some(json!({"status": "Design", "notes": "x"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{same}");
    assert_eq!(same["notes"], "x");
}
