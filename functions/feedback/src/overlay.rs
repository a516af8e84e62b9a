//! The overlay's routes, called by `/feedback.js` on the customer's draft (or live) site with
//! the feedback token from the URL fragment in `Authorization: Bearer`.
//!
//! The token opens these routes only, for its own customer only, and only from that
//! customer's registered origins: a page elsewhere gets `403` and no CORS headers, so a
//! browser there can read nothing. Preflights carry no token, so they are answered for an
//! origin some customer registered; the request itself then checks the token's own.

use std::future::Future;

use axum::{
    Json,
    body::Body,
    extract::State,
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use chrono::{DateTime, Utc};
use portal::{
    domain::{
        Customer, CustomerId, FeedbackItem, FeedbackItemId, FeedbackNotice, FeedbackSite,
        FeedbackState, FeedbackToken, FieldErrors, FileId, FileRecord, HistoryEntry, Language,
        LinkToken, NoticeKind, NoticeTo, Origin, Position, SiteUrl, TenantId, Viewport,
        feedback::{
            ATTACHMENTS_MAX, BROWSER_MAX, COMMENT_MAX, ITEMS_PER_PAGE_MAX, SELECTOR_MAX,
            SNIPPET_MAX, TokenUnusable, feedback_open,
        },
        text,
        validation::Common,
    },
    http::{ApiError, JsonBody, QueryParam, retry_lost_races_as},
    i18n,
    ports::StoreError,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{
    FeedbackState as AppState,
    attachments::{self, AttachmentView, Files},
    caller::customer_author,
    items::{FeedbackError, ItemView},
};

/// A request the token lets in: whose, from which registered origin.
pub struct Overlay {
    pub customer: Customer,
    pub site: FeedbackSite,
    pub token: FeedbackToken,
    pub origin: Origin,
}

/// A refusal, and the origin that may read it (when the page is one of the token's customer's,
/// or, for a token that names nobody, one some customer registered).
pub struct Refused {
    error: ApiError,
    origin: Option<Origin>,
}

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        with_cors(self.error.into_response(), self.origin.as_ref())
    }
}

impl Refused {
    fn new(error: impl Into<ApiError>, origin: Option<&Origin>) -> Self {
        Self {
            error: error.into(),
            origin: origin.cloned(),
        }
    }
}

/// The answer readable by `origin`'s pages; `Vary: Origin` either way, so no cache hands one
/// site's answer to another.
pub fn with_cors(mut response: Response, origin: Option<&Origin>) -> Response {
    let headers = response.headers_mut();
    headers.append(header::VARY, HeaderValue::from_static("Origin"));
    if let Some(value) = origin.and_then(|o| HeaderValue::from_str(o.as_str()).ok()) {
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, value);
    }
    response
}

fn request_origin(headers: &HeaderMap) -> Option<Origin> {
    headers
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .and_then(|raw| Origin::parse(raw).ok())
}

fn bearer(headers: &HeaderMap) -> Option<LinkToken> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .and_then(|(_, token)| LinkToken::from_link(token.trim()))
}

/// Whether some customer registered `origin`: then it may read the answer to a token that
/// names nobody (the overlay says so) and ask preflights.
async fn registered(state: &AppState, origin: Option<&Origin>) -> Result<bool, ApiError> {
    match origin {
        Some(origin) => Ok(state.feedback.feedback_origin_registered(origin).await?),
        None => Ok(false),
    }
}

/// The token's customer, site and origin, or why not.
pub async fn authorize(state: &AppState, headers: &HeaderMap) -> Result<Overlay, Refused> {
    authorize_with(state, headers, |_, _| async {})
        .await
        .map(|(overlay, ())| overlay)
}

/// [`authorize`], with `read` of the token's customer's records run beside the reads of
/// their record and site: one round trip instead of two. `read` is keyed by the customer the
/// token names, whose own records the token may reach, and runs only for a token that has
/// not expired or been revoked; its answer is for the caller to use only once the request is
/// let in (a refusal drops it).
pub async fn authorize_with<T, Fut>(
    state: &AppState,
    headers: &HeaderMap,
    read: impl FnOnce(TenantId, CustomerId) -> Fut,
) -> Result<(Overlay, T), Refused>
where
    Fut: Future<Output = T>,
{
    let origin = request_origin(headers);
    let unknown = |language| ApiError::FeedbackToken {
        problem: TokenUnusable::Unknown,
        language,
    };
    let nobody = || async {
        match registered(state, origin.as_ref()).await {
            Ok(true) => Refused::new(unknown(Language::En), origin.as_ref()),
            Ok(false) => Refused::new(unknown(Language::En), None),
            Err(e) => Refused::new(e, None),
        }
    };
    let Some(presented) = bearer(headers) else {
        return Err(nobody().await);
    };
    let token = match state.feedback.find_feedback_token(&presented.hash()).await {
        Ok(Some(token)) => token,
        Ok(None) => return Err(nobody().await),
        Err(e) => return Err(Refused::new(e, None)),
    };
    // The token names the customer: their record, their site and what the route reads of
    // theirs at once. Whether the token still opens anything needs only the token and the
    // clock, so the route's reads go out only for one that does: an expired or revoked token
    // spends none of the table's reads on the customer's records. Its refusal still waits for
    // the customer's record (it speaks their language), so it comes as late as before.
    let usable = token.check(state.clock.now());
    let (customer, site, value) = tokio::join!(
        state
            .customers
            .get_customer(token.tenant_id, token.customer_id),
        state
            .feedback
            .get_feedback_site(token.tenant_id, token.customer_id),
        async {
            match usable {
                Ok(()) => Ok(read(token.tenant_id, token.customer_id).await),
                Err(problem) => Err(problem),
            }
        }
    );
    let customer = match customer {
        Ok(Some(customer)) => customer,
        Ok(None) => return Err(nobody().await),
        Err(e) => return Err(Refused::new(e, None)),
    };
    let site = match site {
        Ok(Some(site)) => site,
        Ok(None) => return Err(Refused::new(ApiError::FeedbackOriginNotAllowed, None)),
        Err(e) => return Err(Refused::new(e, None)),
    };
    let Some(origin) = origin.filter(|o| site.origins().contains(o)) else {
        return Err(Refused::new(ApiError::FeedbackOriginNotAllowed, None));
    };
    let value = match value {
        Ok(value) => value,
        Err(problem) => {
            let error = ApiError::FeedbackToken {
                problem,
                language: customer.language,
            };
            return Err(Refused::new(error, Some(&origin)));
        }
    };
    Ok((
        Overlay {
            customer,
            site,
            token,
            origin,
        },
        value,
    ))
}

/// The overlay's texts: (JSON key, catalogue key), in `feedback.ftl` and (the words it
/// shares with the feedback page) `feedback-page.ftl`.
const STRINGS: &[(&str, &str)] = &[
    ("commentMode", "overlay-comment-mode"),
    ("hint", "overlay-hint"),
    ("commentLabel", "overlay-comment-label"),
    ("send", "overlay-send"),
    ("cancel", "overlay-cancel"),
    ("close", "overlay-close"),
    ("sent", "overlay-sent"),
    ("failed", "overlay-failed"),
    ("attach", "overlay-attach"),
    ("attachments", "page-feedback-attachments"),
    ("stateOpen", "feedback-state-open"),
    ("stateInProgress", "feedback-state-in-progress"),
    ("stateResolved", "feedback-state-resolved"),
    ("stateWontFix", "feedback-state-wont-fix"),
    ("notOpen", "feedback-not-open-detail"),
    ("expired", "feedback-token-expired-detail"),
];

fn strings(language: Language) -> serde_json::Map<String, Value> {
    let mut map: serde_json::Map<String, Value> = STRINGS
        .iter()
        .map(|(key, id)| ((*key).to_owned(), Value::from(i18n::t(language, id))))
        .collect();
    // The number of a point whose element the page no longer has, for the overlay to fill.
    map.insert(
        "notFound".to_owned(),
        Value::from(i18n::t_args(
            language,
            "overlay-not-found",
            &[("number", i18n::Arg::Text("{number}"))],
        )),
    );
    // Plurals: one reply, and the other form with `{count}` left for the overlay to fill.
    for (key, count) in [
        ("repliesOne", i18n::Arg::Number(1)),
        ("repliesOther", i18n::Arg::Text("{count}")),
    ] {
        map.insert(
            key.to_owned(),
            Value::from(i18n::t_args(
                language,
                "overlay-replies",
                &[("count", count)],
            )),
        );
    }
    map
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Session {
    customer_name: String,
    language: Language,
    expires_at: DateTime<Utc>,
    /// New items are taken now (the project's status and `afterOnline`).
    open: bool,
    strings: serde_json::Map<String, Value>,
}

/// `GET /feedback/overlay/session`.
pub async fn session(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let overlay = match authorize(&state, &headers).await {
        Ok(o) => o,
        Err(refused) => return refused.into_response(),
    };
    let body = Session {
        customer_name: overlay.customer.company_name.clone(),
        language: overlay.customer.language,
        expires_at: overlay.token.expires_at,
        open: feedback_open(overlay.customer.status, overlay.site.after_online),
        strings: strings(overlay.customer.language),
    };
    with_cors(Json(body).into_response(), Some(&overlay.origin))
}

#[derive(Debug, Deserialize)]
pub struct PageParam {
    page: Option<String>,
}

/// One pin on the page.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Pin {
    item_id: FeedbackItemId,
    number: u32,
    selector: String,
    snippet: String,
    position: Position,
    state: FeedbackState,
    comment: String,
    replies: u32,
    attachments: Vec<AttachmentView>,
}

#[derive(Serialize)]
struct Pins {
    items: Vec<Pin>,
}

fn page_of(raw: Option<&str>, site: &FeedbackSite) -> Result<SiteUrl, ApiError> {
    let raw = raw.ok_or_else(|| ApiError::invalid_parameter("page", "is required"))?;
    let page =
        SiteUrl::parse(raw).map_err(|e| ApiError::invalid_parameter("page", e.to_string()))?;
    if !site.has_page(&page) {
        return Err(ApiError::invalid_parameter(
            "page",
            "is not a page of the registered site",
        ));
    }
    Ok(page)
}

/// `GET /feedback/overlay/items?page=<url>`: the page's pins.
pub async fn pins(
    State(state): State<AppState>,
    headers: HeaderMap,
    QueryParam(params): QueryParam<PageParam>,
) -> Response {
    let overlay = match authorize(&state, &headers).await {
        Ok(o) => o,
        Err(refused) => return refused.into_response(),
    };
    let origin = overlay.origin.clone();
    let answer = async {
        let page = page_of(params.page.as_deref(), &overlay.site)?;
        let items = state
            .feedback
            .list_feedback_page(overlay.customer.tenant_id, overlay.customer.id, &page)
            .await?;
        let (t, c) = (overlay.customer.tenant_id, overlay.customer.id);
        let files = attachments::of(&state, t, c, &items.iter().collect::<Vec<_>>()).await?;
        let items = items
            .into_iter()
            .map(|i| Pin {
                attachments: attachments::views(&i.attachments, &files),
                item_id: i.id,
                number: i.number,
                selector: i.selector,
                snippet: i.snippet,
                position: i.position,
                state: i.state,
                comment: i.comment,
                replies: i.reply_count,
            })
            .collect();
        Ok::<_, ApiError>(Json(Pins { items }).into_response())
    };
    with_cors(
        answer.await.unwrap_or_else(IntoResponse::into_response),
        Some(&origin),
    )
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewItem {
    page_url: Option<String>,
    selector: Option<String>,
    snippet: Option<String>,
    position: Option<Value>,
    viewport: Option<Value>,
    user_agent: Option<String>,
    comment: Option<String>,
    attachments: Option<Vec<String>>,
}

/// A new item's fields, checked.
struct Checked {
    page: SiteUrl,
    selector: String,
    snippet: String,
    position: Position,
    viewport: Viewport,
    browser: String,
    comment: String,
    attachments: Vec<FileId>,
}

fn fraction(v: Option<&Value>) -> Option<f64> {
    v.and_then(Value::as_f64)
        .filter(|n| n.is_finite() && (0.0..=1.0).contains(n))
}

fn pixels(v: Option<&Value>) -> Option<u32> {
    v.and_then(Value::as_u64)
        .filter(|n| (1..=100_000).contains(n))
        .and_then(|n| u32::try_from(n).ok())
}

/// Whitespace of the page's text (line breaks, runs of spaces) counts as one space.
fn one_line(raw: &str) -> String {
    raw.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn check(body: NewItem, site: &FeedbackSite) -> Result<Checked, ApiError> {
    let mut errors = FieldErrors::default();
    let page = match body.page_url.as_deref().map(str::trim) {
        None | Some("") => {
            errors.report("pageUrl", Common::Required);
            None
        }
        Some(raw) => match errors.check("pageUrl", SiteUrl::parse(raw)) {
            Some(page) if !site.has_page(&page) => {
                errors.push("pageUrl", "is not a page of the registered site");
                None
            }
            page => page,
        },
    };
    let selector = match body.selector.as_deref().map(str::trim) {
        None | Some("") => {
            errors.report("selector", Common::Required);
            None
        }
        Some(raw) => errors.check("selector", text::clean(raw, SELECTOR_MAX, false)),
    };
    let snippet = match body.snippet.as_deref().map(one_line).as_deref() {
        None | Some("") => Some(String::new()),
        Some(raw) => errors.check("snippet", text::clean(raw, SNIPPET_MAX, false)),
    };
    let position = match &body.position {
        Some(p) => match (fraction(p.get("x")), fraction(p.get("y"))) {
            (Some(x), Some(y)) => Some(Position { x, y }),
            _ => {
                errors.push(
                    "position",
                    "must be {x, y}, each a fraction of the element's box from 0 to 1",
                );
                None
            }
        },
        None => {
            errors.report("position", Common::Required);
            None
        }
    };
    let viewport = match &body.viewport {
        Some(v) => match (pixels(v.get("width")), pixels(v.get("height"))) {
            (Some(width), Some(height)) => Some(Viewport { width, height }),
            _ => {
                errors.push(
                    "viewport",
                    "must be {width, height}, each whole CSS pixels from 1 to 100000",
                );
                None
            }
        },
        None => {
            errors.report("viewport", Common::Required);
            None
        }
    };
    let browser = match body.user_agent.as_deref().map(one_line).as_deref() {
        None | Some("") => Some(String::new()),
        Some(raw) => errors.check("userAgent", text::clean(raw, BROWSER_MAX, false)),
    };
    let comment = match body.comment.as_deref().map(str::trim) {
        None | Some("") => {
            errors.report("comment", Common::Required);
            None
        }
        Some(raw) => errors.check("comment", text::clean(raw, COMMENT_MAX, true)),
    };
    let raw_attachments = body.attachments.unwrap_or_default();
    if raw_attachments.len() > ATTACHMENTS_MAX {
        errors.push("attachments", "must list at most 10 files");
    }
    let mut attachments = Vec::new();
    for (n, raw) in raw_attachments.iter().take(ATTACHMENTS_MAX).enumerate() {
        match raw.parse::<FileId>() {
            Ok(id) if attachments.contains(&id) => {
                errors.report(format!("attachments[{n}]"), Common::ListedTwice)
            }
            Ok(id) => attachments.push(id),
            Err(_) => errors.push(format!("attachments[{n}]"), "is not a file id"),
        }
    }
    errors.finish(|| ()).map_err(ApiError::Validation)?;
    match (
        page, selector, snippet, position, viewport, browser, comment,
    ) {
        (
            Some(page),
            Some(selector),
            Some(snippet),
            Some(position),
            Some(viewport),
            Some(browser),
            Some(comment),
        ) => Ok(Checked {
            page,
            selector,
            snippet,
            position,
            viewport,
            browser,
            comment,
            attachments,
        }),
        _ => Err(anyhow::anyhow!("a new item without a problem but without a field").into()),
    }
}

/// What a new item reads of the token's customer beside the token's checks: the count of
/// the page the body names (when it names one), the last item number and the files it
/// attaches. Each counts only once the request is let in and its fields are checked.
struct BeforeItem {
    page: Option<(SiteUrl, Result<u32, StoreError>)>,
    last: Result<u32, StoreError>,
    files: Result<Vec<FileRecord>, StoreError>,
}

/// `POST /feedback/overlay/items`: `201` with the item; `409` while the project takes no
/// feedback.
pub async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    JsonBody(body): JsonBody<NewItem>,
) -> Response {
    let page = body
        .page_url
        .as_deref()
        .map(str::trim)
        .and_then(|raw| SiteUrl::parse(raw).ok());
    let files: Vec<FileId> = body
        .attachments
        .iter()
        .flatten()
        .take(ATTACHMENTS_MAX)
        .filter_map(|raw| raw.parse().ok())
        .collect();
    let (feedback, file_store) = (&state.feedback, &state.files);
    let read = |t, c| async move {
        let count = async {
            match page {
                Some(page) => {
                    let count = feedback.feedback_page_count(t, c, &page).await;
                    Some((page, count))
                }
                None => None,
            }
        };
        let files = async {
            if files.is_empty() {
                Ok(Vec::new())
            } else {
                file_store.get_files(t, c, &files).await
            }
        };
        let (page, last, files) = tokio::join!(count, feedback.last_feedback_number(t, c), files);
        BeforeItem { page, last, files }
    };
    let (overlay, before) = match authorize_with(&state, &headers, read).await {
        Ok(o) => o,
        Err(refused) => return refused.into_response(),
    };
    let origin = overlay.origin.clone();
    let answer = create_item(&state, &overlay, body, before)
        .await
        .map(|(item, files)| {
            let mut response =
                (StatusCode::CREATED, Json(ItemView::new(&item, &files))).into_response();
            if let Ok(value) = HeaderValue::from_str(&format!("\"{}\"", item.version)) {
                response.headers_mut().insert(header::ETAG, value);
            }
            response
        });
    with_cors(
        answer.unwrap_or_else(IntoResponse::into_response),
        Some(&origin),
    )
}

async fn create_item(
    state: &AppState,
    overlay: &Overlay,
    body: NewItem,
    before: BeforeItem,
) -> Result<(FeedbackItem, Files), ApiError> {
    let customer = &overlay.customer;
    if !feedback_open(customer.status, overlay.site.after_online) {
        return Err(ApiError::FeedbackNotOpen(customer.language));
    }
    let checked = check(body, &overlay.site)?;
    // Only the customer's own files, read under their key: another customer's id is not
    // found, whoever's it is. Only a downloadable one, as the overlay offers them.
    let mut found: Files = before.files?.into_iter().map(|f| (f.id, f)).collect();
    let mut files = Files::new();
    let mut errors = FieldErrors::default();
    for (n, id) in checked.attachments.iter().enumerate() {
        match found.remove(id) {
            None => errors.push(format!("attachments[{n}]"), "is not one of your files"),
            Some(file) if !file.state.is_downloadable() => errors.push(
                format!("attachments[{n}]"),
                "is not available: only an uploaded and checked file can be attached",
            ),
            Some(file) => {
                files.insert(*id, file);
            }
        }
    }
    errors.finish(|| ()).map_err(ApiError::Validation)?;
    let checked = &checked;
    // The first try counts with what was read beside the token; one after a lost race reads
    // afresh.
    let mut read = match before.page {
        Some((page, count)) if page == checked.page => Some((count, before.last)),
        _ => None,
    };
    let item = retry_lost_races_as(move || {
        let read = read.take();
        async move {
            let (t, c) = (customer.tenant_id, customer.id);
            let (count, last) = match read {
                Some((count, last)) => (count?, last?),
                None => tokio::try_join!(
                    state.feedback.feedback_page_count(t, c, &checked.page),
                    state.feedback.last_feedback_number(t, c)
                )?,
            };
            if count >= ITEMS_PER_PAGE_MAX {
                return Err(FeedbackError::field(
                    "pageUrl",
                    "has reached its 100 feedback items: reply to one of them instead",
                ));
            }
            let number = last + 1;
            let now = state.clock.now();
            let author = customer_author(customer);
            let item = FeedbackItem {
                id: FeedbackItemId::new(),
                tenant_id: t,
                customer_id: c,
                number,
                page_url: checked.page.clone(),
                selector: checked.selector.clone(),
                snippet: checked.snippet.clone(),
                position: checked.position,
                viewport: checked.viewport,
                browser: checked.browser.clone(),
                comment: checked.comment.clone(),
                attachments: checked.attachments.clone(),
                state: FeedbackState::Open,
                history: vec![HistoryEntry {
                    state: FeedbackState::Open,
                    by: author.clone(),
                    at: now,
                }],
                author,
                reply_count: 0,
                customer_unseen: false,
                created_at: now,
                updated_at: now,
                version: 1,
            };
            let notice = FeedbackNotice::new(
                &item,
                NoticeTo::Agency,
                NoticeKind::NewItem,
                &item.comment,
                now,
            );
            Ok(state
                .feedback
                .create_feedback_item(&item, ITEMS_PER_PAGE_MAX, &notice)
                .await
                .map(|()| item))
        }
    })
    .await?;
    tracing::info!(tenant = %item.tenant_id, customer = %item.customer_id, item = %item.id, "feedback item created");
    Ok((item, files))
}

/// A file the overlay offers to attach.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Offered {
    file_id: FileId,
    name: String,
    size: Option<u64>,
    content_type: String,
}

#[derive(Serialize)]
struct OfferedList {
    files: Vec<Offered>,
}

/// `GET /feedback/overlay/files`: the token's customer's newest downloadable files (at most
/// 100), which a new item may attach. Names as uploaded: the overlay sets them as text.
pub async fn files(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let overlay = match authorize(&state, &headers).await {
        Ok(o) => o,
        Err(refused) => return refused.into_response(),
    };
    let customer = &overlay.customer;
    // The files are offered to attach to a new item: once feedback is closed there is none to
    // make, and a token still alive in the draft's address lists nothing.
    if !feedback_open(customer.status, overlay.site.after_online) {
        return with_cors(
            ApiError::FeedbackNotOpen(customer.language).into_response(),
            Some(&overlay.origin),
        );
    }
    let answer = attachments::offered(&state, customer.tenant_id, customer.id)
        .await
        .map(|files| {
            let files = files
                .into_iter()
                .map(|f| Offered {
                    file_id: f.id,
                    name: f.name,
                    size: f.size,
                    content_type: f.content_type,
                })
                .collect();
            Json(OfferedList { files }).into_response()
        })
        .map_err(ApiError::from);
    with_cors(
        answer.unwrap_or_else(IntoResponse::into_response),
        Some(&overlay.origin),
    )
}

/// `OPTIONS /feedback/overlay/...`: the preflight of the overlay's calls, for registered
/// origins only.
pub async fn preflight(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let origin = request_origin(&headers);
    match registered(&state, origin.as_ref()).await {
        Ok(true) => {
            let response = Response::builder()
                .status(StatusCode::NO_CONTENT)
                .header(header::ACCESS_CONTROL_ALLOW_METHODS, "GET, POST")
                .header(
                    header::ACCESS_CONTROL_ALLOW_HEADERS,
                    "authorization, content-type",
                )
                .header(header::ACCESS_CONTROL_MAX_AGE, "600")
                .body(Body::empty())
                .unwrap_or_default();
            with_cors(response, origin.as_ref())
        }
        Ok(false) => with_cors(ApiError::FeedbackOriginNotAllowed.into_response(), None),
        Err(e) => e.into_response(),
    }
}
