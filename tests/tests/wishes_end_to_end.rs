//! The customer's brief over real HTTP against the local runner's app, on the embedded store
//! with the outbox and on DynamoDB/SES on moto: two visits, a stale second tab, submit with
//! the agency's email read back, a resubmit naming what changed, staff reading it, and
//! nobody else reaching it.

use portal_tests::{
    backends::{Setup, embedded, on_moto},
    browser::{Body, Browser, link_in},
    delivery_contract::unique,
    server,
};
use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};

async fn staff_call(
    base: &str,
    key: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut request = Client::new()
        .request(method, format!("{base}{path}"))
        .bearer_auth(key);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// A customer who followed an invitation and set a password: their id and logged-in browser.
async fn customer(setup: &Setup, base: &str, key: &str, company: &str) -> (String, Browser) {
    let login = format!("c-{}@kunde.example", unique());
    let (_, created) = staff_call(
        base,
        key,
        Method::POST,
        "/customers",
        Some(json!({"companyName": company, "loginEmail": login, "language": "en"})),
    )
    .await;
    let id = created["id"].as_str().unwrap().to_owned();
    let (status, _) = staff_call(
        base,
        key,
        Method::POST,
        &format!("/customers/{id}/invitations"),
        Some(json!({"channels": ["email"], "area": "wishes"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let email = setup
        .sent
        .sent_emails()
        .await
        .into_iter()
        .find(|e| e.to.contains(&login))
        .expect("the invitation");
    let token = link_in(&email.bodies.join("\n"), "/invite/");
    let mut browser = Browser::new(base);
    let set = browser
        .post_form(
            &format!("/invite/{token}"),
            &[("password", "pretzels every friday")],
        )
        .await;
    assert_eq!(set.headers["location"], "/wishes");
    (id, browser)
}

async fn json_call(
    browser: &mut Browser,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let me = browser.send(Method::GET, "/me", None, &[]).await.json();
    let csrf = me["csrfToken"].as_str().unwrap().to_owned();
    let answer = browser
        .send(
            method,
            path,
            body.map(Body::Json),
            &[("x-csrf-token", &csrf)],
        )
        .await;
    (answer.status, answer.json())
}

async fn wishes_journey(setup: Setup) {
    let base = server::spawn(&setup.services).await;
    let (tenant, key) = setup.agency_at(&base).await;
    let (id, mut anna) = customer(&setup, &base, &key, "Bäckerei Sonne").await;

    let (_, start) = json_call(&mut anna, Method::GET, "/me/start", None).await;
    assert_eq!(
        start["areas"][0],
        json!({"area": "wishes", "path": "/wishes", "waiting": true})
    );
    let (status, empty) = json_call(&mut anna, Method::GET, "/me/wishes", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(empty["version"], 0);

    // First visit.
    let first = json!({"pages": [{"title": "Home", "texts": "Fresh bread daily",
        "children": [{"title": "Our team"}]}], "tone": "Warm", "logo": {"kind": "needed"}});
    let (status, saved) = json_call(
        &mut anna,
        Method::PUT,
        "/me/wishes",
        Some(json!({"version": 0, "brief": first})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["version"], 1);
    // A second tab still on version 0 gets a clear conflict and overwrites nothing.
    let (status, conflict) = json_call(
        &mut anna,
        Method::PUT,
        "/me/wishes",
        Some(json!({"version": 0, "brief": {"tone": "Other tab"}})),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(conflict["type"], "/problems/draft-outdated");
    assert_eq!(conflict["currentVersion"], 1);
    // Second visit.
    let mut second = first.clone();
    second["colours"] = json!([{"hex": "#C81E1E", "role": "primary"}]);
    second["examples"] = json!([{"url": "https://example.com/bakery", "notes": "The photos"}]);
    let (_, saved) = json_call(
        &mut anna,
        Method::PUT,
        "/me/wishes",
        Some(json!({"version": 1, "brief": second})),
    )
    .await;
    assert_eq!(saved["version"], 2);
    assert_eq!(saved["brief"]["colours"][0]["hex"], "#c81e1e");
    let (status, bad) = json_call(&mut anna, Method::PUT, "/me/wishes", Some(json!({"version": 2, "brief": {"pages": [{"title": ""}], "examples": [{"url": "javascript:alert(1)"}]}}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = bad["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["pages[0].title", "examples[0].url"]);

    // Hostile input: a line separator in a title, pages nested too deep, too many pages, a
    // body over 64 KiB. Each is refused by name and nothing is saved.
    let deep = json!([{"title": "1", "children": [{"title": "2", "children": [{"title": "3",
        "children": [{"title": "4"}]}]}]}]);
    let many: Vec<Value> = (0..51).map(|i| json!({"title": format!("P{i}")})).collect();
    for (brief, field) in [
        (
            json!({"pages": [{"title": "Home\u{2028}Evil"}]}),
            "pages[0].title",
        ),
        (
            json!({"pages": deep}),
            "pages[0].children[0].children[0].children",
        ),
        (json!({"pages": many}), "pages"),
        (
            json!({"examples": [{"url": "https://user:pw@example.com/"}]}),
            "examples[0].url",
        ),
    ] {
        let (status, problem) = json_call(
            &mut anna,
            Method::PUT,
            "/me/wishes",
            Some(json!({"version": 2, "brief": brief})),
        )
        .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}: {problem}"
        );
        assert_eq!(problem["errors"][0]["field"], field, "{problem}");
    }
    let huge = json!({"version": 2, "brief": {"other": "x".repeat(70 * 1024)}});
    let (status, _) = json_call(&mut anna, Method::PUT, "/me/wishes", Some(huge)).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    let (_, unchanged) = json_call(&mut anna, Method::GET, "/me/wishes", None).await;
    assert_eq!(unchanged["version"], 2);

    // Submit: the agency is emailed, in its language (German), and the start page calms.
    let (status, submitted) = json_call(
        &mut anna,
        Method::POST,
        "/me/wishes/submit",
        Some(json!({"version": 2})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{submitted}");
    assert_eq!(submitted["number"], 1);
    assert_eq!(submitted["notification"], "sent");
    let (_, again) = json_call(
        &mut anna,
        Method::POST,
        "/me/wishes/submit",
        Some(json!({"version": 2})),
    )
    .await;
    assert_eq!(
        again["notification"], "not-needed",
        "a double click sends nothing"
    );
    let (_, start) = json_call(&mut anna, Method::GET, "/me/start", None).await;
    assert_eq!(start["areas"][0]["waiting"], false);

    // Resubmit after a change: the email names what changed.
    let mut third = second.clone();
    third["tone"] = json!("Warm and cheeky");
    json_call(
        &mut anna,
        Method::PUT,
        "/me/wishes",
        Some(json!({"version": 2, "brief": third})),
    )
    .await;
    let (_, resubmitted) = json_call(
        &mut anna,
        Method::POST,
        "/me/wishes/submit",
        Some(json!({"version": 3})),
    )
    .await;
    assert_eq!(resubmitted["number"], 2);
    assert_eq!(resubmitted["changed"], json!(["tone"]));
    let to_agency: Vec<_> = setup
        .sent
        .sent_emails()
        .await
        .into_iter()
        .filter(|e| {
            e.to.contains(&tenant.sender_email.to_string()) && e.subject.contains("Bäckerei Sonne")
        })
        .collect();
    assert_eq!(to_agency.len(), 2, "{to_agency:?}");
    assert!(
        to_agency
            .iter()
            .all(|e| e.subject == "Bäckerei Sonne hat die Wünsche für die Website eingereicht")
    );
    let bodies = to_agency
        .iter()
        .map(|e| e.bodies.join("\n"))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(bodies.contains("Tonalität"), "{bodies}");
    assert!(bodies.contains("erste Einreichung"), "{bodies}");

    // Earlier versions stay readable.
    let (_, kept) = json_call(&mut anna, Method::GET, "/me/wishes/submissions", None).await;
    let numbers: Vec<u64> = kept["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["number"].as_u64().unwrap())
        .collect();
    assert_eq!(numbers, [2, 1]);
    assert_eq!(kept["items"][1]["brief"]["tone"], "Warm");

    // Staff read it; another agency and another customer reach nothing of it.
    let (status, read) = staff_call(
        &base,
        &key,
        Method::GET,
        &format!("/customers/{id}/wishes"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(read["draft"]["version"], 3);
    assert_eq!(read["submissions"].as_array().unwrap().len(), 2);
    let export = Client::new()
        .get(format!(
            "{base}/customers/{id}/wishes/export?format=markdown"
        ))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(export.status(), StatusCode::OK);
    assert_eq!(
        export.headers()["content-type"],
        "text/markdown; charset=utf-8"
    );
    let md = export.text().await.unwrap();
    for expected in [
        "# Wishes of Bäckerei Sonne\n",
        "Submission 2,",
        "### 1. Home\n\nFresh bread daily\n",
        "#### 1.1. Our team\n",
        "We need a logo.",
        "- `#c81e1e` primary",
        "- <https://example.com/bakery>: The photos",
        "## Tone of voice\n\nWarm and cheeky\n",
    ] {
        assert!(md.contains(expected), "{expected:?} in\n{md}");
    }
    let (status, json_export) = staff_call(
        &base,
        &key,
        Method::GET,
        &format!("/customers/{id}/wishes/export"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(json_export["schema"], "portal-brief/1");
    assert_eq!(json_export["number"], 2);
    assert_eq!(
        json_export["brief"]["pages"][0]["children"][0]["title"],
        "Our team"
    );
    let (status, _) = staff_call(
        &base,
        &key,
        Method::GET,
        &format!("/customers/{id}/wishes/export?format=pdf"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // Staff comment on a page's text and mark it done; the customer sees both.
    let comments = format!("/customers/{id}/wishes/comments");
    let (status, comment) = staff_call(&base, &key, Method::POST, &comments, Some(json!({"submission": 2, "target": "pages[0].texts", "text": "Could you add opening hours?"}))).await;
    assert_eq!(status, StatusCode::CREATED, "{comment}");
    let (status, bad) = staff_call(
        &base,
        &key,
        Method::POST,
        &comments,
        Some(json!({"submission": 9, "target": "pages[7].texts", "text": ""})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = bad["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["submission", "text"]);
    let (status, bad_target) = staff_call(
        &base,
        &key,
        Method::POST,
        &comments,
        Some(json!({"submission": 2, "target": "pages[0].children[5]", "text": "x"})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad_target["errors"][0]["field"], "target");
    let comment_path = format!("{comments}/{}", comment["id"].as_str().unwrap());
    let (status, done) = staff_call(
        &base,
        &key,
        Method::PATCH,
        &comment_path,
        Some(json!({"done": true})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(done["done"], true);
    let (_, seen) = json_call(&mut anna, Method::GET, "/me/wishes/comments", None).await;
    assert_eq!(seen["items"].as_array().unwrap().len(), 1);
    assert_eq!(seen["items"][0]["text"], "Could you add opening hours?");
    assert_eq!(seen["items"][0]["target"], "pages[0].texts");
    assert_eq!(seen["items"][0]["done"], true);

    let other = testkit::agency(
        setup.services.store.as_ref(),
        &portal::domain::NewTenant {
            name: "Other".into(),
            portal_base_url: format!("https://other-{}.example", unique()),
            sender_email: setup.sender.to_string(),
            default_language: "en".into(),
            tier: "starter".into(),
        },
        "x",
    )
    .await;
    let (status, _) = staff_call(
        &base,
        &other.key,
        Method::GET,
        &format!("/customers/{id}/wishes"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = staff_call(
        &base,
        &other.key,
        Method::PATCH,
        &comment_path,
        Some(json!({"done": false})),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "another agency can't touch the comment"
    );
    let (_, mut ben) = customer(&setup, &base, &key, "Ben's Bikes").await;
    let (_, his_comments) = json_call(&mut ben, Method::GET, "/me/wishes/comments", None).await;
    assert_eq!(his_comments["items"], json!([]));
    let (_, his) = json_call(&mut ben, Method::GET, "/me/wishes", None).await;
    assert_eq!(his["version"], 0, "his own, empty brief");
    let (status, _) = json_call(
        &mut ben,
        Method::PUT,
        "/me/wishes",
        Some(json!({"version": 3, "brief": {"tone": "hijack"}})),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "a version of someone else's draft reaches only his own"
    );
    let (_, anna_after) = json_call(&mut anna, Method::GET, "/me/wishes", None).await;
    assert_eq!(anna_after["brief"]["tone"], "Warm and cheeky");
}

#[tokio::test]
async fn wishes_on_the_embedded_store_and_outbox() {
    wishes_journey(embedded()).await;
}

#[tokio::test]
async fn wishes_on_dynamodb_and_ses() {
    wishes_journey(on_moto().await).await;
}
