use std::{fmt, str::FromStr};

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use thiserror::Error;

use super::FieldProblem;

/// An ISO 3166-1 alpha-2 country code, stored in upper case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CountryCode(isocountry::CountryCode);

#[derive(Debug, Error, PartialEq, Eq)]
#[error("must be an ISO 3166-1 alpha-2 country code such as DE, AT, CH or SE")]
pub struct UnknownCountry;

impl FieldProblem for UnknownCountry {
    fn code(&self) -> &'static str {
        "country-unknown"
    }
}

impl CountryCode {
    pub fn alpha2(self) -> &'static str {
        self.0.alpha2()
    }

    /// The region phone numbers written without a country prefix are read in.
    pub fn phone_region(self) -> Option<phonenumber::country::Id> {
        self.alpha2().parse().ok()
    }
}

impl FromStr for CountryCode {
    type Err = UnknownCountry;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if s.len() != 2 {
            return Err(UnknownCountry);
        }
        isocountry::CountryCode::for_alpha2_caseless(s)
            .map(CountryCode)
            .map_err(|_| UnknownCountry)
    }
}

impl fmt::Display for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.alpha2())
    }
}

impl Serialize for CountryCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.alpha2())
    }
}

impl<'de> Deserialize<'de> for CountryCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alpha2_codes_parse_in_any_case() {
        assert_eq!("de".parse::<CountryCode>().unwrap().alpha2(), "DE");
        assert_eq!(" SE ".parse::<CountryCode>().unwrap().alpha2(), "SE");
    }

    #[test]
    fn other_forms_are_rejected() {
        for raw in ["", "D", "DEU", "Germany", "XX", "EU"] {
            assert_eq!(raw.parse::<CountryCode>(), Err(UnknownCountry), "{raw:?}");
        }
    }
}
