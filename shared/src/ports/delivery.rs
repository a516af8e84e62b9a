//! Sending email and SMS.

use async_trait::async_trait;
use thiserror::Error;

use crate::domain::{OutgoingEmail, OutgoingSms};

/// Why a message was not delivered.
#[derive(Debug, Error)]
pub enum DeliveryError {
    /// The provider refused this message (unverified sender, invalid recipient, opted out):
    /// sending it again won't help.
    #[error("rejected: {0}")]
    Rejected(String),
    /// The provider can't take it now (throttling, a spending or sending limit): try later.
    #[error("unavailable: {0}")]
    Unavailable(String),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

#[async_trait]
pub trait Mailer: Send + Sync {
    /// Sends one email; returns the provider's message id.
    async fn send_email(&self, email: &OutgoingEmail) -> Result<String, DeliveryError>;
}

#[async_trait]
pub trait SmsSender: Send + Sync {
    /// Sends one transactional SMS; returns the provider's message id.
    async fn send_sms(&self, sms: &OutgoingSms) -> Result<String, DeliveryError>;
}
