//! Registering the forms of a customer's website: create, list, read, change, delete. Each
//! form is answered with its public endpoint and ready snippets; its Turnstile secret never
//! leaves the portal.

use axum::{
    Json,
    extract::State,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use chrono::{DateTime, Utc};
use portal::{
    domain::{Form, FormChanges, FormId, Language, Tenant},
    http::{ApiError, Caller, JsonBody, PathParam, QueryParam, retry_lost_races},
};
use serde::{Deserialize, Serialize};

use crate::{FormsState, intake::HONEYPOT};

/// Staff name the customer of a form route; the detail of the `400` when they name none.
pub(crate) const NAME_THE_CUSTOMER: &str = "is required: name the customer whose forms these are";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct CustomerParam {
    customer_id: Option<String>,
}

/// A form as the API shows it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FormView {
    id: FormId,
    customer_id: String,
    name: String,
    allowed_origins: Vec<String>,
    recipients: Vec<String>,
    redirect_url: Option<String>,
    language: Language,
    /// Whether a Turnstile secret is set (the secret itself is never shown).
    turnstile: bool,
    counts: Counts,
    /// Where the website posts entries.
    endpoint: String,
    snippets: Snippets,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    version: u64,
}

#[derive(Debug, Serialize)]
struct Counts {
    entries: u64,
    spam: u64,
    refused: u64,
}

#[derive(Debug, Serialize)]
struct Snippets {
    html: String,
    fetch: String,
}

impl FormView {
    pub fn of(form: &Form, portal_base_url: &str) -> Self {
        let endpoint = format!("{portal_base_url}/f/{}", form.id);
        Self {
            id: form.id,
            customer_id: form.customer_id.to_string(),
            name: form.name.clone(),
            allowed_origins: form
                .allowed_origins
                .iter()
                .map(|o| o.as_str().to_owned())
                .collect(),
            recipients: form
                .recipients
                .iter()
                .map(|r| r.as_str().to_owned())
                .collect(),
            redirect_url: form.redirect_url.as_ref().map(|u| u.as_str().to_owned()),
            language: form.language,
            turnstile: form.turnstile_secret.is_some(),
            counts: Counts {
                entries: form.entry_count,
                spam: form.spam_count,
                refused: form.refused_count,
            },
            snippets: Snippets {
                html: html_snippet(&endpoint),
                fetch: fetch_snippet(&endpoint),
            },
            endpoint,
            created_at: form.created_at,
            updated_at: form.updated_at,
            version: form.version,
        }
    }
}

/// A plain HTML form: works without any script; the hidden field catches bots.
fn html_snippet(endpoint: &str) -> String {
    format!(
        r#"<form action="{endpoint}" method="POST">
  <label>Name <input name="name" required></label>
  <label>Email <input type="email" name="email" required></label>
  <label>Message <textarea name="message" required></textarea></label>
  <input type="text" name="{HONEYPOT}" tabindex="-1" autocomplete="off" aria-hidden="true" style="display:none">
  <button type="submit">Send</button>
</form>"#
    )
}

/// The same form sent by `fetch`, staying on the page and showing the answer.
fn fetch_snippet(endpoint: &str) -> String {
    format!(
        r#"{html}
<p id="form-status" role="status"></p>
<script>
document.querySelector('form[action="{endpoint}"]').addEventListener('submit', async (event) => {{
  event.preventDefault();
  const status = document.getElementById('form-status');
  try {{
    const response = await fetch(event.target.action, {{
      method: 'POST',
      body: new FormData(event.target),
      headers: {{ Accept: 'application/json' }},
    }});
    const answer = await response.json();
    status.textContent = response.ok ? answer.message : answer.detail;
    if (response.ok) event.target.reset();
  }} catch {{
    status.textContent = 'Sending failed. Please try again.';
  }}
}});
</script>"#,
        html = html_snippet(endpoint)
    )
}

#[derive(Serialize)]
pub(crate) struct FormList {
    items: Vec<FormView>,
}

async fn agency(state: &FormsState, caller: &Caller) -> Result<Tenant, ApiError> {
    state
        .tenants
        .get_tenant(caller.tenant())
        .await?
        .ok_or(ApiError::Unauthorized("Your agency no longer exists."))
}

async fn base_url(state: &FormsState, caller: &Caller) -> Result<String, ApiError> {
    Ok(agency(state, caller)
        .await?
        .portal_base_url
        .as_str()
        .to_owned())
}

pub(crate) async fn list(
    State(state): State<FormsState>,
    caller: Caller,
    QueryParam(params): QueryParam<CustomerParam>,
) -> Result<Json<FormList>, ApiError> {
    let named = params.customer_id.as_deref();
    let Some(customer) = caller.named_unchecked(named) else {
        caller
            .customer_id(&*state.customers, named, NAME_THE_CUSTOMER)
            .await?;
        return Err(
            anyhow::anyhow!("A customer was checked that the request does not name").into(),
        );
    };
    // The check, the agency and the forms at once: the forms count once the check passed.
    let (checked, base, forms) = tokio::join!(
        caller.customer_id(&*state.customers, named, NAME_THE_CUSTOMER),
        base_url(&state, &caller),
        state.forms.list_forms(caller.tenant(), customer)
    );
    if checked? != customer {
        return Err(anyhow::anyhow!("The checked customer is not the one named").into());
    }
    let (base, forms) = (base?, forms?);
    Ok(Json(FormList {
        items: forms.iter().map(|f| FormView::of(f, &base)).collect(),
    }))
}

pub(crate) async fn create(
    State(state): State<FormsState>,
    caller: Caller,
    QueryParam(params): QueryParam<CustomerParam>,
    JsonBody(changes): JsonBody<FormChanges>,
) -> Result<Response, ApiError> {
    let named = params.customer_id.as_deref();
    // The customer's record (the form takes its language) is the check itself, read beside
    // the agency: one round trip.
    let (customer, tenant) = tokio::join!(
        caller.customer(&*state.customers, named, NAME_THE_CUSTOMER),
        agency(&state, &caller)
    );
    let (customer, tenant) = (customer?, tenant?);
    let mut form = changes
        .apply(
            None,
            || {
                (
                    FormId::new(),
                    caller.tenant(),
                    customer.id,
                    customer.language,
                )
            },
            state.clock.now(),
        )
        .map_err(ApiError::Validation)?;
    form.retention_days = tenant.form_entry_retention_days;
    state.forms.create_form(&form).await?;
    tracing::info!(tenant = %form.tenant_id, customer = %form.customer_id, form = %form.id, "form created");
    let base = tenant.portal_base_url.as_str();
    let mut response = (StatusCode::CREATED, Json(FormView::of(&form, base))).into_response();
    if let Ok(value) = HeaderValue::from_str(&format!("/forms/{}", form.id)) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    Ok(response)
}

/// A form id as a request gives it.
pub(crate) fn form_id(raw: &str) -> Result<FormId, ApiError> {
    raw.parse().map_err(|_| {
        ApiError::invalid_parameter(
            "formId",
            "is not a form id (26 characters, as returned when the form was created)",
        )
    })
}

/// The caller's form, or 404: another agency's or customer's form is not found either.
pub(crate) async fn load(
    state: &FormsState,
    caller: &Caller,
    raw_id: &str,
) -> Result<Form, ApiError> {
    state
        .forms
        .get_form(form_id(raw_id)?)
        .await?
        .filter(|form| caller.reaches(form.tenant_id, form.customer_id))
        .ok_or(ApiError::NotFound("form"))
}

pub(crate) async fn read(
    State(state): State<FormsState>,
    caller: Caller,
    PathParam(id): PathParam<String>,
) -> Result<Json<FormView>, ApiError> {
    let form = load(&state, &caller, &id).await?;
    let base = base_url(&state, &caller).await?;
    Ok(Json(FormView::of(&form, &base)))
}

pub(crate) async fn update(
    State(state): State<FormsState>,
    caller: Caller,
    PathParam(id): PathParam<String>,
    JsonBody(changes): JsonBody<FormChanges>,
) -> Result<Json<FormView>, ApiError> {
    let tenant = agency(&state, &caller).await?;
    let retention = tenant.form_entry_retention_days;
    let (state_ref, caller_ref, id, changes) = (&state, &caller, &id, &changes);
    let next = retry_lost_races(move || async move {
        let current = load(state_ref, caller_ref, id).await?;
        let mut next = changes
            .clone()
            .apply(
                Some(&current),
                || unreachable!("a change has a form"),
                state_ref.clock.now(),
            )
            .map_err(ApiError::Validation)?;
        next.retention_days = retention;
        let written = state_ref.forms.update_form(&current, &next).await;
        Ok(written.map(|()| next))
    })
    .await?;
    Ok(Json(FormView::of(&next, tenant.portal_base_url.as_str())))
}

pub(crate) async fn remove(
    State(state): State<FormsState>,
    caller: Caller,
    PathParam(id): PathParam<String>,
) -> Result<StatusCode, ApiError> {
    let (state, caller, id) = (&state, &caller, &id);
    let deleted = retry_lost_races(move || async move {
        let current = load(state, caller, id).await?;
        Ok(state.forms.delete_form(&current).await.map(|()| current.id))
    })
    .await?;
    tracing::info!(tenant = %caller.tenant(), form = %deleted, "form deleted");
    Ok(StatusCode::NO_CONTENT)
}
