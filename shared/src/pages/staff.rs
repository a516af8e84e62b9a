//! A staff user's own page: their name and language, the password change and logout.

use minijinja::{context, value::Serde};
use serde::Serialize;

use super::{Page, errors_by_field, language_options, render};
use crate::domain::{
    FieldError, StaffMember,
    password::{MAX_CHARS, MIN_CHARS},
};

/// A staff user's own page: their name and language, the password change and logout. The
/// form posts `name`, `language` and `csrf` to `/me`.
#[derive(Debug, Clone, Serialize)]
pub struct StaffAccountPage<'a> {
    pub page: Page,
    pub member: &'a StaffMember,
    pub csrf: &'a str,
    pub saved: bool,
    /// Shown at `name` or `language`; any other field's message above the form.
    pub errors: &'a [FieldError],
    pub password_changed: bool,
    pub password_error: Option<String>,
}

pub fn staff_account(p: &StaffAccountPage) -> String {
    let m = p.member;
    let (field_errors, other_errors) =
        errors_by_field(p.errors, &["name", "language"], p.page.language);
    let ctx = context! {
        lang => p.page.language.code(),
        agency => &p.page.agency,
        csrf => p.csrf,
        saved => p.saved,
        has_errors => !p.errors.is_empty(),
        field_errors => Serde(field_errors),
        other_errors => Serde(other_errors),
        name => &m.name,
        language => m.language.code(),
        languages => language_options(),
        login_email => m.email.as_str(),
        password_changed => p.password_changed,
        password_error => &p.password_error,
        min_chars => MIN_CHARS,
        max_chars => MAX_CHARS,
    };
    render("staff_account.html", p.page.language, ctx)
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;
    use crate::{
        domain::{Language, TenantId},
        i18n::{field_message, t, t_with},
        pages::{Purpose, SetPasswordForm, set_password, test_support::*},
    };

    #[test]
    fn the_staff_pages_in_every_language() {
        let now = Utc::now();
        let member = StaffMember {
            id: crate::domain::StaffId::new(),
            tenant_id: TenantId::new(),
            name: HOSTILE.into(),
            email: crate::domain::Email::parse("jonas@berg.example").unwrap(),
            language: Language::Nl,
            created_at: now,
            created_by: crate::domain::Actor::System,
            invitation: None,
            activated_at: Some(now),
            last_login_at: None,
            updated_at: now,
            version: 1,
        };
        let errors = [FieldError::of(
            "name",
            &crate::domain::text::TextError::Empty,
        )];
        let mut titles = Vec::new();
        for language in Language::ALL {
            let html = staff_account(&StaffAccountPage {
                page: page(language),
                member: &member,
                csrf: "csrf-token-123",
                saved: true,
                errors: &errors,
                password_changed: false,
                password_error: None,
            });
            assert_page(&html, language);
            let expected = t(language, "page-staff-title");
            assert_eq!(title(&html), format!("{expected} – {AGENCY_HTML}"));
            titles.push(expected);
            assert!(
                html.contains(&t(language, "page-staff-hint-email")),
                "{html}"
            );
            assert!(html.contains("<dd>jonas@berg.example</dd>"));
            assert!(input(&html, "name").contains(&format!("value=\"{HOSTILE_HTML}\"")));
            assert!(input(&html, "name").contains("aria-invalid=\"true\""));
            assert!(html.contains(&format!(
                "<p class=\"error\" id=\"e-name\">{}</p>",
                escaped(&field_message(language, &errors[0]))
            )));
            assert!(html.contains("<option value=\"nl\" lang=\"nl\" selected>Nederlands</option>"));
            assert!(
                !html.contains(&t(language, "page-label-company-name")),
                "no customer fields"
            );
            assert_eq!(
                html.matches("<input type=\"hidden\" name=\"csrf\" value=\"csrf-token-123\">")
                    .count(),
                3,
                "own data, password change and logout"
            );
            assert!(html.contains(&t(language, "page-change-password-title")));
            assert!(html.contains(&t(language, "page-logout")));
            // The invitation page for staff names the person, not a company.
            let form = SetPasswordForm {
                staff: true,
                company: "Jonas Berg",
                ..set_password_form(language, Purpose::Invitation)
            };
            let html = set_password(&form);
            assert_page(&html, language);
            assert!(html.contains(&format!(
                "<dt>{}</dt>\n<dd>Jonas Berg</dd>",
                t(language, "page-label-name")
            )));
            let intro = t_with(
                language,
                "page-staff-set-password-intro",
                &[("agency", "@")],
            );
            let opening = intro.split('@').next().unwrap().trim_end();
            assert!(
                opening.len() > 5 && html.contains(opening),
                "{language}: {opening}"
            );
        }
        assert_titles_differ(titles);
    }

    #[test]
    fn every_field_error_on_the_staff_page_is_in_the_readers_language() {
        let now = Utc::now();
        let member = StaffMember {
            id: crate::domain::StaffId::new(),
            tenant_id: TenantId::new(),
            name: "Jonas Berg".into(),
            email: crate::domain::Email::parse("jonas@berg.example").unwrap(),
            language: Language::Nl,
            created_at: now,
            created_by: crate::domain::Actor::System,
            invitation: None,
            activated_at: Some(now),
            last_login_at: None,
            updated_at: now,
            version: 1,
        };
        let mut errors = Vec::new();
        for (name, language) in [
            (Some(""), Some("xx")),
            (Some(&*"x".repeat(101)), Some("")),
            (Some("a\u{1b}b"), None),
        ] {
            let changes = crate::domain::StaffChanges {
                name: name.map(str::to_owned),
                language: language.map(str::to_owned),
            };
            errors.extend(changes.applied(&member, now).unwrap_err());
        }
        errors.push(FieldError::of(
            "email",
            &crate::domain::validation::Common::AskAColleague,
        ));
        let codes: Vec<&str> = errors.iter().map(|e| e.code).collect();
        assert_eq!(
            codes,
            [
                "empty",
                "language-unknown",
                "too-long",
                "language-unknown",
                "control-character",
                "ask-a-colleague"
            ]
        );
        assert_every_error_in_the_readers_language(&errors, |language, error| {
            staff_account(&StaffAccountPage {
                page: page(language),
                member: &member,
                csrf: "c",
                saved: false,
                errors: std::slice::from_ref(error),
                password_changed: false,
                password_error: None,
            })
        });
    }
}
