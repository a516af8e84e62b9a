//! An agency invites customers over real HTTP against the local runner's app: once on the
//! embedded store with the outbox, once on DynamoDB, SES and SNS on moto's server, reading
//! the delivered messages back from each.

use portal::domain::{Email, LinkToken, NewTenant};
use portal_tests::{
    backends::{Setup, embedded, on_moto},
    delivery_contract::{unique, unique_mobile},
    fixtures, server,
};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

struct Staff {
    http: Client,
    base: String,
    key: String,
}

impl Staff {
    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
        idempotency: Option<&str>,
    ) -> (StatusCode, Value) {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.key);
        if let Some(body) = body {
            request = request.json(&body);
        }
        if let Some(key) = idempotency {
            request = request.header("Idempotency-Key", key);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
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

    /// What the page behind an invitation link learns (no API key: the token is the credential).
    async fn link(&self, token: &LinkToken) -> (StatusCode, Value) {
        let response = self
            .http
            .get(format!("{}/invitation-links/{}", self.base, token.expose()))
            .send()
            .await
            .unwrap();
        let status = response.status();
        (status, response.json().await.unwrap())
    }

    async fn customer(&self, body: Value) -> String {
        let (status, created) = self
            .call(reqwest::Method::POST, "/customers", Some(body), None)
            .await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        created["id"].as_str().unwrap().to_owned()
    }

    async fn invite(&self, customer: &str, body: Value, key: Option<&str>) -> (StatusCode, Value) {
        self.call(
            reqwest::Method::POST,
            &format!("/customers/{customer}/invitations"),
            Some(body),
            key,
        )
        .await
    }
}

async fn agency(setup: &Setup, base: &str, sender: &Email) -> Staff {
    let agency = testkit::agency(
        setup.services.store.as_ref(),
        &NewTenant {
            name: "Webagentur Berg".into(),
            portal_base_url: "https://kunden.berg.example".into(),
            sender_email: sender.to_string(),
            default_language: "de".into(),
            tier: "professional".into(),
        },
        "e2e",
    )
    .await;
    Staff {
        http: Client::new(),
        base: base.to_owned(),
        key: agency.key,
    }
}

fn token_in(text: &str) -> LinkToken {
    let start = text.find("/invite/").expect("an invitation link") + "/invite/".len();
    LinkToken::from_presented(&text[start..start + 43])
}

async fn invitations_journey(setup: Setup) {
    let base = server::spawn(&setup.services).await;
    let store = setup.services.store.clone();
    let staff = agency(&setup, &base, &setup.sender).await;

    // German email, straight into the files area.
    let anna = format!("anna-{}@baeckerei.example", unique());
    let german = staff
        .customer(json!({"companyName": "Bäckerei Schmidt GmbH", "contactPerson": "Anna Schmidt", "loginEmail": anna, "language": "de"}))
        .await;
    let (status, invitation) = staff
        .invite(
            &german,
            json!({"channels": ["email"], "area": "files"}),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{invitation}");
    assert_eq!(invitation["state"], "sent");
    let emails: Vec<_> = setup
        .sent
        .sent_emails()
        .await
        .into_iter()
        .filter(|e| e.to.contains(&anna))
        .collect();
    assert_eq!(emails.len(), 1);
    let email = &emails[0];
    assert_eq!(
        email.subject,
        "Ihr Zugang zum Kundenportal von Webagentur Berg"
    );
    let body = email
        .bodies
        .join("\n")
        .replace("&#x2f;", "/")
        .replace("&amp;", "&");
    assert!(body.contains("Guten Tag Anna Schmidt"), "{body}");
    assert!(
        body.contains("https://kunden.berg.example/login?next=/files"),
        "the login link"
    );
    let first_token = token_in(&body);
    assert!(
        store
            .find_token(&first_token.hash())
            .await
            .unwrap()
            .is_some(),
        "the invitation link works"
    );

    // Swedish SMS.
    let mobile = unique_mobile();
    let swedish = staff
        .customer(json!({"companyName": "Bageri Lindqvist AB", "loginEmail": format!("kim-{}@bageri.example", unique()), "language": "sv", "mobile": mobile.as_str()}))
        .await;
    let (status, invitation) = staff
        .invite(&swedish, json!({"channels": ["sms"]}), None)
        .await;
    assert_eq!(status, StatusCode::CREATED, "{invitation}");
    let sms: Vec<_> = setup
        .sent
        .sent_sms()
        .await
        .into_iter()
        .filter(|s| s.to == mobile.as_str())
        .collect();
    assert_eq!(sms.len(), 1);
    assert!(
        sms[0].text.contains("kundportal") || sms[0].text.contains("Kundportal"),
        "Swedish: {}",
        sms[0].text
    );
    assert!(
        store
            .find_token(&token_in(&sms[0].text).hash())
            .await
            .unwrap()
            .is_some()
    );

    // Resending voids the first link; a retry with the same key sends nothing more.
    let key = unique();
    let (status, resent) = staff
        .invite(&german, json!({"channels": ["email"]}), Some(&key))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, replayed) = staff
        .invite(&german, json!({"channels": ["email"]}), Some(&key))
        .await;
    assert_eq!((status, &replayed), (StatusCode::CREATED, &resent));
    let emails: Vec<_> = setup
        .sent
        .sent_emails()
        .await
        .into_iter()
        .filter(|e| e.to.contains(&anna))
        .collect();
    assert_eq!(emails.len(), 2, "the retry sent nothing");
    let (status, problem) = staff.link(&first_token).await;
    assert_eq!(
        (status, problem["linkStatus"].as_str()),
        (StatusCode::GONE, Some("superseded")),
        "the first link is refused now"
    );
    let second_token = token_in(&emails[1].bodies.join("\n").replace("&#x2f;", "/"));
    let (status, link) = staff.link(&second_token).await;
    assert_eq!(
        (status, link["company"].as_str()),
        (StatusCode::OK, Some("Bäckerei Schmidt GmbH"))
    );

    let (_, list) = staff
        .call(
            reqwest::Method::GET,
            &format!("/customers/{german}/invitations"),
            None,
            None,
        )
        .await;
    let states: Vec<_> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["state"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["sent", "revoked"]);

    // No login email: a clear 422, nothing sent.
    let no_email = staff.customer(json!({"companyName": "Ohne Mail KG"})).await;
    let (status, problem) = staff
        .invite(&no_email, json!({"channels": ["email"]}), None)
        .await;
    assert_eq!(
        (status, problem["errors"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("loginEmail"))
    );
}

#[tokio::test]
async fn invitations_on_the_embedded_store_and_outbox() {
    invitations_journey(embedded()).await;
}

#[tokio::test]
async fn invitations_on_dynamodb_ses_and_sns() {
    invitations_journey(on_moto().await).await;
}

#[tokio::test]
async fn an_unverified_sender_on_ses_marks_the_invitation_failed() {
    let setup = on_moto().await;
    let base = server::spawn(&setup.services).await;
    let unverified = Email::parse(&format!("portal@{}.unverified.example", unique())).unwrap();
    let staff = agency(&setup, &base, &unverified).await;
    let customer = staff
        .customer(json!({"companyName": "A", "loginEmail": fixtures::unique_email("a")}))
        .await;
    let (status, problem) = staff.invite(&customer, json!({}), None).await;
    assert_eq!(
        (status, problem["type"].as_str()),
        (StatusCode::BAD_GATEWAY, Some("/problems/delivery-failed"))
    );
    assert!(
        problem["detail"].as_str().unwrap().contains("not verified"),
        "{problem}"
    );
    let (_, list) = staff
        .call(
            reqwest::Method::GET,
            &format!("/customers/{customer}/invitations"),
            None,
            None,
        )
        .await;
    assert_eq!(list["items"][0]["state"], "failed");
}
