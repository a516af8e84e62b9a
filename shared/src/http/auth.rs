use std::sync::Arc;

use axum::{
    extract::{FromRef, FromRequestParts},
    http::request::Parts,
};

use super::{ApiError, UserSession, session};
use crate::{
    domain::{Actor, ApiKeySecret, SessionRecord, Subject, Tenant, TenantId, api_key::PREFIX},
    ports::{ApiKeyStore, TenantStore},
    state::SessionPorts,
};

/// A request made by agency staff: with a tenant API key (`Authorization: Bearer ptk_…`), or
/// in a staff user's session (the same bearer or cookie a customer's session uses; requests
/// that change something by cookie must send the session's CSRF token in `X-CSRF-Token`).
/// Everything a handler does with it is scoped to `tenant_id`.
#[derive(Debug, Clone, Copy)]
pub struct StaffAuth {
    pub tenant_id: TenantId,
    /// The key or staff user, as recorded in histories.
    pub actor: Actor,
}

impl StaffAuth {
    /// The agency the request acts for: a 401 if it was removed after the key or session
    /// was made.
    pub async fn tenant<S>(&self, state: &S) -> Result<Tenant, ApiError>
    where
        Arc<dyn TenantStore>: FromRef<S>,
    {
        Arc::<dyn TenantStore>::from_ref(state)
            .get_tenant(self.tenant_id)
            .await?
            .ok_or(ApiError::Unauthorized("Your agency no longer exists."))
    }
}

impl<S> FromRequestParts<S> for StaffAuth
where
    Arc<dyn ApiKeyStore>: FromRef<S>,
    SessionPorts: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let staff_session = |s: &SessionRecord| match s.subject {
            Subject::Staff(_) => Ok(()),
            Subject::Customer(_) => Err(ApiError::StaffOnly),
        };
        match authenticate(parts, state, staff_session).await? {
            Presented::Key(staff) => Ok(staff),
            Presented::Session(who) => match who.session.subject {
                Subject::Staff(id) => Ok(StaffAuth {
                    tenant_id: who.session.tenant_id,
                    actor: Actor::Staff { id },
                }),
                Subject::Customer(_) => Err(ApiError::StaffOnly),
            },
        }
    }
}

/// What a request's bearer or cookie turned out to be.
pub(crate) enum Presented {
    /// A tenant API key (never by cookie).
    Key(StaffAuth),
    /// A live session of a staff user or customer, whose CSRF header was checked.
    Session(Box<UserSession>),
}

/// The API key or live session a request presents, read once. `allowed` refuses a session
/// whose subject may not make the request (before its CSRF token is looked at); every change
/// by cookie must send the session's CSRF header, as no route behind this takes a form post.
pub(crate) async fn authenticate<S>(
    parts: &Parts,
    state: &S,
    allowed: fn(&SessionRecord) -> Result<(), ApiError>,
) -> Result<Presented, ApiError>
where
    Arc<dyn ApiKeyStore>: FromRef<S>,
    SessionPorts: FromRef<S>,
{
    let api_keys = Arc::<dyn ApiKeyStore>::from_ref(state);
    let (token, by_cookie) = session::presented(&parts.headers).ok_or(ApiError::Unauthorized(
        "Send your API key as Authorization: Bearer <key>, or log in as a staff user.",
    ))?;
    if token.is_empty() {
        return Err(ApiError::Unauthorized(
            "The Authorization header must be: Bearer <key>.",
        ));
    }
    if !by_cookie
        && token.starts_with(PREFIX)
        && let Some(key) = api_keys
            .find_api_key(&ApiKeySecret::from_presented(&token).hash())
            .await?
    {
        if key.revoked_at.is_some() {
            return Err(ApiError::Unauthorized("This API key has been revoked."));
        }
        return Ok(Presented::Key(StaffAuth {
            tenant_id: key.tenant_id,
            actor: Actor::ApiKey { id: key.id },
        }));
    }
    // Anything else is a session token (which could, rarely, also start like a key).
    let sessions = SessionPorts::from_ref(state);
    UserSession::check(&sessions, parts, &token, by_cookie, false, allowed)
        .await
        .map(|who| Presented::Session(Box::new(who)))
        .map_err(|e| match e {
            ApiError::Unauthorized(_) if !by_cookie => {
                ApiError::Unauthorized("This API key or session is not valid.")
            }
            other => other,
        })
}
