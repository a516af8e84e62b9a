//! How many table round trips the files page waits for, one after another, for a customer
//! and for staff: everything it shows is keyed by the session's agency and the customer, so
//! more files (and more direct links) must not mean more round trips.

use axum::http::Method;
use portal::domain::{Language, Uploader};
use portal_tests::rounds::{Answer, HOST, Portal, json_body};
use serde_json::json;

#[tokio::test]
async fn the_files_page_reads_everything_it_shows_at_once_however_many_files_and_links() {
    let p = Portal::new();
    let agency = p.agency("Rounds Agency", HOST, "rounds").await;
    let tenant = agency.tenant.id;
    let (customer, session) = p.customer(tenant, "anna@rounds.example").await;
    let (_, staff) = testkit::staff_session(
        p.store.as_ref(),
        tenant,
        "jonas@rounds.example",
        Language::De,
    )
    .await;
    for n in 0..3 {
        let file = p
            .available_file(
                tenant,
                customer,
                &format!("Plan {n}.pdf"),
                Uploader::Customer,
            )
            .await;
        let made = p
            .call(
                Method::POST,
                &format!("/files/{file}/links"),
                Some(&agency.key),
                json_body(json!({"customerId": customer.to_string(), "expiresInDays": 7})),
                &[],
            )
            .await;
        assert_eq!(made.status, 201, "{}", made.body);
    }
    let html = [("accept", "text/html")];

    let mine = p
        .call(Method::GET, "/files/page", Some(&session), None, &html)
        .await;
    let theirs = p
        .call(
            Method::GET,
            &format!("/files/page?customerId={customer}"),
            Some(&staff),
            None,
            &html,
        )
        .await;

    assert_eq!((mine.status, theirs.status), (200, 200));
    let seen = [
        (
            "the customer's page: the session; its account; the agency, the customer, the \
             files, the folders and the upload rules; the visit noted (only once the customer \
             is found)",
            mine.rounds,
            4,
        ),
        (
            "staff's page of a customer: the session; its account; the staff user, the \
             agency, the customer (the check of the named id), the files, the folders and the \
             upload rules; every listed file's direct links",
            theirs.rounds,
            4,
        ),
    ];
    let over: Vec<_> = seen
        .iter()
        .filter(|(_, measured, allowed)| measured > allowed)
        .collect();
    assert!(over.is_empty(), "over (what, measured, allowed): {over:#?}");
}

/// Staff naming another agency's customer: a 404 as for one that doesn't exist, and nothing
/// of that customer's is read (the page's reads are keyed by the session's own agency).
#[tokio::test]
async fn staff_naming_another_agencys_customer_are_refused_and_read_none_of_their_files() {
    let p = Portal::new();
    let ours = p.agency("Rounds Agency", HOST, "rounds").await;
    let theirs = p
        .agency("Other Agency", "portal.other.example", "other")
        .await;
    let (their_customer, _) = p.customer(theirs.tenant.id, "bo@other.example").await;
    p.available_file(
        theirs.tenant.id,
        their_customer,
        "Geheim.pdf",
        Uploader::Customer,
    )
    .await;
    let (_, staff) = testkit::staff_session(
        p.store.as_ref(),
        ours.tenant.id,
        "jonas@rounds.example",
        Language::De,
    )
    .await;
    let their_agency = theirs.tenant.id.to_string();
    p.table.reached();

    let Answer { status, .. } = p
        .call(
            Method::GET,
            &format!("/files/page?customerId={their_customer}"),
            Some(&staff),
            None,
            &[("accept", "text/html")],
        )
        .await;

    assert_eq!(status, 404);
    let reached = p.table.reached();
    assert!(!reached.is_empty(), "the page read nothing at all");
    assert!(
        !reached.iter().any(|pk| pk.contains(&their_agency)),
        "the page read the other agency's partitions: {reached:#?}"
    );
}
