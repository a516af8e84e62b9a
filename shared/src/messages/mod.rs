//! Messages the portal sends: the built-in templates, the agency's own, and how both are
//! checked and rendered.

pub mod feedback;
pub mod invitation;
pub mod password_reset;
pub mod sms;
pub mod status;
pub mod wishes;

pub use invitation::{
    BODY_LINES_MAX, BODY_RENDERED_MAX, EmailTemplate, InvitationVars, RenderedEmail,
    SMS_SEGMENTS_MAX, SUBJECT_RENDERED_MAX, SmsTemplate, TemplateError, TemplateFault,
    TemplatePart, VARIABLES,
};
pub use sms::{SmsEncoding, SmsInfo};
