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
//! A sweep leases a group's notices (all or none, until [`LEASE`] from now) before it sends,
//! so two sweeps never send one email twice, and deletes them only once the email went out.
//! An email whose sending fails (or a sweep that dies) leaves them leased: a sweep after the
//! lease takes them again, at most [`MAX_ATTEMPTS`] times, then they are given up and logged.
//! At least once, then; twice only if a sweep outlives its lease between sending and
//! deleting, which five minutes for one email makes unlikely.

use chrono::{DateTime, Duration, Utc};
use portal::{
    domain::{CustomerId, FileNotice, NoticeTo, TenantId},
    messages::password_reset::files_notice,
    ports::StoreError,
};

use crate::{EventError, EventsState};

/// How long the first notice of a group waits for more uploads.
pub const WINDOW: Duration = Duration::minutes(5);

/// How long a sweep holds a group while it sends; a failed email is retried after it.
pub const LEASE: Duration = Duration::minutes(5);

/// How many sweeps try to send one group's email before it is given up.
pub const MAX_ATTEMPTS: u32 = 5;

/// What one sweep did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Swept {
    pub sent: usize,
    /// Groups another sweep holds, or whose recipient has no address.
    pub skipped: usize,
    /// Groups whose email could not be sent: a later sweep tries again.
    pub failed: usize,
}

/// What became of one group.
enum Group {
    Sent,
    Skipped,
    Failed,
}

/// Sends every group of notices whose oldest has waited [`WINDOW`] at `now`.
pub async fn sweep(state: &EventsState, now: DateTime<Utc>) -> Result<Swept, EventError> {
    sweep_after(state, now, WINDOW).await
}

/// [`sweep`] with another wait than [`WINDOW`]: the local runner's, so that trying the
/// portal (or a browser test) doesn't take five minutes.
pub async fn sweep_after(
    state: &EventsState,
    now: DateTime<Utc>,
    window: Duration,
) -> Result<Swept, EventError> {
    let mut swept = Swept::default();
    for (tenant, customer, to) in state.files.due_notices(now - window).await? {
        match send_group(state, tenant, customer, to, now).await? {
            Group::Sent => swept.sent += 1,
            Group::Skipped => swept.skipped += 1,
            Group::Failed => swept.failed += 1,
        }
    }
    Ok(swept)
}

/// Deletes the group's notices, unless its lease ran out and another sweep holds them now.
async fn finish(
    state: &EventsState,
    notices: &[FileNotice],
    until: DateTime<Utc>,
) -> Result<(), EventError> {
    match state.files.finish_notices(notices, until).await {
        Ok(()) => Ok(()),
        Err(StoreError::VersionConflict) => {
            tracing::warn!("notices outlived their lease: another sweep took them");
            Ok(())
        }
        Err(e) => Err(e.into()),
    }
}

async fn send_group(
    state: &EventsState,
    tenant: TenantId,
    customer: CustomerId,
    to: NoticeTo,
    now: DateTime<Utc>,
) -> Result<Group, EventError> {
    let notices = state.files.notices(tenant, customer, to).await?;
    if notices.is_empty() {
        return Ok(Group::Skipped);
    }
    let until = now + LEASE;
    match state.files.lease_notices(&notices, now, until).await {
        Ok(()) => {}
        Err(StoreError::VersionConflict) => return Ok(Group::Skipped),
        Err(e) => return Err(e.into()),
    }
    let attempt = notices.iter().map(|n| n.attempts).max().unwrap_or(0) + 1;
    if attempt > MAX_ATTEMPTS {
        tracing::error!(%tenant, %customer, to = to.as_str(), attempts = attempt - 1, "a files notice could not be sent and was given up");
        finish(state, &notices, until).await?;
        return Ok(Group::Skipped);
    }
    let Some(agency) = state.tenants.get_tenant(tenant).await? else {
        tracing::warn!(%tenant, "notices of a removed agency were dropped");
        finish(state, &notices, until).await?;
        return Ok(Group::Skipped);
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
        finish(state, &notices, until).await?;
        return Ok(Group::Skipped);
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
            finish(state, &notices, until).await?;
            Ok(Group::Sent)
        }
        Err(e) => {
            // Left leased: a sweep after the lease tries again.
            tracing::error!(%tenant, %customer, attempt, error = ?e, "a files notice could not be sent");
            Ok(Group::Failed)
        }
    }
}
