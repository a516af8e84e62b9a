//! How many table round trips the wishes, files, forms and feedback routes wait for, one
//! after another, on a table that paces every call (`portal_tests::paced`): reads that don't
//! depend on each other must go out at once. The benchmark measures the same against moto
//! (bench/scenarios.json names each route's minimum and what it is made of).

use axum::http::Method;
use portal::domain::{CustomerId, Uploader};
use portal_tests::rounds::{HOST, Portal, json_body};
use serde_json::json;
use testkit::Agency;

const SITE: &str = "https://entwurf.rounds.example";

#[tokio::test]
async fn wishes_files_forms_and_feedback_routes_read_at_once_what_does_not_depend_on_each_other() {
    let p = Portal::new();
    let agency = p.agency("Rounds Agency", HOST, "rounds").await;
    let (customer, session) = p.customer(agency.tenant.id, "anna@rounds.example").await;
    let key = agency.key.as_str();
    // (route and what its round trips are, measured, allowed): every route is measured
    // before any is judged, so a failure shows them all.
    let mut seen: Vec<(&str, usize, usize)> = Vec::new();

    let a = p
        .call(
            Method::PUT,
            "/me/wishes",
            Some(&session),
            json_body(json!({"version": 0, "brief": {"tone": "warm"}})),
            &[],
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    seen.push((
        "PUT /me/wishes: the session; its account; the draft written over its version",
        a.rounds,
        3,
    ));

    let a = p
        .call(Method::GET, "/me/wishes", Some(&session), None, &[])
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.body["brief"]["tone"], "warm", "{}", a.body);
    seen.push((
        "GET /me/wishes: the session; its account and the draft at once",
        a.rounds,
        2,
    ));

    let a = p
        .call(
            Method::POST,
            "/files/uploads",
            Some(key),
            json_body(
                json!({"customerId": customer.to_string(), "filename": "Angebot.pdf",
                "contentType": "application/pdf", "size": 48213}),
            ),
            &[],
        )
        .await;
    assert_eq!(a.status, 201, "{}", a.body);
    seen.push((
        "POST /files/uploads: the key; the customer and the upload rules; the file with its usage",
        a.rounds,
        3,
    ));

    let a = p
        .call(
            Method::GET,
            &format!("/files?customerId={customer}"),
            Some(key),
            None,
            &[],
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    seen.push((
        "GET /files: the key; the customer, its files and its folders",
        a.rounds,
        2,
    ));

    let a = p
        .call(
            Method::POST,
            &format!("/forms?customerId={customer}"),
            Some(key),
            json_body(json!({"name": "Kontakt", "recipients": ["info@rounds.example"]})),
            &[],
        )
        .await;
    assert_eq!(a.status, 201, "{}", a.body);
    seen.push((
        "POST /forms: the key; the customer and the agency; the form",
        a.rounds,
        3,
    ));

    for path in ["/form-entries", "/form-entries/csv"] {
        let a = p
            .call(
                Method::GET,
                &format!("{path}?customerId={customer}"),
                Some(key),
                None,
                &[],
            )
            .await;
        assert_eq!(a.status, 200, "{path}: {}", a.body);
        seen.push((
            if path == "/form-entries" {
                "GET /form-entries: the key; the customer, the agency and the entries"
            } else {
                "GET /form-entries/csv: the key; the customer, the agency, the forms and the entries"
            },
            a.rounds,
            2,
        ));
    }

    let a = p
        .call(
            Method::PUT,
            &format!("/customers/{customer}/status"),
            Some(key),
            json_body(json!({"status": "feedback"})),
            &[],
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    let a = p
        .call(
            Method::PUT,
            &format!("/feedback/site?customerId={customer}"),
            Some(key),
            json_body(json!({"draftUrl": format!("{SITE}/")})),
            &[],
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    let a = p
        .call(
            Method::POST,
            "/feedback/open",
            Some(&session),
            Some((
                "application/x-www-form-urlencoded",
                "page=https%3A%2F%2Fentwurf.rounds.example%2Fbrot".into(),
            )),
            &[],
        )
        .await;
    assert_eq!(a.status, 303, "{}", a.body);
    seen.push((
        "POST /feedback/open: the session; its account; the customer and the site; the token",
        a.rounds,
        4,
    ));
    let token = a
        .location
        .split_once("#portal-feedback=")
        .map(|(_, t)| t.split('&').next().unwrap_or_default().to_owned())
        .expect("a token in the fragment");

    let a = p
        .call(
            Method::POST,
            "/feedback/overlay/items",
            Some(&token),
            json_body(
                json!({"pageUrl": format!("{SITE}/brot"), "selector": "main > h1",
                "position": {"x": 0.5, "y": 0.25}, "viewport": {"width": 1280, "height": 800},
                "comment": "Bitte das Roggenbrot zuerst."}),
            ),
            &[("origin", SITE)],
        )
        .await;
    assert_eq!(a.status, 201, "{}", a.body);
    seen.push((
        "POST /feedback/overlay/items: the token; the customer, the site, the page's count and \
         the item numbers; the item",
        a.rounds,
        3,
    ));
    let item = a.body["itemId"].as_str().expect("an item id").to_owned();

    let a = p
        .call(
            Method::GET,
            &format!("/feedback/items?customerId={customer}"),
            Some(key),
            None,
            &[],
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(
        a.body["items"].as_array().map(Vec::len),
        Some(1),
        "the list holds the new item: {}",
        a.body
    );
    seen.push((
        "GET /feedback/items: the key; the customer and its items",
        a.rounds,
        2,
    ));

    let a = p
        .call(
            Method::POST,
            &format!("/feedback/items/{item}/replies?customerId={customer}"),
            Some(key),
            json_body(json!({"text": "Machen wir."})),
            &[],
        )
        .await;
    assert_eq!(a.status, 201, "{}", a.body);
    assert_eq!(
        a.body["replies"].as_array().map(Vec::len),
        Some(1),
        "the answer holds the new reply: {}",
        a.body
    );
    seen.push((
        "POST /feedback/items/{id}/replies: the key; the customer, the agency (the author), the \
         item and its thread; the reply",
        a.rounds,
        3,
    ));

    // An attached file is read beside the rest, too (last: the list reads an item's files
    // once it has the item, one round trip more).
    let plan = p
        .available_file(
            agency.tenant.id,
            customer,
            "Lageplan.pdf",
            Uploader::Customer,
        )
        .await;
    let a = p
        .call(
            Method::POST,
            "/feedback/overlay/items",
            Some(&token),
            json_body(
                json!({"pageUrl": format!("{SITE}/brot"), "selector": "main > p",
                "position": {"x": 0.5, "y": 0.5}, "viewport": {"width": 1280, "height": 800},
                "comment": "Der Lageplan dazu.", "attachments": [plan.to_string()]}),
            ),
            &[("origin", SITE)],
        )
        .await;
    assert_eq!(a.status, 201, "{}", a.body);
    assert_eq!(
        a.body["attachmentFiles"][0]["state"], "available",
        "{}",
        a.body
    );
    seen.push((
        "POST /feedback/overlay/items with a file: the token; the customer, the site, the \
         page's count, the item numbers and the file; the item",
        a.rounds,
        3,
    ));
    let with_file = a.body["itemId"].as_str().expect("an item id").to_owned();
    let a = p
        .call(
            Method::POST,
            &format!("/feedback/items/{with_file}/replies?customerId={customer}"),
            Some(key),
            json_body(json!({"text": "Danke, liegt vor."})),
            &[],
        )
        .await;
    assert_eq!(a.status, 201, "{}", a.body);
    assert_eq!(
        a.body["attachmentFiles"][0]["name"], "Lageplan.pdf",
        "{}",
        a.body
    );
    seen.push((
        "POST /feedback/items/{id}/replies to an item with a file: the key; the customer, the \
         agency, the item and its thread; the reply and the item's files",
        a.rounds,
        3,
    ));

    let over: Vec<_> = seen
        .iter()
        .filter(|(_, measured, allowed)| measured > allowed)
        .collect();
    assert!(
        over.is_empty(),
        "routes waiting for more round trips than they need (what, measured, allowed): {over:#?}\nall: {seen:#?}"
    );
}

const THEIR_HOST: &str = "portal.other.example";

/// Our agency and another, each with a customer in a live session.
struct Two {
    p: Portal,
    ours: Agency,
    theirs: Agency,
    our_customer: CustomerId,
    our_session: String,
    their_customer: CustomerId,
    their_session: String,
}

async fn two_agencies() -> Two {
    let p = Portal::new();
    let ours = p.agency("Rounds Agency", HOST, "rounds").await;
    let theirs = p.agency("Other Agency", THEIR_HOST, "other").await;
    let (our_customer, our_session) = p.customer(ours.tenant.id, "anna@rounds.example").await;
    let (their_customer, their_session) = p.customer(theirs.tenant.id, "bo@other.example").await;
    Two {
        p,
        ours,
        theirs,
        our_customer,
        our_session,
        their_customer,
        their_session,
    }
}

/// A form's entries are read only once the form is found to be the caller's customer's: its
/// index is keyed by the form id alone, and a form id is public (the intake's address), so
/// reading first and dropping after would let another agency time how many entries a form
/// received (and spend the table's reads on them).
#[tokio::test]
async fn another_agencys_form_id_reads_none_of_its_entries() {
    let Two {
        p,
        ours,
        theirs,
        our_customer,
        their_customer,
        ..
    } = two_agencies().await;
    let a = p
        .call(
            Method::POST,
            &format!("/forms?customerId={their_customer}"),
            Some(&theirs.key),
            json_body(json!({"name": "Kontakt", "recipients": ["info@other.example"]})),
            &[],
        )
        .await;
    assert_eq!(a.status, 201, "{}", a.body);
    let form = a.body["id"].as_str().expect("a form id").to_owned();
    p.table.queried();

    for path in ["/form-entries", "/form-entries/csv"] {
        let a = p
            .call(
                Method::GET,
                &format!("{path}?customerId={our_customer}&formId={form}"),
                Some(&ours.key),
                None,
                &[],
            )
            .await;
        assert_eq!(a.status, 404, "{path}: {}", a.body);
        let queried = p.table.queried();
        assert!(
            !queried.iter().any(|pk| pk.contains(&form)),
            "{path} read the other agency's form entries before refusing: {queried:?}"
        );
    }
}

/// A feedback item of `customer`'s, made as the customer makes one: the token from
/// [`feedback_token`], the item through the overlay. `host` is the customer's agency's
/// portal.
async fn feedback_item(p: &Portal, key: &str, customer: &str, session: &str, host: &str) -> String {
    let token = feedback_token(p, key, customer, session, host).await;
    let a = p
        .call(
            Method::POST,
            "/feedback/overlay/items",
            Some(&token),
            json_body(json!({"pageUrl": format!("{SITE}/"), "selector": "main",
                    "position": {"x": 0.5, "y": 0.5}, "viewport": {"width": 1280, "height": 800},
                    "comment": "Das Logo größer, bitte."})),
            &[("origin", SITE), ("host", host)],
        )
        .await;
    assert_eq!(a.status, 201, "{}", a.body);
    a.body["itemId"].as_str().expect("an item id").to_owned()
}

/// The overlay's token of `customer`, as the customer gets one: the project in feedback, the
/// draft site registered, the token from Give feedback.
async fn feedback_token(
    p: &Portal,
    key: &str,
    customer: &str,
    session: &str,
    host: &str,
) -> String {
    let with_host = [("host", host)];
    let a = p
        .call(
            Method::PUT,
            &format!("/customers/{customer}/status"),
            Some(key),
            json_body(json!({"status": "feedback"})),
            &with_host,
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    let a = p
        .call(
            Method::PUT,
            &format!("/feedback/site?customerId={customer}"),
            Some(key),
            json_body(json!({"draftUrl": format!("{SITE}/")})),
            &with_host,
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    let a = p
        .call(
            Method::POST,
            "/feedback/open",
            Some(session),
            Some((
                "application/x-www-form-urlencoded",
                "page=https%3A%2F%2Fentwurf.rounds.example%2F".into(),
            )),
            &with_host,
        )
        .await;
    assert_eq!(a.status, 303, "{}", a.body);
    a.location
        .split_once("#portal-feedback=")
        .map(|(_, t)| t.split('&').next().unwrap_or_default().to_owned())
        .expect("a token in the fragment")
}

/// The reply and list routes read the item, its thread and the list beside the customer
/// check, keyed by the caller's own agency: another agency's customer and item ids reach
/// nothing of theirs, and are refused after as many round trips as an item that does not
/// exist, so the answer's time does not tell whether it does.
#[tokio::test]
async fn another_agencys_feedback_is_neither_read_nor_told_apart_from_none() {
    let Two {
        p,
        ours,
        theirs,
        our_customer,
        our_session,
        their_customer,
        their_session,
    } = two_agencies().await;
    let ours_item =
        feedback_item(&p, &ours.key, &our_customer.to_string(), &our_session, HOST).await;
    let their_item = feedback_item(
        &p,
        &theirs.key,
        &their_customer.to_string(),
        &their_session,
        THEIR_HOST,
    )
    .await;
    let none = portal::domain::FeedbackItemId::new().to_string();
    p.table.reached();
    let theirs_id = theirs.tenant.id.to_string();

    // (what, status, round trips)
    let mut seen = Vec::new();
    for (what, item, customer) in [
        (
            "their item under their customer",
            &their_item,
            their_customer,
        ),
        ("their item under our customer", &their_item, our_customer),
        ("no item under our customer", &none, our_customer),
        ("our item under their customer", &ours_item, their_customer),
    ] {
        let a = p
            .call(
                Method::POST,
                &format!("/feedback/items/{item}/replies?customerId={customer}"),
                Some(&ours.key),
                json_body(json!({"text": "Gesehen."})),
                &[],
            )
            .await;
        let reached = p.table.reached();
        assert!(
            !reached.iter().any(|pk| pk.contains(&theirs_id)),
            "{what}: the reply read the other agency's records: {reached:?}"
        );
        seen.push((what, a.status, a.rounds));
    }
    let a = p
        .call(
            Method::GET,
            &format!("/feedback/items?customerId={their_customer}"),
            Some(&ours.key),
            None,
            &[],
        )
        .await;
    let reached = p.table.reached();
    assert!(
        !reached.iter().any(|pk| pk.contains(&theirs_id)),
        "the list read the other agency's records: {reached:?}"
    );
    seen.push(("the list of their customer", a.status, a.rounds));

    assert!(
        seen.iter().all(|(_, status, _)| *status == 404),
        "every one is refused as not found: {seen:#?}"
    );
    assert!(
        seen.iter().all(|(_, _, rounds)| *rounds == 2),
        "every refusal waits for the key and one round of reads, as a missing item does: \
         {seen:#?}"
    );
}

/// A customer reaches only their own feedback: another customer's item (named by its id,
/// with or without that customer's id) and another customer's list are not found, and
/// nothing of the other customer's partition is read on the way, though both are of one
/// agency and the reads go out beside the check of who is asking.
#[tokio::test]
async fn another_customers_feedback_of_the_same_agency_is_neither_read_nor_found() {
    let p = Portal::new();
    let agency = p.agency("Rounds Agency", HOST, "rounds").await;
    let key = agency.key.as_str();
    let (anna, anna_session) = p.customer(agency.tenant.id, "anna@rounds.example").await;
    let (bo, bo_session) = p.customer(agency.tenant.id, "bo@rounds.example").await;
    let _annas_item = feedback_item(&p, key, &anna.to_string(), &anna_session, HOST).await;
    let bos_item = feedback_item(&p, key, &bo.to_string(), &bo_session, HOST).await;
    p.table.reached();
    let bos = bo.to_string();

    // (what, status, partitions reached)
    let mut seen = Vec::new();
    for (what, path) in [
        (
            "a reply to Bo's item",
            format!("/feedback/items/{bos_item}/replies"),
        ),
        (
            "a reply to Bo's item under Bo",
            format!("/feedback/items/{bos_item}/replies?customerId={bo}"),
        ),
    ] {
        let a = p
            .call(
                Method::POST,
                &path,
                Some(&anna_session),
                json_body(json!({"text": "Gesehen."})),
                &[],
            )
            .await;
        seen.push((what, a.status, p.table.reached()));
    }
    let a = p
        .call(
            Method::GET,
            &format!("/feedback/items?customerId={bo}"),
            Some(&anna_session),
            None,
            &[],
        )
        .await;
    seen.push(("Bo's list", a.status, p.table.reached()));

    assert!(
        seen.iter().all(|(_, status, _)| *status == 404),
        "every one is not found: {seen:#?}"
    );
    assert!(
        seen.iter()
            .all(|(_, _, reached)| !reached.iter().any(|pk| pk.contains(&bos))),
        "none reads Bo's records: {seen:#?}"
    );
    let replies = p
        .call(
            Method::GET,
            &format!("/feedback/items?customerId={bo}"),
            Some(key),
            None,
            &[],
        )
        .await;
    assert_eq!(
        replies.body["items"][0]["replyCount"], 0,
        "Bo's item took no reply: {}",
        replies.body
    );
}

/// A token that is revoked (or expired: the same check) opens nothing, so the overlay's
/// reads of the customer's records beside it (the page's count, the last item number, the
/// attached files) never go out for it: only the token, the customer (whose language the
/// refusal speaks) and the site are read, in as many round trips as before.
#[tokio::test]
async fn a_revoked_token_reads_nothing_of_the_customers_feedback() {
    let p = Portal::new();
    let agency = p.agency("Rounds Agency", HOST, "rounds").await;
    let key = agency.key.as_str();
    let (customer, session) = p.customer(agency.tenant.id, "anna@rounds.example").await;
    let token = feedback_token(&p, key, &customer.to_string(), &session, HOST).await;
    let plan = p
        .available_file(
            agency.tenant.id,
            customer,
            "Lageplan.pdf",
            Uploader::Customer,
        )
        .await;
    let a = p
        .call(
            Method::DELETE,
            &format!("/feedback/tokens?customerId={customer}"),
            Some(key),
            None,
            &[],
        )
        .await;
    assert_eq!(a.body["revoked"], 1, "{}", a.body);
    p.table.reached();

    let a = p
        .call(
            Method::POST,
            "/feedback/overlay/items",
            Some(&token),
            json_body(json!({"pageUrl": format!("{SITE}/"), "selector": "main",
                "position": {"x": 0.5, "y": 0.5}, "viewport": {"width": 1280, "height": 800},
                "comment": "Der Lageplan dazu.", "attachments": [plan.to_string()]})),
            &[("origin", SITE)],
        )
        .await;

    let reached = p.table.reached();
    assert_eq!(a.status, 401, "{}", a.body);
    assert_eq!(a.body["type"], "/problems/feedback-token-revoked");
    assert_eq!(
        reached.len(),
        3,
        "only the token, the customer and the site are read: {reached:?}"
    );
    assert_eq!(
        a.rounds, 2,
        "the refusal waits for the customer's language, as before"
    );
}
