use std::time::Instant;

use axum::{
    Json, Router,
    extract::Request,
    http::header,
    middleware::{self, Next},
    response::{IntoResponse, Response},
    routing::get,
};
use portal::{AppState, http::finish_router};

/// The OpenAPI description of every route, served at `/openapi.json`.
pub const OPENAPI: &str = include_str!("../../openapi.json");

/// Every function's routes on one router, at the paths API Gateway gives them, plus
/// `/health` and `/openapi.json` (local runner only).
pub fn app(state: AppState) -> Router {
    let functions = Router::new().merge(customers::routes());
    let local = Router::new()
        .route(
            "/health",
            get(|| async { Json(serde_json::json!({"status": "ok"})) }),
        )
        .route(
            "/openapi.json",
            get(|| async { ([(header::CONTENT_TYPE, "application/json")], OPENAPI) }),
        );
    finish_router(functions.merge(local))
        .with_state(state)
        .layer(middleware::from_fn(log_request))
}

async fn log_request(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
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
