//! Telling the other side what happened to the feedback, batched: every new item, reply and
//! state change leaves a notice in its own transaction, and a sweep (every minute: an
//! EventBridge schedule on the `feedback-sweep` Lambda, a timer in `portal-local`) sends one
//! email per customer and side once the oldest notice has waited [`WINDOW`], naming every
//! change waiting then: new items and the customer's replies and reopenings to the agency,
//! the agency's replies and state changes to the customer, in their language.
//!
//! The files' digest approach, reused rather than generalised: the notice sits in the table
//! with the change it tells of and is written in the same transaction (nothing half-written,
//! a retried request adds none since it loses on the item's version), and the sweep claims a
//! group (deletes it, all or none) before it sends, so two sweeps never send one email twice.
//! Its own notice items and sweep, because what an email names (items, pages, states) and who
//! reads it differ from the files'; sharing one sweep would couple two functions' IAM. An
//! email whose sending fails after the claim is logged and not retried (at most once).

use chrono::{DateTime, Duration, Utc};
use portal::{
    domain::{CustomerId, NoticeTo, OutgoingEmail, TenantId},
    messages::feedback::feedback_notice,
    ports::StoreError,
};

use crate::FeedbackState;

/// How long the first notice of a group waits for more changes.
pub const WINDOW: Duration = Duration::minutes(5);

/// What one sweep did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Swept {
    pub sent: usize,
    /// Groups another sweep claimed first, or whose recipient has no address.
    pub skipped: usize,
}

/// Sends every group of notices whose oldest has waited [`WINDOW`] at `now`.
pub async fn sweep(state: &FeedbackState, now: DateTime<Utc>) -> Result<Swept, StoreError> {
    sweep_after(state, now, WINDOW).await
}

/// [`sweep`] with another wait: the local runner's, shortened for browser tests.
pub async fn sweep_after(
    state: &FeedbackState,
    now: DateTime<Utc>,
    window: Duration,
) -> Result<Swept, StoreError> {
    let mut swept = Swept::default();
    for (tenant, customer, to) in state.feedback.due_feedback_notices(now - window).await? {
        if send_group(state, tenant, customer, to).await? {
            swept.sent += 1;
        } else {
            swept.skipped += 1;
        }
    }
    Ok(swept)
}

async fn send_group(
    state: &FeedbackState,
    tenant: TenantId,
    customer: CustomerId,
    to: NoticeTo,
) -> Result<bool, StoreError> {
    let notices = state
        .feedback
        .feedback_notices(tenant, customer, to)
        .await?;
    if notices.is_empty() {
        return Ok(false);
    }
    match state.feedback.claim_feedback_notices(&notices).await {
        Ok(()) => {}
        Err(StoreError::VersionConflict) => return Ok(false),
        Err(e) => return Err(e),
    }
    let Some(agency) = state.tenants.get_tenant(tenant).await? else {
        tracing::warn!(%tenant, "feedback notices of a removed agency were dropped");
        return Ok(false);
    };
    let Some(record) = state.customers.get_customer(tenant, customer).await? else {
        tracing::info!(%tenant, %customer, "feedback notices of a removed customer were dropped");
        return Ok(false);
    };
    let (address, language) = match to {
        NoticeTo::Agency => (Some(agency.sender_email.clone()), agency.default_language),
        NoticeTo::Customer => (record.login_email.clone(), record.language),
    };
    let Some(address) = address else {
        tracing::info!(%tenant, %customer, "no address to tell of feedback");
        return Ok(false);
    };
    let base = agency.portal_base_url.as_str().trim_end_matches('/');
    let link = match to {
        NoticeTo::Agency => format!("{base}/feedback?customerId={customer}"),
        NoticeTo::Customer => format!("{base}/feedback"),
    };
    let rendered = feedback_notice(
        language,
        &agency.name,
        &record.company_name,
        &notices,
        &link,
    );
    let email = OutgoingEmail {
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
            tracing::info!(%tenant, %customer, to = to.as_str(), changes = notices.len(), message = %id, "feedback notice sent");
            Ok(true)
        }
        Err(e) => {
            tracing::error!(%tenant, %customer, error = ?e, "a feedback notice could not be sent");
            Ok(false)
        }
    }
}
