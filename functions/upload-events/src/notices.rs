//! Telling the other side of new files, batched: each file that becomes available leaves a
//! notice (in the same transaction as the file), and a sweep (every minute: an EventBridge
//! schedule in Lambda, a timer in `portal-local`) sends one email per customer and side once
//! the oldest notice has waited [`WINDOW`], naming every file waiting then.
//!
//! Why a DynamoDB digest and not an SQS delay queue: the notices sit in the table the files
//! are in, written in the file's own transaction, so a duplicate event adds none and nothing
//! is half-written; a delay queue would take a second service, a second failure mode between
//! the file's write and the message, and still need a digest to merge the messages.
//!
//! A sweep claims a group's notices (deletes them, all or none) before it sends, so two
//! sweeps never send one email twice; an email whose sending fails after the claim is logged
//! and not retried (at most once, never twice).

use chrono::{DateTime, Duration, Utc};
use portal::{
    domain::{CustomerId, NoticeTo, TenantId},
    messages::password_reset::files_notice,
    ports::StoreError,
};

use crate::{EventError, EventsState};

/// How long the first notice of a group waits for more uploads.
pub const WINDOW: Duration = Duration::minutes(5);

/// What one sweep did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Swept {
    pub sent: usize,
    /// Groups whose notices another sweep claimed first, or whose recipient has no address.
    pub skipped: usize,
}

/// Sends every group of notices whose oldest has waited [`WINDOW`] at `now`.
pub async fn sweep(state: &EventsState, now: DateTime<Utc>) -> Result<Swept, EventError> {
    let mut swept = Swept::default();
    for (tenant, customer, to) in state.files.due_notices(now - WINDOW).await? {
        if send_group(state, tenant, customer, to).await? {
            swept.sent += 1;
        } else {
            swept.skipped += 1;
        }
    }
    Ok(swept)
}

async fn send_group(
    state: &EventsState,
    tenant: TenantId,
    customer: CustomerId,
    to: NoticeTo,
) -> Result<bool, EventError> {
    let notices = state.files.notices(tenant, customer, to).await?;
    if notices.is_empty() {
        return Ok(false);
    }
    match state.files.claim_notices(&notices).await {
        Ok(()) => {}
        Err(StoreError::VersionConflict) => return Ok(false),
        Err(e) => return Err(e.into()),
    }
    let Some(agency) = state.tenants.get_tenant(tenant).await? else {
        tracing::warn!(%tenant, "notices of a removed agency were dropped");
        return Ok(false);
    };
    let (address, language) = match to {
        NoticeTo::Agency => (Some(agency.sender_email.clone()), agency.default_language),
        NoticeTo::Customer => match state.customers.get_customer(tenant, customer).await? {
            Some(c) => (c.login_email.clone(), c.language),
            None => (None, agency.default_language),
        },
    };
    let Some(address) = address else {
        tracing::info!(%tenant, %customer, "no address to tell of new files");
        return Ok(false);
    };
    let names: Vec<String> = notices.iter().map(|n| n.name.clone()).collect();
    let link = format!("{}/", agency.portal_base_url.as_str());
    let rendered = files_notice(language, &agency.name, &names, &link);
    let email = portal::domain::OutgoingEmail {
        from: agency.sender_email.clone(),
        from_name: agency.name.clone(),
        to: address,
        subject: rendered.subject,
        text: rendered.text,
        html: rendered.html,
        reply_to: None,
    };
    match state.mailer.send_email(&email).await {
        Ok(id) => {
            tracing::info!(%tenant, %customer, to = to.as_str(), files = names.len(), message = %id, "files notice sent");
            Ok(true)
        }
        Err(e) => {
            tracing::error!(%tenant, %customer, error = ?e, "a files notice could not be sent");
            Ok(false)
        }
    }
}
