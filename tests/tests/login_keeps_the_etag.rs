//! Issue 9, item 7, over real HTTP on both backends: a customer logging in does not change
//! the customer record's version, so an agency edit with `If-Match` from before the login
//! still applies; the login time stays visible to staff, and the edit does not undo it.

use portal_tests::{
    backends::{Setup, embedded, on_moto},
    delivery_contract::unique,
    server,
};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

const PASSWORD: &str = "correct horse battery staple";

async fn a_login_leaves_the_customers_etag_alone(setup: Setup) {
    let base = server::spawn(&setup.services).await;
    let (_, key) = setup.agency_at(&base).await;
    let http = Client::new();
    let login = format!("kim-{}@bageri.example", unique());

    let created: Value = http
        .post(format!("{base}/customers"))
        .bearer_auth(&key)
        .json(&json!({"companyName": "Bageri Lindqvist AB", "loginEmail": login, "language": "sv"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = created["id"].as_str().unwrap().to_owned();
    let sent = http
        .post(format!("{base}/customers/{id}/invitations"))
        .bearer_auth(&key)
        .json(&json!({"channels": ["email"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), StatusCode::CREATED);
    let email = setup
        .sent
        .sent_emails()
        .await
        .into_iter()
        .rfind(|e| e.to.iter().any(|t| t.eq_ignore_ascii_case(&login)))
        .unwrap();
    let body = email.bodies.join("\n").replace("&#x2f;", "/");
    let start = body.find("/invite/").unwrap() + "/invite/".len();
    let token = &body[start..start + 43];
    let accepted = http
        .post(format!("{base}/invitations/accept"))
        .json(&json!({"token": token, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(accepted.status(), StatusCode::OK);

    // The agency reads the record (after the activation), then the customer logs in.
    let read = http
        .get(format!("{base}/customers/{id}"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    let etag = read.headers()["etag"].to_str().unwrap().to_owned();
    let logged_in = http
        .post(format!("{base}/login"))
        .json(&json!({"email": login, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(logged_in.status(), StatusCode::OK);

    // The agency's edit from before the login applies.
    let edited = http
        .patch(format!("{base}/customers/{id}"))
        .bearer_auth(&key)
        .header("if-match", &etag)
        .json(&json!({"notes": "Design starts Monday"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        edited.status(),
        StatusCode::OK,
        "a login must not make the agency's ETag stale"
    );
    let after: Value = http
        .get(format!("{base}/customers/{id}"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(after["notes"], "Design starts Monday");
    assert!(
        after["lastLoginAt"].is_string(),
        "staff still see when the customer last logged in, after their edit: {after}"
    );
}

#[tokio::test]
async fn a_login_leaves_the_customers_etag_alone_on_the_embedded_store() {
    a_login_leaves_the_customers_etag_alone(embedded()).await;
}

#[tokio::test]
async fn a_login_leaves_the_customers_etag_alone_on_dynamodb() {
    a_login_leaves_the_customers_etag_alone(on_moto().await).await;
}
