//! Invitation email and SMS: built-in wording per language, the agency's own templates, and
//! rendering into the email layout.
//!
//! - this module: the variables, the limits and the template types;
//! - `error`: why a template can't be used, in every language;
//! - `render`: checking and rendering, under the limits.

mod error;
mod render;
#[cfg(test)]
mod tests;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::{
    domain::{Customer, Language, PortalArea, Tenant},
    i18n::{long_date, t},
};

pub use error::{TemplateError, TemplateFault, TemplatePart};

/// The variables an invitation template may use.
pub const VARIABLES: &[&str] = &[
    "company",
    "contact_name",
    "agency",
    "invitation_link",
    "login_link",
    "expires_on",
    "note",
    "login_email",
    "area",
];

/// What the agency may write, in characters of template source.
const SUBJECT_SOURCE_MAX: usize = 300;
const BODY_SOURCE_MAX: usize = 20_000;
const SMS_SOURCE_MAX: usize = 1_000;
/// What a template may render to. Checked on every render, at save with sample data and at
/// send with the customer's, so a template that passed the save check fails at send only
/// when the customer's own data (long names, a long note) takes it over a limit. The
/// built-in templates stay within them with the longest data a record may hold.
///
/// A subject is the exception: at send, one that the customer's data (a 200-character
/// company name, say) takes over the limit is shortened rather than refused.
pub const SUBJECT_RENDERED_MAX: usize = 200;
pub const BODY_RENDERED_MAX: usize = 20_000;
/// Also bounds the layout's work: it loops over the body's paragraphs and lines.
pub const BODY_LINES_MAX: usize = 2_000;
pub const SMS_SEGMENTS_MAX: usize = 3;
/// Bounds the work and memory of one render (minijinja charges an instruction 1 and 64
/// bytes of output or allocation 1): about 6 MB, whatever loops or repetitions a template
/// asks for. The layout renders under the same budget.
const FUEL: u64 = 100_000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InvitationVars {
    pub company: String,
    pub contact_name: String,
    pub agency: String,
    pub invitation_link: String,
    pub login_link: String,
    pub expires_on: String,
    pub note: String,
    pub login_email: String,
    pub area: String,
}

impl InvitationVars {
    /// What a real invitation of `customer` fills in.
    #[allow(clippy::too_many_arguments)]
    pub fn for_customer(
        tenant: &Tenant,
        customer: &Customer,
        language: Language,
        area: PortalArea,
        note: Option<&str>,
        invitation_link: String,
        login_link: String,
        expires_at: DateTime<Utc>,
    ) -> Self {
        Self {
            company: customer.company_name.clone(),
            contact_name: customer
                .contact_person
                .clone()
                .or_else(|| customer.owner.clone())
                .unwrap_or_else(|| customer.company_name.clone()),
            agency: tenant.name.clone(),
            invitation_link,
            login_link,
            expires_on: long_date(language, expires_at),
            note: note.unwrap_or_default().to_owned(),
            login_email: customer
                .login_email
                .as_ref()
                .map(|e| e.to_string())
                .unwrap_or_default(),
            area: area_name(language, area),
        }
    }

    /// Plausible sample data in `language`, for previews and for checking templates.
    pub fn sample(tenant: &Tenant, language: Language, now: DateTime<Utc>) -> Self {
        let base = tenant.portal_base_url.as_str();
        Self {
            company: t(language, "sample-company"),
            contact_name: t(language, "sample-contact"),
            agency: tenant.name.clone(),
            invitation_link: format!("{base}/invite/{}", "x".repeat(43)),
            login_link: format!("{base}/login"),
            expires_on: long_date(
                language,
                now + chrono::Duration::days(tenant.invitation_validity_days.days().into()),
            ),
            note: t(language, "sample-note"),
            login_email: "anna@example.com".into(),
            area: area_name(language, PortalArea::Start),
        }
    }
}

pub fn area_name(language: Language, area: PortalArea) -> String {
    t(language, &format!("area-{}", area.code()))
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailTemplate {
    pub subject: String,
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmsTemplate {
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RenderedEmail {
    pub subject: String,
    pub text: String,
    pub html: String,
}
