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

/// What the agency may write, in characters of template source.
const SUBJECT_SOURCE_MAX: usize = 300;
const BODY_SOURCE_MAX: usize = 20_000;
const SMS_SOURCE_MAX: usize = 1_000;
/// What a template may render to. Checked on every render, at save with sample data and at
/// send with the customer's, so a template that passed the save check fails at send only
/// when the customer's own data (long names, a long note) takes it over a limit. The
/// built-in templates stay within them with the longest data a record may hold.
///
/// A subject is the exception: at send, one that the customer's data (a 200-character
/// company name, say) takes over the limit is shortened rather than refused.
pub const SUBJECT_RENDERED_MAX: usize = 200;
pub const BODY_RENDERED_MAX: usize = 20_000;
/// Also bounds the layout's work: it loops over the body's paragraphs and lines.
pub const BODY_LINES_MAX: usize = 2_000;
pub const SMS_SEGMENTS_MAX: usize = 3;
/// Bounds the work and memory of one render (minijinja charges an instruction 1 and 64
/// bytes of output or allocation 1): about 6 MB, whatever loops or repetitions a template
/// asks for. The layout renders under the same budget.
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

/// The part of a template a problem is in, named as the template's JSON field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TemplatePart {
    Subject,
    Body,
}

impl TemplatePart {
    pub fn field(self) -> &'static str {
        match self {
            TemplatePart::Subject => "subject",
            TemplatePart::Body => "body",
        }
    }
}

/// Why a template can't be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateFault {
    Empty,
    SourceTooLong {
        max: usize,
    },
    Syntax {
        detail: String,
        line: Option<usize>,
    },
    UnknownVariables(Vec<String>),
    MissingVariable(&'static str),
    /// The engine's fuel ran out: loops or repetitions too large.
    TooMuchWork,
    /// Any other render error, such as a division by zero or a filter given the wrong type.
    Failed(String),
    RendersEmpty,
    RendersTooLong {
        max: usize,
    },
    TooManyLines {
        max: usize,
    },
    TooManySegments {
        max: usize,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    pub part: TemplatePart,
    pub fault: TemplateFault,
}

impl std::error::Error for TemplateError {}

/// For logs: the field and the English message.
impl std::fmt::Display for TemplateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.part.field(), self.message(Language::En))
    }
}

impl TemplateError {
    fn new(part: TemplatePart, fault: TemplateFault) -> Self {
        Self { part, fault }
    }

    fn rendering(part: TemplatePart, e: &minijinja::Error) -> Self {
        let fault = match e.kind() {
            minijinja::ErrorKind::OutOfFuel => TemplateFault::TooMuchWork,
            _ => TemplateFault::Failed(e.detail().unwrap_or("error").to_owned()),
        };
        Self::new(part, fault)
    }

    /// Why, in `language`, from the catalogue (`template-*` in `templates.ftl`). Details
    /// quoted from the template engine stay in its English.
    pub fn message(&self, language: Language) -> String {
        let max = |key: &str, max: &usize| t_with(language, key, &[("max", &max.to_string())]);
        match &self.fault {
            TemplateFault::Empty => t(language, "template-empty"),
            TemplateFault::SourceTooLong { max: m } => max("template-source-too-long", m),
            TemplateFault::Syntax { detail, line } => match line {
                Some(line) => t_with(
                    language,
                    "template-syntax-line",
                    &[("detail", detail), ("line", &line.to_string())],
                ),
                None => t_with(language, "template-syntax", &[("detail", detail)]),
            },
            TemplateFault::UnknownVariables(names) => t_with(
                language,
                "template-unknown-variables",
                &[
                    ("names", &braced(names.iter().map(String::as_str))),
                    ("available", &braced(VARIABLES.iter().copied())),
                ],
            ),
            TemplateFault::MissingVariable(name) => t_with(
                language,
                "template-missing-variable",
                &[("name", &braced([*name]))],
            ),
            TemplateFault::TooMuchWork => t(language, "template-too-much-work"),
            TemplateFault::Failed(detail) => {
                t_with(language, "template-failed", &[("detail", detail)])
            }
            TemplateFault::RendersEmpty => t(language, "template-renders-empty"),
            TemplateFault::RendersTooLong { max: m } => match self.part {
                TemplatePart::Subject => max("template-subject-too-long", m),
                TemplatePart::Body => max("template-body-too-long", m),
            },
            TemplateFault::TooManyLines { max: m } => max("template-too-many-lines", m),
            TemplateFault::TooManySegments { max: m } => max("template-too-many-segments", m),
        }
    }

    /// The problem under the template's `subject` or `body` field.
    pub fn field_error(&self, language: Language) -> FieldError {
        FieldError::new(self.part.field(), self.message(language))
    }
}

fn braced<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    names
        .into_iter()
        .map(|name| format!("{{{{ {name} }}}}"))
        .collect::<Vec<_>>()
        .join(", ")
}

macro_rules! builtin {
    ($language:expr, $file:literal) => {
        match $language {
            Language::De => include_str!(concat!("../../../templates/invitation/de/", $file)),
            Language::En => include_str!(concat!("../../../templates/invitation/en/", $file)),
            Language::Fr => include_str!(concat!("../../../templates/invitation/fr/", $file)),
            Language::Es => include_str!(concat!("../../../templates/invitation/es/", $file)),
            Language::Nl => include_str!(concat!("../../../templates/invitation/nl/", $file)),
            Language::Sv => include_str!(concat!("../../../templates/invitation/sv/", $file)),
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
        include_str!("../../../templates/email/invitation.html"),
    )
    .expect("the HTML layout parses");
    env.add_template(
        "invitation.txt",
        include_str!("../../../templates/email/invitation.txt"),
    )
    .expect("the text layout parses");
    env
});

/// Checks what can be known from one template source alone: it is there, not too long,
/// parses, uses only known variables and includes the `required` ones. Whether it renders
/// within the limits is for [`EmailTemplate::check`] and [`SmsTemplate::check`] to find out,
/// by rendering it as sending would.
fn check_source(
    part: TemplatePart,
    source: &str,
    max: usize,
    required: &[&'static str],
) -> Result<(), TemplateError> {
    let error = |fault| Err(TemplateError::new(part, fault));
    if source.trim().is_empty() {
        return error(TemplateFault::Empty);
    }
    if source.chars().count() > max {
        return error(TemplateFault::SourceTooLong { max });
    }
    let template = match ENV.template_from_str(source) {
        Ok(template) => template,
        Err(e) => {
            return error(TemplateFault::Syntax {
                detail: e.detail().unwrap_or("syntax error").to_owned(),
                line: e.line(),
            });
        }
    };
    let used = template.undeclared_variables(false);
    let mut unknown: Vec<String> = used
        .iter()
        .filter(|v| !VARIABLES.contains(&v.as_str()) && !is_builtin(v))
        .cloned()
        .collect();
    unknown.sort();
    if !unknown.is_empty() {
        return error(TemplateFault::UnknownVariables(unknown));
    }
    if let Some(missing) = required.iter().find(|r| !used.contains(**r)) {
        return error(TemplateFault::MissingVariable(missing));
    }
    Ok(())
}

/// Template globals such as `range` and `dict` are not variables.
fn is_builtin(name: &str) -> bool {
    ENV.globals().any(|(global, _)| global == name)
}

fn render_part(
    part: TemplatePart,
    source: &str,
    vars: &InvitationVars,
) -> Result<String, TemplateError> {
    ENV.render_str(source, minijinja::value::Serde(vars))
        .map_err(|e| TemplateError::rendering(part, &e))
}

/// Line breaks and runs of spaces become one space: subjects and SMS are one line.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn within(part: TemplatePart, text: String, max: usize) -> Result<String, TemplateError> {
    if text.is_empty() {
        Err(TemplateError::new(part, TemplateFault::RendersEmpty))
    } else if text.chars().count() > max {
        Err(TemplateError::new(
            part,
            TemplateFault::RendersTooLong { max },
        ))
    } else {
        Ok(text)
    }
}

/// `text` in at most `max` characters, the last of them `…`, cut after a word when one ends
/// in the second half.
fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let head: String = text.chars().take(max.saturating_sub(1)).collect();
    let cut = match head.rfind(' ') {
        Some(space) if head[..space].chars().count() >= max / 2 => &head[..space],
        _ => head.as_str(),
    };
    format!("{}…", cut.trim_end())
}

impl EmailTemplate {
    pub fn builtin(language: Language) -> Self {
        Self {
            subject: builtin!(language, "email_subject.txt").trim().to_owned(),
            body: builtin!(language, "email_body.txt").to_owned(),
        }
    }

    /// Checks the agency's template by doing what sending does with `sample` data: the
    /// subject, the body and the layout around it, under the same limits. Problems of each
    /// part are reported together.
    pub fn check(
        &self,
        language: Language,
        sample: &InvitationVars,
    ) -> Result<(), Vec<TemplateError>> {
        let subject = check_source(
            TemplatePart::Subject,
            &self.subject,
            SUBJECT_SOURCE_MAX,
            &[],
        )
        .and_then(|()| self.subject(sample));
        let body = check_source(TemplatePart::Body, &self.body, BODY_SOURCE_MAX, &[])
            .and_then(|()| self.body(sample));
        let errors: Vec<TemplateError> =
            [subject.err(), body.err()].into_iter().flatten().collect();
        if !errors.is_empty() {
            return Err(errors);
        }
        self.render(language, sample).map(drop).map_err(|e| vec![e])
    }

    fn subject(&self, vars: &InvitationVars) -> Result<String, TemplateError> {
        let part = TemplatePart::Subject;
        let rendered = render_part(part, &self.subject, vars)?;
        within(part, one_line(&rendered), SUBJECT_RENDERED_MAX)
    }

    /// The subject as sent: too long only because of the customer's data, it is cut at a
    /// word with an ellipsis.
    fn shortened_subject(&self, vars: &InvitationVars) -> Result<String, TemplateError> {
        match self.subject(vars) {
            Err(TemplateError {
                fault: TemplateFault::RendersTooLong { max },
                ..
            }) => {
                let rendered = render_part(TemplatePart::Subject, &self.subject, vars)?;
                Ok(shorten(&one_line(&rendered), max))
            }
            other => other,
        }
    }

    fn body(&self, vars: &InvitationVars) -> Result<String, TemplateError> {
        let part = TemplatePart::Body;
        let rendered = render_part(part, &self.body, vars)?
            .replace("\r\n", "\n")
            .trim()
            .to_owned();
        let body = within(part, rendered, BODY_RENDERED_MAX)?;
        if body.lines().count() > BODY_LINES_MAX {
            return Err(TemplateError::new(
                part,
                TemplateFault::TooManyLines {
                    max: BODY_LINES_MAX,
                },
            ));
        }
        Ok(body)
    }

    /// The email as it is sent: subject, and the body in the HTML and text layouts.
    pub fn render(
        &self,
        language: Language,
        vars: &InvitationVars,
    ) -> Result<RenderedEmail, TemplateError> {
        let subject = self.shortened_subject(vars)?;
        let body = self.body(vars)?;
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
        // Within the body's limits the layout stays far below the fuel; should it not, the
        // body is what made it so.
        let layout = |name: &str| {
            ENV.get_template(name)
                .and_then(|t| t.render(&ctx))
                .map_err(|e| TemplateError::rendering(TemplatePart::Body, &e))
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

    /// Checks the agency's SMS by rendering it as sending does, with `sample` data.
    pub fn check(&self, sample: &InvitationVars) -> Result<(), Vec<TemplateError>> {
        check_source(
            TemplatePart::Body,
            &self.body,
            SMS_SOURCE_MAX,
            &["invitation_link"],
        )
        .and_then(|()| self.render(sample).map(drop))
        .map_err(|e| vec![e])
    }

    /// One line of text: line breaks in the template become spaces. At most
    /// [`SMS_SEGMENTS_MAX`] segments, each of which the agency pays for.
    pub fn render(&self, vars: &InvitationVars) -> Result<String, TemplateError> {
        let part = TemplatePart::Body;
        let text = one_line(&render_part(part, &self.body, vars)?);
        // Every character takes a septet at least: a longer text is too long for certain,
        // and measuring megabytes character by character is not worth it.
        let too_long = text.chars().count() > SMS_SEGMENTS_MAX * super::sms::MULTIPART_SEPTETS
            || super::sms::measure(&text).segments > SMS_SEGMENTS_MAX;
        if text.is_empty() {
            Err(TemplateError::new(part, TemplateFault::RendersEmpty))
        } else if too_long {
            Err(TemplateError::new(
                part,
                TemplateFault::TooManySegments {
                    max: SMS_SEGMENTS_MAX,
                },
            ))
        } else {
            Ok(text)
        }
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
            EmailTemplate::builtin(language)
                .check(language, &v)
                .unwrap();
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
            .check(Language::En, &v)
            .map_err(|errors| {
                errors
                    .iter()
                    .map(|e| e.field_error(Language::En))
                    .collect::<Vec<_>>()
            })
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
        let err = check("ok", "{{ 1 / 0 }}").unwrap_err();
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
            err[0]
                .message(Language::En)
                .contains("{{ invitation_link }}"),
            "{}",
            err[0].message(Language::En)
        );
    }

    fn email_fault(subject: &str, body: &str) -> Option<(TemplatePart, TemplateFault)> {
        let v = vars(Language::En, "", PortalArea::Start);
        EmailTemplate {
            subject: subject.into(),
            body: body.into(),
        }
        .check(Language::En, &v)
        .err()
        .map(|errors| (errors[0].part, errors[0].fault.clone()))
    }

    #[test]
    fn work_and_output_are_bounded_alike_at_check_and_at_render() {
        use TemplateFault::*;
        use TemplatePart::*;
        let nested =
            "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}";
        let cases = [
            ("ok", nested, Some((Body, TooMuchWork))),
            ("ok", "{{ 'a' * 100000000 }}", Some((Body, TooMuchWork))),
            (
                "ok",
                "{{ 'a\\n\\n' * 200000 }}",
                Some((
                    Body,
                    RendersTooLong {
                        max: BODY_RENDERED_MAX,
                    },
                )),
            ),
            (
                "ok",
                "{{ 'a\\n' * 2001 }}",
                Some((
                    Body,
                    TooManyLines {
                        max: BODY_LINES_MAX,
                    },
                )),
            ),
            ("ok", "{{ 'a\\n' * 2000 }}", None),
            ("ok", "{{ 'b' * 20000 }}", None),
            (
                "ok",
                "{% if false %}x{% endif %}",
                Some((Body, RendersEmpty)),
            ),
            (
                "{{ 'a' * 201 }}",
                "ok",
                Some((
                    Subject,
                    RendersTooLong {
                        max: SUBJECT_RENDERED_MAX,
                    },
                )),
            ),
            ("{{ 'a \\n' * 100 }}", "ok", None),
        ];
        for (subject, body, expected) in cases {
            assert_eq!(email_fault(subject, body), expected, "{subject} / {body}");
        }
    }

    /// The longest data a customer record, an agency and a send request allow.
    fn longest_vars(language: Language) -> InvitationVars {
        let mut v = vars(language, "", PortalArea::CustomerData);
        v.company = "W".repeat(200);
        v.contact_name = "M".repeat(200);
        v.agency = "A".repeat(200);
        v.login_email = format!("{}@{}.example", "l".repeat(64), "d".repeat(180));
        v.note = format!("n{}n", "\n".repeat(998));
        v
    }

    #[test]
    fn the_builtin_templates_render_with_the_longest_data() {
        for language in Language::ALL {
            let v = longest_vars(language);
            let email = EmailTemplate::builtin(language)
                .render(language, &v)
                .unwrap();
            assert_eq!(
                email.subject.chars().count(),
                SUBJECT_RENDERED_MAX,
                "{language}"
            );
            assert!(
                email.subject.ends_with('…'),
                "{language}: {}",
                email.subject
            );
            assert!(email.text.contains(&v.company), "{language}");
            let mut sms_vars = v.clone();
            // The agency's name is the one thing the SMS shares with the sample: the same.
            sms_vars.agency = "Webagentur Berg".into();
            SmsTemplate::builtin(language).render(&sms_vars).unwrap();
        }
    }

    #[test]
    fn a_subject_is_shortened_at_a_word() {
        assert_eq!(shorten("short", 10), "short");
        assert_eq!(shorten("one two three four", 10), "one two…");
        assert_eq!(shorten(&"x".repeat(30), 10), format!("{}…", "x".repeat(9)));
    }

    #[test]
    fn a_body_at_every_limit_still_renders_in_the_layout() {
        // The layout loops over lines: the most the limits allow, empty and full ones.
        let template = EmailTemplate {
            subject: "{{ 'x' * 200 }}".into(),
            body: format!("{{{{ 'a\\n' * {} }}}}", BODY_LINES_MAX),
        };
        let v = vars(Language::En, "", PortalArea::Files);
        template.check(Language::En, &v).unwrap();
        template.render(Language::En, &v).unwrap();
        let template = EmailTemplate {
            subject: "x".into(),
            body: format!(
                "{{{{ ('a\\n' * {}) ~ ('a' * 16000) }}}}",
                BODY_LINES_MAX - 1
            ),
        };
        template.check(Language::En, &v).unwrap();
        let lines = BODY_LINES_MAX / 2;
        let per_line = BODY_RENDERED_MAX / BODY_LINES_MAX;
        let body = format!("{{{{ ('{}\\n\\n' * {lines}) }}}}", "<".repeat(per_line));
        let template = EmailTemplate {
            subject: "{{ 'x' * 200 }}".into(),
            body,
        };
        let v = vars(Language::En, "", PortalArea::Files);
        template.check(Language::En, &v).unwrap();
        let email = template.render(Language::En, &v).unwrap();
        assert!(email.html.matches("&lt;").count() >= lines * per_line);
    }

    #[test]
    fn an_sms_is_refused_beyond_three_segments() {
        let v = vars(Language::En, "", PortalArea::Start);
        let sms = |body: String| {
            SmsTemplate { body }
                .check(&v)
                .map_err(|e| e[0].fault.clone())
        };
        let link = v.invitation_link.chars().count() + 1;
        let fits = 3 * sms::MULTIPART_SEPTETS - link;
        assert_eq!(
            sms(format!("{} {{{{ invitation_link }}}}", "a".repeat(fits))),
            Ok(())
        );
        assert_eq!(
            sms(format!(
                "{} {{{{ invitation_link }}}}",
                "a".repeat(fits + 1)
            )),
            Err(TemplateFault::TooManySegments { max: 3 })
        );
        assert_eq!(
            sms("{{ 'a' * 1000000 }}{{ invitation_link }}".into()),
            Err(TemplateFault::TooManySegments { max: 3 })
        );
    }

    #[test]
    fn every_refusal_is_told_in_every_language() {
        let faults = [
            TemplateFault::Empty,
            TemplateFault::SourceTooLong { max: 300 },
            TemplateFault::Syntax {
                detail: "unexpected end".into(),
                line: Some(2),
            },
            TemplateFault::Syntax {
                detail: "unexpected end".into(),
                line: None,
            },
            TemplateFault::UnknownVariables(vec!["kunde".into()]),
            TemplateFault::MissingVariable("invitation_link"),
            TemplateFault::TooMuchWork,
            TemplateFault::Failed("division by zero".into()),
            TemplateFault::RendersEmpty,
            TemplateFault::RendersTooLong { max: 200 },
            TemplateFault::TooManyLines { max: 500 },
            TemplateFault::TooManySegments { max: 3 },
        ];
        for fault in faults {
            for part in [TemplatePart::Subject, TemplatePart::Body] {
                let error = TemplateError::new(part, fault.clone());
                let english = error.message(Language::En);
                for language in Language::ALL {
                    let message = error.message(language);
                    assert!(!message.is_empty(), "{language} {fault:?}");
                    assert!(!message.contains("template-"), "{language}: {message}");
                    assert!(!message.contains("{$"), "{language}: {message}");
                    if language != Language::En {
                        assert_ne!(message, english, "{language} {fault:?}");
                    }
                }
            }
        }
        for language in Language::ALL {
            let title = t(language, "template-unusable-title");
            let detail = t_with(
                language,
                "template-unusable-detail",
                &[
                    ("channel", "sms"),
                    ("language", "de"),
                    ("field", "body"),
                    ("reason", "X"),
                ],
            );
            for text in [title, detail] {
                assert!(!text.contains("template-"), "{language}: {text}");
                assert!(!text.contains("{$"), "{language}: {text}");
            }
        }
    }
}
