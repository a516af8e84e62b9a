//! The portal's home and the customer's start page over real HTTP against the local runner's
//! app, on the embedded store and on DynamoDB/SES on moto: an invited customer sets a
//! password, lands where the invitation pointed, and the start page follows the status staff
//! set.

use portal::{domain::Language, i18n::t};
use portal_tests::{
    backends::{Setup, embedded, on_moto},
    browser::{Browser, csrf_in, link_in},
    delivery_contract::unique,
    server,
};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

struct Staff {
    http: Client,
    base: String,
    key: String,
}

impl Staff {
    async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(reqwest::Method::POST, path, body).await
    }

    async fn send(&self, method: reqwest::Method, path: &str, body: Value) -> (StatusCode, Value) {
        let response = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.key)
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    async fn move_to(&self, customer: &str, status: &str) {
        let (code, moved) = self
            .send(
                reqwest::Method::PUT,
                &format!("/customers/{customer}/status"),
                json!({ "status": status }),
            )
            .await;
        assert_eq!(code, StatusCode::OK, "{moved}");
    }
}

/// A customer invited into `area`, who sets a password from the email's link; the browser
/// holding their session and where the password form sent them.
async fn invited_customer(setup: &Setup, staff: &Staff, area: &str) -> (String, Browser, String) {
    let login = format!("kim-{}@bageri.example", unique());
    let (status, created) = staff
        .post(
            "/customers",
            json!({"companyName": "Bageri Lindqvist AB", "loginEmail": login, "language": "sv"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_str().unwrap().to_owned();
    let (status, invited) = staff
        .post(
            &format!("/customers/{id}/invitations"),
            json!({"channels": ["email"], "area": area}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{invited}");
    let email = setup
        .sent
        .sent_emails()
        .await
        .into_iter()
        .find(|e| e.to.contains(&login))
        .expect("the invitation");
    let token = link_in(&email.bodies.join("\n"), "/invite/");
    let mut browser = Browser::new(&staff.base);
    let set = browser
        .post_form(
            &format!("/invite/{token}"),
            &[("password", "kanelbullar varje fredag")],
        )
        .await;
    assert_eq!(set.status, StatusCode::SEE_OTHER, "{}", set.text);
    let landed = set.headers["location"].to_str().unwrap().to_owned();
    (id, browser, landed)
}

async fn start_journey(setup: Setup) {
    let base = server::spawn(&setup.services).await;
    let (_, key) = setup.agency_at(&base).await;
    let staff = Staff {
        http: Client::new(),
        base: base.clone(),
        key,
    };
    let sv = |key: &str| t(Language::Sv, key);

    // A visitor without a session is sent to log in, and back to the start page after.
    let mut visitor = Browser::new(&base);
    for path in ["/", "/start"] {
        let answer = visitor.get(path).await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER, "{path}");
        assert_eq!(answer.headers["location"], "/login?next=/start", "{path}");
    }
    assert_eq!(
        visitor.get("/me/start").await.status,
        StatusCode::UNAUTHORIZED
    );

    // Invited into the wishes, the customer lands there after setting the password.
    let (_, _, landed) = invited_customer(&setup, &staff, "wishes").await;
    assert_eq!(landed, "/wishes");

    // Invited to the start page: the home sends them on to it.
    let (id, mut browser, landed) = invited_customer(&setup, &staff, "start").await;
    assert_eq!(landed, "/");
    let home = browser.get("/").await;
    assert_eq!(home.status, StatusCode::SEE_OTHER);
    assert_eq!(home.headers["location"], "/start");

    let (status, _) = staff
        .send(
            reqwest::Method::PUT,
            "/branding",
            json!({"logoUrl": "https://cdn.berg.example/logo.svg", "colour": "#c81e1e"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let page = browser.get("/start").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert!(
        page.text.contains("border-top:6px solid #c81e1e"),
        "the agency's colour"
    );
    assert!(
        page.headers["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("img-src https:")
    );
    let html = page.text.replace("&#x2f;", "/");
    assert_eq!(page.headers["cache-control"], "no-store");
    assert!(page.text.contains("<html lang=\"sv\">"));
    assert!(page.text.contains("Webagentur Berg"));
    assert!(
        page.text.contains("Bageri Lindqvist AB"),
        "the customer's name"
    );
    assert!(
        page.text.contains(&sv("page-start-first-wishes")),
        "{}",
        page.text
    );
    assert!(html.contains("href=\"/wishes\""));
    assert!(html.contains("href=\"/files/page\""));
    assert!(!html.contains("href=\"/feedback\""));
    assert!(html.contains("action=\"/logout\""));
    assert!(html.contains("<img class=\"logo\" src=\"https://cdn.berg.example/logo.svg\""));

    let start = browser
        .send(reqwest::Method::GET, "/me/start", None, &[])
        .await;
    assert_eq!(start.status, StatusCode::OK, "{}", start.text);
    assert_eq!(
        start.json(),
        json!({
            "status": "preparation",
            "onHold": false,
            "first": "wishes",
            "areas": [
                {"area": "wishes", "path": "/wishes", "waiting": true},
                {"area": "files", "path": "/files/page", "waiting": false},
                {"area": "my-data", "path": "/me", "waiting": false},
            ],
            "liveSite": null
        })
    );

    // The language switch in the navigation is remembered on the customer's record.
    let csrf = csrf_in(&page.text);
    let forged = browser
        .post_form("/me/language", &[("language", "de"), ("next", "/start")])
        .await;
    assert_eq!(
        forged.status,
        StatusCode::FORBIDDEN,
        "no CSRF token, no change"
    );
    let switched = browser
        .post_form(
            "/me/language",
            &[
                ("csrf", &csrf),
                ("language", "de"),
                ("next", "https://evil.example/"),
            ],
        )
        .await;
    assert_eq!(switched.status, StatusCode::SEE_OTHER, "{}", switched.text);
    assert_eq!(switched.headers["location"], "/start", "never elsewhere");
    let page = browser.get("/start").await;
    assert!(page.text.contains("<html lang=\"de\">"));
    assert!(
        page.text
            .contains(&t(Language::De, "page-start-first-wishes"))
    );
    let (_, record) = staff
        .send(
            reqwest::Method::GET,
            &format!("/customers/{id}"),
            Value::Null,
        )
        .await;
    assert_eq!(record["language"], "de");
    let bad = browser
        .post_form("/me/language", &[("csrf", &csrf), ("language", "xx")])
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.json()["errors"][0]["field"], "language");

    // My data wears the same navigation and offers countries by name, in German now.
    let me = browser.get("/me").await;
    assert_eq!(me.status, StatusCode::OK);
    assert!(
        me.text.contains("<option value=\"AT\">Österreich</option>"),
        "{}",
        me.text
    );
    assert!(me.text.contains("id=\"nav-language\""));

    // Staff move the project on: the start page leads to feedback, then rests.
    staff.move_to(&id, "feedback").await;
    let start = browser
        .send(reqwest::Method::GET, "/me/start", None, &[])
        .await;
    assert_eq!(start.json()["first"], "feedback");
    let page = browser.get("/start").await;
    assert!(
        page.text
            .contains(&t(Language::De, "page-start-first-feedback"))
    );
    let html = page.text.replace("&#x2f;", "/");
    assert!(
        html.contains("class=\"button\" href=\"/feedback\""),
        "{html}"
    );

    // Once the customer has a form, the start page shows its entries in any status, and
    // says when one is unread.
    let areas = |start: &Value| -> Vec<(String, Value)> {
        start["areas"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| (a["area"].as_str().unwrap().to_owned(), a["waiting"].clone()))
            .collect()
    };
    let start = browser
        .send(reqwest::Method::GET, "/me/start", None, &[])
        .await;
    assert!(
        !areas(&start.json())
            .iter()
            .any(|(a, _)| a == "form-entries"),
        "no form yet"
    );
    let (code, form) = staff
        .post(
            &format!("/forms?customerId={id}"),
            json!({"name": "Kontakt", "allowedOrigins": [], "recipients": []}),
        )
        .await;
    assert_eq!(code, StatusCode::CREATED, "{form}");
    let start = browser
        .send(reqwest::Method::GET, "/me/start", None, &[])
        .await;
    let shown = areas(&start.json());
    let entries = shown.iter().position(|(a, _)| a == "form-entries");
    assert_eq!(
        entries.map(|i| &shown[i].1),
        Some(&json!(false)),
        "{shown:?}"
    );
    assert_eq!(
        shown.last().map(|(a, _)| a.as_str()),
        Some("my-data"),
        "My data stays last"
    );
    let posted = staff
        .http
        .post(format!("{}/f/{}", staff.base, form["id"].as_str().unwrap()))
        .header("accept", "application/json")
        .json(&json!({"email": "besok@example.org", "message": "Hej!"}))
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), StatusCode::CREATED);
    let start = browser
        .send(reqwest::Method::GET, "/me/start", None, &[])
        .await;
    assert!(
        areas(&start.json()).contains(&("form-entries".to_owned(), json!(true))),
        "an unread entry waits"
    );
    let html = browser.get("/start").await.text.replace("&#x2f;", "/");
    assert!(html.contains("href=\"/entries\""), "{html}");

    // Once online, the start page shows the live website the agency registered, and only then.
    let (code, site) = staff
        .send(
            reqwest::Method::PUT,
            &format!("/feedback/site?customerId={id}"),
            json!({"draftUrl": "https://entwurf.berg.example/", "liveUrl": "https://www.berg.example/"}),
        )
        .await;
    assert_eq!(code, StatusCode::OK, "{site}");
    let start = browser
        .send(reqwest::Method::GET, "/me/start", None, &[])
        .await;
    assert_eq!(start.json()["liveSite"], Value::Null, "not online yet");
    staff.move_to(&id, "online").await;
    let start = browser
        .send(reqwest::Method::GET, "/me/start", None, &[])
        .await;
    assert_eq!(start.json()["liveSite"], "https://www.berg.example/");
    let html = browser.get("/start").await.text.replace("&#x2f;", "/");
    assert!(
        html.contains("<a href=\"https://www.berg.example/\" rel=\"noopener noreferrer\">"),
        "{html}"
    );
    assert!(html.contains(&t(Language::De, "page-start-live-site")));

    staff.move_to(&id, "paused").await;
    let start = browser
        .send(reqwest::Method::GET, "/me/start", None, &[])
        .await;
    assert_eq!(start.json()["onHold"], true);
    assert_eq!(start.json()["first"], Value::Null);
    assert_eq!(
        areas(&start.json()),
        [("my-data".to_owned(), json!(false))],
        "a paused project shows only My data"
    );
    let page = browser.get("/start").await;
    assert!(page.text.contains(&t(Language::De, "page-start-on-hold")));
    assert!(
        !page.text.contains("class=\"button\""),
        "nothing to do first"
    );
}

#[tokio::test]
async fn the_home_and_start_page_on_the_embedded_store() {
    start_journey(embedded()).await;
}

#[tokio::test]
async fn the_home_and_start_page_on_dynamodb_and_ses() {
    start_journey(on_moto().await).await;
}
