//! How many table round trips each account, invitation and customer route waits for, one
//! after another. Every table call is held for a fixed pace before it runs, so calls a route
//! makes at once overlap for sure and calls it makes one after another never do: the count
//! depends on the code's order of reads and writes, not on the machine's speed. It is the
//! same count the benchmark's proxy makes against moto (`bench/src/proxy.rs`), without moto,
//! so a route that goes back to reading one record after another fails here in CI.

use axum::http::Method;
use portal_tests::rounds::{Answer, HOST, Portal, json_body};
use serde_json::json;

const PASSWORD: &str = "Kuchen-und-Brot-2026!";

/// The portal with one agency, and its key.
async fn portal() -> (Portal, String) {
    let p = Portal::new();
    let agency = p.agency("Rounds Agency", HOST, "rounds").await;
    (p, agency.key)
}

#[tokio::test]
async fn each_route_waits_for_no_more_round_trips_than_its_reads_and_writes_depend_on() {
    let (p, key) = portal().await;
    let key = Some(key.as_str());
    // (what, measured, allowed): every route is measured before any is judged, so a failure
    // shows them all.
    let mut seen: Vec<(&str, usize, usize)> = Vec::new();

    let Answer {
        status,
        body: customer,
        rounds,
        ..
    } = p
        .call(
            Method::POST,
            "/customers",
            key,
            json_body(
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

    let Answer {
        status,
        body,
        rounds,
        ..
    } = p
        .call(
            Method::POST,
            &format!("/customers/{id}/invitations"),
            key,
            json_body(json!({"channels": ["email"], "area": "files"})),
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

    let Answer {
        status,
        body,
        rounds,
        ..
    } = p
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

    let Answer {
        status,
        body: link,
        rounds,
        ..
    } = p
        .call(
            Method::POST,
            &format!("/customers/{id}/invitation-link"),
            key,
            json_body(json!({"area": "wishes"})),
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

    let Answer {
        status,
        body,
        rounds,
        ..
    } = p
        .call(
            Method::POST,
            "/invitations/accept",
            None,
            json_body(json!({"token": token, "password": PASSWORD})),
            &[],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    seen.push((
        "set password: the token; what it names; one transaction",
        rounds,
        3,
    ));

    let Answer {
        status,
        body: login,
        rounds,
        ..
    } = p
        .call(
            Method::POST,
            "/login",
            None,
            json_body(json!({"email": "anna@baeckerei.example", "password": PASSWORD})),
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
        let Answer {
            status,
            body,
            rounds,
            ..
        } = p
            .call(
                Method::POST,
                "/login",
                None,
                json_body(json!({"email": email, "password": "falsch-falsch-falsch-1"})),
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

    let Answer {
        status,
        body,
        rounds,
        ..
    } = p.call(Method::GET, "/me", Some(&session), None, &[]).await;
    assert_eq!(status, 200, "{body}");
    seen.push((
        "my data: the session; its account, the customer and the agency",
        rounds,
        2,
    ));

    let Answer {
        status,
        body,
        rounds,
        ..
    } = p
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
