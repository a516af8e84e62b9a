//! Accounts: set a password from an invitation or reset link, log in and out, keep "My data"
//! up to date and change the password; for customers and for the agency's staff users alike.
//! Pages are server-rendered in the user's language; every route also speaks JSON for API
//! clients.

mod forgot;
mod holder;
mod links;
mod lockout;
mod login;
mod me;
mod state;

use axum::{
    Router,
    http::{HeaderMap, header},
    routing::{get, post},
};
use portal::{
    domain::Language,
    http::{ApiError, finish_router},
};

pub use portal::http::session::{COOKIE, CSRF_HEADER};
pub use state::{AuthState, Config};

/// Every route this function serves, as template.yaml and openapi.json name them.
pub const ROUTES: &[(&str, &str)] = &[
    ("GET", "/invite/{token}"),
    ("POST", "/invite/{token}"),
    ("POST", "/invitations/accept"),
    ("GET", "/login"),
    ("POST", "/login"),
    ("POST", "/logout"),
    ("GET", "/password/forgot"),
    ("POST", "/password/forgot"),
    ("GET", "/password/reset/{token}"),
    ("POST", "/password/reset/{token}"),
    ("POST", "/password/reset"),
    ("GET", "/me"),
    ("PATCH", "/me"),
    ("POST", "/me"),
    ("POST", "/me/password"),
];

pub fn router(state: AuthState) -> Router {
    finish_router(routes(state))
}

pub fn routes(state: AuthState) -> Router {
    Router::new()
        .route(
            "/invite/{token}",
            get(links::invitation_page).post(links::invitation_form),
        )
        .route("/invitations/accept", post(links::accept_json))
        .route("/login", get(login::page).post(login::submit))
        .route("/logout", post(login::logout))
        .route("/password/forgot", get(forgot::page).post(forgot::submit))
        .route(
            "/password/reset/{token}",
            get(links::reset_page).post(links::reset_form),
        )
        .route("/password/reset", post(links::reset_json))
        .route("/me", get(me::read).patch(me::patch).post(me::form))
        .route("/me/password", post(me::change_password))
        .with_state(state)
}

/// The header of a page that no link or session ties to a customer (login, forgot): the
/// agency whose portal address the browser asked for (its name, logo and colour), in the
/// browser's language or else the agency's.
async fn page_for_host(
    state: &AuthState,
    headers: &HeaderMap,
) -> (portal::pages::Page, portal::pages::Brand) {
    page_for(tenant_for_host(state, headers).await, headers)
}

/// The agency whose portal address (`Host`) the browser asked for; `None` when there is
/// none or it can't be read now (the page then shows no agency).
async fn tenant_for_host(state: &AuthState, headers: &HeaderMap) -> Option<portal::domain::Tenant> {
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok())?;
    state
        .tenants
        .find_tenant_by_host(host)
        .await
        .unwrap_or_else(|e| {
            tracing::warn!(error = %e, "could not look up the portal address");
            None
        })
}

/// The header of [`page_for_host`] for the agency `tenant`, looked up already.
fn page_for(
    tenant: Option<portal::domain::Tenant>,
    headers: &HeaderMap,
) -> (portal::pages::Page, portal::pages::Brand) {
    let language = portal::http::asked_language(headers)
        .or(tenant.as_ref().map(|t| t.default_language))
        .unwrap_or(Language::En);
    let brand = tenant
        .as_ref()
        .map(|t| portal::pages::Brand::of(&t.branding))
        .unwrap_or_default();
    let page = portal::pages::Page {
        language,
        agency: tenant.map(|t| t.name).unwrap_or_default(),
    };
    (page, brand)
}

/// Refuses form posts from other sites (login CSRF): browsers say where a request comes from.
fn same_site(headers: &HeaderMap) -> Result<(), ApiError> {
    let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    let origin_host = headers
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .filter(|o| *o != "null")
        .map(|o| o.split("://").nth(1).unwrap_or(o).to_owned());
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    let cross = fetch_site == Some("cross-site")
        || matches!((origin_host, host), (Some(o), Some(h)) if o != h);
    if cross {
        return Err(ApiError::CrossSiteRequest);
    }
    Ok(())
}

/// Where to go after logging in: a path on this portal, else the user's own page.
fn safe_next(next: Option<&str>) -> portal::domain::LocalPath {
    portal::domain::LocalPath::parse_or(next, "/me")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed_after_login() {
        assert_eq!(safe_next(Some("/files")).as_str(), "/files");
        for evil in [
            "https://evil.example",
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "files",
        ] {
            assert_eq!(safe_next(Some(evil)).as_str(), "/me", "{evil}");
        }
        assert_eq!(safe_next(None).as_str(), "/me");
    }

    #[test]
    fn the_browser_language_is_the_first_supported_one() {
        let mut h = HeaderMap::new();
        h.insert(
            header::ACCEPT_LANGUAGE,
            "it-IT,it;q=0.9,de-AT;q=0.8,en;q=0.5".parse().unwrap(),
        );
        assert_eq!(portal::http::client_language(&h), Language::De);
        assert_eq!(
            portal::http::client_language(&HeaderMap::new()),
            Language::En
        );
    }

    #[test]
    fn cross_site_form_posts_are_refused() {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, "kunden.berg.example".parse().unwrap());
        assert!(same_site(&h).is_ok(), "no browser hints: an API client");
        h.insert(
            header::ORIGIN,
            "https://kunden.berg.example".parse().unwrap(),
        );
        assert!(same_site(&h).is_ok());
        h.insert(header::ORIGIN, "https://evil.example".parse().unwrap());
        assert!(same_site(&h).is_err());
        let mut h = HeaderMap::new();
        h.insert("sec-fetch-site", "cross-site".parse().unwrap());
        assert!(same_site(&h).is_err());
    }
}
