//! The form entries page, in the customer's session and language: their forms, the entries
//! (new ones marked) with a filter by form and dates, read marks, deletion, CSV download.
//! Plain HTML forms: it works without a script.

use std::collections::HashMap;

use axum::{
    extract::{FromRef, State},
    http::{HeaderValue, StatusCode, header},
    response::{Html, IntoResponse, Redirect, Response},
};
use portal::{
    domain::{
        Customer, EmailState, Form, FormEntry, FormEntryId, Subject, Tenant, TenantId, Verification,
    },
    http::{
        ApiError, Caller, FormBody, PathParam, QueryParam, UserSession, session::PresentedSession,
    },
    pages::{self, EntriesEntry, EntriesField, EntriesFilter, EntriesForm, FormEntriesPage, Page},
    state::SessionPorts,
};
use serde::Deserialize;

use crate::{FormsState, entries};

pub const PAGE_SIZE: usize = 25;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct PageQuery {
    form_id: Option<String>,
    from: Option<String>,
    to: Option<String>,
    cursor: Option<String>,
    notice: Option<String>,
}

fn to_login() -> Response {
    Redirect::to("/login?next=%2Fentries").into_response()
}

/// What the page shows of the customer, read beside the check of the session's account.
struct Loaded {
    tenant: Tenant,
    customer: Customer,
    forms: Vec<Form>,
    page: portal::ports::Page<FormEntry, FormEntryId>,
}

/// Everything the page shows, keyed by the session's own agency and customer, all read at
/// once: the caller uses it only once the session's account has been found live. Errors
/// come in the order the page has always given them: the agency, the customer, then the
/// query's.
async fn load(
    state: &FormsState,
    tenant: TenantId,
    subject: Subject,
    query: &PageQuery,
) -> Result<Loaded, ApiError> {
    // The customer in this session; staff have the API.
    let Subject::Customer(customer) = subject else {
        return Err(ApiError::StaffOnly);
    };
    let caller = Caller::Customer { tenant, customer };
    let after = query
        .cursor
        .as_deref()
        .filter(|c| !c.is_empty())
        .map(|c| {
            c.parse::<FormEntryId>()
                .map_err(|_| ApiError::invalid_parameter("cursor", "is not an entry id"))
        })
        .transpose();
    let asked = entries::Asked {
        customer_id: None,
        form_id: query.form_id.as_deref(),
        from: query.from.as_deref(),
        to: query.to.as_deref(),
    };
    // The agency is read here for its name and again by `first_page` for its retention: two
    // reads in the same round trip, not one after the other.
    let (tenant_record, customer_record, forms, page) = tokio::join!(
        state.tenants.get_tenant(tenant),
        state.customers.get_customer(tenant, customer),
        state.forms.list_forms(tenant, customer),
        async {
            match after {
                Ok(after) => entries::first_page(state, &caller, asked, after, PAGE_SIZE).await,
                Err(e) => Err(e),
            }
        },
    );
    let tenant = tenant_record?.ok_or(ApiError::Unauthorized("Your agency no longer exists."))?;
    let customer = customer_record?.ok_or(ApiError::Unauthorized(
        "Your portal access has been removed.",
    ))?;
    let (_, page) = page?;
    Ok(Loaded {
        tenant,
        customer,
        forms: forms?,
        page,
    })
}

pub(crate) async fn show(
    State(state): State<FormsState>,
    presented: Result<PresentedSession, ApiError>,
    QueryParam(query): QueryParam<PageQuery>,
) -> Result<Response, ApiError> {
    // The session's account is read beside the page's reads: two round trips, not five.
    let checked = match presented {
        Ok(presented) => {
            presented
                .check_with(&SessionPorts::from_ref(&state), |tenant, subject| {
                    let (state, query) = (&state, &query);
                    // The page's own errors are the page's answer, not a reason to log in.
                    async move { Ok(load(state, tenant, subject, query).await) }
                })
                .await
        }
        Err(e) => Err(e),
    };
    // Only a missing or ended session is a reason to log in; a session that could not be
    // read (the table down) is the server's problem, answered as such.
    let (who, loaded) = match checked {
        Err(ApiError::Unauthorized(_)) => return Ok(to_login()),
        other => other?,
    };
    let Loaded {
        tenant: tenant_record,
        customer: customer_record,
        forms,
        page,
    } = loaded?;
    let name_of = |id| {
        forms
            .iter()
            .find(|f| f.id == id)
            .map(|f| f.name.clone())
            .unwrap_or_default()
    };
    let shown: Vec<EntriesEntry> = page
        .items
        .iter()
        .map(|e| EntriesEntry {
            id: e.id.to_string(),
            form: name_of(e.form_id),
            received_at: e.received_at.to_rfc3339(),
            received: e.received_at.format("%Y-%m-%d %H:%M UTC").to_string(),
            new: e.read_at.is_none(),
            unverified: e.verification == Verification::Unverified,
            email_note: match (e.email_state, e.email_next_try_at) {
                (EmailState::Failed, Some(_)) => Some("page-entries-email-retrying"),
                (EmailState::Failed, None) => Some("page-entries-email-failed"),
                _ => None,
            },
            fields: e
                .fields
                .iter()
                .map(|f| EntriesField {
                    name: f.name.clone(),
                    value: f.value.clone(),
                })
                .collect(),
        })
        .collect();
    let form_list: Vec<EntriesForm> = forms
        .iter()
        .map(|f| EntriesForm {
            id: f.id.to_string(),
            name: f.name.clone(),
            entries: f.entry_count,
            spam: f.spam_count,
        })
        .collect();
    let shown_filter = EntriesFilter {
        form: query.form_id.clone().unwrap_or_default(),
        from: query.from.clone().unwrap_or_default(),
        to: query.to.clone().unwrap_or_default(),
    };
    let filter_query = |extra: &[(&str, String)]| {
        let mut pairs: Vec<(&str, String)> = [
            ("formId", shown_filter.form.clone()),
            ("from", shown_filter.from.clone()),
            ("to", shown_filter.to.clone()),
        ]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .collect();
        pairs.extend(extra.iter().cloned());
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    };
    let back = match filter_query(&[]) {
        q if q.is_empty() => "/entries".to_owned(),
        q => format!("/entries?{q}"),
    };
    let csv_url = format!("/form-entries/csv?{}", filter_query(&[]));
    let more_url = page
        .next
        .map(|next| format!("/entries?{}", filter_query(&[("cursor", next.to_string())])));
    let notice = match query.notice.as_deref() {
        Some("deleted") => Some("page-entries-deleted"),
        _ => None,
    };
    let html = pages::form_entries(&FormEntriesPage {
        page: Page {
            language: customer_record.language,
            agency: tenant_record.name.clone(),
        },
        csrf: &who.session.csrf,
        forms: &form_list,
        entries: &shown,
        filter: &shown_filter,
        back: &back,
        csv_url: &csv_url,
        more_url: more_url.as_deref(),
        notice,
    });
    Ok((
        StatusCode::OK,
        [(header::CACHE_CONTROL, "no-store")],
        Html(html),
    )
        .into_response())
}

/// Where a button's form comes back to: this page only, never elsewhere.
fn back_to(form: &HashMap<String, String>, notice: Option<&str>) -> Response {
    let back = form
        .get("back")
        .filter(|b| b.as_str() == "/entries" || b.starts_with("/entries?"))
        .cloned()
        .unwrap_or_else(|| "/entries".to_owned());
    let target = match notice {
        Some(notice) if back.contains('?') => format!("{back}&notice={notice}"),
        Some(notice) => format!("{back}?notice={notice}"),
        None => back,
    };
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(value) = HeaderValue::from_str(&target) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

async fn own_entry(
    state: &FormsState,
    who: &UserSession,
    raw_id: &str,
) -> Result<
    (
        portal::domain::TenantId,
        portal::domain::CustomerId,
        FormEntryId,
    ),
    ApiError,
> {
    let Subject::Customer(customer) = who.session.subject else {
        return Err(ApiError::StaffOnly);
    };
    let id: FormEntryId = raw_id
        .parse()
        .map_err(|_| ApiError::invalid_parameter("entryId", "is not a form entry id"))?;
    let tenant = who.session.tenant_id;
    entries::live_entry(state, tenant, customer, id)
        .await?
        .ok_or(ApiError::NotFound("form entry"))?;
    Ok((tenant, customer, id))
}

pub(crate) async fn mark(
    State(state): State<FormsState>,
    who: UserSession,
    PathParam(id): PathParam<String>,
    FormBody(form): FormBody<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    who.check_form_csrf(form.get("csrf").map(String::as_str))?;
    let (tenant, customer, id) = own_entry(&state, &who, &id).await?;
    let read = form.get("read").is_some_and(|r| r == "true");
    state
        .entries
        .mark_read(tenant, customer, id, read.then(|| state.clock.now()))
        .await?;
    Ok(back_to(&form, None))
}

pub(crate) async fn remove(
    State(state): State<FormsState>,
    who: UserSession,
    PathParam(id): PathParam<String>,
    FormBody(form): FormBody<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    who.check_form_csrf(form.get("csrf").map(String::as_str))?;
    let (tenant, customer, id) = own_entry(&state, &who, &id).await?;
    state.entries.delete_entry(tenant, customer, id).await?;
    Ok(back_to(&form, Some("deleted")))
}
