//! `GET`/`PUT /branding`: the agency's logo and colour, which its customers' portal pages
//! wear.

use axum::{Json, extract::State};
use portal::{
    domain::{Branding, BrandingInput},
    http::{ApiError, JsonBody, StaffAuth},
};

use crate::WishesState;

pub async fn read(
    State(state): State<WishesState>,
    auth: StaffAuth,
) -> Result<Json<Branding>, ApiError> {
    Ok(Json(auth.tenant(&state).await?.branding))
}

/// Replaces both: a field left out, `null` or `""` clears it.
pub async fn save(
    State(state): State<WishesState>,
    auth: StaffAuth,
    JsonBody(input): JsonBody<BrandingInput>,
) -> Result<Json<Branding>, ApiError> {
    let branding = input.validate().map_err(ApiError::Validation)?;
    let mut tenant = auth.tenant(&state).await?;
    tenant.branding = branding.clone();
    state.tenants.update_tenant(&tenant).await?;
    tracing::info!(tenant = %tenant.id, "branding saved");
    Ok(Json(branding))
}
