//! Invitation email and SMS: built-in wording per language, the agency's own templates, and
//! rendering into the email layout.

use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use minijinja::{Environment, UndefinedBehavior, context};
use serde::Serialize;

use crate::{
    domain::{Customer, FieldError, Language, PortalArea, Tenant},
    i18n::{long_date, t, t_with},
};

/// The variables an invitation template may use.
pub const VARIABLES: &[&str] = &[
    "company",
    "contact_name",
    "agency",
    "invitation_link",
    "login_link",
    "expires_on",
    "note",
    "login_email",
    "area",
];

const SUBJECT_MAX: usize = 300;
const BODY_MAX: usize = 20_000;
const SMS_MAX: usize = 1_000;
/// Bounds the work one agency template can cause (loops over huge ranges and the like).
const FUEL: u64 = 100_000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InvitationVars {
    pub company: String,
    pub contact_name: String,
    pub agency: String,
    pub invitation_link: String,
    pub login_link: String,
    pub expires_on: String,
    pub note: String,
    pub login_email: String,
    pub area: String,
}

impl InvitationVars {
    /// What a real invitation of `customer` fills in.
    #[allow(clippy::too_many_arguments)]
    pub fn for_customer(
        tenant: &Tenant,
        customer: &Customer,
        language: Language,
        area: PortalArea,
        note: Option<&str>,
        invitation_link: String,
        login_link: String,
        expires_at: DateTime<Utc>,
    ) -> Self {
        Self {
            company: customer.company_name.clone(),
            contact_name: customer
                .contact_person
                .clone()
                .or_else(|| customer.owner.clone())
                .unwrap_or_else(|| customer.company_name.clone()),
            agency: tenant.name.clone(),
            invitation_link,
            login_link,
            expires_on: long_date(language, expires_at),
            note: note.unwrap_or_default().to_owned(),
            login_email: customer
                .login_email
                .as_ref()
                .map(|e| e.to_string())
                .unwrap_or_default(),
            area: area_name(language, area),
        }
    }

    /// Plausible sample data in `language`, for previews and for checking templates.
    pub fn sample(tenant: &Tenant, language: Language, now: DateTime<Utc>) -> Self {
        let base = tenant.portal_base_url.as_str();
        Self {
            company: t(language, "sample-company"),
            contact_name: t(language, "sample-contact"),
            agency: tenant.name.clone(),
            invitation_link: format!("{base}/invite/{}", "x".repeat(43)),
            login_link: format!("{base}/login"),
            expires_on: long_date(
                language,
                now + chrono::Duration::days(tenant.invitation_validity_days.days().into()),
            ),
            note: t(language, "sample-note"),
            login_email: "anna@example.com".into(),
            area: area_name(language, PortalArea::Start),
        }
    }
}

pub fn area_name(language: Language, area: PortalArea) -> String {
    t(language, &format!("area-{}", area.code()))
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailTemplate {
    pub subject: String,
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmsTemplate {
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RenderedEmail {
    pub subject: String,
    pub text: String,
    pub html: String,
}

#[derive(Debug, thiserror::Error)]
#[error("the template could not be rendered: {0}")]
pub struct TemplateError(String);

macro_rules! builtin {
    ($language:expr, $file:literal) => {
        match $language {
            Language::De => include_str!(concat!("../../templates/invitation/de/", $file)),
            Language::En => include_str!(concat!("../../templates/invitation/en/", $file)),
            Language::Fr => include_str!(concat!("../../templates/invitation/fr/", $file)),
            Language::Es => include_str!(concat!("../../templates/invitation/es/", $file)),
            Language::Nl => include_str!(concat!("../../templates/invitation/nl/", $file)),
            Language::Sv => include_str!(concat!("../../templates/invitation/sv/", $file)),
        }
    };
}

static ENV: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_fuel(Some(FUEL));
    // Templates are ours and fixed: a failure here is a bug caught by the tests.
    env.add_template(
        "invitation.html",
        include_str!("../../templates/email/invitation.html"),
    )
    .expect("the HTML layout parses");
    env.add_template(
        "invitation.txt",
        include_str!("../../templates/email/invitation.txt"),
    )
    .expect("the text layout parses");
    env
});

/// Checks one template source: it parses, uses only known variables, includes the
/// `required` ones, and renders with sample data. Problems are reported under `field`.
fn check_source(
    field: &str,
    source: &str,
    max: usize,
    required: &[&str],
    sample: &InvitationVars,
) -> Vec<FieldError> {
    let error = |message: String| vec![FieldError::new(field, message)];
    if source.trim().is_empty() {
        return error("must not be empty".into());
    }
    if source.chars().count() > max {
        return error(format!("must be at most {max} characters long"));
    }
    let template = match ENV.template_from_str(source) {
        Ok(template) => template,
        Err(e) => {
            let line = e.line().map(|l| format!(" (line {l})")).unwrap_or_default();
            return error(format!(
                "does not parse: {}{line}",
                e.detail().unwrap_or("syntax error")
            ));
        }
    };
    let mut unknown: Vec<String> = template
        .undeclared_variables(false)
        .into_iter()
        .filter(|v| !VARIABLES.contains(&v.as_str()) && !is_builtin(v))
        .collect();
    unknown.sort();
    if !unknown.is_empty() {
        return error(format!(
            "uses unknown variable{} {}; available are {}",
            if unknown.len() > 1 { "s" } else { "" },
            unknown
                .iter()
                .map(|v| format!("{{{{ {v} }}}}"))
                .collect::<Vec<_>>()
                .join(", "),
            VARIABLES.join(", ")
        ));
    }
    let used = template.undeclared_variables(false);
    let missing: Vec<_> = required.iter().filter(|r| !used.contains(**r)).collect();
    if let Some(first) = missing.first() {
        return error(format!("must contain {{{{ {first} }}}}"));
    }
    if let Err(e) = template.render(minijinja::value::Serde(sample)) {
        return error(format!(
            "cannot be rendered: {}",
            e.detail().unwrap_or("error")
        ));
    }
    Vec::new()
}

/// Template globals such as `range` and `dict` are not variables.
fn is_builtin(name: &str) -> bool {
    ENV.globals().any(|(global, _)| global == name)
}

impl EmailTemplate {
    pub fn builtin(language: Language) -> Self {
        Self {
            subject: builtin!(language, "email_subject.txt").trim().to_owned(),
            body: builtin!(language, "email_body.txt").to_owned(),
        }
    }

    pub fn check(&self, sample: &InvitationVars) -> Result<(), Vec<FieldError>> {
        let mut errors = check_source("subject", &self.subject, SUBJECT_MAX, &[], sample);
        errors.extend(check_source("body", &self.body, BODY_MAX, &[], sample));
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    pub fn render(
        &self,
        language: Language,
        vars: &InvitationVars,
    ) -> Result<RenderedEmail, TemplateError> {
        let render = |source: &str| {
            ENV.render_str(source, minijinja::value::Serde(vars))
                .map_err(|e| TemplateError(e.to_string()))
        };
        let subject = render(&self.subject)?
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let body = render(&self.body)?.replace("\r\n", "\n").trim().to_owned();
        let paragraphs: Vec<Vec<String>> = body
            .split("\n\n")
            .map(|p| {
                p.lines()
                    .map(|l| l.trim_end().to_owned())
                    .collect::<Vec<_>>()
            })
            .filter(|p| p.iter().any(|l| !l.trim().is_empty()))
            .collect();
        let opens_area = (vars.area != area_name(language, PortalArea::Start))
            .then(|| t_with(language, "email-opens-area", &[("area", &vars.area)]));
        let labels = context! {
            set_password => t(language, "email-button-set-password"),
            login => t(language, "email-button-login"),
            fallback => t(language, "email-link-fallback"),
            username => t_with(language, "email-username", &[("email", &vars.login_email)]),
            expiry => t_with(language, "email-expiry", &[("date", &vars.expires_on), ("agency", &vars.agency)]),
            footer => t_with(language, "email-footer", &[("agency", &vars.agency)]),
            opens_area,
        };
        let ctx = context! {
            lang => language.code(),
            subject => &subject,
            body => &body,
            paragraphs,
            invitation_link => &vars.invitation_link,
            login_link => &vars.login_link,
            labels,
        };
        let layout = |name: &str| {
            ENV.get_template(name)
                .and_then(|t| t.render(&ctx))
                .map_err(|e| TemplateError(e.to_string()))
        };
        Ok(RenderedEmail {
            html: layout("invitation.html")?,
            text: layout("invitation.txt")?,
            subject,
        })
    }
}

impl SmsTemplate {
    pub fn builtin(language: Language) -> Self {
        Self {
            body: builtin!(language, "sms.txt").trim().to_owned(),
        }
    }

    pub fn check(&self, sample: &InvitationVars) -> Result<(), Vec<FieldError>> {
        let errors = check_source("body", &self.body, SMS_MAX, &["invitation_link"], sample);
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// One line of text: line breaks in the template become spaces.
    pub fn render(&self, vars: &InvitationVars) -> Result<String, TemplateError> {
        let text = ENV
            .render_str(&self.body, minijinja::value::Serde(vars))
            .map_err(|e| TemplateError(e.to_string()))?;
        Ok(text.split_whitespace().collect::<Vec<_>>().join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{domain::NewTenant, messages::sms};

    fn tenant() -> Tenant {
        NewTenant {
            name: "Webagentur Berg".into(),
            portal_base_url: "https://kunden.berg.example".into(),
            sender_email: "portal@berg.example".into(),
            default_language: "de".into(),
            tier: "starter".into(),
        }
        .validate(Utc::now())
        .unwrap()
    }

    fn vars(language: Language, note: &str, area: PortalArea) -> InvitationVars {
        let mut v = InvitationVars::sample(&tenant(), language, Utc::now());
        v.invitation_link = format!("https://kunden.berg.example/invite/{}", "A".repeat(43));
        v.login_link = "https://kunden.berg.example/login?next=/files".into();
        v.note = note.into();
        v.area = area_name(language, area);
        v
    }

    #[test]
    fn every_language_has_a_complete_builtin_email_with_both_links() {
        for language in Language::ALL {
            let v = vars(language, "", PortalArea::Start);
            EmailTemplate::builtin(language).check(&v).unwrap();
            let email = EmailTemplate::builtin(language)
                .render(language, &v)
                .unwrap();
            assert!(
                email.subject.contains("Webagentur Berg"),
                "{language}: {}",
                email.subject
            );
            assert!(!email.subject.contains('\n'));
            // The HTML escapes `/` and `&`, as it may: browsers and mail clients decode them.
            let html = email.html.replace("&#x2f;", "/").replace("&amp;", "&");
            for part in [&email.text, &html] {
                assert!(part.contains(&v.invitation_link), "{language}");
                assert!(part.contains(&v.login_link), "{language}");
                assert!(part.contains(&v.expires_on), "{language}");
                assert!(part.contains(&v.contact_name), "{language}");
            }
            assert!(email.html.contains(&format!("<html lang=\"{language}\">")));
            assert!(!email.text.contains("\n\n\n"), "{language}: {}", email.text);
        }
    }

    #[test]
    fn the_languages_really_differ() {
        let subjects: std::collections::HashSet<_> = Language::ALL
            .into_iter()
            .map(|l| {
                EmailTemplate::builtin(l)
                    .render(l, &vars(l, "", PortalArea::Start))
                    .unwrap()
                    .subject
            })
            .collect();
        assert_eq!(subjects.len(), 6);
        let de = EmailTemplate::builtin(Language::De)
            .render(Language::De, &vars(Language::De, "", PortalArea::Files))
            .unwrap();
        assert!(de.text.contains("Passwort"), "{}", de.text);
        assert!(
            de.text.contains("Dateien"),
            "the area is named: {}",
            de.text
        );
    }

    #[test]
    fn dates_are_written_the_local_way() {
        let at = chrono::DateTime::parse_from_rfc3339("2026-03-05T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(long_date(Language::De, at), "5. März 2026");
        assert_eq!(long_date(Language::En, at), "March 5, 2026");
        assert_eq!(long_date(Language::Fr, at), "5 mars 2026");
        assert_eq!(long_date(Language::Sv, at), "5 mars 2026");
    }

    #[test]
    fn the_personal_note_appears_when_given() {
        let v = vars(Language::En, "See you on Monday!", PortalArea::Start);
        let email = EmailTemplate::builtin(Language::En)
            .render(Language::En, &v)
            .unwrap();
        assert!(email.text.contains("See you on Monday!"));
        assert!(email.html.contains("See you on Monday!"));
    }

    #[test]
    fn agency_text_is_escaped_in_html() {
        let mut v = vars(Language::En, "<script>alert(1)</script>", PortalArea::Start);
        v.company = "Smith & Sons <b>".into();
        let template = EmailTemplate {
            subject: "Hi {{ company }}".into(),
            body: "{{ company }}\n\n{{ note }}".into(),
        };
        let email = template.render(Language::En, &v).unwrap();
        assert!(email.html.contains("Smith &amp; Sons &lt;b&gt;"));
        assert!(email.html.contains("&lt;script&gt;"));
        assert!(!email.html.contains("<script>"));
        assert_eq!(
            email.subject, "Hi Smith & Sons <b>",
            "the subject is plain text"
        );
    }

    #[test]
    fn builtin_sms_fit_one_segment_where_the_alphabet_allows() {
        for language in Language::ALL {
            let v = vars(language, "", PortalArea::Start);
            let template = SmsTemplate::builtin(language);
            template.check(&v).unwrap();
            let text = template.render(&v).unwrap();
            assert!(text.contains(&v.invitation_link));
            let info = sms::measure(&text);
            assert_eq!(info.encoding, sms::SmsEncoding::Gsm7, "{language}: {text}");
            assert_eq!(
                info.segments, 1,
                "{language} is {} characters: {text}",
                info.length
            );
        }
    }

    #[test]
    fn bad_agency_templates_are_refused_with_the_reason() {
        let v = vars(Language::En, "", PortalArea::Start);
        let check = |subject: &str, body: &str| {
            EmailTemplate {
                subject: subject.into(),
                body: body.into(),
            }
            .check(&v)
        };
        let err = check("Hello {{ customer_name }}", "ok").unwrap_err();
        assert_eq!(err[0].field, "subject");
        assert!(
            err[0].message.contains("{{ customer_name }}"),
            "{}",
            err[0].message
        );
        let err = check("ok", "Hello {% if %}").unwrap_err();
        assert_eq!(err[0].field, "body");
        assert!(
            err[0].message.starts_with("does not parse"),
            "{}",
            err[0].message
        );
        let err = check("", "{{ company | nosuchfilter }}").unwrap_err();
        assert_eq!(
            err.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(),
            ["subject", "body"]
        );
        let err = check(
            "ok",
            "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}",
        )
        .unwrap_err();
        assert!(
            err[0].message.starts_with("cannot be rendered"),
            "{}",
            err[0].message
        );
        assert!(check("Welcome, {{ contact_name }}", "{{ note }} {{ company }}").is_ok());

        let err = SmsTemplate {
            body: "Hi {{ company }}, log in at {{ login_link }}".into(),
        }
        .check(&v)
        .unwrap_err();
        assert!(
            err[0].message.contains("{{ invitation_link }}"),
            "{}",
            err[0].message
        );
    }
}
