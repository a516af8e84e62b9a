//! The notification's automatic retry: the sweep sends what the first try missed or failed,
//! after its grace period or backoff (moved by the test clock, never slept), once however
//! many senders race, and gives up after the last attempt, leaving the manual resend.

mod support;

use std::sync::{
    Arc,
    atomic::{AtomicUsize, Ordering},
};

use async_trait::async_trait;
use axum::http::{Method, StatusCode};
use chrono::{DateTime, Duration, Utc};
use forms::notifications::{self, GRACE_SECONDS, MAX_ATTEMPTS, Swept};
use portal::{
    domain::{EmailState, EntryField, FormEntry, FormEntryId, FormId, OutgoingEmail, Verification},
    embedded::Outbox,
    ports::{DeliveryError, Mailer},
};
use serde_json::{Value, json};
use support::{ClockNow, FORM, Portal, SITE, Site};

/// A mailer SES refuses `failures` times, then delivering to the outbox; it counts calls.
struct Flaky {
    failures: AtomicUsize,
    calls: AtomicUsize,
    outbox: Arc<Outbox>,
}

impl Flaky {
    fn refusing(failures: usize) -> Arc<Self> {
        Arc::new(Self {
            failures: AtomicUsize::new(failures),
            calls: AtomicUsize::new(0),
            outbox: Arc::new(Outbox::in_memory()),
        })
    }
}

#[async_trait]
impl Mailer for Flaky {
    async fn send_email(&self, email: &OutgoingEmail) -> Result<String, DeliveryError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        if self
            .failures
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok()
        {
            return Err(DeliveryError::Rejected("MessageRejected".into()));
        }
        self.outbox.send_email(email).await
    }
}

async fn site_with(mailer: Arc<Flaky>) -> Site {
    let outbox = mailer.outbox.clone();
    Site::with(Portal::with_mailer(mailer, outbox).await).await
}

impl Site {
    async fn resend(&self, entry: FormEntryId) -> (StatusCode, Value) {
        let (status, body, _) = self
            .portal
            .call(
                Method::POST,
                &format!(
                    "/form-entries/{entry}/notification?customerId={}",
                    self.customer.id
                ),
                &self.agency.key,
                None,
            )
            .await;
        (status, body)
    }

    async fn sweep(&self) -> Swept {
        notifications::sweep(&self.portal.state, self.portal.clock_now())
            .await
            .expect("the sweep runs")
    }

    async fn entry(&self, id: FormEntryId) -> FormEntry {
        self.portal
            .store
            .get_entry(
                self.agency.tenant,
                self.customer.id,
                id,
                self.portal.clock_now(),
            )
            .await
            .unwrap()
            .expect("the entry is kept")
    }

    /// An entry stored as the intake stores it, whose first try never ran (a Lambda frozen
    /// right after the answer).
    async fn entry_whose_first_try_never_ran(&self, form: &str) -> FormEntry {
        let now = self.portal.clock_now();
        let entry = FormEntry {
            id: FormEntryId::at(now).unwrap(),
            tenant_id: self.agency.tenant,
            customer_id: self.customer.id,
            form_id: form.parse::<FormId>().unwrap(),
            received_at: now,
            expires_at: now + Duration::days(365),
            fields: vec![EntryField {
                name: "email".into(),
                value: "ada@visitor.example".into(),
            }],
            origin: Some(SITE.into()),
            user_agent: None,
            verification: Verification::NotRequired,
            read_at: None,
            email_state: EmailState::Pending,
            email_attempts: 0,
            email_next_try_at: None,
        };
        let due = notifications::first_due(&entry);
        let entry = FormEntry {
            email_next_try_at: Some(due.due_at),
            ..entry
        };
        self.portal
            .store
            .put_entry(&entry, Some(&due))
            .await
            .unwrap();
        entry
    }

    fn advance_to(&self, at: DateTime<Utc>) {
        self.portal.clock.set(at);
    }
}

async fn a_notification_whose_first_try_never_ran_is_sent_once_its_grace_has_passed() {
    let site = site_with(Flaky::refusing(0)).await;
    let form = site
        .form(json!({"recipients": ["info@kunde.example", "team@kunde.example"]}))
        .await;
    let entry = site.entry_whose_first_try_never_ran(&form).await;

    site.portal
        .clock
        .advance(Duration::seconds(GRACE_SECONDS - 1));
    assert_eq!(site.sweep().await, Swept::default(), "still in its grace");
    assert!(site.portal.outbox.messages().unwrap().is_empty());

    site.portal.clock.advance(Duration::seconds(1));
    let swept = site.sweep().await;
    assert_eq!(swept.sent, 1, "{swept:?}");
    let emails = site.portal.outbox.messages().unwrap();
    assert_eq!(emails.len(), 2, "one per recipient");
    assert_eq!(emails[0].reply_to.as_deref(), Some("ada@visitor.example"));
    let sent = site.entry(entry.id).await;
    assert_eq!(
        (
            sent.email_state,
            sent.email_attempts,
            sent.email_next_try_at
        ),
        (EmailState::Sent, 1, None)
    );
    site.portal.clock.advance(Duration::days(1));
    assert_eq!(site.sweep().await, Swept::default(), "nothing left to send");
    assert_eq!(site.portal.outbox.messages().unwrap().len(), 2);
}

async fn a_failed_email_is_sent_by_the_sweep_once_its_backoff_has_passed() {
    // Arrange: SES refuses the first try, made right after the answer.
    let mailer = Flaky::refusing(1);
    let site = site_with(mailer.clone()).await;
    let form = site
        .form(json!({"recipients": ["info@kunde.example"]}))
        .await;
    let answer = site
        .post(
            &form,
            FORM,
            "email=ada%40visitor.example&message=hi",
            &[("origin", SITE)],
        )
        .await;
    assert!(answer.status.is_success(), "{}", answer.text);
    let failed = site.settled().await;
    let received = failed.received_at;
    assert_eq!(failed.email_state, EmailState::Failed);
    assert_eq!(failed.email_attempts, 1);
    assert_eq!(
        failed.email_next_try_at,
        Some(received + notifications::backoff(1)),
        "the next try is shown"
    );
    let (_, listed, _) = site
        .portal
        .call(
            Method::GET,
            &format!(
                "/form-entries/{}?customerId={}",
                failed.id, site.customer.id
            ),
            &site.agency.key,
            None,
        )
        .await;
    assert_eq!(listed["emailState"], "failed");
    assert_eq!(listed["emailAttempts"], 1);
    assert!(listed["emailNextTryAt"].is_string(), "{listed}");

    // Act / Assert: not before the backoff, then exactly once.
    site.advance_to(received + notifications::backoff(1) - Duration::seconds(1));
    assert_eq!(site.sweep().await, Swept::default());
    assert_eq!(mailer.calls.load(Ordering::SeqCst), 1);
    site.advance_to(received + notifications::backoff(1));
    let swept = site.sweep().await;
    assert_eq!((swept.sent, swept.failed), (1, 0), "{swept:?}");
    let sent = site.entry(failed.id).await;
    assert_eq!(
        (
            sent.email_state,
            sent.email_attempts,
            sent.email_next_try_at
        ),
        (EmailState::Sent, 2, None)
    );
    assert_eq!(site.portal.outbox.messages().unwrap().len(), 1);
    site.portal.clock.advance(Duration::hours(3));
    assert_eq!(site.sweep().await, Swept::default());
    assert_eq!(mailer.calls.load(Ordering::SeqCst), 2);
}

async fn two_sweeps_at_once_send_one_email() {
    let site = site_with(Flaky::refusing(0)).await;
    let form = site
        .form(json!({"recipients": ["info@kunde.example"]}))
        .await;
    let entry = site.entry_whose_first_try_never_ran(&form).await;
    site.portal.clock.advance(Duration::minutes(5));

    let (one, two) = tokio::join!(site.sweep(), site.sweep());

    assert_eq!(one.sent + two.sent, 1, "{one:?} {two:?}");
    assert_eq!(site.portal.outbox.messages().unwrap().len(), 1);
    assert_eq!(site.entry(entry.id).await.email_attempts, 1);
}

async fn a_sweep_racing_the_manual_resend_sends_one_email() {
    let site = site_with(Flaky::refusing(0)).await;
    let form = site
        .form(json!({"recipients": ["info@kunde.example"]}))
        .await;
    let entry = site.entry_whose_first_try_never_ran(&form).await;
    site.portal.clock.advance(Duration::minutes(5));

    let (swept, (status, body)) = tokio::join!(site.sweep(), site.resend(entry.id));

    assert_eq!(
        site.portal.outbox.messages().unwrap().len(),
        1,
        "{swept:?} {status} {body}"
    );
    match status {
        // The resend sent it, or found it sent by the sweep since it read the entry.
        StatusCode::OK => assert_eq!(body["emailState"], "sent"),
        // The sweep's attempt was under way.
        StatusCode::CONFLICT => {
            assert_eq!(swept.sent, 1, "{swept:?}");
            assert_eq!(body["type"], "/problems/concurrent-change");
        }
        other => panic!("{other}: {body}"),
    }
    assert_eq!(site.entry(entry.id).await.email_state, EmailState::Sent);
}

async fn the_first_try_racing_a_sweep_sends_one_email() {
    // The spawned first try's claim and a sweep's claim of the same item: one wins.
    let site = site_with(Flaky::refusing(0)).await;
    let form = site
        .form(json!({"recipients": ["info@kunde.example"]}))
        .await;
    let entry = site.entry_whose_first_try_never_ran(&form).await;
    let stored_form = site
        .portal
        .store
        .get_form(entry.form_id)
        .await
        .unwrap()
        .unwrap();
    site.portal.clock.advance(Duration::minutes(5));

    let due = notifications::first_due(&entry);
    let (first, swept) = tokio::join!(
        notifications::first_attempt(&site.portal.state, &stored_form, &entry, &due),
        site.sweep()
    );

    assert_eq!(site.portal.outbox.messages().unwrap().len(), 1);
    match first {
        Ok(EmailState::Sent) => assert_eq!(swept.sent, 0),
        Err(notifications::NotifyError::Busy) => assert_eq!(swept.sent, 1),
        other => panic!("{other:?}"),
    }
}

async fn a_resend_while_an_attempt_is_under_way_is_refused_with_409() {
    let site = site_with(Flaky::refusing(0)).await;
    let form = site
        .form(json!({"recipients": ["info@kunde.example"]}))
        .await;
    let entry = site.entry_whose_first_try_never_ran(&form).await;
    // An attempt claimed it a moment ago and is sending now.
    let now = site.portal.clock_now();
    let due = notifications::first_due(&entry);
    let claim = portal::domain::NotificationDue {
        attempts: 1,
        claimed_at: Some(now),
        due_at: now + notifications::backoff(1),
        ..due
    };
    site.portal
        .store
        .claim_notification(Some(0), &claim)
        .await
        .unwrap();

    let (status, body) = site.resend(entry.id).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(site.portal.outbox.messages().unwrap().is_empty());

    // An attempt that died under way holds it no longer than its lease.
    site.portal
        .clock
        .advance(Duration::seconds(notifications::LEASE_SECONDS));
    let (status, body) = site.resend(entry.id).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["emailState"], "sent");
    assert_eq!(site.portal.outbox.messages().unwrap().len(), 1);
}

async fn after_the_last_attempt_the_entry_stays_failed_and_the_resend_still_works() {
    // Arrange: SES refuses every attempt of the round.
    let mailer = Flaky::refusing(MAX_ATTEMPTS as usize);
    let site = site_with(mailer.clone()).await;
    let form = site
        .form(json!({"recipients": ["info@kunde.example"]}))
        .await;
    site.post(&form, FORM, "message=hi", &[("origin", SITE)])
        .await;
    let mut entry = site.settled().await;
    let token = site.portal.session_of(&site.customer).await;
    let entries_page = || async {
        testkit::oneshot(
            &site.portal.router,
            Method::GET,
            "/entries",
            None,
            &[("cookie", &format!("portal_session={token}"))],
        )
        .await
        .text
    };
    // The customer speaks French (see support::Portal::customer).
    let retrying = portal::i18n::t(portal::domain::Language::Fr, "page-entries-email-retrying");
    let failed_for_good =
        portal::i18n::t(portal::domain::Language::Fr, "page-entries-email-failed");
    let html = entries_page().await;
    assert!(html.contains(&retrying), "{html}");

    // Act: a sweep at each next try, as the schedule would.
    for attempt in 2..=MAX_ATTEMPTS {
        let next = entry
            .email_next_try_at
            .expect("a next try while attempts are left");
        site.advance_to(next);
        let swept = site.sweep().await;
        entry = site.entry(entry.id).await;
        assert_eq!(entry.email_attempts, attempt);
        if attempt < MAX_ATTEMPTS {
            assert_eq!(swept.failed, 1, "attempt {attempt}: {swept:?}");
        } else {
            assert_eq!(swept.gave_up, 1, "{swept:?}");
        }
    }

    // Assert: failed for good, nothing due, nothing more tried.
    assert_eq!(entry.email_state, EmailState::Failed);
    assert_eq!(entry.email_next_try_at, None);
    assert_eq!(
        site.portal
            .store
            .notification_due(entry.tenant_id, entry.customer_id, entry.id)
            .await
            .unwrap(),
        None
    );
    let html = entries_page().await;
    assert!(html.contains(&failed_for_good), "{html}");
    assert!(!html.contains(&retrying), "{html}");
    site.portal.clock.advance(Duration::days(2));
    assert_eq!(site.sweep().await, Swept::default());
    assert_eq!(mailer.calls.load(Ordering::SeqCst), MAX_ATTEMPTS as usize);
    assert!(site.portal.outbox.messages().unwrap().is_empty());

    let (status, resent) = site.resend(entry.id).await;
    assert_eq!(status, StatusCode::OK, "{resent}");
    assert_eq!(resent["emailState"], "sent");
    assert_eq!(resent["emailAttempts"], MAX_ATTEMPTS + 1);
    assert_eq!(site.portal.outbox.messages().unwrap().len(), 1);

    // A sent email is not sent again: a second click (or a retried request) changes nothing.
    let (status, again) = site.resend(entry.id).await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(again["emailAttempts"], MAX_ATTEMPTS + 1);
    assert_eq!(site.portal.outbox.messages().unwrap().len(), 1);
}

async fn a_deleted_entry_is_not_emailed_by_the_sweep() {
    let site = site_with(Flaky::refusing(0)).await;
    let form = site
        .form(json!({"recipients": ["info@kunde.example"]}))
        .await;
    let entry = site.entry_whose_first_try_never_ran(&form).await;
    let (status, _, text) = site
        .portal
        .call(
            Method::DELETE,
            &format!("/form-entries/{}?customerId={}", entry.id, site.customer.id),
            &site.agency.key,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{text}");
    site.portal.clock.advance(Duration::minutes(5));
    assert_eq!(site.sweep().await, Swept::default());
    assert!(site.portal.outbox.messages().unwrap().is_empty());
}

both_backends!(
    a_notification_whose_first_try_never_ran_is_sent_once_its_grace_has_passed,
    a_failed_email_is_sent_by_the_sweep_once_its_backoff_has_passed,
    two_sweeps_at_once_send_one_email,
    a_sweep_racing_the_manual_resend_sends_one_email,
    the_first_try_racing_a_sweep_sends_one_email,
    a_resend_while_an_attempt_is_under_way_is_refused_with_409,
    after_the_last_attempt_the_entry_stays_failed_and_the_resend_still_works,
    a_deleted_entry_is_not_emailed_by_the_sweep,
);

/// SES on moto refuses the agency's unverified sender; once the agency's domain is verified,
/// the next sweep delivers, read back from moto.
#[tokio::test]
async fn on_moto_ses_refuses_an_unverified_sender_then_the_next_sweep_delivers() {
    let endpoint = std::env::var("MOTO_ENDPOINT").expect("MOTO_ENDPOINT names moto's server");
    let sdk = portal::aws::config::load(Some(&endpoint)).await;
    let ses = Arc::new(portal::aws::SesMailer::from_conf(&sdk));
    let portal = support::BACKEND
        .scope(support::Backend::Moto, async {
            Portal::with_mailer(ses, Arc::new(Outbox::in_memory())).await
        })
        .await;
    let unique = ulid::Ulid::new().to_string().to_lowercase();
    let domain = format!("{unique}.agency.example");
    let agency = portal
        .agency_sending_from("Berg", &format!("portal@{domain}"))
        .await;
    let customer = portal.customer(agency.tenant, "anna@kunde.example").await;
    let site = Site {
        portal,
        agency,
        customer,
    };
    let recipient = format!("info-{unique}@kunde.example");
    let form = site.form(json!({"recipients": [recipient]})).await;
    let answer = site
        .post(
            &form,
            FORM,
            format!("email=ada-{unique}%40visitor.example&message=Hallo"),
            &[("origin", SITE)],
        )
        .await;
    assert!(answer.status.is_success(), "{}", answer.text);
    let failed = site.settled().await;
    assert_eq!(
        failed.email_state,
        EmailState::Failed,
        "moto refuses: unverified"
    );

    aws_sdk_sesv2::Client::new(&sdk)
        .create_email_identity()
        .email_identity(&domain)
        .send()
        .await
        .expect("moto verifies the domain");
    site.advance_to(failed.email_next_try_at.expect("a next try"));
    let swept = site.sweep().await;
    assert_eq!(swept.sent, 1, "{swept:?}");
    assert_eq!(site.entry(failed.id).await.email_state, EmailState::Sent);

    let data: Value = reqwest::get(format!("{endpoint}/moto-api/data.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let to_recipient: Vec<&Value> = data["ses"]["Message"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|m| m["destinations"]["ToAddresses"][0] == recipient.as_str())
        .collect();
    assert_eq!(
        to_recipient.len(),
        1,
        "one email, after the sender was verified"
    );
    assert_eq!(
        to_recipient[0]["source"]
            .as_str()
            .map(|s| s.contains(&domain)),
        Some(true)
    );
    assert!(
        to_recipient[0]["body"]
            .as_str()
            .unwrap_or_default()
            .contains("Hallo"),
        "{}",
        to_recipient[0]
    );
}
