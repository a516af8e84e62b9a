//! Warm cost per request with the embedded adapters, through the routers as the local runner
//! merges them (`portal_infra::app`, every function's routes, the in-memory SQLite store and
//! outbox): what a warm function spends of its own, with storage that answers in
//! microseconds. Login and set-password are reported beside one Argon2id hash and one verify.
//!
//! Run by infra/bench/run.sh (`cargo bench -p portal-bench --bench routes`).

use std::{
    sync::atomic::{AtomicU64, Ordering},
    time::{Duration, Instant},
};

use axum::{
    Router,
    body::Body,
    http::{Request, StatusCode},
};
use criterion::{Criterion, criterion_group, criterion_main};
use portal::{
    domain::{
        CustomerId, FileId, FileRecord, FileState, NewTenant, ObjectKey, TenantId, Uploader,
        password::Password,
    },
    http::ClientAddress,
};
use portal_infra::backend::Services;
use serde_json::{Value, json};
use tower::ServiceExt;

const HOST: &str = "portal.bench.example";
const PASSWORD: &str = "Kuchen-und-Brot-2026!";

struct Portal {
    app: Router,
    services: Services,
    key: String,
    customer: String,
    email: String,
}

/// The customer's draft site, where the feedback overlay runs.
const FEEDBACK_SITE: &str = "https://entwurf.baeckerei.example";

static UNIQUE: AtomicU64 = AtomicU64::new(0);

fn unique() -> u64 {
    UNIQUE.fetch_add(1, Ordering::Relaxed)
}

async fn send(
    app: &Router,
    method: &str,
    uri: &str,
    auth: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, Value) {
    send_with(app, method, uri, auth, body, &[]).await
}

async fn send_with(
    app: &Router,
    method: &str,
    uri: &str,
    auth: Option<&str>,
    body: Option<Value>,
    headers: &[(&str, &str)],
) -> (StatusCode, Value) {
    let mut request = Request::builder()
        .method(method)
        .uri(uri)
        .header("host", HOST);
    if let Some(token) = auth {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    let body = match body {
        Some(json) => {
            request = request.header("content-type", "application/json");
            Body::from(json.to_string())
        }
        None => Body::empty(),
    };
    let mut request = request.body(body).expect("a request");
    request
        .extensions_mut()
        .insert(ClientAddress(format!("198.51.100.{}", unique() % 250)));
    let response = app
        .clone()
        .oneshot(request)
        .await
        .expect("the router answers");
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), 64 << 20)
        .await
        .unwrap_or_default();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

fn expect(what: &str, (status, body): (StatusCode, Value), want: StatusCode) -> Value {
    assert_eq!(status, want, "{what}: {body}");
    body
}

async fn portal() -> Portal {
    let services = Services::in_memory();
    let agency = testkit::agency::agency(
        services.store.as_ref(),
        &NewTenant {
            name: "Bench Agency".into(),
            portal_base_url: format!("https://{HOST}"),
            sender_email: "portal@bench.example".into(),
            default_language: "de".into(),
            tier: "professional".into(),
        },
        "bench",
    )
    .await;
    let app = portal_infra::app(&services);
    let email = "anna@baeckerei.example".to_owned();
    let customer = expect(
        "create the customer",
        send(
            &app,
            "POST",
            "/customers",
            Some(&agency.key),
            Some(customer_json(&email)),
        )
        .await,
        StatusCode::CREATED,
    );
    Portal {
        app,
        services,
        key: agency.key,
        customer: customer["id"].as_str().expect("an id").to_owned(),
        email,
    }
}

async fn new_customer(p: &Portal) -> String {
    let email = format!("kunde{}@baeckerei.example", unique());
    let customer = expect(
        "create",
        send(
            &p.app,
            "POST",
            "/customers",
            Some(&p.key),
            Some(customer_json(&email)),
        )
        .await,
        StatusCode::CREATED,
    );
    customer["id"].as_str().expect("an id").to_owned()
}

fn customer_json(email: &str) -> Value {
    json!({"companyName": "Bäckerei Schmidt GmbH", "owner": "Anna Schmidt", "language": "de",
           "address": {"street": "Hauptstraße 1", "postalCode": "10115", "city": "Berlin", "country": "DE"},
           "emails": ["buero@baeckerei.example"], "loginEmail": email})
}

/// A set-password link for `customer` (who has no password yet).
async fn link_token(p: &Portal, customer: &str) -> String {
    let link = expect(
        "copy a link",
        send(
            &p.app,
            "POST",
            &format!("/customers/{customer}/invitation-link"),
            Some(&p.key),
            Some(json!({"area": "wishes"})),
        )
        .await,
        StatusCode::CREATED,
    );
    let url = link["invitationLink"].as_str().expect("a link");
    url.rsplit('/').next().expect("a token").to_owned()
}

async fn set_password(p: &Portal, token: &str) -> String {
    let session = expect(
        "set the password",
        send(
            &p.app,
            "POST",
            "/invitations/accept",
            None,
            Some(json!({"token": token, "password": PASSWORD})),
        )
        .await,
        StatusCode::OK,
    );
    session["sessionToken"]
        .as_str()
        .expect("a session")
        .to_owned()
}

/// S3's ObjectCreated event as AWS delivers it (upload-events' fixture), for `key`.
const S3_EVENT: &str =
    include_str!("../../functions/upload-events/tests/fixtures/s3-object-created.json");

/// A PDF's first bytes: what the handler's check of the content looks for.
const PDF: &[u8] = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n";

/// A new pending file with its bytes in the embedded S3 twin; answers S3's event for it.
async fn uploaded(p: &Portal) -> Value {
    let (tenant, customer, id) = (TenantId::new(), CustomerId::new(), FileId::new());
    let name = "Angebot März.pdf";
    let key = ObjectKey::for_upload(tenant, customer, &id.to_string(), name).expect("a key");
    let file = FileRecord {
        id,
        tenant_id: tenant,
        customer_id: customer,
        key: key.clone(),
        name: name.into(),
        folder: String::new(),
        content_type: "application/pdf".into(),
        declared_size: PDF.len() as u64,
        size: None,
        etag: None,
        state: FileState::Pending,
        uploaded_by: Uploader::Customer,
        created_at: chrono::Utc::now(),
        uploaded_at: None,
        reason: None,
        version: 1,
        multipart: None,
    };
    p.services
        .store
        .create_file(&file, 1 << 30)
        .await
        .expect("the file is recorded");
    p.services
        .local_files
        .as_ref()
        .expect("the embedded S3 twin")
        .write(&key, "application/pdf", PDF.to_vec())
        .await
        .expect("the object is stored");
    // S3 writes keys into events form-encoded, slashes kept.
    let encoded =
        percent_encoding::utf8_percent_encode(key.as_str(), percent_encoding::NON_ALPHANUMERIC)
            .to_string()
            .replace("%2F", "/");
    serde_json::from_str(&S3_EVENT.replace("__KEY__", &encoded)).expect("the event's JSON")
}

fn routes(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("a runtime");
    let p = rt.block_on(portal());
    let session = rt.block_on(async {
        let token = link_token(&p, &p.customer).await;
        set_password(&p, &token).await
    });
    // Invitations go to a customer who has not set a password (an active one gets 409).
    let invitee = rt.block_on(new_customer(&p));
    let forms: Vec<String> = rt.block_on(async {
        let mut forms = Vec::new();
        for i in 0..60 {
            let form = expect(
                "register a form",
                send(&p.app, "POST", &format!("/forms?customerId={}", p.customer), Some(&p.key),
                    Some(json!({"name": format!("Kontakt {i}"), "recipients": ["info@baeckerei.example"]}))).await,
                StatusCode::CREATED,
            );
            forms.push(form["id"].as_str().expect("a form id").to_owned());
        }
        forms
    });

    let mut group = c.benchmark_group("warm");
    group.sample_size(20);

    group.bench_function("create customer", |b| {
        b.to_async(&rt).iter(|| async {
            let email = format!("kunde{}@baeckerei.example", unique());
            expect(
                "create",
                send(
                    &p.app,
                    "POST",
                    "/customers",
                    Some(&p.key),
                    Some(customer_json(&email)),
                )
                .await,
                StatusCode::CREATED,
            );
        })
    });
    group.bench_function("send invitation (email)", |b| {
        b.to_async(&rt).iter(|| async {
            let key = format!("bench-{}", unique());
            expect(
                "send",
                send_with(
                    &p.app,
                    "POST",
                    &format!("/customers/{invitee}/invitations"),
                    Some(&p.key),
                    Some(json!({"channels": ["email"], "area": "files"})),
                    &[("idempotency-key", &key)],
                )
                .await,
                StatusCode::CREATED,
            );
        })
    });
    group.bench_function("presign an upload", |b| {
        b.to_async(&rt).iter(|| async {
            expect(
                "presign",
                send(&p.app, "POST", "/files/uploads", Some(&p.key),
                    Some(json!({"customerId": p.customer, "filename": "Angebot.pdf", "contentType": "application/pdf", "size": 4821}))).await,
                StatusCode::CREATED,
            );
        })
    });
    // Feedback through the overlay: the project in its feedback phase, the draft site
    // registered, and the overlay's token from "Give feedback" (a 303 to the site).
    let overlay_token = rt.block_on(async {
        let customer = &p.customer;
        expect(
            "feedback phase",
            send(
                &p.app,
                "PUT",
                &format!("/customers/{customer}/status"),
                Some(&p.key),
                Some(json!({"status": "feedback"})),
            )
            .await,
            StatusCode::OK,
        );
        expect(
            "draft site",
            send(
                &p.app,
                "PUT",
                &format!("/feedback/site?customerId={customer}"),
                Some(&p.key),
                Some(json!({"draftUrl": format!("{FEEDBACK_SITE}/")})),
            )
            .await,
            StatusCode::OK,
        );
        let request = Request::builder()
            .method("POST")
            .uri("/feedback/open")
            .header("host", HOST)
            .header("authorization", format!("Bearer {session}"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from("page="))
            .expect("a request");
        let response = p.app.clone().oneshot(request).await.expect("an answer");
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "give feedback");
        let location = response.headers()["location"]
            .to_str()
            .expect("a location")
            .to_owned();
        location
            .split_once("#portal-feedback=")
            .and_then(|(_, t)| t.split('&').next())
            .expect("the overlay's token in the fragment")
            .to_owned()
    });
    group.bench_function("create a feedback item", |b| {
        b.to_async(&rt).iter(|| async {
            // A page of its own each time: a page takes at most 100 items.
            let page = format!("{FEEDBACK_SITE}/seite-{}", unique());
            expect(
                "feedback item",
                send_with(&p.app, "POST", "/feedback/overlay/items", Some(&overlay_token),
                    Some(json!({"pageUrl": page, "selector": "main > h1", "snippet": "Unser Brot",
                        "position": {"x": 0.5, "y": 0.25}, "viewport": {"width": 1280, "height": 800},
                        "userAgent": "Mozilla/5.0 (bench)", "comment": "Bitte das Roggenbrot zuerst zeigen."})),
                    &[("origin", FEEDBACK_SITE)]).await,
                StatusCode::CREATED,
            );
        })
    });
    let version = std::sync::Mutex::new(0u64);
    group.bench_function("save wishes", |b| {
        b.to_async(&rt).iter(|| async {
            let v = *version.lock().unwrap();
            let saved = expect(
                "save",
                send(&p.app, "PUT", "/me/wishes", Some(&session),
                    Some(json!({"version": v, "brief": {"pages": [{"title": "Start", "purpose": "Wer wir sind"}, {"title": "Brot"}], "tone": "warm"}}))).await,
                StatusCode::OK,
            );
            *version.lock().unwrap() = saved["version"].as_u64().unwrap_or(v + 1);
        })
    });
    group.bench_function("read wishes (session)", |b| {
        b.to_async(&rt).iter(|| async {
            expect(
                "read",
                send(&p.app, "GET", "/me/wishes", Some(&session), None).await,
                StatusCode::OK,
            );
        })
    });
    // Each address may post 10 entries and each form 300 in ten minutes: spread over both.
    group.bench_function("accept a form entry", |b| {
        b.to_async(&rt).iter(|| async {
            let n = unique();
            let form = &forms[(n / 250) as usize % forms.len()];
            let mut request = Request::builder()
                .method("POST")
                .uri(format!("/f/{form}"))
                .header("host", HOST)
                .header("accept", "application/json")
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Body::from(
                    "name=Jonas+Weber&email=jonas%40example.com&message=Drei+Roggenbrote+bitte",
                ))
                .expect("a request");
            request.extensions_mut().insert(ClientAddress(format!(
                "10.{}.{}.{}",
                (n >> 16) & 255,
                (n >> 8) & 255,
                n & 255
            )));
            let response = p.app.clone().oneshot(request).await.expect("an answer");
            assert!(
                response.status().is_success(),
                "intake: {}",
                response.status()
            );
        })
    });
    // An upload's S3 event: each time a new pending file (recorded, and its bytes in the
    // embedded S3 twin, untimed), then the upload-events handler given S3's ObjectCreated
    // event for it, timed alone: it reads the record and the object, checks the bytes and
    // records the file as available with its notice.
    let events = upload_events::EventsState::new(
        p.services.app_state(),
        p.services
            .local_files
            .clone()
            .expect("the embedded S3 twin"),
        p.services.mailer.clone(),
    );
    group.bench_function("handle an upload event", |b| {
        b.to_async(&rt).iter_custom(|iters| {
            let (p, events) = (&p, &events);
            async move {
                let mut spent = Duration::ZERO;
                for _ in 0..iters {
                    let payload = uploaded(p).await;
                    let start = Instant::now();
                    let handled = upload_events::dispatch(events, payload)
                        .await
                        .expect("the event is handled");
                    spent += start.elapsed();
                    assert!(
                        matches!(&handled, upload_events::Handled::Uploads(o) if matches!(o.as_slice(), [upload_events::Outcome::Available(_)])),
                        "{handled:?}"
                    );
                }
                spent
            }
        })
    });
    group.bench_function("list customers", |b| {
        b.to_async(&rt).iter(|| async {
            expect(
                "list",
                send(&p.app, "GET", "/customers?limit=25", Some(&p.key), None).await,
                StatusCode::OK,
            );
        })
    });
    group.finish();

    // The CSV of 1,000 entries: one customer with exactly that many.
    let csv_customer = rt.block_on(async {
        let customer = expect("customer", send(&p.app, "POST", "/customers", Some(&p.key), Some(customer_json("csv@baeckerei.example"))).await, StatusCode::CREATED);
        let id = customer["id"].as_str().expect("an id").to_owned();
        let mut forms = Vec::new();
        for i in 0..4 {
            let form = expect("form", send(&p.app, "POST", &format!("/forms?customerId={id}"), Some(&p.key),
                Some(json!({"name": format!("CSV {i}"), "recipients": ["info@baeckerei.example"]}))).await, StatusCode::CREATED);
            forms.push(form["id"].as_str().expect("a form id").to_owned());
        }
        for n in 0..1000u32 {
            let mut request = Request::builder()
                .method("POST")
                .uri(format!("/f/{}", forms[(n / 250) as usize]))
                .header("host", HOST)
                .header("accept", "application/json")
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Body::from(format!("name=Besucher+{n}&email=b{n}%40example.com&message=Nachricht+Nummer+{n}%2C+mit+%C3%84%C3%B6%C3%BC")))
                .expect("a request");
            request.extensions_mut().insert(ClientAddress(format!("172.16.{}.{}", n / 8 / 250, n / 8 % 250)));
            let response = p.app.clone().oneshot(request).await.expect("an answer");
            assert!(response.status().is_success(), "seeding intake: {}", response.status());
        }
        id
    });
    let mut group = c.benchmark_group("warm");
    group.sample_size(10);
    group.bench_function("export CSV of 1,000 entries", |b| {
        b.to_async(&rt).iter(|| async {
            let request = Request::builder()
                .uri(format!("/form-entries/csv?customerId={csv_customer}"))
                .header("host", HOST)
                .header("authorization", format!("Bearer {}", p.key))
                .body(Body::empty())
                .expect("a request");
            let response = p.app.clone().oneshot(request).await.expect("an answer");
            assert_eq!(response.status(), StatusCode::OK);
            let bytes = axum::body::to_bytes(response.into_body(), 64 << 20)
                .await
                .expect("the CSV");
            assert!(bytes.len() > 1000 * 20, "the CSV holds every entry");
        })
    });

    // Password hashing: one hash, one verify, and the two routes that do one each.
    group.bench_function("argon2id hash alone", |b| {
        let password = Password::new(PASSWORD);
        b.to_async(&rt).iter(|| async {
            portal::password_hash::hash(&password)
                .await
                .expect("a hash")
        })
    });
    let stored = rt
        .block_on(portal::password_hash::hash(&Password::new(PASSWORD)))
        .expect("a hash");
    group.bench_function("argon2id verify alone", |b| {
        let password = Password::new(PASSWORD);
        b.to_async(&rt).iter(|| async {
            portal::password_hash::verify(&password, Some(&stored))
                .await
                .expect("verified")
        })
    });
    group.bench_function("login", |b| {
        b.to_async(&rt).iter(|| async {
            expect(
                "login",
                send(
                    &p.app,
                    "POST",
                    "/login",
                    None,
                    Some(json!({"email": p.email, "password": PASSWORD})),
                )
                .await,
                StatusCode::OK,
            );
        })
    });
    // A link is used once: each timed set-password gets a fresh one, made off the clock.
    let portal = &p;
    group.bench_function("set password from a link", |b| {
        b.to_async(&rt).iter_custom(|iters| async move {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let customer = new_customer(portal).await;
                let token = link_token(portal, &customer).await;
                let started = Instant::now();
                set_password(portal, &token).await;
                total += started.elapsed();
            }
            total
        })
    });
    group.finish();
}

criterion_group!(benches, routes);
criterion_main!(benches);
