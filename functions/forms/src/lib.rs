//! Forms of customers' websites: staff and customers register them (`/forms`), visitors post
//! entries to the public intake (`/f/{formId}`), and entries are read, marked, exported and
//! deleted (`/form-entries`).

use axum::{
    Router,
    routing::{get, post},
};
use portal::http::finish_router;

pub mod entries;
pub mod intake;
pub mod lambda;
mod manage;
pub mod notifications;
mod page;
mod settings;
mod state;
pub mod turnstile;

pub use manage::FormView;
pub use state::{Config, FormsState};

/// Every route this function serves, as template.yaml and openapi.json name them.
pub const ROUTES: &[(&str, &str)] = &[
    ("GET", "/forms"),
    ("POST", "/forms"),
    ("GET", "/forms/{formId}"),
    ("PATCH", "/forms/{formId}"),
    ("DELETE", "/forms/{formId}"),
    ("GET", "/form-entries"),
    ("GET", "/form-entries/csv"),
    ("GET", "/form-entries/{entryId}"),
    ("PATCH", "/form-entries/{entryId}"),
    ("DELETE", "/form-entries/{entryId}"),
    ("POST", "/form-entries/{entryId}/notification"),
    ("GET", "/form-settings"),
    ("PUT", "/form-settings"),
    ("GET", "/entries"),
    ("POST", "/entries/{entryId}/read"),
    ("POST", "/entries/{entryId}/delete"),
    ("POST", "/f/{formId}"),
    ("OPTIONS", "/f/{formId}"),
];

/// The function's router, as Lambda runs it.
pub fn router(state: FormsState) -> Router {
    finish_router(routes()).with_state(state)
}

/// The routes alone, for the local runner to merge with the other functions'.
pub fn routes() -> Router<FormsState> {
    Router::new()
        .route("/forms", get(manage::list).post(manage::create))
        .route(
            "/forms/{formId}",
            get(manage::read)
                .patch(manage::update)
                .delete(manage::remove),
        )
        .route("/form-entries", get(entries::list))
        .route("/form-entries/csv", get(entries::export))
        .route(
            "/form-entries/{entryId}",
            get(entries::read)
                .patch(entries::mark)
                .delete(entries::remove),
        )
        .route(
            "/form-entries/{entryId}/notification",
            post(entries::resend),
        )
        .route("/form-settings", get(settings::read).put(settings::save))
        .route("/entries", get(page::show))
        .route("/entries/{entryId}/read", post(page::mark))
        .route("/entries/{entryId}/delete", post(page::remove))
        .route(
            "/f/{formId}",
            post(intake::intake).options(intake::preflight),
        )
}
