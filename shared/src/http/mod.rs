//! What every function's HTTP layer shares: problem+json errors, extractors, sessions and
//! staff auth.

pub mod auth;
pub mod error;
pub mod extract;
pub mod idempotency;
pub mod problem;
pub mod retry;
pub mod session;

pub use auth::StaffAuth;
pub use error::ApiError;
pub use extract::{JsonBody, MAX_JSON_BODY, Submitted};
pub use problem::Problem;
pub use retry::retry_lost_races;
pub use session::UserSession;

use axum::{Router, extract::DefaultBodyLimit};

/// The caller's network address, as API Gateway or the local runner saw it (put into the
/// request's extensions by each entry point).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientAddress(pub String);

/// The layers and fallbacks every function's router gets, so unknown routes, wrong methods
/// and oversized bodies answer in problem+json like everything else.
pub fn finish_router<S: Clone + Send + Sync + 'static>(router: Router<S>) -> Router<S> {
    router
        .fallback(|| async { ApiError::RouteNotFound })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
        .layer(DefaultBodyLimit::max(MAX_JSON_BODY))
}
