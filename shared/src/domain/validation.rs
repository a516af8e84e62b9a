use std::{collections::BTreeMap, fmt};

use serde::Serialize;
use thiserror::Error;

use super::{
    email::EmailError, invitation::UnknownArea, tenant::PortalUrlError, tenant::UnknownTier,
    text::TextError,
};

/// One problem with one input field, as it appears in a problem+json `errors` list.
///
/// `message` is English for API clients; pages show the catalogue's message `field-{code}`
/// (`shared/locales/{lang}/fields.ftl`) with `args`, in the reader's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// The field's JSON path as the client sent it, e.g. `address.postalCode` or `emails[1]`.
    pub field: String,
    pub message: String,
    /// Stable across releases and languages, e.g. `phone-needs-country`.
    pub code: &'static str,
    /// The numbers the message names, e.g. `max`.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub args: BTreeMap<&'static str, i64>,
}

/// The code of a problem that has no code of its own; its catalogue message says only
/// that the value is not valid.
pub const INVALID: &str = "invalid";

impl FieldError {
    /// A problem without a code of its own ([`INVALID`]): pages show a generic message.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
            code: INVALID,
            args: BTreeMap::new(),
        }
    }

    pub fn of(field: impl Into<String>, problem: &impl FieldProblem) -> Self {
        Self {
            field: field.into(),
            message: problem.to_string(),
            code: problem.code(),
            args: problem.args().into_iter().collect(),
        }
    }
}

/// A reason a value was refused, with the code its translations are found under. The
/// English `Display` text is the API's `message` and equals the English catalogue text.
pub trait FieldProblem: fmt::Display {
    fn code(&self) -> &'static str;

    fn args(&self) -> Vec<(&'static str, i64)> {
        Vec::new()
    }
}

/// Problems that several inputs share.
#[derive(Debug, Error, Clone, Copy, PartialEq, Eq)]
pub enum Common {
    #[error("is required")]
    Required,
    #[error("must not be empty")]
    Empty,
    #[error("is listed twice")]
    ListedTwice,
    #[error("must list at most {0} addresses")]
    TooManyEmails(usize),
    #[error("is required when an address is given")]
    CountryRequired,
    /// A customer's login email, status or notes in their own change.
    #[error("can only be changed by your agency")]
    AgencyOnly,
    /// A staff user's email in their own change.
    #[error("can't be changed; ask a colleague to invite the new address")]
    AskAColleague,
}

impl FieldProblem for Common {
    fn code(&self) -> &'static str {
        match self {
            Common::Required => "required",
            Common::Empty => "empty",
            Common::ListedTwice => "listed-twice",
            Common::TooManyEmails(_) => "too-many-emails",
            Common::CountryRequired => "country-required",
            Common::AgencyOnly => "agency-only",
            Common::AskAColleague => "ask-a-colleague",
        }
    }

    fn args(&self) -> Vec<(&'static str, i64)> {
        match self {
            Common::TooManyEmails(max) => vec![("max", count(*max))],
            _ => Vec::new(),
        }
    }
}

fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

// The codes of the shared parsers' errors live here, next to the trait, rather than in
// their modules.
impl FieldProblem for TextError {
    fn code(&self) -> &'static str {
        match self {
            TextError::Empty => "empty",
            TextError::TooLong(_) => "too-long",
            TextError::ControlCharacter => "control-character",
            TextError::LineBreak => "single-line",
        }
    }

    fn args(&self) -> Vec<(&'static str, i64)> {
        match self {
            TextError::TooLong(max) => vec![("max", count(*max))],
            _ => Vec::new(),
        }
    }
}

impl FieldProblem for EmailError {
    fn code(&self) -> &'static str {
        match self {
            EmailError::Empty => "empty",
            EmailError::TooLong => "email-too-long",
            EmailError::Invalid => "email-invalid",
            EmailError::NoDomainDot => "email-no-domain-dot",
        }
    }
}

impl FieldProblem for PortalUrlError {
    fn code(&self) -> &'static str {
        match self {
            PortalUrlError::Invalid => "url-invalid",
            PortalUrlError::NotHttps => "url-not-https",
            PortalUrlError::Extra => "url-extra",
        }
    }
}

impl FieldProblem for UnknownTier {
    fn code(&self) -> &'static str {
        "tier-unknown"
    }
}

impl FieldProblem for UnknownArea {
    fn code(&self) -> &'static str {
        "area-unknown"
    }
}

/// Collects every problem with an input so the client learns all of them at once.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FieldErrors(Vec<FieldError>);

impl FieldErrors {
    /// A problem without a code of its own; prefer [`FieldErrors::report`].
    pub fn push(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(FieldError::new(field, message));
    }

    pub fn report(&mut self, field: impl Into<String>, problem: impl FieldProblem) {
        self.0.push(FieldError::of(field, &problem));
    }

    /// Keeps the value when it parsed, records the error under `field` when it did not.
    pub fn check<T, E: FieldProblem>(&mut self, field: &str, result: Result<T, E>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(e) => {
                self.report(field, e);
                None
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn into_vec(self) -> Vec<FieldError> {
        self.0
    }

    /// `Ok(value)` when nothing was recorded.
    pub fn finish<T>(self, value: impl FnOnce() -> T) -> Result<T, Vec<FieldError>> {
        if self.0.is_empty() {
            Ok(value())
        } else {
            Err(self.0)
        }
    }
}
