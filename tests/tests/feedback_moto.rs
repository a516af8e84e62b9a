//! Feedback end to end on moto with the real SDK clients: DynamoDB holds the site, items,
//! tokens and notices, SES sends the batched emails (read back from moto). The customer opens
//! the draft from the portal, pins two points, the agency gets one email naming both, staff
//! reply and resolve, the customer gets one email, sees the states and reopens; around it,
//! status gating, CORS for registered and unregistered origins, token expiry (through the
//! clock) and revocation, and isolation between two customers and two agencies.

use std::sync::Arc;

use axum::{Router, http::Method};
use chrono::Duration;
use feedback::FeedbackState;
use portal::{
    AppState,
    domain::{
        Actor, CustomerId, FileId, FileRecord, FileState, NewTenant, ObjectKey, ProjectStatus,
        StatusChange, TenantId, Uploader,
    },
    ports::{Clock, FileCreation, Store},
};
use portal_tests::{
    delivery_contract::{MotoSent, SentMessages, moto_config, unique, verified_sender},
    moto,
};
use serde_json::{Value, json};
use testkit::{Answer, TestClock};

const DRAFT: &str = "https://draft.sonne.example";
const OTHER_DRAFT: &str = "https://draft.mond.example";

struct Agency {
    tenant: TenantId,
    key: String,
    sender: String,
}

struct Moto {
    store: Arc<dyn Store>,
    router: Router,
    state: FeedbackState,
    clock: Arc<TestClock>,
    config: aws_config::SdkConfig,
}

struct Customer {
    id: CustomerId,
    session: String,
    email: String,
}

impl Moto {
    async fn start() -> Self {
        let config = moto_config().await;
        let store = moto::dynamodb_store().await;
        let clock = Arc::new(TestClock::stopped());
        let mut all = AppState::from_store(store.clone());
        all.clock = clock.clone();
        let state = FeedbackState::new(all, Arc::new(portal::aws::SesMailer::from_conf(&config)));
        Self {
            store,
            router: feedback::router(state.clone()),
            state,
            clock,
            config,
        }
    }

    async fn agency(&self, name: &str) -> Agency {
        let sender = verified_sender(&self.config).await;
        let agency = testkit::agency(
            self.store.as_ref(),
            &NewTenant {
                name: name.into(),
                portal_base_url: format!("https://{}.example", unique()),
                sender_email: sender.to_string(),
                default_language: "en".into(),
                tier: "starter".into(),
            },
            "moto",
        )
        .await;
        Agency {
            tenant: agency.tenant.id,
            key: agency.key,
            sender: sender.to_string(),
        }
    }

    async fn customer(&self, agency: &Agency, status: ProjectStatus, draft: &str) -> Customer {
        let email = format!("{}@kunde.example", unique());
        let (id, session) =
            testkit::customer_session(self.store.as_ref(), agency.tenant, &email).await;
        self.set_status(agency.tenant, id, status).await;
        let site = self
            .staff(
                agency,
                Method::PUT,
                &format!("/feedback/site?customerId={id}"),
                Some(json!({"draftUrl": draft})),
            )
            .await;
        assert_eq!(site.status, 200, "{}", site.text);
        Customer { id, session, email }
    }

    async fn set_status(&self, tenant: TenantId, id: CustomerId, status: ProjectStatus) {
        let current = self.store.get_customer(tenant, id).await.unwrap().unwrap();
        if let Some((next, change)) =
            StatusChange::of(&current, status, Actor::System, self.clock.now())
        {
            self.store
                .change_status(&current, &next, &change)
                .await
                .unwrap();
        }
    }

    async fn call(
        &self,
        method: Method,
        uri: &str,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> Answer {
        testkit::oneshot(
            &self.router,
            method,
            uri,
            body.map(|b| ("application/json", b.to_string())),
            headers,
        )
        .await
    }

    async fn staff(&self, a: &Agency, method: Method, uri: &str, body: Option<Value>) -> Answer {
        let auth = format!("Bearer {}", a.key);
        self.call(method, uri, body, &[("authorization", &auth)])
            .await
    }

    async fn as_customer(
        &self,
        c: &Customer,
        method: Method,
        uri: &str,
        body: Option<Value>,
    ) -> Answer {
        let auth = format!("Bearer {}", c.session);
        self.call(method, uri, body, &[("authorization", &auth)])
            .await
    }

    async fn open(&self, c: &Customer) -> Answer {
        let auth = format!("Bearer {}", c.session);
        testkit::oneshot(
            &self.router,
            Method::POST,
            "/feedback/open",
            Some(("application/x-www-form-urlencoded", String::new())),
            &[("authorization", &auth)],
        )
        .await
    }

    async fn token(&self, c: &Customer) -> String {
        let answer = self.open(c).await;
        assert_eq!(answer.status, 303, "{}", answer.text);
        let location = answer.headers["location"].to_str().unwrap().to_owned();
        let (_, token) = location.split_once("#portal-feedback=").unwrap();
        token.to_owned()
    }

    async fn overlay(
        &self,
        token: &str,
        origin: &str,
        method: Method,
        uri: &str,
        body: Option<Value>,
    ) -> Answer {
        let auth = format!("Bearer {token}");
        self.call(
            method,
            uri,
            body,
            &[("authorization", &auth), ("origin", origin)],
        )
        .await
    }

    async fn pin(&self, token: &str, origin: &str, page: &str, comment: &str) -> Answer {
        self.overlay(
            token,
            origin,
            Method::POST,
            "/feedback/overlay/items",
            Some(json!({
                "pageUrl": page,
                "selector": "#kontakt > p:nth-of-type(2)",
                "snippet": "Rufen Sie uns an",
                "position": {"x": 0.1, "y": 0.9},
                "viewport": {"width": 390, "height": 844},
                "userAgent": "Mozilla/5.0 (iPhone)",
                "comment": comment,
            })),
        )
        .await
    }

    /// A file of `owner`'s named `name` in `state`.
    async fn file(
        &self,
        tenant: TenantId,
        owner: CustomerId,
        name: &str,
        state: FileState,
    ) -> FileId {
        let id = FileId::new();
        let key = ObjectKey::for_upload(tenant, owner, &id.to_string(), "file.pdf").unwrap();
        let now = self.clock.now();
        let file = FileRecord {
            id,
            tenant_id: tenant,
            customer_id: owner,
            key,
            name: name.into(),
            folder: String::new(),
            content_type: "application/pdf".into(),
            declared_size: 2048,
            size: Some(2048),
            etag: None,
            state,
            uploaded_by: Uploader::Customer,
            created_at: now,
            uploaded_at: Some(now),
            reason: None,
            multipart: None,
            version: 1,
        };
        assert_eq!(
            self.store.create_file(&file, 1_000_000).await.unwrap(),
            FileCreation::Created
        );
        id
    }

    async fn sweep(&self) -> feedback::notices::Swept {
        feedback::notices::sweep(&self.state, self.clock.now())
            .await
            .unwrap()
    }
}

async fn emails_to(address: &str) -> Vec<portal_tests::delivery_contract::SentEmail> {
    MotoSent::default()
        .sent_emails()
        .await
        .into_iter()
        .filter(|e| e.to.iter().any(|to| to == address))
        .collect()
}

#[tokio::test]
async fn the_feedback_journey_on_dynamodb_and_ses() {
    let moto = Moto::start().await;
    let agency = moto.agency("Webagentur Berg").await;
    let c = moto.customer(&agency, ProjectStatus::Design, DRAFT).await;

    // Before the preview: no token, a clear 409.
    let early = moto.open(&c).await;
    assert_eq!(early.status, 409, "{}", early.text);
    assert_eq!(early.json()["type"], "/problems/feedback-not-open");

    moto.set_status(agency.tenant, c.id, ProjectStatus::Feedback)
        .await;
    let token = moto.token(&c).await;

    // Preflights: the registered draft yes, another site no.
    let allowed = moto
        .call(
            Method::OPTIONS,
            "/feedback/overlay/items",
            None,
            &[("origin", DRAFT)],
        )
        .await;
    assert_eq!(allowed.status, 204);
    assert_eq!(allowed.headers["access-control-allow-origin"], DRAFT);
    let refused = moto
        .call(
            Method::OPTIONS,
            "/feedback/overlay/items",
            None,
            &[("origin", "https://unregistered.example")],
        )
        .await;
    assert_eq!(refused.status, 403);
    assert!(refused.headers.get("access-control-allow-origin").is_none());

    // Two points on two elements within minutes.
    let one = moto
        .pin(
            &token,
            DRAFT,
            &format!("{DRAFT}/kontakt"),
            "Telefonnummer fehlt",
        )
        .await;
    assert_eq!(one.status, 201, "{}", one.text);
    moto.clock.advance(Duration::minutes(1));
    let two = moto
        .pin(&token, DRAFT, &format!("{DRAFT}/"), "Logo größer")
        .await;
    assert_eq!(two.status, 201, "{}", two.text);
    let (one, two) = (one.json(), two.json());
    assert_eq!(
        (one["number"].as_u64(), two["number"].as_u64()),
        (Some(1), Some(2))
    );

    moto.clock.advance(Duration::minutes(5));
    assert_eq!(moto.sweep().await.sent, 1);
    assert_eq!(moto.sweep().await.sent, 0, "claimed once");
    let to_agency = emails_to(&agency.sender).await;
    assert_eq!(to_agency.len(), 1, "{to_agency:?}");
    let body = to_agency[0].bodies.join("\n");
    assert!(
        body.contains("Telefonnummer fehlt") && body.contains("Logo größer"),
        "{body}"
    );

    // Staff reply to one and resolve the other.
    let (id1, id2) = (
        one["itemId"].as_str().unwrap(),
        two["itemId"].as_str().unwrap(),
    );
    let reply = moto
        .staff(
            &agency,
            Method::POST,
            &format!("/feedback/items/{id1}/replies?customerId={}", c.id),
            Some(json!({"text": "Kommt ins Impressum."})),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    let resolved = moto
        .staff(
            &agency,
            Method::PUT,
            &format!("/feedback/items/{id2}/state?customerId={}", c.id),
            Some(json!({"state": "resolved"})),
        )
        .await;
    assert_eq!(resolved.status, 200, "{}", resolved.text);
    moto.clock.advance(Duration::minutes(6));
    moto.sweep().await;
    let to_customer = emails_to(&c.email).await;
    assert_eq!(to_customer.len(), 1, "{to_customer:?}");
    let body = to_customer[0].bodies.join("\n");
    assert!(
        body.contains("Kommt ins Impressum.") && body.contains("erledigt"),
        "German: {body}"
    );

    // The customer sees both states, in the portal and on the page.
    let list = moto
        .as_customer(&c, Method::GET, "/feedback/items", None)
        .await
        .json();
    let states: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["state"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["open", "resolved"]);
    let pins = moto
        .overlay(
            &token,
            DRAFT,
            Method::GET,
            "/feedback/overlay/items?page=https%3A%2F%2Fdraft.sonne.example%2F",
            None,
        )
        .await
        .json();
    assert_eq!(pins["items"][0]["state"], "resolved");
    let read = moto
        .as_customer(&c, Method::GET, &format!("/feedback/items/{id1}"), None)
        .await
        .json();
    assert_eq!(read["replies"][0]["author"]["kind"], "staff");
    let reopened = moto
        .as_customer(
            &c,
            Method::PUT,
            &format!("/feedback/items/{id2}/state"),
            Some(json!({"state": "open"})),
        )
        .await;
    assert_eq!(reopened.status, 200, "{}", reopened.text);
    let reopened = reopened.json();
    let history: Vec<(&str, &str)> = reopened["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["state"].as_str().unwrap(),
                h["by"]["kind"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        history,
        [
            ("open", "customer"),
            ("resolved", "staff"),
            ("open", "customer")
        ]
    );

    // Online without the agency's consent: closed again.
    moto.set_status(agency.tenant, c.id, ProjectStatus::Online)
        .await;
    let closed = moto
        .pin(&token, DRAFT, &format!("{DRAFT}/"), "Noch was")
        .await;
    assert_eq!(closed.status, 409, "{}", closed.text);

    // Expiry through the clock, then revocation.
    moto.set_status(agency.tenant, c.id, ProjectStatus::Launch)
        .await;
    moto.clock.advance(Duration::hours(2));
    let expired = moto
        .overlay(
            &token,
            DRAFT,
            Method::GET,
            "/feedback/overlay/session",
            None,
        )
        .await;
    assert_eq!(expired.status, 401);
    assert_eq!(expired.json()["type"], "/problems/feedback-token-expired");
}

#[tokio::test]
async fn tokens_and_ids_stay_with_their_customer_and_agency_on_dynamodb() {
    let moto = Moto::start().await;
    let berg = moto.agency("Webagentur Berg").await;
    let nord = moto.agency("Studio Nord").await;
    let sonne = moto.customer(&berg, ProjectStatus::Feedback, DRAFT).await;
    let mond = moto
        .customer(&berg, ProjectStatus::Feedback, OTHER_DRAFT)
        .await;
    let token = moto.token(&sonne).await;
    let mond_token = moto.token(&mond).await;
    let item = moto
        .pin(&token, DRAFT, &format!("{DRAFT}/"), "Sonne")
        .await
        .json();
    let id = item["itemId"].as_str().unwrap();

    // The other customer's token, their site, their session: nothing of Sonne's.
    let wrong_origin = moto
        .overlay(
            &token,
            OTHER_DRAFT,
            Method::GET,
            "/feedback/overlay/session",
            None,
        )
        .await;
    assert_eq!(wrong_origin.status, 403);
    let into_sonne = moto
        .pin(&mond_token, OTHER_DRAFT, &format!("{DRAFT}/"), "fremd")
        .await;
    assert_eq!(into_sonne.status, 422, "{}", into_sonne.text);
    let read = moto
        .as_customer(&mond, Method::GET, &format!("/feedback/items/{id}"), None)
        .await;
    assert_eq!(read.status, 404);
    // Another agency's key reaches neither the customer nor the item.
    let other_agency = moto
        .staff(
            &nord,
            Method::GET,
            &format!("/feedback/items/{id}?customerId={}", sonne.id),
            None,
        )
        .await;
    assert_eq!(other_agency.status, 404);
    let revoke_other = moto
        .staff(
            &nord,
            Method::DELETE,
            &format!("/feedback/tokens?customerId={}", sonne.id),
            None,
        )
        .await;
    assert_eq!(revoke_other.status, 404);

    // Revoking Sonne's tokens leaves Mond's working.
    let revoked = moto
        .staff(
            &berg,
            Method::DELETE,
            &format!("/feedback/tokens?customerId={}", sonne.id),
            None,
        )
        .await;
    assert_eq!(revoked.json()["revoked"], 1);
    let gone = moto
        .overlay(
            &token,
            DRAFT,
            Method::GET,
            "/feedback/overlay/session",
            None,
        )
        .await;
    assert_eq!(gone.json()["type"], "/problems/feedback-token-revoked");
    let still = moto
        .overlay(
            &mond_token,
            OTHER_DRAFT,
            Method::GET,
            "/feedback/overlay/session",
            None,
        )
        .await;
    assert_eq!(still.status, 200, "{}", still.text);
}

#[tokio::test]
async fn attachments_are_the_customers_own_files_and_read_back_as_they_are_on_dynamodb() {
    let moto = Moto::start().await;
    let agency = moto.agency("Webagentur Berg").await;
    let sonne = moto.customer(&agency, ProjectStatus::Feedback, DRAFT).await;
    let mond = moto
        .customer(&agency, ProjectStatus::Feedback, OTHER_DRAFT)
        .await;
    let plan = moto
        .file(
            agency.tenant,
            sonne.id,
            "Lageplan Ü.pdf",
            FileState::Available,
        )
        .await;
    moto.file(agency.tenant, sonne.id, "halb.pdf", FileState::Pending)
        .await;
    let theirs = moto
        .file(agency.tenant, mond.id, "Mond.pdf", FileState::Available)
        .await;
    let token = moto.token(&sonne).await;

    let offered = moto
        .overlay(&token, DRAFT, Method::GET, "/feedback/overlay/files", None)
        .await;
    assert_eq!(offered.status, 200, "{}", offered.text);
    assert_eq!(offered.headers["access-control-allow-origin"], DRAFT);
    assert_eq!(
        offered.json()["files"],
        json!([{"fileId": plan.to_string(), "name": "Lageplan Ü.pdf", "size": 2048,
                "contentType": "application/pdf"}])
    );

    let page = format!("{DRAFT}/kontakt");
    let mut item = json!({
        "pageUrl": page,
        "selector": "#kontakt",
        "position": {"x": 0.5, "y": 0.5},
        "viewport": {"width": 390, "height": 844},
        "comment": "Der Plan dazu",
        "attachments": [theirs.to_string()],
    });
    let foreign = moto
        .overlay(
            &token,
            DRAFT,
            Method::POST,
            "/feedback/overlay/items",
            Some(item.clone()),
        )
        .await;
    assert_eq!(foreign.status, 422, "{}", foreign.text);
    assert_eq!(foreign.json()["errors"][0]["field"], "attachments[0]");
    item["attachments"] = json!([plan.to_string()]);
    let created = moto
        .overlay(
            &token,
            DRAFT,
            Method::POST,
            "/feedback/overlay/items",
            Some(item),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text);
    let id = created.json()["itemId"].as_str().unwrap().to_owned();
    assert_eq!(
        created.json()["attachmentFiles"],
        json!([{"fileId": plan.to_string(), "name": "Lageplan Ü.pdf", "state": "available"}])
    );

    // One file named twice in an item is refused by field; one file attached to two items
    // reads back on both (their files are read in one batch, which DynamoDB refuses when it
    // names a key twice).
    let mut again = json!({
        "pageUrl": page,
        "selector": "#anfahrt",
        "position": {"x": 0.25, "y": 0.75},
        "viewport": {"width": 390, "height": 844},
        "comment": "Derselbe Plan, bitte auch hier",
        "attachments": [plan.to_string(), plan.to_string()],
    });
    let twice = moto
        .overlay(
            &token,
            DRAFT,
            Method::POST,
            "/feedback/overlay/items",
            Some(again.clone()),
        )
        .await;
    assert_eq!(twice.status, 422, "{}", twice.text);
    assert_eq!(twice.json()["errors"][0]["field"], "attachments[1]");
    again["attachments"] = json!([plan.to_string()]);
    let second = moto
        .overlay(
            &token,
            DRAFT,
            Method::POST,
            "/feedback/overlay/items",
            Some(again),
        )
        .await;
    assert_eq!(second.status, 201, "{}", second.text);
    let listed = moto
        .as_customer(&sonne, Method::GET, "/feedback/items", None)
        .await;
    assert_eq!(listed.status, 200, "{}", listed.text);
    let names: Vec<Value> = listed.json()["items"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|i| i["attachmentFiles"][0]["name"].clone())
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(names, [json!("Lageplan Ü.pdf"), json!("Lageplan Ü.pdf")]);
    let pins = moto
        .overlay(
            &token,
            DRAFT,
            Method::GET,
            &format!(
                "/feedback/overlay/items?page={}",
                url::form_urlencoded::byte_serialize(page.as_bytes()).collect::<String>()
            ),
            None,
        )
        .await;
    assert_eq!(pins.status, 200, "{}", pins.text);

    let file = moto
        .store
        .get_file(agency.tenant, sonne.id, plan)
        .await
        .unwrap()
        .unwrap();
    moto.store.delete_file(&file).await.unwrap();
    let read = moto
        .as_customer(&sonne, Method::GET, &format!("/feedback/items/{id}"), None)
        .await;
    assert_eq!(
        read.json()["attachmentFiles"],
        json!([{"fileId": plan.to_string(), "name": null, "state": "deleted"}])
    );
}
