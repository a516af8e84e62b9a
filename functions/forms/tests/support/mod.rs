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
use testkit::TestClock;

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

    /// A portal whose Turnstile check is `check`.
    pub async fn with_check(check: Arc<dyn HumanCheck>) -> Self {
        let store: Arc<dyn Store> = Arc::new(embedded::in_memory_store());
        let clock = Arc::new(TestClock::stopped());
        let outbox = Arc::new(Outbox::in_memory());
        let mut all = AppState::from_store(store.clone());
        all.clock = clock.clone();
        let state = FormsState::new(all, outbox.clone(), check);
        Self {
            router: forms::router(state.clone()),
            store,
            outbox,
            clock,
            state,
        }
    }

    pub async fn agency(&self, name: &str) -> Agency {
        let tenant = NewTenant {
            name: name.into(),
            portal_base_url: format!("https://{}.agency.example", name.to_lowercase()),
            sender_email: "hello@agency.example".into(),
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
