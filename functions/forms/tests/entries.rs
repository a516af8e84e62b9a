//! The entries API driven with `oneshot` on the embedded store: listing, filters, read
//! marks, deletion, retention, the notification's state and resending, the CSV export, and
//! what another customer or agency can't reach.

mod support;

use std::sync::{
    Arc,
    atomic::{AtomicUsize, Ordering},
};

use async_trait::async_trait;
use axum::http::{Method, StatusCode};
use chrono::Duration;
use portal::{
    AppState,
    domain::OutgoingEmail,
    embedded::Outbox,
    ports::{DeliveryError, Mailer},
};
use serde_json::{Value, json};
use support::{FORM, NoCheck, Portal, SITE, Site};

impl Site {
    async fn api(&self, method: Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        let sep = if path.contains('?') { '&' } else { '?' };
        let path = format!("{path}{sep}customerId={}", self.customer.id);
        let (status, body, _) = self
            .portal
            .call(method, &path, &self.agency.key, body)
            .await;
        (status, body)
    }

    async fn submit(&self, form: &str, body: &str) {
        let answer = self
            .post(form, FORM, body.to_owned(), &[("origin", SITE)])
            .await;
        assert!(answer.status.is_success(), "{}", answer.text);
    }
}

fn messages(list: &Value) -> Vec<String> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["fields"][0]["value"].as_str().unwrap().to_owned())
        .collect()
}

async fn entries_list_newest_first_in_pages_filtered_by_form_and_dates() {
    let site = Site::new().await;
    let contact = site.form(json!({"recipients": []})).await;
    let callback = site
        .form(json!({"name": "Rückruf", "recipients": []}))
        .await;
    let start = {
        use portal::ports::Clock;
        site.portal.clock.now()
    };
    for (day, form, message) in [
        (0, &contact, "m0"),
        (1, &callback, "m1"),
        (2, &contact, "m2"),
        (3, &contact, "m3"),
    ] {
        site.portal.clock.set(start + Duration::days(day));
        site.submit(form, &format!("message={message}")).await;
    }

    let (status, page) = site.api(Method::GET, "/form-entries?limit=2", None).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(messages(&page), ["m3", "m2"]);
    let cursor = page["nextCursor"].as_str().unwrap();
    let (_, rest) = site
        .api(
            Method::GET,
            &format!("/form-entries?limit=2&cursor={cursor}"),
            None,
        )
        .await;
    assert_eq!(messages(&rest), ["m1", "m0"]);
    assert_eq!(rest["nextCursor"], Value::Null);

    let (_, of_contact) = site
        .api(
            Method::GET,
            &format!("/form-entries?formId={contact}"),
            None,
        )
        .await;
    assert_eq!(messages(&of_contact), ["m3", "m2", "m0"]);
    let day = |n: i64| (start + Duration::days(n)).format("%Y-%m-%d").to_string();
    let (_, dated) = site
        .api(
            Method::GET,
            &format!("/form-entries?from={}&to={}", day(1), day(2)),
            None,
        )
        .await;
    assert_eq!(messages(&dated), ["m2", "m1"]);

    for bad in [
        "from=yesterday",
        "limit=0",
        "limit=101",
        "cursor=abc",
        "formId=nope",
        "to=2020-01-01&from=2021-01-01",
    ] {
        let (status, problem) = site
            .api(Method::GET, &format!("/form-entries?{bad}"), None)
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {problem}");
    }
}

async fn entries_are_marked_read_and_unread_and_deleted_by_their_customer_only() {
    let site = Site::new().await;
    let form = site.form(json!({"recipients": []})).await;
    site.submit(&form, "message=hello").await;
    let (_, list) = site.api(Method::GET, "/form-entries", None).await;
    let id = list["items"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(list["items"][0]["read"], false);

    let (status, entry) = site
        .api(
            Method::PATCH,
            &format!("/form-entries/{id}"),
            Some(json!({"read": true})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{entry}");
    assert_eq!(entry["read"], true);
    let (_, entry) = site
        .api(
            Method::PATCH,
            &format!("/form-entries/{id}"),
            Some(json!({"read": false})),
        )
        .await;
    assert_eq!(entry["read"], false);
    let (status, _) = site
        .api(
            Method::PATCH,
            &format!("/form-entries/{id}"),
            Some(json!({"read": "yes"})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // Another customer of the agency (in their session), and another agency, know the id.
    let ben = site
        .portal
        .customer(site.agency.tenant, "ben@kunde.example")
        .await;
    let ben_session = site.portal.session_of(&ben).await;
    let rival = site.portal.agency("Rival").await;
    for (bearer, path) in [
        (ben_session.as_str(), format!("/form-entries/{id}")),
        (ben_session.as_str(), format!("/form-entries?formId={form}")),
        (
            ben_session.as_str(),
            format!("/form-entries/csv?formId={form}"),
        ),
        (
            rival.key.as_str(),
            format!("/form-entries/{id}?customerId={}", site.customer.id),
        ),
        (
            rival.key.as_str(),
            format!("/form-entries?customerId={}", site.customer.id),
        ),
    ] {
        for method in [Method::GET, Method::PATCH, Method::DELETE] {
            if path.contains('?') && method != Method::GET && !path.contains("customerId") {
                continue;
            }
            let (status, body, _) = site
                .portal
                .call(method.clone(), &path, bearer, Some(json!({"read": true})))
                .await;
            assert!(
                matches!(
                    status,
                    StatusCode::NOT_FOUND | StatusCode::METHOD_NOT_ALLOWED
                ),
                "{method} {path}: {status} {body}"
            );
        }
    }
    let (_, list) = site.api(Method::GET, "/form-entries", None).await;
    assert_eq!(list["items"][0]["read"], false, "nobody else marked it");

    let anna_session = site.portal.session_of(&site.customer).await;
    let (status, list, _) = site
        .portal
        .call(Method::GET, "/form-entries", &anna_session, None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        list["items"][0]["id"],
        id.as_str(),
        "the customer sees their entries"
    );
    let (status, _, _) = site
        .portal
        .call(
            Method::DELETE,
            &format!("/form-entries/{id}"),
            &anna_session,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = site
        .api(Method::DELETE, &format!("/form-entries/{id}"), None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, list) = site.api(Method::GET, "/form-entries", None).await;
    assert_eq!(list["items"], json!([]));
}

async fn entries_past_the_agencys_retention_are_gone_from_every_read() {
    let site = Site::new().await;
    // The form exists before the agency shortens its retention: the setting reaches it.
    let form = site.form(json!({"recipients": []})).await;
    for bad in [
        json!({"retentionDays": 0}),
        json!({"retentionDays": 3651}),
        json!({"retentionDays": "30"}),
    ] {
        let (status, _, _) = site
            .portal
            .call(
                Method::PUT,
                "/form-settings",
                &site.agency.key,
                Some(bad.clone()),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    }
    let (status, settings, _) = site
        .portal
        .call(
            Method::PUT,
            "/form-settings",
            &site.agency.key,
            Some(json!({"retentionDays": 30})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{settings}");
    let (_, settings, _) = site
        .portal
        .call(Method::GET, "/form-settings", &site.agency.key, None)
        .await;
    assert_eq!(settings, json!({"retentionDays": 30}));
    let anna = site.portal.session_of(&site.customer).await;
    let (status, _, _) = site
        .portal
        .call(
            Method::PUT,
            "/form-settings",
            &anna,
            Some(json!({"retentionDays": 1})),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "staff only");
    site.submit(&form, "message=old").await;
    let (_, list) = site.api(Method::GET, "/form-entries", None).await;
    let id = list["items"][0]["id"].as_str().unwrap().to_owned();
    let expires: chrono::DateTime<chrono::Utc> = list["items"][0]["expiresAt"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let received: chrono::DateTime<chrono::Utc> = list["items"][0]["receivedAt"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(expires - received, Duration::days(30));

    site.portal.clock.advance(Duration::days(30));
    let (_, list) = site.api(Method::GET, "/form-entries", None).await;
    assert_eq!(list["items"], json!([]));
    let (status, _) = site
        .api(Method::GET, &format!("/form-entries/{id}"), None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = site
        .api(
            Method::PATCH,
            &format!("/form-entries/{id}"),
            Some(json!({"read": true})),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let csv = testkit::oneshot(
        &site.portal.router,
        Method::GET,
        &format!("/form-entries/csv?customerId={}", site.customer.id),
        None,
        &[("authorization", &format!("Bearer {}", site.agency.key))],
    )
    .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(!csv.text.contains("old"), "{}", csv.text);
}

async fn entries_kept_longer_go_as_soon_as_the_agency_shortens_its_retention() {
    let site = Site::new().await;
    let form = site.form(json!({"recipients": []})).await;
    site.submit(&form, "message=kept+a+year").await;
    let (_, list) = site.api(Method::GET, "/form-entries", None).await;
    let id = list["items"][0]["id"].as_str().unwrap().to_owned();
    site.portal.clock.advance(Duration::days(40));
    site.submit(&form, "message=recent").await;
    let (_, list) = site.api(Method::GET, "/form-entries", None).await;
    assert_eq!(
        list["items"].as_array().unwrap().len(),
        2,
        "365 days by default"
    );

    let (status, _, _) = site
        .portal
        .call(
            Method::PUT,
            "/form-settings",
            &site.agency.key,
            Some(json!({"retentionDays": 30})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    // Stored with a year's ttl, but 40 days old: past the retention the agency set now.
    let (_, list) = site.api(Method::GET, "/form-entries", None).await;
    let messages: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["fields"][0]["value"].as_str().unwrap())
        .collect();
    assert_eq!(messages, ["recent"]);
    let (status, _) = site
        .api(Method::GET, &format!("/form-entries/{id}"), None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = site
        .api(
            Method::PATCH,
            &format!("/form-entries/{id}"),
            Some(json!({"read": true})),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let csv = testkit::oneshot(
        &site.portal.router,
        Method::GET,
        &format!("/form-entries/csv?customerId={}", site.customer.id),
        None,
        &[("authorization", &format!("Bearer {}", site.agency.key))],
    )
    .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(!csv.text.contains("kept a year"), "{}", csv.text);
    assert!(csv.text.contains("recent"), "{}", csv.text);
}

async fn the_csv_quotes_neutralises_formulas_and_has_one_column_per_field_name() {
    let site = Site::new().await;
    let form = site.form(json!({"recipients": []})).await;
    let first = serde_urlencoded::to_string([
        ("name", "Müller, Anna"),
        ("message", "Sie sagte \"Hallo\"\r\nZeile 2"),
        ("topic", "a"),
        ("topic", "b"),
    ])
    .unwrap();
    site.submit(&form, &first).await;
    site.portal.clock.advance(Duration::seconds(1));
    let formulas = serde_urlencoded::to_string([
        ("name", "=HYPERLINK(\"http://evil.example\",\"x\")"),
        ("phone", "+49 30 1234"),
        ("amount", "-1+1"),
        ("handle", "@SUM(A1)"),
        ("tab", "\tTAB"),
        ("cr", "\rCR"),
        ("emoji", "🙂 ok"),
        ("semicolon", "Brot;=HYPERLINK(\"http://evil.example\")"),
    ])
    .unwrap();
    site.submit(&form, &formulas).await;

    let answer = testkit::oneshot(
        &site.portal.router,
        Method::GET,
        &format!("/form-entries/csv?customerId={}", site.customer.id),
        None,
        &[("authorization", &format!("Bearer {}", site.agency.key))],
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    assert_eq!(answer.headers["content-type"], "text/csv; charset=utf-8");
    assert!(
        answer.headers["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment;")
    );
    let text = answer
        .text
        .strip_prefix('\u{FEFF}')
        .expect("a byte order mark first");

    let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(
        header,
        [
            "receivedAt",
            "form",
            "name",
            "phone",
            "amount",
            "handle",
            "tab",
            "cr",
            "emoji",
            "semicolon",
            "message",
            "topic"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2);
    let cell = |row: usize, column: &str| {
        let at = header.iter().position(|h| h == column).unwrap();
        rows[row][at].to_owned()
    };
    // Newest first.
    assert_eq!(
        cell(0, "name"),
        "'=HYPERLINK(\"http://evil.example\",\"x\")"
    );
    assert_eq!(cell(0, "phone"), "'+49 30 1234");
    assert_eq!(cell(0, "amount"), "'-1+1");
    assert_eq!(cell(0, "handle"), "'@SUM(A1)");
    assert_eq!(cell(0, "tab"), "'\tTAB");
    assert_eq!(cell(0, "cr"), "'\rCR");
    assert_eq!(cell(0, "emoji"), "🙂 ok");
    assert_eq!(
        cell(0, "semicolon"),
        "Brot;'=HYPERLINK(\"http://evil.example\")"
    );
    assert_eq!(cell(0, "message"), "");
    assert_eq!(cell(1, "name"), "Müller, Anna");
    assert_eq!(cell(1, "message"), "Sie sagte \"Hallo\"\r\nZeile 2");
    assert_eq!(cell(1, "topic"), "a, b");
    assert_eq!(cell(1, "form"), "Kontakt");
    assert_eq!(cell(1, "phone"), "");
    // Excel in a German locale splits a .csv on semicolons: no part it makes may start a
    // formula either.
    let mut split_on_semicolons = csv::ReaderBuilder::new()
        .delimiter(b';')
        .flexible(true)
        .has_headers(false)
        .from_reader(text.as_bytes());
    for record in split_on_semicolons.records() {
        let record = record.unwrap();
        for part in record.iter() {
            assert!(
                !part.starts_with(['=', '+', '-', '@']),
                "a part a spreadsheet splitting on ';' runs as a formula: {part:?}"
            );
        }
    }
}

/// A mailer whose first `failures` sends SES refuses, then delivered to the outbox.
struct Flaky {
    failures: AtomicUsize,
    outbox: Arc<Outbox>,
}

#[async_trait]
impl Mailer for Flaky {
    async fn send_email(&self, email: &OutgoingEmail) -> Result<String, DeliveryError> {
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

async fn a_failed_notification_keeps_the_entry_is_recorded_and_can_be_resent() {
    let mut portal = Portal::new().await;
    let outbox = Arc::new(Outbox::in_memory());
    let flaky = Arc::new(Flaky {
        failures: AtomicUsize::new(1),
        outbox: outbox.clone(),
    });
    let mut all = AppState::from_store(portal.store.clone());
    all.clock = portal.clock.clone();
    portal.state = forms::FormsState::new(all, flaky, Arc::new(NoCheck));
    portal.router = forms::router(portal.state.clone());
    portal.outbox = outbox;
    let site = Site::with(portal).await;
    let form = site
        .form(json!({"recipients": ["info@kunde.example"]}))
        .await;
    site.submit(&form, "email=ada%40visitor.example&message=hi")
        .await;

    let entry = site.settled().await;
    assert_eq!(entry.email_state, portal::domain::EmailState::Failed);
    assert!(site.portal.outbox.messages().unwrap().is_empty());

    let (status, resent) = site
        .api(
            Method::POST,
            &format!("/form-entries/{}/notification", entry.id),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{resent}");
    assert_eq!(resent["emailState"], "sent");
    assert_eq!(resent["emailAttempts"], 2);
    let emails = site.portal.outbox.messages().unwrap();
    assert_eq!(emails.len(), 1);
    assert_eq!(emails[0].reply_to.as_deref(), Some("ada@visitor.example"));
}

both_backends!(
    entries_list_newest_first_in_pages_filtered_by_form_and_dates,
    entries_are_marked_read_and_unread_and_deleted_by_their_customer_only,
    entries_past_the_agencys_retention_are_gone_from_every_read,
    entries_kept_longer_go_as_soon_as_the_agency_shortens_its_retention,
    the_csv_quotes_neutralises_formulas_and_has_one_column_per_field_name,
    a_failed_notification_keeps_the_entry_is_recorded_and_can_be_resent,
);
