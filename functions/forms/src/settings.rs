//! The agency's form settings: how long form entries are kept.

use axum::{Json, extract::State};
use portal::{
    domain::{FieldError, RetentionDays},
    http::{ApiError, JsonBody, StaffAuth},
};
use serde::Deserialize;

use crate::FormsState;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct Settings {
    retention_days: serde_json::Value,
}

pub(crate) async fn read(
    State(state): State<FormsState>,
    auth: StaffAuth,
) -> Result<Json<serde_json::Value>, ApiError> {
    let tenant = auth.tenant(&state).await?;
    Ok(Json(
        serde_json::json!({ "retentionDays": tenant.form_entry_retention_days.days() }),
    ))
}

/// New entries are kept this long; the forms carry the value so the intake reads nothing
/// more. Entries already stored keep the end they were given.
pub(crate) async fn save(
    State(state): State<FormsState>,
    auth: StaffAuth,
    JsonBody(input): JsonBody<Settings>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let days = input
        .retention_days
        .as_u64()
        .and_then(|d| u32::try_from(d).ok())
        .and_then(|d| RetentionDays::try_from(d).ok())
        .ok_or_else(|| {
            ApiError::Validation(vec![FieldError::new(
                "retentionDays",
                "must be a whole number of days from 1 to 3650",
            )])
        })?;
    let mut tenant = auth.tenant(&state).await?;
    tenant.form_entry_retention_days = days;
    state.tenants.update_tenant(&tenant).await?;
    let forms = state.forms.set_retention(tenant.id, days).await?;
    tracing::info!(tenant = %tenant.id, days = days.days(), forms, "form entry retention set");
    Ok(Json(serde_json::json!({ "retentionDays": days.days() })))
}
