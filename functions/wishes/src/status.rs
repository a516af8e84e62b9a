//! Staff move a customer's project status. The move and its history entry are one
//! transaction conditioned on the customer's version; a move to `feedback` or `online` then
//! emails the customer in their language with a link into the area that waits for them.

use axum::{
    Json,
    extract::State,
    http::{HeaderMap, HeaderValue, header},
    response::{IntoResponse, Response},
};
use portal::{
    domain::{
        Actor, Customer, CustomerId, FieldErrors, OutgoingEmail, ProjectStatus, StatusChange,
        TenantId, validation::Common,
    },
    http::{ApiError, JsonBody, PathParam, StaffAuth, if_match, retry_lost_races_as},
    messages,
    ports::StoreError,
};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::WishesState;

/// What can go wrong moving a status, mapped once to [`ApiError`].
#[derive(Debug, Error)]
pub enum StatusError {
    #[error("no such customer")]
    CustomerNotFound,
    /// `If-Match` named another version than the stored one.
    #[error("the customer changed since the client read it")]
    PreconditionFailed,
    #[error("another writer kept winning")]
    ConcurrentChange,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl From<StoreError> for StatusError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::VersionConflict => StatusError::ConcurrentChange,
            StoreError::NotFound => StatusError::CustomerNotFound,
            other => StatusError::Unexpected(anyhow::Error::new(other)),
        }
    }
}

impl From<StatusError> for ApiError {
    fn from(e: StatusError) -> Self {
        match e {
            StatusError::CustomerNotFound => ApiError::NotFound("customer"),
            StatusError::PreconditionFailed => ApiError::PreconditionFailed,
            StatusError::ConcurrentChange => ApiError::ConcurrentChange,
            StatusError::Unexpected(e) => ApiError::Unexpected(e),
        }
    }
}

/// Whether the customer was told of the move.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Notification {
    /// Emailed to their login email.
    Sent,
    /// Nothing to tell: the status did not move, or moved to one that asks nothing of them.
    NotNeeded,
    /// There is something to tell, but the customer has no login email.
    NoLoginEmail,
    /// The email service refused or failed; the move stands (see the log).
    Failed,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusBody {
    status: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Moved {
    status: ProjectStatus,
    version: u64,
    /// The history entry this request wrote; `null` when the status already was this one.
    change: Option<StatusChange>,
    notification: Notification,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct History {
    status: ProjectStatus,
    version: u64,
    /// Newest first.
    items: Vec<StatusChange>,
}

/// `PUT /customers/{customerId}/status {"status": "feedback"}`, optionally with `If-Match`.
/// Moving to the status it already has writes and sends nothing, so a retried request is
/// harmless.
pub async fn change(
    State(state): State<WishesState>,
    auth: StaffAuth,
    PathParam(id): PathParam<String>,
    headers: HeaderMap,
    JsonBody(body): JsonBody<StatusBody>,
) -> Result<Response, ApiError> {
    let expected = if_match(&headers)?;
    let id = customer_id(&id)?;
    let to = parse_status(body)?;
    let (customer, change) =
        move_status(&state, auth.tenant_id, id, to, auth.actor, expected).await?;
    let notification = match &change {
        Some(change) => notify(&state, &customer, change).await?,
        None => Notification::NotNeeded,
    };
    Ok(with_etag(
        customer.version,
        Moved {
            status: customer.status,
            version: customer.version,
            change,
            notification,
        },
    ))
}

/// `GET /customers/{customerId}/status`: the status now and every move, newest first.
pub async fn history(
    State(state): State<WishesState>,
    auth: StaffAuth,
    PathParam(id): PathParam<String>,
) -> Result<Response, ApiError> {
    let id = customer_id(&id)?;
    // Both at once: the history is under the caller's tenant's key, so an id of another
    // agency's customer finds none, and it is shown only if the customer is there. A move
    // between the two reads may show one entry more or less than the status says, as it
    // could when they were read one after the other.
    let (customer, items) = tokio::try_join!(load(&state, auth.tenant_id, id), async {
        state
            .status
            .status_history(auth.tenant_id, id)
            .await
            .map_err(StatusError::from)
    })?;
    Ok(with_etag(
        customer.version,
        History {
            status: customer.status,
            version: customer.version,
            items,
        },
    ))
}

/// Moves `id` to `to` in one transaction with its history entry, trying again from a fresh
/// read when another writer got in between (unless the client named a version). The record
/// as it is now, and the change made (`None`: it already had that status).
pub async fn move_status(
    state: &WishesState,
    tenant: TenantId,
    id: CustomerId,
    to: ProjectStatus,
    by: Actor,
    expected: Option<u64>,
) -> Result<(Customer, Option<StatusChange>), StatusError> {
    retry_lost_races_as(move || async move {
        let current = load(state, tenant, id).await?;
        if expected.is_some_and(|v| v != current.version) {
            return Err(StatusError::PreconditionFailed);
        }
        let Some((next, change)) = StatusChange::of(&current, to, by, state.clock.now()) else {
            return Ok(Ok((current, None)));
        };
        match state.status.change_status(&current, &next, &change).await {
            Err(StoreError::VersionConflict) if expected.is_some() => {
                Err(StatusError::PreconditionFailed)
            }
            written => Ok(written.map(|()| (next, Some(change)))),
        }
    })
    .await
}

/// Emails the customer about `change` when it asks something of them.
async fn notify(
    state: &WishesState,
    customer: &Customer,
    change: &StatusChange,
) -> Result<Notification, StatusError> {
    if !change.tells_the_customer() {
        return Ok(Notification::NotNeeded);
    }
    let Some(to) = customer.login_email.clone() else {
        return Ok(Notification::NoLoginEmail);
    };
    let tenant = state
        .tenants
        .get_tenant(customer.tenant_id)
        .await
        .map_err(StatusError::from)?
        .ok_or_else(|| anyhow::anyhow!("The customer's agency is gone"))?;
    let Some(email) = messages::status::render(
        customer.language,
        &tenant.name,
        &customer.company_name,
        change.to,
        tenant.portal_base_url.as_str(),
    ) else {
        return Ok(Notification::NotNeeded);
    };
    let sent = state
        .mailer
        .send_email(&OutgoingEmail {
            from: tenant.sender_email.clone(),
            from_name: tenant.name.clone(),
            to,
            subject: email.subject,
            text: email.text,
            html: email.html,
            reply_to: None,
        })
        .await;
    Ok(match sent {
        Ok(_) => {
            tracing::info!(tenant = %tenant.id, customer = %customer.id, status = %change.to, "status email sent");
            Notification::Sent
        }
        Err(e) => {
            tracing::error!(tenant = %tenant.id, customer = %customer.id, error = %e, "status email not sent");
            Notification::Failed
        }
    })
}

/// The caller's tenant's customer; another tenant's is not found either.
async fn load(
    state: &WishesState,
    tenant: TenantId,
    id: CustomerId,
) -> Result<Customer, StatusError> {
    state
        .customers
        .get_customer(tenant, id)
        .await?
        .ok_or(StatusError::CustomerNotFound)
}

fn customer_id(raw: &str) -> Result<CustomerId, ApiError> {
    raw.parse().map_err(|_| {
        ApiError::invalid_parameter(
            "customerId",
            "is not a customer id (26 characters, as returned when the customer was created)",
        )
    })
}

fn parse_status(body: StatusBody) -> Result<ProjectStatus, ApiError> {
    let mut errors = FieldErrors::default();
    let status = match body.status.as_deref().map(str::trim) {
        None => {
            errors.report("status", Common::Required);
            None
        }
        Some("") => {
            errors.report("status", Common::Empty);
            None
        }
        Some(raw) => errors.check("status", raw.parse::<ProjectStatus>()),
    };
    errors
        .finish(|| status)
        .map_err(ApiError::Validation)?
        .ok_or_else(|| anyhow::anyhow!("a status without a problem").into())
}

fn with_etag(version: u64, body: impl Serialize) -> Response {
    let mut response = Json(body).into_response();
    if let Ok(value) = HeaderValue::from_str(&format!("\"{version}\"")) {
        response.headers_mut().insert(header::ETAG, value);
    }
    response
}
