//! "Forgot password": always the same answer, a single-use reset link by email when the
//! address belongs to an account.

use std::time::Duration as StdDuration;

use axum::{
    Json,
    extract::State,
    http::{HeaderMap, StatusCode, header},
    response::{Html, IntoResponse, Response},
};
use chrono::Duration;
use portal::{
    domain::{Email, LinkToken, OutgoingEmail, TokenRecord, account::account_key},
    http::{ApiError, Submitted},
    messages::password_reset,
    pages::{self, ForgotForm},
};
use serde::Deserialize;

use crate::{
    AuthState,
    holder::Holder,
    lockout::{self, Decision},
    page_for_host, same_site,
};

pub const RESET_VALID_MINUTES: i64 = 60;
/// Reset emails per account in the sliding window, so nobody can flood a mailbox.
const MAX_RESET_EMAILS: u32 = 3;
/// Every answer takes at least this long, so timing does not tell whether an email was sent.
const ANSWER_AFTER: StdDuration = StdDuration::from_millis(800);

pub async fn page(State(state): State<AuthState>, headers: HeaderMap) -> Response {
    let (page, brand) = page_for_host(&state, &headers).await;
    let html = pages::forgot(&ForgotForm {
        page,
        email: "",
        sent: false,
        csrf: None,
        error: None,
        brand,
    });
    ([(header::CACHE_CONTROL, "no-store")], Html(html)).into_response()
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForgotRequest {
    email: String,
    #[serde(default)]
    #[allow(dead_code)]
    csrf: Option<String>,
}

pub async fn submit(
    State(state): State<AuthState>,
    headers: HeaderMap,
    body: Submitted<ForgotRequest>,
) -> Result<Response, ApiError> {
    let is_form = body.is_form();
    if is_form {
        same_site(&headers)?;
    }
    let started = tokio::time::Instant::now();
    let request = body.into_inner();
    if let Ok(email) = Email::parse(&request.email)
        && let Err(e) = send_reset(&state, &email).await
    {
        // Logged, never shown: the answer must not depend on the account.
        tracing::error!(
            error = format!("{e:#}"),
            "a password reset could not be sent"
        );
    }
    tokio::time::sleep_until(started + ANSWER_AFTER).await;
    if is_form {
        let (page, brand) = page_for_host(&state, &headers).await;
        let html = pages::forgot(&ForgotForm {
            page,
            email: &request.email,
            sent: true,
            csrf: None,
            error: None,
            brand,
        });
        return Ok((StatusCode::ACCEPTED, Html(html)).into_response());
    }
    Ok((
        StatusCode::ACCEPTED,
        Json(serde_json::json!({
            "detail": "If an account exists for this address, a link to choose a new password was sent to it. The link is valid for one hour."
        })),
    )
        .into_response())
}

async fn send_reset(state: &AuthState, email: &Email) -> anyhow::Result<()> {
    let app = &state;
    let Some(owner) = app.accounts.find_login(email).await? else {
        return Ok(());
    };
    let Some(account) = app
        .accounts
        .get_account(owner.tenant_id, owner.subject)
        .await?
    else {
        // Never set a password: the agency's invitation is the way in.
        return Ok(());
    };
    let limit = [(format!("reset-{}", account_key(email)), MAX_RESET_EMAILS)];
    if let Decision::Refused { .. } = lockout::count(app, &limit).await? {
        tracing::warn!("reset email withheld: too many requests for one account");
        return Ok(());
    }
    let (Some(tenant), Some(holder)) = (
        app.tenants.get_tenant(owner.tenant_id).await?,
        Holder::load(app, owner.tenant_id, owner.subject).await?,
    ) else {
        return Ok(());
    };
    // The link goes to the address the account has, never to the spelling someone typed:
    // `KIM@` or a Kelvin sign find the account, but may not be a mailbox its owner reads.
    let Some(stored) = holder
        .login_email()
        .filter(|stored| stored.normalized() == email.normalized())
        .cloned()
    else {
        return Ok(());
    };
    let now = app.clock.now();
    let token = LinkToken::generate()?;
    // Bound to the stored login email and the account's epoch: the link dies when either moves.
    let record = TokenRecord::for_reset(
        token.hash(),
        tenant.id,
        owner.subject,
        &stored,
        account.session_epoch,
        now,
        now + Duration::minutes(RESET_VALID_MINUTES),
    );
    app.accounts.put_token(&record).await?;
    let link = format!(
        "{}/password/reset/{}",
        tenant.portal_base_url,
        token.expose()
    );
    let rendered = password_reset::render(
        holder.language(),
        &tenant.name,
        stored.as_str(),
        &link,
        RESET_VALID_MINUTES as u32,
    );
    state
        .mailer
        .send_email(&OutgoingEmail {
            from: tenant.sender_email.clone(),
            from_name: tenant.name.clone(),
            to: stored,
            reply_to: None,
            subject: rendered.subject,
            text: rendered.text,
            html: rendered.html,
        })
        .await?;
    tracing::info!(tenant = %tenant.id, subject = %owner.subject, "password reset link sent");
    Ok(())
}
