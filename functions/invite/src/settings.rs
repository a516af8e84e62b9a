//! The agency's invitation settings: how long links stay valid.

use axum::{Json, extract::State};
use portal::{
    domain::{FieldError, ValidityDays},
    http::{ApiError, JsonBody, StaffAuth},
};
use serde::Deserialize;

use crate::InviteState;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Settings {
    validity_days: serde_json::Value,
}

pub async fn read(
    State(state): State<InviteState>,
    auth: StaffAuth,
) -> Result<Json<serde_json::Value>, ApiError> {
    let tenant = auth.tenant(&state).await?;
    Ok(Json(
        serde_json::json!({ "validityDays": tenant.invitation_validity_days.days() }),
    ))
}

pub async fn save(
    State(state): State<InviteState>,
    auth: StaffAuth,
    JsonBody(input): JsonBody<Settings>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let days = input
        .validity_days
        .as_u64()
        .and_then(|d| u32::try_from(d).ok())
        .and_then(|d| ValidityDays::try_from(d).ok())
        .ok_or_else(|| {
            ApiError::Validation(vec![FieldError::new(
                "validityDays",
                "must be a whole number of days from 1 to 30",
            )])
        })?;
    let mut tenant = auth.tenant(&state).await?;
    tenant.invitation_validity_days = days;
    state.tenants.update_tenant(&tenant).await?;
    Ok(Json(serde_json::json!({ "validityDays": days.days() })))
}
