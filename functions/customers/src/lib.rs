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
    domain::{Customer, CustomerChanges, CustomerId},
    http::{
        ApiError, JsonBody, PathParam, QueryParam, StaffAuth, finish_router, if_match,
        retry_lost_races,
    },
    ports::StoreError,
};
use serde::{Deserialize, Serialize};

mod create;
mod state;

use create::create;

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

async fn list(
    State(state): State<CustomersState>,
    auth: StaffAuth,
    QueryParam(params): QueryParam<ListParams>,
) -> Result<Json<CustomerList>, ApiError> {
    let limit =
        portal::http::page_limit(params.limit.as_deref(), DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)?;
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

pub(crate) fn with_etag(status: StatusCode, version: u64, body: impl Serialize) -> Response {
    let etag = format!("\"{version}\"");
    let mut response = (status, Json(body)).into_response();
    if let Ok(value) = HeaderValue::from_str(&etag) {
        response.headers_mut().insert(header::ETAG, value);
    }
    response
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
