//! `GET/PUT /file-settings` through the uploads router with `oneshot`: the agency's limits
//! as staff read and change them, what the upload route then does with them, and every
//! limit a bad value breaks answered as 422 naming the field.

use std::sync::Arc;

use axum::{
    Router,
    body::Body,
    http::{Method, Request, StatusCode, header},
};
use portal::{
    AppState,
    domain::{FileId, FileSettings, Language, NewTenant, TenantId},
    embedded::{self, LocalFileStore},
    ports::Store,
};
use serde_json::{Value, json};
use testkit::Answer;

const MIB: u64 = 1024 * 1024;
const GIB: u64 = 1024 * MIB;
const TIB: u64 = 1024 * GIB;

struct Api {
    router: Router,
    store: Arc<dyn Store>,
    tenant: TenantId,
    key: String,
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
        let store: Arc<dyn Store> = Arc::new(embedded::in_memory_store());
        let agency = testkit::agency(store.as_ref(), &new_tenant("Agentur"), "test").await;
        let (_, session) =
            testkit::customer_session(store.as_ref(), agency.tenant.id, &unique_email()).await;
        let objects = Arc::new(LocalFileStore::in_memory(
            "http://127.0.0.1:9".parse().unwrap(),
        ));
        let state = uploads::UploadsState::new(AppState::from_store(store.clone()), objects);
        Self {
            router: uploads::router(state),
            store,
            tenant: agency.tenant.id,
            key: agency.key,
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
        if !answer.status.is_success() {
            assert_eq!(
                answer.headers[header::CONTENT_TYPE],
                "application/problem+json",
                "every error is problem+json: {}",
                answer.text
            );
        }
        answer
    }

    async fn save(&self, body: Value) -> Answer {
        self.call(&self.key, Method::PUT, "/file-settings", Some(body))
            .await
    }

    async fn upload(&self, content_type: &str, size: u64) -> Answer {
        self.call(
            &self.session,
            Method::POST,
            "/files/uploads",
            Some(json!({"filename": "Film.bin", "contentType": content_type, "size": size})),
        )
        .await
    }
}

fn settings(types: &[&str], max: u64, quota: u64) -> Value {
    json!({"allowedTypes": types, "maxFileSize": max, "quotaPerCustomer": quota})
}

fn fields(answer: &Answer) -> Vec<String> {
    answer.json()["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("errors in {}", answer.text))
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn an_agency_without_settings_reads_the_defaults() {
    let api = Api::new().await;

    let answer = api
        .call(&api.key, Method::GET, "/file-settings", None)
        .await;

    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    let defaults = FileSettings::default();
    assert_eq!(
        answer.json(),
        json!({
            "allowedTypes": defaults.allowed_types,
            "maxFileSize": defaults.max_file_size,
            "quotaPerCustomer": defaults.quota_per_customer,
        })
    );
}

#[tokio::test]
async fn raising_the_maximum_to_1_gib_lets_a_200_mib_upload_go_in_parts() {
    let api = Api::new().await;
    let refused = api.upload("application/zip", 200 * MIB).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);

    let saved = api
        .save(settings(&["application/zip", "image/*"], GIB, 10 * GIB))
        .await;
    let started = api.upload("application/zip", 200 * MIB).await;

    assert_eq!(saved.status, StatusCode::OK, "{}", saved.text);
    assert_eq!(
        saved.json(),
        settings(&["application/zip", "image/*"], GIB, 10 * GIB)
    );
    let read = api
        .call(&api.key, Method::GET, "/file-settings", None)
        .await;
    assert_eq!(read.json(), saved.json());
    assert_eq!(started.status, StatusCode::CREATED, "{}", started.text);
    let started = started.json();
    assert!(started.get("upload").is_none(), "{started}");
    assert_eq!(started["multipart"]["partSize"], 16 * MIB);
    assert_eq!(started["multipart"]["partCount"], 13);
}

#[tokio::test]
async fn a_type_removed_from_the_allow_list_is_refused_afterwards() {
    let api = Api::new().await;
    assert_eq!(
        api.upload("application/pdf", 1000).await.status,
        StatusCode::CREATED
    );

    api.save(settings(&["image/*"], 100 * MIB, GIB)).await;
    let pdf = api.upload("application/pdf", 1000).await;
    let png = api.upload("image/png", 1000).await;

    assert_eq!(pdf.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", pdf.text);
    assert_eq!(fields(&pdf), ["contentType"]);
    assert_eq!(png.status, StatusCode::CREATED, "{}", png.text);
}

#[tokio::test]
async fn types_are_kept_in_lowercase_without_repeats() {
    let api = Api::new().await;

    let saved = api
        .save(settings(
            &[" Application/PDF ", "application/pdf", "IMAGE/*"],
            MIB,
            MIB,
        ))
        .await;

    assert_eq!(saved.status, StatusCode::OK, "{}", saved.text);
    assert_eq!(
        saved.json()["allowedTypes"],
        json!(["application/pdf", "image/*"])
    );
}

#[tokio::test]
async fn another_agencys_settings_are_untouched() {
    let api = Api::new().await;
    let other = testkit::agency(api.store.as_ref(), &new_tenant("Andere"), "other").await;

    api.save(settings(&["text/plain"], GIB, 10 * GIB)).await;
    let theirs = api
        .call(&other.key, Method::GET, "/file-settings", None)
        .await;

    assert_eq!(
        api.store.file_settings(other.tenant.id).await.unwrap(),
        FileSettings::default()
    );
    assert_eq!(
        theirs.json()["maxFileSize"],
        FileSettings::default().max_file_size
    );
    assert_eq!(
        api.store
            .file_settings(api.tenant)
            .await
            .unwrap()
            .max_file_size,
        GIB
    );
}

#[tokio::test]
async fn a_staff_session_may_change_the_settings() {
    let api = Api::new().await;
    let (_, staff) = testkit::staff_session(
        api.store.as_ref(),
        api.tenant,
        &unique_email(),
        Language::En,
    )
    .await;

    let saved = api
        .call(
            &staff,
            Method::PUT,
            "/file-settings",
            Some(settings(&["text/plain"], MIB, GIB)),
        )
        .await;

    assert_eq!(saved.status, StatusCode::OK, "{}", saved.text);
    assert_eq!(
        api.store
            .file_settings(api.tenant)
            .await
            .unwrap()
            .max_file_size,
        MIB
    );
}

#[tokio::test]
async fn a_customer_session_may_neither_read_nor_change_the_settings() {
    let api = Api::new().await;

    let read = api
        .call(&api.session, Method::GET, "/file-settings", None)
        .await;
    let saved = api
        .call(
            &api.session,
            Method::PUT,
            "/file-settings",
            Some(settings(&["application/x-msdownload"], 5 * TIB, 5 * TIB)),
        )
        .await;
    let nobody = api
        .call("nonsense", Method::GET, "/file-settings", None)
        .await;

    assert_eq!(read.status, StatusCode::FORBIDDEN, "{}", read.text);
    assert_eq!(saved.status, StatusCode::FORBIDDEN, "{}", saved.text);
    assert_eq!(nobody.status, StatusCode::UNAUTHORIZED, "{}", nobody.text);
    assert_eq!(
        api.store.file_settings(api.tenant).await.unwrap(),
        FileSettings::default()
    );
}

#[tokio::test]
async fn values_that_break_a_limit_are_422_naming_the_field() {
    let api = Api::new().await;
    let many: Vec<String> = (0..101).map(|i| format!("application/x-{i}")).collect();
    let long = format!("application/{}", "x".repeat(300));
    let cases = [
        (settings(&[], MIB, MIB), "allowedTypes"),
        (
            json!({"allowedTypes": many, "maxFileSize": MIB, "quotaPerCustomer": MIB}),
            "allowedTypes",
        ),
        (settings(&["pdf"], MIB, MIB), "allowedTypes[0]"),
        (
            settings(&["text/plain", "*/*"], MIB, MIB),
            "allowedTypes[1]",
        ),
        (settings(&["image/png; q=1"], MIB, MIB), "allowedTypes[0]"),
        (settings(&["image/p*"], MIB, MIB), "allowedTypes[0]"),
        (settings(&["bild/ä"], MIB, MIB), "allowedTypes[0]"),
        (
            settings(&["text/plain\u{202E}"], MIB, MIB),
            "allowedTypes[0]",
        ),
        (settings(&[long.as_str()], MIB, MIB), "allowedTypes[0]"),
        (
            json!({"allowedTypes": [7], "maxFileSize": MIB, "quotaPerCustomer": MIB}),
            "allowedTypes[0]",
        ),
        (
            json!({"allowedTypes": "image/*", "maxFileSize": MIB, "quotaPerCustomer": MIB}),
            "allowedTypes",
        ),
        (settings(&["image/*"], 0, MIB), "maxFileSize"),
        (settings(&["image/*"], 5 * TIB + 1, 6 * TIB), "maxFileSize"),
        (
            json!({"allowedTypes": ["image/*"], "maxFileSize": -1, "quotaPerCustomer": MIB}),
            "maxFileSize",
        ),
        (
            json!({"allowedTypes": ["image/*"], "maxFileSize": 1.5, "quotaPerCustomer": MIB}),
            "maxFileSize",
        ),
        (
            json!({"allowedTypes": ["image/*"], "maxFileSize": "1", "quotaPerCustomer": MIB}),
            "maxFileSize",
        ),
        (settings(&["image/*"], GIB, GIB - 1), "quotaPerCustomer"),
        (
            settings(&["image/*"], MIB, 1024 * TIB + 1),
            "quotaPerCustomer",
        ),
        (
            json!({"allowedTypes": ["image/*"], "maxFileSize": MIB}),
            "quotaPerCustomer",
        ),
    ];

    for (body, field) in cases {
        let answer = api.save(body.clone()).await;

        assert_eq!(
            answer.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {}",
            answer.text
        );
        assert_eq!(fields(&answer), [field], "{body}: {}", answer.text);
    }
    assert_eq!(
        api.store.file_settings(api.tenant).await.unwrap(),
        FileSettings::default(),
        "nothing was stored"
    );
}

#[tokio::test]
async fn the_limits_are_named_in_the_problem() {
    let api = Api::new().await;

    let big = api.save(settings(&["image/*"], 6 * TIB, 6 * TIB)).await;
    let quota = api.save(settings(&["image/*"], GIB, MIB)).await;

    let big = &big.json()["errors"][0];
    assert_eq!(big["args"]["max"], 5 * TIB);
    assert!(
        big["message"].as_str().unwrap().contains("5497558138880"),
        "{big}"
    );
    let quota = &quota.json()["errors"][0];
    assert_eq!(quota["args"]["min"], GIB);
}

#[tokio::test]
async fn an_unknown_member_is_refused() {
    let api = Api::new().await;

    let mut body = settings(&["image/*"], MIB, MIB);
    body["maxFileCount"] = json!(3);
    let answer = api.save(body).await;

    assert_eq!(
        answer.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        answer.text
    );
}
