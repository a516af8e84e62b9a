//! Outgoing email and SMS, as the delivery ports take them.

use serde::{Deserialize, Serialize};

use super::{Email, PhoneNumber};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OutgoingEmail {
    /// The tenant's sender address.
    pub from: Email,
    /// Shown as the sender's name (the agency's name).
    pub from_name: String,
    pub to: Email,
    /// Where replies go, when not to the sender (a form entry's visitor). A parsed address,
    /// so no input can smuggle in a header or a recipient through it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_to: Option<Email>,
    pub subject: String,
    pub text: String,
    pub html: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OutgoingSms {
    pub to: PhoneNumber,
    pub text: String,
}
