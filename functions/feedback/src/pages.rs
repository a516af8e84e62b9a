//! What people see: the overlay script the agency puts on the draft website
//! (`GET /feedback.js`; its texts come with the overlay's session), and the portal's feedback
//! page (`GET /feedback`) with its plain form posts for replying and
//! changing a state (`POST /feedback/page/{itemId}/reply`, `…/state`), which work without
//! a script.

use std::collections::BTreeSet;

use axum::{
    extract::{FromRef, State},
    http::{HeaderName, HeaderValue, StatusCode, header},
    response::{Html, IntoResponse, Response},
    routing::{get, post},
};
use chrono::{DateTime, Utc};
use futures_util::{StreamExt, TryStreamExt, stream};
use portal::{
    domain::{
        Actor, Author, AuthorKind, Customer, FeedbackItem, FeedbackItemId, FeedbackSite,
        FeedbackState as ItemState, FieldError, Language, LocalPath, StaffMember, Subject, Tenant,
        TenantId,
        feedback::{COMMENT_MAX, feedback_open},
    },
    http::{
        ApiError, FormBody, PathParam, QueryParam, StaffAuth, UserSession,
        session::PresentedSession,
    },
    i18n::t,
    pages::{
        self, AttachmentRow, FeedbackFilter, FeedbackPage, HistoryRow, ItemRow, Nav, Page,
        PageGroup, ReplyRow, feedback_csp,
    },
    ports::{self, StoreError},
    state::SessionPorts,
};
use serde::Deserialize;

use crate::{
    FeedbackState, attachments,
    caller::{Caller, NAME_THE_CUSTOMER, author, customer_with},
    items::{add_reply, move_state},
};

/// Where the page is served.
pub const PAGE_PATH: &str = "/feedback";

/// Items per view of the page; each shown item with replies costs a read of its thread.
const PAGE_ITEMS: usize = 50;

/// How many threads (or seen marks) the page reads (or writes) at once: one round trip for up
/// to this many answered items.
const CALLS_AT_ONCE: usize = 8;

/// The overlay, as the draft website loads it. Kept without dependencies and under 20 KB
/// (a test holds it to that): it loads on every page view of the draft site.
pub const OVERLAY_SCRIPT: &str = include_str!("../assets/feedback.js");

/// How long browsers and CDNs may keep the script: short, so a fix reaches every draft site
/// within minutes, long enough that clicking through a site loads it once.
const OVERLAY_CACHE: &str = "public, max-age=300";

pub fn routes() -> axum::Router<FeedbackState> {
    axum::Router::new()
        .route("/feedback.js", get(overlay_script))
        .route(PAGE_PATH, get(show))
        .route("/feedback/page/{itemId}/reply", post(reply))
        .route("/feedback/page/{itemId}/state", post(change_state))
}

fn see_other(to: &str) -> Response {
    let mut response =
        (StatusCode::SEE_OTHER, [(header::CACHE_CONTROL, "no-store")]).into_response();
    if let Ok(value) = HeaderValue::from_str(to) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// Who looks at the page: the customer themself, or a staff user of their agency naming
/// the customer in `customerId` (one of their agency's; any other is not found).
struct Viewer {
    tenant: TenantId,
    customer: Customer,
    staff: bool,
}

/// What the page reads beside the check of the session's account and of the customer, keyed
/// by the session's own agency and the customer it names; each answer is judged in the
/// page's order of errors, and only once both checks have passed.
struct Loaded {
    viewer: Viewer,
    tenant: Result<Option<Tenant>, StoreError>,
    member: Result<Option<StaffMember>, StoreError>,
    site: Result<Option<FeedbackSite>, StoreError>,
    /// None when the cursor was not one (then nothing is listed).
    listed: Result<Option<ports::Page<FeedbackItem, FeedbackItemId>>, StoreError>,
}

/// The page's caller and customer by the same rules as every feedback route
/// ([`Caller::customer`], with the reads beside it as [`customer_with`] sends them), but for
/// one: a customer whose own record is gone has lost their access, which the page says as it
/// says an ended session. `after` is the cursor, `None` when it was not one.
async fn load(
    state: &FeedbackState,
    caller: Caller,
    named: Option<&str>,
    after: Option<Option<FeedbackItemId>>,
) -> Result<Loaded, ApiError> {
    let named = named.filter(|n| !n.is_empty());
    let (customer, (tenant, member, site, listed)) =
        customer_with(&caller, state, named, |tenant, customer| async move {
            tokio::join!(
                state.tenants.get_tenant(tenant),
                async {
                    match caller {
                        // Staff read in their own language.
                        Caller::Staff(StaffAuth {
                            actor: Actor::Staff { id },
                            ..
                        }) => state.staff.get_staff(tenant, id).await,
                        _ => Ok(None),
                    }
                },
                state.feedback.get_feedback_site(tenant, customer),
                async {
                    match after {
                        Some(after) => state
                            .feedback
                            .list_feedback_items(tenant, customer, after, PAGE_ITEMS)
                            .await
                            .map(Some),
                        None => Ok(None),
                    }
                },
            )
        })
        .await
        .map_err(|e| match (e, caller) {
            (ApiError::NotFound(_), Caller::Customer { customer, .. })
                if portal::http::customer_id_param(named)
                    .is_ok_and(|id| id.is_none_or(|id| id == customer)) =>
            {
                ApiError::Unauthorized("Your portal access has been removed.")
            }
            (e, _) => e,
        })?;
    Ok(Loaded {
        viewer: Viewer {
            tenant: caller.tenant(),
            customer,
            staff: caller.is_staff(),
        },
        tenant,
        member,
        site,
        listed,
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct PageQuery {
    customer_id: Option<String>,
    state: Option<String>,
    page: Option<String>,
    cursor: Option<String>,
    notice: Option<String>,
}

/// This page with the parts of its query that say what is shown (not the notice, nor the
/// cursor): where the page's forms come back to.
fn page_url(customer: Option<&str>, state: Option<&str>, page: Option<&str>) -> String {
    let pairs: Vec<(&str, &str)> = [("customerId", customer), ("state", state), ("page", page)]
        .into_iter()
        .filter_map(|(k, v)| v.filter(|v| !v.is_empty()).map(|v| (k, v)))
        .collect();
    if pairs.is_empty() {
        return PAGE_PATH.to_owned();
    }
    format!("{PAGE_PATH}?{}", query_string(pairs))
}

fn query_string<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

fn shown_time(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// Who wrote something, as the reader knows them.
fn author_name(author: &Author, reader_is_staff: bool, language: Language) -> String {
    match (author.kind, reader_is_staff) {
        (AuthorKind::Customer, false) => t(language, "page-feedback-by-you"),
        _ if !author.name.trim().is_empty() => author.name.clone(),
        (AuthorKind::Customer, true) => t(language, "page-feedback-by-customer"),
        (AuthorKind::Staff, _) => t(language, "page-feedback-by-agency"),
    }
}

/// `GET /feedback`: the customer's items grouped by page; staff (with `customerId`) filter by
/// state and page.
pub(crate) async fn show(
    State(state): State<FeedbackState>,
    presented: Result<PresentedSession, ApiError>,
    QueryParam(query): QueryParam<PageQuery>,
) -> Result<Response, ApiError> {
    let after = query
        .cursor
        .as_deref()
        .filter(|c| !c.is_empty())
        .map(|c| {
            c.parse::<FeedbackItemId>()
                .map_err(|_| ApiError::invalid_parameter("cursor", "is not an item id"))
        })
        .transpose();
    // The session's account is read beside the page's own reads (the customer, the agency,
    // the site, the items): two round trips instead of six.
    let checked = match presented {
        Ok(presented) => {
            let (state, query, cursor) = (&state, &query, after.as_ref().ok().copied());
            presented
                .check_with(
                    &SessionPorts::from_ref(state),
                    |tenant, subject| async move {
                        // The page's own errors are its answer, not a reason to log in.
                        Ok(load(
                            state,
                            Caller::of_subject(tenant, subject),
                            query.customer_id.as_deref(),
                            cursor,
                        )
                        .await)
                    },
                )
                .await
        }
        Err(e) => Err(e),
    };
    let (who, loaded) = match checked {
        Err(ApiError::Unauthorized(_)) => {
            let here = page_url(query.customer_id.as_deref(), None, None);
            let next = query_string([("next", here.as_str())]);
            return Ok(see_other(&format!("/login?{next}")));
        }
        other => other?,
    };
    let Loaded {
        viewer,
        tenant,
        member,
        site,
        listed,
    } = loaded?;
    let wanted_state = query
        .state
        .as_deref()
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<ItemState>().map_err(|_| {
                ApiError::invalid_parameter(
                    "state",
                    "must be one of open, in-progress, resolved, wont-fix",
                )
            })
        })
        .transpose()?;
    let wanted_page = query.page.as_deref().filter(|p| !p.is_empty());
    if wanted_page.is_some_and(|p| p.chars().count() > portal::domain::feedback::URL_MAX) {
        return Err(ApiError::invalid_parameter(
            "page",
            "is longer than a page address can be",
        ));
    }
    let after = after?;
    let tenant = tenant?.ok_or(ApiError::Unauthorized("Your agency no longer exists."))?;
    let customer = &viewer.customer;
    // Each reads in their own language: staff in theirs, the customer in the customer's.
    let language = match who.session.subject {
        Subject::Staff(_) => member?.map_or(tenant.default_language, |member| member.language),
        Subject::Customer(_) => customer.language,
    };
    let site = site?;
    let listed = listed?.ok_or_else(|| {
        anyhow::anyhow!("The items were not listed though the cursor {after:?} was one")
    })?;
    let pages_seen: BTreeSet<String> = listed
        .items
        .iter()
        .map(|i| i.page_url.as_str().to_owned())
        .collect();
    let shown: Vec<&FeedbackItem> = listed
        .items
        .iter()
        .filter(|i| wanted_state.is_none_or(|s| i.state == s))
        .filter(|i| wanted_page.is_none_or(|p| i.page_url.as_str() == p))
        .collect();
    // Every thread, the attached files and (for the customer) the marks of what the agency
    // wrote being seen, all at once: the checks have passed, and each depends only on the
    // listed items. A mark is idempotent, so one written for a page that then fails to show
    // costs nothing but a "new" badge.
    let (state, viewer) = (&state, &viewer);
    // At most a few calls at once: each in flight holds a connection of its own (and, at a
    // cold start, its own TLS handshake on the function's one thread).
    let (tenant_id, customer_id) = (viewer.tenant, customer.id);
    let feedback = &state.feedback;
    let answered: Vec<_> = shown.iter().map(|i| (i.id, i.reply_count > 0)).collect();
    let threads = stream::iter(answered)
        .map(|(id, answered)| async move {
            if answered {
                feedback
                    .list_feedback_replies(tenant_id, customer_id, id)
                    .await
            } else {
                Ok(Vec::new())
            }
        })
        .buffered(CALLS_AT_ONCE)
        .try_collect::<Vec<_>>();
    let files = attachments::of(state, viewer.tenant, customer.id, &shown);
    let unseen: Vec<_> = shown
        .iter()
        .filter(|i| !viewer.staff && i.customer_unseen)
        .map(|i| i.id)
        .collect();
    let marks = stream::iter(unseen)
        .map(|id| feedback.mark_feedback_seen(tenant_id, customer_id, id))
        .buffered(CALLS_AT_ONCE)
        .try_collect::<Vec<_>>();
    let (threads, files, _) = tokio::try_join!(threads, files, marks)?;
    // Staff download the customer's file naming the customer, as on the files page.
    let owner_query = if viewer.staff {
        format!(
            "?{}",
            query_string([("customerId", customer.id.to_string().as_str())])
        )
    } else {
        String::new()
    };
    let mut groups: Vec<PageGroup> = Vec::new();
    for (item, replies) in shown.iter().zip(&threads) {
        let row = ItemRow {
            id: item.id.to_string(),
            number: item.number.into(),
            state: item.state.as_str(),
            comment: item.comment.clone(),
            snippet: item.snippet.clone(),
            attachments: item
                .attachments
                .iter()
                .map(|id| match files.get(id) {
                    Some(file) => AttachmentRow {
                        name: Some(file.name.clone()),
                        href: file
                            .state
                            .is_downloadable()
                            .then(|| format!("/files/{id}/download{owner_query}")),
                    },
                    None => AttachmentRow {
                        name: None,
                        href: None,
                    },
                })
                .collect(),
            author: author_name(&item.author, viewer.staff, language),
            created_at: item.created_at.to_rfc3339(),
            created: shown_time(item.created_at),
            replies: replies
                .iter()
                .map(|r| ReplyRow {
                    author: author_name(&r.author, viewer.staff, language),
                    text: r.text.clone(),
                    at: r.at.to_rfc3339(),
                    at_shown: shown_time(r.at),
                })
                .collect(),
            history: item
                .history
                .iter()
                .map(|h| HistoryRow {
                    state: h.state.as_str(),
                    by: author_name(&h.by, viewer.staff, language),
                    at: h.at.to_rfc3339(),
                    at_shown: shown_time(h.at),
                })
                .collect(),
            reopenable: item.state.is_closed(),
        };
        match groups.iter_mut().find(|g| g.page == item.page_url.as_str()) {
            Some(group) => group.items.push(row),
            None => groups.push(PageGroup {
                page: item.page_url.as_str().to_owned(),
                items: vec![row],
            }),
        }
    }
    let customer_param = viewer.staff.then(|| customer.id.to_string());
    let back = page_url(
        customer_param.as_deref(),
        query.state.as_deref(),
        wanted_page,
    );
    let more_url = listed.next.map(|next| {
        let next = next.to_string();
        let sep = if back.contains('?') { '&' } else { '?' };
        format!("{back}{sep}{}", query_string([("cursor", next.as_str())]))
    });
    let notice = match query.notice.as_deref() {
        Some("replied") => Some("page-feedback-replied"),
        Some("reopened") => Some("page-feedback-reopened"),
        Some("state") => Some("page-feedback-state-changed"),
        _ => None,
    };
    let error =
        (query.notice.as_deref() == Some("reply-empty")).then_some("page-feedback-reply-empty");
    let filter = FeedbackFilter {
        customer_id: customer_param.clone().unwrap_or_default(),
        state: wanted_state
            .map(|s| s.as_str().to_owned())
            .unwrap_or_default(),
        page: wanted_page.unwrap_or_default().to_owned(),
        pages: pages_seen.into_iter().collect(),
    };
    let open = site.is_some()
        && feedback_open(
            customer.status,
            site.as_ref().is_some_and(|s| s.after_online),
        );
    let origins: Vec<String> = site
        .as_ref()
        .map(|s| s.origins().iter().map(|o| o.as_str().to_owned()).collect())
        .unwrap_or_default();
    let csp = feedback_csp(&origins);
    let html = pages::feedback(&FeedbackPage {
        page: Page {
            language,
            agency: tenant.name.clone(),
        },
        nav: (!viewer.staff)
            .then(|| Nav::for_customer(customer, &tenant, "feedback", &who.session.csrf)),
        staff: viewer.staff,
        company: &customer.company_name,
        csrf: &who.session.csrf,
        open,
        has_site: site.is_some(),
        groups: &groups,
        filter: &filter,
        back: &back,
        more_url: more_url.as_deref(),
        notice,
        error,
        csp: &csp,
    });
    let mut response = (
        StatusCode::OK,
        [(header::CACHE_CONTROL, "no-store")],
        Html(html),
    )
        .into_response();
    // The page's own policy (its script, the redirect to the draft); the router keeps it.
    if let Ok(csp) = HeaderValue::from_str(&csp) {
        response
            .headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    Ok(response)
}

/// Back to the page a form came from (only this page, with only what it shows), with a
/// notice, at the item.
fn back_to(back: Option<&str>, notice: &str, item: FeedbackItemId) -> String {
    let back = LocalPath::parse_or(back, PAGE_PATH);
    let (path, query) = back.as_str().split_once('?').unwrap_or((back.as_str(), ""));
    let kept: Vec<(String, String)> = if path == PAGE_PATH {
        url::form_urlencoded::parse(query.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .filter(|(k, _)| matches!(k.as_str(), "customerId" | "state" | "page"))
            .collect()
    } else {
        Vec::new()
    };
    let get = |name: &str| {
        kept.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let url = page_url(get("customerId"), get("state"), get("page"));
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}notice={notice}#item-{item}")
}

/// The reply and state forms' fields.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ItemForm {
    csrf: Option<String>,
    back: Option<String>,
    customer_id: Option<String>,
    text: Option<String>,
    state: Option<String>,
}

/// The caller and customer of a page form: the session's customer, or a staff user of the
/// agency naming the customer in the form's `customerId`.
async fn form_caller(
    state: &FeedbackState,
    who: &UserSession,
    form: &ItemForm,
) -> Result<(Caller, Customer), ApiError> {
    who.check_form_csrf(form.csrf.as_deref())?;
    let caller = Caller::of_session(who);
    let named = form.customer_id.as_deref().filter(|c| !c.is_empty());
    let customer = caller
        .customer(&*state.customers, named, NAME_THE_CUSTOMER)
        .await?;
    Ok((caller, customer))
}

fn form_item_id(raw: &str) -> Result<FeedbackItemId, ApiError> {
    raw.parse()
        .map_err(|_| ApiError::invalid_parameter("itemId", "is not a feedback item id"))
}

/// `POST /feedback/page/{itemId}/reply`: the page's reply form (both sides); back to the
/// page at the item. An empty reply (the field is `required`, so only without a browser's
/// check) goes back with the message instead of storing nothing.
pub(crate) async fn reply(
    State(state): State<FeedbackState>,
    who: UserSession,
    PathParam(raw): PathParam<String>,
    FormBody(form): FormBody<ItemForm>,
) -> Result<Response, ApiError> {
    let id = form_item_id(&raw)?;
    let (caller, customer) = form_caller(&state, &who, &form).await?;
    let text = form.text.as_deref().map(str::trim).unwrap_or_default();
    if text.is_empty() {
        return Ok(see_other(&back_to(form.back.as_deref(), "reply-empty", id)));
    }
    let text = portal::domain::text::clean(text, COMMENT_MAX, true)
        .map_err(|e| ApiError::Validation(vec![FieldError::of("text", &e)]))?;
    let author = author(&caller, &state, &customer).await?;
    add_reply(&state, &customer, id, author, &text, None).await?;
    Ok(see_other(&back_to(form.back.as_deref(), "replied", id)))
}

/// `POST /feedback/page/{itemId}/state`: staff's state choice, the customer's "Reopen".
pub(crate) async fn change_state(
    State(state): State<FeedbackState>,
    who: UserSession,
    PathParam(raw): PathParam<String>,
    FormBody(form): FormBody<ItemForm>,
) -> Result<Response, ApiError> {
    let id = form_item_id(&raw)?;
    let (caller, customer) = form_caller(&state, &who, &form).await?;
    let to = form
        .state
        .as_deref()
        .unwrap_or_default()
        .trim()
        .parse::<ItemState>()
        .map_err(|e| ApiError::Validation(vec![FieldError::of("state", &e)]))?;
    let author = author(&caller, &state, &customer).await?;
    move_state(&state, &customer, id, to, author, None).await?;
    let notice = if caller.is_staff() {
        "state"
    } else {
        "reopened"
    };
    Ok(see_other(&back_to(form.back.as_deref(), notice, id)))
}

/// `GET /feedback.js`: the overlay. A plain `<script src>` needs no CORS; the resource
/// policy lets a draft site that isolates itself (COEP) still load it.
async fn overlay_script() -> Response {
    (
        StatusCode::OK,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/javascript; charset=utf-8"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static(OVERLAY_CACHE),
            ),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
            (
                HeaderName::from_static("cross-origin-resource-policy"),
                HeaderValue::from_static("cross-origin"),
            ),
        ],
        OVERLAY_SCRIPT,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_overlay_stays_under_20_kb_and_names_no_other_host() {
        assert!(
            OVERLAY_SCRIPT.len() < 20 * 1024,
            "feedback.js is {} bytes",
            OVERLAY_SCRIPT.len()
        );
        // No third-party requests: past its leading comment (which shows the script line)
        // it names no address and loads no code; it calls only its own script's origin.
        let code = &OVERLAY_SCRIPT[OVERLAY_SCRIPT.find("*/").unwrap_or(0)..];
        for needle in [
            "http://",
            "https://",
            "//cdn",
            "import(",
            "importScripts",
            "eval(",
        ] {
            assert!(!code.contains(needle), "feedback.js contains {needle}");
        }
    }

    #[tokio::test]
    async fn the_script_is_served_as_javascript_with_a_short_cache_life() {
        let response = overlay_script().await;
        assert_eq!(response.status(), StatusCode::OK);
        let h = response.headers();
        assert_eq!(h[header::CONTENT_TYPE], "text/javascript; charset=utf-8");
        assert_eq!(h[header::CACHE_CONTROL], "public, max-age=300");
        assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    }

    /// The page and its forms through the function's router on the embedded store, with the
    /// session cookie, as a browser without script uses them.
    mod page {
        use std::sync::Arc;

        use axum::{Router, http::Method};
        use chrono::Utc;
        use portal::{
            AppState,
            domain::{
                Actor, Author, AuthorKind, CustomerId, FeedbackItem, FeedbackItemId,
                FeedbackNotice, FeedbackState as ItemState, NewTenant, NoticeKind, NoticeTo,
                Position, SiteUrl, TenantId, Viewport,
            },
            embedded::{self, Outbox},
            ports::Store,
        };
        use testkit::Answer;

        use crate::FeedbackState;

        struct Portal {
            router: Router,
            store: Arc<dyn Store>,
            tenant: TenantId,
            key: String,
        }

        async fn agency(store: &dyn Store, host: &str) -> testkit::Agency {
            testkit::agency(
                store,
                &NewTenant {
                    name: "Webagentur Berg".into(),
                    portal_base_url: format!("https://{host}"),
                    sender_email: "portal@agency.example".into(),
                    default_language: "de".into(),
                    tier: "professional".into(),
                },
                "crm",
            )
            .await
        }

        impl Portal {
            async fn new() -> Self {
                let store: Arc<dyn Store> = Arc::new(embedded::in_memory_store());
                let app = AppState::from_store(store.clone());
                let agency = agency(store.as_ref(), "berg.agency.example").await;
                Self {
                    router: crate::router(FeedbackState::new(app, Arc::new(Outbox::in_memory()))),
                    store,
                    tenant: agency.tenant.id,
                    key: agency.key,
                }
            }

            async fn customer(&self, email: &str) -> (CustomerId, String) {
                let (id, bearer) =
                    testkit::customer_session(self.store.as_ref(), self.tenant, email).await;
                (id, format!("portal_session={bearer}"))
            }

            async fn item(
                &self,
                customer: CustomerId,
                number: u32,
                state: ItemState,
            ) -> FeedbackItemId {
                let now = Utc::now();
                let item = FeedbackItem {
                    id: FeedbackItemId::new(),
                    tenant_id: self.tenant,
                    customer_id: customer,
                    number,
                    page_url: SiteUrl::parse("https://draft.example/about").unwrap(),
                    selector: "#hero".into(),
                    snippet: "Frisches Brot".into(),
                    position: Position { x: 0.5, y: 0.5 },
                    viewport: Viewport {
                        width: 320,
                        height: 720,
                    },
                    browser: "test".into(),
                    comment: format!("<b>Kommentar {number}</b>"),
                    attachments: Vec::new(),
                    state,
                    author: Author {
                        kind: AuthorKind::Customer,
                        name: "Bäckerei Schmidt".into(),
                        actor: Some(Actor::Customer),
                    },
                    history: Vec::new(),
                    reply_count: 0,
                    customer_unseen: false,
                    created_at: now,
                    updated_at: now,
                    version: 1,
                };
                let notice =
                    FeedbackNotice::new(&item, NoticeTo::Agency, NoticeKind::NewItem, "x", now);
                self.store
                    .create_feedback_item(&item, 100, &notice)
                    .await
                    .expect("the item is stored");
                item.id
            }

            async fn get(&self, path: &str, cookie: &str) -> Answer {
                testkit::oneshot(&self.router, Method::GET, path, None, &[("cookie", cookie)]).await
            }

            async fn post(&self, path: &str, cookie: &str, form: &str) -> Answer {
                testkit::oneshot(
                    &self.router,
                    Method::POST,
                    path,
                    Some(("application/x-www-form-urlencoded", form.to_owned())),
                    &[("cookie", cookie)],
                )
                .await
            }
        }

        fn csrf(page: &Answer) -> String {
            let needle = "name=\"csrf\" value=\"";
            let at = page.text.find(needle).expect("a csrf field") + needle.len();
            page.text[at..].split('"').next().unwrap().to_owned()
        }

        fn location(answer: &Answer) -> &str {
            answer.headers["location"].to_str().unwrap()
        }

        #[tokio::test]
        async fn a_visitor_is_sent_to_log_in_and_an_api_key_is_no_page_session() {
            let portal = Portal::new().await;
            let answer = portal.get("/feedback", "").await;
            assert_eq!(answer.status, 303);
            assert_eq!(location(&answer), "/login?next=%2Ffeedback");
            let answer = testkit::oneshot(
                &portal.router,
                Method::GET,
                "/feedback",
                None,
                &[("authorization", &format!("Bearer {}", portal.key))],
            )
            .await;
            assert_eq!(answer.status, 303, "{}", answer.text);
        }

        #[tokio::test]
        async fn the_customer_sees_their_items_only_and_cannot_name_another_customer() {
            let portal = Portal::new().await;
            let (anna, cookie) = portal.customer("anna@baeckerei.example").await;
            let (bert, _) = portal.customer("bert@metzgerei.example").await;
            portal.item(anna, 1, ItemState::Resolved).await;
            portal.item(bert, 1, ItemState::Open).await;
            let page = portal.get("/feedback", &cookie).await;
            assert_eq!(page.status, 200, "{}", page.text);
            assert_eq!(
                page.text.matches("<article class=\"entry item\"").count(),
                1
            );
            assert!(
                page.text.contains("&lt;b&gt;Kommentar 1&lt;&#x2f;b&gt;"),
                "{}",
                page.text
            );
            assert!(
                page.text
                    .contains("https:&#x2f;&#x2f;draft.example&#x2f;about")
            );
            assert!(
                page.text.contains("Wieder öffnen"),
                "a resolved item can be reopened"
            );
            // Not open (no site, status preparation): no Give feedback button.
            assert!(!page.text.contains("action=\"/feedback/open\""));
            let csp = page.headers["content-security-policy"].to_str().unwrap();
            assert!(
                csp.contains("script-src 'sha256-") && !csp.contains("unsafe-inline'; script"),
                "{csp}"
            );
            let other = portal
                .get(&format!("/feedback?customerId={bert}"), &cookie)
                .await;
            assert_eq!(other.status, 404, "{}", other.text);
            assert!(!other.text.contains("Kommentar"));
        }

        #[tokio::test]
        async fn a_reply_needs_the_csrf_token_and_goes_back_only_to_the_feedback_page() {
            let portal = Portal::new().await;
            let (anna, cookie) = portal.customer("anna@baeckerei.example").await;
            let id = portal.item(anna, 1, ItemState::Open).await;
            let token = csrf(&portal.get("/feedback", &cookie).await);
            let path = format!("/feedback/page/{id}/reply");

            let refused = portal.post(&path, &cookie, "text=Hallo").await;
            assert_eq!(refused.status, 403, "{}", refused.text);

            for back in [
                "https://evil.example/",
                "//evil.example",
                "/me?x=1",
                "/feedback?notice=x&next=//evil",
            ] {
                let form = url::form_urlencoded::Serializer::new(String::new())
                    .extend_pairs([
                        ("csrf", token.as_str()),
                        ("text", "Bitte größer"),
                        ("back", back),
                    ])
                    .finish();
                let answer = portal.post(&path, &cookie, &form).await;
                assert_eq!(answer.status, 303, "{}", answer.text);
                assert_eq!(
                    location(&answer),
                    format!("/feedback?notice=replied#item-{id}"),
                    "{back}"
                );
            }
            let page = portal.get("/feedback?notice=replied", &cookie).await;
            assert!(page.text.contains("Ihre Antwort wurde gesendet."));
            assert_eq!(
                page.text.matches("Bitte größer").count(),
                4,
                "four replies in the thread"
            );

            let form = format!("csrf={token}&text=+++");
            let empty = portal.post(&path, &cookie, &form).await;
            assert_eq!(
                location(&empty),
                format!("/feedback?notice=reply-empty#item-{id}")
            );
            let page = portal.get("/feedback?notice=reply-empty", &cookie).await;
            assert!(page.text.contains("Bitte schreiben Sie eine Antwort."));
        }

        #[tokio::test]
        async fn the_customer_reopens_a_resolved_item_but_moves_no_other_state() {
            let portal = Portal::new().await;
            let (anna, cookie) = portal.customer("anna@baeckerei.example").await;
            let open = portal.item(anna, 1, ItemState::Open).await;
            let done = portal.item(anna, 2, ItemState::Resolved).await;
            let token = csrf(&portal.get("/feedback", &cookie).await);

            let refused = portal
                .post(
                    &format!("/feedback/page/{open}/state"),
                    &cookie,
                    &format!("csrf={token}&state=resolved"),
                )
                .await;
            assert_eq!(refused.status, 422, "{}", refused.text);
            assert!(
                refused.text.contains("\"field\":\"state\""),
                "{}",
                refused.text
            );

            let bad = portal
                .post(
                    &format!("/feedback/page/{open}/state"),
                    &cookie,
                    &format!("csrf={token}&state=gone"),
                )
                .await;
            assert_eq!(bad.status, 422, "{}", bad.text);

            let reopened = portal
                .post(
                    &format!("/feedback/page/{done}/state"),
                    &cookie,
                    &format!("csrf={token}&state=open"),
                )
                .await;
            assert_eq!(reopened.status, 303, "{}", reopened.text);
            assert_eq!(
                location(&reopened),
                format!("/feedback?notice=reopened#item-{done}")
            );
            let item = portal
                .store
                .get_feedback_item(portal.tenant, anna, done)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(item.state, ItemState::Open);
            assert_eq!(
                item.history.last().map(|h| h.by.kind),
                Some(AuthorKind::Customer)
            );
        }

        #[tokio::test]
        async fn an_item_of_another_customer_cannot_be_replied_to_nor_moved() {
            let portal = Portal::new().await;
            let (_, cookie) = portal.customer("anna@baeckerei.example").await;
            let (bert, _) = portal.customer("bert@metzgerei.example").await;
            let theirs = portal.item(bert, 1, ItemState::Resolved).await;
            let token = csrf(&portal.get("/feedback", &cookie).await);
            for (path, form) in [
                (
                    format!("/feedback/page/{theirs}/reply"),
                    format!("csrf={token}&text=Hallo"),
                ),
                (
                    format!("/feedback/page/{theirs}/state"),
                    format!("csrf={token}&state=open"),
                ),
                (
                    format!("/feedback/page/{theirs}/state"),
                    format!("csrf={token}&state=open&customerId={bert}"),
                ),
            ] {
                let answer = portal.post(&path, &cookie, &form).await;
                assert_eq!(answer.status, 404, "{path}: {}", answer.text);
            }
            let item = portal
                .store
                .get_feedback_item(portal.tenant, bert, theirs)
                .await
                .unwrap()
                .unwrap();
            assert_eq!((item.state, item.reply_count), (ItemState::Resolved, 0));
        }
    }
}
