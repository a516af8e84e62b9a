//! The email the agency gets when a customer submits their wishes: in the agency's
//! language, naming what changed since the last submission (`wishes.ftl`).

use crate::{
    domain::Language,
    i18n::t,
    messages::{RenderedEmail, password_reset::notice_email},
};

/// `changed` are section names of [`crate::domain::wishes::SECTIONS`]; empty on the first
/// submission, which changes everything.
pub fn submitted(
    language: Language,
    agency: &str,
    company: &str,
    number: u64,
    changed: &[String],
    link: &str,
) -> RenderedEmail {
    let changes = if number <= 1 {
        t(language, "wishes-submitted-first")
    } else {
        changed
            .iter()
            .map(|s| t(language, &format!("wishes-section-{s}")))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let number = i64::try_from(number).unwrap_or(i64::MAX);
    let args = [
        ("agency", agency.into()),
        ("company", company.into()),
        ("number", number.into()),
        ("changes", changes.as_str().into()),
    ];
    notice_email(language, "wishes-submitted", agency, &args, link)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_agency_reads_what_changed_in_its_own_language() {
        for language in Language::ALL {
            let email = submitted(
                language,
                "Webagentur Berg",
                "Bäckerei Sonne",
                2,
                &["tone".into(), "examples".into()],
                "https://kunden.berg.example/customers/X/wishes",
            );
            for part in [&email.text, &email.html] {
                assert!(part.contains("Bäckerei Sonne"), "{language}");
                assert!(
                    part.contains(&t(language, "wishes-section-tone")),
                    "{language}"
                );
                assert!(
                    part.contains(&t(language, "wishes-section-examples")),
                    "{language}"
                );
                assert!(
                    !part.contains(&t(language, "wishes-section-pages")),
                    "{language}"
                );
                assert!(!part.contains("Unknown localization"), "{language}");
            }
        }
        let first = submitted(Language::De, "Berg", "Sonne", 1, &[], "https://a.example");
        assert!(
            first.text.contains("alles (erste Einreichung)"),
            "{}",
            first.text
        );
        assert_eq!(
            first.subject,
            "Sonne hat die Wünsche für die Website eingereicht"
        );
    }
}
