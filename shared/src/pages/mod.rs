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

mod feedback;
mod files;
mod form_entries;
mod forms;
mod links;
mod login;
mod my_data;
mod staff;
mod start;
#[cfg(test)]
mod test_support;
mod wishes;

use std::{collections::BTreeMap, sync::LazyLock};

use minijinja::{
    Environment, Error, ErrorKind, State, UndefinedBehavior, context,
    syntax::SyntaxConfig,
    value::{Kwargs, Value},
};
use serde::Serialize;

use crate::{
    domain::{FieldError, Language},
    i18n::{Arg, field_message, t, t_args},
};

pub use feedback::{
    AttachmentRow, FEEDBACK_STATES, FeedbackFilter, FeedbackPage, HistoryRow, ItemRow, PageGroup,
    ReplyRow, feedback, feedback_csp,
};
pub use files::{
    FILES_CSP, FileRow, FilesPage, FolderLink, LinkRow, PATH as FILES_PAGE_PATH, StaffFiles,
    UploadLimits, files, shown_size,
};
pub use form_entries::{
    EntriesEntry, EntriesField, EntriesFilter, EntriesForm, FormEntriesPage, form_entries,
};
pub use forms::{FormIntakePage, form_intake};
pub use links::{
    LinkProblem, LinkProblemPage, Purpose, SetPasswordForm, link_problem, set_password,
};
pub use login::{ForgotForm, LoginForm, Notice, forgot, login};
pub use my_data::{MY_DATA_FIELDS, MyDataPage, my_data};
pub use staff::{StaffAccountPage, staff_account};
pub use start::{Nav, NavItem, StartPage, start};
pub use wishes::{PAGE_ROWS_MIN, WISHES_CSP, WishesPage, wishes};

/// What every page shows at the top: the agency's name (the portal is white-label), in the
/// customer's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Page {
    pub language: Language,
    pub agency: String,
}

/// The agency's logo and colour on a page no session ties to a customer (login, forgot
/// password, the link pages): the agency is known from the link or the portal address. The
/// logged-in pages carry the same in their [`Nav`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Brand {
    pub logo: Option<String>,
    pub colour: Option<String>,
}

impl Brand {
    pub fn of(branding: &crate::domain::Branding) -> Self {
        Self {
            logo: branding.logo_url.as_ref().map(|u| u.as_str().to_owned()),
            colour: branding.colour.as_ref().map(|c| c.as_str().to_owned()),
        }
    }
}

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
const ARG_NAMES: [&str; 7] = [
    "agency",
    "company",
    "email",
    "min",
    "max",
    "date",
    "downloads",
];

const TEMPLATES: [(&str, &str); 15] = [
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
    (
        "login.html",
        include_str!("../../templates/pages/login.html"),
    ),
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
    (
        "form_intake.html",
        include_str!("../../templates/pages/form_intake.html"),
    ),
    (
        "form_entries.html",
        include_str!("../../templates/pages/form_entries.html"),
    ),
    (
        "start.html",
        include_str!("../../templates/pages/start.html"),
    ),
    (
        "wishes.html",
        include_str!("../../templates/pages/wishes.html"),
    ),
    (
        "files.html",
        include_str!("../../templates/pages/files.html"),
    ),
    (
        "feedback.html",
        include_str!("../../templates/pages/feedback.html"),
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
