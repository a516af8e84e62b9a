//! The file journey on the local runner over real HTTP: a customer starts an upload, posts
//! the form to the runner's upload endpoint (which checks it as S3 checks a POST policy),
//! the upload-events handler runs in-process, and the file downloads under its name.

use portal::embedded::LocalFileStore;
use portal_infra::backend::Services;
use portal_tests::{files_contract::post_form, server};
use serde_json::{Value, json};

struct Portal {
    base: String,
    services: Services,
    http: reqwest::Client,
}

impl Portal {
    async fn start() -> Self {
        let (base, services) =
            server::spawn_with_files(Services::in_memory(), LocalFileStore::in_memory).await;
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Self {
            base,
            services,
            http,
        }
    }

    async fn json(
        &self,
        bearer: &str,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(bearer);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }
}

fn form(upload: &Value) -> portal::ports::PresignedPost {
    portal::ports::PresignedPost {
        url: upload["url"].as_str().unwrap().to_owned(),
        fields: upload["fields"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
            .collect(),
        expires_at: chrono::Utc::now(),
    }
}

#[tokio::test]
async fn an_upload_through_the_local_endpoint_is_checked_recorded_and_downloads() {
    // Arrange: an agency and a logged-in customer on the runner.
    let portal = Portal::start().await;
    let agency = testkit::agency(
        portal.services.store.as_ref(),
        &portal::domain::NewTenant {
            name: "Agentur".into(),
            portal_base_url: portal.base.clone(),
            sender_email: "hello@agency.example".into(),
            default_language: "de".into(),
            tier: "starter".into(),
        },
        "e2e",
    )
    .await;
    let (_, session) = testkit::customer_session(
        portal.services.store.as_ref(),
        agency.tenant.id,
        "kunde@e2e.example",
    )
    .await;
    let pdf = b"%PDF-1.7\nGruesse\n".to_vec();

    // Act: start, post the form, read the file, download it.
    let (status, started) = portal
        .json(
            &session,
            reqwest::Method::POST,
            "/files/uploads",
            Some(json!({"filename": "Grüße aus Köln.pdf", "contentType": "application/pdf", "size": pdf.len()})),
        )
        .await;
    assert_eq!(status, 201, "{started}");
    let posted = post_form(&form(&started["upload"]), "application/pdf", &pdf).await;
    assert_eq!(
        posted.status(),
        204,
        "{}",
        posted.text().await.unwrap_or_default()
    );
    let id = started["file"]["id"].as_str().unwrap();
    let (_, file) = portal
        .json(
            &session,
            reqwest::Method::GET,
            &format!("/files/{id}"),
            None,
        )
        .await;
    let download = portal
        .http
        .get(format!("{}/files/{id}/download", portal.base))
        .bearer_auth(&session)
        .send()
        .await
        .unwrap();

    // Assert
    assert_eq!(file["state"], "available", "{file}");
    assert_eq!(file["size"], pdf.len());
    assert_eq!(download.status(), 303);
    let location = download.headers()["location"].to_str().unwrap().to_owned();
    let bytes = portal.http.get(&location).send().await.unwrap();
    let disposition = bytes.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        disposition.contains("filename*=UTF-8''Gr%C3%BC%C3%9Fe%20aus%20K%C3%B6ln.pdf"),
        "{disposition}"
    );
    assert_eq!(bytes.bytes().await.unwrap().as_ref(), &pdf[..]);
}

#[tokio::test]
async fn a_local_upload_of_another_type_or_size_is_refused_or_rejected() {
    let portal = Portal::start().await;
    let agency = testkit::agency(
        portal.services.store.as_ref(),
        &portal::domain::NewTenant {
            name: "Agentur".into(),
            portal_base_url: portal.base.clone(),
            sender_email: "hello@agency.example".into(),
            default_language: "de".into(),
            tier: "starter".into(),
        },
        "e2e",
    )
    .await;
    let (_, session) = testkit::customer_session(
        portal.services.store.as_ref(),
        agency.tenant.id,
        "kunde2@e2e.example",
    )
    .await;
    let exe = b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff\0\0".to_vec();
    let start = |size: usize| json!({"filename": "Rechnung.pdf", "contentType": "application/pdf", "size": size});

    // A bigger file than declared: the endpoint refuses it as S3 would.
    let (_, first) = portal
        .json(
            &session,
            reqwest::Method::POST,
            "/files/uploads",
            Some(start(4)),
        )
        .await;
    let too_big = post_form(&form(&first["upload"]), "application/pdf", b"%PDF-1.7").await;
    assert_eq!(too_big.status(), 400);

    // The declared size, but not a PDF: stored, then rejected by the handler and deleted.
    let (_, second) = portal
        .json(
            &session,
            reqwest::Method::POST,
            "/files/uploads",
            Some(start(exe.len())),
        )
        .await;
    let posted = post_form(&form(&second["upload"]), "application/pdf", &exe).await;
    assert_eq!(posted.status(), 204);
    let id = second["file"]["id"].as_str().unwrap();
    let (_, file) = portal
        .json(
            &session,
            reqwest::Method::GET,
            &format!("/files/{id}"),
            None,
        )
        .await;
    assert_eq!(file["state"], "rejected", "{file}");
    let (status, problem) = portal
        .json(
            &session,
            reqwest::Method::GET,
            &format!("/files/{id}/download"),
            None,
        )
        .await;
    assert_eq!(status, 409, "{problem}");
}

impl Portal {
    /// Whether the start page says something waits in the files area.
    async fn files_waiting(&self, session: &str) -> Value {
        let (status, start) = self
            .json(session, reqwest::Method::GET, "/me/start", None)
            .await;
        assert_eq!(status, 200, "{start}");
        start["areas"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["area"] == "files")
            .expect("the files area")["waiting"]
            .clone()
    }

    /// Starts an upload as `bearer` (staff add `customerId`) and posts the bytes.
    async fn upload(&self, bearer: &str, mut start: Value, bytes: &[u8]) -> Value {
        start["size"] = json!(bytes.len());
        let (status, started) = self
            .json(bearer, reqwest::Method::POST, "/files/uploads", Some(start))
            .await;
        assert_eq!(status, 201, "{started}");
        let posted = post_form(&form(&started["upload"]), "application/pdf", bytes).await;
        assert_eq!(posted.status(), 204);
        started
    }
}

#[tokio::test]
async fn the_start_page_says_files_wait_once_the_agency_shared_one_until_the_customer_looks() {
    // Arrange
    let portal = Portal::start().await;
    let agency = testkit::agency(
        portal.services.store.as_ref(),
        &portal::domain::NewTenant {
            name: "Agentur".into(),
            portal_base_url: portal.base.clone(),
            sender_email: "hello@agency.example".into(),
            default_language: "de".into(),
            tier: "starter".into(),
        },
        "e2e",
    )
    .await;
    let (customer, session) = testkit::customer_session(
        portal.services.store.as_ref(),
        agency.tenant.id,
        "kunde3@e2e.example",
    )
    .await;
    let pdf = b"%PDF-1.7\nEntwurf\n";
    let nothing_yet = portal.files_waiting(&session).await;

    // Act / Assert: the customer's own upload is nothing new for them.
    portal
        .upload(
            &session,
            json!({"filename": "Logo.pdf", "contentType": "application/pdf"}),
            pdf,
        )
        .await;
    assert_eq!(nothing_yet, json!(false));
    assert_eq!(portal.files_waiting(&session).await, json!(false));

    // The agency shares a file: it waits for the customer.
    let shared = portal
        .upload(
            &agency.key,
            json!({"filename": "Entwurf.pdf", "contentType": "application/pdf", "customerId": customer.to_string()}),
            pdf,
        )
        .await;
    assert_eq!(shared["file"]["uploadedBy"], "agency");
    assert_eq!(portal.files_waiting(&session).await, json!(true));

    // The customer opens the files page: nothing waits any more.
    let page = portal
        .http
        .get(format!("{}/files/page", portal.base))
        .bearer_auth(&session)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert_eq!(portal.files_waiting(&session).await, json!(false));
}

#[tokio::test]
async fn a_large_upload_in_parts_resumes_completes_and_is_recorded_in_process() {
    // Arrange: an agency that takes files up to 1 GiB, and a logged-in customer.
    const MIB: usize = 1024 * 1024;
    let portal = Portal::start().await;
    let agency = testkit::agency(
        portal.services.store.as_ref(),
        &portal::domain::NewTenant {
            name: "Agentur".into(),
            portal_base_url: portal.base.clone(),
            sender_email: "hello@agency.example".into(),
            default_language: "de".into(),
            tier: "starter".into(),
        },
        "e2e",
    )
    .await;
    portal
        .services
        .store
        .put_file_settings(
            agency.tenant.id,
            &portal::domain::FileSettings {
                max_file_size: 1024 * MIB as u64,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let (_, session) = testkit::customer_session(
        portal.services.store.as_ref(),
        agency.tenant.id,
        "gross@e2e.example",
    )
    .await;
    let size = 100 * MIB + 3;
    let mut bytes = b"PK\x03\x04".to_vec();
    bytes.resize(size, b'z');

    // Act: start, send three parts, "close the browser", list, send the rest, complete.
    let (status, started) = portal
        .json(
            &session,
            reqwest::Method::POST,
            "/files/uploads",
            Some(json!({"filename": "Film.zip", "contentType": "application/zip", "size": size})),
        )
        .await;
    assert_eq!(status, 201, "{started}");
    let id = started["file"]["id"].as_str().unwrap().to_owned();
    let part_size = started["multipart"]["partSize"].as_u64().unwrap() as usize;
    let count = started["multipart"]["partCount"].as_u64().unwrap();
    let send = |numbers: Vec<u64>| {
        let (portal, session, id, bytes) = (&portal, &session, &id, &bytes);
        async move {
            let (status, signed) = portal
                .json(
                    session,
                    reqwest::Method::POST,
                    &format!("/files/{id}/parts"),
                    Some(json!({ "partNumbers": numbers })),
                )
                .await;
            assert_eq!(status, 200, "{signed}");
            for part in signed["parts"].as_array().unwrap() {
                let n = part["partNumber"].as_u64().unwrap() as usize;
                let body = bytes[(n - 1) * part_size..(n * part_size).min(bytes.len())].to_vec();
                let response = portal
                    .http
                    .put(part["url"].as_str().unwrap())
                    .body(body)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(response.status(), 200, "part {n}");
                assert!(response.headers().contains_key("etag"));
            }
        }
    };
    send(vec![1, 2, 3]).await;
    let (_, listed) = portal
        .json(
            &session,
            reqwest::Method::GET,
            &format!("/files/{id}/parts"),
            None,
        )
        .await;
    let arrived: Vec<u64> = listed["parts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["partNumber"].as_u64().unwrap())
        .collect();
    assert_eq!(arrived, [1, 2, 3]);
    send((4..=count).collect()).await;
    let (status, completed) = portal
        .json(
            &session,
            reqwest::Method::POST,
            &format!("/files/{id}/complete"),
            None,
        )
        .await;

    // Assert: the in-process upload-events handler checked and recorded it.
    assert_eq!(status, 202, "{completed}");
    assert_eq!(completed["state"], "available", "{completed}");
    assert_eq!(completed["size"], size as u64);
    let record = portal
        .services
        .store
        .get_file(
            agency.tenant.id,
            completed["customerId"].as_str().unwrap().parse().unwrap(),
            id.parse().unwrap(),
        )
        .await
        .unwrap()
        .unwrap();
    let etag = record.etag.unwrap();
    assert!(
        etag.trim_matches('"').ends_with(&format!("-{count}")),
        "{etag}"
    );
    let download = portal
        .http
        .get(format!("{}/files/{id}/download", portal.base))
        .bearer_auth(&session)
        .send()
        .await
        .unwrap();
    let location = download.headers()["location"].to_str().unwrap().to_owned();
    let body = portal
        .http
        .get(location)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(body.len(), size);
    assert!(body[..] == bytes[..], "the parts join in order");
}
