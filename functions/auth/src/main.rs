//! The auth Lambda function: `lambda_http` over the router in `lib.rs`.

use axum::{extract::Request, middleware::Next, response::Response};
use lambda_http::request::RequestContext;
use portal::http::ClientAddress;

/// API Gateway knows the caller's address; the handlers read it as a `ClientAddress`.
async fn client_address(mut request: Request, next: Next) -> Response {
    let ip = match request.extensions().get::<RequestContext>() {
        Some(RequestContext::ApiGatewayV2(context)) => context.http.source_ip.clone(),
        _ => None,
    };
    if let Some(ip) = ip {
        request.extensions_mut().insert(ClientAddress(ip));
    }
    next.run(request).await
}

/// One thread: Tokio's current-thread runtime runs the handler, the SDK's connections and the
/// Runtime API client together. An execution environment handles one invocation at a time on
/// at most one vCPU below 1,769 MB, so worker threads only cost a cold start: spawning them,
/// and a wake-up across threads for every answer from AWS (README, "Cold start and zip size").
/// Password hashes still run beside it, on Tokio's blocking pool (`password_hash`).
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    portal::telemetry::init();
    let config = auth::Config::from_env()?;
    let state = auth::AuthState::connect(&config);
    let app = auth::router(state).layer(axum::middleware::from_fn(client_address));
    lambda_http::run(app).await
}
