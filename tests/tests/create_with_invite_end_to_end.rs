//! An agency creates a customer and invites them in one request (`POST /customers` with
//! `invite`) over real HTTP against the local runner's app: once on the embedded store with
//! the outbox, once on DynamoDB, SES and SNS on moto's server, reading the delivered
//! messages back from each.

use portal::domain::{Email, LinkToken, NewTenant};
use portal_tests::{
    backends::{Setup, embedded, on_moto},
    delivery_contract::unique,
    server,
};
use reqwest::{Client, StatusCode, header::HeaderMap};
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
    ) -> (StatusCode, HeaderMap, Value) {
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
        let (status, headers) = (response.status(), response.headers().clone());
        let text = response.text().await.unwrap();
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap()
        };
        (status, headers, body)
    }

    async fn create(&self, body: Value, key: Option<&str>) -> (StatusCode, HeaderMap, Value) {
        self.call(reqwest::Method::POST, "/customers", Some(body), key)
            .await
    }

    async fn customers(&self) -> Vec<Value> {
        let (status, _, list) = self
            .call(reqwest::Method::GET, "/customers?limit=100", None, None)
            .await;
        assert_eq!(status, StatusCode::OK, "{list}");
        list["items"].as_array().unwrap().clone()
    }

    async fn invitations(&self, customer: &str) -> Vec<Value> {
        let (status, _, list) = self
            .call(
                reqwest::Method::GET,
                &format!("/customers/{customer}/invitations"),
                None,
                None,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{list}");
        list["items"].as_array().unwrap().clone()
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

async fn create_and_invite_journey(setup: Setup) {
    let base = server::spawn(&setup.services).await;
    let store = setup.services.store.clone();
    let staff = agency(&setup, &base, &setup.sender).await;

    // Created and invited by email in one request; a retry with the same key answers the
    // same and neither creates nor sends again.
    let anna = format!("anna-{}@baeckerei.example", unique());
    let body = json!({"companyName": "Bäckerei Schmidt GmbH", "contactPerson": "Anna Schmidt", "loginEmail": anna, "language": "de",
                      "invite": {"channels": ["email"], "area": "files"}});
    let key = unique();
    let (status, headers, created) = staff.create(body.clone(), Some(&key)).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(headers["location"], format!("/customers/{id}").as_str());
    assert_eq!(headers["etag"], "\"1\"");
    assert_eq!(created["invitation"]["status"], "sent", "{created}");
    assert_eq!(created["invitation"]["area"], "files");
    let (status, replay_headers, replayed) = staff.create(body.clone(), Some(&key)).await;
    assert_eq!((status, &replayed), (StatusCode::CREATED, &created));
    assert_eq!(replay_headers["idempotent-replayed"], "true");
    assert_eq!(replay_headers["etag"], "\"1\"");
    assert_eq!(replay_headers["location"], headers["location"]);

    let emails: Vec<_> = setup
        .sent
        .sent_emails()
        .await
        .into_iter()
        .filter(|e| e.to.contains(&anna))
        .collect();
    assert_eq!(emails.len(), 1, "sent once");
    assert_eq!(
        emails[0].subject,
        "Ihr Zugang zum Kundenportal von Webagentur Berg"
    );
    let text = emails[0]
        .bodies
        .join("\n")
        .replace("&#x2f;", "/")
        .replace("&amp;", "&");
    assert!(text.contains("Guten Tag Anna Schmidt"), "{text}");
    assert!(text.contains("https://kunden.berg.example/login?next=/files"));
    assert!(
        store
            .find_token(&token_in(&text).hash())
            .await
            .unwrap()
            .is_some(),
        "the invitation link works"
    );
    let invitations = staff.invitations(&id).await;
    assert_eq!(invitations.len(), 1);
    assert_eq!(invitations[0]["id"], created["invitation"]["id"]);
    assert_eq!(invitations[0]["state"], "sent");
    assert_eq!(staff.customers().await.len(), 1, "created once");

    // The same key with another body is refused and changes nothing.
    let mut other = body.clone();
    other["invite"]["area"] = json!("start");
    let (status, _, problem) = staff.create(other, Some(&key)).await;
    assert_eq!(
        (status, problem["type"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("/problems/idempotency-key-reused")
        )
    );

    // SMS asked for but no mobile: the customer is created, the answer says why no
    // invitation went out.
    let (status, _, created) = staff
        .create(
            json!({"companyName": "Ohne Handy KG", "loginEmail": format!("ohne-{}@handy.example", unique()), "invite": {"channels": ["sms"]}}),
            Some(&unique()),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["invitation"]["status"], "failed");
    let problem = &created["invitation"]["problem"];
    assert_eq!(problem["type"], "/problems/customer-not-invitable");
    assert_eq!(problem["errors"][0]["field"], "mobile");
    let id = created["id"].as_str().unwrap();
    let (status, _, _) = staff
        .call(
            reqwest::Method::GET,
            &format!("/customers/{id}"),
            None,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "the customer exists");
    assert!(staff.invitations(id).await.is_empty());

    // An invitation that can't be right creates nobody.
    let nobody = format!("nobody-{}@example.com", unique());
    for (invite, field) in [
        (json!({"area": "moon"}), "invite.area"),
        (json!({"channels": ["fax"]}), "invite.channels[0]"),
        (
            json!({"recipient": "stranger@example.com"}),
            "invite.recipient",
        ),
    ] {
        let (status, _, problem) = staff
            .create(
                json!({"companyName": "Niemand GmbH", "loginEmail": nobody, "invite": invite}),
                Some(&unique()),
            )
            .await;
        assert_eq!(
            (status, problem["errors"][0]["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some(field)),
            "{problem}"
        );
    }
    assert_eq!(staff.customers().await.len(), 2, "nothing more was created");
    assert!(
        !setup
            .sent
            .sent_emails()
            .await
            .iter()
            .any(|e| e.to.iter().any(|to| to.contains(&nobody))),
        "nothing was sent"
    );
}

#[tokio::test]
async fn create_and_invite_on_the_embedded_store_and_outbox() {
    create_and_invite_journey(embedded()).await;
}

#[tokio::test]
async fn create_and_invite_on_dynamodb_ses_and_sns() {
    create_and_invite_journey(on_moto().await).await;
}

#[tokio::test]
async fn an_unverified_sender_on_ses_keeps_the_new_customer_and_says_why() {
    let setup = on_moto().await;
    let base = server::spawn(&setup.services).await;
    let unverified = Email::parse(&format!("portal@{}.unverified.example", unique())).unwrap();
    let staff = agency(&setup, &base, &unverified).await;
    let login = format!("a-{}@customer.example", unique());
    let (status, headers, created) = staff
        .create(
            json!({"companyName": "A", "loginEmail": login, "invite": {}}),
            Some(&unique()),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(headers["etag"], "\"1\"");
    let id = created["id"].as_str().unwrap();
    assert_eq!(headers["location"], format!("/customers/{id}").as_str());
    let invitation = &created["invitation"];
    assert_eq!(invitation["status"], "failed", "{created}");
    assert_eq!(invitation["problem"]["type"], "/problems/delivery-failed");
    assert!(
        invitation["problem"]["detail"]
            .as_str()
            .unwrap()
            .contains("not verified"),
        "{invitation}"
    );
    let listed = staff.invitations(id).await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["state"], "failed");
    assert_eq!(listed[0]["id"], invitation["problem"]["invitation"]["id"]);
    assert!(
        !setup
            .sent
            .sent_emails()
            .await
            .iter()
            .any(|e| e.to.iter().any(|to| to.contains(&login))),
        "nothing went out"
    );
}
