//! What an invitation link can do now, for the page the link opens (no login: the token is
//! the credential). Looking never uses the token up.

use axum::{Json, extract::State, http::StatusCode};
use portal::{
    domain::{LinkStatus, LinkToken, Subject, TokenPurpose},
    http::{ApiError, PathParam, Problem},
    messages::invitation::area_name,
};

use crate::InviteState;

fn unknown() -> ApiError {
    ApiError::Problem(Box::new(
        Problem::new(StatusCode::NOT_FOUND, "link-unknown", "This link is not valid")
            .detail("The link may be incomplete, or so old that it was removed. Ask the agency for a new invitation."),
    ))
}

pub async fn status(
    State(state): State<InviteState>,
    PathParam(raw_token): PathParam<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let token = LinkToken::from_link(&raw_token).ok_or_else(unknown)?;
    let app = &state.app;
    let record = app
        .invitations
        .find_token(&token.hash())
        .await?
        .ok_or_else(unknown)?;
    let now = app.clock.now();
    let reason = match record.status_at(now) {
        LinkStatus::Valid => None,
        LinkStatus::Expired => Some((
            "expired",
            "This link has expired. Ask the agency to send you a new invitation.",
        )),
        LinkStatus::Used => Some((
            "used",
            "This link was already used to set a password. Log in, or reset your password if you forgot it.",
        )),
        LinkStatus::Superseded => Some((
            "superseded",
            "A newer invitation replaced this link. Use the link in the most recent message.",
        )),
        LinkStatus::Revoked => Some((
            "revoked",
            "The agency withdrew this invitation. Ask the agency for a new one.",
        )),
    };
    if let Some((code, detail)) = reason {
        return Err(ApiError::Problem(Box::new(
            Problem::new(
                StatusCode::GONE,
                "link-not-usable",
                "This link can no longer be used",
            )
            .detail(detail)
            .extension("linkStatus", serde_json::json!(code)),
        )));
    }
    let tenant = app
        .tenants
        .get_tenant(record.tenant_id)
        .await?
        .ok_or_else(unknown)?;
    let customer_id = match record.subject {
        Subject::Customer(id) => id,
        Subject::Staff(id) => {
            let member = app
                .staff
                .get_staff(record.tenant_id, id)
                .await?
                .ok_or_else(unknown)?;
            return Ok(Json(serde_json::json!({
                "linkStatus": "valid",
                "purpose": record.purpose,
                "role": "staff",
                "agency": tenant.name,
                "name": member.name,
                "loginEmail": member.email,
                "language": member.language,
                "expiresAt": record.expires_at,
            })));
        }
    };
    let customer = app
        .customers
        .get_customer(record.tenant_id, customer_id)
        .await?
        .ok_or_else(unknown)?;
    let area = match (record.purpose, record.invitation_id) {
        (TokenPurpose::Invitation, Some(id)) => app
            .invitations
            .get_invitation(record.tenant_id, customer_id, id)
            .await?
            .map(|i| i.area)
            .unwrap_or_default(),
        _ => Default::default(),
    };
    Ok(Json(serde_json::json!({
        "linkStatus": "valid",
        "purpose": record.purpose,
        "role": "customer",
        "agency": tenant.name,
        "company": customer.company_name,
        "loginEmail": customer.login_email,
        "language": customer.language,
        "area": area,
        "areaName": area_name(customer.language, area),
        "expiresAt": record.expires_at,
    })))
}
