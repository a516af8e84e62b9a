//! Agency staff over real HTTP, on the embedded store and on DynamoDB/SES on moto: the
//! operator invites the first staff user, who sets a password from the emailed link, works
//! with the staff API by bearer session and by cookie (with CSRF), invites a colleague,
//! sends the invitation again and removes people; a removed user's session ends at once.

use portal::domain::NewStaff;
use portal_infra::admin;
use portal_tests::{
    backends::{Setup, embedded, on_moto},
    browser::{Body, Browser, csrf_in, link_in},
    delivery_contract::unique,
    server,
};
use reqwest::{Method, StatusCode};
use serde_json::json;

const PASSWORD: &str = "drei Tassen Kaffee vor neun";

async fn last_email_to(setup: &Setup, to: &str) -> String {
    setup
        .sent
        .sent_emails()
        .await
        .into_iter()
        .rev()
        .find(|e| e.to.iter().any(|t| t.eq_ignore_ascii_case(to)))
        .map(|e| format!("{}\n{}", e.subject, e.bodies.join("\n")))
        .unwrap_or_else(|| panic!("an email to {to}"))
}

async fn journey(setup: Setup) {
    let base = server::spawn(&setup.services).await;
    let store = setup.services.store.clone();
    let (tenant, key) = setup.agency_at(&base).await;
    let key = format!("Bearer {key}");

    // The operator invites the first staff user; the email is in the agency's language.
    let jonas = format!("jonas-{}@berg.example", unique());
    let invited = admin::invite_staff(
        store.clone(),
        setup.services.mailer.as_ref(),
        tenant.id,
        &NewStaff {
            name: Some("Jonas Berg".into()),
            email: Some(jonas.clone()),
            language: None,
        },
    )
    .await
    .unwrap();
    let email = last_email_to(&setup, &jonas).await;
    assert!(email.contains("Mitarbeiterkonto"), "{email}");
    assert!(email.contains("Jonas Berg"));
    let token = link_in(&email, "/invite/");
    assert!(invited.url.ends_with(&token));

    // The invitation page names the person; a weak password is refused in German.
    let mut jonas_browser = Browser::new(&base);
    let page = jonas_browser.get(&format!("/invite/{token}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("lang=\"de\""));
    assert!(page.text.contains("<dd>Jonas Berg</dd>"), "{}", page.text);
    let weak = jonas_browser
        .send(
            Method::POST,
            "/invitations/accept",
            Some(Body::Json(json!({"token": token, "password": "kurz"}))),
            &[],
        )
        .await;
    assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
    let accepted = jonas_browser
        .send(
            Method::POST,
            "/invitations/accept",
            Some(Body::Json(json!({"token": token, "password": PASSWORD}))),
            &[],
        )
        .await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.text);
    let session = accepted.json();
    assert_eq!(session["role"], "staff");
    assert_eq!(session["staffId"], invited.member.id.to_string().as_str());
    assert!(session.get("customerId").is_none());
    let bearer = format!("Bearer {}", session["sessionToken"].as_str().unwrap());

    // The staff session works where the API key does, and is recorded as the actor.
    let mut api = Browser::new(&base);
    let created = api
        .send(
            Method::POST,
            "/customers",
            Some(Body::Json(json!({
                "companyName": "Café Sonne",
                "loginEmail": format!("sonne-{}@cafe.example", unique()),
                "language": "de"
            }))),
            &[("authorization", &bearer)],
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let customer_id = created.json()["id"].as_str().unwrap().to_owned();
    let listed = api
        .send(
            Method::GET,
            "/customers",
            None,
            &[("authorization", &bearer)],
        )
        .await;
    assert_eq!(listed.status, StatusCode::OK);
    let link = api
        .send(
            Method::POST,
            &format!("/customers/{customer_id}/invitation-link"),
            Some(Body::Json(json!({}))),
            &[("authorization", &bearer)],
        )
        .await;
    assert_eq!(link.status, StatusCode::CREATED, "{}", link.text);
    assert_eq!(
        link.json()["invitation"]["createdBy"],
        json!({"kind": "staff", "id": invited.member.id.to_string()})
    );

    // By cookie: reading needs no CSRF token, a change does.
    let mut browser = Browser::new(&base);
    let login = browser
        .post_form("/login", &[("email", &jonas), ("password", PASSWORD)])
        .await;
    assert_eq!(login.status, StatusCode::SEE_OTHER, "{}", login.text);
    let me = browser.get("/me").await;
    assert_eq!(me.status, StatusCode::OK);
    assert!(me.text.contains("Mein Mitarbeiterkonto"), "{}", me.text);
    let csrf = csrf_in(&me.text);
    assert_eq!(
        browser
            .send(Method::GET, "/customers", None, &[])
            .await
            .status,
        StatusCode::OK
    );
    let new_customer = json!({"companyName": "Blumen Ahrens"});
    let refused = browser
        .send(
            Method::POST,
            "/customers",
            Some(Body::Json(new_customer.clone())),
            &[],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(refused.text.contains("csrf-token-invalid"));
    let allowed = browser
        .send(
            Method::POST,
            "/customers",
            Some(Body::Json(new_customer)),
            &[("x-csrf-token", &csrf)],
        )
        .await;
    assert_eq!(allowed.status, StatusCode::CREATED, "{}", allowed.text);

    // Their own data: name and language, not the email.
    let renamed = api
        .send(
            Method::PATCH,
            "/me",
            Some(Body::Json(json!({"name": "Jonas B.", "language": "en"}))),
            &[("authorization", &bearer)],
        )
        .await;
    assert_eq!(renamed.status, StatusCode::OK, "{}", renamed.text);
    assert_eq!(renamed.json()["name"], "Jonas B.");
    let email_change = api
        .send(
            Method::PATCH,
            "/me",
            Some(Body::Json(json!({"email": "other@berg.example"}))),
            &[("authorization", &bearer)],
        )
        .await;
    assert_eq!(email_change.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(email_change.json()["errors"][0]["field"], "email");

    // A colleague, invited by the staff user; a customer's login email can't be used.
    let taken = api
        .send(
            Method::POST,
            "/staff",
            Some(Body::Json(
                json!({"name": "X", "email": created.json()["loginEmail"]}),
            )),
            &[("authorization", &bearer)],
        )
        .await;
    assert_eq!(taken.status, StatusCode::CONFLICT, "{}", taken.text);
    assert_eq!(taken.json()["errors"][0]["field"], "email");
    let mia = format!("mia-{}@berg.example", unique());
    let colleague = api
        .send(
            Method::POST,
            "/staff",
            Some(Body::Json(
                json!({"name": "Mia Lund", "email": mia, "language": "sv"}),
            )),
            &[("authorization", &bearer)],
        )
        .await;
    assert_eq!(colleague.status, StatusCode::CREATED, "{}", colleague.text);
    let colleague = colleague.json();
    assert_eq!(colleague["status"], "invited");
    assert_eq!(colleague["createdBy"]["kind"], "staff");
    let mia_id = colleague["id"].as_str().unwrap().to_owned();
    let first_link = link_in(&last_email_to(&setup, &mia).await, "/invite/");
    let again = api
        .send(
            Method::POST,
            &format!("/staff/{mia_id}/invitation"),
            None,
            &[("authorization", &key)],
        )
        .await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.text);
    let mail = last_email_to(&setup, &mia).await;
    assert!(mail.contains("personalkonto"), "Swedish: {mail}");
    let second_link = link_in(&mail, "/invite/");
    assert_ne!(first_link, second_link);
    let old = Browser::new(&base)
        .get(&format!("/invite/{first_link}"))
        .await;
    assert_eq!(old.status, StatusCode::GONE, "the first link was replaced");
    let active_again = api
        .send(
            Method::POST,
            &format!("/staff/{}/invitation", invited.member.id),
            None,
            &[("authorization", &key)],
        )
        .await;
    assert_eq!(active_again.status, StatusCode::CONFLICT);
    assert!(active_again.text.contains("staff-already-active"));
    let all = api
        .send(Method::GET, "/staff", None, &[("authorization", &key)])
        .await
        .json();
    let statuses: Vec<_> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["status"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(statuses, ["active", "invited"]);

    // A customer's session is not a staff session.
    let customer_token = link_in(&link.text, "/invite/");
    let mut customer = Browser::new(&base);
    let customer_session = customer
        .send(
            Method::POST,
            "/invitations/accept",
            Some(Body::Json(
                json!({"token": customer_token, "password": "Sonnenschein über dem Café"}),
            )),
            &[],
        )
        .await;
    assert_eq!(customer_session.json()["role"], "customer");
    let customer_bearer = format!(
        "Bearer {}",
        customer_session.json()["sessionToken"].as_str().unwrap()
    );
    let staff_only = customer
        .send(
            Method::GET,
            "/customers",
            None,
            &[("authorization", &customer_bearer)],
        )
        .await;
    assert_eq!(staff_only.status, StatusCode::FORBIDDEN);
    assert!(staff_only.text.contains("staff-only"));
    assert!(customer.cookie.is_some());
    let by_cookie = customer
        .send(
            Method::POST,
            "/customers",
            Some(Body::Json(json!({"companyName": "Mine now"}))),
            &[],
        )
        .await;
    assert_eq!(by_cookie.status, StatusCode::FORBIDDEN);
    assert!(
        by_cookie.text.contains("staff-only"),
        "the role is the reason, not the missing CSRF token: {}",
        by_cookie.text
    );

    // Nobody removes themselves; removing the colleague revokes her open link.
    let myself = api
        .send(
            Method::DELETE,
            &format!("/staff/{}", invited.member.id),
            None,
            &[("authorization", &bearer)],
        )
        .await;
    assert_eq!(myself.status, StatusCode::CONFLICT);
    let removed = api
        .send(
            Method::DELETE,
            &format!("/staff/{mia_id}"),
            None,
            &[("authorization", &bearer)],
        )
        .await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT);
    let revoked = Browser::new(&base)
        .get(&format!("/invite/{second_link}"))
        .await;
    assert_eq!(revoked.status, StatusCode::GONE, "{}", revoked.text);

    // Forgot password works for staff, in their language (now English).
    let forgot = Browser::new(&base)
        .send(
            Method::POST,
            "/password/forgot",
            Some(Body::Json(json!({"email": jonas}))),
            &[],
        )
        .await;
    assert_eq!(forgot.status, StatusCode::ACCEPTED);
    let reset_mail = last_email_to(&setup, &jonas).await;
    assert!(reset_mail.contains("Reset your password"), "{reset_mail}");

    // Removed with the API key: the staff user's sessions end at once.
    let gone = api
        .send(
            Method::DELETE,
            &format!("/staff/{}", invited.member.id),
            None,
            &[("authorization", &key)],
        )
        .await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT);
    let after = api
        .send(
            Method::GET,
            "/customers",
            None,
            &[("authorization", &bearer)],
        )
        .await;
    assert_eq!(after.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        browser
            .send(Method::GET, "/customers", None, &[])
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn a_staff_users_journey_on_the_embedded_store() {
    journey(embedded()).await;
}

#[tokio::test]
async fn a_staff_users_journey_on_dynamodb_and_ses() {
    journey(on_moto().await).await;
}
