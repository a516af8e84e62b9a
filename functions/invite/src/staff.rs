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
    domain::{Actor, FieldError, NewStaff, StaffId, StaffMember},
    http::{ApiError, JsonBody, PathParam, Problem, StaffAuth, idempotency, retry_lost_races},
    ports::DeliveryError,
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

fn email_taken() -> ApiError {
    ApiError::Problem(Box::new(
        Problem::new(
            StatusCode::CONFLICT,
            "login-email-taken",
            "The email is already in use",
        )
        .detail("This email address already logs in to the portal, as a customer or as staff. Each login email can belong to one account only.")
        .errors(vec![FieldError::new("email", "is already used by another account")]),
    ))
}

fn delivery_problem(member: &StaffMember, source: &DeliveryError, now: DateTime<Utc>) -> ApiError {
    let unavailable = matches!(source, DeliveryError::Unavailable(_));
    let (status, kind, title) = if unavailable {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            "delivery-unavailable",
            "The invitation could not be sent right now",
        )
    } else {
        (
            StatusCode::BAD_GATEWAY,
            "delivery-failed",
            "The invitation could not be sent",
        )
    };
    let reason = match source {
        DeliveryError::Unexpected(_) => "the delivery service failed".to_owned(),
        other => other.to_string(),
    };
    let mut problem = Problem::new(status, kind, title)
        .detail(format!(
            "email: {reason}. The staff user was saved; send the invitation again with POST /staff/{}/invitation when the problem is solved.",
            member.id
        ))
        .extension("staff", view(member, now));
    if unavailable {
        problem = problem.header(header::RETRY_AFTER, "60");
    }
    ApiError::Problem(Box::new(problem))
}

fn staff_error(e: StaffError, now: DateTime<Utc>) -> ApiError {
    match e {
        StaffError::Invalid(errors) => ApiError::Validation(errors),
        StaffError::EmailTaken => email_taken(),
        StaffError::NotFound => ApiError::NotFound("staff user"),
        StaffError::AlreadyActive => ApiError::Problem(Box::new(
            Problem::new(
                StatusCode::CONFLICT,
                "staff-already-active",
                "This staff user has already set a password",
            )
            .detail("An invitation is only for the first password. If they forgot it, they can reset it from the login page."),
        )),
        StaffError::Conflict => ApiError::ConcurrentChange,
        StaffError::Delivery { member, source } => delivery_problem(&member, &source, now),
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
        return Err(ApiError::Problem(Box::new(
            Problem::new(
                StatusCode::CONFLICT,
                "cannot-remove-yourself",
                "You can't remove your own staff account",
            )
            .detail("Ask a colleague, or use an API key, so the agency is never left without access by mistake."),
        )));
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
