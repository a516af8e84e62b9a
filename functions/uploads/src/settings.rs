//! The agency's upload rules: which content types its customers may upload, how large one
//! file may be and how many bytes one customer's files may hold. Staff read and replace
//! them; [`crate::upload`] checks every new upload against them.

use std::collections::BTreeMap;

use axum::{Json, extract::State};
use portal::{
    domain::{FieldError, FileSettings},
    http::{ApiError, JsonBody, StaffAuth},
};
use serde::{Deserialize, Serialize};

use crate::{UploadsState, multipart::MAX_OBJECT_SIZE, upload::is_media_type};

/// Enough for every family an agency names one by one; bounds the item and the check each
/// upload makes.
pub const MAX_TYPES: usize = 100;
/// S3 keeps no single object above 5 TiB, so no upload may be declared larger.
pub const MAX_FILE_SIZE: u64 = MAX_OBJECT_SIZE;
/// 1 PiB: far above any agency's storage, and well inside the signed 64-bit number the
/// store's conditional usage check compares with.
pub const MAX_QUOTA: u64 = 1 << 50;

/// The settings as the API shows and takes them.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SettingsView {
    allowed_types: Vec<String>,
    max_file_size: u64,
    quota_per_customer: u64,
}

impl From<FileSettings> for SettingsView {
    fn from(s: FileSettings) -> Self {
        Self {
            allowed_types: s.allowed_types,
            max_file_size: s.max_file_size,
            quota_per_customer: s.quota_per_customer,
        }
    }
}

/// Raw values, so that each bad one is reported under its own field with its limit.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct SettingsInput {
    #[serde(default)]
    allowed_types: serde_json::Value,
    #[serde(default)]
    max_file_size: serde_json::Value,
    #[serde(default)]
    quota_per_customer: serde_json::Value,
}

/// `GET /file-settings`: the agency's rules, or the defaults it has not changed.
pub(crate) async fn read(
    State(state): State<UploadsState>,
    auth: StaffAuth,
) -> Result<Json<SettingsView>, ApiError> {
    let tenant = auth.tenant(&state).await?;
    Ok(Json(state.files.file_settings(tenant.id).await?.into()))
}

/// `PUT /file-settings`: replaces all three rules at once. Files already stored stay, even
/// of a type no longer allowed or above the new maximum; the quota counts them as before.
pub(crate) async fn save(
    State(state): State<UploadsState>,
    auth: StaffAuth,
    JsonBody(input): JsonBody<SettingsInput>,
) -> Result<Json<SettingsView>, ApiError> {
    let settings = parse(&input).map_err(ApiError::Validation)?;
    let tenant = auth.tenant(&state).await?;
    state.files.put_file_settings(tenant.id, &settings).await?;
    tracing::info!(
        tenant = %tenant.id,
        types = settings.allowed_types.len(),
        max_file_size = settings.max_file_size,
        quota = settings.quota_per_customer,
        "file settings set"
    );
    Ok(Json(settings.into()))
}

fn limit(field: &str, message: String, arg: &'static str, value: u64) -> FieldError {
    let mut error = FieldError::new(field, message);
    error.args = BTreeMap::from([(arg, i64::try_from(value).unwrap_or(i64::MAX))]);
    error
}

/// Every bad value, or the settings to store.
fn parse(input: &SettingsInput) -> Result<FileSettings, Vec<FieldError>> {
    let mut errors = Vec::new();
    let types = allowed_types(&input.allowed_types, &mut errors);
    let max_file_size = match input.max_file_size.as_u64() {
        Some(n) if (1..=MAX_FILE_SIZE).contains(&n) => Some(n),
        _ => {
            errors.push(limit(
                "maxFileSize",
                format!("must be a whole number of bytes from 1 to {MAX_FILE_SIZE} (5 TiB)"),
                "max",
                MAX_FILE_SIZE,
            ));
            None
        }
    };
    let quota = match input.quota_per_customer.as_u64() {
        Some(n) if n <= MAX_QUOTA => Some(n),
        _ => {
            errors.push(limit(
                "quotaPerCustomer",
                format!("must be a whole number of bytes up to {MAX_QUOTA} (1 PiB)"),
                "max",
                MAX_QUOTA,
            ));
            None
        }
    };
    // A quota below the maximum would let the form offer files no customer could ever
    // upload: say so rather than store rules that contradict each other.
    if let (Some(max), Some(quota)) = (max_file_size, quota)
        && quota < max
    {
        errors.push(limit(
            "quotaPerCustomer",
            format!("must be at least maxFileSize ({max} bytes)"),
            "min",
            max,
        ));
    }
    match (types, max_file_size, quota) {
        (Some(allowed_types), Some(max_file_size), Some(quota_per_customer))
            if errors.is_empty() =>
        {
            Ok(FileSettings {
                allowed_types,
                max_file_size,
                quota_per_customer,
            })
        }
        _ => Err(errors),
    }
}

/// The list in lowercase (the upload check ignores case), trimmed, each type once, in the
/// order given.
fn allowed_types(raw: &serde_json::Value, errors: &mut Vec<FieldError>) -> Option<Vec<String>> {
    let list = match raw.as_array() {
        Some(list) if !list.is_empty() && list.len() <= MAX_TYPES => list,
        _ => {
            errors.push(limit(
                "allowedTypes",
                format!("must be a list of 1 to {MAX_TYPES} content types"),
                "max",
                MAX_TYPES as u64,
            ));
            return None;
        }
    };
    let before = errors.len();
    let mut types: Vec<String> = Vec::with_capacity(list.len());
    for (i, item) in list.iter().enumerate() {
        match item.as_str().map(str::trim).filter(|t| is_pattern(t)) {
            Some(t) => {
                let t = t.to_ascii_lowercase();
                if !types.contains(&t) {
                    types.push(t);
                }
            }
            None => errors.push(FieldError::new(
                format!("allowedTypes[{i}]"),
                "must be a content type as type/subtype, or type/* for a whole family, \
                 without parameters",
            )),
        }
    }
    (errors.len() == before).then_some(types)
}

/// `type/subtype` or `type/*`, as [`FileSettings::allows`] matches them; parameters would
/// never match, since the upload check compares the type without its parameters.
fn is_pattern(t: &str) -> bool {
    if t.contains(';') {
        return false;
    }
    match t.strip_suffix("/*") {
        // The family must be a token: checked as a type with a stand-in subtype.
        Some(family) => !family.contains('/') && is_media_type(&format!("{family}/x")),
        None => is_media_type(t),
    }
}
