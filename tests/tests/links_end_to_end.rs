//! Issue 8, defects 1 and 7, over real HTTP on both backends: a link sets only the password
//! of the address it was sent to, and dies when that address stops being the login email or
//! when the password is set, changed or reset by another way.

use portal_tests::{
    backends::{Setup, embedded, on_moto},
    delivery_contract::{unique, unique_mobile},
    server,
};
use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};

struct Portal {
    http: Client,
    base: String,
    key: String,
    setup: Setup,
}

impl Portal {
    async fn new(setup: Setup) -> Self {
        let base = server::spawn(&setup.services).await;
        let (_, key) = setup.agency_at(&base).await;
        Self {
            http: Client::new(),
            base,
            key,
            setup,
        }
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> (StatusCode, Value) {
        let response = request.send().await.unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        (status, body)
    }

    /// A staff call with the agency's API key.
    async fn staff(&self, method: Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.key);
        if let Some(body) = body {
            request = request.json(&body);
        }
        self.send(request).await
    }

    /// A public call (no key), JSON in and out.
    async fn public(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(self.http.post(format!("{}{path}", self.base)).json(&body))
            .await
    }

    async fn page(&self, path: &str) -> (StatusCode, String) {
        let response = self
            .http
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap();
        (response.status(), response.text().await.unwrap())
    }

    async fn customer(&self, login: &str) -> String {
        let (status, created) = self
            .staff(
                Method::POST,
                "/customers",
                Some(json!({"companyName": "Bäckerei Schmidt GmbH", "loginEmail": login, "language": "en"})),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        created["id"].as_str().unwrap().to_owned()
    }

    async fn set_login(&self, customer: &str, login: Value) {
        let (status, body) = self
            .staff(
                Method::PATCH,
                &format!("/customers/{customer}"),
                Some(json!({"loginEmail": login})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }

    /// Invites the customer by email and returns the token of the link sent to `to`.
    async fn invite(&self, customer: &str, to: &str) -> (StatusCode, Option<String>) {
        let before = self.emails_to(to, "/invite/").await.len();
        let (status, body) = self
            .staff(
                Method::POST,
                &format!("/customers/{customer}/invitations"),
                Some(json!({"channels": ["email"]})),
            )
            .await;
        if status != StatusCode::CREATED {
            return (status, None);
        }
        let links = self.emails_to(to, "/invite/").await;
        assert_eq!(links.len(), before + 1, "{body}");
        (status, links.last().cloned())
    }

    /// Asks for a reset link for `to` and returns its token.
    async fn reset_link(&self, to: &str) -> String {
        let before = self.emails_to(to, "/password/reset/").await.len();
        let (status, _) = self.public("/password/forgot", json!({"email": to})).await;
        assert_eq!(status, StatusCode::ACCEPTED);
        let links = self.emails_to(to, "/password/reset/").await;
        assert_eq!(links.len(), before + 1, "a reset email went to {to}");
        links.last().cloned().unwrap()
    }

    /// The tokens of the links (`/invite/` or `/password/reset/`) in the emails sent to `to`.
    async fn emails_to(&self, to: &str, marker: &str) -> Vec<String> {
        self.setup
            .sent
            .sent_emails()
            .await
            .into_iter()
            .filter(|e| e.to.iter().any(|t| t.eq_ignore_ascii_case(to)))
            .filter_map(|e| {
                let body = e.bodies.join("\n").replace("&#x2f;", "/");
                let start = body.find(marker)? + marker.len();
                Some(body[start..start + 43].to_owned())
            })
            .collect()
    }

    async fn login(&self, email: &str, password: &str) -> (StatusCode, Value) {
        self.public("/login", json!({"email": email, "password": password}))
            .await
    }
}

const PASSWORD: &str = "correct horse battery staple";
const OTHER_PASSWORD: &str = "another long sentence for a password";

async fn a_link_sent_to_the_old_login_email_sets_no_password(setup: Setup) {
    let portal = Portal::new(setup).await;
    let wrong = format!("wrong-{}@baeckerei.example", unique());
    let right = format!("right-{}@baeckerei.example", unique());
    let customer = portal.customer(&wrong).await;
    let (status, token) = portal.invite(&customer, &wrong).await;
    assert_eq!(status, StatusCode::CREATED);
    let token = token.unwrap();

    // The agency corrects the login email.
    portal.set_login(&customer, json!(right)).await;

    // The link sent to wrong@ is refused, on the page and in JSON, and sets nothing.
    let (status, page) = portal.page(&format!("/invite/{token}")).await;
    assert_eq!(status, StatusCode::GONE, "{page}");
    assert!(
        page.contains("login email") && !page.contains("name=\"password\""),
        "the page says why and offers no form: {page}"
    );
    let (status, problem) = portal
        .public(
            "/invitations/accept",
            json!({"token": token, "password": PASSWORD}),
        )
        .await;
    assert_eq!(status, StatusCode::GONE, "{problem}");
    assert_eq!(problem["type"], "/problems/link-not-usable");
    assert_eq!(problem["linkStatus"], "login-email-changed");
    assert_eq!(
        portal.login(&right, PASSWORD).await.0,
        StatusCode::UNAUTHORIZED,
        "no password was set for right@"
    );

    // The agency sees why the first invitation ended, and can invite the right person.
    let (_, list) = portal
        .staff(
            Method::GET,
            &format!("/customers/{customer}/invitations"),
            None,
        )
        .await;
    let first = &list["items"][0];
    assert_eq!(first["state"], "revoked", "{list}");
    let last = first["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["event"], "revoked", "{first}");
    assert!(
        last["detail"]
            .as_str()
            .unwrap_or_default()
            .starts_with("login-email-changed"),
        "{last}"
    );
    let (status, token) = portal.invite(&customer, &right).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, session) = portal
        .public(
            "/invitations/accept",
            json!({"token": token.unwrap(), "password": PASSWORD}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{session}");
    assert_eq!(portal.login(&right, PASSWORD).await.0, StatusCode::OK);
    assert_eq!(
        portal.login(&wrong, PASSWORD).await.0,
        StatusCode::UNAUTHORIZED
    );

    // A reset link requested before the login email changes (or is cleared) dies with it.
    let reset = portal.reset_link(&right).await;
    let moved = format!("moved-{}@baeckerei.example", unique());
    portal.set_login(&customer, json!(moved)).await;
    let (status, problem) = portal
        .public(
            "/password/reset",
            json!({"token": reset, "password": OTHER_PASSWORD}),
        )
        .await;
    assert_eq!(status, StatusCode::GONE, "{problem}");
    assert_eq!(problem["linkStatus"], "login-email-changed");
    let reset = portal.reset_link(&moved).await;
    portal.set_login(&customer, Value::Null).await;
    let (status, problem) = portal
        .public(
            "/password/reset",
            json!({"token": reset, "password": OTHER_PASSWORD}),
        )
        .await;
    assert_eq!(status, StatusCode::GONE, "{problem}");
    // Back to the address the link was sent to: the link stays void.
    portal.set_login(&customer, json!(moved)).await;
    let (status, problem) = portal
        .public(
            "/password/reset",
            json!({"token": reset, "password": OTHER_PASSWORD}),
        )
        .await;
    assert_eq!(status, StatusCode::GONE, "{problem}");
    assert_eq!(
        portal.login(&moved, OTHER_PASSWORD).await.0,
        StatusCode::UNAUTHORIZED
    );
}

async fn a_set_change_or_reset_voids_every_other_reset_link(setup: Setup) {
    let portal = Portal::new(setup).await;
    let login = format!("kim-{}@bageri.example", unique());
    let customer = portal.customer(&login).await;
    let (_, token) = portal.invite(&customer, &login).await;
    let (status, _) = portal
        .public(
            "/invitations/accept",
            json!({"token": token.unwrap(), "password": PASSWORD}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);

    // Two reset links; using one voids the other.
    let first = portal.reset_link(&login).await;
    let second = portal.reset_link(&login).await;
    let (status, body) = portal
        .public(
            "/password/reset",
            json!({"token": first, "password": OTHER_PASSWORD}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, page) = portal.page(&format!("/password/reset/{second}")).await;
    assert_eq!(status, StatusCode::GONE, "{page}");
    let (status, problem) = portal
        .public(
            "/password/reset",
            json!({"token": second, "password": PASSWORD}),
        )
        .await;
    assert_eq!(status, StatusCode::GONE, "{problem}");
    assert_eq!(problem["linkStatus"], "password-changed");
    assert_eq!(
        portal.login(&login, PASSWORD).await.0,
        StatusCode::UNAUTHORIZED,
        "the second link set nothing"
    );

    // A password change voids a reset link requested before it.
    let reset = portal.reset_link(&login).await;
    let (status, session) = portal.login(&login, OTHER_PASSWORD).await;
    assert_eq!(status, StatusCode::OK, "{session}");
    let (status, body) = portal
        .send(
            portal
                .http
                .post(format!("{}/me/password", portal.base))
                .bearer_auth(session["sessionToken"].as_str().unwrap())
                .json(&json!({"current": OTHER_PASSWORD, "new": PASSWORD})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, problem) = portal
        .public(
            "/password/reset",
            json!({"token": reset, "password": OTHER_PASSWORD}),
        )
        .await;
    assert_eq!(status, StatusCode::GONE, "{problem}");
    assert_eq!(problem["linkStatus"], "password-changed");
    assert_eq!(portal.login(&login, PASSWORD).await.0, StatusCode::OK);
}

/// The link was used before the agency noticed the wrong address: the password set from it
/// must not log in under the corrected address, whose owner sets their own with a reset link.
async fn a_password_set_from_the_old_address_does_not_open_the_new_one(setup: Setup) {
    let portal = Portal::new(setup).await;
    let wrong = format!("wrong-{}@baeckerei.example", unique());
    let right = format!("right-{}@baeckerei.example", unique());
    let customer = portal.customer(&wrong).await;
    let (_, token) = portal.invite(&customer, &wrong).await;
    let (status, body) = portal
        .public(
            "/invitations/accept",
            json!({"token": token.unwrap(), "password": PASSWORD}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(portal.login(&wrong, PASSWORD).await.0, StatusCode::OK);

    portal.set_login(&customer, json!(right)).await;
    assert_eq!(
        portal.login(&right, PASSWORD).await.0,
        StatusCode::UNAUTHORIZED,
        "the password wrong@ chose opens nothing under right@"
    );
    assert_eq!(
        portal.login(&wrong, PASSWORD).await.0,
        StatusCode::UNAUTHORIZED
    );

    let reset = portal.reset_link(&right).await;
    let (status, body) = portal
        .public(
            "/password/reset",
            json!({"token": reset, "password": OTHER_PASSWORD}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(portal.login(&right, OTHER_PASSWORD).await.0, StatusCode::OK);
    assert_eq!(
        portal.login(&right, PASSWORD).await.0,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn a_password_set_from_the_old_address_is_voided_on_the_embedded_store() {
    a_password_set_from_the_old_address_does_not_open_the_new_one(embedded()).await;
}

#[tokio::test]
async fn a_password_set_from_the_old_address_is_voided_on_dynamodb() {
    a_password_set_from_the_old_address_does_not_open_the_new_one(on_moto().await).await;
}

/// An SMS went to a wrong mobile number: correcting the number voids that link, as
/// correcting the login email voids an emailed one; an email-only invitation stays.
async fn a_link_sent_by_sms_dies_when_the_mobile_number_is_corrected(setup: Setup) {
    let portal = Portal::new(setup).await;
    let login = format!("kim-{}@bageri.example", unique());
    let (wrong, right) = (unique_mobile(), unique_mobile());
    let customer = portal.customer(&login).await;
    let (status, body) = portal
        .staff(
            Method::PATCH,
            &format!("/customers/{customer}"),
            Some(json!({"mobile": wrong.as_str()})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = portal
        .staff(
            Method::POST,
            &format!("/customers/{customer}/invitations"),
            Some(json!({"channels": ["sms"]})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let sms = portal.setup.sent.sent_sms().await;
    let text = &sms.iter().rfind(|s| s.to == wrong.as_str()).unwrap().text;
    let start = text.find("/invite/").unwrap() + "/invite/".len();
    let token = text[start..start + 43].to_owned();

    let (status, body) = portal
        .staff(
            Method::PATCH,
            &format!("/customers/{customer}"),
            Some(json!({"mobile": right.as_str()})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, problem) = portal
        .public(
            "/invitations/accept",
            json!({"token": token, "password": PASSWORD}),
        )
        .await;
    assert_eq!(status, StatusCode::GONE, "{problem}");
    assert_eq!(problem["linkStatus"], "revoked");
    assert_eq!(
        portal.login(&login, PASSWORD).await.0,
        StatusCode::UNAUTHORIZED
    );
    let (_, list) = portal
        .staff(
            Method::GET,
            &format!("/customers/{customer}/invitations"),
            None,
        )
        .await;
    let last = list["items"][0]["history"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert!(
        last["detail"]
            .as_str()
            .unwrap_or_default()
            .starts_with("mobile-changed"),
        "{last}"
    );

    // An invitation sent by email alone survives a change of the mobile number.
    let (status, token) = portal.invite(&customer, &login).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, body) = portal
        .staff(
            Method::PATCH,
            &format!("/customers/{customer}"),
            Some(json!({"mobile": wrong.as_str()})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = portal
        .public(
            "/invitations/accept",
            json!({"token": token.unwrap(), "password": PASSWORD}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

/// The agency emails the invitation to another of the customer's addresses (the contact
/// person's); the username stays the login email and the email says so. Only addresses on
/// the record can be picked, and taking the address off the record voids the link.
async fn an_invitation_goes_to_a_picked_address_on_the_record(setup: Setup) {
    let portal = Portal::new(setup).await;
    let login = format!("owner-{}@baeckerei.example", unique());
    let contact = format!("jonas-{}@baeckerei.example", unique());
    let customer = portal.customer(&login).await;
    let (status, body) = portal
        .staff(
            Method::PATCH,
            &format!("/customers/{customer}"),
            Some(json!({"emails": [contact]})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let (status, problem) = portal
        .staff(
            Method::POST,
            &format!("/customers/{customer}/invitations"),
            Some(json!({"channels": ["email"], "recipient": "someone@elsewhere.example"})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "recipient");
    let (status, problem) = portal
        .staff(
            Method::POST,
            &format!("/customers/{customer}/invitations"),
            Some(json!({"channels": ["sms"], "recipient": contact})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");

    let (status, body) = portal
        .staff(
            Method::POST,
            &format!("/customers/{customer}/invitations"),
            Some(json!({"channels": ["email"], "recipient": contact.to_uppercase()})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(
        body["recipient"], contact,
        "the address as the record has it"
    );
    let sent = portal.setup.sent.sent_emails().await;
    let email = sent
        .iter()
        .rfind(|e| e.to.iter().any(|t| t.eq_ignore_ascii_case(&contact)))
        .expect("the email went to the picked address");
    let text = email.bodies.join("\n");
    assert!(
        text.contains(&login),
        "the email names the username: {text}"
    );
    assert!(portal.emails_to(&login, "/invite/").await.is_empty());
    let token = portal.emails_to(&contact, "/invite/").await.pop().unwrap();

    // The agency takes the address off the record: the link sent there dies with it.
    let (status, body) = portal
        .staff(
            Method::PATCH,
            &format!("/customers/{customer}"),
            Some(json!({"emails": []})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, problem) = portal
        .public(
            "/invitations/accept",
            json!({"token": token, "password": PASSWORD}),
        )
        .await;
    assert_eq!(status, StatusCode::GONE, "{problem}");
    assert_eq!(problem["linkStatus"], "revoked");
}

#[tokio::test]
async fn an_invitation_goes_to_a_picked_address_on_the_embedded_store() {
    an_invitation_goes_to_a_picked_address_on_the_record(embedded()).await;
}

#[tokio::test]
async fn an_invitation_goes_to_a_picked_address_on_dynamodb() {
    an_invitation_goes_to_a_picked_address_on_the_record(on_moto().await).await;
}

#[tokio::test]
async fn an_sms_link_dies_with_a_corrected_mobile_number_on_the_embedded_store() {
    a_link_sent_by_sms_dies_when_the_mobile_number_is_corrected(embedded()).await;
}

#[tokio::test]
async fn an_sms_link_dies_with_a_corrected_mobile_number_on_dynamodb() {
    a_link_sent_by_sms_dies_when_the_mobile_number_is_corrected(on_moto().await).await;
}

#[tokio::test]
async fn a_corrected_login_email_voids_the_old_links_on_the_embedded_store() {
    a_link_sent_to_the_old_login_email_sets_no_password(embedded()).await;
}

#[tokio::test]
async fn a_corrected_login_email_voids_the_old_links_on_dynamodb() {
    a_link_sent_to_the_old_login_email_sets_no_password(on_moto().await).await;
}

#[tokio::test]
async fn reset_links_die_with_the_password_on_the_embedded_store() {
    a_set_change_or_reset_voids_every_other_reset_link(embedded()).await;
}

#[tokio::test]
async fn reset_links_die_with_the_password_on_dynamodb() {
    a_set_change_or_reset_voids_every_other_reset_link(on_moto().await).await;
}
