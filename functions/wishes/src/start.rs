//! The portal's home (`/`), the customer's start page (`/start`) and its JSON (`/me/start`):
//! which areas exist for the project's status, what to do first and what waits.

use std::future::Future;

use axum::{
    Json,
    extract::{FromRef, State},
    http::{StatusCode, header},
    response::{Html, IntoResponse, Response},
};
use portal::{
    domain::{Customer, CustomerId, Subject, Tenant, TenantId},
    http::{ApiError, UserSession, session::PresentedSession},
    pages::{self, Nav, Page, StartPage},
    start::{AreaAnswers, Owner, StartView, start_view},
    state::SessionPorts,
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
    presented: Result<PresentedSession, ApiError>,
) -> Result<Response, ApiError> {
    let (who, found) = match checked(&state, presented, |owner| answers(&state, owner)).await {
        Err(ApiError::Unauthorized(_)) => return Ok(see_other("/login?next=/start")),
        other => other?,
    };
    let Some(Found {
        customer,
        tenant,
        page: answers,
    }) = found?
    else {
        return Ok(see_other("/me"));
    };
    let start = start_view(&customer, &answers);
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
    presented: Result<PresentedSession, ApiError>,
) -> Result<Json<StartView>, ApiError> {
    let (_, found) = checked(&state, presented, |owner| answers(&state, owner)).await?;
    let found = found?.ok_or(ApiError::NotFound("start page"))?;
    Ok(Json(start_view(&found.customer, &found.page)))
}

/// What every area of the start page answers for `owner`.
async fn answers(state: &WishesState, owner: Owner) -> Result<AreaAnswers, ApiError> {
    Ok(state.waiting.read(owner).await?)
}

/// The session's customer, their agency and what the page read for them.
pub(crate) struct Found<T> {
    pub customer: Customer,
    pub tenant: Tenant,
    pub page: T,
}

/// The live session behind `presented`, and for a customer's session their record, their
/// agency and what `page` reads for them (`None` for a staff user's: they have no customer
/// pages). Everything is keyed by the session's own agency and customer, never by the
/// request, so it is read beside the session's account (two round trips in all) and is
/// handed back only once the session and its account were found live. The outer error is
/// the session's (the login page for a browser); the inner one the page's, where a customer
/// or agency that is gone wins over a failed read.
pub(crate) async fn checked<T, F, Fut>(
    state: &WishesState,
    presented: Result<PresentedSession, ApiError>,
    page: F,
) -> Result<(UserSession, Result<Option<Found<T>>, ApiError>), ApiError>
where
    F: FnOnce(Owner) -> Fut,
    Fut: Future<Output = Result<T, ApiError>>,
{
    presented?
        .check_with(
            &SessionPorts::from_ref(state),
            |tenant, subject| async move {
                let Subject::Customer(id) = subject else {
                    return Ok(Ok(None));
                };
                Ok(read_for(state, tenant, id, page).await.map(Some))
            },
        )
        .await
}

/// [`checked`]'s reads for the customer `id` of `tenant`, all at once.
async fn read_for<T, F, Fut>(
    state: &WishesState,
    tenant_id: TenantId,
    id: CustomerId,
    page: F,
) -> Result<Found<T>, ApiError>
where
    F: FnOnce(Owner) -> Fut,
    Fut: Future<Output = Result<T, ApiError>>,
{
    let owner = Owner {
        tenant: tenant_id,
        customer: id,
    };
    let (customer, tenant, page) = tokio::join!(
        state.customers.get_customer(tenant_id, id),
        state.tenants.get_tenant(tenant_id),
        page(owner),
    );
    let customer = customer?.ok_or(ApiError::Unauthorized(GONE))?;
    let tenant = tenant?.ok_or(ApiError::Unauthorized(GONE))?;
    Ok(Found {
        customer,
        tenant,
        page: page?,
    })
}

/// The session's customer and agency, read at once; `None` for a staff user's session (no
/// start page).
pub(crate) async fn load(
    state: &WishesState,
    who: &UserSession,
) -> Result<Option<(Customer, Tenant)>, ApiError> {
    let Subject::Customer(id) = who.session.subject else {
        return Ok(None);
    };
    let found = read_for(state, who.session.tenant_id, id, |_| async { Ok(()) }).await?;
    Ok(Some((found.customer, found.tenant)))
}
