//! The form entries page driven with `oneshot`: the customer's session, their language,
//! the buttons with their CSRF token, and nobody else's entries.

mod support;

use std::sync::Arc;

use axum::http::{Method, StatusCode, header};
use chrono::{DateTime, Utc};
use portal::{
    domain::{SessionRecord, TokenHash},
    ports::{SessionStore, StoreError},
};
use serde_json::json;
use support::{FORM, SITE, Site};

async fn page(site: &Site, cookie: &str, path: &str) -> testkit::Answer {
    testkit::oneshot(
        &site.portal.router,
        Method::GET,
        path,
        None,
        &[("cookie", cookie)],
    )
    .await
}

async fn the_page_shows_the_customers_entries_in_their_language_and_its_buttons_work() {
    let site = Site::new().await;
    let form = site.form(json!({"recipients": []})).await;
    let answer = site
        .post(
            &form,
            FORM,
            "name=Ada&message=%3Cb%3Ehallo%3C%2Fb%3E",
            &[("origin", SITE)],
        )
        .await;
    assert!(answer.status.is_success());
    let token = site.portal.session_of(&site.customer).await;
    let cookie = format!("portal_session={token}");

    let answer = page(&site, &cookie, "/entries").await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    // The customer speaks French (see support::Portal::customer).
    assert!(answer.text.contains("<html lang=\"fr\">"));
    assert!(answer.text.contains("Entrées de formulaire"));
    assert!(answer.text.contains("Nouveau"), "the new entry is marked");
    assert!(
        answer.text.contains("&lt;b&gt;hallo&lt;&#x2f;b&gt;"),
        "{}",
        answer.text
    );
    let entry = site.entries().await[0].id;

    let session = site
        .portal
        .store
        .get_session(&portal::domain::LinkToken::from_presented(&token).hash())
        .await
        .unwrap()
        .unwrap();
    let post = |path: String, body: String| {
        let cookie = cookie.clone();
        let router = site.portal.router.clone();
        async move {
            testkit::oneshot(
                &router,
                Method::POST,
                &path,
                Some((FORM, body)),
                &[("cookie", &cookie)],
            )
            .await
        }
    };
    let forged = post(
        format!("/entries/{entry}/read"),
        "read=true&back=%2Fentries".into(),
    )
    .await;
    assert_eq!(
        forged.status,
        StatusCode::FORBIDDEN,
        "no CSRF token, no change"
    );

    let read = post(
        format!("/entries/{entry}/read"),
        format!(
            "read=true&back=https%3A%2F%2Fevil.example&csrf={}",
            session.csrf
        ),
    )
    .await;
    assert_eq!(read.status, StatusCode::SEE_OTHER);
    assert_eq!(
        read.headers[header::LOCATION],
        "/entries",
        "never back to elsewhere"
    );
    let answer = page(&site, &cookie, "/entries").await;
    assert!(!answer.text.contains("Nouveau"), "read now");

    let deleted = post(
        format!("/entries/{entry}/delete"),
        format!("back=%2Fentries&csrf={}", session.csrf),
    )
    .await;
    assert_eq!(deleted.status, StatusCode::SEE_OTHER);
    assert_eq!(deleted.headers[header::LOCATION], "/entries?notice=deleted");
    let answer = page(&site, &cookie, "/entries?notice=deleted").await;
    assert!(answer.text.contains("L’entrée a été supprimée."));
    assert!(answer.text.contains("Aucune entrée."));
}

async fn without_a_session_the_page_asks_to_log_in_and_another_customers_entry_is_not_found() {
    let site = Site::new().await;
    let answer = page(&site, "portal_session=nonsense", "/entries").await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert_eq!(answer.headers[header::LOCATION], "/login?next=%2Fentries");

    let form = site.form(json!({"recipients": []})).await;
    site.post(&form, FORM, "message=hi", &[("origin", SITE)])
        .await;
    let entry = site.entries().await[0].id;
    let ben = site
        .portal
        .customer(site.agency.tenant, "ben@kunde.example")
        .await;
    let token = site.portal.session_of(&ben).await;
    let session = site
        .portal
        .store
        .get_session(&portal::domain::LinkToken::from_presented(&token).hash())
        .await
        .unwrap()
        .unwrap();
    let answer = testkit::oneshot(
        &site.portal.router,
        Method::POST,
        &format!("/entries/{entry}/delete"),
        Some((FORM, format!("csrf={}", session.csrf))),
        &[("cookie", &format!("portal_session={token}"))],
    )
    .await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    let answer = page(&site, &format!("portal_session={token}"), "/entries").await;
    assert!(
        !answer.text.contains(&entry.to_string()),
        "Ben sees none of Anna's entries"
    );
    assert_eq!(site.entries().await.len(), 1);
}

both_backends!(
    the_page_shows_the_customers_entries_in_their_language_and_its_buttons_work,
    without_a_session_the_page_asks_to_log_in_and_another_customers_entry_is_not_found,
);

/// A session store that can't be reached: every read fails.
struct DownSessions;

#[async_trait::async_trait]
impl SessionStore for DownSessions {
    async fn put_session(&self, _: &SessionRecord) -> Result<(), StoreError> {
        Err(down())
    }
    async fn get_session(&self, _: &TokenHash) -> Result<Option<SessionRecord>, StoreError> {
        Err(down())
    }
    async fn touch_session(&self, _: &TokenHash, _: DateTime<Utc>) -> Result<(), StoreError> {
        Err(down())
    }
    async fn delete_session(&self, _: &TokenHash) -> Result<(), StoreError> {
        Err(down())
    }
}

fn down() -> StoreError {
    StoreError::Unexpected(anyhow::anyhow!("the table can't be reached"))
}

/// Only a missing or expired session sends the customer to log in: when the session can't
/// be read, logging in again would not help (and would lose where they were going), so the
/// page answers a server error as every other page does.
#[tokio::test]
async fn a_session_that_cannot_be_read_is_a_server_error_not_a_login() {
    let site = Site::new().await;
    let token = site.portal.session_of(&site.customer).await;
    let mut state = site.portal.state.clone();
    state.sessions = Arc::new(DownSessions);
    let router = forms::router(state);

    let answer = testkit::oneshot(
        &router,
        Method::GET,
        "/entries",
        None,
        &[("cookie", &format!("portal_session={token}"))],
    )
    .await;
    assert_eq!(
        answer.status,
        StatusCode::INTERNAL_SERVER_ERROR,
        "{:?} {}",
        answer.headers.get(header::LOCATION),
        answer.text
    );
    assert!(answer.headers.get(header::LOCATION).is_none());

    let answer = testkit::oneshot(&router, Method::GET, "/entries", None, &[]).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.text);
    assert_eq!(
        answer
            .headers
            .get(header::LOCATION)
            .and_then(|l| l.to_str().ok()),
        Some("/login?next=%2Fentries")
    );
}
