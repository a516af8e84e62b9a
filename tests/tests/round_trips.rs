//! How many table round trips each account, invitation and customer route waits for, one
//! after another. Every table call is held for a fixed pace before it runs, so calls a route
//! makes at once overlap for sure and calls it makes one after another never do: the count
//! depends on the code's order of reads and writes, not on the machine's speed. It is the
//! same count the benchmark's proxy makes against moto (`bench/src/proxy.rs`), without moto,
//! so a route that goes back to reading one record after another fails here in CI.

use std::sync::Arc;

use axum::{Router, http::Method};
use portal::{domain::NewTenant, store::ItemStore};
use portal_infra::backend::Services;
use portal_tests::paced::PacedTable;
use serde_json::{Value, json};
use testkit::{agency, oneshot};

const HOST: &str = "portal.rounds.example";
const PASSWORD: &str = "Kuchen-und-Brot-2026!";

struct Portal {
    app: Router,
    table: Arc<PacedTable>,
    key: String,
}

async fn portal() -> Portal {
    let table = Arc::new(PacedTable::in_memory());
    let mut services = Services::in_memory();
    services.store = Arc::new(ItemStore::new(table.clone()));
    let agency = agency(
        services.store.as_ref(),
        &NewTenant {
            name: "Rounds Agency".into(),
            portal_base_url: format!("https://{HOST}"),
            sender_email: "portal@rounds.example".into(),
            default_language: "de".into(),
            tier: "professional".into(),
        },
        "rounds",
    )
    .await;
    table.round_trips();
    Portal {
        app: portal_infra::app(&services),
        table,
        key: agency.key,
    }
}

impl Portal {
    /// Sends the request and answers its status, body and round trips.
    async fn call(
        &self,
        method: Method,
        path: &str,
        bearer: Option<&str>,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> (u16, Value, usize) {
        let auth = bearer.map(|b| format!("Bearer {b}"));
        let mut all: Vec<(&str, &str)> = Vec::new();
        if !headers.iter().any(|(name, _)| *name == "host") {
            all.push(("host", HOST));
        }
        if let Some(auth) = &auth {
            all.push(("authorization", auth));
        }
        all.extend_from_slice(headers);
        self.table.round_trips();
        let answer = oneshot(
            &self.app,
            method,
            path,
            body.map(|b| ("application/json", b.to_string())),
            &all,
        )
        .await;
        let rounds = self.table.round_trips();
        (answer.status.as_u16(), answer.json(), rounds)
    }
}

#[tokio::test]
async fn each_route_waits_for_no_more_round_trips_than_its_reads_and_writes_depend_on() {
    let p = portal().await;
    let key = Some(p.key.as_str());
    // (what, measured, allowed): every route is measured before any is judged, so a failure
    // shows them all.
    let mut seen: Vec<(&str, usize, usize)> = Vec::new();

    let (status, customer, rounds) = p
        .call(
            Method::POST,
            "/customers",
            key,
            Some(
                json!({"companyName": "Bäckerei Schmidt GmbH", "language": "de",
                "loginEmail": "anna@baeckerei.example", "mobile": "+4915123456789"}),
            ),
            &[],
        )
        .await;
    assert_eq!(status, 201, "{customer}");
    seen.push((
        "create customer: the key; the customer and its login claim",
        rounds,
        2,
    ));
    let id = customer["id"].as_str().expect("an id").to_owned();

    let (status, body, rounds) = p
        .call(
            Method::POST,
            &format!("/customers/{id}/invitations"),
            key,
            Some(json!({"channels": ["email"], "area": "files"})),
            &[("idempotency-key", "rounds-1")],
        )
        .await;
    assert_eq!(status, 201, "{body}");
    seen.push((
        "send invitation: the key; the claim with the customer, the agency, its templates and \
         the invitations; the invitation; after the message, its delivery; the idempotency record",
        rounds,
        5,
    ));

    let (status, body, rounds) = p
        .call(
            Method::GET,
            &format!("/customers/{id}/invitations"),
            key,
            None,
            &[],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    seen.push((
        "list invitations: the key; the customer and its invitations",
        rounds,
        2,
    ));

    let (status, link, rounds) = p
        .call(
            Method::POST,
            &format!("/customers/{id}/invitation-link"),
            key,
            Some(json!({"area": "wishes"})),
            &[],
        )
        .await;
    assert_eq!(status, 201, "{link}");
    seen.push((
        "copy link: the key; the customer, the agency and the invitations; the invitation",
        rounds,
        3,
    ));
    let token = link["invitationLink"]
        .as_str()
        .and_then(|l| l.rsplit('/').next())
        .expect("a link")
        .to_owned();

    let (status, body, rounds) = p
        .call(
            Method::POST,
            "/invitations/accept",
            None,
            Some(json!({"token": token, "password": PASSWORD})),
            &[],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    seen.push((
        "set password: the token; what it names; one transaction",
        rounds,
        3,
    ));

    let (status, login, rounds) = p
        .call(
            Method::POST,
            "/login",
            None,
            Some(json!({"email": "anna@baeckerei.example", "password": PASSWORD})),
            &[],
        )
        .await;
    assert_eq!(status, 200, "{login}");
    seen.push((
        "login: the counters, the login claim and the portal address; the account (and the \
         address's agency); the session, the counters taken back and the login recorded",
        rounds,
        3,
    ));
    let session = login["sessionToken"]
        .as_str()
        .expect("a session")
        .to_owned();

    // A wrong password for an email with an account and any password for one without wait
    // for the same reads: the time of the answer doesn't tell which emails have an account.
    // (Asked at an address no agency has, whose lookup is one read: at the portal's own
    // address, the agency's lookup takes as long as the account's and would hide it.)
    let mut waits = Vec::new();
    for email in ["anna@baeckerei.example", "niemand@baeckerei.example"] {
        let (status, body, rounds) = p
            .call(
                Method::POST,
                "/login",
                None,
                Some(json!({"email": email, "password": "falsch-falsch-falsch-1"})),
                &[("host", "unbekannt.example")],
            )
            .await;
        assert_eq!(status, 401, "{email}: {body}");
        waits.push(rounds);
    }
    assert_eq!(
        waits[0], waits[1],
        "round trips of a wrong password with and without an account"
    );

    let (status, body, rounds) = p.call(Method::GET, "/me", Some(&session), None, &[]).await;
    assert_eq!(status, 200, "{body}");
    seen.push((
        "my data: the session; its account, the customer and the agency",
        rounds,
        2,
    ));

    let (status, body, rounds) = p
        .call(
            Method::GET,
            &format!("/customers/{id}/status"),
            key,
            None,
            &[],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    seen.push(("status: the key; the customer and its history", rounds, 2));
    let over: Vec<_> = seen
        .iter()
        .filter(|(_, rounds, allowed)| rounds != allowed)
        .collect();
    assert!(
        over.is_empty(),
        "round trips (what, measured, expected): {over:#?}"
    );
}
