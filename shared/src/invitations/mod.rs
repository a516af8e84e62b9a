//! Invitations of customers into the portal: the rules of sending, copying, superseding and
//! revoking them. The use cases ([`send`], [`copy_link`], [`revoke`]) take the narrow ports
//! they need and answer with an [`InviteError`]; how an invitation changes is told by the
//! methods of [`Invitation`] in `lifecycle`. Handlers parse, call, and map the result.

mod lifecycle;
mod request;
mod send;
mod view;

use chrono::{DateTime, Utc};
use thiserror::Error;

pub use request::{SendRequest, ValidSend, parse_area};
pub use send::{
    Copied, Delivery, Gathered, Issuing, Recorded, check_recipient, copy_link, effective_templates,
    gather, gather_for_new_customer, revoke, send,
};
pub use view::InvitationView;

use crate::{
    domain::{Channel, FieldError, Invitation, InvitationState, Language},
    http::ApiError,
    messages::TemplateError,
    ports::{DeliveryError, StoreError},
};

#[derive(Debug, Error)]
pub enum InviteError {
    #[error("invalid fields")]
    Invalid(Vec<FieldError>),
    /// No login email (their username), or no mobile number for SMS.
    #[error("the customer can't be invited yet")]
    NotInvitable(Vec<FieldError>),
    /// Has a password already: an invitation would let someone else set it.
    #[error("the customer has already set a password")]
    AlreadyActive,
    #[error("no such {0}")]
    NotFound(&'static str),
    /// The invitation's link can no longer be used; carries the state shown.
    #[error("the invitation is closed ({0:?})")]
    Closed(InvitationState),
    /// The agency's template for `language` and `channel` fails to render; told in `speak`.
    #[error("template unusable: {error}")]
    TemplateUnusable {
        language: Language,
        channel: Channel,
        error: TemplateError,
        speak: Language,
    },
    #[error("the invitation was changed by someone else")]
    Conflict,
    /// Stored and recorded, but a channel did not go out; `invitation` says which and why.
    #[error("the invitation was stored but not delivered")]
    NotDelivered {
        failures: Vec<(Channel, DeliveryError)>,
        invitation: Box<Invitation>,
        at: DateTime<Utc>,
    },
    #[error(transparent)]
    Store(StoreError),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl From<StoreError> for InviteError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::VersionConflict => InviteError::Conflict,
            other => InviteError::Store(other),
        }
    }
}

impl From<InviteError> for ApiError {
    fn from(e: InviteError) -> Self {
        match e {
            InviteError::Invalid(errors) => ApiError::Validation(errors),
            InviteError::NotInvitable(errors) => ApiError::CustomerNotInvitable(errors),
            InviteError::AlreadyActive => ApiError::CustomerAlreadyActive,
            InviteError::NotFound(what) => ApiError::NotFound(what),
            InviteError::Closed(shown) => ApiError::InvitationClosed(shown),
            InviteError::TemplateUnusable {
                language,
                channel,
                error,
                speak,
            } => ApiError::TemplateUnusable {
                language,
                channel,
                error,
                speak,
            },
            InviteError::Conflict => ApiError::ConcurrentChange,
            InviteError::NotDelivered {
                failures,
                invitation,
                at,
            } => ApiError::InvitationNotDelivered {
                failures,
                invitation: InvitationView::json(&invitation, at),
            },
            InviteError::Store(e) => e.into(),
            InviteError::Unexpected(e) => ApiError::Unexpected(e),
        }
    }
}
