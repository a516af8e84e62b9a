//! Conditional requests: the record version a client names in `If-Match`.

use axum::http::{HeaderMap, header};

use super::ApiError;

/// The version named by `If-Match` (`"3"`, `W/"3"`); `*` or no header means any version.
pub fn if_match(headers: &HeaderMap) -> Result<Option<u64>, ApiError> {
    let Some(value) = headers.get(header::IF_MATCH) else {
        return Ok(None);
    };
    let raw = value.to_str().unwrap_or_default().trim();
    if raw == "*" {
        return Ok(None);
    }
    // An entity tag is quoted (RFC 9110); a bare `3` is taken too, as openapi.json says, but
    // half a quote is not.
    let tag = raw.strip_prefix("W/").unwrap_or(raw);
    let version = match tag.strip_prefix('"') {
        Some(quoted) => quoted.strip_suffix('"'),
        None => Some(tag),
    };
    version
        .filter(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|v| v.parse().ok())
        .map(Some)
        .ok_or_else(|| {
            ApiError::invalid_parameter("If-Match", "must be the ETag of the record, such as \"3\"")
        })
}
