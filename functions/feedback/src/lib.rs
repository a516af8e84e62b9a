//! Feedback pinned to the customer's draft website: the overlay script on the draft site
//! talks to `/feedback/overlay/*` with a short-lived feedback token (CORS for the customer's
//! registered origins only); staff and the customer work through the items, replies and
//! states in the portal (`/feedback/*`, `/feedback` the page).
//!
//! Its own function, apart from wishes: the overlay routes answer CORS for customers'
//! draft-site origins and take a feedback token, a surface of their own whose load comes from
//! the draft site; keeping it apart keeps those concerns and the IAM rights apart.

use axum::Router;
use portal::http::finish_router;

mod pages;
mod state;

pub use state::{Config, FeedbackState};

/// Every route this function serves, as template.yaml and openapi.json name them.
pub const ROUTES: &[(&str, &str)] = &[
    // The overlay script and the feedback page (pages.rs).
    ("GET", "/feedback.js"),
];

/// The function's router, as Lambda runs it.
pub fn router(state: FeedbackState) -> Router {
    finish_router(routes()).with_state(state)
}

/// The routes alone, for the local runner to merge with the other functions'.
pub fn routes() -> Router<FeedbackState> {
    Router::new().merge(pages::routes())
}
