//! The public intake `POST /f/{formId}`.

/// The hidden field a person leaves empty and a bot fills in.
pub const HONEYPOT: &str = "_gotcha";
