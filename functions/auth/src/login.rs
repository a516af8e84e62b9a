//! Login and logout, with limits on failed attempts per account and per address.

use std::future::Future;

use axum::{
    Extension,
    extract::State,
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{Html, IntoResponse, Response},
};
use portal::{
    domain::{
        CustomerId, Email, Language, Subject, TenantId,
        account::{account_key, address_key},
        password::Password,
    },
    http::{
        ApiError, ClientAddress, QueryParam, RawBody, Submitted, UserSession,
        extract::{client_language, parse_form},
        session,
    },
    pages::{self, Brand, LoginForm, Notice, Page},
    password_hash::{self, Verified},
};
use serde::Deserialize;

use crate::{
    AuthState,
    links::session_answer,
    lockout::{self, Decision},
    page_for, page_for_host, safe_next, same_site, tenant_for_host,
};

/// Failed attempts allowed per account, and per source address, in the sliding window
/// (see [`crate::lockout`]).
pub const MAX_FAILURES_PER_ACCOUNT: u32 = 5;
pub const MAX_FAILURES_PER_ADDRESS: u32 = 50;

#[derive(Debug, Default, Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
    email: Option<String>,
    notice: Option<String>,
}

fn login_page(
    (page, brand): (Page, Brand),
    email: &str,
    next: &str,
    error: Option<String>,
    notice: Option<Notice>,
    status: StatusCode,
) -> Response {
    let html = pages::login(&LoginForm {
        page,
        email,
        next,
        csrf: None,
        error,
        notice,
        forgot_url: "/password/forgot".into(),
        brand,
    });
    (status, [(header::CACHE_CONTROL, "no-store")], Html(html)).into_response()
}

pub async fn page(
    State(state): State<AuthState>,
    headers: HeaderMap,
    QueryParam(query): QueryParam<LoginQuery>,
) -> Response {
    let notice = match query.notice.as_deref() {
        Some("password-set") => Some(Notice::PasswordSet),
        Some("password-reset") => Some(Notice::PasswordReset),
        Some("logged-out") => Some(Notice::LoggedOut),
        _ => None,
    };
    let next = safe_next(query.next.as_deref());
    login_page(
        page_for_host(&state, &headers).await,
        query.email.as_deref().unwrap_or_default(),
        next.as_str(),
        None,
        notice,
        StatusCode::OK,
    )
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    email: String,
    password: String,
    #[serde(default)]
    next: Option<String>,
    /// Sent by the login page's form; the login needs none (no session yet).
    #[serde(default)]
    #[allow(dead_code)]
    csrf: Option<String>,
}

enum Failure {
    Invalid,
    Locked { retry_after: i64 },
}

fn failure_message(language: Language, failure: &Failure) -> String {
    match failure {
        Failure::Invalid => portal::i18n::t(language, "login-invalid"),
        Failure::Locked { retry_after } => locked_message(language, "login-locked", *retry_after),
    }
}

/// `key`'s message that says to wait `retry_after` seconds, in whole minutes rounded up.
pub(crate) fn locked_message(language: Language, key: &str, retry_after: i64) -> String {
    let minutes = ((retry_after + 59) / 60).max(1);
    portal::i18n::t_args(language, key, &[("minutes", minutes.into())])
}

pub async fn submit(
    State(state): State<AuthState>,
    headers: HeaderMap,
    address: Option<Extension<ClientAddress>>,
    body: Submitted<LoginRequest>,
) -> Result<Response, ApiError> {
    let is_form = body.is_form();
    if is_form {
        same_site(&headers)?;
    }
    let request = body.into_inner();
    let next = safe_next(request.next.as_deref());
    let address = address.map_or_else(|| "unknown".to_owned(), |Extension(a)| a.0);
    // The agency of the portal address is looked up alongside the attempt's own reads: the
    // page (and a failure's language) needs it, and a login there usually needs no other.
    let (host_tenant, outcome) = attempt(
        &state,
        &request.email,
        &request.password,
        &address,
        tenant_for_host(&state, &headers),
    )
    .await?;
    let page = page_for(host_tenant, &headers);
    let language = page.0.language;
    match outcome {
        Ok((tenant, token, session)) => {
            if is_form {
                Ok((
                    StatusCode::SEE_OTHER,
                    [(header::LOCATION, next.header_value())],
                    [(
                        header::SET_COOKIE,
                        session::cookie(&tenant, &token, &session),
                    )],
                )
                    .into_response())
            } else {
                Ok(session_answer(&tenant, &token, &session))
            }
        }
        Err(failure) => {
            let (status, retry_after) = match &failure {
                Failure::Invalid => (StatusCode::UNAUTHORIZED, None),
                Failure::Locked { retry_after } => {
                    (StatusCode::TOO_MANY_REQUESTS, Some(*retry_after))
                }
            };
            let message = failure_message(language, &failure);
            if !is_form {
                return Err(match retry_after {
                    Some(retry_after) => ApiError::TooManyAttempts {
                        message,
                        retry_after,
                        field: None,
                    },
                    None => ApiError::InvalidCredentials(message),
                });
            }
            let mut response = login_page(
                page,
                &request.email,
                next.as_str(),
                Some(message),
                None,
                status,
            );
            // The page says it in words; the header says it to the browser, as the problem does.
            if let Some(seconds) = retry_after {
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(seconds.max(1)));
            }
            Ok(response)
        }
    }
}

/// A login's result: the agency, the session's token and record; or why not.
type Outcome = Result<
    (
        portal::domain::Tenant,
        portal::domain::LinkToken,
        portal::domain::SessionRecord,
    ),
    Failure,
>;

/// One login attempt. Unknown emails and wrong passwords cost the same time (a dummy hash is
/// verified) and get the same answer. The attempt counts against the account and the address
/// before the password is verified, and is taken back when it was right.
///
/// Three round trips: the counters, the login claim and `host` (the agency of the portal
/// address) at once; then the account (the claim names it); after the hash, the session, the
/// counters taken back and the login recorded at once. The agency is read again only when the
/// account's is not the portal address's.
async fn attempt(
    state: &AuthState,
    raw_email: &str,
    raw_password: &str,
    address: &str,
    host: impl Future<Output = Option<portal::domain::Tenant>>,
) -> Result<(Option<portal::domain::Tenant>, Outcome), ApiError> {
    let app = &state;
    let email = Email::parse(raw_email).ok();
    let limits: Vec<(String, u32)> = email
        .iter()
        .map(|e| (account_key(e), MAX_FAILURES_PER_ACCOUNT))
        .chain(std::iter::once((
            address_key(address),
            MAX_FAILURES_PER_ADDRESS,
        )))
        .collect();
    let account = async {
        let owner = match &email {
            Some(e) => app.accounts.find_login(e).await?,
            None => None,
        };
        // An email without an account still waits for a second read (of an id nobody holds),
        // so the answer's time does not tell which emails have one: the locked-out answer
        // has no password hash to hide the difference behind.
        Ok::<_, ApiError>(match owner {
            Some(o) => app.accounts.get_account(o.tenant_id, o.subject).await?,
            None => {
                let nobody = Subject::Customer(CustomerId::new());
                app.accounts.get_account(TenantId::new(), nobody).await?;
                None
            }
        })
    };
    let (host_tenant, decision, account) = tokio::try_join!(
        async { Ok(host.await) },
        lockout::count(app, &limits),
        account,
    )?;
    let counted = match decision {
        Decision::Allowed(counted) => counted,
        Decision::Refused { retry_after } => {
            tracing::warn!("login refused: too many failed attempts");
            return Ok((host_tenant, Err(Failure::Locked { retry_after })));
        }
    };
    let password = Password::new(raw_password);
    let verified = password_hash::verify(
        &password,
        account.as_ref().map(|a| a.password_hash.as_str()),
    )
    .await?;
    let (Verified::Match { needs_rehash }, Some(account)) = (verified, account) else {
        return Ok((host_tenant, Err(Failure::Invalid)));
    };
    let upgraded = if needs_rehash {
        Some(portal::domain::Account {
            password_hash: password_hash::hash(&password).await?,
            version: account.version + 1,
            ..account.clone()
        })
    } else {
        None
    };
    let now = app.clock.now();
    // The session carries the epoch, which an upgraded hash leaves as it is.
    let (token, session) = session::start(&account, now)?;
    let tenant = async {
        match &host_tenant {
            Some(t) if t.id == account.tenant_id => Ok(t.clone()),
            _ => app
                .tenants
                .get_tenant(account.tenant_id)
                .await?
                .ok_or_else(|| {
                    ApiError::Unexpected(anyhow::anyhow!("An account's tenant is gone"))
                }),
        }
    };
    let upgrade = async {
        if let Some(upgraded) = &upgraded
            && let Err(e) = app.accounts.update_account(&account, upgraded).await
        {
            tracing::warn!(error = %e, "could not upgrade a password hash; keeping the old one");
        }
        Ok::<_, ApiError>(())
    };
    let (tenant, (), (), (), ()) = tokio::try_join!(
        tenant,
        // The right password: not a failure, so a user who logs in often never locks
        // themselves out.
        lockout::take_back(app, counted),
        async { Ok(app.sessions.put_session(&session).await?) },
        async {
            Ok(app
                .accounts
                .record_login(account.tenant_id, account.subject, now)
                .await?)
        },
        upgrade,
    )?;
    tracing::info!(tenant = %account.tenant_id, subject = %account.subject, "logged in");
    Ok((host_tenant, Ok((tenant, token, session))))
}

#[derive(Debug, Default, Deserialize)]
pub struct LogoutForm {
    csrf: Option<String>,
}

pub async fn logout(
    State(state): State<AuthState>,
    customer: UserSession,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> Result<Response, ApiError> {
    let is_form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if is_form {
        let form: LogoutForm = parse_form(&body, client_language(&headers))?;
        customer.check_form_csrf(form.csrf.as_deref())?;
    }
    state
        .sessions
        .delete_session(&customer.session.hash)
        .await?;
    let clear = [(header::SET_COOKIE, session::clear_cookie())];
    if is_form {
        Ok((
            StatusCode::SEE_OTHER,
            [(
                header::LOCATION,
                HeaderValue::from_static("/login?notice=logged-out"),
            )],
            clear,
        )
            .into_response())
    } else {
        Ok((StatusCode::NO_CONTENT, clear).into_response())
    }
}
