//! The agency's staff users: list them, invite a colleague (an email with a link to set a
//! password), send the invitation again, remove someone. Open to API keys and staff sessions.

use axum::{
    Json,
    extract::State,
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use chrono::{DateTime, Utc};
use portal::{
    domain::{Actor, NewStaff, StaffId, StaffMember},
    http::{ApiError, JsonBody, PathParam, StaffAuth, idempotency, retry_lost_races},
    staff::{self, StaffError},
};

use crate::InviteState;

/// A staff user as colleagues see them: never a token or password.
pub fn view(m: &StaffMember, now: DateTime<Utc>) -> serde_json::Value {
    serde_json::json!({
        "id": m.id,
        "name": m.name,
        "email": m.email,
        "language": m.language,
        "status": m.status_at(now),
        "invitedAt": m.invitation.as_ref().map(|i| i.sent_at),
        "invitationExpiresAt": m.invitation.as_ref().filter(|_| m.activated_at.is_none()).map(|i| i.expires_at),
        "activatedAt": m.activated_at,
        "lastLoginAt": m.last_login_at,
        "createdAt": m.created_at,
        "createdBy": m.created_by,
        "version": m.version,
    })
}

fn staff_id(raw: &str) -> Result<StaffId, ApiError> {
    raw.parse()
        .map_err(|_| ApiError::invalid_parameter("staffId", "must be a staff user id (a ULID)"))
}

async fn load(state: &InviteState, auth: StaffAuth, raw: &str) -> Result<StaffMember, ApiError> {
    state
        .staff
        .get_staff(auth.tenant_id, staff_id(raw)?)
        .await?
        .ok_or(ApiError::NotFound("staff user"))
}

fn staff_error(e: StaffError, now: DateTime<Utc>) -> ApiError {
    match e {
        StaffError::Invalid(errors) => ApiError::Validation(errors),
        StaffError::EmailTaken => ApiError::StaffEmailTaken,
        StaffError::NotFound => ApiError::NotFound("staff user"),
        StaffError::AlreadyActive => ApiError::StaffAlreadyActive,
        StaffError::Conflict => ApiError::ConcurrentChange,
        StaffError::Delivery { member, source } => ApiError::StaffInvitationNotDelivered {
            staff: view(&member, now),
            staff_id: member.id,
            source,
        },
        StaffError::Store(e) => e.into(),
        StaffError::Unexpected(e) => ApiError::Unexpected(e),
    }
}

fn created(member: &StaffMember, now: DateTime<Utc>) -> Response {
    let location = HeaderValue::from_str(&format!("/staff/{}", member.id))
        .unwrap_or(HeaderValue::from_static("/staff"));
    (
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(view(member, now)),
    )
        .into_response()
}

pub async fn list(State(state): State<InviteState>, auth: StaffAuth) -> Result<Response, ApiError> {
    let now = state.clock.now();
    let items: Vec<_> = state
        .staff
        .list_staff(auth.tenant_id)
        .await?
        .iter()
        .map(|m| view(m, now))
        .collect();
    Ok(Json(serde_json::json!({ "items": items })).into_response())
}

pub async fn read(
    State(state): State<InviteState>,
    auth: StaffAuth,
    PathParam(raw): PathParam<String>,
) -> Result<Response, ApiError> {
    let member = load(&state, auth, &raw).await?;
    Ok(Json(view(&member, state.clock.now())).into_response())
}

/// `POST /staff {name, email, language?}`: adds a colleague and emails them the invitation.
pub async fn invite(
    State(state): State<InviteState>,
    auth: StaffAuth,
    headers: HeaderMap,
    JsonBody(request): JsonBody<serde_json::Value>,
) -> Result<Response, ApiError> {
    let input: NewStaff = portal::http::extract::parse_json(request.to_string().as_bytes())?;
    let valid = input.validate().map_err(ApiError::Validation)?;
    let fingerprint = idempotency::fingerprint("invite-staff", &request);
    let app = state.clone();
    idempotency::run_once(&app, auth.tenant_id, &headers, fingerprint, || async move {
        let tenant = auth.tenant(&state).await?;
        let now = state.clock.now();
        let invited = staff::invite(
            state.staff.as_ref(),
            state.clock.as_ref(),
            state.mailer.as_ref(),
            &tenant,
            valid,
            auth.actor,
        )
        .await
        .map_err(|e| staff_error(e, now))?;
        Ok(created(&invited.member, now))
    })
    .await
}

/// `POST /staff/{id}/invitation`: a new link for someone who has not set a password yet.
pub async fn reinvite(
    State(state): State<InviteState>,
    auth: StaffAuth,
    PathParam(raw): PathParam<String>,
) -> Result<Response, ApiError> {
    let member = load(&state, auth, &raw).await?;
    let tenant = auth.tenant(&state).await?;
    let now = state.clock.now();
    let invited = staff::reinvite(
        state.staff.as_ref(),
        state.clock.as_ref(),
        state.mailer.as_ref(),
        &tenant,
        &member,
        auth.actor,
    )
    .await
    .map_err(|e| staff_error(e, now))?;
    Ok(Json(view(&invited.member, now)).into_response())
}

/// `DELETE /staff/{id}`: the account, its login email and its sessions end at once.
pub async fn remove(
    State(state): State<InviteState>,
    auth: StaffAuth,
    PathParam(raw): PathParam<String>,
) -> Result<Response, ApiError> {
    let id = staff_id(&raw)?;
    if auth.actor == (Actor::Staff { id }) {
        return Err(ApiError::CannotRemoveYourself);
    }
    let (state, raw) = (&state, &raw);
    let removed = retry_lost_races(move || async move {
        let member = load(state, auth, raw).await?;
        let at = state.clock.now();
        Ok(state
            .staff
            .delete_staff(&member, at)
            .await
            .map(|()| member.id))
    })
    .await?;
    tracing::info!(tenant = %auth.tenant_id, staff = %removed, "staff user removed");
    Ok(StatusCode::NO_CONTENT.into_response())
}
