//! The message catalogue: Project Fluent files in `shared/locales/{lang}/*.ftl`,
//! compiled into the binary.

use std::{borrow::Cow, collections::HashMap};

use chrono::{DateTime, Utc};
use fluent_templates::{LanguageIdentifier, Loader, fluent_bundle::FluentValue, langid};

use crate::domain::Language;

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "en",
        // Unicode isolation marks around placeables would end up inside emails and SMS.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

fn langid(language: Language) -> LanguageIdentifier {
    match language {
        Language::De => langid!("de"),
        Language::En => langid!("en"),
        Language::Fr => langid!("fr"),
        Language::Es => langid!("es"),
        Language::Nl => langid!("nl"),
        Language::Sv => langid!("sv"),
    }
}

/// The message `key` in `language`.
pub fn t(language: Language, key: &str) -> String {
    LOCALES.lookup(&langid(language), key)
}

/// The message `key` in `language` with its `{ $name }` placeables filled in.
pub fn t_with(language: Language, key: &str, args: &[(&'static str, &str)]) -> String {
    let args: HashMap<Cow<'static, str>, FluentValue> = args
        .iter()
        .map(|(name, value)| (Cow::Borrowed(*name), FluentValue::from(value.to_string())))
        .collect();
    LOCALES.lookup_with_args(&langid(language), key, &args)
}

fn chrono_locale(language: Language) -> chrono::Locale {
    match language {
        Language::De => chrono::Locale::de_DE,
        Language::En => chrono::Locale::en_GB,
        Language::Fr => chrono::Locale::fr_FR,
        Language::Es => chrono::Locale::es_ES,
        Language::Nl => chrono::Locale::nl_NL,
        Language::Sv => chrono::Locale::sv_SE,
    }
}

/// A long date as people write it in `language` ("29. November 2026", "29 novembre 2026").
pub fn long_date(language: Language, at: DateTime<Utc>) -> String {
    let format = t(language, "date-format");
    at.date_naive()
        .format_localized(&format, chrono_locale(language))
        .to_string()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    fn keys(source: &str) -> BTreeSet<&str> {
        source
            .lines()
            .filter(|l| !l.starts_with(['#', ' ']) && l.contains(" = "))
            .filter_map(|l| l.split(" = ").next())
            .collect()
    }

    #[test]
    fn every_language_has_every_message() {
        let sources = [
            include_str!("../locales/de/portal.ftl"),
            include_str!("../locales/en/portal.ftl"),
            include_str!("../locales/fr/portal.ftl"),
            include_str!("../locales/es/portal.ftl"),
            include_str!("../locales/nl/portal.ftl"),
            include_str!("../locales/sv/portal.ftl"),
        ];
        let english = keys(sources[1]);
        assert!(english.len() > 15);
        for (language, source) in Language::ALL.iter().zip(sources) {
            assert_eq!(keys(source), english, "{language}");
            for key in &english {
                assert!(!t(*language, key).is_empty(), "{language} {key}");
            }
        }
    }

    #[test]
    fn every_language_has_every_http_message() {
        let sources = [
            include_str!("../locales/de/http.ftl"),
            include_str!("../locales/en/http.ftl"),
            include_str!("../locales/fr/http.ftl"),
            include_str!("../locales/es/http.ftl"),
            include_str!("../locales/nl/http.ftl"),
            include_str!("../locales/sv/http.ftl"),
        ];
        let english = keys(sources[1]);
        assert!(english.contains("http-not-utf8"));
        for (language, source) in Language::ALL.iter().zip(sources) {
            assert_eq!(keys(source), english, "{language}");
            for key in &english {
                let text = t(*language, key);
                assert!(!text.is_empty() && text != *key, "{language} {key}");
            }
        }
        assert_eq!(
            t(Language::De, "http-single-line"),
            "muss in einer Zeile stehen"
        );
    }
}
