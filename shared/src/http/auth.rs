use axum::{
    extract::{FromRef, FromRequestParts},
    http::request::Parts,
};

use super::ApiError;
use crate::{
    AppState,
    domain::{ApiKeyId, ApiKeySecret, TenantId},
};

/// A request made by agency staff with a tenant API key (`Authorization: Bearer ptk_…`).
/// Everything a handler does with it is scoped to `tenant_id`.
#[derive(Debug, Clone, Copy)]
pub struct StaffAuth {
    pub tenant_id: TenantId,
    pub key_id: ApiKeyId,
}

impl<S> FromRequestParts<S> for StaffAuth
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let state = AppState::from_ref(state);
        let header =
            parts
                .headers
                .get(axum::http::header::AUTHORIZATION)
                .ok_or(ApiError::Unauthorized(
                    "Send your API key as Authorization: Bearer <key>.",
                ))?;
        let token = header
            .to_str()
            .ok()
            .and_then(|v| {
                let (scheme, token) = v.split_once(' ')?;
                scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
            })
            .filter(|t| !t.is_empty())
            .ok_or(ApiError::Unauthorized(
                "The Authorization header must be: Bearer <key>.",
            ))?;
        let key = state
            .api_keys
            .find_api_key(&ApiKeySecret::from_presented(token).hash())
            .await?
            .ok_or(ApiError::Unauthorized("This API key is not valid."))?;
        if key.revoked_at.is_some() {
            return Err(ApiError::Unauthorized("This API key has been revoked."));
        }
        Ok(StaffAuth {
            tenant_id: key.tenant_id,
            key_id: key.id,
        })
    }
}
