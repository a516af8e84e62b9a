//! The email that tells a customer their project moved to a status with something for them
//! to look at: a preview to give feedback on (`feedback`), or the live site (`online`).
//! Wording from the catalogue (`status-feedback-*`, `status-online-*`, `status.ftl`), in the
//! frame every link email shares.

use crate::{
    domain::{Language, ProjectStatus},
    messages::{RenderedEmail, password_reset::notice_email},
};

/// Where in the portal the email leads for `status`, or `None` when nobody is told of it.
pub fn area_path(status: ProjectStatus) -> Option<&'static str> {
    match status {
        ProjectStatus::Feedback => Some("/feedback"),
        // The start page, which for `online` leads to form entries and the live site.
        ProjectStatus::Online => Some("/start"),
        _ => None,
    }
}

/// The email to `company`'s contact in `language` that the project is now `status`, with a
/// button to `portal_base_url` + the status's area; `None` for a status nobody is told of.
pub fn render(
    language: Language,
    agency: &str,
    company: &str,
    status: ProjectStatus,
    portal_base_url: &str,
) -> Option<RenderedEmail> {
    let path = area_path(status)?;
    let link = format!("{}{path}", portal_base_url.trim_end_matches('/'));
    let args = [("agency", agency.into()), ("company", company.into())];
    Some(notice_email(
        language,
        &format!("status-{}", status.code()),
        agency,
        &args,
        &link,
    ))
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::i18n::t;

    #[test]
    fn feedback_and_online_are_told_in_every_language_with_the_area_link() {
        for status in [ProjectStatus::Feedback, ProjectStatus::Online] {
            let mut subjects = HashSet::new();
            for language in Language::ALL {
                let email = render(
                    language,
                    "Webagentur Berg",
                    "Bäckerei Sonne",
                    status,
                    "https://kunden.berg.example/",
                )
                .expect("this status is told");
                let link = format!("https://kunden.berg.example{}", area_path(status).unwrap());
                let html = email.html.replace("&#x2f;", "/");
                assert!(html.contains(&format!("href=\"{link}\"")), "{language}");
                assert!(email.text.contains(&format!("\n{link}\n")), "{language}");
                assert!(email.html.contains(&format!("<html lang=\"{language}\">")));
                let button = t(language, &format!("status-{status}-button"));
                for part in [&email.text, &html] {
                    assert!(part.contains("Bäckerei Sonne"), "{language}: {part}");
                    assert!(part.contains("Webagentur Berg"), "{language}");
                    assert!(part.contains(&button), "{language}");
                    assert!(!part.contains("Unknown localization"), "{language}");
                    assert!(!part.contains("{$"), "{language}: {part}");
                }
                assert!(!email.text.contains("\n\n\n"), "{language}: {}", email.text);
                assert!(!email.html.contains("<p style=\"margin:0 0 16px;\"></p>"));
                subjects.insert(email.subject);
            }
            assert_eq!(subjects.len(), 6, "{status}: the languages really differ");
        }
    }

    #[test]
    fn other_statuses_send_nothing() {
        for status in [
            ProjectStatus::Preparation,
            ProjectStatus::Design,
            ProjectStatus::Launch,
            ProjectStatus::Paused,
        ] {
            assert!(render(Language::En, "A", "B", status, "https://a.example").is_none());
        }
    }

    #[test]
    fn the_company_name_is_escaped_in_html() {
        let email = render(
            Language::En,
            "Berg",
            "Smith & <b>Sons</b>",
            ProjectStatus::Feedback,
            "https://a.example",
        )
        .unwrap();
        let html = email.html.replace("&#x2f;", "/");
        assert!(
            html.contains("Smith &amp; &lt;b&gt;Sons&lt;/b&gt;"),
            "{html}"
        );
        assert!(!email.html.contains("<b>"));
        assert_eq!(
            email.subject,
            "A preview of your website is ready for your feedback"
        );
    }
}
