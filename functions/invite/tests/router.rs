//! The invite router driven with `oneshot`: sending, languages, templates, tokens, failures.

use std::sync::Arc;

use async_trait::async_trait;
use axum::{
    Router,
    http::{HeaderMap, Method, StatusCode, header},
};
use chrono::{DateTime, Duration, Utc};
use invite::InviteState;
use portal::{
    AppState,
    domain::{
        Channel, CustomerChanges, CustomerId, LinkToken, NewTenant, OutgoingEmail, OutgoingSms,
        TenantId,
    },
    embedded::{self, Outbox},
    messages::sms,
    ports::{DeliveryError, Mailer, SmsSender, Store},
};
use serde_json::{Value, json};
use testkit::TestClock;

/// A delivery service that refuses everything in one way.
struct Refusing(fn(String) -> DeliveryError);

#[async_trait]
impl Mailer for Refusing {
    async fn send_email(&self, _: &OutgoingEmail) -> Result<String, DeliveryError> {
        Err((self.0)("Email address is not verified".into()))
    }
}

#[async_trait]
impl SmsSender for Refusing {
    async fn send_sms(&self, _: &OutgoingSms) -> Result<String, DeliveryError> {
        Err((self.0)("Rate exceeded".into()))
    }
}

/// The outbox, reached only after a pause: concurrent sends all store their invitation
/// before any of them records its delivery, as with a slow SES or SNS.
struct Slow(Arc<Outbox>);

#[async_trait]
impl Mailer for Slow {
    async fn send_email(&self, email: &OutgoingEmail) -> Result<String, DeliveryError> {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        self.0.send_email(email).await
    }
}

#[async_trait]
impl SmsSender for Slow {
    async fn send_sms(&self, sms: &OutgoingSms) -> Result<String, DeliveryError> {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        self.0.send_sms(sms).await
    }
}

struct Portal {
    router: Router,
    store: Arc<dyn Store>,
    outbox: Arc<Outbox>,
    clock: Arc<TestClock>,
    tenant: TenantId,
    key: String,
}

async fn agency(store: &dyn Store, name: &str, language: &str) -> (TenantId, String) {
    let tenant = NewTenant {
        name: name.into(),
        portal_base_url: match name {
            "Webagentur Berg" => "https://kunden.berg.example".to_owned(),
            other => format!(
                "https://{}.agency.example",
                other.to_lowercase().replace(' ', "-")
            ),
        },
        sender_email: "portal@berg.example".into(),
        default_language: language.into(),
        tier: "professional".into(),
    };
    let agency = testkit::agency(store, &tenant, "test").await;
    (agency.tenant.id, agency.key)
}

impl Portal {
    async fn new() -> Self {
        Self::with_delivery(None).await
    }

    async fn with_delivery(refusing: Option<fn(String) -> DeliveryError>) -> Self {
        Self::with_services(|outbox| match refusing {
            Some(kind) => (Arc::new(Refusing(kind)), Arc::new(Refusing(kind))),
            None => (outbox.clone(), outbox),
        })
        .await
    }

    async fn with_services(
        services: impl FnOnce(Arc<Outbox>) -> (Arc<dyn Mailer>, Arc<dyn SmsSender>),
    ) -> Self {
        let store: Arc<dyn Store> = Arc::new(embedded::in_memory_store());
        let outbox = Arc::new(Outbox::in_memory());
        let clock = Arc::new(TestClock::stopped());
        let mut app = AppState::from_store(store.clone());
        app.clock = clock.clone();
        let (mailer, sms) = services(outbox.clone());
        let (tenant, key) = agency(store.as_ref(), "Webagentur Berg", "de").await;
        let router = invite::router(InviteState::new(app, mailer, sms));
        Self {
            router,
            store,
            outbox,
            clock,
            tenant,
            key,
        }
    }

    async fn customer(&self, body: Value) -> CustomerId {
        let changes: CustomerChanges = serde_json::from_value(body).unwrap();
        let customer = changes.validate(None).unwrap().into_new_customer(
            CustomerId::new(),
            self.tenant,
            portal::domain::Language::De,
            Utc::now(),
        );
        self.store.create_customer(&customer).await.unwrap();
        customer.id
    }

    async fn call_with(
        &self,
        method: Method,
        uri: &str,
        body: Option<Value>,
        extra: &[(&str, &str)],
    ) -> (StatusCode, HeaderMap, Value) {
        let bearer = format!("Bearer {}", self.key);
        let mut headers = vec![("authorization", bearer.as_str())];
        headers.extend_from_slice(extra);
        let body = body.map(|json| ("application/json", json.to_string()));
        let answer = testkit::oneshot(&self.router, method, uri, body, &headers).await;
        let (status, value) = (answer.status, answer.json());
        let headers = answer.headers;
        if !status.is_success() {
            assert_eq!(
                headers[header::CONTENT_TYPE],
                "application/problem+json",
                "{value}"
            );
        }
        (status, headers, value)
    }

    async fn call(&self, method: Method, uri: &str, body: Option<Value>) -> (StatusCode, Value) {
        let (status, _, value) = self.call_with(method, uri, body, &[]).await;
        (status, value)
    }

    async fn invite(&self, customer: CustomerId, body: Value) -> (StatusCode, Value) {
        self.call(
            Method::POST,
            &format!("/customers/{customer}/invitations"),
            Some(body),
        )
        .await
    }

    fn sent(&self) -> Vec<portal::embedded::OutboxMessage> {
        self.outbox.messages().unwrap()
    }

    /// What the link's page would learn: the status code and the link's status.
    async fn link(&self, token: &LinkToken) -> (StatusCode, String) {
        let (status, body) = self
            .call(
                Method::GET,
                &format!("/invitation-links/{}", token.expose()),
                None,
            )
            .await;
        (
            status,
            body["linkStatus"].as_str().unwrap_or_default().to_owned(),
        )
    }

    fn advance(&self, by: Duration) {
        self.clock.advance(by);
    }
}

/// The single-use token in a message's invitation link.
fn token_in(text: &str) -> LinkToken {
    let start = text.find("/invite/").expect("an invitation link") + "/invite/".len();
    LinkToken::from_presented(&text[start..start + 43])
}

fn fields(problem: &Value) -> Vec<&str> {
    problem["errors"]
        .as_array()
        .map(|e| e.iter().map(|e| e["field"].as_str().unwrap()).collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn an_email_invitation_goes_out_in_the_customers_language_with_both_links() {
    let portal = Portal::new().await;
    let customer = portal
        .customer(json!({"companyName": "Bäckerei Schmidt", "contactPerson": "Anna Schmidt", "loginEmail": "anna@baeckerei.example", "language": "de"}))
        .await;
    let (status, invitation) = portal
        .invite(
            customer,
            json!({"channels": ["email"], "area": "files", "note": "Bis Montag!"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{invitation}");
    assert_eq!(invitation["state"], "sent");
    assert_eq!(invitation["area"], "files");
    assert!(
        invitation.get("tokenHash").is_none(),
        "the token hash is never shown"
    );
    let events: Vec<_> = invitation["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(events, ["created", "sent"]);

    let sent = portal.sent();
    assert_eq!(sent.len(), 1);
    let email = &sent[0];
    assert_eq!(
        (email.channel, email.to.as_str()),
        (Channel::Email, "anna@baeckerei.example")
    );
    assert_eq!(
        email.subject.as_deref(),
        Some("Ihr Zugang zum Kundenportal von Webagentur Berg")
    );
    assert!(
        email.text.contains("Guten Tag Anna Schmidt"),
        "{}",
        email.text
    );
    assert!(email.text.contains("Bis Montag!"));
    assert!(email.text.contains("https://kunden.berg.example/invite/"));
    assert!(
        email
            .text
            .contains("https://kunden.berg.example/login?next=/files")
    );
    assert!(
        email
            .from
            .as_deref()
            .unwrap()
            .contains("portal@berg.example")
    );
    let token = token_in(&email.text);
    let record = portal
        .store
        .find_token(&token.hash())
        .await
        .unwrap()
        .expect("the link's token is stored as a hash");
    assert_eq!(record.subject, portal::domain::Subject::Customer(customer));
    assert_eq!(
        (record.expires_at - Utc::now()).num_days(),
        6,
        "valid for 7 days by default"
    );
}

#[tokio::test]
async fn an_sms_invitation_reaches_the_mobile_in_one_segment() {
    let portal = Portal::new().await;
    let customer = portal
        .customer(json!({"companyName": "Bageri Lindqvist AB", "loginEmail": "anna@bageri.example", "language": "sv", "mobile": "+46 70 123 45 67"}))
        .await;
    let (status, invitation) = portal.invite(customer, json!({"channels": ["sms"]})).await;
    assert_eq!(status, StatusCode::CREATED, "{invitation}");
    let sent = portal.sent();
    assert_eq!(
        (sent[0].channel, sent[0].to.as_str()),
        (Channel::Sms, "+46701234567")
    );
    assert!(sent[0].text.contains("Webagentur Berg"));
    assert!(sent[0].text.contains("https://kunden.berg.example/invite/"));
    assert_eq!(sms::measure(&sent[0].text).segments, 1, "{}", sent[0].text);
    portal
        .store
        .find_token(&token_in(&sent[0].text).hash())
        .await
        .unwrap()
        .expect("a working token");
}

#[tokio::test]
async fn both_channels_carry_the_same_link() {
    let portal = Portal::new().await;
    let customer = portal
        .customer(json!({"companyName": "Bloemen de Vries", "loginEmail": "eva@bloemen.example", "language": "nl", "mobile": "+31 6 12345678"}))
        .await;
    let (status, _) = portal
        .invite(customer, json!({"channels": ["email", "sms"]}))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let sent = portal.sent();
    assert_eq!(sent.len(), 2);
    assert_eq!(
        token_in(&sent[0].text).hash(),
        token_in(&sent[1].text).hash()
    );
    assert!(
        sent[0]
            .subject
            .as_deref()
            .unwrap()
            .contains("klantenportaal"),
        "{:?}",
        sent[0].subject
    );
}

#[tokio::test]
async fn a_customer_without_login_email_cannot_be_invited_on_any_channel() {
    let portal = Portal::new().await;
    let customer = portal
        .customer(json!({"companyName": "No Email GmbH", "mobile": "+49 151 23456789"}))
        .await;
    for channels in [json!(["email"]), json!(["sms"]), json!(["email", "sms"])] {
        let (status, problem) = portal.invite(customer, json!({"channels": channels})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(problem["type"], "/problems/customer-not-invitable");
        assert_eq!(fields(&problem), ["loginEmail"]);
    }
    let (status, problem) = portal
        .call(
            Method::POST,
            &format!("/customers/{customer}/invitation-link"),
            Some(json!({})),
        )
        .await;
    assert_eq!(
        (status, fields(&problem)),
        (StatusCode::UNPROCESSABLE_ENTITY, vec!["loginEmail"])
    );
    assert!(portal.sent().is_empty(), "nothing sent");
    let (_, list) = portal
        .call(
            Method::GET,
            &format!("/customers/{customer}/invitations"),
            None,
        )
        .await;
    assert_eq!(list["items"], json!([]), "nothing stored");
}

#[tokio::test]
async fn an_sms_invitation_needs_a_mobile_number() {
    let portal = Portal::new().await;
    let customer = portal
        .customer(json!({"companyName": "Landline Only", "loginEmail": "a@landline.example"}))
        .await;
    let (status, problem) = portal
        .invite(customer, json!({"channels": ["email", "sms"]}))
        .await;
    assert_eq!(
        (status, fields(&problem)),
        (StatusCode::UNPROCESSABLE_ENTITY, vec!["mobile"])
    );
    assert!(portal.sent().is_empty());
}

#[tokio::test]
async fn bad_send_requests_name_the_field() {
    let portal = Portal::new().await;
    let customer = portal
        .customer(json!({"companyName": "A", "loginEmail": "a@a.example"}))
        .await;
    for (body, field) in [
        (json!({"channels": []}), "channels"),
        (json!({"channels": ["fax"]}), "channels[0]"),
        (json!({"channels": ["email", "email"]}), "channels[1]"),
        (json!({"area": "admin"}), "area"),
        (json!({"note": "x".repeat(1001)}), "note"),
        (json!({"channel": "email"}), "channel"),
    ] {
        let (status, problem) = portal.invite(customer, body.clone()).await;
        assert_eq!(
            (status, fields(&problem)),
            (StatusCode::UNPROCESSABLE_ENTITY, vec![field]),
            "{body}"
        );
    }
    let (status, _) = portal.invite(CustomerId::new(), json!({})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(portal.sent().is_empty());
}

#[tokio::test]
async fn resending_voids_every_earlier_link() {
    let portal = Portal::new().await;
    let customer = portal
        .customer(json!({"companyName": "A", "loginEmail": "a@a.example"}))
        .await;
    let (_, first) = portal.invite(customer, json!({})).await;
    let (status, link) = portal
        .call(
            Method::POST,
            &format!("/customers/{customer}/invitation-link"),
            Some(json!({"area": "wishes"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{link}");
    let (_, second) = portal.invite(customer, json!({})).await;

    let first_token = token_in(&portal.sent()[0].text);
    let copied_token = token_in(link["invitationLink"].as_str().unwrap());
    let second_token = token_in(&portal.sent()[1].text);
    assert_eq!(
        portal.link(&first_token).await,
        (StatusCode::GONE, "superseded".into()),
        "the first link is void"
    );
    assert_eq!(
        portal.link(&copied_token).await,
        (StatusCode::GONE, "superseded".into()),
        "the copied link is void"
    );
    assert_eq!(
        portal.link(&second_token).await,
        (StatusCode::OK, "valid".into())
    );

    let (_, list) = portal
        .call(
            Method::GET,
            &format!("/customers/{customer}/invitations"),
            None,
        )
        .await;
    let states: Vec<_> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["id"].clone(), i["state"].as_str().unwrap().to_owned()))
        .collect();
    assert_eq!(
        states,
        [
            (second["id"].clone(), "sent".to_owned()),
            (link["invitation"]["id"].clone(), "revoked".to_owned()),
            (first["id"].clone(), "revoked".to_owned()),
        ]
    );
    let superseded = &list["items"][2]["history"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(superseded["event"], "superseded");
    assert_eq!(list["neverLoggedIn"], true);
}

#[tokio::test]
async fn a_copied_link_sends_nothing_and_opens_the_chosen_area() {
    let portal = Portal::new().await;
    let customer = portal
        .customer(json!({"companyName": "A", "loginEmail": "a@a.example"}))
        .await;
    let (status, link) = portal
        .call(
            Method::POST,
            &format!("/customers/{customer}/invitation-link"),
            Some(json!({"area": "form-entries"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert!(portal.sent().is_empty());
    assert_eq!(
        link["loginLink"],
        "https://kunden.berg.example/login?next=/entries"
    );
    assert_eq!(link["invitation"]["state"], "pending");
    assert_eq!(link["invitation"]["channels"], json!(["link"]));
    let token = token_in(link["invitationLink"].as_str().unwrap());
    assert!(
        portal
            .store
            .find_token(&token.hash())
            .await
            .unwrap()
            .is_some()
    );
}

#[tokio::test]
async fn links_expire_after_the_agencys_validity_period() {
    let portal = Portal::new().await;
    let (status, _) = portal
        .call(
            Method::PUT,
            "/invitation-settings",
            Some(json!({"validityDays": 2})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    for bad in [json!(0), json!(31), json!("7"), json!(2.5)] {
        let (status, problem) = portal
            .call(
                Method::PUT,
                "/invitation-settings",
                Some(json!({"validityDays": bad})),
            )
            .await;
        assert_eq!(
            (status, fields(&problem)),
            (StatusCode::UNPROCESSABLE_ENTITY, vec!["validityDays"]),
            "{bad}"
        );
    }
    let (_, settings) = portal.call(Method::GET, "/invitation-settings", None).await;
    assert_eq!(settings["validityDays"], 2);

    let customer = portal
        .customer(json!({"companyName": "A", "loginEmail": "a@a.example"}))
        .await;
    let (_, invitation) = portal.invite(customer, json!({})).await;
    let created: DateTime<Utc> = invitation["createdAt"].as_str().unwrap().parse().unwrap();
    let expires: DateTime<Utc> = invitation["expiresAt"].as_str().unwrap().parse().unwrap();
    assert_eq!(expires - created, Duration::days(2));

    let token = token_in(&portal.sent()[0].text);
    assert_eq!(portal.link(&token).await, (StatusCode::OK, "valid".into()));
    portal.advance(Duration::days(2));
    assert_eq!(
        portal.link(&token).await,
        (StatusCode::GONE, "expired".into())
    );
    let (_, list) = portal
        .call(
            Method::GET,
            &format!("/customers/{customer}/invitations"),
            None,
        )
        .await;
    assert_eq!(list["items"][0]["state"], "expired");
    let uri = format!(
        "/customers/{customer}/invitations/{}/revoke",
        invitation["id"].as_str().unwrap()
    );
    let (status, problem) = portal.call(Method::POST, &uri, None).await;
    assert_eq!(
        (status, problem["type"].as_str()),
        (StatusCode::CONFLICT, Some("/problems/invitation-closed"))
    );
}

#[tokio::test]
async fn a_revoked_invitation_link_stops_working_at_once() {
    let portal = Portal::new().await;
    let customer = portal
        .customer(json!({"companyName": "A", "loginEmail": "a@a.example"}))
        .await;
    let (_, invitation) = portal.invite(customer, json!({})).await;
    let token = token_in(&portal.sent()[0].text);
    let uri = format!(
        "/customers/{customer}/invitations/{}/revoke",
        invitation["id"].as_str().unwrap()
    );
    let (status, revoked) = portal.call(Method::POST, &uri, None).await;
    assert_eq!(
        (status, revoked["state"].as_str()),
        (StatusCode::OK, Some("revoked"))
    );
    assert_eq!(
        portal.link(&token).await,
        (StatusCode::GONE, "revoked".into())
    );
    let (status, _) = portal.call(Method::POST, &uri, None).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, problem) = portal
        .call(
            Method::POST,
            &format!("/customers/{customer}/invitations/nope/revoke"),
            None,
        )
        .await;
    assert_eq!(
        (status, fields(&problem)),
        (StatusCode::BAD_REQUEST, vec!["invitationId"])
    );
}

#[tokio::test]
async fn a_customer_with_a_password_is_pointed_to_password_reset() {
    let portal = Portal::new().await;
    let id = portal
        .customer(json!({"companyName": "A", "loginEmail": "a@a.example"}))
        .await;
    let current = portal
        .store
        .get_customer(portal.tenant, id)
        .await
        .unwrap()
        .unwrap();
    let mut active = current.clone();
    active.activated_at = Some(Utc::now());
    active.version += 1;
    portal
        .store
        .update_customer(&current, &active, &Default::default())
        .await
        .unwrap();
    let (status, problem) = portal.invite(id, json!({})).await;
    assert_eq!(
        (status, problem["type"].as_str()),
        (
            StatusCode::CONFLICT,
            Some("/problems/customer-already-active")
        )
    );
    assert_eq!(problem["passwordReset"], "/password/forgot");
    assert!(portal.sent().is_empty());
}

#[tokio::test]
async fn a_retry_with_the_same_idempotency_key_sends_nothing_twice() {
    let portal = Portal::new().await;
    let customer = portal
        .customer(json!({"companyName": "A", "loginEmail": "a@a.example"}))
        .await;
    let uri = format!("/customers/{customer}/invitations");
    let key = [("idempotency-key", "4f0c8c0e-1d1b-4b8e-9a57-0f3d2c1b0a99")];
    let (first_status, first_headers, first) = portal
        .call_with(Method::POST, &uri, Some(json!({"area": "files"})), &key)
        .await;
    let (again_status, again_headers, again) = portal
        .call_with(Method::POST, &uri, Some(json!({"area": "files"})), &key)
        .await;
    assert_eq!(first_status, StatusCode::CREATED);
    assert_eq!((again_status, &again), (first_status, &first));
    assert_eq!(again_headers["idempotent-replayed"], "true");
    assert_eq!(
        again_headers[header::LOCATION],
        first_headers[header::LOCATION]
    );
    assert_eq!(portal.sent().len(), 1, "sent once");

    let (status, problem) = portal
        .call_with(Method::POST, &uri, Some(json!({"area": "wishes"})), &key)
        .await
        .into_parts();
    assert_eq!(
        (status, problem["type"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("/problems/idempotency-key-reused")
        )
    );
    let (status, _, problem) = portal
        .call_with(
            Method::POST,
            &uri,
            Some(json!({})),
            &[("idempotency-key", "")],
        )
        .await;
    assert_eq!(
        (status, fields(&problem)),
        (StatusCode::BAD_REQUEST, vec!["Idempotency-Key"])
    );
    let (_, list) = portal.call(Method::GET, &uri, None).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_sends_record_every_delivery_and_never_answer_409_after_sending() {
    let portal = Arc::new(
        Portal::with_services(|outbox| (Arc::new(Slow(outbox.clone())), Arc::new(Slow(outbox))))
            .await,
    );
    let customer = portal
        .customer(
            json!({"companyName": "A", "loginEmail": "a@a.example", "mobile": "+31 6 12345678"}),
        )
        .await;
    let uri = format!("/customers/{customer}/invitations");
    let body = json!({"channels": ["email", "sms"]});
    let send = |key: String| {
        let (portal, uri, body) = (portal.clone(), uri.clone(), body.clone());
        tokio::spawn(async move {
            portal
                .call_with(Method::POST, &uri, Some(body), &[("idempotency-key", &key)])
                .await
                .into_parts()
        })
    };
    let keys: Vec<String> = (0..6).map(|i| format!("concurrent-send-{i}")).collect();
    let mut answers = Vec::new();
    for task in keys.iter().cloned().map(send).collect::<Vec<_>>() {
        answers.push(task.await.unwrap());
    }

    let sent = portal.sent();
    let delivered = answers
        .iter()
        .filter(|(status, _)| *status == StatusCode::CREATED)
        .count();
    assert_eq!(
        sent.len(),
        2 * delivered,
        "every request whose messages went out says so: {answers:?}"
    );
    for (status, answer) in &answers {
        assert!(
            [StatusCode::CREATED, StatusCode::CONFLICT].contains(status),
            "{status} {answer}"
        );
        if *status == StatusCode::CREATED {
            let kinds: Vec<_> = answer["history"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|e| e["event"] == "sent")
                .map(|e| e["channel"].as_str().unwrap())
                .collect();
            assert_eq!(kinds, ["email", "sms"], "{answer}");
        }
    }
    let invitations = portal
        .store
        .list_invitations(portal.tenant, customer)
        .await
        .unwrap();
    for message in &sent {
        let recorded = invitations.iter().any(|i| {
            i.history.iter().any(|e| {
                e.event == portal::domain::EventKind::Sent
                    && e.channel == Some(message.channel)
                    && e.detail.as_deref() == Some(message.id.as_str())
            })
        });
        assert!(recorded, "message {} is recorded as sent", message.id);
    }
    let open: Vec<_> = invitations
        .iter()
        .filter(|i| i.state_at(Utc::now()).is_open())
        .collect();
    assert!(open.len() <= 1, "one link at most stays usable");

    for key in keys {
        let (status, _) = send(key).await.unwrap();
        assert!(status.is_success() || status == StatusCode::CONFLICT);
    }
    assert_eq!(portal.sent().len(), sent.len(), "a retry sends nothing");
}

trait IntoParts {
    fn into_parts(self) -> (StatusCode, Value);
}

impl IntoParts for (StatusCode, HeaderMap, Value) {
    fn into_parts(self) -> (StatusCode, Value) {
        (self.0, self.2)
    }
}

#[tokio::test]
async fn a_refused_message_marks_the_invitation_failed_and_answers_502() {
    let portal = Portal::with_delivery(Some(DeliveryError::Rejected)).await;
    let customer = portal
        .customer(json!({"companyName": "A", "loginEmail": "a@a.example"}))
        .await;
    let (status, problem) = portal.invite(customer, json!({})).await;
    assert_eq!(
        (status, problem["type"].as_str()),
        (StatusCode::BAD_GATEWAY, Some("/problems/delivery-failed"))
    );
    assert!(
        problem["detail"].as_str().unwrap().contains("not verified"),
        "{problem}"
    );
    assert_eq!(problem["invitation"]["state"], "failed");
    let (_, list) = portal
        .call(
            Method::GET,
            &format!("/customers/{customer}/invitations"),
            None,
        )
        .await;
    assert_eq!(
        list["items"][0]["state"], "failed",
        "nothing says sent that wasn't"
    );
    let last = list["items"][0]["history"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(
        (last["event"].as_str(), last["channel"].as_str()),
        (Some("failed"), Some("email"))
    );
}

#[tokio::test]
async fn a_throttled_provider_answers_503_with_retry_after() {
    let portal = Portal::with_delivery(Some(DeliveryError::Unavailable)).await;
    let customer = portal
        .customer(
            json!({"companyName": "A", "loginEmail": "a@a.example", "mobile": "+49 151 23456789"}),
        )
        .await;
    let (status, headers, problem) = portal
        .call_with(
            Method::POST,
            &format!("/customers/{customer}/invitations"),
            Some(json!({"channels": ["sms"]})),
            &[],
        )
        .await;
    assert_eq!(
        (status, problem["type"].as_str()),
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Some("/problems/delivery-unavailable")
        )
    );
    assert_eq!(headers[header::RETRY_AFTER], "60");
    assert_eq!(problem["invitation"]["state"], "failed");
}

#[tokio::test]
async fn agency_templates_are_checked_saved_used_and_removed() {
    let portal = Portal::new().await;
    let (status, list) = portal
        .call(Method::GET, "/invitation-templates", None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list["items"].as_array().unwrap().len(), 12);
    assert!(
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["custom"] == false)
    );

    let uri = "/invitation-templates/de/email";
    for (body, field, needle) in [
        (
            json!({"subject": "Hallo {{ kunde }}", "body": "x"}),
            "subject",
            "{{ kunde }}",
        ),
        (
            json!({"subject": "Hallo", "body": "{% if note %}"}),
            "body",
            "does not parse",
        ),
        (json!({"subject": "Hallo"}), "body", "must not be empty"),
    ] {
        let (status, problem) = portal.call(Method::PUT, uri, Some(body.clone())).await;
        assert_eq!(
            (status, fields(&problem)),
            (StatusCode::UNPROCESSABLE_ENTITY, vec![field]),
            "{body}"
        );
        assert!(
            problem["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains(needle),
            "{problem}"
        );
    }
    let (status, problem) = portal
        .call(
            Method::PUT,
            "/invitation-templates/de/sms",
            Some(json!({"body": "Hallo {{ company }}"})),
        )
        .await;
    assert_eq!(
        (status, fields(&problem)),
        (StatusCode::UNPROCESSABLE_ENTITY, vec!["body"])
    );
    let (status, problem) = portal
        .call(
            Method::PUT,
            "/invitation-templates/it/email",
            Some(json!({"subject": "a", "body": "b"})),
        )
        .await;
    assert_eq!(
        (status, fields(&problem)),
        (StatusCode::BAD_REQUEST, vec!["language"])
    );

    let custom = json!({"subject": "Willkommen, {{ company }}!", "body": "Moin {{ contact_name }},\n\nIhr Portal wartet.\n\n{{ agency }}"});
    let (status, saved) = portal.call(Method::PUT, uri, Some(custom)).await;
    assert_eq!(
        (status, saved["custom"].as_bool()),
        (StatusCode::OK, Some(true))
    );

    let (status, preview) = portal
        .call(
            Method::POST,
            "/invitation-templates/preview",
            Some(json!({"language": "de", "channel": "email"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(preview["subject"], "Willkommen, Bäckerei Schmidt GmbH!");
    assert!(
        preview["html"]
            .as_str()
            .unwrap()
            .contains("Moin Anna Schmidt")
    );

    let customer = portal
        .customer(json!({"companyName": "Fischer KG", "loginEmail": "f@fischer.example"}))
        .await;
    portal.invite(customer, json!({})).await;
    assert_eq!(
        portal.sent()[0].subject.as_deref(),
        Some("Willkommen, Fischer KG!")
    );
    assert!(
        portal.sent()[0]
            .text
            .contains("https://kunden.berg.example/invite/"),
        "the layout adds the links"
    );

    let (status, _) = portal.call(Method::DELETE, uri, None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = portal.call(Method::DELETE, uri, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, preview) = portal
        .call(
            Method::POST,
            "/invitation-templates/preview",
            Some(json!({"language": "de", "channel": "email"})),
        )
        .await;
    assert!(
        preview["subject"]
            .as_str()
            .unwrap()
            .starts_with("Ihr Zugang"),
        "back to the built-in wording"
    );
}

/// A body that renders alone in a trice but makes 200,000 paragraphs for the layout.
const PARAGRAPH_FLOOD: &str = "{{ 'a\\n\\n' * 200000 }}";

async fn save_template(portal: &Portal, path: &str, body: Value) -> (StatusCode, Value) {
    portal
        .call(
            Method::PUT,
            &format!("/invitation-templates/{path}"),
            Some(body),
        )
        .await
}

fn message_of<'a>(problem: &'a Value, field: &str) -> &'a str {
    problem["errors"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|e| e["field"] == field)
        .and_then(|e| e["message"].as_str())
        .unwrap_or_else(|| panic!("no error for {field}: {problem}"))
}

#[tokio::test]
async fn a_body_that_floods_the_layout_is_refused_at_save_naming_the_body() {
    let portal = Portal::new().await;
    let (status, problem) = save_template(
        &portal,
        "en/email",
        json!({"subject": "Hello", "body": PARAGRAPH_FLOOD}),
    )
    .await;
    assert_eq!(
        (status, fields(&problem)),
        (StatusCode::UNPROCESSABLE_ENTITY, vec!["body"]),
        "{problem}"
    );
    assert!(
        message_of(&problem, "body").contains("20000"),
        "says which limit: {problem}"
    );
    let (_, list) = portal
        .call(Method::GET, "/invitation-templates", None)
        .await;
    assert!(
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["custom"] == false),
        "nothing was saved"
    );
}

#[tokio::test]
async fn a_body_that_renders_alone_but_overflows_in_the_layout_is_refused() {
    let portal = Portal::new().await;
    // Small and quick on its own; thousands of paragraphs once the layout lays them out.
    let body = "{% for i in range(9000) %}{{ i }}\n\n{% endfor %}{{ contact_name }}";
    let (status, problem) = save_template(
        &portal,
        "de/email",
        json!({"subject": "Hallo", "body": body}),
    )
    .await;
    assert_eq!(
        (status, fields(&problem)),
        (StatusCode::UNPROCESSABLE_ENTITY, vec!["body"]),
        "{problem}"
    );
    let (status, problem) = save_template(
        &portal,
        "de/email",
        json!({"subject": "{{ company * 20 }}", "body": "Hallo"}),
    )
    .await;
    assert_eq!(
        (status, fields(&problem)),
        (StatusCode::UNPROCESSABLE_ENTITY, vec!["subject"]),
        "a subject longer than 200 characters once rendered: {problem}"
    );
    let (status, problem) = save_template(
        &portal,
        "de/sms",
        json!({"body": "{{ 'Hallo ' * 100 }}{{ invitation_link }}"}),
    )
    .await;
    assert_eq!(
        (status, fields(&problem)),
        (StatusCode::UNPROCESSABLE_ENTITY, vec!["body"]),
        "an SMS of more than 3 segments: {problem}"
    );
    assert!(message_of(&problem, "body").contains('3'), "{problem}");
}

#[tokio::test]
async fn template_problems_are_told_in_the_language_the_client_asks_for() {
    let portal = Portal::new().await;
    let (status, _, problem) = portal
        .call_with(
            Method::PUT,
            "/invitation-templates/en/email",
            Some(json!({"subject": "Hello", "body": PARAGRAPH_FLOOD})),
            &[("accept-language", "de-DE,de;q=0.9")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let german = message_of(&problem, "body");
    let (_, english) = save_template(
        &portal,
        "en/email",
        json!({"subject": "Hello", "body": PARAGRAPH_FLOOD}),
    )
    .await;
    assert_ne!(german, message_of(&english, "body"), "{problem}");
}

#[tokio::test]
async fn a_preview_never_answers_500() {
    let portal = Portal::new().await;
    for draft in [
        json!({"language": "en", "channel": "email", "subject": "Hi", "body": PARAGRAPH_FLOOD}),
        json!({"language": "en", "channel": "email", "subject": "Hi", "body": "{{ 1 / 0 }}"}),
        json!({"language": "en", "channel": "sms", "body": "{{ 'x' * 5000 }}{{ invitation_link }}"}),
    ] {
        let (status, problem) = portal
            .call(
                Method::POST,
                "/invitation-templates/preview",
                Some(draft.clone()),
            )
            .await;
        assert_eq!(
            (status, fields(&problem)),
            (StatusCode::UNPROCESSABLE_ENTITY, vec!["body"]),
            "{draft}: {problem}"
        );
    }
    store_unchecked_template(&portal, Channel::Email, PARAGRAPH_FLOOD).await;
    let (status, problem) = portal
        .call(
            Method::POST,
            "/invitation-templates/preview",
            Some(json!({"language": "de", "channel": "email"})),
        )
        .await;
    assert_eq!(
        (status, problem["type"].as_str(), fields(&problem)),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("/problems/template-unusable"),
            vec!["templates.de.email.body"]
        ),
        "{problem}"
    );
}

/// A template saved before the save check knew the layout: put into the store as it was.
async fn store_unchecked_template(portal: &Portal, channel: Channel, body: &str) {
    portal
        .store
        .put_template(
            portal.tenant,
            &portal::ports::TemplateOverride {
                channel,
                language: portal::domain::Language::De,
                subject: (channel == Channel::Email).then(|| "Hallo".to_owned()),
                body: body.into(),
                updated_at: Utc::now(),
            },
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn a_stored_template_that_no_longer_renders_makes_sending_answer_a_clear_422() {
    let portal = Portal::new().await;
    store_unchecked_template(&portal, Channel::Email, PARAGRAPH_FLOOD).await;
    store_unchecked_template(
        &portal,
        Channel::Sms,
        "{{ 'x' * 5000 }}{{ invitation_link }}",
    )
    .await;
    let customer = portal
        .customer(json!({"companyName": "Fischer KG", "loginEmail": "f@fischer.example", "mobile": "+31 6 12345678"}))
        .await;
    for (channel, field) in [
        ("email", "templates.de.email.body"),
        ("sms", "templates.de.sms.body"),
    ] {
        let (status, problem) = portal
            .invite(customer, json!({"channels": [channel]}))
            .await;
        assert_eq!(
            (status, problem["type"].as_str(), fields(&problem)),
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                Some("/problems/template-unusable"),
                vec![field]
            ),
            "{problem}"
        );
        assert_eq!(
            problem["template"],
            format!("/invitation-templates/de/{channel}"),
            "says which template to fix or delete: {problem}"
        );
    }
    assert!(portal.sent().is_empty());
    let (_, list) = portal
        .call(
            Method::GET,
            &format!("/customers/{customer}/invitations"),
            None,
        )
        .await;
    assert_eq!(list["items"], json!([]), "nothing is stored");

    let (status, _) = portal
        .call(
            Method::POST,
            &format!("/customers/{customer}/invitation-link"),
            Some(json!({})),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::CREATED,
        "a copied link renders no template"
    );
}

#[tokio::test]
async fn an_sms_preview_reports_its_length_and_segments() {
    let portal = Portal::new().await;
    let (status, preview) = portal
        .call(Method::POST, "/invitation-templates/preview", Some(json!({"language": "es", "channel": "sms", "body": "¡Hola! Está aquí: {{ invitation_link }}"})))
        .await;
    assert_eq!(status, StatusCode::OK, "{preview}");
    assert_eq!(preview["sms"]["encoding"], "ucs2");
    assert_eq!(preview["sms"]["segments"], 2);
    let (status, problem) = portal
        .call(
            Method::POST,
            "/invitation-templates/preview",
            Some(json!({"language": "xx", "channel": "sms"})),
        )
        .await;
    assert_eq!(
        (status, fields(&problem)),
        (StatusCode::UNPROCESSABLE_ENTITY, vec!["language"])
    );
}

#[tokio::test]
async fn another_agencys_customer_cannot_be_invited_or_listed() {
    let portal = Portal::new().await;
    let customer = portal
        .customer(json!({"companyName": "A", "loginEmail": "a@a.example"}))
        .await;
    let (_, other_key) = agency(portal.store.as_ref(), "Other", "en").await;
    let other = Portal {
        key: other_key,
        ..portal
    };
    let (status, _) = other.invite(customer, json!({})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = other
        .call(
            Method::GET,
            &format!("/customers/{customer}/invitations"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(other.sent().is_empty());
}

#[tokio::test]
async fn opening_a_link_tells_who_it_is_for_and_never_uses_it_up() {
    let portal = Portal::new().await;
    let customer = portal
        .customer(json!({"companyName": "Bäckerei Schmidt", "loginEmail": "anna@baeckerei.example", "language": "fr"}))
        .await;
    portal.invite(customer, json!({"area": "wishes"})).await;
    let token = token_in(&portal.sent()[0].text);
    for _ in 0..3 {
        let (status, link) = portal
            .call(
                Method::GET,
                &format!("/invitation-links/{}", token.expose()),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(link["linkStatus"], "valid");
        assert_eq!(link["company"], "Bäckerei Schmidt");
        assert_eq!(link["agency"], "Webagentur Berg");
        assert_eq!(link["loginEmail"], "anna@baeckerei.example");
        assert_eq!(
            (link["language"].as_str(), link["area"].as_str()),
            (Some("fr"), Some("wishes"))
        );
    }
    for garbage in ["short", &"x".repeat(43), &"!".repeat(43)] {
        let (status, problem) = portal
            .call(Method::GET, &format!("/invitation-links/{garbage}"), None)
            .await;
        assert_eq!(
            (status, problem["type"].as_str()),
            (StatusCode::NOT_FOUND, Some("/problems/link-unknown")),
            "{garbage}"
        );
    }
}

#[tokio::test]
async fn staff_invitations_name_bad_fields_and_go_out_once_per_key() {
    let portal = Portal::new().await;
    let (status, problem) = portal
        .call(
            Method::POST,
            "/staff",
            Some(json!({"name": " ", "email": "nope", "language": "it"})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&problem), ["name", "email", "language"]);
    let (status, problem) = portal
        .call(
            Method::POST,
            "/staff",
            Some(json!({"name": "A", "email": "a@berg.example", "role": "admin"})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert!(problem.to_string().contains("role"), "{problem}");

    let key = [("idempotency-key", "staff-1")];
    let body = json!({"name": "Mia Lund", "email": "Mia@Berg.example"});
    let (status, headers, first) = portal
        .call_with(Method::POST, "/staff", Some(body.clone()), &key)
        .await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    assert_eq!(
        headers[header::LOCATION],
        format!("/staff/{}", first["id"].as_str().unwrap()).as_str()
    );
    assert_eq!(first["language"], "de", "the agency's language by default");
    assert_eq!(first["status"], "invited");
    assert_eq!(first["createdBy"]["kind"], "apiKey");
    assert!(
        first.get("invitationLink").is_none(),
        "the link goes to the person only"
    );
    let (_, again_headers, again) = portal
        .call_with(Method::POST, "/staff", Some(body), &key)
        .await;
    assert_eq!(again, first);
    assert_eq!(again_headers["idempotent-replayed"], "true");
    let sent = portal.sent();
    assert_eq!(sent.len(), 1, "one email");
    let token = token_in(&sent[0].text);
    let (status, link) = portal
        .call(
            Method::GET,
            &format!("/invitation-links/{}", token.expose()),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (link["role"].as_str(), link["name"].as_str()),
        (Some("staff"), Some("Mia Lund"))
    );

    // The email now logs in to Mia's account: no second staff user or customer gets it.
    let (status, problem) = portal
        .call(
            Method::POST,
            "/staff",
            Some(json!({"name": "Twin", "email": "mia@berg.example"})),
        )
        .await;
    assert_eq!(
        (status, fields(&problem)),
        (StatusCode::CONFLICT, vec!["email"])
    );
}

#[tokio::test]
async fn staff_are_read_invited_again_and_removed_within_their_agency() {
    let portal = Portal::new().await;
    let (_, mia) = portal
        .call(
            Method::POST,
            "/staff",
            Some(json!({"name": "Mia", "email": "mia@berg.example", "language": "sv"})),
        )
        .await;
    let id = mia["id"].as_str().unwrap().to_owned();
    let (status, read) = portal
        .call(Method::GET, &format!("/staff/{id}"), None)
        .await;
    assert_eq!(
        (status, read["name"].as_str()),
        (StatusCode::OK, Some("Mia"))
    );
    let (status, problem) = portal.call(Method::GET, "/staff/not-an-id", None).await;
    assert_eq!(
        (status, fields(&problem)),
        (StatusCode::BAD_REQUEST, vec!["staffId"])
    );

    portal.advance(Duration::days(30));
    let (_, expired) = portal
        .call(Method::GET, &format!("/staff/{id}"), None)
        .await;
    assert_eq!(expired["status"], "invitationexpired");
    let first = token_in(&portal.sent()[0].text);
    let (status, again) = portal
        .call(Method::POST, &format!("/staff/{id}/invitation"), None)
        .await;
    assert_eq!(
        (status, again["status"].as_str()),
        (StatusCode::OK, Some("invited"))
    );
    let second = token_in(&portal.sent()[1].text);
    assert!(portal.sent()[1].text.contains("Mia"), "in Swedish, to her");
    assert_eq!(
        portal.link(&first).await,
        (StatusCode::GONE, "superseded".into())
    );
    assert_eq!(portal.link(&second).await.0, StatusCode::OK);

    // Another agency sees none of it.
    let (other_tenant, other_key) = agency(portal.store.as_ref(), "Other Agency", "en").await;
    let bearer = format!("Bearer {other_key}");
    let other = |method: Method, uri: String| {
        let (router, bearer) = (&portal.router, bearer.clone());
        async move { testkit::oneshot(router, method, &uri, None, &[("authorization", &bearer)]).await }
    };
    assert_eq!(
        other(Method::GET, format!("/staff/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        other(Method::DELETE, format!("/staff/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    let list = other(Method::GET, "/staff".into()).await.json();
    assert_eq!(list["items"], json!([]));
    assert!(
        portal
            .store
            .list_staff(other_tenant)
            .await
            .unwrap()
            .is_empty()
    );

    let (status, _) = portal
        .call(Method::DELETE, &format!("/staff/{id}"), None)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(
        portal.link(&second).await,
        (StatusCode::GONE, "revoked".into())
    );
    let (status, _) = portal
        .call(Method::GET, &format!("/staff/{id}"), None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = portal
        .call(Method::DELETE, &format!("/staff/{id}"), None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_undelivered_staff_invitation_keeps_the_user_and_says_how_to_resend() {
    let portal = Portal::with_delivery(Some(DeliveryError::Unavailable)).await;
    let (status, headers, problem) = portal
        .call_with(
            Method::POST,
            "/staff",
            Some(json!({"name": "Mia", "email": "mia@berg.example"})),
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{problem}");
    assert_eq!(headers[header::RETRY_AFTER], "60");
    let id = problem["staff"]["id"].as_str().unwrap();
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains(&format!("/staff/{id}/invitation"))
    );
    let (status, _) = portal
        .call(Method::GET, &format!("/staff/{id}"), None)
        .await;
    assert_eq!(status, StatusCode::OK, "the staff user was kept");
}

#[tokio::test]
async fn path_parameters_that_are_not_utf8_get_400_problems_naming_them() {
    let portal = Portal::new().await;
    let customer = portal.customer(json!({"companyName": "Acme"})).await;
    for (method, uri, field) in [
        (Method::GET, "/invitation-links/%FF".to_owned(), "token"),
        (
            Method::GET,
            "/customers/%FF/invitations".to_owned(),
            "customerId",
        ),
        (
            Method::GET,
            format!("/customers/{customer}/invitations/%FF"),
            "invitationId",
        ),
        (
            Method::DELETE,
            "/invitation-templates/%FF/email".to_owned(),
            "language",
        ),
        (Method::GET, "/staff/%FF".to_owned(), "staffId"),
    ] {
        let (status, problem) = portal.call(method.clone(), &uri, None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{method} {uri}: {problem}");
        assert_eq!(problem["type"], "/problems/invalid-parameter", "{uri}");
        assert_eq!(fields(&problem), [field], "{method} {uri}");
    }
}

#[tokio::test]
async fn staff_names_with_line_separators_get_422_naming_the_name() {
    let portal = Portal::new().await;
    for name in ["Mia\u{2028}Lund", "Mia\u{2029}Lund", "Mia\u{b}Lund"] {
        let (status, problem) = portal
            .call(
                Method::POST,
                "/staff",
                Some(json!({"name": name, "email": "mia@berg.example"})),
            )
            .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{name:?}: {problem}"
        );
        assert_eq!(fields(&problem), ["name"]);
    }
    assert!(portal.sent().is_empty());
}
