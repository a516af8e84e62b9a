//! What the forms router tests share: a portal on the embedded store with a stopped clock,
//! the outbox as its mailer, agencies, customers and their sessions.
#![allow(dead_code)]

use std::sync::Arc;

use axum::{
    Router,
    http::{Method, StatusCode},
};
use chrono::{Duration, Utc};
use forms::{FormsState, turnstile::HumanCheck};
use portal::{
    AppState,
    domain::{
        Account, Customer, CustomerChanges, CustomerId, Language, LinkToken, NewTenant, Subject,
        TenantId, TokenPurpose, TokenRecord,
    },
    embedded::{self, Outbox},
    http::session,
    ports::{Redemption, Store},
};
use serde_json::{Value, json};
use std::time::Duration as StdDuration;

use axum::{
    body::Body,
    http::{Request, header},
};
use portal::{
    domain::{EmailState, FormEntry, FormId},
    embedded::OutboxMessage,
    http::ClientAddress,
    ports::EntryFilter,
};
use testkit::{Answer, TestClock};

/// Which store a test runs on; [`both_backends!`] runs each test on both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Embedded,
    Moto,
}

tokio::task_local! {
    pub static BACKEND: Backend;
}

/// DynamoDB on moto's server (`MOTO_ENDPOINT`), in a table of its own.
pub async fn moto_store() -> Arc<dyn Store> {
    let endpoint = std::env::var("MOTO_ENDPOINT").expect(
        "MOTO_ENDPOINT is not set: start `moto_server -H 127.0.0.1 -p 5000` and set \
         MOTO_ENDPOINT=http://127.0.0.1:5000",
    );
    let sdk = portal::aws::config::load(Some(&endpoint)).await;
    let table = format!(
        "forms-test-{}",
        ulid::Ulid::new().to_string().to_lowercase()
    );
    portal::aws::dynamodb_table::create_table(&aws_sdk_dynamodb::Client::new(&sdk), &table)
        .await
        .expect("moto creates the table");
    portal::aws::dynamodb_store(
        &sdk,
        &portal::aws::config::TableName::parse(&table).expect("a valid table name"),
    )
}

/// Each named test (an `async fn` taking nothing) once on the embedded store and once on
/// DynamoDB on moto.
#[macro_export]
macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {
        mod embedded {
            $(
                #[tokio::test]
                async fn $name() {
                    $crate::support::BACKEND
                        .scope($crate::support::Backend::Embedded, super::$name())
                        .await
                }
            )*
        }
        mod on_moto {
            $(
                #[tokio::test]
                async fn $name() {
                    $crate::support::BACKEND
                        .scope($crate::support::Backend::Moto, super::$name())
                        .await
                }
            )*
        }
    };
}

pub const FORM: &str = "application/x-www-form-urlencoded";

pub struct Portal {
    pub router: Router,
    pub store: Arc<dyn Store>,
    pub outbox: Arc<Outbox>,
    pub clock: Arc<TestClock>,
    pub state: FormsState,
}

pub struct Agency {
    pub tenant: TenantId,
    pub key: String,
}

impl Portal {
    pub async fn new() -> Self {
        Self::with_check(Arc::new(NoCheck)).await
    }

    /// A portal whose Turnstile check is `check`, on the backend of the running test.
    pub async fn with_check(check: Arc<dyn HumanCheck>) -> Self {
        let outbox = Arc::new(Outbox::in_memory());
        Self::with_parts(check, outbox.clone(), outbox).await
    }

    /// A portal sending its emails with `mailer`; `outbox` is what the test reads (the
    /// outbox `mailer` hands what it delivers to, if it does).
    pub async fn with_mailer(mailer: Arc<dyn portal::ports::Mailer>, outbox: Arc<Outbox>) -> Self {
        Self::with_parts(Arc::new(NoCheck), mailer, outbox).await
    }

    async fn with_parts(
        check: Arc<dyn HumanCheck>,
        mailer: Arc<dyn portal::ports::Mailer>,
        outbox: Arc<Outbox>,
    ) -> Self {
        let store = match BACKEND.try_with(|b| *b).unwrap_or(Backend::Embedded) {
            Backend::Embedded => Arc::new(embedded::in_memory_store()) as Arc<dyn Store>,
            Backend::Moto => moto_store().await,
        };
        let clock = Arc::new(TestClock::stopped());
        let mut all = AppState::from_store(store.clone());
        all.clock = clock.clone();
        let state = FormsState::new(all, mailer, check);
        Self {
            router: forms::router(state.clone()),
            store,
            outbox,
            clock,
            state,
        }
    }

    pub async fn agency(&self, name: &str) -> Agency {
        self.agency_sending_from(name, "hello@agency.example").await
    }

    /// An agency whose emails come from `sender`.
    pub async fn agency_sending_from(&self, name: &str, sender: &str) -> Agency {
        let tenant = NewTenant {
            name: name.into(),
            portal_base_url: format!("https://{}.agency.example", name.to_lowercase()),
            sender_email: sender.into(),
            default_language: "de".into(),
            tier: "starter".into(),
        };
        let agency = testkit::agency(self.store.as_ref(), &tenant, "test").await;
        Agency {
            tenant: agency.tenant.id,
            key: agency.key,
        }
    }

    pub async fn customer(&self, tenant: TenantId, email: &str) -> Customer {
        let changes: CustomerChanges =
            serde_json::from_value(json!({"companyName": "Kunde", "loginEmail": email})).unwrap();
        let customer = changes.validate(None).unwrap().into_new_customer(
            CustomerId::new(),
            tenant,
            Language::Fr,
            Utc::now(),
        );
        self.store.create_customer(&customer).await.unwrap();
        customer
    }

    /// A session of `customer`, as setting their password starts one; its bearer token.
    pub async fn session_of(&self, customer: &Customer) -> String {
        let now = Utc::now();
        let subject = Subject::Customer(customer.id);
        let token = LinkToken::generate().unwrap();
        let link = TokenRecord {
            hash: token.hash(),
            purpose: TokenPurpose::Invitation,
            tenant_id: customer.tenant_id,
            subject,
            invitation_id: None,
            sent_to: customer.login_email.clone(),
            account_epoch: None,
            created_at: now,
            expires_at: now + Duration::days(1),
            voided: None,
            used_at: None,
        };
        self.store.put_token(&link).await.unwrap();
        let account = Account {
            tenant_id: customer.tenant_id,
            subject,
            password_hash: "$argon2id$test".into(),
            password_changed_at: now,
            session_epoch: 1,
            created_at: now,
            version: 1,
        };
        let (session_token, session) = session::start(&account, now).unwrap();
        self.store
            .redeem(&Redemption {
                token: &link,
                now,
                account: &account,
                previous_account: None,
                invitation: None,
                session: &session,
                activates: true,
            })
            .await
            .unwrap();
        session_token.expose().to_owned()
    }

    pub async fn call(
        &self,
        method: Method,
        path: &str,
        bearer: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value, String) {
        let authorization = format!("Bearer {bearer}");
        let body = body.map(|b| ("application/json", b.to_string()));
        let answer = testkit::oneshot(
            &self.router,
            method,
            path,
            body,
            &[("authorization", &authorization)],
        )
        .await;
        if !answer.status.is_success() {
            assert_eq!(
                answer.headers["content-type"], "application/problem+json",
                "every error is problem+json: {}",
                answer.text
            );
        }
        (answer.status, answer.json(), answer.text)
    }
}

/// A check that fails the test if asked: for forms without a Turnstile secret.
pub struct NoCheck;

#[async_trait::async_trait]
impl HumanCheck for NoCheck {
    async fn verify(
        &self,
        _: &portal::domain::TurnstileSecret,
        _: &str,
        _: Option<&str>,
    ) -> forms::turnstile::Verdict {
        panic!("a form without a Turnstile secret asked Turnstile")
    }
}

pub const SITE: &str = "https://www.kunde.example";

pub struct Site {
    pub portal: Portal,
    pub agency: Agency,
    pub customer: portal::domain::Customer,
}

impl Site {
    pub async fn new() -> Self {
        Self::with(Portal::new().await).await
    }

    pub async fn with(portal: Portal) -> Self {
        let agency = portal.agency("Berg").await;
        let customer = portal.customer(agency.tenant, "anna@kunde.example").await;
        Self {
            portal,
            agency,
            customer,
        }
    }

    /// A form with `settings` over a contact form's defaults; its id.
    pub async fn form(&self, settings: Value) -> String {
        let mut body = json!({
            "name": "Kontakt",
            "allowedOrigins": [SITE],
            "recipients": ["info@kunde.example", "team@kunde.example"],
            "language": "de",
        });
        for (k, v) in settings.as_object().unwrap() {
            body[k] = v.clone();
        }
        let (status, form, text) = self
            .portal
            .call(
                Method::POST,
                &format!("/forms?customerId={}", self.customer.id),
                &self.agency.key,
                Some(body),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{text}");
        form["id"].as_str().unwrap().to_owned()
    }

    pub async fn post(
        &self,
        form: &str,
        content_type: &str,
        body: impl Into<Body>,
        headers: &[(&str, &str)],
    ) -> Answer {
        self.post_from(form, content_type, body, headers, "203.0.113.7")
            .await
    }

    pub async fn post_from(
        &self,
        form: &str,
        content_type: &str,
        body: impl Into<Body>,
        headers: &[(&str, &str)],
        address: &str,
    ) -> Answer {
        let mut request = Request::builder()
            .method(Method::POST)
            .uri(format!("/f/{form}"))
            .header(header::CONTENT_TYPE, content_type)
            .extension(ClientAddress(address.to_owned()));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        testkit::send(&self.portal.router, request.body(body.into()).unwrap()).await
    }

    pub async fn entries(&self) -> Vec<FormEntry> {
        self.portal
            .store
            .list_entries(
                &EntryFilter {
                    tenant: self.agency.tenant,
                    customer: self.customer.id,
                    form: None,
                    from: None,
                    to: None,
                },
                None,
                100,
                self.portal.clock_now(),
            )
            .await
            .unwrap()
            .items
    }

    pub async fn counts(&self, form: &str) -> (u64, u64, u64) {
        let form = self
            .portal
            .store
            .get_form(form.parse::<FormId>().unwrap())
            .await
            .unwrap()
            .unwrap();
        (form.entry_count, form.spam_count, form.refused_count)
    }

    /// The emails in the outbox once `n` have arrived (the notification is sent after the
    /// answer), at most two seconds later.
    pub async fn emails(&self, n: usize) -> Vec<OutboxMessage> {
        for _ in 0..100 {
            let messages = self.portal.outbox.messages().unwrap();
            if messages.len() >= n {
                return messages;
            }
            tokio::time::sleep(StdDuration::from_millis(20)).await;
        }
        self.portal.outbox.messages().unwrap()
    }

    /// The entry once its email's state is no longer pending.
    pub async fn settled(&self) -> FormEntry {
        for _ in 0..100 {
            let entries = self.entries().await;
            if let Some(e) = entries.first()
                && e.email_state != EmailState::Pending
            {
                return e.clone();
            }
            tokio::time::sleep(StdDuration::from_millis(20)).await;
        }
        panic!("the email's state stayed pending")
    }
}

pub trait ClockNow {
    fn clock_now(&self) -> chrono::DateTime<chrono::Utc>;
}

impl ClockNow for Portal {
    fn clock_now(&self) -> chrono::DateTime<chrono::Utc> {
        use portal::ports::Clock;
        self.clock.now()
    }
}
