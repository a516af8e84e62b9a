//! The entries of a customer's forms: listed newest first (by form and date range), marked
//! read or unread, deleted, their notification resent, exported as CSV.

use std::{borrow::Cow, collections::HashMap};

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
    ports::{EntryFilter, Page},
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

impl ListParams {
    fn asked(&self) -> Asked<'_> {
        Asked {
            customer_id: self.customer_id.as_deref(),
            form_id: self.form_id.as_deref(),
            from: self.from.as_deref(),
            to: self.to.as_deref(),
        }
    }
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

/// What a listing or export names, as the request gives it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Asked<'a> {
    pub customer_id: Option<&'a str>,
    pub form_id: Option<&'a str>,
    pub from: Option<&'a str>,
    pub to: Option<&'a str>,
}

/// The first page (at most `limit` entries, after `after`) of the entries `asked` names,
/// with the filter for the pages after it, checked against the caller. Every read it needs
/// runs at once: the caller's customer check, the form named, the agency's retention and
/// the page itself, which is keyed by the caller's own agency and counts only once the
/// checks have passed. The page is asked for before the retention is known, so what lies
/// past it is dropped here: newest first, once one entry is past it every later one is too.
pub async fn first_page(
    state: &FormsState,
    caller: &Caller,
    asked: Asked<'_>,
    after: Option<FormEntryId>,
    limit: usize,
) -> Result<(EntryFilter, Page<FormEntry, FormEntryId>), ApiError> {
    let form_id = asked
        .form_id
        .filter(|f| !f.is_empty())
        .map(manage::form_id)
        .transpose()?;
    let from = asked
        .from
        .filter(|f| !f.is_empty())
        .map(|raw| parse_date(raw, "from", false))
        .transpose()?;
    let to = asked
        .to
        .filter(|t| !t.is_empty())
        .map(|raw| parse_date(raw, "to", true))
        .transpose()?;
    if let (Some(from), Some(to)) = (from, to)
        && from > to
    {
        return Err(ApiError::invalid_parameter("to", "must not be before from"));
    }
    let Some(named) = caller.named_unchecked(asked.customer_id) else {
        // The check refuses a request that names no customer it could read.
        caller
            .customer_id(&*state.customers, asked.customer_id, NAME_THE_CUSTOMER)
            .await?;
        return Err(
            anyhow::anyhow!("A customer was checked that the request does not name").into(),
        );
    };
    let tenant = caller.tenant();
    let asked_filter = EntryFilter {
        tenant,
        customer: named,
        form: form_id,
        from,
        to,
    };
    let now = state.clock.now();
    // A form's entries sit in an index keyed by the form id alone, which a caller can name
    // for any agency's form (the intake's address shows it): they are read only once the form
    // has been found to be this customer's, so another agency's entries are never read, not
    // even to be dropped (their number would show in the answer's time). Without a form, the
    // page is keyed by the caller's own agency and goes out beside the checks.
    let list = || state.entries.list_entries(&asked_filter, after, limit, now);
    let (checked, form, since, page) = tokio::join!(
        caller.customer_id(&*state.customers, asked.customer_id, NAME_THE_CUSTOMER),
        async {
            match form_id {
                Some(id) => state.forms.get_form(id).await,
                None => Ok(None),
            }
        },
        retained_since(state, tenant),
        async {
            match form_id {
                Some(_) => Ok(None),
                None => list().await.map(Some),
            }
        },
    );
    if checked? != named {
        return Err(anyhow::anyhow!("The checked customer is not the one named").into());
    }
    if form_id.is_some() {
        form?
            .filter(|form| {
                caller.reaches(form.tenant_id, form.customer_id) && form.customer_id == named
            })
            .ok_or(ApiError::NotFound("form"))?;
    }
    let page = match page? {
        Some(page) => page,
        None => list().await?,
    };
    let since = since?;
    let mut page = page;
    let listed = page.items.len();
    page.items.retain(|e| e.received_at >= since);
    if page.items.len() < listed {
        page.next = None;
    }
    let filter = EntryFilter {
        from: Some(from.map_or(since, |from| from.max(since))),
        ..asked_filter
    };
    Ok((filter, page))
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
    let limit =
        portal::http::page_limit(params.limit.as_deref(), DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)?;
    let after = params.cursor.as_deref().map(decode_cursor).transpose()?;
    let (_, page) = first_page(&state, &caller, params.asked(), after, limit).await?;
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
    // The first page, the agency's forms (for their names) and the checks at once; then a
    // page per megabyte until the export's limit.
    let ((filter, first), forms) = tokio::try_join!(
        first_page(&state, &caller, params.asked(), None, MAX_EXPORT),
        async {
            match caller.named_unchecked(params.customer_id.as_deref()) {
                Some(customer) => Ok(state.forms.list_forms(caller.tenant(), customer).await?),
                None => Ok::<_, ApiError>(Vec::new()),
            }
        }
    )?;
    let now = state.clock.now();
    let mut entries = first.items;
    let mut next = first.next;
    while let Some(after) = next.filter(|_| entries.len() < MAX_EXPORT) {
        let page = state
            .entries
            .list_entries(&filter, Some(after), MAX_EXPORT - entries.len(), now)
            .await?;
        entries.extend(page.items);
        next = page.next;
    }
    entries.truncate(MAX_EXPORT);
    let names: HashMap<FormId, &str> = forms.iter().map(|f| (f.id, f.name.as_str())).collect();
    let csv = to_csv(&entries, |id| names.get(&id).copied().unwrap_or_default());
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
/// Written straight into one string (a cell allocates only when it joins values), and each
/// field finds its column by a map: the export costs its size, whatever the field names.
pub fn to_csv<'a>(entries: &[FormEntry], form_name: impl Fn(FormId) -> &'a str) -> String {
    let mut columns: HashMap<&str, usize> = HashMap::new();
    let mut names: Vec<&str> = Vec::new();
    for entry in entries {
        for field in &entry.fields {
            columns.entry(&field.name).or_insert_with(|| {
                names.push(&field.name);
                names.len() - 1
            });
        }
    }
    let size: usize = entries
        .iter()
        .flat_map(|e| &e.fields)
        .map(|f| f.value.len() + 3)
        .sum();
    let mut out = String::with_capacity(size + entries.len() * 48 + 64);
    out.push('\u{FEFF}');
    write_cell(&mut out, "receivedAt");
    out.push(',');
    write_cell(&mut out, "form");
    for name in &names {
        out.push(',');
        write_cell(&mut out, name);
    }
    out.push_str("\r\n");
    let mut row: Vec<Option<Cow<'_, str>>> = vec![None; names.len()];
    for entry in entries {
        row.iter_mut().for_each(|cell| *cell = None);
        for field in &entry.fields {
            let cell = &mut row[columns[field.name.as_str()]];
            *cell = Some(match cell.take() {
                None => Cow::Borrowed(field.value.as_str()),
                Some(before) => Cow::Owned(format!("{before}, {}", field.value)),
            });
        }
        write_cell(
            &mut out,
            &entry
                .received_at
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        );
        out.push(',');
        write_cell(&mut out, form_name(entry.form_id));
        for cell in &row {
            out.push(',');
            write_cell(&mut out, cell.as_deref().unwrap_or_default());
        }
        out.push_str("\r\n");
    }
    out
}

/// What a spreadsheet runs as a formula when a cell starts with it.
const FORMULA_FIRST: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// One cell, RFC 4180: quoted when it holds a comma, quote or line break, its quotes
/// doubled. A cell a spreadsheet would run as a formula ([`FORMULA_FIRST`] first) starts
/// with an apostrophe instead, so it shows as text (OWASP's advice); so does every part
/// after a semicolon ([`guard_after_semicolons`]).
fn write_cell(out: &mut String, cell: &str) {
    let cell = guard_after_semicolons(cell);
    let cell = cell.as_ref();
    let formula = cell.starts_with(FORMULA_FIRST);
    // By byte: these are ASCII, and no byte of a longer UTF-8 character is ASCII. (A
    // `contains` with a set of chars decodes every character and tries each of the four.)
    let quoted = cell
        .bytes()
        .any(|b| matches!(b, b',' | b'"' | b'\r' | b'\n'));
    if quoted {
        out.push('"');
    }
    if formula {
        out.push('\'');
    }
    if quoted {
        for (n, part) in cell.split('"').enumerate() {
            if n > 0 {
                out.push_str("\"\"");
            }
            out.push_str(part);
        }
        out.push('"');
    } else {
        out.push_str(cell);
    }
}

/// `cell` with an apostrophe after every `;` that a formula follows. Excel in a German
/// locale opens a `.csv` split on `;`, not on commas, so each part after a `;` starts a cell
/// there that the guard at the front of the cell never sees, and RFC 4180 quoting doesn't
/// hold it together (its quote is not at that cell's start).
fn guard_after_semicolons(cell: &str) -> Cow<'_, str> {
    if !cell.contains(';') {
        return Cow::Borrowed(cell);
    }
    let mut guarded = String::with_capacity(cell.len() + 2);
    let mut rest = cell;
    while let Some(at) = rest.find(';') {
        guarded.push_str(&rest[..=at]);
        rest = &rest[at + 1..];
        if rest.starts_with(FORMULA_FIRST) {
            guarded.push('\'');
        }
    }
    guarded.push_str(rest);
    Cow::Owned(guarded)
}
