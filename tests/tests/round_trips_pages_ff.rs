//! How many table round trips the form entries page and the feedback page wait for, one
//! after another, for a customer and (feedback) for staff. Everything the pages show is keyed
//! by the session's agency and the customer it names, so those reads go out beside the check
//! of the session's account, and more data (entries, items with replies and files, marks of
//! what the customer has not seen) must not mean more round trips.

use axum::http::Method;
use chrono::{Duration, Utc};
use portal::domain::{
    CustomerId, EmailState, EntryField, FileId, FormEntry, FormEntryId, FormId, Language, Uploader,
    Verification,
};
use portal_tests::rounds::{HOST, Portal, json_body};
use serde_json::json;
use testkit::Agency;

const SITE: &str = "https://entwurf.rounds.example";
const THEIR_HOST: &str = "portal.other.example";
const HTML: [(&str, &str); 1] = [("accept", "text/html")];

/// A form of `customer`'s, registered by the agency, with `entries` entries received.
async fn form_with_entries(
    p: &Portal,
    agency: &Agency,
    customer: CustomerId,
    host: &str,
    entries: usize,
) -> FormId {
    let a = p
        .call(
            Method::POST,
            &format!("/forms?customerId={customer}"),
            Some(&agency.key),
            json_body(json!({"name": "Kontakt", "recipients": ["info@rounds.example"]})),
            &[("host", host)],
        )
        .await;
    assert_eq!(a.status, 201, "{}", a.body);
    let form: FormId = a.body["id"]
        .as_str()
        .and_then(|id| id.parse().ok())
        .expect("a form id");
    for n in 0..entries {
        let at = Utc::now() - Duration::minutes(n as i64 + 1);
        let entry = FormEntry {
            id: FormEntryId::at(at).expect("an entry id"),
            tenant_id: agency.tenant.id,
            customer_id: customer,
            form_id: form,
            received_at: at,
            expires_at: at + Duration::days(30),
            fields: vec![EntryField {
                name: "message".into(),
                value: format!("Anfrage {n}"),
            }],
            origin: Some(SITE.into()),
            user_agent: Some("Mozilla/5.0".into()),
            verification: Verification::NotRequired,
            read_at: None,
            email_state: EmailState::Pending,
            email_attempts: 0,
            email_next_try_at: None,
        };
        p.store.put_entry(&entry, None).await.expect("stored");
    }
    form
}

/// The overlay's token of `customer`, as the customer gets one: the project in feedback, the
/// draft site registered, the token from Give feedback.
async fn feedback_token(p: &Portal, key: &str, customer: CustomerId, session: &str) -> String {
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
            Some(session),
            Some((
                "application/x-www-form-urlencoded",
                "page=https%3A%2F%2Fentwurf.rounds.example%2F".into(),
            )),
            &[],
        )
        .await;
    assert_eq!(a.status, 303, "{}", a.body);
    a.location
        .split_once("#portal-feedback=")
        .map(|(_, t)| t.split('&').next().unwrap_or_default().to_owned())
        .expect("a token in the fragment")
}

/// An item of the customer's through the overlay (attaching `file`), answered by the agency:
/// a thread of one reply, which the customer has not seen yet.
async fn answered_item(p: &Portal, key: &str, customer: CustomerId, token: &str, file: FileId) {
    let a = p
        .call(
            Method::POST,
            "/feedback/overlay/items",
            Some(token),
            json_body(
                json!({"pageUrl": format!("{SITE}/brot"), "selector": "main > h1",
                "position": {"x": 0.5, "y": 0.25}, "viewport": {"width": 1280, "height": 800},
                "comment": "Bitte das Roggenbrot zuerst.", "attachments": [file.to_string()]}),
            ),
            &[("origin", SITE)],
        )
        .await;
    assert_eq!(a.status, 201, "{}", a.body);
    let item = a.body["itemId"].as_str().expect("an item id").to_owned();
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
}

/// The customer's items the customer has not seen yet, as the list route says.
async fn unseen(p: &Portal, key: &str, customer: CustomerId) -> usize {
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
    a.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|i| i["unseen"] == true)
        .count()
}

#[tokio::test]
async fn the_entries_and_feedback_pages_read_at_once_what_the_session_names() {
    let p = Portal::new();
    let agency = p.agency("Rounds Agency", HOST, "rounds").await;
    let tenant = agency.tenant.id;
    let key = agency.key.as_str();
    let (anna, anna_session) = p.customer(tenant, "anna@rounds.example").await;
    let (bo, bo_session) = p.customer(tenant, "bo@rounds.example").await;
    let (_, staff) = testkit::staff_session(
        p.store.as_ref(),
        tenant,
        "jonas@rounds.example",
        Language::De,
    )
    .await;
    // Anna has forms with entries and answered feedback items with files; Bo has nothing.
    let form = form_with_entries(&p, &agency, anna, HOST, 3).await;
    form_with_entries(&p, &agency, anna, HOST, 2).await;
    let token = feedback_token(&p, key, anna, &anna_session).await;
    for _ in 0..3 {
        let file = p
            .available_file(tenant, anna, "Lageplan.pdf", Uploader::Customer)
            .await;
        answered_item(&p, key, anna, &token, file).await;
    }
    assert_eq!(unseen(&p, key, anna).await, 3);
    // (page and what its round trips are, measured, allowed): every page is measured before
    // any is judged, so a failure shows them all.
    let mut seen: Vec<(&str, usize, usize)> = Vec::new();
    let mut get = async |path: String, bearer: &str, what: &'static str, allowed: usize| {
        let a = p.call(Method::GET, &path, Some(bearer), None, &HTML).await;
        assert_eq!(a.status, 200, "{path}: {}", a.body);
        seen.push((what, a.rounds, allowed));
    };

    get(
        "/entries".into(),
        &bo_session,
        "GET /entries, nothing stored: the session; its account, the customer, the agency, \
         the forms and the entries",
        2,
    )
    .await;
    get(
        "/entries".into(),
        &anna_session,
        "GET /entries with forms and entries: the session; its account, the customer, the \
         agency, the forms and the entries",
        2,
    )
    .await;
    get(
        format!("/entries?formId={form}"),
        &anna_session,
        "GET /entries?formId=: the session; its account, the customer, the agency, the forms \
         and the form; the form's entries (read by the form's own index only once the form \
         is found to be the customer's)",
        3,
    )
    .await;
    get(
        "/feedback".into(),
        &bo_session,
        "GET /feedback, nothing stored: the session; its account, the customer, the agency, \
         the site and the items",
        2,
    )
    .await;
    get(
        format!("/feedback?customerId={anna}"),
        &staff,
        "staff GET /feedback?customerId= with answered items: the session; its account, the \
         staff user (the language), the customer, the agency, the site and the items; every \
         item's thread and the attached files",
        3,
    )
    .await;
    get(
        format!("/feedback?customerId={bo}"),
        &staff,
        "staff GET /feedback?customerId=, nothing stored: the session; its account, the staff \
         user, the customer, the agency, the site and the items",
        2,
    )
    .await;
    get(
        "/feedback".into(),
        &anna_session,
        "GET /feedback with answered items not seen yet: the session; its account, the \
         customer, the agency, the site and the items; every item's thread, the attached \
         files and the marks of what is now seen",
        3,
    )
    .await;

    let over: Vec<_> = seen
        .iter()
        .filter(|(_, measured, allowed)| measured > allowed)
        .collect();
    assert!(
        over.is_empty(),
        "pages waiting for more round trips than they need (what, measured, allowed): \
         {over:#?}\nall: {seen:#?}"
    );
    assert_eq!(
        unseen(&p, key, anna).await,
        0,
        "the customer's page marked what the agency wrote as seen"
    );
}

/// Staff's `customerId` is not checked when the page's reads go out beside the account's, so
/// they are keyed by the staff user's own agency: another agency's customer id reaches nothing
/// of theirs and is refused as not found, after as many round trips as an id that names no
/// customer at all, so the answer's time does not tell them apart.
#[tokio::test]
async fn another_agencys_customer_id_reads_nothing_of_theirs_on_the_feedback_page() {
    let p = Portal::new();
    let ours = p.agency("Rounds Agency", HOST, "rounds").await;
    let theirs = p.agency("Other Agency", THEIR_HOST, "other").await;
    let (_, staff) = testkit::staff_session(
        p.store.as_ref(),
        ours.tenant.id,
        "jonas@rounds.example",
        Language::De,
    )
    .await;
    let (their_customer, _) = p.customer(theirs.tenant.id, "bo@other.example").await;
    form_with_entries(&p, &theirs, their_customer, THEIR_HOST, 2).await;
    p.table.reached();
    let theirs_id = theirs.tenant.id.to_string();

    // (what, status, round trips)
    let mut seen = Vec::new();
    for (what, customer) in [
        ("their customer", their_customer),
        ("no customer", CustomerId::new()),
    ] {
        let a = p
            .call(
                Method::GET,
                &format!("/feedback?customerId={customer}"),
                Some(&staff),
                None,
                &HTML,
            )
            .await;
        let reached = p.table.reached();
        assert!(
            !reached.iter().any(|pk| pk.contains(&theirs_id)),
            "{what}: the page read the other agency's records: {reached:?}"
        );
        seen.push((what, a.status, a.rounds));
    }
    assert!(
        seen.iter().all(|(_, status, _)| *status == 404),
        "both are not found: {seen:#?}"
    );
    assert_eq!(
        seen[0].2, seen[1].2,
        "their customer waits as long as none: {seen:#?}"
    );
}

/// A customer's entries page filtered by another agency's form (a form id is public: the
/// intake's address shows it) is not found, and that form's entries are never read, though
/// the page's other reads go out beside the account's.
#[tokio::test]
async fn another_agencys_form_id_reads_none_of_its_entries_on_the_entries_page() {
    let p = Portal::new();
    let ours = p.agency("Rounds Agency", HOST, "rounds").await;
    let theirs = p.agency("Other Agency", THEIR_HOST, "other").await;
    let (_, session) = p.customer(ours.tenant.id, "anna@rounds.example").await;
    let (their_customer, _) = p.customer(theirs.tenant.id, "bo@other.example").await;
    let form = form_with_entries(&p, &theirs, their_customer, THEIR_HOST, 2).await;
    p.table.queried();

    let a = p
        .call(
            Method::GET,
            &format!("/entries?formId={form}"),
            Some(&session),
            None,
            &HTML,
        )
        .await;
    assert_eq!(a.status, 404, "{}", a.body);
    let queried = p.table.queried();
    assert!(
        !queried.iter().any(|pk| pk.contains(&form.to_string())),
        "the page read the other agency's form entries before refusing: {queried:?}"
    );
}

/// Reading beside the account's check changes no answer: no session logs in (back to the
/// page, staff's customer kept), a staff session has no entries page, staff name a customer,
/// bad query parameters are named, and a customer deleted since their session began is
/// answered as before.
#[tokio::test]
async fn the_pages_refuse_what_they_refused_before_in_the_same_words() {
    let p = Portal::new();
    let agency = p.agency("Rounds Agency", HOST, "rounds").await;
    let tenant = agency.tenant.id;
    let (anna, anna_session) = p.customer(tenant, "anna@rounds.example").await;
    let (_, staff) = testkit::staff_session(
        p.store.as_ref(),
        tenant,
        "jonas@rounds.example",
        Language::De,
    )
    .await;
    let (gone, gone_session) = p.customer(tenant, "bo@rounds.example").await;
    let a = p
        .call(
            Method::DELETE,
            &format!("/customers/{gone}"),
            Some(&agency.key),
            None,
            &[],
        )
        .await;
    assert_eq!(a.status, 204, "{}", a.body);

    // (path, bearer, status, location, problem type)
    let cases: Vec<(String, Option<&str>, u16, String, &str)> = vec![
        (
            "/entries".into(),
            None,
            303,
            "/login?next=%2Fentries".into(),
            "",
        ),
        (
            format!("/feedback?customerId={anna}"),
            None,
            303,
            format!("/login?next=%2Ffeedback%3FcustomerId%3D{anna}"),
            "",
        ),
        (
            "/entries".into(),
            Some(&staff),
            403,
            String::new(),
            "/problems/staff-only",
        ),
        (
            "/feedback".into(),
            Some(&staff),
            400,
            String::new(),
            "/problems/invalid-parameter",
        ),
        (
            "/entries?cursor=nope".into(),
            Some(&anna_session),
            400,
            String::new(),
            "/problems/invalid-parameter",
        ),
        (
            "/feedback?cursor=nope".into(),
            Some(&anna_session),
            400,
            String::new(),
            "/problems/invalid-parameter",
        ),
        (
            "/feedback?state=gone".into(),
            Some(&anna_session),
            400,
            String::new(),
            "/problems/invalid-parameter",
        ),
        (
            "/entries".into(),
            Some(&gone_session),
            303,
            "/login?next=%2Fentries".into(),
            "",
        ),
        (
            "/feedback".into(),
            Some(&gone_session),
            303,
            "/login?next=%2Ffeedback".into(),
            "",
        ),
    ];
    let mut wrong = Vec::new();
    for (path, bearer, status, location, problem) in &cases {
        let a = p.call(Method::GET, path, *bearer, None, &HTML).await;
        let found = (
            a.status,
            a.location.clone(),
            a.body["type"].as_str().unwrap_or_default().to_owned(),
        );
        if found != (*status, location.clone(), (*problem).to_owned()) {
            wrong.push((path.clone(), found, a.body));
        }
    }
    assert!(wrong.is_empty(), "answered otherwise: {wrong:#?}");
}
