use std::fmt;

use phonenumber::{Mode, Type, metadata::DATABASE};
use serde::{Deserialize, Deserializer, Serialize};
use thiserror::Error;

use super::{CountryCode, FieldProblem};

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

impl FieldProblem for PhoneError {
    fn code(&self) -> &'static str {
        match self {
            PhoneError::Empty => "empty",
            PhoneError::NeedsCountry => "phone-needs-country",
            PhoneError::Invalid => "phone-invalid",
            PhoneError::NotMobile => "phone-not-mobile",
        }
    }
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

/// Shorter than Niue's numbers (+683 and four digits) or longer than E.164 allows.
const E164_DIGITS: std::ops::RangeInclusive<usize> = 7..=15;

#[derive(Debug, Error, PartialEq, Eq)]
#[error("is not a phone number in E.164 form (+ and 7 to 15 digits)")]
pub struct NotE164;

impl PhoneNumber {
    /// A number as stored: it was valid when it was parsed, so only its E.164 shape is
    /// checked. The parser's metadata takes about 100 ms to load on first use, which a cold
    /// Lambda that only lists customers should not pay; and a number that a newer metadata
    /// edition no longer knows must not make its record unreadable.
    pub fn from_stored(raw: &str) -> Result<Self, NotE164> {
        let digits = raw.strip_prefix('+').ok_or(NotE164)?;
        let well_formed = E164_DIGITS.contains(&digits.len())
            && digits.bytes().all(|b| b.is_ascii_digit())
            && !digits.starts_with('0');
        if well_formed {
            Ok(Self(raw.to_owned()))
        } else {
            Err(NotE164)
        }
    }
}

/// Reads stored numbers (see [`PhoneNumber::from_stored`]); input goes through
/// [`PhoneNumber::parse`].
impl<'de> Deserialize<'de> for PhoneNumber {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        PhoneNumber::from_stored(&raw).map_err(serde::de::Error::custom)
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

    fn stored(json: &str) -> Result<PhoneNumber, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[test]
    fn a_stored_number_is_read_without_the_parser() {
        // +999 is no country's prefix, so the parser (and its metadata, which takes 100 ms
        // to load) would refuse it: reading it back shows the parser was not asked.
        assert_eq!(
            PhoneNumber::parse("+999 1234 5678", None),
            Err(PhoneError::Invalid)
        );
        assert_eq!(stored("\"+99912345678\"").unwrap().as_str(), "+99912345678");
        let customer_number = stored("\"+4930901820\"").unwrap();
        assert_eq!(
            customer_number,
            PhoneNumber::parse("030 901820", country("DE")).unwrap()
        );
        assert_eq!(
            serde_json::to_string(&customer_number).unwrap(),
            "\"+4930901820\""
        );
    }

    #[test]
    fn every_number_the_parser_accepts_reads_back() {
        // The shortest and longest numbers in use: Niue's four digits, Germany's long ones.
        for (raw, region) in [
            ("+683 4002", None),
            ("+290 22140", None),
            ("030 901820", country("DE")),
            ("+49 30 1234 567890", None),
            ("+1 212 555 0123", None),
        ] {
            let number = PhoneNumber::parse(raw, region).unwrap_or_else(|e| panic!("{raw}: {e}"));
            let json = serde_json::to_string(&number).unwrap();
            assert_eq!(stored(&json).unwrap(), number, "{raw}");
        }
    }

    #[test]
    fn a_stored_value_that_is_not_e164_is_refused() {
        for json in [
            "\"\"",
            "\"4930901820\"",
            "\"+49 30 901820\"",
            "\"+4930-901820\"",
            "\"+0930901820\"",
            "\"+12345\"",
            "\"+1234567890123456\"",
            "\"+４９３０９０１８２０\"",
            "42",
        ] {
            assert!(stored(json).is_err(), "{json}");
        }
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
