//! Customer records: the agency's staff create, list, read, change and delete the customers
//! they look after. Every route is scoped to the tenant of the caller's API key.

use axum::{
    Json, Router,
    extract::State,
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use portal::{
    domain::{Customer, CustomerChanges, CustomerId, FieldError, ValidCustomerChanges},
    http::{
        ApiError, JsonBody, PathParam, QueryParam, StaffAuth, client_language, extract::parse_json,
        finish_router, idempotency, retry_lost_races,
    },
    invitations::{
        self, Delivery, InvitationView, InviteError, Issuing, Recorded, SendRequest, ValidSend,
    },
    ports::StoreError,
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

mod state;

pub use state::{Config, CustomersState};

/// Every route this function serves, as template.yaml and openapi.json name them.
pub const ROUTES: &[(&str, &str)] = &[
    ("GET", "/customers"),
    ("POST", "/customers"),
    ("GET", "/customers/{customerId}"),
    ("PATCH", "/customers/{customerId}"),
    ("DELETE", "/customers/{customerId}"),
];

pub const DEFAULT_PAGE_SIZE: usize = 25;
pub const MAX_PAGE_SIZE: usize = 100;
/// The function's router, as Lambda runs it.
pub fn router(state: CustomersState) -> Router {
    finish_router(routes()).with_state(state)
}

/// The routes alone, for the local runner to merge with the other functions'.
pub fn routes() -> Router<CustomersState> {
    Router::new()
        .route("/customers", get(list).post(create))
        .route(
            "/customers/{customerId}",
            get(read).patch(update).delete(remove),
        )
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ListParams {
    limit: Option<String>,
    cursor: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CustomerList {
    items: Vec<Customer>,
    next_cursor: Option<String>,
}

/// Creates a customer and, with `invite`, sends them the invitation in the same request: one
/// `Idempotency-Key` covers both. Every field (the customer's and the invitation's) is
/// checked before anything is written; once the customer is stored the answer is 201 with
/// its `invitation` part saying whether the invitation went out, and why not.
async fn create(
    State(state): State<CustomersState>,
    auth: StaffAuth,
    headers: HeaderMap,
    JsonBody(body): JsonBody<Map<String, Value>>,
) -> Result<Response, ApiError> {
    let fingerprint = idempotency::fingerprint("create-customer", &body);
    let NewCustomer { changes, invite } = NewCustomer::parse(body)?;
    let tenant = auth.tenant(&state).await?;
    let customer = changes.into_new_customer(
        CustomerId::new(),
        tenant.id,
        tenant.default_language,
        state.clock.now(),
    );
    if let Some(invite) = &invite {
        invitations::check_recipient(&customer, invite)
            .map_err(|e| under_invite(ApiError::from(e)))?;
    }
    let speak = client_language(&headers);
    let app = state.clone();
    idempotency::run_once(&app, auth.tenant_id, &headers, fingerprint, || async move {
        state.customers.create_customer(&customer).await?;
        tracing::info!(tenant = %tenant.id, customer = %customer.id, "customer created");
        let invitation = match invite {
            None => None,
            Some(invite) => {
                let sent = invitations::send(
                    &Issuing {
                        invitations: &*state.invitations,
                        templates: &*state.templates,
                        clock: &*state.clock,
                    },
                    &Delivery {
                        mailer: &*state.mailer,
                        sms: &*state.sms,
                    },
                    &tenant,
                    &customer,
                    auth.actor,
                    invite,
                    speak,
                )
                .await;
                Some(invitation_outcome(customer.id, sent))
            }
        };
        let location = format!("/customers/{}", customer.id);
        let version = customer.version;
        let mut body = serde_json::to_value(customer)
            .map_err(|e| anyhow::anyhow!("Failed to serialize the customer: {e}"))?;
        if let (Some(invitation), Some(fields)) = (invitation, body.as_object_mut()) {
            fields.insert("invitation".into(), invitation);
        }
        let mut response = with_etag(StatusCode::CREATED, version, body);
        if let Ok(value) = HeaderValue::from_str(&location) {
            response.headers_mut().insert(header::LOCATION, value);
        }
        Ok(response)
    })
    .await
}

/// A create's body: the customer's fields, and the invitation to send with it.
struct NewCustomer {
    changes: ValidCustomerChanges,
    invite: Option<ValidSend>,
}

impl NewCustomer {
    /// Both parts parsed and checked, every bad field named at once (the invitation's under
    /// `invite.`).
    fn parse(mut body: Map<String, Value>) -> Result<Self, ApiError> {
        let invite = match body.remove("invite") {
            None | Some(Value::Null) => None,
            Some(raw) => {
                Some(parse_json::<SendRequest>(raw.to_string().as_bytes()).map_err(under_invite)?)
            }
        };
        let changes = parse_json::<CustomerChanges>(Value::Object(body).to_string().as_bytes())?;
        let mut errors = Vec::new();
        let changes = changes.validate(None).map_err(|e| errors.extend(e)).ok();
        let invite = match invite.map(|i| i.validate()) {
            None => None,
            Some(Ok(valid)) => Some(valid),
            Some(Err(e)) => {
                errors.extend(e.into_iter().map(prefixed));
                None
            }
        };
        match changes {
            Some(changes) if errors.is_empty() => Ok(Self { changes, invite }),
            _ => Err(ApiError::Validation(errors)),
        }
    }
}

/// A field of the invitation, named as the client sent it: `invite.channels[0]`.
fn prefixed(mut error: FieldError) -> FieldError {
    error.field = match error.field.as_str() {
        "body" | "" => "invite".to_owned(),
        field => format!("invite.{field}"),
    };
    error
}

/// Field errors about the `invite` object named under it.
fn under_invite(error: ApiError) -> ApiError {
    match error {
        ApiError::Validation(errors) => {
            ApiError::Validation(errors.into_iter().map(prefixed).collect())
        }
        other => other,
    }
}

/// The `invitation` part of the answer: the invitation as sent with `"status": "sent"`, or
/// `"status": "failed"` and the problem that says why (the same problem
/// `POST /customers/{id}/invitations` answers with). The customer exists either way.
fn invitation_outcome(customer: CustomerId, sent: Result<Recorded, InviteError>) -> Value {
    match sent {
        Ok(sent) => {
            let mut view = InvitationView::json(&sent.invitation, sent.at);
            if let Some(fields) = view.as_object_mut() {
                fields.insert("status".into(), json!("sent"));
            }
            view
        }
        Err(e) => {
            let error = ApiError::from(e);
            match &error {
                ApiError::Unexpected(e) => tracing::error!(
                    %customer,
                    error = format!("{e:#}"),
                    "the new customer's invitation failed"
                ),
                other => {
                    tracing::warn!(%customer, error = %other, "the new customer's invitation failed")
                }
            }
            json!({"status": "failed", "problem": error.problem()})
        }
    }
}

async fn list(
    State(state): State<CustomersState>,
    auth: StaffAuth,
    QueryParam(params): QueryParam<ListParams>,
) -> Result<Json<CustomerList>, ApiError> {
    let limit = match params.limit.as_deref() {
        None => DEFAULT_PAGE_SIZE,
        Some(raw) => raw
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=MAX_PAGE_SIZE).contains(n))
            .ok_or_else(|| {
                ApiError::invalid_parameter(
                    "limit",
                    format!("must be a whole number from 1 to {MAX_PAGE_SIZE}"),
                )
            })?,
    };
    let after = params.cursor.as_deref().map(decode_cursor).transpose()?;
    let page = state
        .customers
        .list_customers(auth.tenant_id, after, limit)
        .await?;
    Ok(Json(CustomerList {
        items: page.items,
        next_cursor: page.next.map(encode_cursor),
    }))
}

async fn read(
    State(state): State<CustomersState>,
    auth: StaffAuth,
    PathParam(id): PathParam<String>,
) -> Result<Response, ApiError> {
    let customer = load(&state, auth, &id).await?;
    Ok(customer_with_etag(StatusCode::OK, customer))
}

async fn update(
    State(state): State<CustomersState>,
    auth: StaffAuth,
    PathParam(id): PathParam<String>,
    headers: HeaderMap,
    JsonBody(changes): JsonBody<CustomerChanges>,
) -> Result<Response, ApiError> {
    let expected = if_match(&headers)?;
    let (state, id, changes) = (&state, &id, &changes);
    let next = retry_lost_races(move || async move {
        let current = load(state, auth, id).await?;
        check_version(&current, expected)?;
        let next = changes
            .clone()
            .validate(Some(&current))
            .map_err(ApiError::Validation)?
            .applied(&current, state.clock.now());
        // A new or cleared login email voids every link sent to the old one, in the same write.
        let voiding = portal::links::voids_for(
            state.invitations.as_ref(),
            state.accounts.as_ref(),
            &current,
            Some(&next),
            auth.actor,
            next.updated_at,
        )
        .await?;
        let written = state
            .customers
            .update_customer(&current, &next, &voiding.as_voids())
            .await;
        unless_precondition_failed(written.map(|()| next), expected)
    })
    .await?;
    Ok(customer_with_etag(StatusCode::OK, next))
}

async fn remove(
    State(state): State<CustomersState>,
    auth: StaffAuth,
    PathParam(id): PathParam<String>,
    headers: HeaderMap,
) -> Result<StatusCode, ApiError> {
    let expected = if_match(&headers)?;
    let (state, id) = (&state, &id);
    let deleted = retry_lost_races(move || async move {
        let current = load(state, auth, id).await?;
        check_version(&current, expected)?;
        let voiding = portal::links::voids_for(
            state.invitations.as_ref(),
            state.accounts.as_ref(),
            &current,
            None,
            auth.actor,
            state.clock.now(),
        )
        .await?;
        let written = state
            .customers
            .delete_customer(&current, &voiding.as_voids())
            .await;
        unless_precondition_failed(written.map(|()| current.id), expected)
    })
    .await?;
    tracing::info!(tenant = %auth.tenant_id, customer = %deleted, "customer deleted");
    Ok(StatusCode::NO_CONTENT)
}

/// With `If-Match`, a write that lost a race is not made again from a fresh read: the
/// client's version is out of date, so the answer is 412.
fn unless_precondition_failed<T>(
    written: Result<T, StoreError>,
    expected: Option<u64>,
) -> Result<Result<T, StoreError>, ApiError> {
    match written {
        Err(StoreError::VersionConflict) if expected.is_some() => Err(ApiError::PreconditionFailed),
        other => Ok(other),
    }
}

/// The caller's tenant's customer, or 404: another tenant's customer is not found either.
async fn load(state: &CustomersState, auth: StaffAuth, raw_id: &str) -> Result<Customer, ApiError> {
    let id: CustomerId = raw_id.parse().map_err(|_| {
        ApiError::invalid_parameter(
            "customerId",
            "is not a customer id (26 characters, as returned when the customer was created)",
        )
    })?;
    state
        .customers
        .get_customer(auth.tenant_id, id)
        .await?
        .ok_or(ApiError::NotFound("customer"))
}

fn customer_with_etag(status: StatusCode, customer: Customer) -> Response {
    let version = customer.version;
    with_etag(status, version, customer)
}

fn with_etag(status: StatusCode, version: u64, body: impl Serialize) -> Response {
    let etag = format!("\"{version}\"");
    let mut response = (status, Json(body)).into_response();
    if let Ok(value) = HeaderValue::from_str(&etag) {
        response.headers_mut().insert(header::ETAG, value);
    }
    response
}

/// The version named by `If-Match` (`"3"`, `W/"3"`); `*` or no header means any version.
fn if_match(headers: &HeaderMap) -> Result<Option<u64>, ApiError> {
    let Some(value) = headers.get(header::IF_MATCH) else {
        return Ok(None);
    };
    let raw = value.to_str().unwrap_or_default().trim();
    if raw == "*" {
        return Ok(None);
    }
    // An entity tag is quoted (RFC 9110); a bare `3` is taken too, as openapi.json says, but
    // half a quote is not.
    let tag = raw.strip_prefix("W/").unwrap_or(raw);
    let version = match tag.strip_prefix('"') {
        Some(quoted) => quoted.strip_suffix('"'),
        None => Some(tag),
    };
    version
        .filter(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|v| v.parse().ok())
        .map(Some)
        .ok_or_else(|| {
            ApiError::invalid_parameter("If-Match", "must be the ETag of the record, such as \"3\"")
        })
}

fn check_version(current: &Customer, expected: Option<u64>) -> Result<(), ApiError> {
    match expected {
        Some(v) if v != current.version => Err(ApiError::PreconditionFailed),
        _ => Ok(()),
    }
}

fn encode_cursor(after: CustomerId) -> String {
    URL_SAFE_NO_PAD.encode(format!("c1:{after}"))
}

fn decode_cursor(raw: &str) -> Result<CustomerId, ApiError> {
    URL_SAFE_NO_PAD
        .decode(raw)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|s| s.strip_prefix("c1:").and_then(|id| id.parse().ok()))
        .ok_or_else(|| ApiError::invalid_parameter("cursor", "is not a cursor this API returned"))
}
