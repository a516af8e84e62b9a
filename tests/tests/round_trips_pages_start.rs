//! How many table round trips the customer's start page (`/start`, its JSON `/me/start` and
//! the home `/`) and the wishes page (`/wishes`) wait for, one after another, on a table that
//! paces every call (`portal_tests::paced`). The session names the agency and the customer,
//! so everything these pages read is keyed by it: the reads go out beside the check of the
//! session's account, and are used only once that check passed.

use axum::http::Method;
use portal::{
    domain::{CustomerId, Language, Subject, Uploader},
    items::{ItemTable, Key, Write},
};
use portal_tests::rounds::{HOST, Portal, json_body};
use serde_json::json;
use testkit::Agency;

const SITE: &str = "https://entwurf.rounds.example";
const LIVE: &str = "https://www.rounds.example/";

/// Everything a customer's pages can show: a status history (preparation, design,
/// feedback), a saved brief with the agency's comment, files both ways, a form with an
/// unread entry, the draft site and a feedback item the agency replied to. `host` is the
/// agency's portal.
async fn with_data(p: &Portal, agency: &Agency, customer: CustomerId, session: &str, host: &str) {
    let key = agency.key.as_str();
    let with_host = [("host", host)];
    let a = p
        .call(
            Method::PUT,
            "/me/wishes",
            Some(session),
            json_body(
                json!({"version": 0, "brief": {"tone": "warm", "audience": "Nachbarn",
                "pages": [{"title": "Brot", "purpose": "Sorten zeigen"}]}}),
            ),
            &with_host,
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    let a = p
        .call(
            Method::POST,
            "/me/wishes/submit",
            Some(session),
            json_body(json!({"version": 1})),
            &with_host,
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    let a = p
        .call(
            Method::POST,
            &format!("/customers/{customer}/wishes/comments"),
            Some(key),
            json_body(json!({"submission": 1, "target": "tone", "text": "Warm passt gut."})),
            &with_host,
        )
        .await;
    assert_eq!(a.status, 201, "{}", a.body);
    p.available_file(agency.tenant.id, customer, "Logo.pdf", Uploader::Customer)
        .await;
    p.available_file(
        agency.tenant.id,
        customer,
        "Entwurf.pdf",
        Uploader::Agency { staff: None },
    )
    .await;

    let a = p
        .call(
            Method::POST,
            &format!("/forms?customerId={customer}"),
            Some(key),
            json_body(
                json!({"name": "Kontakt", "recipients": [format!("info@{host}")],
                "allowedOrigins": [LIVE.trim_end_matches('/')]}),
            ),
            &with_host,
        )
        .await;
    assert_eq!(a.status, 201, "{}", a.body);
    let form = a.body["id"].as_str().expect("a form id").to_owned();
    let a = p
        .call(
            Method::POST,
            &format!("/f/{form}"),
            None,
            Some((
                "application/x-www-form-urlencoded",
                "name=Ada&email=ada%40visitor.example&message=Hallo".into(),
            )),
            &[("origin", LIVE.trim_end_matches('/')), ("host", host)],
        )
        .await;
    assert!(
        a.status < 400,
        "the entry is taken: {} {}",
        a.status,
        a.body
    );

    for status in ["design", "feedback"] {
        let a = p
            .call(
                Method::PUT,
                &format!("/customers/{customer}/status"),
                Some(key),
                json_body(json!({"status": status})),
                &with_host,
            )
            .await;
        assert_eq!(a.status, 200, "{}", a.body);
    }
    let a = p
        .call(
            Method::PUT,
            &format!("/feedback/site?customerId={customer}"),
            Some(key),
            json_body(json!({"draftUrl": format!("{SITE}/"), "liveUrl": LIVE,
                "afterOnline": true})),
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
            json_body(json!({"pageUrl": format!("{SITE}/"), "selector": "main",
                "position": {"x": 0.5, "y": 0.5}, "viewport": {"width": 1280, "height": 800},
                "comment": "Das Logo größer, bitte."})),
            &[("origin", SITE), ("host", host)],
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
            &with_host,
        )
        .await;
    assert_eq!(a.status, 201, "{}", a.body);
}

/// The pages a customer opens, by cookie as a browser does (the JSON by bearer), with the
/// status each answers and what its round trips are.
const PAGES: [(&str, bool, u16, &str); 5] = [
    (
        "/start",
        true,
        200,
        "GET /start: the session; its account, the customer, the agency and every area's reads \
         (the brief, the files and when they were last seen, the forms and the newest entries, \
         the feedback site and items)",
    ),
    (
        "/me/start",
        false,
        200,
        "GET /me/start: the session; its account, the customer and every area's reads",
    ),
    ("/", true, 303, "GET /: the session; its account"),
    (
        "/wishes",
        true,
        200,
        "GET /wishes: the session; its account, the customer, the agency, the draft and the \
         agency's comments",
    ),
    (
        "/wishes?done=saved",
        true,
        200,
        "GET /wishes?done=saved: the session; its account, the customer, the agency, the draft \
         and the comments",
    ),
];

#[tokio::test]
async fn the_start_and_wishes_pages_read_everything_beside_the_sessions_account() {
    let p = Portal::new();
    let agency = p.agency("Rounds Agency", HOST, "rounds").await;
    let (customer, session) = p.customer(agency.tenant.id, "anna@rounds.example").await;
    let cookie = format!("portal_session={session}");
    // (status, route and what its round trips are, measured, allowed): every page is
    // measured before any is judged, so a failure shows them all.
    let mut seen: Vec<(&str, &str, usize, usize)> = Vec::new();

    let mut measure = async |p: &Portal, project: &'static str| {
        for (path, by_cookie, status, what) in PAGES {
            let a = if by_cookie {
                p.call(Method::GET, path, None, None, &[("cookie", &cookie)])
                    .await
            } else {
                p.call(Method::GET, path, Some(&session), None, &[]).await
            };
            assert_eq!(a.status, status, "{project} {path}: {}", a.body);
            seen.push((project, what, a.rounds, 2));
        }
    };
    measure(&p, "nothing stored").await;
    with_data(&p, &agency, customer, &session, HOST).await;
    measure(&p, "feedback, with data").await;
    let a = p
        .call(
            Method::PUT,
            &format!("/customers/{customer}/status"),
            Some(&agency.key),
            json_body(json!({"status": "online"})),
            &[],
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.body);
    measure(&p, "online, with data").await;
    let a = p
        .call(Method::GET, "/me/start", Some(&session), None, &[])
        .await;
    assert_eq!(a.body["liveSite"], LIVE, "{}", a.body);
    let areas: Vec<&str> = a.body["areas"]
        .as_array()
        .expect("areas")
        .iter()
        .filter_map(|a| a["area"].as_str())
        .collect();
    assert_eq!(
        areas,
        ["form-entries", "files", "feedback", "my-data"],
        "{}",
        a.body
    );
    assert!(
        a.body["areas"]
            .as_array()
            .expect("areas")
            .iter()
            .all(|a| a["waiting"] == (a["area"] != "my-data")),
        "an unread entry, a shared file and a reply wait: {}",
        a.body
    );

    let over: Vec<_> = seen
        .iter()
        .filter(|(_, _, measured, allowed)| measured > allowed)
        .collect();
    assert!(
        over.is_empty(),
        "pages waiting for more round trips than they need (project, what, measured, \
         allowed): {over:#?}\nall: {seen:#?}"
    );
}

const THEIR_HOST: &str = "portal.other.example";

/// Another agency's customer has everything stored; our customer (and our staff user) open
/// the pages, naming the other customer's id where a page could take one. Nothing of the
/// other agency's partitions is read, and each answers as it always did: the caller's own
/// page (an unknown parameter refused), a staff user sent to their account.
#[tokio::test]
async fn another_agencys_customer_id_reads_nothing_of_theirs() {
    let p = Portal::new();
    let ours = p.agency("Rounds Agency", HOST, "rounds").await;
    let theirs = p.agency("Other Agency", THEIR_HOST, "other").await;
    let (_, our_session) = p.customer(ours.tenant.id, "anna@rounds.example").await;
    let (their_customer, their_session) = p.customer(theirs.tenant.id, "bo@other.example").await;
    with_data(&p, &theirs, their_customer, &their_session, THEIR_HOST).await;
    let (_, staff_session) = testkit::staff_session(
        p.store.as_ref(),
        ours.tenant.id,
        "sam@rounds.example",
        Language::De,
    )
    .await;
    let theirs_id = theirs.tenant.id.to_string();
    p.table.reached();

    // (who, path, status, location)
    let mut seen = Vec::new();
    for (who, session) in [("customer", &our_session), ("staff", &staff_session)] {
        let cookie = format!("portal_session={session}");
        for path in [
            format!("/start?customerId={their_customer}"),
            format!("/me/start?customerId={their_customer}"),
            format!("/wishes?customerId={their_customer}"),
            "/start".to_owned(),
            "/wishes".to_owned(),
        ] {
            let a = p
                .call(Method::GET, &path, None, None, &[("cookie", &cookie)])
                .await;
            let reached = p.table.reached();
            assert!(
                !reached.iter().any(|pk| pk.contains(&theirs_id)),
                "{who} {path} read the other agency's records: {reached:?}"
            );
            seen.push((who, path, a.status, a.location));
        }
    }
    let expected = [
        ("customer", 200, ""),
        ("customer", 200, ""),
        ("customer", 400, ""),
        ("customer", 200, ""),
        ("customer", 200, ""),
        ("staff", 303, "/me"),
        ("staff", 404, ""),
        ("staff", 400, ""),
        ("staff", 303, "/me"),
        ("staff", 303, "/me"),
    ];
    let answered: Vec<_> = seen
        .iter()
        .map(|(who, _, status, location)| (*who, *status, location.as_str()))
        .collect();
    assert_eq!(answered, expected, "{seen:#?}");
}

/// A session whose customer was deleted (its account with it), whose customer record alone
/// is gone, or that was logged out everywhere shows nothing: each answers as it did before
/// the reads went out beside the account.
#[tokio::test]
async fn a_removed_customer_or_a_dead_session_sees_no_page() {
    let p = Portal::new();
    let agency = p.agency("Rounds Agency", HOST, "rounds").await;
    let (deleted, deleted_session) = p.customer(agency.tenant.id, "anna@rounds.example").await;
    with_data(&p, &agency, deleted, &deleted_session, HOST).await;
    let (gone, gone_session) = p.customer(agency.tenant.id, "bo@rounds.example").await;
    let (ended, ended_session) = p.customer(agency.tenant.id, "cy@rounds.example").await;

    let a = p
        .call(
            Method::DELETE,
            &format!("/customers/{deleted}"),
            Some(&agency.key),
            None,
            &[],
        )
        .await;
    assert!(a.status < 300, "{} {}", a.status, a.body);
    // The record alone, as if removed between the session's check and the page's read.
    p.table
        .write(Write::delete(Key::new(
            format!("TENANT#{}", agency.tenant.id),
            format!("CUSTOMER#{gone}"),
        )))
        .await
        .expect("the record is deleted");
    let current = p
        .store
        .get_account(agency.tenant.id, Subject::Customer(ended))
        .await
        .expect("read")
        .expect("an account");
    let mut next = current.clone();
    next.session_epoch += 1;
    p.store
        .update_account(&current, &next)
        .await
        .expect("logged out everywhere");

    let mut seen = Vec::new();
    for (who, session) in [
        ("deleted", &deleted_session),
        ("record gone", &gone_session),
        ("logged out", &ended_session),
    ] {
        let cookie = format!("portal_session={session}");
        for path in ["/start", "/wishes", "/me/start", "/"] {
            let a = p
                .call(Method::GET, path, None, None, &[("cookie", &cookie)])
                .await;
            seen.push((who, path, a.status, a.location));
        }
    }
    let answered: Vec<_> = seen
        .iter()
        .map(|(who, path, status, location)| (*who, *path, *status, location.as_str()))
        .collect();
    let mut expected = Vec::new();
    for who in ["deleted", "logged out"] {
        expected.extend([
            (who, "/start", 303, "/login?next=/start"),
            (who, "/wishes", 303, "/login?next=/wishes"),
            (who, "/me/start", 401, ""),
            (who, "/", 303, "/login?next=/start"),
        ]);
    }
    expected.splice(
        4..4,
        [
            ("record gone", "/start", 401, ""),
            ("record gone", "/wishes", 401, ""),
            ("record gone", "/me/start", 401, ""),
            ("record gone", "/", 303, "/start"),
        ],
    );
    assert_eq!(answered, expected, "{seen:#?}");
}
