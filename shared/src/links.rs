//! Links that set a password must not outlive the address they were sent to: which links a
//! change of a customer voids, in the same atomic write as the change
//! ([`crate::ports::LinkVoids`]).

use chrono::{DateTime, Utc};

use crate::{
    domain::{
        Account, Actor, Channel, Customer, EventKind, Invitation, InvitationEvent, InvitationState,
        Subject, VoidReason,
    },
    ports::{AccountStore, InvitationStore, LinkVoids, OpenRead, StoreError},
};

/// The records [`voids_for`] found, as they are to be written.
#[derive(Debug, Default, Clone)]
pub struct Voiding {
    invitations: Vec<(Invitation, Invitation)>,
    reason: Option<(VoidReason, DateTime<Utc>)>,
    account: Option<(Account, Account)>,
    open: Option<OpenRead>,
}

impl Voiding {
    pub fn as_voids(&self) -> LinkVoids<'_> {
        LinkVoids {
            invitations: &self.invitations,
            reason: self.reason,
            account: self.account.as_ref().map(|(current, next)| (current, next)),
            open: self.open,
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
/// - a link that went where the record no longer points: an open invitation sent by SMS when
///   the mobile number changes (`mobile-changed`), or emailed to an address the agency picked
///   that is no longer on the record (`recipient-removed`): whoever has that phone or mailbox
///   holds the link;
/// - deleting the customer: every open invitation (revoked); the account goes with it.
pub async fn voids_for(
    invitations: &dyn InvitationStore,
    accounts: &dyn AccountStore,
    current: &Customer,
    next: Option<&Customer>,
    by: Actor,
    at: DateTime<Utc>,
) -> Result<Voiding, StoreError> {
    // Every open invitation goes (with this reason and detail), or only those whose own
    // route went stale.
    let everything = match next {
        None => Some((VoidReason::Revoked, "customer-deleted".to_owned())),
        Some(next) if login_email_moves(current, next) => Some((
            VoidReason::LoginEmailChanged,
            match &current.login_email {
                Some(old) => format!("login-email-changed: the link was sent for {old}"),
                None => "login-email-changed".to_owned(),
            },
        )),
        Some(next) if next.mobile == current.mobile && next.emails == current.emails => {
            return Ok(Voiding::default());
        }
        Some(_) => None,
    };
    let stale_route = |i: &Invitation| -> Option<String> {
        let next = next?;
        if next.mobile != current.mobile && i.channels.contains(&Channel::Sms) {
            return Some(match &current.mobile {
                Some(old) => format!("mobile-changed: the link was sent by SMS to {old}"),
                None => "mobile-changed".to_owned(),
            });
        }
        match &i.recipient {
            Some(to) if !next.has_address(to) => {
                Some(format!("recipient-removed: the link was emailed to {to}"))
            }
            _ => None,
        }
    };
    // The marker first, then the list: a send that commits after the marker was read moves its
    // version, so the change (conditioned on it) fails rather than miss the new invitation.
    // Where the marker named none (a customer from before it), finding the open ones listed
    // them already, after the marker: that list serves.
    let read = invitations
        .open_invitations(current.tenant_id, current.id)
        .await?;
    let marker = Some(OpenRead {
        version: read.version,
    });
    let listed = match read.listed {
        Some(listed) => listed,
        None => {
            invitations
                .list_invitations(current.tenant_id, current.id)
                .await?
        }
    };
    let open: Vec<(Invitation, Invitation)> = listed
        .into_iter()
        .filter(|i| i.state_at(at).is_open())
        .filter_map(|i| {
            let detail = match &everything {
                Some((_, detail)) => detail.clone(),
                None => stale_route(&i)?,
            };
            let event = InvitationEvent {
                at,
                event: EventKind::Revoked,
                channel: None,
                detail: Some(detail),
                by,
            };
            let revoked = i.with_event(event, InvitationState::Revoked);
            Some((i, revoked))
        })
        .collect();
    let Some((reason, _)) = everything else {
        if open.is_empty() {
            return Ok(Voiding {
                open: marker,
                ..Voiding::default()
            });
        }
        return Ok(Voiding {
            invitations: open,
            reason: Some((VoidReason::Revoked, at)),
            account: None,
            open: marker,
        });
    };
    let account = match next {
        Some(_) => accounts
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
        None => None,
    };
    Ok(Voiding {
        invitations: open,
        reason: Some((reason, at)),
        account,
        open: marker,
    })
}
