//! What the page tests share: sample data and the checks every page passes.

use super::{Page, Purpose, SetPasswordForm};
use crate::{
    domain::{FieldError, Language},
    i18n::{field_message, t, t_with},
};

pub(super) const AGENCY: &str = "Webagentur Berg & Söhne";
pub(super) const AGENCY_HTML: &str = "Webagentur Berg &amp; Söhne";
pub(super) const HOSTILE: &str = "<script>alert(1)</script>";
pub(super) const HOSTILE_HTML: &str = "&lt;script&gt;alert(1)&lt;&#x2f;script&gt;";

pub(super) fn page(language: Language) -> Page {
    Page {
        language,
        agency: AGENCY.into(),
    }
}

/// The checks every page passes: its language, the agency, no template leftovers.
pub(super) fn assert_page(html: &str, language: Language) {
    assert!(
        html.contains(&format!("<html lang=\"{language}\">")),
        "{language}: {html}"
    );
    assert!(html.contains(AGENCY_HTML), "{language}: the agency shows");
    assert!(
        html.contains(&format!(
            "<p class=\"portal\">{}</p>",
            t(language, "page-portal")
        )),
        "{language}"
    );
    for meta in [
        "<meta name=\"viewport\"",
        "<meta name=\"robots\" content=\"noindex\">",
        "<meta name=\"referrer\" content=\"no-referrer\">",
    ] {
        assert!(html.contains(meta), "{language}: {meta}");
    }
    assert!(!html.contains("<script"), "{language}: no JavaScript");
    assert!(!html.contains("Unknown localization"), "{language}: {html}");
    assert!(
        !html.contains("{$"),
        "{language}: a placeable was not filled"
    );
    assert!(
        !html.contains(&t(language, "page-error-title")),
        "{language}: rendered the fallback page"
    );
}

pub(super) fn title(html: &str) -> &str {
    let start = html.find("<title>").unwrap() + "<title>".len();
    let end = html.find("</title>").unwrap();
    &html[start..end]
}

pub(super) fn assert_titles_differ(titles: Vec<String>) {
    let distinct: std::collections::HashSet<_> = titles.iter().collect();
    assert_eq!(distinct.len(), titles.len(), "{titles:?}");
}

pub(super) fn set_password_form(language: Language, purpose: Purpose) -> SetPasswordForm<'static> {
    SetPasswordForm {
        page: page(language),
        purpose,
        staff: false,
        company: HOSTILE,
        login_email: "anna@baeckerei.example",
        action: "/invite/abc",
        csrf: Some("csrf-token-123"),
        error: Some(t_with(language, "password-too-short", &[("min", "15")])),
        brand: super::Brand::default(),
    }
}

pub(super) fn input<'h>(html: &'h str, name: &str) -> &'h str {
    let start = html
        .find(&format!("<input id=\"f-{name}\""))
        .unwrap_or_else(|| panic!("no input {name}"));
    let end = start + html[start..].find('>').unwrap();
    &html[start..=end]
}

/// As MiniJinja's auto-escaping writes text into HTML.
pub(super) fn escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#x27;")
        .replace('/', "&#x2f;")
}

/// The English catalogue text of every field error, as an English page would show it.
pub(super) fn english_messages(errors: &[FieldError]) -> Vec<String> {
    let mut english: Vec<String> = errors
        .iter()
        .flat_map(|e| [e.message.clone(), field_message(Language::En, e)])
        .collect();
    english.sort();
    english.dedup();
    english
}

/// Renders each of `errors` alone with `render` in every language and checks the page shows
/// the catalogue's message for it (the API's English `message` being the English catalogue's
/// text), and no English message on a page in another language.
pub(super) fn assert_every_error_in_the_readers_language(
    errors: &[FieldError],
    render: impl Fn(Language, &FieldError) -> String,
) {
    let english = english_messages(errors);
    for error in errors {
        assert_eq!(
            crate::i18n::field_message(Language::En, error),
            error.message,
            "{error:?}"
        );
        for language in Language::ALL {
            let html = render(language, error);
            assert_page(&html, language);
            let message = crate::i18n::field_message(language, error);
            assert!(
                !message.is_empty() && !message.contains("field-"),
                "{message}"
            );
            assert!(
                html.contains(&escaped(&message)),
                "{language} {error:?}: {message}"
            );
            if language != Language::En {
                for text in &english {
                    assert!(
                        !html.contains(&escaped(text)),
                        "{language} {error:?}: English {text:?} in the page"
                    );
                }
            }
        }
    }
}
