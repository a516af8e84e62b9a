//! What staff ask for when they send an invitation, parsed: channels, area, note, recipient.

use serde::{Deserialize, Serialize};

use crate::domain::{Channel, Email, FieldError, FieldErrors, PortalArea, text};

const NOTE_MAX: usize = 1_000;

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SendRequest {
    /// `email`, `sms`, or both; email when left out.
    channels: Option<Vec<String>>,
    /// The portal area the links open; the start page when left out.
    area: Option<String>,
    /// A personal note placed in the email.
    note: Option<String>,
    /// Another of the customer's email addresses (say, the contact person's) to send the
    /// email to; the username stays the login email, and the email says so.
    recipient: Option<String>,
}

/// A [`SendRequest`] whose every field was understood.
#[derive(Debug)]
pub struct ValidSend {
    pub channels: Vec<Channel>,
    pub area: PortalArea,
    pub note: Option<String>,
    pub recipient: Option<Email>,
}

/// The area a link opens; the start page when left out.
pub fn parse_area(errors: &mut FieldErrors, raw: Option<&str>) -> PortalArea {
    match raw {
        None => PortalArea::Start,
        Some(raw) => errors.check("area", raw.parse()).unwrap_or_default(),
    }
}

impl SendRequest {
    pub fn validate(&self) -> Result<ValidSend, Vec<FieldError>> {
        let mut errors = FieldErrors::default();
        let mut channels = Vec::new();
        match &self.channels {
            None => channels.push(Channel::Email),
            Some(list) if list.is_empty() => {
                errors.push("channels", "must name email, sms or both")
            }
            Some(list) => {
                for (i, raw) in list.iter().enumerate() {
                    let channel = match raw.trim().to_ascii_lowercase().as_str() {
                        "email" => Channel::Email,
                        "sms" => Channel::Sms,
                        _ => {
                            errors.push(format!("channels[{i}]"), "must be email or sms");
                            continue;
                        }
                    };
                    if channels.contains(&channel) {
                        errors.push(format!("channels[{i}]"), "is listed twice");
                    } else {
                        channels.push(channel);
                    }
                }
            }
        }
        let area = parse_area(&mut errors, self.area.as_deref());
        let note = match self
            .note
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
        {
            None => None,
            Some(raw) => errors.check("note", text::clean(raw, NOTE_MAX, true)),
        };
        let recipient = match self.recipient.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(_) if !channels.contains(&Channel::Email) => {
                errors.push("recipient", "needs the email channel");
                None
            }
            Some(raw) => errors.check("recipient", Email::parse(raw)),
        };
        errors.finish(|| ValidSend {
            channels,
            area,
            note,
            recipient,
        })
    }
}
