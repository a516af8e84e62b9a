//! The pages and posts behind invitation and reset links: set a password, once.

use axum::{
    Json,
    extract::State,
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{Html, IntoResponse, Response},
};
use portal::{
    domain::{
        Account, Actor, EventKind, Invitation, InvitationEvent, InvitationState, LinkStatus,
        LinkToken, Tenant, TokenPurpose, TokenRecord,
        password::{Password, PasswordProblem},
    },
    http::{ApiError, JsonBody, PathParam, Submitted, session},
    pages::{self, Brand, LinkProblem, LinkProblemPage, Page, Purpose, SetPasswordForm},
    password_hash,
    ports::{Redemption, StoreError},
};
use serde::Deserialize;

use crate::{AuthState, holder::Holder, same_site};

/// A link that can be used, with whom it is for, and what using it replaces: the account as
/// it is (none before the first password) and the invitation the link belongs to.
#[derive(Clone)]
pub(crate) struct UsableLink {
    pub record: TokenRecord,
    pub tenant: Tenant,
    pub holder: Holder,
    account: Option<Account>,
    invitation: Option<Invitation>,
}

fn problem_of(status: LinkStatus) -> LinkProblem {
    match status {
        LinkStatus::Valid | LinkStatus::Used => LinkProblem::Used,
        LinkStatus::Expired => LinkProblem::Expired,
        LinkStatus::Superseded => LinkProblem::Superseded,
        LinkStatus::Revoked => LinkProblem::Revoked,
        LinkStatus::LoginEmailChanged => LinkProblem::LoginEmailChanged,
        LinkStatus::PasswordChanged => LinkProblem::PasswordChanged,
    }
}

/// What the link can do now for whom it is for: the stored record, the holder's login email
/// and the account's epoch (a link sent to another address, or a reset link from before the
/// password last changed, no longer works).
async fn status_now(
    state: &AuthState,
    record: &TokenRecord,
    holder: &Holder,
) -> Result<LinkStatus, StoreError> {
    let account = state
        .accounts
        .get_account(record.tenant_id, record.subject)
        .await?;
    Ok(record.status_for(
        state.clock.now(),
        holder.login_email(),
        account.map(|a| a.session_epoch),
    ))
}

/// Looks a presented link up, without using it.
pub(crate) async fn look_up(
    state: &AuthState,
    raw: &str,
    purpose: TokenPurpose,
) -> Result<Result<UsableLink, (LinkProblem, Option<(Tenant, Holder)>)>, ApiError> {
    let app = &state;
    let Some(token) = LinkToken::from_link(raw) else {
        return Ok(Err((LinkProblem::Unknown, None)));
    };
    let Some(record) = app.invitations.find_token(&token.hash()).await? else {
        return Ok(Err((LinkProblem::Unknown, None)));
    };
    if record.purpose != purpose {
        return Ok(Err((LinkProblem::Unknown, None)));
    }
    // Everything the token names, read at once: the agency, the holder, their account (its
    // epoch says whether a reset link still holds, and using the link replaces it) and the
    // invitation the link belongs to.
    let invitation = async {
        match (
            record.purpose,
            record.invitation_id,
            record.subject.customer(),
        ) {
            (TokenPurpose::Invitation, Some(id), Some(customer)) => {
                app.invitations
                    .get_invitation(record.tenant_id, customer, id)
                    .await
            }
            _ => Ok(None),
        }
    };
    let (tenant, holder, account, invitation) = tokio::try_join!(
        app.tenants.get_tenant(record.tenant_id),
        Holder::load(app, record.tenant_id, record.subject),
        app.accounts.get_account(record.tenant_id, record.subject),
        invitation,
    )?;
    let (Some(tenant), Some(holder)) = (tenant, holder) else {
        // Whoever it was for is gone (a deleted customer, a removed staff user): the link was
        // withdrawn with them, unless the record says something more specific.
        let problem = match record.status_at(app.clock.now()) {
            LinkStatus::Valid => LinkProblem::Revoked,
            other => problem_of(other),
        };
        return Ok(Err((problem, None)));
    };
    let status = record.status_for(
        app.clock.now(),
        holder.login_email(),
        account.as_ref().map(|a| a.session_epoch),
    );
    match status {
        LinkStatus::Valid => Ok(Ok(UsableLink {
            record,
            tenant,
            holder,
            account,
            invitation,
        })),
        other => Ok(Err((problem_of(other), Some((tenant, holder))))),
    }
}

pub(crate) enum Refusal {
    Link(LinkProblem),
    Weak(PasswordProblem),
    Api(ApiError),
}

impl From<ApiError> for Refusal {
    fn from(e: ApiError) -> Self {
        Refusal::Api(e)
    }
}

impl From<StoreError> for Refusal {
    fn from(e: StoreError) -> Self {
        Refusal::Api(e.into())
    }
}

pub(crate) struct Redeemed {
    pub token: LinkToken,
    pub session: portal::domain::SessionRecord,
    pub tenant: Tenant,
    /// Where the customer's invitation opens the portal (`/` for resets and staff).
    pub area_path: &'static str,
}

/// Sets the password through a usable link: checks it against the policy, hashes it, and in
/// one atomic step uses the link, stores the account (ending every other session), accepts
/// the customer's invitation, marks the customer or staff user active and starts a session.
pub(crate) async fn redeem(
    state: &AuthState,
    link: UsableLink,
    raw_password: &str,
) -> Result<Redeemed, Refusal> {
    let app = &state;
    let UsableLink {
        record,
        tenant,
        holder,
        account: previous,
        invitation,
    } = link;
    let password = Password::new(raw_password);
    password
        .check_new(holder.login_email())
        .map_err(Refusal::Weak)?;
    let password_hash = password_hash::hash(&password)
        .await
        .map_err(ApiError::from)?;
    let now = app.clock.now();
    // `previous` and `invitation` were read when the link was looked up; the transaction
    // below is conditioned on both being unchanged since.
    let account = Account {
        tenant_id: tenant.id,
        subject: record.subject,
        password_hash,
        password_changed_at: now,
        session_epoch: previous.as_ref().map_or(1, |a| a.session_epoch + 1),
        created_at: previous.as_ref().map_or(now, |a| a.created_at),
        version: previous.as_ref().map_or(1, |a| a.version + 1),
    };
    let (token, session) = session::start(&account, now).map_err(ApiError::from)?;
    let accepted = invitation.as_ref().filter(|i| i.state.is_open()).map(|i| {
        let event = InvitationEvent {
            at: now,
            event: EventKind::Accepted,
            channel: None,
            detail: None,
            by: Actor::Customer,
        };
        i.with_event(event, InvitationState::Accepted)
    });
    let redemption = Redemption {
        token: &record,
        now,
        account: &account,
        previous_account: previous.as_ref(),
        invitation: invitation.as_ref().zip(accepted.as_ref()),
        session: &session,
        activates: !holder.is_active(),
    };
    match app.accounts.redeem(&redemption).await {
        Ok(()) => {
            tracing::info!(tenant = %tenant.id, subject = %record.subject, purpose = ?record.purpose, "password set");
            Ok(Redeemed {
                token,
                session,
                tenant,
                area_path: invitation.as_ref().map_or("/", |i| i.area.path()),
            })
        }
        // Someone else used, replaced or revoked the link a moment ago: say which.
        Err(StoreError::VersionConflict) => {
            let now_status = match (
                app.invitations.find_token(&record.hash).await?,
                Holder::load(app, tenant.id, record.subject).await?,
            ) {
                (Some(r), Some(holder)) => Some(status_now(state, &r, &holder).await?),
                (Some(r), None) => Some(match r.status_at(now) {
                    LinkStatus::Valid => LinkStatus::Revoked,
                    other => other,
                }),
                (None, _) => None,
            };
            match now_status {
                // The link still works: another write to the same records won a moment
                // ago (an edit of the customer, say). Trying again will do.
                Some(LinkStatus::Valid) => Err(Refusal::Api(ApiError::ConcurrentChange)),
                other => Err(Refusal::Link(other.map_or(LinkProblem::Used, problem_of))),
            }
        }
        Err(e) => Err(e.into()),
    }
}

fn page_of(tenant: &Tenant, holder: &Holder) -> Page {
    Page {
        language: holder.language(),
        agency: tenant.name.clone(),
    }
}

fn problem_page(
    state_headers: &HeaderMap,
    purpose: Purpose,
    problem: LinkProblem,
    who: Option<&(Tenant, Holder)>,
) -> Response {
    let (page, brand) = match who {
        Some((tenant, holder)) => (page_of(tenant, holder), Brand::of(&tenant.branding)),
        None => (
            Page {
                language: portal::http::client_language(state_headers),
                agency: String::new(),
            },
            Brand::default(),
        ),
    };
    let status = if problem == LinkProblem::Unknown {
        StatusCode::NOT_FOUND
    } else {
        StatusCode::GONE
    };
    let html = pages::link_problem(&LinkProblemPage {
        page,
        purpose,
        problem,
        login_url: "/login".into(),
        forgot_url: "/password/forgot".into(),
        brand,
    });
    (status, no_store(), Html(html)).into_response()
}

/// Pages with tokens in their URL are never cached, and never leak it as a referrer.
fn no_store() -> [(header::HeaderName, HeaderValue); 2] {
    [
        (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        (
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ),
    ]
}

fn form_page(
    link: &UsableLink,
    purpose: Purpose,
    action: &str,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let login_email = link
        .holder
        .login_email()
        .map(|e| e.to_string())
        .unwrap_or_default();
    let html = pages::set_password(&SetPasswordForm {
        page: page_of(&link.tenant, &link.holder),
        purpose,
        staff: link.holder.is_staff(),
        company: link.holder.name(),
        login_email: &login_email,
        action,
        csrf: None,
        error,
        brand: Brand::of(&link.tenant.branding),
    });
    (status, no_store(), Html(html)).into_response()
}

fn purpose_of(token: TokenPurpose) -> Purpose {
    match token {
        TokenPurpose::Invitation => Purpose::Invitation,
        TokenPurpose::PasswordReset => Purpose::Reset,
    }
}

async fn show(
    state: &AuthState,
    headers: &HeaderMap,
    raw: &str,
    purpose: TokenPurpose,
    action: String,
) -> Result<Response, ApiError> {
    Ok(match look_up(state, raw, purpose).await? {
        Ok(link) => form_page(&link, purpose_of(purpose), &action, None, StatusCode::OK),
        Err((problem, who)) => problem_page(headers, purpose_of(purpose), problem, who.as_ref()),
    })
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PasswordField {
    password: String,
    #[serde(default)]
    #[allow(dead_code)]
    csrf: Option<String>,
}

/// The form's POST: on success the customer is logged in and lands in the portal.
async fn submit_form(
    state: &AuthState,
    headers: &HeaderMap,
    raw: &str,
    purpose: TokenPurpose,
    action: String,
    password: &str,
) -> Result<Response, ApiError> {
    same_site(headers)?;
    let link = match look_up(state, raw, purpose).await? {
        Ok(link) => link,
        Err((problem, who)) => {
            return Ok(problem_page(
                headers,
                purpose_of(purpose),
                problem,
                who.as_ref(),
            ));
        }
    };
    let language = link.holder.language();
    let kept = link.clone();
    match redeem(state, link, password).await {
        Ok(done) => {
            // Straight into the area the invitation named; `/` (the home) sends a customer
            // on to the start page and a staff user to their account page.
            let next = done.area_path;
            Ok((
                StatusCode::SEE_OTHER,
                [(
                    header::LOCATION,
                    crate::safe_next(Some(next)).header_value(),
                )],
                [(
                    header::SET_COOKIE,
                    session::cookie(&done.tenant, &done.token, &done.session),
                )],
            )
                .into_response())
        }
        Err(Refusal::Weak(problem)) => Ok(form_page(
            &kept,
            purpose_of(purpose),
            &action,
            Some(problem.message(language)),
            StatusCode::UNPROCESSABLE_ENTITY,
        )),
        Err(Refusal::Link(problem)) => Ok(problem_page(
            headers,
            purpose_of(purpose),
            problem,
            Some(&(kept.tenant, kept.holder)),
        )),
        Err(Refusal::Api(e)) => Err(e),
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AcceptRequest {
    token: String,
    password: String,
}

/// The JSON form of the same: `{token, password}` → a session.
async fn submit_json(
    state: &AuthState,
    request: AcceptRequest,
    purpose: TokenPurpose,
) -> Result<Response, ApiError> {
    let link = match look_up(state, &request.token, purpose).await? {
        Ok(link) => link,
        Err((problem, _)) => return Err(ApiError::LinkNotUsable(problem)),
    };
    let language = link.holder.language();
    match redeem(state, link, &request.password).await {
        Ok(done) => Ok(session_answer(&done.tenant, &done.token, &done.session)),
        Err(Refusal::Weak(problem)) => Err(weak(problem, language, "password")),
        Err(Refusal::Link(problem)) => Err(ApiError::LinkNotUsable(problem)),
        Err(Refusal::Api(e)) => Err(e),
    }
    .map(|mut r| {
        r.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        r
    })
}

/// A new session as JSON, and the same as a cookie.
pub(crate) fn session_answer(
    tenant: &Tenant,
    token: &LinkToken,
    session: &portal::domain::SessionRecord,
) -> Response {
    let mut body = serde_json::json!({
        "role": session.subject.role(),
        "sessionToken": token.expose(),
        "csrfToken": session.csrf,
        "expiresAt": session.expires_at,
    });
    match session.subject {
        portal::domain::Subject::Customer(id) => body["customerId"] = serde_json::json!(id),
        portal::domain::Subject::Staff(id) => body["staffId"] = serde_json::json!(id),
    }
    (
        [(header::SET_COOKIE, session::cookie(tenant, token, session))],
        Json(body),
    )
        .into_response()
}

pub(crate) fn weak(
    problem: PasswordProblem,
    language: portal::domain::Language,
    field: &'static str,
) -> ApiError {
    ApiError::PasswordRejected {
        problem,
        language,
        field,
    }
}

pub async fn invitation_page(
    State(state): State<AuthState>,
    headers: HeaderMap,
    PathParam(token): PathParam<String>,
) -> Result<Response, ApiError> {
    let action = format!("/invite/{token}");
    show(&state, &headers, &token, TokenPurpose::Invitation, action).await
}

pub async fn invitation_form(
    State(state): State<AuthState>,
    headers: HeaderMap,
    PathParam(token): PathParam<String>,
    body: Submitted<PasswordField>,
) -> Result<Response, ApiError> {
    let action = format!("/invite/{token}");
    let password = body.into_inner().password;
    submit_form(
        &state,
        &headers,
        &token,
        TokenPurpose::Invitation,
        action,
        &password,
    )
    .await
}

pub async fn accept_json(
    State(state): State<AuthState>,
    JsonBody(request): JsonBody<AcceptRequest>,
) -> Result<Response, ApiError> {
    submit_json(&state, request, TokenPurpose::Invitation).await
}

pub async fn reset_page(
    State(state): State<AuthState>,
    headers: HeaderMap,
    PathParam(token): PathParam<String>,
) -> Result<Response, ApiError> {
    let action = format!("/password/reset/{token}");
    show(
        &state,
        &headers,
        &token,
        TokenPurpose::PasswordReset,
        action,
    )
    .await
}

pub async fn reset_form(
    State(state): State<AuthState>,
    headers: HeaderMap,
    PathParam(token): PathParam<String>,
    body: Submitted<PasswordField>,
) -> Result<Response, ApiError> {
    let action = format!("/password/reset/{token}");
    let password = body.into_inner().password;
    submit_form(
        &state,
        &headers,
        &token,
        TokenPurpose::PasswordReset,
        action,
        &password,
    )
    .await
}

pub async fn reset_json(
    State(state): State<AuthState>,
    JsonBody(request): JsonBody<AcceptRequest>,
) -> Result<Response, ApiError> {
    submit_json(&state, request, TokenPurpose::PasswordReset).await
}
