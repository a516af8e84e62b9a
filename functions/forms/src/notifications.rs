//! The notification of an entry, tried until it is sent or given up.
//!
//! The entry is stored with a due item (see the store's `form_entries`): its first try is
//! due [`GRACE_SECONDS`] after the entry came in, which gives the task spawned after the
//! answer its chance. Every attempt — that task's, a sweep's, a manual resend's — first
//! claims the item with a write conditioned on the `attempts` it read, which moves the next
//! try out by the backoff; so of two senders only the one whose claim lands sends, and an
//! attempt cut short (a Lambda frozen mid-send) is tried again once its backoff passes.
//! After [`MAX_ATTEMPTS`] the entry stays `failed` and the item is gone; a manual resend
//! starts a new round.

use chrono::{DateTime, Duration, Utc};
use portal::{
    domain::{EmailState, Form, FormEntry, NotificationDue, Tenant},
    ports::StoreError,
};

use crate::{FormsState, intake};

/// How long a new entry's notification waits for the task spawned after the answer before
/// a sweep takes it on.
pub const GRACE_SECONDS: i64 = 120;
/// How long a claimed attempt is left alone by a manual resend: longer than the function's
/// timeout, so an attempt under way has ended (or died) when it runs out.
pub const LEASE_SECONDS: i64 = 120;
/// Attempts in one round (the first try included); about four hours from the first to the
/// last with [`backoff`].
pub const MAX_ATTEMPTS: u32 = 8;
/// The most notifications one sweep takes on: a sweep's sends stay well within the
/// function's timeout, and the next sweep takes the rest.
pub const SWEEP_BATCH: usize = 25;
/// A sweep takes on no new notification after this long, half the function's 10-second
/// timeout: what it leaves unclaimed is still due for the next sweep, while an attempt cut
/// off by the timeout would wait for its backoff.
pub const SWEEP_BUDGET: std::time::Duration = std::time::Duration::from_secs(5);

/// The wait after the `attempt`-th attempt before the next: 2, 4, 8, 16, 32, 64 minutes,
/// then two hours. Never shorter than the lease, so the sweep leaves an attempt under way
/// alone.
pub fn backoff(attempt: u32) -> Duration {
    let doubled = attempt.saturating_sub(1).min(6);
    Duration::minutes((2_i64 << doubled).min(120))
}

#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    /// Another attempt holds the notification (its claim came first, or it is sending now).
    #[error("the notification is being sent")]
    Busy,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl From<StoreError> for NotifyError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::VersionConflict => NotifyError::Busy,
            other => NotifyError::Unexpected(anyhow::Error::new(other)),
        }
    }
}

/// The due item a new entry is stored with, when it has recipients to email.
pub fn first_due(entry: &FormEntry) -> NotificationDue {
    NotificationDue {
        tenant_id: entry.tenant_id,
        customer_id: entry.customer_id,
        form_id: entry.form_id,
        entry_id: entry.id,
        due_at: entry.received_at + Duration::seconds(GRACE_SECONDS),
        attempts: 0,
        claimed_at: None,
        expires_at: entry.expires_at,
    }
}

/// The claim of the attempt after `due`'s, made at `now`.
fn next_claim(due: &NotificationDue, now: DateTime<Utc>) -> NotificationDue {
    let attempts = due.attempts + 1;
    NotificationDue {
        attempts,
        claimed_at: Some(now),
        due_at: now + backoff(attempts),
        ..due.clone()
    }
}

/// The first attempt, right after the visitor's answer: the claim and the agency's read at
/// once (one round trip), then SES, then the outcome recorded.
pub async fn first_attempt(
    state: &FormsState,
    form: &Form,
    entry: &FormEntry,
    due: &NotificationDue,
) -> Result<EmailState, NotifyError> {
    let claim = next_claim(due, state.clock.now());
    let (claimed, tenant) = tokio::join!(
        state.entries.claim_notification(Some(due.attempts), &claim),
        state.tenants.get_tenant(form.tenant_id),
    );
    claimed?;
    let tenant = tenant.map_err(anyhow::Error::new)?;
    attempt(state, tenant.as_ref(), form, entry, &claim).await
}

/// `POST /form-entries/{id}/notification`: an attempt now, whatever the backoff says, for
/// `entry` as the caller read it, unless its email is sent (`None`: nothing sent, so a
/// resend is idempotent and one racing a sweep sends no second email), an attempt is under
/// way ([`NotifyError::Busy`]), or the notification the caller saw due was settled since by
/// another sender (`None`). A failed entry with no next try (given up, or stored before
/// there were due items) gets a new round of attempts.
pub async fn resend(
    state: &FormsState,
    form: &Form,
    entry: &FormEntry,
) -> Result<Option<EmailState>, NotifyError> {
    if entry.email_state == EmailState::Sent {
        return Ok(None);
    }
    let now = state.clock.now();
    let due = state
        .entries
        .notification_due(entry.tenant_id, entry.customer_id, entry.id)
        .await?;
    let seen = match (&due, entry.email_next_try_at) {
        (None, Some(_)) => return Ok(None),
        (Some(d), _)
            if d.claimed_at
                .is_some_and(|at| now < at + Duration::seconds(LEASE_SECONDS)) =>
        {
            return Err(NotifyError::Busy);
        }
        (due, _) => due.as_ref().map(|d| d.attempts),
    };
    let base = due.unwrap_or_else(|| first_due(entry));
    let claim = next_claim(&base, now);
    let (claimed, tenant) = tokio::join!(
        state.entries.claim_notification(seen, &claim),
        state.tenants.get_tenant(form.tenant_id),
    );
    claimed?;
    let tenant = tenant.map_err(anyhow::Error::new)?;
    Ok(Some(
        attempt(state, tenant.as_ref(), form, entry, &claim).await?,
    ))
}

/// What one sweep did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Swept {
    pub sent: usize,
    /// Failed, with a next try.
    pub failed: usize,
    /// Failed for the last time, or found over the limit: `failed` for good.
    pub gave_up: usize,
    /// Nothing left to send to: the entry, its form or its recipients are gone.
    pub dropped: usize,
    /// Claimed by another sender first.
    pub skipped: usize,
}

/// Tries every notification due at `now` (at most [`SWEEP_BATCH`], within
/// [`SWEEP_BUDGET`]); the schedule calls it every minute. A notification that can't be handled now is logged and left to its next
/// try: one bad item holds up no other.
pub async fn sweep(state: &FormsState, now: DateTime<Utc>) -> Result<Swept, NotifyError> {
    let started = std::time::Instant::now();
    let due = state.entries.due_notifications(now, SWEEP_BATCH).await?;
    let mut swept = Swept::default();
    for due in due {
        if started.elapsed() > SWEEP_BUDGET {
            tracing::info!(
                ?swept,
                "the sweep's time is up; the next sweep takes the rest"
            );
            break;
        }
        match sweep_one(state, &due, now).await {
            Ok(Outcome::Recorded(EmailState::Sent)) => swept.sent += 1,
            Ok(Outcome::Recorded(_)) => swept.failed += 1,
            Ok(Outcome::GaveUp) => swept.gave_up += 1,
            Ok(Outcome::Dropped) => swept.dropped += 1,
            Err(NotifyError::Busy) => swept.skipped += 1,
            Err(NotifyError::Unexpected(e)) => {
                tracing::error!(entry = %due.entry_id, error = ?e, "a due notification could not be handled");
            }
        }
    }
    Ok(swept)
}

enum Outcome {
    Recorded(EmailState),
    GaveUp,
    Dropped,
}

async fn sweep_one(
    state: &FormsState,
    due: &NotificationDue,
    now: DateTime<Utc>,
) -> Result<Outcome, NotifyError> {
    let claim = next_claim(due, now);
    state
        .entries
        .claim_notification(Some(due.attempts), &claim)
        .await?;
    if due.attempts >= MAX_ATTEMPTS {
        // The last attempt ended without recording (cut short): the round is over.
        state
            .entries
            .record_email(&claim, EmailState::Failed, None)
            .await?;
        return Ok(Outcome::GaveUp);
    }
    let (t, c) = (due.tenant_id, due.customer_id);
    let (entry, form, tenant) = tokio::join!(
        state.entries.get_entry(t, c, due.entry_id, now),
        state.forms.get_form(due.form_id),
        state.tenants.get_tenant(t),
    );
    let (entry, form, tenant) = (entry?, form?, tenant?);
    // Within the agency's retention as it is set now, as every read of entries checks.
    let retained = |e: &FormEntry| {
        tenant.as_ref().is_some_and(|t| {
            e.received_at >= now - Duration::days(i64::from(t.form_entry_retention_days.days()))
        })
    };
    let Some(entry) = entry.filter(retained) else {
        state
            .entries
            .record_email(&claim, EmailState::Failed, None)
            .await?;
        return Ok(Outcome::Dropped);
    };
    let Some(form) = form.filter(|f| !f.recipients.is_empty() && f.id == entry.form_id) else {
        state
            .entries
            .record_email(&claim, EmailState::NoRecipients, None)
            .await?;
        return Ok(Outcome::Dropped);
    };
    let recorded = attempt(state, tenant.as_ref(), &form, &entry, &claim).await?;
    if recorded == EmailState::Failed && claim.attempts >= MAX_ATTEMPTS {
        return Ok(Outcome::GaveUp);
    }
    Ok(Outcome::Recorded(recorded))
}

/// Sends under `claim` and records how it went: sent, or failed with the claim's next try
/// while attempts are left.
async fn attempt(
    state: &FormsState,
    tenant: Option<&Tenant>,
    form: &Form,
    entry: &FormEntry,
    claim: &NotificationDue,
) -> Result<EmailState, NotifyError> {
    let sent = match tenant {
        Some(tenant) => intake::send_notification(state, tenant, form, entry).await,
        None => Err(anyhow::anyhow!("the form's agency is gone")),
    };
    let (recorded, next_try) = match sent {
        Ok(()) => (EmailState::Sent, None),
        Err(e) => {
            let next_try = (claim.attempts < MAX_ATTEMPTS).then_some(claim.due_at);
            tracing::warn!(
                form = %form.id, entry = %entry.id, attempt = claim.attempts, ?next_try,
                error = %e, "the form entry's email was not sent"
            );
            (EmailState::Failed, next_try)
        }
    };
    state
        .entries
        .record_email(claim, recorded, next_try)
        .await?;
    Ok(recorded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_backoff_doubles_from_the_lease_up_to_two_hours() {
        let waits: Vec<i64> = (1..=MAX_ATTEMPTS)
            .map(|n| backoff(n).num_minutes())
            .collect();
        assert_eq!(waits, [2, 4, 8, 16, 32, 64, 120, 120]);
        assert!(backoff(1) >= Duration::seconds(LEASE_SECONDS));
        assert_eq!(backoff(u32::MAX).num_minutes(), 120);
        assert_eq!(backoff(0).num_minutes(), 2);
    }
}
