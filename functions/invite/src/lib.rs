//! Invitations: staff invite a customer into the portal by email (SES) or SMS (SNS), in the
//! customer's language, with wording the agency may change; or copy a link to send
//! themselves. Every link is single-use and expires; a new invitation voids the older ones.
//! Staff also invite their colleagues here, as staff users with their own password.

mod links;
mod sending;
mod settings;
mod staff;
mod templates;
mod view;

use std::sync::Arc;

use axum::{
    Router,
    extract::FromRef,
    routing::{get, post, put},
};
use portal::{
    AppState,
    http::finish_router,
    ports::{Mailer, SmsSender},
};

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

#[derive(Clone)]
pub struct InviteState {
    pub app: AppState,
    pub mailer: Arc<dyn Mailer>,
    pub sms: Arc<dyn SmsSender>,
}

impl FromRef<InviteState> for AppState {
    fn from_ref(state: &InviteState) -> AppState {
        state.app.clone()
    }
}

impl InviteState {
    /// DynamoDB, SES and SNS clients built once per cold start from one SDK configuration.
    pub async fn from_env() -> anyhow::Result<Self> {
        let config = portal::aws::config::load(None).await;
        Ok(Self {
            app: portal::aws::state_from_config(&config)?,
            mailer: Arc::new(portal::aws::SesMailer::from_conf(&config)),
            sms: Arc::new(portal::aws::SnsSmsSender::from_conf(&config)),
        })
    }
}

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
