use std::fmt;

use email_address::{EmailAddress, Options};
use serde::{Deserialize, Deserializer, Serialize};
use thiserror::Error;

#[derive(Debug, Error, PartialEq, Eq)]
pub enum EmailError {
    #[error("must not be empty")]
    Empty,
    #[error("must be at most 254 characters long")]
    TooLong,
    #[error("is not a valid email address")]
    Invalid,
    #[error("needs a full domain after the @ (for example name@example.com)")]
    NoDomainDot,
}

/// A syntactically valid email address, trimmed, with its domain in lower case.
///
/// Equality is on the stored form; [`Email::normalized`] is the case-insensitive form used
/// wherever an address must be unique (the login email).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, EmailError> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(EmailError::Empty);
        }
        if s.len() > 254 {
            return Err(EmailError::TooLong);
        }
        let options = Options::default()
            .without_display_text()
            .without_domain_literal();
        let parsed =
            EmailAddress::parse_with_options(s, options).map_err(|_| EmailError::Invalid)?;
        let domain = parsed.domain().to_lowercase();
        if !domain.contains('.') || domain.ends_with('.') {
            return Err(EmailError::NoDomainDot);
        }
        Ok(Self(format!("{}@{}", parsed.local_part(), domain)))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The form compared for uniqueness: the whole address in lower case.
    pub fn normalized(&self) -> String {
        self.0.to_lowercase()
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Email {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        Email::parse(&raw).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_addresses_are_trimmed_and_domain_lowercased() {
        let e = Email::parse("  Jane.Doe@Example.COM ").unwrap();
        assert_eq!(e.as_str(), "Jane.Doe@example.com");
        assert_eq!(e.normalized(), "jane.doe@example.com");
    }

    #[test]
    fn invalid_addresses_are_rejected() {
        for (raw, expected) in [
            ("", EmailError::Empty),
            ("   ", EmailError::Empty),
            ("no-at-sign", EmailError::Invalid),
            ("two@@example.com", EmailError::Invalid),
            ("Jane <jane@example.com>", EmailError::Invalid),
            ("jane@localhost", EmailError::NoDomainDot),
            ("jane@[127.0.0.1]", EmailError::Invalid),
        ] {
            assert_eq!(Email::parse(raw), Err(expected), "{raw:?}");
        }
        let long = format!("{}@example.com", "a".repeat(250));
        assert_eq!(Email::parse(&long), Err(EmailError::TooLong));
    }
}
