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

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    portal::telemetry::init();
    let config = auth::Config::from_env()?;
    let state = auth::AuthState::connect(&config);
    let app = auth::router(state).layer(axum::middleware::from_fn(client_address));
    lambda_http::run(app).await
}
