//! Two sends to one customer at the same moment. Each reads what is open before either writes
//! (the paced table holds every call, so the two requests move in step): the second to write
//! must see the first's invitation and supersede it, or lose and say so, but never leave two
//! links that both set the password.

use std::sync::Arc;

use axum::{Router, http::Method};
use portal::{domain::NewTenant, store::ItemStore};
use portal_infra::backend::Services;
use portal_tests::paced::PacedTable;
use serde_json::{Value, json};
use testkit::{agency, oneshot};

const HOST: &str = "portal.race.example";

async fn call(
    app: &Router,
    key: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let auth = format!("Bearer {key}");
    let idempotency = ulid::Ulid::new().to_string();
    let headers = [
        ("host", HOST),
        ("authorization", auth.as_str()),
        ("idempotency-key", idempotency.as_str()),
    ];
    let answer = oneshot(
        app,
        method,
        path,
        body.map(|b| ("application/json", b.to_string())),
        &headers,
    )
    .await;
    (answer.status.as_u16(), answer.json())
}

#[tokio::test]
async fn two_first_sends_at_once_leave_exactly_one_open_invitation() {
    let table = Arc::new(PacedTable::in_memory());
    let mut services = Services::in_memory();
    services.store = Arc::new(ItemStore::new(table.clone()));
    let agency = agency(
        services.store.as_ref(),
        &NewTenant {
            name: "Race Agency".into(),
            portal_base_url: format!("https://{HOST}"),
            sender_email: "portal@race.example".into(),
            default_language: "en".into(),
            tier: "professional".into(),
        },
        "race",
    )
    .await;
    let app = portal_infra::app(&services);
    let (status, customer) = call(
        &app,
        &agency.key,
        Method::POST,
        "/customers",
        Some(json!({"companyName": "Race Ltd", "language": "en",
            "loginEmail": "first@race.example"})),
    )
    .await;
    assert_eq!(status, 201, "{customer}");
    let path = format!(
        "/customers/{}/invitations",
        customer["id"].as_str().unwrap()
    );

    let send = || call(&app, &agency.key, Method::POST, &path, Some(json!({})));
    let (first, second) = tokio::join!(send(), send());

    for (status, body) in [&first, &second] {
        assert!(
            *status == 201 || *status == 409,
            "each send is stored (and may supersede the other) or loses with 409: {status} {body}"
        );
    }
    let (status, listed) = call(&app, &agency.key, Method::GET, &path, None).await;
    assert_eq!(status, 200, "{listed}");
    let states: Vec<&str> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["state"].as_str().unwrap())
        .collect();
    let open = states
        .iter()
        .filter(|s| ["pending", "sent", "failed"].contains(s))
        .count();
    assert_eq!(open, 1, "exactly one link stays usable: {states:?}");
}
