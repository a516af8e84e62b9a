//! What a visitor sees after posting a website's form without a redirect URL (or when the
//! post was refused): a short page in the form's language with a link back.

use minijinja::context;

use super::render;
use crate::domain::Language;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormIntakePage<'a> {
    pub language: Language,
    /// `form-thanks-title` or `form-problem-title`.
    pub title_key: &'a str,
    pub text_key: &'a str,
    /// The page the form was on (an http(s) URL), for the link back.
    pub back_url: Option<&'a str>,
}

pub fn form_intake(p: &FormIntakePage) -> String {
    render(
        "form_intake.html",
        p.language,
        context! {
            lang => p.language.code(),
            title_key => p.title_key,
            text_key => p.text_key,
            back_url => p.back_url,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_thank_you_page_speaks_every_language_and_escapes_the_link_back() {
        for language in Language::ALL {
            let html = form_intake(&FormIntakePage {
                language,
                title_key: "form-thanks-title",
                text_key: "form-thanks-text",
                back_url: Some("https://www.kunde.example/kontakt?a=1&b=\"x\""),
            });
            assert!(html.contains(&format!("<html lang=\"{}\">", language.code())));
            assert!(html.contains(&crate::i18n::t(language, "form-thanks-title")));
            assert!(html.contains(&crate::i18n::t(language, "form-back")));
            assert!(html.contains("a=1&amp;b=&quot;x&quot;"), "{html}");
        }
    }
}
