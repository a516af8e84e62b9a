//! Sending, copying, listing and revoking invitations: the HTTP side. The rules live in
//! [`portal::invitations`]; these handlers parse, call, and map the result.

use axum::{
    Json,
    extract::State,
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use portal::{
    domain::{Customer, CustomerId, FieldErrors, Invitation, InvitationId, Tenant},
    http::{ApiError, JsonBody, PathParam, StaffAuth, client_language, idempotency},
    invitations::{self, Delivery, Gathered, InvitationView, Issuing, SendRequest, parse_area},
};
use serde::{Deserialize, Serialize};

use crate::InviteState;

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LinkRequest {
    area: Option<String>,
}

impl InviteState {
    fn issuing(&self) -> Issuing<'_> {
        Issuing {
            invitations: &*self.invitations,
            templates: &*self.templates,
            clock: &*self.clock,
        }
    }

    fn delivery(&self) -> Delivery<'_> {
        Delivery {
            mailer: &*self.mailer,
            sms: &*self.sms,
        }
    }
}

fn customer_id(raw: &str) -> Result<CustomerId, ApiError> {
    raw.parse().map_err(|_| {
        ApiError::invalid_parameter(
            "customerId",
            "is not a customer id (26 characters, as returned when the customer was created)",
        )
    })
}

fn location(invitation: &Invitation) -> String {
    format!(
        "/customers/{}/invitations/{}",
        invitation.customer_id, invitation.id
    )
}

fn created(location: &str, body: serde_json::Value) -> Response {
    let mut response = (StatusCode::CREATED, Json(body)).into_response();
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// The customer `id` under the key's agency, or 404 (another agency's customer is not found).
async fn customer_or_404(
    state: &InviteState,
    auth: StaffAuth,
    id: CustomerId,
) -> Result<Customer, ApiError> {
    state
        .customers
        .get_customer(auth.tenant_id, id)
        .await?
        .ok_or(ApiError::NotFound("customer"))
}

/// The customer, the agency and what issuing reads besides ([`invitations::gather`]), all at
/// once: one round trip.
async fn read_for_issuing(
    state: &InviteState,
    auth: StaffAuth,
    raw_customer: &str,
    messages: bool,
) -> Result<(Customer, Tenant, Gathered), ApiError> {
    let id = customer_id(raw_customer)?;
    tokio::try_join!(
        customer_or_404(state, auth, id),
        auth.tenant(state),
        async { Ok(invitations::gather(&state.issuing(), auth.tenant_id, id, messages).await?) },
    )
}

/// 201 when every channel went out, otherwise 502 (refused) or 503 (try later) with the
/// recorded invitation.
pub async fn send(
    State(state): State<InviteState>,
    auth: StaffAuth,
    PathParam(raw_customer): PathParam<String>,
    headers: HeaderMap,
    JsonBody(request): JsonBody<SendRequest>,
) -> Result<Response, ApiError> {
    let valid = request.validate().map_err(ApiError::Validation)?;
    let fingerprint =
        idempotency::fingerprint(&format!("send-invitation {raw_customer}"), &request);
    let speak = client_language(&headers);
    // Everything the send reads goes out with the key's claim.
    let read = read_for_issuing(&state, auth, &raw_customer, true);
    idempotency::run_once_with(
        &state,
        auth.tenant_id,
        &headers,
        fingerprint,
        read,
        |read| async {
            let (customer, tenant, gathered) = read?;
            let sent = invitations::send(
                &state.issuing(),
                &state.delivery(),
                &tenant,
                &customer,
                auth.actor,
                valid,
                speak,
                gathered,
            )
            .await?;
            Ok(created(
                &location(&sent.invitation),
                InvitationView::json(&sent.invitation, sent.at),
            ))
        },
    )
    .await
}

pub async fn copy_link(
    State(state): State<InviteState>,
    auth: StaffAuth,
    PathParam(raw_customer): PathParam<String>,
    headers: HeaderMap,
    JsonBody(request): JsonBody<LinkRequest>,
) -> Result<Response, ApiError> {
    let mut errors = FieldErrors::default();
    let area = parse_area(&mut errors, request.area.as_deref());
    errors.finish(|| ()).map_err(ApiError::Validation)?;
    // A copied link renders no message: the agency's templates are not read.
    let (customer, tenant, gathered) = read_for_issuing(&state, auth, &raw_customer, false).await?;
    let copied = invitations::copy_link(
        &state.issuing(),
        &tenant,
        &customer,
        auth.actor,
        area,
        client_language(&headers),
        gathered,
    )
    .await?;
    Ok(created(
        &location(&copied.invitation),
        serde_json::json!({
            "invitation": InvitationView::of(&copied.invitation, copied.at),
            "invitationLink": copied.invitation_link,
            "loginLink": copied.login_link,
            "expiresAt": copied.invitation.expires_at,
        }),
    ))
}

pub async fn list(
    State(state): State<InviteState>,
    auth: StaffAuth,
    PathParam(raw_customer): PathParam<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let id = customer_id(&raw_customer)?;
    // The customer's invitations are read alongside the customer; they are shown only if the
    // customer is there (an id of another agency's customer finds none under this tenant).
    let (customer, invitations) = tokio::try_join!(customer_or_404(&state, auth, id), async {
        Ok(state
            .invitations
            .list_invitations(auth.tenant_id, id)
            .await?)
    },)?;
    let now = state.clock.now();
    let items: Vec<_> = invitations
        .iter()
        .map(|i| InvitationView::of(i, now))
        .collect();
    Ok(Json(serde_json::json!({
        "items": items,
        "neverLoggedIn": customer.last_login_at.is_none(),
        "activatedAt": customer.activated_at,
    })))
}

fn ids(raw_customer: &str, raw_invitation: &str) -> Result<(CustomerId, InvitationId), ApiError> {
    let customer = customer_id(raw_customer)?;
    let id = raw_invitation
        .parse()
        .map_err(|_| ApiError::invalid_parameter("invitationId", "is not an invitation id"))?;
    Ok((customer, id))
}

pub async fn read(
    State(state): State<InviteState>,
    auth: StaffAuth,
    PathParam((raw_customer, raw_invitation)): PathParam<(String, String)>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let (customer, id) = ids(&raw_customer, &raw_invitation)?;
    let invitation = state
        .invitations
        .get_invitation(auth.tenant_id, customer, id)
        .await?
        .ok_or(ApiError::NotFound("invitation"))?;
    Ok(Json(InvitationView::json(&invitation, state.clock.now())))
}

pub async fn revoke(
    State(state): State<InviteState>,
    auth: StaffAuth,
    PathParam((raw_customer, raw_invitation)): PathParam<(String, String)>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let (customer, id) = ids(&raw_customer, &raw_invitation)?;
    let revoked = invitations::revoke(
        &*state.invitations,
        &*state.clock,
        auth.tenant_id,
        customer,
        id,
        auth.actor,
    )
    .await?;
    Ok(Json(InvitationView::json(&revoked.invitation, revoked.at)))
}
