//! What the forms function does with an invocation. API Gateway's HTTP API events go to the
//! router, as `lambda_http::run` would send them; the EventBridge schedule's event sweeps
//! the due notifications. One function serves both so the intake and its retries are one
//! deployable with one set of rights to the table and SES.

use axum::{Router, extract::Request, middleware::Next, response::Response};
use lambda_http::{
    Adapter, Service,
    lambda_runtime::{Diagnostic, LambdaEvent},
    request::{LambdaRequest, RequestContext},
};
use portal::http::ClientAddress;
use serde::Deserialize;
use serde_json::{Value, value::RawValue};

use crate::{FormsState, notifications};

/// The router as Lambda runs it: with the visitor's address from API Gateway's context.
pub fn app(state: FormsState) -> Router {
    crate::router(state).layer(axum::middleware::from_fn(client_address))
}

/// API Gateway knows the visitor's address; the intake's rate limit reads it as a
/// `ClientAddress`.
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

/// The fields that tell an EventBridge event from an HTTP API request (which has neither).
#[derive(Deserialize)]
struct Kind {
    source: Option<String>,
    #[serde(rename = "detail-type")]
    detail_type: Option<String>,
}

/// One invocation: the payload is kept raw so that the HTTP request is parsed exactly as
/// `lambda_http` parses it.
pub async fn handle(
    app: &Router,
    state: &FormsState,
    event: LambdaEvent<Box<RawValue>>,
) -> Result<Value, Diagnostic> {
    let LambdaEvent { payload, context } = event;
    let kind: Kind = serde_json::from_str(payload.get()).map_err(|e| Diagnostic {
        error_type: "Forms.NotAnObject".into(),
        error_message: e.to_string(),
    })?;
    if kind.source.as_deref() == Some("aws.events")
        && kind.detail_type.as_deref() == Some("Scheduled Event")
    {
        let swept = notifications::sweep(state, state.clock.now())
            .await
            .map_err(|e| Diagnostic {
                error_type: "Forms.SweepFailed".into(),
                error_message: e.to_string(),
            })?;
        tracing::info!(?swept, "due notifications swept");
        return Ok(serde_json::json!({
            "sent": swept.sent,
            "failed": swept.failed,
            "gaveUp": swept.gave_up,
            "dropped": swept.dropped,
            "skipped": swept.skipped,
        }));
    }
    let request: LambdaRequest = serde_json::from_str(payload.get()).map_err(|e| Diagnostic {
        error_type: "Forms.UnknownEvent".into(),
        error_message: format!("neither an HTTP API request nor the notification schedule: {e}"),
    })?;
    // `lambda_http`'s own adapter: the request and its context in, API Gateway's answer out
    // (cookies, base64 bodies), exactly as `lambda_http::run` does it.
    let mut adapter = Adapter::from(app.clone());
    let Ok(()) = std::future::poll_fn(|cx| adapter.poll_ready(cx)).await;
    let Ok(answer) = adapter.call(LambdaEvent::new(request, context)).await;
    serde_json::to_value(answer).map_err(|e| Diagnostic {
        error_type: "Forms.Answer".into(),
        error_message: e.to_string(),
    })
}
