//! Sessions of customers and staff users: a `portal_session` cookie for browsers (HttpOnly,
//! Secure, SameSite=Lax) or the same token as a bearer for API clients; idle and absolute
//! expiry; CSRF protection for state-changing requests the cookie authenticates.

use std::future::Future;

use crate::{
    domain::{
        Account, LinkToken, SessionRecord, Subject, Tenant, TenantId, account::SESSION_MAX,
        secret::random_token,
    },
    http::ApiError,
    state::SessionPorts,
};
use axum::{
    extract::{FromRef, FromRequestParts},
    http::{HeaderMap, HeaderValue, Method, header, request::Parts},
};
use chrono::{DateTime, Utc};

pub const COOKIE: &str = "portal_session";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// A new session for `account`, and its token (shown once: in the cookie and the answer).
pub fn start(account: &Account, now: DateTime<Utc>) -> anyhow::Result<(LinkToken, SessionRecord)> {
    let token = LinkToken::generate()?;
    let record = SessionRecord {
        hash: token.hash(),
        tenant_id: account.tenant_id,
        subject: account.subject,
        epoch: account.session_epoch,
        csrf: random_token()?,
        created_at: now,
        last_seen_at: now,
        expires_at: now + SESSION_MAX,
    };
    Ok((token, record))
}

/// `Set-Cookie` for a session; `Secure` whenever the portal is served over https.
pub fn cookie(tenant: &Tenant, token: &LinkToken, session: &SessionRecord) -> HeaderValue {
    let max_age = (session.expires_at - session.created_at).num_seconds();
    let secure = if tenant.portal_base_url.as_str().starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "{COOKIE}={}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}",
        token.expose()
    ))
    .expect("a token is a valid header value")
}

pub fn clear_cookie() -> HeaderValue {
    HeaderValue::from_static("portal_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0")
}

/// The session token a request presents: the bearer token, else the cookie; and whether it
/// came as the cookie.
pub fn presented(headers: &HeaderMap) -> Option<(String, bool)> {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim().to_owned());
    if let Some(token) = bearer {
        return Some((token, false));
    }
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| (value.to_owned(), true))
}

/// A request made by a logged-in customer or staff user.
#[derive(Debug, Clone)]
pub struct UserSession {
    pub session: SessionRecord,
    pub account: Account,
    /// Authenticated by the cookie (so a state change needs the CSRF token).
    pub by_cookie: bool,
    csrf_checked: bool,
}

impl UserSession {
    /// A session the handler just started (after a password change).
    pub fn new(session: SessionRecord, account: Account, by_cookie: bool) -> Self {
        Self {
            session,
            account,
            by_cookie,
            csrf_checked: true,
        }
    }

    /// For form posts, which carry the CSRF token in the body rather than a header.
    pub fn check_form_csrf(&self, presented: Option<&str>) -> Result<(), ApiError> {
        if !self.by_cookie
            || self.csrf_checked
            || presented.is_some_and(|p| same_token(p, &self.session.csrf))
        {
            Ok(())
        } else {
            Err(ApiError::CsrfTokenInvalid)
        }
    }
}

/// Compares secrets in time that does not depend on where they differ.
fn same_token(presented: &str, expected: &str) -> bool {
    use subtle::ConstantTimeEq;
    presented.as_bytes().ct_eq(expected.as_bytes()).into()
}

pub(crate) fn not_logged_in() -> ApiError {
    ApiError::Unauthorized("Log in first: your session is missing, has ended or has expired.")
}

impl<S> FromRequestParts<S> for UserSession
where
    SessionPorts: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let state = SessionPorts::from_ref(state);
        let (raw, by_cookie) = presented(&parts.headers).ok_or_else(not_logged_in)?;
        UserSession::check(&state, parts, &raw, by_cookie, true, |_| Ok(())).await
    }
}

/// A session token as a request presents it, not checked yet: for a handler that reads what
/// it needs of the session's holder alongside the session's own account
/// ([`PresentedSession::check_with`]) instead of after it, saving a round trip.
pub struct PresentedSession {
    parts: Parts,
    raw: String,
    by_cookie: bool,
}

impl<S> FromRequestParts<S> for PresentedSession
where
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let (raw, by_cookie) = presented(&parts.headers).ok_or_else(not_logged_in)?;
        // Only the method and headers are kept (for the CSRF check); no body, no extensions.
        let mut kept = axum::http::Request::new(());
        *kept.method_mut() = parts.method.clone();
        *kept.headers_mut() = parts.headers.clone();
        let (kept, ()) = kept.into_parts();
        Ok(Self {
            parts: kept,
            raw,
            by_cookie,
        })
    }
}

impl PresentedSession {
    /// The [`UserSession`] (checked as the extractor checks it) and what `read` found for the
    /// session's agency and subject, read together with the session's account. `read` runs
    /// only for a session that exists and has not expired; its result is used only when the
    /// session is live, and a dead session's answer wins over `read`'s error.
    pub async fn check_with<T, F, Fut>(
        self,
        state: &SessionPorts,
        read: F,
    ) -> Result<(UserSession, T), ApiError>
    where
        F: FnOnce(TenantId, Subject) -> Fut,
        Fut: Future<Output = Result<T, ApiError>>,
    {
        let (who, found) = UserSession::check_along(
            state,
            &self.parts,
            &self.raw,
            self.by_cookie,
            true,
            |_| Ok(()),
            |session: &SessionRecord| read(session.tenant_id, session.subject),
        )
        .await?;
        Ok((who, found?))
    }
}

impl UserSession {
    /// The live session behind the presented token `raw`. With `forms_check_csrf`, a form
    /// post by cookie may carry the CSRF token in its body (the handler checks it);
    /// otherwise every state-changing request by cookie must send it in the header.
    /// `allowed` refuses a session whose subject may not make this request, before the CSRF
    /// token is looked at.
    pub(crate) async fn check(
        state: &SessionPorts,
        parts: &Parts,
        raw: &str,
        by_cookie: bool,
        forms_check_csrf: bool,
        allowed: fn(&SessionRecord) -> Result<(), ApiError>,
    ) -> Result<Self, ApiError> {
        let (who, _) = Self::check_along(
            state,
            parts,
            raw,
            by_cookie,
            forms_check_csrf,
            allowed,
            |_| async { Ok(()) },
        )
        .await?;
        Ok(who)
    }

    /// [`UserSession::check`], running `along` (keyed by the session) at the same time as the
    /// account's read; its result comes back beside the session, for the caller to judge.
    async fn check_along<T, F, Fut>(
        state: &SessionPorts,
        parts: &Parts,
        raw: &str,
        by_cookie: bool,
        forms_check_csrf: bool,
        allowed: fn(&SessionRecord) -> Result<(), ApiError>,
        along: F,
    ) -> Result<(Self, Result<T, ApiError>), ApiError>
    where
        F: FnOnce(&SessionRecord) -> Fut,
        Fut: Future<Output = Result<T, ApiError>>,
    {
        let hash = LinkToken::from_presented(raw).hash();
        let session = state
            .sessions
            .get_session(&hash)
            .await?
            .ok_or_else(not_logged_in)?;
        let now = state.clock.now();
        // An expired session reads nothing more; the account's epoch decides the rest.
        if !session.is_live(now, session.epoch) {
            return Err(not_logged_in());
        }
        let (account, along) = tokio::join!(
            state
                .accounts
                .get_account(session.tenant_id, session.subject),
            along(&session),
        );
        let account = account?.ok_or_else(not_logged_in)?;
        if !session.is_live(now, account.session_epoch) {
            return Err(not_logged_in());
        }
        if session.needs_touch(now) {
            state.sessions.touch_session(&session.hash, now).await?;
        }
        allowed(&session)?;
        let unsafe_method = !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        let header = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
        let csrf_checked = match header {
            Some(token) if same_token(token, &session.csrf) => true,
            Some(_) if by_cookie && unsafe_method => return Err(ApiError::CsrfTokenInvalid),
            _ => false,
        };
        let is_form = forms_check_csrf
            && parts
                .headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        // Forms carry the token in the body (checked by the handler); anything else by cookie
        // must have sent the header.
        if by_cookie && unsafe_method && !csrf_checked && !is_form {
            return Err(ApiError::CsrfTokenInvalid);
        }
        Ok((
            UserSession {
                session,
                account,
                by_cookie,
                csrf_checked,
            },
            along,
        ))
    }
}
