//! The customer's project: staff move its status (recorded as a history, the customer
//! emailed when there is something to look at). The start page and the brief (wishes) follow.

use axum::{Router, routing::get};
use portal::http::finish_router;

mod state;
mod status;

pub use state::{Config, WishesState};
pub use status::{Notification, StatusError};

/// Every route this function serves, as template.yaml and openapi.json name them.
pub const ROUTES: &[(&str, &str)] = &[
    ("GET", "/customers/{customerId}/status"),
    ("PUT", "/customers/{customerId}/status"),
];

/// The function's router, as Lambda runs it.
pub fn router(state: WishesState) -> Router {
    finish_router(routes()).with_state(state)
}

/// The routes alone, for the local runner to merge with the other functions'.
pub fn routes() -> Router<WishesState> {
    Router::new().route(
        "/customers/{customerId}/status",
        get(status::history).put(status::change),
    )
}
