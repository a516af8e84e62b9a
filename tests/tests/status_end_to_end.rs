//! Staff move a customer's project status over real HTTP against the local runner's app: once
//! on the embedded store with the outbox, once on DynamoDB and SES on moto's server, reading
//! the customer's email back from each.

use portal_tests::{
    backends::{Setup, embedded, on_moto},
    delivery_contract::unique,
    server,
};
use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};

struct Staff {
    http: Client,
    base: String,
    key: String,
}

impl Staff {
    async fn call(&self, method: Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.key);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }
}

async fn status_journey(setup: Setup) {
    let base = server::spawn(&setup.services).await;
    let (_, key) = setup.agency_at("https://kunden.berg.example").await;
    let staff = Staff {
        http: Client::new(),
        base,
        key,
    };
    let login = format!("sara-{}@kund.example", unique());
    let (status, created) = staff
        .call(
            Method::POST,
            "/customers",
            Some(json!({"companyName": "Sjöbodens Café", "loginEmail": login, "language": "sv"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_str().unwrap().to_owned();
    let path = format!("/customers/{id}/status");

    let (status, refused) = staff
        .call(
            Method::PATCH,
            &format!("/customers/{id}"),
            Some(json!({"status": "feedback"})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");

    for to in ["design", "feedback"] {
        let (status, moved) = staff
            .call(Method::PUT, &path, Some(json!({ "status": to })))
            .await;
        assert_eq!(status, StatusCode::OK, "{moved}");
        assert_eq!(moved["status"], to);
    }
    let (status, history) = staff.call(Method::GET, &path, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(history["status"], "feedback");
    let moves: Vec<&str> = history["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["to"].as_str().unwrap())
        .collect();
    assert_eq!(moves, ["feedback", "design"]);
    let (_, customer) = staff
        .call(Method::GET, &format!("/customers/{id}"), None)
        .await;
    assert_eq!(customer["status"], "feedback");
    assert_eq!(customer["version"], 3);

    let emails: Vec<_> = setup
        .sent
        .sent_emails()
        .await
        .into_iter()
        .filter(|e| e.to.contains(&login))
        .collect();
    assert_eq!(
        emails.len(),
        1,
        "design is not told, feedback is: {emails:?}"
    );
    let email = &emails[0];
    assert_eq!(
        email.subject,
        "En förhandsversion av din webbplats väntar på din feedback"
    );
    let html = email
        .bodies
        .iter()
        .find(|b| b.contains("<html"))
        .expect("an HTML part")
        .replace("&#x2f;", "/");
    assert!(
        html.contains("href=\"https://kunden.berg.example/feedback\""),
        "{html}"
    );
    assert!(html.contains("Sjöbodens Café"));
    assert!(html.contains("<html lang=\"sv\">"));
}

#[tokio::test]
async fn a_status_move_on_the_embedded_store_emails_the_outbox() {
    status_journey(embedded()).await;
}

#[tokio::test]
async fn a_status_move_on_dynamodb_and_ses_emails_through_moto() {
    status_journey(on_moto().await).await;
}
