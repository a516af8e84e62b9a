//! The uploads router driven with `oneshot`, no server: the embedded store and the local
//! file twin (which signs forms and links with the same code as for S3).

use std::sync::Arc;

use axum::{
    Router,
    body::Body,
    http::{Method, Request, StatusCode, header},
};
use base64::{Engine, engine::general_purpose::STANDARD};
use portal::{
    AppState,
    domain::{CustomerId, FileId, FileRecord, FileSettings, FileState, NewTenant, TenantId},
    embedded::{self, LocalFileStore},
    ports::{FileStore as _, Store},
};
use serde_json::{Value, json};
use testkit::Answer;

struct Api {
    router: Router,
    store: Arc<dyn Store>,
    objects: Arc<LocalFileStore>,
    tenant: TenantId,
    key: String,
    customer: CustomerId,
    session: String,
}

fn new_tenant(name: &str) -> NewTenant {
    NewTenant {
        name: name.into(),
        portal_base_url: format!("https://{}.agency.example", name.to_lowercase()),
        sender_email: "hello@agency.example".into(),
        default_language: "de".into(),
        tier: "starter".into(),
    }
}

fn unique_email() -> String {
    format!("{}@kunde.example", FileId::new().to_string().to_lowercase())
}

impl Api {
    async fn new() -> Self {
        Self::with_clock(Arc::new(testkit::TestClock::default())).await
    }

    async fn with_clock(clock: Arc<testkit::TestClock>) -> Self {
        let store: Arc<dyn Store> = Arc::new(embedded::in_memory_store());
        let agency = testkit::agency(store.as_ref(), &new_tenant("Agentur"), "test").await;
        let (customer, session) =
            testkit::customer_session(store.as_ref(), agency.tenant.id, &unique_email()).await;
        let objects = Arc::new(LocalFileStore::in_memory(
            "http://127.0.0.1:9".parse().unwrap(),
        ));
        let mut all = AppState::from_store(store.clone());
        all.clock = clock;
        let state = uploads::UploadsState::new(all, objects.clone());
        Self {
            router: uploads::router(state),
            store,
            objects,
            tenant: agency.tenant.id,
            key: agency.key,
            customer,
            session,
        }
    }

    async fn call(&self, bearer: &str, method: Method, uri: &str, body: Option<Value>) -> Answer {
        let builder = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::AUTHORIZATION, format!("Bearer {bearer}"));
        let request = match body {
            Some(json) => builder
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(json.to_string()))
                .unwrap(),
            None => builder.body(Body::empty()).unwrap(),
        };
        let answer = testkit::send(&self.router, request).await;
        if !answer.status.is_success() && !answer.status.is_redirection() {
            assert_eq!(
                answer.headers[header::CONTENT_TYPE],
                "application/problem+json",
                "every error is problem+json: {}",
                answer.text
            );
        }
        answer
    }

    async fn upload(&self, bearer: &str, body: Value) -> Answer {
        self.call(bearer, Method::POST, "/files/uploads", Some(body))
            .await
    }

    async fn customer_upload(&self, name: &str, size: u64) -> Value {
        let answer = self
            .upload(
                &self.session,
                json!({"filename": name, "contentType": "application/pdf", "size": size}),
            )
            .await;
        assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.text);
        answer.json()
    }

    async fn record(&self, customer: CustomerId, id: &str) -> FileRecord {
        self.store
            .get_file(self.tenant, customer, id.parse().unwrap())
            .await
            .unwrap()
            .expect("the file is recorded")
    }

    /// Marks a file as uploaded, as the upload events will.
    async fn make_available(&self, customer: CustomerId, id: &str) {
        let current = self.record(customer, id).await;
        let next = FileRecord {
            state: FileState::Available,
            size: Some(current.declared_size),
            version: current.version + 1,
            ..current.clone()
        };
        self.store.update_file(&current, &next).await.unwrap();
    }
}

fn policy(form: &Value) -> Value {
    let raw = form["fields"]["policy"].as_str().unwrap();
    serde_json::from_slice(&STANDARD.decode(raw).unwrap()).unwrap()
}

#[tokio::test]
async fn a_customer_gets_a_form_for_exactly_the_file_they_declared() {
    let api = Api::new().await;

    let answer = api
        .upload(
            &api.session,
            json!({"filename": "C:\\fakepath\\Angebot (final)\u{202E}.pdf", "contentType": "application/pdf", "size": 1234, "folder": "Entwürfe"}),
        )
        .await;

    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.text);
    let body = answer.json();
    let id = body["file"]["id"].as_str().unwrap();
    assert_eq!(answer.headers[header::LOCATION], format!("/files/{id}"));
    assert_eq!(body["file"]["name"], "Angebot (final).pdf");
    assert_eq!(body["file"]["state"], "pending");
    assert_eq!(body["file"]["folder"], "Entwürfe");
    assert_eq!(body["file"]["uploadedBy"], "customer");
    assert_eq!(body["file"]["downloadable"], false);
    let upload = &body["upload"];
    assert_eq!(upload["method"], "POST");
    let key = upload["fields"]["key"].as_str().unwrap();
    assert_eq!(
        key,
        format!(
            "tenants/{}/customers/{}/files/{id}/Angebot_final.pdf",
            api.tenant, api.customer
        )
    );
    assert_eq!(upload["fields"]["Content-Type"], "application/pdf");
    let names: Vec<&String> = upload["fields"].as_object().unwrap().keys().collect();
    assert_eq!(names.last().map(|n| n.as_str()), Some("x-amz-signature"));
    let conditions = policy(upload)["conditions"].clone();
    assert!(
        conditions
            .as_array()
            .unwrap()
            .contains(&json!(["content-length-range", 1234, 1234])),
        "{conditions}"
    );
    let lifetime = chrono::DateTime::parse_from_rfc3339(upload["expiresAt"].as_str().unwrap())
        .unwrap()
        .signed_duration_since(chrono::Utc::now())
        .num_seconds();
    assert!((890..=900).contains(&lifetime), "{lifetime}");
    assert_eq!(
        api.store
            .file_usage(api.tenant, api.customer)
            .await
            .unwrap(),
        1234
    );
}

#[tokio::test]
async fn refused_uploads_name_the_field_and_the_limit() {
    let api = Api::new().await;
    api.store
        .put_file_settings(
            api.tenant,
            &FileSettings {
                allowed_types: vec!["application/pdf".into(), "image/*".into()],
                max_file_size: 1000,
                quota_per_customer: 1500,
            },
        )
        .await
        .unwrap();
    let ok = || json!({"filename": "a.pdf", "contentType": "application/pdf", "size": 10});
    let with = |name: &str, value: Value| {
        let mut body = ok();
        body[name] = value;
        body
    };
    let cases = [
        (
            with("size", json!(1001)),
            "size",
            "file-too-large",
            Some(("max", 1000)),
        ),
        (with("size", json!(0)), "size", "file-empty", None),
        (
            with("contentType", json!("text/html")),
            "contentType",
            "file-type-not-allowed",
            None,
        ),
        (
            with("contentType", json!("pdf")),
            "contentType",
            "content-type-invalid",
            None,
        ),
        (
            with("contentType", json!("application/pdf\r\nX-Evil: 1")),
            "contentType",
            "content-type-invalid",
            None,
        ),
        (
            with("filename", json!("  ")),
            "filename",
            "file-name-missing",
            None,
        ),
        (
            with("filename", json!("x".repeat(256))),
            "filename",
            "too-long",
            Some(("max", 255)),
        ),
        (
            with("folder", json!("a/b")),
            "folder",
            "folder-invalid",
            None,
        ),
        (with("size", json!(-1)), "size", "invalid", None),
        (with("extra", json!(1)), "extra", "invalid", None),
    ];
    for (body, field, code, arg) in cases {
        let answer = api.upload(&api.session, body.clone()).await;
        assert_eq!(
            answer.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {}",
            answer.text
        );
        let problem = answer.json();
        let error = problem["errors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["field"] == field)
            .unwrap_or_else(|| panic!("{field} named in {problem}"))
            .clone();
        if code != "invalid" {
            assert_eq!(error["code"], code, "{body}: {error}");
        }
        if let Some((name, value)) = arg {
            assert_eq!(error["args"][name], value, "{error}");
        }
    }
    assert_eq!(
        api.store
            .file_usage(api.tenant, api.customer)
            .await
            .unwrap(),
        0
    );

    // The quota: 1000 of 1500 taken, 501 more is too much.
    api.customer_upload("big.pdf", 1000).await;
    let answer = api.upload(&api.session, with("size", json!(501))).await;
    assert_eq!(
        answer.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        answer.text
    );
    let error = answer.json()["errors"][0].clone();
    assert_eq!(error["field"], "size");
    assert_eq!(error["code"], "file-quota-exceeded");
    assert_eq!(error["args"]["quota"], 1500);
    assert_eq!(error["args"]["used"], 1000);
    assert_eq!(
        api.upload(&api.session, with("size", json!(500)))
            .await
            .status,
        StatusCode::CREATED
    );
}

#[tokio::test]
async fn staff_upload_for_a_customer_of_their_agency_only() {
    let api = Api::new().await;
    let body = |customer: &str| json!({"filename": "Entwurf.pdf", "contentType": "application/pdf", "size": 5, "customerId": customer});

    let without = api
        .upload(
            &api.key,
            json!({"filename": "a.pdf", "contentType": "application/pdf", "size": 5}),
        )
        .await;
    let unknown = api
        .upload(&api.key, body(&CustomerId::new().to_string()))
        .await;
    let shared = api.upload(&api.key, body(&api.customer.to_string())).await;

    assert_eq!(without.status, StatusCode::BAD_REQUEST, "{}", without.text);
    assert!(without.text.contains("customerId"));
    assert_eq!(unknown.status, StatusCode::NOT_FOUND, "{}", unknown.text);
    assert_eq!(shared.status, StatusCode::CREATED, "{}", shared.text);
    assert_eq!(shared.json()["file"]["uploadedBy"], "agency");
    let listed = api
        .call(&api.session, Method::GET, "/files", None)
        .await
        .json();
    assert_eq!(listed["items"][0]["uploadedBy"], "agency");

    // Another agency's key reaches nothing of this customer.
    let other = testkit::agency(api.store.as_ref(), &new_tenant("Andere"), "x").await;
    let foreign = api
        .upload(&other.key, body(&api.customer.to_string()))
        .await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND, "{}", foreign.text);
    let id = shared.json()["file"]["id"].as_str().unwrap().to_owned();
    let read = api
        .call(
            &other.key,
            Method::GET,
            &format!("/files/{id}?customerId={}", api.customer),
            None,
        )
        .await;
    assert_eq!(read.status, StatusCode::NOT_FOUND, "{}", read.text);
}

#[tokio::test]
async fn files_are_listed_newest_first_in_pages_and_by_folder() {
    let api = Api::new().await;
    let mut ids = Vec::new();
    for (name, folder) in [("1.pdf", ""), ("2.pdf", "Logos"), ("3.pdf", "")] {
        let answer = api
            .upload(
                &api.session,
                json!({"filename": name, "contentType": "application/pdf", "size": 3, "folder": folder}),
            )
            .await;
        ids.push(answer.json()["file"]["id"].as_str().unwrap().to_owned());
    }

    let first = api
        .call(&api.session, Method::GET, "/files?limit=2", None)
        .await
        .json();
    let cursor = first["nextCursor"].as_str().unwrap();
    let second = api
        .call(
            &api.session,
            Method::GET,
            &format!("/files?limit=2&cursor={cursor}"),
            None,
        )
        .await
        .json();
    let logos = api
        .call(&api.session, Method::GET, "/files?folder=Logos", None)
        .await
        .json();
    let by_staff = api
        .call(
            &api.key,
            Method::GET,
            &format!("/files?customerId={}", api.customer),
            None,
        )
        .await
        .json();

    let names = |v: &Value| {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["name"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        [names(&first), names(&second)].concat(),
        ["3.pdf", "2.pdf", "1.pdf"]
    );
    assert_eq!(second["nextCursor"], Value::Null);
    assert_eq!(names(&logos), ["2.pdf"]);
    assert_eq!(first["folders"], json!(["Logos"]));
    assert_eq!(names(&by_staff), ["3.pdf", "2.pdf", "1.pdf"]);
    for bad in [
        "/files?limit=0",
        "/files?limit=101",
        "/files?cursor=nope",
        "/files?folder=a%2Fb",
        "/files?unknown=1",
    ] {
        let answer = api.call(&api.session, Method::GET, bad, None).await;
        assert_eq!(
            answer.status,
            StatusCode::BAD_REQUEST,
            "{bad}: {}",
            answer.text
        );
    }
}

#[tokio::test]
async fn another_customer_reaches_none_of_these_files() {
    let api = Api::new().await;
    let mine = api.customer_upload("mine.pdf", 3).await;
    let id = mine["file"]["id"].as_str().unwrap();
    api.make_available(api.customer, id).await;
    let (_, other) =
        testkit::customer_session(api.store.as_ref(), api.tenant, &unique_email()).await;

    let by_id = api
        .call(&other, Method::GET, &format!("/files/{id}"), None)
        .await;
    let download = api
        .call(&other, Method::GET, &format!("/files/{id}/download"), None)
        .await;
    let delete = api
        .call(&other, Method::DELETE, &format!("/files/{id}"), None)
        .await;
    let naming_mine = api
        .call(
            &other,
            Method::GET,
            &format!("/files?customerId={}", api.customer),
            None,
        )
        .await;
    let listed = api.call(&other, Method::GET, "/files", None).await.json();

    assert_eq!(by_id.status, StatusCode::NOT_FOUND);
    assert_eq!(download.status, StatusCode::NOT_FOUND);
    assert_eq!(delete.status, StatusCode::NOT_FOUND);
    assert_eq!(naming_mine.status, StatusCode::NOT_FOUND);
    assert_eq!(listed["items"], json!([]));
    assert!(api.record(api.customer, id).await.state == FileState::Available);
}

#[tokio::test]
async fn only_an_available_file_downloads_and_under_its_own_name() {
    let api = Api::new().await;
    let started = api.customer_upload("Grüße aus Köln.pdf", 3).await;
    let id = started["file"]["id"].as_str().unwrap();

    let pending = api
        .call(
            &api.session,
            Method::GET,
            &format!("/files/{id}/download"),
            None,
        )
        .await;
    api.make_available(api.customer, id).await;
    let available = api
        .call(
            &api.session,
            Method::GET,
            &format!("/files/{id}/download"),
            None,
        )
        .await;
    let by_staff = api
        .call(
            &api.key,
            Method::GET,
            &format!("/files/{id}/download?customerId={}", api.customer),
            None,
        )
        .await;

    assert_eq!(pending.status, StatusCode::CONFLICT, "{}", pending.text);
    assert_eq!(pending.json()["type"], "/problems/file-not-downloadable");
    assert_eq!(pending.json()["fileState"], "pending");
    assert_eq!(
        available.status,
        StatusCode::SEE_OTHER,
        "{}",
        available.text
    );
    assert_eq!(by_staff.status, StatusCode::SEE_OTHER, "{}", by_staff.text);
    let location = url::Url::parse(available.headers[header::LOCATION].to_str().unwrap()).unwrap();
    // The twin's link carries the name it will serve as `Content-Disposition` (with RFC 6266
    // `filename*`, see the file contract); S3's carries the disposition itself (s3.rs).
    let signed: String = location
        .query_pairs()
        .map(|(k, v)| format!("{k}={v};"))
        .collect();
    assert!(signed.contains("dl=Grüße aus Köln.pdf;"), "{signed}");
}

#[tokio::test]
async fn a_deleted_file_is_gone_with_its_bytes_and_its_quota() {
    let api = Api::new().await;
    let started = api.customer_upload("a.pdf", 3).await;
    let id = started["file"]["id"].as_str().unwrap();
    let key = api.record(api.customer, id).await.key;
    api.objects
        .write(&key, "application/pdf", b"abc".to_vec())
        .await
        .unwrap();
    api.make_available(api.customer, id).await;

    let deleted = api
        .call(&api.session, Method::DELETE, &format!("/files/{id}"), None)
        .await;
    let again = api
        .call(&api.session, Method::GET, &format!("/files/{id}"), None)
        .await;

    assert_eq!(deleted.status, StatusCode::NO_CONTENT, "{}", deleted.text);
    assert_eq!(again.status, StatusCode::NOT_FOUND);
    assert_eq!(api.objects.head(&key).await.unwrap(), None);
    assert_eq!(
        api.store
            .file_usage(api.tenant, api.customer)
            .await
            .unwrap(),
        0
    );
}

#[tokio::test]
async fn without_a_session_or_key_nothing_is_reached() {
    let api = Api::new().await;
    for (method, uri) in [
        (Method::GET, "/files"),
        (Method::POST, "/files/uploads"),
        (Method::GET, "/files/01J00000000000000000000000"),
    ] {
        let request = Request::builder()
            .method(method)
            .uri(uri)
            .body(Body::empty())
            .unwrap();
        let answer = testkit::send(&api.router, request).await;
        assert_eq!(
            answer.status,
            StatusCode::UNAUTHORIZED,
            "{uri}: {}",
            answer.text
        );
    }
    let bad_id = api
        .call(&api.session, Method::GET, "/files/not-an-id", None)
        .await;
    assert_eq!(bad_id.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_direct_link_downloads_without_login_counts_and_stops_when_revoked_or_expired() {
    // Arrange: an available file of the customer.
    let clock = Arc::new(testkit::TestClock::default());
    let api = Api::with_clock(clock.clone()).await;
    let started = api.customer_upload("Grüße.pdf", 3).await;
    let id = started["file"]["id"].as_str().unwrap().to_owned();
    let owner = format!("customerId={}", api.customer);
    let create =
        |days: Value| json!({"customerId": api.customer.to_string(), "expiresInDays": days});
    let links = format!("/files/{id}/links");
    let not_yet = api
        .call(&api.key, Method::POST, &links, Some(create(json!(2))))
        .await;
    api.make_available(api.customer, &id).await;

    // Act
    let made = api
        .call(&api.key, Method::POST, &links, Some(create(json!(2))))
        .await;
    let too_long = api
        .call(&api.key, Method::POST, &links, Some(create(json!(8))))
        .await;
    let by_customer = api
        .call(&api.session, Method::POST, &links, Some(create(json!(2))))
        .await;

    // Assert
    assert_eq!(not_yet.status, StatusCode::CONFLICT, "{}", not_yet.text);
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text);
    assert_eq!(
        too_long.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        too_long.text
    );
    assert!(too_long.text.contains("expiresInDays"));
    assert_eq!(
        by_customer.status,
        StatusCode::FORBIDDEN,
        "{}",
        by_customer.text
    );
    let link = made.json();
    let url = link["url"].as_str().unwrap();
    let path = url.strip_prefix("https://agentur.agency.example").unwrap();
    assert!(path.starts_with("/d/"), "{url}");
    let stored = api
        .store
        .list_direct_links(api.tenant, api.customer, id.parse().unwrap())
        .await
        .unwrap();
    assert!(
        !path.contains(stored[0].hash.as_str()),
        "the token is not its stored hash"
    );

    let public = |uri: &str| Request::builder().uri(uri).body(Body::empty()).unwrap();
    for _ in 0..2 {
        let followed = testkit::send(&api.router, public(path)).await;
        assert_eq!(followed.status, StatusCode::SEE_OTHER, "{}", followed.text);
        assert!(
            followed.headers[header::LOCATION]
                .to_str()
                .unwrap()
                .contains("/_local/files/")
        );
    }
    let listed = api
        .call(&api.key, Method::GET, &format!("{links}?{owner}"), None)
        .await
        .json();
    assert_eq!(listed["items"][0]["downloads"], 2);
    let wrong = testkit::send(&api.router, public("/d/not-a-token")).await;
    assert_eq!(wrong.status, StatusCode::NOT_FOUND);

    // Expired after its two days.
    clock.advance(chrono::Duration::days(2));
    assert_eq!(
        testkit::send(&api.router, public(path)).await.status,
        StatusCode::NOT_FOUND
    );

    // Revoked: a fresh link, then revoked, is dead at once.
    let fresh = api
        .call(&api.key, Method::POST, &links, Some(create(json!(7))))
        .await
        .json();
    let fresh_path = fresh["url"]
        .as_str()
        .unwrap()
        .strip_prefix("https://agentur.agency.example")
        .unwrap()
        .to_owned();
    assert_eq!(
        testkit::send(&api.router, public(&fresh_path)).await.status,
        StatusCode::SEE_OTHER
    );
    let revoke = format!("{links}/{}?{owner}", fresh["id"].as_str().unwrap());
    let revoked = api.call(&api.key, Method::DELETE, &revoke, None).await;
    assert_eq!(revoked.status, StatusCode::OK, "{}", revoked.text);
    assert_eq!(revoked.json()["usable"], false);
    assert_eq!(
        testkit::send(&api.router, public(&fresh_path)).await.status,
        StatusCode::NOT_FOUND
    );
    let other = testkit::agency(api.store.as_ref(), &new_tenant("Dritte"), "x").await;
    let foreign = api.call(&other.key, Method::DELETE, &revoke, None).await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);
}

/// A request with the session as the browser sends it: the cookie.
fn by_cookie(session: &str, method: Method, uri: &str, form: Option<&str>) -> Request<Body> {
    let builder = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::COOKIE, format!("portal_session={session}"));
    match form {
        Some(form) => builder
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(form.to_owned()))
            .unwrap(),
        None => builder.body(Body::empty()).unwrap(),
    }
}

#[tokio::test]
async fn a_form_post_by_cookie_reaches_no_json_route_without_the_csrf_header() {
    // The session lets a cookie's urlencoded post through for a page handler to check the
    // body's token; the JSON routes read no body token, so such a post (which another site
    // of the same site could send) must not complete, sign or start anything.
    let api = Api::new().await;
    let id = portal::domain::FileId::new();
    for path in [
        format!("/files/{id}/complete"),
        format!("/files/{id}/parts"),
        "/files/uploads".to_owned(),
    ] {
        let posted = testkit::send(
            &api.router,
            by_cookie(&api.session, Method::POST, &path, Some("csrf=x")),
        )
        .await;
        assert_eq!(
            posted.status,
            StatusCode::FORBIDDEN,
            "{path}: {}",
            posted.text
        );
        assert_eq!(
            posted.json()["type"],
            "/problems/csrf-token-invalid",
            "{path}"
        );
    }
}

#[tokio::test]
async fn the_files_page_lists_escapes_and_deletes_without_a_script() {
    let api = Api::new().await;
    let hostile = "<img src=x onerror=alert(1)>\u{202e}fdp.exe.pdf";
    let started = api
        .upload(
            &api.session,
            json!({"filename": hostile, "contentType": "application/pdf", "size": 1400, "folder": "Entwürfe & <Logos>"}),
        )
        .await;
    assert_eq!(started.status, StatusCode::CREATED, "{}", started.text);
    let id = started.json()["file"]["id"].as_str().unwrap().to_owned();
    api.make_available(api.customer, &id).await;

    let logged_out = testkit::send(
        &api.router,
        Request::get("/files/page").body(Body::empty()).unwrap(),
    )
    .await;
    let page = testkit::send(
        &api.router,
        by_cookie(&api.session, Method::GET, "/files/page", None),
    )
    .await;
    let bad_folder = testkit::send(
        &api.router,
        by_cookie(&api.session, Method::GET, "/files/page?folder=a%2Fb", None),
    )
    .await;

    assert_eq!(logged_out.status, StatusCode::SEE_OTHER);
    assert_eq!(
        logged_out.headers[header::LOCATION],
        "/login?next=%2Ffiles%2Fpage"
    );
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert!(
        page.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    // Its own policy: its script by hash, never inline script in general; still unframeable.
    let csp = page.headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap();
    assert!(csp.contains("script-src 'sha256-"), "{csp}");
    assert!(!csp.contains("unsafe-inline'; script") && !csp.contains("script-src 'unsafe"));
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    let html = &page.text;
    assert!(!html.contains("<img src=x"), "{html}");
    assert!(
        html.contains("&lt;img src=x onerror=alert(1)&gt;"),
        "{html}"
    );
    assert!(html.contains("Entwürfe &amp; &lt;Logos&gt;"), "{html}");
    assert!(html.contains(&format!("href=\"/files/{id}/download\"")));
    assert!(html.contains(&format!("action=\"/files/{id}/delete\"")));
    assert_eq!(
        bad_folder.status,
        StatusCode::BAD_REQUEST,
        "{}",
        bad_folder.text
    );
    assert_eq!(bad_folder.json()["errors"][0]["field"], "folder");

    // The delete button: without the session's CSRF token nothing happens.
    let csrf_at = html.find("name=\"csrf\" value=\"").unwrap() + 19;
    let csrf = &html[csrf_at..csrf_at + html[csrf_at..].find('"').unwrap()];
    let path = format!("/files/{id}/delete");
    let forged = testkit::send(
        &api.router,
        by_cookie(&api.session, Method::POST, &path, Some("csrf=forged")),
    )
    .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN, "{}", forged.text);
    assert_eq!(api.record(api.customer, &id).await.id.to_string(), id);
    // Another customer can't delete it either (it is not found for them).
    let (_, other) =
        testkit::customer_session(api.store.as_ref(), api.tenant, &unique_email()).await;
    let foreign = testkit::send(
        &api.router,
        Request::post(&path)
            .header(header::AUTHORIZATION, format!("Bearer {other}"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from("csrf=x"))
            .unwrap(),
    )
    .await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND, "{}", foreign.text);
    let deleted = testkit::send(
        &api.router,
        by_cookie(
            &api.session,
            Method::POST,
            &path,
            Some(&format!("csrf={csrf}")),
        ),
    )
    .await;
    assert_eq!(deleted.status, StatusCode::SEE_OTHER, "{}", deleted.text);
    assert_eq!(
        deleted.headers[header::LOCATION],
        "/files/page?notice=deleted"
    );
    let after = api
        .call(&api.session, Method::GET, &format!("/files/{id}"), None)
        .await;
    assert_eq!(after.status, StatusCode::NOT_FOUND);
}

/// The value of the first `name="csrf"` field of a page.
fn csrf_of(html: &str) -> String {
    let at = html.find("name=\"csrf\" value=\"").unwrap() + 19;
    html[at..at + html[at..].find('"').unwrap()].to_owned()
}

#[tokio::test]
async fn staff_see_a_customers_files_page_share_a_direct_link_and_revoke_it() {
    // Arrange: a file the customer uploaded, a staff user of the agency (in French), and a
    // customer of another agency.
    let api = Api::new().await;
    let file = api.customer_upload("Angebot.pdf", 1400).await;
    let id = file["file"]["id"].as_str().unwrap().to_owned();
    api.make_available(api.customer, &id).await;
    let (_, staff) = testkit::staff_session(
        api.store.as_ref(),
        api.tenant,
        &unique_email(),
        portal::domain::Language::Fr,
    )
    .await;
    let other = testkit::agency(api.store.as_ref(), &new_tenant("Andere"), "x").await;
    let (stranger, _) =
        testkit::customer_session(api.store.as_ref(), other.tenant.id, &unique_email()).await;
    let c = api.customer;
    let fr = |key| portal::i18n::t(portal::domain::Language::Fr, key);

    // Act / Assert: the page of the agency's customer, in the staff user's language.
    let page = testkit::send(
        &api.router,
        by_cookie(
            &staff,
            Method::GET,
            &format!("/files/page?customerId={c}"),
            None,
        ),
    )
    .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    let html = page.text.replace("&#x2f;", "/").replace("&#x3d;", "=");
    assert!(html.contains(&fr("page-files-by-the-customer")), "{html}");
    assert!(html.contains("Fichiers de Bäckerei Schmidt"), "{html}");
    assert!(
        html.contains(&format!("href=\"/files/{id}/download?customerId={c}\"")),
        "{html}"
    );
    assert!(
        html.contains(&format!("data-customer-id=\"{c}\"")),
        "{html}"
    );
    assert!(
        html.contains(&format!("action=\"/files/{id}/share\"")),
        "{html}"
    );
    let csrf = csrf_of(&page.text);

    // Without a customer staff have their own page; another agency's customer is not found.
    let own = testkit::send(
        &api.router,
        by_cookie(&staff, Method::GET, "/files/page", None),
    )
    .await;
    assert_eq!(own.status, StatusCode::SEE_OTHER);
    assert_eq!(own.headers[header::LOCATION], "/me");
    let foreign = testkit::send(
        &api.router,
        by_cookie(
            &staff,
            Method::GET,
            &format!("/files/page?customerId={stranger}"),
            None,
        ),
    )
    .await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND, "{}", foreign.text);

    // What the page's links and script do, in the staff session: download, share a file.
    let download = testkit::send(
        &api.router,
        by_cookie(
            &staff,
            Method::GET,
            &format!("/files/{id}/download?customerId={c}"),
            None,
        ),
    )
    .await;
    assert_eq!(download.status, StatusCode::SEE_OTHER, "{}", download.text);
    let shared = testkit::send(
        &api.router,
        Request::post("/files/uploads")
            .header(header::COOKIE, format!("portal_session={staff}"))
            .header("x-csrf-token", &csrf)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(
                json!({"filename": "Entwurf.pdf", "contentType": "application/pdf", "size": 10, "customerId": c.to_string()})
                    .to_string(),
            ))
            .unwrap(),
    )
    .await;
    assert_eq!(shared.status, StatusCode::CREATED, "{}", shared.text);
    assert_eq!(shared.json()["file"]["uploadedBy"], "agency");

    // A direct link for 3 days: shown once on the page; it downloads without a login.
    let share = format!("/files/{id}/share");
    let post = |path: &str, body: String| by_cookie(&staff, Method::POST, path, Some(&body));
    let forged = post(
        &share,
        format!("csrf=forged&customerId={c}&expiresInDays=3"),
    );
    assert_eq!(
        testkit::send(&api.router, forged).await.status,
        StatusCode::FORBIDDEN
    );
    let too_long = testkit::send(
        &api.router,
        post(
            &share,
            format!("csrf={csrf}&customerId={c}&expiresInDays=8"),
        ),
    )
    .await;
    assert_eq!(
        too_long.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        too_long.text
    );
    assert_eq!(too_long.json()["errors"][0]["field"], "expiresInDays");
    let stranger_share = testkit::send(
        &api.router,
        post(
            &share,
            format!("csrf={csrf}&customerId={stranger}&expiresInDays=3"),
        ),
    )
    .await;
    assert_eq!(stranger_share.status, StatusCode::NOT_FOUND);
    let made = testkit::send(
        &api.router,
        post(
            &share,
            format!("csrf={csrf}&customerId={c}&expiresInDays=3"),
        ),
    )
    .await;
    assert_eq!(made.status, StatusCode::OK, "{}", made.text);
    let made_html = made.text.replace("&#x2f;", "/");
    assert!(
        made_html.contains(&fr("page-files-link-created")),
        "{made_html}"
    );
    let at = made_html
        .find("id=\"direct-link\" class=\"direct-link\">")
        .unwrap()
        + 35;
    let url = &made_html[at..at + made_html[at..].find('<').unwrap()];
    let token_path = &url[url.find("/d/").unwrap()..];
    let followed = testkit::send(
        &api.router,
        Request::get(token_path).body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(followed.status, StatusCode::SEE_OTHER, "{}", followed.text);
    let links = api
        .call(
            &api.key,
            Method::GET,
            &format!("/files/{id}/links?customerId={c}"),
            None,
        )
        .await
        .json();
    let expires: chrono::DateTime<chrono::Utc> = links["items"][0]["expiresAt"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let days = (expires - chrono::Utc::now()).num_hours();
    assert!((71..=72).contains(&days), "{links}");

    // The customer can't make links from the page.
    let customer_page = testkit::send(
        &api.router,
        by_cookie(&api.session, Method::GET, "/files/page", None),
    )
    .await;
    let customer_form = format!("csrf={}&expiresInDays=3", csrf_of(&customer_page.text));
    let by_customer = testkit::send(
        &api.router,
        by_cookie(&api.session, Method::POST, &share, Some(&customer_form)),
    )
    .await;
    assert_eq!(
        by_customer.status,
        StatusCode::FORBIDDEN,
        "{}",
        by_customer.text
    );

    // The page lists the link with its revoke button; revoking stops it.
    let listed = testkit::send(
        &api.router,
        by_cookie(
            &staff,
            Method::GET,
            &format!("/files/page?customerId={c}"),
            None,
        ),
    )
    .await
    .text
    .replace("&#x2f;", "/");
    let revoke_at = listed.find("/revoke\"").expect("a revoke button");
    let revoke_path = &listed[listed[..revoke_at].rfind("action=\"").unwrap() + 8..revoke_at + 7];
    let revoked = testkit::send(
        &api.router,
        post(revoke_path, format!("csrf={csrf}&customerId={c}")),
    )
    .await;
    assert_eq!(revoked.status, StatusCode::SEE_OTHER, "{}", revoked.text);
    assert_eq!(
        revoked.headers[header::LOCATION],
        format!("/files/page?customerId={c}&notice=link-revoked").as_str()
    );
    let dead = testkit::send(
        &api.router,
        Request::get(token_path).body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(dead.status, StatusCode::NOT_FOUND);

    // Staff delete from the page and come back to the customer's page.
    let deleted = testkit::send(
        &api.router,
        post(
            &format!("/files/{id}/delete"),
            format!("csrf={csrf}&customerId={c}"),
        ),
    )
    .await;
    assert_eq!(deleted.status, StatusCode::SEE_OTHER, "{}", deleted.text);
    assert_eq!(
        deleted.headers[header::LOCATION],
        format!("/files/page?customerId={c}&notice=deleted").as_str()
    );
}

#[tokio::test]
async fn the_staff_files_page_renders_in_every_language() {
    let api = Api::new().await;
    let c = api.customer;
    for language in portal::domain::Language::ALL {
        let (_, staff) =
            testkit::staff_session(api.store.as_ref(), api.tenant, &unique_email(), language).await;
        let page = testkit::send(
            &api.router,
            by_cookie(
                &staff,
                Method::GET,
                &format!("/files/page?customerId={c}"),
                None,
            ),
        )
        .await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text);
        let title = portal::i18n::t_with(
            language,
            "page-files-staff-title",
            &[("company", "Bäckerei Schmidt")],
        );
        assert!(page.text.contains(&title), "{language:?}: {}", page.text);
    }
}
