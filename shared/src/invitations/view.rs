use crate::domain::{
    Actor, Channel, CustomerId, Email, Invitation, InvitationEvent, InvitationId, InvitationState,
    Language, PortalArea,
};
use chrono::{DateTime, Utc};
use serde::Serialize;

/// An invitation as staff see it: its state as of now, never its token.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InvitationView<'a> {
    id: InvitationId,
    customer_id: CustomerId,
    channels: &'a [Channel],
    area: PortalArea,
    note: Option<&'a str>,
    /// Where the email went, when not to the login email.
    #[serde(skip_serializing_if = "Option::is_none")]
    recipient: Option<&'a Email>,
    language: Language,
    state: InvitationState,
    created_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    created_by: &'a Actor,
    history: &'a [InvitationEvent],
}

impl<'a> InvitationView<'a> {
    pub fn of(invitation: &'a Invitation, now: DateTime<Utc>) -> Self {
        Self {
            id: invitation.id,
            customer_id: invitation.customer_id,
            channels: &invitation.channels,
            area: invitation.area,
            note: invitation.note.as_deref(),
            recipient: invitation.recipient.as_ref(),
            language: invitation.language,
            state: invitation.state_at(now),
            created_at: invitation.created_at,
            expires_at: invitation.expires_at,
            created_by: &invitation.created_by,
            history: &invitation.history,
        }
    }

    pub fn json(invitation: &Invitation, now: DateTime<Utc>) -> serde_json::Value {
        serde_json::to_value(InvitationView::of(invitation, now)).unwrap_or_default()
    }
}
