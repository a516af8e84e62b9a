//! The public intake `POST /f/{formId}` driven with `oneshot` on the embedded store and the
//! outbox: every kind of body, every refusal, the bots, and the notification.

mod support;

use std::{sync::Arc, time::Duration as StdDuration};

use axum::{
    Router,
    body::Body,
    http::{Method, Request, StatusCode, header},
    routing::post,
};
use forms::turnstile::{HumanCheck, Turnstile};
use portal::domain::{EmailState, FormId, Language, Verification};
use serde_json::{Value, json};
use support::{FORM, Portal, SITE, Site};

async fn a_plain_html_post_is_stored_redirected_and_emailed_with_the_visitor_as_reply_to() {
    let site = Site::new().await;
    let form = site
        .form(json!({"redirectUrl": "https://www.kunde.example/danke"}))
        .await;

    let answer = site
        .post(
            &form,
            FORM,
            "name=Ada+L%C3%B6vel&email=ada%40visitor.example&message=Hallo%0D%0AWelt&_gotcha=",
            &[("origin", SITE), ("user-agent", "Mozilla/5.0 Test")],
        )
        .await;

    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.text);
    assert_eq!(
        answer.headers[header::LOCATION],
        "https://www.kunde.example/danke"
    );
    let entries = site.entries().await;
    assert_eq!(entries.len(), 1);
    let entry = &entries[0];
    let fields: Vec<(&str, &str)> = entry
        .fields
        .iter()
        .map(|f| (f.name.as_str(), f.value.as_str()))
        .collect();
    assert_eq!(
        fields,
        [
            ("name", "Ada Lövel"),
            ("email", "ada@visitor.example"),
            ("message", "Hallo\r\nWelt")
        ],
        "in submitted order, the honeypot left out"
    );
    assert_eq!(entry.origin.as_deref(), Some(SITE));
    assert_eq!(entry.user_agent.as_deref(), Some("Mozilla/5.0 Test"));
    assert_eq!(entry.verification, Verification::NotRequired);

    let emails = site.emails(2).await;
    assert_eq!(emails.len(), 2, "one email per recipient");
    let to: Vec<&str> = emails.iter().map(|m| m.to.as_str()).collect();
    assert_eq!(to, ["info@kunde.example", "team@kunde.example"]);
    for email in &emails {
        assert_eq!(email.reply_to.as_deref(), Some("ada@visitor.example"));
        assert_eq!(email.subject.as_deref(), Some("Neuer Eintrag: Kontakt"));
        assert!(email.text.contains("name: Ada Lövel"), "{}", email.text);
        assert!(email.text.contains("email: ada@visitor.example"));
    }
    let settled = site.settled().await;
    assert_eq!(settled.email_state, EmailState::Sent);
    assert_eq!(settled.email_attempts, 1);
    assert_eq!(site.counts(&form).await, (1, 0, 0));
}

async fn without_a_redirect_the_thank_you_page_speaks_the_forms_language_and_links_back() {
    let site = Site::new().await;
    for language in Language::ALL {
        let form = site.form(json!({"language": language.code()})).await;
        let answer = site
            .post_from(
                &form,
                FORM,
                "message=hi",
                &[
                    ("origin", SITE),
                    ("referer", "https://www.kunde.example/kontakt"),
                ],
                &format!("198.51.100.{}", language as u8 + 1),
            )
            .await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
        assert!(
            answer.headers[header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
        assert!(
            answer
                .text
                .contains(&format!("<html lang=\"{}\">", language.code()))
        );
        assert!(
            answer
                .text
                .contains(&portal::i18n::t(language, "form-thanks-title")),
            "{language:?}"
        );
        // MiniJinja escapes the slashes too.
        assert!(
            answer
                .text
                .contains(r#"<a href="https:&#x2f;&#x2f;www.kunde.example&#x2f;kontakt">"#),
            "{}",
            answer.text
        );
    }
}

async fn a_json_post_gets_201_json_and_a_bad_one_a_json_problem() {
    let site = Site::new().await;
    let form = site.form(json!({"language": "fr"})).await;

    let answer = site
        .post(
            &form,
            "application/json",
            json!({"email": "ada@visitor.example", "n": 3, "ok": true}).to_string(),
            &[("origin", SITE), ("accept", "application/json")],
        )
        .await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.text);
    let body = answer.json();
    assert_eq!(body["message"], "Merci ! Votre message a été envoyé.");
    assert_eq!(answer.headers[header::ACCESS_CONTROL_ALLOW_ORIGIN], SITE);
    let entries = site.entries().await;
    assert_eq!(body["id"], entries[0].id.to_string());
    assert_eq!(entries[0].fields[1].value, "3");

    let answer = site
        .post(
            &form,
            "application/json",
            json!({"nested": {"a": 1}}).to_string(),
            &[("origin", SITE), ("accept", "application/json")],
        )
        .await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        answer.headers[header::CONTENT_TYPE],
        "application/problem+json"
    );
    assert_eq!(answer.json()["errors"][0]["field"], "nested");

    let answer = site
        .post(
            &form,
            "text/plain",
            "hello",
            &[("accept", "application/json")],
        )
        .await;
    assert_eq!(answer.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(answer.json()["type"], "/problems/unsupported-media-type");
}

fn multipart(parts: &[(&str, Option<&str>, &str)]) -> (String, String) {
    let boundary = "----portal-test-boundary";
    let mut body = String::new();
    for (name, file, value) in parts {
        body.push_str(&format!("--{boundary}\r\n"));
        match file {
            Some(file) => body.push_str(&format!(
                "Content-Disposition: form-data; name=\"{name}\"; filename=\"{file}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )),
            None => body.push_str(&format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n")),
        }
        body.push_str(value);
        body.push_str("\r\n");
    }
    body.push_str(&format!("--{boundary}--\r\n"));
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn a_multipart_post_keeps_its_text_fields_and_refuses_files_clearly() {
    let site = Site::new().await;
    let form = site.form(json!({})).await;
    let (content_type, body) = multipart(&[
        ("name", None, "Ada"),
        ("message", None, "Zeile 1\r\nZeile 2"),
        ("attachment", Some(""), ""),
    ]);
    let answer = site
        .post(&form, &content_type, body, &[("origin", SITE)])
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    let entry = &site.entries().await[0];
    assert_eq!(entry.fields.len(), 2, "an empty file input is no file");
    assert_eq!(entry.fields[1].value, "Zeile 1\r\nZeile 2");

    let (content_type, body) =
        multipart(&[("name", None, "Ada"), ("cv", Some("cv.pdf"), "%PDF-1.4")]);
    let answer = site
        .post(
            &form,
            &content_type,
            body,
            &[("origin", SITE), ("accept", "application/json")],
        )
        .await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    let problem = answer.json();
    assert_eq!(problem["errors"][0]["field"], "cv");
    assert_eq!(problem["errors"][0]["code"], "file-not-accepted");
    assert_eq!(site.entries().await.len(), 1, "nothing more stored");

    let (content_type, body) = multipart(&[("cv", Some("cv.pdf"), "%PDF-1.4")]);
    let answer = site
        .post(&form, &content_type, body, &[("origin", SITE)])
        .await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        answer
            .text
            .contains("Mit diesem Formular können keine Dateien gesendet werden.")
    );
    assert_eq!(site.counts(&form).await, (1, 0, 2));
}

async fn cors_preflight_is_answered_for_allowed_origins_only_and_other_origins_are_refused() {
    let site = Site::new().await;
    let form = site.form(json!({})).await;
    let preflight = |origin: &'static str| {
        let router = site.portal.router.clone();
        let form = form.clone();
        async move {
            let request = Request::builder()
                .method(Method::OPTIONS)
                .uri(format!("/f/{form}"))
                .header("origin", origin)
                .header("access-control-request-method", "POST")
                .body(Body::empty())
                .unwrap();
            testkit::send(&router, request).await
        }
    };
    let allowed = preflight(SITE).await;
    assert_eq!(allowed.status, StatusCode::NO_CONTENT);
    assert_eq!(allowed.headers[header::ACCESS_CONTROL_ALLOW_ORIGIN], SITE);
    assert_eq!(
        allowed.headers[header::ACCESS_CONTROL_ALLOW_METHODS],
        "POST"
    );

    let refused = preflight("https://evil.example").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(
        !refused
            .headers
            .contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN)
    );

    for forged in [
        "https://evil.example",
        "null",
        "https://www.kunde.example.evil.example",
    ] {
        let answer = site
            .post(
                &form,
                FORM,
                "message=hi",
                &[("origin", forged), ("accept", "application/json")],
            )
            .await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "{forged}");
        assert_eq!(answer.json()["type"], "/problems/origin-not-allowed");
        assert!(
            !answer
                .headers
                .contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN)
        );
    }
    assert!(site.entries().await.is_empty());
    assert_eq!(site.counts(&form).await, (0, 0, 3));
    assert!(site.emails(0).await.is_empty());
}

async fn a_bot_filling_the_honeypot_is_answered_as_accepted_and_leaves_only_a_spam_count() {
    let site = Site::new().await;
    let form = site
        .form(json!({"redirectUrl": "https://www.kunde.example/danke"}))
        .await;
    let answer = site
        .post(
            &form,
            FORM,
            "email=bot%40spam.example&_gotcha=http%3A%2F%2Fspam",
            &[("origin", SITE)],
        )
        .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert_eq!(
        answer.headers[header::LOCATION],
        "https://www.kunde.example/danke"
    );
    let answer = site
        .post(
            &form,
            "application/json",
            json!({"_gotcha": "x"}).to_string(),
            &[("origin", SITE), ("accept", "application/json")],
        )
        .await;
    assert_eq!(
        answer.status,
        StatusCode::CREATED,
        "a bot sees what a person sees"
    );
    assert!(answer.json()["id"].is_string());

    tokio::time::sleep(StdDuration::from_millis(100)).await;
    assert!(site.entries().await.is_empty());
    assert!(site.portal.outbox.messages().unwrap().is_empty());
    assert_eq!(site.counts(&form).await, (0, 2, 0));
}

/// A local stand-in for Cloudflare's siteverify: `pass` is the only good token; `down`
/// answers 503.
async fn turnstile_stub() -> String {
    async fn verify(body: String) -> (StatusCode, axum::Json<Value>) {
        let fields: Vec<(String, String)> = serde_urlencoded::from_str(&body).unwrap();
        let get = |name: &str| {
            fields
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.as_str())
                .unwrap_or_default()
                .to_owned()
        };
        assert_eq!(
            get("secret"),
            "0x4AAA-test-secret",
            "the form's secret is sent"
        );
        match get("response").as_str() {
            "pass" => (StatusCode::OK, axum::Json(json!({"success": true}))),
            "down" => (StatusCode::SERVICE_UNAVAILABLE, axum::Json(json!({}))),
            _ => (
                StatusCode::OK,
                axum::Json(json!({"success": false, "error-codes": ["invalid-input-response"]})),
            ),
        }
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let app = Router::new().route("/siteverify", post(verify));
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{address}/siteverify")
}

async fn turnstile_passes_people_refuses_bots_and_an_outage_keeps_the_entry_unverified() {
    let url = turnstile_stub().await;
    let check: Arc<dyn HumanCheck> = Arc::new(Turnstile::new(&url));
    let site = Site::with(Portal::with_check(check).await).await;
    let form = site
        .form(json!({"turnstileSecret": "0x4AAA-test-secret"}))
        .await;
    let post = |token: &'static str, address: &'static str| {
        let site = &site;
        let form = form.clone();
        async move {
            site.post_from(
                &form,
                FORM,
                format!("message=hi&cf-turnstile-response={token}"),
                &[("origin", SITE), ("accept", "application/json")],
                address,
            )
            .await
        }
    };

    let passed = post("pass", "192.0.2.1").await;
    assert_eq!(passed.status, StatusCode::CREATED, "{}", passed.text);
    let failed = post("forged", "192.0.2.2").await;
    assert_eq!(failed.status, StatusCode::FORBIDDEN);
    assert_eq!(failed.json()["type"], "/problems/verification-failed");
    let missing = site
        .post(
            &form,
            FORM,
            "message=hi",
            &[("origin", SITE), ("accept", "application/json")],
        )
        .await;
    assert_eq!(missing.status, StatusCode::FORBIDDEN, "no token, no entry");
    site.portal.clock.advance(chrono::Duration::seconds(1));
    let outage = post("down", "192.0.2.3").await;
    assert_eq!(
        outage.status,
        StatusCode::CREATED,
        "an outage loses no entry"
    );

    let entries = site.entries().await;
    let verifications: Vec<Verification> = entries.iter().map(|e| e.verification).collect();
    assert_eq!(
        verifications,
        [Verification::Unverified, Verification::Passed]
    );
    assert!(
        entries
            .iter()
            .all(|e| e.fields.iter().all(|f| f.name != "cf-turnstile-response")),
        "the token is not kept"
    );
    assert_eq!(site.counts(&form).await, (2, 2, 0));

    // Turnstile not even listening: the same as an outage.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}/siteverify", listener.local_addr().unwrap())
    };
    let check: Arc<dyn HumanCheck> = Arc::new(Turnstile::new(&closed));
    let verdict = check
        .verify(
            &portal::domain::TurnstileSecret::parse("0x4AAA-test-secret").unwrap(),
            "pass",
            None,
        )
        .await;
    assert_eq!(verdict, forms::turnstile::Verdict::Unreachable);
}

async fn fresh_ipv6_addresses_of_one_64_share_one_limit() {
    let site = Site::new().await;
    let form = site.form(json!({"recipients": []})).await;
    for n in 0..forms::intake::PER_ADDRESS {
        let address = format!("2001:db8:7:8::{:x}", n + 1);
        let answer = site
            .post_from(&form, FORM, format!("n={n}"), &[("origin", SITE)], &address)
            .await;
        assert_eq!(answer.status, StatusCode::OK, "entry {n} from {address}");
    }
    let another_128 = site
        .post_from(
            &form,
            FORM,
            "n=over",
            &[("origin", SITE)],
            "2001:db8:7:8:ffff:1:2:3",
        )
        .await;
    assert_eq!(
        another_128.status,
        StatusCode::TOO_MANY_REQUESTS,
        "a new address in the same /64 is the same visitor"
    );
    let next_64 = site
        .post_from(
            &form,
            FORM,
            "n=next",
            &[("origin", SITE)],
            "2001:db8:7:9::1",
        )
        .await;
    assert_eq!(next_64.status, StatusCode::OK, "another /64 has its own");
    let mapped = site
        .post_from(
            &form,
            FORM,
            "n=v4",
            &[("origin", SITE)],
            "::ffff:198.51.100.4",
        )
        .await;
    assert_eq!(mapped.status, StatusCode::OK);
    for n in 1..forms::intake::PER_ADDRESS {
        let answer = site
            .post_from(
                &form,
                FORM,
                format!("v4={n}"),
                &[("origin", SITE)],
                "198.51.100.4",
            )
            .await;
        assert_eq!(answer.status, StatusCode::OK, "v4 entry {n}");
    }
    let over = site
        .post_from(
            &form,
            FORM,
            "n=v4-over",
            &[("origin", SITE)],
            "::ffff:198.51.100.4",
        )
        .await;
    assert_eq!(
        over.status,
        StatusCode::TOO_MANY_REQUESTS,
        "an IPv4-mapped address counts as its IPv4 address"
    );
}

async fn too_many_entries_from_one_address_get_429_with_retry_after() {
    let site = Site::new().await;
    let form = site.form(json!({"recipients": []})).await;
    for n in 0..forms::intake::PER_ADDRESS {
        let answer = site
            .post(&form, FORM, format!("n={n}"), &[("origin", SITE)])
            .await;
        assert_eq!(answer.status, StatusCode::OK, "entry {n}");
    }
    let answer = site
        .post(
            &form,
            FORM,
            "n=over",
            &[("origin", SITE), ("accept", "application/json")],
        )
        .await;
    assert_eq!(answer.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(answer.json()["type"], "/problems/too-many-submissions");
    let retry_after: i64 = answer.headers[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=600).contains(&retry_after), "{retry_after}");
    let html = site.post(&form, FORM, "n=over", &[("origin", SITE)]).await;
    assert_eq!(html.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(html.headers.contains_key(header::RETRY_AFTER));

    let other = site
        .post_from(&form, FORM, "n=other", &[("origin", SITE)], "203.0.113.99")
        .await;
    assert_eq!(
        other.status,
        StatusCode::OK,
        "another address is not held up"
    );
    site.portal
        .clock
        .advance(chrono::Duration::minutes(forms::intake::WINDOW_MINUTES));
    let later = site.post(&form, FORM, "n=later", &[("origin", SITE)]).await;
    assert_eq!(
        later.status,
        StatusCode::OK,
        "the next window starts afresh"
    );
    assert_eq!(
        site.entries().await.len(),
        forms::intake::PER_ADDRESS as usize + 2
    );
    let entry = &site.entries().await[0];
    assert_eq!(entry.email_state, EmailState::NoRecipients);
}

async fn huge_bodies_too_many_fields_and_too_long_values_are_refused_and_counted() {
    let site = Site::new().await;
    let form = site.form(json!({})).await;
    let json_accept = [("origin", SITE), ("accept", "application/json")];

    let huge = format!("message={}", "a".repeat(forms::intake::MAX_BODY));
    let answer = site.post(&form, FORM, huge, &json_accept).await;
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(answer.json()["type"], "/problems/payload-too-large");

    let many: Vec<String> = (0..=forms::intake::MAX_FIELDS)
        .map(|i| format!("f{i}=x"))
        .collect();
    let answer = site.post(&form, FORM, many.join("&"), &json_accept).await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(answer.json()["errors"][0]["code"], "too-many-fields");

    let long = format!("message={}", "ü".repeat(forms::intake::MAX_VALUE_CHARS + 1));
    let answer = site.post(&form, FORM, long, &json_accept).await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    let problem = answer.json();
    assert_eq!(problem["errors"][0]["field"], "message");
    assert_eq!(problem["errors"][0]["code"], "too-long");

    let answer = site.post(&form, FORM, "name=%FF%FE", &json_accept).await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "not UTF-8");

    assert!(site.entries().await.is_empty());
    assert_eq!(site.counts(&form).await, (0, 0, 4));
}

async fn visitor_input_adds_no_header_or_recipient_to_the_notification() {
    let site = Site::new().await;
    let form = site
        .form(json!({"recipients": ["info@kunde.example"]}))
        .await;
    let body = serde_urlencoded::to_string([
        ("email", "ada@visitor.example\r\nBcc: all@evil.example"),
        ("subject", "Hi\r\nBcc: all@evil.example"),
        ("message", "<script>alert(1)</script>"),
    ])
    .unwrap();
    let answer = site.post(&form, FORM, body, &[("origin", SITE)]).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);

    let emails = site.emails(1).await;
    assert_eq!(emails.len(), 1, "only the form's recipient");
    let email = &emails[0];
    assert_eq!(email.to, "info@kunde.example");
    assert_eq!(
        email.reply_to, None,
        "an address with a line break is no address"
    );
    assert_eq!(email.subject.as_deref(), Some("Neuer Eintrag: Kontakt"));
    let html = email.html.as_deref().unwrap();
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{html}"
    );
    assert!(!html.contains("<script>"));
    let entry = &site.entries().await[0];
    assert_eq!(
        entry.fields[0].value, "ada@visitor.example\r\nBcc: all@evil.example",
        "kept as sent"
    );
}

async fn odd_unicode_in_names_and_values_is_kept_and_control_characters_in_names_are_refused() {
    let site = Site::new().await;
    let form = site.form(json!({})).await;
    let odd = [
        ("名前 🙂", "Zoë \u{202E}txt.exe"),
        ("e\u{301}mail", "\u{200B}"),
        ("שם", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢"),
    ];
    let body = serde_urlencoded::to_string(odd).unwrap();
    let answer = site.post(&form, FORM, body, &[("origin", SITE)]).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    let entry = &site.entries().await[0];
    let kept: Vec<(&str, &str)> = entry
        .fields
        .iter()
        .map(|f| (f.name.as_str(), f.value.as_str()))
        .collect();
    assert_eq!(kept, odd);

    let body = serde_urlencoded::to_string([("bad\u{0007}name", "x")]).unwrap();
    let answer = site
        .post(
            &form,
            FORM,
            body,
            &[("origin", SITE), ("accept", "application/json")],
        )
        .await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
}

async fn an_unknown_or_malformed_form_id_is_not_found() {
    let site = Site::new().await;
    for id in [FormId::new().to_string(), "not-an-id".to_owned()] {
        let answer = site
            .post(&id, FORM, "a=b", &[("accept", "application/json")])
            .await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{id}");
        assert_eq!(answer.json()["type"], "/problems/not-found");
        let page = site
            .post(&id, FORM, "a=b", &[("accept-language", "sv")])
            .await;
        assert_eq!(page.status, StatusCode::NOT_FOUND);
        assert!(
            page.text
                .contains("Det här formuläret finns inte (längre).")
        );
    }
}

async fn a_deleted_form_takes_no_more_entries() {
    let site = Site::new().await;
    let form = site.form(json!({})).await;
    let (status, _, _) = site
        .portal
        .call(
            Method::DELETE,
            &format!("/forms/{form}"),
            &site.agency.key,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let answer = site.post(&form, FORM, "a=b", &[("origin", SITE)]).await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert!(site.entries().await.is_empty());
}

both_backends!(
    a_plain_html_post_is_stored_redirected_and_emailed_with_the_visitor_as_reply_to,
    without_a_redirect_the_thank_you_page_speaks_the_forms_language_and_links_back,
    a_json_post_gets_201_json_and_a_bad_one_a_json_problem,
    a_multipart_post_keeps_its_text_fields_and_refuses_files_clearly,
    cors_preflight_is_answered_for_allowed_origins_only_and_other_origins_are_refused,
    a_bot_filling_the_honeypot_is_answered_as_accepted_and_leaves_only_a_spam_count,
    turnstile_passes_people_refuses_bots_and_an_outage_keeps_the_entry_unverified,
    too_many_entries_from_one_address_get_429_with_retry_after,
    fresh_ipv6_addresses_of_one_64_share_one_limit,
    huge_bodies_too_many_fields_and_too_long_values_are_refused_and_counted,
    visitor_input_adds_no_header_or_recipient_to_the_notification,
    odd_unicode_in_names_and_values_is_kept_and_control_characters_in_names_are_refused,
    an_unknown_or_malformed_form_id_is_not_found,
    a_deleted_form_takes_no_more_entries,
);
