use std::fmt;

use phonenumber::{Mode, Type, metadata::DATABASE};
use serde::{Deserialize, Deserializer, Serialize};
use thiserror::Error;

use super::CountryCode;

#[derive(Debug, Error, PartialEq, Eq)]
pub enum PhoneError {
    #[error("must not be empty")]
    Empty,
    #[error(
        "needs the international prefix (for example +49 30 1234567), or a country in the address"
    )]
    NeedsCountry,
    #[error("is not a valid phone number")]
    Invalid,
    #[error("is a landline number; a mobile number is needed to receive text messages")]
    NotMobile,
}

/// A valid phone number in E.164 form (`+4930123456`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct PhoneNumber(String);

impl PhoneNumber {
    /// Parses international numbers, and national ones in `region` (the customer's country).
    pub fn parse(raw: &str, region: Option<CountryCode>) -> Result<Self, PhoneError> {
        Self::parse_number(raw, region).map(|(e164, _)| e164)
    }

    /// Like [`PhoneNumber::parse`], and refuses numbers known to be landlines.
    pub fn parse_mobile(raw: &str, region: Option<CountryCode>) -> Result<Self, PhoneError> {
        let (e164, number_type) = Self::parse_number(raw, region)?;
        match number_type {
            Type::FixedLine => Err(PhoneError::NotMobile),
            _ => Ok(e164),
        }
    }

    fn parse_number(raw: &str, region: Option<CountryCode>) -> Result<(Self, Type), PhoneError> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(PhoneError::Empty);
        }
        let region = region.and_then(CountryCode::phone_region);
        let international = s.starts_with('+') || s.starts_with("00");
        if region.is_none() && !international {
            return Err(PhoneError::NeedsCountry);
        }
        // Without a region the parser can't know the international call prefix; 00 is the
        // one most of the world (and all of Europe) dials.
        let s = match (region, s.strip_prefix("00")) {
            (None, Some(rest)) => format!("+{rest}"),
            _ => s.to_owned(),
        };
        let number = phonenumber::parse(region, &s).map_err(|_| PhoneError::Invalid)?;
        if !phonenumber::is_valid(&number) {
            return Err(PhoneError::Invalid);
        }
        let e164 = number.format().mode(Mode::E164).to_string();
        Ok((Self(e164), number.number_type(&DATABASE)))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for PhoneNumber {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        PhoneNumber::parse(&raw, None).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn country(code: &str) -> Option<CountryCode> {
        Some(code.parse().unwrap())
    }

    #[test]
    fn numbers_are_stored_as_e164() {
        for (raw, region, expected) in [
            ("+49 30 901820", None, "+4930901820"),
            ("030 901820", country("DE"), "+4930901820"),
            ("0049 30 901820", None, "+4930901820"),
            ("+46 8 123 456 78", None, "+46812345678"),
            ("(020) 555 1234", country("NL"), "+31205551234"),
        ] {
            assert_eq!(
                PhoneNumber::parse(raw, region).unwrap().as_str(),
                expected,
                "{raw}"
            );
        }
    }

    #[test]
    fn bad_numbers_are_rejected_with_a_reason() {
        assert_eq!(PhoneNumber::parse("", None), Err(PhoneError::Empty));
        assert_eq!(
            PhoneNumber::parse("030 901820", None),
            Err(PhoneError::NeedsCountry)
        );
        assert_eq!(PhoneNumber::parse("+49 12", None), Err(PhoneError::Invalid));
        assert_eq!(
            PhoneNumber::parse("call me", country("DE")),
            Err(PhoneError::Invalid)
        );
    }

    #[test]
    fn a_landline_is_refused_as_a_mobile_number() {
        assert_eq!(
            PhoneNumber::parse_mobile("+49 30 901820", None),
            Err(PhoneError::NotMobile)
        );
        assert_eq!(
            PhoneNumber::parse_mobile("+49 151 23456789", None)
                .unwrap()
                .as_str(),
            "+4915123456789"
        );
    }
}
