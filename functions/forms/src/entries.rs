//! The entries of a customer's forms: listed newest first (by form and date range), marked
//! read or unread, deleted, their notification resent, exported as CSV.

use axum::{
    Json,
    extract::State,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use portal::{
    domain::{
        CustomerId, EmailState, EntryField, FormEntry, FormEntryId, FormId, TenantId, Verification,
    },
    http::{ApiError, Caller, JsonBody, PathParam, QueryParam},
    ports::EntryFilter,
};
use serde::{Deserialize, Serialize};

use crate::{
    FormsState,
    manage::{self, NAME_THE_CUSTOMER},
    notifications::{self, NotifyError},
};

pub const DEFAULT_PAGE_SIZE: usize = 25;
pub const MAX_PAGE_SIZE: usize = 100;
/// The most entries one CSV export holds.
pub const MAX_EXPORT: usize = 10_000;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct ListParams {
    customer_id: Option<String>,
    form_id: Option<String>,
    from: Option<String>,
    to: Option<String>,
    limit: Option<String>,
    cursor: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct CustomerParam {
    customer_id: Option<String>,
}

/// An entry as the API shows it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EntryView {
    id: FormEntryId,
    form_id: FormId,
    received_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    fields: Vec<EntryField>,
    origin: Option<String>,
    user_agent: Option<String>,
    verification: Verification,
    read: bool,
    read_at: Option<DateTime<Utc>>,
    email_state: EmailState,
    email_attempts: u32,
    /// When it is tried again on its own (pending, or failed with attempts left).
    email_next_try_at: Option<DateTime<Utc>>,
}

impl From<FormEntry> for EntryView {
    fn from(e: FormEntry) -> Self {
        Self {
            id: e.id,
            form_id: e.form_id,
            received_at: e.received_at,
            expires_at: e.expires_at,
            fields: e.fields,
            origin: e.origin,
            user_agent: e.user_agent,
            verification: e.verification,
            read: e.read_at.is_some(),
            read_at: e.read_at,
            email_state: e.email_state,
            email_attempts: e.email_attempts,
            email_next_try_at: e.email_next_try_at,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct EntryList {
    items: Vec<EntryView>,
    next_cursor: Option<String>,
}

/// The oldest receive time within the agency's retention as it is set now. An entry is
/// stored with the retention of its day (its `ttl`), so after the agency shortens the
/// retention, older entries are left out here at once; their `ttl` removes them later.
pub(crate) async fn retained_since(
    state: &FormsState,
    tenant: TenantId,
) -> Result<DateTime<Utc>, ApiError> {
    let tenant = state
        .tenants
        .get_tenant(tenant)
        .await?
        .ok_or(ApiError::NotFound("agency"))?;
    Ok(state.clock.now()
        - chrono::Duration::days(i64::from(tenant.form_entry_retention_days.days())))
}

/// The customer's entry, if it is within its retention and the agency's as set now.
pub(crate) async fn live_entry(
    state: &FormsState,
    tenant: TenantId,
    customer: CustomerId,
    id: FormEntryId,
) -> Result<Option<FormEntry>, ApiError> {
    let since = retained_since(state, tenant).await?;
    Ok(state
        .entries
        .get_entry(tenant, customer, id, state.clock.now())
        .await?
        .filter(|e| e.received_at >= since))
}

/// The customer and filter a listing or export is about, checked against the caller.
pub async fn filter_for(
    state: &FormsState,
    caller: &Caller,
    customer_id: Option<&str>,
    form_id: Option<&str>,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<EntryFilter, ApiError> {
    let customer = caller
        .customer_id(&*state.customers, customer_id, NAME_THE_CUSTOMER)
        .await?;
    let form = match form_id.filter(|f| !f.is_empty()) {
        None => None,
        Some(raw) => {
            let form = manage::load(state, caller, raw).await?;
            if form.customer_id != customer {
                return Err(ApiError::NotFound("form"));
            }
            Some(form.id)
        }
    };
    let from = from
        .filter(|f| !f.is_empty())
        .map(|raw| parse_date(raw, "from", false))
        .transpose()?;
    let to = to
        .filter(|t| !t.is_empty())
        .map(|raw| parse_date(raw, "to", true))
        .transpose()?;
    if let (Some(from), Some(to)) = (from, to)
        && from > to
    {
        return Err(ApiError::invalid_parameter("to", "must not be before from"));
    }
    let since = retained_since(state, caller.tenant()).await?;
    Ok(EntryFilter {
        tenant: caller.tenant(),
        customer,
        form,
        from: Some(from.map_or(since, |from| from.max(since))),
        to,
    })
}

/// An RFC 3339 time, or a day (`2026-05-31`: its start for `from`, its end for `to`, UTC).
fn parse_date(raw: &str, field: &str, end_of_day: bool) -> Result<DateTime<Utc>, ApiError> {
    if let Ok(at) = DateTime::parse_from_rfc3339(raw) {
        return Ok(at.with_timezone(&Utc));
    }
    let day = NaiveDate::parse_from_str(raw, "%Y-%m-%d").map_err(|_| {
        ApiError::invalid_parameter(
            field,
            "must be a day (2026-05-31) or a time (2026-05-31T12:00:00Z)",
        )
    })?;
    let time = if end_of_day {
        NaiveTime::from_hms_milli_opt(23, 59, 59, 999).unwrap_or_default()
    } else {
        NaiveTime::MIN
    };
    Ok(day.and_time(time).and_utc())
}

pub(crate) async fn list(
    State(state): State<FormsState>,
    caller: Caller,
    QueryParam(params): QueryParam<ListParams>,
) -> Result<Json<EntryList>, ApiError> {
    let filter = filter_for(
        &state,
        &caller,
        params.customer_id.as_deref(),
        params.form_id.as_deref(),
        params.from.as_deref(),
        params.to.as_deref(),
    )
    .await?;
    let limit =
        portal::http::page_limit(params.limit.as_deref(), DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)?;
    let after = params.cursor.as_deref().map(decode_cursor).transpose()?;
    let page = state
        .entries
        .list_entries(&filter, after, limit, state.clock.now())
        .await?;
    Ok(Json(EntryList {
        items: page.items.into_iter().map(EntryView::from).collect(),
        next_cursor: page.next.map(encode_cursor),
    }))
}

fn encode_cursor(after: FormEntryId) -> String {
    URL_SAFE_NO_PAD.encode(format!("e1:{after}"))
}

fn decode_cursor(raw: &str) -> Result<FormEntryId, ApiError> {
    URL_SAFE_NO_PAD
        .decode(raw)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|s| s.strip_prefix("e1:").and_then(|id| id.parse().ok()))
        .ok_or_else(|| ApiError::invalid_parameter("cursor", "is not a cursor this API returned"))
}

/// The caller's entry: its customer and id, or 404 (another customer's is not found either).
async fn target(
    state: &FormsState,
    caller: &Caller,
    customer_id: Option<&str>,
    raw_id: &str,
) -> Result<(CustomerId, FormEntryId), ApiError> {
    let id: FormEntryId = raw_id.parse().map_err(|_| {
        ApiError::invalid_parameter("entryId", "is not a form entry id (26 characters)")
    })?;
    let customer = caller
        .customer_id(&*state.customers, customer_id, NAME_THE_CUSTOMER)
        .await?;
    Ok((customer, id))
}

pub(crate) async fn read(
    State(state): State<FormsState>,
    caller: Caller,
    PathParam(id): PathParam<String>,
    QueryParam(params): QueryParam<CustomerParam>,
) -> Result<Json<EntryView>, ApiError> {
    let (customer, id) = target(&state, &caller, params.customer_id.as_deref(), &id).await?;
    let entry = live_entry(&state, caller.tenant(), customer, id)
        .await?
        .ok_or(ApiError::NotFound("form entry"))?;
    Ok(Json(entry.into()))
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Marking {
    read: bool,
}

pub(crate) async fn mark(
    State(state): State<FormsState>,
    caller: Caller,
    PathParam(id): PathParam<String>,
    QueryParam(params): QueryParam<CustomerParam>,
    JsonBody(marking): JsonBody<Marking>,
) -> Result<Json<EntryView>, ApiError> {
    let (customer, id) = target(&state, &caller, params.customer_id.as_deref(), &id).await?;
    let now = state.clock.now();
    // Only a live entry: one past its retention is gone, even before TTL removes it.
    live_entry(&state, caller.tenant(), customer, id)
        .await?
        .ok_or(ApiError::NotFound("form entry"))?;
    let entry = state
        .entries
        .mark_read(caller.tenant(), customer, id, marking.read.then_some(now))
        .await
        .map_err(|e| match e {
            portal::ports::StoreError::NotFound => ApiError::NotFound("form entry"),
            other => other.into(),
        })?;
    Ok(Json(entry.into()))
}

pub(crate) async fn remove(
    State(state): State<FormsState>,
    caller: Caller,
    PathParam(id): PathParam<String>,
    QueryParam(params): QueryParam<CustomerParam>,
) -> Result<StatusCode, ApiError> {
    let (customer, id) = target(&state, &caller, params.customer_id.as_deref(), &id).await?;
    state
        .entries
        .delete_entry(caller.tenant(), customer, id)
        .await
        .map_err(|e| match e {
            portal::ports::StoreError::NotFound => ApiError::NotFound("form entry"),
            other => other.into(),
        })?;
    tracing::info!(tenant = %caller.tenant(), entry = %id, "form entry deleted");
    Ok(StatusCode::NO_CONTENT)
}

/// Sends the entry's notification again (one whose sending failed or was cut short).
pub(crate) async fn resend(
    State(state): State<FormsState>,
    caller: Caller,
    PathParam(id): PathParam<String>,
    QueryParam(params): QueryParam<CustomerParam>,
) -> Result<Json<EntryView>, ApiError> {
    let (customer, id) = target(&state, &caller, params.customer_id.as_deref(), &id).await?;
    let entry = live_entry(&state, caller.tenant(), customer, id)
        .await?
        .ok_or(ApiError::NotFound("form entry"))?;
    let form = state
        .forms
        .get_form(entry.form_id)
        .await?
        .filter(|f| caller.reaches(f.tenant_id, f.customer_id))
        .ok_or(ApiError::NotFound("form"))?;
    if !form.recipients.is_empty() {
        match notifications::resend(&state, &form, &entry).await {
            Ok(_) => {}
            // An attempt is under way (a sweep's, or the first one's): its outcome will show.
            Err(NotifyError::Busy) => return Err(ApiError::ConcurrentChange),
            Err(NotifyError::Unexpected(e)) => return Err(ApiError::Unexpected(e)),
        }
    }
    let entry = live_entry(&state, caller.tenant(), customer, id)
        .await?
        .ok_or(ApiError::NotFound("form entry"))?;
    Ok(Json(entry.into()))
}

pub(crate) async fn export(
    State(state): State<FormsState>,
    caller: Caller,
    QueryParam(params): QueryParam<ListParams>,
) -> Result<Response, ApiError> {
    if params.limit.is_some() || params.cursor.is_some() {
        return Err(ApiError::invalid_parameter(
            if params.limit.is_some() {
                "limit"
            } else {
                "cursor"
            },
            "is not taken by the export: it holds every entry the filter finds",
        ));
    }
    let filter = filter_for(
        &state,
        &caller,
        params.customer_id.as_deref(),
        params.form_id.as_deref(),
        params.from.as_deref(),
        params.to.as_deref(),
    )
    .await?;
    let now = state.clock.now();
    let mut entries = Vec::new();
    let mut after = None;
    loop {
        let page = state
            .entries
            .list_entries(&filter, after, MAX_PAGE_SIZE, now)
            .await?;
        entries.extend(page.items);
        match page.next {
            Some(next) if entries.len() < MAX_EXPORT => after = Some(next),
            _ => break,
        }
    }
    entries.truncate(MAX_EXPORT);
    let forms = state
        .forms
        .list_forms(filter.tenant, filter.customer)
        .await?;
    let form_name = |id: FormId| {
        forms
            .iter()
            .find(|f| f.id == id)
            .map(|f| f.name.clone())
            .unwrap_or_default()
    };
    let csv = to_csv(&entries, form_name);
    let mut response = (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        csv,
    )
        .into_response();
    let name = format!("form-entries-{}.csv", now.format("%Y-%m-%d"));
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        response
            .headers_mut()
            .insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}

/// The entries as CSV (RFC 4180, CRLF, UTF-8 with a byte order mark so Excel reads it as
/// UTF-8): the time received, the form, then one column per field name in the order the
/// names first appear; a name given twice in one entry has its values joined by `, `.
pub fn to_csv(entries: &[FormEntry], form_name: impl Fn(FormId) -> String) -> String {
    let mut names: Vec<&str> = Vec::new();
    for entry in entries {
        for field in &entry.fields {
            if !names.contains(&field.name.as_str()) {
                names.push(&field.name);
            }
        }
    }
    let mut out = String::from("\u{FEFF}");
    let mut header = vec!["receivedAt".to_owned(), "form".to_owned()];
    header.extend(names.iter().map(|n| (*n).to_owned()));
    write_row(&mut out, &header);
    for entry in entries {
        let mut row = vec![
            entry
                .received_at
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            form_name(entry.form_id),
        ];
        for name in &names {
            let values: Vec<&str> = entry
                .fields
                .iter()
                .filter(|f| f.name == *name)
                .map(|f| f.value.as_str())
                .collect();
            row.push(values.join(", "));
        }
        write_row(&mut out, &row);
    }
    out
}

fn write_row(out: &mut String, cells: &[String]) {
    let cells: Vec<String> = cells.iter().map(|c| quote(&neutralize(c))).collect();
    out.push_str(&cells.join(","));
    out.push_str("\r\n");
}

/// A cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, carriage return
/// first) starts with an apostrophe instead, so it shows as text (OWASP's advice).
fn neutralize(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_owned()
    }
}

/// RFC 4180: a cell with a comma, quote or line break is quoted, its quotes doubled.
fn quote(cell: &str) -> String {
    if cell.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell.to_owned()
    }
}
