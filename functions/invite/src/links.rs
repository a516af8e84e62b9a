//! What an invitation link can do now, for the page the link opens (no login: the token is
//! the credential). Looking never uses the token up.

use axum::{Json, extract::State};
use portal::{
    domain::{LinkStatus, LinkToken, Subject, TokenPurpose},
    http::{ApiError, PathParam},
    messages::invitation::area_name,
    pages::LinkProblem,
};

use crate::InviteState;

fn unknown() -> ApiError {
    ApiError::LinkStatus(LinkProblem::Unknown)
}

pub async fn status(
    State(state): State<InviteState>,
    PathParam(raw_token): PathParam<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let token = LinkToken::from_link(&raw_token).ok_or_else(unknown)?;
    let app = &state;
    let record = app
        .invitations
        .find_token(&token.hash())
        .await?
        .ok_or_else(unknown)?;
    let now = app.clock.now();
    // Whom the link is for now: a link sent to another address than today's login email, or
    // a reset link from before the password last changed, no longer works (and must not show
    // today's address to whoever holds the old link).
    let (customer, member) = match record.subject {
        Subject::Customer(id) => (
            app.customers.get_customer(record.tenant_id, id).await?,
            None,
        ),
        Subject::Staff(id) => (None, app.staff.get_staff(record.tenant_id, id).await?),
    };
    let login_email = match (&customer, &member) {
        (Some(c), _) => Some(c.login_email.as_ref()),
        (_, Some(m)) => Some(Some(&m.email)),
        (None, None) => None,
    };
    let status = match login_email {
        Some(login_email) => {
            let account = app
                .accounts
                .get_account(record.tenant_id, record.subject)
                .await?;
            record.status_for(now, login_email, account.map(|a| a.session_epoch))
        }
        // Deleted or removed since: the link went with them.
        None => match record.status_at(now) {
            LinkStatus::Valid => LinkStatus::Revoked,
            other => other,
        },
    };
    let refused = match status {
        LinkStatus::Valid => None,
        LinkStatus::Expired => Some(LinkProblem::Expired),
        LinkStatus::Used => Some(LinkProblem::Used),
        LinkStatus::Superseded => Some(LinkProblem::Superseded),
        LinkStatus::Revoked => Some(LinkProblem::Revoked),
        LinkStatus::LoginEmailChanged => Some(LinkProblem::LoginEmailChanged),
        LinkStatus::PasswordChanged => Some(LinkProblem::PasswordChanged),
    };
    if let Some(problem) = refused {
        return Err(ApiError::LinkStatus(problem));
    }
    let tenant = app
        .tenants
        .get_tenant(record.tenant_id)
        .await?
        .ok_or_else(unknown)?;
    let customer = match (customer, member) {
        (Some(customer), _) => customer,
        (None, Some(member)) => {
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
        (None, None) => return Err(unknown()),
    };
    let customer_id = customer.id;
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
