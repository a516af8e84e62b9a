//! The portal's home (`/`), the customer's start page (`/start`) and its JSON (`/me/start`):
//! which areas exist for the project's status, what to do first and what waits.

use axum::{
    Json,
    extract::State,
    http::{StatusCode, header},
    response::{Html, IntoResponse, Response},
};
use portal::{
    domain::{Customer, Subject, Tenant},
    http::{ApiError, UserSession},
    pages::{self, Nav, Page, StartPage},
    start::{StartView, start_view},
};

use crate::WishesState;

const GONE: &str = "Your portal access has been removed.";

pub(crate) fn see_other(to: &'static str) -> Response {
    (
        StatusCode::SEE_OTHER,
        [(header::LOCATION, to), (header::CACHE_CONTROL, "no-store")],
    )
        .into_response()
}

/// `GET /`: a visitor logs in; a customer goes to the start page, a staff user to their
/// account page.
pub async fn home(who: Result<UserSession, ApiError>) -> Result<Response, ApiError> {
    Ok(match who {
        Err(ApiError::Unauthorized(_)) => see_other("/login?next=/start"),
        Err(other) => return Err(other),
        Ok(who) => match who.session.subject {
            Subject::Customer(_) => see_other("/start"),
            Subject::Staff(_) => see_other("/me"),
        },
    })
}

/// `GET /start`: the start page; without a session, the login page and back here.
pub async fn page(
    State(state): State<WishesState>,
    who: Result<UserSession, ApiError>,
) -> Result<Response, ApiError> {
    let who = match who {
        Err(ApiError::Unauthorized(_)) => return Ok(see_other("/login?next=/start")),
        other => other?,
    };
    let Some((customer, tenant)) = load(&state, &who).await? else {
        return Ok(see_other("/me"));
    };
    let start = start_view(&customer, &state.waiting).await?;
    let html = pages::start(&StartPage {
        page: Page {
            language: customer.language,
            agency: tenant.name.clone(),
        },
        nav: Nav::for_customer(&customer, &tenant, "start", &who.session.csrf),
        start: &start,
    });
    Ok(([(header::CACHE_CONTROL, "no-store")], Html(html)).into_response())
}

/// `GET /me/start`: what the start page shows, as JSON.
pub async fn read(
    State(state): State<WishesState>,
    who: UserSession,
) -> Result<Json<StartView>, ApiError> {
    let (customer, _) = load(&state, &who)
        .await?
        .ok_or(ApiError::NotFound("start page"))?;
    Ok(Json(start_view(&customer, &state.waiting).await?))
}

/// The session's customer and agency; `None` for a staff user's session (no start page).
pub(crate) async fn load(
    state: &WishesState,
    who: &UserSession,
) -> Result<Option<(Customer, Tenant)>, ApiError> {
    let Subject::Customer(id) = who.session.subject else {
        return Ok(None);
    };
    let tenant_id = who.session.tenant_id;
    let customer = state
        .customers
        .get_customer(tenant_id, id)
        .await?
        .ok_or(ApiError::Unauthorized(GONE))?;
    let tenant = state
        .tenants
        .get_tenant(tenant_id)
        .await?
        .ok_or(ApiError::Unauthorized(GONE))?;
    Ok(Some((customer, tenant)))
}
