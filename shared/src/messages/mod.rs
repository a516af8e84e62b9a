//! Messages the portal sends: the built-in templates, the agency's own, and how both are
//! checked and rendered.

pub mod invitation;
pub mod password_reset;
pub mod sms;

pub use invitation::{
    EmailTemplate, InvitationVars, RenderedEmail, SmsTemplate, TemplateError, VARIABLES,
};
pub use sms::{SmsEncoding, SmsInfo};
