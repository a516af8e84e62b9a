//! The forms function's one entry point: an HTTP API request (a real-shaped payload) goes to
//! the router with the visitor's address from API Gateway; the EventBridge schedule's event
//! sweeps the due notifications; anything else is refused.

mod support;

use chrono::{Duration, DurationRound};
use forms::notifications;
use lambda_http::lambda_runtime::{Context, LambdaEvent};
use portal::{
    domain::{EmailState, EntryField, FormEntry, FormEntryId, FormId, Verification},
    ports::Clock,
};
use serde_json::{Value, json, value::RawValue};
use support::{ClockNow, SITE, Site};

const HTTP_POST: &str = include_str!("fixtures/http-api-v2-form-post.json");
const SCHEDULE: &str = include_str!("fixtures/eventbridge-scheduled-event.json");

fn event(json: &str) -> LambdaEvent<Box<RawValue>> {
    LambdaEvent::new(
        RawValue::from_string(json.to_owned()).expect("a JSON fixture"),
        Context::default(),
    )
}

#[tokio::test]
async fn an_http_api_request_goes_to_the_router_with_the_visitors_address() {
    // Arrange
    let site = Site::new().await;
    let form = site.form(json!({"recipients": []})).await;
    let app = forms::lambda::app(site.portal.state.clone());
    let request = HTTP_POST.replace("FORM_ID", &form);

    // Act
    let answer = forms::lambda::handle(&app, &site.portal.state, event(&request))
        .await
        .expect("an answer for API Gateway");

    // Assert: API Gateway's response shape, the entry stored, the address counted by /64.
    assert_eq!(answer["statusCode"], 201, "{answer}");
    assert_eq!(answer["headers"]["access-control-allow-origin"], SITE);
    let body: Value = serde_json::from_str(answer["body"].as_str().unwrap()).unwrap();
    let entries = site.entries().await;
    assert_eq!(entries.len(), 1);
    assert_eq!(body["id"], entries[0].id.to_string());
    assert_eq!(entries[0].fields[1].value, "Hallo");
    let now = site.portal.clock.now();
    let window = now.duration_trunc(Duration::minutes(10)).unwrap();
    let counted = site
        .portal
        .store
        .increment(
            "form-intake-address#2001:db8:42:7::/64",
            window,
            window + Duration::minutes(20),
        )
        .await
        .unwrap();
    assert_eq!(counted, 2, "the fixture's sourceIp reached the rate limit");
}

#[tokio::test]
async fn the_scheduled_event_sweeps_the_due_notifications() {
    // Arrange: an entry whose first try never ran, past its grace period.
    let site = Site::new().await;
    let form = site
        .form(json!({"recipients": ["info@kunde.example"]}))
        .await;
    let now = site.portal.clock_now();
    let entry = FormEntry {
        id: FormEntryId::at(now).unwrap(),
        tenant_id: site.agency.tenant,
        customer_id: site.customer.id,
        form_id: form.parse::<FormId>().unwrap(),
        received_at: now,
        expires_at: now + Duration::days(30),
        fields: vec![EntryField {
            name: "message".into(),
            value: "Hallo".into(),
        }],
        origin: None,
        user_agent: None,
        verification: Verification::NotRequired,
        read_at: None,
        email_state: EmailState::Pending,
        email_attempts: 0,
        email_next_try_at: None,
    };
    let due = notifications::first_due(&entry);
    site.portal
        .store
        .put_entry(&entry, Some(&due))
        .await
        .unwrap();
    site.portal.clock.advance(Duration::minutes(3));
    let app = forms::lambda::app(site.portal.state.clone());

    // Act
    let answer = forms::lambda::handle(&app, &site.portal.state, event(SCHEDULE))
        .await
        .expect("the sweep runs");

    // Assert
    assert_eq!(answer["sent"], 1, "{answer}");
    assert_eq!(site.portal.outbox.messages().unwrap().len(), 1);
    assert_eq!(site.entries().await[0].email_state, EmailState::Sent);
}

#[tokio::test]
async fn an_event_that_is_neither_is_refused_and_sends_nothing() {
    let site = Site::new().await;
    let app = forms::lambda::app(site.portal.state.clone());
    for payload in [
        r#"{"Records": [{"eventSource": "aws:s3"}]}"#,
        r#"{"source": "aws.events", "detail-type": "Object Created"}"#,
        r#"["not", "an", "object"]"#,
    ] {
        let refused = forms::lambda::handle(&app, &site.portal.state, event(payload)).await;
        assert!(refused.is_err(), "{payload}");
    }
    assert!(site.portal.outbox.messages().unwrap().is_empty());
}
