//! `Idempotency-Key` for POST routes that cause effects (sending a message): a retry with
//! the same key and request gets the first answer again, and nothing happens twice.

use std::future::Future;

use axum::{
    body::{Body, to_bytes},
    extract::FromRef,
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use chrono::Duration;

use super::ApiError;
use crate::{
    domain::{TenantId, secret::sha256_hex},
    ports::{IdempotencyStart, StoredResponse},
    state::IdempotencyPorts,
};

pub const HEADER: &str = "idempotency-key";
/// How long a key is remembered.
pub const KEEP_FOR_HOURS: i64 = 24;
const MAX_KEY_LENGTH: usize = 255;
const MAX_STORED_BODY: usize = 256 * 1024;

/// A fingerprint of what a request asks for, to tell a retry from a different request.
pub fn fingerprint(route: &str, request: &impl serde::Serialize) -> String {
    sha256_hex(&format!(
        "{route}\n{}",
        serde_json::to_string(request).unwrap_or_default()
    ))
}

/// Runs `handle` once per `Idempotency-Key` (when the request has one) and replays its answer.
pub async fn run_once<S, F, Fut>(
    state: &S,
    tenant: TenantId,
    headers: &HeaderMap,
    fingerprint: String,
    handle: F,
) -> Result<Response, ApiError>
where
    IdempotencyPorts: FromRef<S>,
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<Response, ApiError>>,
{
    run_once_with(
        state,
        tenant,
        headers,
        fingerprint,
        async { Ok(()) },
        |_| handle(),
    )
    .await
}

/// [`run_once`] whose `handle` needs what `read` reads: the reads go out together with the
/// key's claim (one round trip instead of two), and `handle` gets what they found, or their
/// error, once the claim is won. A replay, or a key in use, leaves what was read unused. The
/// reads must change nothing.
pub async fn run_once_with<S, T, R, F, Fut>(
    state: &S,
    tenant: TenantId,
    headers: &HeaderMap,
    fingerprint: String,
    read: R,
    handle: F,
) -> Result<Response, ApiError>
where
    IdempotencyPorts: FromRef<S>,
    R: Future<Output = Result<T, ApiError>>,
    F: FnOnce(Result<T, ApiError>) -> Fut,
    Fut: Future<Output = Result<Response, ApiError>>,
{
    let state = IdempotencyPorts::from_ref(state);
    let Some(raw) = headers.get(HEADER) else {
        return handle(read.await).await;
    };
    let key = raw
        .to_str()
        .ok()
        .filter(|k| {
            !k.is_empty() && k.len() <= MAX_KEY_LENGTH && k.bytes().all(|b| b.is_ascii_graphic())
        })
        .ok_or_else(|| {
            ApiError::invalid_parameter(
                "Idempotency-Key",
                format!("must be 1 to {MAX_KEY_LENGTH} visible ASCII characters, such as a UUID"),
            )
        })?
        .to_owned();
    let now = state.clock.now();
    let (start, read) = tokio::join!(
        state.idempotency.begin_request(
            tenant,
            &key,
            &fingerprint,
            now,
            now + Duration::hours(KEEP_FOR_HOURS),
        ),
        read,
    );
    let start = start?;
    match start {
        IdempotencyStart::Fresh => {}
        IdempotencyStart::Replay(stored) => return Ok(replay(stored)),
        IdempotencyStart::InProgress => {
            return Err(ApiError::IdempotencyInProgress);
        }
        IdempotencyStart::Mismatch => {
            return Err(ApiError::IdempotencyKeyReused);
        }
    }
    let response = match handle(read).await {
        Ok(response) => response,
        Err(ApiError::Unexpected(e)) => {
            // Nothing reliable to replay: free the key so a retry runs again.
            if let Err(release) = state.idempotency.abandon_request(tenant, &key).await {
                tracing::error!(
                    error = format!("{release:#}"),
                    "failed to release an idempotency key"
                );
            }
            return Err(ApiError::Unexpected(e));
        }
        Err(other) => other.into_response(),
    };
    let (parts, body) = response.into_parts();
    let bytes = to_bytes(body, MAX_STORED_BODY)
        .await
        .map_err(|e| anyhow::anyhow!("Failed to buffer the response: {e}"))?;
    let stored = StoredResponse {
        status: parts.status.as_u16(),
        body: String::from_utf8_lossy(&bytes).into_owned(),
        location: parts
            .headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        etag: parts
            .headers
            .get(header::ETAG)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
    };
    state
        .idempotency
        .finish_request(tenant, &key, &stored)
        .await?;
    Ok(Response::from_parts(parts, Body::from(bytes)))
}

fn replay(stored: StoredResponse) -> Response {
    let status = StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK);
    let content_type = if status.is_success() {
        "application/json"
    } else {
        super::problem::CONTENT_TYPE
    };
    let mut response =
        (status, [(header::CONTENT_TYPE, content_type)], stored.body).into_response();
    let headers = response.headers_mut();
    headers.insert("idempotent-replayed", HeaderValue::from_static("true"));
    if let Some(location) = stored.location.and_then(|l| HeaderValue::from_str(&l).ok()) {
        headers.insert(header::LOCATION, location);
    }
    if let Some(etag) = stored.etag.and_then(|e| HeaderValue::from_str(&e).ok()) {
        headers.insert(header::ETAG, etag);
    }
    response
}
