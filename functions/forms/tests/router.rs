//! The forms router driven with `oneshot`, no server: registering forms, as staff and as the
//! customer, and what neither may reach.

mod support;

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use support::Portal;

fn contact_form() -> Value {
    json!({
        "name": "Kontakt",
        "allowedOrigins": ["https://www.kunde.example"],
        "recipients": ["info@kunde.example"],
        "redirectUrl": "https://www.kunde.example/danke",
        "language": "de",
        "turnstileSecret": "0x4AAAAAAA-never-shown"
    })
}

async fn staff_register_a_form_for_a_customer_and_get_its_endpoint_and_snippets() {
    let portal = Portal::new().await;
    let agency = portal.agency("Berg").await;
    let customer = portal.customer(agency.tenant, "a@kunde.example").await;
    let path = format!("/forms?customerId={}", customer.id);

    let (status, form, text) = portal
        .call(Method::POST, &path, &agency.key, Some(contact_form()))
        .await;

    assert_eq!(status, StatusCode::CREATED, "{form}");
    assert!(!text.contains("never-shown"), "the secret is never echoed");
    assert_eq!(form["turnstile"], true);
    assert_eq!(form["customerId"], customer.id.to_string());
    assert_eq!(form["allowedOrigins"], json!(["https://www.kunde.example"]));
    let endpoint = format!(
        "https://berg.agency.example/f/{}",
        form["id"].as_str().unwrap()
    );
    assert_eq!(form["endpoint"], endpoint.as_str());
    let html = form["snippets"]["html"].as_str().unwrap();
    assert!(html.contains(&format!(r#"<form action="{endpoint}" method="POST">"#)));
    assert!(
        html.contains(r#"name="_gotcha""#),
        "the honeypot is in the snippet"
    );
    assert!(
        form["snippets"]["fetch"]
            .as_str()
            .unwrap()
            .contains("fetch(event.target.action")
    );
    assert_eq!(
        form["counts"],
        json!({"entries": 0, "spam": 0, "refused": 0})
    );

    let id = form["id"].as_str().unwrap();
    let (status, listed, _) = portal.call(Method::GET, &path, &agency.key, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(listed["items"][0]["id"], id);

    let (status, changed, text) = portal
        .call(
            Method::PATCH,
            &format!("/forms/{id}"),
            &agency.key,
            Some(json!({"name": "Kontakt 2", "redirectUrl": null, "turnstileSecret": null})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert_eq!(changed["name"], "Kontakt 2");
    assert_eq!(changed["redirectUrl"], Value::Null);
    assert_eq!(changed["turnstile"], false);
    assert_eq!(changed["recipients"], json!(["info@kunde.example"]));
    assert_eq!(changed["version"], 2);

    let (status, _, _) = portal
        .call(Method::DELETE, &format!("/forms/{id}"), &agency.key, None)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, problem, _) = portal
        .call(Method::GET, &format!("/forms/{id}"), &agency.key, None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(problem["type"], "/problems/not-found");
}

async fn a_form_defaults_to_the_customers_language() {
    let portal = Portal::new().await;
    let agency = portal.agency("Berg").await;
    let customer = portal.customer(agency.tenant, "b@kunde.example").await;
    let (status, form, _) = portal
        .call(
            Method::POST,
            &format!("/forms?customerId={}", customer.id),
            &agency.key,
            Some(json!({"name": "Kontakt"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(form["language"], "fr");
    assert_eq!(form["allowedOrigins"], json!([]));
    assert_eq!(form["turnstile"], false);
}

async fn staff_must_name_a_customer_of_their_own_agency() {
    let portal = Portal::new().await;
    let agency = portal.agency("Berg").await;
    let rival = portal.agency("Rival").await;
    let theirs = portal.customer(rival.tenant, "c@kunde.example").await;

    let (status, problem, _) = portal.call(Method::GET, "/forms", &agency.key, None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(problem["type"], "/problems/invalid-parameter");
    assert!(problem.to_string().contains("customerId"));

    let (status, _, _) = portal
        .call(Method::GET, "/forms?customerId=nonsense", &agency.key, None)
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    for method in [Method::GET, Method::POST] {
        let (status, problem, _) = portal
            .call(
                method,
                &format!("/forms?customerId={}", theirs.id),
                &agency.key,
                Some(contact_form()),
            )
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{problem}");
    }
}

async fn every_bad_setting_is_named() {
    let portal = Portal::new().await;
    let agency = portal.agency("Berg").await;
    let customer = portal.customer(agency.tenant, "d@kunde.example").await;
    let (status, problem, _) = portal
        .call(
            Method::POST,
            &format!("/forms?customerId={}", customer.id),
            &agency.key,
            Some(json!({
                "name": "Kontakt\u{0000}",
                "allowedOrigins": ["https://ok.example/path", "http://plain.example", "*"],
                "recipients": ["not an address", "x@kunde.example\r\nBcc: all@evil.example"],
                "redirectUrl": "javascript:alert(document.cookie)",
                "language": "tlh",
                "turnstileSecret": "line\nbreak"
            })),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["type"], "/problems/validation");
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        [
            "name",
            "allowedOrigins[0]",
            "allowedOrigins[1]",
            "allowedOrigins[2]",
            "recipients[0]",
            "recipients[1]",
            "redirectUrl",
            "language",
            "turnstileSecret"
        ]
    );

    let (status, problem, _) = portal
        .call(
            Method::POST,
            &format!("/forms?customerId={}", customer.id),
            &agency.key,
            Some(json!({"name": "x", "owner": "someone"})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
}

async fn a_customer_manages_their_own_forms_and_reaches_nobody_elses() {
    let portal = Portal::new().await;
    let agency = portal.agency("Berg").await;
    let rival = portal.agency("Rival").await;
    let anna = portal.customer(agency.tenant, "anna@kunde.example").await;
    let ben = portal.customer(agency.tenant, "ben@kunde.example").await;
    let anna_session = portal.session_of(&anna).await;
    let ben_session = portal.session_of(&ben).await;

    let (status, form, _) = portal
        .call(
            Method::POST,
            "/forms",
            &anna_session,
            Some(json!({"name": "Anfrage"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{form}");
    assert_eq!(form["customerId"], anna.id.to_string());
    let path = format!("/forms/{}", form["id"].as_str().unwrap());

    let (status, listed, _) = portal
        .call(Method::GET, "/forms", &anna_session, None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
    let (status, listed, _) = portal.call(Method::GET, "/forms", &ben_session, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(listed["items"], json!([]));

    // Ben, and another agency's staff, know the id: it reaches nothing.
    for (bearer, who) in [
        (&ben_session, "another customer"),
        (&rival.key, "another agency"),
    ] {
        for method in [Method::GET, Method::PATCH, Method::DELETE] {
            let (status, _, _) = portal
                .call(
                    method.clone(),
                    &path,
                    bearer,
                    Some(json!({"name": "mine now"})),
                )
                .await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{who} {method}");
        }
    }
    let (status, _, _) = portal
        .call(
            Method::GET,
            &format!("/forms?customerId={}", anna.id),
            &ben_session,
            None,
        )
        .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "a customer names only themself"
    );

    let (status, form, _) = portal.call(Method::GET, &path, &agency.key, None).await;
    assert_eq!(status, StatusCode::OK, "their agency's staff see it");
    assert_eq!(form["name"], "Anfrage");
}

async fn a_customer_session_by_cookie_needs_the_csrf_token_to_change_forms() {
    let portal = Portal::new().await;
    let agency = portal.agency("Berg").await;
    let anna = portal.customer(agency.tenant, "anna@kunde.example").await;
    let token = portal.session_of(&anna).await;
    let cookie = format!("portal_session={token}");
    let answer = testkit::oneshot(
        &portal.router,
        Method::POST,
        "/forms",
        Some(("application/json", json!({"name": "x"}).to_string())),
        &[("cookie", &cookie)],
    )
    .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    assert_eq!(answer.json()["type"], "/problems/csrf-token-invalid");
}

async fn without_credentials_nothing_is_answered_but_401() {
    let portal = Portal::new().await;
    let answer = testkit::oneshot(&portal.router, Method::GET, "/forms", None, &[]).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
}

async fn a_cookie_with_a_form_content_type_does_not_skip_the_csrf_check() {
    let portal = Portal::new().await;
    let agency = portal.agency("Berg").await;
    let anna = portal.customer(agency.tenant, "anna@kunde.example").await;
    let token = portal.session_of(&anna).await;
    let cookie = format!("portal_session={token}");
    for (method, path) in [
        (Method::DELETE, "/forms/01ARZ3NDEKTSV4RRFFQ69G5FAV"),
        (
            Method::POST,
            "/form-entries/01ARZ3NDEKTSV4RRFFQ69G5FAV/notification",
        ),
        (Method::DELETE, "/form-entries/01ARZ3NDEKTSV4RRFFQ69G5FAV"),
    ] {
        let answer = testkit::oneshot(
            &portal.router,
            method.clone(),
            path,
            Some(("application/x-www-form-urlencoded", "a=b".into())),
            &[("cookie", &cookie)],
        )
        .await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "{method} {path}");
        assert_eq!(answer.json()["type"], "/problems/csrf-token-invalid");
    }
}

both_backends!(
    staff_register_a_form_for_a_customer_and_get_its_endpoint_and_snippets,
    a_form_defaults_to_the_customers_language,
    staff_must_name_a_customer_of_their_own_agency,
    every_bad_setting_is_named,
    a_customer_manages_their_own_forms_and_reaches_nobody_elses,
    a_customer_session_by_cookie_needs_the_csrf_token_to_change_forms,
    without_credentials_nothing_is_answered_but_401,
    a_cookie_with_a_form_content_type_does_not_skip_the_csrf_check,
);
