use std::{net::SocketAddr, sync::Arc, time::Instant};

use axum::{
    Json, Router,
    extract::{ConnectInfo, Request, State},
    http::header,
    middleware::{self, Next},
    response::{IntoResponse, Response},
    routing::get,
};
use invite::InviteState;
use portal::{
    embedded::Outbox,
    http::{ApiError, ClientAddress, finish_router},
};

use crate::backend::Services;

/// The OpenAPI description of every route, served at `/openapi.json`.
pub const OPENAPI: &str = include_str!("../../openapi.json");

/// Every function's routes on one router, at the paths API Gateway gives them, plus
/// `/health`, `/openapi.json` and, with the local outbox, `/_local/outbox` (local runner only).
pub fn app(services: &Services) -> Router {
    let state = services.app_state();
    let invite_state = InviteState {
        app: state.clone(),
        mailer: services.mailer.clone(),
        sms: services.sms.clone(),
    };
    let mut local = Router::new()
        .route(
            "/health",
            get(|| async { Json(serde_json::json!({"status": "ok"})) }),
        )
        .route(
            "/openapi.json",
            get(|| async { ([(header::CONTENT_TYPE, "application/json")], OPENAPI) }),
        );
    if let Some(outbox) = &services.outbox {
        local = local.merge(
            Router::new()
                .route("/_local/outbox", get(read_outbox))
                .with_state(outbox.clone()),
        );
    }
    let auth_state = auth::AuthState {
        app: state.clone(),
        mailer: services.mailer.clone(),
    };
    let functions = Router::new()
        .merge(customers::routes().with_state(state))
        .merge(invite::routes(invite_state))
        .merge(auth::routes(auth_state));
    finish_router(functions.merge(local))
        .layer(middleware::from_fn(client_address))
        .layer(middleware::from_fn(log_request))
}

/// The caller's address, as API Gateway gives it to the functions in Lambda.
async fn client_address(mut request: Request, next: Next) -> Response {
    if let Some(ConnectInfo(addr)) = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .copied()
    {
        request
            .extensions_mut()
            .insert(ClientAddress(addr.ip().to_string()));
    }
    next.run(request).await
}

/// Every email and SMS the local portal "sent", oldest first.
async fn read_outbox(
    State(outbox): State<Arc<Outbox>>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let messages = outbox.messages()?;
    Ok(Json(serde_json::json!({ "items": messages })))
}

async fn log_request(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let path = redact(request.uri().path());
    let started = Instant::now();
    let response = next.run(request).await.into_response();
    tracing::info!(
        %method,
        path,
        status = response.status().as_u16(),
        ms = started.elapsed().as_millis() as u64,
        "request"
    );
    response
}

/// The path with link and session tokens blanked out: secrets never reach a log.
fn redact(path: &str) -> String {
    path.split('/')
        .map(|segment| if segment.len() >= 32 { "…" } else { segment })
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn tokens_in_paths_are_not_logged() {
        assert_eq!(
            redact("/invite/agbb2lFpD_9kMrfqXq0TLUSg6M8RVx1Tboldpa8QRCw"),
            "/invite/…"
        );
        assert_eq!(
            redact("/customers/01M81YS23FQ9J6HMRJ4528QWJM"),
            "/customers/01M81YS23FQ9J6HMRJ4528QWJM"
        );
    }
}
