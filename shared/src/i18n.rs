//! The message catalogue: Project Fluent files in `shared/locales/{lang}/*.ftl` (`portal.ftl`;
//! `login.ftl` for the login's limits, `fields.ftl` for field errors, `templates.ftl` for the
//! agency's templates, `links.ftl`, `http.ftl`), compiled into the binary.

use std::{borrow::Cow, collections::HashMap};

use chrono::{DateTime, Datelike, Utc};
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

/// A value for a `{ $name }` placeable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arg<'a> {
    Text(&'a str),
    /// A count: Fluent's plural selectors (`[one]`, `*[other]`) choose by it, in the rules of
    /// the message's language. Passed as text it would always fall to `other` ("1 minutes").
    Number(i64),
}

impl<'a> From<&'a str> for Arg<'a> {
    fn from(text: &'a str) -> Self {
        Arg::Text(text)
    }
}

impl<'a> From<&'a String> for Arg<'a> {
    fn from(text: &'a String) -> Self {
        Arg::Text(text)
    }
}

impl From<i64> for Arg<'_> {
    fn from(n: i64) -> Self {
        Arg::Number(n)
    }
}

impl From<u32> for Arg<'_> {
    fn from(n: u32) -> Self {
        Arg::Number(n.into())
    }
}

impl From<usize> for Arg<'_> {
    fn from(n: usize) -> Self {
        Arg::Number(i64::try_from(n).unwrap_or(i64::MAX))
    }
}

/// The message `key` in `language` with its `{ $name }` placeables filled in with text.
pub fn t_with(language: Language, key: &str, args: &[(&'static str, &str)]) -> String {
    let args: Vec<(&'static str, Arg)> = args.iter().map(|(n, v)| (*n, Arg::Text(v))).collect();
    t_args(language, key, &args)
}

/// The message `key` in `language` with its placeables filled in, counts as numbers.
pub fn t_args(language: Language, key: &str, args: &[(&'static str, Arg<'_>)]) -> String {
    let args: HashMap<Cow<'static, str>, FluentValue> = args
        .iter()
        .map(|(name, value)| {
            let value = match value {
                Arg::Text(text) => FluentValue::from(text.to_string()),
                Arg::Number(n) => FluentValue::from(*n),
            };
            (Cow::Borrowed(*name), value)
        })
        .collect();
    LOCALES.lookup_with_args(&langid(language), key, &args)
}

/// A long date as people write it in `language` ("29. November 2026", "29 novembre 2026").
/// The month's name is the catalogue's (`date-long`), not chrono's `format_localized`, whose
/// tables of every locale glibc knows weighed on every function that sends an invitation.
pub fn long_date(language: Language, at: DateTime<Utc>) -> String {
    let date = at.date_naive();
    let (day, year) = (date.day().to_string(), date.year().to_string());
    t_args(
        language,
        "date-long",
        &[
            ("day", Arg::Text(&day)),
            ("month", Arg::from(date.month())),
            ("year", Arg::Text(&year)),
        ],
    )
}

/// A field error in `language`: the catalogue's `field-{code}` (`fields.ftl`) with its
/// numbers as Fluent numbers, so plurals select; a code the catalogue lacks reads as the
/// generic "not valid" rather than as English.
pub fn field_message(language: Language, error: &crate::domain::FieldError) -> String {
    let args: HashMap<Cow<'static, str>, FluentValue> = error
        .args
        .iter()
        .map(|(name, value)| (Cow::Borrowed(*name), FluentValue::from(*value)))
        .collect();
    let id = langid(language);
    LOCALES
        .try_lookup_with_args(&id, &format!("field-{}", error.code), &args)
        .unwrap_or_else(|| LOCALES.lookup(&id, "field-invalid"))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    fn keys(source: &str) -> BTreeSet<String> {
        source
            .lines()
            .filter(|l| !l.starts_with(['#', ' ']) && l.contains(" = "))
            .filter_map(|l| l.split(" = ").next())
            .map(str::to_owned)
            .collect()
    }

    /// The keys of the catalogue file `file` (`portal.ftl`, `fields.ftl`, ...), after checking
    /// that every language has the file with exactly the same keys.
    fn same_keys_in_every_language(file: &str) -> BTreeSet<String> {
        let read = |language: Language| {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("locales")
                .join(langid(language).to_string())
                .join(file);
            keys(&std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}")))
        };
        let english = read(Language::En);
        for language in Language::ALL {
            assert_eq!(read(language), english, "{language} {file}");
        }
        english
    }

    #[test]
    fn every_catalogue_file_has_the_same_messages_in_every_language() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("locales/en");
        let files: BTreeSet<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.ends_with(".ftl"))
            .collect();
        assert!(files.len() >= 6, "{files:?}");
        for file in &files {
            for key in same_keys_in_every_language(file) {
                for language in Language::ALL {
                    assert!(!t(language, &key).is_empty(), "{language} {key}");
                }
            }
        }
    }

    #[test]
    fn every_language_has_every_field_message_with_its_plurals() {
        assert!(same_keys_in_every_language("fields.ftl").len() > 20);
        let too_long = |language, max| {
            let mut error = crate::domain::FieldError::new("owner", "");
            error.code = "too-long";
            error.args.insert("max", max);
            field_message(language, &error)
        };
        assert_eq!(
            too_long(Language::En, 1),
            "must be at most 1 character long"
        );
        assert_eq!(
            too_long(Language::En, 200),
            "must be at most 200 characters long"
        );
        assert_eq!(too_long(Language::Fr, 1), "1 caractère au maximum.");
        assert_eq!(too_long(Language::Fr, 200), "200 caractères au maximum.");
        let unknown = crate::domain::FieldError::new("x", "whatever the API said");
        assert_eq!(
            field_message(Language::De, &unknown),
            "Dieser Wert ist ungültig."
        );
    }

    #[test]
    fn every_language_has_every_message() {
        let portal = same_keys_in_every_language("portal.ftl");
        let login = same_keys_in_every_language("login.ftl");
        assert!(portal.len() + login.len() > 15);
    }

    /// Every message with a count, rendered with 1 and with 2: (key, count name, then per
    /// language what the text for 1 and for 2 must contain).
    #[test]
    fn counts_choose_singular_and_plural_in_every_language() {
        use Language::*;
        /// Per language, what the text for 1 and for 2 must contain.
        type Forms = [(Language, &'static str, &'static str); 6];
        let table: [(&str, &str, Forms); 7] = [
            (
                "login-locked",
                "minutes",
                [
                    (De, "1 Minute ", "2 Minuten"),
                    (En, "1 minute ", "2 minutes"),
                    (Fr, "1 minute ", "2 minutes"),
                    (Es, "1 minuto ", "2 minutos"),
                    (Nl, "1 minuut ", "2 minuten"),
                    (Sv, "1 minut ", "2 minuter"),
                ],
            ),
            (
                "password-change-locked",
                "minutes",
                [
                    (De, "1 Minute ", "2 Minuten"),
                    (En, "1 minute ", "2 minutes"),
                    (Fr, "1 minute ", "2 minutes"),
                    (Es, "1 minuto ", "2 minutos"),
                    (Nl, "1 minuut ", "2 minuten"),
                    (Sv, "1 minut ", "2 minuter"),
                ],
            ),
            (
                "reset-expiry",
                "minutes",
                [
                    (De, "1 Minute ", "2 Minuten"),
                    (En, "1 minute ", "2 minutes"),
                    (Fr, "1 minute ", "2 minutes"),
                    (Es, "1 minuto ", "2 minutos"),
                    (Nl, "1 minuut ", "2 minuten"),
                    (Sv, "1 minut ", "2 minuter"),
                ],
            ),
            (
                "staff-invite-expiry",
                "days",
                [
                    (De, "1 Tag ", "2 Tage "),
                    (En, "1 day ", "2 days"),
                    (Fr, "1 jour ", "2 jours"),
                    (Es, "1 día ", "2 días"),
                    (Nl, "1 dag ", "2 dagen"),
                    (Sv, "1 dag ", "2 dagar"),
                ],
            ),
            (
                "password-too-short",
                "min",
                [
                    (De, "1 Zeichen", "2 Zeichen"),
                    (En, "1 character.", "2 characters"),
                    (Fr, "1 caractère.", "2 caractères"),
                    (Es, "1 carácter.", "2 caracteres"),
                    (Nl, "1 teken ", "2 tekens"),
                    (Sv, "1 tecken", "2 tecken"),
                ],
            ),
            (
                "password-too-long",
                "max",
                [
                    (De, "1 Zeichen", "2 Zeichen"),
                    (En, "1 character.", "2 characters"),
                    (Fr, "1 caractère.", "2 caractères"),
                    (Es, "1 carácter.", "2 caracteres"),
                    (Nl, "1 teken ", "2 tekens"),
                    (Sv, "1 tecken", "2 tecken"),
                ],
            ),
            (
                "page-password-hint",
                "min",
                [
                    (De, "1 Zeichen", "2 Zeichen"),
                    (En, "1 character.", "2 characters"),
                    (Fr, "1 caractère.", "2 caractères"),
                    (Es, "1 carácter.", "2 caracteres"),
                    (Nl, "1 teken.", "2 tekens"),
                    (Sv, "1 tecken", "2 tecken"),
                ],
            ),
        ];
        for (key, name, languages) in table {
            for (language, one, two) in languages {
                let single = t_args(language, key, &[(name, Arg::Number(1))]);
                let plural = t_args(language, key, &[(name, Arg::Number(2))]);
                assert!(single.contains(one), "{language} {key}: {single}");
                assert!(plural.contains(two), "{language} {key}: {plural}");
                assert!(!single.contains('{'), "{language} {key}: {single}");
            }
        }
    }

    #[test]
    fn every_language_explains_why_a_link_stopped_working() {
        let english = same_keys_in_every_language("links.ftl");
        assert_eq!(english.len(), 3);
        for language in Language::ALL {
            for key in &english {
                let text = t_with(language, key, &[("agency", "Webagentur Berg")]);
                assert!(!text.is_empty() && !text.contains(key), "{language} {key}");
            }
        }
    }

    #[test]
    fn every_language_has_every_http_message() {
        let english = same_keys_in_every_language("http.ftl");
        assert!(english.contains("http-not-utf8"));
        for language in Language::ALL {
            for key in &english {
                let text = t(language, key);
                assert!(!text.is_empty() && text != *key, "{language} {key}");
            }
        }
        assert_eq!(
            t(Language::De, "http-single-line"),
            "muss in einer Zeile stehen"
        );
    }
}
