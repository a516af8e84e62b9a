//! The auth router driven with `oneshot` and a clock the tests move: link pages in every
//! language, expiry, revocation, concurrent use, lockout and its end, and isolation.

use std::sync::Arc;

use auth::AuthState;
use axum::{
    Router,
    body::Body,
    http::{Method, Request, StatusCode, header},
};
use chrono::{Duration, Utc};
use portal::{
    AppState,
    domain::{
        Actor, Channel, CustomerChanges, CustomerId, EventKind, Invitation, InvitationEvent,
        InvitationId, InvitationState, Language, LinkToken, NewTenant, PortalArea, Subject,
        TenantId, TokenRecord, VoidReason,
    },
    embedded::{self, Outbox},
    ports::{Clock, Store},
};
use serde_json::{Value, json};
use testkit::{Answer, TestClock};

struct Portal {
    router: Router,
    store: Arc<dyn Store>,
    outbox: Arc<Outbox>,
    clock: Arc<TestClock>,
    tenant: TenantId,
}

impl Portal {
    async fn new() -> Self {
        let store: Arc<dyn Store> = Arc::new(embedded::in_memory_store());
        let clock = Arc::new(TestClock::stopped());
        let mut app = AppState::from_store(store.clone());
        app.clock = clock.clone();
        let tenant = NewTenant {
            name: "Webagentur Berg".into(),
            portal_base_url: "https://kunden.berg.example".into(),
            sender_email: "portal@berg.example".into(),
            default_language: "de".into(),
            tier: "starter".into(),
        };
        let tenant = testkit::agency(store.as_ref(), &tenant, "test")
            .await
            .tenant;
        let outbox = Arc::new(Outbox::in_memory());
        let router = auth::router(AuthState::new(app, outbox.clone()));
        Self {
            router,
            store,
            outbox,
            clock,
            tenant: tenant.id,
        }
    }

    /// A customer in `language` with an open invitation; returns its id and the link's token.
    async fn invited(&self, language: Language) -> (CustomerId, LinkToken, Invitation) {
        self.invited_as(language, &format!("{}@kunde.example", ulid_like()))
            .await
    }

    /// Like [`Portal::invited`], with the login email `email`.
    async fn invited_as(
        &self,
        language: Language,
        email: &str,
    ) -> (CustomerId, LinkToken, Invitation) {
        let changes: CustomerChanges = serde_json::from_value(json!({
            "companyName": "Bäckerei <Schmidt>",
            "loginEmail": email,
            "language": language.code(),
        }))
        .unwrap();
        let customer = changes.validate(None).unwrap().into_new_customer(
            CustomerId::new(),
            self.tenant,
            Language::De,
            Utc::now(),
        );
        self.store.create_customer(&customer).await.unwrap();
        let token = LinkToken::generate().unwrap();
        let now = self.clock.now();
        let invitation = Invitation {
            id: InvitationId::new(),
            tenant_id: self.tenant,
            customer_id: customer.id,
            channels: vec![Channel::Email],
            area: PortalArea::Files,
            note: None,
            language,
            state: InvitationState::Sent,
            token_hash: token.hash(),
            recipient: None,
            created_at: now,
            expires_at: now + Duration::days(7),
            created_by: Actor::System,
            history: vec![],
            version: 1,
        };
        let record = TokenRecord::for_invitation(&invitation)
            .sent_to(customer.login_email.as_ref().expect("a login email"));
        let open = self
            .store
            .open_invitations(customer.tenant_id, customer.id)
            .await
            .unwrap();
        let superseded = Invitation::superseded_event(invitation.id, Actor::System, now);
        self.store
            .issue_invitation(&customer, &invitation, &record, &open, &superseded)
            .await
            .unwrap();
        (customer.id, token, invitation)
    }

    async fn send(
        &self,
        method: Method,
        uri: &str,
        body: Option<(&str, String)>,
        headers: &[(&str, &str)],
    ) -> Answer {
        // Every request comes to the agency's portal address, as through its domain.
        let mut all = vec![("host", "kunden.berg.example")];
        all.extend_from_slice(headers);
        testkit::oneshot(&self.router, method, uri, body, &all).await
    }

    async fn json(
        &self,
        method: Method,
        uri: &str,
        body: Value,
        headers: &[(&str, &str)],
    ) -> Answer {
        self.send(
            method,
            uri,
            Some(("application/json", body.to_string())),
            headers,
        )
        .await
    }

    async fn accept(&self, token: &LinkToken, password: &str) -> Answer {
        self.json(
            Method::POST,
            "/invitations/accept",
            json!({"token": token.expose(), "password": password}),
            &[],
        )
        .await
    }

    async fn login(&self, email: &str, password: &str) -> Answer {
        self.json(
            Method::POST,
            "/login",
            json!({"email": email, "password": password}),
            &[],
        )
        .await
    }

    fn advance(&self, by: Duration) {
        self.clock.advance(by);
    }
}

fn ulid_like() -> String {
    LinkToken::generate().unwrap().expose()[..12]
        .to_lowercase()
        .replace(['-', '_'], "x")
}

#[tokio::test]
async fn the_invitation_page_speaks_every_language_and_escapes_the_company() {
    let portal = Portal::new().await;
    let mut titles = std::collections::HashSet::new();
    for language in Language::ALL {
        let (_, token, _) = portal.invited(language).await;
        let page = portal
            .send(
                Method::GET,
                &format!("/invite/{}", token.expose()),
                None,
                &[],
            )
            .await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.text.contains(&format!("lang=\"{language}\"")));
        assert!(page.text.contains("Webagentur Berg"));
        assert!(page.text.contains("Bäckerei &lt;Schmidt&gt;"), "escaped");
        assert!(page.text.contains("name=\"password\""));
        let title = page
            .text
            .split("<title>")
            .nth(1)
            .unwrap()
            .split("</title>")
            .next()
            .unwrap()
            .to_owned();
        titles.insert(title);
        assert_eq!(page.headers[header::REFERRER_POLICY], "no-referrer");
    }
    assert_eq!(titles.len(), 6, "six different titles: {titles:?}");
}

#[tokio::test]
async fn expired_revoked_and_unknown_links_say_what_happened_in_the_customers_language() {
    let portal = Portal::new().await;
    let (_, expired, _) = portal.invited(Language::Fr).await;
    let (customer, revoked, invitation) = portal.invited(Language::Nl).await;
    let gone = invitation.with_event(
        InvitationEvent {
            at: Utc::now(),
            event: EventKind::Revoked,
            channel: None,
            detail: None,
            by: Actor::System,
        },
        InvitationState::Revoked,
    );
    portal
        .store
        .update_invitation(&invitation, &gone, Some((VoidReason::Revoked, Utc::now())))
        .await
        .unwrap();
    let _ = customer;
    portal.advance(Duration::days(8));

    let page = portal
        .send(
            Method::GET,
            &format!("/invite/{}", expired.expose()),
            None,
            &[],
        )
        .await;
    assert_eq!(page.status, StatusCode::GONE);
    assert!(page.text.contains("lang=\"fr\""));
    let page_nl = portal
        .send(
            Method::GET,
            &format!("/invite/{}", revoked.expose()),
            None,
            &[],
        )
        .await;
    assert_eq!(page_nl.status, StatusCode::GONE);
    assert!(page_nl.text.contains("lang=\"nl\""));
    assert_ne!(
        page.text.replace("lang=\"fr\"", ""),
        page_nl.text.replace("lang=\"nl\"", "")
    );
    let json = portal.accept(&expired, "a long enough passphrase").await;
    assert_eq!(
        (json.status, json.json()["linkStatus"].as_str()),
        (StatusCode::GONE, Some("expired"))
    );
    let json = portal.accept(&revoked, "a long enough passphrase").await;
    assert_eq!(
        (json.status, json.json()["linkStatus"].as_str()),
        (StatusCode::GONE, Some("revoked"))
    );

    let unknown = portal
        .send(
            Method::GET,
            "/invite/not-a-token",
            None,
            &[("accept-language", "es-ES,es;q=0.9")],
        )
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert!(
        unknown.text.contains("lang=\"es\""),
        "the browser's language when the link says nothing"
    );
}

#[tokio::test]
async fn a_link_sent_to_a_former_login_email_says_so_and_sets_nothing() {
    let portal = Portal::new().await;
    let (id, token, _) = portal.invited(Language::Sv).await;
    let current = portal
        .store
        .get_customer(portal.tenant, id)
        .await
        .unwrap()
        .unwrap();
    let changes: CustomerChanges =
        serde_json::from_value(json!({"loginEmail": format!("{}@kunde.example", ulid_like())}))
            .unwrap();
    let next = changes
        .validate(Some(&current))
        .unwrap()
        .applied(&current, Utc::now());
    let voiding = portal::links::voids_for(
        portal.store.as_ref(),
        portal.store.as_ref(),
        &current,
        Some(&next),
        Actor::System,
        Utc::now(),
    )
    .await
    .unwrap();
    portal
        .store
        .update_customer(&current, &next, &voiding.as_voids())
        .await
        .unwrap();

    let page = portal
        .send(
            Method::GET,
            &format!("/invite/{}", token.expose()),
            None,
            &[],
        )
        .await;
    assert_eq!(page.status, StatusCode::GONE);
    assert!(page.text.contains("lang=\"sv\""));
    assert!(
        page.text.contains("inte längre är kontots inloggningsmejl"),
        "{}",
        page.text
    );
    let posted = portal
        .send(
            Method::POST,
            &format!("/invite/{}", token.expose()),
            Some((
                "application/x-www-form-urlencoded",
                "password=kanelbullar+varje+fredag".into(),
            )),
            &[],
        )
        .await;
    assert_eq!(posted.status, StatusCode::GONE);
    let json = portal.accept(&token, "kanelbullar varje fredag").await;
    assert_eq!(
        (json.status, json.json()["linkStatus"].as_str()),
        (StatusCode::GONE, Some("login-email-changed"))
    );
    assert_eq!(
        portal
            .store
            .get_account(portal.tenant, Subject::Customer(id))
            .await
            .unwrap(),
        None,
        "no password was set"
    );
}

#[tokio::test]
async fn of_two_concurrent_accepts_exactly_one_sets_the_password() {
    let portal = Arc::new(Portal::new().await);
    let (_, token, _) = portal.invited(Language::En).await;
    let token = Arc::new(token);
    let attempts: Vec<_> = ["first passphrase is long", "second passphrase is long"]
        .into_iter()
        .map(|password| {
            let (portal, token) = (portal.clone(), token.clone());
            tokio::spawn(async move { portal.accept(&token, password).await.status })
        })
        .collect();
    let mut statuses = Vec::new();
    for a in attempts {
        statuses.push(a.await.unwrap());
    }
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::GONE]);
}

#[tokio::test]
async fn weak_passwords_are_refused_with_a_localized_reason_and_the_link_stays_usable() {
    let portal = Portal::new().await;
    let (customer, token, _) = portal.invited(Language::De).await;
    let email = portal
        .store
        .get_customer(portal.tenant, customer)
        .await
        .unwrap()
        .unwrap()
        .login_email
        .unwrap();
    for (password, reason) in [
        ("zu kurz", "password-too-short"),
        ("123456789987654321", "password-common"),
        (
            &format!("{} ist mein passwort", email.as_str()) as &str,
            "password-contains-email",
        ),
    ] {
        let answer = portal.accept(&token, password).await;
        assert_eq!(
            answer.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{password}"
        );
        assert_eq!(answer.json()["reason"], reason);
        assert_eq!(answer.json()["errors"][0]["field"], "password");
    }
    let short = portal.accept(&token, "zu kurz").await;
    assert!(
        short.json()["detail"]
            .as_str()
            .unwrap()
            .contains("15 Zeichen"),
        "German: {}",
        short.text
    );
    assert_eq!(
        portal
            .accept(&token, "Brötchen backen um fünf Uhr")
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_lockout_lifts_by_itself_after_retry_after() {
    let portal = Portal::new().await;
    let (customer, token, _) = portal.invited(Language::En).await;
    let email = portal
        .store
        .get_customer(portal.tenant, customer)
        .await
        .unwrap()
        .unwrap()
        .login_email
        .unwrap()
        .to_string();
    assert_eq!(
        portal
            .accept(&token, "the right long passphrase")
            .await
            .status,
        StatusCode::OK
    );
    for _ in 0..5 {
        assert_eq!(
            portal.login(&email, "a wrong long passphrase").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    let locked = portal.login(&email, "the right long passphrase").await;
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS);
    let retry: i64 = locked.headers[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    // The rest of this quarter hour, then a fifth of the next (the sliding window).
    assert!((1..=18 * 60).contains(&retry), "{retry}");
    portal.advance(Duration::seconds(retry));
    let lifted = portal.login(&email, "the right long passphrase").await;
    assert_eq!(
        lifted.status,
        StatusCode::OK,
        "lifted: {} retry {retry}",
        lifted.text
    );
}

#[tokio::test]
async fn sessions_expire_when_idle_and_each_customer_sees_only_their_own_data() {
    let portal = Portal::new().await;
    let (a, token_a, _) = portal.invited(Language::En).await;
    let (b, token_b, _) = portal.invited(Language::Sv).await;
    let session_a = portal
        .accept(&token_a, "customer a long passphrase")
        .await
        .json();
    let session_b = portal
        .accept(&token_b, "customer b long passphrase")
        .await
        .json();
    for (session, id) in [(&session_a, a), (&session_b, b)] {
        let bearer = format!("Bearer {}", session["sessionToken"].as_str().unwrap());
        let me = portal
            .send(Method::GET, "/me", None, &[("authorization", &bearer)])
            .await;
        assert_eq!(me.json()["id"], id.to_string());
        assert!(
            me.json().get("notes").is_none(),
            "the agency's notes stay with the agency"
        );
    }
    let bearer = format!("Bearer {}", session_a["sessionToken"].as_str().unwrap());
    portal.advance(Duration::hours(11));
    assert_eq!(
        portal
            .send(Method::GET, "/me", None, &[("authorization", &bearer)])
            .await
            .status,
        StatusCode::OK
    );
    portal.advance(Duration::hours(11));
    assert_eq!(
        portal
            .send(Method::GET, "/me", None, &[("authorization", &bearer)])
            .await
            .status,
        StatusCode::OK,
        "use keeps it alive"
    );
    portal.advance(Duration::hours(13));
    assert_eq!(
        portal
            .send(Method::GET, "/me", None, &[("authorization", &bearer)])
            .await
            .status,
        StatusCode::UNAUTHORIZED,
        "idle too long"
    );
}

#[tokio::test]
async fn cookie_requests_need_the_csrf_token_and_cross_site_forms_are_refused() {
    let portal = Portal::new().await;
    let (_, token, _) = portal.invited(Language::En).await;
    let accepted = portal.accept(&token, "a long enough passphrase").await;
    let cookie = accepted.headers[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    assert!(
        accepted.headers[header::SET_COOKIE]
            .to_str()
            .unwrap()
            .contains("; Secure"),
        "https portal"
    );
    let csrf = accepted.json()["csrfToken"].as_str().unwrap().to_owned();
    let patch = |extra: Vec<(&'static str, String)>| {
        let mut headers = vec![("cookie", cookie.clone())];
        headers.extend(extra);
        headers
    };
    for (headers, expected) in [
        (patch(vec![]), StatusCode::FORBIDDEN),
        (
            patch(vec![("x-csrf-token", "wrong".into())]),
            StatusCode::FORBIDDEN,
        ),
        (patch(vec![("x-csrf-token", csrf.clone())]), StatusCode::OK),
    ] {
        let refs: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let answer = portal
            .json(Method::PATCH, "/me", json!({"owner": "Someone"}), &refs)
            .await;
        assert_eq!(answer.status, expected, "{}", answer.text);
    }
    let form = portal
        .send(
            Method::POST,
            "/me",
            Some((
                "application/x-www-form-urlencoded",
                "companyName=Evil".into(),
            )),
            &[("cookie", &cookie)],
        )
        .await;
    assert_eq!(
        form.status,
        StatusCode::FORBIDDEN,
        "a form without the csrf field"
    );
    let cross = portal
        .send(
            Method::POST,
            "/login",
            Some((
                "application/x-www-form-urlencoded",
                "email=a%40b.example&password=x".into(),
            )),
            &[("origin", "https://evil.example")],
        )
        .await;
    assert_eq!(cross.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_hash_made_with_older_parameters_is_upgraded_at_login() {
    use argon2::{
        Algorithm, Argon2, Params, PasswordHasher, Version,
        password_hash::{SaltString, rand_core::OsRng},
    };
    let portal = Portal::new().await;
    let (customer, token, _) = portal.invited(Language::En).await;
    let email = portal
        .store
        .get_customer(portal.tenant, customer)
        .await
        .unwrap()
        .unwrap()
        .login_email
        .unwrap()
        .to_string();
    assert_eq!(
        portal
            .accept(&token, "the right long passphrase")
            .await
            .status,
        StatusCode::OK
    );
    let current = portal
        .store
        .get_account(portal.tenant, portal::domain::Subject::Customer(customer))
        .await
        .unwrap()
        .unwrap();
    let weak = Argon2::new(
        Algorithm::Argon2id,
        Version::V0x13,
        Params::new(4096, 1, 1, None).unwrap(),
    )
    .hash_password(
        b"the right long passphrase",
        &SaltString::generate(&mut OsRng),
    )
    .unwrap()
    .to_string();
    let old = portal::domain::Account {
        password_hash: weak,
        version: current.version + 1,
        ..current.clone()
    };
    portal.store.update_account(&current, &old).await.unwrap();
    assert_eq!(
        portal
            .login(&email, "the right long passphrase")
            .await
            .status,
        StatusCode::OK
    );
    let upgraded = portal
        .store
        .get_account(portal.tenant, portal::domain::Subject::Customer(customer))
        .await
        .unwrap()
        .unwrap();
    assert!(
        upgraded
            .password_hash
            .starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{}",
        upgraded.password_hash
    );
    assert_eq!(
        portal
            .login(&email, "the right long passphrase")
            .await
            .status,
        StatusCode::OK,
        "the new hash works"
    );
}

#[tokio::test]
async fn the_login_and_forgot_pages_wear_the_agencys_name_on_its_address() {
    let portal = Portal::new().await;
    for path in ["/login", "/password/forgot"] {
        let page = portal.send(Method::GET, path, None, &[]).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.text.contains("Webagentur Berg"), "{path}");
        assert!(
            page.text.contains("lang=\"de\""),
            "{path}: the agency's language when the browser names none"
        );
        let swedish = portal
            .send(Method::GET, path, None, &[("accept-language", "sv-SE")])
            .await;
        assert!(
            swedish.text.contains("lang=\"sv\""),
            "{path}: the browser's language first"
        );
    }
    let text = testkit::oneshot(
        &portal.router,
        Method::GET,
        "/login",
        None,
        &[("host", "unknown.example")],
    )
    .await
    .text;
    assert!(!text.contains("Webagentur Berg"));
    assert!(text.contains("lang=\"en\""));
}

impl Portal {
    /// A customer who has set `password`; returns their login email.
    async fn active(&self, password: &str) -> String {
        let (customer, token, _) = self.invited(Language::En).await;
        assert_eq!(self.accept(&token, password).await.status, StatusCode::OK);
        self.store
            .get_customer(self.tenant, customer)
            .await
            .unwrap()
            .unwrap()
            .login_email
            .unwrap()
            .to_string()
    }

    /// A JSON login sent from the network address `address`, as API Gateway reports it.
    async fn login_from(&self, address: &str, email: &str, password: &str) -> StatusCode {
        let request = Request::builder()
            .method(Method::POST)
            .uri("/login")
            .header(header::HOST, "kunden.berg.example")
            .header(header::CONTENT_TYPE, "application/json")
            .extension(portal::http::ClientAddress(address.to_owned()))
            .body(Body::from(
                json!({"email": email, "password": password}).to_string(),
            ))
            .unwrap();
        testkit::send(&self.router, request).await.status
    }

    /// Moves the clock to `before` ahead of the next quarter hour, where a counting window ends.
    fn just_before_a_window_ends(&self, before: Duration) {
        use chrono::DurationRound;
        let now = self.clock.now();
        let end = now.duration_trunc(Duration::minutes(15)).unwrap() + Duration::minutes(15);
        self.clock.set(end - before);
    }
}

fn tally(statuses: &[StatusCode]) -> (usize, usize) {
    let count = |s| statuses.iter().filter(|x| **x == s).count();
    (
        count(StatusCode::UNAUTHORIZED),
        count(StatusCode::TOO_MANY_REQUESTS),
    )
}

#[tokio::test]
async fn forty_parallel_wrong_logins_for_one_account_get_at_most_five_401s() {
    let portal = Arc::new(Portal::new().await);
    let email = Arc::new(portal.active("the right long passphrase").await);
    let attempts: Vec<_> = (0..40)
        .map(|i| {
            let (portal, email) = (portal.clone(), email.clone());
            tokio::spawn(async move {
                portal
                    .login_from(
                        &format!("198.51.100.{i}"),
                        &email,
                        "a wrong long passphrase",
                    )
                    .await
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for a in attempts {
        statuses.push(a.await.unwrap());
    }
    let (unauthorized, refused) = tally(&statuses);
    assert!(unauthorized <= 5, "{unauthorized} got 401: {statuses:?}");
    assert_eq!(unauthorized + refused, 40, "{statuses:?}");
}

#[tokio::test]
async fn eighty_parallel_wrong_logins_from_one_address_get_at_most_fifty_401s() {
    let portal = Arc::new(Portal::new().await);
    let attempts: Vec<_> = (0..80)
        .map(|i| {
            let portal = portal.clone();
            tokio::spawn(async move {
                portal
                    .login_from(
                        "203.0.113.80",
                        &format!("nobody{i}@kunde.example"),
                        "a wrong long passphrase",
                    )
                    .await
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for a in attempts {
        statuses.push(a.await.unwrap());
    }
    let (unauthorized, refused) = tally(&statuses);
    assert!(unauthorized <= 50, "{unauthorized} got 401");
    assert_eq!(unauthorized + refused, 80, "{statuses:?}");
}

#[tokio::test]
async fn ten_guesses_across_a_window_boundary_in_two_seconds_are_not_possible() {
    let portal = Portal::new().await;
    let email = portal.active("the right long passphrase").await;
    portal.just_before_a_window_ends(Duration::seconds(1));
    let mut statuses = Vec::new();
    for _ in 0..5 {
        statuses.push(portal.login(&email, "a wrong long passphrase").await.status);
    }
    portal.advance(Duration::seconds(2));
    for _ in 0..5 {
        statuses.push(portal.login(&email, "a wrong long passphrase").await.status);
    }
    assert_eq!(tally(&statuses), (5, 5), "{statuses:?}");
    let locked = portal.login(&email, "the right long passphrase").await;
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS);
    let retry: i64 = locked.headers[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        retry > 60,
        "the last window's failures still weigh in: {retry}"
    );
    portal.advance(Duration::seconds(retry - 2));
    assert_eq!(
        portal
            .login(&email, "the right long passphrase")
            .await
            .status,
        StatusCode::TOO_MANY_REQUESTS,
        "not before Retry-After"
    );
    portal.advance(Duration::seconds(2));
    assert_eq!(
        portal
            .login(&email, "the right long passphrase")
            .await
            .status,
        StatusCode::OK,
        "but after it"
    );
}

#[tokio::test]
async fn logging_in_often_with_the_right_password_locks_nobody_out() {
    let portal = Portal::new().await;
    let email = portal.active("the right long passphrase").await;
    for i in 0..12 {
        let answer = portal.login(&email, "the right long passphrase").await;
        assert_eq!(answer.status, StatusCode::OK, "login {i}: {}", answer.text);
    }
    for _ in 0..5 {
        assert_eq!(
            portal.login(&email, "a wrong long passphrase").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
}

#[tokio::test]
async fn wrong_current_passwords_on_me_password_are_refused_after_five() {
    let portal = Portal::new().await;
    let (_, token, _) = portal.invited(Language::De).await;
    let session = portal
        .accept(&token, "the right long passphrase")
        .await
        .json();
    let bearer = format!("Bearer {}", session["sessionToken"].as_str().unwrap());
    let change = |current: &'static str| {
        let bearer = bearer.clone();
        let portal = &portal;
        async move {
            portal
                .json(
                    Method::POST,
                    "/me/password",
                    json!({"current": current, "new": "a brand new long passphrase"}),
                    &[("authorization", &bearer)],
                )
                .await
        }
    };
    for _ in 0..5 {
        assert_eq!(
            change("a wrong long passphrase").await.status,
            StatusCode::UNPROCESSABLE_ENTITY
        );
    }
    let refused = change("the right long passphrase").await;
    assert_eq!(
        refused.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        refused.text
    );
    assert!(refused.headers.contains_key(header::RETRY_AFTER));
    assert_eq!(refused.json()["type"], "/problems/too-many-attempts");
    assert_eq!(refused.json()["errors"][0]["field"], "current");
    assert!(
        refused.json()["detail"]
            .as_str()
            .unwrap()
            .contains("Minuten"),
        "in German: {}",
        refused.text
    );
    portal.advance(Duration::minutes(30));
    assert_eq!(
        change("the right long passphrase").await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_next_that_leaves_the_portal_is_never_followed() {
    let portal = Portal::new().await;
    let email = portal.active("the right long passphrase").await;
    for evil in [
        "/%09/evil.example",
        "/%5Cevil.example",
        "/%2F%2Fevil.example",
        "//evil.example",
        "https://evil.example",
        "/%0D%0ASet-Cookie:%20x=y",
    ] {
        let page = portal
            .send(Method::GET, &format!("/login?next={evil}"), None, &[])
            .await;
        assert_eq!(page.status, StatusCode::OK, "{evil}");
        assert!(
            !page.text.contains("evil.example") && !page.text.contains("Set-Cookie"),
            "{evil} reached the form: {}",
            page.text
        );
        let body = serde_urlencoded::to_string([
            ("email", email.as_str()),
            ("password", "the right long passphrase"),
            ("next", &urlencoding_decode(evil)),
        ])
        .unwrap();
        let answer = portal
            .send(
                Method::POST,
                "/login",
                Some(("application/x-www-form-urlencoded", body)),
                &[],
            )
            .await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER, "{evil}");
        assert_eq!(answer.headers[header::LOCATION], "/me", "{evil}");
    }
    let good = serde_urlencoded::to_string([
        ("email", email.as_str()),
        ("password", "the right long passphrase"),
        ("next", "/files?sort=name"),
    ])
    .unwrap();
    let answer = portal
        .send(
            Method::POST,
            "/login",
            Some(("application/x-www-form-urlencoded", good)),
            &[],
        )
        .await;
    assert_eq!(answer.headers[header::LOCATION], "/files?sort=name");
}

/// The query's `next` as the login form would post it back (decoded once).
fn urlencoding_decode(raw: &str) -> String {
    serde_urlencoded::from_str::<Vec<(String, String)>>(&format!("n={raw}"))
        .unwrap()
        .remove(0)
        .1
}

#[tokio::test]
async fn the_reset_email_goes_to_the_stored_address_however_it_was_typed() {
    let portal = Portal::new().await;
    let stored = format!("kim{}@kunde.example", ulid_like());
    let (_, token, _) = portal.invited_as(Language::En, &stored).await;
    assert_eq!(
        portal
            .accept(&token, "the right long passphrase")
            .await
            .status,
        StatusCode::OK
    );
    let shouting = stored.to_uppercase();
    let kelvin = stored.replacen('k', "\u{212A}", 1);
    for typed in [&shouting, &kelvin] {
        let answer = portal
            .json(
                Method::POST,
                "/password/forgot",
                json!({"email": typed}),
                &[],
            )
            .await;
        assert_eq!(answer.status, StatusCode::ACCEPTED);
    }
    let sent = portal.outbox.messages().unwrap();
    assert_eq!(sent.len(), 2, "{sent:?}");
    for message in &sent {
        assert_eq!(message.to, stored);
        assert!(message.text.contains(&stored), "{}", message.text);
    }
}

/// A customer logged in by accepting their invitation: the cookie, the CSRF token, the bearer.
async fn logged_in(portal: &Portal) -> (String, String, String) {
    let (_, token, _) = portal.invited(Language::En).await;
    let accepted = portal.accept(&token, "a long enough passphrase").await;
    let cookie = accepted.headers[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let body = accepted.json();
    let csrf = body["csrfToken"].as_str().unwrap().to_owned();
    let bearer = format!("Bearer {}", body["sessionToken"].as_str().unwrap());
    (cookie, csrf, bearer)
}

fn assert_problem(answer: &Answer, status: StatusCode, kind: &str, what: &str) {
    assert_eq!(answer.status, status, "{what}: {}", answer.text);
    assert_eq!(
        answer.headers[header::CONTENT_TYPE],
        "application/problem+json",
        "{what}: {}",
        answer.text
    );
    assert_eq!(answer.json()["type"], kind, "{what}: {}", answer.text);
}

#[tokio::test]
async fn rejected_paths_queries_and_bodies_answer_problem_json() {
    let portal = Portal::new().await;
    let (cookie, csrf, bearer) = logged_in(&portal).await;
    for uri in ["/invite/%FF", "/password/reset/%FF"] {
        let answer = portal.send(Method::GET, uri, None, &[]).await;
        assert_problem(
            &answer,
            StatusCode::BAD_REQUEST,
            "/problems/invalid-parameter",
            uri,
        );
        assert_eq!(answer.json()["errors"][0]["field"], "token");
    }
    let answer = portal
        .send(Method::GET, "/login?next=/a&next=/b", None, &[])
        .await;
    assert_problem(
        &answer,
        StatusCode::BAD_REQUEST,
        "/problems/invalid-parameter",
        "next twice",
    );
    assert_eq!(answer.json()["errors"][0]["field"], "next");
    let answer = portal
        .send(
            Method::POST,
            "/invite/x",
            Some(("application/json", "{bad".into())),
            &[],
        )
        .await;
    assert_problem(
        &answer,
        StatusCode::BAD_REQUEST,
        "/problems/malformed-json",
        "{bad",
    );

    let big = format!("csrf={csrf}&companyName={}", "a".repeat(10 * 1024 * 1024));
    let form = "application/x-www-form-urlencoded";
    for (uri, auth) in [
        ("/logout", ("authorization", bearer.as_str())),
        ("/me", ("cookie", cookie.as_str())),
        ("/login", ("x-nothing", "")),
        ("/me/password", ("authorization", bearer.as_str())),
    ] {
        let answer = portal
            .send(Method::POST, uri, Some((form, big.clone())), &[auth])
            .await;
        assert_problem(
            &answer,
            StatusCode::PAYLOAD_TOO_LARGE,
            "/problems/payload-too-large",
            uri,
        );
    }
}

#[tokio::test]
async fn form_fields_that_are_not_utf8_are_refused_not_stored_as_replacement_characters() {
    let portal = Portal::new().await;
    let (cookie, csrf, bearer) = logged_in(&portal).await;
    let form = "application/x-www-form-urlencoded";
    let answer = portal
        .send(
            Method::POST,
            "/me",
            Some((form, format!("csrf={csrf}&companyName=Acme%FF"))),
            &[("cookie", &cookie)],
        )
        .await;
    assert_problem(
        &answer,
        StatusCode::UNPROCESSABLE_ENTITY,
        "/problems/validation",
        "/me",
    );
    assert_eq!(answer.json()["errors"][0]["field"], "companyName");
    let me = portal
        .send(Method::GET, "/me", None, &[("authorization", &bearer)])
        .await;
    assert_eq!(
        me.json()["companyName"],
        "Bäckerei <Schmidt>",
        "nothing stored"
    );

    let answer = portal
        .send(
            Method::POST,
            "/login",
            Some((form, "email=a%FF%40b.example&password=x".into())),
            &[],
        )
        .await;
    assert_problem(
        &answer,
        StatusCode::UNPROCESSABLE_ENTITY,
        "/problems/validation",
        "/login",
    );
    assert_eq!(answer.json()["errors"][0]["field"], "email");
}

#[tokio::test]
async fn names_with_line_separators_are_refused_on_my_data() {
    let portal = Portal::new().await;
    let (_, _, bearer) = logged_in(&portal).await;
    for (field, value) in [
        ("companyName", "Acme\u{2028}GmbH"),
        ("owner", "Anna\u{2029}Schmidt"),
        ("contactPerson", "Jonas\u{c}Weber"),
    ] {
        let answer = portal
            .json(
                Method::PATCH,
                "/me",
                json!({ field: value }),
                &[("authorization", &bearer)],
            )
            .await;
        assert_problem(
            &answer,
            StatusCode::UNPROCESSABLE_ENTITY,
            "/problems/validation",
            field,
        );
        assert_eq!(answer.json()["errors"][0]["field"], field);
    }
}

#[tokio::test]
async fn no_page_can_be_framed_by_another_site() {
    let portal = Portal::new().await;
    let (_, token, _) = portal.invited(Language::De).await;
    let (cookie, _, _) = logged_in(&portal).await;
    let invite = format!("/invite/{}", token.expose());
    for (uri, headers) in [
        ("/login", vec![]),
        ("/password/forgot", vec![]),
        (invite.as_str(), vec![]),
        (
            "/invite/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            vec![],
        ),
        (
            "/me",
            vec![("cookie", cookie.as_str()), ("accept", "text/html")],
        ),
    ] {
        let answer = portal.send(Method::GET, uri, None, &headers).await;
        assert!(
            answer.headers[header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with("text/html"),
            "{uri}"
        );
        assert_eq!(answer.headers["x-frame-options"], "DENY", "{uri}");
        let csp = answer.headers[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap();
        assert!(csp.contains("frame-ancestors 'none'"), "{uri}: {csp}");
        assert!(csp.contains("default-src 'none'"), "{uri}: {csp}");
    }
}

#[tokio::test]
async fn my_data_without_a_session_sends_a_browser_to_the_login_page_and_an_api_client_a_401() {
    let portal = Portal::new().await;
    let page = portal
        .send(Method::GET, "/me", None, &[("accept", "text/html")])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(page.headers[header::LOCATION], "/login?next=/me");
    let api = portal.send(Method::GET, "/me", None, &[]).await;
    assert_eq!(api.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        api.headers[header::CONTENT_TYPE],
        "application/problem+json"
    );
}

#[tokio::test]
async fn the_signed_out_pages_wear_the_agencys_logo_and_colour_when_the_agency_is_known() {
    let portal = Portal::new().await;
    let mut tenant = portal
        .store
        .get_tenant(portal.tenant)
        .await
        .unwrap()
        .unwrap();
    tenant.branding = portal::domain::BrandingInput {
        logo_url: Some("https://cdn.berg.example/logo.svg?v=1&x=\"><b>".into()),
        colour: Some("#C81E1E".into()),
    }
    .validate()
    .unwrap();
    portal.store.update_tenant(&tenant).await.unwrap();
    let logo = "<img class=\"logo\" src=\"https:&#x2f;&#x2f;cdn.berg.example&#x2f;logo.svg?v=1&amp;x=%22%3E%3Cb%3E\" alt=\"\">";
    let colour = "border-top:6px solid #c81e1e";

    let (_, token, _) = portal.invited(Language::Fr).await;
    let (_, used, _) = portal.invited(Language::En).await;
    assert_eq!(
        portal
            .accept(&used, "the right long passphrase")
            .await
            .status,
        StatusCode::OK
    );
    let invite = format!("/invite/{}", token.expose());
    let used = format!("/invite/{}", used.expose());
    // By the portal address (login, forgot), and by the link (set password, a used link).
    for (path, status) in [
        ("/login", StatusCode::OK),
        ("/password/forgot", StatusCode::OK),
        (invite.as_str(), StatusCode::OK),
        (used.as_str(), StatusCode::GONE),
    ] {
        let page = portal.send(Method::GET, path, None, &[]).await;
        assert_eq!(page.status, status, "{path}: {}", page.text);
        assert!(
            page.text.contains(logo),
            "{path}: the logo, escaped: {}",
            page.text
        );
        assert!(page.text.contains(colour), "{path}: the colour");
        assert!(!page.text.contains("<b>"), "{path}");
    }
    let forgot = portal
        .send(
            Method::POST,
            "/password/forgot",
            Some((
                "application/x-www-form-urlencoded",
                "email=nobody%40kunde.example".into(),
            )),
            &[],
        )
        .await;
    assert_eq!(forgot.status, StatusCode::ACCEPTED);
    assert!(forgot.text.contains(colour), "after sending too");

    // Another address: no agency is known, so none is worn.
    for path in ["/login", "/password/forgot", "/invite/not-a-token"] {
        let text = testkit::oneshot(
            &portal.router,
            Method::GET,
            path,
            None,
            &[("host", "unknown.example")],
        )
        .await
        .text;
        assert!(!text.contains("class=\"logo\""), "{path}");
        assert!(!text.contains("border-top:6px"), "{path}");
    }
}
