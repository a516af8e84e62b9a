//! The wishes page driven with `oneshot` and the session cookie, no server: it renders in
//! every language, saves and submits the plain form, names bad fields, shows a conflict
//! instead of overwriting, needs the CSRF token and shows each customer only their brief.

use std::sync::Arc;

use axum::{Router, http::Method};
use portal::{
    AppState,
    domain::{
        CustomerId, FileRecord, FileState, Language, NewTenant, ObjectKey, TenantId, Uploader,
    },
    embedded::{self, Outbox},
    i18n::t,
    ports::Store,
};
use testkit::Answer;
use wishes::WishesState;

struct Portal {
    router: Router,
    store: Arc<dyn Store>,
    outbox: Arc<Outbox>,
    tenant: TenantId,
    key: String,
}

struct Customer {
    id: CustomerId,
    cookie: String,
}

fn encode(pairs: &[(&str, &str)]) -> String {
    let part = |s: &str| {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                    (b as char).to_string()
                }
                b' ' => "+".into(),
                _ => format!("%{b:02X}"),
            })
            .collect::<String>()
    };
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", part(k), part(v)))
        .collect::<Vec<_>>()
        .join("&")
}

impl Portal {
    async fn new() -> Self {
        let store: Arc<dyn Store> = Arc::new(embedded::in_memory_store());
        let outbox = Arc::new(Outbox::in_memory());
        let app = AppState::from_store(store.clone());
        let agency = testkit::agency(
            store.as_ref(),
            &NewTenant {
                name: "Webagentur Berg".into(),
                portal_base_url: "https://berg.agency.example".into(),
                sender_email: "portal@agency.example".into(),
                default_language: "de".into(),
                tier: "professional".into(),
            },
            "crm",
        )
        .await;
        Self {
            router: wishes::router(WishesState::new(app, outbox.clone())),
            store,
            outbox,
            tenant: agency.tenant.id,
            key: agency.key,
        }
    }

    async fn customer(&self, email: &str) -> Customer {
        let (id, bearer) = testkit::customer_session(self.store.as_ref(), self.tenant, email).await;
        Customer {
            id,
            cookie: format!("portal_session={bearer}"),
        }
    }

    async fn get(&self, who: &Customer, path: &str) -> Answer {
        testkit::oneshot(
            &self.router,
            Method::GET,
            path,
            None,
            &[("cookie", who.cookie.as_str())],
        )
        .await
    }

    async fn post(&self, who: &Customer, path: &str, form: &[(&str, &str)]) -> Answer {
        testkit::oneshot(
            &self.router,
            Method::POST,
            path,
            Some(("application/x-www-form-urlencoded", encode(form))),
            &[("cookie", who.cookie.as_str())],
        )
        .await
    }

    /// The page's CSRF token, as its form carries it.
    async fn csrf(&self, who: &Customer) -> String {
        let page = self.get(who, "/wishes").await;
        assert_eq!(page.status, 200, "{}", page.text);
        let at = page
            .text
            .find("name=\"csrf\" value=\"")
            .expect("a csrf input")
            + 19;
        page.text[at..].split('"').next().unwrap().to_owned()
    }

    async fn draft(&self, who: &Customer) -> Option<portal::domain::WishesDraft> {
        self.store.get_wishes(self.tenant, who.id).await.unwrap()
    }
}

#[tokio::test]
async fn the_page_renders_in_each_of_the_six_languages() {
    let portal = Portal::new().await;
    let kim = portal.customer("kim@bakery.example").await;
    for language in [
        Language::De,
        Language::En,
        Language::Fr,
        Language::Es,
        Language::Nl,
        Language::Sv,
    ] {
        let csrf = portal.csrf(&kim).await;
        let switched = portal
            .post(
                &kim,
                "/me/language",
                &[
                    ("csrf", &csrf),
                    ("language", language.code()),
                    ("next", "/wishes"),
                ],
            )
            .await;
        assert_eq!(switched.status, 303, "{}", switched.text);
        let page = portal.get(&kim, "/wishes").await;
        assert_eq!(page.status, 200, "{}", page.text);
        assert!(
            page.text
                .contains(&format!("<html lang=\"{}\"", language.code()))
        );
        for key in [
            "page-wishes-title",
            "page-wishes-save",
            "page-wishes-add-page",
        ] {
            let text = t(language, key).replace('\'', "&#x27;");
            assert!(page.text.contains(&text), "{key} in {language:?}");
        }
        assert!(
            page.text.contains("name=\"pages[2].title\""),
            "three page rows"
        );
        assert!(!page.text.contains("name=\"pages[3].title\""));
        assert!(
            page.text.contains("<nav aria-label="),
            "the shared navigation"
        );
    }
}

#[tokio::test]
async fn a_language_switch_to_no_language_is_refused_at_its_field_and_changes_nothing() {
    let portal = Portal::new().await;
    let kim = portal.customer("kim@bakery.example").await;
    let csrf = portal.csrf(&kim).await;
    for form in [
        vec![("csrf", csrf.as_str()), ("language", "xx")],
        vec![("csrf", csrf.as_str()), ("language", " ")],
        vec![("csrf", csrf.as_str())],
    ] {
        let refused = portal.post(&kim, "/me/language", &form).await;
        assert_eq!(refused.status, 422, "{form:?}: {}", refused.text);
        assert_eq!(refused.json()["errors"][0]["field"], "language", "{form:?}");
    }
    let page = portal.get(&kim, "/wishes").await;
    assert!(
        page.text.contains("<html lang=\"de\""),
        "still the agency's language"
    );
}

#[tokio::test]
async fn the_plain_form_saves_the_brief_and_submits_it() {
    let portal = Portal::new().await;
    let kim = portal.customer("kim@bakery.example").await;
    let csrf = portal.csrf(&kim).await;
    let saved = portal
        .post(
            &kim,
            "/wishes",
            &[
                ("csrf", &csrf),
                ("version", "0"),
                ("action", "save"),
                ("pages[0].title", "Start"),
                ("pages[0].purpose", "Show the bakery"),
                ("pages[1].title", ""),
                ("pages[2].title", "Kontakt & Anfahrt"),
                ("logo", "needed"),
                ("colours[0].hex", "#AABBCC"),
                ("colours[0].role", "accent"),
                ("fonts[0]", "Inter"),
                ("tone", "warm"),
                ("examples[0].url", "https://bakery.example"),
                ("examples[0].notes", "the photos"),
                ("audience", "neighbours"),
            ],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.text);
    assert_eq!(saved.headers["location"], "/wishes?done=saved");
    let draft = portal.draft(&kim).await.expect("saved");
    assert_eq!(draft.version, 1);
    let titles: Vec<&str> = draft.brief.pages.iter().map(|p| p.title.as_str()).collect();
    assert_eq!(
        titles,
        ["Start", "Kontakt & Anfahrt"],
        "the empty row left out"
    );
    assert_eq!(draft.brief.colours[0].hex, "#aabbcc");
    assert_eq!(draft.brief.logo, Some(portal::domain::wishes::Logo::Needed));
    assert_eq!(draft.brief.examples[0].notes, "the photos");
    let page = portal.get(&kim, "/wishes?done=saved").await;
    assert!(page.text.contains(&t(Language::De, "page-wishes-saved")));
    assert!(page.text.contains("value=\"Kontakt &amp; Anfahrt\""));
    assert!(page.text.contains("name=\"version\" value=\"1\""));

    let submitted = portal
        .post(
            &kim,
            "/wishes",
            &[
                ("csrf", &csrf),
                ("version", "1"),
                ("action", "submit"),
                ("pages[0].title", "Start"),
                ("tone", "warm and short"),
            ],
        )
        .await;
    assert_eq!(submitted.status, 303, "{}", submitted.text);
    assert_eq!(submitted.headers["location"], "/wishes?done=submitted");
    let draft = portal.draft(&kim).await.unwrap();
    assert_eq!((draft.version, draft.submitted), (2, Some(1)));
    assert_eq!(draft.brief.tone, "warm and short");
    assert_eq!(
        portal.outbox.messages().unwrap().len(),
        1,
        "the agency is told"
    );
    let page = portal.get(&kim, "/wishes?done=submitted").await;
    assert!(
        page.text
            .contains(&t(Language::De, "page-wishes-submitted"))
    );
}

#[tokio::test]
async fn adding_a_page_row_keeps_what_was_typed_and_saves_nothing() {
    let portal = Portal::new().await;
    let kim = portal.customer("kim@bakery.example").await;
    let csrf = portal.csrf(&kim).await;
    let added = portal
        .post(
            &kim,
            "/wishes",
            &[
                ("csrf", &csrf),
                ("version", "0"),
                ("action", "add-page"),
                ("pages[0].title", "Eins"),
                ("pages[1].title", "Zwei"),
                ("pages[2].title", "Drei"),
            ],
        )
        .await;
    assert_eq!(added.status, 200, "{}", added.text);
    assert!(
        added
            .text
            .contains("name=\"pages[3].title\" data-field=\"title\" value=\"\"")
    );
    assert!(added.text.contains("value=\"Drei\""));
    assert!(portal.draft(&kim).await.is_none());
}

#[tokio::test]
async fn bad_input_is_shown_at_its_field_in_the_customers_language_and_not_saved() {
    let portal = Portal::new().await;
    let kim = portal.customer("kim@bakery.example").await;
    let csrf = portal.csrf(&kim).await;
    let refused = portal
        .post(
            &kim,
            "/wishes",
            &[
                ("csrf", &csrf),
                ("version", "0"),
                ("action", "save"),
                ("colours[0].hex", "blue"),
                ("examples[0].url", "javascript:alert(1)"),
                ("tone", "<script>x</script>"),
            ],
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert!(refused.text.contains(
        "id=\"f-colours[0].hex\" name=\"colours[0].hex\" value=\"blue\" aria-invalid=\"true\""
    ));
    assert!(refused.text.contains("id=\"e-examples[0].url\""));
    assert!(refused.text.contains("&lt;script&gt;"), "escaped, kept");
    assert!(!refused.text.contains("<script>x"));
    assert!(
        refused
            .text
            .contains(&t(Language::De, "page-wishes-errors"))
    );
    assert!(portal.draft(&kim).await.is_none());
}

#[tokio::test]
async fn a_save_over_a_newer_version_shows_the_conflict_and_overwrites_nothing() {
    let portal = Portal::new().await;
    let kim = portal.customer("kim@bakery.example").await;
    let csrf = portal.csrf(&kim).await;
    let first = [
        ("csrf", csrf.as_str()),
        ("version", "0"),
        ("tone", "first tab"),
    ];
    assert_eq!(portal.post(&kim, "/wishes", &first).await.status, 303);
    let stale = [
        ("csrf", csrf.as_str()),
        ("version", "0"),
        ("tone", "second tab"),
    ];
    let conflict = portal.post(&kim, "/wishes", &stale).await;
    assert_eq!(conflict.status, 409, "{}", conflict.text);
    assert!(conflict.text.contains("id=\"conflict\""));
    assert!(
        conflict.text.contains("second tab"),
        "what was typed is kept"
    );
    assert!(conflict.text.contains("name=\"version\" value=\"1\""));
    assert_eq!(portal.draft(&kim).await.unwrap().brief.tone, "first tab");
}

#[tokio::test]
async fn a_form_post_without_the_csrf_token_is_refused() {
    let portal = Portal::new().await;
    let kim = portal.customer("kim@bakery.example").await;
    for form in [
        vec![("version", "0"), ("tone", "x")],
        vec![("csrf", "not-the-token"), ("version", "0"), ("tone", "x")],
    ] {
        let refused = portal.post(&kim, "/wishes", &form).await;
        assert_eq!(refused.status, 403, "{}", refused.text);
    }
    assert!(portal.draft(&kim).await.is_none());
}

#[tokio::test]
async fn each_customer_sees_and_saves_only_their_own_brief() {
    let portal = Portal::new().await;
    let kim = portal.customer("kim@bakery.example").await;
    let ola = portal.customer("ola@florist.example").await;
    let csrf = portal.csrf(&kim).await;
    let saved = portal
        .post(
            &kim,
            "/wishes",
            &[("csrf", &csrf), ("tone", "kims secret tone")],
        )
        .await;
    assert_eq!(saved.status, 303);
    let theirs = portal.get(&ola, "/wishes").await;
    assert_eq!(theirs.status, 200);
    assert!(!theirs.text.contains("kims secret tone"));
    // Kim's token does not carry Ola's post.
    let crossed = portal
        .post(&ola, "/wishes", &[("csrf", &csrf), ("tone", "x")])
        .await;
    assert_eq!(crossed.status, 403);
    assert!(portal.draft(&ola).await.is_none());
    let nobody = testkit::oneshot(&portal.router, Method::GET, "/wishes", None, &[]).await;
    assert_eq!(nobody.status, 303);
    assert_eq!(nobody.headers["location"], "/login?next=/wishes");
}

#[tokio::test]
async fn the_agencys_comments_and_done_marks_show_beside_their_section() {
    let portal = Portal::new().await;
    let kim = portal.customer("kim@bakery.example").await;
    let csrf = portal.csrf(&kim).await;
    let form = [
        ("csrf", csrf.as_str()),
        ("action", "submit"),
        ("tone", "warm"),
    ];
    assert_eq!(portal.post(&kim, "/wishes", &form).await.status, 303);
    let auth = format!("Bearer {}", portal.key);
    let added = testkit::oneshot(
        &portal.router,
        Method::POST,
        &format!("/customers/{}/wishes/comments", kim.id),
        Some((
            "application/json",
            r#"{"submission": 1, "target": "tone", "text": "Bitte etwas kürzer <b>"}"#.into(),
        )),
        &[("authorization", auth.as_str())],
    )
    .await;
    assert_eq!(added.status, 201, "{}", added.text);
    let page = portal.get(&kim, "/wishes").await;
    let tone = page.text.find("<fieldset id=\"tone\">").unwrap();
    let examples = page.text.find("<fieldset id=\"examples\">").unwrap();
    let section = &page.text[tone..examples];
    assert!(
        section.contains("Bitte etwas kürzer &lt;b&gt;"),
        "{section}"
    );
    assert!(section.contains(&t(Language::De, "page-wishes-comment-open")));
}

#[tokio::test]
async fn sub_pages_are_edited_on_the_page_and_saved_from_the_plain_form() {
    let portal = Portal::new().await;
    let kim = portal.customer("kim@bakery.example").await;
    let csrf = portal.csrf(&kim).await;
    let first = portal
        .post(
            &kim,
            "/wishes",
            &[
                ("csrf", &csrf),
                ("version", "0"),
                ("pages[0].title", "Angebot"),
                ("pages[0].children[0].title", "Brot"),
                ("pages[0].children[0].children[0].title", "Roggen"),
                ("pages[0].children[1].title", "Kuchen"),
                ("pages[1].title", "Kontakt"),
            ],
        )
        .await;
    assert_eq!(first.status, 303, "{}", first.text);
    let draft = portal.draft(&kim).await.unwrap();
    let offer = &draft.brief.pages[0];
    let children: Vec<&str> = offer.children.iter().map(|p| p.title.as_str()).collect();
    assert_eq!(children, ["Brot", "Kuchen"]);
    assert_eq!(offer.children[0].children[0].title, "Roggen");

    let page = portal.get(&kim, "/wishes").await;
    for (name, value) in [
        ("pages[0].children[0].title", "Brot"),
        ("pages[0].children[0].children[0].title", "Roggen"),
        ("pages[0].children[1].title", "Kuchen"),
    ] {
        assert!(
            page.text.contains(&format!(
                "name=\"{name}\" data-field=\"title\" value=\"{value}\""
            )),
            "{name} is editable on the page"
        );
    }
    assert!(page.text.contains("<span class=\"page-number\">1.2</span>"));

    // Reordered and renamed as the page's script posts them; an emptied sub-page goes away.
    let second = portal
        .post(
            &kim,
            "/wishes",
            &[
                ("csrf", &csrf),
                ("version", "1"),
                ("pages[0].title", "Angebot"),
                ("pages[0].children[0].title", "Kuchen & Torten"),
                ("pages[0].children[1].title", "Brot"),
                ("pages[0].children[1].children[0].title", ""),
                ("pages[1].title", "Kontakt"),
            ],
        )
        .await;
    assert_eq!(second.status, 303, "{}", second.text);
    let offer = &portal.draft(&kim).await.unwrap().brief.pages[0];
    let children: Vec<&str> = offer.children.iter().map(|p| p.title.as_str()).collect();
    assert_eq!(children, ["Kuchen & Torten", "Brot"]);
    assert!(offer.children[1].children.is_empty());
}

#[tokio::test]
async fn odd_page_numbers_and_pages_nested_too_deep_are_never_taken_silently() {
    let portal = Portal::new().await;
    let kim = portal.customer("kim@bakery.example").await;
    let csrf = portal.csrf(&kim).await;
    // Numbers that are not the form's own (leading zeros, signs, huge) are not page rows.
    let odd = portal
        .post(
            &kim,
            "/wishes",
            &[
                ("csrf", &csrf),
                ("pages[01].title", "leading zero"),
                ("pages[+1].title", "sign"),
                ("pages[99999999999999999999999].title", "huge"),
                ("pages[7].title", "Seven"),
                ("pages[2].title", "Two"),
            ],
        )
        .await;
    assert_eq!(odd.status, 303, "{}", odd.text);
    let titles: Vec<String> = portal
        .draft(&kim)
        .await
        .unwrap()
        .brief
        .pages
        .into_iter()
        .map(|p| p.title)
        .collect();
    assert_eq!(titles, ["Two", "Seven"], "in the order of their numbers");

    let deep = portal
        .post(
            &kim,
            "/wishes",
            &[
                ("csrf", &csrf),
                ("version", "1"),
                ("pages[0].title", "1"),
                ("pages[0].children[0].title", "1.1"),
                ("pages[0].children[0].children[0].title", "1.1.1"),
                (
                    "pages[0].children[0].children[0].children[0].title",
                    "1.1.1.1",
                ),
            ],
        )
        .await;
    assert_eq!(deep.status, 422, "{}", deep.text);
    assert!(
        deep.text
            .contains("pages[0].children[0].children[0].children:"),
        "the too deep part is named: {}",
        deep.text
    );
    let many: Vec<(String, String)> = (0..60)
        .map(|i| (format!("pages[0].children[{i}].title"), format!("Sub {i}")))
        .collect();
    let mut form: Vec<(&str, &str)> = vec![
        ("csrf", &csrf),
        ("version", "1"),
        ("pages[0].title", "Parent"),
    ];
    form.extend(many.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let too_many = portal.post(&kim, "/wishes", &form).await;
    assert_eq!(too_many.status, 422, "{}", too_many.text);
    assert_eq!(
        portal.draft(&kim).await.unwrap().version,
        1,
        "nothing saved"
    );
}

#[tokio::test]
async fn the_page_sends_its_own_policy_that_allows_its_script_and_nothing_inline_else() {
    let portal = Portal::new().await;
    let kim = portal.customer("kim@bakery.example").await;
    let page = portal.get(&kim, "/wishes").await;
    let csp = page.headers["content-security-policy"].to_str().unwrap();
    assert_eq!(csp, portal::pages::WISHES_CSP.as_str());
    let script_src = csp
        .split(';')
        .map(str::trim)
        .find(|d| d.starts_with("script-src "))
        .expect("a script-src");
    assert!(
        script_src.starts_with("script-src 'sha256-"),
        "{script_src}"
    );
    assert!(!script_src.contains("unsafe"), "{script_src}");
    assert!(csp.contains("connect-src 'self';"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'"));
    assert_eq!(page.headers["x-frame-options"], "DENY");
    assert!(
        page.text
            .contains("<script type=\"application/json\" id=\"wishes-data\">")
    );
}

#[tokio::test]
async fn the_script_gets_its_messages_in_the_customers_language_from_the_page() {
    let portal = Portal::new().await;
    let kim = portal.customer("kim@bakery.example").await;
    let page = portal.get(&kim, "/wishes").await;
    let at = page
        .text
        .find("id=\"wishes-data\">")
        .expect("the data block")
        + "id=\"wishes-data\">".len();
    let raw = page.text[at..].split("</script>").next().unwrap();
    let data: serde_json::Value = serde_json::from_str(raw).expect("JSON");
    assert_eq!(data["lang"], "de");
    assert_eq!(data["maxPages"], 50);
    let saved_at = data["strings"]["savedAt"].as_str().unwrap();
    assert_eq!(
        saved_at.replace("{time}", "10:15"),
        portal::i18n::t_args(
            Language::De,
            "page-wishes-autosaved",
            &[("time", portal::i18n::Arg::Text("10:15"))]
        )
    );
    assert_eq!(
        data["strings"]["noImages"],
        t(Language::De, "page-wishes-logo-pick-none")
    );
}

impl Portal {
    /// A file of `owner` with that content type, in that state.
    async fn file(
        &self,
        owner: CustomerId,
        content_type: &str,
        state: FileState,
    ) -> portal::domain::FileId {
        let id = portal::domain::FileId::new();
        let key = ObjectKey::for_upload(self.tenant, owner, &id.to_string(), "logo.png").unwrap();
        let file = FileRecord {
            id,
            tenant_id: self.tenant,
            customer_id: owner,
            key,
            name: "logo.png".into(),
            folder: String::new(),
            content_type: content_type.into(),
            declared_size: 10,
            size: Some(10),
            etag: None,
            state,
            uploaded_by: Uploader::Customer,
            created_at: chrono::Utc::now(),
            uploaded_at: Some(chrono::Utc::now()),
            reason: None,
            multipart: None,
            version: 1,
        };
        let created = self.store.create_file(&file, 1_000_000).await.unwrap();
        assert_eq!(created, portal::ports::FileCreation::Created);
        id
    }

    /// The staff export of `customer`'s brief in `format`.
    async fn export(&self, customer: CustomerId, format: &str) -> Answer {
        let uri = format!("/customers/{customer}/wishes/export?format={format}");
        let auth = format!("Bearer {}", self.key);
        testkit::oneshot(
            &self.router,
            Method::GET,
            &uri,
            None,
            &[("authorization", auth.as_str())],
        )
        .await
    }

    /// `PUT /me/wishes` by the customer's cookie, as the page's script sends it.
    async fn put_brief(&self, who: &Customer, csrf: &str, brief: serde_json::Value) -> Answer {
        let body = serde_json::json!({ "version": 0, "brief": brief }).to_string();
        testkit::oneshot(
            &self.router,
            Method::PUT,
            "/me/wishes",
            Some(("application/json", body)),
            &[("cookie", who.cookie.as_str()), ("x-csrf-token", csrf)],
        )
        .await
    }
}

#[tokio::test]
async fn a_logo_must_be_an_available_image_of_the_customers_own_files() {
    // Arrange: another customer's image, the customer's own PDF and an image not yet checked.
    let portal = Portal::new().await;
    let kim = portal.customer("kim@bakery.example").await;
    let eve = portal.customer("eve@rival.example").await;
    let csrf = portal.csrf(&kim).await;
    let evas = portal.file(eve.id, "image/png", FileState::Available).await;
    let pdf = portal
        .file(kim.id, "application/pdf", FileState::Available)
        .await;
    let waiting = portal
        .file(kim.id, "image/png", FileState::AwaitingScan)
        .await;
    let unknown = portal::domain::FileId::new();
    for refused in [evas, pdf, waiting, unknown] {
        let id = refused.to_string();
        // Act: the plain form, and the JSON API
        let form = portal
            .post(
                &kim,
                "/wishes",
                &[
                    ("csrf", &csrf),
                    ("version", "0"),
                    ("action", "save"),
                    ("logo", "file"),
                    ("logo.fileId", &id),
                ],
            )
            .await;
        let api = portal
            .put_brief(
                &kim,
                &csrf,
                serde_json::json!({"logo": {"kind": "file", "fileId": id}}),
            )
            .await;
        // Assert
        assert_eq!(form.status, 422, "{}", form.text);
        assert!(
            form.text.contains("id=\"e-logo.fileId\""),
            "the error at its field"
        );
        assert!(form.text.contains(&t_field(Language::De)), "{}", form.text);
        assert_eq!(api.status, 422, "{}", api.text);
        assert_eq!(api.headers["content-type"], "application/problem+json");
        assert_eq!(
            api.json()["errors"][0]["field"],
            "logo.fileId",
            "{}",
            api.text
        );
        assert!(portal.draft(&kim).await.is_none(), "nothing saved");
    }
    let own = portal.file(kim.id, "image/png", FileState::Available).await;
    let saved = portal
        .put_brief(
            &kim,
            &csrf,
            serde_json::json!({"logo": {"kind": "file", "fileId": own.to_string()}}),
        )
        .await;
    assert_eq!(saved.status, 200, "{}", saved.text);
}

/// The message a refused logo shows on the page.
fn t_field(language: Language) -> String {
    portal::i18n::field_message(
        language,
        &portal::domain::FieldError::of(
            "logo.fileId",
            &portal::domain::wishes::LogoProblem::NotYourImage,
        ),
    )
    .replace('\'', "&#x27;")
}

#[tokio::test]
async fn the_export_shows_a_logo_deleted_since_as_missing_instead_of_linking_it() {
    // Arrange: the brief's logo is the customer's image, deleted after the save
    let portal = Portal::new().await;
    let kim = portal.customer("kim@bakery.example").await;
    let csrf = portal.csrf(&kim).await;
    let logo = portal.file(kim.id, "image/png", FileState::Available).await;
    let saved = portal
        .put_brief(
            &kim,
            &csrf,
            serde_json::json!({"logo": {"kind": "file", "fileId": logo.to_string()}}),
        )
        .await;
    assert_eq!(saved.status, 200, "{}", saved.text);
    let linked = portal.export(kim.id, "json").await;
    assert_eq!(
        linked.json()["logoDownload"],
        format!("https://berg.agency.example/files/{logo}")
    );
    let record = portal
        .store
        .get_file(portal.tenant, kim.id, logo)
        .await
        .unwrap()
        .unwrap();
    portal.store.delete_file(&record).await.unwrap();

    // Act
    let json = portal.export(kim.id, "json").await;
    let markdown = portal.export(kim.id, "markdown").await;

    // Assert
    assert_eq!(json.status, 200, "{}", json.text);
    assert_eq!(json.json()["logoDownload"], serde_json::Value::Null);
    assert_eq!(json.json()["brief"]["logo"]["fileId"], logo.to_string());
    assert_eq!(markdown.status, 200, "{}", markdown.text);
    assert!(
        markdown
            .text
            .contains(&format!("The logo file ({logo}) is missing")),
        "{}",
        markdown.text
    );
    assert!(!markdown.text.contains("/files/"), "{}", markdown.text);
}

#[tokio::test]
async fn without_javascript_the_plain_form_builds_pages_and_sub_pages_three_deep() {
    let portal = Portal::new().await;
    let kim = portal.customer("kim@bakery.example").await;
    let csrf = portal.csrf(&kim).await;
    let blank = |name: &str| format!("name=\"{name}\" data-field=\"title\" value=\"\"");
    // Each save offers one blank row more at each level below a page, up to three deep.
    let steps: [(&[(&str, &str)], &str); 3] = [
        (&[("pages[0].title", "Start")], "pages[0].children[0].title"),
        (
            &[
                ("pages[0].title", "Start"),
                ("pages[0].children[0].title", "Team"),
            ],
            "pages[0].children[0].children[0].title",
        ),
        (
            &[
                ("pages[0].title", "Start"),
                ("pages[0].children[0].title", "Team"),
                ("pages[0].children[0].children[0].title", "Anna"),
            ],
            "pages[0].children[1].title",
        ),
    ];
    for (version, (fields, offered)) in steps.into_iter().enumerate() {
        let version = version.to_string();
        let mut form = vec![("csrf", csrf.as_str()), ("version", version.as_str())];
        form.extend_from_slice(fields);
        let saved = portal.post(&kim, "/wishes", &form).await;
        assert_eq!(saved.status, 303, "{}", saved.text);
        let page = portal.get(&kim, "/wishes").await;
        assert!(page.text.contains(&blank(offered)), "{offered} offered");
    }
    let draft = portal.draft(&kim).await.unwrap();
    assert_eq!(draft.brief.pages.len(), 1, "the blank rows are not pages");
    let team = &draft.brief.pages[0].children[0];
    assert_eq!(
        (team.title.as_str(), team.children[0].title.as_str()),
        ("Team", "Anna")
    );
    let page = portal.get(&kim, "/wishes").await;
    assert!(
        !page
            .text
            .contains("pages[0].children[0].children[0].children[0]"),
        "no fourth level"
    );
    // Three pages filled still leave a blank top-level row.
    let three = [
        ("csrf", csrf.as_str()),
        ("version", "3"),
        ("pages[0].title", "Start"),
        ("pages[1].title", "Brot"),
        ("pages[2].title", "Kontakt"),
    ];
    assert_eq!(portal.post(&kim, "/wishes", &three).await.status, 303);
    let page = portal.get(&kim, "/wishes").await;
    assert!(
        page.text.contains(&blank("pages[3].title")),
        "a fourth page offered"
    );
}
