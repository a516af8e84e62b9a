//! The customer's project: staff move its status (recorded as a history, the customer
//! emailed when there is something to look at); the portal's home and the customer's start
//! page follow the status. The brief (wishes) as JSON and as the wishes page.

use axum::{
    Router,
    routing::{get, patch, post},
};
use portal::http::finish_router;

mod branding;
mod brief;
mod comments;
mod language;
mod page;
mod start;
mod state;
mod status;

pub use state::{Config, WishesState};
pub use status::{Notification, StatusError};

/// Every route this function serves, as template.yaml and openapi.json name them.
pub const ROUTES: &[(&str, &str)] = &[
    ("GET", "/customers/{customerId}/status"),
    ("PUT", "/customers/{customerId}/status"),
    ("GET", "/"),
    ("GET", "/start"),
    ("GET", "/me/start"),
    ("POST", "/me/language"),
    ("GET", "/branding"),
    ("PUT", "/branding"),
    ("GET", "/me/wishes"),
    ("PUT", "/me/wishes"),
    ("POST", "/me/wishes/submit"),
    ("GET", "/me/wishes/submissions"),
    ("GET", "/customers/{customerId}/wishes"),
    ("GET", "/customers/{customerId}/wishes/export"),
    ("GET", "/customers/{customerId}/wishes/comments"),
    ("POST", "/customers/{customerId}/wishes/comments"),
    (
        "PATCH",
        "/customers/{customerId}/wishes/comments/{commentId}",
    ),
    ("GET", "/me/wishes/comments"),
    ("GET", "/wishes"),
    ("POST", "/wishes"),
];

/// The function's router, as Lambda runs it.
pub fn router(state: WishesState) -> Router {
    finish_router(routes()).with_state(state)
}

/// The routes alone, for the local runner to merge with the other functions'.
pub fn routes() -> Router<WishesState> {
    Router::new()
        .route(
            "/customers/{customerId}/status",
            get(status::history).put(status::change),
        )
        .route("/", get(start::home))
        .route("/start", get(start::page))
        .route("/me/start", get(start::read))
        .route("/me/language", post(language::switch))
        .route("/branding", get(branding::read).put(branding::save))
        .route("/me/wishes", get(brief::read).put(brief::save))
        .route("/me/wishes/submit", post(brief::submit))
        .route("/me/wishes/submissions", get(brief::submissions))
        .route("/customers/{customerId}/wishes", get(brief::staff_read))
        .route("/customers/{customerId}/wishes/export", get(brief::export))
        .route(
            "/customers/{customerId}/wishes/comments",
            get(comments::staff_list).post(comments::add),
        )
        .route(
            "/customers/{customerId}/wishes/comments/{commentId}",
            patch(comments::change),
        )
        .route("/me/wishes/comments", get(comments::mine))
        .route("/wishes", get(page::page).post(page::form))
}
