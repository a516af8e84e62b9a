//! Feedback pinned to the customer's draft website: the overlay script on the draft site
//! talks to `/feedback/overlay/*` with a short-lived feedback token (CORS for the customer's
//! registered origins only); staff and the customer work through the items, replies and
//! states in the portal (`/feedback/*`, `/feedback` the page); a sweep emails the other side
//! what changed, several changes in one email.
//!
//! Its own function, apart from wishes: the overlay routes answer CORS for customers'
//! draft-site origins and take a feedback token, a surface of their own whose load comes from
//! the draft site; keeping it apart keeps those concerns and the IAM rights apart.

use axum::{
    Router,
    routing::{get, post, put},
};
use portal::http::finish_router;

mod attachments;
mod caller;
pub mod items;
pub mod notices;
mod open;
pub mod overlay;
mod pages;
mod site;
mod state;

pub use open::{FRAGMENT_ITEM_KEY, FRAGMENT_KEY};
pub use state::{Config, FeedbackState};

/// Every route this function serves, as template.yaml and openapi.json name them.
pub const ROUTES: &[(&str, &str)] = &[
    ("GET", "/feedback/site"),
    ("PUT", "/feedback/site"),
    ("GET", "/feedback/items"),
    ("GET", "/feedback/items/{itemId}"),
    ("POST", "/feedback/items/{itemId}/replies"),
    ("PUT", "/feedback/items/{itemId}/state"),
    ("POST", "/feedback/open"),
    ("DELETE", "/feedback/tokens"),
    ("GET", "/feedback/overlay/session"),
    ("OPTIONS", "/feedback/overlay/session"),
    ("GET", "/feedback/overlay/items"),
    ("POST", "/feedback/overlay/items"),
    ("OPTIONS", "/feedback/overlay/items"),
    ("GET", "/feedback/overlay/files"),
    ("OPTIONS", "/feedback/overlay/files"),
    // The overlay script and the feedback page (pages.rs).
    ("GET", "/feedback.js"),
    ("GET", "/feedback"),
    ("POST", "/feedback/page/{itemId}/reply"),
    ("POST", "/feedback/page/{itemId}/state"),
];

/// The function's router, as Lambda runs it.
pub fn router(state: FeedbackState) -> Router {
    finish_router(routes()).with_state(state)
}

/// The routes alone, for the local runner to merge with the other functions'.
pub fn routes() -> Router<FeedbackState> {
    Router::new()
        .route("/feedback/site", get(site::read).put(site::save))
        .route("/feedback/items", get(items::list))
        .route("/feedback/items/{itemId}", get(items::read))
        .route("/feedback/items/{itemId}/replies", post(items::reply))
        .route("/feedback/items/{itemId}/state", put(items::change_state))
        .route("/feedback/open", post(open::open))
        .route("/feedback/tokens", axum::routing::delete(open::revoke))
        .route(
            "/feedback/overlay/session",
            get(overlay::session).options(overlay::preflight),
        )
        .route(
            "/feedback/overlay/items",
            get(overlay::pins)
                .post(overlay::create)
                .options(overlay::preflight),
        )
        .route(
            "/feedback/overlay/files",
            get(overlay::files).options(overlay::preflight),
        )
        .merge(pages::routes())
}
