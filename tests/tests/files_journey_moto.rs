//! The file journey against moto with the real SDK clients: DynamoDB holds the records, S3
//! the bytes. A customer starts an upload through the uploads router, the form goes to
//! moto's S3 as a real multipart POST, the upload-events handler checks what arrived (fed
//! the key as S3 events carry it), and the file downloads through a presigned GET.
//!
//! moto checks no POST policy (AWS-LOCAL.md): the policy's enforcement is tested on the
//! local endpoint (`files_embedded.rs`, `files_end_to_end.rs`).

use std::sync::Arc;

use axum::{
    body::Body,
    http::{Method, Request, header},
};
use portal::{AppState, aws::S3FileStore, domain::NewTenant, ports::FileStore};
use portal_tests::{
    delivery_contract::{MotoSent, SentMessages, moto_config, verified_sender},
    files_contract::{fresh_bucket, post_form},
    moto,
};
use serde_json::{Value, json};

struct Moto {
    config: aws_config::SdkConfig,
    sender: portal::domain::Email,
    router: axum::Router,
    events: upload_events::EventsState,
    objects: Arc<S3FileStore>,
    session: String,
    /// The agency's API key.
    key: String,
}

impl Moto {
    async fn start() -> Self {
        let config = moto_config().await;
        let store = moto::dynamodb_store().await;
        let objects = Arc::new(S3FileStore::from_conf(&config, fresh_bucket(&config).await));
        let sender = verified_sender(&config).await;
        let agency = testkit::agency(
            store.as_ref(),
            &NewTenant {
                name: "Agentur".into(),
                portal_base_url: "https://agentur.example".into(),
                sender_email: sender.to_string(),
                default_language: "de".into(),
                tier: "starter".into(),
            },
            "moto",
        )
        .await;
        let email = format!(
            "{}@kunde.example",
            ulid::Ulid::new().to_string().to_lowercase()
        );
        let (_, session) =
            testkit::customer_session(store.as_ref(), agency.tenant.id, &email).await;
        let all = AppState::from_store(store);
        Self {
            config: config.clone(),
            sender,
            router: uploads::router(uploads::UploadsState::new(all.clone(), objects.clone())),
            events: upload_events::EventsState::new(
                all,
                objects.clone(),
                Arc::new(portal::aws::SesMailer::from_conf(&config)),
            ),
            objects,
            session,
            key: agency.key,
        }
    }

    /// A request in the customer's session.
    async fn call(&self, method: Method, uri: &str, body: Option<Value>) -> testkit::Answer {
        self.call_as(&self.session, method, uri, body).await
    }

    async fn call_as(
        &self,
        bearer: &str,
        method: Method,
        uri: &str,
        body: Option<Value>,
    ) -> testkit::Answer {
        let mut builder = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::AUTHORIZATION, format!("Bearer {bearer}"));
        let body = match body {
            Some(json) => {
                builder = builder.header(header::CONTENT_TYPE, "application/json");
                Body::from(json.to_string())
            }
            None => Body::empty(),
        };
        testkit::send(&self.router, builder.body(body).unwrap()).await
    }

    /// Starts an upload and posts `bytes` with its form to moto's S3; the started file.
    async fn upload(&self, name: &str, content_type: &str, bytes: &[u8]) -> Value {
        let started = self
            .call(
                Method::POST,
                "/files/uploads",
                Some(json!({"filename": name, "contentType": content_type, "size": bytes.len()})),
            )
            .await;
        assert_eq!(started.status, 201, "{}", started.text);
        let body = started.json();
        let upload = &body["upload"];
        let post = portal::ports::PresignedPost {
            url: upload["url"].as_str().unwrap().to_owned(),
            fields: upload["fields"]
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
                .collect(),
            expires_at: chrono::Utc::now(),
        };
        let posted = post_form(&post, content_type, bytes).await;
        assert!(posted.status().is_success(), "{}", posted.status());
        body
    }

    /// Runs the handler as S3's event would: the key form-encoded.
    async fn event(&self, key: &str) -> upload_events::Outcome {
        let encoded = url::form_urlencoded::byte_serialize(key.as_bytes())
            .collect::<String>()
            .replace("%2F", "/");
        upload_events::handle_object(
            &self.events,
            &encoded,
            Some("\"etag\"".into()),
            chrono::Utc::now(),
        )
        .await
        .unwrap()
    }
}

#[tokio::test]
async fn an_upload_to_s3_on_moto_is_recorded_once_and_downloads() {
    let moto = Moto::start().await;
    let pdf = b"%PDF-1.7\nHallo aus Koeln\n";
    let started = moto
        .upload("Grüße aus Köln.pdf", "application/pdf", pdf)
        .await;
    let id = started["file"]["id"].as_str().unwrap();
    let key = started["upload"]["fields"]["key"].as_str().unwrap();

    let first = moto.event(key).await;
    let duplicate = moto.event(key).await;
    let file = moto
        .call(Method::GET, &format!("/files/{id}"), None)
        .await
        .json();
    let download = moto
        .call(Method::GET, &format!("/files/{id}/download"), None)
        .await;

    assert!(
        matches!(first, upload_events::Outcome::Available(_)),
        "{first:?}"
    );
    assert!(
        matches!(duplicate, upload_events::Outcome::AlreadyHandled(_)),
        "{duplicate:?}"
    );
    assert_eq!(file["state"], "available");
    assert_eq!(download.status, 303, "{}", download.text);
    let location = download.headers[header::LOCATION].to_str().unwrap();
    let bytes = reqwest::get(location).await.unwrap().bytes().await.unwrap();
    assert_eq!(bytes.as_ref(), pdf);
}

#[tokio::test]
async fn a_mismatching_upload_on_moto_is_rejected_and_its_object_deleted() {
    let moto = Moto::start().await;
    let exe = b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff\0\0";
    let started = moto.upload("Rechnung.pdf", "application/pdf", exe).await;
    let key = started["upload"]["fields"]["key"].as_str().unwrap();
    let object = portal::domain::ObjectKey::parse(key).unwrap();
    assert!(moto.objects.head(&object).await.unwrap().is_some());

    let outcome = moto.event(key).await;

    assert!(
        matches!(outcome, upload_events::Outcome::Rejected { .. }),
        "{outcome:?}"
    );
    assert_eq!(moto.objects.head(&object).await.unwrap(), None);
}

#[tokio::test]
async fn two_uploads_within_minutes_reach_the_agency_as_one_email_through_ses_on_moto() {
    let moto = Moto::start().await;
    let pdf = b"%PDF-1.7\nA\n";
    for name in ["Logo-Entwurf.pdf", "Impressum.pdf"] {
        let started = moto.upload(name, "application/pdf", pdf).await;
        let key = started["upload"]["fields"]["key"]
            .as_str()
            .unwrap()
            .to_owned();
        moto.event(&key).await;
        moto.event(&key).await; // a duplicate
    }

    let later = chrono::Utc::now() + upload_events::notices::WINDOW + chrono::Duration::seconds(1);
    let swept = upload_events::notices::sweep(&moto.events, later)
        .await
        .unwrap();

    assert_eq!(swept.sent, 1, "{swept:?}");
    let to_agency: Vec<_> = MotoSent::default()
        .sent_emails()
        .await
        .into_iter()
        .filter(|e| e.to.iter().any(|to| to == moto.sender.as_str()))
        .collect();
    assert_eq!(to_agency.len(), 1, "{to_agency:?}");
    let body = to_agency[0].bodies.join("\n");
    assert!(
        body.contains("Logo-Entwurf.pdf") && body.contains("Impressum.pdf"),
        "{body}"
    );
}

impl Moto {
    /// Tags the object as GuardDuty Malware Protection for S3 does after a scan.
    async fn tag(&self, key: &str, verdict: &str) {
        let client = aws_sdk_s3::Client::from_conf(
            aws_sdk_s3::config::Builder::from(&self.config)
                .force_path_style(true)
                .build(),
        );
        let tag = aws_sdk_s3::types::Tag::builder()
            .key("GuardDutyMalwareScanStatus")
            .value(verdict)
            .build()
            .unwrap();
        client
            .put_object_tagging()
            .bucket(self.objects.bucket())
            .key(key)
            .tagging(
                aws_sdk_s3::types::Tagging::builder()
                    .tag_set(tag)
                    .build()
                    .unwrap(),
            )
            .send()
            .await
            .expect("moto tags the object");
    }
}

#[tokio::test]
async fn with_scanning_on_a_file_waits_for_the_verdict_and_a_threat_is_quarantined() {
    let mut moto = Moto::start().await;
    moto.events.scanning = true;
    let pdf = b"%PDF-1.7\nclean\n";
    let clean = moto.upload("sauber.pdf", "application/pdf", pdf).await;
    let infected = moto.upload("verdaechtig.pdf", "application/pdf", pdf).await;
    let key = |f: &Value| f["upload"]["fields"]["key"].as_str().unwrap().to_owned();
    let id = |f: &Value| f["file"]["id"].as_str().unwrap().to_owned();

    // Checked, then waiting: not downloadable, and no verdict yet changes nothing.
    let waiting = moto.event(&key(&clean)).await;
    moto.event(&key(&infected)).await;
    let early = upload_events::handle_scan_result(&moto.events, &key(&clean))
        .await
        .unwrap();
    let blocked = moto
        .call(
            Method::GET,
            &format!("/files/{}/download", id(&clean)),
            None,
        )
        .await;

    assert!(
        matches!(waiting, upload_events::Outcome::AwaitingScan(_)),
        "{waiting:?}"
    );
    assert!(
        matches!(early, upload_events::Outcome::AlreadyHandled(_)),
        "{early:?}"
    );
    assert_eq!(blocked.status, 409, "{}", blocked.text);
    assert_eq!(blocked.json()["fileState"], "awaiting-scan");

    // GuardDuty's verdicts, as tags.
    moto.tag(&key(&clean), "NO_THREATS_FOUND").await;
    moto.tag(&key(&infected), "THREATS_FOUND").await;
    let passed = upload_events::handle_scan_result(&moto.events, &key(&clean))
        .await
        .unwrap();
    let caught = upload_events::handle_scan_result(&moto.events, &key(&infected))
        .await
        .unwrap();
    let replay = upload_events::handle_scan_result(&moto.events, &key(&infected))
        .await
        .unwrap();

    assert!(
        matches!(passed, upload_events::Outcome::Available(_)),
        "{passed:?}"
    );
    assert!(
        matches!(caught, upload_events::Outcome::Quarantined(_)),
        "{caught:?}"
    );
    assert!(
        matches!(replay, upload_events::Outcome::AlreadyHandled(_)),
        "{replay:?}"
    );
    let ok = moto
        .call(
            Method::GET,
            &format!("/files/{}/download", id(&clean)),
            None,
        )
        .await;
    let quarantined = moto
        .call(
            Method::GET,
            &format!("/files/{}/download", id(&infected)),
            None,
        )
        .await;
    assert_eq!(ok.status, 303, "{}", ok.text);
    assert_eq!(quarantined.status, 409, "{}", quarantined.text);
    assert_eq!(quarantined.json()["fileState"], "quarantined");
}

#[tokio::test]
async fn an_upload_that_lands_after_its_file_was_deleted_is_deleted_from_s3_on_moto() {
    // Arrange: the customer starts an upload and deletes the file before the bytes land.
    let moto = Moto::start().await;
    let pdf = b"%PDF-1.7\nspaet\n";
    let started = moto
        .call(
            Method::POST,
            "/files/uploads",
            Some(json!({"filename": "spaet.pdf", "contentType": "application/pdf", "size": pdf.len()})),
        )
        .await
        .json();
    let id = started["file"]["id"].as_str().unwrap();
    let deleted = moto
        .call(Method::DELETE, &format!("/files/{id}"), None)
        .await;
    assert_eq!(deleted.status, 204, "{}", deleted.text);
    let upload = &started["upload"];
    let post = portal::ports::PresignedPost {
        url: upload["url"].as_str().unwrap().to_owned(),
        fields: upload["fields"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
            .collect(),
        expires_at: chrono::Utc::now(),
    };
    assert!(
        post_form(&post, "application/pdf", pdf)
            .await
            .status()
            .is_success()
    );
    let key = upload["fields"]["key"].as_str().unwrap();
    let object = portal::domain::ObjectKey::parse(key).unwrap();
    assert!(moto.objects.head(&object).await.unwrap().is_some());

    // Act
    let outcome = moto.event(key).await;

    // Assert
    assert!(
        matches!(outcome, upload_events::Outcome::Discarded(_)),
        "{outcome:?}"
    );
    assert_eq!(moto.objects.head(&object).await.unwrap(), None);
    let listed = moto.call(Method::GET, "/files", None).await.json();
    assert_eq!(listed["items"], json!([]));
    let read = moto.call(Method::GET, &format!("/files/{id}"), None).await;
    assert_eq!(read.status, 404);
}

#[tokio::test]
async fn the_agency_raises_its_maximum_on_dynamodb_and_a_200_mib_file_gets_a_parts_plan() {
    const MIB: u64 = 1024 * 1024;
    let moto = Moto::start().await;
    let declare = |content_type: &str, size: u64| json!({"filename": "Film.mp4", "contentType": content_type, "size": size});
    let before = moto
        .call(
            Method::POST,
            "/files/uploads",
            Some(declare("video/mp4", 200 * MIB)),
        )
        .await;
    assert_eq!(before.status, 422, "{}", before.text);

    let saved = moto
        .call_as(
            &moto.key,
            Method::PUT,
            "/file-settings",
            Some(json!({
                "allowedTypes": ["video/mp4"],
                "maxFileSize": 1024 * MIB,
                "quotaPerCustomer": 2048 * MIB,
            })),
        )
        .await;
    let read = moto
        .call_as(&moto.key, Method::GET, "/file-settings", None)
        .await;
    let by_customer = moto
        .call(Method::PUT, "/file-settings", Some(saved.json()))
        .await;
    let large = moto
        .call(
            Method::POST,
            "/files/uploads",
            Some(declare("video/mp4", 200 * MIB)),
        )
        .await;
    let pdf = moto
        .call(
            Method::POST,
            "/files/uploads",
            Some(declare("application/pdf", 1000)),
        )
        .await;

    assert_eq!(saved.status, 200, "{}", saved.text);
    assert_eq!(read.json(), saved.json());
    assert_eq!(by_customer.status, 403, "{}", by_customer.text);
    assert_eq!(large.status, 201, "{}", large.text);
    assert_eq!(large.json()["multipart"]["partCount"], 13, "{}", large.text);
    assert_eq!(pdf.status, 422, "{}", pdf.text);
    assert_eq!(pdf.json()["errors"][0]["field"], "contentType");
}
