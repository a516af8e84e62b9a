use std::{fmt, str::FromStr};

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::FieldProblem;

/// The languages the portal speaks to customers in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    De,
    En,
    Fr,
    Es,
    Nl,
    Sv,
}

#[derive(Debug, Error, PartialEq, Eq)]
#[error("must be one of de, en, fr, es, nl, sv")]
pub struct UnknownLanguage;

impl FieldProblem for UnknownLanguage {
    fn code(&self) -> &'static str {
        "language-unknown"
    }
}

impl Language {
    pub const ALL: [Language; 6] = [
        Language::De,
        Language::En,
        Language::Fr,
        Language::Es,
        Language::Nl,
        Language::Sv,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Language::De => "de",
            Language::En => "en",
            Language::Fr => "fr",
            Language::Es => "es",
            Language::Nl => "nl",
            Language::Sv => "sv",
        }
    }

    /// The first language of an `Accept-Language` header the portal speaks.
    pub fn first_accepted(header: &str) -> Option<Language> {
        header
            .split(',')
            .filter_map(|part| part.split(';').next()?.parse().ok())
            .next()
    }
}

impl FromStr for Language {
    type Err = UnknownLanguage;

    /// Accepts the code in any case, and a regional tag such as `de-AT` or `sv_SE`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let primary = s
            .trim()
            .split(['-', '_'])
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        Language::ALL
            .into_iter()
            .find(|l| l.code() == primary)
            .ok_or(UnknownLanguage)
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_spoken_language_of_accept_language_is_taken() {
        assert_eq!(
            Language::first_accepted("it-IT, de-CH;q=0.8, en;q=0.5"),
            Some(Language::De)
        );
        assert_eq!(Language::first_accepted("*"), None);
        assert_eq!(Language::first_accepted(""), None);
    }

    #[test]
    fn codes_and_regional_tags_parse() {
        assert_eq!("de".parse(), Ok(Language::De));
        assert_eq!("SV".parse(), Ok(Language::Sv));
        assert_eq!("nl-BE".parse(), Ok(Language::Nl));
        assert_eq!("es_MX".parse(), Ok(Language::Es));
    }

    #[test]
    fn unsupported_languages_are_rejected() {
        for raw in ["", "it", "english", "d"] {
            assert_eq!(raw.parse::<Language>(), Err(UnknownLanguage), "{raw:?}");
        }
    }
}
