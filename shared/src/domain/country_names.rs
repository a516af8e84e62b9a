//! Country names in the portal's languages, for choosing a country from a list rather than
//! typing its code. From `shared/data/country-names.tsv` (ISO 3166-1 names and their
//! translations from iso-codes, see its NOTICE), compiled in.

use std::sync::LazyLock;

use unicode_normalization::{UnicodeNormalization, char::is_combining_mark};

use super::{CountryCode, Language};

const TSV: &str = include_str!("../../data/country-names.tsv");

/// Column of each language in the file (after the code).
fn column(language: Language) -> usize {
    match language {
        Language::En => 0,
        Language::De => 1,
        Language::Fr => 2,
        Language::Es => 3,
        Language::Nl => 4,
        Language::Sv => 5,
    }
}

/// Every country the portal accepts, as (code, names in the file's language order).
static ROWS: LazyLock<Vec<(CountryCode, Vec<&'static str>)>> = LazyLock::new(|| {
    TSV.lines()
        .filter(|line| !line.starts_with('#') && !line.is_empty())
        .filter_map(|line| {
            let mut parts = line.split('\t');
            let code = parts.next()?.parse::<CountryCode>().ok()?;
            let names: Vec<&str> = parts.collect();
            (names.len() == 6).then_some((code, names))
        })
        .collect()
});

/// A key that sorts names as a reader expects: case and accents aside ("Österreich" among
/// the O's).
fn sort_key(name: &str) -> String {
    name.nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Every country with its name in `language`, sorted by that name.
pub fn country_names(language: Language) -> Vec<(CountryCode, &'static str)> {
    let col = column(language);
    let mut names: Vec<(CountryCode, &'static str)> = ROWS
        .iter()
        .map(|(code, names)| (*code, names[col]))
        .collect();
    names.sort_by_cached_key(|(_, name)| sort_key(name));
    names
}

/// The name of `code` in `language`, if the list has it.
pub fn country_name(code: CountryCode, language: Language) -> Option<&'static str> {
    ROWS.iter()
        .find(|(c, _)| *c == code)
        .map(|(_, names)| names[column(language)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_names_the_same_countries_sorted_by_name() {
        let english = country_names(Language::En);
        assert!(english.len() >= 240, "{}", english.len());
        for language in Language::ALL {
            let names = country_names(language);
            assert_eq!(names.len(), english.len(), "{language}");
            assert!(
                names.iter().all(|(_, n)| !n.trim().is_empty()),
                "{language}"
            );
            assert!(
                names
                    .windows(2)
                    .all(|w| sort_key(w[0].1) <= sort_key(w[1].1)),
                "{language}"
            );
        }
    }

    #[test]
    fn names_are_in_the_readers_language() {
        let de: CountryCode = "DE".parse().unwrap();
        let at: CountryCode = "AT".parse().unwrap();
        assert_eq!(country_name(de, Language::De), Some("Deutschland"));
        assert_eq!(country_name(de, Language::Fr), Some("Allemagne"));
        assert_eq!(country_name(de, Language::Sv), Some("Tyskland"));
        assert_eq!(country_name(at, Language::En), Some("Austria"));
        let german = country_names(Language::De);
        let at_pos = german.iter().position(|(c, _)| *c == at).unwrap();
        let oman = german.iter().position(|(_, n)| *n == "Oman").unwrap();
        assert!(at_pos > oman, "Österreich sorts among the O's, after Oman");
    }
}
