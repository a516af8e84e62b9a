//! What every function's HTTP layer shares: problem+json errors, extractors, sessions and
//! staff auth.

pub mod auth;
pub mod caller;
pub mod error;
pub mod extract;
pub mod idempotency;
pub mod precondition;
pub mod problem;
pub mod retry;
pub mod session;

pub use auth::StaffAuth;
pub use caller::Caller;
pub use error::ApiError;
pub use extract::{
    FormBody, JsonBody, MAX_JSON_BODY, PathParam, QueryParam, RawBody, Submitted, asked_language,
    client_language, customer_id_param, page_limit,
};
pub use precondition::if_match;
pub use problem::Problem;
pub use retry::{retry_lost_races, retry_lost_races_as};
pub use session::UserSession;

use axum::{
    Router,
    extract::{DefaultBodyLimit, Request},
    http::{HeaderValue, header},
    middleware::{self, Next},
    response::Response,
};

/// The caller's network address, as API Gateway or the local runner saw it (put into the
/// request's extensions by each entry point).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientAddress(pub String);

/// The Content-Security-Policy of every page. The pages carry it in a `<meta>` too, but
/// browsers ignore `frame-ancestors` there: only the header stops another site framing a
/// login or password form (clickjacking).
pub const PAGE_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src https:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// The layers and fallbacks every function's router gets, so unknown routes, wrong methods
/// and oversized bodies answer in problem+json like everything else, and no page can be
/// framed.
pub fn finish_router<S: Clone + Send + Sync + 'static>(router: Router<S>) -> Router<S> {
    router
        .fallback(|| async { ApiError::RouteNotFound })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
        // A route may raise it (the local upload route does); every extractor in `extract`
        // turns the limit's rejection into the 413 problem.
        .layer(DefaultBodyLimit::max(MAX_JSON_BODY))
        .layer(middleware::from_fn(page_headers))
}

/// Every HTML answer refuses to be framed (`frame-ancestors 'none'`, and `X-Frame-Options`
/// for browsers without CSP level 2).
async fn page_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("text/html"));
    if is_html {
        let headers = response.headers_mut();
        // A page with a script sets its own policy (built from this one).
        headers
            .entry(header::CONTENT_SECURITY_POLICY)
            .or_insert(HeaderValue::from_static(PAGE_CSP));
        headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    }
    response
}
