use std::{net::SocketAddr, sync::Arc, time::Instant};

use anyhow::Context;
use axum::{
    Json, Router,
    extract::{ConnectInfo, Request, State},
    http::{HeaderName, HeaderValue, Method, header},
    middleware::{self, Next},
    response::{IntoResponse, Response},
    routing::get,
};
use customers::CustomersState;
use invite::InviteState;
use portal::{
    embedded::Outbox,
    http::{ApiError, ClientAddress, finish_router},
};

use tower_http::cors::CorsLayer;
use wishes::WishesState;

use crate::{backend::Services, files_server::UploadListener};

/// The OpenAPI description of every route, served at `/openapi.json`.
pub const OPENAPI: &str = include_str!("../../openapi.json");

/// Every function's routes on one router, at the paths API Gateway gives them, plus
/// `/health`, `/openapi.json` and, with the local outbox, `/_local/outbox` (local runner only).
pub fn app(services: &Services) -> Router {
    let state = services.app_state();
    let invite_state =
        InviteState::new(state.clone(), services.mailer.clone(), services.sms.clone());
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
    let auth_state = auth::AuthState::new(state.clone(), services.mailer.clone());
    let forms_state = forms_state(services);
    let wishes_state = WishesState::new(state.clone(), services.mailer.clone());
    // Locally, completing a multipart upload runs the upload-events handler in-process, as
    // S3's event does in AWS.
    let upload_files: Arc<dyn portal::ports::FileStore> = match &services.local_files {
        Some(files) => Arc::new(crate::files_server::CompletionEvents {
            store: services.files.clone(),
            listener: Arc::new(InProcessEvents(upload_events::EventsState::new(
                services.app_state(),
                files.clone(),
                services.mailer.clone(),
            ))),
        }),
        None => services.files.clone(),
    };
    let functions = Router::new()
        .merge(customers::routes().with_state(CustomersState::new(
            state,
            services.mailer.clone(),
            services.sms.clone(),
        )))
        .merge(invite::routes(invite_state))
        .merge(auth::routes(auth_state))
        .merge(forms::routes().with_state(forms_state))
        .merge(wishes::routes().with_state(wishes_state))
        .merge(feedback::routes().with_state(feedback::FeedbackState::new(
            services.app_state(),
            services.mailer.clone(),
        )))
        .merge(uploads::routes().with_state(uploads::UploadsState::new(
            services.app_state(),
            upload_files,
        )));
    if let Some(files) = &services.local_files {
        let events = upload_events::EventsState::new(
            services.app_state(),
            files.clone(),
            services.mailer.clone(),
        );
        let listener: Arc<dyn UploadListener> = Arc::new(InProcessEvents(events));
        local = local.merge(crate::files_server::router_with(
            files.clone(),
            Some(listener),
        ));
    }
    finish_router(functions.merge(local))
        .layer(middleware::from_fn(client_address))
        .layer(middleware::from_fn(log_request))
}

/// The forms function's ports, as Lambda gives them (`TURNSTILE_VERIFY_URL` as there).
fn forms_state(services: &Services) -> forms::FormsState {
    forms::FormsState::new(
        services.app_state(),
        services.mailer.clone(),
        Arc::new(forms::turnstile::Turnstile::new(
            std::env::var("TURNSTILE_VERIFY_URL")
                .ok()
                .filter(|u| !u.trim().is_empty())
                .unwrap_or_else(|| forms::turnstile::SITEVERIFY_URL.to_owned()),
        )),
    )
}

/// Retries the form entries' due notifications every 30 seconds, as the EventBridge
/// schedule does in AWS every minute.
pub fn spawn_form_notification_sweep(services: &Services) -> tokio::task::JoinHandle<()> {
    let forms = forms_state(services);
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(30));
        loop {
            every.tick().await;
            let now = forms.clock.now();
            match forms::notifications::sweep(&forms, now).await {
                Ok(swept) if swept != Default::default() => {
                    tracing::info!(?swept, "form notifications swept");
                }
                Ok(_) => {}
                Err(e) => tracing::error!(error = ?e, "the form notifications could not be swept"),
            }
        }
    })
}

/// Sends the batched file notices once the first of a group has waited `delay` (five
/// minutes in AWS; `--notice-delay-secs` here), looking every 30 seconds (more often for a
/// shorter delay), as the EventBridge schedule does in AWS every minute.
pub fn spawn_notice_sweep(
    services: &Services,
    delay: std::time::Duration,
) -> tokio::task::JoinHandle<()> {
    let events = upload_events::EventsState::new(
        services.app_state(),
        services.files.clone(),
        services.mailer.clone(),
    );
    let window = chrono::Duration::from_std(delay).unwrap_or(upload_events::notices::WINDOW);
    let every = (delay / 2).clamp(
        std::time::Duration::from_millis(500),
        std::time::Duration::from_secs(30),
    );
    tokio::spawn(async move {
        let mut every = tokio::time::interval(every);
        loop {
            every.tick().await;
            let now = events.clock.now();
            if let Err(e) = upload_events::notices::sweep_after(&events, now, window).await {
                tracing::error!(error = ?e, "the file notices could not be swept");
            }
        }
    })
}

/// How long feedback notices wait for more locally: `PORTAL_FEEDBACK_DIGEST_SECONDS` (1 to
/// 300, for browser tests that can't wait five minutes), else the Lambda's five minutes.
fn feedback_digest_wait() -> chrono::Duration {
    std::env::var("PORTAL_FEEDBACK_DIGEST_SECONDS")
        .ok()
        .and_then(|raw| raw.trim().parse::<i64>().ok())
        .filter(|s| (1..=300).contains(s))
        .map_or(feedback::notices::WINDOW, chrono::Duration::seconds)
}

/// Sends the batched feedback notices every 30 seconds (or as often as a shorter digest wait
/// needs), as the feedback-sweep Lambda's EventBridge schedule does in AWS every minute.
pub fn spawn_feedback_sweep(services: &Services) -> tokio::task::JoinHandle<()> {
    let state = feedback::FeedbackState::new(services.app_state(), services.mailer.clone());
    let wait = feedback_digest_wait();
    let tick = wait.num_seconds().clamp(1, 30).unsigned_abs();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(tick));
        loop {
            every.tick().await;
            let now = state.clock.now();
            if let Err(e) = feedback::notices::sweep_after(&state, now, wait).await {
                tracing::error!(error = ?e, "the feedback notices could not be swept");
            }
        }
    })
}

/// The upload-events handler, run in-process after each upload to the local endpoint with
/// the code S3's events run in Lambda.
struct InProcessEvents(upload_events::EventsState);

#[async_trait::async_trait]
impl UploadListener for InProcessEvents {
    async fn uploaded(&self, key: &portal::domain::ObjectKey, etag: String) {
        let at = self.0.clock.now();
        match upload_events::handle_key(&self.0, key.clone(), Some(etag), at).await {
            Ok(outcome) => tracing::info!(?outcome, "local upload handled"),
            // As in Lambda, a failure is logged; the file stays pending.
            Err(e) => tracing::error!(error = ?e, "a local upload could not be handled"),
        }
    }
}

/// The CORS rules template.yaml gives API Gateway (`CorsConfiguration`), for a browser front
/// end served from one of `origins`: credentials allowed (the session is a cookie), so every
/// origin is named, never `*`.
pub fn cors(origins: &[String]) -> anyhow::Result<CorsLayer> {
    let origins = origins
        .iter()
        .map(|o| {
            HeaderValue::from_str(o.trim_end_matches('/'))
                .with_context(|| format!("{o} is not an origin such as http://localhost:5173"))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    Ok(CorsLayer::new()
        .allow_origin(origins)
        .allow_credentials(true)
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::IF_MATCH,
            HeaderName::from_static("idempotency-key"),
            HeaderName::from_static("x-csrf-token"),
        ])
        .expose_headers([header::ETAG, header::LOCATION, header::RETRY_AFTER])
        .allow_methods([
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
            Method::OPTIONS,
        ])
        .max_age(std::time::Duration::from_secs(600)))
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
    use axum::{body::Body, http::StatusCode};
    use tower::ServiceExt;

    use super::*;

    #[tokio::test]
    async fn a_front_end_on_an_allowed_origin_may_send_the_session_cookie() {
        let app =
            app(&Services::in_memory()).layer(cors(&["http://localhost:5173/".into()]).unwrap());
        let preflight = |origin: &'static str| {
            Request::builder()
                .method(Method::OPTIONS)
                .uri("/customers")
                .header(header::ORIGIN, origin)
                .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
                .header(
                    header::ACCESS_CONTROL_REQUEST_HEADERS,
                    "content-type,x-csrf-token",
                )
                .body(Body::empty())
                .unwrap()
        };
        let allowed = app
            .clone()
            .oneshot(preflight("http://localhost:5173"))
            .await
            .unwrap();
        assert_eq!(allowed.status(), StatusCode::OK);
        let headers = allowed.headers();
        assert_eq!(
            headers[header::ACCESS_CONTROL_ALLOW_ORIGIN],
            "http://localhost:5173"
        );
        assert_eq!(headers[header::ACCESS_CONTROL_ALLOW_CREDENTIALS], "true");
        assert!(
            headers[header::ACCESS_CONTROL_ALLOW_HEADERS]
                .to_str()
                .unwrap()
                .contains("x-csrf-token")
        );
        let other = app
            .oneshot(preflight("https://evil.example"))
            .await
            .unwrap();
        assert!(
            other
                .headers()
                .get(header::ACCESS_CONTROL_ALLOW_ORIGIN)
                .is_none()
        );
        assert!(cors(&["not an origin\n".into()]).is_err());
    }

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
