//! Large files through the uploads router with `oneshot`: the plan, signed part batches,
//! the listing an interrupted upload resumes from, completion checked against the declared
//! size, abort, and isolation. Parts are stored in the local twin directly (as its part
//! route would), since no server runs here.

use std::sync::Arc;

use axum::{
    Router,
    body::Body,
    http::{Method, Request, StatusCode, header},
};
use portal::{
    domain::{CustomerId, FileId, FileRecord, FileSettings, FileState, NewTenant, TenantId},
    embedded::{self, LocalFileStore},
    ports::{FileStore as _, Store},
};
use serde_json::{Value, json};
use testkit::Answer;

const MIB: u64 = 1024 * 1024;
/// Just over the threshold: seven parts of 16 MiB, the last one 4 MiB and a byte.
const SIZE: u64 = 100 * MIB + 1;

struct Api {
    clock: Arc<testkit::TestClock>,
    router: Router,
    store: Arc<dyn Store>,
    objects: Arc<LocalFileStore>,
    tenant: TenantId,
    key: String,
    customer: CustomerId,
    session: String,
}

impl Api {
    async fn new() -> Self {
        let store: Arc<dyn Store> = Arc::new(embedded::in_memory_store());
        let tenant = NewTenant {
            name: "Agentur".into(),
            portal_base_url: "https://agentur.agency.example".into(),
            sender_email: "hello@agency.example".into(),
            default_language: "de".into(),
            tier: "starter".into(),
        };
        let agency = testkit::agency(store.as_ref(), &tenant, "test").await;
        let (customer, session) =
            testkit::customer_session(store.as_ref(), agency.tenant.id, &email()).await;
        store
            .put_file_settings(
                agency.tenant.id,
                &FileSettings {
                    max_file_size: 1024 * MIB,
                    quota_per_customer: 250 * MIB,
                    ..FileSettings::default()
                },
            )
            .await
            .unwrap();
        let objects = Arc::new(LocalFileStore::in_memory(
            "http://127.0.0.1:9".parse().unwrap(),
        ));
        let clock = Arc::new(testkit::TestClock::default());
        let mut all = portal::AppState::from_store(store.clone());
        all.clock = clock.clone();
        let state = uploads::UploadsState::new(all, objects.clone());
        Self {
            clock,
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

    /// Starts a large upload as the customer; answers the file id.
    async fn start(&self, size: u64) -> String {
        let answer = self
            .call(
                &self.session,
                Method::POST,
                "/files/uploads",
                Some(
                    json!({"filename": "Film.zip", "contentType": "application/zip", "size": size}),
                ),
            )
            .await;
        assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.text);
        answer.json()["file"]["id"].as_str().unwrap().to_owned()
    }

    async fn record(&self, id: &str) -> Option<FileRecord> {
        self.store
            .get_file(self.tenant, self.customer, id.parse().unwrap())
            .await
            .unwrap()
    }

    /// Stores part `number` with `size` bytes, as the twin's part route does for a PUT.
    async fn put_part(&self, id: &str, number: u16, size: u64) {
        let file = self.record(id).await.unwrap();
        let upload = file.multipart.unwrap();
        self.objects
            .write_part(&file.key, &upload.upload_id, number, vec![0; size as usize])
            .await
            .unwrap();
    }

    async fn usage(&self) -> u64 {
        self.store
            .file_usage(self.tenant, self.customer)
            .await
            .unwrap()
    }
}

fn email() -> String {
    format!("{}@kunde.example", FileId::new().to_string().to_lowercase())
}

fn codes(answer: &Answer) -> Vec<(String, String)> {
    answer.json()["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap().to_owned(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_file_above_100_mib_gets_a_parts_plan_instead_of_a_form() {
    let api = Api::new().await;

    let small = api
        .call(
            &api.session,
            Method::POST,
            "/files/uploads",
            Some(json!({"filename": "a.zip", "contentType": "application/zip", "size": 100 * MIB})),
        )
        .await;
    let large = api
        .call(
            &api.session,
            Method::POST,
            "/files/uploads",
            Some(json!({"filename": "b.zip", "contentType": "application/zip", "size": SIZE})),
        )
        .await;

    assert!(
        small.json()["upload"]["fields"].is_object(),
        "{}",
        small.text
    );
    assert!(small.json().get("multipart").is_none());
    let large = large.json();
    assert!(large.get("upload").is_none(), "{large}");
    assert_eq!(
        large["multipart"],
        json!({"partSize": 16 * MIB, "partCount": 7, "maxBatch": 100})
    );
    assert_eq!(large["file"]["state"], "pending");
    // The declared bytes are held against the quota from the start.
    assert_eq!(api.usage().await, 100 * MIB + SIZE);
}

#[tokio::test]
async fn an_interrupted_upload_lists_what_arrived_sends_the_rest_and_completes() {
    let api = Api::new().await;
    let id = api.start(SIZE).await;

    // A batch of part URLs for the customer's own upload.
    let signed = api
        .call(
            &api.session,
            Method::POST,
            &format!("/files/{id}/parts"),
            Some(json!({"partNumbers": [1, 2, 3]})),
        )
        .await;
    assert_eq!(signed.status, StatusCode::OK, "{}", signed.text);
    let parts = signed.json()["parts"].as_array().unwrap().clone();
    assert_eq!(parts.len(), 3);
    assert_eq!(parts[2]["partNumber"], 3);
    assert_eq!(parts[2]["method"], "PUT");
    assert!(
        parts[2]["url"]
            .as_str()
            .unwrap()
            .starts_with("http://127.0.0.1:9/_local/uploads/parts/tenants/"),
        "{}",
        parts[2]["url"]
    );

    // The browser stops after three parts; on its return it lists them.
    for n in 1..=3 {
        api.put_part(&id, n, 16 * MIB).await;
    }
    let listed = api
        .call(
            &api.session,
            Method::GET,
            &format!("/files/{id}/parts"),
            None,
        )
        .await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.text);
    let listed = listed.json();
    assert_eq!(listed["partCount"], 7);
    let numbers: Vec<u64> = listed["parts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["partNumber"].as_u64().unwrap())
        .collect();
    assert_eq!(numbers, [1, 2, 3]);

    // Completing early names what is missing and loses nothing.
    let early = api
        .call(
            &api.session,
            Method::POST,
            &format!("/files/{id}/complete"),
            None,
        )
        .await;
    assert_eq!(
        early.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        early.text
    );
    assert_eq!(
        codes(&early),
        [("partNumbers".to_owned(), "parts-missing".to_owned())]
    );
    assert!(early.text.contains("4, 5, 6, 7"), "{}", early.text);

    for n in 4..=6 {
        api.put_part(&id, n, 16 * MIB).await;
    }
    api.put_part(&id, 7, SIZE - 6 * 16 * MIB).await;
    let done = api
        .call(
            &api.session,
            Method::POST,
            &format!("/files/{id}/complete"),
            None,
        )
        .await;
    let again = api
        .call(
            &api.session,
            Method::POST,
            &format!("/files/{id}/complete"),
            None,
        )
        .await;

    assert_eq!(done.status, StatusCode::ACCEPTED, "{}", done.text);
    assert_eq!(done.json()["id"], id.as_str());
    assert_eq!(
        again.status,
        StatusCode::ACCEPTED,
        "a retried completion: {}",
        again.text
    );
    let file = api.record(&id).await.unwrap();
    let info = api.objects.head(&file.key).await.unwrap().unwrap();
    assert_eq!(info.size, SIZE);
    assert_eq!(info.content_type.as_deref(), Some("application/zip"));
}

#[tokio::test]
async fn a_part_batch_is_bounded_and_numbers_outside_the_plan_are_refused() {
    let api = Api::new().await;
    let id = api.start(SIZE).await;
    let many: Vec<u64> = (1..=101).collect();

    for (numbers, code) in [
        (json!([]), "parts-empty"),
        (json!([0]), "part-number-invalid"),
        (json!([8]), "part-number-invalid"),
        (json!([70000]), "part-number-invalid"),
        (json!(many), "too-many-parts"),
    ] {
        let answer = api
            .call(
                &api.session,
                Method::POST,
                &format!("/files/{id}/parts"),
                Some(json!({ "partNumbers": numbers })),
            )
            .await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{numbers}");
        assert_eq!(
            codes(&answer),
            [("partNumbers".to_owned(), code.to_owned())]
        );
    }
    let negative = api
        .call(
            &api.session,
            Method::POST,
            &format!("/files/{id}/parts"),
            Some(json!({"partNumbers": [-1]})),
        )
        .await;
    assert_eq!(negative.status, StatusCode::UNPROCESSABLE_ENTITY);
    // A client can't name the upload: an uploadId is no field of the request.
    let naming = api
        .call(
            &api.session,
            Method::POST,
            &format!("/files/{id}/parts"),
            Some(json!({"partNumbers": [1], "uploadId": "theirs"})),
        )
        .await;
    assert_eq!(naming.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn parts_that_do_not_make_the_declared_size_abort_and_reject_the_file() {
    let api = Api::new().await;
    let id = api.start(SIZE).await;
    api.put_part(&id, 1, 15 * MIB).await;

    let answer = api
        .call(
            &api.session,
            Method::POST,
            &format!("/files/{id}/complete"),
            None,
        )
        .await;

    assert_eq!(
        answer.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        answer.text
    );
    assert_eq!(
        codes(&answer),
        [("size".to_owned(), "file-size-mismatch".to_owned())]
    );
    let file = api.record(&id).await.unwrap();
    assert_eq!(file.state, FileState::Rejected);
    assert_eq!(api.usage().await, 0, "a rejected file holds no quota");
    let upload = file.multipart.unwrap();
    assert!(
        api.objects
            .list_parts(&file.key, &upload.upload_id)
            .await
            .is_err(),
        "aborted"
    );
    assert_eq!(api.objects.head(&file.key).await.unwrap(), None);
    let later = api
        .call(
            &api.session,
            Method::GET,
            &format!("/files/{id}/parts"),
            None,
        )
        .await;
    assert_eq!(later.status, StatusCode::CONFLICT);
    assert_eq!(later.json()["type"], "/problems/upload-not-pending");
    assert_eq!(later.json()["fileState"], "rejected");
}

#[tokio::test]
async fn an_abort_frees_the_quota_and_answers_the_same_twice() {
    let api = Api::new().await;
    let id = api.start(SIZE).await;
    api.put_part(&id, 1, 16 * MIB).await;
    let file = api.record(&id).await.unwrap();

    let first = api
        .call(
            &api.session,
            Method::DELETE,
            &format!("/files/{id}/upload"),
            None,
        )
        .await;
    let second = api
        .call(
            &api.session,
            Method::DELETE,
            &format!("/files/{id}/upload"),
            None,
        )
        .await;

    assert_eq!(first.status, StatusCode::NO_CONTENT, "{}", first.text);
    assert_eq!(second.status, StatusCode::NO_CONTENT, "{}", second.text);
    assert!(api.record(&id).await.is_none());
    assert_eq!(api.usage().await, 0);
    let upload = file.multipart.unwrap();
    assert!(
        api.objects
            .list_parts(&file.key, &upload.upload_id)
            .await
            .is_err()
    );
}

#[tokio::test]
async fn a_quota_that_the_file_would_break_leaves_no_upload_behind() {
    let api = Api::new().await;
    api.start(2 * SIZE).await;

    let answer = api
        .call(
            &api.session,
            Method::POST,
            "/files/uploads",
            Some(json!({"filename": "b.zip", "contentType": "application/zip", "size": SIZE})),
        )
        .await;

    assert_eq!(
        answer.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        answer.text
    );
    assert_eq!(
        codes(&answer),
        [("size".to_owned(), "file-quota-exceeded".to_owned())]
    );
}

#[tokio::test]
async fn an_upload_left_incomplete_past_its_lifetime_frees_the_quota_it_held() {
    // Arrange: an upload holding most of the quota, never completed.
    let api = Api::new().await;
    let stale = api.start(2 * SIZE).await;
    api.put_part(&stale, 1, 16 * MIB).await;
    let stale_file = api.record(&stale).await.unwrap();
    // By the agency's key: the customer's session would have ended by then.
    let start_another = || {
        api.call(
            &api.key,
            Method::POST,
            "/files/uploads",
            Some(json!({
                "filename": "b.zip",
                "contentType": "application/zip",
                "size": SIZE,
                "customerId": api.customer.to_string(),
            })),
        )
    };

    // Act: a new upload within the lifetime, then after it (S3's lifecycle rule has
    // aborted the upload by then).
    let within = start_another().await;
    api.clock
        .advance(chrono::Duration::days(2) + chrono::Duration::seconds(1));
    let after = start_another().await;

    // Assert
    assert_eq!(
        within.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        within.text
    );
    assert_eq!(after.status, StatusCode::CREATED, "{}", after.text);
    assert!(
        api.record(&stale).await.is_none(),
        "the stale upload is forgotten"
    );
    assert_eq!(api.usage().await, SIZE);
    let upload = stale_file.multipart.unwrap();
    assert!(
        api.objects
            .list_parts(&stale_file.key, &upload.upload_id)
            .await
            .is_err(),
        "and aborted"
    );
}

#[tokio::test]
async fn only_the_customer_and_their_agency_reach_a_multipart_upload() {
    let api = Api::new().await;
    let id = api.start(SIZE).await;
    let (_, other) = testkit::customer_session(api.store.as_ref(), api.tenant, &email()).await;

    for (method, path, body) in [
        (Method::GET, format!("/files/{id}/parts"), None),
        (
            Method::POST,
            format!("/files/{id}/parts"),
            Some(json!({"partNumbers": [1]})),
        ),
        (Method::POST, format!("/files/{id}/complete"), None),
    ] {
        let answer = api.call(&other, method.clone(), &path, body.clone()).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{method} {path}");
    }
    // Another customer's abort touches nothing (and says nothing of the file).
    let abort = api
        .call(&other, Method::DELETE, &format!("/files/{id}/upload"), None)
        .await;
    assert_eq!(abort.status, StatusCode::NO_CONTENT);
    assert!(api.record(&id).await.is_some());

    // Staff of the agency, naming the customer.
    let staff = api
        .call(
            &api.key,
            Method::GET,
            &format!("/files/{id}/parts?customerId={}", api.customer),
            None,
        )
        .await;
    assert_eq!(staff.status, StatusCode::OK, "{}", staff.text);
}

#[tokio::test]
async fn a_file_sent_in_one_form_has_no_parts() {
    let api = Api::new().await;
    let answer = api
        .call(
            &api.session,
            Method::POST,
            "/files/uploads",
            Some(json!({"filename": "a.pdf", "contentType": "application/pdf", "size": 10})),
        )
        .await;
    let id = answer.json()["file"]["id"].as_str().unwrap().to_owned();

    let parts = api
        .call(
            &api.session,
            Method::GET,
            &format!("/files/{id}/parts"),
            None,
        )
        .await;
    let complete = api
        .call(
            &api.session,
            Method::POST,
            &format!("/files/{id}/complete"),
            None,
        )
        .await;
    let abort = api
        .call(
            &api.session,
            Method::DELETE,
            &format!("/files/{id}/upload"),
            None,
        )
        .await;

    for answer in [parts, complete, abort] {
        assert_eq!(answer.status, StatusCode::CONFLICT, "{}", answer.text);
        assert_eq!(answer.json()["type"], "/problems/upload-not-pending");
    }
}
