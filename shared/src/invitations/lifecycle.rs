//! How an invitation changes: superseded by a newer one, revoked by staff, or told what its
//! delivery did. Each gives the next version to write conditionally over the current one.

use chrono::{DateTime, Utc};

use crate::domain::{Actor, EventKind, Invitation, InvitationEvent, InvitationId, InvitationState};

impl Invitation {
    /// Replaced by invitation `by_newer`: its link stops working.
    pub fn supersede(&self, by_newer: InvitationId, by: Actor, now: DateTime<Utc>) -> Invitation {
        let event = Self::superseded_event(by_newer, by, now);
        self.with_event(event, InvitationState::Revoked)
    }

    /// What the history of an invitation replaced by invitation `by_newer` records (the store
    /// writes it into the open ones without reading them).
    pub fn superseded_event(
        by_newer: InvitationId,
        by: Actor,
        now: DateTime<Utc>,
    ) -> InvitationEvent {
        InvitationEvent {
            at: now,
            event: EventKind::Superseded,
            channel: None,
            detail: Some(format!("replaced by invitation {by_newer}")),
            by,
        }
    }

    /// Revoked by staff; refused with the state shown when the link already can't be used
    /// (accepted, expired, revoked, superseded).
    pub fn revoke(&self, by: Actor, now: DateTime<Utc>) -> Result<Invitation, InvitationState> {
        let shown = self.state_at(now);
        if !shown.is_open() {
            return Err(shown);
        }
        let event = InvitationEvent {
            at: now,
            event: EventKind::Revoked,
            channel: None,
            detail: None,
            by,
        };
        Ok(self.with_event(event, InvitationState::Revoked))
    }

    /// With the delivery `events` added. An invitation still pending becomes `outcome`; one
    /// superseded or revoked meanwhile keeps that state (its link is void) but still records
    /// what went out.
    pub fn with_delivery(
        &self,
        events: &[InvitationEvent],
        outcome: InvitationState,
    ) -> Invitation {
        let mut next = self.clone();
        next.history.extend_from_slice(events);
        if next.state == InvitationState::Pending {
            next.state = outcome;
        }
        next.version += 1;
        next
    }
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;
    use crate::domain::{Channel, CustomerId, Language, LinkToken, PortalArea, StaffId, TenantId};

    fn sent(now: DateTime<Utc>) -> Invitation {
        Invitation {
            id: InvitationId::new(),
            tenant_id: TenantId::new(),
            customer_id: CustomerId::new(),
            channels: vec![Channel::Email],
            area: PortalArea::Start,
            note: None,
            language: Language::En,
            state: InvitationState::Sent,
            token_hash: LinkToken::generate().unwrap().hash(),
            recipient: None,
            created_at: now,
            expires_at: now + Duration::days(7),
            created_by: Actor::System,
            history: vec![],
            version: 3,
        }
    }

    #[test]
    fn revoking_closes_an_open_invitation_and_refuses_a_closed_one() {
        let now = Utc::now();
        let by = Actor::Staff { id: StaffId::new() };
        let current = sent(now);
        let revoked = current.revoke(by, now).unwrap();
        assert_eq!(revoked.state, InvitationState::Revoked);
        assert_eq!(revoked.version, 4);
        assert_eq!(
            revoked.history.last().map(|e| e.event),
            Some(EventKind::Revoked)
        );
        assert_eq!(revoked.revoke(by, now), Err(InvitationState::Revoked));
        // Expired is told as expired, though stored as sent.
        assert_eq!(
            current.revoke(by, now + Duration::days(7)),
            Err(InvitationState::Expired)
        );
    }

    #[test]
    fn superseding_names_the_newer_invitation() {
        let now = Utc::now();
        let newer = InvitationId::new();
        let next = sent(now).supersede(newer, Actor::System, now);
        assert_eq!(next.state, InvitationState::Revoked);
        let event = next.history.last().unwrap();
        assert_eq!(event.event, EventKind::Superseded);
        assert_eq!(
            event.detail,
            Some(format!("replaced by invitation {newer}"))
        );
    }

    #[test]
    fn a_delivery_settles_a_pending_invitation_only() {
        let now = Utc::now();
        let event = InvitationEvent {
            at: now,
            event: EventKind::Failed,
            channel: Some(Channel::Email),
            detail: Some("refused".into()),
            by: Actor::System,
        };
        let mut pending = sent(now);
        pending.state = InvitationState::Pending;
        let failed = pending.with_delivery(std::slice::from_ref(&event), InvitationState::Failed);
        assert_eq!(failed.state, InvitationState::Failed);
        assert_eq!(failed.history, vec![event.clone()]);
        // Superseded meanwhile: the link stays void, but what went out is still recorded.
        let superseded = pending.supersede(InvitationId::new(), Actor::System, now);
        let recorded = superseded.with_delivery(&[event], InvitationState::Sent);
        assert_eq!(recorded.state, InvitationState::Revoked);
        assert_eq!(recorded.history.len(), 2);
    }
}
