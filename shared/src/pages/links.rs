//! The pages behind an invitation or reset link: setting the password, or what happened to a
//! link that can't be used.

use minijinja::{context, value::Serde};
use serde::Serialize;

use super::{Brand, Page, render};
use crate::domain::password::{MAX_CHARS, MIN_CHARS};

/// Why a password is being set: first access from an invitation, or a reset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Purpose {
    Invitation,
    Reset,
}

/// The page behind an invitation or reset link that still works.
#[derive(Debug, Clone, Serialize)]
pub struct SetPasswordForm<'a> {
    pub page: Page,
    pub purpose: Purpose,
    /// For a staff user's account, whose `company` is their own name.
    pub staff: bool,
    pub company: &'a str,
    pub login_email: &'a str,
    /// Where the form posts `password` (and `csrf`).
    pub action: &'a str,
    pub csrf: Option<&'a str>,
    /// Already localized, e.g. [`crate::domain::password::PasswordProblem::message`].
    pub error: Option<String>,
    /// The agency of the link.
    pub brand: Brand,
}

/// Why a link can't be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LinkProblem {
    Expired,
    Used,
    /// A newer invitation or reset link replaced it.
    Superseded,
    /// The agency withdrew it.
    Revoked,
    /// It was sent to an address that is no longer the account's login email.
    #[serde(rename = "login-email-changed")]
    LoginEmailChanged,
    /// A reset link from before the password was last set, changed or reset.
    #[serde(rename = "password-changed")]
    PasswordChanged,
    /// No such link (mistyped or cut off).
    Unknown,
}

#[derive(Debug, Clone, Serialize)]
pub struct LinkProblemPage {
    pub page: Page,
    pub purpose: Purpose,
    pub problem: LinkProblem,
    pub login_url: String,
    pub forgot_url: String,
    /// The agency of the link, when it is known.
    pub brand: Brand,
}

/// The page behind a working invitation or reset link.
pub fn set_password(form: &SetPasswordForm) -> String {
    let (title_key, intro_key) = match (form.purpose, form.staff) {
        (Purpose::Invitation, false) => ("page-set-password-title", "page-set-password-intro"),
        (Purpose::Invitation, true) => ("page-set-password-title", "page-staff-set-password-intro"),
        (Purpose::Reset, _) => ("page-reset-password-title", "page-reset-password-intro"),
    };
    let holder_key = if form.staff {
        "page-label-name"
    } else {
        "page-label-company"
    };
    let ctx = context! {
        lang => form.page.language.code(),
        agency => &form.page.agency,
        title_key,
        intro_key,
        holder_key,
        company => form.company,
        login_email => form.login_email,
        action => form.action,
        csrf => form.csrf,
        error => &form.error,
        min_chars => MIN_CHARS,
        max_chars => MAX_CHARS,
        brand => Serde(&form.brand),
    };
    render("set_password.html", form.page.language, ctx)
}

/// What happened to a link that can't be used, and what to do now.
pub fn link_problem(p: &LinkProblemPage) -> String {
    let reset = p.purpose == Purpose::Reset;
    let problem_key = match (p.problem, reset) {
        (LinkProblem::Expired, false) => "page-link-expired-invitation",
        (LinkProblem::Expired, true) => "page-link-expired-reset",
        (LinkProblem::Used, _) => "page-link-used",
        (LinkProblem::Superseded, false) => "page-link-superseded-invitation",
        (LinkProblem::Superseded, true) => "page-link-superseded-reset",
        (LinkProblem::Revoked, false) => "page-link-revoked-invitation",
        (LinkProblem::Revoked, true) => "page-link-revoked-reset",
        (LinkProblem::LoginEmailChanged, false) => "page-link-login-email-changed-invitation",
        (LinkProblem::LoginEmailChanged, true) => "page-link-login-email-changed-reset",
        (LinkProblem::PasswordChanged, _) => "page-link-password-changed",
        (LinkProblem::Unknown, _) => "page-link-unknown",
    };
    // A dead reset link is best answered with a new one; otherwise logging in comes first.
    let forgot_first = reset
        && matches!(
            p.problem,
            LinkProblem::Expired | LinkProblem::Revoked | LinkProblem::LoginEmailChanged
        );
    let ctx = context! {
        lang => p.page.language.code(),
        agency => &p.page.agency,
        problem_key,
        forgot_first,
        login_url => &p.login_url,
        forgot_url => &p.forgot_url,
        brand => Serde(&p.brand),
    };
    render("link_problem.html", p.page.language, ctx)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        domain::Language,
        i18n::{t, t_with},
        pages::test_support::*,
    };

    #[test]
    fn the_set_password_page_in_every_language() {
        let mut titles = Vec::new();
        for language in Language::ALL {
            for purpose in [Purpose::Invitation, Purpose::Reset] {
                let form = set_password_form(language, purpose);
                let html = set_password(&form);
                assert_page(&html, language);
                let key = match purpose {
                    Purpose::Invitation => "page-set-password-title",
                    Purpose::Reset => "page-reset-password-title",
                };
                let expected = t(language, key);
                assert_eq!(title(&html), format!("{expected} – {AGENCY_HTML}"));
                assert!(html.contains(&format!("<h1>{expected}</h1>")));
                titles.push(expected);
                assert!(html.contains(HOSTILE_HTML), "{language}: company escaped");
                assert!(!html.contains(HOSTILE));
                assert!(html.contains("value=\"anna@baeckerei.example\""));
                assert!(html.contains("autocomplete=\"username\""));
                assert!(
                    html.contains("<input type=\"hidden\" name=\"csrf\" value=\"csrf-token-123\">")
                );
                assert!(html.contains("action=\"&#x2f;invite&#x2f;abc\""));
                assert!(html.contains("name=\"password\" type=\"password\" autocomplete=\"new-password\" minlength=\"15\" maxlength=\"128\""));
                assert!(html.contains(&format!(
                    "<p class=\"alert\" role=\"alert\" id=\"password-error\">{}</p>",
                    form.error.as_deref().unwrap()
                )));
                assert!(html.contains("aria-invalid=\"true\""));
                let hint = t_with(language, "page-password-hint", &[("min", "15")]);
                assert!(hint.contains("15"));
                assert!(html.contains(&hint), "{language}: the hint");
            }
        }
        assert_titles_differ(titles);
        let en = set_password(&SetPasswordForm {
            csrf: None,
            error: None,
            ..set_password_form(Language::En, Purpose::Invitation)
        });
        assert!(!en.contains("name=\"csrf\""));
        assert!(!en.contains("role=\"alert\""));
        assert!(
            en.contains("At least 15 characters. A sentence of several words is easy to remember.")
        );
    }

    fn problem_page(language: Language, purpose: Purpose, problem: LinkProblem) -> String {
        link_problem(&LinkProblemPage {
            page: page(language),
            purpose,
            problem,
            login_url: "/login".into(),
            forgot_url: "/forgot-password".into(),
            brand: Brand::default(),
        })
    }

    #[test]
    fn the_link_problem_page_says_what_happened_in_every_language() {
        let problems = [
            LinkProblem::Expired,
            LinkProblem::Used,
            LinkProblem::Superseded,
            LinkProblem::Revoked,
            LinkProblem::LoginEmailChanged,
            LinkProblem::PasswordChanged,
            LinkProblem::Unknown,
        ];
        for language in Language::ALL {
            let mut texts = std::collections::HashSet::new();
            for purpose in [Purpose::Invitation, Purpose::Reset] {
                for problem in problems {
                    let html = problem_page(language, purpose, problem);
                    assert_page(&html, language);
                    assert!(title(&html).starts_with(&t(language, "page-link-problem-title")));
                    let paragraph = html
                        .lines()
                        .find(|l| l.starts_with("<p>"))
                        .expect("the explanation")
                        .to_owned();
                    texts.insert(paragraph);
                    assert!(html.contains("href=\"&#x2f;login\""));
                    assert!(html.contains("href=\"&#x2f;forgot-password\""));
                    assert!(html.contains(&t(language, "page-button-login")));
                    assert!(html.contains(&t(language, "page-button-forgot")));
                }
            }
            // Used, PasswordChanged and Unknown read the same for both purposes; the other
            // four differ.
            assert_eq!(texts.len(), 11, "{language}: {texts:#?}");
        }
        let en = |purpose, problem| problem_page(Language::En, purpose, problem);
        use LinkProblem::*;
        use Purpose::*;
        assert!(en(Invitation, Expired).contains(&format!(
            "This link has expired. Ask {AGENCY_HTML} for a new invitation."
        )));
        assert!(en(Reset, Expired).contains("This link has expired. Request a new link"));
        assert!(en(Invitation, Used).contains(
            "This link was already used. Log in with your password, or reset it if you forgot it."
        ));
        assert!(en(Invitation, Superseded).contains(
            "A newer invitation replaced this link. Use the link in the most recent email or SMS."
        ));
        assert!(en(Invitation, Revoked).contains(&format!(
            "{AGENCY_HTML} withdrew this invitation. Ask them for a new one."
        )));
        assert!(en(Invitation, Unknown).contains(
            "This link is not valid. It may be incomplete — copy the whole address from the message."
        ));
        let de = problem_page(Language::De, Invitation, Expired);
        assert!(de.contains("Dieser Link ist abgelaufen."), "{de}");
        // For a dead reset link the first button asks for a new one.
        let reset = en(Reset, Expired);
        assert!(reset.find("forgot-password").unwrap() < reset.find("href=\"&#x2f;login").unwrap());
        let used = en(Invitation, Used);
        assert!(used.find("href=\"&#x2f;login").unwrap() < used.find("forgot-password").unwrap());
    }
}
