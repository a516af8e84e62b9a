//! The server-rendered HTML pages a customer sees in the browser: setting a password from an
//! invitation or reset link, what a broken link means, login, "forgot password" and My
//! details.
//!
//! Templates live in `shared/templates/pages/` (MiniJinja, HTML-escaped) and take their
//! wording from the Fluent catalogue through the template function `t(key, **args)`, which
//! reads the page's language from the context's `lang`. Rendering never fails: a template bug
//! is logged and the customer gets a short "something went wrong" page instead.
//!
//! The forms post `application/x-www-form-urlencoded`:
//! - set password: `password` (and `csrf`) to [`SetPasswordForm::action`];
//! - login: `email`, `password`, `next` (when given) to `/login`;
//! - forgot password: `email` to the URL the page was served from (the form has no `action`);
//! - My details: the customer's fields to `/me`, `current` and `new` to `/me/password`, and
//!   an empty form to `/logout`.
//!
//! Every form carries a hidden `csrf` input when a csrf value is given.

use std::{collections::BTreeMap, sync::LazyLock};

use minijinja::{
    Environment, Error, ErrorKind, State, UndefinedBehavior, context,
    syntax::SyntaxConfig,
    value::{Kwargs, Serde, Value},
};
use serde::Serialize;

use crate::{
    domain::{
        Customer, FieldError, Language, StaffMember,
        password::{MAX_CHARS, MIN_CHARS},
    },
    i18n::{Arg, field_message, t, t_args},
};

/// What every page shows at the top: the agency's name (the portal is white-label), in the
/// customer's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Page {
    pub language: Language,
    pub agency: String,
}

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
}

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
}

/// The customer's own data, the password change and logout.
#[derive(Debug, Clone, Serialize)]
pub struct MyDataPage<'a> {
    pub page: Page,
    pub customer: &'a Customer,
    pub csrf: &'a str,
    pub saved: bool,
    /// Shown next to the field they name ([`MY_DATA_FIELDS`]; `emails[2]` counts as
    /// `emails`); any other field's message is shown above the form. Each shows as the
    /// catalogue's message for its `code`, in the page's language.
    pub errors: &'a [FieldError],
    pub password_changed: bool,
    pub password_error: Option<String>,
}

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

/// The fields of the My details form, named as in the customer JSON (`address.*` flattened).
pub const MY_DATA_FIELDS: [&str; 13] = [
    "companyName",
    "owner",
    "contactPerson",
    "address.street",
    "address.postalCode",
    "address.city",
    "address.region",
    "address.country",
    "language",
    "mobile",
    "phone",
    "fax",
    "emails",
];

/// Each language in its own name, for the language choice.
const LANGUAGE_NAMES: [(Language, &str); 6] = [
    (Language::De, "Deutsch"),
    (Language::En, "English"),
    (Language::Fr, "Français"),
    (Language::Es, "Español"),
    (Language::Nl, "Nederlands"),
    (Language::Sv, "Svenska"),
];

/// The placeables the catalogue's page messages use; `t(key, name=value)` accepts these.
const ARG_NAMES: [&str; 5] = ["agency", "company", "email", "min", "max"];

const TEMPLATES: [(&str, &str); 9] = [
    (
        "layout.html",
        include_str!("../../templates/pages/layout.html"),
    ),
    (
        "set_password.html",
        include_str!("../../templates/pages/set_password.html"),
    ),
    (
        "link_problem.html",
        include_str!("../../templates/pages/link_problem.html"),
    ),
    ("login.html", include_str!("../../templates/pages/login.html")),
    (
        "forgot.html",
        include_str!("../../templates/pages/forgot.html"),
    ),
    (
        "my_data.html",
        include_str!("../../templates/pages/my_data.html"),
    ),
    (
        "form_status.html",
        include_str!("../../templates/pages/form_status.html"),
    ),
    (
        "account_forms.html",
        include_str!("../../templates/pages/account_forms.html"),
    ),
    (
        "staff_account.html",
        include_str!("../../templates/pages/staff_account.html"),
    ),
];

static ENV: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    if let Ok(syntax) = SyntaxConfig::builder()
        .trim_blocks(true)
        .lstrip_blocks(true)
        .build()
    {
        env.set_syntax(syntax);
    }
    env.add_function("t", translate);
    for (name, source) in TEMPLATES {
        // A template that doesn't parse is a bug the tests catch; rendering it falls back.
        if let Err(e) = env.add_template(name, source) {
            tracing::error!(template = name, error = %e, "page template does not parse");
        }
    }
    env
});

/// `t(key, **args)`: the catalogue message `key` in the language of the page being rendered.
fn translate(state: &State, key: &str, args: Kwargs) -> Result<String, Error> {
    let language = state
        .lookup("lang")
        .and_then(|lang| lang.as_str().and_then(|code| code.parse::<Language>().ok()))
        .ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidOperation,
                "t() needs the page's `lang` in the context",
            )
        })?;
    let mut values = Vec::new();
    for name in args.args() {
        let Some(name) = ARG_NAMES.into_iter().find(|known| *known == name) else {
            return Err(Error::new(
                ErrorKind::TooManyArguments,
                format!("t() takes no argument named `{name}`"),
            ));
        };
        let value: Value = args.get(name)?;
        // Integers stay numbers, so the message's plural forms can choose by them.
        let count = i64::try_from(value.clone()).ok();
        values.push((name, count, value.to_string()));
    }
    let values: Vec<(&'static str, Arg)> = values
        .iter()
        .map(|(n, count, text)| (*n, count.map_or(Arg::Text(text), Arg::Number)))
        .collect();
    let text = t_args(language, key, &values);
    if text.starts_with("Unknown localization key") {
        return Err(Error::new(
            ErrorKind::InvalidOperation,
            format!("no message `{key}` in the catalogue"),
        ));
    }
    Ok(text)
}

fn render(name: &str, language: Language, ctx: Value) -> String {
    match ENV.get_template(name).and_then(|t| t.render(ctx)) {
        Ok(html) => html,
        Err(e) => {
            tracing::error!(template = name, error = %e, "page template failed to render");
            fallback(language)
        }
    }
}

/// What the customer sees when a template has a bug: a plain page in their language.
fn fallback(language: Language) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"robots\" content=\"noindex\">\n<meta name=\"referrer\" content=\"no-referrer\">\n\
         <title>{title}</title>\n</head>\n<body style=\"font-family:system-ui,sans-serif;max-width:420px;margin:48px auto;padding:0 16px\">\n\
         <h1>{title}</h1>\n<p>{text}</p>\n</body>\n</html>\n",
        lang = language.code(),
        title = escape(&t(language, "page-error-title")),
        text = escape(&t(language, "page-error-text")),
    )
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
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
    };
    render("link_problem.html", p.page.language, ctx)
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
    };
    render("forgot.html", f.page.language, ctx)
}

pub fn my_data(p: &MyDataPage) -> String {
    let c = p.customer;
    let address = c.address.as_ref();
    let text = |v: Option<&String>| v.cloned().unwrap_or_default();
    let values: BTreeMap<&str, String> = BTreeMap::from([
        ("companyName", c.company_name.clone()),
        ("owner", text(c.owner.as_ref())),
        ("contactPerson", text(c.contact_person.as_ref())),
        (
            "address.street",
            text(address.and_then(|a| a.street.as_ref())),
        ),
        (
            "address.postalCode",
            text(address.and_then(|a| a.postal_code.as_ref())),
        ),
        ("address.city", text(address.and_then(|a| a.city.as_ref()))),
        (
            "address.region",
            text(address.and_then(|a| a.region.as_ref())),
        ),
        (
            "address.country",
            address
                .map(|a| a.country.alpha2().to_owned())
                .unwrap_or_default(),
        ),
        ("language", c.language.code().to_owned()),
        (
            "mobile",
            c.mobile
                .as_ref()
                .map(|n| n.as_str().to_owned())
                .unwrap_or_default(),
        ),
        (
            "phone",
            c.phone
                .as_ref()
                .map(|n| n.as_str().to_owned())
                .unwrap_or_default(),
        ),
        (
            "fax",
            c.fax
                .as_ref()
                .map(|n| n.as_str().to_owned())
                .unwrap_or_default(),
        ),
        (
            "emails",
            c.emails
                .iter()
                .map(|e| e.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        ),
    ]);
    let (field_errors, other_errors) = errors_by_field(p.errors, &MY_DATA_FIELDS, p.page.language);
    let languages = language_options();
    let ctx = context! {
        lang => p.page.language.code(),
        agency => &p.page.agency,
        csrf => p.csrf,
        saved => p.saved,
        has_errors => !p.errors.is_empty(),
        field_errors => Serde(field_errors),
        other_errors => Serde(other_errors),
        values => Serde(values),
        language => c.language.code(),
        languages,
        login_email => c.login_email.as_ref().map(|e| e.as_str()).unwrap_or_default(),
        status => c.status.code(),
        password_changed => p.password_changed,
        password_error => &p.password_error,
        min_chars => MIN_CHARS,
        max_chars => MAX_CHARS,
    };
    render("my_data.html", p.page.language, ctx)
}

/// The messages to show at each of a form's `fields` (`emails[2]` counts as `emails`), and
/// those of any other field, shown above the form; all in `language`.
fn errors_by_field<'a>(
    errors: &[FieldError],
    fields: &[&'a str],
    language: Language,
) -> (BTreeMap<&'a str, Vec<String>>, Vec<String>) {
    let mut by_field: BTreeMap<&str, Vec<String>> =
        fields.iter().map(|f| (*f, Vec::new())).collect();
    let mut other = Vec::new();
    for error in errors {
        let field = error.field.split('[').next().unwrap_or_default();
        let message = field_message(language, error);
        match by_field.get_mut(field) {
            Some(messages) => messages.push(message),
            None => other.push(message),
        }
    }
    (by_field, other)
}

fn language_options() -> Vec<Value> {
    LANGUAGE_NAMES
        .iter()
        .map(|(language, name)| context! { code => language.code(), name => *name })
        .collect()
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
    use crate::domain::{CustomerChanges, CustomerId, TenantId};
    use crate::i18n::t_with;

    const AGENCY: &str = "Webagentur Berg & Söhne";
    const AGENCY_HTML: &str = "Webagentur Berg &amp; Söhne";
    const HOSTILE: &str = "<script>alert(1)</script>";
    const HOSTILE_HTML: &str = "&lt;script&gt;alert(1)&lt;&#x2f;script&gt;";

    fn page(language: Language) -> Page {
        Page {
            language,
            agency: AGENCY.into(),
        }
    }

    /// The checks every page passes: its language, the agency, no template leftovers.
    fn assert_page(html: &str, language: Language) {
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

    fn title(html: &str) -> &str {
        let start = html.find("<title>").unwrap() + "<title>".len();
        let end = html.find("</title>").unwrap();
        &html[start..end]
    }

    fn assert_titles_differ(titles: Vec<String>) {
        let distinct: std::collections::HashSet<_> = titles.iter().collect();
        assert_eq!(distinct.len(), titles.len(), "{titles:?}");
    }

    fn set_password_form(language: Language, purpose: Purpose) -> SetPasswordForm<'static> {
        SetPasswordForm {
            page: page(language),
            purpose,
            staff: false,
            company: HOSTILE,
            login_email: "anna@baeckerei.example",
            action: "/invite/abc",
            csrf: Some("csrf-token-123"),
            error: Some(t_with(language, "password-too-short", &[("min", "15")])),
        }
    }

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
        });
        assert!(en.contains(
            "If an account exists for this address, we sent a link. It is valid for one hour."
        ));
    }

    fn customer() -> Customer {
        let changes: CustomerChanges = serde_json::from_value(serde_json::json!({
            "companyName": HOSTILE,
            "owner": "Anna Schmidt",
            "contactPerson": "Jonas Weber",
            "address": {"street": "Hauptstraße 1", "postalCode": "10115", "city": "Berlin", "region": "Berlin", "country": "DE"},
            "language": "fr",
            "mobile": "0151 23456789",
            "phone": "030 901820",
            "emails": ["buero@baeckerei.example", "rechnung@baeckerei.example"],
            "loginEmail": "anna@baeckerei.example",
            "status": "feedback"
        }))
        .unwrap();
        changes.validate(None).unwrap().into_new_customer(
            CustomerId::new(),
            TenantId::new(),
            Language::De,
            Utc::now(),
        )
    }

    fn input<'h>(html: &'h str, name: &str) -> &'h str {
        let start = html
            .find(&format!("<input id=\"f-{name}\""))
            .unwrap_or_else(|| panic!("no input {name}"));
        let end = start + html[start..].find('>').unwrap();
        &html[start..=end]
    }

    #[test]
    fn the_my_data_page_in_every_language() {
        let customer = customer();
        let errors = [
            FieldError::of("mobile", &crate::domain::phone::PhoneError::NotMobile),
            FieldError::of("emails[1]", &crate::domain::email::EmailError::Invalid),
            FieldError::new("notes", "<i>too long</i>"),
        ];
        let mut titles = Vec::new();
        for language in Language::ALL {
            let html = my_data(&MyDataPage {
                page: page(language),
                customer: &customer,
                csrf: "csrf-token-123",
                saved: false,
                errors: &errors,
                password_changed: false,
                password_error: Some(t(language, "password-common")),
            });
            assert_page(&html, language);
            let expected = t(language, "page-my-data-title");
            assert_eq!(title(&html), format!("{expected} – {AGENCY_HTML}"));
            titles.push(expected);
            // Three forms, each with the csrf input.
            assert_eq!(
                html.matches("<input type=\"hidden\" name=\"csrf\" value=\"csrf-token-123\">")
                    .count(),
                3
            );
            for action in ["/me\"", "/me/password\"", "/logout\""] {
                assert!(html.contains(&format!("<form method=\"post\" action=\"{action}")));
            }
            // Prefilled with the customer's values, escaped.
            assert!(input(&html, "companyName").contains(&format!("value=\"{HOSTILE_HTML}\"")));
            assert!(!html.contains(HOSTILE));
            assert!(input(&html, "owner").contains("value=\"Anna Schmidt\""));
            assert!(input(&html, "contactPerson").contains("value=\"Jonas Weber\""));
            assert!(input(&html, "address.street").contains("value=\"Hauptstraße 1\""));
            assert!(input(&html, "address.postalCode").contains("value=\"10115\""));
            assert!(input(&html, "address.city").contains("value=\"Berlin\""));
            assert!(input(&html, "address.region").contains("value=\"Berlin\""));
            assert!(input(&html, "address.country").contains("value=\"DE\""));
            assert!(input(&html, "mobile").contains("value=\"+4915123456789\""));
            assert!(input(&html, "phone").contains("value=\"+4930901820\""));
            assert!(input(&html, "fax").contains("value=\"\""));
            assert!(
                input(&html, "emails")
                    .contains("value=\"buero@baeckerei.example, rechnung@baeckerei.example\"")
            );
            assert!(html.contains("<option value=\"fr\" lang=\"fr\" selected>Français</option>"));
            assert!(html.contains("<option value=\"de\" lang=\"de\">Deutsch</option>"));
            for name in ["English", "Español", "Nederlands", "Svenska"] {
                assert!(html.contains(&format!(">{name}</option>")));
            }
            // The errored fields are marked and carry their message; the others are not.
            assert!(input(&html, "mobile").contains("aria-invalid=\"true\""));
            assert!(input(&html, "mobile").contains("aria-describedby=\"e-mobile\""));
            assert!(html.contains(&format!(
                "<p class=\"error\" id=\"e-mobile\">{}</p>",
                escaped(&field_message(language, &errors[0]))
            )));
            assert!(input(&html, "emails").contains("aria-invalid=\"true\""));
            assert!(html.contains(&format!(
                "id=\"e-emails\">{}</p>",
                escaped(&field_message(language, &errors[1]))
            )));
            assert!(!input(&html, "phone").contains("aria-invalid"));
            assert!(!input(&html, "companyName").contains("aria-invalid"));
            // A problem without a code of its own shows the catalogue's generic message.
            assert!(html.contains(&format!(
                "<div class=\"alert\" role=\"alert\">{}<br>{}</div>",
                t(language, "page-my-data-errors"),
                escaped(&t(language, "field-invalid"))
            )));
            assert!(!html.contains("too long"));
            // Read-only: the login email and the localized status.
            assert!(html.contains("<dd>anna@baeckerei.example</dd>"));
            assert!(html.contains(&format!("<dd>{}</dd>", t(language, "page-status-feedback"))));
            // The password change.
            assert!(
                html.contains(
                    "name=\"current\" type=\"password\" autocomplete=\"current-password\""
                )
            );
            assert!(html.contains("name=\"new\" type=\"password\" autocomplete=\"new-password\" minlength=\"15\" maxlength=\"128\""));
            assert!(html.contains(&format!(
                "<p class=\"alert\" role=\"alert\" id=\"password-error\">{}</p>",
                t(language, "password-common")
            )));
            assert!(html.contains(&t(language, "page-logout")));
            assert!(!html.contains(&t(language, "page-my-data-saved")));
        }
        assert_titles_differ(titles);

        let saved = my_data(&MyDataPage {
            page: page(Language::En),
            customer: &customer,
            csrf: "c",
            saved: true,
            errors: &[],
            password_changed: true,
            password_error: None,
        });
        assert!(saved.contains("Your changes have been saved."));
        assert!(saved.contains("Your password has been changed."));
        assert!(saved.contains("<dd>Waiting for your feedback</dd>"));
        assert!(!saved.contains("role=\"alert\""));
        assert!(!saved.contains("aria-invalid=\"true\""));
    }

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

    /// As MiniJinja's auto-escaping writes text into HTML.
    fn escaped(text: &str) -> String {
        text.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
            .replace('\'', "&#x27;")
            .replace('/', "&#x2f;")
    }

    /// Every error the My data form can get, made by the validation the form goes through.
    fn my_data_errors(current: &Customer) -> Vec<FieldError> {
        let long = "x".repeat(201);
        let form = |value: serde_json::Value| -> Vec<FieldError> {
            serde_json::from_value::<CustomerChanges>(value)
                .unwrap()
                .validate(Some(current))
                .unwrap_err()
        };
        let emails: Vec<String> = (0..11).map(|i| format!("a{i}@example.com")).collect();
        let mut errors = Vec::new();
        for text_field in ["companyName", "owner", "contactPerson"] {
            errors.extend(form(serde_json::json!({ text_field: long })));
            errors.extend(form(serde_json::json!({ text_field: "a\u{1}b" })));
        }
        for part in ["street", "postalCode", "city", "region"] {
            errors.extend(form(
                serde_json::json!({"address": { part: long, "country": "DE" }}),
            ));
            errors.extend(form(
                serde_json::json!({"address": { part: "a\u{7}b", "country": "DE" }}),
            ));
        }
        errors.extend(form(serde_json::json!({
            "companyName": "", "language": "", "address": {"city": "Berlin"},
            "mobile": "0151 23456789", "phone": "+1 2", "fax": "030 1",
            "emails": ["ok@example.com", "broken", "name@localhost", format!("{long}@{long}.example"), "OK@example.com"],
        })));
        errors.extend(form(serde_json::json!({
            "language": "it", "address": {"country": "XX"}, "mobile": "+49 30 901820",
            "phone": "030 901820", "fax": "+49 12", "emails": emails,
        })));
        errors.extend(form(
            serde_json::json!({"mobile": "+49 12", "fax": "030 901820", "address": null}),
        ));
        // What PATCH /me refuses: the agency's fields.
        for field in ["loginEmail", "status", "notes"] {
            errors.push(FieldError::of(
                field,
                &crate::domain::validation::Common::AgencyOnly,
            ));
        }
        errors
    }

    /// The English catalogue text of every field error, as an English page would show it.
    fn english_messages(errors: &[FieldError]) -> Vec<String> {
        let mut english: Vec<String> = errors
            .iter()
            .flat_map(|e| [e.message.clone(), field_message(Language::En, e)])
            .collect();
        english.sort();
        english.dedup();
        english
    }

    #[test]
    fn every_field_error_on_my_data_is_in_the_readers_language() {
        let customer = customer();
        let errors = my_data_errors(&customer);
        let mut codes: Vec<(&str, &str)> = errors
            .iter()
            .map(|e| (e.field.split('[').next().unwrap(), e.code))
            .collect();
        codes.sort();
        codes.dedup();
        for expected in [
            ("companyName", "empty"),
            ("companyName", "too-long"),
            ("companyName", "control-character"),
            ("owner", "too-long"),
            ("contactPerson", "control-character"),
            ("address.street", "too-long"),
            ("address.postalCode", "too-long"),
            ("address.city", "control-character"),
            ("address.region", "too-long"),
            ("address.country", "country-required"),
            ("address.country", "country-unknown"),
            ("language", "empty"),
            ("language", "language-unknown"),
            ("mobile", "phone-needs-country"),
            ("mobile", "phone-not-mobile"),
            ("mobile", "phone-invalid"),
            ("phone", "phone-invalid"),
            ("phone", "phone-needs-country"),
            ("fax", "phone-invalid"),
            ("fax", "phone-needs-country"),
            ("emails", "too-many-emails"),
            ("emails", "email-invalid"),
            ("emails", "email-no-domain-dot"),
            ("emails", "email-too-long"),
            ("emails", "listed-twice"),
            ("loginEmail", "agency-only"),
        ] {
            assert!(
                codes.contains(&expected),
                "{expected:?} not made: {codes:?}"
            );
        }
        let english = english_messages(&errors);
        for error in &errors {
            // The API's English message is the English catalogue's text.
            assert_eq!(
                field_message(Language::En, error),
                error.message,
                "{error:?}"
            );
            for language in Language::ALL {
                let html = my_data(&MyDataPage {
                    page: page(language),
                    customer: &customer,
                    csrf: "c",
                    saved: false,
                    errors: std::slice::from_ref(error),
                    password_changed: false,
                    password_error: None,
                });
                assert_page(&html, language);
                let message = field_message(language, error);
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
        let english = english_messages(&errors);
        for error in &errors {
            assert_eq!(
                field_message(Language::En, error),
                error.message,
                "{error:?}"
            );
            for language in Language::ALL {
                let html = staff_account(&StaffAccountPage {
                    page: page(language),
                    member: &member,
                    csrf: "c",
                    saved: false,
                    errors: std::slice::from_ref(error),
                    password_changed: false,
                    password_error: None,
                });
                assert_page(&html, language);
                let message = field_message(language, error);
                assert!(html.contains(&escaped(&message)), "{language} {error:?}");
                if language != Language::En {
                    for text in &english {
                        assert!(
                            !html.contains(&escaped(text)),
                            "{language}: English {text:?}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn a_customer_without_address_or_numbers_renders_empty_fields() {
        let mut customer = customer();
        customer.address = None;
        customer.mobile = None;
        customer.emails.clear();
        let html = my_data(&MyDataPage {
            page: page(Language::Sv),
            customer: &customer,
            csrf: "c",
            saved: false,
            errors: &[],
            password_changed: false,
            password_error: None,
        });
        assert_page(&html, Language::Sv);
        assert!(input(&html, "address.country").contains("value=\"\""));
        assert!(input(&html, "emails").contains("value=\"\""));
    }

    #[test]
    fn a_broken_template_gives_the_fallback_page_not_a_panic() {
        let html = render("no-such-template.html", Language::De, context! {});
        assert!(html.contains("<html lang=\"de\">"));
        assert!(html.contains("Etwas ist schiefgelaufen"));
        let html = ENV
            .render_str("{{ t('no-such-key') }}", context! { lang => "en" })
            .unwrap_err();
        assert!(html.to_string().contains("no-such-key"));
        assert!(
            ENV.render_str("{{ t('page-portal') }}", context! {})
                .is_err(),
            "no language, no guess"
        );
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
