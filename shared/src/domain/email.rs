use std::{borrow::Cow, fmt};

use email_address::{EmailAddress, Options};
use serde::{Deserialize, Deserializer, Serialize};
use thiserror::Error;
use unicode_normalization::UnicodeNormalization;

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

/// A syntactically valid email address: trimmed, in Unicode NFKC (so `\u{212A}im@…` with a
/// Kelvin sign is `Kim@…`, full-width letters are ASCII), with its domain in lower case. The
/// local part keeps the case it was given: it is the address mail is sent to.
///
/// Equality is on the stored form; [`Email::normalized`] is the form compared wherever two
/// addresses must be told apart or found (login emails, rate-limit keys).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, EmailError> {
        // ASCII is its own NFKC: most addresses skip the normalizer and its allocation.
        let trimmed = raw.trim();
        let normal: Cow<'_, str> = if trimmed.is_ascii() {
            Cow::Borrowed(trimmed)
        } else {
            Cow::Owned(trimmed.nfkc().collect())
        };
        let s = normal.trim();
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

    /// The form compared for uniqueness and looked up: NFKC, then the whole address in lower
    /// case. The portal treats the local part as case-insensitive, as nearly every mail
    /// provider does: `Kim@` and `kim@` are one login. NFKC again after lower-casing, because
    /// lower-casing can leave a string that is not in NFKC.
    pub fn normalized(&self) -> String {
        if self.0.is_ascii() {
            return self.0.to_ascii_lowercase();
        }
        self.0
            .nfkc()
            .collect::<String>()
            .to_lowercase()
            .nfkc()
            .collect()
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
    fn compatibility_spellings_are_one_address() {
        let kelvin = Email::parse("\u{212A}im@Kunde.example").unwrap();
        assert_eq!(kelvin.as_str(), "Kim@kunde.example");
        let wide = Email::parse("\u{FF4B}im@kunde.example").unwrap();
        assert_eq!(wide.as_str(), "kim@kunde.example");
        for spelling in [kelvin, wide, Email::parse("KIM@KUNDE.EXAMPLE").unwrap()] {
            assert_eq!(spelling.normalized(), "kim@kunde.example", "{spelling}");
        }
    }

    /// The ASCII shortcut past NFKC changes no answer: each address reads as it does with
    /// the normalizer run, and normalizes to the same lookup form.
    #[test]
    fn ascii_addresses_read_as_with_the_normalizer() {
        let through_nfkc = |raw: &str| {
            let s: String = raw.trim().nfkc().collect();
            Email::parse(&s)
        };
        for raw in [
            " Jane.Doe@Example.COM\t",
            "kim+tag@sub.kunde.example",
            "\"quoted local\"@example.com",
            "no-at-sign",
            "jane@localhost",
            "",
        ] {
            let fast = Email::parse(raw);
            assert_eq!(fast, through_nfkc(raw), "{raw:?}");
            if let Ok(email) = fast {
                let slow: String = email
                    .as_str()
                    .nfkc()
                    .collect::<String>()
                    .to_lowercase()
                    .nfkc()
                    .collect();
                assert_eq!(email.normalized(), slow, "{raw:?}");
            }
        }
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
