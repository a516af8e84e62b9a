//! Logging in, and asking for a reset link when the password is forgotten.

use minijinja::{context, value::Serde};
use serde::Serialize;

use super::{Brand, Page, render};

/// A short confirmation shown above the login form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Notice {
    PasswordSet,
    PasswordReset,
    LoggedOut,
}

/// The login page; the form posts `email`, `password`, `next` and `csrf` to `/login`.
#[derive(Debug, Clone, Serialize)]
pub struct LoginForm<'a> {
    pub page: Page,
    /// Prefilled, e.g. after a failed attempt.
    pub email: &'a str,
    /// Where to go after logging in; sent back as a hidden input when not empty.
    pub next: &'a str,
    pub csrf: Option<&'a str>,
    pub error: Option<String>,
    pub notice: Option<Notice>,
    pub forgot_url: String,
    pub brand: Brand,
}

/// "Forgot password": asks for the email; after the POST (`sent`) says the same thing
/// whether or not an account exists. The form posts `email` and `csrf` back to the URL the
/// page was served from.
#[derive(Debug, Clone, Serialize)]
pub struct ForgotForm<'a> {
    pub page: Page,
    pub email: &'a str,
    pub sent: bool,
    pub csrf: Option<&'a str>,
    pub error: Option<String>,
    pub brand: Brand,
}

pub fn login(f: &LoginForm) -> String {
    let ctx = context! {
        lang => f.page.language.code(),
        agency => &f.page.agency,
        email => f.email,
        next => f.next,
        csrf => f.csrf,
        error => &f.error,
        notice => Serde(f.notice),
        forgot_url => &f.forgot_url,
        brand => Serde(&f.brand),
    };
    render("login.html", f.page.language, ctx)
}

pub fn forgot(f: &ForgotForm) -> String {
    let ctx = context! {
        lang => f.page.language.code(),
        agency => &f.page.agency,
        email => f.email,
        sent => f.sent,
        csrf => f.csrf,
        error => &f.error,
        brand => Serde(&f.brand),
    };
    render("forgot.html", f.page.language, ctx)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{domain::Language, i18n::t, pages::test_support::*};

    #[test]
    fn the_login_page_in_every_language() {
        let mut titles = Vec::new();
        for language in Language::ALL {
            let error = t(language, "page-my-data-errors") + " " + HOSTILE;
            let html = login(&LoginForm {
                page: page(language),
                email: "anna@baeckerei.example\"><b>",
                next: "/files?x=1&y=2",
                csrf: Some("csrf-token-123"),
                error: Some(error.clone()),
                notice: Some(Notice::LoggedOut),
                forgot_url: "/forgot-password".into(),
                brand: Brand::default(),
            });
            assert_page(&html, language);
            let expected = t(language, "page-login-title");
            assert_eq!(title(&html), format!("{expected} – {AGENCY_HTML}"));
            titles.push(expected);
            assert!(html.contains(&t(language, "page-label-email")));
            assert!(html.contains(&t(language, "page-label-password")));
            assert!(html.contains("value=\"anna@baeckerei.example&quot;&gt;&lt;b&gt;\""));
            assert!(!html.contains("<b>"));
            assert!(html.contains("autocomplete=\"username\""));
            assert!(html.contains("autocomplete=\"current-password\""));
            assert!(
                html.contains("<input type=\"hidden\" name=\"csrf\" value=\"csrf-token-123\">")
            );
            assert!(html.contains(
                "<input type=\"hidden\" name=\"next\" value=\"&#x2f;files?x=1&amp;y=2\">"
            ));
            assert!(html.contains("role=\"alert\""));
            assert!(html.contains(HOSTILE_HTML) && !html.contains(HOSTILE));
            assert!(html.contains(&format!(
                "<p class=\"notice\" role=\"status\">{}</p>",
                t(language, "page-notice-logged-out")
            )));
            assert!(html.contains(&t(language, "page-link-forgot")));
        }
        assert_titles_differ(titles);
        let plain = login(&LoginForm {
            page: page(Language::En),
            email: "",
            next: "",
            csrf: None,
            error: None,
            notice: Some(Notice::PasswordSet),
            forgot_url: "/forgot-password".into(),
            brand: Brand::default(),
        });
        assert!(!plain.contains("name=\"csrf\""));
        assert!(!plain.contains("name=\"next\""));
        assert!(!plain.contains("role=\"alert\""));
        assert!(plain.contains("Your password is set. You can log in now."));
        assert!(
            login(&LoginForm {
                notice: Some(Notice::PasswordReset),
                ..LoginForm {
                    page: page(Language::De),
                    email: "",
                    next: "",
                    csrf: None,
                    error: None,
                    notice: None,
                    forgot_url: String::new(),
                    brand: Brand::default(),
                }
            })
            .contains("Ihr Passwort wurde geändert.")
        );
    }

    #[test]
    fn the_forgot_page_in_every_language() {
        let mut titles = Vec::new();
        for language in Language::ALL {
            let form = ForgotForm {
                page: page(language),
                email: HOSTILE,
                sent: false,
                csrf: Some("csrf-token-123"),
                error: Some(t(language, "page-error-text")),
                brand: Brand::default(),
            };
            let html = forgot(&form);
            assert_page(&html, language);
            let expected = t(language, "page-forgot-title");
            assert_eq!(title(&html), format!("{expected} – {AGENCY_HTML}"));
            titles.push(expected);
            assert!(html.contains(&t(language, "page-forgot-intro")));
            assert!(
                html.contains("<input type=\"hidden\" name=\"csrf\" value=\"csrf-token-123\">")
            );
            assert!(html.contains(HOSTILE_HTML) && !html.contains(HOSTILE));
            assert!(html.contains(&format!(
                "role=\"alert\" id=\"forgot-error\">{}</p>",
                t(language, "page-error-text")
            )));
            assert!(html.contains("autocomplete=\"username\""));

            let sent = forgot(&ForgotForm {
                sent: true,
                error: None,
                ..form
            });
            assert_page(&sent, language);
            assert!(sent.contains(&t(language, "page-forgot-sent")));
            assert!(!sent.contains("<form"), "{language}: no second request");
            assert!(sent.contains(&t(language, "page-link-back-to-login")));
        }
        assert_titles_differ(titles);
        let en = forgot(&ForgotForm {
            page: page(Language::En),
            email: "",
            sent: true,
            csrf: None,
            error: None,
            brand: Brand::default(),
        });
        assert!(en.contains(
            "If an account exists for this address, we sent a link. It is valid for one hour."
        ));
    }

    #[test]
    fn pages_without_an_agency_read_well() {
        for language in Language::ALL {
            let html = login(&LoginForm {
                page: Page {
                    language,
                    agency: String::new(),
                },
                email: "",
                next: "",
                csrf: None,
                error: None,
                notice: None,
                forgot_url: "/password/forgot".into(),
                brand: Brand::default(),
            });
            assert!(
                !html.contains(" – </title>"),
                "{language}: no dangling dash"
            );
            let intro = crate::i18n::t(language, "page-login-intro-generic");
            assert!(html.contains(&intro), "{language}: the generic intro");
        }
    }
}
