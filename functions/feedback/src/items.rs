//! The items as the portal works through them: staff and the customer list and read them,
//! reply in their thread and move their state (staff any way; the customer only reopens a
//! resolved or declined one). Every change is the item's version-conditioned write with its
//! reply, history entry and the notice that tells the other side.

use axum::{
    Json,
    extract::State,
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use chrono::{DateTime, Utc};
use portal::{
    domain::{
        Author, AuthorKind, Customer, CustomerId, FeedbackItem, FeedbackItemId, FeedbackNotice,
        FeedbackReply, FeedbackState, FieldError, FieldErrors, FileId, HistoryEntry, Language,
        NoticeKind, NoticeTo, Position, SiteUrl, TenantId, Viewport,
        feedback::{COMMENT_MAX, HISTORY_MAX, REPLIES_MAX},
        text,
        validation::Common,
    },
    http::{ApiError, JsonBody, PathParam, QueryParam, if_match, retry_lost_races_as},
    ports::{Page, StoreError},
};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::{
    FeedbackState as AppState,
    attachments::{self, AttachmentView, Files},
    caller::{Caller, NAME_THE_CUSTOMER, author, customer_author, customer_with, staff_author},
};

/// What can go wrong working on items, mapped once to [`ApiError`].
#[derive(Debug, Error)]
pub enum FeedbackError {
    #[error("no such feedback item")]
    ItemNotFound,
    /// The project takes no feedback now (its status, or no site registered).
    #[error("feedback is not open")]
    NotOpen(Language),
    #[error("invalid fields")]
    Invalid(Vec<FieldError>),
    /// `If-Match` named another version than the stored one.
    #[error("the item changed since the client read it")]
    PreconditionFailed,
    #[error("another writer kept winning")]
    ConcurrentChange,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl FeedbackError {
    pub fn field(field: &str, message: &str) -> Self {
        FeedbackError::Invalid(vec![FieldError::new(field, message)])
    }
}

impl From<StoreError> for FeedbackError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::VersionConflict | StoreError::AlreadyExists => {
                FeedbackError::ConcurrentChange
            }
            StoreError::NotFound => FeedbackError::ItemNotFound,
            other => FeedbackError::Unexpected(anyhow::Error::new(other)),
        }
    }
}

impl From<FeedbackError> for ApiError {
    fn from(e: FeedbackError) -> Self {
        match e {
            FeedbackError::ItemNotFound => ApiError::NotFound("feedback item"),
            FeedbackError::NotOpen(language) => ApiError::FeedbackNotOpen(language),
            FeedbackError::Invalid(errors) => ApiError::Validation(errors),
            FeedbackError::PreconditionFailed => ApiError::PreconditionFailed,
            FeedbackError::ConcurrentChange => ApiError::ConcurrentChange,
            FeedbackError::Unexpected(e) => ApiError::Unexpected(e),
        }
    }
}

/// An author as both sides see it: the side and a name, never the key or staff id.
#[derive(Debug, Clone, Serialize)]
pub struct AuthorView {
    kind: AuthorKind,
    name: String,
}

impl From<&Author> for AuthorView {
    fn from(a: &Author) -> Self {
        Self {
            kind: a.kind,
            name: a.name.clone(),
        }
    }
}

/// One item, as every route answers it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemView {
    item_id: FeedbackItemId,
    number: u32,
    page_url: SiteUrl,
    selector: String,
    snippet: String,
    position: Position,
    viewport: Viewport,
    browser: String,
    comment: String,
    attachments: Vec<FileId>,
    /// The attached files as they are now: name and state, `deleted` once gone.
    attachment_files: Vec<AttachmentView>,
    state: FeedbackState,
    author: AuthorView,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    reply_count: u32,
    /// Something of the agency's (a reply, a state) waits for the customer here.
    unseen: bool,
    version: u64,
}

impl ItemView {
    /// `i` with its attached files looked up in `files` ([`attachments::of`]).
    pub fn new(i: &FeedbackItem, files: &Files) -> Self {
        Self {
            item_id: i.id,
            number: i.number,
            page_url: i.page_url.clone(),
            selector: i.selector.clone(),
            snippet: i.snippet.clone(),
            position: i.position,
            viewport: i.viewport,
            browser: i.browser.clone(),
            comment: i.comment.clone(),
            attachments: i.attachments.clone(),
            attachment_files: attachments::views(&i.attachments, files),
            state: i.state,
            author: (&i.author).into(),
            created_at: i.created_at,
            updated_at: i.updated_at,
            reply_count: i.reply_count,
            unseen: i.customer_unseen,
            version: i.version,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ReplyView {
    author: AuthorView,
    text: String,
    at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize)]
pub struct HistoryView {
    state: FeedbackState,
    by: AuthorView,
    at: DateTime<Utc>,
}

/// One item with its thread and history (`GET /feedback/items/{itemId}`).
#[derive(Debug, Clone, Serialize)]
pub struct ItemDetail {
    #[serde(flatten)]
    item: ItemView,
    replies: Vec<ReplyView>,
    history: Vec<HistoryView>,
}

fn detail(item: &FeedbackItem, replies: &[FeedbackReply], files: &Files) -> ItemDetail {
    ItemDetail {
        item: ItemView::new(item, files),
        replies: replies
            .iter()
            .map(|r| ReplyView {
                author: (&r.author).into(),
                text: r.text.clone(),
                at: r.at,
            })
            .collect(),
        history: item
            .history
            .iter()
            .map(|h: &HistoryEntry| HistoryView {
                state: h.state,
                by: (&h.by).into(),
                at: h.at,
            })
            .collect(),
    }
}

pub fn with_etag(version: u64, response: Response) -> Response {
    let mut response = response;
    if let Ok(value) = HeaderValue::from_str(&format!("\"{version}\"")) {
        response.headers_mut().insert(header::ETAG, value);
    }
    response
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListParams {
    customer_id: Option<String>,
    state: Option<String>,
    page: Option<String>,
    cursor: Option<String>,
    limit: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomerParam {
    customer_id: Option<String>,
}

#[derive(Serialize)]
pub struct ItemList {
    items: Vec<ItemView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next: Option<String>,
}

const DEFAULT_PAGE_SIZE: usize = 50;
const MAX_PAGE_SIZE: usize = 200;
/// Pages of the store read for one filtered answer, so a rare state can't make one request
/// read everything.
const MAX_READS: usize = 10;

/// What [`list`] reads first, beside the customer check.
enum FirstRead {
    /// Every item of one page.
    Page(Result<Vec<FeedbackItem>, StoreError>),
    /// The first page of the customer's items.
    Items(Result<Page<FeedbackItem, FeedbackItemId>, StoreError>),
}

/// `GET /feedback/items?customerId&state&page&cursor&limit`: oldest first. With `page`,
/// every item of that page (at most 100, no cursor). The parameters are parsed before any
/// read so that the first read of the items goes out beside the customer check; their
/// problems are still answered after the check's, as before.
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    QueryParam(params): QueryParam<ListParams>,
) -> Result<Json<ItemList>, ApiError> {
    let wanted = params
        .state
        .as_deref()
        .map(|s| {
            s.parse::<FeedbackState>().map_err(|_| {
                ApiError::invalid_parameter(
                    "state",
                    "must be open, in-progress, resolved or wont-fix",
                )
            })
        })
        .transpose();
    let limit = portal::http::page_limit(params.limit.as_deref(), DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
    let page = params
        .page
        .as_deref()
        .map(|raw| {
            SiteUrl::parse(raw).map_err(|e| ApiError::invalid_parameter("page", e.to_string()))
        })
        .transpose();
    // A cursor counts only without a page.
    let cursor = params
        .cursor
        .as_deref()
        .map(|raw| {
            raw.parse::<FeedbackItemId>().map_err(|_| {
                ApiError::invalid_parameter("cursor", "is not a cursor this API returned")
            })
        })
        .transpose();
    let first = match (&wanted, &limit, &page, &cursor) {
        (Ok(_), Ok(_), Ok(Some(page)), _) => Some((None, Some(page.clone()))),
        (Ok(_), Ok(limit), Ok(None), Ok(after)) => Some((Some((*limit, *after)), None)),
        _ => None,
    };
    let feedback = &state.feedback;
    let (customer, first) = customer_with(
        &caller,
        &state,
        params.customer_id.as_deref(),
        |t, c| async move {
            match first? {
                (_, Some(page)) => Some(FirstRead::Page(
                    feedback.list_feedback_page(t, c, &page).await,
                )),
                (Some((limit, after)), None) => Some(FirstRead::Items(
                    feedback.list_feedback_items(t, c, after, limit).await,
                )),
                (None, None) => None,
            }
        },
    )
    .await?;
    let (wanted, limit, page) = (wanted?, limit?, page?);
    let (t, c) = (customer.tenant_id, customer.id);
    let keep = |i: &FeedbackItem| wanted.is_none_or(|w| i.state == w);
    if let Some(page) = page {
        let items = match first {
            Some(FirstRead::Page(items)) => items?,
            _ => feedback.list_feedback_page(t, c, &page).await?,
        };
        let kept: Vec<&FeedbackItem> = items.iter().filter(|i| keep(i)).collect();
        let files = attachments::of(&state, t, c, &kept).await?;
        return Ok(Json(ItemList {
            items: kept.iter().map(|i| ItemView::new(i, &files)).collect(),
            next: None,
        }));
    }
    let mut after = cursor?;
    let mut first = match first {
        Some(FirstRead::Items(page)) => Some(page),
        _ => None,
    };
    let mut items = Vec::new();
    let mut next = None;
    for _ in 0..MAX_READS {
        let page = match first.take() {
            Some(page) => page?,
            None => feedback.list_feedback_items(t, c, after, limit).await?,
        };
        for item in &page.items {
            if items.len() == limit {
                break;
            }
            next = Some(item.id);
            if keep(item) {
                items.push(item.clone());
            }
        }
        if items.len() == limit {
            // More may follow when this page was not the last or not all of it was read.
            if page.next.is_none() && page.items.last().map(|i| i.id) == next {
                next = None;
            }
            break;
        }
        match page.next {
            Some(n) => after = Some(n),
            None => {
                next = None;
                break;
            }
        }
    }
    let listed: Vec<&FeedbackItem> = items.iter().collect();
    let files = attachments::of(&state, t, c, &listed).await?;
    Ok(Json(ItemList {
        items: items.iter().map(|i| ItemView::new(i, &files)).collect(),
        next: next.map(|id| id.to_string()),
    }))
}

fn item_id(raw: &str) -> Result<FeedbackItemId, ApiError> {
    raw.parse()
        .map_err(|_| ApiError::invalid_parameter("itemId", "is not a feedback item id"))
}

async fn load(
    state: &AppState,
    customer: &Customer,
    id: FeedbackItemId,
) -> Result<FeedbackItem, FeedbackError> {
    state
        .feedback
        .get_feedback_item(customer.tenant_id, customer.id, id)
        .await?
        .ok_or(FeedbackError::ItemNotFound)
}

/// `GET /feedback/items/{itemId}`: the item with its thread and history. The customer
/// reading it has seen what the agency did there.
pub async fn read(
    State(state): State<AppState>,
    caller: Caller,
    PathParam(raw): PathParam<String>,
    QueryParam(params): QueryParam<CustomerParam>,
) -> Result<Response, ApiError> {
    let id = item_id(&raw)?;
    let customer = caller
        .customer(
            &*state.customers,
            params.customer_id.as_deref(),
            NAME_THE_CUSTOMER,
        )
        .await?;
    let item = load(&state, &customer, id).await?;
    let replies = state
        .feedback
        .list_feedback_replies(customer.tenant_id, customer.id, id)
        .await?;
    if !caller.is_staff() && item.customer_unseen {
        state
            .feedback
            .mark_feedback_seen(customer.tenant_id, customer.id, id)
            .await?;
    }
    let files = attachments::of(&state, customer.tenant_id, customer.id, &[&item]).await?;
    Ok(with_etag(
        item.version,
        Json(detail(&item, &replies, &files)).into_response(),
    ))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewReply {
    text: Option<String>,
}

/// `POST /feedback/items/{itemId}/replies {text}` (both sides): `201` with the item. Every
/// read goes out at once: the customer check, the staff author's name, the item and its
/// thread (keyed by the caller's own agency, used once the check has passed).
pub async fn reply(
    State(state): State<AppState>,
    caller: Caller,
    PathParam(raw): PathParam<String>,
    QueryParam(params): QueryParam<CustomerParam>,
    JsonBody(body): JsonBody<NewReply>,
) -> Result<Response, ApiError> {
    let id = item_id(&raw)?;
    let staff = match caller {
        Caller::Staff(staff) => Some(staff),
        Caller::Customer { .. } => None,
    };
    let state_ref = &state;
    let (customer, (staff_author, thread)) = customer_with(
        &caller,
        &state,
        params.customer_id.as_deref(),
        |t, c| async move {
            let author = async {
                match &staff {
                    Some(staff) => staff_author(state_ref, staff).await.map(Some),
                    None => Ok(None),
                }
            };
            tokio::join!(author, read_thread(state_ref, t, c, id))
        },
    )
    .await?;
    let mut errors = FieldErrors::default();
    let text = match body.text.as_deref().map(str::trim) {
        None => {
            errors.report("text", Common::Required);
            None
        }
        Some(raw) => errors.check("text", text::clean(raw, COMMENT_MAX, true)),
    };
    let text = errors
        .finish(|| text.unwrap_or_default())
        .map_err(ApiError::Validation)?;
    let author = staff_author?.unwrap_or_else(|| customer_author(&customer));
    // An item's attachments never change, so its files are read beside the write, from the
    // item as read.
    let read = thread.0.as_ref().ok().and_then(Option::as_ref).cloned();
    let (t, c) = (customer.tenant_id, customer.id);
    let (added, files) = tokio::join!(
        add_reply(&state, &customer, id, author, &text, Some(thread)),
        async {
            match &read {
                Some(item) => attachments::of(&state, t, c, &[item]).await,
                None => Ok(Files::new()),
            }
        }
    );
    let (item, replies) = added?;
    let files = files?;
    Ok(with_etag(
        item.version,
        (StatusCode::CREATED, Json(detail(&item, &replies, &files))).into_response(),
    ))
}

/// An item and its replies, read together.
pub type Thread = (
    Result<Option<FeedbackItem>, StoreError>,
    Result<Vec<FeedbackReply>, StoreError>,
);

/// The item `id` of the customer and its replies, at once.
pub async fn read_thread(
    state: &AppState,
    tenant: TenantId,
    customer: CustomerId,
    id: FeedbackItemId,
) -> Thread {
    tokio::join!(
        state.feedback.get_feedback_item(tenant, customer, id),
        state.feedback.list_feedback_replies(tenant, customer, id)
    )
}

/// Adds `text` by `author` to the item's thread with the notice to the other side. `read` is
/// the item and its thread when the caller has read them already ([`read_thread`]), so the
/// first try reads nothing more; a try after a lost race reads them afresh.
pub async fn add_reply(
    state: &AppState,
    customer: &Customer,
    id: FeedbackItemId,
    author: Author,
    text: &str,
    read: Option<Thread>,
) -> Result<(FeedbackItem, Vec<FeedbackReply>), FeedbackError> {
    let (author, text) = (&author, text);
    let mut read = read;
    // The thread is read beside the item, before the write, and answered with the new reply
    // added: no read after the write. The write is conditioned on the item's version, so once
    // it holds no reply came in after the item was read.
    let (item, replies) = retry_lost_races_as(move || {
        let read = read.take();
        async move {
            let (current, mut replies) = match read {
                Some(read) => read,
                None => read_thread(state, customer.tenant_id, customer.id, id).await,
            };
            let current = current?.ok_or(FeedbackError::ItemNotFound)?;
            if current.reply_count >= REPLIES_MAX {
                return Err(FeedbackError::field(
                    "text",
                    "can't be added: the thread has reached its 200 replies",
                ));
            }
            let now = state.clock.now();
            let reply = FeedbackReply {
                item_id: id,
                number: current.reply_count + 1,
                author: author.clone(),
                text: text.to_owned(),
                at: now,
            };
            let mut next = current.clone();
            next.reply_count = reply.number;
            next.updated_at = now;
            next.version = current.version + 1;
            let to = match author.kind {
                AuthorKind::Staff => {
                    next.customer_unseen = true;
                    NoticeTo::Customer
                }
                AuthorKind::Customer => NoticeTo::Agency,
            };
            let notice = FeedbackNotice::new(&next, to, NoticeKind::Reply, text, now);
            let written = state
                .feedback
                .update_feedback_item(&current, &next, Some(&reply), Some(&notice))
                .await;
            // A thread read before a reply that came in just ahead of the item's read lacks
            // it: then it is read again below.
            let replies = match &mut replies {
                Ok(replies) if replies.len() as u64 == u64::from(current.reply_count) => {
                    replies.push(reply);
                    Some(std::mem::take(replies))
                }
                _ => None,
            };
            Ok(written.map(|()| (next, replies)))
        }
    })
    .await?;
    let replies = match replies {
        Some(replies) => replies,
        None => {
            state
                .feedback
                .list_feedback_replies(customer.tenant_id, customer.id, id)
                .await?
        }
    };
    Ok((item, replies))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StateBody {
    state: Option<String>,
}

/// `PUT /feedback/items/{itemId}/state {state}`, optionally with `If-Match`. Staff move it
/// anywhere; the customer only reopens a resolved or declined item. Moving it to the state it
/// has changes nothing, so a retry is harmless.
pub async fn change_state(
    State(state): State<AppState>,
    caller: Caller,
    PathParam(raw): PathParam<String>,
    QueryParam(params): QueryParam<CustomerParam>,
    headers: HeaderMap,
    JsonBody(body): JsonBody<StateBody>,
) -> Result<Response, ApiError> {
    let expected = if_match(&headers)?;
    let id = item_id(&raw)?;
    let customer = caller
        .customer(
            &*state.customers,
            params.customer_id.as_deref(),
            NAME_THE_CUSTOMER,
        )
        .await?;
    let mut errors = FieldErrors::default();
    let to = match body.state.as_deref().map(str::trim) {
        None => {
            errors.report("state", Common::Required);
            None
        }
        Some(raw) => errors.check("state", raw.parse::<FeedbackState>()),
    };
    let to = errors
        .finish(|| to)
        .map_err(ApiError::Validation)?
        .ok_or_else(|| anyhow::anyhow!("a state without a problem"))?;
    let author = author(&caller, &state, &customer).await?;
    let item = move_state(&state, &customer, id, to, author, expected).await?;
    let replies = state
        .feedback
        .list_feedback_replies(customer.tenant_id, customer.id, id)
        .await?;
    let files = attachments::of(&state, customer.tenant_id, customer.id, &[&item]).await?;
    Ok(with_etag(
        item.version,
        Json(detail(&item, &replies, &files)).into_response(),
    ))
}

/// Moves the item to `to`, recorded in its history with who and when, and the other side
/// told.
pub async fn move_state(
    state: &AppState,
    customer: &Customer,
    id: FeedbackItemId,
    to: FeedbackState,
    author: Author,
    expected: Option<u64>,
) -> Result<FeedbackItem, FeedbackError> {
    let author = &author;
    retry_lost_races_as(move || async move {
        let current = load(state, customer, id).await?;
        if expected.is_some_and(|v| v != current.version) {
            return Err(FeedbackError::PreconditionFailed);
        }
        if current.state == to {
            return Ok(Ok(current));
        }
        let customer_side = author.kind == AuthorKind::Customer;
        if customer_side && !(current.state.is_closed() && to == FeedbackState::Open) {
            return Err(FeedbackError::field(
                "state",
                "can only be set back to open by the customer, once the item is resolved or wont-fix",
            ));
        }
        if current.history.len() >= HISTORY_MAX {
            return Err(FeedbackError::field(
                "state",
                "can't change any more: the item has reached its 200 recorded changes",
            ));
        }
        let now = state.clock.now();
        let mut next = current.clone();
        next.state = to;
        next.history.push(HistoryEntry {
            state: to,
            by: author.clone(),
            at: now,
        });
        next.updated_at = now;
        next.version = current.version + 1;
        let to_side = if customer_side {
            NoticeTo::Agency
        } else {
            next.customer_unseen = true;
            NoticeTo::Customer
        };
        let notice = FeedbackNotice::new(&next, to_side, NoticeKind::State, "", now);
        match state
            .feedback
            .update_feedback_item(&current, &next, None, Some(&notice))
            .await
        {
            Err(StoreError::VersionConflict) if expected.is_some() => {
                Err(FeedbackError::PreconditionFailed)
            }
            written => Ok(written.map(|()| next)),
        }
    })
    .await
}
