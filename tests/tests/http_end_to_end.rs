//! A staff member's journey over real HTTP against the local runner's app, once on the
//! embedded store and once on DynamoDB (moto's server).

use std::sync::Arc;

use portal::ports::Store;
use portal_infra::admin;
use portal_tests::{fixtures, moto, server};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

struct Staff {
    http: Client,
    base: String,
    key: String,
}

impl Staff {
    async fn of_new_agency(store: &dyn Store, base: &str, name: &str) -> Self {
        let agency = testkit::agency(store, &fixtures::new_tenant(name), "e2e").await;
        Self {
            http: Client::new(),
            base: base.to_owned(),
            key: agency.key,
        }
    }

    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.key);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("the server answers");
        let status = response.status();
        if !status.is_success() {
            assert_eq!(
                response.headers()["content-type"],
                "application/problem+json"
            );
        }
        let text = response.text().await.unwrap();
        (
            status,
            if text.is_empty() {
                Value::Null
            } else {
                serde_json::from_str(&text).unwrap()
            },
        )
    }
}

async fn journey(store: Arc<dyn Store>) {
    use reqwest::Method as M;
    let base = server::spawn(&server::with_outbox(store.clone())).await;
    let health = reqwest::get(format!("{base}/health")).await.unwrap();
    assert_eq!(health.status(), StatusCode::OK);

    let staff = Staff::of_new_agency(store.as_ref(), &base, "Agentur Süd").await;
    let login = fixtures::unique_email("anna");
    let (status, created) = staff
        .call(
            M::POST,
            "/customers",
            Some(json!({
                "companyName": "Bäckerei Schmidt GmbH", "owner": "Anna Schmidt",
                "address": {"street": "Hauptstraße 1", "postalCode": "80331", "city": "München", "country": "DE"},
                "mobile": "0151 23456789", "loginEmail": login, "emails": ["buero@baeckerei.example"]
            })),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let uri = format!("/customers/{}", created["id"].as_str().unwrap());
    assert_eq!(created["mobile"], "+4915123456789");

    let (status, problem) = staff
        .call(
            M::POST,
            "/customers",
            Some(json!({"companyName": "Copycat", "loginEmail": login.to_uppercase()})),
        )
        .await;
    assert_eq!(
        (status, problem["type"].as_str()),
        (StatusCode::CONFLICT, Some("/problems/login-email-taken"))
    );

    let (status, problem) = staff
        .call(
            M::POST,
            "/customers",
            Some(json!({"companyName": "", "mobile": "12"})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["errors"][0]["field"], "companyName");

    let (status, list) = staff.call(M::GET, "/customers", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list["items"].as_array().unwrap().len(), 1);

    let (status, changed) = staff
        .call(
            M::PATCH,
            &uri,
            Some(json!({"notes": "Goes live in May", "contactPerson": "Jonas Weber"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!(
        (changed["notes"].as_str(), changed["version"].as_u64()),
        (Some("Goes live in May"), Some(2))
    );

    let stranger = Staff::of_new_agency(store.as_ref(), &base, "Other agency").await;
    let (status, _) = stranger.call(M::GET, &uri, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = stranger.call(M::DELETE, &uri, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let (status, _) = staff.call(M::DELETE, &uri, None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = staff.call(M::GET, &uri, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = staff
        .call(
            M::POST,
            "/customers",
            Some(json!({"companyName": "Successor", "loginEmail": login})),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::CREATED,
        "the deleted customer's login email is free again"
    );
}

#[tokio::test]
async fn a_staff_journey_on_the_embedded_store() {
    let (store, _dir) = fixtures::embedded_store_on_disk().await;
    journey(store).await;
}

#[tokio::test]
async fn a_staff_journey_on_dynamodb() {
    journey(moto::dynamodb_store().await).await;
}

#[tokio::test]
async fn a_revoked_key_is_refused_on_dynamodb() {
    let store = moto::dynamodb_store().await;
    let base = server::spawn(&server::with_outbox(store.clone())).await;
    let tenant = admin::create_tenant(store.as_ref(), &fixtures::new_tenant("A"))
        .await
        .unwrap();
    let (record, secret) = admin::create_api_key(store.as_ref(), tenant.id, "to revoke")
        .await
        .unwrap();
    let staff = Staff {
        http: Client::new(),
        base,
        key: secret.expose().to_owned(),
    };
    assert_eq!(
        staff.call(reqwest::Method::GET, "/customers", None).await.0,
        StatusCode::OK
    );
    admin::revoke_api_key(store.as_ref(), tenant.id, record.id)
        .await
        .unwrap();
    let (status, problem) = staff.call(reqwest::Method::GET, "/customers", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(problem["detail"].as_str().unwrap().contains("revoked"));
}
