//! Invitations: staff invite a customer into the portal by email (SES) or SMS (SNS), in the
//! customer's language, with wording the agency may change; or copy a link to send
//! themselves. Every link is single-use and expires; a new invitation voids the older ones.
//! Staff also invite their colleagues here, as staff users with their own password.

mod links;
mod sending;
mod settings;
mod staff;
mod state;
mod templates;

use axum::{
    Router,
    routing::{get, post, put},
};
use portal::http::finish_router;

pub use state::{Config, InviteState};

/// Every route this function serves, as template.yaml and openapi.json name them.
pub const ROUTES: &[(&str, &str)] = &[
    ("POST", "/customers/{customerId}/invitations"),
    ("GET", "/customers/{customerId}/invitations"),
    ("GET", "/customers/{customerId}/invitations/{invitationId}"),
    (
        "POST",
        "/customers/{customerId}/invitations/{invitationId}/revoke",
    ),
    ("POST", "/customers/{customerId}/invitation-link"),
    ("GET", "/invitation-templates"),
    ("PUT", "/invitation-templates/{language}/{channel}"),
    ("DELETE", "/invitation-templates/{language}/{channel}"),
    ("POST", "/invitation-templates/preview"),
    ("GET", "/invitation-settings"),
    ("PUT", "/invitation-settings"),
    ("GET", "/invitation-links/{token}"),
    ("GET", "/staff"),
    ("POST", "/staff"),
    ("GET", "/staff/{staffId}"),
    ("DELETE", "/staff/{staffId}"),
    ("POST", "/staff/{staffId}/invitation"),
];

/// The function's router, as Lambda runs it.
pub fn router(state: InviteState) -> Router {
    finish_router(routes(state))
}

/// The routes alone, for the local runner to merge with the other functions'.
pub fn routes(state: InviteState) -> Router {
    Router::new()
        .route(
            "/customers/{customerId}/invitations",
            post(sending::send).get(sending::list),
        )
        .route(
            "/customers/{customerId}/invitations/{invitationId}",
            get(sending::read),
        )
        .route(
            "/customers/{customerId}/invitations/{invitationId}/revoke",
            post(sending::revoke),
        )
        .route(
            "/customers/{customerId}/invitation-link",
            post(sending::copy_link),
        )
        .route("/invitation-templates", get(templates::list))
        .route("/invitation-templates/preview", post(templates::preview))
        .route(
            "/invitation-templates/{language}/{channel}",
            put(templates::save).delete(templates::remove),
        )
        .route(
            "/invitation-settings",
            get(settings::read).put(settings::save),
        )
        .route("/invitation-links/{token}", get(links::status))
        .route("/staff", get(staff::list).post(staff::invite))
        .route("/staff/{staffId}", get(staff::read).delete(staff::remove))
        .route("/staff/{staffId}/invitation", post(staff::reinvite))
        .with_state(state)
}
