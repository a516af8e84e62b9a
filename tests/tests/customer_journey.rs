//! The customer's journey over real HTTP against the local runner's app, on the embedded
//! store and on DynamoDB/SES/SNS on moto: invitation link → set password → My data →
//! logout → login → lockout → password change → forgot → reset.

use portal::domain::Language;
use portal_tests::{
    backends::{Setup, embedded, on_moto},
    browser::{Body, Browser, csrf_in, link_in},
    delivery_contract::unique,
    server,
};
use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};

async fn journey(setup: Setup) {
    let base = server::spawn(&setup.services).await;
    let (_, key) = setup.agency_at(&base).await;
    let staff = Client::new();
    let login = format!("kim-{}@bageri.example", unique());
    let created: Value = staff
        .post(format!("{base}/customers"))
        .bearer_auth(&key)
        .json(&json!({"companyName": "Bageri Lindqvist AB", "loginEmail": login, "language": "sv", "address": {"country": "SE"}}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let customer_id = created["id"].as_str().unwrap().to_owned();
    let invited = staff
        .post(format!("{base}/customers/{customer_id}/invitations"))
        .bearer_auth(&key)
        .json(&json!({"channels": ["email"], "area": "files"}))
        .send()
        .await
        .unwrap();
    assert_eq!(invited.status(), StatusCode::CREATED);
    let email = setup
        .sent
        .sent_emails()
        .await
        .into_iter()
        .find(|e| e.to.contains(&login))
        .expect("the invitation");
    let token = link_in(&email.bodies.join("\n"), "/invite/");

    // The invitation page, in Swedish, any number of times.
    let mut browser = Browser::new(&base);
    for _ in 0..2 {
        let page = browser.get(&format!("/invite/{token}")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.text.contains("lang=\"sv\""), "{}", page.text);
        assert!(page.text.contains("Bageri Lindqvist AB"));
        assert_eq!(page.headers["cache-control"], "no-store");
    }

    // A weak password is explained in Swedish; a good one logs the customer in.
    let weak = browser
        .post_form(&format!("/invite/{token}"), &[("password", "kort")])
        .await;
    assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(weak.text.contains("minst 15 tecken"), "{}", weak.text);
    let set = browser
        .post_form(
            &format!("/invite/{token}"),
            &[("password", "kanelbullar varje fredag")],
        )
        .await;
    assert_eq!(set.status, StatusCode::SEE_OTHER, "{}", set.text);
    assert!(
        set.headers["set-cookie"]
            .to_str()
            .unwrap()
            .contains("HttpOnly; SameSite=Lax")
    );
    assert!(browser.cookie.is_some());

    // The link is spent: the page says so.
    let mut other = Browser::new(&base);
    let reused = other.get(&format!("/invite/{token}")).await;
    assert_eq!(reused.status, StatusCode::GONE);
    assert!(reused.text.contains("lang=\"sv\""));

    // My data: the page, a JSON change that needs the CSRF token, a form change.
    let me = browser.get("/me").await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.text);
    assert!(me.text.contains("Bageri Lindqvist AB"));
    let csrf = csrf_in(&me.text);
    let no_csrf = browser
        .send(
            Method::PATCH,
            "/me",
            Some(Body::Json(json!({"owner": "Kim"}))),
            &[],
        )
        .await;
    assert_eq!(no_csrf.status, StatusCode::FORBIDDEN);
    let patched = browser
        .send(
            Method::PATCH,
            "/me",
            Some(Body::Json(
                json!({"owner": "Kim Lindqvist", "phone": "08 123 456 78"}),
            )),
            &[("x-csrf-token", &csrf)],
        )
        .await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.text);
    assert_eq!(patched.json()["phone"], "+46812345678");
    let forbidden = browser
        .send(
            Method::PATCH,
            "/me",
            Some(Body::Json(
                json!({"loginEmail": "x@y.example", "status": "online"}),
            )),
            &[("x-csrf-token", &csrf)],
        )
        .await;
    assert_eq!(forbidden.status, StatusCode::UNPROCESSABLE_ENTITY);
    let saved = browser
        .post_form(
            "/me",
            &[
                ("csrf", &csrf),
                ("companyName", "Bageri Lindqvist AB"),
                ("contactPerson", "Kim"),
                ("address.city", "Uppsala"),
                ("address.country", "SE"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.text);
    // Every bad field at once, each in the customer's language (Swedish), none in English.
    let refused = browser
        .post_form(
            "/me",
            &[
                ("csrf", &csrf),
                ("companyName", "Bageri Lindqvist AB"),
                ("address.city", "Uppsala"),
                ("address.country", "XX"),
                ("mobile", "+49 12"),
                ("phone", "018 123 45"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    for (id, key) in [
        ("e-address.country", "field-country-unknown"),
        ("e-mobile", "field-phone-invalid"),
        ("e-phone", "field-phone-needs-country"),
    ] {
        let message = portal::i18n::t(Language::Sv, key);
        assert!(
            refused.text.contains(&format!("id=\"{id}\">{message}</p>")),
            "{id}: {}",
            refused.text
        );
    }
    for english in [
        "is not a valid phone number",
        "needs the international prefix",
        "ISO 3166",
    ] {
        assert!(!refused.text.contains(english), "{english}");
    }
    let staff_view: Value = staff
        .get(format!("{base}/customers/{customer_id}"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(staff_view["contactPerson"], "Kim");
    assert_eq!(staff_view["address"]["city"], "Uppsala");
    assert!(
        staff_view["activatedAt"].is_string(),
        "the customer is active"
    );
    assert_eq!(staff_view["loginEmail"], login.as_str(), "unchanged");

    // Log out; the cookie no longer works.
    let out = browser.post_form("/logout", &[("csrf", &csrf)]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    let me = browser.get("/me").await;
    assert_eq!(
        me.status,
        StatusCode::SEE_OTHER,
        "a browser is sent to log in"
    );
    assert_eq!(me.headers["location"], "/login?next=/me");

    // Wrong password and unknown email look the same; the right one logs in (JSON).
    let mut api = Browser::new(&base);
    let wrong = api
        .send(
            Method::POST,
            "/login",
            Some(Body::Json(
                json!({"email": login, "password": "not my password at all"}),
            )),
            &[],
        )
        .await;
    let unknown = api.send(Method::POST, "/login", Some(Body::Json(json!({"email": format!("nobody-{}@x.example", unique()), "password": "not my password at all"}))), &[]).await;
    assert_eq!(
        (wrong.status, unknown.status),
        (StatusCode::UNAUTHORIZED, StatusCode::UNAUTHORIZED)
    );
    assert_eq!(wrong.json()["detail"], unknown.json()["detail"]);
    let ok = api
        .send(
            Method::POST,
            "/login",
            Some(Body::Json(
                json!({"email": login, "password": "kanelbullar varje fredag"}),
            )),
            &[],
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
    let bearer = ok.json()["sessionToken"].as_str().unwrap().to_owned();

    // A second session changes the password: the first one ends.
    let mut second = Browser::new(&base);
    second
        .send(
            Method::POST,
            "/login",
            Some(Body::Json(
                json!({"email": login, "password": "kanelbullar varje fredag"}),
            )),
            &[],
        )
        .await;
    let auth = format!("Bearer {bearer}");
    let changed = api
        .send(Method::POST, "/me/password", Some(Body::Json(json!({"current": "kanelbullar varje fredag", "new": "semlor på tisdagar i februari"}))), &[("authorization", &auth)])
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.text);
    assert_eq!(
        second.send(Method::GET, "/me", None, &[]).await.status,
        StatusCode::UNAUTHORIZED,
        "other sessions ended"
    );
    let new_bearer = format!(
        "Bearer {}",
        changed.json()["sessionToken"].as_str().unwrap()
    );
    assert_eq!(
        api.send(Method::GET, "/me", None, &[("authorization", &new_bearer)])
            .await
            .status,
        StatusCode::OK
    );

    // Forgot: the same answer for anyone; a reset link arrives for the customer.
    let forgot = api
        .send(
            Method::POST,
            "/password/forgot",
            Some(Body::Json(json!({"email": login}))),
            &[],
        )
        .await;
    let nobody = api
        .send(
            Method::POST,
            "/password/forgot",
            Some(Body::Json(
                json!({"email": format!("nobody-{}@x.example", unique())}),
            )),
            &[],
        )
        .await;
    assert_eq!((forgot.status, &forgot.text), (nobody.status, &nobody.text));
    assert_eq!(forgot.status, StatusCode::ACCEPTED);
    let reset_mail = setup
        .sent
        .sent_emails()
        .await
        .into_iter()
        .rfind(|e| e.to.contains(&login))
        .unwrap();
    let reset = link_in(&reset_mail.bodies.join("\n"), "/password/reset/");
    let mut resetter = Browser::new(&base);
    assert_eq!(
        resetter
            .get(&format!("/password/reset/{reset}"))
            .await
            .status,
        StatusCode::OK
    );
    let done = resetter
        .post_form(
            &format!("/password/reset/{reset}"),
            &[("password", "prinsesstårta till kaffet")],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.text);
    assert_eq!(
        api.send(Method::GET, "/me", None, &[("authorization", &new_bearer)])
            .await
            .status,
        StatusCode::UNAUTHORIZED,
        "the reset ended the other sessions"
    );
    let old = api
        .send(
            Method::POST,
            "/login",
            Some(Body::Json(
                json!({"email": login, "password": "semlor på tisdagar i februari"}),
            )),
            &[],
        )
        .await;
    assert_eq!(old.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        resetter
            .get(&format!("/password/reset/{reset}"))
            .await
            .status,
        StatusCode::GONE,
        "a reset link works once"
    );

    // Repeated failures lock the account for a while, with Retry-After.
    let mut statuses = Vec::new();
    let mut attacker = Browser::new(&base);
    for _ in 0..6 {
        statuses.push(
            attacker
                .send(
                    Method::POST,
                    "/login",
                    Some(Body::Json(
                        json!({"email": login, "password": "guessing guessing guessing"}),
                    )),
                    &[],
                )
                .await,
        );
    }
    // Two failures above (a wrong password, the old password) and three here make five.
    let codes: Vec<_> = statuses.iter().map(|a| a.status.as_u16()).collect();
    assert_eq!(codes, [401, 401, 401, 429, 429, 429]);
    assert!(
        statuses[3].headers["retry-after"]
            .to_str()
            .unwrap()
            .parse::<u32>()
            .unwrap()
            // The rest of this quarter hour, then a fifth of the next (the sliding window:
            // this quarter hour's 5 failures weigh in until 4 fit with one more).
            <= 18 * 60
    );
    assert!(
        statuses[3].json()["detail"]
            .as_str()
            .unwrap()
            .contains("minuter"),
        "explained in Swedish: {}",
        statuses[3].text
    );
    let locked_even_right = attacker
        .send(
            Method::POST,
            "/login",
            Some(Body::Json(
                json!({"email": login, "password": "prinsesstårta till kaffet"}),
            )),
            &[],
        )
        .await;
    assert_eq!(
        locked_even_right.status,
        StatusCode::TOO_MANY_REQUESTS,
        "locked is locked"
    );
}

#[tokio::test]
async fn a_customers_journey_on_the_embedded_store() {
    journey(embedded()).await;
}

#[tokio::test]
async fn a_customers_journey_on_dynamodb_and_ses() {
    journey(on_moto().await).await;
}
