//! Links that set a password must not outlive the address they were sent to: which links a
//! change of a customer voids, in the same atomic write as the change
//! ([`crate::ports::LinkVoids`]).

use chrono::{DateTime, Utc};

use crate::{
    domain::{
        Account, Actor, Channel, Customer, EventKind, Invitation, InvitationEvent, InvitationState,
        Subject, VoidReason,
    },
    ports::{AccountStore, InvitationStore, LinkVoids, StoreError},
};

/// The records [`voids_for`] found, as they are to be written.
#[derive(Debug, Default, Clone)]
pub struct Voiding {
    invitations: Vec<(Invitation, Invitation)>,
    reason: Option<(VoidReason, DateTime<Utc>)>,
    account: Option<(Account, Account)>,
}

impl Voiding {
    pub fn as_voids(&self) -> LinkVoids<'_> {
        LinkVoids {
            invitations: &self.invitations,
            reason: self.reason,
            account: self.account.as_ref().map(|(current, next)| (current, next)),
        }
    }
}

/// Whether changing `current` into `next` moves or clears its login email.
pub fn login_email_moves(current: &Customer, next: &Customer) -> bool {
    let normalized = |c: &Customer| c.login_email.as_ref().map(|e| e.normalized());
    normalized(current) != normalized(next)
}

/// What changing `current` into `next` (or deleting it, `None`) must void at once:
///
/// - a new or cleared login email: every open invitation (revoked, `login-email-changed`),
///   the account's session epoch (its sessions and reset links end) and its password, so
///   nothing sent to the old address (a link, or a password set from one) opens the portal
///   under the new address, which sets its own password with a reset link;
/// - a new or cleared mobile number: every open invitation whose link went out by SMS
///   (revoked, `mobile-changed`), since the old number's phone holds that link;
/// - deleting the customer: every open invitation (revoked); the account goes with it.
pub async fn voids_for(
    invitations: &dyn InvitationStore,
    accounts: &dyn AccountStore,
    current: &Customer,
    next: Option<&Customer>,
    by: Actor,
    at: DateTime<Utc>,
) -> Result<Voiding, StoreError> {
    // Which open invitations go: all of them, or (a new mobile number) those whose link went
    // out by SMS, since whoever has the old number's phone holds that link.
    let (reason, detail, only_sms) = match next {
        None => (VoidReason::Revoked, "customer-deleted".to_owned(), false),
        Some(next) if login_email_moves(current, next) => (
            VoidReason::LoginEmailChanged,
            match &current.login_email {
                Some(old) => format!("login-email-changed: the link was sent for {old}"),
                None => "login-email-changed".to_owned(),
            },
            false,
        ),
        Some(next) if next.mobile != current.mobile => (
            VoidReason::Revoked,
            match &current.mobile {
                Some(old) => format!("mobile-changed: the link was sent by SMS to {old}"),
                None => "mobile-changed".to_owned(),
            },
            true,
        ),
        Some(_) => return Ok(Voiding::default()),
    };
    let open: Vec<(Invitation, Invitation)> = invitations
        .list_invitations(current.tenant_id, current.id)
        .await?
        .into_iter()
        .filter(|i| i.state_at(at).is_open())
        .filter(|i| !only_sms || i.channels.contains(&Channel::Sms))
        .map(|i| {
            let event = InvitationEvent {
                at,
                event: EventKind::Revoked,
                channel: None,
                detail: Some(detail.clone()),
                by,
            };
            let revoked = i.with_event(event, InvitationState::Revoked);
            (i, revoked)
        })
        .collect();
    if only_sms && open.is_empty() {
        return Ok(Voiding::default());
    }
    let account = match next {
        Some(_) if !only_sms => accounts
            .get_account(current.tenant_id, Subject::Customer(current.id))
            .await?
            .map(|a| {
                // The password was set by whoever read the old address's mail: it must not
                // open the portal under the new one. The new address resets it.
                let moved = Account {
                    password_hash: crate::password_hash::VOIDED.to_owned(),
                    session_epoch: a.session_epoch + 1,
                    version: a.version + 1,
                    ..a.clone()
                };
                (a, moved)
            }),
        _ => None,
    };
    Ok(Voiding {
        invitations: open,
        reason: Some((reason, at)),
        account,
    })
}
