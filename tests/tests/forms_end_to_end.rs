//! A website's form over real HTTP against the local runner's app: once on the embedded
//! store with the outbox, once on DynamoDB and SES on moto's server. The agency registers a
//! form, a visitor posts it as a browser would, a bot fills the honeypot, and the entry is
//! listed, exported and emailed (read back from the outbox or from moto).

use std::time::Duration;

use portal_tests::{
    backends::{Setup, embedded, on_moto},
    delivery_contract::unique,
    server,
};
use reqwest::{Client, StatusCode, redirect::Policy};
use serde_json::{Value, json};

struct Agency {
    http: Client,
    base: String,
    key: String,
}

impl Agency {
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
        let response = request.send().await.unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }
}

async fn form_journey(setup: Setup) {
    let base = server::spawn(&setup.services).await;
    let (_, key) = setup.agency_at("http://127.0.0.1").await;
    let http = Client::builder().redirect(Policy::none()).build().unwrap();
    let agency = Agency {
        http: http.clone(),
        base: base.clone(),
        key,
    };
    let (status, customer) = agency
        .call(
            reqwest::Method::POST,
            "/customers",
            Some(json!({"companyName": "Bäckerei Schmidt"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{customer}");
    let customer_id = customer["id"].as_str().unwrap();
    let recipient = format!("info-{}@baeckerei.example", unique());
    let (status, form) = agency
        .call(
            reqwest::Method::POST,
            &format!("/forms?customerId={customer_id}"),
            Some(json!({
                "name": "Kontakt",
                "allowedOrigins": ["https://www.baeckerei.example"],
                "recipients": [recipient],
                "redirectUrl": "https://www.baeckerei.example/danke",
            })),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{form}");
    let form_id = form["id"].as_str().unwrap();

    // A visitor's browser posts the plain HTML form.
    let visitor = format!("ada-{}@visitor.example", unique());
    let response = http
        .post(format!("{base}/f/{form_id}"))
        .header("origin", "https://www.baeckerei.example")
        .form(&[
            ("name", "Ada Lovelace"),
            ("email", visitor.as_str()),
            ("message", "=1+1, \"bitte\" zurückrufen"),
            ("_gotcha", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        response.headers()["location"],
        "https://www.baeckerei.example/danke"
    );

    // A bot fills the honeypot: the same answer, no trace but a count.
    let response = http
        .post(format!("{base}/f/{form_id}"))
        .header("origin", "https://www.baeckerei.example")
        .form(&[
            ("email", "bot@spam.example"),
            ("_gotcha", "http://spam.example"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    // Another site posts it: refused.
    let response = http
        .post(format!("{base}/f/{form_id}"))
        .header("origin", "https://evil.example")
        .header("accept", "application/json")
        .form(&[("message", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);

    let (status, entries) = agency
        .call(
            reqwest::Method::GET,
            &format!("/form-entries?customerId={customer_id}"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{entries}");
    let items = entries["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "the bot left no entry: {entries}");
    assert_eq!(
        items[0]["fields"][0],
        json!({"name": "name", "value": "Ada Lovelace"})
    );
    assert_eq!(items[0]["origin"], "https://www.baeckerei.example");

    let (_, form) = agency
        .call(reqwest::Method::GET, &format!("/forms/{form_id}"), None)
        .await;
    assert_eq!(
        form["counts"],
        json!({"entries": 1, "spam": 1, "refused": 1})
    );

    let csv = http
        .get(format!("{base}/form-entries/csv?customerId={customer_id}"))
        .bearer_auth(&agency.key)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csv = csv.strip_prefix('\u{FEFF}').expect("a byte order mark");
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header = reader.headers().unwrap().clone();
    let row = reader.records().next().unwrap().unwrap();
    let message = header.iter().position(|h| h == "message").unwrap();
    assert_eq!(&row[message], "'=1+1, \"bitte\" zurückrufen");

    // A script on the site posts JSON; a file, a huge body and a preflight from elsewhere.
    let response = http
        .post(format!("{base}/f/{form_id}"))
        .header("origin", "https://www.baeckerei.example")
        .header("accept", "application/json")
        .json(&json!({"name": "Grace", "message": "per fetch"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(
        response.headers()["access-control-allow-origin"],
        "https://www.baeckerei.example"
    );
    let file = reqwest::multipart::Form::new().text("name", "Grace").part(
        "cv",
        reqwest::multipart::Part::bytes(b"%PDF".to_vec()).file_name("cv.pdf"),
    );
    let response = http
        .post(format!("{base}/f/{form_id}"))
        .header("accept", "application/json")
        .multipart(file)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let response = http
        .post(format!("{base}/f/{form_id}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "application/json")
        .body(format!("message={}", "x".repeat(70 * 1024)))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    for (origin, expected) in [
        ("https://www.baeckerei.example", StatusCode::NO_CONTENT),
        ("https://evil.example", StatusCode::FORBIDDEN),
    ] {
        let response = http
            .request(reqwest::Method::OPTIONS, format!("{base}/f/{form_id}"))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), expected, "{origin}");
    }

    // The notification, read back from where it went.
    let mut delivered = None;
    for _ in 0..100 {
        delivered = setup
            .sent
            .sent_emails()
            .await
            .into_iter()
            .find(|m| m.to.contains(&recipient));
        if delivered.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let email = delivered.expect("the notification was sent");
    assert_eq!(email.subject, "Neuer Eintrag: Kontakt");
    assert!(email.from.contains(setup.sender.as_str()), "{}", email.from);
    assert!(
        email.bodies.iter().any(|b| b.contains("Ada Lovelace")),
        "{:?}",
        email.bodies
    );
    let mut state = Value::Null;
    for _ in 0..100 {
        let (_, entries) = agency
            .call(
                reqwest::Method::GET,
                &format!("/form-entries?customerId={customer_id}"),
                None,
            )
            .await;
        state = entries["items"][0]["emailState"].clone();
        if state != "pending" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(state, "sent");

    // The same address keeps posting: the rate limit stops it.
    let mut limited = None;
    for n in 0..20 {
        let response = http
            .post(format!("{base}/f/{form_id}"))
            .header("accept", "application/json")
            .form(&[("n", n.to_string())])
            .send()
            .await
            .unwrap();
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            limited = Some(response);
            break;
        }
        assert_eq!(response.status(), StatusCode::CREATED);
    }
    let limited = limited.expect("the rate limit answered 429");
    assert!(limited.headers().contains_key("retry-after"));
}

#[tokio::test]
async fn a_website_form_lands_in_the_portal_on_the_embedded_store() {
    let setup = embedded();
    let outbox = setup.services.outbox.clone().unwrap();
    form_journey(setup).await;
    let email = outbox
        .messages()
        .unwrap()
        .into_iter()
        .find(|m| m.text.contains("Ada Lovelace"))
        .unwrap();
    assert!(
        email
            .reply_to
            .as_deref()
            .is_some_and(|r| r.starts_with("ada-")),
        "the visitor is the Reply-To: {email:?}"
    );
}

#[tokio::test]
async fn a_website_form_lands_in_the_portal_on_dynamodb_and_ses() {
    form_journey(on_moto().await).await;
}
